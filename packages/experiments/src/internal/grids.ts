/** Helpers around grids and densities used by several experiments. */
import { cellCenters, createNormal, type Grid1D } from "@kinetic-nde/datasets";

/** Normal pdf. */
export function normalPdf(mean: number, std: number): (x: number) => number {
  const c = 1 / (std * Math.sqrt(2 * Math.PI));
  return (x: number) => c * Math.exp(-0.5 * ((x - mean) / std) ** 2);
}

/** Mean and variance of a 1-D cell-average density (midpoint rule, normalised by the mass). */
export function densityMeanVar(grid: Grid1D, f: ArrayLike<number>): { mass: number; mean: number; variance: number } {
  const xc = cellCenters(grid);
  let m0 = 0,
    m1 = 0;
  for (let i = 0; i < grid.n; i++) {
    m0 += f[i]!;
    m1 += f[i]! * xc[i]!;
  }
  const mean = m1 / m0;
  let v = 0;
  for (let i = 0; i < grid.n; i++) v += f[i]! * (xc[i]! - mean) ** 2;
  return { mass: m0 * grid.dx, mean, variance: v / m0 };
}

/**
 * Histogram (cell averages, normalised to mass 1 over all samples) of 1-D samples on a grid; with
 * `clamp`, samples outside the grid count in the end cells instead of being dropped.
 */
export function histogram(grid: Grid1D, x: ArrayLike<number>, stride = 1, offset = 0, clamp = false): Float64Array {
  const h = new Float64Array(grid.n);
  let count = 0;
  for (let i = offset; i < x.length; i += stride) {
    count++;
    let k = Math.floor((x[i]! - grid.xMin) / grid.dx);
    if (clamp) k = Math.min(grid.n - 1, Math.max(0, k));
    if (k >= 0 && k < grid.n) h[k]! += 1;
  }
  for (let k = 0; k < grid.n; k++) h[k] = h[k]! / (count * grid.dx);
  return h;
}

/** The standard-normal-family distribution with a CDF, in the shape the mean-field solvers take. */
export function normalDistribution(mean: number, std: number): { cdf: (x: number) => number; pdf: (x: number) => number } {
  const d = createNormal({ mean, std });
  return { cdf: (x: number) => d.cdf!(x), pdf: (x: number) => d.pdf(x) };
}

/** Copy with round-off negatives (|v| ≪ 1) set to 0, for distance functions that require f ≥ 0. */
export function clampRoundoff(f: Float64Array): Float64Array {
  const out = Float64Array.from(f);
  for (let i = 0; i < out.length; i++) if (out[i]! < 0 && out[i]! > -1e-12) out[i] = 0;
  return out;
}
