/**
 * Initial densities and automatic domains. An initial density is given as cell averages
 * (Float64Array on the problem's grid), as point values `(x) => number` / `(x, y) => number`
 * (cell averages computed by 4-point Gauss–Legendre per cell, tensor rule in 2-D), or in 1-D as a
 * law with a CDF (cell averages (F(right) - F(left)) / Δx, exact). The averaging is datasets'
 * `cellAverages1D/2D`.
 * @packageDocumentation
 */
import { activationInfo } from "@kinetic-nde/core";
import { KineticError, type NetworkParams, checkEnsemble, isKineticError, velocityInto } from "@kinetic-nde/core";
import { invalidArgument, requireInteger, requirePositive } from "@kinetic-nde/core/validate";
import {
  type CdfDistribution1D,
  type Grid1D,
  type Grid2D,
  cellAverages1D,
  cellAverages2D,
  createGrid1D,
  createGrid2D,
  isCdfDistribution1D,
} from "@kinetic-nde/datasets";
import { checkAverages } from "./internal/density-check.js";
import { flowNetwork1D } from "./internal/flow.js";
import { GL4_W, GL4_X, GL8_W, GL8_X } from "./internal/gauss-rules.js";

/** A 1-D initial density: cell averages, point values, or a law with a CDF (e.g. a datasets distribution). */
export type InitialDensity1D = Float64Array | ((x: number) => number) | CdfDistribution1D;
/** A 2-D initial density: cell averages (index i*ny + j) or point values f0(x, y). */
export type InitialDensity2D = Float64Array | ((x: number, y: number) => number);
/** Any initial density accepted by the solvers. */
export type InitialDensity = InitialDensity1D | InitialDensity2D;

/** Re-throw a datasets error about its argument `source` under the solver's argument name. */
function renamed<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isKineticError(e) && e.message.includes("`source")) {
      throw new KineticError(e.code, e.message.replaceAll("`source", `\`${name}`), {
        cause: e,
        ...(e.details === undefined ? {} : { details: e.details }),
      });
    }
    throw e;
  }
}

/**
 * Cell averages of a 1-D initial density on a grid (the solvers' entry point for `f0`).
 * @param grid - the grid
 * @param f0 - cell averages (length n, checked and copied), point values `(x) => number`
 *   (4-point Gauss–Legendre per cell, error O(Δx⁸ f⁽⁸⁾)), or a law with `cdf` (exact differences)
 * @param name - argument name for messages (default "f0")
 * @returns n cell averages (fresh array)
 * @throws KineticError SHAPE_MISMATCH (wrong length), INVALID_ARGUMENT (non-finite or negative values)
 * @remarks Cost O(n) evaluations (4n for point values); the averaging is datasets' `cellAverages1D`.
 */
export function resolveInitialDensity1D(grid: Grid1D, f0: InitialDensity1D, name = "f0"): Float64Array {
  if (ArrayBuffer.isView(f0)) return checkAverages(grid, f0, name).slice();
  if (typeof f0 !== "function" && !isCdfDistribution1D(f0)) {
    throw invalidArgument(name, "a Float64Array of cell averages, a function (x) => number or an object with cdf", f0);
  }
  return renamed(name, () => cellAverages1D(f0, grid, { nodes: 4 }));
}

/**
 * Cell averages of a 2-D initial density (index i*ny + j, x outer).
 * @param grid - the 2-D grid
 * @param f0 - cell averages (length nx·ny) or point values `(x, y) => number` (4×4 Gauss–Legendre per cell)
 * @param name - argument name for messages (default "f0")
 * @returns nx·ny cell averages (fresh array)
 * @throws KineticError SHAPE_MISMATCH, INVALID_ARGUMENT
 * @remarks Cost 16·nx·ny evaluations for point values; the averaging is datasets' `cellAverages2D`.
 */
export function resolveInitialDensity2D(grid: Grid2D, f0: InitialDensity2D, name = "f0"): Float64Array {
  if (ArrayBuffer.isView(f0)) return checkAverages(grid, f0, name).slice();
  if (typeof f0 !== "function") throw invalidArgument(name, "a Float64Array of cell averages or a function (x, y) => number", f0);
  return renamed(name, () => cellAverages2D(f0, grid, { nodes: 4 }));
}

/** Where the automatic domain takes its extent from. */
export interface AutoDomainSource {
  /** Particles (M·d values, row-major); the domain is their bounding box. */
  readonly particles?: Float64Array;
  /** A 1-D density function or distribution, or a 2-D density function; the domain holds mass ≥ 1 - tol. */
  readonly f0?: ((x: number) => number) | CdfDistribution1D | ((x: number, y: number) => number);
}

/** Options of the automatic domain. */
export interface AutoDomainOptions {
  /** Dimension (default params.d). */
  readonly d?: number;
  /** Time interval the data is transported over (default [0, params.T]). */
  readonly tSpan?: readonly [number, number];
  /** Mass allowed outside the domain, relative (default 1e-10). */
  readonly tol?: number;
  /** Relative margin added on each side after padding (default 0.02). */
  readonly margin?: number;
}

/** An axis-aligned box [lo_j, hi_j] per dimension. */
export interface Box {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

function quantileRange1D(f0: ((x: number) => number) | CdfDistribution1D, tol: number): [number, number] {
  if (isCdfDistribution1D(f0)) {
    const F = f0.cdf;
    let L = 1;
    while (L < 1e8 && (F(-L) > 0.5 * tol * F(L) || 1 - F(L) / F(1e12) > 0.5 * tol)) L *= 2;
    const total = F(L) - F(-L);
    const find = (target: number) => {
      let a = -L,
        b = L;
      for (let it = 0; it < 200 && b - a > 1e-12 * L; it++) {
        const m = 0.5 * (a + b);
        if (F(m) - F(-L) < target) a = m;
        else b = m;
      }
      return [a, b] as const;
    };
    return [find(0.5 * tol * total)[0], find((1 - 0.5 * tol) * total)[1]];
  }
  const g = f0 as (x: number) => number;
  const parts = 4096;
  for (let L = 2; L <= 1 << 22; L *= 2) {
    const h = (2 * L) / parts;
    const cum = new Float64Array(parts + 1);
    for (let p = 0; p < parts; p++) {
      const c = -L + (p + 0.5) * h;
      let q = 0;
      for (let k = 0; k < 8; k++) q += GL8_W[k]! * g(c + 0.5 * h * GL8_X[k]!);
      cum[p + 1] = cum[p]! + 0.5 * h * Math.max(q, 0);
    }
    const total = cum[parts]!;
    if (!(total > 0) || !Number.isFinite(total)) continue;
    const outer = parts / 8;
    if (cum[outer]! > 1e-3 * tol * total || total - cum[parts - outer]! > 1e-3 * tol * total) continue;
    let lo = 0;
    while (lo < parts && cum[lo + 1]! <= 0.5 * tol * total) lo++;
    let hi = parts;
    while (hi > 0 && total - cum[hi - 1]! <= 0.5 * tol * total) hi--;
    return [-L + lo * h, -L + hi * h];
  }
  throw new KineticError("NO_SOLUTION", "automatic domain: the initial density does not decay within |x| ≤ 4e6 (give a grid)");
}

function quantileBox2D(g: (x: number, y: number) => number, tol: number): Box {
  const parts = 256;
  for (let L = 2; L <= 1 << 20; L *= 2) {
    const h = (2 * L) / parts;
    const mx = new Float64Array(parts),
      my = new Float64Array(parts);
    for (let i = 0; i < parts; i++)
      for (let j = 0; j < parts; j++) {
        const cx = -L + (i + 0.5) * h,
          cy = -L + (j + 0.5) * h;
        let s = 0;
        for (let p = 0; p < 4; p++)
          for (let q = 0; q < 4; q++) s += GL4_W[p]! * GL4_W[q]! * g(cx + 0.5 * h * GL4_X[p]!, cy + 0.5 * h * GL4_X[q]!);
        const m = Math.max(0.25 * s * h * h, 0);
        mx[i] = mx[i]! + m;
        my[j] = my[j]! + m;
      }
    let total = 0;
    for (let i = 0; i < parts; i++) total += mx[i]!;
    if (!(total > 0) || !Number.isFinite(total)) continue;
    const cut = (m: Float64Array): [number, number] | null => {
      const outer = parts / 8;
      let a = 0,
        b = 0;
      for (let i = 0; i < outer; i++) (a += m[i]!), (b += m[parts - 1 - i]!);
      if (a > 1e-3 * tol * total || b > 1e-3 * tol * total) return null;
      let lo = 0,
        acc = 0;
      while (lo < parts && acc + m[lo]! <= 0.25 * tol * total) acc += m[lo++]!;
      let hi = parts;
      acc = 0;
      while (hi > 0 && acc + m[hi - 1]! <= 0.25 * tol * total) acc += m[--hi]!;
      return [-L + lo * h, -L + hi * h];
    };
    const X = cut(mx),
      Y = cut(my);
    if (X && Y) return { lo: new Float64Array([X[0], Y[0]]), hi: new Float64Array([X[1], Y[1]]) };
  }
  throw new KineticError("NO_SOLUTION", "automatic domain: the initial density does not decay within |x| ≤ 1e6 (give a grid)");
}

function supAbsSigma(p: NetworkParams): number {
  const { kind } = activationInfo(p.sigma);
  if (kind === "tanh" || kind === "sigmoid") return 1;
  let m = 0;
  for (let z = -60; z <= 60; z += 0.01) m = Math.max(m, Math.abs(p.sigma.sigma(z)));
  return m;
}

/**
 * The region the data occupies over a time interval: the source box (particles' bounding box, or
 * the quantile box holding mass ≥ 1 - tol) padded by the distance the data can travel —
 * sup|σ| · (t1 - t0) per component for bounded σ, the hull of the exact characteristics of the box
 * ends (1-D) or of 16 points per box side integrated by RK4 with 64 substeps per layer (2-D) for
 * unbounded σ — plus a relative margin.
 * @param params - network (d = 1 or 2)
 * @param source - particles or an initial density function
 * @param options - see {@link AutoDomainOptions}
 * @returns the box
 * @throws KineticError INVALID_ARGUMENT (no source), UNSTABLE (the data spreads by more than 1e4 times
 *   its initial width: unbounded velocity with w > 0; a fixed grid would be far too coarse)
 * @example
 * ```ts
 * const box = autoDomain(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }), { f0: (x) => Math.exp(-x * x / 2) });
 * ```
 */
export function autoDomain(params: NetworkParams, source: AutoDomainSource, options: AutoDomainOptions = {}): Box {
  const d = options.d ?? params.d;
  if (d !== 1 && d !== 2) throw invalidArgument("d", "1 or 2", d);
  const tol = options.tol ?? 1e-10;
  requirePositive("tol", tol);
  const margin = options.margin ?? 0.02;
  const [t0, t1] = options.tSpan ?? [0, params.T];
  let lo: Float64Array, hi: Float64Array;
  if (source.particles !== undefined) {
    const M = checkEnsemble(source.particles, d, "particles");
    lo = new Float64Array(d).fill(Infinity);
    hi = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < d; j++) {
        const v = source.particles[i * d + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
  } else if (source.f0 !== undefined) {
    if (d === 1) {
      const [a, b] = quantileRange1D(source.f0 as (x: number) => number, tol);
      lo = new Float64Array([a]);
      hi = new Float64Array([b]);
    } else {
      if (typeof source.f0 !== "function") throw invalidArgument("f0", "a function (x, y) => number in 2-D", source.f0);
      ({ lo, hi } = quantileBox2D(source.f0 as (x: number, y: number) => number, tol));
    }
  } else {
    throw invalidArgument("source", "an object with `particles` or `f0`", source);
  }
  const width0 = Math.max(...Array.from(hi, (h, j) => h - lo[j]!), 1e-12);
  const plo = Float64Array.from(lo),
    phi = Float64Array.from(hi);
  if (params.sigma.properties.bounded) {
    const s = supAbsSigma(params) * Math.abs(t1 - t0);
    for (let j = 0; j < d; j++) (plo[j] = plo[j]! - s), (phi[j] = phi[j]! + s);
  } else if (d === 1) {
    const stops = [t0];
    for (let k = 1; k < params.nLayers; k++)
      if (k * params.dt > Math.min(t0, t1) && k * params.dt < Math.max(t0, t1)) stops.push(k * params.dt);
    stops.push(t1);
    for (const x of [lo[0]!, hi[0]!])
      for (const t of stops) {
        const y = flowNetwork1D(params, x, t0, t);
        if (y < plo[0]!) plo[0] = y;
        if (y > phi[0]!) phi[0] = y;
      }
  } else {
    const pts: number[] = [];
    for (let s = 0; s <= 16; s++) {
      const u = s / 16;
      pts.push(lo[0]! + u * (hi[0]! - lo[0]!), lo[1]!, lo[0]! + u * (hi[0]! - lo[0]!), hi[1]!);
      pts.push(lo[0]!, lo[1]! + u * (hi[1]! - lo[1]!), hi[0]!, lo[1]! + u * (hi[1]! - lo[1]!));
    }
    const x = new Float64Array(2),
      v = new Float64Array(2),
      k1 = new Float64Array(2),
      k2 = new Float64Array(2),
      k3 = new Float64Array(2),
      k4 = new Float64Array(2);
    const nSeg = Math.max(1, Math.ceil(Math.abs(t1 - t0) / params.dt));
    const h = (t1 - t0) / (64 * nSeg);
    for (let p = 0; p < pts.length; p += 2) {
      x[0] = pts[p]!;
      x[1] = pts[p + 1]!;
      for (let s = 0; s < 64 * nSeg; s++) {
        const t = t0 + (s + 0.5) * h;
        let k = Math.floor(t / params.dt);
        k = Math.min(Math.max(k, 0), params.nLayers - 1);
        velocityInto(params, k, x, k1);
        v[0] = x[0]! + 0.5 * h * k1[0]!;
        v[1] = x[1]! + 0.5 * h * k1[1]!;
        velocityInto(params, k, v, k2);
        v[0] = x[0]! + 0.5 * h * k2[0]!;
        v[1] = x[1]! + 0.5 * h * k2[1]!;
        velocityInto(params, k, v, k3);
        v[0] = x[0]! + h * k3[0]!;
        v[1] = x[1]! + h * k3[1]!;
        velocityInto(params, k, v, k4);
        for (let j = 0; j < 2; j++) {
          x[j] = x[j]! + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
          if (x[j]! < plo[j]!) plo[j] = x[j]!;
          if (x[j]! > phi[j]!) phi[j] = x[j]!;
        }
      }
    }
  }
  for (let j = 0; j < d; j++) {
    const w = phi[j]! - plo[j]!;
    if (!Number.isFinite(w) || w > 1e4 * width0) {
      throw new KineticError(
        "UNSTABLE",
        `automatic domain: the data spreads from width ${width0.toPrecision(3)} to ${w.toPrecision(3)} over the time interval (unbounded velocity, e.g. w > 0 with an unbounded σ); a grid holding it would be too coarse — shorten the time or give a grid`,
        { details: { width0, width: w } },
      );
    }
    const m = margin * Math.max(w, 1e-6);
    plo[j] = plo[j]! - m;
    phi[j] = phi[j]! + m;
  }
  return { lo: plo, hi: phi };
}

/**
 * A 1-D grid of n cells on {@link autoDomain}'s box.
 * @param params - network (d = 1)
 * @param source - particles or an initial density
 * @param n - number of cells (integer ≥ 2)
 * @param options - see {@link AutoDomainOptions}
 * @returns the grid
 * @throws KineticError INVALID_ARGUMENT, UNSTABLE (see autoDomain)
 * @example
 * ```ts
 * const g = autoGrid1D(params, { particles: x }, 400);
 * ```
 */
export function autoGrid1D(params: NetworkParams, source: AutoDomainSource, n: number, options: AutoDomainOptions = {}): Grid1D {
  requireInteger("n", n, 2);
  const box = autoDomain(params, source, { ...options, d: 1 });
  return createGrid1D(box.lo[0]!, box.hi[0]!, n);
}

/**
 * The grid of a 1-D solve: `grid` when given, else {@link autoGrid1D} from the density function `f0`
 * with `n` cells (default 400) over [t0, t1]. INVALID_ARGUMENT when f0 is cell averages and no grid
 * is given. @internal
 */
export function givenOrAutoGrid1D<G extends Grid1D | Grid2D>(
  params: NetworkParams,
  grid: G | undefined,
  f0: unknown,
  n: number | undefined,
  t0: number,
  t1: number,
): G | Grid1D {
  if (grid !== undefined) return grid;
  if (ArrayBuffer.isView(f0)) throw invalidArgument("grid", "given when f0 is cell averages", undefined);
  return autoGrid1D(params, { f0: f0 as (x: number) => number }, requireInteger("n", n ?? 400, 2), { tSpan: [t0, t1] });
}

/**
 * A 2-D grid of nx × ny cells on {@link autoDomain}'s box.
 * @param params - network (d = 2)
 * @param source - particles (M·2) or a density function (x, y) => number
 * @param nx - cells in x
 * @param ny - cells in y (default nx)
 * @param options - see {@link AutoDomainOptions}
 * @returns the grid
 * @throws KineticError INVALID_ARGUMENT, UNSTABLE
 * @example
 * ```ts
 * const g = autoGrid2D(params, { particles: x }, 128);
 * ```
 */
export function autoGrid2D(
  params: NetworkParams,
  source: AutoDomainSource,
  nx: number,
  ny: number = nx,
  options: AutoDomainOptions = {},
): Grid2D {
  requireInteger("nx", nx, 2);
  requireInteger("ny", ny, 2);
  const box = autoDomain(params, source, { ...options, d: 2 });
  return createGrid2D([box.lo[0]!, box.hi[0]!], [box.lo[1]!, box.hi[1]!], nx, ny);
}
