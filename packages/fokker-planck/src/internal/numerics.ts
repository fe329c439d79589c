/**
 * Small numerical kernels shared by the solvers (not exported from the package).
 * @packageDocumentation
 */
import { gaussLegendre } from "@kinetic-nde/datasets";
import { reserveTridiagonal, type TridiagonalRegion } from "./wasm-tridiagonal.js";

// Gauss–Legendre rules on [-1, 1] (datasets' gaussLegendre): 3 points (exact for degree ≤ 5), 5 points (degree ≤ 9).
const gl3Rule = gaussLegendre(3);
const gl5Rule = gaussLegendre(5);
/** 3-point Gauss–Legendre nodes on [-1, 1]. */
export const GL3_NODES = gl3Rule.nodes;
/** 3-point Gauss–Legendre weights on [-1, 1]. */
export const GL3_WEIGHTS = gl3Rule.weights;
/** 5-point Gauss–Legendre nodes on [-1, 1]. */
export const GL5_NODES = gl5Rule.nodes;
/** 5-point Gauss–Legendre weights on [-1, 1]. */
export const GL5_WEIGHTS = gl5Rule.weights;

/**
 * ∫_a^b g by 3-point Gauss–Legendre.
 * @param g - integrand
 * @param a - lower end
 * @param b - upper end
 * @returns the approximation
 */
export function gl3(g: (x: number) => number, a: number, b: number): number {
  const m = 0.5 * (a + b);
  const r = 0.5 * (b - a);
  return r * (GL3_WEIGHTS[0]! * g(m + r * GL3_NODES[0]!) + GL3_WEIGHTS[1]! * g(m) + GL3_WEIGHTS[2]! * g(m + r * GL3_NODES[2]!));
}

/** Kahan–Babuška (Neumaier) compensated sum of an array: the one in core. */
export { compensatedSum } from "@kinetic-nde/core";

/**
 * Bernoulli function B(z) = z / (e^z - 1), B(0) = 1; accurate for every z (series for |z| < 0.1,
 * `expm1` otherwise). B(-z) = B(z) + z.
 */
export function bernoulliFn(z: number): number {
  if (Math.abs(z) < 0.1) {
    const u = z * z;
    // 1 - z/2 + z²/12 - z⁴/720 + z⁶/30240 - z⁸/1209600
    return 1 - 0.5 * z + u * (1 / 12 + u * (-1 / 720 + u * (1 / 30240 - u / 1209600)));
  }
  if (z > 745) return z * Math.exp(-z);
  return z / Math.expm1(z);
}

/**
 * Factor a tridiagonal matrix once (Thomas algorithm without pivoting, valid for the M-matrices of
 * the Chang–Cooper schemes). Row i: lower[i]·x[i-1] + diag[i]·x[i] + upper[i]·x[i+1].
 * Writes `cp` (modified upper), `inv` (reciprocal pivots) and `lw` = lower·inv, length n each
 * (`lw` may alias `lower`). With lw precomputed the forward sweep's dependency chain is one
 * multiply and one subtract per row.
 */
export function thomasFactor(
  n: number,
  lower: Float64Array,
  diag: Float64Array,
  upper: Float64Array,
  cp: Float64Array,
  inv: Float64Array,
  lw: Float64Array = lower,
): void {
  let p = 1 / diag[0]!;
  inv[0] = p;
  cp[0] = upper[0]! * p;
  lw[0] = 0;
  for (let i = 1; i < n; i++) {
    p = 1 / (diag[i]! - lower[i]! * cp[i - 1]!);
    inv[i] = p;
    cp[i] = upper[i]! * p;
    lw[i] = lower[i]! * p;
  }
}

/**
 * Solve in place with a factorisation from {@link thomasFactor}: x ← M⁻¹ x. Allocation-free.
 * @returns the plain sum of the solution (a cheap finiteness probe)
 */
export function thomasSolveInPlace(n: number, lw: Float64Array, cp: Float64Array, inv: Float64Array, x: Float64Array): number {
  thomasEliminate(n, lw, inv, x);
  let nxt = x[n - 1]!;
  let s = nxt;
  for (let i = n - 2; i >= 0; i--) {
    nxt = x[i]! - cp[i]! * nxt;
    x[i] = nxt;
    s += nxt;
  }
  return s;
}

/**
 * The forward elimination of {@link thomasSolveInPlace}, in place (the back substitution is the
 * caller's: the plain one there, one fused with the adjoint's face terms in adjoint.ts).
 */
export function thomasEliminate(n: number, lw: Float64Array, inv: Float64Array, x: Float64Array): void {
  let y = x[0]! * inv[0]!;
  x[0] = y;
  for (let i = 1; i < n; i++) {
    y = x[i]! * inv[i]! - lw[i]! * y;
    x[i] = y;
  }
}

/**
 * Same as {@link thomasSolveInPlace} on a strided vector x[off + i·stride] (2-D sweeps).
 */
export function thomasSolveStrided(
  n: number,
  lw: Float64Array,
  cp: Float64Array,
  inv: Float64Array,
  coefOff: number,
  x: Float64Array,
  off: number,
  stride: number,
): void {
  let y = x[off]! * inv[coefOff]!;
  x[off] = y;
  for (let i = 1; i < n; i++) {
    const k = off + i * stride;
    y = x[k]! * inv[coefOff + i]! - lw[coefOff + i]! * y;
    x[k] = y;
  }
  let nxt = x[off + (n - 1) * stride]!;
  for (let i = n - 2; i >= 0; i--) {
    const k = off + i * stride;
    nxt = x[k]! - cp[coefOff + i]! * nxt;
    x[k] = nxt;
  }
}

/**
 * Factor a tridiagonal matrix the other way round (UL: eliminate from the last row upwards, so the
 * elimination sweep runs downward i = n-1 … 0 and the substitution upward). Writes `cl` = lower·invU,
 * `invU` (reciprocal pivots) and `uw` = upper·invU, length n each. Solve: y_{n-1} = r_{n-1}·invU_{n-1},
 * y_i = r_i·invU_i - uw_i·y_{i+1}; then x_0 = y_0, x_i = y_i - cl_i·x_{i-1}.
 */
export function ulFactor(
  n: number,
  lower: Float64Array,
  diag: Float64Array,
  upper: Float64Array,
  cl: Float64Array,
  invU: Float64Array,
  uw: Float64Array,
): void {
  let p = 1 / diag[n - 1]!;
  invU[n - 1] = p;
  cl[n - 1] = n > 1 ? lower[n - 1]! * p : 0;
  uw[n - 1] = 0;
  for (let i = n - 2; i >= 0; i--) {
    p = 1 / (diag[i]! - upper[i]! * cl[i + 1]!);
    invU[i] = p;
    cl[i] = i > 0 ? lower[i]! * p : 0;
    uw[i] = upper[i]! * p;
  }
}

/**
 * One tridiagonal matrix (its diagonals `lower`, `diag`, `upper`, filled by the caller) and both of
 * its factorisations, for repeated solves that alternate between them ({@link implicitStepsInPlace}),
 * stored as the two tables of the fused paired sweeps: LU (eliminate upward from row 0, substitute
 * downward; the numbers of {@link thomasFactor}: inv, lw, cp) and UL (the numbers of {@link ulFactor}:
 * invU, uw, cl). Where WebAssembly is available every array is a view into the kernels' memory (no
 * allocation per solve, no copies); views are re-created by {@link attachFactors} if the memory grew.
 */
export interface TridiagonalFactors {
  readonly n: number;
  /** Lower diagonal (lower[0] unused). */
  lower: Float64Array;
  /** Main diagonal. */
  diag: Float64Array;
  /** Upper diagonal (upper[n-1] unused). */
  upper: Float64Array;
  /** Downward table, 5 per row: (cp_i, cp_i·cp_{i+1}, invU_i, uw_i, uw_i·uw_{i+1}) (products 0 at i = n-1). */
  down: Float64Array;
  /** Upward table, 5 per row: (cl_i, cl_i·cl_{i-1}, inv_i, lw_i, lw_i·lw_{i-1}) (products 0 at i = 0). */
  up: Float64Array;
  /** The WebAssembly region holding the arrays, or null (JavaScript arrays, JavaScript sweeps). */
  readonly region: TridiagonalRegion | null;
}

/**
 * Storage for {@link factorTridiagonal} on n ≥ 2 unknowns: in the WebAssembly kernels' memory when
 * available (then the sweeps run there), otherwise fresh JavaScript arrays.
 */
export function createTridiagonalFactors(n: number): TridiagonalFactors {
  const region = reserveTridiagonal(n);
  if (region === null) {
    return {
      n,
      lower: new Float64Array(n),
      diag: new Float64Array(n),
      upper: new Float64Array(n),
      down: new Float64Array(5 * n),
      up: new Float64Array(5 * n),
      region: null,
    };
  }
  const fac: TridiagonalFactors = { n, lower: EMPTY, diag: EMPTY, upper: EMPTY, down: EMPTY, up: EMPTY, region };
  attachFactors(fac);
  return fac;
}

const EMPTY = new Float64Array(0);

/**
 * Make the views of a WebAssembly-resident {@link TridiagonalFactors} current (the memory keeps its
 * contents when it grows, but views on the old buffer detach). Call before filling the diagonals.
 */
export function attachFactors(fac: TridiagonalFactors): void {
  const r = fac.region;
  if (r === null || (fac.down.length !== 0 && fac.down.buffer === r.kernels.mem.buffer)) return;
  const n = fac.n;
  const buf = r.kernels.mem.buffer;
  fac.down = new Float64Array(buf, r.pd, 5 * n);
  fac.up = new Float64Array(buf, r.pu, 5 * n);
  fac.lower = new Float64Array(buf, r.pl, n);
  fac.diag = new Float64Array(buf, r.pdg, n);
  fac.upper = new Float64Array(buf, r.pup, n);
}

/**
 * Compute both the LU and the UL factorisation of the matrix in `fac.lower`, `fac.diag`, `fac.upper`
 * (n ≥ 2): O(n), 2n divisions; the same operations as {@link thomasFactor} and {@link ulFactor}.
 */
export function factorTridiagonal(fac: TridiagonalFactors): void {
  attachFactors(fac);
  const { n, down, up, lower, diag, upper, region } = fac;
  if (region !== null) {
    region.kernels.factor(n, region.pl, region.pdg, region.pup, region.pd, region.pu);
    return;
  }
  // LU, upward: inv → up[5i+2], lw → up[5i+3], cp → down[5i]
  let p = 1 / diag[0]!;
  up[2] = p;
  down[0] = upper[0]! * p;
  up[3] = 0;
  for (let i = 1; i < n; i++) {
    const o = 5 * i;
    p = 1 / (diag[i]! - lower[i]! * down[o - 5]!);
    up[o + 2] = p;
    down[o] = upper[i]! * p;
    up[o + 3] = lower[i]! * p;
  }
  // UL, downward: invU → down[5i+2], uw → down[5i+3], cl → up[5i]
  const last = 5 * (n - 1);
  p = 1 / diag[n - 1]!;
  down[last + 2] = p;
  up[last] = lower[n - 1]! * p;
  down[last + 3] = 0;
  for (let i = n - 2; i >= 1; i--) {
    const o = 5 * i;
    p = 1 / (diag[i]! - upper[i]! * up[o + 5]!);
    down[o + 2] = p;
    up[o] = lower[i]! * p;
    down[o + 3] = upper[i]! * p;
  }
  p = 1 / (diag[0]! - upper[0]! * up[5]!);
  down[2] = p;
  up[0] = 0;
  down[3] = upper[0]! * p;
  // products for the paired recurrences
  for (let i = 0; i < n - 1; i++) {
    const o = 5 * i;
    down[o + 1] = down[o]! * down[o + 5]!;
    down[o + 4] = down[o + 3]! * down[o + 8]!;
  }
  down[last + 1] = 0;
  down[last + 4] = 0;
  up[1] = 0;
  up[4] = 0;
  for (let i = 1; i < n; i++) {
    const o = 5 * i;
    up[o + 1] = up[o]! * up[o - 5]!;
    up[o + 4] = up[o + 3]! * up[o - 2]!;
  }
}

/**
 * What {@link implicitStepsInPlace} reports besides the solution: the mass that left through the
 * walls (accumulated per step exactly as `massLost += h · (wRight·x_{n-1} + wLeft·x_0) / dx`) and
 * whether every step stayed finite.
 */
export interface StepsLog {
  /** Outflow weight of the left wall (β_0 of the Chang–Cooper coefficients). */
  wLeft: number;
  /** Outflow weight of the right wall (α_n). */
  wRight: number;
  /** Step length. */
  h: number;
  /** Cell width. */
  dx: number;
  /** Accumulated outflow (added to). */
  massLost: number;
  /** False once a step produced a non-finite value (the solve stops after that step). */
  finite: boolean;
}

/** LU elimination sweep, upward: x ← L⁻¹ x (table `up`). */
function luEliminate(n: number, up: Float64Array, x: Float64Array): void {
  let y = x[0]! * up[2]!;
  x[0] = y;
  for (let i = 1; i < n; i++) {
    y = x[i]! * up[5 * i + 2]! - up[5 * i + 3]! * y;
    x[i] = y;
  }
}

/** LU back substitution, downward (table `down`); returns the plain sum of the solution. */
function luSubstitute(n: number, down: Float64Array, x: Float64Array): number {
  let a = x[n - 1]!;
  let s = a;
  for (let i = n - 2; i >= 0; i--) {
    a = x[i]! - down[5 * i]! * a;
    x[i] = a;
    s += a;
  }
  return s;
}

/** UL elimination sweep, downward: x ← U⁻¹ x (table `down`). */
function ulEliminate(n: number, down: Float64Array, x: Float64Array): void {
  let y = x[n - 1]! * down[5 * (n - 1) + 2]!;
  x[n - 1] = y;
  for (let i = n - 2; i >= 0; i--) {
    y = x[i]! * down[5 * i + 2]! - down[5 * i + 3]! * y;
    x[i] = y;
  }
}

/** UL substitution, upward (table `up`); returns the plain sum of the solution. */
function ulSubstitute(n: number, up: Float64Array, x: Float64Array): number {
  let a = x[0]!;
  let s = a;
  for (let i = 1; i < n; i++) {
    a = x[i]! - up[5 * i]! * a;
    x[i] = a;
    s += a;
  }
  return s;
}

/**
 * Last value of the finished step in the latest fused sweep. A module variable rather than a store
 * into an array: a keyed store after the loop has no type feedback when V8 compiles the loop on
 * stack replacement, and would deoptimise the sweep at every exit until it is recompiled.
 */
let sweepEnd = 0;

/**
 * One downward sweep doing the LU back substitution of one step (chain a) and the UL elimination of
 * the next (chain b), two rows per iteration with paired recurrences
 * a_j = (x_j - cp_j x_{j+1}) + cp_j cp_{j+1} a_{j+2} (and likewise for b), so each chain advances
 * two rows per multiply–add. Table `T` is {@link TridiagonalFactors.down}. Same operations in the same
 * order as the WebAssembly kernel `down`. Returns the plain sum of the finished step's solution;
 * `sweepEnd` receives its value at row 0 (its row n-1 is x[n-1] on entry).
 */
function pairedDown(n: number, T: Float64Array, x: Float64Array): number {
  let i = n - 1;
  let a = x[i]!;
  let b = a * T[5 * i + 2]!;
  x[i] = b;
  let s = a;
  while (i >= 2) {
    const j = i - 2;
    const o0 = 5 * j;
    const o1 = o0 + 5;
    const x1 = x[j + 1]!;
    const x0 = x[j]!;
    const a1 = x1 - T[o1]! * a;
    const a0 = x0 - T[o0]! * x1 + T[o0 + 1]! * a;
    const t = a1 * T[o1 + 2]!;
    x[j + 1] = t - T[o1 + 3]! * b;
    b = a0 * T[o0 + 2]! - T[o0 + 3]! * t + T[o0 + 4]! * b;
    x[j] = b;
    s += a1 + a0;
    a = a0;
    i = j;
  }
  if (i === 1) {
    a = x[0]! - T[0]! * a;
    x[0] = a * T[2]! - T[3]! * b;
    s += a;
  }
  sweepEnd = a;
  return s;
}

/**
 * One upward sweep doing the UL substitution of one step and the LU elimination of the next, paired
 * like {@link pairedDown}, with table {@link TridiagonalFactors.up}. Returns the plain sum of the
 * finished step's solution; `sweepEnd` receives its value at row n-1.
 */
function pairedUp(n: number, T: Float64Array, x: Float64Array): number {
  let i = 0;
  let a = x[0]!;
  let b = a * T[2]!;
  x[0] = b;
  let s = a;
  while (i + 2 <= n - 1) {
    const j = i + 1;
    const o0 = 5 * j;
    const o1 = o0 + 5;
    const x0 = x[j]!;
    const x1 = x[j + 1]!;
    const a0 = x0 - T[o0]! * a;
    const a1 = x1 - T[o1]! * x0 + T[o1 + 1]! * a;
    const t = a0 * T[o0 + 2]!;
    x[j] = t - T[o0 + 3]! * b;
    b = a1 * T[o1 + 2]! - T[o1 + 3]! * t + T[o1 + 4]! * b;
    x[j + 1] = b;
    s += a0 + a1;
    a = a1;
    i = j + 1;
  }
  if (i === n - 2) {
    const o = 5 * (n - 1);
    a = x[n - 1]! - T[o]! * a;
    x[n - 1] = a * T[o + 2]! - T[o + 3]! * b;
    s += a;
  }
  sweepEnd = a;
  return s;
}

/**
 * x ← M^{-steps} x: `steps` implicit steps with one factorised tridiagonal matrix M, allocation-free.
 * Step k (0-based) is solved with the LU factors when k is even and with the UL factors when k is
 * odd, so the substitution of step k and the elimination of step k+1 run in the same direction and
 * are fused into one sweep with two independent dependency chains, each advanced two rows at a time
 * by paired recurrences (a Thomas sweep is one serial chain of a multiply and a subtract per row).
 * The sweeps run in WebAssembly when `fac` lives in the kernels' memory ({@link createTridiagonalFactors}), otherwise in
 * JavaScript; both give bit-identical results. Every step is an exact direct solve; the result
 * differs from repeating one LU (Thomas) solve only by round-off (different but equivalent
 * operations: about machine epsilon times the condition number of M per step).
 * @returns the number of steps taken (== steps unless a step became non-finite; `log.finite` says so)
 */
export function implicitStepsInPlace(fac: TridiagonalFactors, x: Float64Array, steps: number, log: StepsLog): number {
  if (steps <= 0) return 0;
  const { wLeft, wRight, h, dx } = log;
  attachFactors(fac);
  const { n, down, up } = fac;
  const region = fac.region;
  if (region !== null) {
    const { kernels, px, pd, pu } = region;
    const view = new Float64Array(kernels.mem.buffer, px, n);
    const end = new Float64Array(kernels.mem.buffer, 0, 1);
    view.set(x);
    kernels.luElim(n, px, pu);
    for (let k = 0; k < steps - 1; k++) {
      let s: number;
      let x0: number;
      let xn: number;
      if ((k & 1) === 0) {
        xn = view[n - 1]!;
        s = kernels.down(n, px, pd);
        x0 = end[0]!;
      } else {
        x0 = view[0]!;
        s = kernels.up(n, px, pu);
        xn = end[0]!;
      }
      log.massLost += h * ((wRight * xn + wLeft * x0) / dx);
      if (!Number.isFinite(s)) {
        x.set(view);
        log.finite = false;
        return k + 1;
      }
    }
    const s = ((steps - 1) & 1) === 0 ? kernels.subDown(n, px, pd) : kernels.subUp(n, px, pu);
    x.set(view);
    log.massLost += h * ((wRight * x[n - 1]! + wLeft * x[0]!) / dx);
    if (!Number.isFinite(s)) log.finite = false;
    return steps;
  }
  luEliminate(n, up, x);
  for (let k = 0; k < steps - 1; k++) {
    // finish step k and eliminate step k+1 in one sweep
    let s: number;
    let x0: number;
    let xn: number;
    if ((k & 1) === 0) {
      xn = x[n - 1]!;
      s = pairedDown(n, down, x);
      x0 = sweepEnd;
    } else {
      x0 = x[0]!;
      s = pairedUp(n, up, x);
      xn = sweepEnd;
    }
    log.massLost += h * ((wRight * xn + wLeft * x0) / dx);
    if (!Number.isFinite(s)) {
      log.finite = false;
      return k + 1;
    }
  }
  const s = ((steps - 1) & 1) === 0 ? luSubstitute(n, down, x) : ulSubstitute(n, up, x);
  log.massLost += h * ((wRight * x[n - 1]! + wLeft * x[0]!) / dx);
  if (!Number.isFinite(s)) log.finite = false;
  return steps;
}

/**
 * Reference for tests: one solve M⁻¹ x with the UL factors (elimination downward, substitution upward).
 */
export function ulSolveInPlace(fac: TridiagonalFactors, x: Float64Array): number {
  ulEliminate(fac.n, fac.down, x);
  return ulSubstitute(fac.n, fac.up, x);
}

/** Reference for tests: one solve M⁻¹ x with the LU factors of `fac` (a Thomas solve). */
export function luSolveInPlace(fac: TridiagonalFactors, x: Float64Array): number {
  luEliminate(fac.n, fac.up, x);
  return luSubstitute(fac.n, fac.down, x);
}

/** Smallest value of f (NaN-free input). @internal */
export function minOf(f: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < f.length; i++) if (f[i]! < m) m = f[i]!;
  return m;
}
