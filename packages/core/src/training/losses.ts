/**
 * Losses of the training problem (MODEL.md §1): J = Σ_i w_i ℓ(x_i^L, y_i) / Σ_i w_i + (λ/2) Σ_k |W^k|² + |b^k|².
 * @packageDocumentation
 */
import { KineticError } from "../errors.js";
import { invalidArgument, requireFiniteArray, requireInteger, requireNonNegative, shapeMismatch } from "../validate.js";
import { checkEnsemble } from "../particles.js";

/**
 * A loss ℓ on the network output x^L (d values per sample).
 * - `mse`: ℓ = ½|P x - y|², P an optional m×d projection (row-major; default the identity, m = d);
 *   targets y: M·m values.
 * - `logistic`: two classes (labels 0/1); read-out s = a·x + c; ℓ = log(1 + e^{-ỹ s}), ỹ = 2·label - 1.
 * - `softmax`: K classes (labels 0..K-1); read-out s = A x + c (A: K×d); ℓ = -log softmax(s)_label.
 * - `class-targets`: one target point per class (K·d values); ℓ = ½|x - t_label|²; prediction is the
 *   nearest target.
 * The read-out weights of `logistic` / `softmax` are trained together with W and b.
 */
export type LossSpec =
  | { readonly kind: "mse"; readonly projection?: ArrayLike<number> }
  | { readonly kind: "logistic" }
  | { readonly kind: "softmax"; readonly nClasses: number }
  | { readonly kind: "class-targets"; readonly classTargets: ArrayLike<number> };

/** Names of the loss kinds, e.g. for option validation and menus. */
export const LOSS_KINDS = ["mse", "logistic", "softmax", "class-targets"] as const;

/** Linear read-out s = A x + c of a classification loss: `weights` nOut×d row-major, `bias` nOut values. */
export interface Readout {
  /** Number of scores: 1 (logistic) or K (softmax). */
  readonly nOut: number;
  /** A, nOut·d values, row-major. */
  readonly weights: Float64Array;
  /** c, nOut values. */
  readonly bias: Float64Array;
}

/** Labelled or targeted samples. */
export interface TrainingData {
  /** Inputs x^0, M·d values, row-major (`x[i*d + j]`); M·(d - k) values with augmentation k (padded with k zeros). */
  readonly x: Float64Array;
  /** Regression targets (loss `mse`): M·m values, m the projection's row count (d by default). */
  readonly targets?: ArrayLike<number>;
  /** Class labels 0..K-1 (classification losses): M integers. */
  readonly labels?: ArrayLike<number>;
  /** Non-negative per-sample weights w_i (default all 1); the loss is Σ w_i ℓ_i / Σ w_i. */
  readonly weights?: ArrayLike<number>;
}

/** @internal Compiled samples: validated copies. */
export interface CompiledData {
  readonly M: number;
  readonly x: Float64Array;
  readonly targets: Float64Array | null;
  readonly labels: Int32Array | null;
  readonly weights: Float64Array | null;
}

/** @internal Kind code of the mse loss in {@link LossHead.kind}. */
export const LOSS_MSE = 0;
const LOSS_LOGISTIC = 1;
const LOSS_SOFTMAX = 2;
const LOSS_TARGETS = 3;

/** @internal Validate a loss given as a spec or a kind name. */
export function resolveLoss(loss: LossSpec | "mse" | "logistic", d: number): LossSpec {
  if (loss === "mse" || loss === "logistic") return { kind: loss };
  if (typeof loss !== "object" || loss === null)
    throw invalidArgument("loss", `one of ${LOSS_KINDS.map((k) => JSON.stringify(k)).join(", ")} or a loss object`, loss);
  switch (loss.kind) {
    case "mse": {
      if (loss.projection === undefined) return { kind: "mse" };
      const P = requireFiniteArray("loss.projection", loss.projection);
      if (P.length % d !== 0) throw shapeMismatch("loss.projection", `m×d values with d = ${d}`, P.length);
      return { kind: "mse", projection: P };
    }
    case "logistic":
      return { kind: "logistic" };
    case "softmax":
      return { kind: "softmax", nClasses: requireInteger("loss.nClasses", loss.nClasses, 2, 1 << 20) };
    case "class-targets": {
      const t = requireFiniteArray("loss.classTargets", loss.classTargets);
      if (t.length % d !== 0) throw shapeMismatch("loss.classTargets", `K×d values with d = ${d}`, t.length);
      if (t.length / d < 2) throw invalidArgument("loss.classTargets", "at least two class targets", t.length / d);
      return { kind: "class-targets", classTargets: t };
    }
    default:
      throw invalidArgument(
        "loss.kind",
        `one of ${LOSS_KINDS.map((k) => JSON.stringify(k)).join(", ")}`,
        (loss as { kind?: unknown }).kind,
      );
  }
}

/**
 * Number of classes of a loss.
 * @param loss - a validated loss
 * @param d - dimension d (class targets hold K·d values)
 * @returns K for classification losses, 0 for `mse`
 * @example
 * ```ts
 * lossClassCount({ kind: "softmax", nClasses: 3 }, 2); // 3
 * ```
 */
export function lossClassCount(loss: LossSpec, d: number): number {
  switch (loss.kind) {
    case "mse":
      return 0;
    case "logistic":
      return 2;
    case "softmax":
      return loss.nClasses;
    case "class-targets":
      return loss.classTargets.length / d;
  }
}

/** @internal Output dimension m of the `mse` loss. */
export function mseOutputDim(loss: LossSpec, d: number): number {
  return loss.kind === "mse" && loss.projection ? loss.projection.length / d : d;
}

/**
 * @internal Validate samples for a loss. With `augment` = k > 0 the samples have d - k features and are
 * padded with k zeros (the last k coordinates of the state); the compiled x holds M·d values.
 */
export function compileData(data: TrainingData, loss: LossSpec, d: number, name: string, augment = 0): CompiledData {
  if (typeof data !== "object" || data === null) throw invalidArgument(name, "an object with x and targets or labels", data);
  const dData = d - augment;
  const M = checkEnsemble(data.x, dData, `${name}.x`);
  const x = augment === 0 ? Float64Array.from(data.x) : padInputs(data.x, M, dData, d);
  let targets: Float64Array | null = null;
  let labels: Int32Array | null = null;
  if (loss.kind === "mse") {
    const m = mseOutputDim(loss, d);
    if (data.targets === undefined) throw invalidArgument(`${name}.targets`, `given for the mse loss (M·m = ${M * m} values)`, undefined);
    targets = requireFiniteArray(`${name}.targets`, data.targets, M * m);
  } else {
    const K = lossClassCount(loss, d);
    if (data.labels === undefined) throw invalidArgument(`${name}.labels`, `given for the ${loss.kind} loss (M = ${M} labels)`, undefined);
    const lab = data.labels as ArrayLike<number>;
    if (typeof lab !== "object" || lab === null || typeof lab.length !== "number")
      throw invalidArgument(`${name}.labels`, "an array of class indices", lab);
    if (lab.length !== M) throw shapeMismatch(`${name}.labels`, `M = ${M} labels`, lab.length);
    labels = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      const v = lab[i];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= K)
        throw invalidArgument(`${name}.labels[${i}]`, `an integer class index in [0, ${K - 1}]`, v);
      labels[i] = v;
    }
  }
  let weights: Float64Array | null = null;
  if (data.weights !== undefined) {
    weights = requireFiniteArray(`${name}.weights`, data.weights, M);
    let s = 0;
    for (let i = 0; i < M; i++) {
      requireNonNegative(`${name}.weights[${i}]`, weights[i]);
      s += weights[i]!;
    }
    if (!(s > 0)) throw invalidArgument(`${name}.weights`, "non-negative with a positive sum", s);
  }
  return { M, x, targets, labels, weights };
}

/**
 * @internal Augmentation: the M samples of `dData` features (row-major) as states of dimension d ≥ dData,
 * each row (x, 0, ..., 0) — the data in the first dData coordinates, zeros in the last d - dData.
 */
export function padInputs(x: ArrayLike<number>, M: number, dData: number, d: number): Float64Array {
  const out = new Float64Array(M * d);
  for (let i = 0; i < M; i++) for (let j = 0; j < dData; j++) out[i * d + j] = x[i * dData + j]!;
  return out;
}

/**
 * @internal The loss acting on augmented states: the mse loss without a projection compares the first
 * d - augment coordinates with the targets, i.e. P = [I | 0] ((d - augment)×d); every other loss is unchanged
 * (it acts on the whole final state).
 */
export function augmentLoss(loss: LossSpec, d: number, augment: number): LossSpec {
  if (augment === 0 || loss.kind !== "mse" || loss.projection !== undefined) return loss;
  const m = d - augment;
  const P = new Float64Array(m * d);
  for (let a = 0; a < m; a++) P[a * d + a] = 1;
  return { kind: "mse", projection: P };
}

/** @internal Select samples by index (for validation splits). */
export function subsetData(data: CompiledData, idx: Int32Array, loss: LossSpec, d: number): CompiledData {
  const n = idx.length;
  const m = loss.kind === "mse" ? mseOutputDim(loss, d) : 0;
  const x = new Float64Array(n * d);
  const targets = data.targets ? new Float64Array(n * m) : null;
  const labels = data.labels ? new Int32Array(n) : null;
  const weights = data.weights ? new Float64Array(n) : null;
  for (let r = 0; r < n; r++) {
    const i = idx[r]!;
    for (let j = 0; j < d; j++) x[r * d + j] = data.x[i * d + j]!;
    if (targets) for (let j = 0; j < m; j++) targets[r * m + j] = data.targets![i * m + j]!;
    if (labels) labels[r] = data.labels![i]!;
    if (weights) weights[r] = data.weights![i]!;
  }
  return { M: n, x, targets, labels, weights };
}

/** @internal Number of read-out parameters of a loss (A and c). */
export function readoutSize(loss: LossSpec, d: number): number {
  if (loss.kind === "logistic") return d + 1;
  if (loss.kind === "softmax") return loss.nClasses * (d + 1);
  return 0;
}

/** @internal Scores per sample of the read-out (1 or K; 0 without read-out). */
export function readoutOut(loss: LossSpec): number {
  return loss.kind === "logistic" ? 1 : loss.kind === "softmax" ? loss.nClasses : 0;
}

/** @internal Validate a read-out against a loss. */
export function checkReadout(readout: Readout, loss: LossSpec, d: number): Readout {
  const nOut = readoutOut(loss);
  if (nOut === 0) throw new KineticError("UNSUPPORTED", `the ${loss.kind} loss has no read-out; remove \`readout\``);
  if (typeof readout !== "object" || readout === null) throw invalidArgument("readout", "an object { nOut, weights, bias }", readout);
  if (readout.nOut !== nOut) throw shapeMismatch("readout.nOut", `${nOut} for the ${loss.kind} loss`, String(readout.nOut));
  return {
    nOut,
    weights: requireFiniteArray("readout.weights", readout.weights, nOut * d),
    bias: requireFiniteArray("readout.bias", readout.bias, nOut),
  };
}

/**
 * @internal Per-sample loss head: value, gradient with respect to x^L and to the read-out.
 * Allocation-free after construction.
 */
export class LossHead {
  readonly kind: number;
  readonly d: number;
  readonly m: number;
  readonly K: number;
  readonly nReadout: number;
  /** The projection of the mse loss (m×d, row-major), or null for the identity. */
  readonly P: Float64Array | null;
  private readonly T: Float64Array | null;
  private readonly s: Float64Array;
  targets: Float64Array | null = null;
  labels: Int32Array | null = null;

  constructor(loss: LossSpec, d: number) {
    this.d = d;
    this.kind =
      loss.kind === "mse" ? LOSS_MSE : loss.kind === "logistic" ? LOSS_LOGISTIC : loss.kind === "softmax" ? LOSS_SOFTMAX : LOSS_TARGETS;
    this.m = mseOutputDim(loss, d);
    this.K = lossClassCount(loss, d);
    this.nReadout = readoutSize(loss, d);
    this.P = loss.kind === "mse" && loss.projection ? Float64Array.from(loss.projection) : null;
    this.T = loss.kind === "class-targets" ? Float64Array.from(loss.classTargets) : null;
    this.s = new Float64Array(Math.max(this.K, this.m, 1));
  }

  /** Point the head at a data set. */
  bind(data: CompiledData): void {
    this.targets = data.targets;
    this.labels = data.labels;
  }

  /**
   * ℓ_i · scale; writes scale·∂ℓ/∂x into p[0..d); adds scale·∂ℓ/∂(A, c) into grad[ro..] when grad is given.
   */
  sample(i: number, x: Float64Array, theta: Float64Array, ro: number, grad: Float64Array | null, scale: number, p: Float64Array): number {
    const d = this.d;
    switch (this.kind) {
      case LOSS_MSE: {
        const m = this.m;
        const y = this.targets!;
        const P = this.P;
        const r = this.s;
        let l = 0;
        if (P === null) {
          for (let j = 0; j < d; j++) {
            const e = x[j]! - y[i * d + j]!;
            l += e * e;
            p[j] = scale * e;
          }
        } else {
          for (let a = 0; a < m; a++) {
            let v = -y[i * m + a]!;
            for (let j = 0; j < d; j++) v += P[a * d + j]! * x[j]!;
            r[a] = v;
            l += v * v;
          }
          for (let j = 0; j < d; j++) {
            let v = 0;
            for (let a = 0; a < m; a++) v += P[a * d + j]! * r[a]!;
            p[j] = scale * v;
          }
        }
        return 0.5 * scale * l;
      }
      case LOSS_LOGISTIC: {
        const yt = 2 * this.labels![i]! - 1;
        let s = theta[ro + d]!;
        for (let j = 0; j < d; j++) s += theta[ro + j]! * x[j]!;
        const u = -yt * s;
        // ℓ = softplus(u); dℓ/ds = -ỹ logistic(u)
        const l = (u > 0 ? u : 0) + Math.log1p(Math.exp(-Math.abs(u)));
        const lg = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
        const ds = -yt * lg * scale;
        for (let j = 0; j < d; j++) p[j] = ds * theta[ro + j]!;
        if (grad !== null) {
          for (let j = 0; j < d; j++) grad[ro + j] += ds * x[j]!;
          grad[ro + d] += ds;
        }
        return scale * l;
      }
      case LOSS_SOFTMAX: {
        const K = this.K;
        const sc = this.s;
        const bo = ro + K * d;
        let mx = -Infinity;
        for (let c = 0; c < K; c++) {
          let v = theta[bo + c]!;
          for (let j = 0; j < d; j++) v += theta[ro + c * d + j]! * x[j]!;
          sc[c] = v;
          if (v > mx) mx = v;
        }
        const y = this.labels![i]!;
        const sy = sc[y]!;
        let se = 0;
        for (let c = 0; c < K; c++) {
          const e = Math.exp(sc[c]! - mx);
          sc[c] = e;
          se += e;
        }
        const l = Math.log(se) + mx - sy;
        for (let j = 0; j < d; j++) p[j] = 0;
        for (let c = 0; c < K; c++) {
          const ds = scale * (sc[c]! / se - (c === y ? 1 : 0));
          for (let j = 0; j < d; j++) p[j] += ds * theta[ro + c * d + j]!;
          if (grad !== null) {
            for (let j = 0; j < d; j++) grad[ro + c * d + j] += ds * x[j]!;
            grad[bo + c] += ds;
          }
        }
        return scale * l;
      }
      default: {
        const T = this.T!;
        const y = this.labels![i]!;
        let l = 0;
        for (let j = 0; j < d; j++) {
          const e = x[j]! - T[y * d + j]!;
          l += e * e;
          p[j] = scale * e;
        }
        return 0.5 * scale * l;
      }
    }
  }

  /** Predicted class of an output (classification losses); -1 for mse. */
  predict(x: Float64Array, xo: number, theta: Float64Array, ro: number): number {
    const d = this.d;
    if (this.kind === LOSS_LOGISTIC) {
      let s = theta[ro + d]!;
      for (let j = 0; j < d; j++) s += theta[ro + j]! * x[xo + j]!;
      return s > 0 ? 1 : 0;
    }
    if (this.kind === LOSS_SOFTMAX) {
      let best = 0;
      let bv = -Infinity;
      for (let c = 0; c < this.K; c++) {
        let v = theta[ro + this.K * d + c]!;
        for (let j = 0; j < d; j++) v += theta[ro + c * d + j]! * x[xo + j]!;
        if (v > bv) {
          bv = v;
          best = c;
        }
      }
      return best;
    }
    if (this.kind === LOSS_TARGETS) {
      const T = this.T!;
      let best = 0;
      let bv = Infinity;
      for (let c = 0; c < this.K; c++) {
        let v = 0;
        for (let j = 0; j < d; j++) {
          const e = x[xo + j]! - T[c * d + j]!;
          v += e * e;
        }
        if (v < bv) {
          bv = v;
          best = c;
        }
      }
      return best;
    }
    return -1;
  }
}
