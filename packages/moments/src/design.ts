/**
 * Choosing the parameters of a linear network (σ = identity) from moments, MODEL.md §6–7:
 * the first two moments can be matched exactly, nothing more.
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, createScalarNetwork } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import { solveMomentHierarchy } from "./hierarchy.js";
import { phi1 } from "./internal/phi.js";

/** Problem of {@link designLinearNetwork}. */
export interface LinearDesignProblem {
  /** Mean of the input distribution f_0. */
  readonly m1_0: number;
  /** Variance of f_0 (≥ 0). */
  readonly var_0: number;
  /** Target mean at time T. */
  readonly m1_T: number;
  /** Target variance at time T (≥ 0). */
  readonly var_T: number;
  /** Horizon T > 0. */
  readonly T: number;
  /** Diffusion D ≥ 0 of the stochastic ResNet (default 0: deterministic network). */
  readonly D?: number;
  /** Depth of the returned (constant-in-time) network, default 1. */
  readonly nLayers?: number;
}

/** A designed linear network. */
export interface LinearDesign {
  /** Weight w (constant in time). */
  readonly w: number;
  /** Bias b (constant in time). */
  readonly b: number;
  /** Diffusion D used. */
  readonly D: number;
  /** The network: identity activation, constant w and b, noise K = √(2D) when D > 0. */
  readonly params: NetworkParams;
  /** Mean and variance at T predicted by the closed forms (equal to the target up to rounding). */
  readonly predicted: { readonly mean: number; readonly variance: number };
  /** One or two sentences on the choice (aggregation/spreading, free parameters). */
  readonly explanation: string;
}

function noSolution(message: string, details: Record<string, unknown>): KineticError {
  return new KineticError("NO_SOLUTION", `no solution: ${message}`, { details });
}

/** The validated end-point moments, horizon and diffusion shared by the linear design problems. */
function checkEndpoints(problem: LinearDesignProblem | LayerwiseDesignProblem): {
  m1_0: number;
  V0: number;
  m1_T: number;
  VT: number;
  T: number;
  D: number;
} {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  return {
    m1_0: requireFinite("problem.m1_0", problem.m1_0),
    V0: requireNonNegative("problem.var_0", problem.var_0),
    m1_T: requireFinite("problem.m1_T", problem.m1_T),
    VT: requireNonNegative("problem.var_T", problem.var_T),
    T: requirePositive("problem.T", problem.T),
    D: requireNonNegative("problem.D", problem.D ?? 0),
  };
}

/** Variance at τ of the linear flow with weight w and diffusion D: e^{2wτ} V0 + 2D (e^{2wτ}-1)/(2w). */
function varianceAt(w: number, V0: number, D: number, tau: number): number {
  return Math.exp(2 * w * tau) * V0 + 2 * D * phi1(2 * w, tau);
}

/**
 * The weight carrying variance V0 to V1 over τ (monotone in w: bisection to full precision).
 * Preconditions (checked by callers): V1 > 0 and (V0 > 0 or D > 0).
 */
function solveWeight(V0: number, V1: number, D: number, tau: number): number {
  if (D === 0) return Math.log(V1 / V0) / (2 * tau);
  let lo: number;
  let hi: number;
  const v0 = varianceAt(0, V0, D, tau);
  if (v0 === V1) return 0;
  if (v0 < V1) {
    lo = 0;
    hi = 1 / tau;
    while (varianceAt(hi, V0, D, tau) < V1 && hi * tau < 700) hi *= 2;
  } else {
    hi = 0;
    lo = -1 / tau;
    while (varianceAt(lo, V0, D, tau) > V1 && -lo * tau < 1e300) lo *= 2;
  }
  for (let it = 0; it < 400; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (varianceAt(mid, V0, D, tau) < V1) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Design a constant linear network (σ = identity) that carries an input of mean m1_0 and variance
 * var_0 to mean m1_T and variance var_T at time T (the continuous-time model).
 *
 * @param problem - `{ m1_0, var_0, m1_T, var_T, T, D?, nLayers? }`
 * @returns `{ w, b, D, params, predicted, explanation }`
 * @throws KineticError NO_SOLUTION when the target cannot be reached: var_T = 0 at finite T (with
 *   var_0 > 0 or D > 0), or var_0 = 0, var_T > 0 without noise (D = 0); INVALID_ARGUMENT for bad input
 * @remarks D = 0: w = ln(var_T/var_0)/(2T), b = (m1_T - e^{wT} m1_0) w / (e^{wT} - 1) (b = (m1_T - m1_0)/T
 * at w = 0). D > 0: the variance e^{2wT} var_0 + D (e^{2wT} - 1)/w is increasing in w, so w is found
 * by bisection to full precision (unique). var_0 = var_T = 0 with D = 0 leaves w free; w = 0 is chosen.
 * Only the first two moments are matched; see {@link designFromMoments} for the rest.
 * @example
 * ```ts
 * const { w, b } = designLinearNetwork({ m1_0: 0.5, var_0: 0.25, m1_T: 1, var_T: 0.01, T: 2 });
 * // w = ln(0.04)/4 ≈ -0.805 (aggregation)
 * ```
 */
export function designLinearNetwork(problem: LinearDesignProblem): LinearDesign {
  const { m1_0, V0, m1_T, VT, T, D } = checkEndpoints(problem);
  const nLayers = requireInteger("problem.nLayers", problem.nLayers ?? 1);
  const { w, note } = weightFor(V0, VT, D, T);
  const b = (m1_T - Math.exp(w * T) * m1_0) / phi1(w, T);
  const params = createScalarNetwork({ sigma: "identity", w, b, T, nLayers, ...(D > 0 ? { K: Math.sqrt(2 * D) } : {}) });
  const predicted = { mean: Math.exp(w * T) * m1_0 + b * phi1(w, T), variance: varianceAt(w, V0, D, T) };
  const regime =
    w < 0 ? "aggregation (w < 0: the flow contracts)" : w > 0 ? "spreading (w > 0: the flow expands)" : "pure translation (w = 0)";
  return { w, b, D, params, predicted, explanation: `${regime}; b moves the mean to ${m1_T}.${note}` };
}

function weightFor(V0: number, VT: number, D: number, tau: number): { w: number; note: string } {
  if (VT === 0) {
    if (V0 > 0 || D > 0) {
      throw noSolution(
        `a target variance of 0 cannot be reached at finite T: the variance of a linear network is ${
          D > 0 ? "at least 2D·(1 - e^{2wT})/(-2w) > 0 with noise" : "e^{2wT}·var_0 > 0"
        }; it only tends to 0 as T → ∞ with w < 0 (D = 0)`,
        { var_0: V0, var_T: VT, D },
      );
    }
    return { w: 0, note: " var_0 = var_T = 0 leaves w free; w = 0 chosen." };
  }
  if (V0 === 0 && D === 0) {
    throw noSolution(
      "a deterministic linear network maps a point mass (var_0 = 0) to a point mass; a positive target variance needs noise D > 0",
      { var_0: V0, var_T: VT, D },
    );
  }
  return { w: solveWeight(V0, VT, D, tau), note: "" };
}

/** Problem of {@link designFromMoments}. */
export interface MomentDesignProblem {
  /** Raw moments m_0..m_K of the input distribution (m_0 = 1 for a probability), K ≥ 2. */
  readonly initial: ArrayLike<number>;
  /** Raw moments m_0..m_K of the target at T (same length). */
  readonly target: ArrayLike<number>;
  /** Horizon T > 0. */
  readonly T: number;
  /** Diffusion D ≥ 0 (default 0). */
  readonly D?: number;
  /** Relative tolerance for "matched" (default 1e-9). */
  readonly rtol?: number;
  /** Throw NO_SOLUTION when a higher moment is not matched (default false: report only). */
  readonly requireExact?: boolean;
}

/** Mismatch of one moment order. */
export interface MomentMismatch {
  /** Order k. */
  readonly order: number;
  /** Raw moment m_k(T) reached by the designed network. */
  readonly achieved: number;
  /** Target raw moment. */
  readonly target: number;
  /** |achieved - target| / max(|target|, 1e-300). */
  readonly relativeError: number;
}

/** Result of {@link designFromMoments}. */
export interface MomentDesignResult {
  /** The design matching mean and variance. */
  readonly design: LinearDesign;
  /** Raw moments at T reached by the design (K + 1 values). */
  readonly achieved: Float64Array;
  /** One entry per order k = 3..K. */
  readonly mismatch: readonly MomentMismatch[];
  /** Standardised shape: skewness and excess kurtosis of input, reached output and target. */
  readonly shape: {
    readonly skewness: { readonly initial: number; readonly achieved: number; readonly target: number };
    readonly excessKurtosis: { readonly initial: number; readonly achieved: number; readonly target: number };
  };
  /** True when every order ≤ K matches within `rtol`. */
  readonly exact: boolean;
  /** Why higher moments do (not) match. */
  readonly explanation: string;
}

function shapeOf(m: Float64Array): { skew: number; exKurt: number } {
  const m0 = m[0]!;
  const mu = m[1]! / m0;
  const e2 = m[2]! / m0;
  const c2 = e2 - mu * mu;
  if (m.length < 5 || !(c2 > 0)) {
    const c3 = m.length >= 4 ? m[3]! / m0 - 3 * mu * e2 + 2 * mu * mu * mu : NaN;
    return { skew: c2 > 0 ? c3 / Math.pow(c2, 1.5) : NaN, exKurt: NaN };
  }
  const e3 = m[3]! / m0;
  const e4 = m[4]! / m0;
  const c3 = e3 - 3 * mu * e2 + 2 * mu * mu * mu;
  const c4 = e4 - 4 * mu * e3 + 6 * mu * mu * e2 - 3 * mu * mu * mu * mu;
  return { skew: c3 / Math.pow(c2, 1.5), exKurt: c4 / (c2 * c2) - 3 };
}

/**
 * Design the linear network from raw moments and report how far the higher moments (k ≥ 3) are
 * from the target: a linear network matches the first two moments and nothing more.
 *
 * @param problem - `{ initial, target, T, D?, rtol?, requireExact? }` (raw moments m_0..m_K, K ≥ 2)
 * @returns the design, the moments it reaches, the mismatch per order, the skewness / excess kurtosis
 *   of input, output and target, and an explanation
 * @throws KineticError NO_SOLUTION (the cases of {@link designLinearNetwork}, or `requireExact` and a
 *   higher moment does not match), INVALID_ARGUMENT, SHAPE_MISMATCH (lengths differ)
 * @remarks Without noise the map x ↦ e^{wT}x + c is affine, so skewness and kurtosis are carried
 * unchanged from the input; with noise they are shrunk toward the Gaussian values (0, 0). A
 * non-Gaussian target whose shape differs from the input's is therefore out of reach; nonlinear σ or
 * the Fokker–Planck steady state (state-dependent D) is needed. The achieved moments come from the
 * exact hierarchy (cost O(K²)).
 * @example
 * ```ts
 * // N(0, 1/3) → uniform on [-1, 1] (raw moments 1, 0, 1/3, 0, 1/5): same mean and variance.
 * const r = designFromMoments({ initial: gaussianRawMoments(0, 1 / 3, 4), target: [1, 0, 1 / 3, 0, 0.2], T: 1 });
 * r.exact; // false: the fourth moment stays 1/3 (Gaussian), the target has 1/5
 * ```
 */
export function designFromMoments(problem: MomentDesignProblem): MomentDesignResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const init = requireFiniteArray("problem.initial", problem.initial);
  const targ = requireFiniteArray("problem.target", problem.target);
  if (init.length < 3) throw invalidArgument("problem.initial", "raw moments m_0..m_K with K ≥ 2", problem.initial);
  if (targ.length !== init.length) throw shapeMismatch("problem.target", `${init.length} moments (as initial)`, targ.length);
  if (!(init[0]! > 0)) throw invalidArgument("problem.initial[0]", "a positive mass", init[0]);
  if (Math.abs(targ[0]! - init[0]!) > 1e-12 * init[0]!) {
    throw noSolution(`the network conserves mass: target m_0 = ${targ[0]} differs from initial m_0 = ${init[0]}`, {
      initial: init[0],
      target: targ[0],
    });
  }
  const rtol = requirePositive("problem.rtol", problem.rtol ?? 1e-9);
  const T = requirePositive("problem.T", problem.T);
  const D = requireNonNegative("problem.D", problem.D ?? 0);
  const mu0 = init[1]! / init[0]!;
  const muT = targ[1]! / targ[0]!;
  const V0 = init[2]! / init[0]! - mu0 * mu0;
  const VT = targ[2]! / targ[0]! - muT * muT;
  if (V0 < -1e-12 * (init[2]! / init[0]!)) throw invalidArgument("problem.initial", "moments of a distribution (variance ≥ 0)", V0);
  if (VT < -1e-12 * (targ[2]! / targ[0]!)) throw invalidArgument("problem.target", "moments of a distribution (variance ≥ 0)", VT);
  const design = designLinearNetwork({ m1_0: mu0, var_0: Math.max(V0, 0), m1_T: muT, var_T: Math.max(VT, 0), T, D });
  const sol = solveMomentHierarchy({ params: design.params, m0: init, D }, { saveAt: [T] });
  const achieved = sol.m.slice(0, init.length);
  const mismatch: MomentMismatch[] = [];
  let exact = true;
  let worst: MomentMismatch | null = null;
  for (let k = 3; k < init.length; k++) {
    const a = achieved[k]!;
    const t = targ[k]!;
    const scale = Math.max(Math.abs(t), Math.pow(Math.abs(VT), k / 2) * targ[0]!, 1e-300);
    const rel = Math.abs(a - t) / scale;
    const mm = { order: k, achieved: a, target: t, relativeError: rel };
    mismatch.push(mm);
    if (rel > rtol) {
      exact = false;
      if (worst === null || rel > worst.relativeError) worst = mm;
    }
  }
  const si = shapeOf(init);
  const sa = shapeOf(achieved);
  const st = shapeOf(targ);
  const explanation = exact
    ? "The first two moments fix w and b; the higher moments also match (the target has the input's shape, e.g. both Gaussian)."
    : `A linear network matches mean and variance only: ${
        D > 0 ? "noise shrinks skewness and excess kurtosis toward the Gaussian values" : "an affine map keeps skewness and kurtosis"
      } (input skewness ${fmt(si.skew)}, excess kurtosis ${fmt(si.exKurt)}; reached ${fmt(sa.skew)}, ${fmt(sa.exKurt)}; target ${fmt(st.skew)}, ${fmt(st.exKurt)}). Order ${worst!.order} is off by ${fmt(worst!.relativeError)} (relative). Use a nonlinear activation or a Fokker–Planck steady state.`;
  if (!exact && problem.requireExact === true) {
    throw noSolution(explanation, { mismatch });
  }
  return {
    design,
    achieved,
    mismatch,
    shape: {
      skewness: { initial: si.skew, achieved: sa.skew, target: st.skew },
      excessKurtosis: { initial: si.exKurt, achieved: sa.exKurt, target: st.exKurt },
    },
    exact,
    explanation,
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

/** Problem of {@link designLayerwise}. */
export interface LayerwiseDesignProblem extends Omit<LinearDesignProblem, "nLayers"> {
  /** Depth L ≥ 1; Δt = T/L. */
  readonly nLayers: number;
  /**
   * `"ode"` (default): layer k is exact for the neural ODE on [kΔt, (k+1)Δt); `"resnet"`: exact for
   * the (stochastic) ResNet x ← (1 + Δt w_k) x + Δt b_k + √Δt K ξ itself.
   */
  readonly model?: "ode" | "resnet";
}

/** Result of {@link designLayerwise}. */
export interface LayerwiseDesign {
  /** Weights w_k, L values. */
  readonly w: Float64Array;
  /** Biases b_k, L values. */
  readonly b: Float64Array;
  /** The network (identity activation; noise K = √(2D) when D > 0). */
  readonly params: NetworkParams;
  /** The intermediate targets reached at layer boundaries (L + 1 values each). */
  readonly waypoints: { readonly mean: Float64Array; readonly variance: Float64Array };
  /** How the path was chosen. */
  readonly explanation: string;
}

/**
 * Layer-wise design for a given depth: the mean moves linearly and the variance geometrically from
 * layer to layer, each layer chosen exactly for the continuous model (`"ode"`) or for the ResNet
 * update itself (`"resnet"`).
 *
 * @param problem - `{ m1_0, var_0, m1_T, var_T, T, nLayers, D?, model? }`
 * @returns per-layer `w`, `b`, the network, and the waypoints (mean, variance at every layer boundary)
 * @throws KineticError NO_SOLUTION (as {@link designLinearNetwork}; for `"resnet"` also when one layer's
 *   noise 2DΔt alone exceeds the next waypoint's variance), INVALID_ARGUMENT
 * @remarks With D = 0 the geometric path gives equal weights w_k = ln(var_T/var_0)/(2T) (`"ode"`) and
 * biases that move the mean by equal steps. For `"resnet"` the layer map is x ↦ a x + Δt b with
 * a = 1 + Δt w > 0 (order preserving): a² = (V_{k+1} - 2DΔt)/V_k. With var_0 = 0 and noise, the path
 * starts linearly in the variance (`"ode"`) or at the variance 2DΔt the first noisy layer adds (`"resnet"`).
 * @example
 * ```ts
 * const r = designLayerwise({ m1_0: 0, var_0: 1, m1_T: 2, var_T: 0.25, T: 1, nLayers: 10, model: "resnet" });
 * ```
 */
export function designLayerwise(problem: LayerwiseDesignProblem): LayerwiseDesign {
  const { m1_0, V0, m1_T, VT, T, D } = checkEndpoints(problem);
  const L = requireInteger("problem.nLayers", problem.nLayers, 1, 1e7);
  const model = requireOneOf("problem.model", problem.model ?? "ode", ["ode", "resnet"] as const);
  const dt = T / L;
  // Same feasibility rules as the one-layer design (throws NO_SOLUTION).
  weightFor(V0, VT, D, T);
  const mean = new Float64Array(L + 1);
  const variance = new Float64Array(L + 1);
  for (let k = 0; k <= L; k++) mean[k] = m1_0 + ((m1_T - m1_0) * k) / L;
  let note = "mean linear, variance geometric between layers";
  if (V0 > 0 && VT > 0) {
    for (let k = 0; k <= L; k++) variance[k] = V0 * Math.pow(VT / V0, k / L);
  } else if (V0 === 0 && VT > 0) {
    if (model === "ode") {
      for (let k = 0; k <= L; k++) variance[k] = (VT * k) / L;
      note = "mean and variance linear between layers (var_0 = 0)";
    } else {
      const V1 = 2 * D * dt;
      variance[0] = 0;
      if (L === 1) {
        variance[1] = VT;
      } else {
        for (let k = 1; k <= L; k++) variance[k] = V1 * Math.pow(VT / V1, (k - 1) / (L - 1));
      }
      note = "mean linear; variance 2DΔt after the first layer (var_0 = 0), then geometric";
    }
  }
  variance[0] = V0;
  variance[L] = VT;
  const w = new Float64Array(L);
  const b = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    const Va = variance[k]!;
    const Vb = variance[k + 1]!;
    if (model === "ode") {
      w[k] = Va === 0 && Vb === 0 ? 0 : solveWeight(Va, Vb, D, dt);
      b[k] = (mean[k + 1]! - Math.exp(w[k]! * dt) * mean[k]!) / phi1(w[k]!, dt);
    } else {
      const added = 2 * D * dt;
      let a: number;
      if (Va === 0) {
        if (Math.abs(Vb - added) > 1e-12 * Math.max(Vb, added)) {
          throw noSolution(`layer ${k} starts from variance 0, so its output variance is exactly 2DΔt = ${added}, not ${Vb}`, {
            layer: k,
            variance: Vb,
            added,
          });
        }
        a = 1;
      } else {
        const a2 = (Vb - added) / Va;
        if (!(a2 > 0)) {
          throw noSolution(
            `layer ${k}: the noise of one ResNet layer alone adds variance 2DΔt = ${added} ≥ the next waypoint ${Vb}; use more layers or less noise`,
            { layer: k, variance: Vb, added },
          );
        }
        a = Math.sqrt(a2);
      }
      w[k] = (a - 1) / dt;
      b[k] = (mean[k + 1]! - a * mean[k]!) / dt;
    }
  }
  const params = createScalarNetwork({ sigma: "identity", w, b, T, ...(D > 0 ? { K: Math.sqrt(2 * D) } : {}) });
  return {
    w,
    b,
    params,
    waypoints: { mean, variance },
    explanation: `${note}; each layer exact for the ${model === "ode" ? "neural ODE" : "ResNet update"}.`,
  };
}
