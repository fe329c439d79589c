/**
 * The closed moment hierarchy of the 1-D linear model (σ = identity), MODEL.md §6:
 * dm_0/dt = 0, dm_k/dt = k w m_k + k b m_{k-1} + k(k-1) D m_{k-2}.
 * @packageDocumentation
 */
import type { NetworkParams, SolveStatus } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireNonNegative,
  requireFits,
  requireOneOf,
  requireOptions,
} from "@kinetic-nde/core/validate";
import type { MomentSolveOptions, MomentSolveStats } from "./methods.js";
import { phi1 } from "./internal/phi.js";
import {
  MAX_AUTO_STEPS,
  momentTimeline,
  requireIdentity,
  requireParams,
  resolveLayerD1,
  rk4Stable,
  rk4Steps,
} from "./internal/timeline.js";
import { allFinite, createRk4Work, rk4Advance } from "./internal/rk4.js";

/** Problem of {@link solveMomentHierarchy}. */
export interface MomentHierarchyProblem {
  /** Network parameters: d = 1, identity activation, one (w, b) per layer. */
  readonly params: NetworkParams;
  /**
   * Initial raw moments m_0(0), …, m_K(0) with m_k = ∫ x^k f dx (m_0 is the mass); the length
   * K + 1 sets the order K. Use {@link gaussianRawMoments} for a normal initial density.
   */
  readonly m0: ArrayLike<number>;
  /**
   * Diffusion coefficient D ≥ 0 (Fokker–Planck, D = K²/2), one number or one per layer. Default:
   * K²/2 from a constant noise model of `params`, else 0 (Vlasov).
   */
  readonly D?: number | ArrayLike<number>;
}

/** Options of {@link solveMomentHierarchy}. */
export interface MomentHierarchyOptions extends MomentSolveOptions {
  /**
   * RK4 steps per layer; pieces of a layer get proportionally many, at least one. Given: used as is,
   * and a step outside RK4's stability interval (h·max(K, 2)·|w| > 2.785 for w < 0) gives status
   * `"unstable"`. Not given: 64, refined per layer until h·max(K, 2)·|w| ≤ 1.
   */
  readonly stepsPerLayer?: number;
}

/** Result of {@link solveMomentHierarchy}. */
export interface MomentHierarchyResult {
  /** Output times (nT values). */
  readonly t: Float64Array;
  /** Raw moments, nT·(K+1) values: `m[s*(K+1) + k]` = m_k(t_s). */
  readonly m: Float64Array;
  /** The order K. */
  readonly order: number;
  /**
   * Mean m_1/m_0 at each output time (nT values), integrated from its own equation
   * μ' = wμ + b so it does not suffer from cancellation; NaN when m_0 = 0 or K < 1.
   */
  readonly mean: Float64Array;
  /**
   * Variance at each output time from V' = 2wV + 2D (no cancellation from m_2 - m_1²);
   * NaN when m_0 = 0 or K < 2.
   */
  readonly variance: Float64Array;
  /**
   * `"success"`; `"non-finite"` when the moments overflowed (later entries are NaN); `"unstable"` when a
   * fixed RK4 step lay outside its stability interval or a variance came out negative (numbers not to
   * be trusted).
   */
  readonly status: SolveStatus;
  /** Work counters. */
  readonly stats: MomentSolveStats;
}

/**
 * Raw moments m_0..m_K of mass·N(mean, variance).
 * @param mean - mean μ (finite)
 * @param variance - variance s² ≥ 0
 * @param K - highest order (integer ≥ 0)
 * @param mass - total mass m_0 (default 1)
 * @returns a fresh Float64Array of K + 1 values (recursion μ_n = μ μ_{n-1} + (n-1) s² μ_{n-2})
 * @throws KineticError INVALID_ARGUMENT for non-finite or negative inputs
 * @remarks Exact up to rounding; O(K).
 * @example
 * ```ts
 * gaussianRawMoments(0.5, 0.25, 4); // [1, 0.5, 0.5, 0.5, 0.625]
 * ```
 */
export function gaussianRawMoments(mean: number, variance: number, K: number, mass = 1): Float64Array {
  requireFinite("mean", mean);
  requireNonNegative("variance", variance);
  requireInteger("K", K, 0, 1000);
  requireFinite("mass", mass);
  const out = new Float64Array(K + 1);
  gaussianRawInto(mean, variance, out);
  for (let k = 0; k <= K; k++) out[k] = out[k]! * mass;
  return out;
}

function gaussianRawInto(c: number, s2: number, out: Float64Array): void {
  out[0] = 1;
  if (out.length > 1) out[1] = c;
  for (let n = 2; n < out.length; n++) out[n] = c * out[n - 1]! + (n - 1) * s2 * out[n - 2]!;
}

function binomialTable(K: number): Float64Array {
  const C = new Float64Array((K + 1) * (K + 1));
  for (let n = 0; n <= K; n++) {
    C[n * (K + 1)] = 1;
    for (let j = 1; j <= n; j++) C[n * (K + 1) + j] = C[(n - 1) * (K + 1) + j - 1]! + (j <= n - 1 ? C[(n - 1) * (K + 1) + j]! : 0);
  }
  return C;
}

/**
 * Solve the moment hierarchy of the linear (σ = identity) 1-D model to any order K, exactly or by RK4.
 *
 * @param problem - `params` (d = 1, identity, layer-wise w, b), initial raw moments `m0` (K + 1
 *   values), optional diffusion `D` (number or one per layer; default K²/2 of a constant noise model)
 * @param options - `method` (`"exact"` default, or `"rk4"`), `saveAt` (times in [0, T] or a count;
 *   default the layer boundaries), `stepsPerLayer` (RK4; default 64, refined for stability)
 * @returns raw moments at the output times (`m`, nT·(K+1)), `mean`, `variance`, `status`, `stats`
 * @throws KineticError UNSUPPORTED (d ≠ 1, activation ≠ identity, state-dependent noise without `D`),
 *   INVALID_ARGUMENT (non-finite moments, fewer than m_0, m_1, m_2, m_0 ≤ 0, m_0 m_2 < m_1², bad or
 *   unknown options), SHAPE_MISMATCH (`D` per layer of the wrong length), TOO_LARGE (more than 1e8 RK4
 *   steps)
 * @remarks
 * The system is lower-triangular and linear with constant coefficients on each layer. `exact` uses the
 * Gaussian transition of the layer: x(τ) = a x(0) + c + s ξ with a = e^{wτ}, c = b (e^{wτ}-1)/w,
 * s² = D (e^{2wτ}-1)/w, so m_k(τ) = Σ_j C(k,j) a^j m_j(0) μ_{k-j}(c, s²) — exact up to rounding, cost
 * O(K²) per output time. `rk4` is fourth order with error O((K|w|Δt/stepsPerLayer)⁴); cost O(K) per
 * step. The eigenvalues of the layer's system are k·w (k = 0..K, and 2w for the variance): with w < 0
 * RK4 is stable only for h·max(K, 2)|w| ≤ 2.785, so without a given `stepsPerLayer` the step is refined
 * to h·max(K, 2)|w| ≤ 1, and with a given one a step beyond the bound gives status `"unstable"` (e.g.
 * w = -300, D = 1, stepsPerLayer 64 on T = 1). Both are valid for w > 0 (spreading) until the moments
 * overflow, reported as `"non-finite"`.
 * @example
 * ```ts
 * const params = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 5, nLayers: 50 });
 * const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(0.5, 0.25, 4) });
 * r.mean[r.t.length - 1]; // ≈ 1 - 0.5 e^{-5}
 * ```
 */
export function solveMomentHierarchy(problem: MomentHierarchyProblem, options: MomentHierarchyOptions = {}): MomentHierarchyResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const params = requireParams(problem.params, "problem.params");
  if (params.d !== 1) {
    throw invalidArgument("problem.params.d", "1 for the moment hierarchy (use solveMeanCovariance for d > 1)", params.d);
  }
  requireIdentity(params, "solveMomentHierarchy", "use solveGaussianClosure for nonlinear activations");
  const m0 = requireFiniteArray("problem.m0", problem.m0);
  const K = m0.length - 1;
  const Ds = resolveLayerD1(params, problem.D);
  options = requireOptions<MomentHierarchyOptions>("options", options, ["method", "saveAt", "stepsPerLayer"]);
  const method = requireOneOf("options.method", options.method ?? "exact", ["exact", "rk4"] as const);
  const fixedSteps = options.stepsPerLayer !== undefined;
  const stepsPerLayer = requireInteger("options.stepsPerLayer", options.stepsPerLayer ?? 64, 1, 1e9);
  const tl = momentTimeline(params, options.saveAt, K + 3);
  const t = tl.saveAt;
  const nT = t.length;
  // the result reports the mean and the variance: m_0 > 0, m_1 and m_2 are needed (order K ≥ 2)
  if (K < 2) throw invalidArgument("problem.m0", "the raw moments m_0, …, m_K of order K ≥ 2 (at least m_0, m_1, m_2)", problem.m0);
  if (!(m0[0]! > 0)) throw invalidArgument("problem.m0[0]", "a positive mass m_0", m0[0]);
  const var0 = m0[2]! / m0[0]! - (m0[1]! / m0[0]!) ** 2;
  if (var0 < -1e-12 * Math.abs(m0[2]! / m0[0]!)) {
    throw invalidArgument("problem.m0", `moments of a non-negative density (m_0 m_2 ≥ m_1²; variance ${var0})`, problem.m0);
  }
  // RK4: the decaying modes k·w (k ≤ max(K, 2), w < 0) bound the step
  const rateOf = (layer: number): number => (params.W[layer]! < 0 ? Math.max(K, 2) * -params.W[layer]! : 0);
  if (method === "rk4") {
    let total = 0;
    for (const seg of tl.segments) total += rk4Steps(seg.t1 - seg.t0, params.dt, stepsPerLayer, fixedSteps, rateOf(seg.layer));
    requireFits("options.stepsPerLayer", total, 1, MAX_AUTO_STEPS, "RK4 steps");
  }
  const m = new Float64Array(nT * (K + 1)).fill(NaN);
  const mean = new Float64Array(nT).fill(NaN);
  const variance = new Float64Array(nT).fill(NaN);
  const haveMean = K >= 1 && m0[0]! !== 0;
  const haveVar = K >= 2 && m0[0]! !== 0;

  // State: K + 1 raw moments, then mean and variance.
  const n = K + 3;
  const y = new Float64Array(n);
  y.set(m0);
  y[K + 1] = haveMean ? m0[1]! / m0[0]! : 0;
  y[K + 2] = haveVar ? Math.max(0, m0[2]! / m0[0]! - y[K + 1]! * y[K + 1]!) : 0;
  let steps = 0;
  let rhs = 0;
  let status: SolveStatus = "success";
  const C = method === "exact" ? binomialTable(K) : new Float64Array(0);
  const g = new Float64Array(K + 1);
  const apow = new Float64Array(K + 1);
  const prev = new Float64Array(K + 1);
  const work = createRk4Work(n);

  const deriv = (w: number, b: number, D: number, s: Float64Array, out: Float64Array): void => {
    out[0] = 0;
    for (let k = 1; k <= K; k++) {
      let v = k * w * s[k]! + k * b * s[k - 1]!;
      if (k >= 2) v += k * (k - 1) * D * s[k - 2]!;
      out[k] = v;
    }
    out[K + 1] = w * s[K + 1]! + b;
    out[K + 2] = 2 * w * s[K + 2]! + 2 * D;
  };

  const record = (from: number, to: number): void => {
    for (let q = from; q < to; q++) {
      m.set(y.subarray(0, K + 1), q * (K + 1));
      if (haveMean) mean[q] = y[K + 1]!;
      if (haveVar) variance[q] = y[K + 2]!;
    }
  };
  record(0, tl.initialSaves);
  for (const seg of tl.segments) {
    if (seg.saveFrom >= nT) break; // every save time recorded
    const w = params.W[seg.layer]!;
    const b = params.b[seg.layer]!;
    const D = Ds[seg.layer]!;
    const tau = seg.t1 - seg.t0;
    if (tau > 0) {
      if (method === "exact") {
        const a = Math.exp(w * tau);
        const c = b * phi1(w, tau);
        const s2 = 2 * D * phi1(2 * w, tau);
        gaussianRawInto(c, s2, g);
        apow[0] = 1;
        for (let j = 1; j <= K; j++) apow[j] = apow[j - 1]! * a;
        for (let j = 0; j <= K; j++) prev[j] = y[j]!;
        for (let k = 0; k <= K; k++) {
          let v = 0;
          for (let j = 0; j <= k; j++) v += C[k * (K + 1) + j]! * apow[j]! * prev[j]! * g[k - j]!;
          y[k] = v;
        }
        y[K + 1] = a * y[K + 1]! + c;
        y[K + 2] = a * a * y[K + 2]! + s2;
        steps++;
      } else {
        const rate = rateOf(seg.layer);
        const ns = rk4Steps(tau, params.dt, stepsPerLayer, fixedSteps, rate);
        const h = tau / ns;
        if (!rk4Stable(-h * rate) && status === "success") status = "unstable";
        rk4Advance((s, out) => deriv(w, b, D, s, out), y, h, ns, work);
        steps += ns;
        rhs += 4 * ns;
      }
      if (!allFinite(y)) {
        if (status === "success") status = "non-finite";
        break;
      }
    }
    record(seg.saveFrom, seg.saveTo);
  }
  // a negative variance is never a success (only an unstable step can produce one)
  if (status === "success") for (let q = 0; q < nT; q++) if (variance[q]! < 0) status = "unstable";
  return { t, m, order: K, mean, variance, status, stats: { method, steps, rhsEvals: rhs, layers: params.nLayers } };
}

/** Input of {@link closedFormMeanVariance}. */
export interface ClosedFormInput {
  /** Network parameters: d = 1, identity activation. */
  readonly params: NetworkParams;
  /** Initial mean m_1(0)/m_0. */
  readonly mean0: number;
  /** Initial variance ≥ 0. */
  readonly var0: number;
  /** Diffusion D ≥ 0 (number or one per layer); default K²/2 of a constant noise model, else 0. */
  readonly D?: number | ArrayLike<number>;
}

/**
 * Evaluate the closed forms of MODEL.md §6 with W(t) = ∫_0^t w:
 * m_1(t) = e^{W(t)} m_1(0) + ∫_0^t e^{W(t)-W(s)} b(s) ds,
 * Var(t) = e^{2W(t)} Var(0) + ∫_0^t e^{2(W(t)-W(s))} 2D(s) ds, for piecewise-constant w, b, D.
 * @param input - `params` (d = 1, identity), `mean0`, `var0`, optional `D`
 * @param t - times in [0, T] (any order)
 * @returns `{ mean, variance }`, fresh arrays with one value per time
 * @throws KineticError UNSUPPORTED (not identity / d ≠ 1 / state-dependent noise), INVALID_ARGUMENT
 * @remarks An independent oracle for the hierarchy solvers: each integral is evaluated layer by layer
 * in closed form, ∫ over a layer of e^{-w(s-t_k)} = -expm1(-wτ)/w. Cost O(L) per time.
 * @example
 * ```ts
 * const params = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 2 });
 * closedFormMeanVariance({ params, mean0: 0.5, var0: 0.25 }, [2]).variance[0]; // 0.25 e^{-4}
 * ```
 */
export function closedFormMeanVariance(input: ClosedFormInput, t: ArrayLike<number>): { mean: Float64Array; variance: Float64Array } {
  if (typeof input !== "object" || input === null) throw invalidArgument("input", "an object", input);
  const params = requireParams(input.params, "input.params");
  if (params.d !== 1) throw invalidArgument("input.params.d", "1", params.d);
  requireIdentity(params, "closedFormMeanVariance", "use solveGaussianClosure for nonlinear activations");
  const mean0 = requireFinite("input.mean0", input.mean0);
  const var0 = requireNonNegative("input.var0", input.var0);
  const Ds = resolveLayerD1(params, input.D, "input.D");
  const ts = requireFiniteArray("t", t);
  const mean = new Float64Array(ts.length);
  const variance = new Float64Array(ts.length);
  const { dt, nLayers } = params;
  for (let i = 0; i < ts.length; i++) {
    const ti = ts[i]!;
    if (ti < 0 || ti > params.T * (1 + 1e-12)) throw invalidArgument(`t[${i}]`, `a time in [0, T = ${params.T}]`, ti);
    // Layers fully or partly before ti: W(ti) = Σ w_k τ_k.
    let Wt = 0;
    const last = Math.min(nLayers - 1, Math.floor(ti / dt));
    for (let k = 0; k <= last; k++) Wt += params.W[k]! * Math.max(0, Math.min(ti, (k + 1) * dt) - k * dt);
    let Wk = 0; // W(t_k)
    let mInt = 0;
    let vInt = 0;
    for (let k = 0; k <= last; k++) {
      const tau = Math.max(0, Math.min(ti, (k + 1) * dt) - k * dt);
      const w = params.W[k]!;
      // ∫_{t_k}^{t_k+τ} e^{W(t)-W(s)} ds = e^{W(t)-W(t_k)} ∫_0^τ e^{-w u} du
      mInt += params.b[k]! * Math.exp(Wt - Wk) * phi1(-w, tau);
      vInt += 2 * Ds[k]! * Math.exp(2 * (Wt - Wk)) * phi1(-2 * w, tau);
      Wk += w * tau;
    }
    mean[i] = Math.exp(Wt) * mean0 + mInt;
    variance[i] = Math.exp(2 * Wt) * var0 + vInt;
  }
  return { mean, variance };
}
