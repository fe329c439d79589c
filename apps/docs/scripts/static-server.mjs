/**
 * A static file server for the built site (`.vitepress/dist`) with VitePress's clean URLs: `/guide/x`
 * serves `guide/x.html`, `/guide/` serves `guide/index.html`, anything else the site's `404.html`.
 * Used by `scripts/preview.mjs` (`docs:preview`) and by the browser test `test/site.test.mjs`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";

/** Content types of the files a VitePress build emits. */
export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * The file under `dist` that a request path names, or `null` when there is none (or the path is not
 * valid percent-encoding, or leaves `dist`).
 *
 * @example
 * resolveFile(dist, "/guide/getting-started"); // ".../dist/guide/getting-started.html"
 */
export function resolveFile(dist, urlPath) {
  let clean;
  try {
    clean = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  const base = join(dist, clean);
  if (!base.startsWith(dist)) return null;
  const candidates = clean.endsWith("/") ? [join(base, "index.html")] : [base, `${base}.html`, join(base, "index.html")];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/**
 * An `http.Server` (not yet listening) that serves `dist`.
 *
 * @example
 * createStaticServer(dist).listen(4173, "127.0.0.1");
 */
export function createStaticServer(dist) {
  return createServer((req, res) => {
    const file = resolveFile(dist, req.url ?? "/");
    if (file === null) {
      res.writeHead(404, { "content-type": MIME[".html"] });
      res.end(existsSync(join(dist, "404.html")) ? readFileSync(join(dist, "404.html")) : "not found");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
}
