/**
 * Multivariate distributions: the normal distribution with a full covariance (via its Cholesky
 * factor) and products of independent univariate distributions.
 * @packageDocumentation
 */
import { invalidArgument, requireFiniteArray, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Distribution1D, DistributionND, Support } from "./distribution-types.js";
import { intervalProbability } from "./distributions.js";
import { checkSampleArgs } from "./internal/check.js";
import { erfc } from "./special.js";

const LN_2PI = 1.8378770664093453;

/** Parameters of {@link createMultivariateNormal}. */
export interface MultivariateNormalParams {
  /** Mean vector μ (length d). */
  readonly mean: ArrayLike<number>;
  /**
   * Covariance Σ: symmetric positive definite, as d·d values row-major or as d rows of d numbers
   * (default: the identity).
   */
  readonly covariance?: ArrayLike<number> | readonly ArrayLike<number>[];
}

function flattenMatrix(name: string, m: ArrayLike<number> | readonly ArrayLike<number>[], d: number): Float64Array {
  if (Array.isArray(m) && m.length > 0 && typeof m[0] !== "number") {
    const rows = m as readonly ArrayLike<number>[];
    if (rows.length !== d) throw shapeMismatch(name, `${d} rows`, rows.length);
    const out = new Float64Array(d * d);
    rows.forEach((r, i) => out.set(requireFiniteArray(`${name}[${i}]`, r, d), i * d));
    return out;
  }
  return requireFiniteArray(name, m, d * d);
}

/**
 * Cholesky factor L (lower triangular, row-major d·d) with Σ = L Lᵀ.
 * @throws KineticError INVALID_ARGUMENT when Σ is not symmetric positive definite
 */
function cholesky(sigma: Float64Array, d: number): Float64Array {
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale = Math.max(scale, Math.abs(sigma[i]!));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(sigma[i * d + j]! - sigma[j * d + i]!) > 1e-12 * scale) {
        throw invalidArgument(
          `covariance[${i}][${j}]`,
          `equal to covariance[${j}][${i}] = ${sigma[j * d + i]} (symmetric)`,
          sigma[i * d + j],
        );
      }
    }
  }
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = sigma[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) {
        if (!(s > 1e-14 * scale)) throw invalidArgument("covariance", "a symmetric positive-definite matrix", Array.from(sigma));
        L[i * d + i] = Math.sqrt(s);
      } else {
        L[i * d + j] = s / L[j * d + j]!;
      }
    }
  }
  return L;
}

/**
 * The d-dimensional normal distribution N(μ, Σ).
 * @param params - `mean` (length d ≥ 1) and `covariance` (d×d SPD; default identity)
 * @returns a {@link DistributionND}; for diagonal Σ it also has an exact `boxProbability`
 * @throws KineticError INVALID_ARGUMENT (non-finite entries, not symmetric positive definite) or
 * SHAPE_MISMATCH (covariance size)
 * @remarks Σ is factorised once by Cholesky (O(d³)); each density costs O(d²) by forward
 * substitution, each draw μ + L z costs d normals and O(d²) flops.
 * @example
 * ```ts
 * const g = createMultivariateNormal({ mean: [0, 1], covariance: [[1, 0.5], [0.5, 2]] });
 * const pts = g.sample(500, createRng(3)); // 500·2 values, row-major
 * ```
 */
export function createMultivariateNormal(params: MultivariateNormalParams): DistributionND {
  const p = requireOptions<MultivariateNormalParams>("params", params, ["mean", "covariance"]);
  const mu = requireFiniteArray("mean", p.mean);
  const d = mu.length;
  let sigma: Float64Array;
  if (p.covariance === undefined) {
    sigma = new Float64Array(d * d);
    for (let i = 0; i < d; i++) sigma[i * d + i] = 1;
  } else {
    sigma = flattenMatrix("covariance", p.covariance, d);
  }
  const L = cholesky(sigma, d);
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(L[i * d + i]!);
  const lnNorm = -0.5 * (d * LN_2PI + logDet);
  const scratch = new Float64Array(d);
  let diagonal = true;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) if (i !== j && sigma[i * d + j] !== 0) diagonal = false;
  const logPdf = (x: ArrayLike<number>): number => {
    if (x.length !== d) throw shapeMismatch("x", `${d} coordinates`, x.length);
    // Solve L y = x - μ; the quadratic form is |y|².
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = x[i]! - mu[i]!;
      for (let k = 0; k < i; k++) s -= L[i * d + k]! * scratch[k]!;
      const y = s / L[i * d + i]!;
      scratch[i] = y;
      q += y * y;
    }
    return lnNorm - 0.5 * q;
  };
  const support: Support[] = [];
  for (let j = 0; j < d; j++) support.push([-Infinity, Infinity]);
  const dist: DistributionND = {
    kind: "multivariate",
    d,
    name: "multivariate-normal",
    params: { mean: Array.from(mu), covariance: Array.from(sigma) },
    support,
    mean: mu,
    covariance: sigma,
    pdf: (x) => Math.exp(logPdf(x)),
    logPdf,
    sample: (n, rng) => {
      checkSampleArgs(n, rng, 8 * d);
      const out = new Float64Array(n * d);
      const z = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        rng.normalInto(z);
        for (let r = 0; r < d; r++) {
          let s = mu[r]!;
          for (let k = 0; k <= r; k++) s += L[r * d + k]! * z[k]!;
          out[i * d + r] = s;
        }
      }
      return out;
    },
  };
  if (!diagonal) return dist;
  const sd = new Float64Array(d);
  for (let i = 0; i < d; i++) sd[i] = Math.sqrt(sigma[i * d + i]!);
  return {
    ...dist,
    boxProbability: (lower, upper) => {
      let prob = 1;
      for (let j = 0; j < d; j++) prob *= normalInterval((lower[j]! - mu[j]!) / sd[j]!, (upper[j]! - mu[j]!) / sd[j]!);
      return prob;
    },
  };
}

/** P(a ≤ Z ≤ b) for a standard normal, on the accurate side of 0. */
function normalInterval(a: number, b: number): number {
  if (!(b > a)) return 0;
  return a > 0 ? 0.5 * (erfcScaled(a) - erfcScaled(b)) : 0.5 * (erfcScaled(-b) - erfcScaled(-a));
}

function erfcScaled(z: number): number {
  return erfc(z / Math.SQRT2);
}

/** Parameters of {@link createIndependent}. */
export interface IndependentParams {
  /** One univariate distribution per coordinate (d = components.length ≥ 1). */
  readonly components: readonly Distribution1D[];
}

/**
 * The product distribution of independent coordinates, X_j ~ components[j].
 * @param params - `components`, one {@link Distribution1D} per coordinate
 * @returns a {@link DistributionND} with diagonal covariance; `boxProbability` is exact (a product
 * of CDF differences) when every component has a CDF
 * @throws KineticError INVALID_ARGUMENT for an empty list or a non-univariate component
 * @remarks Sampling draws each coordinate's n values in one call, coordinate by coordinate.
 * @example
 * ```ts
 * const f0 = createIndependent({ components: [createNormal(), createUniform({ lower: -1, upper: 1 })] });
 * ```
 */
export function createIndependent(params: IndependentParams): DistributionND {
  const p = requireOptions<IndependentParams>("params", params, ["components"]);
  const comps = p.components;
  if (!Array.isArray(comps) || comps.length === 0)
    throw invalidArgument("components", "a non-empty array of univariate distributions", comps);
  comps.forEach((c, i) => {
    if (typeof c !== "object" || c === null || c.kind !== "univariate") {
      throw invalidArgument(`components[${i}]`, "a univariate distribution with a density", (c as { name?: string } | null)?.name ?? c);
    }
  });
  const d = comps.length;
  const mean = new Float64Array(d);
  const covariance = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    mean[j] = comps[j]!.mean;
    covariance[j * d + j] = comps[j]!.variance;
  }
  const logPdf = (x: ArrayLike<number>): number => {
    if (x.length !== d) throw shapeMismatch("x", `${d} coordinates`, x.length);
    let s = 0;
    for (let j = 0; j < d; j++) s += comps[j]!.logPdf(x[j]!);
    return s;
  };
  const dist: DistributionND = {
    kind: "multivariate",
    d,
    name: "independent",
    params: { components: comps.map((c) => ({ name: c.name, params: c.params })) },
    support: comps.map((c) => c.support),
    mean,
    covariance,
    pdf: (x) => {
      if (x.length !== d) throw shapeMismatch("x", `${d} coordinates`, x.length);
      let s = 1;
      for (let j = 0; j < d; j++) s *= comps[j]!.pdf(x[j]!);
      return s;
    },
    logPdf,
    sample: (n, rng) => {
      checkSampleArgs(n, rng, 8 * d);
      const out = new Float64Array(n * d);
      for (let j = 0; j < d; j++) {
        const col = comps[j]!.sample(n, rng);
        for (let i = 0; i < n; i++) out[i * d + j] = col[i]!;
      }
      return out;
    },
  };
  if (!comps.every((c) => typeof c.cdf === "function")) return dist;
  return {
    ...dist,
    boxProbability: (lower, upper) => {
      let prob = 1;
      for (let j = 0; j < d; j++) prob *= intervalProbability(comps[j]!, lower[j]!, upper[j]!);
      return prob;
    },
  };
}
