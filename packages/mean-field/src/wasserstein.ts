/**
 * Wasserstein-1 distances. 1-D: W1 = ∫ |F - G| dx between CDFs, computed exactly for grid densities
 * (piecewise-constant density, piecewise-linear CDF) and samples (step CDFs). 2-D: sliced W1 — the
 * mean over seeded directions of the 1-D W1 of the projections, with grid densities entering as
 * weighted cell centres (an O(Δx) approximation of the cell's spread).
 * Every input is normalised to unit mass first.
 * @packageDocumentation
 */
import { checkEnsemble, createRng } from "@kinetic-nde/core";
import { invalidArgument, requireInteger, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";

/** A piecewise-linear CDF with jumps: knots X (ascending), left limits Fm and right limits Fp. */
interface Cdf {
  X: Float64Array;
  Fm: Float64Array;
  Fp: Float64Array;
}

function gridCdf(grid: Grid1D, f: Float64Array, name: string): Cdf {
  if (!(f instanceof Float64Array)) throw invalidArgument(name, "a Float64Array of cell averages", f);
  if (f.length !== grid.n) throw shapeMismatch(name, `${grid.n} cell averages`, f.length);
  const n = grid.n;
  const X = new Float64Array(n + 1),
    F = new Float64Array(n + 1);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const v = f[i]!;
    if (!Number.isFinite(v) || v < 0) throw invalidArgument(`${name}[${i}]`, "a finite non-negative number", v);
    X[i] = grid.xMin + i * grid.dx;
    acc += v;
    F[i + 1] = acc;
  }
  X[n] = grid.xMax;
  if (!(acc > 0)) throw invalidArgument(name, "a density with positive mass", acc);
  for (let i = 0; i <= n; i++) F[i] = F[i]! / acc;
  F[n] = 1;
  return { X, Fm: F, Fp: F };
}

function pointsCdf(v: Float64Array, w: Float64Array | null): Cdf {
  const M = v.length;
  const idx = new Uint32Array(M);
  for (let i = 0; i < M; i++) idx[i] = i;
  idx.sort((a, b) => v[a]! - v[b]!);
  let total = 0;
  for (let i = 0; i < M; i++) total += w ? w[i]! : 1;
  const X: number[] = [],
    Fm: number[] = [],
    Fp: number[] = [];
  let acc = 0;
  for (let k = 0; k < M; k++) {
    const x = v[idx[k]!]!;
    const m = (w ? w[idx[k]!]! : 1) / total;
    if (X.length > 0 && X[X.length - 1] === x) {
      acc += m;
      Fp[Fp.length - 1] = acc;
    } else {
      X.push(x);
      Fm.push(acc);
      acc += m;
      Fp.push(acc);
    }
  }
  Fp[Fp.length - 1] = 1;
  return { X: Float64Array.from(X), Fm: Float64Array.from(Fm), Fp: Float64Array.from(Fp) };
}

/** Largest k with X[k] ≤ x (-1 if none). */
function floorIndex(X: Float64Array, x: number): number {
  let lo = -1,
    hi = X.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (X[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function rightLimit(c: Cdf, p: number): number {
  const k = floorIndex(c.X, p);
  if (k < 0) return 0;
  if (c.X[k] === p) return c.Fp[k]!;
  if (k === c.X.length - 1) return 1;
  return c.Fp[k]! + ((c.Fm[k + 1]! - c.Fp[k]!) * (p - c.X[k]!)) / (c.X[k + 1]! - c.X[k]!);
}

function leftLimit(c: Cdf, q: number): number {
  const k = floorIndex(c.X, q);
  if (k >= 0 && c.X[k] === q) return c.Fm[k]!;
  if (k < 0) return 0;
  if (k === c.X.length - 1) return 1;
  return c.Fp[k]! + ((c.Fm[k + 1]! - c.Fp[k]!) * (q - c.X[k]!)) / (c.X[k + 1]! - c.X[k]!);
}

function w1Cdfs(a: Cdf, b: Cdf): number {
  const all = new Float64Array(a.X.length + b.X.length);
  all.set(a.X);
  all.set(b.X, a.X.length);
  all.sort();
  let s = 0;
  for (let k = 0; k + 1 < all.length; k++) {
    const p = all[k]!,
      q = all[k + 1]!;
    if (q === p) continue;
    const d0 = rightLimit(a, p) - rightLimit(b, p);
    const d1 = leftLimit(a, q) - leftLimit(b, q);
    const h = q - p;
    if (d0 * d1 >= 0) s += 0.5 * (Math.abs(d0) + Math.abs(d1)) * h;
    else s += ((d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)))) * h;
  }
  return s;
}

function samples1D(x: Float64Array, name: string): Float64Array {
  const M = checkEnsemble(x, 1, name);
  if (M < 1) throw invalidArgument(name, "at least one sample", M);
  return x;
}

/**
 * Wasserstein-1 distance between two 1-D grid densities (grids may differ), exact for the
 * piecewise-constant densities: ∫ |F - G| with piecewise-linear F, G.
 * @param gridA - grid of `fA`
 * @param fA - cell averages (normalised to unit mass here)
 * @param gridB - grid of `fB`
 * @param fB - cell averages
 * @returns W1 ≥ 0 (length units)
 * @throws KineticError INVALID_ARGUMENT (negative, non-finite, zero mass), SHAPE_MISMATCH
 * @remarks O(n) on one grid, O((nA + nB) log(nA + nB)) across grids; one allocation of the two CDFs.
 * @example
 * ```ts
 * const d = wasserstein1Grid(g, f, g, fExact);
 * ```
 */
export function wasserstein1Grid(gridA: Grid1D, fA: Float64Array, gridB: Grid1D, fB: Float64Array): number {
  const a = gridCdf(gridA, fA, "fA");
  const b = gridCdf(gridB, fB, "fB");
  if (gridA.n === gridB.n && gridA.xMin === gridB.xMin && gridA.xMax === gridB.xMax) return w1SameKnots(a.Fm, b.Fm, gridA.dx);
  return w1Cdfs(a, b);
}

/**
 * W1 of two piecewise-linear CDFs on the same uniform knots (one grid): Σ over cells of the
 * integral of |linear from d0 to d1|, exact also where the difference changes sign inside a cell.
 */
function w1SameKnots(F: Float64Array, G: Float64Array, dx: number): number {
  let s = 0;
  for (let i = 0; i + 1 < F.length; i++) {
    const d0 = F[i]! - G[i]!,
      d1 = F[i + 1]! - G[i + 1]!;
    if (d0 * d1 >= 0) s += 0.5 * (Math.abs(d0) + Math.abs(d1));
    else s += (d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)));
  }
  return s * dx;
}

/**
 * Wasserstein-1 distance between a 1-D grid density and samples (exact for the piecewise-constant
 * density against the empirical measure).
 * @param grid - grid of `f`
 * @param f - cell averages
 * @param x - M samples
 * @param weights - optional sample weights (M values, normalised here)
 * @returns W1
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH
 * @example
 * ```ts
 * const d = wasserstein1GridSamples(g, f, particles);
 * ```
 */
export function wasserstein1GridSamples(grid: Grid1D, f: Float64Array, x: Float64Array, weights?: Float64Array): number {
  samples1D(x, "x");
  if (weights !== undefined && weights.length !== x.length) throw shapeMismatch("weights", `${x.length} values`, weights.length);
  return w1Cdfs(gridCdf(grid, f, "f"), pointsCdf(x, weights ?? null));
}

/**
 * Wasserstein-1 distance between two 1-D sample sets (exact: ∫ |F_M - G_K| of the step CDFs).
 * @param x - M samples
 * @param y - K samples
 * @returns W1
 * @throws KineticError INVALID_ARGUMENT
 * @example
 * ```ts
 * wasserstein1Samples(new Float64Array([0, 1]), new Float64Array([0.5, 1.5])); // 0.5
 * ```
 */
export function wasserstein1Samples(x: Float64Array, y: Float64Array): number {
  return w1Cdfs(pointsCdf(samples1D(x, "x"), null), pointsCdf(samples1D(y, "y"), null));
}

/** A 2-D measure for {@link slicedWasserstein1}: samples (M·2) or a grid density. */
export type Measure2D = Float64Array | { readonly grid: Grid2D; readonly f: Float64Array };

/** Options of {@link slicedWasserstein1}. */
export interface SlicedOptions {
  /** Number of directions, default 64 (stratified in [0, π), one seeded uniform offset per stratum). */
  readonly nDirections?: number;
  /** Seed, default 0. */
  readonly seed?: number;
}

function points2D(m: Measure2D, name: string): { x: Float64Array; w: Float64Array | null } {
  if (m instanceof Float64Array) {
    checkEnsemble(m, 2, name);
    return { x: m, w: null };
  }
  if (typeof m !== "object" || m === null || m.grid?.kind !== "2d") throw invalidArgument(name, "samples (M·2) or { grid: Grid2D, f }", m);
  const { grid, f } = m;
  const cells = grid.nx * grid.ny;
  if (!(f instanceof Float64Array) || f.length !== cells)
    throw shapeMismatch(`${name}.f`, `${cells} cell averages`, (f as { length?: number })?.length ?? 0);
  const x = new Float64Array(2 * cells),
    w = new Float64Array(cells);
  for (let i = 0; i < grid.nx; i++)
    for (let j = 0; j < grid.ny; j++) {
      const c = i * grid.ny + j;
      const v = f[c]!;
      if (!Number.isFinite(v) || v < 0) throw invalidArgument(`${name}.f[${c}]`, "a finite non-negative number", v);
      x[2 * c] = grid.xMin + (i + 0.5) * grid.dx;
      x[2 * c + 1] = grid.yMin + (j + 0.5) * grid.dy;
      w[c] = v;
    }
  return { x, w };
}

/**
 * Sliced Wasserstein-1 distance in 2-D: mean over K seeded directions θ of W1 between the
 * projections ⟨x, (cos θ, sin θ)⟩.
 * @param a - samples (M·2) or `{ grid, f }`
 * @param b - samples (K·2) or `{ grid, f }`
 * @param options - nDirections (default 64), seed (default 0)
 * @returns sliced W1 (≤ W1)
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH
 * @remarks Grid densities are treated as point masses at cell centres (error ≤ (Δx + Δy)/2 per
 * direction). Cost O(K (N log N)).
 * @example
 * ```ts
 * const d = slicedWasserstein1(particles, { grid, f }, { nDirections: 32, seed: 1 });
 * ```
 */
export function slicedWasserstein1(a: Measure2D, b: Measure2D, options: SlicedOptions = {}): number {
  const K = requireInteger("nDirections", options.nDirections ?? 64, 1, 1 << 16);
  const A = points2D(a, "a"),
    B = points2D(b, "b");
  const rng = createRng(options.seed ?? 0);
  const pa = new Float64Array(A.x.length / 2),
    pb = new Float64Array(B.x.length / 2);
  let s = 0;
  for (let k = 0; k < K; k++) {
    const th = (Math.PI * (k + rng.uniform())) / K;
    const c = Math.cos(th),
      sn = Math.sin(th);
    for (let i = 0; i < pa.length; i++) pa[i] = c * A.x[2 * i]! + sn * A.x[2 * i + 1]!;
    for (let i = 0; i < pb.length; i++) pb[i] = c * B.x[2 * i]! + sn * B.x[2 * i + 1]!;
    s += w1Cdfs(pointsCdf(pa, A.w), pointsCdf(pb, B.w));
  }
  return s / K;
}
