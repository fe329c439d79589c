/**
 * The optimisation loop behind {@link train}: gradient descent with momentum, Adam and L-BFGS,
 * learning-rate schedules, seeded mini-batches, early stopping on a validation loss, history and
 * progress — for any loss with an exact gradient (particles, densities, …).
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "../errors.js";
import { createRng } from "../rng.js";
import {
  invalidArgument,
  requireFinite,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requirePositive,
  shapeMismatch,
} from "../validate.js";

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

/**
 * A loss J(θ) to minimise, with its exact gradient. A function `(theta, grad) => J` is the full-batch
 * form; the object form adds mini-batches and a validation loss.
 */
export interface MinimizeObjective {
  /** J(θ) on all samples; writes ∇J into `grad` (length of θ, overwritten) when it is not null. */
  evaluate(theta: Float64Array, grad: Float64Array | null): number;
  /** Number of samples M, for mini-batches (default 1: no mini-batches). */
  readonly nSamples?: number;
  /**
   * J(θ) and its gradient on the mini-batch `indices[start..start+count)` (needed when `batchSize` < M).
   */
  evaluateBatch?(theta: Float64Array, grad: Float64Array, indices: Int32Array, start: number, count: number): number;
  /** Validation loss; when given, early stopping watches it (default patience 20). */
  validate?(theta: Float64Array): number;
}

/** Options of {@link minimize}. Every field has a default. */
export interface MinimizeOptions {
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
  /** Seed of the mini-batch order (default 0; stream 2 of `createRng`). */
  readonly seed?: number;
  /** Early stopping on the objective's `validate` loss: stop after `patience` epochs without an improvement larger than `minDelta`, restoring the best parameters (default patience 20 when there is a validation loss). */
  readonly earlyStopping?: { readonly patience?: number; readonly minDelta?: number } | false;
  /** Stop when the full-batch gradient norm falls below this (default 0: never). */
  readonly gradTolerance?: number;
  /** Called after every epoch. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Checked before every epoch: once aborted, the run throws the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Why a run of {@link minimize} ended. */
export type StopReason = "epochs" | "early-stopping" | "grad-tolerance" | "line-search" | "non-finite";

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** The minimiser found (the best on the validation loss when early stopping is active); a fresh array. */
  readonly theta: Float64Array;
  /** Per-epoch history. */
  readonly history: TrainingHistory;
  /** `"success"`, or `"non-finite"` when the loss or gradient overflowed (the last finite θ is returned). */
  readonly status: SolveStatus;
  /** Counts and the reason the run ended. */
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

/** The option keys of {@link minimize}. @internal */
export const MINIMIZE_OPTION_KEYS = [
  "optimizer",
  "learningRate",
  "schedule",
  "epochs",
  "batchSize",
  "seed",
  "earlyStopping",
  "gradTolerance",
  "onProgress",
  "signal",
] as const;

function resolveOptimizer(o: MinimizeOptions["optimizer"]): OptimizerSpec {
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
 * Minimise a loss with an exact gradient by gradient descent (momentum, Nesterov), Adam or L-BFGS: the
 * loop {@link train} runs, open to any loss (density training in mean-field uses it).
 * @param objective - `(theta, grad) => J` (writes ∇J into `grad` when not null), or a
 *   {@link MinimizeObjective} with mini-batches and a validation loss
 * @param theta0 - the initial parameters (not modified)
 * @param options - optimiser, learning rate and schedule, epochs, mini-batches, seed, early stopping,
 *   gradient tolerance, progress callback, abort signal (all optional)
 * @returns the minimiser, per-epoch history, status and counts
 * @throws KineticError INVALID_ARGUMENT (bad option values, unknown option keys, a non-finite θ₀),
 *   UNSUPPORTED (L-BFGS with mini-batches; mini-batches without `evaluateBatch`); the signal's reason
 *   when aborted
 * @remarks Gradient descent: v ← μv - η∇J, θ ← θ + v (Nesterov optional). Adam: the usual
 * bias-corrected moments. L-BFGS: two-loop recursion with `memory` pairs (default 10), full batch
 * only, backtracking Armijo line search (c1 = 1e-4) from the step `learningRate` (1), pairs with
 * sᵀy ≤ 0 skipped. Mini-batches are drawn from a seeded permutation each epoch (`createRng(seed, 2)`).
 * One epoch costs one gradient per mini-batch plus one full-batch gradient for the history. A loss or
 * gradient that is not finite ends the run with status `"non-finite"` and the last finite θ. The same
 * seed and options always give the same result. Loops are bounded by `epochs` and `maxLineSearch`.
 * @example
 * ```ts
 * // J(θ) = ½|θ - (1, 2)|²
 * const r = minimize(
 *   (theta, grad) => {
 *     const a = theta[0]! - 1, b = theta[1]! - 2;
 *     if (grad) { grad[0] = a; grad[1] = b; }
 *     return 0.5 * (a * a + b * b);
 *   },
 *   new Float64Array(2),
 *   { optimizer: "lbfgs", epochs: 50 },
 * );
 * r.theta; // ≈ [1, 2]
 * ```
 */
export function minimize(
  objective: MinimizeObjective | ((theta: Float64Array, grad: Float64Array | null) => number),
  theta0: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  requireOptions("options", options, MINIMIZE_OPTION_KEYS);
  const obj: MinimizeObjective = typeof objective === "function" ? { evaluate: objective } : objective;
  if (typeof obj !== "object" || obj === null || typeof obj.evaluate !== "function")
    throw invalidArgument("objective", "a function (theta, grad) => loss or an object with evaluate", objective);
  if (!(theta0 instanceof Float64Array)) throw invalidArgument("theta0", "a Float64Array", theta0);
  for (let q = 0; q < theta0.length; q++)
    if (!Number.isFinite(theta0[q])) throw invalidArgument(`theta0[${q}]`, "a finite number", theta0[q]);
  const M = obj.nSamples === undefined ? 1 : requireInteger("objective.nSamples", obj.nSamples, 1);
  return runMinimize(obj, theta0, M, options);
}

/** @internal The loop; `options` and `objective` are validated by the callers. */
export function runMinimize(obj: MinimizeObjective, theta0: Float64Array, M: number, options: MinimizeOptions): MinimizeResult {
  const seed = options.seed ?? 0;
  const opt = resolveOptimizer(options.optimizer);
  const epochs = requireInteger("options.epochs", options.epochs ?? 100, 1, 1e9);
  const schedule = checkSchedule(options.schedule);
  const baseLr = requirePositive(
    "options.learningRate",
    options.learningRate ?? (opt.kind === "gd" ? 0.1 : opt.kind === "adam" ? 0.01 : 1),
  );
  const gradTol = requireNonNegative("options.gradTolerance", options.gradTolerance ?? 0);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw invalidArgument("options.onProgress", "a function", options.onProgress);
  const signal = options.signal;
  if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof signal.aborted !== "boolean"))
    throw invalidArgument("options.signal", "an AbortSignal", signal);
  const validate = obj.validate;
  const es = options.earlyStopping;
  const patience =
    es === false || validate === undefined ? Infinity : requireInteger("options.earlyStopping.patience", es?.patience ?? 20, 1);
  const minDelta = es === false || es === undefined ? 0 : requireNonNegative("options.earlyStopping.minDelta", es.minDelta ?? 0);

  let batch = M;
  if (options.batchSize !== undefined) batch = Math.min(M, requireInteger("options.batchSize", options.batchSize, 1));
  if (opt.kind === "lbfgs" && batch < M)
    throw new KineticError("UNSUPPORTED", 'L-BFGS needs full-batch gradients; remove `batchSize` or use "gd" / "adam"');
  const evaluateBatch = obj.evaluateBatch;
  if (batch < M && typeof evaluateBatch !== "function")
    throw new KineticError("UNSUPPORTED", "mini-batches need `objective.evaluateBatch`; remove `options.batchSize`");

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

  const P = theta0.length;
  const theta = theta0.slice();
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
  const checkGrad = (g: Float64Array, name: string) => {
    if (g.length !== P) throw shapeMismatch(name, `${P} values`, g.length);
  };
  checkGrad(grad, "grad");
  let J = obj.evaluate(theta, grad);
  gradEvals++;
  const initialLoss = J;
  // a non-finite gradient at θ₀ ends the run like a non-finite loss (L-BFGS would otherwise stop in its line search)
  let status: SolveStatus = Number.isFinite(J) && Number.isFinite(norm(grad)) ? "success" : "non-finite";
  let stoppedBy: StopReason = status === "success" ? "epochs" : "non-finite";
  let bestVal = Infinity;
  let bestEpoch = 0;
  let wait = 0;
  let adamT = 0;
  best.set(theta);
  const lastGood = theta.slice();

  for (let e = 0; e < epochs && status === "success"; e++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
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
        Jt = obj.evaluate(trial, gTrial);
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
          evaluateBatch!.call(obj, theta, bgrad, perm, s0, cnt);
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
      J = obj.evaluate(theta, grad);
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
    if (validate !== undefined) {
      valLoss = validate.call(obj, theta);
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
  const finalTheta = validate !== undefined && Number.isFinite(patience) && bestEpoch > 0 ? best : theta;
  const finalLoss = obj.evaluate(finalTheta, null);
  lossEvals++;
  const history: TrainingHistory = {
    loss: Float64Array.from(hLoss),
    gradNorm: Float64Array.from(hGrad),
    learningRate: Float64Array.from(hLr),
    ...(validate !== undefined ? { valLoss: Float64Array.from(hVal) } : {}),
  };
  return {
    theta: finalTheta.slice(),
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
