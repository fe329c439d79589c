/**
 * Particle ↔ grid tools: histogram (nearest grid point) and cloud-in-cell deposition, Gaussian kernel
 * density estimates as cell averages, and seeded sampling of particles from a grid density.
 * @packageDocumentation
 */
import { type Rng, checkEnsemble, createRng } from "@kinetic-nde/core";
import { invalidArgument, requireFits, requireInteger, requireOptions, requirePositive, shapeMismatch } from "@kinetic-nde/core/validate";
import { type Grid1D, type Grid2D, normalCdf, requireGrid1D, requireGrid2D } from "@kinetic-nde/datasets";

/** Options of the deposition functions. */
export interface DepositOptions {
  /** Particle weights (M values, default 1/M each); the deposited mass is Σ weights inside the domain. */
  readonly weights?: ArrayLike<number>;
}

function dimOf(grid: Grid1D | Grid2D): number {
  if (typeof grid !== "object" || grid === null || (grid.kind !== "1d" && grid.kind !== "2d"))
    throw invalidArgument("grid", "a Grid1D or Grid2D", grid);
  if (grid.kind === "1d") requireGrid1D("grid", grid);
  else requireGrid2D("grid", grid);
  return grid.kind === "1d" ? 1 : 2;
}

function weightsOf(M: number, options: DepositOptions): (i: number) => number {
  const w = options.weights;
  if (w === undefined) return () => 1 / M;
  if (w.length !== M) throw shapeMismatch("weights", `M = ${M} values`, w.length);
  for (let i = 0; i < M; i++) if (!Number.isFinite(w[i]!)) throw invalidArgument(`weights[${i}]`, "a finite number", w[i]);
  return (i) => w[i]!;
}

/**
 * Histogram (nearest-grid-point) deposition: each particle's weight goes to the cell containing it.
 * @param x - particles, M·d values row-major (d = 1 or 2, as the grid)
 * @param grid - grid
 * @param options - weights (default 1/M)
 * @returns cell averages (mass / cell volume); particles outside the domain are dropped (their mass is missing)
 * @throws KineticError INVALID_ARGUMENT (non-finite particles), SHAPE_MISMATCH
 * @remarks First order in Δx as a density estimate, O(M) cost; exact mass of the particles inside.
 * @example
 * ```ts
 * const f = depositHistogram(new Float64Array([0.1, 0.2, -0.5]), createGrid1D(-1, 1, 20));
 * ```
 */
export function depositHistogram(x: Float64Array, grid: Grid1D | Grid2D, options: DepositOptions = {}): Float64Array {
  const d = dimOf(grid);
  const M = checkEnsemble(x, d, "x");
  const wt = weightsOf(M, options);
  if (grid.kind === "1d") {
    const out = new Float64Array(grid.n);
    const inv = 1 / grid.dx;
    for (let i = 0; i < M; i++) {
      const u = (x[i]! - grid.xMin) * inv;
      if (!(u >= 0 && u <= grid.n)) continue;
      const c = Math.min(Math.floor(u), grid.n - 1);
      out[c] = out[c]! + wt(i) * inv;
    }
    return out;
  }
  const { nx, ny, dx, dy, xMin, yMin } = grid;
  const out = new Float64Array(nx * ny);
  const inv = 1 / (dx * dy);
  for (let i = 0; i < M; i++) {
    const u = (x[2 * i]! - xMin) / dx,
      v = (x[2 * i + 1]! - yMin) / dy;
    if (!(u >= 0 && u <= nx && v >= 0 && v <= ny)) continue;
    const a = Math.min(Math.floor(u), nx - 1),
      b = Math.min(Math.floor(v), ny - 1);
    out[a * ny + b] = out[a * ny + b]! + wt(i) * inv;
  }
  return out;
}

/**
 * Cloud-in-cell deposition: each particle's weight is shared linearly between the two (1-D) or four
 * (2-D) nearest cell centres. Mass falling beyond the outermost centres stays in the boundary cell.
 * @param x - particles, M·d values row-major
 * @param grid - grid
 * @param options - weights
 * @returns cell averages; particles outside the domain are dropped
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH
 * @remarks Second-order smoothing of the histogram; O(M).
 * @example
 * ```ts
 * const f = depositCloudInCell(x, grid);
 * ```
 */
export function depositCloudInCell(x: Float64Array, grid: Grid1D | Grid2D, options: DepositOptions = {}): Float64Array {
  const d = dimOf(grid);
  const M = checkEnsemble(x, d, "x");
  const wt = weightsOf(M, options);
  if (grid.kind === "1d") {
    const { n, dx, xMin } = grid;
    const out = new Float64Array(n);
    for (let i = 0; i < M; i++) {
      const u = (x[i]! - xMin) / dx;
      if (!(u >= 0 && u <= n)) continue;
      const s = u - 0.5;
      let c = Math.floor(s);
      let fr = s - c;
      const m = wt(i) / dx;
      if (c < 0) (c = 0), (fr = 0);
      if (c >= n - 1) (c = n - 1), (fr = 0);
      out[c] = out[c]! + m * (1 - fr);
      if (fr > 0) out[c + 1] = out[c + 1]! + m * fr;
    }
    return out;
  }
  const { nx, ny, dx, dy, xMin, yMin } = grid;
  const out = new Float64Array(nx * ny);
  const axis = (u: number, n: number): [number, number] => {
    const s = u - 0.5;
    let c = Math.floor(s),
      fr = s - c;
    if (c < 0) (c = 0), (fr = 0);
    if (c >= n - 1) (c = n - 1), (fr = 0);
    return [c, fr];
  };
  for (let i = 0; i < M; i++) {
    const u = (x[2 * i]! - xMin) / dx,
      v = (x[2 * i + 1]! - yMin) / dy;
    if (!(u >= 0 && u <= nx && v >= 0 && v <= ny)) continue;
    const [a, fa] = axis(u, nx);
    const [b, fb] = axis(v, ny);
    const m = wt(i) / (dx * dy);
    out[a * ny + b] = out[a * ny + b]! + m * (1 - fa) * (1 - fb);
    if (fb > 0) out[a * ny + b + 1] = out[a * ny + b + 1]! + m * (1 - fa) * fb;
    if (fa > 0) {
      out[(a + 1) * ny + b] = out[(a + 1) * ny + b]! + m * fa * (1 - fb);
      if (fb > 0) out[(a + 1) * ny + b + 1] = out[(a + 1) * ny + b + 1]! + m * fa * fb;
    }
  }
  return out;
}

/** Options of {@link kernelDensityEstimate}. */
export interface KdeOptions extends DepositOptions {
  /** Bandwidth per dimension (default Silverman's rule 0.9·min(sd, IQR/1.34)·M^{-1/5} in 1-D, σ_j·M^{-1/6} in 2-D). */
  readonly bandwidth?: number | readonly number[];
}

/**
 * Silverman's rule-of-thumb bandwidth of a 1-D sample: 0.9 · min(sd, IQR / 1.34) · M^{-1/5}.
 * @param x - M samples (M ≥ 2)
 * @returns the bandwidth (> 0; falls back to sd or 1 for degenerate samples)
 * @throws KineticError INVALID_ARGUMENT
 * @example
 * ```ts
 * silvermanBandwidth(new Float64Array([0, 1, 2, 3]));
 * ```
 */
export function silvermanBandwidth(x: ArrayLike<number>): number {
  const M = x.length;
  if (M < 2) throw invalidArgument("x", "at least 2 samples", M);
  let m = 0;
  for (let i = 0; i < M; i++) m += x[i]!;
  m /= M;
  let v = 0;
  for (let i = 0; i < M; i++) v += (x[i]! - m) ** 2;
  const sd = Math.sqrt(v / (M - 1));
  const s = Float64Array.from(x).sort();
  const q = (p: number) => {
    const r = p * (M - 1),
      k = Math.floor(r);
    return s[k]! + (r - k) * ((s[Math.min(k + 1, M - 1)] ?? s[k]!) - s[k]!);
  };
  const iqr = q(0.75) - q(0.25);
  let spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  if (!(spread > 0)) spread = 1;
  return 0.9 * spread * M ** -0.2;
}

/**
 * Gaussian kernel density estimate as exact cell averages: each particle contributes
 * Φ((x_r - x_i)/h) - Φ((x_l - x_i)/h) to each cell (products of these in 2-D), within 8h.
 * @param x - particles, M·d values (d = 1 or 2, as the grid)
 * @param grid - grid
 * @param options - bandwidth (default Silverman), weights
 * @returns cell averages (mass outside the domain is missing)
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH
 * @remarks Cost O(M · (16h/Δx)^d).
 * @example
 * ```ts
 * const f = kernelDensityEstimate(x, createGrid1D(-4, 4, 200));
 * ```
 */
export function kernelDensityEstimate(x: Float64Array, grid: Grid1D | Grid2D, options: KdeOptions = {}): Float64Array {
  const d = dimOf(grid);
  const M = checkEnsemble(x, d, "x");
  const wt = weightsOf(M, options);
  const h = new Float64Array(d);
  const bw = options.bandwidth;
  for (let j = 0; j < d; j++) {
    if (bw === undefined) {
      const col = new Float64Array(M);
      for (let i = 0; i < M; i++) col[i] = x[i * d + j]!;
      h[j] = d === 1 ? silvermanBandwidth(col) : (silvermanBandwidth(col) / 0.9) * M ** (0.2 - 1 / 6);
    } else h[j] = requirePositive(`bandwidth${d > 1 ? `[${j}]` : ""}`, typeof bw === "number" ? bw : bw[j]);
  }
  // cell-weight row of one particle along one axis
  const row = (xi: number, lo: number, dxx: number, n: number, hh: number, buf: Float64Array): [number, number] => {
    const a = Math.max(0, Math.floor((xi - 8 * hh - lo) / dxx));
    const b = Math.min(n - 1, Math.floor((xi + 8 * hh - lo) / dxx));
    if (b < a) return [0, -1];
    let Fl = normalCdf((lo + a * dxx - xi) / hh);
    for (let c = a; c <= b; c++) {
      const Fr = normalCdf((lo + (c + 1) * dxx - xi) / hh);
      buf[c - a] = Fr - Fl;
      Fl = Fr;
    }
    return [a, b];
  };
  if (grid.kind === "1d") {
    const out = new Float64Array(grid.n);
    const buf = new Float64Array(grid.n);
    for (let i = 0; i < M; i++) {
      const [a, b] = row(x[i]!, grid.xMin, grid.dx, grid.n, h[0]!, buf);
      const m = wt(i) / grid.dx;
      for (let c = a; c <= b; c++) out[c] = out[c]! + m * buf[c - a]!;
    }
    return out;
  }
  const { nx, ny, dx, dy, xMin, yMin } = grid;
  const out = new Float64Array(nx * ny);
  const bx = new Float64Array(nx),
    by = new Float64Array(ny);
  for (let i = 0; i < M; i++) {
    const [a, b] = row(x[2 * i]!, xMin, dx, nx, h[0]!, bx);
    const [c, e] = row(x[2 * i + 1]!, yMin, dy, ny, h[1]!, by);
    const m = wt(i) / (dx * dy);
    for (let p = a; p <= b; p++) {
      const mp = m * bx[p - a]!;
      for (let q = c; q <= e; q++) out[p * ny + q] = out[p * ny + q]! + mp * by[q - c]!;
    }
  }
  return out;
}

/** Options of {@link sampleFromGrid}. */
export interface SampleOptions {
  /** Seed of the generator (default 0); stream 0 of `createRng(seed)`. */
  readonly seed?: number;
  /** A generator to draw from instead of `seed`. */
  readonly rng?: Rng;
}

/**
 * Draw M particles from a grid density (piecewise constant: a cell by the inverse CDF of the cell
 * masses, then uniform within the cell), seeded.
 * @param grid - grid
 * @param f - cell averages (non-negative, positive total mass)
 * @param M - number of particles
 * @param options - seed or rng
 * @returns M·d values row-major
 * @throws KineticError INVALID_ARGUMENT (negative or non-finite f, zero mass, bad M, unknown option),
 *   SHAPE_MISMATCH, TOO_LARGE (M·d values cannot fit in memory; the message names the largest M)
 * @remarks O(M log cells); 2 uniforms per particle in 1-D (3 in 2-D), so a run is reproducible from the seed.
 * @example
 * ```ts
 * const x = sampleFromGrid(grid, f, 10_000, { seed: 1 });
 * ```
 */
export function sampleFromGrid(grid: Grid1D | Grid2D, f: Float64Array, M: number, options: SampleOptions = {}): Float64Array {
  const d = dimOf(grid);
  requireInteger("M", M, 1);
  requireFits("M", M, 8 * d);
  const o = requireOptions<SampleOptions>("options", options, ["seed", "rng"]);
  const cells = grid.kind === "1d" ? grid.n : grid.nx * grid.ny;
  if (!(f instanceof Float64Array)) throw invalidArgument("f", "a Float64Array of cell averages", f);
  if (f.length !== cells) throw shapeMismatch("f", `${cells} cell averages`, f.length);
  const cum = new Float64Array(cells + 1);
  for (let i = 0; i < cells; i++) {
    const v = f[i]!;
    if (!Number.isFinite(v) || v < 0) throw invalidArgument(`f[${i}]`, "a finite non-negative number", v);
    cum[i + 1] = cum[i]! + v;
  }
  const total = cum[cells]!;
  if (!(total > 0)) throw invalidArgument("f", "a density with positive mass", total);
  const rng = o.rng ?? createRng(o.seed ?? 0);
  const out = new Float64Array(M * d);
  for (let i = 0; i < M; i++) {
    const target = rng.uniform() * total;
    let lo = 0,
      hi = cells - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid + 1]! <= target) lo = mid + 1;
      else hi = mid;
    }
    if (grid.kind === "1d") out[i] = grid.xMin + (lo + rng.uniform()) * grid.dx;
    else {
      const a = Math.floor(lo / grid.ny),
        b = lo - a * grid.ny;
      out[2 * i] = grid.xMin + (a + rng.uniform()) * grid.dx;
      out[2 * i + 1] = grid.yMin + (b + rng.uniform()) * grid.dy;
    }
  }
  return out;
}
