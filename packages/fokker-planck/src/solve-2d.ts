/**
 * The 2-D Fokker–Planck solver for diagonal diffusion,
 * ∂_t f + ∇·(σ(W(t) x + b(t)) f) = ∂_xx(D_x(x) f) + ∂_yy(D_y(y) f),
 * by dimensional splitting: each step is an implicit Chang–Cooper sweep in x (one tridiagonal solve
 * per grid row) followed by one in y (per column).
 * @packageDocumentation
 */
import { checkNetwork, KineticError, type NetworkParams, resolveTimeline, type SolveStatus } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray, requireOptions, requirePositive } from "@kinetic-nde/core/validate";
import { createGrid1D, type Grid1D, type Grid2D, requireGrid2D } from "@kinetic-nde/datasets";
import { type Boundary, changCooperCoefficients, type ChangCooperCoefficients, type Diffusion1D } from "./chang-cooper.js";
import { compensatedSum, minOf, thomasFactor, thomasSolveStrided } from "./internal/numerics.js";
import { createSaveRecorder, massLossStatus, requireStepBudget, resolveMassLossTolerance, subSteps, validateDiffusion } from "./problem.js";
import {
  type FokkerPlanckOptions,
  type FokkerPlanckResult,
  type FokkerPlanckStats,
  fillImplicitMatrix,
  resolveBoundaries,
} from "./solve-1d.js";

/** The 2-D problem. Densities are nx·ny cell averages, index `i*ny + j` (x index outer). */
export interface FokkerPlanckProblem2D {
  /** Network with d = 2; layer k acts on [kΔt, (k+1)Δt). */
  readonly network: NetworkParams;
  /** Domain and cells. */
  readonly grid: Grid2D;
  /** Initial density: nx·ny cell averages ≥ 0 (index i*ny + j) or a function (x, y) ↦ f0 (sampled at cell centres). */
  readonly f0: ArrayLike<number> | ((x: number, y: number) => number);
  /**
   * Diagonal diffusion [D_x(x), D_y(y)] (each constant > 0 or a function of its own coordinate).
   * Default from the network's noise: constant diagonal K → D_jj = K_jj²/2; diagonal k(x_j, j) →
   * D_jj(x_j) = k(x_j, j)²/2. A non-diagonal K is UNSUPPORTED.
   */
  readonly D?: readonly [Diffusion1D, Diffusion1D];
  /** Final time (default network.T). */
  readonly T?: number;
}

/**
 * Options of {@link solveFokkerPlanck2D}: `saveAt`, `massLossTolerance` (and its former name
 * `massTolerance`) and `maxSteps` as in {@link FokkerPlanckOptions}.
 */
export interface FokkerPlanckOptions2D extends Pick<FokkerPlanckOptions, "saveAt" | "massLossTolerance" | "massTolerance" | "maxSteps"> {
  /** Largest time step (default min(network.dt, T/100)); steps land on layer boundaries and saveAt times. */
  readonly dt?: number;
  /** Boundary on all four sides: `"zero-flux"` (default), `"outflow"`, `"absorbing"` (or [x-sides, y-sides]). */
  readonly boundary?: Boundary | readonly [Boundary, Boundary];
}

/** Result of {@link solveFokkerPlanck2D}: `saved`, `times` and `status` as in {@link FokkerPlanckResult}. */
export interface FokkerPlanckResult2D extends Pick<FokkerPlanckResult, "saved" | "times" | "status"> {
  /** nx·ny cell averages at T (index i*ny + j). */
  readonly f: Float64Array;
  readonly grid: Grid2D;
  /**
   * Counters as in {@link FokkerPlanckStats}; a step is one x sweep and one y sweep, the masses are
   * Σ f Δx Δy.
   */
  readonly stats: Pick<FokkerPlanckStats, "steps" | "rejected" | "assemblies" | "massInitial" | "massFinal" | "massLost" | "minValue">;
}

/** The diagonal diffusion [D_x, D_y] of a 2-D problem. @internal */
export function diffusion2D(network: NetworkParams, D: readonly [Diffusion1D, Diffusion1D] | undefined): [Diffusion1D, Diffusion1D] {
  if (D !== undefined) {
    if (!Array.isArray(D) || D.length !== 2) throw invalidArgument("D", "a pair [D_x, D_y]", D);
    return [validateDiffusion(D[0], "D[0]"), validateDiffusion(D[1], "D[1]")];
  }
  const noise = network.noise;
  if (noise === undefined) throw invalidArgument("D", "given, or the network must have a noise model (K)", undefined);
  if (noise.kind === "constant") {
    const K = noise.K;
    if (K[1] !== 0 || K[2] !== 0) {
      throw new KineticError(
        "UNSUPPORTED",
        "unsupported: the 2-D solver needs a diagonal K (D = K K^T / 2 diagonal); got off-diagonal entries",
        {
          details: { K: Array.from(K) },
        },
      );
    }
    return [validateDiffusion(0.5 * K[0]! * K[0]!, "D[0]"), validateDiffusion(0.5 * K[3]! * K[3]!, "D[1]")];
  }
  if (noise.kind === "diagonal") {
    const k = noise.k;
    return [(x: number) => 0.5 * k(x, 0) ** 2, (y: number) => 0.5 * k(y, 1) ** 2];
  }
  throw new KineticError("UNSUPPORTED", "unsupported: the 2-D solver needs a constant or diagonal noise model, not a matrix function", {});
}

/**
 * The grid lines of one direction of the splitting: `lines` lines of `g.n` cells along `g`, line l at
 * the cell centre `otherMin + (l + 0.5)·dOther` of the other coordinate. Line l's Chang–Cooper
 * coefficients start at l·(n + 1), its tridiagonal factors at l·n. @internal
 */
export interface SweepLines {
  readonly g: Grid1D;
  readonly lines: number;
  readonly otherMin: number;
  readonly dOther: number;
  readonly D: Diffusion1D;
  readonly boundary: Boundary;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly z: Float64Array;
  readonly low: Float64Array;
  readonly cp: Float64Array;
  readonly inv: Float64Array;
}

/** Storage of the lines of one direction. @internal */
export function createSweepLines(
  g: Grid1D,
  lines: number,
  otherMin: number,
  dOther: number,
  D: Diffusion1D,
  boundary: Boundary,
): SweepLines {
  const n = g.n;
  return {
    g,
    lines,
    otherMin,
    dOther,
    D,
    boundary,
    alpha: new Float64Array(lines * (n + 1)),
    beta: new Float64Array(lines * (n + 1)),
    z: new Float64Array(lines * (n + 1)),
    low: new Float64Array(lines * n),
    cp: new Float64Array(lines * n),
    inv: new Float64Array(lines * n),
  };
}

/**
 * Assemble and factorise the implicit sweeps I - r A of every line of `sw`, with velocity
 * σ(wOwn·u + wOther·v + bias) along the line (u its coordinate, v the line's other coordinate). @internal
 */
export function assembleSweepLines(
  sw: SweepLines,
  s: (z: number) => number,
  wOwn: number,
  wOther: number,
  bias: number,
  r: number,
  diagTmp: Float64Array,
  upTmp: Float64Array,
): void {
  const n = sw.g.n;
  for (let l = 0; l < sw.lines; l++) {
    const v = sw.otherMin + (l + 0.5) * sw.dOther;
    const o = l * (n + 1);
    const c: ChangCooperCoefficients = {
      alpha: sw.alpha.subarray(o, o + n + 1),
      beta: sw.beta.subarray(o, o + n + 1),
      z: sw.z.subarray(o, o + n + 1),
    };
    changCooperCoefficients(sw.g, (u) => s(wOwn * u + wOther * v + bias), sw.D, sw.boundary, sw.boundary, c);
    const lo = sw.low.subarray(l * n, (l + 1) * n);
    fillImplicitMatrix(c, n, r, lo, diagTmp, upTmp);
    thomasFactor(n, lo, diagTmp, upTmp, sw.cp.subarray(l * n, (l + 1) * n), sw.inv.subarray(l * n, (l + 1) * n));
  }
}

/**
 * Validate a 2-D problem: the network (d = 2), the grid, the diagonal diffusion (given or from the
 * noise model) and the final time. @internal
 */
export function resolveProblem2D(problem: FokkerPlanckProblem2D): {
  network: NetworkParams;
  grid: Grid2D;
  D: [Diffusion1D, Diffusion1D];
  T: number;
} {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const network = checkNetwork(problem.network, "network");
  if (network.d !== 2)
    throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`network.d\` must be 2 for the 2-D solver; got ${network.d}`);
  // kind, finite bounds, integer sizes and nx·ny within the cell limit (TOO_LARGE) before any allocation
  const grid = requireGrid2D("grid", problem.grid);
  const T = problem.T !== undefined ? requirePositive("T", problem.T) : network.T;
  return { network, grid, D: diffusion2D(network, problem.D), T };
}

/**
 * The initial density of a 2-D problem as nx·ny cell values (index i*ny + j): a function sampled at
 * the cell centres, or a copy of the given values; finite and non-negative. @internal
 */
export function resolveInitialDensity2D(grid: Grid2D, f0: FokkerPlanckProblem2D["f0"]): Float64Array {
  const { nx, ny, dx, dy } = grid;
  const N = nx * ny;
  if (typeof f0 === "function") {
    const f = new Float64Array(N);
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const v = f0(grid.xMin + (i + 0.5) * dx, grid.yMin + (j + 0.5) * dy);
        if (!Number.isFinite(v) || v < 0) throw invalidArgument("f0", "finite and non-negative at every cell centre", v);
        f[i * ny + j] = v;
      }
    }
    return f;
  }
  const f = requireFiniteArray("f0", f0, N);
  for (let k = 0; k < N; k++) if (f[k]! < 0) throw invalidArgument(`f0[${k}]`, "a non-negative density value", f[k]);
  return f;
}

/** The validated inputs of a 2-D solve. @internal */
export interface PreparedFokkerPlanck2D {
  readonly network: NetworkParams;
  readonly grid: Grid2D;
  readonly Dx: Diffusion1D;
  readonly Dy: Diffusion1D;
  readonly bx: Boundary;
  readonly by: Boundary;
  readonly tl: ReturnType<typeof resolveTimeline>;
  readonly dt: number;
  readonly massTol: number;
  /** A fresh copy of the initial cell averages. */
  readonly f: Float64Array;
}

/** Option keys of {@link solveFokkerPlanck2D} (unknown keys are an error; `massTolerance` is an alias). @internal */
export const FP2_OPTION_KEYS: readonly string[] = ["dt", "boundary", "saveAt", "massLossTolerance", "maxSteps"];

/** Validate a 2-D problem and its options as {@link solveFokkerPlanck2D} does (same errors, same order). @internal */
export function prepareFokkerPlanck2D(problem: FokkerPlanckProblem2D, options: FokkerPlanckOptions2D): PreparedFokkerPlanck2D {
  const { network, grid, D, T } = resolveProblem2D(problem);
  const [Dx, Dy] = D;
  options = requireOptions<FokkerPlanckOptions2D>("options", options, FP2_OPTION_KEYS, { massTolerance: "massLossTolerance" });
  const [bx, by] = resolveBoundaries(options.boundary);
  const { nx, ny } = grid;
  const N = nx * ny;
  const tl = resolveTimeline(network, options.saveAt, { tEnd: T, name: "saveAt", stateSize: N });
  const dt = options.dt !== undefined ? requirePositive("dt", options.dt) : Math.min(network.dt, T / 100);
  requireStepBudget(tl.segments, dt, options.maxSteps);
  const massTol = resolveMassLossTolerance(options.massLossTolerance);
  const f = resolveInitialDensity2D(grid, problem.f0);
  return { network, grid, Dx, Dy, bx, by, tl, dt, massTol, f };
}

/**
 * Solve the 2-D Fokker–Planck equation of the stochastic ResNet with diagonal diffusion.
 * @param problem - `{ network (d = 2), grid (Grid2D), f0, D?, T? }`; f0 as nx·ny cell averages
 *   (index i*ny + j) or a function sampled at cell centres
 * @param options - `dt`, `boundary`, `saveAt`, `massLossTolerance` (default Infinity), `maxSteps` (default 1e7)
 * @returns `{ f, saved, times, grid, status, stats }` with fresh arrays
 * @throws KineticError INVALID_ARGUMENT (bad grid, f0, D, dt, T, saveAt), SHAPE_MISMATCH (d ≠ 2,
 *   f0 length), UNSUPPORTED (non-diagonal noise)
 * @remarks Lie splitting of two implicit Chang–Cooper sweeps: first order in time, second order in
 *   space. Guarantees for every Δt: f ≥ 0 (each sweep is an M-matrix solve), mass exact with
 *   zero-flux walls (each sweep conserves it), and — when the drift is separable (W diagonal) — the
 *   product of the 1-D discrete steady states is preserved to round-off. For non-separable W the
 *   splitting steady state differs from the true one by O(Δt). Cost O(nx·ny) per step; the sweeps
 *   are factorised once per layer and step length.
 * @example
 * ```ts
 * const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
 * const grid = createGrid2D([-4, 4], [-4, 4], 128);
 * const r = solveFokkerPlanck2D({ network, grid, D: [0.2, 0.2], f0: (x, y) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI) });
 * ```
 */
export function solveFokkerPlanck2D(problem: FokkerPlanckProblem2D, options: FokkerPlanckOptions2D = {}): FokkerPlanckResult2D {
  const { network, grid, Dx, Dy, bx, by, tl, dt, massTol, f } = prepareFokkerPlanck2D(problem, options);
  const { nx, ny, dx, dy } = grid;
  const gx = createGrid1D(grid.xMin, grid.xMax, nx);
  const gy = createGrid1D(grid.yMin, grid.yMax, ny);
  // Per-row (x sweeps, ny rows of nx) and per-column (y sweeps, nx columns of ny) coefficients and factors.
  const sweepX = createSweepLines(gx, ny, grid.yMin, dy, Dx, bx);
  const sweepY = createSweepLines(gy, nx, grid.xMin, dx, Dy, by);
  const { alpha: axA, beta: axB, low: lowX, cp: cpX, inv: invX } = sweepX;
  const { alpha: ayA, beta: ayB, low: lowY, cp: cpY, inv: invY } = sweepY;
  const diagTmp = new Float64Array(Math.max(nx, ny));
  const upTmp = new Float64Array(Math.max(nx, ny));
  const s = network.sigma.sigma;

  const assemble = (k: number, h: number): void => {
    const W = network.W;
    const b = network.b;
    const w00 = W[4 * k]!,
      w01 = W[4 * k + 1]!,
      w10 = W[4 * k + 2]!,
      w11 = W[4 * k + 3]!;
    const b0 = b[2 * k]!,
      b1 = b[2 * k + 1]!;
    assembleSweepLines(sweepX, s, w00, w01, b0, h / (dx * dx), diagTmp, upTmp);
    assembleSweepLines(sweepY, s, w11, w10, b1, h / (dy * dy), diagTmp, upTmp);
  };

  const massInitial = compensatedSum(f) * dx * dy;
  const { saved, times, record } = createSaveRecorder(f, tl.saveAt);
  record(0, tl.initialSaves);
  let t = 0;
  let steps = 0;
  let assemblies = 0;
  let massLost = 0;
  let status: SolveStatus = "success";
  let curLayer = -1;
  let curH = NaN;
  const openX = bx !== "zero-flux";
  const openY = by !== "zero-flux";
  outer: for (const seg of tl.segments) {
    const stop = seg.t1;
    const span = stop - t;
    const nSub = subSteps(span, dt);
    const h = span / nSub;
    const k = seg.layer;
    if (k !== curLayer || h !== curH) {
      assemble(k, h);
      assemblies++;
      curLayer = k;
      curH = h;
    }
    for (let st = 0; st < nSub; st++) {
      for (let j = 0; j < ny; j++) {
        thomasSolveStrided(nx, lowX, cpX, invX, j * nx, f, j, ny);
        if (openX) {
          const o = j * (nx + 1);
          massLost += h * (axA[o + nx]! * f[(nx - 1) * ny + j]! + axB[o]! * f[j]!) * (dy / dx);
        }
      }
      let sum = 0;
      for (let i = 0; i < nx; i++) {
        thomasSolveStrided(ny, lowY, cpY, invY, i * ny, f, i * ny, 1);
        sum += f[i * ny]!;
        if (openY) {
          const o = i * (ny + 1);
          massLost += h * (ayA[o + ny]! * f[i * ny + ny - 1]! + ayB[o]! * f[i * ny]!) * (dx / dy);
        }
      }
      steps++;
      if (!Number.isFinite(sum)) {
        status = "non-finite";
        break outer;
      }
    }
    t = stop;
    record(seg.saveFrom, seg.saveTo);
  }
  const massFinal = compensatedSum(f) * dx * dy;
  status = massLossStatus(status, massLost, massTol, massInitial);
  const minValue = minOf(f);
  return { f, saved, times, grid, status, stats: { steps, rejected: 0, assemblies, massInitial, massFinal, massLost, minValue } };
}
