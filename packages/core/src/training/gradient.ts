/**
 * Exact gradients of the training loss: the discrete adjoint of the ResNet (Euler, Heun, RK4 layers).
 * @packageDocumentation
 */
import { KineticError } from "../errors.js";
import type { NetworkParams } from "../network.js";
import { withWeights } from "../network.js";
import { createRng } from "../rng.js";
import { invalidArgument, requireFiniteArray, requireNonNegative, requireOneOf, shapeMismatch } from "../validate.js";
import { checkEnsemble } from "../particles.js";
import { initNetwork, type NetworkInit } from "./init.js";
import { ResNetKernel, TRAINING_SCHEMES, type TrainingScheme } from "./kernel.js";
import {
  augmentLoss,
  checkReadout,
  compileData,
  type CompiledData,
  LossHead,
  type LossSpec,
  type Readout,
  padInputs,
  readoutOut,
  resolveLoss,
  type TrainingData,
} from "./losses.js";

/** A training problem: samples, loss, network (initial parameters or how to initialise them), λ. */
export interface TrainingProblem extends TrainingData {
  /** The loss ℓ (see {@link LossSpec}); `"mse"` and `"logistic"` may be given by name. */
  readonly loss: LossSpec | "mse" | "logistic";
  /**
   * Initial parameters, or the shape and initialisation to create them ({@link initNetwork}).
   * Training uses the deterministic ResNet: a noise model on the parameters is ignored.
   */
  readonly network: NetworkParams | NetworkInit;
  /** Initial read-out (classification losses); default seeded N(0, 1/d) weights, zero bias. */
  readonly readout?: Readout;
  /** Tikhonov weight λ ≥ 0 of (λ/2) Σ_k |W^k|² + |b^k|² (default 0; the read-out is not penalised). */
  readonly lambda?: number;
  /**
   * Augmentation k (default 0): extra state coordinates beyond the data's features. The network's
   * dimension d (`network.d`) is the state dimension d_data + k, so the samples `x` hold M·(d - k)
   * values; each enters the network as (x_i, 0, …, 0), its features in the first d - k coordinates and
   * zeros in the last k. The mse loss without a projection reads the first d - k coordinates of the final
   * state (P = [I | 0], targets M·(d - k) values); a given projection is m×d, a read-out nOut×d and class
   * targets K·d values (they act on the whole final state). An integer in [0, d - 1]. A 1-D flow is
   * monotone; with k ≥ 1 the network can fit non-monotone targets such as x².
   */
  readonly augment?: number;
}

/** Options shared by the gradient functions. */
export interface GradientOptions {
  /** Scheme of each layer (default `"euler"`, the ResNet of MODEL.md §1). */
  readonly scheme?: TrainingScheme;
  /** Seed of the default read-out and network initialisation (default 0). */
  readonly seed?: number;
}

/** Layout of the flat parameter vector θ = [W | b | read-out weights | read-out bias]. */
export interface ParameterLayout {
  /** Offset of W (always 0); L·d·d values. */
  readonly W: number;
  /** Offset of b; L·d values. */
  readonly b: number;
  /** Offset of the read-out weights A (nOut·d values), then its bias c (nOut values). */
  readonly readout: number;
  /** Total length. */
  readonly length: number;
}

/**
 * A compiled, allocation-free loss-and-gradient evaluator bound to one data set. Used by
 * {@link train} and the benchmarks; reuse it to evaluate many parameter vectors cheaply.
 */
export interface GradientEvaluator {
  /** Number of parameters P (length of θ). */
  readonly nParams: number;
  /** Number of samples M. */
  readonly nSamples: number;
  /** Layout of θ. */
  readonly layout: ParameterLayout;
  /** The initial θ (a fresh copy on each read). */
  readonly initialTheta: Float64Array;
  /**
   * Loss J(θ) on all samples; writes ∇J into `grad` (length P, overwritten) when given.
   * Allocation-free.
   */
  evaluate(theta: Float64Array, grad?: Float64Array): number;
  /**
   * Loss and gradient on the mini-batch `indices[start..start+count)` (weights renormalised over the batch).
   */
  evaluateBatch(theta: Float64Array, grad: Float64Array | null, indices: Int32Array, start?: number, count?: number): number;
  /** dJ(θ)·v by forward-mode (tangent) propagation, all samples. Cost ≈ 2 forward passes. */
  directionalDerivative(theta: Float64Array, v: Float64Array): number;
  /** Network outputs x^L for all samples (M·d values). */
  outputs(theta: Float64Array, out?: Float64Array): Float64Array;
  /** Split θ into network parameters and read-out (fresh buffers). */
  unpack(theta: Float64Array): { params: NetworkParams; readout?: Readout };
}

/** @internal Everything the trainers need. */
export interface Compiled {
  /** The loss on the final state (with augmentation and a plain mse loss: the projection [I | 0]). */
  readonly loss: LossSpec;
  /** Augmentation k (zero coordinates appended to each sample). */
  readonly augment: number;
  readonly params: NetworkParams;
  readonly data: CompiledData;
  readonly kernel: ResNetKernel;
  readonly theta0: Float64Array;
  readonly nOut: number;
  readonly scheme: TrainingScheme;
  readonly lambda: number;
}

const SCHEME_NAMES = TRAINING_SCHEMES.map((s) => s.name);

function isNetworkParams(n: unknown): n is NetworkParams {
  return (
    typeof n === "object" && n !== null && (n as NetworkParams).W instanceof Float64Array && typeof (n as NetworkParams).sigma === "object"
  );
}

/** @internal Validate a problem and build its kernel. */
export function compileProblem(problem: TrainingProblem, options: GradientOptions = {}): Compiled {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const scheme = requireOneOf("options.scheme", options.scheme ?? "euler", SCHEME_NAMES);
  const seed = options.seed ?? 0;
  if (problem.network === undefined) throw invalidArgument("problem.network", "network parameters or an initialisation", undefined);
  const params = isNetworkParams(problem.network) ? problem.network : initNetwork({ seed, ...(problem.network as NetworkInit) });
  const d = params.d;
  const augment = checkAugment("problem.augment", problem.augment, d);
  if (problem.loss === undefined) throw invalidArgument("problem.loss", "a loss", undefined);
  const loss = augmentLoss(resolveLoss(problem.loss, d), d, augment);
  const lambda = requireNonNegative("problem.lambda", problem.lambda ?? 0);
  const data = compileData(problem, loss, d, "problem", augment);
  const head = new LossHead(loss, d);
  const kernel = new ResNetKernel(d, params.nLayers, params.dt, params.sigma, scheme, head, lambda);
  kernel.bind(data);
  const nOut = readoutOut(loss);
  const theta0 = new Float64Array(kernel.nParams);
  theta0.set(params.W, 0);
  theta0.set(params.b, kernel.nW);
  if (nOut > 0) {
    if (problem.readout !== undefined) {
      const r = checkReadout(problem.readout, loss, d);
      theta0.set(r.weights, kernel.ro);
      theta0.set(r.bias, kernel.ro + nOut * d);
    } else {
      const rng = createRng(seed, 1);
      const s = 1 / Math.sqrt(d);
      for (let q = 0; q < nOut * d; q++) theta0[kernel.ro + q] = s * rng.normal();
    }
  } else if (problem.readout !== undefined) {
    throw new KineticError("UNSUPPORTED", `the ${loss.kind} loss has no read-out; remove \`problem.readout\``);
  }
  return { loss, augment, params, data, kernel, theta0, nOut, scheme, lambda };
}

/** Largest augmentation accepted (state dimension d ≤ d_data + this). */
const MAX_AUGMENT = 64;

/** @internal Validate an augmentation k for a network of state dimension d: an integer in [0, min(d - 1, 64)]. */
export function checkAugment(name: string, augment: unknown, d: number): number {
  if (augment === undefined) return 0;
  const max = Math.min(d - 1, MAX_AUGMENT);
  if (typeof augment !== "number" || !Number.isInteger(augment) || augment < 0 || augment > max)
    throw invalidArgument(
      name,
      `an integer in [0, ${max}] (zero coordinates appended to each sample; the network's d = ${d} is the state dimension, data features + ${name.replace(/^.*\./, "")})`,
      augment,
    );
  return augment;
}

/** @internal Split θ. */
export function unpackTheta(c: Compiled, theta: Float64Array): { params: NetworkParams; readout?: Readout } {
  const k = c.kernel;
  const params = withWeights(c.params, theta.subarray(0, k.nW), theta.subarray(k.nW, k.ro));
  if (c.nOut === 0) return { params };
  const d = k.d;
  return {
    params,
    readout: { nOut: c.nOut, weights: theta.slice(k.ro, k.ro + c.nOut * d), bias: theta.slice(k.ro + c.nOut * d, k.nParams) },
  };
}

function checkTheta(name: string, theta: unknown, n: number): Float64Array {
  if (!(theta instanceof Float64Array)) throw invalidArgument(name, `a Float64Array of ${n} parameters`, theta);
  if (theta.length !== n) throw shapeMismatch(name, `${n} values`, theta.length);
  return theta;
}

/** @internal */
export function makeEvaluator(c: Compiled): GradientEvaluator {
  const k = c.kernel;
  const layout: ParameterLayout = { W: 0, b: k.nW, readout: k.ro, length: k.nParams };
  return {
    nParams: k.nParams,
    nSamples: c.data.M,
    layout,
    get initialTheta() {
      return c.theta0.slice();
    },
    evaluate(theta, grad) {
      checkTheta("theta", theta, k.nParams);
      if (grad !== undefined) checkTheta("grad", grad, k.nParams);
      return k.evaluate(theta, grad ?? null, null, 0, c.data.M);
    },
    evaluateBatch(theta, grad, indices, start = 0, count) {
      checkTheta("theta", theta, k.nParams);
      if (grad !== null) checkTheta("grad", grad, k.nParams);
      if (!(indices instanceof Int32Array)) throw invalidArgument("indices", "an Int32Array of sample indices", indices);
      const n = count ?? indices.length - start;
      if (!Number.isInteger(start) || start < 0 || !Number.isInteger(n) || n < 1 || start + n > indices.length) {
        throw invalidArgument("start/count", `a non-empty range inside indices (length ${indices.length})`, { start, count });
      }
      for (let r = start; r < start + n; r++) {
        const i = indices[r]!;
        if (i < 0 || i >= c.data.M) throw invalidArgument(`indices[${r}]`, `a sample index in [0, ${c.data.M - 1}]`, i);
      }
      return k.evaluate(theta, grad, indices, start, n);
    },
    directionalDerivative(theta, v) {
      checkTheta("theta", theta, k.nParams);
      checkTheta("v", v, k.nParams);
      return k.directional(theta, v);
    },
    outputs(theta, out) {
      checkTheta("theta", theta, k.nParams);
      const o = out ?? new Float64Array(c.data.M * k.d);
      if (o.length !== c.data.M * k.d) throw shapeMismatch("out", `${c.data.M * k.d} values`, o.length);
      k.forwardAll(theta, c.data.x, c.data.M, o);
      return o;
    },
    unpack(theta) {
      checkTheta("theta", theta, k.nParams);
      return unpackTheta(c, theta);
    },
  };
}

/**
 * Compile a training problem into a reusable, allocation-free loss-and-gradient evaluator.
 * @param problem - samples (x: M·d), loss, network, optional read-out, weights and λ
 * @param options - scheme (default `"euler"`), seed of default initialisations
 * @returns the evaluator; θ layout [W (L·d·d) | b (L·d) | A (nOut·d) | c (nOut)]
 * @throws KineticError INVALID_ARGUMENT (non-finite data, bad labels, negative λ), SHAPE_MISMATCH
 *   (targets/labels/weights lengths), UNSUPPORTED (read-out given for a loss without one), NOT_FOUND
 *   (unknown activation)
 * @remarks Gradient cost: one forward pass storing S stage inputs and σ' per layer of one sample at a
 * time (workspace O(L·S·d), independent of M), and one backward sweep, i.e. O(M·L·S·d²). Euler tanh
 * networks with d = 1 or 2 take blocked fast paths (samples in blocks of 128, layer by layer) that run
 * on WebAssembly SIMD kernels where available, with a JavaScript path that performs the same
 * operations in the same order (bit-identical results; the mse loss runs entirely in the kernel).
 * Built-in activations are inlined; user activations are called.
 * @example
 * ```ts
 * const ev = createGradientEvaluator({ x, targets: y, loss: "mse", network: net });
 * const theta = ev.initialTheta, grad = new Float64Array(ev.nParams);
 * const J = ev.evaluate(theta, grad);
 * ```
 */
export function createGradientEvaluator(problem: TrainingProblem, options: GradientOptions = {}): GradientEvaluator {
  return makeEvaluator(compileProblem(problem, options));
}

/** Result of {@link computeGradient}. */
export interface GradientResult {
  /** J at the given parameters. */
  readonly loss: number;
  /** ∂J/∂W, L·d·d values (layout of `NetworkParams.W`). */
  readonly gradW: Float64Array;
  /** ∂J/∂b, L·d values. */
  readonly gradB: Float64Array;
  /** ∂J/∂(read-out), when the loss has one. */
  readonly gradReadout?: Readout;
  /** The whole gradient as one vector in the θ layout of {@link GradientEvaluator}. */
  readonly gradient: Float64Array;
  /** `"success"`, or `"non-finite"` when the forward pass overflowed. */
  readonly status: "success" | "non-finite";
  /** Work done. */
  readonly stats: { readonly forwardPasses: number; readonly samples: number; readonly method: string };
}

/** @internal */
export function gradientResult(c: Compiled, loss: number, g: Float64Array, passes: number, method: string): GradientResult {
  const k = c.kernel;
  const finite = Number.isFinite(loss) && g.every(Number.isFinite);
  const base = {
    loss,
    gradW: g.slice(0, k.nW),
    gradB: g.slice(k.nW, k.ro),
    gradient: g,
    status: finite ? ("success" as const) : ("non-finite" as const),
    stats: { forwardPasses: passes, samples: c.data.M, method },
  };
  if (c.nOut === 0) return base;
  return {
    ...base,
    gradReadout: { nOut: c.nOut, weights: g.slice(k.ro, k.ro + c.nOut * k.d), bias: g.slice(k.ro + c.nOut * k.d) },
  };
}

/**
 * Loss and exact gradient of a ResNet by the discrete adjoint (back-propagation through the scheme).
 * @param problem - samples, loss, network parameters (`problem.network`), read-out, λ
 * @param options - scheme of each layer (`"euler"` default, `"heun"`, `"rk4"`)
 * @returns J and ∂J/∂W, ∂J/∂b (and the read-out gradient), fresh buffers
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / UNSUPPORTED / NOT_FOUND (see {@link createGradientEvaluator})
 * @remarks Exact to round-off for the discrete map: for Euler, p^L = ∇ℓ/M, p^k = p^{k+1} +
 * Δt W^{kT}[σ'(z^k) ⊙ p^{k+1}], ∂J/∂W^k = Δt Σ_i [σ'(z_i^k) ⊙ p_i^{k+1}] x_i^{kT} + λW^k (MODEL.md §1);
 * for Heun and RK4 the adjoint runs backwards through the stages. Checked against central finite
 * differences for every activation, loss and scheme. Cost O(M·L·S·d²).
 * @example
 * ```ts
 * const net = createNetwork({ sigma: "tanh", d: 1, W: [-1, -0.5], b: [0, 0.1], T: 1 });
 * const { loss, gradW, gradB } = computeGradient({ x: Float64Array.of(0.5, -1), targets: [1, -1], loss: "mse", network: net });
 * ```
 */
export function computeGradient(problem: TrainingProblem, options: GradientOptions = {}): GradientResult {
  const c = compileProblem(problem, options);
  const g = new Float64Array(c.kernel.nParams);
  const J = c.kernel.evaluate(c.theta0, g, null, 0, c.data.M);
  return gradientResult(c, J, g, 1, `discrete-adjoint-${c.scheme}`);
}

/** A trained (or loaded) model: network, read-out, and the scheme and loss it was trained with. */
export interface TrainedModel {
  /** Network parameters. */
  readonly params: NetworkParams;
  /** Read-out of a classification loss. */
  readonly readout?: Readout;
  /** Scheme of each layer (default `"euler"`). */
  readonly scheme?: TrainingScheme;
  /** The loss, needed to turn outputs into classes. */
  readonly loss?: LossSpec;
  /**
   * Augmentation k the model was trained with (default 0): inputs have d - k features and are padded
   * with k zeros (see {@link TrainingProblem.augment}).
   */
  readonly augment?: number;
}

/** Result of {@link predict}. */
export interface Prediction {
  /** Final states x^L, M·d values (d the state dimension, augmented coordinates included). */
  readonly outputs: Float64Array;
  /**
   * The mse loss's predicted values P x^L, M·m values: x^L itself without a projection, its first
   * d - k coordinates with augmentation k (absent for classification losses).
   */
  readonly values?: Float64Array;
  /** Predicted classes (classification losses), M values. */
  readonly classes?: Int32Array;
}

/**
 * Run a model forward and predict classes (classification losses) or values (mse).
 * @param model - parameters, read-out, scheme, loss and augmentation k
 * @param x - inputs, M·(d - k) values (d the network's state dimension; M·d without augmentation)
 * @returns final states x^L (M·d), and the predicted values P x^L (mse) or classes (classification)
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH for bad inputs, a bad `model.augment` or a
 *   missing read-out
 * @remarks Logistic: class 1 when a·x + c > 0; softmax: arg max; class targets: nearest target.
 * With augmentation each input is padded to (x_i, 0, …, 0) as in training. Cost O(M·L·S·d²).
 * @example
 * ```ts
 * const { classes } = predict({ params, readout, loss: { kind: "logistic" } }, xTest);
 * // a model of state dimension 2 trained on 1-D data with augment: 1
 * const { values } = predict({ params: net2, augment: 1 }, Float64Array.of(-0.5, 0, 0.5)); // 3 values
 * ```
 */
export function predict(model: TrainedModel, x: Float64Array): Prediction {
  if (typeof model !== "object" || model === null || !isNetworkParams(model.params))
    throw invalidArgument("model.params", "network parameters", model?.params);
  const params = model.params;
  const d = params.d;
  const augment = checkAugment("model.augment", model.augment, d);
  const M = checkEnsemble(x, d - augment, "x");
  const loss = augmentLoss(model.loss !== undefined ? resolveLoss(model.loss, d) : { kind: "mse" }, d, augment);
  const scheme = requireOneOf("model.scheme", model.scheme ?? "euler", SCHEME_NAMES);
  const head = new LossHead(loss, d);
  const kernel = new ResNetKernel(d, params.nLayers, params.dt, params.sigma, scheme, head, 0);
  const theta = new Float64Array(kernel.nParams);
  theta.set(params.W, 0);
  theta.set(params.b, kernel.nW);
  const nOut = readoutOut(loss);
  if (nOut > 0) {
    if (model.readout === undefined) throw invalidArgument("model.readout", `given for the ${loss.kind} loss`, undefined);
    const r = checkReadout(model.readout, loss, d);
    theta.set(r.weights, kernel.ro);
    theta.set(r.bias, kernel.ro + nOut * d);
  }
  const outputs = new Float64Array(M * d);
  kernel.forwardAll(theta, augment === 0 ? x : padInputs(x, M, d - augment, d), M, outputs);
  if (loss.kind === "mse") return { outputs, values: projectOutputs(loss, outputs, M, d) };
  const classes = new Int32Array(M);
  for (let i = 0; i < M; i++) classes[i] = head.predict(outputs, i * d, theta, kernel.ro);
  return { outputs, classes };
}

/** P x^L per sample for the mse loss (a copy of the states without a projection). */
function projectOutputs(loss: LossSpec, outputs: Float64Array, M: number, d: number): Float64Array {
  if (loss.kind !== "mse" || loss.projection === undefined) return outputs.slice();
  const P = loss.projection;
  const m = P.length / d;
  const out = new Float64Array(M * m);
  for (let i = 0; i < M; i++)
    for (let a = 0; a < m; a++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += P[a * d + j]! * outputs[i * d + j]!;
      out[i * m + a] = v;
    }
  return out;
}

/**
 * Fraction of correct predictions.
 * @param predicted - predicted classes
 * @param labels - true classes (same length)
 * @returns accuracy in [0, 1]
 * @throws KineticError SHAPE_MISMATCH / INVALID_ARGUMENT (empty)
 * @example
 * ```ts
 * accuracy(Int32Array.of(0, 1, 1), [0, 1, 0]); // 2/3
 * ```
 */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  const p = requireFiniteArray("predicted", predicted);
  if (labels.length !== p.length) throw shapeMismatch("labels", `${p.length} values`, labels.length);
  let ok = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === labels[i]) ok++;
  return ok / p.length;
}
