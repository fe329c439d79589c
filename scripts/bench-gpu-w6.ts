/**
 * Workloads W6 (2-D upwind transport, zero flux) and W5 (its 1-D counterpart) of bench/WORKLOADS.md
 * for the GPU benchmark: the face
 * coefficients, the initial density, the steps and the checksums, shared by the browser page (WebGPU)
 * and the f64 reference in Node (`advectionStage2D`).
 */
import { createNetwork } from "../packages/core/src/index.js";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "../packages/datasets/src/index.js";
import {
  createFaceCoefficients1D,
  createFaceCoefficients2D,
  type FaceCoefficients1D,
  type FaceCoefficients2D,
  networkFaceCoefficients1DInto,
  networkFaceCoefficients2DInto,
} from "../packages/mean-field/src/fluxes.js";

export interface W6 {
  readonly grid: Grid2D;
  readonly coefficients: FaceCoefficients2D & { readonly nx: number; readonly ny: number };
  readonly f0: Float64Array;
  readonly steps: number;
  /** [Δt/Δx, Δt/Δy] of the full steps and of the last (shortened) step. */
  readonly lambda: [number, number];
  readonly lambdaLast: [number, number];
  checksums(f: Float64Array): { mass: number; mean: number[] };
}

/** W6 on an n×n grid of [-4, 4]²: W = [[-1, 0.5], [-0.5, -1]], b = [0.2, -0.1], T = 1. */
export function w6Problem(n: number): W6 {
  const grid = createGrid2D([-4, 4], [-4, 4], n, n);
  const net = createNetwork({ sigma: "tanh", d: 2, W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], dt: 1 });
  const c = networkFaceCoefficients2DInto(net, 0, grid, "zero-flux", createFaceCoefficients2D(grid));
  let amax = 0;
  for (const a of [c.axp, c.axm, c.ayp, c.aym]) for (const v of a) amax = Math.max(amax, Math.abs(v));
  const dt = (0.45 * Math.min(grid.dx, grid.dy)) / amax;
  const steps = Math.ceil(1 / dt);
  const last = 1 - (steps - 1) * dt;
  const f0 = new Float64Array(n * n);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = grid.xMin + (i + 0.5) * grid.dx;
      const y = grid.yMin + (j + 0.5) * grid.dy;
      f0[i * n + j] = Math.exp(-(x * x + y * y) / 2);
      mass += f0[i * n + j]! * grid.dx * grid.dy;
    }
  }
  for (let i = 0; i < f0.length; i++) f0[i] = f0[i]! / mass;
  return {
    grid,
    coefficients: Object.assign(c, { nx: n, ny: n }),
    f0,
    steps,
    lambda: [dt / grid.dx, dt / grid.dy],
    lambdaLast: [last / grid.dx, last / grid.dy],
    checksums(f) {
      let m = 0;
      let mx = 0;
      let my = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = f[i * n + j]! * grid.dx * grid.dy;
          m += v;
          mx += v * (grid.xMin + (i + 0.5) * grid.dx);
          my += v * (grid.yMin + (j + 0.5) * grid.dy);
        }
      }
      return { mass: m, mean: [mx, my] };
    },
  };
}

/** Workload W5 (1-D upwind transport) for the GPU benchmark; see {@link w5Problem}. */
export interface W5 {
  readonly grid: Grid1D;
  readonly coefficients: FaceCoefficients1D;
  readonly f0: Float64Array;
  readonly steps: number;
  /** Δt/Δx of the full steps and of the last (shortened) step. */
  readonly lambda: number;
  readonly lambdaLast: number;
  checksums(f: Float64Array): { mass: number; mean: number[] };
}

/**
 * W5 of bench/WORKLOADS.md on n cells of [-4, 4]: a(x) = tanh(-x + 0.5) at the faces, zero flux,
 * f0 the standard normal at the cell centres normalised to mass 1, Δt = 0.9Δx/max|a|, T = 2 (the last
 * step shortened).
 */
export function w5Problem(n: number): W5 {
  const grid = createGrid1D(-4, 4, n);
  const net = createNetwork({ sigma: "tanh", d: 1, W: [-1], b: [0.5], dt: 2 });
  const c = networkFaceCoefficients1DInto(net, 0, grid, "zero-flux", createFaceCoefficients1D(n));
  let amax = 0;
  for (const a of [c.ap, c.am]) for (const v of a) amax = Math.max(amax, Math.abs(v));
  const dt = (0.9 * grid.dx) / amax;
  const steps = Math.ceil(2 / dt);
  const last = 2 - (steps - 1) * dt;
  const f0 = new Float64Array(n);
  let mass = 0;
  for (let j = 0; j < n; j++) {
    const x = grid.xMin + (j + 0.5) * grid.dx;
    f0[j] = Math.exp(-(x * x) / 2);
    mass += f0[j]! * grid.dx;
  }
  for (let j = 0; j < n; j++) f0[j] = f0[j]! / mass;
  return {
    grid,
    coefficients: c,
    f0,
    steps,
    lambda: dt / grid.dx,
    lambdaLast: last / grid.dx,
    checksums(f) {
      let m = 0;
      let mx = 0;
      for (let j = 0; j < n; j++) {
        const v = f[j]! * grid.dx;
        m += v;
        mx += v * (grid.xMin + (j + 0.5) * grid.dx);
      }
      return { mass: m, mean: [mx] };
    },
  };
}
