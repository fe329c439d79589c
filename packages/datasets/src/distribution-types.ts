/**
 * The shapes shared by every distribution: univariate with a density ({@link Distribution1D}),
 * empirical ({@link EmpiricalDistribution}) and multivariate ({@link DistributionND}).
 * @packageDocumentation
 */
import type { Rng } from "@kinetic-nde/core";

/** A closed interval [lower, upper] (bounds may be ±Infinity). */
export type Support = readonly [lower: number, upper: number];

/** Members common to the univariate distributions. */
export interface UnivariateBase {
  /** Dimension, always 1. */
  readonly d: 1;
  /** Family name, e.g. `"normal"`. */
  readonly name: string;
  /** The parameters the distribution was created with (plain, JSON-serialisable). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Smallest interval carrying all the mass. */
  readonly support: Support;
  /** Mean E[X]. */
  readonly mean: number;
  /** Variance Var[X]. */
  readonly variance: number;
  /** Cumulative distribution function P(X ≤ x), when available in closed form. */
  cdf?(x: number): number;
  /** Survival function P(X > x), accurate in the upper tail, when available. */
  sf?(x: number): number;
  /** Quantile: the smallest x with P(X ≤ x) ≥ p, for p in [0, 1], when available. */
  quantile?(p: number): number;
  /**
   * Draw `n` independent variates.
   * @param n - number of draws, integer ≥ 0
   * @param rng - seeded generator from `createRng`
   * @returns a fresh Float64Array of length n
   */
  sample(n: number, rng: Rng): Float64Array;
}

/** A univariate distribution with a density (absolutely continuous). */
export interface Distribution1D extends UnivariateBase {
  /** Discriminant. */
  readonly kind: "univariate";
  /** Probability density f(x) (0 outside the support). */
  pdf(x: number): number;
  /** ln f(x) (-Infinity outside the support). */
  logPdf(x: number): number;
}

/** The empirical measure (1/n) Σ δ(x - s_i) of a sample: no density, exact CDF and quantiles. */
export interface EmpiricalDistribution extends UnivariateBase {
  /** Discriminant. */
  readonly kind: "empirical";
  /** The samples, sorted increasingly (length n). */
  readonly values: Float64Array;
  /** ECDF: (number of samples ≤ x) / n. */
  cdf(x: number): number;
  /** (number of samples > x) / n. */
  sf(x: number): number;
  /** Sample quantile (method chosen at creation). */
  quantile(p: number): number;
}

/** A multivariate distribution on R^d with a density. */
export interface DistributionND {
  /** Discriminant. */
  readonly kind: "multivariate";
  /** Dimension d ≥ 1. */
  readonly d: number;
  /** Family name, e.g. `"multivariate-normal"`. */
  readonly name: string;
  /** The parameters the distribution was created with. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Support of each coordinate (a box containing all the mass). */
  readonly support: readonly Support[];
  /** Mean vector (length d). */
  readonly mean: Float64Array;
  /** Covariance matrix, d·d row-major. */
  readonly covariance: Float64Array;
  /** Density at the point `x` (length d). */
  pdf(x: ArrayLike<number>): number;
  /** Log-density at the point `x` (length d). */
  logPdf(x: ArrayLike<number>): number;
  /** P(lower ≤ X ≤ upper) for a box, when available in closed form. */
  boxProbability?(lower: ArrayLike<number>, upper: ArrayLike<number>): number;
  /**
   * Draw `n` independent points.
   * @param n - number of draws, integer ≥ 0
   * @param rng - seeded generator
   * @returns a fresh Float64Array of n·d values, row-major (`x[i*d + j]`)
   */
  sample(n: number, rng: Rng): Float64Array;
}

/** Any distribution of this package. */
export type Distribution = Distribution1D | EmpiricalDistribution | DistributionND;
