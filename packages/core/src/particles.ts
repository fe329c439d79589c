/**
 * Particle ensembles: one Float64Array of M×d values, row-major (`x[i*d + j]` is coordinate j of
 * particle i).
 * @packageDocumentation
 */
import { invalidArgument, requireFinite, requireFits, requireInteger, shapeMismatch } from "./validate.js";

/**
 * Check that `x` is an ensemble of d-dimensional particles and return the particle count M.
 * @param x - M·d values, row-major
 * @param d - dimension
 * @param name - argument name for messages (default `"x"`)
 * @returns M
 * @throws KineticError INVALID_ARGUMENT (not a Float64Array, empty, non-finite) or SHAPE_MISMATCH
 */
export function checkEnsemble(x: unknown, d: number, name = "x"): number {
  if (!(x instanceof Float64Array)) throw invalidArgument(name, "a Float64Array of M×d values (row-major)", x);
  if (x.length === 0) throw invalidArgument(name, "a non-empty ensemble", x);
  if (x.length % d !== 0) throw shapeMismatch(name, `a multiple of d = ${d} values`, x.length);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw invalidArgument(`${name}[${i}] (particle ${Math.floor(i / d)}, coordinate ${i % d})`, "a finite number", x[i]);
    }
  }
  return x.length / d;
}

/**
 * Build an ensemble from an array of points.
 * @param points - M points of d coordinates each (or M numbers for d = 1)
 * @returns a fresh M·d Float64Array
 * @throws KineticError SHAPE_MISMATCH when points have different lengths; INVALID_ARGUMENT when not an array or a coordinate is not finite
 * @example
 * ```ts
 * const x = ensembleFromPoints([[0, 1], [2, 3]]); // Float64Array [0, 1, 2, 3], d = 2
 * ```
 */
export function ensembleFromPoints(points: readonly (number | ArrayLike<number>)[]): Float64Array {
  if (!Array.isArray(points)) throw invalidArgument("points", "an array of points", points);
  if (points.length === 0) return new Float64Array(0);
  const first = points[0]!;
  const d = typeof first === "number" ? 1 : first.length;
  const out = new Float64Array(points.length * d);
  points.forEach((p, i) => {
    if (typeof p === "number") {
      if (d !== 1) throw shapeMismatch(`points[${i}]`, `${d} coordinates`, 1);
      if (!Number.isFinite(p)) throw invalidArgument(`points[${i}]`, "a finite number", p);
      out[i] = p;
    } else {
      if (p.length !== d) throw shapeMismatch(`points[${i}]`, `${d} coordinates`, p.length);
      for (let j = 0; j < d; j++) {
        const v = p[j]!;
        if (!Number.isFinite(v)) throw invalidArgument(`points[${i}][${j}]`, "a finite number", v);
        out[i * d + j] = v;
      }
    }
  });
  return out;
}

/**
 * Evenly spaced 1-D ensemble x_i = a + (b - a)(i + 1/2)/M (midpoints), as in the benchmark workloads.
 * @param M - number of particles
 * @param a - left end
 * @param b - right end
 * @returns M values
 * @throws KineticError INVALID_ARGUMENT (M not an integer ≥ 1, a or b not finite), TOO_LARGE (M values
 *   do not fit the memory budget)
 * @example
 * ```ts
 * linspaceEnsemble(4, 0, 1); // [0.125, 0.375, 0.625, 0.875]
 * ```
 */
export function linspaceEnsemble(M: number, a: number, b: number): Float64Array {
  requireInteger("M", M, 1);
  requireFinite("a", a);
  requireFinite("b", b);
  requireFits("M", M, 8);
  const x = new Float64Array(M);
  for (let i = 0; i < M; i++) x[i] = a + ((b - a) * (i + 0.5)) / M;
  return x;
}
