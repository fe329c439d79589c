/**
 * The registry of methods used by the moment solvers.
 * @packageDocumentation
 */

/** Name of a moment-equation method. */
export type MomentMethodName = "exact" | "rk4";

/** Options shared by {@link solveMomentHierarchy} and {@link solveMeanCovariance}. */
export interface MomentSolveOptions {
  /** `"exact"` (default; the exact propagator per layer) or `"rk4"`. */
  readonly method?: MomentMethodName;
  /**
   * Output times in [0, T], non-decreasing (equal times allowed), or a count of evenly spaced times.
   * Default: the layer boundaries 0, Δt, …, T. Resolved by core's `resolveTimeline`.
   */
  readonly saveAt?: ArrayLike<number> | number;
}

/** Work counters of {@link solveMomentHierarchy} and {@link solveMeanCovariance}. */
export interface MomentSolveStats {
  readonly method: MomentMethodName;
  /** Exact propagations or RK4 steps taken. */
  readonly steps: number;
  /** Right-hand-side evaluations (4 per RK4 step, 0 for `exact`). */
  readonly rhsEvals: number;
  /** Number of layers of the network. */
  readonly layers: number;
}

/** Metadata every method declares (tests loop over {@link MOMENT_METHODS}). */
export interface MomentMethodInfo {
  /** Method name, as passed in `options.method`. */
  readonly name: MomentMethodName;
  /** Order of accuracy in time (`Infinity` for the exact propagator: rounding only). */
  readonly order: number;
  /** Adaptive step size. */
  readonly adaptive: boolean;
  /** Uses random numbers. */
  readonly stochastic: boolean;
  /** One line on what it does. */
  readonly description: string;
}

/**
 * Methods of {@link solveMomentHierarchy} and {@link solveMeanCovariance}.
 * @remarks `exact` propagates each layer (or piece of a layer) with the exact solution of the
 * linear system with constant coefficients; `rk4` is the classical fourth-order Runge–Kutta method with
 * `stepsPerLayer` equal steps per layer.
 * @example
 * ```ts
 * const orders = MOMENT_METHODS.map((m) => [m.name, m.order]); // [["exact", Infinity], ["rk4", 4]]
 * ```
 */
export const MOMENT_METHODS: readonly MomentMethodInfo[] = Object.freeze([
  Object.freeze({
    name: "exact",
    order: Infinity,
    adaptive: false,
    stochastic: false,
    description: "exact propagator per layer (Gaussian transition / matrix exponential)",
  }),
  Object.freeze({
    name: "rk4",
    order: 4,
    adaptive: false,
    stochastic: false,
    description: "classical Runge–Kutta, fixed steps per layer",
  }),
]) as readonly MomentMethodInfo[];
