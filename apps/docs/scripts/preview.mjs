/**
 * Serves the built site (`.vitepress/dist`) with VitePress's clean URLs, on 127.0.0.1 unless told
 * otherwise: `vitepress preview` 1.6 listens on every interface and has no host option.
 *
 *   node scripts/preview.mjs [--host 127.0.0.1] [--port 4173]
 *
 * `--host 0.0.0.0` (or `KN_DOCS_HOST=0.0.0.0`) exposes the site to the network on purpose.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStaticServer } from "./static-server.mjs";

const dist = fileURLToPath(new URL("../.vitepress/dist/", import.meta.url));

function arg(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = args[i];
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : (args[i + 1] ?? fallback);
}

const host = arg("host", process.env.KN_DOCS_HOST ?? "127.0.0.1");
const port = Number(arg("port", process.env.KN_DOCS_PORT ?? "4173"));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid argument: \`--port\` must be an integer in [0, 65535]; got ${arg("port", "")}`);
  process.exit(2);
}
if (!existsSync(join(dist, "index.html"))) {
  console.error("the site has not been built: run `pnpm docs:build` first");
  process.exit(1);
}

const server = createStaticServer(dist);
server.listen(port, host, () => {
  const a = server.address();
  const shown = a.family === "IPv6" ? `[${a.address}]` : a.address;
  console.log(`built site served at http://${shown}:${a.port}/`);
});
