/**
 * Training: gradient descent with momentum, Adam and L-BFGS on the exact (discrete-adjoint) gradient,
 * full batch or seeded mini-batches, learning-rate schedules, early stopping on a validation split.
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "../errors.js";
import type { NetworkParams } from "../network.js";
import { createRng } from "../rng.js";
import { invalidArgument, requireFinite, requireInteger, requireNonNegative, requireOneOf, requirePositive } from "../validate.js";
import { type Compiled, compileProblem, type TrainingProblem, unpackTheta } from "./gradient.js";
import { ResNetKernel, type TrainingScheme } from "./kernel.js";
import { compileData, type CompiledData, LossHead, type Readout, subsetData, type TrainingData } from "./losses.js";

/** Optimiser and its hyper-parameters. */
export type OptimizerSpec =
  | { readonly kind: "gd"; readonly momentum?: number; readonly nesterov?: boolean }
  | { readonly kind: "adam"; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number }
  | { readonly kind: "lbfgs"; readonly memory?: number; readonly maxLineSearch?: number; readonly c1?: number };

/** Learning-rate schedule η(epoch) for epochs e = 0, 1, …, E-1. */
export type LearningRateSchedule =
  | { readonly kind: "constant" }
  | { readonly kind: "step"; readonly every: number; readonly factor: number }
  | { readonly kind: "cosine"; readonly minRate?: number }
  | { readonly kind: "exponential"; readonly gamma: number };

/** Progress reported once per epoch. */
export interface TrainProgress {
  /** Epoch number, 1-based. */
  readonly epoch: number;
  /** Training loss J after the epoch (full training set). */
  readonly loss: number;
  /** Euclidean norm of the full-batch gradient after the epoch. */
  readonly gradNorm: number;
  /** Validation loss (data term only), when there is a validation set. */
  readonly valLoss?: number;
}

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
}

/** History of a training run, one entry per completed epoch. */
export interface TrainingHistory {
  /** Training loss after each epoch. */
  readonly loss: Float64Array;
  /** Full-batch gradient norm after each epoch. */
  readonly gradNorm: Float64Array;
  /** Learning rate used in each epoch (L-BFGS: the accepted step length). */
  readonly learningRate: Float64Array;
  /** Validation loss after each epoch, when there is a validation set. */
  readonly valLoss?: Float64Array;
}

/** Result of {@link train}. */
export interface TrainResult {
  /** Trained network parameters (the best on the validation set when early stopping is active). */
  readonly params: NetworkParams;
  /** Trained read-out of a classification loss. */
  readonly readout?: Readout;
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
    readonly stoppedBy: "epochs" | "early-stopping" | "grad-tolerance" | "line-search" | "non-finite";
  };
}

function resolveOptimizer(o: TrainOptions["optimizer"]): OptimizerSpec {
  const spec: OptimizerSpec = o === undefined ? { kind: "adam" } : typeof o === "string" ? ({ kind: o } as OptimizerSpec) : o;
  if (typeof spec !== "object" || spec === null)
    throw invalidArgument("options.optimizer", '"gd", "adam", "lbfgs" or an optimizer object', o);
  requireOneOf("options.optimizer.kind", spec.kind, ["gd", "adam", "lbfgs"]);
  return spec;
}

/** @internal η at epoch e (0-based) of E. */
export function scheduledRate(base: number, s: LearningRateSchedule, e: number, E: number): number {
  switch (s.kind) {
    case "constant":
      return base;
    case "step":
      return base * Math.pow(s.factor, Math.floor(e / s.every));
    case "cosine": {
      const lo = s.minRate ?? 0;
      return lo + 0.5 * (base - lo) * (1 + Math.cos((Math.PI * e) / Math.max(1, E)));
    }
    case "exponential":
      return base * Math.pow(s.gamma, e);
  }
}

function checkSchedule(s: LearningRateSchedule | undefined): LearningRateSchedule {
  if (s === undefined) return { kind: "constant" };
  if (typeof s !== "object" || s === null) throw invalidArgument("options.schedule", "a schedule object", s);
  switch (s.kind) {
    case "constant":
      return s;
    case "step":
      requireInteger("options.schedule.every", s.every);
      requirePositive("options.schedule.factor", s.factor);
      return s;
    case "cosine":
      if (s.minRate !== undefined) requireNonNegative("options.schedule.minRate", s.minRate);
      return s;
    case "exponential":
      requirePositive("options.schedule.gamma", s.gamma);
      return s;
    default:
      throw invalidArgument("options.schedule.kind", '"constant", "step", "cosine" or "exponential"', (s as { kind?: unknown }).kind);
  }
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Train a ResNet (and the read-out of a classification loss) on a training problem.
 * @param problem - samples x (M·d), targets or labels, loss, network (initial parameters or an
 *   initialisation), optional read-out, per-sample weights and Tikhonov λ
 * @param options - optimiser, learning rate and schedule, epochs, mini-batches, seed, validation and
 *   early stopping, progress callback (all optional)
 * @returns trained parameters, read-out, per-epoch history, status and counts; inputs are not modified
 * @throws KineticError INVALID_ARGUMENT (bad option values or data), SHAPE_MISMATCH (lengths),
 *   UNSUPPORTED (L-BFGS with mini-batches; a read-out for a loss without one), NOT_FOUND (activation)
 * @remarks Gradients are exact discrete adjoints of the chosen scheme (see {@link computeGradient}).
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
 * ```
 */
export function train(problem: TrainingProblem, options: TrainOptions = {}): TrainResult {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const seed = options.seed ?? 0;
  const c0 = compileProblem(problem, { ...(options.scheme !== undefined ? { scheme: options.scheme } : {}), seed });
  const opt = resolveOptimizer(options.optimizer);
  const epochs = requireInteger("options.epochs", options.epochs ?? 100, 1, 1e9);
  const schedule = checkSchedule(options.schedule);
  const baseLr = requirePositive(
    "options.learningRate",
    options.learningRate ?? (opt.kind === "gd" ? 0.1 : opt.kind === "adam" ? 0.01 : 1),
  );
  const gradTol = requireNonNegative("options.gradTolerance", options.gradTolerance ?? 0);
  const split = options.validationSplit ?? 0;
  if (typeof split !== "number" || !(split >= 0 && split < 1))
    throw invalidArgument("options.validationSplit", "a number in [0, 1)", split);
  if (split > 0 && options.validation !== undefined)
    throw invalidArgument("options.validation", "not given together with validationSplit", "both");
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw invalidArgument("options.onProgress", "a function", options.onProgress);
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
    valData = compileData(options.validation, c0.loss, d, "options.validation");
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
  const es = options.earlyStopping;
  const patience = es === false || valKernel === null ? Infinity : requireInteger("options.earlyStopping.patience", es?.patience ?? 20, 1);
  const minDelta = es === false || es === undefined ? 0 : requireNonNegative("options.earlyStopping.minDelta", es.minDelta ?? 0);

  let batch = M;
  if (options.batchSize !== undefined) batch = Math.min(M, requireInteger("options.batchSize", options.batchSize, 1));
  if (opt.kind === "lbfgs" && batch < M)
    throw new KineticError("UNSUPPORTED", 'L-BFGS needs full-batch gradients; remove `batchSize` or use "gd" / "adam"');

  // Hyper-parameters.
  const momentum = opt.kind === "gd" ? requireFinite("options.optimizer.momentum", opt.momentum ?? 0.9) : 0;
  if (momentum < 0 || momentum >= 1) throw invalidArgument("options.optimizer.momentum", "a number in [0, 1)", momentum);
  const nesterov = opt.kind === "gd" && opt.nesterov === true;
  const beta1 = opt.kind === "adam" ? requireFinite("options.optimizer.beta1", opt.beta1 ?? 0.9) : 0;
  const beta2 = opt.kind === "adam" ? requireFinite("options.optimizer.beta2", opt.beta2 ?? 0.999) : 0;
  if (beta1 < 0 || beta1 >= 1) throw invalidArgument("options.optimizer.beta1", "a number in [0, 1)", beta1);
  if (beta2 < 0 || beta2 >= 1) throw invalidArgument("options.optimizer.beta2", "a number in [0, 1)", beta2);
  const eps = opt.kind === "adam" ? requirePositive("options.optimizer.epsilon", opt.epsilon ?? 1e-8) : 0;
  const mem = opt.kind === "lbfgs" ? requireInteger("options.optimizer.memory", opt.memory ?? 10, 1, 1000) : 0;
  const maxLs = opt.kind === "lbfgs" ? requireInteger("options.optimizer.maxLineSearch", opt.maxLineSearch ?? 30, 1, 200) : 0;
  const c1 = opt.kind === "lbfgs" ? requirePositive("options.optimizer.c1", opt.c1 ?? 1e-4) : 0;

  const P = kernel.nParams;
  const theta = c.theta0.slice();
  const grad = new Float64Array(P);
  const bgrad = new Float64Array(P);
  const v1 = new Float64Array(P);
  const v2 = new Float64Array(P);
  const best = theta.slice();
  const perm = new Int32Array(M);
  for (let i = 0; i < M; i++) perm[i] = i;
  const batchRng = createRng(seed, 2);
  // L-BFGS memory
  const S = opt.kind === "lbfgs" ? Array.from({ length: mem }, () => new Float64Array(P)) : [];
  const Y = opt.kind === "lbfgs" ? Array.from({ length: mem }, () => new Float64Array(P)) : [];
  const rho = new Float64Array(mem);
  const alphaBuf = new Float64Array(mem);
  let nPairs = 0;
  let head = 0;
  const dir = opt.kind === "lbfgs" ? new Float64Array(P) : v1;
  const trial = opt.kind === "lbfgs" ? new Float64Array(P) : v2;
  const gTrial = opt.kind === "lbfgs" ? new Float64Array(P) : bgrad;

  const hLoss: number[] = [];
  const hGrad: number[] = [];
  const hLr: number[] = [];
  const hVal: number[] = [];
  let gradEvals = 0;
  let lossEvals = 0;
  let J = kernel.evaluate(theta, grad, null, 0, M);
  gradEvals++;
  const initialLoss = J;
  let status: SolveStatus = Number.isFinite(J) ? "success" : "non-finite";
  let stoppedBy: TrainResult["stats"]["stoppedBy"] = status === "success" ? "epochs" : "non-finite";
  let bestVal = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  let adamT = 0;
  best.set(theta);
  const lastGood = theta.slice();

  for (let e = 0; e < epochs && status === "success"; e++) {
    let lr = scheduledRate(baseLr, schedule, e, epochs);
    lastGood.set(theta);
    if (opt.kind === "lbfgs") {
      // direction d = -H g by the two-loop recursion
      for (let q = 0; q < P; q++) dir[q] = -grad[q]!;
      for (let t = 0; t < nPairs; t++) {
        const s = (head - 1 - t + mem) % mem;
        const a = rho[s]! * dot(S[s]!, dir);
        alphaBuf[s] = a;
        const ys = Y[s]!;
        for (let q = 0; q < P; q++) dir[q] -= a * ys[q]!;
      }
      if (nPairs > 0) {
        const s = (head - 1 + mem) % mem;
        const gamma = dot(S[s]!, Y[s]!) / dot(Y[s]!, Y[s]!);
        for (let q = 0; q < P; q++) dir[q] *= gamma;
      }
      for (let t = nPairs - 1; t >= 0; t--) {
        const s = (head - 1 - t + mem) % mem;
        const bta = rho[s]! * dot(Y[s]!, dir);
        const ss = S[s]!;
        const a = alphaBuf[s]!;
        for (let q = 0; q < P; q++) dir[q] += (a - bta) * ss[q]!;
      }
      let slope = dot(grad, dir);
      if (!(slope < 0)) {
        // not a descent direction: restart from steepest descent
        for (let q = 0; q < P; q++) dir[q] = -grad[q]!;
        slope = dot(grad, dir);
        nPairs = 0;
      }
      let step = nPairs === 0 ? Math.min(baseLr, baseLr / Math.max(1e-300, norm(grad))) : baseLr;
      let accepted = false;
      let Jt = NaN;
      for (let ls = 0; ls < maxLs; ls++) {
        for (let q = 0; q < P; q++) trial[q] = theta[q]! + step * dir[q]!;
        Jt = kernel.evaluate(trial, gTrial, null, 0, M);
        gradEvals++;
        if (Number.isFinite(Jt) && Jt <= J + c1 * step * slope) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) {
        stoppedBy = "line-search"; // converged as far as the line search can tell
        break;
      }
      const s = S[head]!;
      const y = Y[head]!;
      for (let q = 0; q < P; q++) {
        s[q] = trial[q]! - theta[q]!;
        y[q] = gTrial[q]! - grad[q]!;
      }
      const sy = dot(s, y);
      if (sy > 1e-12 * norm(s) * norm(y)) {
        rho[head] = 1 / sy;
        head = (head + 1) % mem;
        nPairs = Math.min(nPairs + 1, mem);
      }
      theta.set(trial);
      grad.set(gTrial);
      J = Jt;
      lr = step;
    } else {
      if (batch < M) {
        for (let i = M - 1; i > 0; i--) {
          const j = batchRng.int(i + 1);
          const t = perm[i]!;
          perm[i] = perm[j]!;
          perm[j] = t;
        }
      }
      for (let s0 = 0; s0 < M; s0 += batch) {
        const cnt = Math.min(batch, M - s0);
        let g = grad;
        // Full batch: `grad` already holds ∇J(θ) from the end of the previous epoch.
        if (batch < M) {
          kernel.evaluate(theta, bgrad, perm, s0, cnt);
          gradEvals++;
          g = bgrad;
        }
        if (opt.kind === "gd") {
          for (let q = 0; q < P; q++) v1[q] = momentum * v1[q]! - lr * g[q]!;
          if (nesterov) for (let q = 0; q < P; q++) theta[q] += momentum * v1[q]! - lr * g[q]!;
          else for (let q = 0; q < P; q++) theta[q] += v1[q]!;
        } else {
          adamT++;
          const bc1 = 1 - Math.pow(beta1, adamT);
          const bc2 = 1 - Math.pow(beta2, adamT);
          for (let q = 0; q < P; q++) {
            const gq = g[q]!;
            const m1 = (v1[q] = beta1 * v1[q]! + (1 - beta1) * gq);
            const m2 = (v2[q] = beta2 * v2[q]! + (1 - beta2) * gq * gq);
            theta[q] -= (lr * (m1 / bc1)) / (Math.sqrt(m2 / bc2) + eps);
          }
        }
      }
      J = kernel.evaluate(theta, grad, null, 0, M);
      gradEvals++;
    }
    const gn = norm(grad);
    if (!Number.isFinite(J) || !Number.isFinite(gn)) {
      status = "non-finite";
      stoppedBy = "non-finite";
      theta.set(lastGood);
      break;
    }
    hLoss.push(J);
    hGrad.push(gn);
    hLr.push(lr);
    let valLoss: number | undefined;
    if (valKernel !== null) {
      valLoss = valKernel.evaluate(theta, null, null, 0, valKernel.data!.M);
      lossEvals++;
      hVal.push(valLoss);
      if (valLoss < bestVal - minDelta) {
        bestVal = valLoss;
        bestEpoch = e + 1;
        best.set(theta);
        wait = 0;
      } else {
        wait++;
      }
    } else {
      bestEpoch = e + 1;
    }
    options.onProgress?.(
      valLoss === undefined ? { epoch: e + 1, loss: J, gradNorm: gn } : { epoch: e + 1, loss: J, gradNorm: gn, valLoss },
    );
    if (wait >= patience) {
      stoppedBy = "early-stopping";
      break;
    }
    if (gn <= gradTol) {
      stoppedBy = "grad-tolerance";
      break;
    }
  }
  const finalTheta = valKernel !== null && Number.isFinite(patience) && bestEpoch > 0 ? best : theta;
  const finalLoss = kernel.evaluate(finalTheta, null, null, 0, M);
  lossEvals++;
  const { params, readout } = unpackTheta(c, finalTheta);
  const history: TrainingHistory = {
    loss: Float64Array.from(hLoss),
    gradNorm: Float64Array.from(hGrad),
    learningRate: Float64Array.from(hLr),
    ...(valKernel !== null ? { valLoss: Float64Array.from(hVal) } : {}),
  };
  return {
    params,
    ...(readout !== undefined ? { readout } : {}),
    history,
    status,
    stats: {
      epochs: hLoss.length,
      gradientEvaluations: gradEvals,
      lossEvaluations: lossEvals,
      initialLoss,
      finalLoss,
      bestEpoch,
      stoppedBy,
    },
  };
}
