/**
 * `trainDensity`: train a ResNet at the level of densities — the optimal-control problem for the 1-D
 * and 2-D Vlasov equation, with exact discrete-adjoint gradients and core's optimisation loop; 1-D data
 * carried in 2-D (augmented width) as f₁(x₁)·δ(x₂).
 * @packageDocumentation
 */
import {
  ensembleKalmanMinimize,
  initNetwork,
  isKineticError,
  KineticError,
  minimize,
  type MinimizeOptions,
  type NetworkInit,
  type NetworkParams,
  type SolveStatus,
  type StopReason,
  type TrainedModel,
  type TrainingHistory,
  withWeights,
} from "@kinetic-nde/core";
import {
  invalidArgument,
  requireInteger,
  requireNonNegative,
  requireOptions,
  requirePositive,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import { createGrid1D, type Grid1D, type Grid2D, requireGrid1D, requireGrid2D } from "@kinetic-nde/datasets";
import { releaseGradientWorkspace, type VlasovGradientOptions, vlasovGradient } from "./adjoint.js";
import { solveVlasov } from "./vlasov.js";
import { depositCloudInCell, depositHistogram, kernelDensityEstimate } from "./particle-grid.js";
import { type InitialDensity1D, type InitialDensity2D, resolveInitialDensity1D, resolveInitialDensity2D } from "./initial.js";
import type { DensityObjective } from "./objective.js";

/** A training problem on densities (1-D or 2-D; 1-D data carried in 2-D with `augment: 1`). */
export interface DensityTrainingProblem {
  /**
   * Initial parameters (d = 1 or 2; d = 2 with `augment: 1`), or the shape and initialisation to create
   * them (core's `initNetwork`, seeded by `options.seed`).
   */
  readonly network: NetworkParams | NetworkInit;
  /**
   * The initial density, or one density per class, transported together by the same field: 1-D
   * densities (cell averages, `(x) => number` or a law with `cdf`) on a 1-D grid, 2-D densities (cell
   * averages, index `i * ny + j`, or `(x, y) => number`) on a 2-D grid, and with `augment: 1` 1-D
   * densities of x₁ (`nx` cell averages, a function or a law), embedded as f₁(x₁)·δ(x₂).
   * {@link classDensities} builds class densities from labelled samples.
   */
  readonly f0: InitialDensity1D | InitialDensity2D | readonly (InitialDensity1D | InitialDensity2D)[];
  /**
   * The grid of the densities: 1-D for d = 1, 2-D for d = 2. With `augment: 1`, a 2-D grid one of
   * whose cell rows is centred at x₂ = 0 (e.g. `createGrid2D([a, b], [-H, H], nx, ny)` with ny odd).
   */
  readonly grid: Grid1D | Grid2D;
  /**
   * The loss on the densities at T (e.g. `classificationDensityLoss`, `regressionDensityLoss`,
   * `w1DensityLoss`, `slicedW1DensityLoss`), on the grid of the transported densities (2-D with `augment: 1`).
   */
  readonly loss: DensityObjective;
  /** Tikhonov weight λ ≥ 0 of (λ/2) Σ_k |W^k|² + |b^k|² (default 0; the loss's own parameters are not penalised). */
  readonly lambda?: number;
  /**
   * Augmentation k (default 0; 0 or 1): with 1, 1-D data carried in a 2-D state, the density-level
   * counterpart of core's `train` with `augment: 1` (samples padded to (x, 0)). Each 1-D density f₁
   * becomes f₁(x₁)·δ(x₂) — on the grid all of its mass in the cell row centred at x₂ = 0 (cell
   * averages f₁ᵢ / Δy there, 0 elsewhere; see {@link augmentedDensity}) — and is transported by the
   * 2-D solver. The loss sees the 2-D densities: `classificationDensityLoss({ dimension: 2 })` reads
   * out from the whole final state, as core's read-out does with augmentation; `marginalDensityLoss`
   * applies a 1-D loss to the x₁-marginal (the first coordinate, as core's mse loss reads it).
   */
  readonly augment?: number;
}

/** Solver options of {@link trainDensity} (those of `vlasovGradient`, without `theta`). */
export type DensitySolverOptions = Omit<VlasovGradientOptions, "theta" | "n">;

/**
 * Options of {@link trainDensity}: core's optimiser options (no mini-batches: the loss is an integral,
 * not a sum over samples) and the Vlasov solver's. Every field has a default.
 */
export interface DensityTrainOptions extends Omit<MinimizeOptions, "batchSize" | "earlyStopping" | "optimizer">, DensitySolverOptions {
  /**
   * `"adam"` (default), `"gd"`, `"lbfgs"` or an optimiser spec (core's `minimize`, with the adjoint
   * gradient), or `"eki"`: ensemble Kalman inversion (core's `ensembleKalmanMinimize`), derivative-free,
   * from forward solves only; it needs a least-squares loss (a `DensityObjective` with `residuals`, such
   * as `l2DensityLoss`) and runs `epochs` iterations (default 50) of `ensemble.size` solves each.
   */
  readonly optimizer?: MinimizeOptions["optimizer"] | "eki";
  /** With `optimizer: "eki"`: ensemble size (default 100), initial spread around θ₀ (default 0.5), step size (default 1). */
  readonly ensemble?: { readonly size?: number; readonly spread?: number; readonly stepSize?: number };
}

/** Result of {@link trainDensity}: the shape of core's `TrainResult`, plus the loss's parameters and the final densities. */
export interface DensityTrainResult {
  /** Trained network parameters. */
  readonly params: NetworkParams;
  /** The problem's augmentation k (0 or 1): pass it on to core's `predict`/`saveModel` ({@link densityModel} does). */
  readonly augment: number;
  /** Trained parameters θ_head of the loss (e.g. the classification read-out), length `loss.nParams`. */
  readonly head: Float64Array;
  /** Per-epoch history (loss, gradient norm, learning rate). */
  readonly history: TrainingHistory;
  /**
   * `"success"`; otherwise the solver's status (`"mass-lost"`, `"max-steps"`, `"non-finite"`,
   * `"unstable"`) at the returned parameters, or of the step that ended training (the last good
   * parameters are returned).
   */
  readonly status: SolveStatus;
  /** Densities at T for the returned parameters (one per transported density). */
  readonly f: Float64Array[];
  /** Counts, the reason training ended, and the solver's counts at the returned parameters. */
  readonly stats: {
    readonly epochs: number;
    readonly gradientEvaluations: number;
    readonly lossEvaluations: number;
    readonly initialLoss: number;
    readonly finalLoss: number;
    readonly bestEpoch: number;
    readonly stoppedBy: StopReason;
    /** Time steps of the last solve. */
    readonly steps: number;
    /** Checkpoints of the last adjoint sweep (the trajectory is checkpointed beyond `memoryBudget`). */
    readonly checkpoints: number;
  };
}

const SOLVER_KEYS = [
  "scheme",
  "limiter",
  "timeStepper",
  "cfl",
  "dt",
  "boundary",
  "massLossTolerance",
  "maxSteps",
  "maxCellUpdates",
  "memoryBudget",
] as const;
const LOOP_KEYS = ["optimizer", "learningRate", "schedule", "epochs", "seed", "gradTolerance", "onProgress", "signal", "ensemble"] as const;

function isNetworkParams(n: unknown): n is NetworkParams {
  return (
    typeof n === "object" && n !== null && (n as NetworkParams).W instanceof Float64Array && typeof (n as NetworkParams).sigma === "object"
  );
}

/**
 * Train a ResNet at the level of densities: minimise J[f(T)] over W, b (and the loss's own
 * parameters), f solving the Vlasov equation ∂_t f + ∇·(σ(W(t)x + b(t)) f) = 0 from `f0` in 1-D or
 * 2-D, or 1-D data carried in 2-D (`augment: 1`).
 * @param problem - `{ network, f0, grid, loss, lambda?, augment? }`; d = 1 or 2 (the grid's dimension)
 * @param options - optimiser (`"adam"` default, `"gd"`, `"lbfgs"`, or `"eki"`: ensemble Kalman
 *   inversion from forward solves only, for least-squares losses such as `l2DensityLoss`, with
 *   `ensemble: { size, spread, stepSize }`), learning rate, schedule,
 *   epochs, seed, gradient tolerance, progress, signal; solver options of `vlasovGradient` (scheme,
 *   limiter, time stepper, cfl or dt, boundary, massLossTolerance, maxSteps, maxCellUpdates, memoryBudget)
 * @returns trained parameters and θ_head, per-epoch history, status, the densities at T and counts
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, a bad problem: a grid whose dimension
 *   is not the network's, `augment` other than 0 or 1, `augment: 1` without d = 2 or without a cell row
 *   centred at x₂ = 0), UNSUPPORTED (d > 2), TOO_LARGE / UNSTABLE (the solve at the initial parameters
 *   does not fit or violates the CFL limit); the signal's reason when aborted
 * @remarks Each epoch is one forward solve and
 * one adjoint sweep (L-BFGS: one per line-search trial); the gradient is exact for the discretised
 * problem (step sequence held fixed, one-sided derivatives at limiter and ReLU kinks). θ = [W | b |
 * θ_head] (W: L·d·d, b: L·d), the layout of core's training (θ_head of `classificationDensityLoss` =
 * core's read-out). In 2-D an epoch costs O(steps · nx · ny) per density (the CFL step shrinks with the
 * cell size: about 8× the work per halving of Δx); grids of 48²–128² cells are practical.
 * Once training has started, a solve that fails (non-finite values, a status other than success, a
 * step count beyond `maxSteps`/`maxCellUpdates`/`memoryBudget`, a fixed dt beyond the CFL limit)
 * counts as a non-finite loss: the optimiser stops (GD, Adam; the status is then the solver's, e.g.
 * `"mass-lost"`, with the last good parameters) or shortens the step (L-BFGS; a line search that
 * gives up on a failed solve ends with that solve's status). The status is never
 * `"success"` when the solve at the returned parameters is not a success. A step count beyond
 * `memoryBudget` or `maxCellUpdates` mid-run is reported as `"max-steps"`.
 * @example
 * ```ts
 * import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(-4, 4, 200);
 * const gauss = (m: number) => (x: number) => (0.5 * Math.exp(-2 * (x - m) ** 2)) / Math.sqrt(Math.PI / 2);
 * const r = trainDensity(
 *   {
 *     network: { sigma: "tanh", d: 1, nLayers: 3, T: 1, init: "random", scale: 0.5 },
 *     f0: [gauss(-1), gauss(1)],
 *     grid,
 *     loss: classificationDensityLoss({ nClasses: 2, dimension: 1 }),
 *   },
 *   { optimizer: "lbfgs", epochs: 20 },
 * );
 * console.log(r.status, r.history.loss.at(-1));
 * // 2-D: two Gaussian blobs, class densities of mass ½ each
 * const blob = (m: number) => (x: number, y: number) => (0.5 * Math.exp(-((x - m) ** 2 + y * y) / 0.5)) / (Math.PI * 0.5);
 * const r2 = trainDensity(
 *   {
 *     network: { sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 0.5 },
 *     f0: [blob(-1), blob(1)],
 *     grid: createGrid2D([-4, 4], [-4, 4], 48),
 *     loss: classificationDensityLoss({ nClasses: 2, dimension: 2 }),
 *   },
 *   { optimizer: "adam", learningRate: 0.05, epochs: 10 },
 * );
 * // 1-D data carried in 2-D (augmented width): f₁(x₁)·δ(x₂) on a grid with ny odd
 * const r3 = trainDensity(
 *   {
 *     network: { sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 0.5 },
 *     f0: [gauss(-1), gauss(1)],
 *     grid: createGrid2D([-4, 4], [-3, 3], 64, 49),
 *     loss: classificationDensityLoss({ nClasses: 2, dimension: 2 }),
 *     augment: 1,
 *   },
 *   { epochs: 10 },
 * );
 * console.log(r2.history.loss.at(-1), r3.augment); // …, 1
 * ```
 */
export function trainDensity(problem: DensityTrainingProblem, options: DensityTrainOptions = {}): DensityTrainResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  requireOptions("problem", problem, ["network", "f0", "grid", "loss", "lambda", "augment"]);
  requireOptions("options", options, [...LOOP_KEYS, ...SOLVER_KEYS]);
  const loss = problem.loss;
  if (typeof loss !== "object" || loss === null || typeof loss.evaluate !== "function")
    throw invalidArgument("problem.loss", "a DensityObjective", loss);
  const augment = problem.augment ?? 0;
  if (augment !== 0 && augment !== 1) throw invalidArgument("problem.augment", "0 or 1 (1-D data carried in 2-D)", augment);
  const g = problem.grid;
  if (typeof g !== "object" || g === null || (g.kind !== "1d" && g.kind !== "2d"))
    throw invalidArgument("problem.grid", "a 1-D grid (createGrid1D) or a 2-D grid (createGrid2D)", g);
  if (problem.network === undefined) throw invalidArgument("problem.network", "network parameters or an initialisation", undefined);
  const seed = options.seed ?? 0;
  const params0 = isNetworkParams(problem.network) ? problem.network : initNetwork({ seed, ...(problem.network as NetworkInit) });
  const d = params0.d;
  if (d > 2) throw new KineticError("UNSUPPORTED", `trainDensity covers d = 1 and d = 2 (the Vlasov solvers); got a network with d = ${d}`);
  if (augment === 1 && d !== 2)
    throw invalidArgument("problem.network", "a network with d = 2 (augment: 1 carries 1-D data in a 2-D state)", `d = ${d}`);
  const gridDim = g.kind === "1d" ? 1 : 2;
  if (gridDim !== d)
    throw invalidArgument(
      "problem.grid",
      `a ${d}-D grid for a network with d = ${d}${augment === 1 ? " (augment: 1: a 2-D grid with a cell row centred at x₂ = 0)" : ""}`,
      `a ${gridDim}-D grid`,
    );
  // The initial densities as cell averages, once (each epoch's solve then copies them).
  const list = Array.isArray(problem.f0) ? (problem.f0 as readonly unknown[]) : [problem.f0];
  if (list.length === 0) throw invalidArgument("problem.f0", "at least one density", problem.f0);
  const nameOf = (k: number) => (Array.isArray(problem.f0) ? `problem.f0[${k}]` : "problem.f0");
  if (augment === 1) {
    requireGrid2D("problem.grid", g);
    centredRow(g as Grid2D, "problem.grid");
  }
  const f0s = list.map((fk, k) =>
    augment === 1
      ? augmentedDensity(g as Grid2D, fk as InitialDensity1D, nameOf(k))
      : g.kind === "1d"
        ? resolveInitialDensity1D(requireGrid1D("problem.grid", g), fk as InitialDensity1D, nameOf(k))
        : resolveInitialDensity2D(requireGrid2D("problem.grid", g), fk as InitialDensity2D, nameOf(k)),
  );
  const f0 = Array.isArray(problem.f0) ? f0s : f0s[0]!;
  const lambda = requireNonNegative("problem.lambda", problem.lambda ?? 0);
  const solver: Record<string, unknown> = {};
  const loop: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if ((SOLVER_KEYS as readonly string[]).includes(k)) solver[k] = v;
    else loop[k] = v;
  }
  const nW = params0.W.length;
  const nB = params0.b.length;
  const nWB = nW + nB;
  const nHead = loss.nParams;
  const head0 = loss.initialTheta ?? new Float64Array(nHead);
  if (!(head0 instanceof Float64Array) || head0.length !== nHead)
    throw invalidArgument("problem.loss.initialTheta", `a Float64Array of length loss.nParams = ${nHead}`, head0);
  const theta0 = new Float64Array(nWB + nHead);
  theta0.set(params0.W, 0);
  theta0.set(params0.b, nW);
  theta0.set(head0, nWB);
  const grid = g;

  if (options.optimizer === "eki") {
    const { ensemble: _e, ...rest } = loop;
    return trainDensityEki(
      { params0, augment, grid, f0, loss, lambda, nW, nB },
      solver as DensitySolverOptions,
      rest as Omit<DensityTrainOptions, keyof DensitySolverOptions>,
      options.ensemble,
    );
  }
  let started = false;
  let lastFailure: SolveStatus | null = null;
  // the failure (if any) of the latest solve and of the one before it
  let curFailure: SolveStatus | null = null;
  let prevFailure: SolveStatus | null = null;
  let last: { status: SolveStatus; f: Float64Array[]; steps: number; checkpoints: number } | null = null;
  const evaluate = (theta: Float64Array, grad: Float64Array | null): number => {
    prevFailure = curFailure;
    curFailure = null;
    const params = withWeights(params0, theta.subarray(0, nW), theta.subarray(nW, nWB));
    let r: ReturnType<typeof vlasovGradient>;
    try {
      r = vlasovGradient({ params, grid, f0 }, loss, {
        ...(solver as DensitySolverOptions),
        theta: theta.slice(nWB),
      });
    } catch (e) {
      // Before the first solve, a bad problem is the caller's error; afterwards a solve that no longer
      // fits (more CFL steps) or a fixed dt beyond the CFL limit is a failed step.
      if (!started || !isKineticError(e) || (e.code !== "TOO_LARGE" && e.code !== "UNSTABLE")) throw e;
      last = { status: e.code === "UNSTABLE" ? "unstable" : "max-steps", f: [], steps: 0, checkpoints: 0 };
      lastFailure = curFailure = last.status;
      return Number.NaN;
    }
    started = true;
    last = { status: r.status, f: r.f, steps: r.stats.steps, checkpoints: r.stats.checkpoints };
    if (r.status !== "success" || !Number.isFinite(r.loss)) {
      lastFailure = curFailure = r.status === "success" ? "non-finite" : r.status;
      return Number.NaN;
    }
    let J = r.loss;
    if (lambda > 0) for (let q = 0; q < nWB; q++) J += 0.5 * lambda * theta[q]! * theta[q]!;
    if (grad !== null) {
      grad.set(r.gradW, 0);
      grad.set(r.gradB, nW);
      grad.set(r.gradTheta, nWB);
      if (lambda > 0) for (let q = 0; q < nWB; q++) grad[q] += lambda * theta[q]!;
    }
    return J;
  };
  let m: ReturnType<typeof minimize>;
  try {
    m = minimize(evaluate, theta0, loop as MinimizeOptions);
  } finally {
    // the buffers the gradients kept for each other are not needed after training
    releaseGradientWorkspace();
  }
  // minimize ends with one evaluation at the returned θ: `last` describes that solve.
  const fin = last as unknown as { status: SolveStatus; f: Float64Array[]; steps: number; checkpoints: number };
  // Never "success" when the solve at the returned θ failed; when a step failed, the solver's reason.
  // An L-BFGS line search that gave up because its last trial's solve failed did not converge: the
  // solver's reason, not "success" (the evaluation before the final one is that trial).
  const stuck = m.stats.stoppedBy === "line-search" ? prevFailure : null;
  const status: SolveStatus =
    fin.status !== "success" ? fin.status : stuck !== null ? stuck : m.status === "success" ? "success" : (lastFailure ?? m.status);
  return {
    params: withWeights(params0, m.theta.slice(0, nW), m.theta.slice(nW, nWB)),
    augment,
    head: m.theta.slice(nWB),
    history: m.history,
    status,
    f: fin.f,
    stats: { ...m.stats, steps: fin.steps, checkpoints: fin.checkpoints },
  };
}

/**
 * The cell row of a 2-D grid centred at x₂ = 0 (where {@link augmentedDensity} puts the mass).
 * @internal
 */
function centredRow(grid: Grid2D, name: string): number {
  const u = -grid.yMin / grid.dy - 0.5;
  const j = Math.round(u);
  if (!(Math.abs(u - j) <= 1e-9 * Math.max(1, Math.abs(u))) || j < 0 || j > grid.ny - 1)
    throw invalidArgument(
      name,
      "a 2-D grid with a cell row centred at x₂ = 0 (e.g. createGrid2D([a, b], [-H, H], nx, ny) with ny odd)",
      `yMin = ${grid.yMin}, yMax = ${grid.yMax}, ny = ${grid.ny}`,
    );
  return j;
}

/**
 * The 2-D density f₁(x₁)·δ(x₂) of 1-D data carried in a 2-D state (augmented width), as cell averages
 * on `grid`: all the mass in the cell row centred at x₂ = 0, cell averages f₁ᵢ / Δy there and 0 elsewhere
 * (f₁ᵢ the cell averages of f₁ on the x₁-cells of the grid). The initial density of
 * {@link trainDensity} with `augment: 1`; the counterpart of padding samples to (x, 0).
 * @param grid - a 2-D grid with a cell row centred at x₂ = 0: yMin = −(j + ½)Δy for an integer j
 *   (e.g. symmetric [−H, H] with ny odd)
 * @param f1 - the 1-D density: nx cell averages, `(x) => number` or a law with `cdf`
 * @param name - argument name for messages (default "f1")
 * @returns nx·ny cell averages (index `i * ny + j`); mass Σᵢ f₁ᵢ Δx, that of f₁ on [xMin, xMax]
 * @throws KineticError INVALID_ARGUMENT (no cell row centred at 0, a bad density), SHAPE_MISMATCH
 *   (cell averages of the wrong length)
 * @remarks A δ in x₂ is resolved by one cell row: the 2-D solver then moves it (its vertical velocity
 * σ(W₂₁x₁ + b₂) at x₂ = 0) with the scheme's numerical diffusion, which vanishes as the grid is refined.
 * @example
 * ```ts
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * import { augmentedDensity } from "@kinetic-nde/mean-field";
 * const grid = createGrid2D([-4, 4], [-3, 3], 80, 61); // ny odd: a row centred at 0
 * const f = augmentedDensity(grid, (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
 * console.log(f.length); // 80 · 61
 * ```
 */
export function augmentedDensity(grid: Grid2D, f1: InitialDensity1D, name = "f1"): Float64Array {
  requireGrid2D("grid", grid);
  const j0 = centredRow(grid, "grid");
  const line = resolveInitialDensity1D(createGrid1D(grid.xMin, grid.xMax, grid.nx), f1, name);
  const out = new Float64Array(grid.nx * grid.ny);
  for (let i = 0; i < grid.nx; i++) out[i * grid.ny + j0] = line[i]! / grid.dy;
  return out;
}

/**
 * A 1-D density loss applied to the x₁-marginals of 2-D densities: J(f) = J₁(m), mᵢ = Σⱼ fᵢⱼ Δy on the
 * x₁-cells of the 2-D grid. With `augment: 1` in {@link trainDensity} it reads out the first
 * coordinate, as core's mse loss does with augmentation (e.g. `w1DensityLoss` or `momentDensityLoss`
 * of the x₁-marginal).
 * @param objective - the loss on 1-D densities (its θ_head becomes this loss's)
 * @returns the loss on 2-D densities; ∂J/∂fᵢⱼ = ∂J₁/∂mᵢ · Δy
 * @throws KineticError INVALID_ARGUMENT (not a DensityObjective; at evaluation, a 1-D grid)
 * @example
 * ```ts
 * import { marginalDensityLoss, momentDensityLoss } from "@kinetic-nde/mean-field";
 * const loss = marginalDensityLoss(momentDensityLoss({ mean: [1] })); // mean of x₁ at T → 1
 * ```
 */
export function marginalDensityLoss(objective: DensityObjective): DensityObjective {
  if (typeof objective !== "object" || objective === null || typeof objective.evaluate !== "function")
    throw invalidArgument("objective", "a DensityObjective", objective);
  return {
    nParams: objective.nParams,
    ...(objective.initialTheta === undefined ? {} : { initialTheta: objective.initialTheta }),
    evaluate(f, grid, theta, gradF, gradTheta) {
      if (grid.kind !== "2d") throw invalidArgument("grid", "a 2-D grid (marginalDensityLoss acts on 2-D densities)", grid.kind);
      const { nx, ny, dy } = grid;
      const g1 = createGrid1D(grid.xMin, grid.xMax, nx);
      const m = f.map((fk, k) => {
        if (fk.length !== nx * ny) throw shapeMismatch(`f[${k}]`, `nx·ny = ${nx * ny} values`, fk.length);
        const out = new Float64Array(nx);
        for (let i = 0; i < nx; i++) {
          let s = 0;
          for (let j = 0; j < ny; j++) s += fk[i * ny + j]!;
          out[i] = s * dy;
        }
        return out;
      });
      const gm = gradF === null ? null : m.map(() => new Float64Array(nx));
      const J = objective.evaluate(m, g1, theta, gm, gradTheta);
      if (gradF !== null && gm !== null)
        for (let k = 0; k < gradF.length; k++) {
          const gk = gradF[k]!,
            mk = gm[k]!;
          for (let i = 0; i < nx; i++) gk.fill(mk[i]! * dy, i * ny, (i + 1) * ny);
        }
      return J;
    },
  };
}

/**
 * Deposition of samples for {@link classDensities} and {@link regressionDensities}: validates the method
 * and the grid; returns d and `deposit(x, weights)` by the chosen method.
 */
function sampleDeposit(
  grid: Grid1D | Grid2D,
  options: RegressionDensitiesOptions,
): { d: number; deposit: (x: Float64Array, weights: Float64Array) => Float64Array } {
  const method = options.method ?? "cloud-in-cell";
  if (method !== "cloud-in-cell" && method !== "histogram" && method !== "kde")
    throw invalidArgument("options.method", '"cloud-in-cell", "histogram" or "kde"', method);
  if (typeof grid !== "object" || grid === null || (grid.kind !== "1d" && grid.kind !== "2d"))
    throw invalidArgument("grid", "a Grid1D or Grid2D", grid);
  const bw = options.bandwidth === undefined ? {} : { bandwidth: options.bandwidth };
  return {
    d: grid.kind === "1d" ? 1 : 2,
    deposit: (x, weights) =>
      method === "histogram"
        ? depositHistogram(x, grid, { weights })
        : method === "cloud-in-cell"
          ? depositCloudInCell(x, grid, { weights })
          : kernelDensityEstimate(x, grid, { weights, ...bw }),
  };
}

/** Options of {@link classDensities}. */
export interface ClassDensitiesOptions extends RegressionDensitiesOptions {
  /** Number of classes C (default max label + 1). */
  readonly nClasses?: number;
}

/**
 * Class densities of labelled samples on a grid, for {@link trainDensity} with
 * `classificationDensityLoss`: f_k = (1/M) Σ_{i: yᵢ = k} δ_{xᵢ} deposited on the grid, so each has the
 * mass of its class's proportion and J is the empirical expected loss (up to the deposition error).
 * @param x - samples, M·d values row-major (d = 1 or 2, as the grid)
 * @param labels - M class indices in [0, C)
 * @param grid - a 1-D or 2-D grid
 * @param options - {@link ClassDensitiesOptions}
 * @returns C arrays of cell averages
 * @throws KineticError INVALID_ARGUMENT (bad labels, options or samples), SHAPE_MISMATCH
 * @remarks Samples outside the grid are dropped (their mass is missing). Cloud-in-cell is second order
 * in the cell size as a smoothing of the samples; the KDE adds its bandwidth's bias.
 * @example
 * ```ts
 * import { createGrid2D, makeBlobs } from "@kinetic-nde/datasets";
 * import { classDensities } from "@kinetic-nde/mean-field";
 * const ds = makeBlobs({ nSamples: 400, centers: [[-1, 0], [1, 0]], clusterStd: 0.6, seed: 1 });
 * const f0 = classDensities(ds.x, ds.labels!, createGrid2D([-4, 4], [-4, 4], 48)); // two densities, mass ½ each
 * ```
 */
export function classDensities(
  x: Float64Array,
  labels: ArrayLike<number>,
  grid: Grid1D | Grid2D,
  options: ClassDensitiesOptions = {},
): Float64Array[] {
  requireOptions("options", options, ["nClasses", "method", "bandwidth"]);
  const { d, deposit } = sampleDeposit(grid, options);
  if (!(x instanceof Float64Array)) throw invalidArgument("x", "a Float64Array of M·d samples", x);
  const M = labels.length;
  if (x.length !== M * d) throw shapeMismatch("x", `labels.length · d = ${M * d} values`, x.length);
  let maxLabel = -1;
  for (let i = 0; i < M; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0) throw invalidArgument(`labels[${i}]`, "a class index (integer ≥ 0)", y);
    if (y > maxLabel) maxLabel = y;
  }
  const C = options.nClasses ?? maxLabel + 1;
  if (!Number.isInteger(C) || C < 1 || C > 1024) throw invalidArgument("options.nClasses", "an integer in [1, 1024]", C);
  if (maxLabel >= C) throw invalidArgument("labels", `class indices below options.nClasses = ${C}`, maxLabel);
  const out: Float64Array[] = [];
  for (let k = 0; k < C; k++) {
    let mk = 0;
    for (let i = 0; i < M; i++) if (labels[i] === k) mk++;
    const xk = new Float64Array(mk * d);
    let q = 0;
    for (let i = 0; i < M; i++) if (labels[i] === k) for (let p = 0; p < d; p++) xk[q++] = x[i * d + p]!;
    if (mk === 0) {
      out.push(new Float64Array(grid.kind === "1d" ? grid.n : grid.nx * grid.ny));
      continue;
    }
    out.push(deposit(xk, new Float64Array(mk).fill(1 / M)));
  }
  return out;
}

/** Options of {@link regressionDensities}. */
export interface RegressionDensitiesOptions {
  /** `"cloud-in-cell"` (default), `"histogram"` or `"kde"` (Gaussian kernel, `kernelDensityEstimate`). */
  readonly method?: "cloud-in-cell" | "histogram" | "kde";
  /** KDE bandwidth (per dimension), default that of `kernelDensityEstimate` (Silverman's rule on x). */
  readonly bandwidth?: number | readonly number[];
}

/**
 * The transported densities of regression through the joint density of (x, y), for {@link trainDensity}
 * with `regressionDensityLoss`: the y-moments of the empirical joint density deposited on the grid of x,
 * F₀ = (1/M) Σ δ_{xᵢ}, F_a^± = (1/M) Σ (y_{i,a})^± δ_{xᵢ} (positive and negative parts) and
 * F₂ = (1/M) Σ |yᵢ|² δ_{xᵢ}, in the order F₀, F₁⁺, F₁⁻, …, F_m⁺, F_m⁻, F₂. J of `regressionDensityLoss`
 * on them is then core's mse loss ½ mean |P xᵢ − yᵢ|² up to the deposition error (exactly, with
 * `"histogram"`, at the cell centres).
 * @param x - inputs, M·d values row-major (d = 1 or 2, as the grid)
 * @param targets - targets, M·m values row-major (m = targets.length / M outputs, 1 or 2)
 * @param grid - a 1-D or 2-D grid that contains every input
 * @param options - {@link RegressionDensitiesOptions}
 * @returns 2m + 2 arrays of cell averages
 * @throws KineticError INVALID_ARGUMENT (a non-finite value, an input outside the grid — none is
 *   dropped —, fewer than 2 samples with `"kde"`, bad options), SHAPE_MISMATCH (lengths)
 * @example
 * ```ts
 * import { createGrid1D, makeRegression1D } from "@kinetic-nde/datasets";
 * import { regressionDensities, regressionDensityLoss } from "@kinetic-nde/mean-field";
 * const ds = makeRegression1D({ nSamples: 200, fn: "tanh", xRange: [-1, 1], noise: 0.05, seed: 1 });
 * const grid = createGrid1D(-3, 3, 120);
 * const f0 = regressionDensities(ds.x, ds.targets!, grid); // F₀, F₁⁺, F₁⁻, F₂
 * const J = regressionDensityLoss({ dimension: 1 }).evaluate(f0, grid, new Float64Array(0), null, null);
 * ```
 */
export function regressionDensities(
  x: Float64Array,
  targets: ArrayLike<number>,
  grid: Grid1D | Grid2D,
  options: RegressionDensitiesOptions = {},
): Float64Array[] {
  requireOptions("options", options, ["method", "bandwidth"]);
  const { d, deposit: depositAt } = sampleDeposit(grid, options);
  if (!(x instanceof Float64Array)) throw invalidArgument("x", "a Float64Array of M·d inputs", x);
  if (x.length === 0 || x.length % d !== 0) throw shapeMismatch("x", `M·${d} values (M ≥ 1)`, x.length);
  const M = x.length / d;
  if (targets === null || typeof targets !== "object" || typeof targets.length !== "number")
    throw invalidArgument("targets", "an array of M·m numbers", targets);
  if (targets.length % M !== 0 || targets.length / M < 1 || targets.length / M > 2)
    throw shapeMismatch("targets", `M·m values with M = ${M} inputs and m = 1 or 2 outputs`, targets.length);
  if (options.method === "kde" && M < 2) throw invalidArgument("x", 'at least 2 samples with method "kde"', M);
  const m = targets.length / M;
  const lo = grid.kind === "1d" ? [grid.xMin] : [grid.xMin, grid.yMin];
  const hi = grid.kind === "1d" ? [grid.xMax] : [grid.xMax, grid.yMax];
  for (let i = 0; i < M; i++)
    for (let p = 0; p < d; p++) {
      const v = x[i * d + p]!;
      if (!Number.isFinite(v)) throw invalidArgument(`x[${i * d + p}]`, "a finite number", v);
      if (v < lo[p]! || v > hi[p]!)
        throw invalidArgument(`x[${i * d + p}]`, `inside the grid [${lo[p]}, ${hi[p]}] (no sample is dropped: widen the grid)`, v);
    }
  for (let k = 0; k < targets.length; k++)
    if (!Number.isFinite(targets[k]!)) throw invalidArgument(`targets[${k}]`, "a finite number", targets[k]);
  const deposit = (weights: Float64Array): Float64Array => depositAt(x, weights);
  const out: Float64Array[] = [deposit(new Float64Array(M).fill(1 / M))];
  const sq = new Float64Array(M);
  for (let a = 0; a < m; a++) {
    const pos = new Float64Array(M),
      neg = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      const y = targets[i * m + a]!;
      pos[i] = Math.max(y, 0) / M;
      neg[i] = Math.max(-y, 0) / M;
      sq[i] = sq[i]! + (y * y) / M;
    }
    out.push(deposit(pos), deposit(neg));
  }
  out.push(deposit(sq));
  return out;
}

/**
 * A model (core's `TrainedModel`) of a density-trained network, for `saveModel`, `predict` and the CLI:
 * the parameters, with the head of a `classificationDensityLoss` over C classes as the softmax read-out.
 * @param result - the result of {@link trainDensity}
 * @param nClasses - C when the loss was `classificationDensityLoss` (its head is the read-out); omit otherwise
 * @returns `{ params, scheme: "rk4", readout?, loss? }`
 * @throws KineticError SHAPE_MISMATCH when the head does not have C·d + C values
 * @remarks The density level trains the flow of the neural ODE (each layer's ODE solved exactly in the
 * limit of a fine grid); the model names the `"rk4"` layer scheme, the closest particle scheme of core.
 * @example
 * ```ts
 * const text = saveModel(densityModel(r, 2));
 * const back = loadModel(text);
 * ```
 */
export function densityModel(result: DensityTrainResult, nClasses?: number): TrainedModel {
  if (typeof result !== "object" || result === null || result.head === undefined)
    throw invalidArgument("result", "a result of trainDensity", result);
  const aug = result.augment ? { augment: result.augment } : {};
  if (nClasses === undefined) return { params: result.params, scheme: "rk4", ...aug };
  const d = result.params.d;
  if (result.head.length !== nClasses * d + nClasses)
    throw new KineticError(
      "SHAPE_MISMATCH",
      `shape mismatch: \`result.head\` must have nClasses·d + nClasses = ${nClasses * d + nClasses} values (a classification read-out); got ${result.head.length}`,
    );
  return {
    params: result.params,
    scheme: "rk4",
    readout: { nOut: nClasses, weights: result.head.slice(0, nClasses * d), bias: result.head.slice(nClasses * d) },
    loss: { kind: "softmax", nClasses },
    ...aug,
  };
}

/**
 * {@link trainDensity} with `optimizer: "eki"`: ensemble Kalman inversion on the residuals of a
 * least-squares loss (plus √λ·θ for the L2 penalty), each member one forward solve. A solve that fails
 * (mass lost, too many steps, non-finite, a fixed dt beyond the CFL limit) ends the run with the last
 * good parameters and the solver's status.
 */
function trainDensityEki(
  p: {
    readonly params0: NetworkParams;
    readonly augment: number;
    readonly grid: Grid1D | Grid2D;
    readonly f0: Float64Array | Float64Array[];
    readonly loss: DensityObjective;
    readonly lambda: number;
    readonly nW: number;
    readonly nB: number;
  },
  solver: DensitySolverOptions,
  loop: Omit<DensityTrainOptions, keyof DensitySolverOptions>,
  ensemble: DensityTrainOptions["ensemble"],
): DensityTrainResult {
  const { params0, grid, f0, loss, lambda, nW, nB } = p;
  const nWB = nW + nB;
  if (typeof loss.residuals !== "function" || loss.nParams > 0)
    throw new KineticError(
      "UNSUPPORTED",
      'unsupported: `optimizer` "eki" (ensemble Kalman inversion) needs a least-squares loss without parameters of its own (a DensityObjective with `residuals`, e.g. l2DensityLoss); use "adam", "gd" or "lbfgs" for this loss',
    );
  if (ensemble !== undefined) {
    requireOptions("options.ensemble", ensemble, ["size", "spread", "stepSize"]);
    if (ensemble.size !== undefined) requireInteger("options.ensemble.size", ensemble.size, 2, 100000);
    if (ensemble.spread !== undefined) requireNonNegative("options.ensemble.spread", ensemble.spread);
    if (ensemble.stepSize !== undefined) requirePositive("options.ensemble.stepSize", ensemble.stepSize);
  }
  for (const k of ["learningRate", "schedule", "gradTolerance"] as const)
    if (loop[k] !== undefined)
      throw invalidArgument(`options.${k}`, 'not given with optimizer "eki" (it has no learning rate or gradient)', loop[k]);
  const { memoryBudget: _m, ...solveOptions } = solver;
  const w = Math.sqrt(lambda);
  let failure: SolveStatus | null = null;
  const solve = (theta: Float64Array) => {
    const params = withWeights(params0, theta.subarray(0, nW), theta.subarray(nW, nWB));
    try {
      return solveVlasov({ params, grid, f0 }, solveOptions);
    } catch (e) {
      // a solve that no longer fits (more CFL steps) or a fixed dt beyond the CFL limit is a failed member
      if (!isKineticError(e) || (e.code !== "TOO_LARGE" && e.code !== "UNSTABLE")) throw e;
      failure = e.code === "UNSTABLE" ? "unstable" : "max-steps";
      return null;
    }
  };
  const theta0 = new Float64Array(nWB);
  theta0.set(params0.W, 0);
  theta0.set(params0.b, nW);
  // the first solve is the caller's problem: its errors are thrown as they are
  const first = solveVlasov({ params: params0, grid, f0 }, solveOptions);
  if (first.status !== "success") failure = first.status;
  const onProgress = loop.onProgress;
  const e = ensembleKalmanMinimize(
    (theta) => {
      if (failure !== null) return null;
      const r = solve(theta);
      if (r === null) return null;
      if (r.status !== "success") {
        failure = r.status;
        return null;
      }
      const res = loss.residuals!(densitiesOf(r.f), grid);
      if (lambda === 0) return res;
      const out = new Float64Array(res.length + nWB);
      out.set(res);
      for (let q = 0; q < nWB; q++) out[res.length + q] = w * theta[q]!;
      return out;
    },
    theta0,
    {
      iterations: loop.epochs ?? 50,
      seed: loop.seed ?? 0,
      ...(ensemble?.size !== undefined ? { ensembleSize: ensemble.size } : {}),
      ...(ensemble?.spread !== undefined ? { spread: ensemble.spread } : {}),
      ...(ensemble?.stepSize !== undefined ? { stepSize: ensemble.stepSize } : {}),
      ...(onProgress !== undefined ? { onProgress: (q) => onProgress({ epoch: q.iteration, loss: q.loss, gradNorm: Number.NaN }) } : {}),
      ...(loop.signal !== undefined ? { signal: loop.signal } : {}),
    },
  );
  const params = withWeights(params0, e.theta.subarray(0, nW), e.theta.subarray(nW, nWB));
  const fin = solveVlasov({ params, grid, f0 }, solveOptions);
  const status: SolveStatus = fin.status !== "success" ? fin.status : (failure ?? e.status);
  const n = e.history.loss.length;
  return {
    params,
    augment: p.augment,
    head: new Float64Array(0),
    history: { loss: e.history.loss, gradNorm: new Float64Array(n).fill(Number.NaN), learningRate: new Float64Array(n).fill(Number.NaN) },
    status,
    f: densitiesOf(fin.f),
    stats: {
      epochs: n,
      gradientEvaluations: 0,
      lossEvaluations: e.stats.residualEvaluations,
      initialLoss: e.stats.initialLoss,
      finalLoss: e.stats.finalLoss,
      bestEpoch: n,
      stoppedBy: status === "success" ? "epochs" : "non-finite",
      steps: fin.stats.steps,
      checkpoints: 0,
    },
  };
}

/** The final densities of a solve as one array per density (`solveVlasov` returns a single one unwrapped). */
function densitiesOf(f: Float64Array | readonly Float64Array[]): Float64Array[] {
  return ArrayBuffer.isView(f) ? [f as Float64Array] : [...(f as readonly Float64Array[])];
}
