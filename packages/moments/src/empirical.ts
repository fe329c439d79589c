/**
 * Empirical moments of particle ensembles and of grid densities (compensated sums).
 * @packageDocumentation
 */
import { checkEnsemble, compensatedSum } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFiniteArray,
  requireInteger,
  requireOneOf,
  requireOptions,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import { type Grid1D, type Grid2D, requireGrid1D, requireGrid2D } from "@kinetic-nde/datasets";

/** Moments of a (possibly weighted) measure in d dimensions. */
export interface MomentSummary {
  /** Dimension d. */
  readonly d: number;
  /** Highest order K of `raw` and `central`. */
  readonly order: number;
  /** Total mass m_0 (1 for an unweighted ensemble). */
  readonly mass: number;
  /** Particles or cells summed over. */
  readonly count: number;
  /**
   * Raw marginal moments, d·(K+1) values: `raw[j*(K+1) + k]` = ∫ x_j^k f (not normalised, so
   * `raw[j*(K+1)]` is the mass, as m_k in MODEL.md §6).
   */
  readonly raw: Float64Array;
  /** Central marginal moments per unit mass, d·(K+1): `central[j*(K+1)+k]` = ∫ (x_j - μ_j)^k f / m_0. */
  readonly central: Float64Array;
  /** Mean vector μ (d values), per unit mass. */
  readonly mean: Float64Array;
  /** Covariance (d·d, row-major) per unit mass; population convention (divided by the mass, not M - 1). */
  readonly covariance: Float64Array;
  /** Marginal variances (d values), the diagonal of `covariance`. */
  readonly variance: Float64Array;
  /** Marginal skewness c_3 / c_2^{3/2} (d values; NaN when the variance is 0). */
  readonly skewness: Float64Array;
  /** Marginal kurtosis c_4 / c_2² (d values; 3 for a Gaussian; NaN when the variance is 0). */
  readonly kurtosis: Float64Array;
  /** Marginal excess kurtosis, `kurtosis - 3`. */
  readonly excessKurtosis: Float64Array;
}

/** Options of {@link computeEnsembleMoments}. */
export interface EnsembleMomentOptions {
  /** Dimension d (default 1). */
  readonly d?: number;
  /** Highest order K (default 4). */
  readonly order?: number;
  /** Non-negative weights, one per particle (default 1/M each, mass 1). Their sum is the mass. */
  readonly weights?: ArrayLike<number>;
}

/** Options of {@link computeDensityMoments}. */
export interface DensityMomentOptions {
  /** Highest order K (default 4). */
  readonly order?: number;
  /**
   * `"midpoint"` (default): x^k at cell centres, second-order accurate for smooth densities and the
   * convention of the benchmarks; `"cell-exact"`: the exact moments of the piecewise-constant density.
   */
  readonly quadrature?: "midpoint" | "cell-exact";
}

function finish(
  d: number,
  K: number,
  mass: number,
  count: number,
  raw: Float64Array,
  centralFull: Float64Array,
  Kc: number,
  mean: Float64Array,
  covariance: Float64Array,
): MomentSummary {
  const central = new Float64Array(d * (K + 1));
  const variance = new Float64Array(d);
  const skewness = new Float64Array(d);
  const kurtosis = new Float64Array(d);
  const excessKurtosis = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= K; k++) central[j * (K + 1) + k] = centralFull[j * (Kc + 1) + k]!;
    const c2 = centralFull[j * (Kc + 1) + 2]!;
    variance[j] = covariance[j * d + j]!;
    skewness[j] = c2 > 0 ? centralFull[j * (Kc + 1) + 3]! / Math.pow(c2, 1.5) : NaN;
    kurtosis[j] = c2 > 0 ? centralFull[j * (Kc + 1) + 4]! / (c2 * c2) : NaN;
    excessKurtosis[j] = kurtosis[j]! - 3;
  }
  return { d, order: K, mass, count, raw, central, mean, covariance, variance, skewness, kurtosis, excessKurtosis };
}

/**
 * Raw and central moments, mean, covariance, skewness and kurtosis of a particle ensemble.
 *
 * @param x - ensemble, M·d values row-major (`x[i*d + j]`)
 * @param options - `d` (default 1), `order` K (default 4), `weights` (M non-negative values; default 1/M)
 * @returns a {@link MomentSummary}: `raw` = Σ w_i x_ij^k (mass-weighted, unnormalised), `central`,
 *   `mean`, `covariance` per unit mass (population convention), `skewness`, `kurtosis`
 * @throws KineticError INVALID_ARGUMENT (not a Float64Array, empty, fewer than 2 particles with positive
 *   weight, non-finite values or weights, negative weights, zero total weight, bad order, unknown option) or SHAPE_MISMATCH (length not a multiple of d,
 *   weights of the wrong length)
 * @remarks Two passes (mean first, then centred powers) with Neumaier-compensated sums, so central
 * moments do not suffer from cancellation; cost O(M·d·(K + d)). The result does not depend on the
 * order of the particles beyond rounding.
 * @example
 * ```ts
 * const s = computeEnsembleMoments(new Float64Array([0, 1, 2, 3]), { order: 4 });
 * s.mean[0]; // 1.5; s.variance[0] // 1.25
 * ```
 */
export function computeEnsembleMoments(x: Float64Array, options: EnsembleMomentOptions = {}): MomentSummary {
  options = requireOptions<EnsembleMomentOptions>("options", options, ["d", "order", "weights"]);
  const d = requireInteger("options.d", options.d ?? 1, 1, 4096);
  const K = requireInteger("options.order", options.order ?? 4, 0, 64);
  const M = checkEnsemble(x, d, "x");
  let wts: Float64Array | null = null;
  let mass = 1;
  if (options.weights !== undefined) {
    wts = requireFiniteArray("options.weights", options.weights);
    if (wts.length !== M) throw shapeMismatch("options.weights", `one weight per particle (${M})`, wts.length);
    for (let i = 0; i < M; i++) if (wts[i]! < 0) throw invalidArgument(`options.weights[${i}]`, "non-negative", wts[i]);
    mass = compensatedSum(wts);
    if (!(mass > 0)) throw invalidArgument("options.weights", "weights with a positive sum", mass);
  }
  // one particle (or one with positive weight) has no spread: its central moments are 0 and its
  // skewness and kurtosis undefined — refused instead of returned as NaN
  let carried = 0;
  for (let i = 0; i < M && carried < 2; i++) if (wts === null || wts[i]! > 0) carried++;
  if (carried < 2) {
    throw invalidArgument(
      "x",
      "an ensemble of at least 2 particles with positive weight (one particle has no spread: skewness and kurtosis are undefined)",
      x,
    );
  }
  const Kc = Math.max(K, 4);
  // Unweighted: sum with weight 1 and divide once by M at the end (exact for integer data).
  const norm = wts === null ? M : 1;
  const cnorm = wts === null ? M : mass;
  // Pass 1: raw moments (compensated), which also give the mean.
  const rawS = new Float64Array(d * (K + 1));
  const rawC = new Float64Array(d * (K + 1));
  const meanS = new Float64Array(d);
  const meanC = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    const wi = wts === null ? 1 : wts[i]!;
    for (let j = 0; j < d; j++) {
      const xv = x[i * d + j]!;
      let p = wi;
      for (let k = 0; k <= K; k++) {
        const idx = j * (K + 1) + k;
        const s = rawS[idx]!;
        const t = s + p;
        rawC[idx] += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
        rawS[idx] = t;
        p *= xv;
      }
      const v = wi * xv;
      const s = meanS[j]!;
      const t = s + v;
      meanC[j] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      meanS[j] = t;
    }
  }
  const raw = new Float64Array(d * (K + 1));
  for (let i = 0; i < raw.length; i++) raw[i] = (rawS[i]! + rawC[i]!) / norm;
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = (meanS[j]! + meanC[j]!) / cnorm;
  // Pass 2: central moments and covariance.
  const cS = new Float64Array(d * (Kc + 1));
  const cC = new Float64Array(d * (Kc + 1));
  const vS = new Float64Array(d * d);
  const vC = new Float64Array(d * d);
  for (let i = 0; i < M; i++) {
    const wi = wts === null ? 1 : wts[i]!;
    for (let j = 0; j < d; j++) {
      const dx = x[i * d + j]! - mean[j]!;
      let p = wi;
      for (let k = 0; k <= Kc; k++) {
        const idx = j * (Kc + 1) + k;
        const s = cS[idx]!;
        const t = s + p;
        cC[idx] += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
        cS[idx] = t;
        p *= dx;
      }
      for (let l = j; l < d; l++) {
        const v = wi * dx * (x[i * d + l]! - mean[l]!);
        const idx = j * d + l;
        const s = vS[idx]!;
        const t = s + v;
        vC[idx] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        vS[idx] = t;
      }
    }
  }
  const central = new Float64Array(d * (Kc + 1));
  for (let i = 0; i < central.length; i++) central[i] = (cS[i]! + cC[i]!) / cnorm;
  const cov = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let l = j; l < d; l++) {
      const v = (vS[j * d + l]! + vC[j * d + l]!) / cnorm;
      cov[j * d + l] = v;
      cov[l * d + j] = v;
    }
  }
  return finish(d, K, mass, M, raw, central, Kc, mean, cov);
}

/** ∫ over [l, r] of u^k du / (r - l) for u = x - μ, without cancellation: (1/(k+1)) Σ_i a^i b^{k-i}. */
function cellPowerMean(a: number, b: number, k: number): number {
  if (k === 0) return 1;
  let s = 0;
  let pa = 1;
  for (let i = 0; i <= k; i++) {
    let pb = 1;
    for (let q = 0; q < k - i; q++) pb *= b;
    s += pa * pb;
    pa *= a;
  }
  return s / (k + 1);
}

/**
 * Moments of a density given by cell averages on a uniform 1-D or 2-D grid.
 *
 * @param f - cell averages: n values (1-D) or nx·ny values with index `i*ny + j` (2-D, x outer)
 * @param grid - a `Grid1D` or `Grid2D` (datasets' `createGrid1D` / `createGrid2D`)
 * @param options - `order` K (default 4), `quadrature` (`"midpoint"` default, or `"cell-exact"`)
 * @returns a {@link MomentSummary} with d = 1 or 2; `raw[j*(K+1)+k]` = Σ x_c^k f_c ΔxΔy (m_0 = mass)
 * @throws KineticError INVALID_ARGUMENT (non-finite values, bad grid, mass ≤ 0) or SHAPE_MISMATCH
 *   (length of `f` does not match the grid)
 * @remarks Compensated sums; midpoint is second-order accurate in Δx for smooth densities (the
 * convention "mean of f = Σ x_c f_c Δx"), `cell-exact` integrates the piecewise-constant
 * reconstruction exactly (variance larger by Δx²/12 for a fine grid). Negative cell values are
 * allowed (e.g. sensitivities) as long as the mass is positive. Cost O(n·K).
 * @example
 * ```ts
 * const f = new Float64Array(100).fill(0.25); // uniform on [-2, 2]
 * computeDensityMoments(f, createGrid1D(-2, 2, 100)).variance[0]; // ≈ 4/3
 * ```
 */
export function computeDensityMoments(f: ArrayLike<number>, grid: Grid1D | Grid2D, options: DensityMomentOptions = {}): MomentSummary {
  const K = requireInteger("options.order", options.order ?? 4, 0, 64);
  const quad = requireOneOf("options.quadrature", options.quadrature ?? "midpoint", ["midpoint", "cell-exact"] as const);
  const exact = quad === "cell-exact";
  const Kc = Math.max(K, 4);
  const two = typeof grid === "object" && grid !== null && grid.kind === "2d";
  const g2 = two ? requireGrid2D("grid", grid) : undefined;
  const g1 = two ? undefined : requireGrid1D("grid", grid);
  const xMin = g2?.xMin ?? g1!.xMin;
  const xMax = g2?.xMax ?? g1!.xMax;
  const nx = g2?.nx ?? g1!.n;
  const ny = g2?.ny ?? 1;
  const yMin = g2?.yMin ?? 0;
  const yMax = g2?.yMax ?? 1;
  const vals = requireFiniteArray("f", f);
  if (vals.length !== nx * ny) throw shapeMismatch("f", two ? `nx·ny = ${nx * ny} values` : `n = ${nx} values`, vals.length);
  const d = two ? 2 : 1;
  const dx = (xMax - xMin) / nx;
  const dy = two ? (yMax - yMin) / ny : 1;
  const cellArea = dx * dy;
  // Cell masses; marginal masses along x and y.
  const px = new Float64Array(nx);
  const py = new Float64Array(ny);
  const pxc = new Float64Array(nx);
  const pyc = new Float64Array(ny);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const v = vals[i * ny + j]! * cellArea;
      let s = px[i]!;
      let t = s + v;
      pxc[i] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      px[i] = t;
      s = py[j]!;
      t = s + v;
      pyc[j] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      py[j] = t;
    }
  }
  for (let i = 0; i < nx; i++) px[i] = px[i]! + pxc[i]!;
  for (let j = 0; j < ny; j++) py[j] = py[j]! + pyc[j]!;
  const marg: Float64Array[] = two ? [px, py] : [px];
  const lo = [xMin, yMin];
  const h = [dx, dy];
  const raw = new Float64Array(d * (K + 1));
  const central = new Float64Array(d * (Kc + 1));
  const mean = new Float64Array(d);
  let mass = 0;
  for (let c = 0; c < d; c++) {
    const p = marg[c]!;
    const o = lo[c]!;
    const hc = h[c]!;
    const sums = new Float64Array(K + 1);
    const comp = new Float64Array(K + 1);
    for (let i = 0; i < p.length; i++) {
      const xl = o + i * hc;
      const xr = o + (i + 1) * hc;
      const xc = o + (i + 0.5) * hc;
      for (let k = 0; k <= K; k++) {
        const v = p[i]! * (exact ? cellPowerMean(xr, xl, k) : Math.pow(xc, k));
        const s = sums[k]!;
        const t = s + v;
        comp[k] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        sums[k] = t;
      }
    }
    for (let k = 0; k <= K; k++) raw[c * (K + 1) + k] = sums[k]! + comp[k]!;
    if (c === 0) {
      mass = compensatedSum(p);
      if (!(mass > 0)) throw invalidArgument("f", "a density with positive mass", mass);
    }
    let ms = 0;
    let mc = 0;
    for (let i = 0; i < p.length; i++) {
      const v = p[i]! * (o + (i + 0.5) * hc);
      const t = ms + v;
      mc += Math.abs(ms) >= Math.abs(v) ? ms - t + v : v - t + ms;
      ms = t;
    }
    mean[c] = (ms + mc) / mass;
    const cs = new Float64Array(Kc + 1);
    const cco = new Float64Array(Kc + 1);
    for (let i = 0; i < p.length; i++) {
      const a = o + (i + 1) * hc - mean[c]!;
      const b = o + i * hc - mean[c]!;
      const u = o + (i + 0.5) * hc - mean[c]!;
      for (let k = 0; k <= Kc; k++) {
        const v = (p[i]! / mass) * (exact ? cellPowerMean(a, b, k) : Math.pow(u, k));
        const s = cs[k]!;
        const t = s + v;
        cco[k] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        cs[k] = t;
      }
    }
    for (let k = 0; k <= Kc; k++) central[c * (Kc + 1) + k] = cs[k]! + cco[k]!;
  }
  const cov = new Float64Array(d * d);
  for (let c = 0; c < d; c++) cov[c * d + c] = central[c * (Kc + 1) + 2]!;
  if (two) {
    // Cross term: the cell integral of (x - μx)(y - μy) of a constant is its midpoint value (both rules).
    let s = 0;
    let cc = 0;
    for (let i = 0; i < nx; i++) {
      const u = xMin + (i + 0.5) * dx - mean[0]!;
      for (let j = 0; j < ny; j++) {
        const v = ((vals[i * ny + j]! * cellArea) / mass) * u * (yMin + (j + 0.5) * dy - mean[1]!);
        const t = s + v;
        cc += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
        s = t;
      }
    }
    cov[1] = s + cc;
    cov[2] = s + cc;
  }
  return finish(d, K, mass, nx * ny, raw, central, Kc, mean, cov);
}
