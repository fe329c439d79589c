/**
 * What the main thread sends to a worker and how the worker solves it: network parameters travel as
 * plain data (built-in activations by name, constant noise by its matrix) and are rebuilt with the
 * library's own objects, so the worker runs exactly the code of the single-thread solvers.
 * Not part of the public API.
 * @packageDocumentation
 */
import { activationInfo, createLeakyRelu, getActivation, type Activation, type ActivationKind } from "../activations.js";
import type { NetworkParams, NoiseModel } from "../network.js";
import { solveOdeInto, type OdeOptions } from "../ode.js";
import { solveSde, type SdeOptions } from "../sde.js";

/** Network parameters as structured-cloneable data. */
export interface ParamsData {
  readonly d: number;
  readonly nLayers: number;
  readonly dt: number;
  readonly T: number;
  readonly constant: boolean;
  readonly W: Float64Array;
  readonly b: Float64Array;
  /** Kind of a built-in activation (from its record) and the leaky-ReLU slope. */
  readonly sigma: { readonly kind: Exclude<ActivationKind, "custom">; readonly alpha: number };
  readonly noiseK: Float64Array | null;
}

/** One SDE chunk (its result travels back in a message). */
export interface ChunkRequest {
  readonly id: number;
  readonly kind: "sde";
  readonly params: ParamsData;
  readonly x0: Float64Array;
  readonly options: SdeOptions;
}

/**
 * An ODE chunk solved in place in shared memory: `n` values at the start of `buffer` are the initial
 * state and receive the result (no copies of the chunk through messages, no fresh pages).
 */
export interface SharedChunkRequest {
  readonly id: number;
  readonly kind: "ode-shared";
  readonly params: ParamsData;
  readonly buffer: SharedArrayBuffer;
  readonly n: number;
  readonly options: OdeOptions;
}

/** What a worker returns for a chunk. */
export interface ChunkResult {
  readonly x: Float64Array;
  readonly saved: Float64Array;
  readonly t: number;
  /** The step size (SDE only; 0 for ODE). */
  readonly h: number;
  readonly saveAt: Float64Array;
  readonly status: string;
  readonly failedParticle: number;
  readonly stats: { steps: number; rejected: number; rhsEvals: number };
}

/**
 * The network as plain data, or null when it cannot travel to a worker (a user-defined activation,
 * or a noise model given by functions).
 */
export function paramsToData(p: NetworkParams): ParamsData | null {
  const k = activationInfo(p.sigma);
  if (k.kind === "custom") return null;
  if (p.noise !== undefined && p.noise.kind !== "constant") return null;
  return {
    d: p.d,
    nLayers: p.nLayers,
    dt: p.dt,
    T: p.T,
    constant: p.constant,
    W: p.W,
    b: p.b,
    sigma: { kind: k.kind, alpha: k.alpha },
    noiseK: p.noise?.kind === "constant" ? p.noise.K : null,
  };
}

/** Rebuild the network in a worker. */
export function paramsFromData(q: ParamsData): NetworkParams {
  const sigma: Activation = q.sigma.kind === "leaky-relu" ? createLeakyRelu(q.sigma.alpha) : getActivation(q.sigma.kind);
  const noise: NoiseModel | undefined = q.noiseK === null ? undefined : { kind: "constant", K: q.noiseK };
  return {
    d: q.d,
    nLayers: q.nLayers,
    dt: q.dt,
    T: q.T,
    constant: q.constant,
    W: q.W,
    b: q.b,
    sigma,
    ...(noise !== undefined ? { noise } : {}),
  };
}

/** Solve one SDE chunk with the single-thread solver. */
export function solveChunk(req: ChunkRequest): ChunkResult {
  const r = solveSde(paramsFromData(req.params), req.x0, req.options);
  return {
    x: r.x,
    saved: r.saved,
    t: r.t,
    h: r.h,
    saveAt: r.saveAt,
    status: r.status,
    failedParticle: r.failedParticle,
    stats: { ...r.stats },
  };
}

/** Solve a {@link SharedChunkRequest} in place; the returned `x` is empty (the result is in the buffer). */
export function solveSharedChunk(req: SharedChunkRequest): ChunkResult {
  const v = new Float64Array(req.buffer, 0, req.n);
  const r = solveOdeInto(paramsFromData(req.params), v, v, req.options);
  return {
    x: new Float64Array(0),
    saved: r.saved,
    t: r.t,
    h: 0,
    saveAt: r.saveAt,
    status: r.status,
    failedParticle: r.failedParticle,
    stats: { ...r.stats },
  };
}
