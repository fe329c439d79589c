/**
 * Validation of densities given as cell averages (shared by `resolveInitialDensity1D/2D` and `solveVlasov`,
 * which validates a caller's array in place and copies it once, into the solver's own memory).
 * @packageDocumentation
 */
import { invalidArgument, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";

/** Throws INVALID_ARGUMENT naming the first non-finite or negative value. */
export function checkDensity(name: string, f: Float64Array): void {
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (!Number.isFinite(v)) throw invalidArgument(`${name}[${i}]`, "a finite number", v);
    if (v < 0) throw invalidArgument(`${name}[${i}]`, "non-negative (a density)", v);
  }
}

/**
 * Check the type and length of cell averages on a 1-D or 2-D grid (the values: {@link checkDensity}).
 * @returns `f0` itself (not a copy)
 */
export function checkAveragesShape(grid: Grid1D | Grid2D, f0: ArrayBufferView, name: string): Float64Array {
  if (!(f0 instanceof Float64Array)) throw invalidArgument(name, "a Float64Array of cell averages", f0);
  if (grid.kind === "1d") {
    if (f0.length !== grid.n) throw shapeMismatch(name, `${grid.n} cell averages (the grid's n)`, f0.length);
  } else if (f0.length !== grid.nx * grid.ny) throw shapeMismatch(name, `nx*ny = ${grid.nx * grid.ny} cell averages`, f0.length);
  return f0;
}

/** Validate cell averages (type, length, finite, non-negative). @returns `f0` itself (not a copy) */
export function checkAverages(grid: Grid1D | Grid2D, f0: ArrayBufferView, name: string): Float64Array {
  checkDensity(name, checkAveragesShape(grid, f0, name));
  return f0 as Float64Array;
}

/**
 * One pass over a density: min(0, f) and max(0, f) by the comparisons `v < min`, `v > max` (NaN never
 * enters) and whether every value is finite. The WebAssembly `scan` kernel computes the same.
 */
export function scanDensity(f: Float64Array): { min: number; max: number; finite: boolean } {
  let min = 0,
    max = 0,
    finite = true;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (v > max) max = v;
    else if (v < min) min = v;
    if (v - v !== 0) finite = false; // ±Infinity or NaN
  }
  return { min, max, finite };
}

/**
 * Set to 0 the values that are negative only by round-off (-1e-14 · max ≤ v < 0), in place. Limited
 * MUSCL reconstructions can leave such values (e.g. -1e-89) where the density underflows; downstream
 * tools that require a density (Wasserstein distances, sampling) would reject them. Larger negatives —
 * a genuine positivity failure — are left as they are.
 */
export function zeroRoundoffNegatives(f: Float64Array, max: number): void {
  const floor = -1e-14 * max;
  for (let i = 0; i < f.length; i++) {
    const v = f[i]!;
    if (v < 0 && v >= floor) f[i] = 0;
  }
}
