/**
 * Shared validation and time bookkeeping of the moment solvers. Internal.
 * @packageDocumentation
 */
import { KineticError, activationInfo, type NetworkParams, type Timeline, checkNetwork, resolveTimeline } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray, requireNonNegative } from "@kinetic-nde/core/validate";

/** Validate network parameters (structurally) and return them. */
export function requireParams(params: unknown, name = "params"): NetworkParams {
  return checkNetwork(params, name);
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
 * The timeline of a moment solve (core's one resolver): save times default to the layer boundaries
 * 0, Δt, …, T; `stateSize` values are stored per save time.
 */
export function momentTimeline(params: NetworkParams, saveAt: ArrayLike<number> | number | undefined, stateSize: number): Timeline {
  return resolveTimeline(params, saveAt, { name: "options.saveAt", defaultSaveAt: "layers", stateSize });
}

/** RK4's stability polynomial R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 at z = re + i·im: is |R(z)| ≤ 1? */
export function rk4Stable(re: number, im = 0): boolean {
  // Horner in complex arithmetic
  let pr = 1 / 24,
    pi = 0;
  for (const c of [1 / 6, 1 / 2, 1, 1]) {
    const nr = pr * re - pi * im + c;
    const ni = pr * im + pi * re;
    pr = nr;
    pi = ni;
  }
  return pr * pr + pi * pi <= 1 + 1e-12;
}

/** Largest h·|λ| of RK4's stability interval on the negative real axis (|R(-2.785…)| = 1). */
export const RK4_REAL_STABILITY = 2.785293563405282;

/** Most RK4 steps a moment solve may take when it chooses its steps itself (refused above: TOO_LARGE). */
export const MAX_AUTO_STEPS = 1e8;

/**
 * RK4 step count for a segment of length τ: with `fixed` (the user's steps per layer), h = Δt/fixed; else
 * the default steps per layer, refined until h·rate ≤ 1 (well inside the stability interval, and
 * accurate: |R(-1) - e^{-1}| < 0.008), where `rate` bounds |λ| of the decaying modes on the layer.
 */
export function rk4Steps(tau: number, dt: number, stepsPerLayer: number, fixed: boolean, rate: number): number {
  const h0 = dt / stepsPerLayer;
  const h = fixed || !(rate > 0) ? h0 : Math.min(h0, 1 / rate);
  return stepsFor(tau, h);
}

/** Eigenvalue regions of the mean–covariance system of one layer: discs (centre re, im; radius r). */
export interface SpectrumBound {
  /** Bound on |λ| of every mode (for the automatic step h ≤ 1/rate). */
  readonly rate: number;
  /** Discs containing the eigenvalues λ_i of W and λ_i + λ_j of C ↦ WC + CWᵀ: [re, im, r] triples. */
  readonly discs: readonly (readonly [number, number, number])[];
}

/**
 * Where the eigenvalues of dμ/dt = Wμ + b, dC/dt = WC + CWᵀ + 2D lie for one layer's W (d×d at offset
 * `o`): exactly for d ≤ 2 (discs of radius 0), by Gershgorin discs (conservative) for d > 2.
 */
export function spectrumBound(W: Float64Array, o: number, d: number): SpectrumBound {
  const eig: [number, number, number][] = [];
  if (d === 1) eig.push([W[o]!, 0, 0]);
  else if (d === 2) {
    const a = W[o]!,
      b = W[o + 1]!,
      c = W[o + 2]!,
      e = W[o + 3]!;
    const tr = 0.5 * (a + e),
      disc = 0.25 * (a - e) * (a - e) + b * c;
    if (disc >= 0) eig.push([tr + Math.sqrt(disc), 0, 0], [tr - Math.sqrt(disc), 0, 0]);
    else eig.push([tr, Math.sqrt(-disc), 0], [tr, -Math.sqrt(-disc), 0]);
  } else {
    for (let i = 0; i < d; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) if (j !== i) r += Math.abs(W[o + i * d + j]!);
      eig.push([W[o + i * d + i]!, 0, r]);
    }
  }
  const discs: [number, number, number][] = [...eig];
  for (const p of eig) for (const q of eig) discs.push([p[0] + q[0], p[1] + q[1], p[2] + q[2]]);
  let rate = 0;
  for (const [re, im, r] of discs) rate = Math.max(rate, Math.hypot(re, im) + r);
  return { rate, discs };
}

/**
 * Is RK4 with step h stable on every decaying mode of the discs (points with Re z < 0; growing modes
 * are not a stability matter)? Each disc is tested at its centre and 64 boundary points.
 */
export function rk4StableOn(bound: SpectrumBound, h: number): boolean {
  for (const [re, im, r] of bound.discs) {
    const n = r > 0 ? 64 : 1;
    for (let k = 0; k < n; k++) {
      const zr = h * (re + r * Math.cos((2 * Math.PI * k) / n));
      const zi = h * (im + r * Math.sin((2 * Math.PI * k) / n));
      if (zr < 0 && !rk4Stable(zr, zi)) return false;
    }
  }
  return true;
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
