/**
 * GPU rows of the benchmark: workloads W1 (ResNet forward pass, d = 1), W2 (d = 2), W3
 * (Euler–Maruyama), W5 (1-D upwind transport, 10 000 cells) and W6 (2-D upwind transport, 512², cell-updates/s) of bench/WORKLOADS.md, W6m (W6
 * with MUSCL, van Leer, SSP-RK3), FP1 (1-D explicit Chang–Cooper Fokker–Planck, 4096 cells, 2000
 * steps) and FP2 (the unsplit 2-D explicit step, 512² cells, 200 steps; see bench-gpu-grid.ts) on the WebGPU backend (f32), run in Chromium on whatever
 * adapter it offers, next to the f64 CPU result of the same workload (relative difference of the mean
 * and variance). Times include the upload of x0 and the read-back of x (end to end), the median of
 * `--repeats` runs after one warm-up run.
 *
 * Usage: node --conditions=source --import tsx scripts/bench-gpu.ts [--size-scale S] [--repeats R]
 *   [--only W1,W3] [--adapter swiftshader|default] (--size-scale scales M and the W5 and FP1 cells, and the side of the W6
 *   and FP2 grids by its square root)
 * `--adapter swiftshader` (the default) forces Chromium's software adapter, the one CI machines have:
 * its rates are CPU emulation, not GPU performance. `--adapter default` lets Chromium pick the GPU.
 */
import { createNetwork, forwardResnet, solveSde } from "../packages/core/src/index.js";
import { advectionStage1D, advectionStage2D } from "../packages/mean-field/src/fluxes.js";
import { CHROMIUM_ARGS, openGpuPage } from "../test/gpu/browser.js";
import type { BenchPageApi } from "./bench-gpu-page.js";
import { fp1F64, fp1Problem, fp2F64, fp2Problem, w6MusclF64, w6MusclProblem } from "./bench-gpu-grid.js";
import { w5Problem, w6Problem } from "./bench-gpu-w6.js";

/** Σ|a - b|·vol. */
function l1(a: ArrayLike<number>, b: ArrayLike<number>, vol: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!) * vol;
  return s;
}

const args = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const sizeScale = Number(opt("--size-scale") ?? "1");
const repeats = Math.max(1, Number(opt("--repeats") ?? "3") | 0);
const only = (opt("--only") ?? "W1,W2,W3,W5,W6,W6M,FP1,FP2").split(",").map((s) => s.trim().toUpperCase());
const adapterFlag = opt("--adapter") ?? "swiftshader";
if (!(sizeScale > 0) || !["swiftshader", "default"].includes(adapterFlag)) {
  console.error("invalid arguments: --size-scale must be positive and --adapter one of swiftshader, default");
  process.exit(2);
}
const SIZES: Record<string, number> = { W1: 1_000_000, W2: 200_000, W3: 1_000_000 };

/** The f64 CPU checksums of a workload (same definitions as the page). */
function cpuMoments(wl: string, M: number): { mean: number[]; var: number[] } {
  const W: number[] = [];
  const b: number[] = [];
  let d = 1;
  let x0: Float64Array;
  let x: Float64Array;
  if (wl === "W2") {
    d = 2;
    for (let k = 0; k < 100; k++) {
      W.push(-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k));
      b.push(0.1 * Math.sin(k), -0.1 * Math.cos(k));
    }
    x0 = new Float64Array(2 * M);
    for (let i = 0; i < M; i++) {
      const r = 2 * Math.sqrt((i + 0.5) / M);
      const th = 2 * Math.PI * ((i * 0.6180339887498949) % 1);
      x0[2 * i] = r * Math.cos(th);
      x0[2 * i + 1] = r * Math.sin(th);
    }
    x = forwardResnet(createNetwork({ sigma: "tanh", d: 2, W, b, dt: 0.01 }), x0).x;
  } else {
    x0 = new Float64Array(M);
    for (let i = 0; i < M; i++) x0[i] = -3 + (6 * (i + 0.5)) / M;
    if (wl === "W3") {
      const net = createNetwork({
        sigma: "tanh",
        d: 1,
        W: new Array(200).fill(-1),
        b: new Array(200).fill(0.5),
        dt: 0.01,
        noise: { kind: "constant", K: new Float64Array([0.5]) },
      });
      x = solveSde(net, x0, { seed: 1 }).x;
    } else {
      for (let k = 0; k < 100; k++) {
        W.push(-1 + 0.5 * Math.sin(k));
        b.push(0.1 * Math.cos(k));
      }
      x = forwardResnet(createNetwork({ sigma: "tanh", d: 1, W, b, dt: 0.01 }), x0).x;
    }
  }
  const mean: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < M; i++) s += x[i * d + j]!;
    const m = s / M;
    let q = 0;
    for (let i = 0; i < M; i++) q += (x[i * d + j]! - m) ** 2;
    mean.push(m);
    v.push(q / M);
  }
  return { mean, var: v };
}

async function main(): Promise<void> {
  const flags = adapterFlag === "swiftshader" ? CHROMIUM_ARGS : CHROMIUM_ARGS.filter((a) => !a.startsWith("--use-webgpu-adapter"));
  const page = await openGpuPage(new URL("./bench-gpu-page.ts", import.meta.url).href, flags);
  try {
    const call = page.call as unknown as <K extends keyof BenchPageApi>(
      n: K,
      ...a: Parameters<BenchPageApi[K]>
    ) => ReturnType<BenchPageApi[K]>;
    const adapter = await call("adapter");
    console.log(
      `# WebGPU adapter: vendor=${adapter.vendor || "?"} architecture=${adapter.architecture || "?"} device=${adapter.device || "?"} ${adapter.description}`,
    );
    if (adapter.architecture === "swiftshader") console.log("# software adapter (SwiftShader): CPU emulation, not GPU performance");
    console.log(
      "| workload | M (W5, W6: cells) | steps | seconds | rate (particle-steps/s; W5, W6: cell-updates/s) | checksums (f32) | rel. diff. of mean vs f64 | rel. diff. of var vs f64 (W5, W6: abs. diff. of mass) |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const wl of only) {
      if (!(wl in SIZES)) continue;
      const M = Math.max(1, Math.round(SIZES[wl]! * sizeScale));
      const r = await call("run", wl, M, repeats);
      const cpu = cpuMoments(wl, M);
      const rel = (a: number[], b: number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j]!) / Math.max(Math.abs(b[j]!), 1e-300)));
      console.log(
        `| ${wl}-webgpu-f32 | ${M} | ${r.steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | ${r.mean.map((v) => v.toPrecision(7)).join(", ")} | ${rel(r.mean, cpu.mean).toExponential(1)} | ${rel(r.var, cpu.var).toExponential(1)} |`,
      );
    }
    if (only.includes("W5")) {
      const n = Math.max(8, Math.round(10_000 * sizeScale));
      const r = await call("runW5", n, repeats);
      // f64 reference: the same steps with advectionStage1D
      const w = w5Problem(n);
      let src = Float64Array.from(w.f0);
      let dst = new Float64Array(n);
      for (let k = 0; k < w.steps; k++) {
        advectionStage1D(w.coefficients, src, null, false, 0, src, 1, k === w.steps - 1 ? w.lambdaLast : w.lambda, dst);
        [src, dst] = [dst, src];
      }
      const cpu = w.checksums(src);
      const relMean = Math.abs(r.mean[0]! - cpu.mean[0]!) / Math.abs(cpu.mean[0]!);
      console.log(
        `| W5-webgpu-f32 (cell-updates/s) | ${n} | ${r.steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | mass ${r.mass.toPrecision(8)}, mean ${r.mean[0]!.toPrecision(6)} | ${relMean.toExponential(1)} | mass ${Math.abs(r.mass - cpu.mass).toExponential(1)} |`,
      );
    }
    if (only.includes("W6")) {
      const n = Math.max(8, Math.round(512 * Math.sqrt(sizeScale)));
      const r = await call("runW6", n, repeats);
      // f64 reference: the same steps with advectionStage2D
      const w = w6Problem(n);
      let src = Float64Array.from(w.f0);
      let dst = new Float64Array(src.length);
      const rowL = new Float64Array(n);
      const rowR = new Float64Array(n);
      for (let k = 0; k < w.steps; k++) {
        const [lx, ly] = k === w.steps - 1 ? w.lambdaLast : w.lambda;
        advectionStage2D(w.grid, w.coefficients, src, null, null, false, 0, src, 1, lx, ly, dst, rowL, rowR);
        [src, dst] = [dst, src];
      }
      const cpu = w.checksums(src);
      const relMean = Math.max(...r.mean.map((v, j) => Math.abs(v - cpu.mean[j]!) / Math.abs(cpu.mean[j]!)));
      console.log(
        `| W6-webgpu-f32 (cell-updates/s) | ${n}² | ${r.steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | mass ${r.mass.toPrecision(8)}, mean ${r.mean.map((v) => v.toPrecision(6)).join(", ")} | ${relMean.toExponential(1)} | mass ${Math.abs(r.mass - cpu.mass).toExponential(1)} |`,
      );
    }
    if (only.includes("W6M")) {
      const n = Math.max(8, Math.round(512 * Math.sqrt(sizeScale)));
      const r = await call("runW6Muscl", n, repeats);
      const w = w6MusclProblem(n);
      const cpu = w6MusclF64(w);
      const vol = w.grid.dx * w.grid.dy;
      const gpuSums = w.checksums(Float64Array.from(r.f));
      const cpuSums = w.checksums(cpu);
      const relMean = Math.max(...gpuSums.mean.map((v, j) => Math.abs(v - cpuSums.mean[j]!) / Math.abs(cpuSums.mean[j]!)));
      console.log(
        `| W6m-webgpu-f32 MUSCL van Leer SSP-RK3 (cell-steps/s, 3 stages each) | ${n}² | ${r.steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | mass ${gpuSums.mass.toPrecision(8)}, mean ${gpuSums.mean.map((v) => v.toPrecision(6)).join(", ")} | ${relMean.toExponential(1)} | mass ${Math.abs(gpuSums.mass - cpuSums.mass).toExponential(1)}, L1 ${l1(r.f, cpu, vol).toExponential(1)} |`,
      );
    }
    if (only.includes("FP1")) {
      const n = Math.max(16, Math.round(4096 * sizeScale));
      const steps = 2000;
      const r = await call("runFp1", n, steps, repeats);
      const p = fp1Problem(n, steps);
      const cpu = fp1F64(p);
      let cpuMass = 0;
      for (const v of cpu) cpuMass += v * p.grid.dx;
      console.log(
        `| FP1-webgpu-f32 explicit Chang–Cooper (cell-steps/s) | ${n} | ${steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | mass ${r.mass.toPrecision(8)} | — | mass ${Math.abs(r.mass - cpuMass).toExponential(1)}, L1 ${l1(r.f, cpu, p.grid.dx).toExponential(1)} |`,
      );
    }
    if (only.includes("FP2")) {
      const n = Math.max(8, Math.round(512 * Math.sqrt(sizeScale)));
      const steps = 200;
      const r = await call("runFp2", n, steps, repeats);
      const p = fp2Problem(n, steps);
      const cpu = fp2F64(p);
      const vol = p.grid.dx * p.grid.dy;
      let cpuMass = 0;
      for (const v of cpu) cpuMass += v * vol;
      console.log(
        `| FP2-webgpu-f32 explicit Chang–Cooper 2-D unsplit (cell-steps/s) | ${n}² | ${steps} | ${r.seconds.toFixed(4)} | ${r.rate.toExponential(2)} | mass ${r.mass.toPrecision(8)}, CFL ${r.cfl.toFixed(3)} | — | mass ${Math.abs(r.mass - cpuMass).toExponential(1)}, L1 ${l1(r.f, cpu, vol).toExponential(1)} |`,
      );
    }
    if (only.includes("W3"))
      console.log("# W3 uses other random numbers than the CPU: its mean and variance agree only statistically (about 3/sqrt(M)).");
  } finally {
    await page.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
