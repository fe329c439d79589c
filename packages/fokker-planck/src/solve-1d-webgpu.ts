/**
 * `solveFokkerPlanckWebGpu`: the explicit-Euler solve of {@link solveFokkerPlanck} with its steps on a
 * WebGPU device (f32), layer by layer.
 * @packageDocumentation
 */
import type { GpuAdapterSummary, WebGpuBackend } from "@kinetic-nde/core/webgpu";
import type { ChangCooperCoefficients } from "./chang-cooper.js";
import { requireExplicitGpuSolve, stepLayersOnGpu } from "./internal/gpu-layers.js";
import {
  type FokkerPlanckOptions,
  type FokkerPlanckProblem,
  type FokkerPlanckResult,
  layerCoefficients,
  maxOutgoing,
  prepareFokkerPlanck,
} from "./solve-1d.js";

/** Result of {@link solveFokkerPlanckWebGpu}: that of `solveFokkerPlanck`, computed in f32 on the adapter named. */
export interface FokkerPlanckWebGpuResult extends FokkerPlanckResult {
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernels. */
  readonly adapter: GpuAdapterSummary;
  /** Kernel calls made (one per stretch of constant field; each uploads and reads back). */
  readonly calls: number;
}

/** What {@link solveFokkerPlanckWebGpu} and `solveFokkerPlanck2DWebGpu` need of a backend (core's `createWebGpuBackend` returns it). */
export type FokkerPlanckWebGpuBackend = Pick<WebGpuBackend, "fokkerPlanckExplicit" | "adapter">;

/**
 * Solve the 1-D Fokker–Planck equation of the stochastic ResNet as `solveFokkerPlanck` does with
 * `method: "explicit-euler"`, with the steps on a WebGPU device in f32: the same validation, the same
 * layers and diffusions (one D, D(x) or one per layer), the same steps (the explicit bound's dt with
 * `safety`, or the given dt, cut to land on layer boundaries and save times) and `saveAt`; each stretch
 * of constant field is one `fokkerPlanckExplicit` call.
 * @param backend - a WebGPU backend (`createWebGpuBackend` of `@kinetic-nde/core/webgpu`)
 * @param problem - as for `solveFokkerPlanck`
 * @param options - as for `solveFokkerPlanck`; `method` absent or `"explicit-euler"`
 * @returns as `solveFokkerPlanck`, plus `precision: "f32"`, the `adapter` and the number of kernel `calls`
 * @throws KineticError as `solveFokkerPlanck` before any work (UNSTABLE for a dt above the explicit
 *   bound); UNSUPPORTED for another `method` (the implicit methods have no GPU kernel); the backend's errors
 * @remarks Each explicit step under its bound is L1-nonexpansive, so the L1 distance to the f64 solve
 *   stays within 16·(steps + calls)·2⁻²⁴·‖f₀‖₁ (each call rounds its input to f32 once more); tested in
 *   Chromium's software adapter. Values may be negative at that level.
 * @example
 * ```ts no-run
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createWebGpuBackend } from "@kinetic-nde/core/webgpu";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const gpu = await createWebGpuBackend();
 * const network = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5], b: [0.5, 0], T: 2, K: 0.6 });
 * const r = await solveFokkerPlanckWebGpu(gpu, { network, grid: createGrid1D(-5, 5, 4096), f0: (x) => Math.exp(-x * x) }, { saveAt: [1] });
 * console.log(r.status, r.stats.steps, r.adapter.description);
 * ```
 */
export async function solveFokkerPlanckWebGpu(
  backend: FokkerPlanckWebGpuBackend,
  problem: FokkerPlanckProblem,
  options: FokkerPlanckOptions = {},
): Promise<FokkerPlanckWebGpuResult> {
  requireExplicitGpuSolve(backend, options, "solveFokkerPlanck");
  const prep = prepareFokkerPlanck(problem, { ...options, method: "explicit-euler" });
  const { network, grid, D, left, right, tl, massTol, f, dt } = prep;
  const { n, dx } = grid;
  const coef: ChangCooperCoefficients = { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };
  const run = await stepLayersOnGpu(
    tl,
    dt,
    f,
    dx,
    massTol,
    (layer) => {
      layerCoefficients(network, layer, grid, D[layer]!, left, right, coef);
      return maxOutgoing(coef, n) / (dx * dx);
    },
    (fIn, steps, h) => backend.fokkerPlanckExplicit(fIn, coef, { steps, dt: h, dx }),
  );
  const { saved, times, status, calls, stats } = run;
  return { f, saved, times, grid, status, stats: { ...stats, factorizations: 0 }, precision: "f32", adapter: backend.adapter, calls };
}
