/**
 * The empirical distribution of a sample: ECDF, sample quantiles, moments and bootstrap draws.
 * @packageDocumentation
 */
import { invalidArgument, requireFiniteArray, requireOneOf, requireOptions } from "@kinetic-nde/core/validate";
import type { EmpiricalDistribution } from "./distribution-types.js";
import { checkSampleArgs, compensatedSum } from "./internal/check.js";

/** How {@link createEmpirical} computes quantiles. */
export type QuantileMethod = "linear" | "inverse-cdf";

/** Options of {@link createEmpirical}. */
export interface EmpiricalOptions {
  /**
   * `"linear"` (default; NumPy's default, Hyndman–Fan type 7: interpolates the sorted sample at
   * position p·(n - 1)) or `"inverse-cdf"` (type 1: the smallest sample value with ECDF ≥ p).
   */
  readonly quantileMethod?: QuantileMethod;
}

/** Number of sorted values ≤ x (upper bound by binary search). */
function countAtMost(v: Float64Array, x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The empirical measure (1/n) Σ δ(x - s_i) of a 1-D sample.
 * @param samples - n ≥ 1 finite values (copied, then sorted)
 * @param options - `quantileMethod` (default `"linear"`)
 * @returns an {@link EmpiricalDistribution}; `mean` and `variance` are those of the empirical
 * measure (divisor n, not n - 1)
 * @throws KineticError INVALID_ARGUMENT for an empty sample, a non-finite value or an unknown method
 * @remarks Sorting costs O(n log n) once; `cdf`, `sf` cost O(log n) (binary search). `sample`
 * draws with replacement (bootstrap), one uniform per draw. Cell averages of an empirical
 * distribution on a grid are its normalised histogram.
 * @example
 * ```ts
 * const e = createEmpirical([3, 1, 2]);
 * e.cdf(2); // 2/3
 * e.quantile(0.5); // 2
 * ```
 */
export function createEmpirical(samples: ArrayLike<number>, options: EmpiricalOptions = {}): EmpiricalDistribution {
  const o = requireOptions<EmpiricalOptions>("options", options, ["quantileMethod"]);
  const method = requireOneOf("quantileMethod", o.quantileMethod ?? "linear", ["linear", "inverse-cdf"] as const);
  const values = requireFiniteArray("samples", samples).sort();
  const n = values.length;
  const mean = compensatedSum(values) / n;
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = values[i]! - mean;
    dev[i] = t * t;
  }
  const variance = compensatedSum(dev) / n;
  const quantile = (p: number): number => {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw invalidArgument("p", "a probability in [0, 1]", p);
    }
    if (method === "inverse-cdf") {
      const k = Math.max(1, Math.ceil(p * n));
      return values[k - 1]!;
    }
    const h = p * (n - 1);
    const i = Math.floor(h);
    if (i >= n - 1) return values[n - 1]!;
    return values[i]! + (h - i) * (values[i + 1]! - values[i]!);
  };
  return {
    kind: "empirical",
    d: 1,
    name: "empirical",
    params: { n, quantileMethod: method },
    support: [values[0]!, values[n - 1]!],
    mean,
    variance,
    values,
    cdf: (x) => countAtMost(values, x) / n,
    sf: (x) => (n - countAtMost(values, x)) / n,
    quantile,
    sample: (m, rng) => {
      checkSampleArgs(m, rng);
      const out = new Float64Array(m);
      for (let i = 0; i < m; i++) out[i] = values[rng.int(n)]!;
      return out;
    },
  };
}
