/**
 * Compensated (Neumaier) summation. Internal.
 * @packageDocumentation
 */

/** Neumaier-compensated sum of an array: the one in core. */
export { compensatedSum } from "@kinetic-nde/core";

/**
 * Add `x` to the running compensated sum stored at `sum[i]`, `comp[i]` (Neumaier).
 * Inlined by hand in the hottest loops; this helper keeps the others readable.
 */
export function addInto(sum: Float64Array, comp: Float64Array, i: number, x: number): void {
  const s = sum[i]!;
  const t = s + x;
  comp[i] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
  sum[i] = t;
}
