/**
 * φ₁-type helper shared by the moment solvers and the design code. Internal.
 * @packageDocumentation
 */

/** (e^{xτ} - 1)/x, equal to τ at x = 0, without cancellation (expm1). */
export function phi1(x: number, tau: number): number {
  const z = x * tau;
  if (z === 0) return tau;
  return Math.expm1(z) / x;
}
