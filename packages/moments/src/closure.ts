/**
 * Gaussian (second-order) moment closure for nonlinear activations, 1-D.
 * @packageDocumentation
 */
import { activationInfo, type NetworkParams, type SolveStatus } from "@kinetic-nde/core";
import { invalidArgument, requireFinite, requireInteger, requireNonNegative, requireOneOf } from "@kinetic-nde/core/validate";
import { normalCdf } from "@kinetic-nde/datasets";
import { gaussHermite, normalPdf } from "./quadrature.js";
import { momentTimeline, requireParams, resolveLayerD1, stepsFor } from "./internal/timeline.js";

/** Problem of {@link solveGaussianClosure}. */
export interface GaussianClosureProblem {
  /** Network parameters, d = 1, any activation. */
  readonly params: NetworkParams;
  /** Initial mean μ(0). */
  readonly mean0: number;
  /** Initial variance s²(0) ≥ 0. */
  readonly var0: number;
  /** Diffusion D ≥ 0 (number or one per layer); default K²/2 of a constant noise model, else 0. */
  readonly D?: number | ArrayLike<number>;
}

/** Options of {@link solveGaussianClosure}. */
export interface GaussianClosureOptions {
  /** Output times in [0, T], non-decreasing, or a count (default: layer boundaries); core's `resolveTimeline`. */
  readonly saveAt?: ArrayLike<number> | number;
  /** RK4 steps per layer (default 32). */
  readonly stepsPerLayer?: number;
  /** Gauss–Hermite nodes, 1..100 (default 40). */
  readonly nodes?: number;
  /**
   * `"auto"` (default): closed-form expectations for identity, ReLU and leaky ReLU, Gauss–Hermite
   * otherwise; `"gauss-hermite"`: quadrature for every activation.
   */
  readonly expectations?: "auto" | "gauss-hermite";
}

/** Result of {@link solveGaussianClosure}. */
export interface GaussianClosureResult {
  /** Output times (nT values). */
  readonly t: Float64Array;
  /** Closure mean μ(t), nT values. */
  readonly mean: Float64Array;
  /** Closure variance s²(t), nT values. */
  readonly variance: Float64Array;
  /** `"success"` or `"non-finite"`. */
  readonly status: SolveStatus;
  /** Work counters. */
  readonly stats: {
    readonly steps: number;
    readonly rhsEvals: number;
    /** `"closed-form"` or `"gauss-hermite"`. */
    readonly expectations: "closed-form" | "gauss-hermite";
    /** Quadrature nodes (0 for closed forms). */
    readonly nodes: number;
  };
}

/**
 * Gaussian moment closure of the (stochastic) 1-D model: assume f(t) = N(μ, s²) and evolve
 * μ' = E[σ(wx + b)], (s²)' = 2 Cov(x, σ(wx + b)) + 2D.
 *
 * @param problem - `params` (d = 1, any activation), `mean0`, `var0`, optional `D`
 * @param options - `saveAt`, `stepsPerLayer` (RK4, default 32), `nodes` (default 40), `expectations`
 * @returns closure `mean` and `variance` at the output times, `status`, `stats`
 * @throws KineticError INVALID_ARGUMENT (d ≠ 1, non-finite or negative inputs, bad options),
 *   UNSUPPORTED (state-dependent noise without `D`)
 * @remarks Exact for σ = identity (the Gaussian stays Gaussian). For ReLU, with m = wμ + b and
 * r = |w|s: E[σ] = m Φ(m/r) + r φ(m/r), Cov = w s² Φ(m/r) (Stein's lemma). Otherwise Gauss–Hermite
 * with n nodes (exact for polynomials of degree 2n - 1; smooth σ converge spectrally). The closure
 * error is the distance of f from a Gaussian: small while s|w| is small compared with the scale on
 * which σ bends (e.g. tanh near its linear range), larger for wide data. RK4: fourth order in the step.
 * @example
 * ```ts
 * const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2, nLayers: 20, K: 0.5 });
 * const r = solveGaussianClosure({ params, mean0: 0, var0: 0.25 });
 * ```
 */
export function solveGaussianClosure(problem: GaussianClosureProblem, options: GaussianClosureOptions = {}): GaussianClosureResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const params = requireParams(problem.params, "problem.params");
  if (params.d !== 1) throw invalidArgument("problem.params.d", "1 for the Gaussian closure", params.d);
  const mean0 = requireFinite("problem.mean0", problem.mean0);
  const var0 = requireNonNegative("problem.var0", problem.var0);
  const Ds = resolveLayerD1(params, problem.D);
  const stepsPerLayer = requireInteger("options.stepsPerLayer", options.stepsPerLayer ?? 32, 1, 1e9);
  const nNodes = requireInteger("options.nodes", options.nodes ?? 40, 1, 100);
  const mode = requireOneOf("options.expectations", options.expectations ?? "auto", ["auto", "gauss-hermite"] as const);
  const tl = momentTimeline(params, options.saveAt, 2);
  const t = tl.saveAt;
  const { kind, alpha: a } = activationInfo(params.sigma);
  // closed forms: identity (exact), ReLU and leaky ReLU (Stein's lemma); custom: through `sigma.sigma`
  const closed = mode === "auto" && (kind === "identity" || kind === "relu" || kind === "leaky-relu");
  const rule = gaussHermite(nNodes);
  const zs = rule.nodes;
  const ws = rule.weights;
  const sig = params.sigma.sigma;

  const out = new Float64Array(2);
  // Writes [E σ(wx+b), Cov(x, σ(wx+b))] for x ~ N(mu, v) into `out`.
  const moments = (w: number, b: number, mu: number, v: number): void => {
    const vv = v > 0 ? v : 0;
    const s = Math.sqrt(vv);
    if (closed) {
      const m = w * mu + b;
      if (kind === "identity") {
        out[0] = m;
        out[1] = w * vv;
        return;
      }
      const r = Math.abs(w) * s;
      let er: number;
      let pr: number;
      if (r === 0) {
        er = m > 0 ? m : 0;
        pr = m > 0 ? 1 : 0;
      } else {
        const q = m / r;
        pr = normalCdf(q);
        er = m * pr + r * normalPdf(q);
      }
      if (kind === "relu") {
        out[0] = er;
        out[1] = w * vv * pr;
      } else {
        out[0] = a * m + (1 - a) * er;
        out[1] = w * vv * (a + (1 - a) * pr);
      }
      return;
    }
    let e = 0;
    let c = 0;
    for (let i = 0; i < zs.length; i++) {
      const z = zs[i]!;
      const arg = w * (mu + s * z) + b;
      let sv: number;
      switch (kind) {
        case "identity":
          sv = arg;
          break;
        case "relu":
          sv = arg > 0 ? arg : 0;
          break;
        case "leaky-relu":
          sv = arg > 0 ? arg : a * arg;
          break;
        case "tanh":
          sv = Math.tanh(arg);
          break;
        case "sigmoid":
          sv = arg >= 0 ? 1 / (1 + Math.exp(-arg)) : Math.exp(arg) / (1 + Math.exp(arg));
          break;
        case "softplus":
          sv = (arg > 0 ? arg : 0) + Math.log1p(Math.exp(-Math.abs(arg)));
          break;
        default:
          sv = sig(arg);
      }
      e += ws[i]! * sv;
      c += ws[i]! * z * sv;
    }
    out[0] = e;
    out[1] = s * c;
  };

  const nT = t.length;
  const mean = new Float64Array(nT).fill(NaN);
  const variance = new Float64Array(nT).fill(NaN);
  let mu = mean0;
  let v = var0;
  let steps = 0;
  let rhs = 0;
  let status: SolveStatus = "success";
  const record = (from: number, to: number): void => {
    for (let q = from; q < to; q++) {
      mean[q] = mu;
      variance[q] = v;
    }
  };
  record(0, tl.initialSaves);
  for (const seg of tl.segments) {
    if (seg.saveFrom >= nT) break; // every save time recorded
    const tau = seg.t1 - seg.t0;
    if (tau > 0) {
      const w = params.W[seg.layer]!;
      const b = params.b[seg.layer]!;
      const D2 = 2 * Ds[seg.layer]!;
      const ns = stepsFor(tau, params.dt / stepsPerLayer);
      const h = tau / ns;
      for (let st = 0; st < ns; st++) {
        moments(w, b, mu, v);
        const a1 = out[0]!;
        const c1 = 2 * out[1]! + D2;
        moments(w, b, mu + 0.5 * h * a1, v + 0.5 * h * c1);
        const a2 = out[0]!;
        const c2 = 2 * out[1]! + D2;
        moments(w, b, mu + 0.5 * h * a2, v + 0.5 * h * c2);
        const a3 = out[0]!;
        const c3 = 2 * out[1]! + D2;
        moments(w, b, mu + h * a3, v + h * c3);
        const a4 = out[0]!;
        const c4 = 2 * out[1]! + D2;
        mu += (h / 6) * (a1 + 2 * a2 + 2 * a3 + a4);
        v += (h / 6) * (c1 + 2 * c2 + 2 * c3 + c4);
        if (v < 0) v = 0;
      }
      steps += ns;
      rhs += 4 * ns;
      if (!Number.isFinite(mu) || !Number.isFinite(v)) {
        status = "non-finite";
        break;
      }
    }
    record(seg.saveFrom, seg.saveTo);
  }
  return {
    t,
    mean,
    variance,
    status,
    stats: { steps, rhsEvals: rhs, expectations: closed ? "closed-form" : "gauss-hermite", nodes: closed ? 0 : nNodes },
  };
}
