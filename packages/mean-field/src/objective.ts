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
  /**
   * Optional least-squares form of a loss without parameters of its own: the residuals r with
   * J = ½ Σ_k r_k² (a fresh array of a length fixed by the grid). Derivative-free training (ensemble
   * Kalman inversion, `trainDensity` with `optimizer: "eki"`) needs it; `l2DensityLoss` has it.
   */
  residuals?(f: readonly Float64Array[], grid: Grid1D | Grid2D): Float64Array;
}

/** What {@link saveTimeLoss} returns: the seeding of the adjoint at save times and the loss at T. */
export interface SaveTimeLoss {
  /**
   * At state index s of the backward sweep (the state f, one array per density): each save time reached
   * there gets J_s into `lossTerms`, ∂J_s/∂f added to `lam`, ∂J_s/∂θ_head added to `gradTheta`.
   */
  seed(s: number, f: readonly Float64Array[], lam: readonly Float64Array[]): void;
  /**
   * The start of the backward sweep at the final state fT (state index `steps`): with save times, the
   * terms at T (seeded as above; returns NaN, the loss being Σ lossTerms after the sweep); without,
   * J(fT) with ∂J/∂f written into `lam` and ∂J/∂θ_head into `gradTheta`.
   */
  final(fT: readonly Float64Array[], lam: Float64Array[]): number;
}

/**
 * The loss side of a discrete adjoint with save times, shared by `vlasovGradient`,
 * `fokkerPlanckGradient` and `fokkerPlanckGradient2D`: nothing per save time is stored; each term is
 * evaluated on the state the backward sweep holds at its step.
 * @param objective - the loss (its `evaluate` told `{ index, t }` of each term)
 * @param grid - the grid of the densities
 * @param theta - θ_head
 * @param saves - `savesAt` (state index → the range [from, to) of save indices reached there), the
 *   resolved `times`, whether `saveAt` was given, and the number of steps
 * @param lossTerms - J_s per save index (written)
 * @param gradTheta - ∂J/∂θ_head (added to)
 * @param shape - densities and cells per density
 * @returns `{ seed, final }`
 * @example
 * ```ts
 * const terms = saveTimeLoss(objective, grid, theta, { savesAt, times, hasSaves, steps: N }, lossTerms, gradTheta, { densities: 1, cells: n });
 * const loss = terms.final([fT], [lam]);
 * ```
 * @internal
 */
export function saveTimeLoss(
  objective: DensityObjective,
  grid: Grid1D | Grid2D,
  theta: Float64Array,
  saves: {
    readonly savesAt: ReadonlyMap<number, readonly [number, number]>;
    readonly times: Float64Array;
    readonly hasSaves: boolean;
    readonly steps: number;
  },
  lossTerms: Float64Array,
  gradTheta: Float64Array,
  shape: { readonly densities: number; readonly cells: number },
): SaveTimeLoss {
  const { savesAt, times, hasSaves, steps } = saves;
  const gF = Array.from({ length: hasSaves ? shape.densities : 0 }, () => new Float64Array(shape.cells));
  const gT = new Float64Array(objective.nParams);
  const seed = (s: number, f: readonly Float64Array[], lam: readonly Float64Array[]): void => {
    const r = savesAt.get(s);
    if (r === undefined) return;
    for (let i = r[0]; i < r[1]; i++) {
      gT.fill(0);
      for (const a of gF) a.fill(0);
      lossTerms[i] = objective.evaluate(f, grid, theta, gF, gT, { index: i, t: times[i]! });
      for (let q = 0; q < gF.length; q++) {
        const l = lam[q]!,
          d = gF[q]!;
        for (let j = 0; j < l.length; j++) l[j] += d[j]!;
      }
      for (let j = 0; j < gT.length; j++) gradTheta[j] += gT[j]!;
    }
  };
  return {
    seed,
    final(fT, lam) {
      if (!hasSaves) return objective.evaluate(fT, grid, theta, lam, gradTheta);
      seed(steps, fT, lam);
      return Number.NaN;
    },
  };
}
