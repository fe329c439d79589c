/**
 * Resolving the 1-D Fokker–Planck problem: drift of a layer, diffusion from the noise model.
 * @packageDocumentation
 */
import { activationInfo, checkNetwork, KineticError, type NetworkParams, type SolveStatus, type TimelineSegment } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray, requireInteger, requireNonNegative, requirePositive } from "@kinetic-nde/core/validate";
import { type Grid1D, cellAverages1D, requireGrid1D as requireGrid } from "@kinetic-nde/datasets";
import type { Diffusion1D } from "./chang-cooper.js";

/**
 * Diffusion D(x) = K(x)²/2 of a 1-D network's noise model.
 * @param network - a network with d = 1 and a noise model
 * @returns the constant D or a function D(x)
 * @throws KineticError INVALID_ARGUMENT when the network has no noise model or d ≠ 1
 * @remarks constant K → D = K²/2; diagonal k(x, 0) → D(x) = k(x, 0)²/2; matrix K(x) → D = K₀₀(x)²/2.
 * @example
 * ```ts
 * diffusionFromNetwork(createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, K: 0.5 })); // 0.125
 * ```
 */
export function diffusionFromNetwork(network: NetworkParams): Diffusion1D {
  if (network.d !== 1) throw invalidArgument("network.d", "1 for the 1-D Fokker–Planck solver", network.d);
  const noise = network.noise;
  if (noise === undefined) {
    throw invalidArgument("D", "given, or the network must have a noise model (K)", undefined);
  }
  switch (noise.kind) {
    case "constant": {
      const K = noise.K[0]!;
      return 0.5 * K * K;
    }
    case "diagonal": {
      const k = noise.k;
      return (x: number) => {
        const v = k(x, 0);
        return 0.5 * v * v;
      };
    }
    case "matrix": {
      const K = noise.K;
      const xs = new Float64Array(1);
      const out = new Float64Array(1);
      return (x: number) => {
        xs[0] = x;
        K(xs, out);
        return 0.5 * out[0]! * out[0]!;
      };
    }
  }
}

/**
 * Validate a user diffusion (constant > 0 or function).
 * @internal
 */
export function validateDiffusion(D: unknown, name = "D"): Diffusion1D {
  if (typeof D === "number") {
    if (!(D > 0) || !Number.isFinite(D)) throw invalidArgument(name, "a positive finite number or a function x => D(x) > 0", D);
    return D;
  }
  if (typeof D === "function") return D as (x: number) => number;
  throw invalidArgument(name, "a positive finite number or a function x => D(x) > 0", D);
}

/**
 * Validate an initial density: n cell averages ≥ 0 or a function (→ cell averages).
 * @internal
 */
export function resolveInitialDensity(grid: Grid1D, f0: unknown, name = "f0"): Float64Array {
  let f: Float64Array;
  if (typeof f0 === "function") f = cellAverages1D(f0 as (x: number) => number, grid);
  else f = requireFiniteArray(name, f0, grid.n);
  for (let i = 0; i < f.length; i++) {
    if (f[i]! < 0) throw invalidArgument(`${name}[${i}]`, "a non-negative density value", f[i]);
  }
  return f;
}

/**
 * Check that a grid object is a 1-D grid.
 * @internal
 */
export function requireGrid1D(grid: unknown, name = "grid"): Grid1D {
  const g = requireGrid(name, grid);
  if (g.n < 2) throw invalidArgument(`${name}.n`, "at least 2 cells", g.n);
  return g;
}

/**
 * Check that a network is a 1-D network.
 * @internal
 */
export function requireNetwork1D(network: unknown): NetworkParams {
  const p = checkNetwork(network, "network");
  if (p.d !== 1) throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`network.d\` must be 1 for the 1-D solver; got ${p.d}`);
  activationInfo(p.sigma); // refuses a hand-built activation that reuses a built-in name
  return p;
}

/** Default step limit of the Fokker–Planck solvers (`maxSteps`): 10 000 000 time steps. */
export const DEFAULT_MAX_STEPS = 10_000_000;

/** Sub-steps of a segment of length `span` with largest step `dt` (the solvers' one rule). @internal */
export function subSteps(span: number, dt: number): number {
  return Math.max(1, Math.ceil(span / dt - 1e-9));
}

/**
 * The `maxSteps` option (integer ≥ 1, default {@link DEFAULT_MAX_STEPS}) and the planned step count of
 * the segments with largest step `dt`; more planned steps than `maxSteps` is refused before any work
 * (TOO_LARGE naming `dt`, with the smallest dt that fits). @internal
 */
export function requireStepBudget(segments: readonly TimelineSegment[], dt: number, maxStepsOption: unknown, dtName = "dt"): number {
  const maxSteps = requireInteger("maxSteps", maxStepsOption ?? DEFAULT_MAX_STEPS, 1);
  let steps = 0;
  let span = 0;
  for (const seg of segments) {
    steps += subSteps(seg.t1 - seg.t0, dt);
    span += seg.t1 - seg.t0;
  }
  if (steps > maxSteps) {
    // each segment takes at least one step; the rest share maxSteps - segments
    const room = maxSteps - segments.length;
    const smallest = room > 0 ? span / room : Infinity;
    throw new KineticError(
      "TOO_LARGE",
      `too large: \`${dtName}\` = ${dt} needs ${steps} time steps over [0, ${span}]; the limit \`maxSteps\` is ${maxSteps}` +
        (Number.isFinite(smallest) ? `; the smallest ${dtName} that fits is about ${smallest.toPrecision(3)}` : "; raise maxSteps"),
      { details: { argument: dtName, value: dt, estimate: steps, budget: maxSteps, largest: smallest, unit: "time steps" } },
    );
  }
  return maxSteps;
}

/**
 * The mass-loss rule shared with the Vlasov solver: outflow is a success and the lost mass is reported
 * in `stats.massLost`; a relative loss above `massLossTolerance` (default Infinity) gives status
 * "mass-lost". `massTolerance` is the former name of the option. @internal
 */
export function resolveMassLossTolerance(value: unknown): number {
  if (value === undefined) return Infinity;
  if (value === Infinity) return Infinity;
  return requireNonNegative("massLossTolerance", value);
}

/** The `safety` option of explicit Euler (the fraction of the stability bound it steps at): in (0, 1], default 0.9. @internal */
export function resolveSafety(value: unknown): number {
  if (value === undefined) return 0.9;
  const safety = requirePositive("safety", value);
  if (safety > 1) throw invalidArgument("safety", "in (0, 1]", safety);
  return safety;
}

/**
 * The final status of a solve under the mass-loss rule of {@link resolveMassLossTolerance}: a
 * `"success"` whose lost mass exceeds `massTol` of the initial mass becomes `"mass-lost"`. @internal
 */
export function massLossStatus(status: SolveStatus, massLost: number, massTol: number, massInitial: number): SolveStatus {
  return status === "success" && massLost > massTol * Math.max(massInitial, Number.MIN_VALUE) ? "mass-lost" : status;
}

/** Copies of the state at the save times, filled by `record`. @internal */
export interface SaveRecorder {
  /** Copies of the state, one per recorded save time. */
  readonly saved: Float64Array[];
  /** The save times of `saved`. */
  readonly times: number[];
  /** Store a copy of the state for each save time `saveAt[q]`, q in [from, to). */
  readonly record: (from: number, to: number) => void;
}

/**
 * The recorder of a solve's saved states: `record(from, to)` copies the state `f` (updated in place
 * by the solver) once per save time `saveAt[from..to)`. @internal
 */
export function createSaveRecorder(f: Float64Array, saveAt: ArrayLike<number>): SaveRecorder {
  const saved: Float64Array[] = [];
  const times: number[] = [];
  const record = (from: number, to: number): void => {
    for (let q = from; q < to; q++) {
      saved.push(f.slice());
      times.push(saveAt[q]!);
    }
  };
  return { saved, times, record };
}
