/**
 * Small numerical kernels shared by the solvers (not exported from the package).
 * @packageDocumentation
 */

/** 3-point Gauss–Legendre nodes on [-1, 1] (exact for polynomials of degree ≤ 5). */
export const GL3_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)] as const;
/** 3-point Gauss–Legendre weights on [-1, 1]. */
export const GL3_WEIGHTS = [5 / 9, 8 / 9, 5 / 9] as const;

/** 5-point Gauss–Legendre nodes on [-1, 1] (exact for degree ≤ 9). */
export const GL5_NODES = [
  -0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664,
] as const;
/** 5-point Gauss–Legendre weights on [-1, 1]. */
export const GL5_WEIGHTS = [
  0.23692688505618908, 0.47862867049936647, 0.5688888888888889, 0.47862867049936647, 0.23692688505618908,
] as const;

/**
 * ∫_a^b g by 3-point Gauss–Legendre.
 * @param g - integrand
 * @param a - lower end
 * @param b - upper end
 * @returns the approximation
 */
export function gl3(g: (x: number) => number, a: number, b: number): number {
  const m = 0.5 * (a + b);
  const r = 0.5 * (b - a);
  return r * (GL3_WEIGHTS[0] * g(m + r * GL3_NODES[0]) + GL3_WEIGHTS[1] * g(m) + GL3_WEIGHTS[2] * g(m + r * GL3_NODES[2]));
}

/** Kahan–Babuška (Neumaier) compensated sum of an array: the one in core. */
export { compensatedSum } from "@kinetic-nde/core";

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
export function lgamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xm = x - 1;
  let a = c[0]!;
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Bernoulli function B(z) = z / (e^z - 1), B(0) = 1; accurate for every z (series for |z| < 0.1,
 * `expm1` otherwise). B(-z) = B(z) + z.
 */
export function bernoulliFn(z: number): number {
  if (Math.abs(z) < 0.1) {
    const u = z * z;
    // 1 - z/2 + z²/12 - z⁴/720 + z⁶/30240 - z⁸/1209600
    return 1 - 0.5 * z + u * (1 / 12 + u * (-1 / 720 + u * (1 / 30240 - u / 1209600)));
  }
  if (z > 745) return z * Math.exp(-z);
  return z / Math.expm1(z);
}

/**
 * Factor a tridiagonal matrix once (Thomas algorithm without pivoting, valid for the M-matrices of
 * the Chang–Cooper schemes). Row i: lower[i]·x[i-1] + diag[i]·x[i] + upper[i]·x[i+1].
 * Writes `cp` (modified upper), `inv` (reciprocal pivots) and `lw` = lower·inv, length n each
 * (`lw` may alias `lower`). With lw precomputed the forward sweep's dependency chain is one
 * multiply and one subtract per row.
 */
export function thomasFactor(
  n: number,
  lower: Float64Array,
  diag: Float64Array,
  upper: Float64Array,
  cp: Float64Array,
  inv: Float64Array,
  lw: Float64Array = lower,
): void {
  let p = 1 / diag[0]!;
  inv[0] = p;
  cp[0] = upper[0]! * p;
  lw[0] = 0;
  for (let i = 1; i < n; i++) {
    p = 1 / (diag[i]! - lower[i]! * cp[i - 1]!);
    inv[i] = p;
    cp[i] = upper[i]! * p;
    lw[i] = lower[i]! * p;
  }
}

/**
 * Solve in place with a factorisation from {@link thomasFactor}: x ← M⁻¹ x. Allocation-free.
 * @returns the plain sum of the solution (a cheap finiteness probe)
 */
export function thomasSolveInPlace(n: number, lw: Float64Array, cp: Float64Array, inv: Float64Array, x: Float64Array): number {
  let y = x[0]! * inv[0]!;
  x[0] = y;
  for (let i = 1; i < n; i++) {
    y = x[i]! * inv[i]! - lw[i]! * y;
    x[i] = y;
  }
  let nxt = x[n - 1]!;
  let s = nxt;
  for (let i = n - 2; i >= 0; i--) {
    nxt = x[i]! - cp[i]! * nxt;
    x[i] = nxt;
    s += nxt;
  }
  return s;
}

/**
 * Same as {@link thomasSolveInPlace} on a strided vector x[off + i·stride] (2-D sweeps).
 */
export function thomasSolveStrided(
  n: number,
  lw: Float64Array,
  cp: Float64Array,
  inv: Float64Array,
  coefOff: number,
  x: Float64Array,
  off: number,
  stride: number,
): void {
  let y = x[off]! * inv[coefOff]!;
  x[off] = y;
  for (let i = 1; i < n; i++) {
    const k = off + i * stride;
    y = x[k]! * inv[coefOff + i]! - lw[coefOff + i]! * y;
    x[k] = y;
  }
  let nxt = x[off + (n - 1) * stride]!;
  for (let i = n - 2; i >= 0; i--) {
    const k = off + i * stride;
    nxt = x[k]! - cp[coefOff + i]! * nxt;
    x[k] = nxt;
  }
}
