/**
 * Long-time behaviour of the linear model (σ = identity) as data: limits, rates, regime.
 * @packageDocumentation
 */
import type { NetworkParams } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray } from "@kinetic-nde/core/validate";
import { solveLinear, solveLyapunov, isPositiveDefinite } from "./internal/linalg.js";
import { requireIdentity, requireParams, resolveD } from "./internal/timeline.js";

/** Options of {@link describeLongTime}. */
export interface LongTimeOptions {
  /** Diffusion D (number → D·I, or d·d matrix); default K Kᵀ/2 of a constant noise model, else 0. */
  readonly D?: number | ArrayLike<number>;
  /** Initial mean (d values), used to tell on which side the mean escapes when it diverges. */
  readonly mean0?: ArrayLike<number>;
}

/** Regime of the long-time behaviour. */
export type LongTimeRegime = "aggregation" | "spreading" | "translation" | "marginal";

/** Structured long-time description (see {@link describeLongTime}). */
export interface LongTimeDescription {
  /** Dimension d. */
  readonly d: number;
  /** `"constant"` parameters, or `"last-layer"`: the last layer is continued beyond T. */
  readonly basedOn: "constant" | "last-layer";
  /**
   * `"aggregation"`: every eigenvalue of W has negative real part (1-D: w < 0), mass concentrates at x*;
   * `"spreading"`: some eigenvalue has positive real part; `"translation"`: W = 0 (only b moves the
   * mean); `"marginal"`: otherwise (spectral abscissa 0, W ≠ 0).
   */
  readonly regime: LongTimeRegime;
  /** Spectral abscissa α of W (1-D: w): mean deviations behave like e^{αt}. */
  readonly meanRate: number;
  /** 2α: covariance deviations behave like e^{2αt} (1-D: Var(t) - V∞ ∝ e^{2wt}). */
  readonly varianceRate: number;
  /** ln 2 / |α|: half-life of the distance of the mean to its limit (aggregation), or doubling time. */
  readonly halfLife: number;
  /** The equilibrium x* = -W⁻¹ b (d values), or null when W is singular. */
  readonly fixedPoint: Float64Array | null;
  /**
   * Limit of the mean (d values): x* when aggregating; ±Infinity per component when it escapes (sign
   * from `mean0` when given, NaN otherwise); the mean itself when nothing moves it.
   */
  readonly limitMean: Float64Array;
  /**
   * Limit of the covariance (d·d): the Lyapunov solution of W C + C Wᵀ + 2D = 0 when aggregating
   * (1-D: D/|w|, 0 without noise); Infinity on the diagonal when it grows without bound (for a
   * non-degenerate input: a point mass without noise stays a point mass); NaN on the diagonal for
   * W = 0 without noise (the covariance keeps its initial value).
   */
  readonly limitCovariance: Float64Array;
  /** The stationary distribution: a point mass at x*, N(x*, C∞), or none. */
  readonly steadyState:
    | { readonly kind: "delta"; readonly at: Float64Array }
    | { readonly kind: "gaussian"; readonly mean: Float64Array; readonly covariance: Float64Array }
    | { readonly kind: "none" };
  /** Printable multi-line summary. */
  readonly summary: string;
}

function abscissa(W: Float64Array, d: number): number {
  if (d === 1) return W[0]!;
  if (d === 2) {
    const tr = W[0]! + W[3]!;
    const det = W[0]! * W[3]! - W[1]! * W[2]!;
    const disc = tr * tr - 4 * det;
    return disc >= 0 ? 0.5 * (tr + Math.sqrt(disc)) : 0.5 * tr;
  }
  // α = inf{ s : W - sI is Hurwitz }, Hurwitz ⇔ the Lyapunov solution of A P + P Aᵀ + I = 0 is PD.
  let bound = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += Math.abs(W[i * d + j]!);
    bound = Math.max(bound, r);
  }
  let lo = -bound - 1;
  let hi = bound + 1;
  const I = new Float64Array(d * d);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  const A = new Float64Array(d * d);
  for (let it = 0; it < 80; it++) {
    const s = 0.5 * (lo + hi);
    for (let i = 0; i < d * d; i++) A[i] = W[i]!;
    for (let i = 0; i < d; i++) A[i * d + i] -= s;
    const P = solveLyapunov(A, I, d);
    if (P !== null && isPositiveDefinite(P, d)) hi = s;
    else lo = s;
  }
  return 0.5 * (lo + hi);
}

/**
 * Describe the long-time behaviour of the linear model: regime, rates e^{wt} and e^{2wt}, the limits
 * of mean and variance (x* = -b/w and D/|w| in 1-D) and the stationary distribution.
 *
 * @param params - network parameters, identity activation, any d (the last layer is continued past T)
 * @param options - `D` (default from a constant noise model), `mean0` (d values, for escape directions)
 * @returns a {@link LongTimeDescription} with a printable `summary`
 * @throws KineticError UNSUPPORTED (activation ≠ identity, state-dependent noise without `D`),
 *   INVALID_ARGUMENT / SHAPE_MISMATCH for bad options
 * @remarks d ≤ 2: eigenvalues in closed form; d ≥ 3: the spectral abscissa by bisection on the shift
 * with a Lyapunov/Cholesky stability test (about 1e-12 absolute; cost O(d⁶) per test, meant for d ≲ 8).
 * @example
 * ```ts
 * const params = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 1, K: 0.5 });
 * describeLongTime(params).limitCovariance[0]; // D/|w| = 0.125
 * ```
 */
export function describeLongTime(params: NetworkParams, options: LongTimeOptions = {}): LongTimeDescription {
  const p = requireParams(params, "params");
  requireIdentity(p, "describeLongTime", "see the steady-state table for nonlinear activations (MODEL.md §4)");
  const d = p.d;
  const dd = d * d;
  const L = p.nLayers;
  const W = p.W.slice((L - 1) * dd, L * dd);
  const b = p.b.slice((L - 1) * d, L * d);
  const D = resolveD(p, options.D, "options.D");
  const mean0 = options.mean0 === undefined ? null : requireFiniteArray("options.mean0", options.mean0, d);
  let noise = false;
  for (let i = 0; i < dd; i++) if (D[i]! !== 0) noise = true;
  let zeroW = true;
  for (let i = 0; i < dd; i++) if (W[i]! !== 0) zeroW = false;
  const alpha = abscissa(W, d);
  const negB = new Float64Array(d);
  for (let i = 0; i < d; i++) negB[i] = -b[i]!;
  const fixedPoint = zeroW ? null : solveLinear(W, negB, d);
  const regime: LongTimeRegime = zeroW ? "translation" : alpha < 0 ? "aggregation" : alpha > 0 ? "spreading" : "marginal";
  const limitMean = new Float64Array(d);
  const limitCov = new Float64Array(dd);
  let steadyState: LongTimeDescription["steadyState"] = { kind: "none" };
  if (regime === "aggregation") {
    limitMean.set(fixedPoint!);
    const Q = new Float64Array(dd);
    for (let i = 0; i < dd; i++) Q[i] = 2 * D[i]!;
    const C = noise ? solveLyapunov(W, Q, d) : new Float64Array(dd);
    if (C === null) throw invalidArgument("params.W", "a matrix whose Lyapunov equation is solvable", "singular");
    limitCov.set(C);
    steadyState = noise
      ? { kind: "gaussian", mean: Float64Array.from(limitMean), covariance: Float64Array.from(limitCov) }
      : { kind: "delta", at: Float64Array.from(limitMean) };
  } else {
    for (let i = 0; i < d; i++) {
      if (zeroW) {
        limitMean[i] = b[i] === 0 ? (mean0 ? mean0[i]! : NaN) : b[i]! > 0 ? Infinity : -Infinity;
      } else if (mean0 && fixedPoint) {
        const dev = mean0[i]! - fixedPoint[i]!;
        limitMean[i] = dev === 0 ? fixedPoint[i]! : dev > 0 ? Infinity : -Infinity;
      } else {
        limitMean[i] = NaN;
      }
      // The spread grows without bound, except for W = 0 without noise, which keeps the initial
      // covariance (unknown here: NaN). A point mass without noise stays one; see the remarks.
      limitCov[i * d + i] = zeroW && !noise ? NaN : Infinity;
    }
  }
  const meanRate = alpha;
  const halfLife = alpha === 0 ? Infinity : Math.LN2 / Math.abs(alpha);
  const fmt = (v: ArrayLike<number>): string => (v.length === 1 ? fmtNum(v[0]!) : `[${Array.from(v, fmtNum).join(", ")}]`);
  const lines: string[] = [];
  lines.push(
    `linear network, d = ${d}, ${p.constant ? "constant parameters" : "last layer continued beyond T"}${noise ? ", with noise" : ""}`,
  );
  if (regime === "aggregation") {
    lines.push(`regime: aggregation (${d === 1 ? `w = ${fmtNum(alpha)} < 0` : `spectral abscissa ${fmtNum(alpha)} < 0`})`);
    lines.push(`mean → x* = ${fmt(limitMean)} like e^{${fmtNum(alpha)} t} (half-life ${fmtNum(halfLife)})`);
    lines.push(
      noise
        ? `${d === 1 ? "variance" : "covariance"} → ${fmt(d === 1 ? [limitCov[0]!] : limitCov)}${d === 1 ? " = D/|w|" : " (Lyapunov)"} like e^{${fmtNum(2 * alpha)} t}`
        : `variance → 0 like e^{${fmtNum(2 * alpha)} t}`,
    );
    lines.push(
      noise ? `steady state: Gaussian N(x*, ${d === 1 ? "D/|w|" : "C∞"}) (Ornstein–Uhlenbeck)` : "steady state: point mass δ at x*",
    );
  } else if (regime === "translation") {
    lines.push(
      "regime: translation (W = 0): b moves the mean linearly, the shape is kept" +
        (noise ? " and diffusion widens it (variance grows like 2Dt)" : ""),
    );
    lines.push("steady state: none");
  } else {
    lines.push(`regime: ${regime} (${d === 1 ? `w = ${fmtNum(alpha)}` : `spectral abscissa ${fmtNum(alpha)}`})`);
    if (fixedPoint) lines.push(`x* = ${fmt(fixedPoint)} is unstable: mass on either side escapes to ±∞ like e^{${fmtNum(alpha)} t}`);
    lines.push(`variance grows like e^{${fmtNum(2 * alpha)} t}`);
    lines.push("steady state: none");
  }
  return {
    d,
    basedOn: p.constant ? "constant" : "last-layer",
    regime,
    meanRate,
    varianceRate: 2 * alpha,
    halfLife,
    fixedPoint,
    limitMean,
    limitCovariance: limitCov,
    steadyState,
    summary: lines.join("\n"),
  };
}

function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toPrecision(6)).toString();
}
