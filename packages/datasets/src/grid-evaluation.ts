/**
 * Distributions evaluated on uniform grids: cell averages (the finite-volume initial data of the
 * PDE solvers) and point values at cell centres.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { invalidArgument, requireInteger, requireOneOf, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Distribution1D, DistributionND, EmpiricalDistribution } from "./distribution-types.js";
import { compensatedSum } from "./internal/check.js";
import { type Grid1D, type Grid2D, requireGrid1D, requireGrid2D } from "./grid.js";
import { gaussLegendre } from "./quadrature.js";

/**
 * A univariate law known by its cumulative distribution function (and optionally its survival
 * function and density). Every datasets distribution with a CDF satisfies it; a custom law may be
 * given as a plain object `{ cdf }`.
 */
export interface CdfDistribution1D {
  /** F(x) = P(X ≤ x), non-decreasing, F(-∞) = 0, F(+∞) = total mass. */
  readonly cdf: (x: number) => number;
  /** Survival function 1 - F(x), accurate in the upper tail (optional). */
  readonly sf?: (x: number) => number;
  /** Density f(x) (point values), optional. */
  readonly pdf?: (x: number) => number;
}

/** A 1-D density given by its point values f(x) ≥ 0. */
export type DensityFunction1D = (x: number) => number;
/** A 2-D density given by its point values f(x, y) ≥ 0. */
export type DensityFunction2D = (x: number, y: number) => number;

/** What {@link cellAverages1D} averages: a distribution, a law with a CDF, or a density function. */
export type CellAverageSource1D = Distribution1D | EmpiricalDistribution | CdfDistribution1D | DensityFunction1D;
/** What {@link cellAverages2D} averages: a 2-D distribution or a density function (x, y) => number. */
export type CellAverageSource2D = DistributionND | DensityFunction2D;

/**
 * True when `v` is an object with a `cdf` function (not an array, not a plain function).
 * @param v - any value
 * @returns whether `v` is a {@link CdfDistribution1D}
 * @example
 * ```ts
 * isCdfDistribution1D({ cdf: (x: number) => x }); // true
 * ```
 */
export function isCdfDistribution1D(v: unknown): v is CdfDistribution1D {
  return typeof v === "object" && v !== null && !ArrayBuffer.isView(v) && typeof (v as { cdf?: unknown }).cdf === "function";
}

/** How {@link cellAverages1D} and {@link cellAverages2D} integrate over a cell. */
export type CellAverageMethod = "auto" | "cdf" | "quadrature";

/** Options of the cell-average functions. */
export interface CellAverageOptions {
  /**
   * `"cdf"`: exact differences of the CDF (1-D) or box probabilities (2-D); `"quadrature"`:
   * Gauss–Legendre with `nodes` points per direction; `"auto"` (default): `"cdf"` when the
   * distribution has it, otherwise `"quadrature"`.
   */
  readonly method?: CellAverageMethod;
  /** Gauss–Legendre points per cell and direction, integer in [1, 64] (default 8). */
  readonly nodes?: number;
  /**
   * Rescale so the grid carries mass exactly 1 (Σ f Δx = 1, compensated sum); default false, so
   * that the mass outside the grid stays visible.
   */
  readonly normalize?: boolean;
}

const CELL_AVERAGE_OPTIONS = ["method", "nodes", "normalize"] as const;

function resolveOptions(options: CellAverageOptions | undefined): { method: CellAverageMethod; nodes: number; normalize: boolean } {
  const o = requireOptions<CellAverageOptions>("options", options, CELL_AVERAGE_OPTIONS);
  const method = requireOneOf("options.method", o.method ?? "auto", ["auto", "cdf", "quadrature"] as const);
  const nodes = requireInteger("options.nodes", o.nodes ?? 8, 1, 64);
  if (o.normalize !== undefined && typeof o.normalize !== "boolean") throw invalidArgument("options.normalize", "a boolean", o.normalize);
  return { method, nodes, normalize: o.normalize ?? false };
}

function normalizeInPlace(f: Float64Array, cellVolume: number): void {
  const mass = compensatedSum(f) * cellVolume;
  if (!(mass > 0) || !Number.isFinite(mass)) {
    throw invalidArgument("grid", "a grid that overlaps the support of the distribution (it carries no mass)", mass);
  }
  for (let i = 0; i < f.length; i++) f[i] = f[i]! / mass;
}

function unsupported(name: string, what: string): KineticError {
  return new KineticError("UNSUPPORTED", `distribution "${name}" has no ${what}; use method "auto" or "quadrature"`);
}

function nameOf(source: object | ((...a: number[]) => number)): string {
  const n = (source as { name?: unknown }).name;
  return typeof source !== "function" && typeof n === "string" ? n : "custom";
}

/** Reject a non-finite or negative cell average, naming the cell (never a silent NaN). */
function checkCell(what: string, i: number, v: number, at: number | readonly [number, number]): void {
  if (!(v >= 0) || v === Infinity) {
    throw invalidArgument(
      `${what} (cell ${i}, centre ${Array.isArray(at) ? `(${at[0]}, ${at[1]})` : at})`,
      "a finite non-negative density",
      v,
    );
  }
}

/**
 * Cell averages (1/Δx) ∫_cell f of a univariate law on a 1-D grid.
 * @param source - a {@link Distribution1D}; an {@link EmpiricalDistribution} (gives its normalised
 * histogram; cells are (a, b], so a sample on a face counts in the cell to its left); any object
 * with a `cdf` ({@link CdfDistribution1D}); or a density function `(x) => number` (quadrature)
 * @param grid - a {@link Grid1D} from `createGrid1D`
 * @param options - `method` (default "auto"), `nodes` (default 8), `normalize` (default false);
 *   unknown keys are rejected
 * @returns a fresh Float64Array of n cell averages (units: probability per unit length)
 * @throws KineticError INVALID_ARGUMENT (bad grid or options, an unknown option, a density value
 * that is negative or not finite, `normalize` on a grid without mass), TOO_LARGE (more than 2^24
 * cells) or UNSUPPORTED (`"cdf"` without a CDF, `"quadrature"` without a density)
 * @remarks `"cdf"`: n + 1 CDF evaluations, differences taken with the survival function right of
 * the median, so the grid mass equals F(xMax) - F(xMin) to about 1e-15 (differences that are
 * negative by round-off are set to 0). `"quadrature"`: n·nodes density evaluations, error
 * O(Δx^{2·nodes}) for smooth densities. Either way the cell average differs from the centre value
 * by O(Δx²).
 * @example
 * ```ts
 * const grid = createGrid1D(-4, 4, 400);
 * const f0 = cellAverages1D(createNormal(), grid);
 * const g0 = cellAverages1D((x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), grid, { nodes: 4 });
 * ```
 */
export function cellAverages1D(source: CellAverageSource1D, grid: Grid1D, options?: CellAverageOptions): Float64Array {
  const { xMin, n, dx } = requireGrid1D("grid", grid);
  const { method, nodes, normalize } = resolveOptions(options);
  const isFunction = typeof source === "function";
  if (!isFunction && (typeof source !== "object" || source === null || ArrayBuffer.isView(source) || ("d" in source && source.d !== 1))) {
    throw invalidArgument("source", "a univariate distribution, an object with cdf, or a density function (x) => number", source);
  }
  const name = nameOf(source);
  const obj = isFunction ? undefined : (source as { cdf?: (x: number) => number; sf?: (x: number) => number; pdf?: (x: number) => number });
  const cdfOf = obj !== undefined && typeof obj.cdf === "function" ? (obj as CdfDistribution1D) : undefined;
  const pdf: ((x: number) => number) | undefined = isFunction ? source : typeof obj!.pdf === "function" ? obj!.pdf.bind(obj) : undefined;
  const useCdf = method === "cdf" || (method === "auto" && cdfOf !== undefined);
  const out = new Float64Array(n);
  if (useCdf) {
    if (cdfOf === undefined) throw unsupported(name, "closed-form CDF");
    const cdf = cdfOf.cdf.bind(cdfOf);
    const sf = typeof cdfOf.sf === "function" ? cdfOf.sf.bind(cdfOf) : undefined;
    let fPrev = cdf(xMin);
    let sPrev = sf !== undefined && fPrev > 0.5 ? sf(xMin) : NaN;
    for (let i = 0; i < n; i++) {
      const x1 = i === n - 1 ? grid.xMax : xMin + (i + 1) * dx;
      const f1 = cdf(x1);
      let mass: number;
      if (sf !== undefined && fPrev > 0.5) {
        const s1 = sf(x1);
        mass = sPrev - s1;
        sPrev = s1;
      } else {
        mass = f1 - fPrev;
        if (sf !== undefined && f1 > 0.5) sPrev = sf(x1);
      }
      fPrev = f1;
      // NaN fails the check below; negatives from round-off in a monotone CDF become 0
      const v = mass < 0 ? 0 : mass / dx;
      checkCell(`${isFunction ? "source" : "source.cdf"} differences`, i, v, xMin + (i + 0.5) * dx);
      out[i] = v;
    }
  } else {
    if (pdf === undefined || (!isFunction && (source as { kind?: unknown }).kind === "empirical")) throw unsupported(name, "density");
    const { nodes: xi, weights } = gaussLegendre(nodes);
    const h = 0.5 * dx;
    for (let i = 0; i < n; i++) {
      const c = xMin + (i + 0.5) * dx;
      let s = 0;
      for (let q = 0; q < nodes; q++) s += weights[q]! * pdf(c + h * xi[q]!);
      const v = 0.5 * s;
      checkCell(isFunction ? "source" : "source.pdf", i, v, c);
      out[i] = v;
    }
  }
  if (normalize) normalizeInPlace(out, dx);
  return out;
}

/**
 * Density values at the cell centres xMin + (i + 1/2)Δx of a 1-D grid.
 * @param source - a univariate distribution with a density, or a density function `(x) => number`
 * @param grid - a {@link Grid1D}
 * @returns a fresh Float64Array of n values
 * @throws KineticError INVALID_ARGUMENT for a bad grid, a source without density, or a negative or
 *   non-finite density value; TOO_LARGE for more than 2^24 cells
 * @remarks n density evaluations. Point values are second-order approximations of cell averages.
 * @example
 * ```ts
 * const f = pointValues1D(createLaplace(), createGrid1D(-5, 5, 100));
 * ```
 */
export function pointValues1D(source: Distribution1D | DensityFunction1D, grid: Grid1D): Float64Array {
  const { xMin, n, dx } = requireGrid1D("grid", grid);
  let pdf: (x: number) => number;
  if (typeof source === "function") pdf = source;
  else if (typeof source === "object" && source !== null && source.kind === "univariate") pdf = source.pdf.bind(source);
  else throw invalidArgument("source", "a univariate distribution with a density or a function (x) => number", source);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xMin + (i + 0.5) * dx;
    const v = pdf(x);
    checkCell("source", i, v, x);
    out[i] = v;
  }
  return out;
}

function checkSource2D(source: CellAverageSource2D): void {
  if (typeof source === "function") return;
  if (typeof source !== "object" || source === null || source.kind !== "multivariate") {
    throw invalidArgument("source", "a multivariate distribution or a density function (x, y) => number", source);
  }
  if (source.d !== 2) throw shapeMismatch("source.d", "dimension 2 for a 2-D grid", source.d);
}

/**
 * Cell averages (1/(ΔxΔy)) ∫∫_cell f of a 2-D law; index `i*ny + j` (x outer).
 * @param source - a {@link DistributionND} with d = 2, or a density function `(x, y) => number`
 * @param grid - a {@link Grid2D} from `createGrid2D`
 * @param options - `method` (default "auto"), `nodes` per direction (default 8), `normalize`;
 *   unknown keys are rejected
 * @returns a fresh Float64Array of nx·ny cell averages (probability per unit area)
 * @throws KineticError INVALID_ARGUMENT (bad grid, options or density values), SHAPE_MISMATCH
 * (d ≠ 2), TOO_LARGE (nx·ny > 2^24) or UNSUPPORTED (`"cdf"` without `boxProbability`)
 * @remarks `"cdf"` uses the exact box probability (product distributions, diagonal normals and
 * their mixtures); `"quadrature"` a tensor Gauss–Legendre rule, nx·ny·nodes² densities, error
 * O(h^{2·nodes}) for smooth densities.
 * @example
 * ```ts
 * const g = createMultivariateNormal({ mean: [0, 0], covariance: [[1, 0.3], [0.3, 1]] });
 * const f0 = cellAverages2D(g, createGrid2D([-4, 4], [-4, 4], 64));
 * ```
 */
export function cellAverages2D(source: CellAverageSource2D, grid: Grid2D, options?: CellAverageOptions): Float64Array {
  const { xMin, yMin, nx, ny, dx, dy } = requireGrid2D("grid", grid);
  const { method, nodes, normalize } = resolveOptions(options);
  checkSource2D(source);
  const dist = typeof source === "function" ? undefined : source;
  const hasBox = dist !== undefined && typeof dist.boxProbability === "function";
  const useBox = method === "cdf" || (method === "auto" && hasBox);
  const out = new Float64Array(nx * ny);
  const area = dx * dy;
  if (useBox) {
    if (!hasBox) throw unsupported(dist === undefined ? "custom" : dist.name, "closed-form box probability");
    const lo = new Float64Array(2);
    const hi = new Float64Array(2);
    for (let i = 0; i < nx; i++) {
      lo[0] = xMin + i * dx;
      hi[0] = i === nx - 1 ? grid.xMax : xMin + (i + 1) * dx;
      for (let j = 0; j < ny; j++) {
        lo[1] = yMin + j * dy;
        hi[1] = j === ny - 1 ? grid.yMax : yMin + (j + 1) * dy;
        const p = dist!.boxProbability!(lo, hi);
        const v = p < 0 ? 0 : p / area;
        checkCell("source.boxProbability", i * ny + j, v, [0.5 * (lo[0]! + hi[0]!), 0.5 * (lo[1]! + hi[1]!)]);
        out[i * ny + j] = v;
      }
    }
  } else {
    const { nodes: xi, weights } = gaussLegendre(nodes);
    const pt = new Float64Array(2);
    const f = typeof source === "function" ? source : (x: number, y: number) => ((pt[0] = x), (pt[1] = y), dist!.pdf(pt));
    const hx = 0.5 * dx;
    const hy = 0.5 * dy;
    for (let i = 0; i < nx; i++) {
      const cx = xMin + (i + 0.5) * dx;
      for (let j = 0; j < ny; j++) {
        const cy = yMin + (j + 0.5) * dy;
        let s = 0;
        for (let p = 0; p < nodes; p++) {
          const x = cx + hx * xi[p]!;
          let row = 0;
          for (let q = 0; q < nodes; q++) row += weights[q]! * f(x, cy + hy * xi[q]!);
          s += weights[p]! * row;
        }
        const v = 0.25 * s;
        checkCell(dist === undefined ? "source" : "source.pdf", i * ny + j, v, [cx, cy]);
        out[i * ny + j] = v;
      }
    }
  }
  if (normalize) normalizeInPlace(out, area);
  return out;
}

/**
 * Density values at the cell centres of a 2-D grid; index `i*ny + j` (x outer).
 * @param source - a {@link DistributionND} with d = 2, or a density function `(x, y) => number`
 * @param grid - a {@link Grid2D}
 * @returns a fresh Float64Array of nx·ny values
 * @throws KineticError INVALID_ARGUMENT (bad grid or density values), SHAPE_MISMATCH (d ≠ 2),
 *   TOO_LARGE (nx·ny > 2^24)
 * @remarks nx·ny density evaluations.
 * @example
 * ```ts
 * const f = pointValues2D(createMultivariateNormal({ mean: [0, 0] }), createGrid2D([-3, 3], [-3, 3], 32));
 * ```
 */
export function pointValues2D(source: CellAverageSource2D, grid: Grid2D): Float64Array {
  const { xMin, yMin, nx, ny, dx, dy } = requireGrid2D("grid", grid);
  checkSource2D(source);
  const out = new Float64Array(nx * ny);
  const pt = new Float64Array(2);
  for (let i = 0; i < nx; i++) {
    pt[0] = xMin + (i + 0.5) * dx;
    for (let j = 0; j < ny; j++) {
      pt[1] = yMin + (j + 0.5) * dy;
      const v = typeof source === "function" ? source(pt[0]!, pt[1]!) : source.pdf(pt);
      checkCell("source", i * ny + j, v, [pt[0]!, pt[1]!]);
      out[i * ny + j] = v;
    }
  }
  return out;
}
