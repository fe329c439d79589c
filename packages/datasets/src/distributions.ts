/**
 * Univariate distributions with densities: normal, uniform, Beta on [a, b], Gamma, Laplace, the
 * tanh-type Fokker–Planck steady state, and finite mixtures.
 * @packageDocumentation
 */
import type { Rng } from "@kinetic-nde/core";
import { KineticError } from "@kinetic-nde/core";
import { invalidArgument, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Distribution1D, DistributionND, Support, UnivariateBase } from "./distribution-types.js";
import { checkSampleArgs, finiteOr, positiveOr } from "./internal/check.js";
import {
  betaIncomplete,
  betaIncompleteInverse,
  gammaP,
  gammaPInverse,
  gammaQ,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  solveMonotone,
  trigamma,
} from "./special.js";

const LN_SQRT_2PI = 0.9189385332046728;
const LN2 = Math.LN2;

/** `sample(n, rng)` of independent draws: checks its arguments, then fills `out[i] = draw(rng)` in order. */
function iidSampler(draw: (rng: Rng) => number): (n: number, rng: Rng) => Float64Array {
  return (n, rng) => {
    checkSampleArgs(n, rng);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = draw(rng);
    return out;
  };
}

function checkProbability(p: unknown): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw invalidArgument("p", "a probability in [0, 1]", p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Normal

/** Parameters of {@link createNormal}. */
export interface NormalParams {
  /** Mean μ (default 0). */
  readonly mean?: number;
  /** Standard deviation s > 0 (default 1). */
  readonly std?: number;
}

/**
 * Refuse parameters whose distribution is not representable in double precision (a mean, variance,
 * log-density at the mean, or CDF within 10 standard deviations of it, that is NaN or infinite, e.g.
 * D = 1e-300 in the tanh family):
 * INVALID_ARGUMENT at creation rather than NaN from every later evaluation.
 */
function representable(dist: Distribution1D): Distribution1D {
  const m = dist.mean;
  const probes = [m, dist.variance, dist.logPdf(m)];
  const sd = Math.sqrt(dist.variance);
  for (const x of [m, m - sd, m + sd, m - 10 * sd, m + 10 * sd, m - 1, m + 1]) probes.push(dist.cdf?.(x) ?? 0, dist.sf?.(x) ?? 0);
  if (!probes.every((v) => Number.isFinite(v) || v === -Infinity)) {
    throw invalidArgument(
      "params",
      `parameters for which the ${dist.name} distribution is representable in double precision (mean, variance, log-density and CDF near the mean finite)`,
      dist.params,
    );
  }
  return dist;
}

/**
 * The normal distribution N(μ, s²).
 * @param params - `mean` (default 0) and `std` (default 1, > 0)
 * @returns a {@link Distribution1D} with closed pdf, cdf, sf, quantile
 * @throws KineticError INVALID_ARGUMENT for a non-finite mean or a non-positive std
 * @remarks The CDF uses erfc (relative accuracy in both tails via `sf`); the quantile is
 * Acklam's approximation refined by Halley steps (about 1e-15 relative). Sampling uses the
 * generator's ziggurat normals (`rng.normal()`): one variate per draw.
 * @example
 * ```ts
 * const f0 = createNormal({ mean: 0, std: 0.5 });
 * const x = f0.sample(1000, createRng(1));
 * ```
 */
export function createNormal(params: NormalParams = {}): Distribution1D {
  const p = requireOptions<NormalParams>("params", params, ["mean", "std"]);
  const mu = finiteOr("mean", p.mean, 0);
  const s = positiveOr("std", p.std, 1);
  const lnNorm = -Math.log(s) - LN_SQRT_2PI;
  return representable({
    kind: "univariate",
    d: 1,
    name: "normal",
    params: { mean: mu, std: s },
    support: [-Infinity, Infinity],
    mean: mu,
    variance: s * s,
    pdf: (x) => {
      const z = (x - mu) / s;
      return Math.exp(lnNorm - 0.5 * z * z);
    },
    logPdf: (x) => {
      const z = (x - mu) / s;
      return lnNorm - 0.5 * z * z;
    },
    // |z| > 40: Φ is 0 or 1 in double precision (Φ(-40) ≈ 4e-350), so clamping is exact and keeps
    // the tails away from the far range of erfc
    cdf: (x) => normalCdf(Math.min(40, Math.max(-40, (x - mu) / s))),
    sf: (x) => normalCdf(Math.min(40, Math.max(-40, (mu - x) / s))),
    quantile: (q) => mu + s * normalQuantile(checkProbability(q)),
    sample: iidSampler((rng) => mu + s * rng.normal()),
  });
}

// ---------------------------------------------------------------------------------------------
// Uniform

/** Parameters of {@link createUniform}. */
export interface UniformParams {
  /** Left end a (default 0). */
  readonly lower?: number;
  /** Right end b > a (default 1). */
  readonly upper?: number;
}

/**
 * The uniform distribution on [a, b].
 * @param params - `lower` (default 0) and `upper` (default 1), a < b
 * @returns a {@link Distribution1D}
 * @throws KineticError INVALID_ARGUMENT for non-finite ends or upper ≤ lower
 * @remarks Sampling: a + (b - a) U with U from the generator (53 random bits).
 * @example
 * ```ts
 * const u = createUniform({ lower: -1, upper: 1 });
 * u.cdf?.(0); // 0.5
 * ```
 */
export function createUniform(params: UniformParams = {}): Distribution1D {
  const p = requireOptions<UniformParams>("params", params, ["lower", "upper"]);
  const a = finiteOr("lower", p.lower, 0);
  const b = finiteOr("upper", p.upper, 1);
  if (!(b > a)) throw invalidArgument("upper", `a finite number greater than lower = ${a}`, b);
  const w = b - a;
  const dens = 1 / w;
  return representable({
    kind: "univariate",
    d: 1,
    name: "uniform",
    params: { lower: a, upper: b },
    support: [a, b],
    mean: 0.5 * (a + b),
    variance: (w * w) / 12,
    pdf: (x) => (x >= a && x <= b ? dens : 0),
    logPdf: (x) => (x >= a && x <= b ? -Math.log(w) : -Infinity),
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : (x - a) / w),
    sf: (x) => (x <= a ? 1 : x >= b ? 0 : (b - x) / w),
    quantile: (q) => a + w * checkProbability(q),
    sample: iidSampler((rng) => a + w * rng.uniform()),
  });
}

// ---------------------------------------------------------------------------------------------
// Gamma variates (Marsaglia–Tsang), in log space so that tiny shapes do not underflow.

/** ln of a Gamma(a, 1) variate; Marsaglia–Tsang for a ≥ 1, the boost G(a+1)·U^{1/a} for a < 1. */
function logGammaVariate(a: number, rng: Rng): number {
  if (a < 1) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    return logGammaVariate(a + 1, rng) + Math.log(u) / a;
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return Math.log(d * v);
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

// ---------------------------------------------------------------------------------------------
// Gamma

/** Parameters of {@link createGamma}. */
export interface GammaParams {
  /** Shape k > 0 (required). */
  readonly shape: number;
  /** Scale θ > 0 (default 1); the rate is 1/θ. */
  readonly scale?: number;
}

/**
 * The Gamma distribution with shape k and scale θ: f(x) = x^{k-1} e^{-x/θ} / (Γ(k) θ^k), x > 0.
 * @param params - `shape` k > 0 and `scale` θ > 0 (default 1)
 * @returns a {@link Distribution1D}
 * @throws KineticError INVALID_ARGUMENT for non-positive or non-finite parameters
 * @remarks CDF/SF by the regularised incomplete gamma function (about 1e-14 relative), quantile by
 * safeguarded Newton. Sampling: Marsaglia–Tsang (2000) squeeze-rejection, about 1.05 normals and
 * uniforms per draw; for k < 1 the boost G(k+1) U^{1/k}.
 * @example
 * ```ts
 * const g = createGamma({ shape: 2, scale: 0.5 }); // mean 1, variance 0.5
 * ```
 */
export function createGamma(params: GammaParams): Distribution1D {
  const p = requireOptions<GammaParams>("params", params, ["shape", "scale"]);
  if (p.shape === undefined) throw invalidArgument("shape", "a positive finite number", undefined);
  const k = positiveOr("shape", p.shape, 1);
  const theta = positiveOr("scale", p.scale, 1);
  const lnNorm = -logGamma(k) - k * Math.log(theta);
  const logPdf = (x: number): number => {
    if (x < 0) return -Infinity;
    if (x === 0) return k === 1 ? -Math.log(theta) : k < 1 ? Infinity : -Infinity;
    return lnNorm + (k - 1) * Math.log(x) - x / theta;
  };
  return representable({
    kind: "univariate",
    d: 1,
    name: "gamma",
    params: { shape: k, scale: theta },
    support: [0, Infinity],
    mean: k * theta,
    variance: k * theta * theta,
    pdf: (x) => Math.exp(logPdf(x)),
    logPdf,
    cdf: (x) => (x <= 0 ? 0 : gammaP(k, x / theta)),
    sf: (x) => (x <= 0 ? 1 : gammaQ(k, x / theta)),
    quantile: (q) => theta * gammaPInverse(checkProbability(q), k),
    sample: iidSampler((rng) => theta * Math.exp(logGammaVariate(k, rng))),
  });
}

// ---------------------------------------------------------------------------------------------
// Beta on [a, b]

/** Parameters of {@link createBeta}. */
export interface BetaParams {
  /** First shape α > 0 (required); the density behaves like (x - a)^{α-1} at the left end. */
  readonly alpha: number;
  /** Second shape β > 0 (required); the density behaves like (b - x)^{β-1} at the right end. */
  readonly beta: number;
  /** Left end a (default 0). */
  readonly lower?: number;
  /** Right end b > a (default 1). */
  readonly upper?: number;
}

/** Largest α + β of {@link createBeta}: its cdf and quantile are measured to 2e-11 up to there. */
export const MAX_BETA_SHAPE_SUM = 4e8;

/**
 * The Beta(α, β) distribution rescaled to [a, b]:
 * f(x) = (x - a)^{α-1} (b - x)^{β-1} / (B(α, β) (b - a)^{α+β-1}).
 * @param params - `alpha`, `beta` > 0; `lower` (default 0) < `upper` (default 1)
 * @returns a {@link Distribution1D}
 * @throws KineticError INVALID_ARGUMENT for non-positive shapes or an empty interval
 * @remarks The Beta-type Fokker–Planck steady states (MODEL.md §7, D(x) = κ(1 - x²) on (-1, 1))
 * are this family with a = -1, b = 1. CDF by the incomplete beta function, quantile by safeguarded
 * Newton; sampling as G_α / (G_α + G_β) from two Gamma variates (computed in log space).
 * @example
 * ```ts
 * const f = createBeta({ alpha: 2, beta: 3, lower: -1, upper: 1 });
 * ```
 */
export function createBeta(params: BetaParams): Distribution1D {
  const p = requireOptions<BetaParams>("params", params, ["alpha", "beta", "lower", "upper"]);
  if (p.alpha === undefined) throw invalidArgument("alpha", "a positive finite number", undefined);
  if (p.beta === undefined) throw invalidArgument("beta", "a positive finite number", undefined);
  const al = positiveOr("alpha", p.alpha, 1);
  const be = positiveOr("beta", p.beta, 1);
  // The incomplete beta function is measured to 2e-11 up to α + β ≈ 4e8 and refuses beyond (see special.ts).
  if (al + be > MAX_BETA_SHAPE_SUM)
    throw invalidArgument("alpha + beta", `at most ${MAX_BETA_SHAPE_SUM} (the cdf is accurate to 2e-11 up to there)`, al + be);
  const a = finiteOr("lower", p.lower, 0);
  const b = finiteOr("upper", p.upper, 1);
  if (!(b > a)) throw invalidArgument("upper", `a finite number greater than lower = ${a}`, b);
  const w = b - a;
  const lnNorm = -logBeta(al, be) - Math.log(w);
  const logPdf = (x: number): number => {
    if (x < a || x > b) return -Infinity;
    const z = (x - a) / w;
    const y = (b - x) / w;
    const left = al === 1 ? 0 : z === 0 ? (al < 1 ? Infinity : -Infinity) : (al - 1) * Math.log(z);
    const right = be === 1 ? 0 : y === 0 ? (be < 1 ? Infinity : -Infinity) : (be - 1) * Math.log(y);
    return lnNorm + left + right;
  };
  const s = al + be;
  return representable({
    kind: "univariate",
    d: 1,
    name: "beta",
    params: { alpha: al, beta: be, lower: a, upper: b },
    support: [a, b],
    mean: a + (w * al) / s,
    variance: (w * w * al * be) / (s * s * (s + 1)),
    pdf: (x) => Math.exp(logPdf(x)),
    logPdf,
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : betaIncomplete((x - a) / w, al, be)),
    sf: (x) => (x <= a ? 1 : x >= b ? 0 : betaIncomplete((b - x) / w, be, al)),
    quantile: (q) => {
      checkProbability(q);
      return q <= 0.5 ? a + w * betaIncompleteInverse(q, al, be) : b - w * betaIncompleteInverse(1 - q, be, al);
    },
    sample: iidSampler((rng) => {
      const g1 = logGammaVariate(al, rng);
      const g2 = logGammaVariate(be, rng);
      const z = 1 / (1 + Math.exp(g2 - g1));
      return a + w * z;
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Laplace

/** Parameters of {@link createLaplace}. */
export interface LaplaceParams {
  /** Location μ (default 0). */
  readonly mean?: number;
  /** Scale β > 0 (default 1); the variance is 2β². */
  readonly scale?: number;
}

/**
 * The Laplace (double exponential) distribution f(x) = e^{-|x-μ|/β} / (2β).
 * @param params - `mean` μ (default 0) and `scale` β > 0 (default 1)
 * @returns a {@link Distribution1D}
 * @throws KineticError INVALID_ARGUMENT for a non-finite mean or a non-positive scale
 * @remarks Everything is closed form; sampling draws an exponential -ln(1 - U) and a random sign
 * (two uniforms per draw).
 * @example
 * ```ts
 * createLaplace({ mean: 1, scale: 0.5 }).variance; // 0.5
 * ```
 */
export function createLaplace(params: LaplaceParams = {}): Distribution1D {
  const p = requireOptions<LaplaceParams>("params", params, ["mean", "scale"]);
  const mu = finiteOr("mean", p.mean, 0);
  const beta = positiveOr("scale", p.scale, 1);
  const lnNorm = -Math.log(2 * beta);
  return representable({
    kind: "univariate",
    d: 1,
    name: "laplace",
    params: { mean: mu, scale: beta },
    support: [-Infinity, Infinity],
    mean: mu,
    variance: 2 * beta * beta,
    pdf: (x) => Math.exp(lnNorm - Math.abs(x - mu) / beta),
    logPdf: (x) => lnNorm - Math.abs(x - mu) / beta,
    cdf: (x) => (x < mu ? 0.5 * Math.exp((x - mu) / beta) : 1 - 0.5 * Math.exp((mu - x) / beta)),
    sf: (x) => (x > mu ? 0.5 * Math.exp((mu - x) / beta) : 1 - 0.5 * Math.exp((x - mu) / beta)),
    quantile: (q) => {
      checkProbability(q);
      return q <= 0.5 ? mu + beta * Math.log(2 * q) : mu - beta * Math.log(2 * (1 - q));
    },
    sample: iidSampler((rng) => {
      const e = -Math.log1p(-rng.uniform());
      return rng.uniform() < 0.5 ? mu - beta * e : mu + beta * e;
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// tanh-type steady state

/** Parameters of {@link createTanhSteadyState}: those of the 1-D stochastic ResNet. */
export interface TanhSteadyStateParams {
  /** Weight w ≠ 0 (the Fokker–Planck steady state needs w < 0). */
  readonly w: number;
  /** Bias b (default 0); the density is centred at x* = -b/w. */
  readonly b?: number;
  /** Diffusion D = K²/2 > 0. */
  readonly D: number;
}

/** ln sech(u), stable for all u. */
function logSech(u: number): number {
  const a = Math.abs(u);
  return -(a + Math.log1p(Math.exp(-2 * a)) - LN2);
}

/** sech²(u) = 4 e^{-2|u|} / (1 + e^{-2|u|})², without overflow. */
function sech2(u: number): number {
  const e = Math.exp(-2 * Math.abs(u));
  const q = 1 + e;
  return (4 * e) / (q * q);
}

/**
 * The tanh-type density of MODEL.md §7, the zero-flux steady state of
 * ∂_t f + ∂_x(tanh(wx + b) f) = D ∂_xx f for w < 0:
 * f(x) = |w| sech(wx + b)^p / B(1/2, p/2),  p = 1/(|w| D).
 * @param params - `w` ≠ 0, `b` (default 0), `D` > 0
 * @returns a {@link Distribution1D} symmetric about x* = -b/w
 * @throws KineticError INVALID_ARGUMENT for w = 0 or non-finite, D ≤ 0
 * @remarks Closed forms via ∫ sech(u)^p du = B(p/2, 1/2): with u = wx + b and t = tanh²u,
 * F = 1/2 ± I_t(1/2, p/2)/2, and in the tails F = I_{sech²u}(p/2, 1/2)/2 (relative accuracy).
 * 2u is logistic-beta(p/2, p/2) distributed, so Var X = ψ'(p/2) / (2w²) and a draw is
 * x* + (ln G₁ - ln G₂) / (2|w|) with G₁, G₂ ~ Gamma(p/2) (Marsaglia–Tsang). For w > 0 the formula
 * is still a probability density, but not a steady state of the dynamics.
 * @example
 * ```ts
 * const f = createTanhSteadyState({ w: -1, b: 0.5, D: 0.25 }); // p = 4, centred at 0.5
 * ```
 */
export function createTanhSteadyState(params: TanhSteadyStateParams): Distribution1D {
  const o = requireOptions<TanhSteadyStateParams>("params", params, ["w", "b", "D"]);
  if (typeof o.w !== "number" || !Number.isFinite(o.w) || o.w === 0) throw invalidArgument("w", "a finite non-zero number", o.w);
  if (o.D === undefined) throw invalidArgument("D", "a positive finite number", undefined);
  const w = o.w;
  const bias = finiteOr("b", o.b, 0);
  const D = positiveOr("D", o.D, 1);
  const aw = Math.abs(w);
  const sampleScale = 1 / (2 * aw);
  const p = 1 / (aw * D);
  // Beyond p = 1e20 (a width below 1e-10/|w|) the incomplete beta functions of the CDF are untested
  // and lose all accuracy near p ~ 1e300: refuse rather than return NaN.
  if (!(p <= 1e20))
    throw invalidArgument(
      "D",
      `at least 1e-20 / |w| = ${1e-20 / aw} (p = 1/(|w|D) ≤ 1e20; the density is then narrower than 1e-10/|w|)`,
      D,
    );
  const center = -bias / w;
  const half = p / 2;
  const lnNorm = Math.log(aw) - logBeta(0.5, half);
  const logPdf = (x: number): number => lnNorm + p * logSech(aw * (x - center));
  // CDF of the standardised variable u = |w| (x - x*), with density sech(u)^p / B(1/2, p/2).
  const cdfU = (u: number): number => {
    if (u === Infinity) return 1;
    if (u === -Infinity) return 0;
    const t = Math.tanh(u);
    const t2 = t * t;
    if (t2 < 0.5) {
      const c = 0.5 * betaIncomplete(t2, 0.5, half);
      return u < 0 ? 0.5 - c : 0.5 + c;
    }
    const tail = 0.5 * betaIncomplete(sech2(u), half, 0.5);
    return u < 0 ? tail : 1 - tail;
  };
  const quantileU = (q: number): number => {
    if (q === 0) return -Infinity;
    if (q === 1) return Infinity;
    if (q >= 0.25 && q <= 0.75) {
      const dq = q - 0.5; // exact here
      const t2 = betaIncompleteInverse(2 * Math.abs(dq), 0.5, half);
      const u = Math.atanh(Math.sqrt(t2));
      return dq < 0 ? -u : u;
    }
    const tail = q < 0.5 ? q : 1 - q;
    const s2 = betaIncompleteInverse(2 * tail, half, 0.5);
    // sech²u = s2  ⇒  |u| = acosh(1/√s2) = ln((1 + √(1 - s2)) / √s2)
    const u = Math.log((1 + Math.sqrt(1 - s2)) / Math.sqrt(s2));
    return q < 0.5 ? -u : u;
  };
  return representable({
    kind: "univariate",
    d: 1,
    name: "tanh-steady-state",
    params: { w, b: bias, D },
    support: [-Infinity, Infinity],
    mean: center,
    variance: trigamma(half) / (2 * w * w),
    pdf: (x) => Math.exp(logPdf(x)),
    logPdf,
    cdf: (x) => cdfU(aw * (x - center)),
    sf: (x) => cdfU(aw * (center - x)),
    quantile: (q) => center + quantileU(checkProbability(q)) / aw,
    sample: iidSampler((rng) => center + sampleScale * (logGammaVariate(half, rng) - logGammaVariate(half, rng))),
  });
}

// ---------------------------------------------------------------------------------------------
// Mixtures

/** Input of {@link createMixture}. */
export interface MixtureParams<C> {
  /** The components (all univariate, or all multivariate of one dimension). */
  readonly components: readonly C[];
  /** Non-negative weights, one per component, normalised internally (default: equal). */
  readonly weights?: ArrayLike<number>;
}

function normaliseWeights(weights: ArrayLike<number> | undefined, k: number): Float64Array {
  const w = new Float64Array(k);
  if (weights === undefined) {
    w.fill(1 / k);
    return w;
  }
  if (weights.length !== k) throw shapeMismatch("weights", `one weight per component (${k})`, weights.length);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const v = weights[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw invalidArgument(`weights[${i}]`, "a non-negative finite number", v);
    total += v;
  }
  if (!(total > 0)) throw invalidArgument("weights", "weights with a positive sum", Array.from(weights));
  for (let i = 0; i < k; i++) w[i] = weights[i]! / total;
  return w;
}

/** Assign n draws to components: returns the component of each draw (in draw order). */
function drawComponents(n: number, weights: Float64Array, rng: Rng): { which: Int32Array; counts: Int32Array } {
  const k = weights.length;
  const cum = new Float64Array(k);
  let acc = 0;
  for (let c = 0; c < k; c++) {
    acc += weights[c]!;
    cum[c] = acc;
  }
  const which = new Int32Array(n);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() * acc;
    let c = 0;
    while (c < k - 1 && u >= cum[c]!) c++;
    while (weights[c] === 0 && c > 0) c--; // never land on a zero-weight component
    which[i] = c;
    counts[c]!++;
  }
  return { which, counts };
}

function isUnivariate(c: unknown): c is Distribution1D {
  return typeof c === "object" && c !== null && (c as Distribution1D).kind === "univariate";
}

function isMultivariate(c: unknown): c is DistributionND {
  return typeof c === "object" && c !== null && (c as DistributionND).kind === "multivariate";
}

/**
 * A finite mixture Σ_c w_c f_c of univariate distributions with densities, or of multivariate
 * distributions of one dimension.
 * @param params - `components` (non-empty) and `weights` (non-negative, normalised; default equal)
 * @returns a {@link Distribution1D} or a {@link DistributionND} of the same dimension as the components
 * @throws KineticError INVALID_ARGUMENT (empty, mixed kinds, bad weights) or SHAPE_MISMATCH
 * (weights length, different dimensions)
 * @remarks The CDF (1-D) and box probability (d-D) are closed when every component's is; the 1-D
 * quantile is found by safeguarded Newton between the smallest and largest component quantiles.
 * Sampling draws the component of each point first (one uniform each), then the points of each
 * component in one call, so the result depends only on the generator's state.
 * @example
 * ```ts
 * const f0 = createMixture({ components: [createNormal({ mean: -1, std: 0.3 }), createNormal({ mean: 1, std: 0.3 })] });
 * ```
 */
export function createMixture(params: MixtureParams<Distribution1D>): Distribution1D;
export function createMixture(params: MixtureParams<DistributionND>): DistributionND;
export function createMixture(params: MixtureParams<Distribution1D | DistributionND>): Distribution1D | DistributionND;
export function createMixture(params: MixtureParams<Distribution1D | DistributionND>): Distribution1D | DistributionND {
  const p = requireOptions<MixtureParams<Distribution1D | DistributionND>>("params", params, ["components", "weights"]);
  const comps = p.components;
  if (!Array.isArray(comps) || comps.length === 0) throw invalidArgument("components", "a non-empty array of distributions", comps);
  const w = normaliseWeights(p.weights, comps.length);
  if (comps.every(isUnivariate)) return mixture1D(comps, w);
  if (comps.every(isMultivariate)) {
    const d = comps[0]!.d;
    comps.forEach((c, i) => {
      if (c.d !== d) throw shapeMismatch(`components[${i}].d`, `dimension ${d}`, c.d);
    });
    return mixtureND(comps, w, d);
  }
  throw invalidArgument(
    "components",
    "distributions of one kind with densities (all univariate or all multivariate)",
    comps.map((c) => (c as { name?: string }).name),
  );
}

function mixture1D(comps: readonly Distribution1D[], w: Float64Array): Distribution1D {
  const k = comps.length;
  const allCdf = comps.every((c) => typeof c.cdf === "function");
  const allQuantile = comps.every((c) => typeof c.quantile === "function");
  let mean = 0;
  let second = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < k; c++) {
    const comp = comps[c]!;
    mean += w[c]! * comp.mean;
    second += w[c]! * (comp.variance + comp.mean * comp.mean);
    if (w[c]! > 0) {
      lo = Math.min(lo, comp.support[0]);
      hi = Math.max(hi, comp.support[1]);
    }
  }
  const pdf = (x: number): number => {
    let s = 0;
    for (let c = 0; c < k; c++) if (w[c]! > 0) s += w[c]! * comps[c]!.pdf(x);
    return s;
  };
  const logPdf = (x: number): number => {
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (w[c]! > 0) m = Math.max(m, Math.log(w[c]!) + comps[c]!.logPdf(x));
    if (m === -Infinity || m === Infinity) return m;
    let s = 0;
    for (let c = 0; c < k; c++) if (w[c]! > 0) s += Math.exp(Math.log(w[c]!) + comps[c]!.logPdf(x) - m);
    return m + Math.log(s);
  };
  const cdf = (x: number): number => {
    let s = 0;
    for (let c = 0; c < k; c++) if (w[c]! > 0) s += w[c]! * comps[c]!.cdf!(x);
    return Math.min(1, s);
  };
  const sf = (x: number): number => {
    let s = 0;
    for (let c = 0; c < k; c++) {
      if (w[c]! === 0) continue;
      const comp = comps[c]!;
      s += w[c]! * (comp.sf ? comp.sf(x) : 1 - comp.cdf!(x));
    }
    return Math.min(1, s);
  };
  const base: UnivariateBase & { kind: "univariate"; pdf(x: number): number; logPdf(x: number): number } = {
    kind: "univariate",
    d: 1,
    name: "mixture",
    params: { components: comps.map((c) => ({ name: c.name, params: c.params })), weights: Array.from(w) },
    support: [lo, hi] as Support,
    mean,
    variance: Math.max(0, second - mean * mean),
    pdf,
    logPdf,
    sample: (n, rng) => {
      checkSampleArgs(n, rng);
      const { which, counts } = drawComponents(n, w, rng);
      const out = new Float64Array(n);
      const draws = comps.map((c, i) => (counts[i]! > 0 ? c.sample(counts[i]!, rng) : new Float64Array(0)));
      const next = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        const c = which[i]!;
        out[i] = draws[c]![next[c]!++]!;
      }
      return out;
    },
  };
  if (!allCdf) return base;
  const withCdf: Distribution1D = { ...base, cdf, sf };
  if (!allQuantile) return withCdf;
  return {
    ...withCdf,
    quantile: (q) => {
      checkProbability(q);
      if (q === 0) return lo;
      if (q === 1) return hi;
      let a = Infinity;
      let b = -Infinity;
      for (let c = 0; c < k; c++) {
        if (w[c]! === 0) continue;
        const x = comps[c]!.quantile!(q);
        a = Math.min(a, x);
        b = Math.max(b, x);
      }
      if (a === b) return a;
      const g = q <= 0.5 ? (x: number) => cdf(x) - q : (x: number) => 1 - q - sf(x);
      return solveMonotone(g, pdf, a, b, 0.5 * (a + b), `mixture quantile(${q})`);
    },
  };
}

function mixtureND(comps: readonly DistributionND[], w: Float64Array, d: number): DistributionND {
  const k = comps.length;
  const mean = new Float64Array(d);
  const second = new Float64Array(d * d);
  const support: [number, number][] = [];
  for (let j = 0; j < d; j++) support.push([Infinity, -Infinity]);
  for (let c = 0; c < k; c++) {
    const comp = comps[c]!;
    const wc = w[c]!;
    for (let i = 0; i < d; i++) {
      mean[i]! += wc * comp.mean[i]!;
      for (let j = 0; j < d; j++) second[i * d + j]! += wc * (comp.covariance[i * d + j]! + comp.mean[i]! * comp.mean[j]!);
      if (wc > 0) {
        support[i]![0] = Math.min(support[i]![0], comp.support[i]![0]);
        support[i]![1] = Math.max(support[i]![1], comp.support[i]![1]);
      }
    }
  }
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) covariance[i * d + j] = second[i * d + j]! - mean[i]! * mean[j]!;
  const allBox = comps.every((c) => typeof c.boxProbability === "function");
  const pdf = (x: ArrayLike<number>): number => {
    let s = 0;
    for (let c = 0; c < k; c++) if (w[c]! > 0) s += w[c]! * comps[c]!.pdf(x);
    return s;
  };
  const dist: DistributionND = {
    kind: "multivariate",
    d,
    name: "mixture",
    params: { components: comps.map((c) => ({ name: c.name, params: c.params })), weights: Array.from(w) },
    support,
    mean,
    covariance,
    pdf,
    logPdf: (x) => {
      // log-sum-exp, so that points far from every component keep a finite log-density
      let m = -Infinity;
      for (let c = 0; c < k; c++) if (w[c]! > 0) m = Math.max(m, Math.log(w[c]!) + comps[c]!.logPdf(x));
      if (m === -Infinity || m === Infinity) return m;
      let s = 0;
      for (let c = 0; c < k; c++) if (w[c]! > 0) s += Math.exp(Math.log(w[c]!) + comps[c]!.logPdf(x) - m);
      return m + Math.log(s);
    },
    sample: (n, rng) => {
      checkSampleArgs(n, rng, 8 * d);
      const { which, counts } = drawComponents(n, w, rng);
      const out = new Float64Array(n * d);
      const draws = comps.map((c, i) => (counts[i]! > 0 ? c.sample(counts[i]!, rng) : new Float64Array(0)));
      const next = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        const c = which[i]!;
        const src = draws[c]!;
        const r = next[c]!++;
        for (let j = 0; j < d; j++) out[i * d + j] = src[r * d + j]!;
      }
      return out;
    },
  };
  if (!allBox) return dist;
  return {
    ...dist,
    boxProbability: (lower, upper) => {
      let s = 0;
      for (let c = 0; c < k; c++) if (w[c]! > 0) s += w[c]! * comps[c]!.boxProbability!(lower, upper);
      return s;
    },
  };
}

/**
 * P(a ≤ X ≤ b) for a univariate distribution with a CDF, using the survival function in the
 * upper half so that small tail probabilities keep their relative accuracy.
 * @param dist - a distribution with `cdf` (and ideally `sf`)
 * @param a - left end
 * @param b - right end (b ≥ a)
 * @returns the probability (0 when b ≤ a)
 * @throws KineticError UNSUPPORTED when the distribution has no CDF
 * @remarks Two CDF evaluations; the difference is taken on the side of the median where both
 * values are small, so cancellation costs at most about 1e-16 absolute.
 * @example
 * ```ts
 * intervalProbability(createNormal(), -1.96, 1.96); // 0.95
 * ```
 */
export function intervalProbability(dist: UnivariateBase, a: number, b: number): number {
  if (typeof dist.cdf !== "function") {
    throw new KineticError("UNSUPPORTED", `distribution "${dist.name}" has no closed-form CDF`);
  }
  if (!(b > a)) return 0;
  const fa = dist.cdf(a);
  if (fa > 0.5 && typeof dist.sf === "function") return Math.max(0, dist.sf(a) - dist.sf(b));
  return Math.max(0, dist.cdf(b) - fa);
}
