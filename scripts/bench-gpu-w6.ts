/**
 * Workload W6 of bench/WORKLOADS.md (2-D upwind transport, zero flux) for the GPU benchmark: the face
 * coefficients, the initial density, the steps and the checksums, shared by the browser page (WebGPU)
 * and the f64 reference in Node (`advectionStage2D`).
 */
import { createNetwork } from "../packages/core/src/index.js";
import { createGrid2D, type Grid2D } from "../packages/datasets/src/index.js";
import { createFaceCoefficients2D, type FaceCoefficients2D, networkFaceCoefficients2DInto } from "../packages/mean-field/src/fluxes.js";

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
