/**
 * Test harness of the WebGPU suite: bundles `page.ts` with esbuild (in memory), serves it from
 * 127.0.0.1 (a secure context: `about:blank` has no `navigator.gpu`) and drives Debian's Chromium with
 * WebGPU on its software adapter (SwiftShader) through playwright-core. Chromium is launched once per
 * suite. `CHROMIUM_PATH` overrides the browser; `KN_SKIP_GPU=1` turns a missing browser or adapter
 * into a skip with the reason printed (otherwise the suite fails).
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import type { PageApi } from "./page.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
  "--disable-gpu-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface GpuPage {
  readonly page: Page;
  /** Call a method of the page's API with JSON arguments. */
  call<K extends keyof PageApi>(name: K, ...args: Parameters<PageApi[K]>): Promise<Awaited<ReturnType<PageApi[K]>>>;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Workspace packages resolve to their TypeScript sources (as in the root vitest config). */
const workspaceSources: Plugin = {
  name: "workspace-sources",
  setup(b) {
    b.onResolve({ filter: /^@kinetic-nde\// }, (args) => {
      const [, pkg, sub] = /^@kinetic-nde\/([^/]+)(?:\/(.+))?$/.exec(args.path) ?? [];
      if (pkg === undefined) return undefined;
      const src = `${ROOT}packages/${pkg}/src/`;
      if (sub === undefined) return { path: `${src}index.ts` };
      return { path: existsSync(`${src}${sub}/index.ts`) ? `${src}${sub}/index.ts` : `${src}${sub}.ts` };
    });
  },
};

/** Bundle `entry` (a path relative to this file, or a file URL) for the browser, in memory. */
export async function bundle(entry: string): Promise<string> {
  const r = await build({
    plugins: [workspaceSources],
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return r.outputFiles[0]!.text;
}

/** Serve `/` (a page loading `/bundle.js`) and `/bundle.js` on 127.0.0.1 at a free port. */
export async function serve(js: string): Promise<{ server: Server; origin: string }> {
  const html = '<!doctype html><meta charset="utf-8"><title>kinetic-nde webgpu</title><script type="module" src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      res.end(js);
    } else {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("the test server has no port");
  return { server, origin: `http://127.0.0.1:${addr.port}` };
}

/**
 * Open a page with the WebGPU backend (by default this suite's `page.ts`; the GPU benchmark passes its
 * own entry and may replace the adapter flags). Throws (with the reason) when Chromium or its adapter
 * is missing.
 */
export async function openGpuPage(entry = "./page.ts", args: readonly string[] = CHROMIUM_ARGS): Promise<GpuPage> {
  const js = await bundle(entry);
  const { server, origin } = await serve(js);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...args] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    if (process.env.KN_GPU_CONSOLE === "1") page.on("console", (m) => console.log(`[page] ${m.text()}`));
    await page.goto(`${origin}/`, { waitUntil: "load" });
    await page.waitForFunction(() => "kn" in globalThis, undefined, { timeout: 30_000 });
    if (errors.length > 0) throw new Error(`the test page failed: ${errors.join("; ")}`);
    const b = browser;
    return {
      page,
      call: (name, ...args) =>
        page.evaluate(([n, a]) => (globalThis as unknown as { kn: Record<string, (...x: unknown[]) => unknown> }).kn[n]!(...a), [
          name,
          args,
        ] as [string, unknown[]]) as never,
      close: async () => {
        await b.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
