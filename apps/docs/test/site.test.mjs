/**
 * Browser test of the built documentation site.
 *
 * Serves `.vitepress/dist` (built beforehand by `docs:build`; this script builds nothing) from a tiny
 * static server on a free port, drives Debian's Chromium through playwright-core and checks that:
 *   - every page loads without console errors, page errors or failed same-origin requests;
 *   - formulas are typeset, no page shows TeX as text (`^{`, `_{`, `\frac`, backslash commands, `$`
 *     in the rendered text outside code and formulas) and the local search finds a guide;
 *   - every live experiment page finishes its run (or says "not available"), and on one of them a
 *     changed control triggers a new run with a new plot, and the JSON/CSV downloads work;
 *   - the API reference has an entry for every exported function and class of every package
 *     (compared with the packages' real exports, imported here from their TypeScript source);
 *   - a live page runs its experiment once per load and once per change (two pages), its inputs
 *     take their bounds from the experiment's config schema, and a value outside them is explained
 *     beside the control, runs nothing and marks the previous figures stale;
 *   - the version of the packages is on every page, the repository and edit links point at the
 *     repository of the manifests, the citation page and CITATION.cff name the paper;
 *   - `docs:preview` listens on 127.0.0.1 by default;
 *   - screenshots of the main pages are saved to test/screenshots/.
 * Run: `pnpm --filter @kinetic-nde/docs docs:test` (node --conditions=source --import tsx).
 * Exits non-zero on failure; the last line is `N passed, M failed`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createStaticServer, resolveFile as resolveFileIn } from "../scripts/static-server.mjs";

const appDir = fileURLToPath(new URL("../", import.meta.url));
const dist = join(appDir, ".vitepress", "dist");
const shots = join(appDir, "test", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const EXPERIMENT_TIMEOUT = Number(process.env.KN_EXPERIMENT_TIMEOUT ?? 120) * 1000;
const repoRoot = join(appDir, "..", "..");
const coreManifest = JSON.parse(readFileSync(join(repoRoot, "packages", "core", "package.json"), "utf8"));
const REPOSITORY = "https://github.com/kinetic-nde/kinetic-nde";
const PACKAGES = ["core", "core/node", "core/wasm", "core/webgpu", "core/testing", "core/validate", "datasets", "mean-field", "mean-field/fluxes", "fokker-planck", "moments", "experiments", "experiments/plot"];

let passed = 0;
let failed = 0;
const failures = [];
function ok(name) {
  passed += 1;
  console.log(`  ✓ ${name}`);
}
function fail(name, why) {
  failed += 1;
  failures.push(`${name}: ${why}`);
  console.log(`  ✗ ${name}\n      ${String(why).split("\n").join("\n      ")}`);
}
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    ok(`${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    fail(name, e instanceof Error ? e.message : String(e));
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---------------------------------------------------------------------------------------------
// Static server with VitePress clean URLs (the one `docs:preview` uses).
const resolveFile = (urlPath) => resolveFileIn(dist, urlPath);

function startServer() {
  const server = createStaticServer(dist);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function listPages(dir = dist) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "assets") out.push(...listPages(full));
    } else if (name.endsWith(".html") && !(dir === dist && name === "404.html")) {
      const rel = relative(dist, full).split(sep).join("/");
      out.push("/" + rel.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, ""));
    }
  }
  return out.sort();
}

/** Names whose TSDoc says `@internal`: exported for sibling packages, deliberately left out of the reference. */
function internalNames(pkg) {
  const names = new Set();
  const scan = (file) => {
    const text = readFileSync(file, "utf8");
    const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class)\s+([A-Za-z0-9_$]+)/g;
    for (const m of text.matchAll(re)) if (/@internal\b/.test(m[1])) names.add(m[2]);
  };
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) scan(full);
    }
  };
  const [name, sub] = pkg.split("/");
  const src = join(appDir, "..", "..", "packages", name, "src");
  // A subpath entry is a folder (core/node → src/node/) or a single file (core/testing → src/testing.ts).
  if (sub === undefined) walk(src);
  else if (existsSync(join(src, sub)) && statSync(join(src, sub)).isDirectory()) walk(join(src, sub));
  else if (existsSync(join(src, `${sub}.ts`))) scan(join(src, `${sub}.ts`));
  return names;
}

// ---------------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(join(dist, "index.html"))) {
    console.log("the site has not been built: run `pnpm --filter @kinetic-nde/docs docs:build` first");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  mkdirSync(shots, { recursive: true });
  const server = await startServer();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });

  /** Opens a page and records console errors, page errors and failed same-origin requests. */
  async function open(path) {
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => {
      if (r.url().startsWith(origin)) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    });
    page.on("response", (r) => {
      if (r.url().startsWith(origin) && r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(origin + path, { waitUntil: "load" });
    return { page, problems };
  }

  async function waitForExperiment(page) {
    await page.waitForFunction(
      () => {
        const el = document.querySelector(".kn-live");
        return el !== null && ["done", "unavailable", "error"].includes(el.getAttribute("data-state") ?? "");
      },
      undefined,
      { timeout: EXPERIMENT_TIMEOUT },
    );
    return page.$eval(".kn-live", (el) => ({
      state: el.getAttribute("data-state"),
      runs: Number(el.getAttribute("data-runs")),
      error: el.querySelector(".kn-error")?.textContent ?? "",
      plots: el.querySelectorAll(".kn-plot svg, .kn-plot figure").length,
      problems: [...el.querySelectorAll(".kn-problem")].map((p) => p.textContent),
    }));
  }

  // KN_PAGES=<regexp> restricts the page loop (for quick local runs); the other checks always run.
  /** Every figure drawn (a plot, or an explanation why it could not be). */
  async function waitForPlots(page) {
    await page.waitForFunction(
      () => [...document.querySelectorAll(".kn-plot")].every((p) => p.children.length > 0 || p.parentElement?.querySelector(".kn-problem")),
      undefined,
      { timeout: 30_000 },
    );
  }

  /**
   * TeX left as text on a page: `\frac`, `^{`, `_{`, a backslash command or a `$` in the rendered
   * text, outside code (`pre`, `code`), typeset formulas (`mjx-container`) and scripts. Each finding is
   * the fragment with a little context.
   */
  async function texResidue(page) {
    return page.evaluate(() => {
      const skip = "pre, code, kbd, samp, mjx-container, script, style, noscript, template, svg";
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const found = [];
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent === null || parent.closest(skip) !== null) continue;
        const text = node.textContent ?? "";
        for (const m of text.matchAll(/\\frac|\^\{|_\{|\\[a-zA-Z]+|\$/g)) {
          found.push(text.slice(Math.max(0, m.index - 20), m.index + 20).replace(/\s+/g, " ").trim());
        }
      }
      return found;
    });
  }

  const pages = listPages().filter((p) => new RegExp(process.env.KN_PAGES ?? ".").test(p));
  console.log(`serving ${dist} at ${origin}; ${pages.length} pages`);
  const SCREENSHOTS = {
    "/": "home",
    "/guide/getting-started": "guide-getting-started",
    "/guide/mean-field": "guide-mean-field",
    "/guide/numerical-schemes": "guide-numerical-schemes",
    "/guide/verification": "guide-verification",
    "/guide/performance": "guide-performance",
    "/experiments/": "experiments-index",
    "/api/": "api-index",
    "/api/core": "api-core",
  };
  const liveStates = {};

  // 1. Every page.
  console.log("\npages");
  for (const path of pages) {
    await test(`page ${path}`, async () => {
      const { page, problems } = await open(path);
      try {
        const h1 = await page.locator(".vp-doc h1, .VPHero .name").first().textContent({ timeout: 10_000 });
        assert(h1 !== null && h1.trim().length > 0, "no title");
        if (path.startsWith("/experiments/") && path !== "/experiments/") {
          const s = await waitForExperiment(page);
          liveStates[path] = s;
          assert(s.state !== "error", `the live experiment failed: ${s.error}`);
          if (s.state === "done") {
            await waitForPlots(page);
            const problems2 = await page.$$eval(".kn-problem", (ps) => ps.map((p) => p.textContent));
            assert(problems2.length === 0, `figures not drawn: ${problems2.join("; ")}`);
          }
          await page.screenshot({ path: join(shots, `experiment-${path.split("/").pop()}.png`), fullPage: true });
        } else {
          await page.waitForTimeout(300); // let client-only components mount
          if ((await page.locator(".kn-plot").count()) > 0) await waitForPlots(page);
          if (SCREENSHOTS[path]) await page.screenshot({ path: join(shots, `${SCREENSHOTS[path]}.png`), fullPage: path !== "/api/core" });
        }
        const tex = await texResidue(page);
        assert(tex.length === 0, `raw TeX in the page text: ${tex.map((t) => `"${t}"`).join(", ")}`);
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await page.close();
      }
    });
  }

  // 2. Math, search, dark mode.
  console.log("\nfeatures");
  await test("formulas are typeset (MathJax SVG)", async () => {
    const { page, problems } = await open("/guide/mean-field");
    const n = await page.locator("mjx-container svg").count();
    assert(n > 5, `expected typeset formulas, found ${n}`);
    const raw = await page.locator(".vp-doc").innerText();
    assert(!/\$\$|\\partial/.test(raw), "raw TeX visible in the page text");
    assert(problems.length === 0, problems.join("\n"));
    await page.close();
  });
  await test("local search finds the Fokker–Planck guide", async () => {
    const { page } = await open("/guide/getting-started");
    await page.locator(".DocSearch-Button, .VPNavBarSearchButton").first().click();
    await page.locator("input.search-input, #localsearch-input").first().fill("Chang–Cooper");
    await page.waitForSelector(".result", { timeout: 10_000 });
    const text = await page.locator(".results").innerText();
    assert(/Fokker/i.test(text), `no Fokker–Planck hit in: ${text.slice(0, 200)}`);
    await page.close();
  });
  await test("dark mode toggles", async () => {
    const { page, problems } = await open("/guide/moments");
    await page.locator(".VPNavBarAppearance .VPSwitchAppearance, button.VPSwitchAppearance").first().click();
    await page.waitForFunction(() => document.documentElement.classList.contains("dark"));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, "guide-moments-dark.png") });
    assert(problems.length === 0, problems.join("\n"));
    await page.evaluate(() => localStorage.removeItem("vitepress-theme-appearance"));
    await page.close();
  });

  // 3. A live experiment reacts to its controls; downloads work.
  console.log("\nlive experiment");
  const livePages = pages.filter((p) => p.startsWith("/experiments/") && p !== "/experiments/");
  const candidates = livePages.filter((p) => liveStates[p] === undefined || liveStates[p].state === "done");
  const preferred = ["/experiments/moments-linear", ...candidates].find((p) => candidates.includes(p));
  await test("a changed control re-runs the experiment and redraws the plot", async () => {
    assert(preferred !== undefined, "no live experiment page finished a run");
    const { page, problems } = await open(preferred);
    const first = await waitForExperiment(page);
    assert(first.state === "done", `first run did not finish: ${first.state} ${first.error}`);
    const path = await page.locator(".kn-path").textContent();
    assert(/Computed with: (WebAssembly SIMD kernels|TypeScript) \(f64\)/.test(path ?? ""), `the page does not say which path ran: ${path}`);
    const before = await page.locator(".kn-plot").first().innerHTML();
    const range = page.locator(".kn-controls input[type=range]").first();
    const select = page.locator(".kn-controls select").first();
    if ((await range.count()) > 0) {
      const { min, max, value } = await range.evaluate((el) => ({ min: Number(el.min), max: Number(el.max), value: Number(el.value) }));
      // A value away from the current one and away from 0 (a zero weight is a degenerate case).
      const target = [0.25, 0.75, 0.4, 0.6].map((q) => Number((min + (max - min) * q).toPrecision(6))).find((v) => v !== 0 && Math.abs(v - value) > 1e-9);
      await range.fill(String(target ?? max));
    } else if ((await select.count()) > 0) {
      const options = await select.locator("option").allTextContents();
      await select.selectOption({ index: options.length > 1 ? 1 : 0 });
    } else {
      await page.locator(".kn-controls input[name=seed]").fill("7");
    }
    await page.waitForFunction(
      (n) => {
        const el = document.querySelector(".kn-live");
        return Number(el?.getAttribute("data-runs")) > n || el?.getAttribute("data-state") === "error";
      },
      first.runs,
      { timeout: EXPERIMENT_TIMEOUT },
    );
    const second = await waitForExperiment(page);
    assert(second.state === "done", `re-run did not finish: ${second.error}`);
    await waitForPlots(page);
    const after = await page.locator(".kn-plot").first().innerHTML();
    assert(after.length > 0 && after !== before, "the plot did not change after the control changed");
    await page.screenshot({ path: join(shots, "experiment-after-control-change.png"), fullPage: true });
    assert(problems.length === 0, problems.join("\n"));

    const [json] = await Promise.all([page.waitForEvent("download"), page.locator(".kn-downloads button", { hasText: "JSON" }).click()]);
    const parsed = JSON.parse(readFileSync(await json.path(), "utf8"));
    assert(typeof parsed.id === "string" && Array.isArray(parsed.checks), "the JSON download is not a result");
    const csvButton = page.locator(".kn-downloads button", { hasText: ".csv" }).first();
    if ((await csvButton.count()) > 0) {
      const [csv] = await Promise.all([page.waitForEvent("download"), csvButton.click()]);
      const text = readFileSync(await csv.path(), "utf8");
      assert(text.split("\n").length > 2 && text.includes(","), "the CSV download is empty");
    }
    await page.close();
  });

  // 3b. One run per load and per change; inputs bounded by the schema; reader-facing messages.
  const counters = (page) =>
    page.$eval(".kn-live", (el) => ({
      started: Number(el.getAttribute("data-started")),
      runs: Number(el.getAttribute("data-runs")),
      workers: Number(el.getAttribute("data-workers")),
      state: el.getAttribute("data-state"),
    }));
  /** Longer than the component's debounce (350 ms), so that a second run would have started. */
  const settle = (page) => page.waitForTimeout(1500);
  for (const path of ["/experiments/moments-linear", "/experiments/simulate"].filter((p) => livePages.includes(p))) {
    await test(`${path} runs once per load and once per change`, async () => {
      const { page, problems } = await open(path);
      try {
        const first = await waitForExperiment(page);
        assert(first.state === "done", `the first run did not finish: ${first.state} ${first.error}`);
        await settle(page);
        const c1 = await counters(page);
        assert(c1.started === 1 && c1.runs === 1 && c1.workers === 1, `after loading: ${JSON.stringify(c1)}, expected one run in one worker`);
        await page.locator(".kn-controls input[name=seed]").fill("7");
        await page.waitForFunction(() => Number(document.querySelector(".kn-live")?.getAttribute("data-runs")) >= 2, undefined, { timeout: EXPERIMENT_TIMEOUT });
        await settle(page);
        const c2 = await counters(page);
        assert(c2.started === 2 && c2.runs === 2 && c2.state === "done", `after one change: ${JSON.stringify(c2)}, expected two runs`);
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await page.close();
      }
    });
  }

  const experimentsApi = await import("@kinetic-nde/experiments");
  await test("number inputs take their bounds from each experiment's config schema", async () => {
    const schemas = experimentsApi.experimentConfigSchemas();
    const checked = [];
    for (const id of Object.keys(schemas)) {
      const path = `/experiments/${id}`;
      const controls = experimentsApi.getExperiment(id).controls.filter((c) => c.kind === "number");
      if (controls.length === 0 || !livePages.includes(path)) continue;
      const { page, problems } = await open(path);
      try {
        await page.waitForSelector(".kn-controls", { timeout: 30_000 });
        for (const c of controls) {
          const prop = schemas[id].properties[c.key];
          const want = {
            min: prop.minimum ?? prop.exclusiveMinimum,
            max: prop.maximum ?? prop.exclusiveMaximum,
          };
          const got = await page.$eval(`.kn-controls input[name="${c.key}"]`, (el) => ({ min: el.getAttribute("min"), max: el.getAttribute("max") }));
          for (const side of ["min", "max"]) {
            const expected = want[side] !== undefined && Math.abs(want[side]) < Number.MAX_SAFE_INTEGER ? String(want[side]) : null;
            assert(got[side] === expected, `${id}.${c.key}: ${side} is ${got[side]}, the schema says ${expected}`);
          }
          checked.push(`${id}.${c.key} ≤ ${got.max}`);
        }
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await page.close();
      }
    }
    assert(checked.length >= 2, `too few number inputs checked: ${checked.join(", ")}`);
    console.log(`      (${checked.join(", ")})`);
  });

  if (livePages.includes("/experiments/moments-linear")) {
    await test("an out-of-range or empty input is explained, runs nothing and marks the figures stale", async () => {
      const { page, problems } = await open("/experiments/moments-linear");
      try {
        const first = await waitForExperiment(page);
        assert(first.state === "done", `the first run did not finish: ${first.error}`);
        await settle(page);
        const max = experimentsApi.experimentConfigSchemas()["moments-linear"].properties.particles.maximum;
        const input = page.locator(".kn-controls input[name=particles]");
        const original = await input.inputValue();
        await input.fill(String(max * 2));
        const msg = page.locator('.kn-field-error[data-field="particles"]');
        await msg.waitFor({ timeout: 5_000 });
        const text = await msg.textContent();
        assert(/particles/.test(text) && text.includes(max.toLocaleString("en-GB")), `the message does not name the control and its bound: ${text}`);
        assert(!/config\.|INVALID_ARGUMENT|`/.test(text), `developer text in the message: ${text}`);
        assert((await page.locator('.kn-results[data-stale="true"] .kn-stale-note').count()) === 1, "the previous figures are not marked stale");
        await page.screenshot({ path: join(shots, "experiment-invalid-input.png"), fullPage: true });
        await input.fill(original);
        await page.waitForFunction(() => document.querySelector(".kn-live")?.getAttribute("data-state") === "done", undefined, { timeout: 5_000 });
        assert((await page.locator(".kn-field-error").count()) === 0, "the message stayed after the value was corrected");
        assert((await page.locator('.kn-results[data-stale="true"]').count()) === 0, "the figures stayed stale after the value was corrected");
        const seed = page.locator(".kn-controls input[name=seed]");
        await seed.fill("");
        await page.locator('.kn-field-error[data-field="seed"]').waitFor({ timeout: 5_000 });
        await settle(page);
        const c = await counters(page);
        assert(c.started === 1, `an invalid or empty value started a run: ${JSON.stringify(c)}`);
        assert(c.state === "error", `the page does not show the error state: ${JSON.stringify(c)}`);
        assert(problems.length === 0, problems.join("\n"));
      } finally {
        await page.close();
      }
    });
  }

  // 3c. Version, repository links, citation, local-only preview.
  console.log("\nsite furniture");
  await test("every page shows the packages' version; repository and edit links", async () => {
    for (const path of ["/", "/guide/getting-started", "/experiments/moments-linear", "/api/core", "/cite"].filter((p) => pages.includes(p))) {
      const { page } = await open(path);
      try {
        const v = await page.locator(".kn-version").first().textContent({ timeout: 10_000 });
        assert(v === `v${coreManifest.version}`, `${path}: version shown is ${v}, packages/core says ${coreManifest.version}`);
        const social = await page.locator(`.VPSocialLinks a[href="${REPOSITORY}"]`).count();
        assert(social > 0, `${path}: no link to ${REPOSITORY}`);
        const edit = await page.locator(".VPDocFooter .edit-link a").count();
        if (path === "/guide/getting-started") {
          const href = await page.locator(".VPDocFooter .edit-link a").getAttribute("href");
          assert(href === `${REPOSITORY}/edit/main/apps/docs/guide/getting-started.md`, `edit link is ${href}`);
        }
        if (path.startsWith("/api/")) assert(edit === 0, `${path}: the generated reference has an edit link`);
      } finally {
        await page.close();
      }
    }
  });
  await test("the citation page and CITATION.cff name the paper", async () => {
    const { page, problems } = await open("/cite");
    try {
      assert((await page.locator('.VPNavBarMenu a[href="/cite"]').count()) === 1, "no Cite entry in the navigation");
      const text = await page.locator(".vp-doc").innerText();
      for (const s of ["Herty", "Trimborn", "Visconti", "Foundations of Data Science", "271--298", "10.3934/fods.2022007", "@article", "The kinetic-nde developers"]) {
        assert(text.includes(s), `the citation page lacks ${s}`);
      }
      assert((await page.locator(".kn-cite-version").textContent()) === coreManifest.version, "the citation page shows another version");
      assert(problems.length === 0, problems.join("\n"));
    } finally {
      await page.close();
    }
    const cff = readFileSync(join(repoRoot, "CITATION.cff"), "utf8");
    for (const s of ["cff-version: 1.2.0", "type: software", "license: MIT", 'name: "The kinetic-nde developers"', 'doi: "10.3934/fods.2022007"']) {
      assert(cff.includes(s), `CITATION.cff lacks ${s}`);
    }
    for (const path of pages.filter((p) => !p.startsWith("/api/"))) {
      const html = readFileSync(resolveFile(path), "utf8").replace(/<[^>]+>/g, "");
      const m = /first figure of the paper/.exec(html);
      if (m !== null && !/Herty|the paper\b.{0,200}(Herty|how to cite)/s.test(html.slice(Math.max(0, m.index - 300), m.index + 400))) {
        throw new Error(`${path} speaks of "the first figure of the paper" without naming the paper`);
      }
    }
  });
  await test("docs:preview listens on 127.0.0.1 unless told otherwise", async () => {
    const child = spawn(process.execPath, [join(appDir, "scripts", "preview.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const line = await new Promise((resolve, reject) => {
        let out = "";
        const t = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 10_000);
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) {
            clearTimeout(t);
            resolve(out);
          }
        });
        child.on("exit", (code) => reject(new Error(`preview exited with ${code}: ${out}`)));
      });
      const m = /http:\/\/([^/]+):(\d+)\//.exec(line);
      assert(m !== null && m[1] === "127.0.0.1", `preview address: ${line.trim()}`);
      const res = await fetch(`http://127.0.0.1:${m[2]}/guide/getting-started`);
      assert(res.status === 200, `the preview answered ${res.status}`);
    } finally {
      child.kill();
    }
  });

  // 4. Links from the guides into the API reference land on an existing entry.
  await test("every link into the API reference points at an existing entry", async () => {
    const broken = [];
    for (const page of pages.filter((p) => !p.startsWith("/api/"))) {
      const html = readFileSync(resolveFile(page), "utf8");
      for (const m of html.matchAll(/href="(\/api\/[^"#]*)#([^"]+)"/g)) {
        const file = resolveFile(m[1]);
        const target = file === null ? "" : readFileSync(file, "utf8");
        if (!target.includes(`id="${m[2]}"`)) broken.push(`${page} → ${m[1]}#${m[2]}`);
      }
    }
    assert(broken.length === 0, `no such entry:\n${[...new Set(broken)].join("\n")}`);
  });

  // 5. The API reference covers every exported function and class.
  console.log("\nAPI reference");
  for (const pkg of PACKAGES) {
    await test(`API reference lists every function/class of @kinetic-nde/${pkg}`, async () => {
      const mod = await import(`@kinetic-nde/${pkg}`);
      const internal = internalNames(pkg);
      const names = Object.keys(mod).filter((k) => typeof mod[k] === "function" && !internal.has(k));
      const hidden = Object.keys(mod).filter((k) => internal.has(k));
      if (hidden.length > 0) console.log(`      (exported but tagged @internal, so not in the reference: ${hidden.join(", ")})`);
      assert(names.length > 0, "no exported functions");
      const { page, problems } = await open(`/api/${pkg}`);
      const headings = await page.$$eval(".vp-doc h2, .vp-doc h3, .vp-doc h4", (hs) =>
        hs.map((h) => (h.textContent ?? "").replace(/\u200b/g, "").replace(/#\s*$/, "").replace(/\(\)\s*$/, "").trim()),
      );
      const have = new Set(headings);
      const missing = names.filter((n) => !have.has(n));
      assert(missing.length === 0, `no entry for: ${missing.join(", ")}`);
      assert(problems.length === 0, problems.join("\n"));
      await page.close();
    });
  }

  await browser.close();
  server.close();
  console.log(`\nscreenshots in ${relative(process.cwd(), shots) || shots}`);
  if (failures.length > 0) console.log(`\nfailures:\n  ${failures.join("\n  ")}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
