/**
 * Grid workloads of the GPU benchmark next to W6, shared by the browser page (WebGPU) and the f64
 * reference in Node:
 * - W6m: W6 (2-D transport on [-4, 4]², zero flux, T = 1) with MUSCL, van Leer and SSP-RK3, at half
 *   the W6 step (CFL ≤ 1/2, the MUSCL positivity bound); f64 reference: `stridedSlopes` +
 *   `advectionStage2D` in the stages of `solveVlasov`.
 * - FP1: 1-D Fokker–Planck, drift tanh(0.5 - x), D = 0.18, zero flux on [-5, 5], n cells, explicit Euler
 *   at 0.9 of the stability bound for `steps` steps; f64 reference: `solveFokkerPlanck` (explicit-euler).
 * - FP2: 2-D Fokker–Planck, drift tanh(W x + b) with W = [[-1, 0.5], [-0.5, -1]], b = (0.2, -0.1),
 *   D = 0.1 in both directions, zero flux on [-4, 4]², n² cells, the unsplit explicit Chang–Cooper step
 *   at 0.9 of its stability bound for `steps` steps; f64 reference: the same unsplit steps in flux form
 *   (`fp2Reference` of the WebGPU suite) on the same coefficients.
 */
import { createNetwork } from "../packages/core/src/index.js";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "../packages/datasets/src/index.js";
import { type ChangCooperCoefficients, changCooperCoefficients, solveFokkerPlanck } from "../packages/fokker-planck/src/index.js";
import { advectionStage2D, stridedSlopes } from "../packages/mean-field/src/fluxes.js";
import { type Fp2Coefficients, fp2Coefficients, fp2Reference } from "../test/gpu/fokker-planck-2d.js";
import { type W6, w6Problem } from "./bench-gpu-w6.js";

/** W6 with MUSCL at half the W6 step: `steps` steps, the last of them shortened. */
export function w6MusclProblem(n: number): W6 {
  const w = w6Problem(n);
  const dt = w.lambda[0] * w.grid.dx * 0.5;
  const steps = Math.ceil(1 / dt - 1e-9);
  const last = 1 - (steps - 1) * dt;
  return { ...w, steps, lambda: [dt / w.grid.dx, dt / w.grid.dy], lambdaLast: [last / w.grid.dx, last / w.grid.dy] };
}

/** The f64 MUSCL (van Leer, SSP-RK3) steps of a W6-type problem. */
export function w6MusclF64(w: W6): Float64Array {
  const { grid, coefficients: c } = w;
  const n = w.f0.length;
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const rowL = new Float64Array(grid.ny);
  const rowR = new Float64Array(grid.ny);
  let u = Float64Array.from(w.f0);
  let A = new Float64Array(n);
  const B = new Float64Array(n);
  let lam = w.lambda;
  const stage = (src: Float64Array, dst: Float64Array, a: number) => {
    stridedSlopes(src, sx, grid.nx, grid.ny, grid.ny, 1, "van-leer", false);
    stridedSlopes(src, sy, grid.ny, 1, grid.nx, grid.ny, "van-leer", false);
    advectionStage2D(grid, c, src, sx, sy, false, a, u, 1 - a, (1 - a) * lam[0], (1 - a) * lam[1], dst, rowL, rowR);
  };
  for (let k = 0; k < w.steps; k++) {
    lam = k === w.steps - 1 ? w.lambdaLast : w.lambda;
    stage(u, A, 0);
    stage(A, B, 0.75);
    stage(B, A, 1 / 3);
    [u, A] = [A, u];
  }
  return u;
}

export interface Fp1 {
  readonly grid: Grid1D;
  readonly coefficients: ChangCooperCoefficients;
  readonly f0: Float64Array;
  readonly steps: number;
  readonly dt: number;
}

/** FP1 on n cells for `steps` explicit steps. */
export function fp1Problem(n: number, steps: number): Fp1 {
  const grid = createGrid1D(-5, 5, n);
  const coefficients = changCooperCoefficients(grid, (x) => Math.tanh(0.5 - x), 0.18, "zero-flux", "zero-flux");
  let out = 0;
  for (let i = 0; i < n; i++) out = Math.max(out, coefficients.alpha[i + 1]! + coefficients.beta[i]!);
  const dt = (0.9 * grid.dx * grid.dx) / out;
  const f0 = Float64Array.from({ length: n }, (_, j) => (Math.abs(grid.xMin + (j + 0.5) * grid.dx) < 1 ? 0.5 : 0));
  return { grid, coefficients, f0, steps, dt };
}

/** The f64 steps of FP1 by `solveFokkerPlanck` (explicit Euler, the same step). */
export function fp1F64(p: Fp1): Float64Array {
  const T = p.steps * p.dt;
  const network = createNetwork({ sigma: "tanh", d: 1, W: [-1], b: [0.5], dt: T });
  const r = solveFokkerPlanck({ network, grid: p.grid, f0: p.f0, D: 0.18, T }, { method: "explicit-euler", dt: p.dt });
  if (r.stats.steps !== p.steps) throw new Error(`FP1 reference took ${r.stats.steps} steps, not ${p.steps}`);
  return r.f;
}

export interface Fp2 {
  readonly grid: Grid2D;
  readonly coefficients: Fp2Coefficients;
  readonly f0: Float64Array;
  readonly steps: number;
  readonly dt: number;
}

/** FP2 on n² cells for `steps` explicit steps: a Gaussian off the centre and a box. */
export function fp2Problem(n: number, steps: number): Fp2 {
  const grid = createGrid2D([-4, 4], [-4, 4], n, n);
  const { coefficients, rate } = fp2Coefficients(grid, [-1, 0.5, -0.5, -1], [0.2, -0.1], [0.1, 0.1], "zero-flux");
  const f0 = Float64Array.from({ length: n * n }, (_, k) => {
    const x = grid.xMin + (Math.floor(k / n) + 0.5) * grid.dx;
    const y = grid.yMin + ((k % n) + 0.5) * grid.dy;
    return Math.exp(-((x - 1.5) ** 2 + (y + 1) ** 2) / 0.5) / (0.5 * Math.PI) + (Math.abs(x + 1.5) < 1 && Math.abs(y - 1) < 1 ? 0.25 : 0);
  });
  return { grid, coefficients, f0, steps, dt: 0.9 / rate };
}

/** The f64 steps of FP2 (the same unsplit scheme on the same coefficients). */
export function fp2F64(p: Fp2): Float64Array {
  return fp2Reference(p.grid, p.coefficients, p.f0, p.dt, p.steps).f;
}
