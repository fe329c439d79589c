/**
 * Browser test of the GPU switch of the live `simulate` and `solve-vlasov` pages (built site, `.vitepress/dist`).
 *
 * Chromium with WebGPU on its software adapter (SwiftShader, served from 127.0.0.1, a secure context):
 *   - the page shows "Use the GPU (WebGPU, f32)" (off by default) and the adapter's name, and the first
 *     run is the f64 CPU path;
 *   - with the switch on, the run finishes, the page says "Computed with: WebGPU on <adapter> (f32)",
 *     and the mean and variance over time agree with the CPU run to the f32 bound of the backend
 *     (16·n·u·max|x|·e^{T·|w|}, n steps, u = 2^-24; see `createWebGpuBackend`) without being
 *     bit-identical (f32 arithmetic really ran); switching off returns to the f64 path;
 *   - with noise (K = 0.5) the GPU's Euler–Maruyama (Philox normals) agrees with the CPU run in law:
 *     mean and variance at T within 6 standard errors.
 * The `solve-vlasov` page steps its grid on the GPU with the switch on (`solveVlasovWebGpu`): the same steps,
 * and every saved density within 16·(4·steps)·u·‖f0‖₁ in L1 of the f64 run (stages ≤ 3, one more
 * rounding per kernel call, calls ≤ steps).
 * Chromium with `--disable-gpu` (no adapter): no switch, a note that the CPU computes, the f64 path.
 * Run: `node test/gpu-page.test.mjs`; exits non-zero on failure, the last line is `N passed, M failed`.
 */
import { readFileSync } from "node:fs";
import { assert, reporter, startSite, waitForExperiment, EXPERIMENT_TIMEOUT } from "./browser.mjs";

const PAGE = "/experiments/simulate";
const U = 2 ** -24;
const { test, finish } = reporter();

/** Opens the page and waits for its first run; console errors are collected. */
async function open(site, path = PAGE) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(site.origin + path, { waitUntil: "load" });
  const state = await waitForExperiment(page);
  assert(state === "done", `the first run ended in state ${state}`);
  return { page, problems };
}

/** The whole result on the page, through its "JSON (everything)" download. */
async function resultJson(page) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "JSON (everything)" }).click()]);
  return JSON.parse(readFileSync(await dl.path(), "utf8"));
}

/** Waits for run number `runs` + 1 to finish and returns the "Computed with" line. */
async function nextRun(page, runs) {
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector(".kn-live");
      return Number(el?.getAttribute("data-runs")) > n && ["done", "error"].includes(el?.getAttribute("data-state") ?? "");
    },
    runs,
    { timeout: EXPERIMENT_TIMEOUT },
  );
  const state = await page.$eval(".kn-live", (el) => el.getAttribute("data-state"));
  const err = await page.locator(".kn-error").allTextContents();
  assert(state === "done", `the run ended in state ${state}: ${err.join(" ")}`);
  return (await page.locator(".kn-path").textContent()) ?? "";
}

const runsOf = (page) => page.$eval(".kn-live", (el) => Number(el.getAttribute("data-runs")));

function column(result, table, key) {
  const col = result?.series?.[table]?.data?.[key];
  assert(Array.isArray(col) && col.length > 0, `the result has no column ${table}.${key}`);
  return col;
}

// 1. WebGPU on SwiftShader.
const gpuSite = await startSite({ webgpu: true });
try {
  const { page, problems } = await open(gpuSite);
  let adapter = "";
  let cpu;

  await test("the simulate page offers the GPU switch (off) and names the adapter; the first run is f64", async () => {
    const gpuControl = page.locator(".kn-gpu");
    await gpuControl.waitFor({ state: "visible", timeout: 30_000 }).catch(async () => {
      const note = await page.locator(".kn-gpu-note").allTextContents();
      throw new Error(`no GPU switch on the page: ${note.join(" ") || "no note either"}`);
    });
    const label = (await gpuControl.locator("label").textContent())?.trim();
    assert(label === "Use the GPU (WebGPU, f32)", `the switch reads ${JSON.stringify(label)}`);
    assert(!(await page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).isChecked()), "the GPU switch is on by default");
    adapter = (await gpuControl.getAttribute("data-adapter")) ?? "";
    assert(adapter.trim() !== "", "the adapter has no name");
    console.log(`      adapter: ${adapter}`);
    const shown = (await gpuControl.locator(".kn-gpu-adapter").textContent()) ?? "";
    assert(shown.includes(adapter), `the adapter's name ${adapter} is not shown (${shown})`);
    const path = (await page.locator(".kn-path").textContent()) ?? "";
    assert(/Computed with: (WebAssembly SIMD kernels|TypeScript) \(f64\)/.test(path), `the default run is not the f64 path: ${path}`);
    cpu = await resultJson(page);
    assert(cpu.summary?.status === "success", `the CPU run's status is ${cpu.summary?.status}`);
  });

  await test("with the switch on, the particles move on the GPU and the moments agree with the CPU run to f32 accuracy", async () => {
    assert(cpu !== undefined, "no CPU run to compare with");
    const runs = await runsOf(page);
    await page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).check();
    const path = await nextRun(page, runs);
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the page does not say the GPU ran: ${path}`);
    assert((await page.locator(".kn-gpu-note").count()) === 0, "a fallback note is shown although the GPU ran");
    const gpu = await resultJson(page);
    assert(gpu.summary?.status === "success", `the GPU run's status is ${gpu.summary?.status}`);
    const cfg = cpu.config;
    assert(JSON.stringify(gpu.config) === JSON.stringify(cfg) && gpu.seed === cpu.seed, "the two runs did not use the same config and seed");
    assert(cfg.K === 0 && (cfg.method ?? "euler") === "euler", `expected the deterministic ResNet (K = 0, euler), got K = ${cfg.K}, ${cfg.method}`);
    assert(["tanh", "relu", "identity", "id", "sigmoid", "softplus"].includes(cfg.sigma), `σ = ${cfg.sigma}: no Lipschitz bound known to the test`);
    // max|x| over the initial and final particles: the histogram grid spans both ensembles.
    const xs = column(cpu, "histogram", "x");
    const dx = xs.length > 1 ? xs[1] - xs[0] : 1;
    const maxAbs = Math.max(Math.abs(xs[0] - dx / 2), Math.abs(xs[xs.length - 1] + dx / 2));
    const steps = cfg.layers * (cfg.stepsPerLayer ?? 1);
    const eps = 16 * (steps + 1) * U * maxAbs * Math.exp(cfg.T * Math.abs(cfg.w));
    const tol = { mean: eps, variance: 2 * maxAbs * eps + eps * eps };
    let largest = 0;
    for (const key of ["mean", "variance"]) {
      const a = column(cpu, "moments", key);
      const b = column(gpu, "moments", key);
      assert(a.length === b.length, `${key}: ${a.length} CPU times, ${b.length} GPU times`);
      for (let s = 0; s < a.length; s++) {
        const err = Math.abs(a[s] - b[s]);
        largest = Math.max(largest, err);
        assert(err <= tol[key], `${key} at save ${s}: CPU ${a[s]}, GPU ${b[s]}, |diff| ${err} > ${tol[key]}`);
      }
    }
    assert(largest > 0, "the GPU moments equal the f64 ones bit for bit: f32 arithmetic did not run");
    console.log(`      largest |CPU − GPU| of the moments: ${largest.toExponential(2)} (bound on the mean ${eps.toExponential(2)})`);
  });

  await test("switching the GPU off returns to the f64 path", async () => {
    const runs = await runsOf(page);
    await page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).uncheck();
    const path = await nextRun(page, runs);
    assert(/Computed with: (WebAssembly SIMD kernels|TypeScript) \(f64\)/.test(path), `after switching off: ${path}`);
    assert(problems.length === 0, problems.join("\n"));
  });

  await test("with noise K = 0.5 the GPU's Euler–Maruyama agrees in law with the CPU run (mean and variance at T within 6σ)", async () => {
    let runs = await runsOf(page);
    await page.locator('input[name="K"]').fill("0.5");
    let path = await nextRun(page, runs);
    assert(/\(f64\)/.test(path), `the CPU run with noise: ${path}`);
    const cpuK = await resultJson(page);
    runs = await runsOf(page);
    await page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).check();
    path = await nextRun(page, runs);
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the page does not say the GPU ran: ${path}`);
    const gpuK = await resultJson(page);
    assert(cpuK.config.K === 0.5 && gpuK.config.K === 0.5, "the runs did not use K = 0.5");
    assert(gpuK.summary?.status === "success", `the GPU run's status is ${gpuK.summary?.status}`);
    const M = cpuK.config.particles;
    const last = (r, key) => column(r, "moments", key).at(-1);
    // Same initial particles, independent noise: each mean has variance ≤ Var(x_T)/M, each sample
    // variance about 2·Var(x_T)²/M (near-Gaussian ensemble).
    const v = Math.max(last(cpuK, "variance"), last(gpuK, "variance"));
    const meanTol = 6 * Math.sqrt((2 * v) / M);
    const varTol = 6 * Math.sqrt((2 * 2 * v * v) / M);
    const dm = Math.abs(last(cpuK, "mean") - last(gpuK, "mean"));
    const dv = Math.abs(last(cpuK, "variance") - last(gpuK, "variance"));
    assert(dm <= meanTol, `mean at T: CPU ${last(cpuK, "mean")}, GPU ${last(gpuK, "mean")}, |diff| ${dm} > ${meanTol}`);
    assert(dv <= varTol, `variance at T: CPU ${last(cpuK, "variance")}, GPU ${last(gpuK, "variance")}, |diff| ${dv} > ${varTol}`);
    assert(dm > 0, "the noisy GPU run equals the CPU run bit for bit");
    console.log(`      |Δmean| ${dm.toExponential(2)} (≤ ${meanTol.toExponential(2)}), |Δvariance| ${dv.toExponential(2)} (≤ ${varTol.toExponential(2)})`);
    assert(problems.length === 0, problems.join("\n"));
  });

  await test("the solve-vlasov page steps its grid on the GPU: same steps, every saved density within the f32 bound of the f64 run", async () => {
    const v = await open(gpuSite, "/experiments/solve-vlasov");
    await v.page.locator(".kn-gpu").waitFor({ state: "visible", timeout: 30_000 });
    const cpuV = await resultJson(v.page);
    assert(cpuV.summary?.status === "success", `the CPU run's status is ${cpuV.summary?.status}`);
    const runs = await runsOf(v.page);
    await v.page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).check();
    const path = await nextRun(v.page, runs);
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the page does not say the GPU ran: ${path}`);
    const gpuV = await resultJson(v.page);
    assert(gpuV.summary?.status === "success", `the GPU run's status is ${gpuV.summary?.status}`);
    assert(gpuV.summary.steps === cpuV.summary.steps, `steps: GPU ${gpuV.summary.steps}, CPU ${cpuV.summary.steps}`);
    const xs = column(cpuV, "history", "x");
    const dx = xs[1] - xs[0];
    const mass = cpuV.summary.mass_initial;
    const tol = 16 * 4 * cpuV.summary.steps * U * mass;
    let largest = 0;
    for (const key of Object.keys(cpuV.series.history.data).filter((k) => k.startsWith("f_"))) {
      const a = column(cpuV, "history", key);
      const b = column(gpuV, "history", key);
      let l1 = 0;
      for (let i = 0; i < a.length; i++) l1 += Math.abs(a[i] - b[i]) * dx;
      largest = Math.max(largest, l1);
      assert(l1 <= tol, `${key}: L1 ${l1} > ${tol}`);
    }
    assert(largest > 0, "the GPU densities equal the f64 ones bit for bit: f32 arithmetic did not run");
    console.log(`      largest L1 |CPU − GPU| of the saved densities: ${largest.toExponential(2)} (bound ${tol.toExponential(2)})`);
    assert(v.problems.length === 0, v.problems.join("\n"));
  });
} finally {
  await gpuSite.close();
}

// 2. No adapter (`--disable-gpu`).
const cpuSite = await startSite();
try {
  await test("without a WebGPU adapter there is no switch, a note says the CPU computes, and the f64 path runs", async () => {
    const { page, problems } = await open(cpuSite);
    const note = page.locator("[data-gpu-unavailable]");
    await note.waitFor({ state: "visible", timeout: 30_000 });
    const text = (await note.textContent()) ?? "";
    assert(/WebGPU: .+; the CPU computes\./.test(text), `the note reads ${JSON.stringify(text)}`);
    assert((await page.locator(".kn-gpu").count()) === 0, "the GPU switch is shown without an adapter");
    const path = (await page.locator(".kn-path").textContent()) ?? "";
    assert(/Computed with: (WebAssembly SIMD kernels|TypeScript) \(f64\)/.test(path), `the run is not the f64 path: ${path}`);
    assert(problems.length === 0, problems.join("\n"));
  });
} finally {
  await cpuSite.close();
}

finish();
