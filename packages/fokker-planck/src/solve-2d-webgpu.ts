/**
 * `solveFokkerPlanck2DWebGpu`: the 2-D Fokker–Planck problem of {@link solveFokkerPlanck2D} by unsplit
 * explicit Euler with Chang–Cooper fluxes, its steps on a WebGPU device (f32), layer by layer.
 * @packageDocumentation
 */
import { isKineticError, KineticError, type NetworkParams } from "@kinetic-nde/core";
import { requireOptions } from "@kinetic-nde/core/validate";
import type { GpuAdapterSummary, GpuChangCooperCoefficients2D } from "@kinetic-nde/core/webgpu";
import { createGrid1D, type Grid2D } from "@kinetic-nde/datasets";
import { type Boundary, type ChangCooperCoefficients, changCooperCoefficients, type Diffusion1D } from "./chang-cooper.js";
import { requireExplicitGpuSolve, stepLayersOnGpu } from "./internal/gpu-layers.js";
import { requireStepBudget, resolveSafety } from "./problem.js";
import type { FokkerPlanckMethod, FokkerPlanckStats } from "./solve-1d.js";
import type { FokkerPlanckWebGpuBackend } from "./solve-1d-webgpu.js";
import {
  FP2_OPTION_KEYS,
  type FokkerPlanckOptions2D,
  type FokkerPlanckProblem2D,
  type FokkerPlanckResult2D,
  prepareFokkerPlanck2D,
} from "./solve-2d.js";

/** Options of {@link solveFokkerPlanck2DWebGpu}: those of `solveFokkerPlanck2D`, plus `method` and `safety`. */
export interface FokkerPlanckWebGpuOptions2D extends FokkerPlanckOptions2D {
  /** `"explicit-euler"` (the default; the only method the GPU kernel has, others are UNSUPPORTED). */
  readonly method?: FokkerPlanckMethod;
  /**
   * Largest time step; steps are shortened to land on layer boundaries, `saveAt` times and T. Default
   * `safety` × the explicit stability bound; a dt above the bound is UNSTABLE.
   */
  readonly dt?: number;
  /** Fraction of the stability bound used when dt is not given, in (0, 1] (default 0.9). */
  readonly safety?: number;
}

/** Result of {@link solveFokkerPlanck2DWebGpu}: that of `solveFokkerPlanck2D`, computed in f32 on the adapter named. */
export interface FokkerPlanckWebGpuResult2D extends FokkerPlanckResult2D {
  /** As in `solveFokkerPlanck2D` (masses Σ f Δx Δy), plus one explicit product per step and the largest CFL number. */
  readonly stats: FokkerPlanckResult2D["stats"] & Pick<FokkerPlanckStats, "rhsEvals" | "maxCfl">;
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernels. */
  readonly adapter: GpuAdapterSummary;
  /** Kernel calls made (one per stretch of constant field; each uploads and reads back). */
  readonly calls: number;
}

/** The Chang–Cooper coefficients of every grid line in the GPU kernel's layout, with the scratch of one x-line. */
interface LayerCoefficients2D extends GpuChangCooperCoefficients2D {
  readonly alphaX: Float64Array;
  readonly betaX: Float64Array;
  readonly alphaY: Float64Array;
  readonly betaY: Float64Array;
  readonly line: ChangCooperCoefficients;
  readonly zY: Float64Array;
}

function createLayerCoefficients2D(nx: number, ny: number): LayerCoefficients2D {
  return {
    nx,
    ny,
    alphaX: new Float64Array((nx + 1) * ny),
    betaX: new Float64Array((nx + 1) * ny),
    alphaY: new Float64Array(nx * (ny + 1)),
    betaY: new Float64Array(nx * (ny + 1)),
    line: { alpha: new Float64Array(nx + 1), beta: new Float64Array(nx + 1), z: new Float64Array(nx + 1) },
    zY: new Float64Array(ny + 1),
  };
}

/**
 * Fill `c` with layer k's coefficients: row j (x-line at y_j) with velocity σ(W₀₀x + W₀₁y_j + b₀) and
 * D_x, x-face i at i·ny + j; column i (y-line at x_i) with σ(W₁₀x_i + W₁₁y + b₁) and D_y, y-face j at
 * i·(ny + 1) + j — the lines of `solveFokkerPlanck2D`'s sweeps. Returns the largest outgoing rate of a
 * cell, max (α_{i+1} + β_i)/Δx² + (α_{j+1} + β_j)/Δy² (explicit Euler is positive for Δt·rate ≤ 1).
 */
function fillLayerCoefficients2D(
  network: NetworkParams,
  k: number,
  grid: Grid2D,
  D: readonly [Diffusion1D, Diffusion1D],
  boundary: readonly [Boundary, Boundary],
  c: LayerCoefficients2D,
): number {
  const { nx, ny, dx, dy } = grid;
  const s = network.sigma.sigma;
  const w00 = network.W[4 * k]!;
  const w01 = network.W[4 * k + 1]!;
  const w10 = network.W[4 * k + 2]!;
  const w11 = network.W[4 * k + 3]!;
  const b0 = network.b[2 * k]!;
  const b1 = network.b[2 * k + 1]!;
  const gx = createGrid1D(grid.xMin, grid.xMax, nx);
  const gy = createGrid1D(grid.yMin, grid.yMax, ny);
  for (let j = 0; j < ny; j++) {
    const y = grid.yMin + (j + 0.5) * dy;
    changCooperCoefficients(gx, (x) => s(w00 * x + w01 * y + b0), D[0], boundary[0], boundary[0], c.line);
    for (let i = 0; i <= nx; i++) {
      c.alphaX[i * ny + j] = c.line.alpha[i]!;
      c.betaX[i * ny + j] = c.line.beta[i]!;
    }
  }
  for (let i = 0; i < nx; i++) {
    const x = grid.xMin + (i + 0.5) * dx;
    const o = i * (ny + 1);
    const col = { alpha: c.alphaY.subarray(o, o + ny + 1), beta: c.betaY.subarray(o, o + ny + 1), z: c.zY };
    changCooperCoefficients(gy, (y) => s(w10 * x + w11 * y + b1), D[1], boundary[1], boundary[1], col);
  }
  let rate = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const out =
        (c.alphaX[(i + 1) * ny + j]! + c.betaX[i * ny + j]!) / (dx * dx) +
        (c.alphaY[i * (ny + 1) + j + 1]! + c.betaY[i * (ny + 1) + j]!) / (dy * dy);
      if (out > rate) rate = out;
    }
  return rate;
}

/**
 * Solve the 2-D Fokker–Planck equation of the stochastic ResNet with diagonal diffusion,
 * ∂ₜf + ∇·(σ(W(t)x + b(t)) f) = ∂ₓₓ(Dₓ f) + ∂ᵧᵧ(D_y f), by unsplit explicit Euler with Chang–Cooper
 * fluxes along every grid line, the steps on a WebGPU device in f32: the problem, options and their
 * validation of `solveFokkerPlanck2D`, the same layers, save times and step rule (steps of at most dt
 * cut to land on layer boundaries and save times); each stretch of constant field is one
 * `fokkerPlanckExplicit` call.
 * @param backend - a WebGPU backend (`createWebGpuBackend` of `@kinetic-nde/core/webgpu`)
 * @param problem - as for `solveFokkerPlanck2D`: `{ network (d = 2), grid (Grid2D), f0, D?, T? }`, f0 as
 *   nx·ny cell averages (index i·ny + j) or a function sampled at the cell centres
 * @param options - as for `solveFokkerPlanck2D` (`dt`, `boundary`, `saveAt`, `massLossTolerance`,
 *   `maxSteps`), plus `method` (absent or `"explicit-euler"`) and `safety` (default 0.9); dt defaults to
 *   `safety` × the stability bound 1 / max over cells of ((α_{i+1} + β_i)/Δx² + (α_{j+1} + β_j)/Δy²),
 *   the worst over the layers used
 * @returns `{ f, saved, times, grid, status, stats }` as `solveFokkerPlanck2D` (fresh arrays; stats
 *   also `rhsEvals` and `maxCfl`), plus `precision: "f32"`, the `adapter` and the number of kernel `calls`
 * @throws KineticError as `solveFokkerPlanck2D` before any work (INVALID_ARGUMENT, SHAPE_MISMATCH,
 *   TOO_LARGE naming `dt`, UNSUPPORTED for non-diagonal noise); TOO_LARGE naming `maxSteps` when the
 *   steps under the stability bound exceed it; UNSUPPORTED naming `method` for another
 *   method (the implicit methods have no GPU kernel); INVALID_ARGUMENT naming `safety` outside (0, 1] or
 *   `backend`; UNSTABLE naming `dt` for a dt above the explicit bound (the message gives the bound); the
 *   backend's errors
 * @remarks First order in time, second in space. Under the bound each step is a non-negative matrix with
 *   column sums ≤ 1 (L1-nonexpansive), so the L1 distance to the same scheme in f64 stays within
 *   16·(steps + calls)·2⁻²⁴·‖f₀‖₁ (each call rounds its input to f32 once more); values may be negative
 *   at that level. Unlike the split implicit `solveFokkerPlanck2D`, the steady state of a non-separable
 *   drift carries no O(Δt) splitting error, but Δt ∝ min(Δx², Δy²). Tested in Chromium's software adapter.
 *   Cost per layer: the coefficients of nx + ny lines on the CPU, then O(nx·ny) per step on the device.
 * @example
 * ```ts no-run
 * import { createConstantNetwork } from "@kinetic-nde/core";
 * import { createWebGpuBackend } from "@kinetic-nde/core/webgpu";
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * const gpu = await createWebGpuBackend();
 * const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
 * const grid = createGrid2D([-4, 4], [-4, 4], 256);
 * const f0 = (x: number, y: number) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI);
 * const r = await solveFokkerPlanck2DWebGpu(gpu, { network, grid, D: [0.2, 0.2], f0 }, { saveAt: [0.5] });
 * console.log(r.status, r.stats.steps, r.stats.massFinal, r.adapter.description);
 * ```
 */
export async function solveFokkerPlanck2DWebGpu(
  backend: FokkerPlanckWebGpuBackend,
  problem: FokkerPlanckProblem2D,
  options: FokkerPlanckWebGpuOptions2D = {},
): Promise<FokkerPlanckWebGpuResult2D> {
  requireExplicitGpuSolve(backend, options, "solveFokkerPlanck2D");
  const o = requireOptions<FokkerPlanckWebGpuOptions2D>("options", options, [...FP2_OPTION_KEYS, "method", "safety"], {
    massTolerance: "massLossTolerance",
  });
  // solveFokkerPlanck2D's validation, without maxSteps when dt is not given: its default step is the
  // implicit solver's, so the step budget is checked below with the explicit one
  const { method: _method, safety: safetyOption, ...rest } = o;
  const { maxSteps: _maxSteps, ...withoutBudget } = rest;
  const prep = prepareFokkerPlanck2D(problem, rest.dt === undefined ? withoutBudget : rest);
  const safety = resolveSafety(safetyOption);
  const { network, grid, Dx, Dy, bx, by, tl, massTol, f } = prep;
  const { nx, ny, dx, dy } = grid;
  const coef = createLayerCoefficients2D(nx, ny);
  const fill = (k: number): number => fillLayerCoefficients2D(network, k, grid, [Dx, Dy], [bx, by], coef);
  let worst = 0;
  for (const k of new Set(tl.segments.map((seg) => seg.layer))) worst = Math.max(worst, fill(k));
  const bound = worst > 0 ? 1 / worst : Infinity;
  let dt: number;
  if (rest.dt !== undefined) {
    dt = prep.dt;
    if (dt > bound * (1 + 1e-12))
      throw new KineticError(
        "UNSTABLE",
        `unstable: explicit Euler needs \`dt\` <= ${bound.toPrecision(6)} (= 1 / max over cells of (alpha_{i+1} + beta_i)/dx^2 + (alpha_{j+1} + beta_j)/dy^2 ` +
          `on this grid, for positivity and stability); got dt = ${dt}. Use a smaller dt, omit dt to have it chosen, or solveFokkerPlanck2D on the CPU.`,
        { details: { argument: "dt", dt, bound } },
      );
  } else {
    dt = safety * bound;
    try {
      requireStepBudget(tl.segments, dt, rest.maxSteps);
    } catch (e) {
      // a larger dt is no way out here (it would be unstable): say what is
      if (!isKineticError(e, "TOO_LARGE")) throw e;
      const d = e.details as { estimate: number; budget: number };
      throw new KineticError(
        "TOO_LARGE",
        `too large: explicit Euler at ${safety} × its stability bound (dt = ${dt.toPrecision(4)}) needs ${d.estimate} time steps; ` +
          `the limit \`maxSteps\` is ${d.budget}: raise maxSteps, coarsen the grid, or use solveFokkerPlanck2D on the CPU`,
        { details: { ...d, argument: "maxSteps" }, cause: e },
      );
    }
  }
  const run = await stepLayersOnGpu(tl, dt, f, dx * dy, massTol, fill, (fIn, steps, h) =>
    backend.fokkerPlanckExplicit(fIn, coef, { steps, dt: h, dx, dy }),
  );
  const { saved, times, status, calls, stats } = run;
  return { f, saved, times, grid, status, stats, precision: "f32", adapter: backend.adapter, calls };
}
