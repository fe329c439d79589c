/**
 * `solveVlasov`: conservative finite volumes for ∂_t f + ∇·(σ(W(t)x + b(t)) f) = 0 in 1-D and 2-D.
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, type SolveStatus, type Timeline, checkNetwork, resolveTimeline } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFits,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requirePositive,
} from "@kinetic-nde/core/validate";
import {
  type AdvectionBoundary as Boundary,
  type FaceCoefficients1D,
  type FaceCoefficients2D,
  type Limiter,
  type SpatialScheme,
  advectionStage1D,
  advectionStage2D,
  createFaceCoefficients1D,
  createFaceCoefficients2D,
  networkFaceCoefficients1DInto,
  networkFaceCoefficients2DInto,
  stridedSlopes,
} from "./fluxes.js";
import { type Grid1D, type Grid2D, massOf } from "@kinetic-nde/datasets";
import { checkAveragesShape, checkDensity, scanDensity, zeroRoundoffNegatives } from "./internal/density-check.js";
import { jsUpwindSteps1D, jsUpwindSteps2D } from "./internal/fused.js";
import { type UpwindArena, openUpwindArena, wasmUpwindSteps1D, wasmUpwindSteps2D } from "./internal/wasm-upwind.js";
import {
  type InitialDensity,
  type InitialDensity1D,
  type InitialDensity2D,
  autoGrid1D,
  autoGrid2D,
  resolveInitialDensity1D as cellAverages1D,
  resolveInitialDensity2D as cellAverages2D,
} from "./initial.js";

/** Explicit strong-stability-preserving time integrators (Shu–Osher form, SSP coefficient 1). */
export type TimeStepper = "euler" | "ssp-rk2" | "ssp-rk3";

/** Metadata of a method (spatial scheme or time stepper). */
export interface MethodInfo {
  readonly name: string;
  /** Formal order of accuracy. */
  readonly order: number;
  readonly adaptive: boolean;
  readonly stochastic: boolean;
  /** Largest CFL number under which the method (with any listed partner) keeps densities non-negative. */
  readonly positiveCfl: number;
}

/**
 * Spatial schemes: first-order upwind; MUSCL (piecewise-linear, limited) — second order where smooth.
 * @example
 * ```ts
 * for (const m of VLASOV_SCHEMES) console.log(m.name, m.order, m.positiveCfl);
 * ```
 */
export const VLASOV_SCHEMES: readonly MethodInfo[] = Object.freeze([
  { name: "upwind", order: 1, adaptive: false, stochastic: false, positiveCfl: 1 },
  { name: "muscl", order: 2, adaptive: false, stochastic: false, positiveCfl: 0.5 },
]);

/**
 * Time steppers (all SSP with coefficient 1: the positivity CFL bounds of forward Euler carry over).
 * @example
 * ```ts
 * TIME_STEPPERS.map((m) => `${m.name}: order ${m.order}`);
 * ```
 */
export const TIME_STEPPERS: readonly MethodInfo[] = Object.freeze([
  { name: "euler", order: 1, adaptive: false, stochastic: false, positiveCfl: 1 },
  { name: "ssp-rk2", order: 2, adaptive: false, stochastic: false, positiveCfl: 1 },
  { name: "ssp-rk3", order: 3, adaptive: false, stochastic: false, positiveCfl: 1 },
]);

/** A Vlasov (continuity-equation) problem. */
export interface VlasovProblem {
  /** The network: d = 1 or 2, σ and the layered (or constant) W, b. */
  readonly params: NetworkParams;
  /** Initial density, or several (class densities) transported together by the same field. */
  readonly f0: InitialDensity | readonly InitialDensity[];
  /** The grid (1-D for d = 1, 2-D for d = 2). Default: {@link autoGrid1D}/{@link autoGrid2D} from `f0` (a function or distribution). */
  readonly grid?: Grid1D | Grid2D;
  /** Time interval, default [0, params.T]. Layer k acts on [kΔt, (k+1)Δt); the last layer extends past T. */
  readonly tSpan?: readonly [number, number];
}

/** Options of {@link solveVlasov}; every field has a default. */
export interface VlasovOptions {
  /** Spatial scheme, default "muscl". */
  readonly scheme?: SpatialScheme;
  /** MUSCL limiter, default "van-leer". */
  readonly limiter?: Limiter;
  /** Time stepper, default "ssp-rk3" for MUSCL and "euler" for upwind. */
  readonly timeStepper?: TimeStepper;
  /**
   * CFL number Δt · max_cell(outflow rate), default 0.9 (upwind) / 0.45 (MUSCL). Densities stay
   * non-negative for CFL ≤ 1 (upwind) and ≤ 0.5 (MUSCL), with every time stepper (values negative only by
   * round-off, |f| ≤ 1e-14 max f, are returned as 0).
   */
  readonly cfl?: number;
  /** A fixed time step instead of the CFL rule (still shortened to land on layer boundaries and saveAt). */
  readonly dt?: number;
  /** Boundary condition, default "zero-flux". */
  readonly boundary?: Boundary;
  /**
   * Output times within tSpan, non-decreasing (equal times allowed), or a count of evenly spaced times;
   * the solver lands on each exactly. Resolved by core's `resolveTimeline` (unsorted times are an error).
   */
  readonly saveAt?: ArrayLike<number> | number;
  /**
   * Relative mass loss (of the initial mass) above which the solve stops with status "mass-lost"
   * (default Infinity: mass leaving through an outflow boundary is a success, reported in
   * `stats.massLost`). `massLossThreshold` is accepted as its former name.
   */
  readonly massLossTolerance?: number;
  /** @deprecated the former name of {@link VlasovOptions.massLossTolerance}. */
  readonly massLossThreshold?: number;
  /** Cells of the automatic grid: n (1-D, default 400) or [nx, ny] (2-D, default 128 × 128). */
  readonly n?: number | readonly [number, number];
  /** Step limit, default 10 000 000; status "max-steps" when reached. */
  readonly maxSteps?: number;
  /**
   * Work limit in cell-updates (cells × time steps × stages × densities, estimated before any work from
   * the CFL rule of every layer), default 1e10 (about 10–100 s); a larger solve is refused with
   * TOO_LARGE naming the grid size (`n` or `grid`) and the largest that fits.
   */
  readonly maxCellUpdates?: number;
}

/** Default work limit of {@link solveVlasov} in cell-updates (option `maxCellUpdates`). */
export const DEFAULT_MAX_CELL_UPDATES = 1e10;

const VLASOV_OPTION_KEYS = [
  "scheme",
  "limiter",
  "timeStepper",
  "cfl",
  "dt",
  "boundary",
  "saveAt",
  "massLossTolerance",
  "n",
  "maxSteps",
  "maxCellUpdates",
] as const;

/** Statistics of a solve. */
export interface VlasovStats {
  /** Time steps taken. */
  readonly steps: number;
  /** Largest CFL number used (Δt · outflow rate). */
  readonly maxCfl: number;
  /** Mass that left through outflow boundaries (sum over densities). */
  readonly massLost: number;
  /** Right-hand-side (stage) evaluations, counted once per stage for all densities. */
  readonly rhsEvals: number;
  /** Total initial mass (sum over densities). */
  readonly massInitial: number;
}

/** Result of {@link solveVlasov}; `F` is Float64Array (one density) or Float64Array[] (several). */
export interface VlasovResult<F> {
  /** Cell averages at the end time (fresh arrays). */
  readonly f: F;
  /** Snapshots at `times` (the requested saveAt, ascending). */
  readonly saved: F[];
  readonly times: Float64Array;
  readonly grid: Grid1D | Grid2D;
  /** The time actually reached (less than tSpan[1] when the status is not "success"). */
  readonly t: number;
  readonly status: SolveStatus;
  readonly stats: VlasovStats;
  /** The methods used. */
  readonly method: {
    readonly scheme: SpatialScheme;
    readonly limiter: Limiter | null;
    readonly timeStepper: TimeStepper;
    readonly cfl: number | null;
    readonly boundary: Boundary;
  };
}

/** Resolved solver options. @internal */
export interface Resolved {
  scheme: SpatialScheme;
  limiter: Limiter;
  stepper: TimeStepper;
  cfl: number | null;
  dt: number | null;
  boundary: Boundary;
  threshold: number;
  maxSteps: number;
  maxCellUpdates: number;
}

function resolveOptions(o: VlasovOptions): Resolved {
  const scheme = requireOneOf("scheme", o.scheme ?? "muscl", ["upwind", "muscl"] as const);
  const limiter = requireOneOf("limiter", o.limiter ?? "van-leer", ["minmod", "mc", "van-leer"] as const);
  const stepper = requireOneOf("timeStepper", o.timeStepper ?? (scheme === "muscl" ? "ssp-rk3" : "euler"), [
    "euler",
    "ssp-rk2",
    "ssp-rk3",
  ] as const);
  const boundary = requireOneOf("boundary", o.boundary ?? "zero-flux", ["zero-flux", "outflow", "periodic"] as const);
  const limit = scheme === "upwind" ? 1 : 0.5;
  let cfl: number | null = null,
    dt: number | null = null;
  if (o.dt !== undefined) {
    if (o.cfl !== undefined) throw invalidArgument("dt/cfl", "given one at a time", { dt: o.dt, cfl: o.cfl });
    dt = requirePositive("dt", o.dt);
  } else {
    cfl = requirePositive("cfl", o.cfl ?? (scheme === "upwind" ? 0.9 : 0.45));
    if (cfl > limit) throw invalidArgument("cfl", `at most ${limit} for the ${scheme} scheme (stability and positivity)`, cfl);
  }
  const threshold =
    o.massLossTolerance === undefined || o.massLossTolerance === Infinity
      ? Infinity
      : requireNonNegative("massLossTolerance", o.massLossTolerance);
  const maxSteps = requireInteger("maxSteps", o.maxSteps ?? 10_000_000, 1);
  const maxCellUpdates = requirePositive("maxCellUpdates", o.maxCellUpdates ?? DEFAULT_MAX_CELL_UPDATES);
  return { scheme, limiter, stepper, cfl, dt, boundary, threshold, maxSteps, maxCellUpdates };
}

/**
 * Solve the Vlasov (continuity) equation ∂_t f + ∇·(σ(W(t)x + b(t)) f) = 0 for the density carried
 * by a ResNet's neural ODE (MODEL.md §3), in 1-D or 2-D, by conservative finite volumes.
 *
 * @param problem - `{ params, f0, grid?, tSpan? }`; `f0` is cell averages on `grid`, a point-value
 *   function, a 1-D distribution with `cdf`, or an array of these (class densities, same field)
 * @param options - scheme ("upwind" | "muscl"), limiter ("minmod" | "mc" | "van-leer"), time stepper
 *   ("euler" | "ssp-rk2" | "ssp-rk3"), cfl or dt, boundary, saveAt, massLossTolerance (default
 *   Infinity), n, maxSteps, maxCellUpdates (default 1e10)
 * @returns `{ f, saved, times, grid, t, status, stats: { steps, maxCfl, massLost, rhsEvals, massInitial }, method }`
 *   with fresh arrays; f is a Float64Array per density (index i (1-D) or i*ny + j (2-D))
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, unsorted saveAt, negative or non-finite f0, no grid for array f0),
 *   TOO_LARGE (estimated cell-updates above `maxCellUpdates`, naming the grid size and the largest that fits),
 *   SHAPE_MISMATCH (f0 length, grid dimension ≠ params.d), UNSUPPORTED (d > 2),
 *   UNSTABLE (a fixed dt exceeding the CFL limit of the scheme)
 * @remarks
 * Velocities are evaluated at cell faces (x-component on x-faces, y-component on y-faces) once per
 * layer, since they are constant within a layer; fluxes are upwinded. Upwind is first order, MUSCL
 * with a limiter second order where the solution is smooth (first order at extrema).
 * Zero-flux and periodic boundaries conserve mass to rounding; outflow counts the mass that left
 * (`stats.massLost`; a success unless it exceeds `massLossTolerance` of the initial mass, then the solve
 * stops with status "mass-lost").
 * Positivity: with CFL = Δt·max_cell(Σ outflow rates) ≤ 1 (upwind) or ≤ 0.5 (MUSCL, face values in
 * [0, 2f]) forward Euler keeps f ≥ 0, and SSP-RK2/3 (convex combinations of Euler steps) too.
 * 2-D is unsplit (see README). Steps land exactly on layer boundaries and saveAt times.
 * First-order upwind + Euler (any boundary, 1-D and 2-D) advances many steps per call of a
 * WebAssembly SIMD kernel where the runtime has WebAssembly SIMD (Node, current browsers, Web
 * Workers), with the densities resident in the kernel's memory; elsewhere the same steps run in
 * JavaScript. Both paths perform the same IEEE-754 operations in the same order: results are
 * bit-identical. Finiteness is probed after every step (on that path after every kernel call of at most
 * 2^18 cell-updates; three cells per density) and checked in full at the end; a non-finite value ends the
 * solve with status "non-finite" and the last state. A mass-loss threshold is checked after every step.
 * Cost per step O(cells) per stage per density; memory ~ (3 + 2·[MUSCL]) arrays per density plus 4 face
 * arrays (upwind + Euler solves whose arrays fit in 32 MiB reuse one kernel memory, kept between
 * solves; larger ones get their own, released with the solve).
 * @example
 * ```ts
 * const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2 });
 * const grid = createGrid1D(-4, 4, 400);
 * const r = solveVlasov({ params, grid, f0: (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
 * console.log(r.status, massOf(grid, r.f));
 * ```
 */
export function solveVlasov(
  problem: VlasovProblem & { readonly f0: readonly InitialDensity[] },
  options?: VlasovOptions,
): VlasovResult<Float64Array[]>;
export function solveVlasov(problem: VlasovProblem, options?: VlasovOptions): VlasovResult<Float64Array>;
export function solveVlasov(
  problem: VlasovProblem,
  options: VlasovOptions = {},
): VlasovResult<Float64Array> | VlasovResult<Float64Array[]> {
  const { params, g, fs, borrowed, tl, opt, multi } = prepareVlasov(problem, options, []);
  const r = run(g.kind === "1d" ? { params, g1: g, g2: null, fs, borrowed, tl, opt } : { params, g1: null, g2: g, fs, borrowed, tl, opt });
  const method = {
    scheme: opt.scheme,
    limiter: opt.scheme === "muscl" ? opt.limiter : null,
    timeStepper: opt.stepper,
    cfl: opt.cfl,
    boundary: opt.boundary,
  };
  if (multi) return { ...r, grid: g, method };
  return { f: r.f[0]!, saved: r.saved.map((s) => s[0]!), times: r.times, t: r.t, status: r.status, stats: r.stats, grid: g, method };
}

/** A prepared solve: validated network, grid, initial cell averages, timeline and resolved options. */
export interface PreparedVlasov {
  readonly params: NetworkParams;
  readonly g: Grid1D | Grid2D;
  readonly fs: Float64Array[];
  readonly borrowed: (string | null)[];
  readonly tl: Timeline;
  readonly opt: Resolved;
  readonly multi: boolean;
  /** CFL rate (max outflow rate) of each layer the work estimate visited (every layer of the timeline unless maxSteps cut it short). */
  readonly rates: ReadonlyMap<number, number>;
}

/**
 * Validate a Vlasov problem and its options (allowing `extraKeys` besides the solver's own) and resolve
 * the grid, initial cell averages and timeline; shared by {@link solveVlasov} and the adjoint.
 * @param problem - as for {@link solveVlasov}
 * @param options - as for {@link solveVlasov}
 * @param extraKeys - option keys accepted besides the solver's own (validated by the caller)
 * @returns the network, grid, initial cell averages (copies when computed; the caller's arrays otherwise), timeline and resolved options
 * @throws KineticError as {@link solveVlasov} before any work
 * @example
 * ```ts
 * const p = prepareVlasov({ params: createScalarNetwork({ sigma: "tanh", w: 1, b: 0, T: 1 }), grid: createGrid1D(-4, 4, 80), f0: (x) => Math.exp(-x * x) }, {}, []);
 * ```
 * @internal
 */
export function prepareVlasov(problem: VlasovProblem, options: VlasovOptions, extraKeys: readonly string[]): PreparedVlasov {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const params = checkNetwork(problem.params, "params");
  const d = params.d;
  if (d !== 1 && d !== 2) throw new KineticError("UNSUPPORTED", `solveVlasov supports d = 1 and d = 2; got d = ${d}`);
  const t0 = problem.tSpan?.[0] ?? 0;
  const t1 = problem.tSpan?.[1] ?? params.T;
  requireFinite("tSpan[0]", t0);
  requireFinite("tSpan[1]", t1);
  if (!(t1 >= t0)) throw invalidArgument("tSpan", "[t0, t1] with t1 ≥ t0", problem.tSpan);
  const multi = Array.isArray(problem.f0);
  const list = (multi ? problem.f0 : [problem.f0]) as readonly InitialDensity[];
  if (list.length === 0) throw invalidArgument("f0", "a density or a non-empty array of densities", problem.f0);
  options = requireOptions<VlasovOptions>("options", options, [...VLASOV_OPTION_KEYS, ...extraKeys], {
    massLossThreshold: "massLossTolerance",
  });
  const opt = resolveOptions(options);

  let grid = problem.grid;
  if (grid === undefined) {
    const src = list.find((f) => !ArrayBuffer.isView(f));
    if (src === undefined) throw invalidArgument("grid", "given when f0 is cell averages", undefined);
    if (d === 1) {
      const n = typeof options.n === "number" ? options.n : 400;
      grid = autoGrid1D(params, { f0: src as (x: number) => number }, n, { tSpan: [t0, t1] });
    } else {
      const n = options.n === undefined ? [128, 128] : typeof options.n === "number" ? [options.n, options.n] : options.n;
      grid = autoGrid2D(params, { f0: src as (x: number, y: number) => number }, n[0]!, n[1]!, { tSpan: [t0, t1] });
    }
  }
  if (typeof grid !== "object" || grid === null || (grid.kind !== "1d" && grid.kind !== "2d"))
    throw invalidArgument("grid", "a Grid1D or Grid2D", grid);
  if ((grid.kind === "1d" ? 1 : 2) !== d)
    throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`grid\` must be ${d}-D like params (d = ${d}); got a ${grid.kind} grid`);
  const g = grid;
  const cells = g.kind === "1d" ? g.n : g.nx * g.ny;
  const tl = resolveTimeline(params, options.saveAt, { t0, tEnd: t1, name: "saveAt", stateSize: cells * list.length });
  const rates = requireWork(params, g, tl, opt, list.length, problem.grid === undefined ? "n" : "grid");
  // cell averages given by the caller: type and length checked here, values by `run` on its one copy
  // (never mutated)
  const names = list.map((_, i) => (multi ? `f0[${i}]` : "f0"));
  const fs = list.map((f, i) => {
    if (ArrayBuffer.isView(f)) return checkAveragesShape(g, f, names[i]!);
    return g.kind === "1d" ? cellAverages1D(g, f as InitialDensity1D, names[i]!) : cellAverages2D(g, f as InitialDensity2D, names[i]!);
  });
  const borrowed = list.map((f, i) => (ArrayBuffer.isView(f) ? names[i]! : null));
  return { params, g, fs, borrowed, tl, opt, multi, rates };
}

interface RunOut {
  f: Float64Array[];
  saved: Float64Array[][];
  times: Float64Array;
  t: number;
  status: SolveStatus;
  stats: VlasovStats;
}

/**
 * Refuse, before any work, a solve whose estimated cell-updates (cells × steps × stages × densities,
 * steps from the CFL rule of each layer's outflow rate, capped by maxSteps) exceed `maxCellUpdates`.
 * The message names the grid size and the largest that fits (1-D: work ∝ n² under a CFL rule, 2-D ∝
 * (nx·ny)^{3/2}; with a fixed dt ∝ cells). Returns the rate of each layer it visited.
 */
function requireWork(
  params: NetworkParams,
  g: Grid1D | Grid2D,
  tl: Timeline,
  opt: Resolved,
  nd: number,
  name: string,
): Map<number, number> {
  // memory first (about 5 arrays per density and 4 face arrays, 8 bytes each), before any allocation
  requireFits(name, g.kind === "1d" ? g.n : g.nx * g.ny, 8 * (5 * nd + 4));
  const c1 = g.kind === "1d" ? createFaceCoefficients1D(g.n) : null;
  const c2 = g.kind === "2d" ? createFaceCoefficients2D(g) : null;
  const rates = new Map<number, number>();
  let steps = 0;
  for (const seg of tl.segments) {
    let rate = rates.get(seg.layer);
    if (rate === undefined) {
      if (g.kind === "1d") rate = networkFaceCoefficients1DInto(params, seg.layer, g, opt.boundary, c1!).rate;
      else rate = networkFaceCoefficients2DInto(params, seg.layer, g, opt.boundary, c2!).rate;
      rates.set(seg.layer, rate);
    }
    const span = seg.t1 - seg.t0;
    const h = opt.dt !== null ? opt.dt : rate > 0 ? opt.cfl! / rate : span;
    steps += h < span ? Math.ceil(span / h - 1e-9) : 1;
    if (steps > opt.maxSteps) {
      steps = opt.maxSteps;
      break;
    }
  }
  const stages = opt.stepper === "euler" ? 1 : opt.stepper === "ssp-rk2" ? 2 : 3;
  const cells = g.kind === "1d" ? g.n : g.nx * g.ny;
  const work = cells * steps * stages * nd;
  if (!(work <= opt.maxCellUpdates)) {
    const ratio = opt.maxCellUpdates / work;
    const scale = opt.dt !== null ? ratio : g.kind === "1d" ? Math.sqrt(ratio) : Math.cbrt(ratio);
    const largest =
      g.kind === "1d" ? Math.floor(g.n * scale) : `${Math.floor(g.nx * Math.sqrt(scale))} × ${Math.floor(g.ny * Math.sqrt(scale))}`;
    const size = g.kind === "1d" ? `${g.n} cells` : `${g.nx} × ${g.ny} cells`;
    throw new KineticError(
      "TOO_LARGE",
      `too large: \`${name}\` (${size}) needs about ${work.toExponential(2)} cell-updates (${steps} time steps × ${stages} stages × ${nd} densities); ` +
        `the limit \`maxCellUpdates\` is ${opt.maxCellUpdates.toExponential(2)}; the largest grid that fits is about ${largest} cells (or raise maxCellUpdates)`,
      { details: { argument: name, value: cells, estimate: work, budget: opt.maxCellUpdates, largest, unit: "cell-updates" } },
    );
  }
  return rates;
}

/** Cell-updates per kernel call of the first-order upwind + Euler path (about 0.1 ms per call). */
const CHUNK_CELLS = 1 << 18;

/**
 * First-order upwind + forward Euler runs many steps per call of a multi-step kernel (WebAssembly SIMD
 * where available, else JavaScript; bit-identical) with the densities resident in the kernel memory
 * (an arena). At most `chunk` steps per call (2^18 cell-updates, at most 1024 steps); one step per call
 * when a mass-loss threshold must be checked after each step.
 */
function fastPlan(opt: Resolved, size: number): { fast: boolean; chunk: number } {
  const fast = opt.scheme === "upwind" && opt.stepper === "euler";
  const chunk = opt.boundary === "outflow" && opt.threshold !== Infinity ? 1 : Math.max(1, Math.min(1024, Math.floor(CHUNK_CELLS / size)));
  return { fast, chunk };
}

/** One solve's inputs: exactly one of `g1`, `g2` is set; `fs` holds one density per data set on that grid. */
interface RunInput {
  readonly params: NetworkParams;
  readonly g1: Grid1D | null;
  readonly g2: Grid2D | null;
  readonly fs: Float64Array[];
  readonly borrowed: (string | null)[];
  readonly tl: Timeline;
  readonly opt: Resolved;
}

/**
 * `fs[q]` belongs to the caller when `borrowed[q]` (its argument name): its values are checked (finite,
 * non-negative) and it is copied before it is stepped.
 */
function run(input: RunInput): RunOut {
  const { g1, g2, fs, borrowed, opt } = input;
  const { fast, chunk } = fastPlan(opt, fs[0]!.length);
  const arena = fast ? openUpwindArena(g1 ? [g1.n] : [g2!.nx, g2!.ny], fs.length, chunk) : null;
  try {
    if (arena !== null) return runIn(arena, input);
    const owned = fs.map((f, q) => {
      const name = borrowed[q];
      if (name == null) return f;
      checkDensity(name, f);
      return f.slice();
    });
    return runIn(null, { ...input, fs: owned });
  } finally {
    arena?.close();
  }
}

function runIn(arena: UpwindArena | null, { params, g1, g2, fs, borrowed, tl, opt }: RunInput): RunOut {
  const nd = fs.length;
  const size = fs[0]!.length;
  const periodic = opt.boundary === "periodic";
  const muscl = opt.scheme === "muscl";
  const { fast, chunk } = fastPlan(opt, size);
  let c1d: FaceCoefficients1D | null = null,
    c2d: FaceCoefficients2D | null = null;
  let u: Float64Array[], s1: Float64Array[];
  if (arena !== null) {
    const F = arena.faces;
    if (g1) c1d = { ap: F[0]!, am: F[1]!, rate: 0 };
    else c2d = { axp: F[0]!, axm: F[1]!, ayp: F[2]!, aym: F[3]!, rate: 0 };
    u = fs.map((_, q) => arena.states[2 * q]!);
    s1 = fs.map((_, q) => arena.states[2 * q + 1]!);
    fs.forEach((f, q) => {
      u[q]!.set(f);
      // the caller's values, checked on the copy in one kernel pass (the JavaScript check names the first bad one)
      const name = borrowed[q];
      if (name != null) {
        const sc = arena.scan(u[q]!);
        if (!sc.finite || sc.min < 0) checkDensity(name, f);
      }
    });
  } else {
    c1d = g1 ? createFaceCoefficients1D(g1.n) : null;
    c2d = g2 ? createFaceCoefficients2D(g2) : null;
    u = fs;
    s1 = fs.map(() => new Float64Array(size));
  }
  const lostBuf = arena !== null ? arena.lost : fast ? new Float64Array(nd * chunk) : new Float64Array(0);
  const s2: Float64Array[] | null = opt.stepper === "ssp-rk3" ? fs.map(() => new Float64Array(size)) : null;
  const slx = muscl ? new Float64Array(size) : null;
  const sly = muscl && g2 ? new Float64Array(size) : null;
  const rowL = g2 ? new Float64Array(g2.ny) : new Float64Array(0);
  const rowR = g2 ? new Float64Array(g2.ny) : new Float64Array(0);
  const mass0 = fs.reduce((acc, f) => acc + (g1 ? massOf(g1, f) : massOf(g2!, f)), 0);
  const saved: Float64Array[][] = [];
  const times: number[] = [];
  const record = (from: number, to: number) => {
    for (let q = from; q < to; q++) {
      saved.push(u.map((f) => dropRoundoffNegatives(f.slice())));
      times.push(tl.saveAt[q]!);
    }
  };
  record(0, tl.initialSaves);

  // Euler-type stage: dst = a·base + (1-a)(src - h·div F(src)); returns h·(net boundary outflow) (mass units).
  const stage = (src: Float64Array, dst: Float64Array, h: number, a: number, base: Float64Array): number => {
    if (g1) {
      if (muscl) stridedSlopes(src, slx!, g1.n, 1, 1, 0, opt.limiter, periodic);
      const o = advectionStage1D(c1d!, src, muscl ? slx : null, periodic, a, base, 1 - a, ((1 - a) * h) / g1.dx, dst);
      return (1 - a) * h * o;
    }
    const G = g2!;
    if (muscl) {
      stridedSlopes(src, slx!, G.nx, G.ny, G.ny, 1, opt.limiter, periodic);
      stridedSlopes(src, sly!, G.ny, 1, G.nx, G.ny, opt.limiter, periodic);
    }
    const o = advectionStage2D(
      G,
      c2d!,
      src,
      slx,
      sly,
      periodic,
      a,
      base,
      1 - a,
      ((1 - a) * h) / G.dx,
      ((1 - a) * h) / G.dy,
      dst,
      rowL,
      rowR,
    );
    return (1 - a) * h * o;
  };

  let steps = 0,
    rhsEvals = 0,
    maxCfl = 0,
    massLost = 0;
  let status: SolveStatus = "success";
  let t = tl.t0;
  let layer = -1;
  let rate = 0;
  /** After each step (lost = mass lost by it): the status that ends the solve, or null to go on. */
  const afterStep = (lost: number): SolveStatus | null => {
    // cheap finiteness probe: three samples of each density and the step's outflow
    let acc = 0;
    for (let q = 0; q < nd; q++) {
      const U = u[q]!;
      acc += U[0]! + U[U.length >> 1]! + U[U.length - 1]!;
    }
    if (!Number.isFinite(acc) || !Number.isFinite(lost)) return "non-finite";
    if (massLost > opt.threshold * mass0) return "mass-lost";
    return null;
  };
  outer: for (const seg of tl.segments) {
    const stop = seg.t1;
    // the layer acting on (t, stop)
    const k = seg.layer;
    if (k !== layer) {
      layer = k;
      rate = layerFaces(params, k, g1 ?? g2!, opt.boundary, c1d, c2d);
    }
    const { h, n, hLast } = segmentSteps(opt, rate, stop - t, k);
    if (fast) {
      // n - 1 steps of h, then hLast, in calls of at most `chunk` equal steps (per-step accounting as below)
      for (let s = 0; s < n; ) {
        if (steps >= opt.maxSteps) {
          status = "max-steps";
          break outer;
        }
        const hs = s < n - 1 ? h : hLast;
        const m = Math.min(s < n - 1 ? n - 1 - s : 1, chunk, opt.maxSteps - steps);
        if (hs * rate > maxCfl) maxCfl = hs * rate;
        for (let q = 0; q < nd; q++) {
          const U = u[q]!,
            A = s1[q]!;
          let moved: boolean;
          if (g1) {
            const c2 = hs / g1.dx;
            moved =
              arena !== null
                ? wasmUpwindSteps1D(arena, U, A, c2, m, periodic, q * chunk)
                : jsUpwindSteps1D(c1d!, U, A, c2, m, periodic, lostBuf, q * chunk);
          } else {
            const G = g2!,
              cx = hs / G.dx,
              cy = hs / G.dy;
            moved =
              arena !== null
                ? wasmUpwindSteps2D(arena, G.nx, G.ny, G.dx, G.dy, U, A, cx, cy, m, periodic, q * chunk)
                : jsUpwindSteps2D(G, c2d!, U, A, cx, cy, m, periodic, lostBuf, q * chunk, rowL, rowR);
          }
          if (moved) {
            u[q] = A;
            s1[q] = U;
          }
        }
        let lostChunk = 0;
        for (let k = 0; k < m; k++) {
          let lost = 0;
          for (let q = 0; q < nd; q++) lost += hs * lostBuf[q * chunk + k]!;
          massLost += lost;
          lostChunk += lost;
          t = s + k < n - 1 ? t + hs : stop;
        }
        rhsEvals += m;
        steps += m;
        s += m;
        const ended = afterStep(lostChunk);
        if (ended !== null) {
          status = ended;
          break outer;
        }
      }
      record(seg.saveFrom, seg.saveTo);
      continue;
    }
    for (let s = 0; s < n; s++) {
      if (steps >= opt.maxSteps) {
        status = "max-steps";
        break outer;
      }
      const hs = s < n - 1 ? h : hLast;
      if (hs * rate > maxCfl) maxCfl = hs * rate;
      let lost = 0;
      for (let q = 0; q < nd; q++) {
        const U = u[q]!,
          A = s1[q]!;
        if (opt.stepper === "euler") {
          lost += stage(U, A, hs, 0, U);
          u[q] = A;
          s1[q] = U;
        } else if (opt.stepper === "ssp-rk2") {
          // u^{n+1} = 1/2 u + 1/2 (u1 + h L(u1)), written over u (dst may alias base, never src)
          const l1 = stage(U, A, hs, 0, U);
          const l2 = stage(A, U, hs, 0.5, U);
          lost += 0.5 * l1 + l2;
        } else {
          const B = s2![q]!;
          const l1 = stage(U, A, hs, 0, U);
          const l2 = stage(A, B, hs, 0.75, U);
          const l3 = stage(B, A, hs, 1 / 3, U);
          lost += (2 / 3) * (0.25 * l1 + l2) + l3;
          u[q] = A;
          s1[q] = U;
        }
      }
      rhsEvals += opt.stepper === "euler" ? 1 : opt.stepper === "ssp-rk2" ? 2 : 3;
      steps++;
      massLost += lost;
      t = s < n - 1 ? t + hs : stop;
      const ended = afterStep(lost);
      if (ended !== null) {
        status = ended;
        break outer;
      }
    }
    record(seg.saveFrom, seg.saveTo);
  }
  // a full finiteness check once at the end (per step only a cheap probe above), in the same pass as
  // the round-off clean-up
  const f = u.map((U) => {
    const sc = arena !== null ? arena.scan(U) : scanDensity(U);
    const out = arena !== null ? U.slice() : U;
    if (sc.min < 0) zeroRoundoffNegatives(out, sc.max);
    if (!sc.finite && status === "success") status = "non-finite";
    return out;
  });
  return {
    f,
    saved,
    times: Float64Array.from(times),
    t,
    status,
    stats: { steps, maxCfl, massLost, rhsEvals, massInitial: mass0 },
  };
}

/** The face coefficients of layer k written into `c1` (1-D grid) or `c2` (2-D grid); returns their outflow rate. @internal */
export function layerFaces(
  params: NetworkParams,
  k: number,
  g: Grid1D | Grid2D,
  boundary: Boundary,
  c1: FaceCoefficients1D | null,
  c2: FaceCoefficients2D | null,
): number {
  return g.kind === "1d"
    ? networkFaceCoefficients1DInto(params, k, g, boundary, c1!).rate
    : networkFaceCoefficients2DInto(params, k, g, boundary, c2!).rate;
}

/**
 * The steps of one stretch of constant field (`span` long, layer `layer`, outflow rate `rate`): n − 1
 * steps of h and a last one of hLast, h from the CFL rule or the fixed dt (a dt beyond the scheme's
 * CFL limit is refused, UNSTABLE). @internal
 */
export function segmentSteps(opt: Resolved, rate: number, span: number, layer: number): { h: number; n: number; hLast: number } {
  const limit = opt.scheme === "muscl" ? 0.5 : 1;
  let h: number;
  if (opt.dt !== null) {
    h = opt.dt;
    const c = Math.min(h, span) * rate;
    if (c > limit * (1 + 1e-12)) {
      throw new KineticError(
        "UNSTABLE",
        `CFL violation: dt = ${opt.dt} gives CFL number ${c.toPrecision(4)} > ${limit} for the ${opt.scheme} scheme in layer ${layer} (max outflow rate ${rate.toPrecision(4)}); use dt ≤ ${(limit / rate).toPrecision(4)} or the cfl option`,
        { details: { dt: opt.dt, cfl: c, limit, layer } },
      );
    }
  } else {
    h = rate > 0 ? opt.cfl! / rate : span;
  }
  if (!(h < span)) h = span; // also catches h = Infinity from a denormal rate
  let n = Math.ceil(span / h - 1e-9);
  if (n < 1) n = 1;
  return { h, n, hLast: span - (n - 1) * h };
}

/** Set to 0 the values of `f` that are negative only by round-off ({@link zeroRoundoffNegatives}); returns `f`. */
function dropRoundoffNegatives(f: Float64Array): Float64Array {
  const sc = scanDensity(f);
  if (sc.min < 0) zeroRoundoffNegatives(f, sc.max);
  return f;
}
