/**
 * Compensated summation for masses, moments and checksums.
 * @packageDocumentation
 */

/**
 * Neumaier (Kahan–Babuška) compensated sum of `a[start..end)`.
 * @param a - values (any array-like of numbers)
 * @param start - first index (default 0)
 * @param end - one past the last index (default `a.length`)
 * @returns the sum, with an error of about one rounding of the result independent of the length
 * @throws never; NaN or ±Infinity in `a` propagate to the result
 * @remarks Cost O(end - start), no allocation. Unlike plain Kahan summation it stays accurate when
 * a term is larger in magnitude than the running sum.
 * @example
 * ```ts
 * compensatedSum([1, 1e100, 1, -1e100]); // 2
 * ```
 */
export function compensatedSum(a: ArrayLike<number>, start = 0, end: number = a.length): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const v = a[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}
