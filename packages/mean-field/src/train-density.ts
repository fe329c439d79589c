/**
 * `trainDensity`: train a ResNet at the level of densities — the optimal-control problem for the 1-D
 * Vlasov equation, with exact discrete-adjoint gradients and core's optimisation loop.
 * @packageDocumentation
 */
import {
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
import { invalidArgument, requireNonNegative, requireOptions } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { type VlasovGradientOptions, vlasovGradient } from "./adjoint.js";
import type { InitialDensity1D } from "./initial.js";
import type { DensityObjective } from "./objective.js";

/** A training problem on densities (1-D). */
export interface DensityTrainingProblem {
  /** Initial parameters (d = 1), or the shape and initialisation to create them (core's `initNetwork`, seeded by `options.seed`). */
  readonly network: NetworkParams | NetworkInit;
  /** The initial density, or one density per class, transported together by the same field. */
  readonly f0: InitialDensity1D | readonly InitialDensity1D[];
  /** The 1-D grid of the densities. */
  readonly grid: Grid1D;
  /** The loss on the densities at T (e.g. `classificationDensityLoss`, `w1DensityLoss`). */
  readonly loss: DensityObjective;
  /** Tikhonov weight λ ≥ 0 of (λ/2) Σ_k |W^k|² + |b^k|² (default 0; the loss's own parameters are not penalised). */
  readonly lambda?: number;
}

/** Solver options of {@link trainDensity} (those of `vlasovGradient`, without `theta`). */
export type DensitySolverOptions = Omit<VlasovGradientOptions, "theta" | "n">;

/**
 * Options of {@link trainDensity}: core's optimiser options (no mini-batches: the loss is an integral,
 * not a sum over samples) and the Vlasov solver's. Every field has a default.
 */
export interface DensityTrainOptions extends Omit<MinimizeOptions, "batchSize" | "earlyStopping">, DensitySolverOptions {}

/** Result of {@link trainDensity}: the shape of core's `TrainResult`, plus the loss's parameters and the final densities. */
export interface DensityTrainResult {
  /** Trained network parameters. */
  readonly params: NetworkParams;
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
const LOOP_KEYS = ["optimizer", "learningRate", "schedule", "epochs", "seed", "gradTolerance", "onProgress", "signal"] as const;

function isNetworkParams(n: unknown): n is NetworkParams {
  return (
    typeof n === "object" && n !== null && (n as NetworkParams).W instanceof Float64Array && typeof (n as NetworkParams).sigma === "object"
  );
}

/**
 * Train a ResNet at the level of densities: minimise J[f(T)] over W, b (and the loss's own
 * parameters), f solving the 1-D Vlasov equation ∂_t f + ∂_x(σ(W(t)x + b(t)) f) = 0 from `f0`.
 * @param problem - `{ network, f0, grid, loss, lambda? }`; d = 1
 * @param options - optimiser (`"adam"` default, `"gd"`, `"lbfgs"`), learning rate, schedule, epochs,
 *   seed, gradient tolerance, progress, signal; solver options of `vlasovGradient` (scheme, limiter,
 *   time stepper, cfl or dt, boundary, massLossTolerance, maxSteps, maxCellUpdates, memoryBudget)
 * @returns trained parameters and θ_head, per-epoch history, status, the densities at T and counts
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, a bad problem), UNSUPPORTED (d ≠ 1),
 *   TOO_LARGE / UNSTABLE (the solve at the initial parameters does not fit or violates the CFL
 *   limit); the signal's reason when aborted
 * @remarks 1-D only (the discrete adjoint `vlasovGradient` also covers d = 2; training on 2-D densities
 * is not offered yet). Each epoch is one forward solve and
 * one adjoint sweep (L-BFGS: one per line-search trial); the gradient is exact for the discretised
 * problem (step sequence held fixed, one-sided derivatives at limiter and ReLU kinks). θ = [W | b |
 * θ_head], the layout of core's training (θ_head of `classificationDensityLoss` = core's read-out).
 * Once training has started, a solve that fails (non-finite values, a status other than success, a
 * step count beyond `maxSteps`/`maxCellUpdates`/`memoryBudget`, a fixed dt beyond the CFL limit)
 * counts as a non-finite loss: the optimiser stops (GD, Adam; the status is then the solver's, e.g.
 * `"mass-lost"`, with the last good parameters) or shortens the step (L-BFGS). The status is never
 * `"success"` when the solve at the returned parameters is not a success. A step count beyond
 * `memoryBudget` or `maxCellUpdates` mid-run is reported as `"max-steps"`.
 * @example
 * ```ts
 * import { createGrid1D } from "@kinetic-nde/datasets";
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
 * ```
 */
export function trainDensity(problem: DensityTrainingProblem, options: DensityTrainOptions = {}): DensityTrainResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  requireOptions("problem", problem, ["network", "f0", "grid", "loss", "lambda"]);
  requireOptions("options", options, [...LOOP_KEYS, ...SOLVER_KEYS]);
  const loss = problem.loss;
  if (typeof loss !== "object" || loss === null || typeof loss.evaluate !== "function")
    throw invalidArgument("problem.loss", "a DensityObjective", loss);
  if (typeof problem.grid !== "object" || problem.grid === null || problem.grid.kind !== "1d")
    throw invalidArgument("problem.grid", "a 1-D grid (createGrid1D); trainDensity is 1-D", problem.grid);
  if (problem.network === undefined) throw invalidArgument("problem.network", "network parameters or an initialisation", undefined);
  const seed = options.seed ?? 0;
  const params0 = isNetworkParams(problem.network) ? problem.network : initNetwork({ seed, ...(problem.network as NetworkInit) });
  if (params0.d !== 1)
    throw new KineticError("UNSUPPORTED", `trainDensity is 1-D (2-D gradients: vlasovGradient); got a network with d = ${params0.d}`);
  const lambda = requireNonNegative("problem.lambda", problem.lambda ?? 0);
  const solver: Record<string, unknown> = {};
  const loop: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if ((SOLVER_KEYS as readonly string[]).includes(k)) solver[k] = v;
    else loop[k] = v;
  }
  const L = params0.nLayers;
  const nHead = loss.nParams;
  const head0 = loss.initialTheta ?? new Float64Array(nHead);
  if (!(head0 instanceof Float64Array) || head0.length !== nHead)
    throw invalidArgument("problem.loss.initialTheta", `a Float64Array of length loss.nParams = ${nHead}`, head0);
  const theta0 = new Float64Array(2 * L + nHead);
  theta0.set(params0.W, 0);
  theta0.set(params0.b, L);
  theta0.set(head0, 2 * L);
  const f0 = problem.f0;
  const grid = problem.grid;

  let started = false;
  let lastFailure: SolveStatus | null = null;
  let last: { status: SolveStatus; f: Float64Array[]; steps: number; checkpoints: number } | null = null;
  const evaluate = (theta: Float64Array, grad: Float64Array | null): number => {
    const params = withWeights(params0, theta.subarray(0, L), theta.subarray(L, 2 * L));
    let r: ReturnType<typeof vlasovGradient>;
    try {
      r = vlasovGradient({ params, grid, f0 }, loss, { ...(solver as DensitySolverOptions), theta: theta.slice(2 * L) });
    } catch (e) {
      // Before the first solve, a bad problem is the caller's error; afterwards a solve that no longer
      // fits (more CFL steps) or a fixed dt beyond the CFL limit is a failed step.
      if (!started || !isKineticError(e) || (e.code !== "TOO_LARGE" && e.code !== "UNSTABLE")) throw e;
      last = { status: e.code === "UNSTABLE" ? "unstable" : "max-steps", f: [], steps: 0, checkpoints: 0 };
      lastFailure = last.status;
      return Number.NaN;
    }
    started = true;
    last = { status: r.status, f: r.f, steps: r.stats.steps, checkpoints: r.stats.checkpoints };
    if (r.status !== "success" || !Number.isFinite(r.loss)) {
      lastFailure = r.status === "success" ? "non-finite" : r.status;
      return Number.NaN;
    }
    let J = r.loss;
    if (lambda > 0) for (let q = 0; q < 2 * L; q++) J += 0.5 * lambda * theta[q]! * theta[q]!;
    if (grad !== null) {
      grad.set(r.gradW, 0);
      grad.set(r.gradB, L);
      grad.set(r.gradTheta, 2 * L);
      if (lambda > 0) for (let q = 0; q < 2 * L; q++) grad[q] += lambda * theta[q]!;
    }
    return J;
  };
  const m = minimize(evaluate, theta0, loop as MinimizeOptions);
  // minimize ends with one evaluation at the returned θ: `last` describes that solve.
  const fin = last as unknown as { status: SolveStatus; f: Float64Array[]; steps: number; checkpoints: number };
  // Never "success" when the solve at the returned θ failed; when a step failed, the solver's reason.
  const status: SolveStatus = fin.status !== "success" ? fin.status : m.status === "success" ? "success" : (lastFailure ?? m.status);
  return {
    params: withWeights(params0, m.theta.slice(0, L), m.theta.slice(L, 2 * L)),
    head: m.theta.slice(2 * L),
    history: m.history,
    status,
    f: fin.f,
    stats: { ...m.stats, steps: fin.steps, checkpoints: fin.checkpoints },
  };
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
  if (nClasses === undefined) return { params: result.params, scheme: "rk4" };
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
  };
}
