/**
 * `solveFokkerPlanckWebGpu`: the explicit-Euler solve of {@link solveFokkerPlanck} with its steps on a
 * WebGPU device (f32), layer by layer.
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "@kinetic-nde/core";
import type { GpuAdapterSummary, WebGpuBackend } from "@kinetic-nde/core/webgpu";
import type { ChangCooperCoefficients } from "./chang-cooper.js";
import { compensatedSum, minOf } from "./internal/numerics.js";
import { createSaveRecorder, massLossStatus, subSteps } from "./problem.js";
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

/** What {@link solveFokkerPlanckWebGpu} needs of a backend (core's `createWebGpuBackend` returns it). */
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
  if (typeof backend !== "object" || backend === null || typeof backend.fokkerPlanckExplicit !== "function")
    throw new KineticError("INVALID_ARGUMENT", "invalid argument: `backend` must be a WebGPU backend (createWebGpuBackend)", {
      details: { argument: "backend" },
    });
  if (typeof options === "object" && options !== null && options.method !== undefined && options.method !== "explicit-euler")
    throw new KineticError(
      "UNSUPPORTED",
      `unsupported: \`method\` ${JSON.stringify(options.method)} on the GPU (its Fokker–Planck kernel is explicit Euler); use "explicit-euler" or solveFokkerPlanck`,
      { details: { argument: "method", value: options.method } },
    );
  const prep = prepareFokkerPlanck(problem, { ...options, method: "explicit-euler" });
  const { network, grid, D, left, right, tl, massTol, f, dt } = prep;
  const { n, dx } = grid;
  const coef: ChangCooperCoefficients = { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };
  const massInitial = compensatedSum(f) * dx;
  const { saved, times, record } = createSaveRecorder(f, tl.saveAt);
  record(0, tl.initialSaves);
  let t = 0;
  let steps = 0;
  let assemblies = 0;
  let calls = 0;
  let maxCfl = 0;
  let massLost = 0;
  let status: SolveStatus = "success";
  let layer = -1;
  let outMax = 0;
  for (const seg of tl.segments) {
    const span = seg.t1 - t;
    const nSub = subSteps(span, dt);
    const h = span / nSub;
    if (seg.layer !== layer) {
      layer = seg.layer;
      layerCoefficients(network, layer, grid, D[layer]!, left, right, coef);
      outMax = maxOutgoing(coef, n);
      assemblies++;
    }
    maxCfl = Math.max(maxCfl, (h * outMax) / (dx * dx));
    const r = await backend.fokkerPlanckExplicit(f, coef, { steps: nSub, dt: h, dx });
    calls++;
    steps += nSub;
    f.set(r.f);
    massLost += r.massLost;
    t = seg.t1;
    if (r.status !== "success") {
      status = r.status;
      break;
    }
    record(seg.saveFrom, seg.saveTo);
  }
  const massFinal = compensatedSum(f) * dx;
  status = massLossStatus(status, massLost, massTol, massInitial);
  return {
    f,
    saved,
    times,
    grid,
    status,
    stats: {
      steps,
      rejected: 0,
      rhsEvals: steps,
      assemblies,
      factorizations: 0,
      maxCfl,
      massInitial,
      massFinal,
      massLost,
      minValue: minOf(f),
    },
    precision: "f32",
    adapter: backend.adapter,
    calls,
  };
}
