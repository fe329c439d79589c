/**
 * Uniform grids of cells. Densities live on grids as cell averages (Float64Array), with the grid
 * beside them: 1-D `f[i]` is the average over cell i = [xMin + iΔx, xMin + (i+1)Δx); 2-D `f[i*ny + j]`
 * (row-major, x index outer) is the average over cell (i, j).
 * @packageDocumentation
 */
import { invalidArgument, requireFinite, requireInteger } from "@kinetic-nde/core";

/** A uniform 1-D grid of n cells on [xMin, xMax]. */
export interface Grid1D {
  readonly kind: "1d";
  /** Left end. */
  readonly xMin: number;
  /** Right end. */
  readonly xMax: number;
  /** Number of cells. */
  readonly n: number;
  /** Cell width (xMax - xMin) / n. */
  readonly dx: number;
}

/** A uniform 2-D grid of nx × ny cells on [xMin, xMax] × [yMin, yMax]; index `i*ny + j`. */
export interface Grid2D {
  readonly kind: "2d";
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly nx: number;
  readonly ny: number;
  readonly dx: number;
  readonly dy: number;
}

/**
 * Create a uniform 1-D grid.
 * @param xMin - left end (finite)
 * @param xMax - right end (finite, > xMin)
 * @param n - number of cells (integer ≥ 2)
 * @returns the grid
 * @throws KineticError INVALID_ARGUMENT
 * @example
 * ```ts
 * const g = createGrid1D(-4, 4, 400); // dx = 0.02
 * ```
 */
export function createGrid1D(xMin: number, xMax: number, n: number): Grid1D {
  requireFinite("xMin", xMin);
  requireFinite("xMax", xMax);
  if (!(xMax > xMin)) throw invalidArgument("xMax", `greater than xMin = ${xMin}`, xMax);
  requireInteger("n", n, 2, 1 << 28);
  return Object.freeze({ kind: "1d", xMin, xMax, n, dx: (xMax - xMin) / n });
}

/**
 * Create a uniform 2-D grid.
 * @param x - [xMin, xMax]
 * @param y - [yMin, yMax]
 * @param nx - cells in x (≥ 2)
 * @param ny - cells in y (≥ 2, default nx)
 * @returns the grid
 * @throws KineticError INVALID_ARGUMENT
 * @example
 * ```ts
 * const g = createGrid2D([-4, 4], [-3, 3], 128, 96); // dx = 1/16, dy = 1/16
 * ```
 */
export function createGrid2D(x: readonly [number, number], y: readonly [number, number], nx: number, ny: number = nx): Grid2D {
  const gx = createGrid1D(x[0], x[1], nx);
  let gy: Grid1D;
  try {
    gy = createGrid1D(y[0], y[1], ny);
  } catch (e) {
    throw invalidArgument("y / ny", "a valid interval and cell count", { y, ny });
  }
  return Object.freeze({ kind: "2d", xMin: gx.xMin, xMax: gx.xMax, yMin: gy.xMin, yMax: gy.xMax, nx, ny, dx: gx.dx, dy: gy.dx });
}

/**
 * Cell centres of a 1-D grid.
 * @param g - grid
 * @returns n centres xMin + (i + 1/2)Δx
 * @example
 * ```ts
 * cellCenters(createGrid1D(0, 1, 4)); // [0.125, 0.375, 0.625, 0.875]
 * ```
 */
export function cellCenters(g: Grid1D): Float64Array {
  const c = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) c[i] = g.xMin + (i + 0.5) * g.dx;
  return c;
}

/**
 * Cell faces of a 1-D grid.
 * @param g - grid
 * @returns n + 1 faces xMin + iΔx
 * @example
 * ```ts
 * cellFaces(createGrid1D(0, 1, 4)); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function cellFaces(g: Grid1D): Float64Array {
  const c = new Float64Array(g.n + 1);
  for (let i = 0; i <= g.n; i++) c[i] = g.xMin + i * g.dx;
  c[g.n] = g.xMax;
  return c;
}

/**
 * Total mass Σ f_i Δx (Δx Δy in 2-D), Kahan-compensated, of a cell-average density.
 * @param g - grid (1-D or 2-D)
 * @param f - cell averages
 * @returns the mass
 * @example
 * ```ts
 * massOf(createGrid1D(0, 1, 4), new Float64Array([1, 1, 1, 1])); // 1
 * ```
 */
export function massOf(g: Grid1D | Grid2D, f: Float64Array): number {
  let s = 0, c = 0;
  for (let i = 0; i < f.length; i++) {
    const y = f[i]! - c;
    const t = s + y;
    c = t - s - y;
    s = t;
  }
  return g.kind === "1d" ? s * g.dx : s * g.dx * g.dy;
}
