/**
 * Densities on 1-D grids: histograms of samples and the distances used to compare densities (KL,
 * L², L¹). Cell averages of a function are datasets' `cellAverages1D`; the Wasserstein-1 distance
 * is mean-field's `wasserstein1Grid`.
 * @packageDocumentation
 */
import { invalidArgument, requireFiniteArray, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { compensatedSum } from "./internal/numerics.js";

/**
 * Normalised histogram of 1-D samples on a grid (cell averages of the empirical density). Samples
 * outside [xMin, xMax] are dropped and counted.
 * @param samples - M sample values
 * @param grid - n cells
 * @param weights - optional M non-negative weights (default 1 each)
 * @returns `{ f, outside }`: n cell averages with Σ f Δx = 1 (over the samples inside), and the
 *   number of samples (or their weight) outside the grid
 * @throws KineticError INVALID_ARGUMENT for empty or non-finite samples, or no sample inside the grid
 * @example
 * ```ts
 * const { f } = histogramOnGrid([0.1, 0.2, -0.3], createGrid1D(-1, 1, 10));
 * ```
 */
export function histogramOnGrid(
  samples: ArrayLike<number>,
  grid: Grid1D,
  weights?: ArrayLike<number>,
): { readonly f: Float64Array; readonly outside: number } {
  const x = requireFiniteArray("samples", samples);
  const w = weights === undefined ? undefined : requireFiniteArray("weights", weights, x.length);
  const f = new Float64Array(grid.n);
  let inside = 0;
  let outside = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i]! : 1;
    const k = Math.floor((x[i]! - grid.xMin) / grid.dx);
    const kk = x[i] === grid.xMax ? grid.n - 1 : k;
    if (kk < 0 || kk >= grid.n) {
      outside += wi;
      continue;
    }
    f[kk]! += wi;
    inside += wi;
  }
  if (!(inside > 0)) throw invalidArgument("samples", "at least one sample inside the grid", { xMin: grid.xMin, xMax: grid.xMax });
  const c = 1 / (inside * grid.dx);
  for (let i = 0; i < grid.n; i++) f[i]! *= c;
  return { f, outside };
}

function checkPair(grid: Grid1D, f: ArrayLike<number>, g: ArrayLike<number>): void {
  if (f.length !== grid.n) throw shapeMismatch("f", `length n = ${grid.n}`, f.length);
  if (g.length !== grid.n) throw shapeMismatch("g", `length n = ${grid.n}`, g.length);
}

/**
 * Kullback–Leibler divergence KL(g‖f) = Σ g ln(g/f) Δx of two cell-average densities.
 * @param grid - n cells
 * @param g - reference density (n values ≥ 0), e.g. the target
 * @param f - model density (n values ≥ 0)
 * @param floor - lower bound applied to f inside the logarithm (default 1e-300)
 * @returns KL ≥ 0 when both have the same mass
 * @throws KineticError SHAPE_MISMATCH
 * @remarks Cells with g = 0 contribute 0. Infinite only where g > 0 and f underflows.
 * @example
 * ```ts
 * klDivergence(grid, target, fitted);
 * ```
 */
export function klDivergence(grid: Grid1D, g: ArrayLike<number>, f: ArrayLike<number>, floor = 1e-300): number {
  checkPair(grid, f, g);
  let s = 0;
  for (let i = 0; i < grid.n; i++) {
    const gi = g[i]!;
    if (gi > 0) s += gi * Math.log(gi / Math.max(f[i]!, floor));
  }
  return s * grid.dx;
}

/**
 * L² distance (Σ (f - g)² Δx)^{1/2} of two cell-average densities.
 * @param grid - n cells
 * @param f - n values
 * @param g - n values
 * @returns the distance
 * @throws KineticError SHAPE_MISMATCH
 * @example
 * ```ts
 * l2Distance(grid, f, g);
 * ```
 */
export function l2Distance(grid: Grid1D, f: ArrayLike<number>, g: ArrayLike<number>): number {
  checkPair(grid, f, g);
  let s = 0;
  for (let i = 0; i < grid.n; i++) {
    const d = f[i]! - g[i]!;
    s += d * d;
  }
  return Math.sqrt(s * grid.dx);
}

/**
 * L¹ distance Σ |f - g| Δx of two cell-average densities (compensated sum).
 * @param grid - n cells
 * @param f - n values
 * @param g - n values
 * @returns the distance
 * @throws KineticError SHAPE_MISMATCH
 * @example
 * ```ts
 * l1Distance(grid, f, g);
 * ```
 */
export function l1Distance(grid: Grid1D, f: ArrayLike<number>, g: ArrayLike<number>): number {
  checkPair(grid, f, g);
  const d = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) d[i] = Math.abs(f[i]! - g[i]!);
  return compensatedSum(d) * grid.dx;
}
