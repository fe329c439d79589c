/**
 * Fixtures shared by the mean-field test suites.
 */

/** The normal density N(m, s²) as a point-value function. */
export const gaussian =
  (m: number, s: number) =>
  (x: number): number =>
    Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
