/**
 * The layer loop shared by the WebGPU Fokker–Planck drivers (1-D and 2-D): the input checks they share,
 * and one kernel call per stretch of constant field with the solvers' step rule and save times.
 * @packageDocumentation
 */
import { KineticError, type resolveTimeline, type SolveStatus } from "@kinetic-nde/core";
import type { GpuFokkerPlanckResult } from "@kinetic-nde/core/webgpu";
import { createSaveRecorder, massLossStatus, subSteps } from "../problem.js";
import type { FokkerPlanckWebGpuBackend } from "../solve-1d-webgpu.js";
import { compensatedSum, minOf } from "./numerics.js";

/**
 * Refuse a backend without `fokkerPlanckExplicit` (INVALID_ARGUMENT naming `backend`) and any method
 * but explicit Euler (UNSUPPORTED naming `method` and pointing to `cpuSolver`), before the problem is
 * looked at. @internal
 */
export function requireExplicitGpuSolve(
  backend: unknown,
  options: unknown,
  cpuSolver: string,
): asserts backend is FokkerPlanckWebGpuBackend {
  if (typeof backend !== "object" || backend === null || typeof (backend as FokkerPlanckWebGpuBackend).fokkerPlanckExplicit !== "function")
    throw new KineticError("INVALID_ARGUMENT", "invalid argument: `backend` must be a WebGPU backend (createWebGpuBackend)", {
      details: { argument: "backend" },
    });
  const method = typeof options === "object" && options !== null ? (options as { method?: unknown }).method : undefined;
  if (method !== undefined && method !== "explicit-euler")
    throw new KineticError(
      "UNSUPPORTED",
      `unsupported: \`method\` ${JSON.stringify(method)} on the GPU (its Fokker–Planck kernel is explicit Euler); use "explicit-euler" or ${cpuSolver}`,
      { details: { argument: "method", value: method } },
    );
}

/** Snapshots, status and counters of {@link stepLayersOnGpu}. @internal */
export interface GpuLayerRun {
  readonly saved: Float64Array[];
  readonly times: number[];
  /** The calls' status, then the mass-loss rule of the solvers. */
  readonly status: SolveStatus;
  /** Kernel calls made. */
  readonly calls: number;
  /** The solvers' counters: masses Σ f·`vol`, maxCfl the largest h·rate of a call (h its step, rate the layer's). */
  readonly stats: {
    readonly steps: number;
    readonly rejected: 0;
    readonly rhsEvals: number;
    readonly assemblies: number;
    readonly maxCfl: number;
    readonly massInitial: number;
    readonly massFinal: number;
    readonly massLost: number;
    readonly minValue: number;
  };
}

/**
 * Step `f` (updated in place) through the timeline's segments: per segment the solvers' sub-steps of
 * at most `dt`, one kernel call; `assemble(layer)` fills the layer's coefficients when the layer
 * changes and returns its largest outgoing rate per unit time; the states at the save times are
 * copied. Stops at the first call whose status is not `"success"`; masses are Σ f·`vol`, and more
 * outflow than `massTol` of the initial mass makes the status `"mass-lost"`. @internal
 */
export async function stepLayersOnGpu(
  tl: ReturnType<typeof resolveTimeline>,
  dt: number,
  f: Float64Array,
  vol: number,
  massTol: number,
  assemble: (layer: number) => number,
  call: (f: Float64Array, steps: number, h: number) => Promise<GpuFokkerPlanckResult>,
): Promise<GpuLayerRun> {
  const massInitial = compensatedSum(f) * vol;
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
  let rate = 0;
  for (const seg of tl.segments) {
    const span = seg.t1 - t;
    const nSub = subSteps(span, dt);
    const h = span / nSub;
    if (seg.layer !== layer) {
      layer = seg.layer;
      rate = assemble(layer);
      assemblies++;
    }
    maxCfl = Math.max(maxCfl, h * rate);
    const r = await call(f, nSub, h);
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
  return {
    saved,
    times,
    status: massLossStatus(status, massLost, massTol, massInitial),
    calls,
    stats: {
      steps,
      rejected: 0,
      rhsEvals: steps,
      assemblies,
      maxCfl,
      massInitial,
      massFinal: compensatedSum(f) * vol,
      massLost,
      minValue: minOf(f),
    },
  };
}
