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
import { type DensityObjective, UNDER_RESOLVED_CELL_FRACTION, wasserstein1Grid } from "@kinetic-nde/mean-field";
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
import { fokkerPlanckGradient } from "./adjoint.js";

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
 *   bimodal. At a finite horizon it fits (w, b, d₀, c_j).
 * - `"layerwise"` (finite horizon only): the time-dependent drift σ(w^k x + b^k) with one (w^k, b^k)
 *   per layer of [0, T] (`layers` equal layers, any `activation`, default tanh) and one constant D,
 *   or with `diffusionPerLayer` one D^k = (K^k)²/2 per layer.
 *
 * At a finite horizon w is free in sign and fitted in every family, and `"beta"` fits (w, b, κ).
 */
export type FitFamily = "gaussian" | "identity" | "tanh" | "beta" | "bimodal" | "layerwise";

/** The families of {@link fitSteadyState}. */
type SteadyFamily = Exclude<FitFamily, "layerwise">;

/** Loss between target g and model f: KL(g‖f), L², or Wasserstein-1. */
export type FitLoss = "kl" | "l2" | "w1";

/** Options of {@link fitSteadyState} and {@link fitFiniteHorizon}. */
export interface FitOptions {
  /**
   * Model family (default `"tanh"`). Finite horizons: `"identity"`, `"tanh"`, `"beta"`, `"bimodal"`
   * or `"layerwise"`.
   */
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
   * Optimiser: `"gradient"` (default; L-BFGS on the exact gradient of the discrete steady state, or
   * at a finite horizon of the discrete solve by its adjoint, `fokkerPlanckGradient`) or
   * `"nelder-mead"` (derivative-free).
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
  /** `"layerwise"` only: number of layers, each with its own (w^k, b^k) over an equal share of [0, T] (default 4, at most 1000). */
  readonly layers?: number;
  /** `"layerwise"` only: the activation σ of the drift σ(w^k x + b^k), any of core's (default `"tanh"`). */
  readonly activation?: string;
  /**
   * `"layerwise"` only: one constant diffusion D^k = (K^k)²/2 per layer (`true`) instead of one D over
   * [0, T] (default `false`).
   */
  readonly diffusionPerLayer?: boolean;
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
  "layers",
  "activation",
  "diffusionPerLayer",
  "signal",
];

/** Largest `restarts` (each restart costs at least one loss evaluation; more cannot fit any `maxEvaluations` in reason). */
const MAX_RESTARTS = 1000;

/** Optimisers of the fits: L-BFGS on exact gradients, or derivative-free Nelder–Mead. */
export type FitMethod = "gradient" | "nelder-mead";

/** Fitted parameters. */
export interface FittedParameters {
  /** Activation name (`"identity"` or `"tanh"` except for `"layerwise"`). */
  readonly sigma: string;
  /** w (`"layerwise"`: of the first layer; all of them in `layers`). */
  readonly w: number;
  /** b (`"layerwise"`: of the first layer). */
  readonly b: number;
  /** Constant D, or the fitted function D(x). */
  readonly D: Diffusion1D;
  /** `"beta"`: κ of D(x) = κ(1 - x²). */
  readonly kappa?: number;
  /** `"bimodal"`: [d₀, c_1, …] of D(x). */
  readonly coefficients?: readonly number[];
  /**
   * `"layerwise"`: w^k and b^k of every layer (layer k acts on [kT/L, (k+1)T/L)), and with
   * `diffusionPerLayer` its D^k (then `D` is the first layer's).
   */
  readonly layers?: { readonly w: readonly number[]; readonly b: readonly number[]; readonly D?: readonly number[] };
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
  /**
   * `"success"`, `"max-steps"` (evaluation budget exhausted before convergence), `"non-finite"`, or
   * (finite-horizon gradient fits) `"step-too-small"` (the line search found no decrease before the
   * convergence criteria were met), or `"under-resolved"` (the fit converged, but the fitted density puts
   * more than {@link UNDER_RESOLVED_CELL_FRACTION} of its mass into one cell — D driven towards 0 or a
   * target narrower than the grid — so the fitted parameters describe the grid, not the density; refine
   * the grid). `largestCellFraction` gives that fraction.
   */
  readonly status: SolveStatus;
  /** Fraction of the fitted density's mass in its largest cell (above {@link UNDER_RESOLVED_CELL_FRACTION}: `"under-resolved"`). */
  readonly largestCellFraction: number;
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

function buildModel(family: SteadyFamily, grid: Grid1D, g: Float64Array, options: FitOptions): Model {
  const wFixed = options.w !== undefined ? requireFinite("options.w", options.w) : -1;
  if (wFixed >= 0 && family !== "tanh") throw invalidArgument("options.w", "negative (a restoring drift) for a steady state", wFixed);
  const init = options.initial ?? {};
  const { mean, variance } = momentsOf(grid, g);
  const aw = Math.abs(wFixed);
  switch (family) {
    case "gaussian":
    case "identity": {
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
      const w0 = init.w ?? -1 / Math.sqrt(variance);
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
      const { centres, width } = bimodalBasis(grid, options.basisCentres);
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

/** The bumps of the `"bimodal"` D(x): the given centres or 7 cell-centred points across the grid, width L / (2·count). */
function bimodalBasis(grid: Grid1D, basisCentres: readonly number[] | undefined): { centres: number[]; width: number } {
  const L = grid.xMax - grid.xMin;
  const centres =
    basisCentres !== undefined
      ? Array.from(requireFiniteArray("options.basisCentres", basisCentres))
      : [0, 1, 2, 3, 4, 5, 6].map((j) => grid.xMin + ((j + 0.5) / 7) * L);
  return { centres, width: L / (2 * centres.length) };
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
  let largest = 0;
  for (let i = 0; i < fitted.length; i++) largest = Math.max(largest, fitted[i]! * grid.dx);
  const mass = compensatedSum(fitted) * grid.dx;
  const largestCellFraction = mass > 0 ? largest / mass : Number.NaN;
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
    status: !allFinite(
      losses.kl,
      losses.l2,
      losses.w1,
      params.w,
      params.b,
      typeof params.D === "number" ? params.D : 0,
      ...(params.layers?.w ?? []),
      ...(params.layers?.b ?? []),
      params.kappa ?? 0,
    )
      ? "non-finite"
      : !converged
        ? "max-steps"
        : largestCellFraction > UNDER_RESOLVED_CELL_FRACTION
          ? "under-resolved"
          : "success",
    largestCellFraction,
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
  const model = buildModel(family, grid, g, options);
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

/** The steady-state gradient fit: {@link multiStart} on the exact gradient of the discrete steady state. */
function gradientFit(
  model: Model,
  grid: Grid1D,
  g: Float64Array,
  lossName: FitLoss,
  restarts: number,
  maxEvaluations: number,
  seed: number,
  signal: AbortSignal | undefined,
): { x: Float64Array; evaluations: number; converged: boolean; stalled: boolean } {
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
  return multiStart(fg, model.theta0, restarts, maxEvaluations, seed, signal);
}

/**
 * L-BFGS from θ₀ and `restarts` seeded perturbations of it (θ₀ + 0.5 N(0, 1)), sharing one evaluation
 * budget; the best end point wins, and it is converged only if its own run met the gradient or
 * loss-change criterion.
 */
function multiStart(
  fg: (theta: Float64Array, out: Float64Array) => number,
  theta0: readonly number[],
  restarts: number,
  maxEvaluations: number,
  seed: number,
  signal: AbortSignal | undefined,
): { x: Float64Array; evaluations: number; converged: boolean; stalled: boolean } {
  const rng = createRng(seed);
  let evaluations = 0;
  let best: { x: Float64Array; f: number; converged: boolean; stalled: boolean } | undefined;
  for (let start = 0; start <= restarts && evaluations < maxEvaluations; start++) {
    const x0 = theta0.map((v) => (start === 0 ? v : v + 0.5 * rng.normal()));
    const r = lbfgs(fg, x0, { maxEvaluations: maxEvaluations - evaluations, signal });
    evaluations += r.evaluations;
    if (best === undefined || r.f < best.f) best = { x: r.x, f: r.f, converged: r.converged, stalled: r.reason === "line-search" };
  }
  return { x: best!.x, evaluations, converged: best!.converged, stalled: best!.stalled };
}

/** The families of {@link fitFiniteHorizon}. */
const HORIZON_FAMILIES = ["identity", "tanh", "beta", "bimodal", "layerwise"] as const;

/** Largest `layers` of the `"layerwise"` family. */
const MAX_LAYERS = 1000;

/**
 * The finite-horizon fit objective: θ = (w^1…w^L, b^1…b^L, log q) for the drift σ(w^k x + b^k) on
 * L equal layers of [0, T] and the diffusion's parameters q (D(x) = s·d(x) with d ≡ 1, or 1 - x² for
 * `"beta"`; one D^k per layer; or the bimodal d₀, c_j), the
 * loss between the target and f(T) of the implicit Euler Chang–Cooper solve, and its exact gradient
 * by the discrete adjoint. @internal
 */
export interface FiniteHorizonObjective {
  readonly family: (typeof HORIZON_FAMILIES)[number];
  readonly lossName: FitLoss;
  readonly grid: Grid1D;
  /** The target as normalised cell averages. */
  readonly target: Float64Array;
  /** The starting point θ₀. */
  readonly theta0: readonly number[];
  /** Parameters of θ. */
  readonly decode: (theta: ArrayLike<number>) => FittedParameters;
  /** f(T) of θ by `solveFokkerPlanck`. */
  readonly evolve: (theta: ArrayLike<number>) => Float64Array;
  /** The loss at θ (forward solve only). */
  readonly value: (theta: ArrayLike<number>) => number;
  /** The loss at θ, its gradient written into `out` (NaN when the solve or its adjoint is not finite). */
  readonly valueAndGradient: (theta: ArrayLike<number>, out: Float64Array) => number;
}

/**
 * Validate the inputs of {@link fitFiniteHorizon} and build its objective (everything but the
 * optimiser options). @internal
 */
export function finiteHorizonObjective(
  f0: ArrayLike<number> | ((x: number) => number),
  target: FitTarget,
  T: number,
  options: FitOptions = {},
): FiniteHorizonObjective {
  options = requireOptions<FitOptions>("options", options, FIT_OPTION_KEYS);
  requirePositive("T", T);
  const requested = options.family ?? "tanh";
  if (requested === "gaussian")
    throw new KineticError(
      "UNSUPPORTED",
      'unsupported: `options.family` "gaussian" is the closed-form steady state; at a finite horizon use "identity" (the same Gaussian / OU drift, fitted numerically)',
      { details: { argument: "options.family", value: requested } },
    );
  const family = requireOneOf("options.family", requested, HORIZON_FAMILIES);
  const lossName = requireOneOf("options.loss", options.loss ?? "kl", ["kl", "l2", "w1"] as const);
  if (options.layers !== undefined && family !== "layerwise")
    throw invalidArgument("options.layers", 'given only with family "layerwise"', options.layers);
  if (options.activation !== undefined && family !== "layerwise")
    throw invalidArgument("options.activation", 'given only with family "layerwise" (the other families fix σ)', options.activation);
  if (options.diffusionPerLayer !== undefined && family !== "layerwise")
    throw invalidArgument("options.diffusionPerLayer", 'given only with family "layerwise"', options.diffusionPerLayer);
  if (options.diffusionPerLayer !== undefined && typeof options.diffusionPerLayer !== "boolean")
    throw invalidArgument("options.diffusionPerLayer", "true or false", options.diffusionPerLayer);
  if (options.w !== undefined)
    throw invalidArgument("options.w", "absent at a finite horizon (w is fitted; give a starting value as `options.initial.w`)", options.w);
  if (options.basisCentres !== undefined && family !== "bimodal")
    throw invalidArgument("options.basisCentres", 'given only with family "bimodal"', options.basisCentres);
  const L =
    family === "layerwise" ? (options.layers !== undefined ? requireInteger("options.layers", options.layers, 1, MAX_LAYERS) : 4) : 1;
  const sigma = family === "layerwise" ? (options.activation ?? "tanh") : family === "tanh" ? "tanh" : "identity";
  if (typeof sigma !== "string") throw invalidArgument("options.activation", "an activation name", sigma);
  getActivation(sigma); // NOT_FOUND names the known activations
  const { grid, g } = resolveTarget(target, family, options.grid);
  if (family === "beta" && (grid.xMin < -1 || grid.xMax > 1))
    throw invalidArgument("options.grid", "inside (-1, 1) for the beta family", [grid.xMin, grid.xMax]);
  const fInit = normalise(grid, resolveInitialDensity(grid, f0));
  const steps = options.steps !== undefined ? requireInteger("options.steps", options.steps) : 50;
  if (steps < L) throw invalidArgument("options.steps", `at least \`options.layers\` = ${L} (one step per layer at least)`, steps);
  const init = options.initial ?? {};
  if (typeof init !== "object" || init === null) throw invalidArgument("options.initial", "an object { w, b, D, kappa }", init);
  const w0 = init.w !== undefined ? requireFinite("options.initial.w", init.w) : -0.5;
  const b0 = init.b !== undefined ? requireFinite("options.initial.b", init.b) : 0;
  const s0 =
    family === "beta"
      ? init.kappa !== undefined
        ? requirePositive("options.initial.kappa", init.kappa)
        : 0.2
      : init.D !== undefined
        ? requirePositive("options.initial.D", init.D)
        : 0.1;
  // the diffusion's parameters, as logarithms after (w^1…w^L, b^1…b^L): one scale s (D = s or
  // s(1 - x²)), one D^k per layer, or the bimodal D(x) = d₀ + Σ c_j exp(-(x - m_j)²/(2 width²))
  const perLayer = family === "layerwise" && options.diffusionPerLayer === true;
  const basis = family === "bimodal" ? bimodalBasis(grid, options.basisCentres) : undefined;
  const bump = (j: number, x: number): number => {
    const u = (x - basis!.centres[j]!) / basis!.width;
    return Math.exp(-0.5 * u * u);
  };
  const dD = basis === undefined ? undefined : [() => 1, ...basis.centres.map((_, j) => (x: number) => bump(j, x))];
  const logD0 =
    basis !== undefined
      ? [Math.log(s0), ...basis.centres.map(() => Math.log(0.1 * s0))]
      : new Array<number>(perLayer ? L : 1).fill(Math.log(s0));
  const theta0 = [...new Array<number>(L).fill(w0), ...new Array<number>(L).fill(b0), ...logD0];
  const P = theta0.length;
  const decode = (theta: ArrayLike<number>): FittedParameters => {
    const w = Array.from({ length: L }, (_, k) => theta[k]!);
    const b = Array.from({ length: L }, (_, k) => theta[L + k]!);
    const logs = Array.from({ length: P - 2 * L }, (_, j) => Math.exp(theta[2 * L + j]!));
    if (basis !== undefined) {
      const D = (x: number): number => {
        let v = logs[0]!;
        for (let j = 0; j < basis.centres.length; j++) v += logs[j + 1]! * bump(j, x);
        return v;
      };
      return { sigma, w: w[0]!, b: b[0]!, D, coefficients: logs };
    }
    const s = logs[0]!;
    return {
      sigma,
      w: w[0]!,
      b: b[0]!,
      D: family === "beta" ? (x: number) => s * (1 - x * x) : s,
      ...(family === "beta" ? { kappa: s } : {}),
      ...(family === "layerwise" ? { layers: { w, b, ...(perLayer ? { D: logs } : {}) } } : {}),
    };
  };
  const problemOf = (theta: ArrayLike<number>) => {
    const p = decode(theta);
    const network = createScalarNetwork({ sigma, w: p.layers?.w ?? p.w, b: p.layers?.b ?? p.b, T });
    return { network, grid, f0: fInit, D: p.layers?.D ?? p.D };
  };
  const solveOptions = { dt: T / steps };
  const evolve = (theta: ArrayLike<number>): Float64Array => solveFokkerPlanck(problemOf(theta), solveOptions).f;
  const objective: DensityObjective = {
    nParams: 0,
    evaluate(f, _grid, _theta, gradF) {
      const v = steadyLossValue(lossName, grid, g, f[0]!);
      if (gradF !== null) steadyLossDensityGradientInto(lossName, grid, g, f[0]!, gradF[0]!);
      return v;
    },
  };
  const gradientOptions = dD === undefined ? solveOptions : { ...solveOptions, dD };
  const valueAndGradient = (theta: ArrayLike<number>, out: Float64Array): number => {
    const r = fokkerPlanckGradient(problemOf(theta), objective, gradientOptions);
    if (r.status === "non-finite") return Number.NaN;
    for (let k = 0; k < L; k++) {
      out[k] = r.gradW[k]!;
      out[L + k] = r.gradB[k]!;
    }
    // ∂J/∂ log q = q ∂J/∂q; for a scale s of D, q ∂J/∂q is ∂J/∂(scale of D) at 1
    if (dD !== undefined) for (let j = 0; j < dD.length; j++) out[2 * L + j] = Math.exp(theta[2 * L + j]!) * r.gradD[j]!;
    else if (perLayer) for (let k = 0; k < L; k++) out[2 * L + k] = r.gradDScaleLayers[k]!;
    else out[2 * L] = r.gradDScale;
    return r.loss;
  };
  return {
    family,
    lossName,
    grid,
    target: g,
    theta0,
    decode,
    evolve,
    value: (theta) => steadyLossValue(lossName, grid, g, evolve(theta)),
    valueAndGradient,
  };
}

/**
 * Fit the drift and the diffusion so that the Fokker–Planck solution started at f0 matches a target
 * at time T.
 * @param f0 - initial density on the fit grid: n cell averages or a function
 * @param target - density function, `{ samples }`, or `{ density, grid }`
 * @param T - horizon > 0
 * @param options - `family` (`"tanh"` default, `"identity"`, `"beta"`, `"bimodal"` with
 *   `basisCentres`, or `"layerwise"` with `layers`, `activation` and `diffusionPerLayer`), `loss`, `grid` (required unless the target carries one, or `"beta"`),
 *   `initial` (w, b, and D or κ; every layer starts at the same w, b), `method` (default
 *   `"gradient"`), `restarts`, `seed`, `maxEvaluations` (default 1500), `steps` (implicit Euler
 *   steps, default 50), `signal`
 * @returns as {@link fitSteadyState}, `fitted` = f(T); `"layerwise"` reports every layer in
 *   `params.layers` (with its D^k under `diffusionPerLayer`), `"bimodal"` [d₀, c_1, …] in
 *   `params.coefficients`
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH (bad inputs, naming them); UNSUPPORTED for
 *   `family` `"gaussian"` (closed-form steady state: use `"identity"`); NOT_FOUND for an unknown
 *   `activation`
 * @remarks Parameters θ = (w^1…w^L, b^1…b^L, log D) (log κ for `"beta"`, D(x) = κ(1 - x²); log D^k of
 *   every layer with `diffusionPerLayer`; log d₀, log c_j for `"bimodal"`): w and b free in sign
 *   (spreading or aggregation), D, κ, d₀, c_j > 0 always. The diffusion's gradients come from the same
 *   adjoint sweep (`fokkerPlanckGradient`'s `gradDScaleLayers`, and `gradD` with `dD` = the bumps). `"gradient"`: L-BFGS on the exact
 *   gradient of the discrete solve (one forward implicit Euler Chang–Cooper solve and one adjoint
 *   sweep, `fokkerPlanckGradient`) from the initial guess and `restarts` seeded perturbations
 *   (θ₀ + 0.5 N(0, 1)) sharing `maxEvaluations`; status `"success"` only when the best run's largest
 *   gradient entry fell below 1e-9 or its loss stopped changing (1e-10 relative over 10 steps),
 *   `"step-too-small"` when its line search stalled first, `"max-steps"` otherwise. `"nelder-mead"`: derivative-free simplex search with restarts. Each
 *   evaluation is O(n · steps). For σ = identity and Gaussian f0 only the first two moments are
 *   reachable (MODEL.md §6) and (w, b, D) is not identifiable; use a non-Gaussian f0 or σ = tanh. One
 *   f(T) constrains a few parameters only: with three layers or more, or many bumps, different θ
 *   can reach the same loss (the fit is then a good f(T), not recovered parameters).
 * @example
 * ```ts
 * const grid = createGrid1D(-4, 4, 200);
 * const fit = fitFiniteHorizon((x) => (Math.abs(x) < 1 ? 0.5 : 0), { samples: [0.1, 0.4, 0.3, 0.8] }, 1, { grid });
 * const deep = fitFiniteHorizon((x) => (Math.abs(x) < 1 ? 0.5 : 0), { samples: [0.1, 0.4, 0.3, 0.8] }, 1, {
 *   grid,
 *   family: "layerwise",
 *   layers: 3,
 *   activation: "softplus",
 * });
 * deep.params.layers; // { w: [w¹, w², w³], b: [b¹, b², b³] }
 * const noisy = fitFiniteHorizon((x) => (Math.abs(x) < 1 ? 0.5 : 0), { samples: [0.1, 0.4, 0.3, 0.8] }, 1, {
 *   grid,
 *   family: "layerwise",
 *   layers: 2,
 *   diffusionPerLayer: true,
 * });
 * noisy.params.layers?.D; // [D¹, D²]
 * const bumps = fitFiniteHorizon((x) => (Math.abs(x) < 1 ? 0.5 : 0), { samples: [-1, -0.9, 0.9, 1.1] }, 1, { grid, family: "bimodal" });
 * bumps.params.coefficients; // [d₀, c_1, …, c_7]
 * ```
 */
export function fitFiniteHorizon(
  f0: ArrayLike<number> | ((x: number) => number),
  target: FitTarget,
  T: number,
  options: FitOptions = {},
): FitResult {
  const obj = finiteHorizonObjective(f0, target, T, options);
  const method = requireOneOf("options.method", options.method === undefined ? "gradient" : options.method, [
    "gradient",
    "nelder-mead",
  ] as const);
  const seed = options.seed !== undefined ? requireInteger("options.seed", options.seed, 0) : 0;
  const restarts = options.restarts !== undefined ? requireInteger("options.restarts", options.restarts, 0, MAX_RESTARTS) : 3;
  const maxEvaluations = options.maxEvaluations !== undefined ? requireInteger("options.maxEvaluations", options.maxEvaluations) : 1500;
  const { family, lossName, grid, target: g } = obj;
  let r: { x: Float64Array; evaluations: number; converged: boolean; stalled?: boolean };
  if (method === "gradient") {
    r = multiStart(obj.valueAndGradient, obj.theta0, restarts, maxEvaluations, seed, options.signal);
  } else {
    const objective = (theta: Float64Array): number => {
      try {
        return obj.value(theta);
      } catch {
        return Infinity;
      }
    };
    r = nelderMead(objective, obj.theta0, { restarts, maxEvaluations, step: 0.3, ftol: 1e-12, xtol: 1e-9, signal: options.signal });
  }
  const result = finish(family, lossName, grid, g, obj.decode(r.x), obj.evolve(r.x), r.evaluations, r.converged, method);
  // a line search that found no decrease before the criteria were met is not a budget exhausted
  return result.status === "max-steps" && r.stalled === true ? { ...result, status: "step-too-small" } : result;
}
