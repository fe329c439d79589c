/**
 * Workload W4 (gradient-2d) of the shared benchmark catalogue: one full-batch loss gradient of a
 * 2-D tanh ResNet by the discrete adjoint, timed through the public evaluator that `train` uses.
 */
import { createGradientEvaluator, createNetwork } from "../src/index.js";
import { fibonacciDisk } from "./workloads.js";

/** Compensated (Neumaier) sum. */
function ksum(a: ArrayLike<number>, f: (v: number) => number = (v) => v): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const v = f(a[i]!);
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

function w4(opts: { sizeScale: number }): Record<string, unknown> {
  const M = Math.max(2, Math.round(4096 * opts.sizeScale));
  const L = 20;
  const x = fibonacciDisk(M);
  const y = new Float64Array(M);
  for (let i = 0; i < M; i++) y[i] = x[2 * i]! * x[2 * i + 1]! > 0 ? 1 : -1;
  const W: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < L; k++) {
    W.push(-0.5 + 0.1 * Math.sin(k), 0.2, -0.2, -0.5 + 0.1 * Math.cos(k));
    b.push((0.05 * k) / L, -0.05);
  }
  const network = createNetwork({ sigma: "tanh", d: 2, W, b, dt: 1 / L });
  // J = 1/(2M) Σ (x_1(L) - y)^2: mse on the projection onto the first coordinate.
  const ev = createGradientEvaluator({ x, targets: y, loss: { kind: "mse", projection: [1, 0] }, network });
  const theta = ev.initialTheta;
  const grad = new Float64Array(ev.nParams);
  const evals = 200;
  let best = Infinity;
  let J = 0;
  for (let e = 0; e < evals; e++) {
    const t0 = performance.now();
    J = ev.evaluate(theta, grad);
    const t = (performance.now() - t0) / 1000;
    if (t < best) best = t;
  }
  const gradNorm = Math.sqrt(ksum(grad, (v) => v * v));
  return {
    workload: "W4",
    impl: "kinetic-nde",
    seconds: best,
    M,
    L,
    J,
    grad_norm: gradNorm,
    evals,
    rate: 1 / best,
    rate_unit: "gradient-evaluations/s",
  };
}

/** The workloads this file owns, keyed by id. */
export const workloads: Record<string, (opts: { sizeScale: number }) => Record<string, unknown>> = { W4: w4 };

const isMain =
  typeof process !== "undefined" && process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split("/").pop()!);
if (isMain) {
  for (let r = 0; r < 3; r++) console.log(JSON.stringify(w4({ sizeScale: 1 })));
}
