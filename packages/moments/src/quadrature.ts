/**
 * Gauss–Hermite quadrature for expectations under a normal distribution, and the normal density
 * (the normal CDF is datasets' `normalCdf`).
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { requireInteger } from "@kinetic-nde/core/validate";

/** Nodes and weights for E[g(Z)], Z ~ N(0, 1): E[g(Z)] ≈ Σ_i weights[i] g(nodes[i]). */
export interface GaussHermiteRule {
  /** Number of nodes n. */
  readonly n: number;
  /** Nodes z_i (ascending), n values. */
  readonly nodes: Float64Array;
  /** Weights (positive, summing to 1), n values. */
  readonly weights: Float64Array;
}

const cache = new Map<number, GaussHermiteRule>();

/**
 * The n-point Gauss–Hermite rule in probabilists' form (weight e^{-z²/2}/√(2π)).
 * @param n - number of nodes, integer in [1, 100]
 * @returns frozen nodes and weights (cached per n); exact for polynomials of degree ≤ 2n - 1
 * @throws KineticError INVALID_ARGUMENT for n outside [1, 100]; SOLVER_FAILED if Newton's method
 *   does not converge or the rule fails its checks (not observed for n ≤ 100)
 * @remarks Roots of the orthonormal Hermite polynomials by Newton's method from asymptotic initial
 * guesses (Numerical Recipes' `gauher`), then scaled: z = √2 x, weight = w/√π. Cost O(n²) once per n.
 * @example
 * ```ts
 * const { nodes, weights } = gaussHermite(20);
 * let ez2 = 0; for (let i = 0; i < 20; i++) ez2 += weights[i] * nodes[i] ** 2; // 1
 * ```
 */
export function gaussHermite(n: number): GaussHermiteRule {
  requireInteger("n", n, 1, 100);
  const hit = cache.get(n);
  if (hit) return hit;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const PIM4 = 0.7511255444649425; // π^{-1/4}
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * x[1]!;
    else z = 2 * z - x[i - 2]!;
    let pp = 0;
    let converged = false;
    for (let it = 0; it < 100; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) {
        converged = true;
        break;
      }
    }
    if (!converged) throw new KineticError("SOLVER_FAILED", `Gauss–Hermite: Newton's method did not converge for n = ${n}`);
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i]!;
  }
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  let ok = Math.abs(total / Math.sqrt(Math.PI) - 1) < 1e-12;
  for (let i = 1; i < n; i++) if (!(x[i]! < x[i - 1]!) || !(w[i]! > 0)) ok = false;
  if (!ok)
    throw new KineticError("SOLVER_FAILED", `Gauss–Hermite: the ${n}-point rule failed its checks (distinct nodes, weights summing to √π)`);
  // x is descending; store ascending. Normalising by the computed total removes the last ulps.
  for (let i = 0; i < n; i++) {
    nodes[i] = Math.SQRT2 * x[n - 1 - i]!;
    weights[i] = w[n - 1 - i]! / total;
  }
  const rule = Object.freeze({ n, nodes, weights });
  cache.set(n, rule);
  return rule;
}

/**
 * Standard normal density φ(x) = e^{-x²/2}/√(2π).
 * @param x - any number
 * @returns φ(x) ≥ 0
 * @example
 * ```ts
 * normalPdf(0); // 0.3989422804014327
 * ```
 */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
