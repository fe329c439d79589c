/**
 * `trainFokkerPlanck` and `trainFokkerPlanck2D`: train a stochastic ResNet at the level of densities —
 * the optimal-control problem for the Fokker–Planck equation, with exact discrete-adjoint gradients
 * (including the noise level K) and core's optimisation loop.
 * @packageDocumentation
 */
import {
  createNetwork,
  initNetwork,
  isKineticError,
  KineticError,
  minimize,
  type MinimizeOptions,
  type MinimizeResult,
  type NetworkInit,
  type NetworkParams,
  type SolveStatus,
  type StopReason,
  type TrainingHistory,
} from "@kinetic-nde/core";
import { invalidArgument, requireNonNegative, requireOptions, requirePositive } from "@kinetic-nde/core/validate";
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";
import { type DensityObjective, releaseGradientWorkspace } from "@kinetic-nde/mean-field";
import { type FokkerPlanckGradientOptions, fokkerPlanckGradient } from "./adjoint.js";
import { type FokkerPlanckGradientOptions2D, fokkerPlanckGradient2D } from "./adjoint-2d.js";
import { type FokkerPlanckProblem, solveFokkerPlanck } from "./solve-1d.js";
import { type FokkerPlanckProblem2D, solveFokkerPlanck2D } from "./solve-2d.js";

/** An initial density: n cell averages ≥ 0 or a function x ↦ f0(x) (as `solveFokkerPlanck`). */
export type FokkerPlanckInitialDensity = FokkerPlanckProblem["f0"];

/** A 2-D initial density: nx·ny cell averages ≥ 0 (index i·ny + j) or a function (x, y) ↦ f0 (as `solveFokkerPlanck2D`). */
export type FokkerPlanckInitialDensity2D = FokkerPlanckProblem2D["f0"];

/** A training problem on densities for the stochastic ResNet (1-D). */
export interface FokkerPlanckTrainingProblem {
  /**
   * Initial parameters (d = 1), or the shape and initialisation to create them (core's `initNetwork`,
   * seeded by `options.seed`). The noise is the network's constant noise K unless `K` is given.
   */
  readonly network: NetworkParams | NetworkInit;
  /**
   * Initial noise level K > 0 (constant, D = K²/2), or with `options.noisePerLayer` one per layer (an
   * array of `nLayers`; a number starts every layer there); default the network's constant noise.
   * Needed with a `NetworkInit`.
   */
  readonly K?: number | readonly number[];
  /** The initial density, or one density per class, transported together by the same field and noise. */
  readonly f0: FokkerPlanckInitialDensity | readonly FokkerPlanckInitialDensity[];
  /** The 1-D grid of the densities. */
  readonly grid: Grid1D;
  /** The loss on the densities at T (mean-field's `l2DensityLoss`, `w1DensityLoss`, `classificationDensityLoss`, …). */
  readonly loss: DensityObjective;
  /** Tikhonov weight λ ≥ 0 of (λ/2) Σ_k |W^k|² + |b^k|² (default 0; neither K nor the loss's own parameters are penalised). */
  readonly lambda?: number;
}

/** A training problem on densities for the stochastic ResNet in 2-D (diagonal noise K = diag(K₀₀, K₁₁)). */
export interface FokkerPlanckTrainingProblem2D {
  /** Initial parameters (d = 2), or the shape and initialisation to create them (core's `initNetwork`). */
  readonly network: NetworkParams | NetworkInit;
  /**
   * Initial noise levels [K₀₀, K₁₁] > 0, or one K for both (D_jj = K_jj²/2); default the network's
   * constant diagonal noise. Needed with a `NetworkInit`.
   */
  readonly K?: number | readonly [number, number];
  /** The initial density, or one density per class. */
  readonly f0: FokkerPlanckInitialDensity2D | readonly FokkerPlanckInitialDensity2D[];
  /** The 2-D grid of the densities. */
  readonly grid: Grid2D;
  /** The loss on the densities at T. */
  readonly loss: DensityObjective;
  /** Tikhonov weight λ ≥ 0 on W and b (default 0). */
  readonly lambda?: number;
}

/** Solver options of {@link trainFokkerPlanck}: those of `fokkerPlanckGradient`, without `theta`. */
export type FokkerPlanckSolverOptions = Omit<FokkerPlanckGradientOptions, "theta" | "massTolerance">;

/** Solver options of {@link trainFokkerPlanck2D}: those of `fokkerPlanckGradient2D`, without `theta`. */
export type FokkerPlanckSolverOptions2D = Omit<FokkerPlanckGradientOptions2D, "theta" | "massTolerance">;

/** How the noise is learned (options of {@link trainFokkerPlanck} and {@link trainFokkerPlanck2D}). */
export interface NoiseTrainingOptions {
  /** Learn the noise level K (as log K, so that K stays positive); default true. `false` keeps the network's noise fixed. */
  readonly learnNoise?: boolean;
  /**
   * Smallest noise level K (default 1e-6). A step of the optimiser to a smaller K is refused (a failed
   * step: L-BFGS shortens it, GD and Adam stop), and a run that ends within a factor 2 of this floor
   * after such a step has status `"under-resolved"`: D = K²/2 → 0 degenerates the Chang–Cooper
   * weights and the grid cannot resolve a diffusion that small.
   */
  readonly minNoise?: number;
  /**
   * 1-D only: learn one noise level K^k per layer (D^k = (K^k)²/2 on layer k's interval) instead of one
   * K for all layers (default false). The result's `KLayers` holds them and `params` carries no noise
   * model then (core's noise models are constant in time): solve with `D: KLayers.map((k) => k * k / 2)`.
   */
  readonly noisePerLayer?: boolean;
}

/**
 * Options of {@link trainFokkerPlanck}: core's optimiser options (no mini-batches: the loss is an
 * integral, not a sum over samples), the Fokker–Planck solver's, and how the noise is learned. Every
 * field has a default.
 */
export interface FokkerPlanckTrainOptions
  extends Omit<MinimizeOptions, "batchSize" | "earlyStopping">,
    FokkerPlanckSolverOptions,
    NoiseTrainingOptions {}

/** Options of {@link trainFokkerPlanck2D}: as {@link FokkerPlanckTrainOptions}, with the 2-D solver's options. */
export interface FokkerPlanckTrainOptions2D
  extends Omit<MinimizeOptions, "batchSize" | "earlyStopping">,
    FokkerPlanckSolverOptions2D,
    NoiseTrainingOptions {}

/** Result of {@link trainFokkerPlanck}: the shape of mean-field's `trainDensity` result, plus the learned noise. */
export interface FokkerPlanckTrainResult {
  /** Trained network parameters, with the learned (or fixed) noise as their noise model. */
  readonly params: NetworkParams;
  /** The noise level K of `params` (NaN when the noise is fixed and not a constant; the first layer's with `noisePerLayer`). */
  readonly K: number;
  /** With `noisePerLayer`: the learned K^k of every layer. */
  readonly KLayers?: Float64Array;
  /** Trained parameters θ_head of the loss (e.g. a classification read-out), length `loss.nParams`. */
  readonly head: Float64Array;
  /** Per-epoch history (loss, gradient norm, learning rate). */
  readonly history: TrainingHistory;
  /**
   * `"success"`; `"max-steps"` when `gradTolerance` > 0 was not reached within `epochs`;
   * `"under-resolved"` when the noise was driven to `minNoise`; otherwise the solver's status
   * (`"mass-lost"`, `"non-finite"`, `"unstable"`, `"max-steps"`) at the returned parameters or of the
   * step that ended training (the last good parameters are returned).
   */
  readonly status: SolveStatus;
  /** Densities at T for the returned parameters (one per initial density). */
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
    /** Checkpoints of the last adjoint sweep (0 when the last evaluation needed no gradient). */
    readonly checkpoints: number;
    /** Trial steps refused because they took K below `minNoise` or made it overflow. */
    readonly noiseRejections: number;
  };
}

/** Result of {@link trainFokkerPlanck2D}: as {@link FokkerPlanckTrainResult}, with the two noise levels. */
export interface FokkerPlanckTrainResult2D extends Omit<FokkerPlanckTrainResult, "K"> {
  /** The noise levels [K₀₀, K₁₁] of `params` (NaN when the noise is fixed and not a constant). */
  readonly K: Float64Array;
}

const LOOP_KEYS = ["optimizer", "learningRate", "schedule", "epochs", "seed", "gradTolerance", "onProgress", "signal"] as const;
const NOISE_KEYS = ["learnNoise", "minNoise", "noisePerLayer"] as const;

function isNetworkParams(n: unknown): n is NetworkParams {
  return (
    typeof n === "object" && n !== null && (n as NetworkParams).W instanceof Float64Array && typeof (n as NetworkParams).sigma === "object"
  );
}

/** One initial density or a list of them (an array of numbers is one density of cell averages). */
function densityList<F>(f0: unknown): readonly F[] {
  if (Array.isArray(f0) && f0.length > 0 && typeof f0[0] !== "number") return f0 as readonly F[];
  if (Array.isArray(f0) && f0.length === 0) throw invalidArgument("problem.f0", "a density, or a non-empty list of densities", f0);
  if (f0 === undefined || f0 === null)
    throw invalidArgument("problem.f0", "a density (cell averages or a function), or a list of them", f0);
  return [f0 as F];
}

/** Solve state at one parameter vector. */
interface Last {
  status: SolveStatus;
  f: Float64Array[];
  steps: number;
  checkpoints: number;
}

/** What the trainer needs of a dimension's solver and adjoint. */
interface Dimension<F, G> {
  readonly d: 1 | 2;
  readonly name: string;
  readonly gridKind: "1d" | "2d";
  readonly solverKeys: readonly string[];
  readonly gradient: (
    network: NetworkParams,
    grid: G,
    f0: F,
    objective: DensityObjective,
    options: Record<string, unknown>,
    theta: Float64Array,
    layerK: Float64Array | null,
  ) => {
    loss: number;
    gradW: Float64Array;
    gradB: Float64Array;
    gradTheta: Float64Array;
    gradK: Float64Array;
    f: Float64Array;
    status: SolveStatus;
    stats: { steps: number; checkpoints: number };
  };
  readonly forward: (
    network: NetworkParams,
    grid: G,
    f0: F,
    options: Record<string, unknown>,
    layerK: Float64Array | null,
  ) => { f: Float64Array; status: SolveStatus; steps: number };
  readonly cells: (grid: G) => number;
}

const DIM1: Dimension<FokkerPlanckInitialDensity, Grid1D> = {
  d: 1,
  name: "trainFokkerPlanck",
  gridKind: "1d",
  solverKeys: ["method", "dt", "boundary", "safety", "massLossTolerance", "maxSteps", "memoryBudget"],
  gradient: (network, grid, f0, objective, options, theta, layerK) => {
    if (layerK === null)
      return fokkerPlanckGradient({ network, grid, f0 }, objective, { ...(options as FokkerPlanckSolverOptions), theta });
    // one D^k = (K^k)²/2 per layer: ∂J/∂K^k = 2 ∂J/∂(scale of D^k) / K^k
    const D = Array.from(layerK, (k) => 0.5 * k * k);
    const r = fokkerPlanckGradient({ network, grid, f0, D }, objective, { ...(options as FokkerPlanckSolverOptions), theta });
    return { ...r, gradK: Float64Array.from(r.gradDScaleLayers, (g, k) => (2 * g) / layerK[k]!) };
  },
  forward: (network, grid, f0, options, layerK) => {
    const s = solveFokkerPlanck({ network, grid, f0, ...(layerK !== null ? { D: Array.from(layerK, (k) => 0.5 * k * k) } : {}) }, options);
    return { f: s.f, status: s.status, steps: s.stats.steps };
  },
  cells: (grid) => grid.n,
};

const DIM2: Dimension<FokkerPlanckInitialDensity2D, Grid2D> = {
  d: 2,
  name: "trainFokkerPlanck2D",
  gridKind: "2d",
  solverKeys: ["dt", "boundary", "massLossTolerance", "maxSteps", "memoryBudget"],
  gradient: (network, grid, f0, objective, options, theta) =>
    fokkerPlanckGradient2D({ network, grid, f0 }, objective, { ...(options as FokkerPlanckSolverOptions2D), theta }),
  forward: (network, grid, f0, options) => {
    const s = solveFokkerPlanck2D({ network, grid, f0 }, options);
    return { f: s.f, status: s.status, steps: s.stats.steps };
  },
  cells: (grid) => grid.nx * grid.ny,
};

/**
 * Train a stochastic ResNet at the level of densities: minimise J[f(T)] over W, b, the noise level K
 * (optional) and the loss's own parameters, f solving the 1-D Fokker–Planck equation
 * ∂_t f + ∂_x(σ(W(t)x + b(t)) f) = ∂_xx(K²/2 · f) from `f0`.
 * @param problem - `{ network, K?, f0, grid, loss, lambda? }`; d = 1, constant noise K
 * @param options - optimiser (`"adam"` default, `"gd"`, `"lbfgs"`), learning rate, schedule, epochs,
 *   seed, gradient tolerance, progress, signal; solver options of `fokkerPlanckGradient` (method, dt,
 *   boundary, safety, massLossTolerance, maxSteps, memoryBudget); `learnNoise` (default true),
 *   `minNoise` (default 1e-6), `noisePerLayer` (one K^k per layer, default false)
 * @returns trained parameters (with the learned noise), K, `KLayers` (with `noisePerLayer`), θ_head,
 *   per-epoch history, status, the densities at T and counts
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, a bad problem, no constant noise to
 *   learn, K below `minNoise`), UNSUPPORTED (d ≠ 1), TOO_LARGE / UNSTABLE (the solve at the initial
 *   parameters does not fit, or explicit Euler above its bound); the signal's reason when aborted
 * @remarks θ = [W | b | log K (or log K^1…log K^L with `noisePerLayer`) | θ_head] (log K only when the noise is learned): the noise is learned
 * through log K, with ∂J/∂log K = K ∂J/∂K from the adjoint, so K stays positive. Each evaluation is
 * one forward solve and one adjoint sweep per initial density (with several densities, one more
 * forward solve each to seed the sweeps, since the loss couples them); L-BFGS evaluates once per
 * line-search trial. The gradient is exact for the discretised problem (the step sequence held fixed;
 * one-sided at ReLU kinks). Once training has started, a solve that fails (non-finite values, a status
 * other than success, too many steps, explicit Euler above its bound) or a K below `minNoise` or
 * overflowing counts as a non-finite loss: L-BFGS shortens the step, GD and Adam stop with the last
 * good parameters and the reason as status. The status is never `"success"` when the solve at the
 * returned parameters is not a success. In log K the gradient K ∂J/∂K vanishes as K → 0: a loss that
 * prefers no noise drives K down ever more slowly (raise `minNoise` to stop such a run earlier, or
 * keep the noise fixed). core's `saveModel` does not store noise models: keep `K`.
 * @example
 * ```ts
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * import { l2DensityLoss } from "@kinetic-nde/mean-field";
 * const grid = createGrid1D(-4, 4, 160);
 * const f0 = (x: number) => Math.exp(-2 * (x - 1) ** 2) / Math.sqrt(Math.PI / 2);
 * const truth = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5], b: [0.3, 0], T: 1, K: 0.5 });
 * const target = solveFokkerPlanck({ network: truth, grid, f0 }, { dt: 0.02 }).f;
 * const start = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5], b: [0.3, 0], T: 1, K: 1 });
 * const r = trainFokkerPlanck({ network: start, f0, grid, loss: l2DensityLoss(target) }, { optimizer: "lbfgs", epochs: 30, dt: 0.02 });
 * console.log(r.status, r.K); // K ≈ 0.5
 * ```
 */
export function trainFokkerPlanck(problem: FokkerPlanckTrainingProblem, options: FokkerPlanckTrainOptions = {}): FokkerPlanckTrainResult {
  const t = fokkerPlanckTraining(problem, options);
  const { K, ...rest } = t.finish(minimizeThenRelease(t.evaluate, t.theta0, t.loop));
  return { ...rest, K: K[0]!, ...(options.noisePerLayer === true ? { KLayers: K } : {}) };
}

/**
 * Train a 2-D stochastic ResNet at the level of densities: {@link trainFokkerPlanck} through the 2-D
 * solver, ∂_t f + ∇·(σ(W(t)x + b(t)) f) = ∂_xx(D₀₀ f) + ∂_yy(D₁₁ f), D_jj = K_jj²/2, learning every
 * entry of W and b, the two noise levels K₀₀, K₁₁ (as their logarithms) and θ_head.
 * @param problem - `{ network, K?, f0, grid, loss, lambda? }`; d = 2, constant diagonal noise
 * @param options - optimiser options as {@link trainFokkerPlanck}; solver options of
 *   `fokkerPlanckGradient2D` (dt, boundary, massLossTolerance, maxSteps, memoryBudget); `learnNoise`,
 *   `minNoise` (a floor for each K_jj)
 * @returns as {@link trainFokkerPlanck}, with `K` = [K₀₀, K₁₁]
 * @throws KineticError as {@link trainFokkerPlanck}; UNSUPPORTED for d ≠ 2 or a non-diagonal noise
 * @remarks θ = [W (4 per layer) | b (2 per layer) | log K₀₀, log K₁₁ | θ_head]. One evaluation is a
 * forward solve and an adjoint sweep of the x/y splitting per initial density; the gradient is that of
 * the discrete splitting, as `fokkerPlanckGradient2D`.
 * @example
 * ```ts
 * import { createNetwork } from "@kinetic-nde/core";
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * import { l2DensityLoss } from "@kinetic-nde/mean-field";
 * const grid = createGrid2D([-3, 3], [-3, 3], 24);
 * const f0 = (x: number, y: number) => Math.exp(-2 * ((x - 0.5) ** 2 + y * y));
 * const noise = (a: number, b: number) => ({ kind: "constant" as const, K: Float64Array.of(a, 0, 0, b) });
 * const net = (a: number, b: number) => createNetwork({ sigma: "tanh", d: 2, W: [-1, 0.3, 0, -0.5], b: [0.2, 0], T: 1, noise: noise(a, b) });
 * const target = solveFokkerPlanck2D({ network: net(0.4, 0.7), grid, f0 }, { dt: 0.05 }).f;
 * const r = trainFokkerPlanck2D({ network: net(0.8, 0.8), f0, grid, loss: l2DensityLoss(target) }, { optimizer: "lbfgs", epochs: 100, dt: 0.05 });
 * console.log(r.status, r.K); // ≈ [0.4, 0.7]
 * ```
 */
export function trainFokkerPlanck2D(
  problem: FokkerPlanckTrainingProblem2D,
  options: FokkerPlanckTrainOptions2D = {},
): FokkerPlanckTrainResult2D {
  const t = fokkerPlanckTraining2D(problem, options);
  return t.finish(minimizeThenRelease(t.evaluate, t.theta0, t.loop));
}

/** The objective of {@link trainFokkerPlanck} / {@link trainFokkerPlanck2D} and how its result is assembled. @internal */
export interface FokkerPlanckTraining {
  /** θ₀ = [W | b | log K (when learned, d values) | θ_head]. */
  readonly theta0: Float64Array;
  /** J(θ), and ∇J into `grad` when not null: the function `minimize` sees (NaN for a failed solve). */
  readonly evaluate: (theta: Float64Array, grad: Float64Array | null) => number;
  /** The options of `minimize`. */
  readonly loop: MinimizeOptions;
  /** The result from `minimize`'s (whose last evaluation was at its returned θ), with the d noise levels. */
  readonly finish: (m: MinimizeResult) => FokkerPlanckTrainResult2D;
}

/** Validate a 1-D training problem and build its objective (the layout and checks of {@link trainFokkerPlanck}). @internal */
export function fokkerPlanckTraining(problem: FokkerPlanckTrainingProblem, options: FokkerPlanckTrainOptions = {}): FokkerPlanckTraining {
  return buildTraining(DIM1, problem, options as Record<string, unknown>);
}

/** Validate a 2-D training problem and build its objective (the layout and checks of {@link trainFokkerPlanck2D}). @internal */
export function fokkerPlanckTraining2D(
  problem: FokkerPlanckTrainingProblem2D,
  options: FokkerPlanckTrainOptions2D = {},
): FokkerPlanckTraining {
  return buildTraining(DIM2, problem, options as Record<string, unknown>);
}

/**
 * The initial noise levels (d values, or one per layer with `layers` > 0; NaN: the network's own
 * non-constant noise, kept fixed).
 */
function initialNoise(d: 1 | 2, K: unknown, base: NetworkParams, learnNoise: boolean, minNoise: number, layers = 0): Float64Array {
  const out = new Float64Array(layers > 0 ? layers : d);
  if (layers > 0 && Array.isArray(K)) {
    if (K.length !== layers) throw invalidArgument("problem.K", `one noise level per layer (${layers}) with options.noisePerLayer`, K);
    K.forEach((v, k) => {
      out[k] = requirePositive(`problem.K[${k}]`, v);
    });
  } else if (layers > 0 && K === undefined && base.noise?.kind === "constant") out.fill(Math.abs(base.noise.K[0]!));
  else if (K !== undefined) {
    if (typeof K === "number") out.fill(requirePositive("problem.K", K));
    else if (d === 2 && Array.isArray(K) && K.length === 2) {
      out[0] = requirePositive("problem.K[0]", K[0]);
      out[1] = requirePositive("problem.K[1]", K[1]);
    } else throw invalidArgument("problem.K", d === 1 ? "a positive noise level" : "a positive noise level or a pair [K00, K11]", K);
  } else if (base.noise?.kind === "constant") {
    const Km = base.noise.K;
    if (d === 2 && (Km[1] !== 0 || Km[2] !== 0))
      throw new KineticError(
        "UNSUPPORTED",
        "unsupported: trainFokkerPlanck2D needs a diagonal noise K (the 2-D solver's diffusion is diag(D_x, D_y)); give `problem.K`",
      );
    // D = K²/2: the sign of K is immaterial
    for (let j = 0; j < d; j++) out[j] = Math.abs(Km[j * d + j]!);
  } else if (learnNoise)
    throw invalidArgument(
      "problem.K",
      "given (an initial noise level K > 0) when the network has no constant noise and the noise is learned",
      K,
    );
  else return out.fill(Number.NaN);
  const name = K !== undefined ? "problem.K" : "problem.network.noise.K";
  for (let j = 0; j < out.length; j++) {
    if (!(out[j]! > 0) || !Number.isFinite(out[j]!)) throw invalidArgument(name, "a positive finite noise level", out[j]);
    if (out[j]! < minNoise) throw invalidArgument(name, `at least minNoise = ${minNoise}`, out[j]);
  }
  return out;
}

function buildTraining<F, G extends Grid1D | Grid2D>(
  dim: Dimension<F, G>,
  problemIn: unknown,
  options: Record<string, unknown>,
): FokkerPlanckTraining {
  if (typeof problemIn !== "object" || problemIn === null) throw invalidArgument("problem", "an object", problemIn);
  const problem = problemIn as {
    network?: NetworkParams | NetworkInit;
    K?: unknown;
    f0: unknown;
    grid: G;
    loss: DensityObjective;
    lambda?: number;
  };
  requireOptions("problem", problem, ["network", "K", "f0", "grid", "loss", "lambda"]);
  requireOptions("options", options, [...LOOP_KEYS, ...dim.solverKeys, ...NOISE_KEYS]);
  const loss = problem.loss;
  if (typeof loss !== "object" || loss === null || typeof loss.evaluate !== "function")
    throw invalidArgument("problem.loss", "a DensityObjective", loss);
  if (typeof problem.grid !== "object" || problem.grid === null || problem.grid.kind !== dim.gridKind)
    throw invalidArgument(
      "problem.grid",
      dim.d === 1 ? "a 1-D grid (createGrid1D); trainFokkerPlanck is 1-D" : "a 2-D grid (createGrid2D); trainFokkerPlanck2D is 2-D",
      problem.grid,
    );
  if (problem.network === undefined || problem.network === null)
    throw invalidArgument("problem.network", "network parameters or an initialisation", problem.network);
  const f0s = densityList<F>(problem.f0);
  const seed = options.seed ?? 0;
  const base = isNetworkParams(problem.network)
    ? problem.network
    : initNetwork({ seed, ...(problem.network as NetworkInit) } as NetworkInit);
  const d = dim.d;
  if (base.d !== d)
    throw new KineticError(
      "UNSUPPORTED",
      `${dim.name} is ${d}-D (the adjoint of the ${d}-D Fokker–Planck solver); got a network with d = ${base.d}`,
    );
  const lambda = requireNonNegative("problem.lambda", problem.lambda ?? 0);
  const learnNoise = options.learnNoise ?? true;
  if (typeof learnNoise !== "boolean") throw invalidArgument("options.learnNoise", "a boolean", learnNoise);
  const minNoise = requirePositive("options.minNoise", options.minNoise ?? 1e-6);
  const perLayer = options.noisePerLayer ?? false;
  if (typeof perLayer !== "boolean") throw invalidArgument("options.noisePerLayer", "a boolean", perLayer);
  if (perLayer && d !== 1)
    throw invalidArgument("options.noisePerLayer", "absent in 2-D (trainFokkerPlanck2D learns K₀₀ and K₁₁ for all layers)", perLayer);
  if (perLayer && !learnNoise)
    throw invalidArgument("options.noisePerLayer", "given only when the noise is learned (learnNoise: true)", perLayer);
  const K0 = initialNoise(d, problem.K, base, learnNoise, minNoise, perLayer ? base.nLayers : 0);
  const solver: Record<string, unknown> = {};
  const loop: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (dim.solverKeys.includes(k)) solver[k] = v;
    else if ((LOOP_KEYS as readonly string[]).includes(k)) loop[k] = v;
  }
  const { memoryBudget: _budget, ...forwardOptions } = solver;
  const L = base.nLayers;
  const nW = L * d * d;
  const nWb = nW + L * d;
  const nHead = loss.nParams;
  const head0 = loss.initialTheta ?? new Float64Array(nHead);
  if (!(head0 instanceof Float64Array) || head0.length !== nHead)
    throw invalidArgument("problem.loss.initialTheta", `a Float64Array of length loss.nParams = ${nHead}`, head0);
  const nK = K0.length; // d, or one per layer
  const nNoise = learnNoise ? nK : 0;
  const iHead = nWb + nNoise;
  const theta0 = new Float64Array(iHead + nHead);
  theta0.set(base.W, 0);
  theta0.set(base.b, nW);
  for (let j = 0; j < nNoise; j++) theta0[nWb + j] = Math.log(K0[j]!);
  theta0.set(head0, iHead);
  const grid = problem.grid;
  const C = f0s.length;
  const logMin = Math.log(minNoise);
  const emptyTheta = new Float64Array(0);
  const fixedNoise = Number.isNaN(K0[0]!);

  /** The noise levels of θ (the fixed ones when the noise is not learned). */
  const noiseOf = (theta: Float64Array): Float64Array => (learnNoise ? theta.slice(nWb, nWb + nK).map(Math.exp) : K0.slice());
  /**
   * The network of θ with noise levels K (or the base network's own noise when it is fixed and not
   * constant; no noise model with one K per layer, which the solves receive as D).
   */
  const networkOf = (theta: Float64Array, K: Float64Array): NetworkParams => {
    if (perLayer) return createNetwork({ sigma: base.sigma, d, W: theta.subarray(0, nW), b: theta.subarray(nW, nWb), dt: base.dt });
    const Km = new Float64Array(d * d);
    for (let j = 0; j < d; j++) Km[j * d + j] = K[j]!;
    return createNetwork({
      sigma: base.sigma,
      d,
      W: theta.subarray(0, nW),
      b: theta.subarray(nW, nWb),
      dt: base.dt,
      ...(fixedNoise ? (base.noise ? { noise: base.noise } : {}) : { noise: { kind: "constant", K: Km } }),
    });
  };

  let started = false;
  let lastFailure: SolveStatus | null = null;
  let noiseRejections = 0;
  let last: Last | null = null;
  const fail = (status: SolveStatus): number => {
    lastFailure = status;
    last = { status, f: [], steps: 0, checkpoints: 0 };
    return Number.NaN;
  };
  const evaluate = (theta: Float64Array, grad: Float64Array | null): number => {
    for (let q = 0; q < theta.length; q++) if (!Number.isFinite(theta[q])) return fail("non-finite");
    for (let j = 0; j < nNoise; j++) {
      const lk = theta[nWb + j]!;
      // a step below the floor (D → 0 degenerates Chang–Cooper) or to an overflowing K is refused
      if (lk < logMin || !Number.isFinite(Math.exp(lk) ** 2)) {
        noiseRejections++;
        return fail(lk < logMin ? "under-resolved" : "non-finite");
      }
    }
    const K = noiseOf(theta);
    const head = theta.slice(iHead);
    let J: number;
    let gW: Float64Array;
    let gB: Float64Array;
    const gK = new Float64Array(nK);
    let gHead: Float64Array;
    try {
      const network = networkOf(theta, K);
      const layerK = perLayer ? K : null;
      if (C === 1) {
        const r = dim.gradient(network, grid, f0s[0]!, loss, solver, head, layerK);
        last = { status: r.status, f: [r.f], steps: r.stats.steps, checkpoints: r.stats.checkpoints };
        J = r.loss;
        gW = r.gradW;
        gB = r.gradB;
        if (r.gradK.length === nK) gK.set(r.gradK);
        gHead = r.gradTheta;
      } else {
        // the loss couples the densities: solve them all, then seed one adjoint sweep per density
        const fs: Float64Array[] = [];
        let status: SolveStatus = "success";
        let steps = 0;
        for (const f0 of f0s) {
          const s = dim.forward(network, grid, f0, forwardOptions, layerK);
          fs.push(s.f);
          steps = s.steps;
          if (s.status !== "success") status = s.status;
        }
        last = { status, f: fs, steps, checkpoints: 0 };
        gHead = new Float64Array(nHead);
        gW = new Float64Array(nW);
        gB = new Float64Array(nWb - nW);
        if (status !== "success") {
          started = true;
          return fail(status);
        }
        J = loss.evaluate(fs, grid, head, null, grad === null ? null : gHead);
        if (grad !== null && Number.isFinite(J)) {
          const n = dim.cells(grid);
          let checkpoints = 0;
          for (let c = 0; c < C; c++) {
            // J with density c free and the others fixed: its seed ∂J/∂f_c at f_c(T)
            const slot: DensityObjective = {
              nParams: 0,
              evaluate(f, g, _t, gradF) {
                const all = fs.slice();
                all[c] = f[0]!;
                const seeds = gradF === null ? null : all.map((_, m) => (m === c ? gradF[0]! : new Float64Array(n)));
                return loss.evaluate(all, g, head, seeds, null);
              },
            };
            const r = dim.gradient(network, grid, f0s[c]!, slot, solver, emptyTheta, layerK);
            if (r.status !== "success") {
              last = { status: r.status, f: fs, steps, checkpoints: r.stats.checkpoints };
              started = true;
              return fail(r.status);
            }
            for (let q = 0; q < nW; q++) gW[q] += r.gradW[q]!;
            for (let q = 0; q < nWb - nW; q++) gB[q] += r.gradB[q]!;
            if (r.gradK.length === nK) for (let j = 0; j < nK; j++) gK[j] += r.gradK[j]!;
            checkpoints = r.stats.checkpoints;
          }
          last = { status, f: fs, steps, checkpoints };
        }
      }
    } catch (e) {
      // Before the first solve, a bad problem is the caller's error; afterwards a solve that no longer
      // fits (more steps) or explicit Euler beyond its bound is a failed step.
      if (!started || !isKineticError(e) || (e.code !== "TOO_LARGE" && e.code !== "UNSTABLE")) throw e;
      return fail(e.code === "UNSTABLE" ? "unstable" : "max-steps");
    }
    started = true;
    const cur = last as Last;
    if (cur.status !== "success" || !Number.isFinite(J)) return fail(cur.status === "success" ? "non-finite" : cur.status);
    if (lambda > 0) for (let q = 0; q < nWb; q++) J += 0.5 * lambda * theta[q]! * theta[q]!;
    if (grad !== null) {
      grad.set(gW, 0);
      grad.set(gB, nW);
      for (let j = 0; j < nNoise; j++) grad[nWb + j] = K[j]! * gK[j]!; // ∂J/∂log K = K ∂J/∂K
      grad.set(gHead, iHead);
      if (lambda > 0) for (let q = 0; q < nWb; q++) grad[q] += lambda * theta[q]!;
    }
    return J;
  };
  const finish = (m: MinimizeResult): FokkerPlanckTrainResult2D => {
    // minimize ends with one evaluation at the returned θ: `last` describes that solve.
    const fin = last as unknown as Last;
    const Kfin = noiseOf(m.theta);
    const gradTol = (loop.gradTolerance as number | undefined) ?? 0;
    let atFloor = false;
    for (let j = 0; j < nNoise; j++) atFloor ||= Kfin[j]! < 2 * minNoise;
    let status: SolveStatus;
    if (fin.status !== "success") status = fin.status;
    else if (m.status !== "success") status = lastFailure ?? m.status;
    else if (noiseRejections > 0 && atFloor) status = "under-resolved";
    else if (gradTol > 0 && m.stats.stoppedBy === "epochs") status = "max-steps";
    else status = "success";
    return {
      params: networkOf(m.theta, Kfin),
      K: Kfin,
      head: m.theta.slice(iHead),
      history: m.history,
      status,
      f: fin.f,
      stats: { ...m.stats, steps: fin.steps, checkpoints: fin.checkpoints, noiseRejections },
    };
  };
  return { theta0, evaluate, loop: loop as MinimizeOptions, finish };
}

/** core's `minimize`, then the buffers the gradients kept for each other given back (training is over). */
function minimizeThenRelease(...args: Parameters<typeof minimize>): ReturnType<typeof minimize> {
  try {
    return minimize(...args);
  } finally {
    releaseGradientWorkspace();
  }
}
