/**
 * Network parameters: one parameterisation drives every view (particles, Vlasov, Fokker–Planck,
 * moments). A ResNet with L layers and step Δt is the piecewise-constant-in-time field
 * σ(W(t) x + b(t)) with W(t) = W^k, b(t) = b^k on [kΔt, (k+1)Δt).
 * @packageDocumentation
 */
import { type Activation, activationInfo, resolveActivation } from "./activations.js";
import { layerIndexAt } from "./timeline.js";
import {
  invalidArgument,
  requireFiniteArray,
  requireFits,
  requireInteger,
  requireOptions,
  requirePositive,
  shapeMismatch,
} from "./validate.js";

/**
 * Largest number of layers a network may have (2^24): W and b hold L·(d² + d) values, and every solver
 * walks the layers; larger depths are refused with TOO_LARGE before any allocation.
 */
export const MAX_LAYERS = 2 ** 24;

/**
 * Noise of the stochastic ResNet dx = σ(Wx + b) dt + K(x) dB (Itô). D(x) = K(x) K(x)^T / 2.
 * - `constant`: K is a fixed d×d matrix (row-major), additive noise.
 * - `diagonal`: K(x) = diag(k(x_0, 0), …, k(x_{d-1}, d-1)); `dk` is ∂k/∂x_j (needed by Milstein).
 * - `matrix`: K(x) a general d×d matrix function written into `out` (row-major).
 */
export type NoiseModel =
  | { readonly kind: "constant"; readonly K: Float64Array }
  | {
      readonly kind: "diagonal";
      readonly k: (xj: number, j: number) => number;
      readonly dk?: (xj: number, j: number) => number;
    }
  | { readonly kind: "matrix"; readonly K: (x: Float64Array, out: Float64Array) => void };

/**
 * Parameters of a (stochastic) ResNet / neural ODE with d neurons per layer.
 *
 * Buffers are row-major: `W[k*d*d + i*d + j]` is entry (i, j) of layer k; `b[k*d + i]` entry i of
 * layer k. Time runs over [0, T] with T = nLayers · dt; layer k acts on [k·dt, (k+1)·dt).
 */
export interface NetworkParams {
  /** Dimension d (neurons per layer = data dimension). */
  readonly d: number;
  /** Number of layers L ≥ 1. */
  readonly nLayers: number;
  /** Layer step Δt > 0 (time per layer). */
  readonly dt: number;
  /** Horizon T = L · Δt. */
  readonly T: number;
  /** Activation σ, applied componentwise. */
  readonly sigma: Activation;
  /** Weights, L·d·d values, row-major per layer. */
  readonly W: Float64Array;
  /** Biases, L·d values. */
  readonly b: Float64Array;
  /** Noise model of the stochastic ResNet, if any. */
  readonly noise?: NoiseModel;
  /** True when every layer has the same W and b (constant-in-time field). */
  readonly constant: boolean;
}

/** Input of {@link createNetwork}. */
export interface NetworkInput {
  /** Activation name or object. */
  readonly sigma: string | Activation;
  /** Dimension d. */
  readonly d: number;
  /** Weights: L·d·d numbers (flat, row-major per layer) or an array of L row-major d×d matrices. */
  readonly W: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Biases: L·d numbers or an array of L vectors. */
  readonly b: ArrayLike<number> | readonly ArrayLike<number>[];
  /** Layer step Δt; give `dt` or `T` (then Δt = T / L). */
  readonly dt?: number;
  /** Horizon T; give `dt` or `T`. */
  readonly T?: number;
  /** Noise model, for the stochastic ResNet. */
  readonly noise?: NoiseModel;
}

function flatten(name: string, v: ArrayLike<number> | readonly ArrayLike<number>[], inner: number): Float64Array {
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === "object" && v[0] !== null) {
    const layers = v as readonly ArrayLike<number>[];
    const out = new Float64Array(layers.length * inner);
    layers.forEach((layer, k) => out.set(requireFiniteArray(`${name}[${k}]`, layer, inner), k * inner));
    return out;
  }
  return requireFiniteArray(name, v);
}

function validateNoise(noise: NoiseModel | undefined, d: number): NoiseModel | undefined {
  if (noise === undefined) return undefined;
  if (typeof noise !== "object" || noise === null) throw invalidArgument("noise", "a noise model object", noise);
  switch (noise.kind) {
    case "constant":
      return { kind: "constant", K: requireFiniteArray("noise.K", noise.K, d * d) };
    case "diagonal":
      if (typeof noise.k !== "function") throw invalidArgument("noise.k", "a function (xj, j) => number", noise.k);
      if (noise.dk !== undefined && typeof noise.dk !== "function") throw invalidArgument("noise.dk", "a function", noise.dk);
      return noise;
    case "matrix":
      if (typeof noise.K !== "function") throw invalidArgument("noise.K", "a function (x, out) => void", noise.K);
      return noise;
    default:
      throw invalidArgument("noise.kind", 'one of "constant", "diagonal", "matrix"', (noise as { kind?: unknown }).kind);
  }
}

/**
 * Create and validate network parameters (piecewise constant in time, one block per layer).
 * @param input - activation, dimension, weights, biases, and `dt` or `T`
 * @returns validated parameters with fresh buffers (the input is copied, never aliased)
 * @throws KineticError INVALID_ARGUMENT (non-finite entries, L = 0, Δt ≤ 0, both or neither of dt/T)
 *   or SHAPE_MISMATCH (W and b layer counts or sizes disagree)
 * @example
 * ```ts
 * const net = createNetwork({ sigma: "tanh", d: 2, T: 1,
 *   W: [[-1, 0.5, -0.5, -1], [-1, 0, 0, -1]], b: [[0.1, 0], [0, 0.1]] });
 * net.nLayers; // 2, net.dt === 0.5
 * ```
 */
export function createNetwork(input: NetworkInput): NetworkParams {
  if (typeof input !== "object" || input === null) throw invalidArgument("network", "an object", input);
  requireOptions("network", input, ["sigma", "d", "W", "b", "dt", "T", "noise"]);
  const sigma = resolveActivation(input.sigma);
  const d = requireInteger("d", input.d, 1, 4096);
  const W = flatten("W", input.W, d * d);
  const b = flatten("b", input.b, d);
  if (W.length % (d * d) !== 0) throw shapeMismatch("W", `a multiple of d*d = ${d * d} values`, W.length);
  if (b.length % d !== 0) throw shapeMismatch("b", `a multiple of d = ${d} values`, b.length);
  const nLayers = W.length / (d * d);
  if (b.length / d !== nLayers) throw shapeMismatch("b", `${nLayers} layers (as W) of ${d} values`, `${b.length / d} layers`);
  if (nLayers < 1) throw invalidArgument("W", "at least one layer", nLayers);
  requireFits("W", nLayers, 1, MAX_LAYERS, "layers");
  let dt: number;
  if (input.dt !== undefined && input.T !== undefined) {
    throw invalidArgument("dt/T", "given one at a time (T = L·dt)", { dt: input.dt, T: input.T });
  } else if (input.dt !== undefined) {
    dt = requirePositive("dt", input.dt);
  } else if (input.T !== undefined) {
    dt = requirePositive("T", input.T) / nLayers;
  } else {
    throw invalidArgument("dt", "given (or T)", undefined);
  }
  const noise = validateNoise(input.noise, d);
  return freezeNetwork({ d, nLayers, dt, T: nLayers * dt, sigma, W, b, constant: isConstantLayers(W, b, d), ...(noise ? { noise } : {}) });
}

function isConstantLayers(W: Float64Array, b: Float64Array, d: number): boolean {
  const L = b.length / d;
  for (let k = 1; k < L; k++) {
    for (let i = 0; i < d * d; i++) if (W[k * d * d + i] !== W[i]) return false;
    for (let i = 0; i < d; i++) if (b[k * d + i] !== b[i]) return false;
  }
  return true;
}

function freezeNetwork(p: NetworkParams): NetworkParams {
  return Object.freeze(p);
}

/** Input of {@link createConstantNetwork}. */
export interface ConstantNetworkInput {
  /** Activation name or object. */
  readonly sigma: string | Activation;
  /** Dimension d (default 1 when `W` is a number). */
  readonly d?: number;
  /** d×d weight matrix (row-major) or, for d = 1, the scalar w. */
  readonly W: number | ArrayLike<number>;
  /** Bias vector or, for d = 1, the scalar b. */
  readonly b: number | ArrayLike<number>;
  /** Horizon T > 0. */
  readonly T: number;
  /** Number of (identical) layers, i.e. ResNet depth; Δt = T / nLayers (default 1). */
  readonly nLayers?: number;
  /** Noise model, for the stochastic ResNet. */
  readonly noise?: NoiseModel;
}

/**
 * Parameters constant in time: every layer has the same W and b.
 * @param input - activation, W (matrix or scalar), b, horizon T, optional depth
 * @returns validated parameters with `constant: true`
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH
 * @example
 * ```ts
 * const net = createConstantNetwork({ sigma: "identity", W: -1, b: 0.5, T: 2 }); // d = 1
 * ```
 */
export function createConstantNetwork(input: ConstantNetworkInput): NetworkParams {
  if (typeof input !== "object" || input === null) throw invalidArgument("network", "an object", input);
  requireOptions("network", input, ["sigma", "d", "W", "b", "T", "nLayers", "noise"]);
  const scalar = typeof input.W === "number";
  const d = input.d ?? (scalar ? 1 : Math.round(Math.sqrt((input.W as ArrayLike<number>).length)));
  const Wk = scalar ? [input.W as number] : Array.from(input.W as ArrayLike<number>);
  const bk = typeof input.b === "number" ? [input.b] : Array.from(input.b);
  const L = requireLayers(input.nLayers ?? 1, d);
  if (Wk.length !== d * d) throw shapeMismatch("W", `d*d = ${d * d} values`, Wk.length);
  if (bk.length !== d) throw shapeMismatch("b", `d = ${d} values`, bk.length);
  const W: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < L; k++) {
    W.push(...Wk);
    b.push(...bk);
  }
  return createNetwork({ sigma: input.sigma, d, W, b, T: input.T, ...(input.noise ? { noise: input.noise } : {}) });
}

/** Input of {@link createScalarNetwork}: the 1-D model with scalar w(t), b(t) per layer. */
export interface ScalarNetworkInput {
  /** Activation name or object. */
  readonly sigma: string | Activation;
  /** Layer weights w^k (one per layer) or one constant w. */
  readonly w: number | ArrayLike<number>;
  /** Layer biases b^k (one per layer) or one constant b. */
  readonly b: number | ArrayLike<number>;
  /** Layer step Δt (give dt or T). */
  readonly dt?: number;
  /** Horizon T (give dt or T). */
  readonly T?: number;
  /** Depth when both w and b are scalars (default 1). */
  readonly nLayers?: number;
  /** Constant noise amplitude K (additive), or a noise model. */
  readonly K?: number | NoiseModel;
}

/**
 * The 1-D model (d = 1) with scalar weights and biases per layer.
 * @param input - activation, w, b (scalars or per-layer arrays), dt or T, optional noise K
 * @returns validated parameters with d = 1
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH
 * @example
 * ```ts
 * const net = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, -1], b: 0, T: 3 });
 * const sde = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, K: 0.5 });
 * ```
 */
export function createScalarNetwork(input: ScalarNetworkInput): NetworkParams {
  if (typeof input !== "object" || input === null) throw invalidArgument("network", "an object", input);
  requireOptions("network", input, ["sigma", "w", "b", "dt", "T", "nLayers", "K"]);
  if (typeof input.w !== "number" && !isArrayLike(input.w)) throw invalidArgument("w", "a number or an array of layer weights", input.w);
  if (typeof input.b !== "number" && !isArrayLike(input.b)) throw invalidArgument("b", "a number or an array of layer biases", input.b);
  const ws = typeof input.w === "number" ? null : Array.from(input.w);
  const bs = typeof input.b === "number" ? null : Array.from(input.b);
  const L = ws?.length ?? bs?.length ?? requireLayers(input.nLayers ?? 1, 1);
  if (ws && bs && ws.length !== bs.length) throw shapeMismatch("b", `${ws.length} layers (as w)`, bs.length);
  const W = ws ?? new Array<number>(L).fill(input.w as number);
  const b = bs ?? new Array<number>(L).fill(input.b as number);
  let noise: NoiseModel | undefined;
  if (typeof input.K === "number") {
    noise = { kind: "constant", K: requireFiniteArray("K", [input.K]) };
  } else if (input.K !== undefined) {
    noise = input.K;
  }
  return createNetwork({
    sigma: input.sigma,
    d: 1,
    W,
    b,
    ...(input.dt !== undefined ? { dt: input.dt } : {}),
    ...(input.T !== undefined ? { T: input.T } : {}),
    ...(noise ? { noise } : {}),
  });
}

/**
 * Check that `params` is a consistent set of network parameters (as made by {@link createNetwork}):
 * an integer d in [1, 4096], L ≥ 1 layers, Δt > 0, T = L·Δt, W of L·d² and b of L·d finite values, an
 * activation. Solvers call it at their entry point, so a hand-edited copy (`{ ...net, d: -1 }`) is
 * refused instead of looping or reading out of bounds.
 * @param params - the value to check
 * @param name - argument name for messages (default `"params"`)
 * @returns `params`
 * @throws KineticError INVALID_ARGUMENT naming the inconsistent field, or SHAPE_MISMATCH (W, b lengths)
 * @example
 * ```ts
 * checkNetwork(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 })); // fine
 * // checkNetwork({ ...net, d: -1 }) throws INVALID_ARGUMENT naming `params.d`
 * ```
 */
export function checkNetwork(params: unknown, name = "params"): NetworkParams {
  if (typeof params !== "object" || params === null) {
    throw invalidArgument(name, "network parameters (createNetwork / createConstantNetwork / createScalarNetwork)", params);
  }
  const p = params as NetworkParams;
  if (!(p.W instanceof Float64Array) || !(p.b instanceof Float64Array)) {
    throw invalidArgument(name, "network parameters (createNetwork / createConstantNetwork / createScalarNetwork)", params);
  }
  const d = requireInteger(`${name}.d`, p.d, 1, 4096);
  const L = requireInteger(`${name}.nLayers`, p.nLayers, 1, MAX_LAYERS);
  requirePositive(`${name}.dt`, p.dt);
  if (typeof p.T !== "number" || !(Math.abs(p.T - L * p.dt) <= 1e-12 * p.T))
    throw invalidArgument(`${name}.T`, `nLayers · dt = ${L * p.dt}`, p.T);
  if (p.W.length !== L * d * d) throw shapeMismatch(`${name}.W`, `nLayers·d·d = ${L * d * d} values`, p.W.length);
  if (p.b.length !== L * d) throw shapeMismatch(`${name}.b`, `nLayers·d = ${L * d} values`, p.b.length);
  if (typeof p.sigma !== "object" || p.sigma === null || typeof p.sigma.sigma !== "function") {
    throw invalidArgument(`${name}.sigma`, "an activation (resolveActivation)", p.sigma);
  }
  activationInfo(p.sigma); // refuses a hand-built activation that reuses a built-in name
  return p;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** nLayers: an integer ≥ 1 whose L·(d² + d) parameters fit (at most {@link MAX_LAYERS}). */
function requireLayers(value: unknown, d: number): number {
  const L = requireInteger("nLayers", value, 1);
  requireFits("nLayers", L, 1, MAX_LAYERS, "layers");
  requireFits("nLayers", L, 8 * (d * d + d));
  return L;
}

/**
 * Index of the layer active at time t: k with kΔt ≤ t < (k+1)Δt, clamped to [0, L-1]
 * (so t = T uses the last layer); a time within the timeline's rounding tolerance (16 ulps) below a
 * boundary counts as that boundary, as in {@link resolveTimeline}.
 * @param params - network parameters
 * @param t - time
 * @returns the layer index
 */
export function layerAt(params: NetworkParams, t: number): number {
  // the timeline's rounding rule (one rule for every solver): see resolveTimeline
  return layerIndexAt(params, t);
}

/**
 * Evaluate the velocity field v = σ(W^k x + b^k) of layer k at one point.
 * @param params - network parameters
 * @param k - layer index
 * @param x - point, d values
 * @param out - receives d values
 * @returns `out`
 */
export function velocityInto(params: NetworkParams, k: number, x: ArrayLike<number>, out: Float64Array): Float64Array {
  const { d, W, b } = params;
  const s = params.sigma.sigma;
  const wo = k * d * d;
  for (let i = 0; i < d; i++) {
    let z = b[k * d + i]!;
    for (let j = 0; j < d; j++) z += W[wo + i * d + j]! * x[j]!;
    out[i] = s(z);
  }
  return out;
}

/**
 * Replace parameters with new weights/biases of the same shape (e.g. during training).
 * @param params - template
 * @param W - new weights (L·d·d)
 * @param b - new biases (L·d)
 * @returns new validated parameters; the template is not modified
 * @throws KineticError SHAPE_MISMATCH / INVALID_ARGUMENT
 */
export function withWeights(params: NetworkParams, W: ArrayLike<number>, b: ArrayLike<number>): NetworkParams {
  const Wn = requireFiniteArray("W", W, params.W.length);
  const bn = requireFiniteArray("b", b, params.b.length);
  return freezeNetwork({ ...params, W: Wn, b: bn, constant: isConstantLayers(Wn, bn, params.d) });
}
