/**
 * Chang–Cooper / Scharfetter–Gummel fluxes for ∂_t f + ∂_x(a f) = ∂_xx(D f) in 1-D, with the
 * structure-preserving generalisation to variable D (Pareschi & Zanella 2018).
 *
 * Form implemented. Write g = D f, so the flux is J = a f - ∂_x(D f) = (a/D) g - ∂_x g. Across the
 * face between cell centres x_{i} and x_{i+1}, solve J = const exactly with λ = a/D integrated:
 * z = ∫_{x_i}^{x_{i+1}} a(y)/D(y) dy (3-point Gauss–Legendre), which gives
 *
 *     J_{i+1/2} = ( α f_i - β f_{i+1} ) / Δx,   α = D_i B(-z),  β = D_{i+1} B(z),
 *
 * with the Bernoulli function B(z) = z/(e^z - 1). For constant D this is exactly the classical
 * Chang–Cooper flux  J = -[ B̃((1-δ) f_{i+1} + δ f_i) + D (f_{i+1} - f_i)/Δx ], B̃ = -a, with the weight
 * δ(w) = 1/w - 1/(e^w - 1), w = Δx B̃/D (since B(-z) = 1 - wδ, B(z) = 1 + w(1-δ), w = -z).
 * The flux vanishes exactly when f_{i+1}/f_i = (D_i/D_{i+1}) e^z, the quasi-equilibrium
 * f∞ = C/D exp(∫ a/D): the discrete steady state equals f∞ at the cell centres (up to the
 * quadrature of z), and all coefficients α, β are ≥ 0 (an M-matrix: positivity, exact mass).
 * @packageDocumentation
 */
import { invalidArgument } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { bernoulliFn, GL3_NODES, GL3_WEIGHTS } from "./internal/numerics.js";

/**
 * Boundary condition at one end of a 1-D domain.
 * - `"zero-flux"`: no flux through the wall (mass conserved exactly; the steady state exists).
 * - `"outflow"`: free advective outflow: the upwind flux a·f leaves when a points outward, nothing
 *   enters; no diffusive flux through the wall. Mass that leaves is reported.
 * - `"absorbing"`: f = 0 on the wall (Dirichlet); drift and diffusion both carry mass out.
 */
export type Boundary = "zero-flux" | "outflow" | "absorbing";

/**
 * Every {@link Boundary}.
 * @example
 * ```ts
 * BOUNDARIES.includes("outflow"); // true
 * ```
 */
export const BOUNDARIES: readonly Boundary[] = ["zero-flux", "outflow", "absorbing"];

/** Diffusion coefficient: a constant D > 0 or a function D(x) > 0 (D = K²/2). */
export type Diffusion1D = number | ((x: number) => number);

/**
 * Coefficients of the Chang–Cooper fluxes on a grid of n cells: face f (0..n) lies between cells
 * f-1 and f, and J_f = (alpha[f]·f_{f-1} - beta[f]·f_f) / Δx (with f_{-1} = f_n = 0).
 */
export interface ChangCooperCoefficients {
  /** n + 1 non-negative weights of the cell left of each face. */
  readonly alpha: Float64Array;
  /** n + 1 non-negative weights of the cell right of each face. */
  readonly beta: Float64Array;
  /** n + 1 values z_f = ∫ a/D across face f (0 at zero-flux walls). */
  readonly z: Float64Array;
}

/**
 * Chang–Cooper weight δ(w) = 1/w - 1/(e^w - 1) (w = Δx B̃ / D), by the series
 * 1/2 - w/12 + w³/720 - w⁵/30240 + w⁷/1209600 for |w| < 0.1 (the closed form loses about ten digits
 * near 0) and by `expm1` otherwise.
 * @param w - the local Péclet-type number (any finite value)
 * @returns δ(w) ∈ (0, 1)
 * @remarks δ(0) = 1/2 (central differences); δ → 0 or 1 for large |w| (upwinding).
 * @example
 * ```ts
 * ccDelta(0); // 0.5
 * ```
 */
export function ccDelta(w: number): number {
  if (Math.abs(w) < 0.1) {
    const u = w * w;
    return 0.5 + w * (-1 / 12 + u * (1 / 720 + u * (-1 / 30240 + u * (1 / 1209600))));
  }
  return 1 / w - 1 / Math.expm1(w);
}

/**
 * Bernoulli function B(z) = z / (e^z - 1), B(0) = 1, accurate to round-off for every z.
 * @param z - argument
 * @returns B(z) > 0
 * @remarks B(-z) = B(z) + z; B(-z)/B(z) = e^z.
 * @example
 * ```ts
 * bernoulli(0); // 1
 * ```
 */
export function bernoulli(z: number): number {
  return bernoulliFn(z);
}

function integralADivD(a: (x: number) => number, D: Diffusion1D, x0: number, x1: number): number {
  const m = 0.5 * (x0 + x1);
  const r = 0.5 * (x1 - x0);
  let s = 0;
  for (let q = 0; q < 3; q++) {
    const x = m + r * GL3_NODES[q]!;
    s += GL3_WEIGHTS[q]! * (typeof D === "number" ? a(x) / D : a(x) / D(x));
  }
  return r * s;
}

/**
 * Assemble the Chang–Cooper flux coefficients for velocity a(x) and diffusion D on a grid.
 * @param grid - n cells
 * @param a - velocity a(x) (e.g. σ(w x + b))
 * @param D - diffusion, constant or D(x) > 0 at every cell centre
 * @param left - boundary at xMin
 * @param right - boundary at xMax
 * @param out - optional preallocated coefficients to overwrite (length n + 1 each)
 * @returns the coefficients (`out` when given)
 * @throws KineticError INVALID_ARGUMENT when D is not positive and finite at a cell centre or the
 *   face integrals are not finite
 * @remarks O(n) evaluations of a and D (3 per face). The weights are ≥ 0 for every a, D, Δx.
 * @example
 * ```ts
 * const c = changCooperCoefficients(createGrid1D(-5, 5, 100), (x) => -x, 0.5, "zero-flux", "zero-flux");
 * ```
 */
export function changCooperCoefficients(
  grid: Grid1D,
  a: (x: number) => number,
  D: Diffusion1D,
  left: Boundary,
  right: Boundary,
  out?: ChangCooperCoefficients,
): ChangCooperCoefficients {
  const n = grid.n;
  const { xMin, dx } = grid;
  const c = out ?? { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };
  const { alpha, beta, z } = c;
  // walls first (stores after the interior loop would lack type feedback when V8 compiles the loop
  // on stack replacement); left wall (face 0): only beta[0] (outgoing to the left) can be non-zero
  alpha[0] = 0;
  z[0] = 0;
  beta[0] = 0;
  const D0 = typeof D === "number" ? D : D(xMin + 0.5 * dx);
  if (left === "outflow") {
    const aL = a(xMin);
    beta[0] = aL < 0 ? -aL * dx : 0;
  } else if (left === "absorbing") {
    const zf = integralADivD(a, D, xMin, xMin + 0.5 * dx);
    if (!Number.isFinite(zf)) throw invalidArgument("D", "finite ∫ a/D near the absorbing wall", xMin);
    z[0] = zf;
    beta[0] = 2 * D0 * bernoulliFn(zf);
  }
  alpha[n] = 0;
  beta[n] = 0;
  z[n] = 0;
  const Dn = typeof D === "number" ? D : D(xMin + (n - 0.5) * dx);
  if (right === "outflow") {
    const aR = a(grid.xMax);
    alpha[n] = aR > 0 ? aR * dx : 0;
  } else if (right === "absorbing") {
    const zf = integralADivD(a, D, grid.xMax - 0.5 * dx, grid.xMax);
    if (!Number.isFinite(zf)) throw invalidArgument("D", "finite ∫ a/D near the absorbing wall", grid.xMax);
    z[n] = zf;
    alpha[n] = 2 * Dn * bernoulliFn(-zf);
  }
  let Dl = typeof D === "number" ? D : D(xMin + 0.5 * dx);
  for (let f = 1; f < n; f++) {
    const x0 = xMin + (f - 0.5) * dx;
    const x1 = x0 + dx;
    const Dr = typeof D === "number" ? D : D(x1);
    const zf = integralADivD(a, D, x0, x1);
    if (!Number.isFinite(zf) || !(Dl > 0) || !(Dr > 0)) {
      throw invalidArgument("D", "positive and finite at every cell centre (with a finite ∫ a/D between centres)", { x: x1, D: Dr });
    }
    z[f] = zf;
    alpha[f] = Dl * bernoulliFn(-zf);
    beta[f] = Dr * bernoulliFn(zf);
    Dl = Dr;
  }
  return c;
}
