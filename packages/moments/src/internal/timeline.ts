/**
 * Shared validation and time bookkeeping of the moment solvers. Internal.
 * @packageDocumentation
 */
import { activationInfo } from "@kinetic-nde/core";
import { KineticError, type NetworkParams, invalidArgument, requireFiniteArray, requireNonNegative } from "@kinetic-nde/core";

/** A piece of [0, T] inside one layer, ending at a save time or a layer boundary. */
export interface Segment {
  /** Layer index. */
  readonly layer: number;
  /** Start time. */
  readonly t0: number;
  /** End time. */
  readonly t1: number;
  /** Index into the save times reached at t1, or -1. */
  readonly save: number;
}

/** Validate network parameters (structurally) and return them. */
export function requireParams(params: unknown, name = "params"): NetworkParams {
  if (typeof params !== "object" || params === null) throw invalidArgument(name, "network parameters (createNetwork)", params);
  const p = params as NetworkParams;
  if (!(p.W instanceof Float64Array) || !(p.b instanceof Float64Array) || typeof p.sigma !== "object") {
    throw invalidArgument(name, "network parameters (createNetwork)", params);
  }
  activationInfo(p.sigma); // refuses a hand-built activation that reuses a built-in name
  return p;
}

/** Require the identity activation: the moment hierarchy only closes for σ = id (MODEL.md §6). */
export function requireIdentity(params: NetworkParams, what: string, hint: string): void {
  if (activationInfo(params.sigma).kind !== "identity") {
    throw new KineticError(
      "UNSUPPORTED",
      `unsupported: ${what} needs the identity activation (the moment hierarchy does not close for σ = ${params.sigma.name}); ${hint}`,
      { details: { activation: params.sigma.name } },
    );
  }
}

/**
 * Save times: validated, sorted copy in [0, T]; default the layer boundaries 0, Δt, …, T.
 */
export function resolveSaveAt(params: NetworkParams, saveAt: ArrayLike<number> | undefined): Float64Array {
  if (saveAt === undefined) {
    const out = new Float64Array(params.nLayers + 1);
    for (let k = 0; k <= params.nLayers; k++) out[k] = k === params.nLayers ? params.T : k * params.dt;
    return out;
  }
  const s = requireFiniteArray("options.saveAt", saveAt);
  const tol = 1e-12 * params.T;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! < -tol || s[i]! > params.T + tol) throw invalidArgument(`options.saveAt[${i}]`, `a time in [0, T = ${params.T}]`, s[i]);
    if (i > 0 && s[i]! < s[i - 1]!) throw invalidArgument(`options.saveAt[${i}]`, "non-decreasing", s[i]);
    s[i] = Math.min(Math.max(s[i]!, 0), params.T);
  }
  return s;
}

/**
 * Cut [0, max saveAt] into segments that lie inside one layer and end at every save time.
 * A save time at 0 yields a zero-length segment on layer 0.
 */
export function buildSegments(params: NetworkParams, saveAt: Float64Array): Segment[] {
  const segs: Segment[] = [];
  const { dt, nLayers } = params;
  let t = 0;
  let layer = 0;
  for (let s = 0; s < saveAt.length; s++) {
    const target = saveAt[s]!;
    while (layer < nLayers - 1 && target > (layer + 1) * dt * (1 + 1e-14)) {
      const end = (layer + 1) * dt;
      if (end > t) segs.push({ layer, t0: t, t1: end, save: -1 });
      t = end;
      layer++;
    }
    segs.push({ layer, t0: t, t1: Math.max(target, t), save: s });
    t = Math.max(target, t);
  }
  return segs;
}

/**
 * Diffusion coefficient per layer for the 1-D model: given `D` (number or one per layer), else
 * K²/2 from a constant noise model, else 0.
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / UNSUPPORTED (state-dependent noise without D)
 */
export function resolveLayerD1(params: NetworkParams, D: number | ArrayLike<number> | undefined, name = "problem.D"): Float64Array {
  const L = params.nLayers;
  const out = new Float64Array(L);
  if (D !== undefined) {
    if (typeof D === "number") {
      out.fill(requireNonNegative(name, D));
    } else {
      const arr = requireFiniteArray(name, D, L);
      for (let k = 0; k < L; k++) out[k] = requireNonNegative(`${name}[${k}]`, arr[k]);
    }
    return out;
  }
  const noise = params.noise;
  if (noise === undefined) return out;
  if (noise.kind === "constant") {
    const K = noise.K[0]!;
    out.fill(0.5 * K * K);
    return out;
  }
  throw new KineticError(
    "UNSUPPORTED",
    `unsupported: a state-dependent noise model ("${noise.kind}") does not close the moment equations; give a constant \`D\` explicitly`,
    { details: { noise: noise.kind } },
  );
}

/**
 * Diffusion matrix D = K Kᵀ / 2 (d×d) for the d-dimensional model, or the given one (scalar → D·I).
 */
export function resolveD(params: NetworkParams, D: number | ArrayLike<number> | undefined, name = "problem.D"): Float64Array {
  const d = params.d;
  const out = new Float64Array(d * d);
  if (D !== undefined) {
    if (typeof D === "number") {
      requireNonNegative(name, D);
      for (let i = 0; i < d; i++) out[i * d + i] = D;
      return out;
    }
    const arr = requireFiniteArray(name, D, d * d);
    for (let i = 0; i < d; i++) {
      if (arr[i * d + i]! < 0) throw invalidArgument(`${name}[${i * d + i}]`, "a non-negative diagonal entry", arr[i * d + i]);
      for (let j = 0; j < d; j++) {
        if (arr[i * d + j] !== arr[j * d + i]) throw invalidArgument(name, "a symmetric matrix", D);
      }
    }
    return arr;
  }
  const noise = params.noise;
  if (noise === undefined) return out;
  if (noise.kind === "constant") {
    const K = noise.K;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += K[i * d + k]! * K[j * d + k]!;
        out[i * d + j] = 0.5 * s;
      }
    }
    return out;
  }
  throw new KineticError(
    "UNSUPPORTED",
    `unsupported: a state-dependent noise model ("${noise.kind}") does not close the moment equations; give a constant \`D\` explicitly`,
    { details: { noise: noise.kind } },
  );
}

/** Number of equal RK4 sub-steps for a segment of length τ with nominal step h. */
export function stepsFor(tau: number, h: number): number {
  if (tau <= 0) return 0;
  return Math.max(1, Math.ceil(tau / h - 1e-9));
}
