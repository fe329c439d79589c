/**
 * Benchmark workloads W1–W3 of the project's workload catalogue, run through the public solvers.
 * Each call builds its inputs (untimed), times one run of the workload's loop with
 * `performance.now()` and returns one record with the same field names as the NumPy peer.
 */
import { createNetwork, createScalarNetwork, forwardResnetInto, solveSde, type NetworkParams } from "../src/index.js";
import { createWorkerPool, type WorkerPool } from "../src/node/index.js";

/** The Node worker pool (one thread per core), created and warmed up outside the timed region. */
let pool: WorkerPool | undefined;
async function workerPool(): Promise<WorkerPool> {
  pool ??= createWorkerPool();
  await pool.ready();
  return pool;
}
/** Impl name of the worker-pool variant, e.g. "kinetic-nde-2t". */
const mtName = (p: WorkerPool): string => `kinetic-nde-${p.threads}t`;

/** Time `pool.solveOdeInto(net, x, x, euler)` (an in-place forward pass on every core, like `forwardResnetInto`). */
async function timedParallelForward(
  net: NetworkParams,
  x: Float64Array,
): Promise<{ seconds: number; x: Float64Array; threads: WorkerPool }> {
  const p = await workerPool();
  const t0 = performance.now();
  const r = await p.solveOdeInto(net, x, x, { method: "euler" });
  const seconds = (performance.now() - t0) / 1e3;
  if (r.status !== "success") throw new Error(`parallel forward: ${r.status}`);
  return { seconds, x: r.x, threads: p };
}

/**
 * The two rows of a forward-pass workload: an in-place `forwardResnetInto` on one thread, then the
 * same pass on the worker pool, each on fresh `inputs()`, with the checksums `stats` of the result.
 */
async function timedForwardRows(
  workload: string,
  net: NetworkParams,
  inputs: () => Float64Array,
  M: number,
  L: number,
  stats: (x: Float64Array) => Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const x = inputs();
  const t0 = performance.now();
  const r = forwardResnetInto(net, x, x);
  const seconds = (performance.now() - t0) / 1e3;
  if (r.status !== "success") throw new Error(`${workload}: ${r.status}`);
  const mt = await timedParallelForward(net, inputs());
  return [
    { workload, impl: "kinetic-nde", seconds, M, L, ...stats(x), rate: (M * L) / seconds, rate_unit: "particle-steps/s" },
    {
      workload,
      impl: mtName(mt.threads),
      seconds: mt.seconds,
      M,
      L,
      ...stats(mt.x),
      rate: (M * L) / mt.seconds,
      rate_unit: "particle-steps/s",
    },
  ];
}

/** Neumaier-compensated sum of f(a[i]) (checksums only, never timed). */
function csum(a: Float64Array, f: (v: number) => number = (v) => v, start = 0, stride = 1): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < a.length; i += stride) {
    const v = f(a[i]!);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

function size(base: number, scale: number): number {
  return Math.max(2, Math.round(base * scale));
}

function inputs1d(M: number): Float64Array {
  const x = new Float64Array(M);
  for (let i = 0; i < M; i++) x[i] = -3 + (6 * (i + 0.5)) / M;
  return x;
}

/** M points of the disk of radius 2 on a Fibonacci (golden-angle) spiral, row-major (x0, x1) pairs. */
export function fibonacciDisk(M: number): Float64Array {
  const x = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    const r = 2 * Math.sqrt((i + 0.5) / M);
    const v = i * 0.6180339887498949;
    const th = 2 * Math.PI * (v - Math.floor(v));
    x[2 * i] = r * Math.cos(th);
    x[2 * i + 1] = r * Math.sin(th);
  }
  return x;
}

function meanVar(x: Float64Array): { mean: number; var: number } {
  const mean = csum(x) / x.length;
  return { mean, var: csum(x, (u) => (u - mean) * (u - mean)) / x.length };
}

/** W1 particles-1d: d = 1, tanh, M = 10^6, L = 100, Δt = 1/L. One thread, then the worker pool. */
async function w1({ sizeScale }: { sizeScale: number }): Promise<Record<string, unknown>[]> {
  const M = size(1_000_000, sizeScale);
  const L = 100;
  const w = Array.from({ length: L }, (_, k) => -1 + 0.5 * Math.sin(k));
  const b = Array.from({ length: L }, (_, k) => 0.1 * Math.cos(k));
  const net = createScalarNetwork({ sigma: "tanh", w, b, dt: 1 / L });
  return timedForwardRows("W1", net, () => inputs1d(M), M, L, meanVar);
}

/** W2 particles-2d: d = 2, tanh, M = 2·10^5 Fibonacci-disk inputs, L = 100. One thread, then the worker pool. */
async function w2({ sizeScale }: { sizeScale: number }): Promise<Record<string, unknown>[]> {
  const M = size(200_000, sizeScale);
  const L = 100;
  const W: number[][] = [];
  const b: number[][] = [];
  for (let k = 0; k < L; k++) {
    W.push([-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k)]);
    b.push([0.1 * Math.sin(k), -0.1 * Math.cos(k)]);
  }
  const net = createNetwork({ sigma: "tanh", d: 2, W, b, dt: 1 / L });
  return timedForwardRows(
    "W2",
    net,
    () => fibonacciDisk(M),
    M,
    L,
    (x) => meanCov2(x, M),
  );
}

/** Mean vector and covariance of a 2-D ensemble (checksums of W2). */
function meanCov2(x: Float64Array, M: number): { mean: number[]; cov: number[][] } {
  const m1 = csum(x, (v) => v, 0, 2) / M;
  const m2 = csum(x, (v) => v, 1, 2) / M;
  const d1 = new Float64Array(M);
  const d2 = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    d1[i] = x[2 * i]! - m1;
    d2[i] = x[2 * i + 1]! - m2;
  }
  const c11 = csum(d1, (v) => v * v) / M;
  const c22 = csum(d2, (v) => v * v) / M;
  const prod = d1.map((v, i) => v * d2[i]!);
  const c12 = csum(prod) / M;
  return {
    mean: [m1, m2],
    cov: [
      [c11, c12],
      [c12, c22],
    ],
  };
}

/** W3 sde-1d: Euler–Maruyama, tanh, w = -1, b = 0.5, K = 0.5, Δt = 0.01, L = 200, seed 12345. One thread, then the worker pool. */
async function w3({ sizeScale }: { sizeScale: number }): Promise<Record<string, unknown>[]> {
  const M = size(1_000_000, sizeScale);
  const L = 200;
  const seed = 12345;
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, dt: 0.01, nLayers: L, K: 0.5 });
  const x0 = inputs1d(M);
  const t0 = performance.now();
  const r = solveSde(net, x0, { method: "euler-maruyama", seed });
  const seconds = (performance.now() - t0) / 1e3;
  if (r.status !== "success") throw new Error(`W3: ${r.status}`);
  const p = await workerPool();
  const t1 = performance.now();
  const rp = await p.solveSde(net, x0, { method: "euler-maruyama", seed });
  const secondsMt = (performance.now() - t1) / 1e3;
  if (rp.status !== "success") throw new Error(`W3: ${rp.status}`);
  const rng = "kinetic-nde xoshiro128** ziggurat, one stream per particle";
  return [
    {
      workload: "W3",
      impl: "kinetic-nde",
      seconds,
      M,
      L,
      ...meanVar(r.x),
      seed,
      rng,
      rate: (M * L) / seconds,
      rate_unit: "particle-steps/s",
    },
    {
      workload: "W3",
      impl: mtName(p),
      seconds: secondsMt,
      M,
      L,
      ...meanVar(rp.x),
      seed,
      rng,
      rate: (M * L) / secondsMt,
      rate_unit: "particle-steps/s",
    },
  ];
}

/** The workloads this package owns, keyed by id. */
export const workloads: Record<string, (opts: { sizeScale: number }) => Promise<Record<string, unknown>[]>> = { W1: w1, W2: w2, W3: w3 };
