/**
 * Fitting distributions with the Fokker–Planck dynamics (MODEL.md §7): choose (w, b, D) — or a
 * parameterised D(x) — so that the steady state, or the density at a finite horizon T, matches a
 * target density.
 * @packageDocumentation
 */
import { createRng, createScalarNetwork, getActivation, KineticError, type SolveStatus } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireOneOf,
  requireOptions,
  requirePositive,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import { cellAverages1D, createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import { wasserstein1Grid } from "@kinetic-nde/mean-field";
import type { Diffusion1D } from "./chang-cooper.js";
import { histogramOnGrid, klDivergence, l2Distance } from "./densities.js";
import { compensatedSum } from "./internal/numerics.js";
import { nelderMead } from "./internal/nelder-mead.js";
import { requireGrid1D, resolveInitialDensity } from "./problem.js";
import { solveFokkerPlanck } from "./solve-1d.js";
import { recursionSteadyStateInto, steadyCoefficients } from "./steady-state.js";
import {
  constantDiffusionModel,
  type DiffusionModel,
  steadyLossDensityGradientInto,
  steadyLossValue,
  steadyStateJacobianInto,
} from "./steady-state-gradient.js";
import { lbfgs } from "./internal/lbfgs.js";

/**
 * A target distribution: a density function x ↦ g(x), samples (e.g. the labels or targets of a
 * data set), or cell averages on a grid.
 */
export type FitTarget =
  | ((x: number) => number)
  | { readonly samples: ArrayLike<number> }
  | { readonly density: ArrayLike<number>; readonly grid: Grid1D };

/**
 * Model families.
 * - `"gaussian"`: σ = identity, constant D; closed form (w fixed, default -1; b = -wμ, D = s²|w|).
 * - `"identity"`: σ = identity, constant D, fitted numerically (w fixed: the steady state depends
 *   only on -b/w and D/|w|).
 * - `"tanh"`: σ = tanh, constant D; w < 0, b, D > 0 all fitted (sech-power family).
 * - `"beta"`: σ = identity on (-1, 1), D(x) = κ(1 - x²); w fixed (default -1), |b| < |w|, κ > 0:
 *   the steady state is the Beta-type density (1-x)^{α-1}(1+x)^{β-1} with α = (|w| - b)/(2κ),
 *   β = (|w| + b)/(2κ).
 * - `"bimodal"`: σ = identity, D(x) = d₀ + Σ_j c_j exp(-(x - m_j)²/(2s²)) a positive combination of
 *   Gaussian bumps on `basisCentres` (w fixed); a bump of D where the target dips makes 1/D
 *   bimodal.
 */
export type FitFamily = "gaussian" | "identity" | "tanh" | "beta" | "bimodal";

/** Loss between target g and model f: KL(g‖f), L², or Wasserstein-1. */
export type FitLoss = "kl" | "l2" | "w1";

/** Options of {@link fitSteadyState} and {@link fitFiniteHorizon}. */
export interface FitOptions {
  /** Model family (default `"tanh"` for steady states; `"tanh"` or `"identity"` at finite horizon). */
  readonly family?: FitFamily;
  /** Loss (default `"kl"`). */
  readonly loss?: FitLoss;
  /**
   * Grid on which densities are compared (zero-flux walls). Default: from the target's grid, or
   * the sample range ± 25 % in 400 cells, or (-1, 1) in 400 cells for `"beta"`; required for a
   * density function otherwise.
   */
  readonly grid?: Grid1D;
  /** Fixed weight w for the families where it is not identifiable (default -1). */
  readonly w?: number;
  /** Initial guess `{ w, b, D }` (family-dependent defaults otherwise). */
  readonly initial?: { readonly w?: number; readonly b?: number; readonly D?: number; readonly kappa?: number };
  /** Centres m_j of the D(x) bumps of `"bimodal"` (default 7 cell-centred points across the grid; width = spacing / 2 of the default, L / (2·count)). */
  readonly basisCentres?: readonly number[];
  /**
   * Optimiser (steady states): `"gradient"` (default; L-BFGS on the exact gradient of the discrete
   * steady state) or `"nelder-mead"` (derivative-free). Finite horizons use Nelder–Mead only.
   */
  readonly method?: FitMethod;
  /**
   * Restarts (default 3, at most 1000). Gradient: extra starting points drawn around the initial guess (seeded by
   * `seed`); Nelder–Mead: fresh simplices around the best point.
   */
  readonly restarts?: number;
  /** Seed of the gradient fit's extra starting points (default 0). */
  readonly seed?: number;
  /** Largest number of loss evaluations (default 20000 for the steady state, 1500 for a finite horizon; one steady-state evaluation is an O(n) recursion). */
  readonly maxEvaluations?: number;
  /** Finite horizon only: implicit Euler steps over [0, T] (default 50). */
  readonly steps?: number;
  /** Aborts the fit, checked before every loss evaluation; the call then throws the signal's reason. */
  readonly signal?: AbortSignal;
}

const FIT_OPTION_KEYS = [
  "family",
  "loss",
  "grid",
  "w",
  "initial",
  "basisCentres",
  "method",
  "restarts",
  "seed",
  "maxEvaluations",
  "steps",
  "signal",
];

/** Largest `restarts` (each restart costs at least one loss evaluation; more cannot fit any `maxEvaluations` in reason). */
const MAX_RESTARTS = 1000;

/** Optimisers of the fits: L-BFGS on exact gradients, or derivative-free Nelder–Mead. */
export type FitMethod = "gradient" | "nelder-mead";

/** Fitted parameters. */
export interface FittedParameters {
  /** Activation name. */
  readonly sigma: "identity" | "tanh";
  readonly w: number;
  readonly b: number;
  /** Constant D, or the fitted function D(x). */
  readonly D: Diffusion1D;
  /** `"beta"`: κ of D(x) = κ(1 - x²). */
  readonly kappa?: number;
  /** `"bimodal"`: [d₀, c_1, …] of D(x). */
  readonly coefficients?: readonly number[];
}

/** Result of a fit. */
export interface FitResult {
  readonly family: FitFamily;
  readonly params: FittedParameters;
  /** Loss name and value at the optimum. */
  readonly lossName: FitLoss;
  readonly loss: number;
  /** The other two losses at the optimum, for reporting. */
  readonly losses: { readonly kl: number; readonly l2: number; readonly w1: number };
  readonly grid: Grid1D;
  /** Target as cell averages on the grid (mass 1). */
  readonly target: Float64Array;
  /** Fitted density on the grid (steady state or f(T)). */
  readonly fitted: Float64Array;
  /** `"success"` or `"max-steps"` (evaluation budget exhausted before convergence). */
  readonly status: SolveStatus;
  /** How the parameters were found: closed form (`"gaussian"`), L-BFGS, or Nelder–Mead. */
  readonly method: "closed-form" | FitMethod;
  /** Loss evaluations (a gradient fit evaluates the loss and its exact gradient together). */
  readonly stats: { readonly evaluations: number };
}

function normalise(grid: Grid1D, f: Float64Array): Float64Array {
  const m = compensatedSum(f) * grid.dx;
  if (!(m > 0)) throw invalidArgument("target", "a density with positive mass on the grid", m);
  for (let i = 0; i < f.length; i++) f[i]! /= m;
  return f;
}

/** Resolve the target to normalised cell averages on a grid. @internal */
export function resolveTarget(target: FitTarget, family: FitFamily, gridOpt: Grid1D | undefined): { grid: Grid1D; g: Float64Array } {
  if (typeof target === "function") {
    const grid = gridOpt !== undefined ? requireGrid1D(gridOpt, "options.grid") : family === "beta" ? createGrid1D(-1, 1, 400) : undefined;
    if (grid === undefined) throw invalidArgument("options.grid", "given when the target is a density function", undefined);
    const g = cellAverages1D(target, grid);
    return { grid, g: normalise(grid, g) };
  }
  if (typeof target !== "object" || target === null)
    throw invalidArgument("target", "a density function, { samples } or { density, grid }", target);
  if ("samples" in target) {
    const x = requireFiniteArray("target.samples", target.samples);
    let sMin = Infinity;
    let sMax = -Infinity;
    for (let i = 0; i < x.length; i++) {
      sMin = Math.min(sMin, x[i]!);
      sMax = Math.max(sMax, x[i]!);
    }
    // A point mass has no density to fit: every family would run off to zero width.
    if (!(sMax > sMin))
      throw invalidArgument("target.samples", "samples with a positive spread (not all equal)", `all ${x.length} equal to ${sMin}`);
    let grid: Grid1D;
    if (gridOpt !== undefined) grid = requireGrid1D(gridOpt, "options.grid");
    else if (family === "beta") grid = createGrid1D(-1, 1, 400);
    else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < x.length; i++) {
        lo = Math.min(lo, x[i]!);
        hi = Math.max(hi, x[i]!);
      }
      const pad = Math.max(0.25 * (hi - lo), 1e-3);
      grid = createGrid1D(lo - pad, hi + pad, 400);
    }
    return { grid, g: histogramOnGrid(x, grid).f };
  }
  if ("density" in target) {
    const grid = requireGrid1D(target.grid, "target.grid");
    if (gridOpt !== undefined && (gridOpt.n !== grid.n || gridOpt.xMin !== grid.xMin || gridOpt.xMax !== grid.xMax)) {
      throw shapeMismatch("options.grid", "the target's grid", "a different grid");
    }
    const g = resolveInitialDensity(grid, target.density, "target.density");
    return { grid, g: normalise(grid, g) };
  }
  throw invalidArgument("target", "a density function, { samples } or { density, grid }", target);
}

function lossFn(name: FitLoss): (grid: Grid1D, g: Float64Array, f: Float64Array) => number {
  switch (name) {
    case "kl":
      return (grid, g, f) => klDivergence(grid, g, f);
    case "l2":
      return (grid, g, f) => l2Distance(grid, g, f);
    case "w1":
      return (grid, g, f) => wasserstein1Grid(grid, g, grid, f);
  }
}

interface Model {
  readonly theta0: number[];
  readonly decode: (theta: Float64Array) => FittedParameters;
  /**
   * Steady states: how θ maps to the raw parameters p = (w, b, q…) of the steady-state Jacobian —
   * θ_j drives p[raw[j]] with ∂p/∂θ_j = scale(θ)[j] — and the diffusion model D(x; q).
   */
  readonly grad?: {
    readonly raw: readonly number[];
    readonly scale: (theta: Float64Array, p: FittedParameters, out: Float64Array) => void;
    readonly diffusion: (p: FittedParameters) => DiffusionModel;
  };
}

const constantD = (p: FittedParameters): DiffusionModel => constantDiffusionModel(p.D as number);

function momentsOf(grid: Grid1D, g: Float64Array): { mean: number; variance: number } {
  let m = 0;
  let m2 = 0;
  for (let i = 0; i < grid.n; i++) {
    const x = grid.xMin + (i + 0.5) * grid.dx;
    m += x * g[i]!;
    m2 += x * x * g[i]!;
  }
  m *= grid.dx;
  m2 *= grid.dx;
  // Sheppard's correction: cell averages add Δx²/12 to the variance of the underlying density
  return { mean: m, variance: Math.max(m2 - m * m - (grid.dx * grid.dx) / 12, 1e-300) };
}

function buildModel(family: FitFamily, grid: Grid1D, g: Float64Array, options: FitOptions, finite: boolean): Model {
  const wFixed = options.w !== undefined ? requireFinite("options.w", options.w) : -1;
  if (!finite && wFixed >= 0 && family !== "tanh")
    throw invalidArgument("options.w", "negative (a restoring drift) for a steady state", wFixed);
  const init = options.initial ?? {};
  const { mean, variance } = momentsOf(grid, g);
  const aw = Math.abs(wFixed);
  switch (family) {
    case "gaussian":
    case "identity": {
      if (finite) {
        const w0 = init.w ?? -0.5;
        return {
          theta0: [w0, init.b ?? 0, Math.log(init.D ?? 0.1)],
          decode: (t) => ({ sigma: "identity", w: t[0]!, b: t[1]!, D: Math.exp(t[2]!) }),
        };
      }
      return {
        theta0: [init.b ?? -wFixed * mean, Math.log(init.D ?? variance * aw)],
        decode: (t) => ({ sigma: "identity", w: wFixed, b: t[0]!, D: Math.exp(t[1]!) }),
        grad: {
          raw: [1, 2],
          scale: (_t, p, out) => {
            out[0] = 1;
            out[1] = p.D as number;
          },
          diffusion: constantD,
        },
      };
    }
    case "tanh": {
      const w0 = init.w ?? (finite ? -0.5 : -1 / Math.sqrt(variance));
      if (finite) {
        return {
          theta0: [w0, init.b ?? 0, Math.log(init.D ?? 0.1)],
          decode: (t) => ({ sigma: "tanh", w: t[0]!, b: t[1]!, D: Math.exp(t[2]!) }),
        };
      }
      const D0 = init.D ?? variance * Math.abs(w0);
      return {
        theta0: [Math.log(Math.abs(w0)), init.b ?? -w0 * mean, Math.log(D0)],
        decode: (t) => ({ sigma: "tanh", w: -Math.exp(t[0]!), b: t[1]!, D: Math.exp(t[2]!) }),
        grad: {
          raw: [0, 1, 2],
          scale: (_t, p, out) => {
            out[0] = p.w;
            out[1] = 1;
            out[2] = p.D as number;
          },
          diffusion: constantD,
        },
      };
    }
    case "beta": {
      if (finite) throw invalidArgument("options.family", 'one of "identity", "tanh" at a finite horizon', family);
      if (grid.xMin < -1 || grid.xMax > 1)
        throw invalidArgument("options.grid", "inside (-1, 1) for the beta family", [grid.xMin, grid.xMax]);
      const b0 = init.b ?? -wFixed * mean;
      const k0 = init.kappa ?? 0.2;
      return {
        theta0: [Math.atanh(Math.max(-0.99, Math.min(0.99, b0 / aw))), Math.log(k0)],
        decode: (t) => {
          const kappa = Math.exp(t[1]!);
          return { sigma: "identity", w: wFixed, b: aw * Math.tanh(t[0]!), D: (x: number) => kappa * (1 - x * x), kappa };
        },
        grad: {
          raw: [1, 2],
          scale: (t, p, out) => {
            const th = Math.tanh(t[0]!);
            out[0] = aw * (1 - th * th);
            out[1] = p.kappa!;
          },
          diffusion: (p) => ({
            D: p.D,
            size: 1,
            dD: (x, out) => {
              out[0] = 1 - x * x;
            },
          }),
        },
      };
    }
    case "bimodal": {
      if (finite) throw invalidArgument("options.family", 'one of "identity", "tanh" at a finite horizon', family);
      const L = grid.xMax - grid.xMin;
      const centres =
        options.basisCentres !== undefined
          ? Array.from(requireFiniteArray("options.basisCentres", options.basisCentres))
          : [0, 1, 2, 3, 4, 5, 6].map((j) => grid.xMin + ((j + 0.5) / 7) * L);
      const width = L / (2 * centres.length);
      const d0 = variance * aw;
      const coefIndex = [2, ...centres.map((_, j) => 3 + j)];
      return {
        theta0: [init.b ?? -wFixed * mean, Math.log(d0), ...centres.map(() => Math.log(0.1 * d0))],
        decode: (t) => {
          const coef = [Math.exp(t[1]!), ...centres.map((_, j) => Math.exp(t[2 + j]!))];
          const D = (x: number): number => {
            let s = coef[0]!;
            for (let j = 0; j < centres.length; j++) {
              const u = (x - centres[j]!) / width;
              s += coef[j + 1]! * Math.exp(-0.5 * u * u);
            }
            return s;
          };
          return { sigma: "identity", w: wFixed, b: t[0]!, D, coefficients: coef };
        },
        grad: {
          raw: [1, ...coefIndex],
          scale: (_t, p, out) => {
            out[0] = 1;
            for (let k = 0; k < p.coefficients!.length; k++) out[1 + k] = p.coefficients![k]!;
          },
          diffusion: (p) => ({
            D: p.D,
            size: 1 + centres.length,
            dD: (x, out) => {
              out[0] = 1;
              for (let j = 0; j < centres.length; j++) {
                const u = (x - centres[j]!) / width;
                out[1 + j] = Math.exp(-0.5 * u * u);
              }
            },
          }),
        },
      };
    }
  }
}

function steadyOf(grid: Grid1D, p: FittedParameters, out: Float64Array): Float64Array {
  const c = steadyCoefficients(grid, getActivation(p.sigma), p.w, p.b, p.D);
  return recursionSteadyStateInto(grid, c.z, p.D, out);
}

function allFinite(...v: number[]): boolean {
  return v.every(Number.isFinite);
}

function finish(
  family: FitFamily,
  lossName: FitLoss,
  grid: Grid1D,
  g: Float64Array,
  params: FittedParameters,
  fitted: Float64Array,
  evaluations: number,
  converged: boolean,
  method: FitResult["method"],
): FitResult {
  const losses = { kl: klDivergence(grid, g, fitted), l2: l2Distance(grid, g, fitted), w1: wasserstein1Grid(grid, g, grid, fitted) };
  return {
    family,
    params,
    lossName,
    loss: losses[lossName],
    losses,
    grid,
    target: g,
    fitted,
    // A loss or parameter that overflowed is never a success (e.g. a target narrower than a cell).
    status: !allFinite(losses.kl, losses.l2, losses.w1, params.w, params.b, typeof params.D === "number" ? params.D : 0)
      ? "non-finite"
      : converged
        ? "success"
        : "max-steps",
    method,
    stats: { evaluations },
  };
}

/**
 * Fit the steady state of the stochastic ResNet's Fokker–Planck equation to a target distribution.
 * @param target - density function, `{ samples }`, or `{ density, grid }` (cell averages)
 * @param options - `family` (default `"tanh"`), `loss` (default `"kl"`), `grid`, `w`, `initial`,
 *   `basisCentres`, `method` (default `"gradient"`), `restarts`, `seed`, `maxEvaluations`
 * @returns fitted parameters, the loss (and all three losses), the target and fitted densities on the
 *   grid, the method, status and the number of evaluations
 * @throws KineticError INVALID_ARGUMENT (bad target, options, or a grid outside (-1, 1) for
 *   `"beta"`), SHAPE_MISMATCH (target density length), NOT_FOUND
 * @remarks `"gaussian"` is closed form (one evaluation). Otherwise the loss is minimised over
 *   transformed parameters (w = -e^θ, D = e^θ, κ = e^θ, bump coefficients e^θ, b = |w| tanh θ for
 *   beta), so the constraints always hold. `"gradient"`: L-BFGS on the exact gradient of the
 *   discrete steady state (see `steadyStateSensitivity`), from the initial guess and `restarts`
 *   seeded perturbations of it; status `"success"` only when the best run's largest gradient entry
 *   fell below 1e-9 or its loss stopped changing (by at most 1e-10 relative over 10 steps). `"nelder-mead"`:
 *   derivative-free simplex search with restarts. Each evaluation is one O(n) steady-state recursion
 *   (O(n · P) with the gradient). Fits on a bounded grid with zero-flux walls.
 * @example
 * ```ts
 * const fit = fitSteadyState((x) => Math.exp(-Math.abs(x)) / 2, { family: "tanh", grid: createGrid1D(-10, 10, 400) });
 * fit.params; // { sigma: "tanh", w, b, D }
 * ```
 */
export function fitSteadyState(target: FitTarget, options: FitOptions = {}): FitResult {
  options = requireOptions<FitOptions>("options", options, FIT_OPTION_KEYS);
  const family = requireOneOf("options.family", options.family ?? "tanh", ["gaussian", "identity", "tanh", "beta", "bimodal"] as const);
  const lossName = requireOneOf("options.loss", options.loss ?? "kl", ["kl", "l2", "w1"] as const);
  const { grid, g } = resolveTarget(target, family, options.grid);
  const model = buildModel(family, grid, g, options, false);
  const loss = lossFn(lossName);
  const method = requireOneOf("options.method", options.method === undefined ? "gradient" : options.method, [
    "gradient",
    "nelder-mead",
  ] as const);
  const seed = options.seed !== undefined ? requireInteger("options.seed", options.seed, 0) : 0;
  const f = new Float64Array(grid.n);
  if (family === "gaussian") {
    const p = model.decode(Float64Array.from(model.theta0));
    return finish(family, lossName, grid, g, p, steadyOf(grid, p, new Float64Array(grid.n)), 1, true, "closed-form");
  }
  const restarts = options.restarts !== undefined ? requireInteger("options.restarts", options.restarts, 0, MAX_RESTARTS) : 3;
  const maxEvaluations = options.maxEvaluations !== undefined ? requireInteger("options.maxEvaluations", options.maxEvaluations) : 20000;
  if (method === "gradient") {
    const r = gradientFit(model, grid, g, lossName, restarts, maxEvaluations, seed, options.signal);
    const p = model.decode(r.x);
    return finish(family, lossName, grid, g, p, steadyOf(grid, p, new Float64Array(grid.n)), r.evaluations, r.converged, "gradient");
  }
  const objective = (theta: Float64Array): number => {
    try {
      return loss(grid, g, steadyOf(grid, model.decode(theta), f));
    } catch {
      return Infinity;
    }
  };
  const r = nelderMead(objective, model.theta0, { restarts, maxEvaluations, step: 0.3, ftol: 1e-12, xtol: 1e-9, signal: options.signal });
  const p = model.decode(r.x);
  return finish(family, lossName, grid, g, p, steadyOf(grid, p, new Float64Array(grid.n)), r.evaluations, r.converged, "nelder-mead");
}

/**
 * L-BFGS from the initial guess and `restarts` seeded perturbations of it (θ + 0.5 N(0, 1)), sharing
 * one evaluation budget; the best end point wins, and it is converged only if its own run met the
 * gradient or loss-change criterion.
 */
function gradientFit(
  model: Model,
  grid: Grid1D,
  g: Float64Array,
  lossName: FitLoss,
  restarts: number,
  maxEvaluations: number,
  seed: number,
  signal: AbortSignal | undefined,
): { x: Float64Array; evaluations: number; converged: boolean } {
  const gm = model.grad!;
  const n = grid.n;
  const P = model.theta0.length;
  const f = new Float64Array(n);
  const u = new Float64Array(n);
  const scale = new Float64Array(P);
  let J: Float64Array[] = [];
  const fg = (theta: Float64Array, out: Float64Array): number => {
    const p = model.decode(theta);
    const dm = gm.diffusion(p);
    if (J.length !== 2 + dm.size) J = Array.from({ length: 2 + dm.size }, () => new Float64Array(n));
    steadyStateJacobianInto(grid, getActivation(p.sigma), p.w, p.b, dm, f, J);
    const v = steadyLossValue(lossName, grid, g, f);
    steadyLossDensityGradientInto(lossName, grid, g, f, u);
    gm.scale(theta, p, scale);
    for (let j = 0; j < P; j++) {
      const Jk = J[gm.raw[j]!]!;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += u[i]! * Jk[i]!;
      out[j] = acc * scale[j]!;
    }
    return v;
  };
  const rng = createRng(seed);
  let evaluations = 0;
  let best: { x: Float64Array; f: number; converged: boolean } | undefined;
  for (let start = 0; start <= restarts && evaluations < maxEvaluations; start++) {
    const x0 = model.theta0.map((v) => (start === 0 ? v : v + 0.5 * rng.normal()));
    const r = lbfgs(fg, x0, { maxEvaluations: maxEvaluations - evaluations, signal });
    evaluations += r.evaluations;
    if (best === undefined || r.f < best.f) best = { x: r.x, f: r.f, converged: r.converged };
  }
  return { x: best!.x, evaluations, converged: best!.converged };
}

/**
 * Fit constant (w, b, D) so that the Fokker–Planck solution started at f0 matches a target at time T.
 * @param f0 - initial density on the fit grid: n cell averages or a function
 * @param target - density function, `{ samples }`, or `{ density, grid }`
 * @param T - horizon > 0
 * @param options - `family` (`"tanh"` default, or `"identity"`), `loss`, `grid` (required unless the
 *   target carries one), `initial`, `restarts`, `maxEvaluations`, `steps` (implicit Euler steps,
 *   default 50); `method` must be `"nelder-mead"` (the default here)
 * @returns as {@link fitSteadyState}, `fitted` = f(T)
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH; UNSUPPORTED for `method: "gradient"`
 * @remarks Each evaluation is one implicit Euler Chang–Cooper solve, O(n · steps). w is free in
 *   sign (spreading or aggregation). For σ = identity and Gaussian f0 only the first two moments are
 *   reachable (MODEL.md §6) and (w, b, D) is not identifiable; use a non-Gaussian f0 or σ = tanh.
 * @example
 * ```ts
 * const grid = createGrid1D(-4, 4, 200);
 * const fit = fitFiniteHorizon((x) => (Math.abs(x) < 1 ? 0.5 : 0), { samples: [0.1, 0.4, 0.3, 0.8] }, 1, { grid });
 * ```
 */
export function fitFiniteHorizon(
  f0: ArrayLike<number> | ((x: number) => number),
  target: FitTarget,
  T: number,
  options: FitOptions = {},
): FitResult {
  options = requireOptions<FitOptions>("options", options, FIT_OPTION_KEYS);
  requirePositive("T", T);
  const family = requireOneOf("options.family", options.family ?? "tanh", ["identity", "tanh"] as const);
  const lossName = requireOneOf("options.loss", options.loss ?? "kl", ["kl", "l2", "w1"] as const);
  if (
    requireOneOf("options.method", options.method === undefined ? "nelder-mead" : options.method, ["gradient", "nelder-mead"] as const) ===
    "gradient"
  )
    throw new KineticError(
      "UNSUPPORTED",
      'unsupported: `options.method` "gradient" is for steady states (fitSteadyState); fitFiniteHorizon uses "nelder-mead"',
      { details: { argument: "options.method", value: "gradient" } },
    );
  if (options.seed !== undefined) requireInteger("options.seed", options.seed, 0);
  const { grid, g } = resolveTarget(target, family, options.grid);
  const fInit = normalise(grid, resolveInitialDensity(grid, f0));
  const steps = options.steps !== undefined ? requireInteger("options.steps", options.steps) : 50;
  const model = buildModel(family, grid, g, options, true);
  const loss = lossFn(lossName);
  const restarts = options.restarts !== undefined ? requireInteger("options.restarts", options.restarts, 0, MAX_RESTARTS) : 3;
  const maxEvaluations = options.maxEvaluations !== undefined ? requireInteger("options.maxEvaluations", options.maxEvaluations) : 1500;
  const evolve = (p: FittedParameters): Float64Array => {
    const network = createScalarNetwork({ sigma: p.sigma, w: p.w, b: p.b, T });
    return solveFokkerPlanck({ network, grid, f0: fInit, D: p.D }, { dt: T / steps }).f;
  };
  const objective = (theta: Float64Array): number => {
    try {
      return loss(grid, g, evolve(model.decode(theta)));
    } catch {
      return Infinity;
    }
  };
  const r = nelderMead(objective, model.theta0, { restarts, maxEvaluations, step: 0.3, ftol: 1e-12, xtol: 1e-9, signal: options.signal });
  const p = model.decode(r.x);
  return finish(family, lossName, grid, g, p, evolve(p), r.evaluations, r.converged, "nelder-mead");
}
