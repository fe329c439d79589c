/**
 * The 1-D Fokker–Planck solver for the stochastic ResNet:
 * ∂_t f + ∂_x(σ(w(t) x + b(t)) f) = ∂_xx(D(x) f) on a bounded interval, finite volumes with
 * Chang–Cooper fluxes (see `chang-cooper.ts`), layered parameters w(t), b(t).
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, resolveTimeline, type SolveStatus } from "@kinetic-nde/core";
import { invalidArgument, requireOneOf, requireOptions, requirePositive, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { BOUNDARIES, type Boundary, changCooperCoefficients, type ChangCooperCoefficients, type Diffusion1D } from "./chang-cooper.js";
import {
  attachFactors,
  compensatedSum,
  createTridiagonalFactors,
  factorTridiagonal,
  implicitStepsInPlace,
  minOf,
  type StepsLog,
  thomasFactor,
  thomasSolveInPlace,
} from "./internal/numerics.js";
import {
  createSaveRecorder,
  diffusionFromNetwork,
  massLossStatus,
  requireGrid1D,
  requireNetwork1D,
  requireStepBudget,
  resolveInitialDensity,
  resolveMassLossTolerance,
  resolveSafety,
  subSteps,
  validateDiffusion,
} from "./problem.js";

/** Time integrators of {@link solveFokkerPlanck}. */
export type FokkerPlanckMethod = "implicit-euler" | "crank-nicolson" | "explicit-euler";

/** Metadata of a time integrator. */
export interface FokkerPlanckMethodInfo {
  readonly name: FokkerPlanckMethod;
  /** Order in time (space is second order for smooth solutions). */
  readonly order: number;
  readonly adaptive: false;
  readonly stochastic: false;
  /** When the scheme keeps f ≥ 0. */
  readonly positivity: "unconditional" | "step-bound";
  /** One-line description. */
  readonly description: string;
}

/**
 * Registry of the 1-D time integrators (tests loop over it).
 * @example
 * ```ts
 * FOKKER_PLANCK_METHODS.map((m) => `${m.name}: order ${m.order}, positive ${m.positivity}`);
 * ```
 */
export const FOKKER_PLANCK_METHODS: readonly FokkerPlanckMethodInfo[] = Object.freeze([
  {
    name: "implicit-euler",
    order: 1,
    adaptive: false,
    stochastic: false,
    positivity: "unconditional",
    description:
      "implicit Euler, one direct tridiagonal solve per step (LU and UL factorisations alternated, consecutive sweeps fused); positive and mass-exact for every Δt",
  },
  {
    name: "crank-nicolson",
    order: 2,
    adaptive: false,
    stochastic: false,
    positivity: "step-bound",
    description: "Crank–Nicolson (trapezoidal); mass-exact, positive only for Δt·max|A_ii| ≤ 2",
  },
  {
    name: "explicit-euler",
    order: 1,
    adaptive: false,
    stochastic: false,
    positivity: "step-bound",
    description: "explicit Euler; positive and stable only for Δt ≤ Δx² / max(α_{i+1/2} + β_{i-1/2}), enforced",
  },
] as const);

/** The 1-D problem: network (σ, w(t), b(t), optionally K), grid, initial density. */
export interface FokkerPlanckProblem {
  /** 1-D network parameters; layer k acts on [kΔt, (k+1)Δt); after network.T the last layer continues. */
  readonly network: NetworkParams;
  /** Computational domain with n cells. */
  readonly grid: Grid1D;
  /** Initial density: n cell averages ≥ 0, or a function x ↦ f0(x) (averaged per cell). */
  readonly f0: ArrayLike<number> | ((x: number) => number);
  /**
   * Diffusion D (constant > 0 or D(x) > 0), or one per layer (D^k on layer k's interval, array of
   * `network.nLayers`; after `network.T` the last one continues). Default: K(x)²/2 from `network.noise`.
   */
  readonly D?: Diffusion1D | readonly Diffusion1D[];
  /** Final time (default `network.T`). */
  readonly T?: number;
}

/** Options of {@link solveFokkerPlanck}. */
export interface FokkerPlanckOptions {
  /** Time integrator (default `"implicit-euler"`). */
  readonly method?: FokkerPlanckMethod;
  /**
   * Largest time step. Steps are shortened to land on layer boundaries, `saveAt` times and T.
   * Default: min(network.dt, T/100) for the implicit methods; 0.9 × the stability bound for
   * explicit Euler. Explicit Euler throws UNSTABLE when a given dt exceeds its bound.
   */
  readonly dt?: number;
  /** Boundary at both ends, or [left, right] (default `"zero-flux"`). */
  readonly boundary?: Boundary | readonly [Boundary, Boundary];
  /**
   * Times in [0, T], non-decreasing (equal times allowed), or a count of evenly spaced times, at which to
   * store copies of f (default none); resolved by core's `resolveTimeline`.
   */
  readonly saveAt?: ArrayLike<number> | number;
  /** Fraction of the stability bound used when explicit Euler chooses dt (default 0.9). */
  readonly safety?: number;
  /**
   * Relative mass loss (of the initial mass) above which the status is `"mass-lost"` (default Infinity:
   * mass leaving through an outflow or absorbing boundary is a success, reported in `stats.massLost`).
   * `massTolerance` is accepted as its former name.
   */
  readonly massLossTolerance?: number;
  /** @deprecated the former name of {@link FokkerPlanckOptions.massLossTolerance}. */
  readonly massTolerance?: number;
  /**
   * Largest number of time steps (default 10 000 000). The step count is known before the solve: more
   * is refused up front with TOO_LARGE naming `dt` and the smallest dt that fits.
   */
  readonly maxSteps?: number;
}

/** Option keys of {@link solveFokkerPlanck} (unknown keys are an error). */
const FP_OPTION_KEYS = ["method", "dt", "boundary", "saveAt", "safety", "massLossTolerance", "maxSteps"] as const;

/** Counters of a solve. */
export interface FokkerPlanckStats {
  /** Time steps taken. */
  readonly steps: number;
  /** Rejected steps (always 0: fixed steps). */
  readonly rejected: number;
  /** Applications of the operator (one per step: a tridiagonal solve and/or an explicit product). */
  readonly rhsEvals: number;
  /** Operator assemblies (one per layer and step length). */
  readonly assemblies: number;
  /** Tridiagonal factorisations. */
  readonly factorizations: number;
  /** Largest Δt·max_i|A_ii| used (≤ 1 means explicit Euler would be positive). */
  readonly maxCfl: number;
  /** Mass at t = 0 (Σ f Δx). */
  readonly massInitial: number;
  /** Mass at T. */
  readonly massFinal: number;
  /** Mass that left through the boundary (integrated boundary flux). */
  readonly massLost: number;
  /** Smallest value of f at T. */
  readonly minValue: number;
}

/** Result of {@link solveFokkerPlanck}. */
export interface FokkerPlanckResult {
  /** Density at T: n cell averages. */
  readonly f: Float64Array;
  /** Copies of f at `times` (the save times as resolved by core's `resolveTimeline`). */
  readonly saved: readonly Float64Array[];
  /** Times of `saved`. */
  readonly times: readonly number[];
  /** The grid. */
  readonly grid: Grid1D;
  /** `"success"`, `"non-finite"` (blow-up), or `"mass-lost"` (outflow above `massLossTolerance`). */
  readonly status: SolveStatus;
  readonly stats: FokkerPlanckStats;
}

/** @internal Resolved boundary pair. */
export function resolveBoundaries(b: unknown): [Boundary, Boundary] {
  if (b === undefined) return ["zero-flux", "zero-flux"];
  if (Array.isArray(b)) {
    if (b.length !== 2) throw invalidArgument("boundary", "a boundary or a pair [left, right]", b);
    return [requireOneOf("boundary[0]", b[0], BOUNDARIES), requireOneOf("boundary[1]", b[1], BOUNDARIES)];
  }
  const one = requireOneOf("boundary", b, BOUNDARIES);
  return [one, one];
}

/** The velocity field of layer k of a 1-D network, a(x) = σ(w_k x + b_k). @internal */
export function layerVelocity(network: NetworkParams, k: number): (x: number) => number {
  const w = network.W[k]!;
  const b = network.b[k]!;
  const s = network.sigma.sigma;
  return (x: number) => s(w * x + b);
}

// The velocity of the current layer as one function object shared by every solve: a fresh closure per
// solve would make V8 deoptimise the flux assembly (inlined on the first closure) on the second solve.
let velW = 0;
let velB = 0;
let velS: (z: number) => number = (z) => z;
function sharedVelocity(x: number): number {
  return velS(velW * x + velB);
}

/**
 * Chang–Cooper coefficients of layer k of a 1-D network (velocity σ(w_k x + b_k)) into `coef`, through
 * {@link sharedVelocity}; its parameters are restored afterwards, so a solve nested in a user's σ or D
 * does not disturb the caller. @internal
 */
export function layerCoefficients(
  network: NetworkParams,
  k: number,
  grid: Grid1D,
  D: Diffusion1D,
  left: Boundary,
  right: Boundary,
  coef: ChangCooperCoefficients,
): void {
  const w0 = velW;
  const b0 = velB;
  const s0 = velS;
  velW = network.W[k]!;
  velB = network.b[k]!;
  velS = network.sigma.sigma;
  try {
    changCooperCoefficients(grid, sharedVelocity, D, left, right, coef);
  } finally {
    velW = w0;
    velB = b0;
    velS = s0;
  }
}

/** Largest Σ of outgoing weights per cell, max_i (α_{i+1} + β_i) (so |A_ii| = that / Δx²). @internal */
export function maxOutgoing(c: ChangCooperCoefficients, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = c.alpha[i + 1]! + c.beta[i]!;
    if (v > m) m = v;
  }
  return m;
}

/**
 * Fill the tridiagonal matrix I - θ h A of the Chang–Cooper operator A (rows: lower, diag, upper).
 * @internal
 */
export function fillImplicitMatrix(
  c: ChangCooperCoefficients,
  n: number,
  r: number,
  lower: Float64Array,
  diag: Float64Array,
  upper: Float64Array,
): void {
  const { alpha, beta } = c;
  // the ends inside the loop: stores after a loop have no type feedback when V8 compiles the loop
  // on stack replacement, and would deoptimise it on exit
  const last = n - 1;
  for (let i = 0; i < n; i++) {
    lower[i] = i > 0 ? -r * alpha[i]! : 0;
    diag[i] = 1 + r * (alpha[i + 1]! + beta[i]!);
    upper[i] = i < last ? -r * beta[i + 1]! : 0;
  }
}

/**
 * y = f + r·Δx²·A f (explicit part), allocation-free. A f_i = (α_i f_{i-1} - (α_{i+1}+β_i) f_i + β_{i+1} f_{i+1})/Δx².
 * @internal
 */
export function applyExplicit(c: ChangCooperCoefficients, n: number, r: number, f: Float64Array, y: Float64Array): number {
  const { alpha, beta } = c;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let v = -(alpha[i + 1]! + beta[i]!) * f[i]!;
    if (i > 0) v += alpha[i]! * f[i - 1]!;
    if (i < n - 1) v += beta[i + 1]! * f[i + 1]!;
    const yi = f[i]! + r * v;
    y[i] = yi;
    s += yi;
  }
  return s;
}

/** Boundary outflow rate (mass per unit time) of state f: (α_n f_{n-1} + β_0 f_0)/Δx. @internal */
export function outflowRate(c: ChangCooperCoefficients, n: number, dx: number, f: Float64Array): number {
  return (c.alpha[n]! * f[n - 1]! + c.beta[0]! * f[0]!) / dx;
}

/**
 * The diffusion of every layer: one D for all (given, or K²/2 of the network's noise), or an array of
 * one D^k per layer (validated entry by entry, naming `D[k]`). @internal
 */
export function resolveLayerDiffusion(D: unknown, network: NetworkParams): readonly Diffusion1D[] {
  if (Array.isArray(D)) {
    if (D.length !== network.nLayers)
      throw shapeMismatch("D", `one diffusion per layer (network.nLayers = ${network.nLayers})`, `${D.length} entries`);
    return D.map((v, k) => validateDiffusion(v, `D[${k}]`));
  }
  const one = D !== undefined ? validateDiffusion(D) : diffusionFromNetwork(network);
  return new Array<Diffusion1D>(network.nLayers).fill(one);
}

/** The validated inputs of a 1-D solve and its step length rule. @internal */
export interface PreparedFokkerPlanck {
  readonly network: NetworkParams;
  readonly grid: Grid1D;
  /** The diffusion of each layer (one entry per layer; the same object when D is one diffusion). */
  readonly D: readonly Diffusion1D[];
  readonly T: number;
  readonly method: FokkerPlanckMethod;
  readonly left: Boundary;
  readonly right: Boundary;
  readonly tl: ReturnType<typeof resolveTimeline>;
  readonly massTol: number;
  /** A fresh copy of the initial cell averages. */
  readonly f: Float64Array;
  /** The largest step (each segment is cut into {@link subSteps} equal steps). */
  readonly dt: number;
}

/**
 * Validate a 1-D problem and its options as {@link solveFokkerPlanck} does (same errors, same
 * order) and fix the largest step dt. @internal
 */
export function prepareFokkerPlanck(problem: FokkerPlanckProblem, options: FokkerPlanckOptions): PreparedFokkerPlanck {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const network = requireNetwork1D(problem.network);
  const grid = requireGrid1D(problem.grid);
  const D = resolveLayerDiffusion(problem.D, network);
  const T = problem.T !== undefined ? requirePositive("T", problem.T) : network.T;
  options = requireOptions<FokkerPlanckOptions>("options", options, FP_OPTION_KEYS, { massTolerance: "massLossTolerance" });
  const method = requireOneOf("method", options.method ?? "implicit-euler", [
    "implicit-euler",
    "crank-nicolson",
    "explicit-euler",
  ] as const);
  const [left, right] = resolveBoundaries(options.boundary);
  const n = grid.n;
  const tl = resolveTimeline(network, options.saveAt, { tEnd: T, name: "saveAt", stateSize: n });
  const safety = resolveSafety(options.safety);
  const massTol = resolveMassLossTolerance(options.massLossTolerance);
  const f = resolveInitialDensity(grid, problem.f0);
  const dx = grid.dx;
  let dt: number;
  if (method === "explicit-euler") {
    const coef: ChangCooperCoefficients = { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };
    let worst = 0;
    for (const k of new Set(tl.segments.map((seg) => seg.layer))) {
      layerCoefficients(network, k, grid, D[k]!, left, right, coef);
      worst = Math.max(worst, maxOutgoing(coef, n));
    }
    const bound = worst > 0 ? (dx * dx) / worst : Infinity;
    if (options.dt !== undefined) {
      dt = requirePositive("dt", options.dt);
      if (dt > bound * (1 + 1e-12)) {
        throw new KineticError(
          "UNSTABLE",
          `unstable: explicit Euler needs dt <= ${bound.toPrecision(6)} (= dx^2 / max_i(alpha_{i+1/2} + beta_{i-1/2}) on this grid, ` +
            `for positivity and stability); got dt = ${dt}. Use a smaller dt, omit dt to have it chosen, or method "implicit-euler".`,
          { details: { dt, bound } },
        );
      }
    } else {
      dt = Math.min(safety * bound, T);
    }
  } else {
    dt = options.dt !== undefined ? requirePositive("dt", options.dt) : Math.min(network.dt, T / 100);
  }
  requireStepBudget(tl.segments, dt, options.maxSteps);
  return { network, grid, D, T, method, left, right, tl, massTol, f, dt };
}

/**
 * Solve the 1-D Fokker–Planck equation of the stochastic ResNet,
 * ∂_t f + ∂_x(σ(w(t)x + b(t)) f) = ∂_xx(D(x) f), f(0) = f0, on the grid's interval.
 *
 * @param problem - `{ network, grid, f0, D?, T? }`; network with d = 1, layer k active on
 *   [kΔt, (k+1)Δt); D constant or D(x), or an array of one D^k per layer (default K(x)²/2 from the
 *   network's noise model);
 *   f0 as n cell averages (1/length units) or a density function
 * @param options - `method` (default implicit Euler), `dt`, `boundary` (default zero-flux),
 *   `saveAt`, `safety`, `massLossTolerance` (default Infinity), `maxSteps` (default 1e7)
 * @returns `{ f, saved, times, grid, status, stats }`: fresh cell averages at T and at the saveAt
 *   times; status `"success"` (mass that left through an outflow/absorbing boundary is in
 *   `stats.massLost`), `"mass-lost"` (more than `massLossTolerance` of the initial mass left) or
 *   `"non-finite"`
 * @throws KineticError INVALID_ARGUMENT (bad grid, f0, D, dt, T, saveAt, boundary, method, unknown
 *   option), TOO_LARGE (more than `maxSteps` time steps, or nSave·n values beyond the memory budget),
 *   SHAPE_MISMATCH (network.d ≠ 1, f0 length, a per-layer D of another length), UNSTABLE (explicit Euler with dt above its
 *   positivity/stability bound Δx² / max_i(α_{i+1/2}+β_{i-1/2}); the message gives the bound)
 * @remarks
 * Space: Chang–Cooper fluxes, second order for smooth solutions; the discrete steady state (zero
 * flux walls, constant parameters) is reproduced to round-off. Time: implicit Euler (order 1,
 * unconditionally positive and mass-exact), Crank–Nicolson (order 2, mass-exact, positive only when
 * Δt·max|A_ii| ≤ 2 — `stats.maxCfl` reports Δt·max|A_ii|), explicit Euler (order 1, bound enforced).
 * Cost: O(n) per step; the matrix is assembled and factorised once per layer and step length, each
 * step is one allocation-free direct solve. Implicit Euler keeps both the LU and the UL factorisation
 * and alternates them, so the substitution of one step and the elimination of the next run in the
 * same direction and are fused into one sweep (two rows per iteration, in WebAssembly where
 * available, with a bit-identical JavaScript fallback); the results differ from repeated Thomas
 * solves by round-off only (≈ 1e-12 relative after 1000 steps of W7).
 * @example
 * ```ts
 * const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 5, K: 0.6 });
 * const grid = createGrid1D(-5, 5, 400);
 * const r = solveFokkerPlanck({ network, grid, f0: (x) => (Math.abs(x) < 1 ? 0.5 : 0) }, { saveAt: [1, 2] });
 * r.stats.massFinal; // 1 to round-off
 * ```
 */
export function solveFokkerPlanck(problem: FokkerPlanckProblem, options: FokkerPlanckOptions = {}): FokkerPlanckResult {
  const { network, grid, D, method, left, right, tl, massTol, f, dt } = prepareFokkerPlanck(problem, options);
  const n = grid.n;
  const dx = grid.dx;
  const coef: ChangCooperCoefficients = { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };

  // Preallocated work arrays: nothing is allocated inside the time loop.
  // implicit Euler: LU and UL factors, alternated step by step (fused sweeps); the others: one LU
  const fac = method === "implicit-euler" ? createTridiagonalFactors(n) : undefined;
  const m = fac === undefined ? n : 0;
  const lower = new Float64Array(m);
  const diag = new Float64Array(m);
  const upper = new Float64Array(m);
  const cp = new Float64Array(m);
  const inv = new Float64Array(m);
  const work = new Float64Array(m);
  const log: StepsLog = { wLeft: 0, wRight: 0, h: 0, dx, massLost: 0, finite: true };

  const massInitial = compensatedSum(f) * dx;
  const { saved, times, record } = createSaveRecorder(f, tl.saveAt);
  record(0, tl.initialSaves);
  let t = 0;
  let steps = 0;
  let assemblies = 0;
  let factorizations = 0;
  let maxCfl = 0;
  let massLost = 0;
  let status: SolveStatus = "success";
  let curLayer = -1;
  let curH = NaN;
  let outMax = 0;

  outer: for (const seg of tl.segments) {
    const stop = seg.t1;
    const span = stop - t;
    const nSub = subSteps(span, dt);
    const h = span / nSub;
    const k = seg.layer;
    if (k !== curLayer) {
      layerCoefficients(network, k, grid, D[k]!, left, right, coef);
      assemblies++;
      outMax = maxOutgoing(coef, n);
      curLayer = k;
      curH = NaN;
    }
    maxCfl = Math.max(maxCfl, (h * outMax) / (dx * dx));
    if (method !== "explicit-euler" && h !== curH) {
      const r = (method === "crank-nicolson" ? 0.5 * h : h) / (dx * dx);
      if (fac !== undefined) {
        attachFactors(fac);
        fillImplicitMatrix(coef, n, r, fac.lower, fac.diag, fac.upper);
        factorTridiagonal(fac);
      } else {
        fillImplicitMatrix(coef, n, r, lower, diag, upper);
        thomasFactor(n, lower, diag, upper, cp, inv);
      }
      factorizations++;
      curH = h;
    }
    const rE = h / (dx * dx);
    if (fac !== undefined) {
      // implicit Euler: all nSub steps of this segment in one call (alternating LU/UL, fused sweeps)
      log.wLeft = coef.beta[0]!;
      log.wRight = coef.alpha[n]!;
      log.h = h;
      log.massLost = massLost;
      steps += implicitStepsInPlace(fac, f, nSub, log);
      massLost = log.massLost;
      if (!log.finite) {
        status = "non-finite";
        t = stop;
        break;
      }
    } else {
      for (let s = 0; s < nSub; s++) {
        let sum: number;
        if (method === "crank-nicolson") {
          const before = outflowRate(coef, n, dx, f);
          applyExplicit(coef, n, 0.5 * rE, f, work);
          f.set(work);
          sum = thomasSolveInPlace(n, lower, cp, inv, f);
          massLost += 0.5 * h * (before + outflowRate(coef, n, dx, f));
        } else {
          massLost += h * outflowRate(coef, n, dx, f);
          sum = applyExplicit(coef, n, rE, f, work);
          f.set(work);
        }
        steps++;
        if (!Number.isFinite(sum)) {
          status = "non-finite";
          t = stop;
          break outer;
        }
      }
    }
    t = stop;
    record(seg.saveFrom, seg.saveTo);
  }
  const massFinal = compensatedSum(f) * dx;
  status = massLossStatus(status, massLost, massTol, massInitial);
  const minValue = minOf(f);
  return {
    f,
    saved,
    times,
    grid,
    status,
    stats: {
      steps,
      rejected: 0,
      rhsEvals: method === "crank-nicolson" ? 2 * steps : steps,
      assemblies,
      factorizations,
      maxCfl,
      massInitial,
      massFinal,
      massLost,
      minValue,
    },
  };
}
