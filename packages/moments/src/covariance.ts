/**
 * Mean and covariance of the d-dimensional linear model (σ = identity), MODEL.md §6:
 * mean' = W mean + b, C' = W C + C Wᵀ + 2D.
 * @packageDocumentation
 */
import type { NetworkParams, SolveStatus } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray, requireFits, requireInteger, requireOneOf, requireOptions } from "@kinetic-nde/core/validate";
import type { MomentSolveOptions, MomentSolveStats } from "./methods.js";
import { expm, isPositiveDefinite } from "./internal/linalg.js";
import {
  MAX_AUTO_STEPS,
  momentTimeline,
  requireIdentity,
  requireParams,
  resolveD,
  rk4StableOn,
  rk4Steps,
  spectrumBound,
} from "./internal/timeline.js";
import { allFinite, createRk4Work, rk4Advance } from "./internal/rk4.js";

/** Problem of {@link solveMeanCovariance}. */
export interface MeanCovarianceProblem {
  /** Network parameters: any d, identity activation, layer-wise W (d×d) and b (d). */
  readonly params: NetworkParams;
  /** Initial mean, d values. */
  readonly mean0: ArrayLike<number>;
  /** Initial covariance, d·d values (row-major, symmetric, positive semi-definite). */
  readonly cov0: ArrayLike<number>;
  /**
   * Diffusion matrix D (d·d, symmetric) or a number (D·I). Default: K Kᵀ/2 of a constant noise model,
   * else 0 (Vlasov).
   */
  readonly D?: number | ArrayLike<number>;
}

/** Options of {@link solveMeanCovariance}; `method` `"exact"` uses matrix exponentials per layer. */
export interface MeanCovarianceOptions extends MomentSolveOptions {
  /**
   * RK4 steps per layer. Given: used as is, and a step outside RK4's stability region for the layer's
   * eigenvalues gives status `"unstable"`. Not given: 64, refined per layer until h·ρ ≤ 1 (ρ bounds the
   * eigenvalues λ_i and λ_i + λ_j of the system).
   */
  readonly stepsPerLayer?: number;
}

/** Result of {@link solveMeanCovariance}. */
export interface MeanCovarianceResult {
  /** Output times, nT values. */
  readonly t: Float64Array;
  /** Means, nT·d values: `mean[s*d + i]`. */
  readonly mean: Float64Array;
  /** Covariances, nT·d·d values: `cov[s*d*d + i*d + j]`. */
  readonly cov: Float64Array;
  /** Dimension d. */
  readonly d: number;
  /**
   * `"success"`, `"non-finite"` (overflow; later entries NaN) or `"unstable"` (a fixed RK4 step outside
   * its stability region, or a negative variance: numbers not to be trusted).
   */
  readonly status: SolveStatus;
  /** Work counters. */
  readonly stats: MomentSolveStats;
}

/**
 * Propagate the mean vector and covariance matrix of the d-dimensional linear model exactly or by RK4.
 *
 * @param problem - `params` (identity activation, any d), `mean0` (d), `cov0` (d·d), optional `D`
 * @param options - `method` (`"exact"` default or `"rk4"`), `saveAt`, `stepsPerLayer` (RK4, default 64)
 * @returns fresh `mean` (nT·d) and `cov` (nT·d·d) arrays, `status`, `stats`
 * @throws KineticError UNSUPPORTED (activation ≠ identity, state-dependent noise without `D`),
 *   INVALID_ARGUMENT (non-finite data, covariance not symmetric PSD, bad or unknown options), SHAPE_MISMATCH,
 *   TOO_LARGE
 * @remarks
 * `exact`: on a layer piece of length τ the mean uses exp([[W, b], [0, 0]]τ) and the covariance
 * Van Loan's block exponential exp([[-W, 2D], [0, Wᵀ]]τ), giving C(τ) = e^{Wτ} C e^{Wᵀτ} +
 * ∫_0^τ e^{Ws} 2D e^{Wᵀs} ds (the Lyapunov integral) to a few ulps; cost O(d³) per piece.
 * `rk4`: fourth order, O(d³) per step. Its stability check uses the eigenvalues λ_i of W (exact for
 * d ≤ 2, Gershgorin discs for d > 2) and λ_i + λ_j of C ↦ WC + CWᵀ: decaying modes must satisfy
 * |R(hλ)| ≤ 1 with R RK4's stability polynomial. More than 1e8 RK4 steps are refused (TOO_LARGE).
 * @example
 * ```ts
 * const params = createConstantNetwork({ sigma: "identity", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 2 });
 * const r = solveMeanCovariance({ params, mean0: [0, 0], cov0: [1, 0, 0, 1], D: 0.1 });
 * ```
 */
export function solveMeanCovariance(problem: MeanCovarianceProblem, options: MeanCovarianceOptions = {}): MeanCovarianceResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const params = requireParams(problem.params, "problem.params");
  requireIdentity(params, "solveMeanCovariance", "use solveGaussianClosure (d = 1) for nonlinear activations");
  const d = params.d;
  const mean0 = requireFiniteArray("problem.mean0", problem.mean0, d);
  const cov0 = requireFiniteArray("problem.cov0", problem.cov0, d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(cov0[i * d + j]! - cov0[j * d + i]!) > 1e-12 * (Math.abs(cov0[i * d + i]!) + Math.abs(cov0[j * d + j]!))) {
        throw invalidArgument("problem.cov0", "a symmetric matrix", problem.cov0);
      }
    }
  }
  // PSD check: C + εI positive definite.
  const shifted = Float64Array.from(cov0);
  let tr = 0;
  for (let i = 0; i < d; i++) tr += Math.abs(cov0[i * d + i]!);
  for (let i = 0; i < d; i++) shifted[i * d + i] += 1e-12 * tr + Number.MIN_VALUE;
  if (!isPositiveDefinite(shifted, d)) throw invalidArgument("problem.cov0", "positive semi-definite", problem.cov0);
  const D = resolveD(params, problem.D);
  options = requireOptions<MeanCovarianceOptions>("options", options, ["method", "saveAt", "stepsPerLayer"]);
  const method = requireOneOf("options.method", options.method ?? "exact", ["exact", "rk4"] as const);
  const fixedSteps = options.stepsPerLayer !== undefined;
  const stepsPerLayer = requireInteger("options.stepsPerLayer", options.stepsPerLayer ?? 64, 1, 1e9);
  const dd = d * d;
  const tl = momentTimeline(params, options.saveAt, d + dd);
  const t = tl.saveAt;
  const nT = t.length;
  const bounds = method === "rk4" ? Array.from({ length: params.nLayers }, (_, k) => spectrumBound(params.W, k * dd, d)) : [];
  if (method === "rk4") {
    let total = 0;
    for (const seg of tl.segments) total += rk4Steps(seg.t1 - seg.t0, params.dt, stepsPerLayer, fixedSteps, bounds[seg.layer]!.rate);
    requireFits("options.stepsPerLayer", total, 1, MAX_AUTO_STEPS, "RK4 steps");
  }
  const meanOut = new Float64Array(nT * d).fill(NaN);
  const covOut = new Float64Array(nT * dd).fill(NaN);
  const n = d + dd;
  const y = new Float64Array(n);
  y.set(mean0, 0);
  y.set(cov0, d);
  let steps = 0;
  let rhs = 0;
  let status: SolveStatus = "success";
  const work = createRk4Work(n);
  const tmp = work.tmp;

  const deriv = (Wo: number, bo: number, s: Float64Array, out: Float64Array): void => {
    const Wm = params.W;
    for (let i = 0; i < d; i++) {
      let v = params.b[bo + i]!;
      for (let j = 0; j < d; j++) v += Wm[Wo + i * d + j]! * s[j]!;
      out[i] = v;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v = 2 * D[i * d + j]!;
        for (let k = 0; k < d; k++) v += Wm[Wo + i * d + k]! * s[d + k * d + j]! + s[d + i * d + k]! * Wm[Wo + j * d + k]!;
        out[d + i * d + j] = v;
      }
    }
  };

  const record = (from: number, to: number): void => {
    for (let q = from; q < to; q++) {
      meanOut.set(y.subarray(0, d), q * d);
      covOut.set(y.subarray(d, n), q * dd);
    }
  };
  record(0, tl.initialSaves);
  for (const seg of tl.segments) {
    if (seg.saveFrom >= nT) break; // every save time recorded
    const tau = seg.t1 - seg.t0;
    const Wo = seg.layer * dd;
    const bo = seg.layer * d;
    if (tau > 0) {
      if (method === "exact") {
        // Mean: exp([[W, b], [0, 0]] τ).
        const m1 = d + 1;
        const A = new Float64Array(m1 * m1);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) A[i * m1 + j] = params.W[Wo + i * d + j]! * tau;
          A[i * m1 + d] = params.b[bo + i]! * tau;
        }
        const E = expm(A, m1);
        const newMean = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          let v = E[i * m1 + d]!;
          for (let j = 0; j < d; j++) v += E[i * m1 + j]! * y[j]!;
          newMean[i] = v;
        }
        // Covariance: Van Loan, H = [[-W, 2D], [0, Wᵀ]] τ.
        const m2 = 2 * d;
        const H = new Float64Array(m2 * m2);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            H[i * m2 + j] = -params.W[Wo + i * d + j]! * tau;
            H[i * m2 + d + j] = 2 * D[i * d + j]! * tau;
            H[(d + i) * m2 + d + j] = params.W[Wo + j * d + i]! * tau;
          }
        }
        const F = expm(H, m2);
        // Φ = e^{Wτ} = F22ᵀ; Q = F22ᵀ F12.
        const Phi = new Float64Array(dd);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Phi[i * d + j] = F[(d + j) * m2 + d + i]!;
        const PC = new Float64Array(dd);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let v = 0;
            for (let k = 0; k < d; k++) v += Phi[i * d + k]! * y[d + k * d + j]!;
            PC[i * d + j] = v;
          }
        }
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let v = 0;
            for (let k = 0; k < d; k++) v += PC[i * d + k]! * Phi[j * d + k]!;
            let q = 0;
            for (let k = 0; k < d; k++) q += Phi[i * d + k]! * F[k * m2 + d + j]!;
            tmp[i * d + j] = v + q;
          }
        }
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            const s = i === j ? tmp[i * d + i]! : 0.5 * (tmp[i * d + j]! + tmp[j * d + i]!);
            y[d + i * d + j] = s;
          }
        }
        y.set(newMean, 0);
        steps++;
      } else {
        const ns = rk4Steps(tau, params.dt, stepsPerLayer, fixedSteps, bounds[seg.layer]!.rate);
        const h = tau / ns;
        if (status === "success" && !rk4StableOn(bounds[seg.layer]!, h)) status = "unstable";
        rk4Advance((s, out) => deriv(Wo, bo, s, out), y, h, ns, work);
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
  // a negative variance (diagonal of C) is never a success
  if (status === "success") {
    for (let q = 0; q < nT; q++) for (let i = 0; i < d; i++) if (covOut[q * dd + i * d + i]! < 0) status = "unstable";
  }
  return { t, mean: meanOut, cov: covOut, d, status, stats: { method, steps, rhsEvals: rhs, layers: params.nLayers } };
}
