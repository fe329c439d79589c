/**
 * The page of `scripts/bench-gpu.ts`: runs workloads W1–W3 (bench/WORKLOADS.md) on the WebGPU backend
 * of whatever adapter the browser offers and returns the median time and the checksums.
 */
import { createNetwork, type NetworkParams } from "../packages/core/src/index.js";
import { createWebGpuBackend, type WebGpuBackend } from "../packages/core/src/webgpu/index.js";
import { fp1Problem, fp2Problem, w6MusclProblem } from "./bench-gpu-grid.js";
import { w5Problem, w6Problem } from "./bench-gpu-w6.js";

let backend: WebGpuBackend | undefined;

function workload(wl: string, M: number): { net: NetworkParams; x0: Float64Array; d: number } {
  const W: number[] = [];
  const b: number[] = [];
  if (wl === "W2") {
    for (let k = 0; k < 100; k++) {
      W.push(-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k));
      b.push(0.1 * Math.sin(k), -0.1 * Math.cos(k));
    }
    const x0 = new Float64Array(2 * M);
    for (let i = 0; i < M; i++) {
      const r = 2 * Math.sqrt((i + 0.5) / M);
      const th = 2 * Math.PI * ((i * 0.6180339887498949) % 1);
      x0[2 * i] = r * Math.cos(th);
      x0[2 * i + 1] = r * Math.sin(th);
    }
    return { net: createNetwork({ sigma: "tanh", d: 2, W, b, dt: 0.01 }), x0, d: 2 };
  }
  const x0 = new Float64Array(M);
  for (let i = 0; i < M; i++) x0[i] = -3 + (6 * (i + 0.5)) / M;
  if (wl === "W3") {
    return {
      net: createNetwork({
        sigma: "tanh",
        d: 1,
        W: new Array(200).fill(-1),
        b: new Array(200).fill(0.5),
        dt: 0.01,
        noise: { kind: "constant", K: new Float64Array([0.5]) },
      }),
      x0,
      d: 1,
    };
  }
  for (let k = 0; k < 100; k++) {
    W.push(-1 + 0.5 * Math.sin(k));
    b.push(0.1 * Math.cos(k));
  }
  return { net: createNetwork({ sigma: "tanh", d: 1, W, b, dt: 0.01 }), x0, d: 1 };
}

function moments(x: Float64Array, d: number): { mean: number[]; var: number[] } {
  const M = x.length / d;
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

/** The median time of `repeats` runs of `go` after one warm-up run (which compiles the pipeline), and the last result. */
async function timed<R>(go: () => Promise<R>, repeats: number): Promise<{ seconds: number; res: R }> {
  let res = await go();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    res = await go();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, res };
}

/**
 * The steps of a transport workload in two calls (the full steps, then the shortened last one), after
 * one warm-up: the median time of `repeats` runs and the final density.
 */
async function twoCalls(
  w: {
    readonly f0: Float64Array;
    readonly steps: number;
    readonly lambda: number | [number, number];
    readonly lambdaLast: number | [number, number];
  },
  repeats: number,
  advect: (f: Float64Array, o: { steps: number; lambda: number | [number, number] }) => Promise<{ readonly f: Float64Array }>,
): Promise<{ seconds: number; f: Float64Array }> {
  const go = async () => {
    const a = await advect(w.f0, { steps: w.steps - 1, lambda: w.lambda });
    return advect(a.f, { steps: 1, lambda: w.lambdaLast });
  };
  await go();
  const times: number[] = [];
  let f = w.f0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    f = (await go()).f;
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, f };
}

const api = {
  async adapter() {
    backend ??= await createWebGpuBackend();
    return backend.adapter;
  },
  /** W5: 1-D upwind on n cells (two calls: the full steps, then the shortened last one). */
  async runW5(n: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const w = w5Problem(n);
    const t = await twoCalls(w, repeats, (f, o) => backend!.advectUpwind(f, w.coefficients, o));
    return { workload: "W5", cells: n, steps: w.steps, seconds: t.seconds, rate: (n * w.steps) / t.seconds, ...w.checksums(t.f) };
  },
  /** W6: 2-D upwind on an n×n grid; returns the time of all steps (two calls as W5). */
  async runW6(n: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const w = w6Problem(n);
    const t = await twoCalls(w, repeats, (f, o) => backend!.advectUpwind(f, w.coefficients, o));
    return { workload: "W6", cells: n * n, steps: w.steps, seconds: t.seconds, rate: (n * n * w.steps) / t.seconds, ...w.checksums(t.f) };
  },
  /** W6m: W6 with MUSCL (van Leer, SSP-RK3) at half the step; two calls as W6. Returns f for the f64 comparison. */
  async runW6Muscl(n: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const w = w6MusclProblem(n);
    const m = { limiter: "van-leer", timeStepper: "ssp-rk3", cellVolume: w.grid.dx * w.grid.dy } as const;
    const t = await twoCalls(w, repeats, (f, o) => backend!.advectMuscl(f, w.coefficients, { ...o, ...m }));
    return { cells: n * n, steps: w.steps, seconds: t.seconds, rate: (n * n * w.steps) / t.seconds, f: Array.from(t.f) };
  },
  /** FP1: explicit Chang–Cooper steps on n cells, in one call. */
  async runFp1(n: number, steps: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const p = fp1Problem(n, steps);
    const { seconds, res } = await timed(
      () => backend!.fokkerPlanckExplicit(p.f0, p.coefficients, { steps, dt: p.dt, dx: p.grid.dx }),
      repeats,
    );
    return { cells: n, steps, seconds, rate: (n * steps) / seconds, f: Array.from(res.f), mass: res.mass };
  },
  /** FP2: unsplit explicit 2-D Chang–Cooper steps on n² cells, in one call. */
  async runFp2(n: number, steps: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const p = fp2Problem(n, steps);
    const o = { steps, dt: p.dt, dx: p.grid.dx, dy: p.grid.dy };
    const { seconds, res } = await timed(() => backend!.fokkerPlanckExplicit(p.f0, p.coefficients, o), repeats);
    return { cells: n * n, steps, seconds, rate: (n * n * steps) / seconds, f: Array.from(res.f), mass: res.mass, cfl: res.stats.cfl };
  },
  async run(wl: string, M: number, repeats: number) {
    backend ??= await createWebGpuBackend();
    const { net, x0, d } = workload(wl, M);
    const go = () => (wl === "W3" ? backend!.solveSde(net, x0, { seed: 1 }) : backend!.forwardResnet(net, x0));
    await go(); // compiles the pipeline
    const times: number[] = [];
    let last: Float64Array = x0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const res = await go();
      times.push((performance.now() - t0) / 1000);
      last = res.x;
    }
    times.sort((a, b) => a - b);
    const seconds = times[Math.floor(times.length / 2)]!;
    return { workload: wl, M, steps: net.nLayers, seconds, rate: (M * net.nLayers) / seconds, ...moments(last, d) };
  },
};

export type BenchPageApi = typeof api;
(globalThis as unknown as { kn: BenchPageApi }).kn = api;
