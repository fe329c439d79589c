/**
 * Shared set-up of the browser tests: the built site (`.vitepress/dist`) served on a free loopback
 * port, Debian's Chromium driven by playwright-core, and a tiny pass/fail reporter.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createStaticServer } from "../scripts/static-server.mjs";

export const appDir = fileURLToPath(new URL("../", import.meta.url));
export const dist = join(appDir, ".vitepress", "dist");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const EXPERIMENT_TIMEOUT = Number(process.env.KN_EXPERIMENT_TIMEOUT ?? 120) * 1000;

/** Flags that give Chromium WebGPU on its software adapter (SwiftShader), as in the core's GPU suite. */
export const WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--disable-gpu-sandbox"];

/**
 * Serves the built site and starts Chromium; exits the process when the site has not been built.
 * With `{ webgpu: true }` Chromium gets WebGPU on SwiftShader instead of `--disable-gpu`.
 */
export async function startSite({ webgpu = false } = {}) {
  if (!existsSync(join(dist, "index.html"))) {
    console.log("the site has not been built: run `pnpm --filter @kinetic-nde/docs docs:build` first");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  const server = createStaticServer(dist);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      ...(webgpu ? WEBGPU_ARGS : ["--disable-gpu"]),
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    origin,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** A reporter: `test(name, fn)` runs one check, `finish()` prints `N passed, M failed` and exits. */
export function reporter() {
  let passed = 0;
  const failures = [];
  return {
    async test(name, fn) {
      const t0 = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        failures.push(`${name}: ${why}`);
        console.log(`  ✗ ${name}\n      ${why.split("\n").join("\n      ")}`);
      }
    },
    finish() {
      if (failures.length > 0) console.log(`\nfailures:\n  ${failures.join("\n  ")}`);
      console.log(`${passed} passed, ${failures.length} failed`);
      process.exit(failures.length > 0 ? 1 : 0);
    },
  };
}

/** Waits until the live experiment on the page has finished its run (or says why it could not). */
export async function waitForExperiment(page) {
  await page.waitForFunction(
    () => ["done", "unavailable", "error"].includes(document.querySelector(".kn-live")?.getAttribute("data-state") ?? ""),
    undefined,
    { timeout: EXPERIMENT_TIMEOUT },
  );
  return page.$eval(".kn-live", (el) => el.getAttribute("data-state"));
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
