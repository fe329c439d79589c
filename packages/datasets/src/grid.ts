/**
 * Uniform grids of cells, shared by every package. Densities live on grids as cell averages
 * (Float64Array), with the grid beside them: 1-D `f[i]` is the average over cell
 * i = [xMin + iΔx, xMin + (i+1)Δx); 2-D `f[i*ny + j]` (row-major, x index outer) is the average over
 * cell (i, j).
 * @packageDocumentation
 */
import { formatValue, invalidArgument, requireFinite, requireFits, requireInteger, shapeMismatch } from "@kinetic-nde/core/validate";

/**
 * The largest number of cells a grid may have: 2^24 (16 777 216) in 1-D, and nx·ny ≤ 2^24 in 2-D.
 * One density on such a grid is 128 MiB of Float64 values; the solvers keep several.
 */
export const MAX_GRID_CELLS = 2 ** 24;

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

function requireCells(name: string, n: number): number {
  requireInteger(name, n, 2);
  return requireFits(name, n, 1, MAX_GRID_CELLS, "cells");
}

function requireInterval(nameA: string, a: number, nameB: string, b: number): void {
  requireFinite(nameA, a);
  requireFinite(nameB, b);
  if (!(b > a)) throw invalidArgument(nameB, `greater than ${nameA} = ${a}`, b);
  if (!Number.isFinite(b - a)) throw invalidArgument(nameB, `within a finite distance of ${nameA} = ${a}`, b);
}

/**
 * Create a uniform 1-D grid.
 * @param xMin - left end (finite)
 * @param xMax - right end (finite, > xMin)
 * @param n - number of cells (integer in [2, {@link MAX_GRID_CELLS}])
 * @returns the grid (frozen)
 * @throws KineticError INVALID_ARGUMENT (non-finite ends, xMax ≤ xMin, n not an integer ≥ 2),
 *   TOO_LARGE (n > 2^24; the message names the largest n that fits)
 * @example
 * ```ts
 * const g = createGrid1D(-4, 4, 400); // dx = 0.02
 * ```
 */
export function createGrid1D(xMin: number, xMax: number, n: number): Grid1D {
  requireInterval("xMin", xMin, "xMax", xMax);
  requireCells("n", n);
  return Object.freeze({ kind: "1d", xMin, xMax, n, dx: (xMax - xMin) / n });
}

/**
 * Create a uniform 2-D grid.
 * @param x - [xMin, xMax] (finite, xMax > xMin)
 * @param y - [yMin, yMax] (finite, yMax > yMin)
 * @param nx - cells in x (integer ≥ 2)
 * @param ny - cells in y (integer ≥ 2, default nx)
 * @returns the grid (frozen)
 * @throws KineticError INVALID_ARGUMENT (bad interval or count), TOO_LARGE (nx·ny > 2^24; the
 *   message names the largest cell count that fits)
 * @example
 * ```ts
 * const g = createGrid2D([-4, 4], [-3, 3], 128, 96); // dx = 1/16, dy = 1/16
 * ```
 */
export function createGrid2D(x: readonly [number, number], y: readonly [number, number], nx: number, ny: number = nx): Grid2D {
  if (!Array.isArray(x) || x.length !== 2) throw invalidArgument("x", "an interval [xMin, xMax]", x);
  if (!Array.isArray(y) || y.length !== 2) throw invalidArgument("y", "an interval [yMin, yMax]", y);
  requireInterval("x[0]", x[0], "x[1]", x[1]);
  requireInterval("y[0]", y[0], "y[1]", y[1]);
  requireInteger("nx", nx, 2);
  requireInteger("ny", ny, 2);
  requireFits("nx * ny", nx * ny, 1, MAX_GRID_CELLS, "cells");
  return Object.freeze({
    kind: "2d",
    xMin: x[0],
    xMax: x[1],
    yMin: y[0],
    yMax: y[1],
    nx,
    ny,
    dx: (x[1] - x[0]) / nx,
    dy: (y[1] - y[0]) / ny,
  });
}

/**
 * Check that a value is a valid {@link Grid1D} (as made by {@link createGrid1D}; a plain object
 * with the same fields is accepted when they are consistent).
 * @param name - the argument's name for messages
 * @param grid - the value
 * @returns `grid`
 * @throws KineticError INVALID_ARGUMENT (not a grid, inconsistent `dx`), TOO_LARGE (n > 2^24)
 * @example
 * ```ts
 * requireGrid1D("grid", createGrid1D(0, 1, 10));
 * ```
 */
export function requireGrid1D(name: string, grid: unknown): Grid1D {
  const g = grid as Partial<Grid1D> | null;
  if (typeof g !== "object" || g === null || g.kind !== "1d") throw invalidArgument(name, "a Grid1D from createGrid1D", grid);
  requireInterval(`${name}.xMin`, g.xMin!, `${name}.xMax`, g.xMax!);
  requireInteger(`${name}.n`, g.n, 1);
  requireFits(`${name}.n`, g.n!, 1, MAX_GRID_CELLS, "cells");
  const dx = (g.xMax! - g.xMin!) / g.n!;
  if (!(Math.abs(g.dx! - dx) <= 1e-12 * dx)) throw invalidArgument(`${name}.dx`, `(xMax - xMin) / n = ${dx}`, g.dx);
  return g as Grid1D;
}

/**
 * Check that a value is a valid {@link Grid2D} (see {@link requireGrid1D}).
 * @param name - the argument's name for messages
 * @param grid - the value
 * @returns `grid`
 * @throws KineticError INVALID_ARGUMENT, TOO_LARGE (nx·ny > 2^24)
 * @example
 * ```ts
 * requireGrid2D("grid", createGrid2D([0, 1], [0, 1], 8));
 * ```
 */
export function requireGrid2D(name: string, grid: unknown): Grid2D {
  const g = grid as Partial<Grid2D> | null;
  if (typeof g !== "object" || g === null || g.kind !== "2d") throw invalidArgument(name, "a Grid2D from createGrid2D", grid);
  requireInterval(`${name}.xMin`, g.xMin!, `${name}.xMax`, g.xMax!);
  requireInterval(`${name}.yMin`, g.yMin!, `${name}.yMax`, g.yMax!);
  requireInteger(`${name}.nx`, g.nx, 1);
  requireInteger(`${name}.ny`, g.ny, 1);
  requireFits(`${name}.nx * ${name}.ny`, g.nx! * g.ny!, 1, MAX_GRID_CELLS, "cells");
  const dx = (g.xMax! - g.xMin!) / g.nx!;
  const dy = (g.yMax! - g.yMin!) / g.ny!;
  if (!(Math.abs(g.dx! - dx) <= 1e-12 * dx)) throw invalidArgument(`${name}.dx`, `(xMax - xMin) / nx = ${dx}`, g.dx);
  if (!(Math.abs(g.dy! - dy) <= 1e-12 * dy)) throw invalidArgument(`${name}.dy`, `(yMax - yMin) / ny = ${dy}`, g.dy);
  return g as Grid2D;
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
  const cells = g.kind === "1d" ? g.n : g.nx * g.ny;
  if (!(f instanceof Float64Array) || f.length !== cells)
    throw shapeMismatch("f", `one value per cell (${cells})`, f instanceof Float64Array ? f.length : formatValue(f));
  let s = 0,
    c = 0;
  for (let i = 0; i < f.length; i++) {
    const y = f[i]! - c;
    const t = s + y;
    c = t - s - y;
    s = t;
  }
  return g.kind === "1d" ? s * g.dx : s * g.dx * g.dy;
}
