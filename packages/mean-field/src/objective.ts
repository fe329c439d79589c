/**
 * The contract between losses on densities and the discrete adjoints of the grid solvers: a loss J of
 * the transported densities (and of any parameters the loss owns, such as a classification read-out)
 * that also returns ∂J/∂f, the seed of the adjoint sweep.
 * @packageDocumentation
 */
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";

/**
 * Where a loss term is evaluated when the gradient has save times (`saveAt` of `vlasovGradient`,
 * `fokkerPlanckGradient`): the index s of the save time in `saveAt` and the time t_s as resolved by
 * core's `resolveTimeline`.
 */
export interface ObjectiveTime {
  /** Index of the save time in the (resolved) `saveAt`. */
  readonly index: number;
  /** The save time t_s. */
  readonly t: number;
}

/**
 * A differentiable loss J(f₁, …, f_m; θ_head) of the densities at the final time — or, when the gradient
 * is given save times t_0 ≤ … ≤ t_{S-1}, one term J_s of J = Σ_s J_s(f(t_s); θ_head), told which term by
 * its `at` argument.
 *
 * Densities are cell averages on `grid` (in 2-D index `i * ny + j`, as `Grid2D`), one array per transported
 * density (class densities are transported together by the same field). θ_head are parameters the loss
 * owns (a read-out; length {@link DensityObjective.nParams}, 0 when there are none).
 *
 * @example
 * ```ts
 * import type { DensityObjective } from "@kinetic-nde/mean-field";
 * // J = ½ Σ_i f_i² Δx: the squared L² norm of the one density.
 * const l2: DensityObjective = {
 *   nParams: 0,
 *   evaluate(f, grid, _theta, gradF) {
 *     const dx = grid.kind === "1d" ? grid.dx : grid.dx * grid.dy;
 *     let J = 0;
 *     const f0 = f[0] as Float64Array;
 *     for (let i = 0; i < f0.length; i++) {
 *       const v = f0[i] as number;
 *       J += 0.5 * v * v * dx;
 *       if (gradF) (gradF[0] as Float64Array)[i] = v * dx;
 *     }
 *     return J;
 *   },
 * };
 * ```
 */
export interface DensityObjective {
  /** Number of parameters the loss owns (θ_head), 0 when none. */
  readonly nParams: number;
  /** Initial θ_head (length `nParams`); absent when `nParams` is 0. */
  readonly initialTheta?: Float64Array;
  /**
   * The loss J. When `gradF` is given, writes ∂J/∂f_m (same layout as `f[m]`, overwritten) — the
   * derivative with respect to the cell averages themselves, not a density in the L² sense. When
   * `gradTheta` is given, writes ∂J/∂θ_head (overwritten).
   * `at`: absent for the loss on the final densities; with save times, the term being evaluated (the
   * densities are those at `at.t`; an objective that ignores `at` puts the same loss on every save time).
   */
  evaluate(
    f: readonly Float64Array[],
    grid: Grid1D | Grid2D,
    theta: Float64Array,
    gradF: Float64Array[] | null,
    gradTheta: Float64Array | null,
    at?: ObjectiveTime,
  ): number;
}
