/**
 * Browser test of the GPU switch of the live `simulate`, `solve-vlasov` and `solve-fokker-planck` pages
 * (built site, `.vitepress/dist`).
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
 * The `solve-fokker-planck` page with explicit Euler steps its grid on the GPU (`solveFokkerPlanckWebGpu`): the
 * same steps, every saved density within 16·(steps + calls)·u·‖f0‖₁ ≤ 32·steps·u·‖f0‖₁ in L1 of the f64 run;
 * with implicit Euler the CPU computes, a note says so and the caption names the reason.
 * The `solve-vlasov-2d` page steps its square grid on the GPU the same way: the same steps, and every saved
 * density (the heatmap fields, block averages of the cells) within the solve-vlasov bound in L1; a 1024²
 * MUSCL run (T = 0.5) then finishes on the GPU with the mass kept, and its time is printed.
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

/**
 * Every saved density of the GPU run (`history.f_<s>`, one per output time) within `tol` in L1 of the CPU
 * run's, and not all bit-identical (f32 arithmetic really ran); prints the largest distance.
 */
function expectSavedWithin(cpu, gpu, tol) {
  const xs = column(cpu, "history", "x");
  const dx = xs[1] - xs[0];
  const keys = Object.keys(cpu.series.history.data).filter((k) => k.startsWith("f_"));
  assert(keys.length === cpu.config.nSave, `${keys.length} saved densities, nSave ${cpu.config.nSave}`);
  let largest = 0;
  for (const key of keys) {
    const a = column(cpu, "history", key);
    const b = column(gpu, "history", key);
    assert(a.length === b.length, `${key}: ${a.length} CPU cells, ${b.length} GPU cells`);
    let l1 = 0;
    for (let i = 0; i < a.length; i++) l1 += Math.abs(a[i] - b[i]) * dx;
    largest = Math.max(largest, l1);
    assert(l1 <= tol, `${key}: L1 ${l1} > ${tol}`);
  }
  assert(largest > 0, "the GPU densities equal the f64 ones bit for bit: f32 arithmetic did not run");
  console.log(`      largest L1 |CPU − GPU| of the saved densities: ${largest.toExponential(2)} (bound ${tol.toExponential(2)})`);
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
    expectSavedWithin(cpuV, gpuV, 16 * 4 * cpuV.summary.steps * U * cpuV.summary.mass_initial);
    assert(v.problems.length === 0, v.problems.join("\n"));
  });

  await test("the solve-fokker-planck page steps explicit Euler on the GPU (same steps, every saved density within the f32 bound) and keeps implicit Euler on the CPU, saying so", async () => {
    const v = await open(gpuSite, "/experiments/solve-fokker-planck");
    await v.page.locator(".kn-gpu").waitFor({ state: "visible", timeout: 30_000 });
    let runs = await runsOf(v.page);
    await v.page.locator('select[name="method"]').selectOption("explicit-euler");
    let path = await nextRun(v.page, runs);
    assert(/\(f64\)/.test(path), `the CPU run: ${path}`);
    const cpuF = await resultJson(v.page);
    assert(cpuF.config.method === "explicit-euler", `the CPU run's method is ${cpuF.config.method}`);
    assert(cpuF.summary?.status === "success", `the CPU run's status is ${cpuF.summary?.status}`);
    runs = await runsOf(v.page);
    await v.page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).check();
    path = await nextRun(v.page, runs);
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the page does not say the GPU ran: ${path}`);
    const gpuF = await resultJson(v.page);
    assert(JSON.stringify(gpuF.config) === JSON.stringify(cpuF.config), "the two runs did not use the same config");
    assert(gpuF.summary?.status === "success", `the GPU run's status is ${gpuF.summary?.status}`);
    assert(gpuF.summary.steps === cpuF.summary.steps, `steps: GPU ${gpuF.summary.steps}, CPU ${cpuF.summary.steps}`);
    assert(gpuF.figures[0].caption.includes("f32 on the GPU"), `the caption does not say f32 on the GPU: ${gpuF.figures[0].caption}`);
    // solveFokkerPlanckWebGpu: L1 within 16·(steps + calls)·u·‖f0‖₁, calls ≤ steps (each call takes ≥ 1 step).
    expectSavedWithin(cpuF, gpuF, 16 * 2 * cpuF.summary.steps * U * cpuF.summary.mass_initial);
    runs = await runsOf(v.page);
    await v.page.locator('select[name="method"]').selectOption("implicit-euler");
    path = await nextRun(v.page, runs);
    assert(/\(f64\)/.test(path), `implicit Euler with the switch on: ${path}`);
    const note = (await v.page.locator(".kn-gpu-note").allTextContents()).join(" ");
    assert(note.includes("Not on the GPU"), `no note that the CPU computed: ${JSON.stringify(note)}`);
    const impl = await resultJson(v.page);
    const caption = impl.figures[0].caption;
    assert(caption.includes("implicit-euler runs on the CPU (the GPU path has explicit Euler only)"), `the caption reads ${JSON.stringify(caption)}`);
    assert(v.problems.length === 0, v.problems.join("\n"));
  });

  await test("the solve-vlasov-2d page steps its grid on the GPU: same steps, every saved density within the f32 bound; 1024² MUSCL runs there", async () => {
    const v = await open(gpuSite, "/experiments/solve-vlasov-2d");
    await v.page.locator(".kn-gpu").waitFor({ state: "visible", timeout: 30_000 });
    const cpu2 = await resultJson(v.page);
    assert(cpu2.summary?.status === "success", `the CPU run's status is ${cpu2.summary?.status}`);
    let runs = await runsOf(v.page);
    await v.page.getByRole("switch", { name: "Use the GPU (WebGPU, f32)" }).check();
    let path = await nextRun(v.page, runs);
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the page does not say the GPU ran: ${path}`);
    const gpu2 = await resultJson(v.page);
    assert(JSON.stringify(gpu2.config) === JSON.stringify(cpu2.config), "the two runs did not use the same config");
    assert(gpu2.summary?.status === "success", `the GPU run's status is ${gpu2.summary?.status}`);
    assert(gpu2.summary.steps === cpu2.summary.steps, `steps: GPU ${gpu2.summary.steps}, CPU ${cpu2.summary.steps}`);
    assert(gpu2.figures[0].caption.includes("f32 on the GPU"), `the caption does not say f32 on the GPU: ${gpu2.figures[0].caption}`);
    // The fields are block averages of the cells: their L1 distance is at most that of the densities.
    const tol = 16 * 4 * cpu2.summary.steps * U * cpu2.summary.mass_initial;
    const keys = Object.keys(cpu2.fields ?? {}).filter((k) => k.startsWith("f_"));
    assert(keys.length === cpu2.config.nSave, `${keys.length} saved densities, nSave ${cpu2.config.nSave}`);
    let largest = 0;
    for (const key of keys) {
      const a = cpu2.fields[key];
      const b = gpu2.fields?.[key];
      assert(b !== undefined && a.values.length === b.values.length, `${key}: the GPU field is missing or of another size`);
      const area = (a.x[1] - a.x[0]) * (a.y[1] - a.y[0]);
      let l1 = 0;
      for (let i = 0; i < a.values.length; i++) l1 += Math.abs(a.values[i] - b.values[i]) * area;
      largest = Math.max(largest, l1);
      assert(l1 <= tol, `${key}: L1 ${l1} > ${tol}`);
    }
    assert(largest > 0, "the GPU densities equal the f64 ones bit for bit: f32 arithmetic did not run");
    console.log(`      largest L1 |CPU − GPU| of the saved densities (${cpu2.summary.cells}², ${cpu2.summary.steps} steps): ${largest.toExponential(2)} (bound ${tol.toExponential(2)})`);
    runs = await runsOf(v.page);
    await v.page.locator('.kn-controls [name="T"]').fill("0.5");
    await nextRun(v.page, runs);
    assert((await v.page.locator('.kn-controls [name="scheme"]').inputValue()) === "muscl", "the default scheme is not MUSCL");
    runs = await runsOf(v.page);
    const t0 = Date.now();
    await v.page.locator('.kn-controls [name="cells"]').fill("1024");
    path = await nextRun(v.page, runs);
    const wall = (Date.now() - t0) / 1000;
    assert(path.includes(`Computed with: WebGPU on ${adapter} (f32)`), `the 1024² run did not use the GPU: ${path}`);
    const big = await resultJson(v.page);
    assert(big.config.cells === 1024 && big.config.T === 0.5, `the run used cells ${big.config.cells}, T ${big.config.T}`);
    assert(big.summary?.status === "success", `the 1024² run's status is ${big.summary?.status}`);
    const drift = Math.abs(big.summary.mass_final - big.summary.mass_initial);
    const massTol = 16 * 4 * big.summary.steps * U * big.summary.mass_initial;
    assert(drift <= massTol, `the 1024² run's mass moved by ${drift} > ${massTol}`);
    assert(big.fields.f_0.x.length === 256 && big.fields.f_0.y.length === 256, "the 1024² heatmap is not averaged down to 256²");
    console.log(`      1024² MUSCL to T = 0.5 on ${adapter}: ${big.summary.steps} steps in ${wall.toFixed(1)} s (change to figures)`);
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
