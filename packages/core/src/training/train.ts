/**
 * Training: gradient descent with momentum, Adam and L-BFGS on the exact (discrete-adjoint) gradient,
 * full batch or seeded mini-batches, learning-rate schedules, early stopping on a validation split.
 * @packageDocumentation
 */
import type { SolveStatus } from "../errors.js";
import type { NetworkParams } from "../network.js";
import { createRng } from "../rng.js";
import { invalidArgument, requireOptions } from "../validate.js";
import { type Compiled, compileProblem, type TrainingProblem, unpackTheta } from "./gradient.js";
import { ResNetKernel, type TrainingScheme } from "./kernel.js";
import { compileData, type CompiledData, LossHead, type Readout, subsetData, type TrainingData } from "./losses.js";
import {
  type LearningRateSchedule,
  MINIMIZE_OPTION_KEYS,
  type MinimizeObjective,
  type OptimizerSpec,
  runMinimize,
  type StopReason,
  type TrainingHistory,
  type TrainProgress,
} from "./minimize.js";

export type { LearningRateSchedule, OptimizerSpec, TrainingHistory, TrainProgress } from "./minimize.js";

/** Options of {@link train}. Every field has a default. */
export interface TrainOptions {
  /** Scheme of each layer (default `"euler"`). */
  readonly scheme?: TrainingScheme;
  /** Optimiser, by name or with hyper-parameters (default `"adam"`). */
  readonly optimizer?: "gd" | "adam" | "lbfgs" | OptimizerSpec;
  /** Base learning rate η (defaults: gd 0.1, adam 0.01, lbfgs 1 = the first trial step). */
  readonly learningRate?: number;
  /** Learning-rate schedule (default constant; ignored by L-BFGS). */
  readonly schedule?: LearningRateSchedule;
  /** Number of epochs (default 100). */
  readonly epochs?: number;
  /** Mini-batch size (default: full batch). Batches are a seeded permutation per epoch. */
  readonly batchSize?: number;
  /** Seed of the initialisation, mini-batch order and validation split (default 0). */
  readonly seed?: number;
  /** Fraction of the samples held out for validation (seeded; default 0). */
  readonly validationSplit?: number;
  /** An explicit validation set (instead of `validationSplit`). */
  readonly validation?: TrainingData;
  /** Early stopping: stop after `patience` epochs without a validation improvement larger than `minDelta`, restoring the best parameters (default patience 20 when there is a validation set). */
  readonly earlyStopping?: { readonly patience?: number; readonly minDelta?: number } | false;
  /** Stop when the full-batch gradient norm falls below this (default 0: never). */
  readonly gradTolerance?: number;
  /** Called after every epoch. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Checked before every epoch: once aborted, training throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Result of {@link train}. */
export interface TrainResult {
  /** Trained network parameters (the best on the validation set when early stopping is active). */
  readonly params: NetworkParams;
  /** Trained read-out of a classification loss. */
  readonly readout?: Readout;
  /**
   * The problem's augmentation k (0 without): pass it on to {@link predict} and {@link saveModel}
   * (spreading the result into a model, `{ ...res, loss }`, does).
   */
  readonly augment: number;
  /** Per-epoch history. */
  readonly history: TrainingHistory;
  /** `"success"`, or `"non-finite"` when the loss overflowed (the last finite parameters are returned). */
  readonly status: SolveStatus;
  /** Counts and the reason training ended. */
  readonly stats: {
    readonly epochs: number;
    readonly gradientEvaluations: number;
    readonly lossEvaluations: number;
    readonly initialLoss: number;
    readonly finalLoss: number;
    readonly bestEpoch: number;
    readonly stoppedBy: StopReason;
  };
}

/**
 * Train a ResNet (and the read-out of a classification loss) on a training problem.
 * @param problem - samples x (M·d; M·(d - k) with augmentation k), targets or labels, loss, network
 *   (initial parameters or an initialisation, d the state dimension), optional read-out, per-sample
 *   weights, Tikhonov λ and augmentation k (see {@link TrainingProblem.augment})
 * @param options - optimiser, learning rate and schedule, epochs, mini-batches, seed, validation and
 *   early stopping, progress callback (all optional)
 * @returns trained parameters, read-out, per-epoch history, status and counts; inputs are not modified
 * @throws KineticError INVALID_ARGUMENT (bad option values or data, unknown option keys), SHAPE_MISMATCH (lengths),
 *   UNSUPPORTED (L-BFGS with mini-batches; a read-out for a loss without one), NOT_FOUND (activation)
 * @remarks Gradients are exact discrete adjoints of the chosen scheme (see {@link computeGradient});
 * the optimisation loop is {@link minimize}, applied to the compiled loss.
 * Gradient descent: v ← μv - η∇J, θ ← θ + v (Nesterov optional). Adam: the usual bias-corrected
 * moments. L-BFGS: two-loop recursion with `memory` pairs (default 10), full batch only, backtracking
 * Armijo line search (c1 = 1e-4) from the step `learningRate` (1), pairs with sᵀy ≤ 0 skipped.
 * Mini-batches are drawn from a seeded permutation each epoch (`createRng(seed, 2)`); the validation
 * split from `createRng(seed, 3)`. One epoch costs one gradient per mini-batch plus one full-batch
 * gradient for the history. The same seed and options always give the same result.
 * @example
 * ```ts
 * const res = train(
 *   { x, labels, loss: "logistic", network: { sigma: "tanh", d: 2, nLayers: 10, T: 2 } },
 *   { optimizer: "adam", learningRate: 0.05, epochs: 300, seed: 1 },
 * );
 * res.history.loss.at(-1);
 *
 * // x² on [-1, 1] is not monotone: a 1-D flow cannot fit it, the flow of R² fed (x, 0) can
 * const xs = Float64Array.from({ length: 101 }, (_, i) => -1 + i / 50);
 * const fit = train(
 *   { x: xs, targets: Array.from(xs, (v) => v * v), loss: "mse", augment: 1, network: { sigma: "tanh", d: 2, nLayers: 20, T: 2, init: "random", scale: 0.1 } },
 *   { learningRate: 0.03, epochs: 2000 },
 * );
 * predict(fit, xs).values; // ≈ x², read from the first coordinate of the final state
 * ```
 */
export function train(problem: TrainingProblem, options: TrainOptions = {}): TrainResult {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  requireOptions("options", options, [...MINIMIZE_OPTION_KEYS, "scheme", "validationSplit", "validation"]);
  const seed = options.seed ?? 0;
  const c0 = compileProblem(problem, { ...(options.scheme !== undefined ? { scheme: options.scheme } : {}), seed });
  const split = options.validationSplit ?? 0;
  if (typeof split !== "number" || !(split >= 0 && split < 1))
    throw invalidArgument("options.validationSplit", "a number in [0, 1)", split);
  if (split > 0 && options.validation !== undefined)
    throw invalidArgument("options.validation", "not given together with validationSplit", "both");
  const d = c0.params.d;

  // Training / validation data.
  let trainData: CompiledData = c0.data;
  let valData: CompiledData | null = null;
  if (split > 0) {
    const M = c0.data.M;
    const nVal = Math.round(split * M);
    if (nVal < 1 || nVal >= M)
      throw invalidArgument("options.validationSplit", `a fraction leaving at least one sample on each side (M = ${M})`, split);
    const perm = new Int32Array(M);
    for (let i = 0; i < M; i++) perm[i] = i;
    const rng = createRng(seed, 3);
    for (let i = M - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    valData = subsetData(c0.data, perm.slice(0, nVal).sort(), c0.loss, d);
    trainData = subsetData(c0.data, perm.slice(nVal).sort(), c0.loss, d);
  } else if (options.validation !== undefined) {
    valData = compileData(options.validation, c0.loss, d, "options.validation", c0.augment);
  }
  const c: Compiled = { ...c0, data: trainData };
  const kernel = c.kernel;
  kernel.bind(trainData);
  const M = trainData.M;
  let valKernel: ResNetKernel | null = null;
  if (valData !== null) {
    valKernel = new ResNetKernel(d, c.params.nLayers, c.params.dt, c.params.sigma, c.scheme, new LossHead(c.loss, d), 0);
    valKernel.bind(valData);
  }
  const vk = valKernel;
  const objective: MinimizeObjective = {
    nSamples: M,
    evaluate: (theta, grad) => kernel.evaluate(theta, grad, null, 0, M),
    evaluateBatch: (theta, grad, indices, start, count) => kernel.evaluate(theta, grad, indices, start, count),
    ...(vk !== null ? { validate: (theta: Float64Array) => vk.evaluate(theta, null, null, 0, vk.data!.M) } : {}),
  };
  const { scheme: _s, validationSplit: _v, validation: _val, ...loopOptions } = options;
  const r = runMinimize(objective, c.theta0, M, { ...loopOptions, seed });
  const { params, readout } = unpackTheta(c, r.theta);
  return {
    params,
    ...(readout !== undefined ? { readout } : {}),
    augment: c.augment,
    history: r.history,
    status: r.status,
    stats: r.stats,
  };
}
