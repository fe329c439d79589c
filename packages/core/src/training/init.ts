/**
 * Initial network parameters for training.
 * @packageDocumentation
 */
import type { Activation } from "../activations.js";
import { createNetwork, type NetworkParams } from "../network.js";
import { createRng } from "../rng.js";
import { invalidArgument, requireInteger, requireNonNegative } from "../validate.js";

/** Options of {@link initNetwork}. */
export interface NetworkInit {
  /** Activation name or object. */
  readonly sigma: string | Activation;
  /** Dimension d (neurons per layer = state dimension: the data's features, plus a training problem's augmentation k). */
  readonly d: number;
  /** Number of layers L. */
  readonly nLayers: number;
  /** Horizon T = L·Δt (give `T` or `dt`; default T = 1). */
  readonly T?: number;
  /** Layer step Δt (give `T` or `dt`). */
  readonly dt?: number;
  /**
   * `"near-identity"` (default): W entries N(0, scale²) with scale default 0.01, b = 0, so the ResNet
   * starts close to the identity map (exactly the identity for σ(0) = 0 as scale → 0).
   * `"random"`: W entries N(0, scale²/d) with scale (gain) default 1, b entries N(0, biasScale²).
   */
  readonly init?: "near-identity" | "random";
  /** Scale of the Gaussian weights (see `init`). */
  readonly scale?: number;
  /** Standard deviation of the biases for `"random"` (default 0.1). */
  readonly biasScale?: number;
  /** Seed of the generator (default 0); stream 0 draws W, then b. */
  readonly seed?: number;
}

/**
 * Create seeded initial parameters: near identity (small W, zero b) or scaled Gaussian.
 * @param options - shape, activation, kind of initialisation, scales and seed
 * @returns validated network parameters (fresh buffers)
 * @throws KineticError INVALID_ARGUMENT for a bad size, scale, seed or kind
 * @remarks Cost O(L·d²). The same seed always gives the same parameters.
 * @example
 * ```ts
 * const net = initNetwork({ sigma: "tanh", d: 2, nLayers: 10, T: 1, init: "random", seed: 7 });
 * ```
 */
export function initNetwork(options: NetworkInit): NetworkParams {
  if (typeof options !== "object" || options === null) throw invalidArgument("init", "an object", options);
  const d = requireInteger("d", options.d, 1, 4096);
  const L = requireInteger("nLayers", options.nLayers, 1, 1 << 20);
  const kind = options.init ?? "near-identity";
  if (kind !== "near-identity" && kind !== "random") throw invalidArgument("init", '"near-identity" or "random"', kind);
  const scale = requireNonNegative("scale", options.scale ?? (kind === "random" ? 1 : 0.01));
  const biasScale = requireNonNegative("biasScale", options.biasScale ?? 0.1);
  const rng = createRng(options.seed ?? 0, 0);
  const W = new Float64Array(L * d * d);
  const b = new Float64Array(L * d);
  const sw = kind === "random" ? scale / Math.sqrt(d) : scale;
  for (let q = 0; q < W.length; q++) W[q] = sw * rng.normal();
  if (kind === "random") for (let q = 0; q < b.length; q++) b[q] = biasScale * rng.normal();
  const time = options.dt !== undefined ? { dt: options.dt } : { T: options.T ?? 1 };
  return createNetwork({ sigma: options.sigma, d, W, b, ...time });
}
