/**
 * `solveVlasovExact`: the exact solution of the Vlasov equation by characteristics
 * (1-D: f(t, x) = f0(x0(x)) |∂x0/∂x|; 2-D identity activation: the exact affine flow).
 * @packageDocumentation
 */
import {
  KineticError,
  activationInfo,
  type NetworkParams,
  type SolveStatus,
  checkNetwork,
  linearFlowMap,
  resolveTimeline,
} from "@kinetic-nde/core";
import { invalidArgument, requireFinite, requireInteger, requireOptions } from "@kinetic-nde/core/validate";
import { type Grid1D, type Grid2D, integrateGaussLegendre as integrate, isCdfDistribution1D, massOf } from "@kinetic-nde/datasets";
import { type InitialDensity1D, type InitialDensity2D, givenOrAutoGrid1D, resolveInitialDensity2D } from "./initial.js";
import { flow1D } from "./internal/flow.js";
import { GL4_W, GL4_X, GL8_W, GL8_X } from "./internal/gauss-rules.js";

/** A problem for {@link solveVlasovExact}: as for solveVlasov, one density. */
export interface VlasovExactProblem {
  readonly params: NetworkParams;
  /** 1-D: cell averages on `grid` (a piecewise-constant f0), a density function, or a distribution with cdf; 2-D: a density function (x, y) => number. */
  readonly f0: InitialDensity1D | InitialDensity2D;
  readonly grid?: Grid1D | Grid2D;
  readonly tSpan?: readonly [number, number];
}

/** Options of {@link solveVlasovExact}. */
export interface VlasovExactOptions {
  /**
   * Output times within tSpan, non-decreasing (equal times allowed), or a count of evenly spaced times
   * (the end time is always computed); resolved by core's `resolveTimeline`.
   */
  readonly saveAt?: ArrayLike<number> | number;
  /** 1-D density functions without cdf: Gauss–Legendre (8-point) panels per back-mapped cell, default 4. */
  readonly panels?: number;
  /** 2-D: Gauss–Legendre points per direction per cell (4 or 8; default 8). */
  readonly points?: 4 | 8;
  /** Cells of the automatic 1-D grid, default 400. */
  readonly n?: number;
}

/** Result of {@link solveVlasovExact}. */
export interface VlasovExactResult {
  readonly f: Float64Array;
  readonly saved: Float64Array[];
  readonly times: Float64Array;
  readonly grid: Grid1D | Grid2D;
  readonly status: SolveStatus;
  readonly stats: { readonly massInitial: number; readonly massFinal: number; readonly evaluations: number };
  /** "cdf" (exact cell averages through F0), "quadrature" (1-D density function) or "affine-quadrature" (2-D). */
  readonly method: "cdf" | "quadrature" | "affine-quadrature";
}

/**
 * Exact solution of ∂_t f + ∇·(σ(W(t)x + b(t)) f) = 0 as cell averages, by backward characteristics.
 *
 * 1-D: each cell face is mapped backward to t0 through the layers (closed forms of MODEL.md §3 for
 * identity, tanh, sigmoid, ReLU, leaky ReLU; RK4 with fine substeps for softplus and user activations);
 * the flow is increasing in x, so the cell average is (F0(x0(right)) - F0(x0(left))) / Δx — exact for
 * a distribution with `cdf` and for cell averages (piecewise-constant f0, F0 piecewise linear); for a
 * density function F0 differences are integrated by 8-point Gauss–Legendre panels (`panels` per cell
 * plus panels in proportion to the back-mapped width, so wide back-mapped cells near a stable x* stay accurate).
 * 2-D (identity σ only): x ↦ e^{Wt}x + c per layer; f(x) = f0(x0(x)) e^{-tr(W) t}, averaged by a tensor
 * Gauss–Legendre rule per cell.
 *
 * @param problem - `{ params, f0, grid?, tSpan? }`
 * @param options - saveAt, panels, points, n
 * @returns `{ f, saved, times, grid, status, stats, method }`; status "non-finite" when a cell average is
 *   not finite (e.g. an f0 that returns NaN), else "success"
 * @throws KineticError INVALID_ARGUMENT (bad or unknown option, unsorted saveAt), SHAPE_MISMATCH,
 *   UNSUPPORTED (2-D with σ ≠ identity, d > 2), UNSTABLE (2-D flow map overflows)
 * @remarks For identity/tanh with w < 0 mass concentrates at x* = -b/w: the cell containing x* grows
 * like e^{|w|t} while its neighbours empty — the cell averages stay exact (no smoothing), so the exact
 * solution is the right oracle for measuring numerical diffusion. For ReLU, mass in the invariant
 * half-line {wx + b ≤ 0} does not move. Cost O(n · layers) flow evaluations (+ quadrature).
 * @example
 * ```ts
 * const r = solveVlasovExact({ params: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }),
 *   grid: createGrid1D(-4, 4, 200), f0: { cdf: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) } });
 * ```
 */
export function solveVlasovExact(problem: VlasovExactProblem, options: VlasovExactOptions = {}): VlasovExactResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const params = checkNetwork(problem.params, "params");
  options = requireOptions<VlasovExactOptions>("options", options, ["saveAt", "panels", "points", "n"]);
  const t0 = requireFinite("tSpan[0]", problem.tSpan?.[0] ?? 0);
  const t1 = requireFinite("tSpan[1]", problem.tSpan?.[1] ?? params.T);
  if (!(t1 >= t0)) throw invalidArgument("tSpan", "[t0, t1] with t1 ≥ t0", problem.tSpan);
  const gr = problem.grid as { kind?: unknown; n?: unknown; nx?: unknown; ny?: unknown } | undefined;
  const cellsOf =
    gr === undefined || typeof gr !== "object" || gr === null ? 400 : gr.kind === "2d" ? Number(gr.nx) * Number(gr.ny) : Number(gr.n);
  const cells = Number.isFinite(cellsOf) && cellsOf > 0 ? cellsOf : 1; // a bad grid is reported below
  const saveAt = Array.from(resolveTimeline(params, options.saveAt, { t0, tEnd: t1, name: "saveAt", stateSize: cells }).saveAt);
  const panels = requireInteger("panels", options.panels ?? 4, 1, 1 << 16);
  if (params.d === 1) {
    const grid = givenOrAutoGrid1D(params, problem.grid, problem.f0, options.n, t0, t1);
    if (grid.kind !== "1d")
      throw new KineticError("SHAPE_MISMATCH", "shape mismatch: `grid` must be 1-D like params (d = 1); got a 2d grid");
    const g = grid;
    const F0 = makeCdf(g, problem.f0 as InitialDensity1D, panels);
    const at = (t: number) => {
      const out = new Float64Array(g.n);
      // backward characteristics from t to t0 over the layer segments of core's one timeline
      const segs = resolveTimeline(params, undefined, { t0, tEnd: t }).segments;
      const back = (x: number): number => {
        for (let q = segs.length - 1; q >= 0; q--) {
          const seg = segs[q]!;
          x = flow1D(params.sigma, params.W[seg.layer]!, params.b[seg.layer]!, x, seg.t0 - seg.t1);
        }
        return x;
      };
      let xl = back(g.xMin);
      for (let i = 0; i < g.n; i++) {
        const xr = back(i === g.n - 1 ? g.xMax : g.xMin + (i + 1) * g.dx);
        const inc = F0.increment(xl, xr);
        out[i] = inc / g.dx;
        xl = xr;
      }
      return out;
    };
    return evaluateAt(at, saveAt, t1, g, F0.total, g.n + 1, F0.exactCdf ? "cdf" : "quadrature");
  }
  if (params.d !== 2)
    throw new KineticError("UNSUPPORTED", `solveVlasovExact supports d = 1, and d = 2 with the identity activation; got d = ${params.d}`);
  if (activationInfo(params.sigma).kind !== "identity") {
    throw new KineticError(
      "UNSUPPORTED",
      `solveVlasovExact in 2-D needs the identity activation (exact affine flow); got ${params.sigma.name}`,
    );
  }
  const grid = problem.grid;
  if (grid === undefined || grid.kind !== "2d") throw invalidArgument("grid", "a Grid2D (required in 2-D)", grid);
  if (typeof problem.f0 !== "function") throw invalidArgument("f0", "a function (x, y) => number in 2-D", problem.f0);
  const f0 = problem.f0 as (x: number, y: number) => number;
  const pts = options.points ?? 8;
  if (pts !== 4 && pts !== 8) throw invalidArgument("points", "4 or 8", pts);
  const X = pts === 4 ? GL4_X : GL8_X,
    Wt = pts === 4 ? GL4_W : GL8_W;
  const mass0 = massOf(grid, resolveInitialDensity2D(grid, f0));
  const at = (t: number) => {
    // backward affine map x0 = M x + c from t to t0 (composed over layers), Jacobian det M
    let M = new Float64Array([1, 0, 0, 1]),
      c = new Float64Array(2);
    // the layer segments of [t0, t] (core's one timeline), walked backward
    const segs = resolveTimeline(params, undefined, { t0, tEnd: t }).segments;
    for (let q = segs.length - 1; q >= 0; q--) {
      const { layer: k, t0: edge, t1: tau } = segs[q]!;
      const step = linearFlowMap(params.W.subarray(4 * k, 4 * k + 4), params.b.subarray(2 * k, 2 * k + 2), edge - tau);
      // compose: x0 = step(M x + c)
      const m = step.Phi;
      M = new Float64Array([
        m[0]! * M[0]! + m[1]! * M[2]!,
        m[0]! * M[1]! + m[1]! * M[3]!,
        m[2]! * M[0]! + m[3]! * M[2]!,
        m[2]! * M[1]! + m[3]! * M[3]!,
      ]);
      c = new Float64Array([m[0]! * c[0]! + m[1]! * c[1]! + step.c[0]!, m[2]! * c[0]! + m[3]! * c[1]! + step.c[1]!]);
    }
    const det = Math.abs(M[0]! * M[3]! - M[1]! * M[2]!);
    const out = new Float64Array(grid.nx * grid.ny);
    for (let i = 0; i < grid.nx; i++) {
      const cx = grid.xMin + (i + 0.5) * grid.dx;
      for (let j = 0; j < grid.ny; j++) {
        const cy = grid.yMin + (j + 0.5) * grid.dy;
        let s = 0;
        for (let p = 0; p < pts; p++) {
          const x = cx + 0.5 * grid.dx * X[p]!;
          for (let q = 0; q < pts; q++) {
            const y = cy + 0.5 * grid.dy * X[q]!;
            s += Wt[p]! * Wt[q]! * f0(M[0]! * x + M[1]! * y + c[0]!, M[2]! * x + M[3]! * y + c[1]!);
          }
        }
        out[i * grid.ny + j] = 0.25 * s * det;
      }
    }
    return out;
  };
  return evaluateAt(at, saveAt, t1, grid, mass0, grid.nx * grid.ny * pts * pts, "affine-quadrature");
}

/**
 * The result of an exact solve whose density at time t is `at(t)` (cell averages on `grid`, each call
 * `perCall` evaluations of the initial density or its cdf): the saved times first, then the end time.
 */
function evaluateAt(
  at: (t: number) => Float64Array,
  saveAt: readonly number[],
  t1: number,
  grid: Grid1D | Grid2D,
  massInitial: number,
  perCall: number,
  method: VlasovExactResult["method"],
): VlasovExactResult {
  const saved = saveAt.map(at);
  const f = at(t1);
  return {
    f,
    saved,
    times: Float64Array.from(saveAt),
    grid,
    status: finiteStatus(f, saved),
    stats: { massInitial, massFinal: massOf(grid, f), evaluations: (saved.length + 1) * perCall },
    method,
  };
}

/** "success" only when every cell average is finite; otherwise "non-finite" (e.g. an f0 returning NaN). */
function finiteStatus(f: Float64Array, saved: readonly Float64Array[]): SolveStatus {
  for (const a of [f, ...saved]) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return "non-finite";
  return "success";
}

interface Cdf {
  /** F0(b) - F0(a), a ≤ b (a may be -∞, b may be +∞). */
  increment(a: number, b: number): number;
  readonly total: number;
  readonly exactCdf: boolean;
}

function makeCdf(g: Grid1D, f0: InitialDensity1D, panels: number): Cdf {
  if (isCdfDistribution1D(f0)) {
    const F = f0.cdf;
    const lo = F(-Infinity),
      hi = F(Infinity);
    const ev = (x: number) => (x === -Infinity ? lo : x === Infinity ? hi : F(x));
    return { increment: (a, b) => ev(b) - ev(a), total: hi - lo, exactCdf: true };
  }
  if (ArrayBuffer.isView(f0)) {
    if (!(f0 instanceof Float64Array) || f0.length !== g.n)
      throw new KineticError(
        "SHAPE_MISMATCH",
        `shape mismatch: \`f0\` must have ${g.n} cell averages; got ${(f0 as { length?: number }).length}`,
      );
    const cum = new Float64Array(g.n + 1);
    for (let i = 0; i < g.n; i++) {
      const v = f0[i]!;
      if (!Number.isFinite(v) || v < 0) throw invalidArgument(`f0[${i}]`, "a finite non-negative number", v);
      cum[i + 1] = cum[i]! + v * g.dx;
    }
    const F = (x: number) => {
      if (x <= g.xMin) return 0;
      if (x >= g.xMax) return cum[g.n]!;
      const u = (x - g.xMin) / g.dx;
      const i = Math.min(Math.floor(u), g.n - 1);
      return cum[i]! + (u - i) * (cum[i + 1]! - cum[i]!);
    };
    return { increment: (a, b) => F(b) - F(a), total: cum[g.n]!, exactCdf: true };
  }
  if (typeof f0 !== "function") throw invalidArgument("f0", "cell averages, a density function or a distribution with cdf", f0);
  // density function: locate its mass once (quantile range), then integrate increments by GL panels
  const fn = f0 as (x: number) => number;
  const box = autoRange(fn);
  const total = integrate(fn, box[0], box[1], 4096);
  const increment = (a: number, b: number) => {
    const lo = Math.max(a, box[0]),
      hi = Math.min(b, box[1]);
    if (!(hi > lo)) return 0;
    // back-mapped cells are disjoint: extra panels in proportion to their width cost ≤ 2048 in total
    return integrate(fn, lo, hi, panels + Math.ceil((2048 * (hi - lo)) / (box[1] - box[0])));
  };
  return { increment, total, exactCdf: false };
}

function autoRange(fn: (x: number) => number): [number, number] {
  for (let L = 2; L <= 1 << 22; L *= 2) {
    const inner = integrate(fn, -L / 2, L / 2, 512),
      all = integrate(fn, -L, L, 1024);
    if (all > 0 && all - inner <= 1e-14 * all) return [-L, L];
  }
  return [-(1 << 22), 1 << 22];
}
