/**
 * Steady states of the 1-D Fokker–Planck equation with constant parameters,
 * ∂_x(σ(w x + b) f) = ∂_xx(D f), three ways: the closed-form quadrature
 * f∞ = C/D exp(∫ σ/D) (MODEL.md §7), the discrete null space of the Chang–Cooper operator by its
 * explicit recursion, and time marching; plus the analytic densities on R.
 * @packageDocumentation
 */
import { type Activation, activationInfo, KineticError, resolveActivation, type SolveStatus } from "@kinetic-nde/core";
import { invalidArgument, requireFinite, requireInteger, requireOneOf, requirePositive } from "@kinetic-nde/core/validate";
import { type Grid1D, logGamma } from "@kinetic-nde/datasets";
import { changCooperCoefficients, type ChangCooperCoefficients, type Diffusion1D } from "./chang-cooper.js";
import { compensatedSum, gl3, GL5_NODES, GL5_WEIGHTS, thomasFactor, thomasSolveInPlace } from "./internal/numerics.js";
import { requireGrid1D, validateDiffusion } from "./problem.js";
import { fillImplicitMatrix } from "./solve-1d.js";

/** A constant-parameter 1-D steady-state problem on a bounded grid with zero-flux walls. */
export interface SteadyStateProblem {
  /** Domain (zero-flux walls at both ends). */
  readonly grid: Grid1D;
  /** Activation σ (name or object). */
  readonly sigma: string | Activation;
  /** Weight w. */
  readonly w: number;
  /** Bias b. */
  readonly b: number;
  /** Diffusion: constant D > 0 or D(x) > 0 at every cell centre. */
  readonly D: Diffusion1D;
}

/** Methods of {@link solveSteadyState}. */
export type SteadyStateMethod = "recursion" | "quadrature" | "marching";

/** Options of {@link solveSteadyState}. */
export interface SteadyStateOptions {
  /** Default `"recursion"` (the exact discrete null space, O(n)). */
  readonly method?: SteadyStateMethod;
  /** Throw NO_SOLUTION when no integrable steady state exists on R (see {@link steadyStateExists}); default false. */
  readonly requireIntegrableOnR?: boolean;
  /** Marching: implicit Euler step (default 1). */
  readonly dt?: number;
  /** Marching: stop when Σ|f^{n+1} - f^n|Δx / dt < tol (default 1e-11). */
  readonly tol?: number;
  /** Marching: largest number of steps (default 100 000); then status `"max-steps"`. */
  readonly maxSteps?: number;
}

/** Result of {@link solveSteadyState}. */
export interface SteadyStateResult {
  /** n cell averages, Σ f Δx = 1. */
  readonly f: Float64Array;
  readonly grid: Grid1D;
  readonly method: SteadyStateMethod;
  /** `"success"`, or `"max-steps"` / `"non-finite"` for marching. */
  readonly status: SolveStatus;
  readonly stats: {
    /** Marching steps (0 otherwise). */
    readonly steps: number;
    /** Last marching residual Σ|Δf|Δx/dt (0 otherwise). */
    readonly residual: number;
  };
}

/** Answer of {@link steadyStateExists}. */
export interface SteadyStateExistence {
  /** True when an integrable (probability) steady state exists on R with constant D. */
  readonly exists: boolean;
  /** Why (or why not), in words. */
  readonly reason: string;
}

/**
 * Does ∂_x(σ(wx+b) f) = D ∂_xx f (constant D) have an integrable steady state on R?
 * @param sigma - activation
 * @param w - weight
 * @param b - bias
 * @returns `{ exists, reason }`
 * @throws KineticError INVALID_ARGUMENT / NOT_FOUND for bad input
 * @remarks identity, tanh, leaky ReLU: exactly when w < 0 (restoring drift). sigmoid, softplus
 *   (σ > 0) and ReLU (zero drift on a half-line): never — the density leaks to ±∞. Other
 *   activations: when the drift is bounded away from zero and restoring far from the origin.
 *   On a bounded interval with zero-flux walls a discrete steady state always exists
 *   ({@link solveSteadyState}).
 * @example
 * ```ts
 * steadyStateExists("sigmoid", -1, 0).exists; // false
 * ```
 */
export function steadyStateExists(sigma: string | Activation, w: number, b: number): SteadyStateExistence {
  const act = resolveActivation(sigma);
  requireFinite("w", w);
  requireFinite("b", b);
  if (w === 0) return { exists: false, reason: "w = 0: constant drift σ(b), the density spreads (or drifts) to infinity" };
  const info = activationInfo(act);
  switch (info.steadyState) {
    case "gaussian":
    case "sech-power":
    case "restoring":
      return w < 0
        ? { exists: true, reason: `w < 0: the drift σ(wx+b) is restoring towards x* = -b/w = ${-b / w}` }
        : { exists: false, reason: "w > 0: the drift pushes mass away from x* = -b/w towards ±∞" };
    case "none":
      return info.kind === "relu" || info.kind === "leaky-relu"
        ? { exists: false, reason: "ReLU: zero drift on the half-line w x + b < 0, where the density diffuses away (not integrable)" }
        : { exists: false, reason: `σ = ${act.name} > 0: the drift never points left, so no probability density is stationary on R` };
    case "numeric": {
      const X = (1e3 + Math.abs(b)) / Math.abs(w);
      const aR = act.sigma(w * X + b);
      const aL = act.sigma(-w * X + b);
      return aR < -1e-8 && aL > 1e-8
        ? { exists: true, reason: "the drift is restoring and bounded away from zero far from the origin" }
        : { exists: false, reason: "the drift is not restoring (bounded away from zero) at ±∞" };
    }
  }
}

function noSolution(sigma: Activation, w: number, b: number, reason: string): KineticError {
  return new KineticError(
    "NO_SOLUTION",
    `no solution: no integrable steady state on R for σ = ${sigma.name}, w = ${w}, b = ${b} (${reason}); ` +
      "on a bounded domain with zero-flux walls use solveSteadyState, which always has one",
    { details: { sigma: sigma.name, w, b, reason } },
  );
}

/** A closed-form stationary density on R. */
export interface StationaryDensity {
  /** `"gaussian"` (identity, Ornstein–Uhlenbeck) or `"sech-power"` (tanh). */
  readonly family: "gaussian" | "sech-power";
  /** The density x ↦ f∞(x), normalised on R. */
  readonly pdf: (x: number) => number;
  /** Mean (= centre -b/w). */
  readonly mean: number;
  /** Variance (gaussian: D/|w|; sech-power: computed by quadrature). */
  readonly variance: number;
  /** Family parameters: gaussian `{ mean, variance }`; sech-power `{ centre, rate: |w|, power: 1/(|w|D) }`. */
  readonly params: Readonly<Record<string, number>>;
}

/**
 * Closed-form stationary density on R for constant D (MODEL.md §7).
 * @param sigma - `"identity"` or `"tanh"`
 * @param w - weight (< 0)
 * @param b - bias
 * @param D - constant diffusion > 0
 * @returns identity: N(-b/w, D/|w|); tanh: C sech(w x + b)^{1/(|w| D)},
 *   C = |w| Γ((p+1)/2) / (√π Γ(p/2)), p = 1/(|w| D)
 * @throws KineticError NO_SOLUTION when no integrable steady state exists (w ≥ 0, sigmoid, softplus,
 *   ReLU); UNSUPPORTED for an integrable case without a closed form here (e.g. leaky ReLU);
 *   INVALID_ARGUMENT for bad numbers
 * @example
 * ```ts
 * stationaryDensity("identity", -1, 0.5, 0.3).variance; // 0.3
 * ```
 */
export function stationaryDensity(sigma: string | Activation, w: number, b: number, D: number): StationaryDensity {
  const act = resolveActivation(sigma);
  requirePositive("D", D);
  const ex = steadyStateExists(act, w, b);
  if (!ex.exists) throw noSolution(act, w, b, ex.reason);
  const mu = -b / w;
  const family = activationInfo(act).steadyState;
  if (family === "gaussian") {
    const v = D / Math.abs(w);
    const c = 1 / Math.sqrt(2 * Math.PI * v);
    return {
      family: "gaussian",
      pdf: (x) => c * Math.exp(-((x - mu) ** 2) / (2 * v)),
      mean: mu,
      variance: v,
      params: { mean: mu, variance: v },
    };
  }
  if (family === "sech-power") {
    const aw = Math.abs(w);
    const p = 1 / (aw * D);
    const logC = Math.log(aw) + logGamma((p + 1) / 2) - 0.5 * Math.log(Math.PI) - logGamma(p / 2);
    // ln sech(u) = -|u| - ln((1 + e^{-2|u|})/2)
    const pdf = (x: number): number => {
      const u = Math.abs(w * x + b);
      return Math.exp(logC - p * (u + Math.log1p(Math.exp(-2 * u)) - Math.LN2));
    };
    // variance by quadrature over ±60/(|w| p) standard widths
    const half = (40 + 40 / p) / aw;
    let v = 0;
    const m = 4000;
    const h = (2 * half) / m;
    for (let i = 0; i < m; i++) {
      const x = mu - half + (i + 0.5) * h;
      v += (x - mu) * (x - mu) * pdf(x) * h;
    }
    return { family: "sech-power", pdf, mean: mu, variance: v, params: { centre: mu, rate: aw, power: p } };
  }
  throw new KineticError("UNSUPPORTED", `unsupported: no closed-form stationary density for σ = ${act.name}; use solveSteadyState`, {
    details: { sigma: act.name },
  });
}

/** @internal Assemble zero-flux Chang–Cooper coefficients for a constant-parameter problem. */
export function steadyCoefficients(
  grid: Grid1D,
  act: Activation,
  w: number,
  b: number,
  D: Diffusion1D,
  out?: ChangCooperCoefficients,
): ChangCooperCoefficients {
  const s = act.sigma;
  return changCooperCoefficients(grid, (x) => s(w * x + b), D, "zero-flux", "zero-flux", out);
}

/**
 * Discrete steady state by the explicit recursion f_{i+1}/f_i = α_{i+1/2}/β_{i+1/2}
 * = (D_i/D_{i+1}) e^{z_{i+1/2}}, in log space, normalised to Σ f Δx = 1. Writes into `out`.
 * @internal
 */
export function recursionSteadyStateInto(grid: Grid1D, z: Float64Array, D: Diffusion1D, out: Float64Array): Float64Array {
  const n = grid.n;
  let lf = 0;
  let lD = Math.log(typeof D === "number" ? D : D(grid.xMin + 0.5 * grid.dx));
  out[0] = 0;
  let mx = 0;
  for (let i = 1; i < n; i++) {
    const lDn = typeof D === "number" ? lD : Math.log(D(grid.xMin + (i + 0.5) * grid.dx));
    lf += z[i]! + lD - lDn;
    lD = lDn;
    out[i] = lf;
    if (lf > mx) mx = lf;
  }
  for (let i = 0; i < n; i++) out[i] = Math.exp(out[i]! - mx);
  const c = 1 / (compensatedSum(out) * grid.dx);
  for (let i = 0; i < n; i++) out[i]! *= c;
  return out;
}

/**
 * Cell averages of f∞ = C/D exp(∫ σ(wy+b)/D(y) dy) on the grid, normalised on the grid
 * (5-point Gauss–Legendre per cell, the potential by 3-point Gauss–Legendre), in log space.
 * @internal
 */
export function quadratureSteadyState(grid: Grid1D, act: Activation, w: number, b: number, D: Diffusion1D): Float64Array {
  const n = grid.n;
  const s = act.sigma;
  const g = typeof D === "number" ? (x: number) => s(w * x + b) / D : (x: number) => s(w * x + b) / D(x);
  const logs = new Float64Array(5 * n);
  let phiFace = 0;
  let mx = -Infinity;
  const h = 0.5 * grid.dx;
  for (let i = 0; i < n; i++) {
    const x0 = grid.xMin + i * grid.dx;
    const m = x0 + h;
    for (let q = 0; q < 5; q++) {
      const x = m + h * GL5_NODES[q]!;
      const Dx = typeof D === "number" ? D : D(x);
      if (!(Dx > 0)) throw invalidArgument("D", "positive inside the domain", { x, D: Dx });
      const v = phiFace + gl3(g, x0, x) - Math.log(Dx);
      logs[5 * i + q] = v;
      if (v > mx) mx = v;
    }
    phiFace += gl3(g, x0, x0 + grid.dx);
  }
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let q = 0; q < 5; q++) acc += GL5_WEIGHTS[q]! * Math.exp(logs[5 * i + q]! - mx);
    f[i] = 0.5 * acc;
  }
  const c = 1 / (compensatedSum(f) * grid.dx);
  for (let i = 0; i < n; i++) f[i]! *= c;
  return f;
}

/**
 * Steady state of ∂_t f + ∂_x(σ(wx+b) f) = ∂_xx(D f) on a bounded interval with zero-flux walls.
 * @param problem - `{ grid, sigma, w, b, D }`
 * @param options - `method`: `"recursion"` (default; exact discrete null space of the Chang–Cooper
 *   operator), `"quadrature"` (cell averages of the closed form C/D exp(∫σ/D)), `"marching"`
 *   (implicit Euler from the uniform density to a residual tolerance); `requireIntegrableOnR`
 * @returns `{ f, grid, method, status, stats }` with Σ f Δx = 1
 * @throws KineticError INVALID_ARGUMENT (bad numbers, D ≤ 0 in the domain), NOT_FOUND (activation),
 *   NO_SOLUTION (only with `requireIntegrableOnR` when no integrable steady state exists on R)
 * @remarks On a bounded interval with zero-flux walls the steady state always exists, even for
 *   sigmoid/softplus/ReLU (mass then piles up at a wall). Recursion and quadrature agree to
 *   O(Δx²) (second order; both are exact at cell centres up to the quadrature of ∫σ/D); the
 *   recursion is preserved to round-off by {@link solveFokkerPlanck} steps. Cost O(n) for recursion
 *   and quadrature, O(n · steps) for marching.
 * @example
 * ```ts
 * const { f } = solveSteadyState({ grid: createGrid1D(-5, 5, 1000), sigma: "tanh", w: -1, b: 0.5, D: 0.3 });
 * ```
 */
export function solveSteadyState(problem: SteadyStateProblem, options: SteadyStateOptions = {}): SteadyStateResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const grid = requireGrid1D(problem.grid);
  const act = resolveActivation(problem.sigma);
  const w = requireFinite("w", problem.w);
  const b = requireFinite("b", problem.b);
  const D = validateDiffusion(problem.D);
  const method = requireOneOf("method", options.method ?? "recursion", ["recursion", "quadrature", "marching"] as const);
  if (options.requireIntegrableOnR === true) {
    const ex = steadyStateExists(act, w, b);
    if (!ex.exists) throw noSolution(act, w, b, ex.reason);
  }
  const n = grid.n;
  if (method === "quadrature") {
    return { f: quadratureSteadyState(grid, act, w, b, D), grid, method, status: "success", stats: { steps: 0, residual: 0 } };
  }
  const coef = steadyCoefficients(grid, act, w, b, D);
  if (method === "recursion") {
    const f = recursionSteadyStateInto(grid, coef.z, D, new Float64Array(n));
    return { f, grid, method, status: "success", stats: { steps: 0, residual: 0 } };
  }
  const dt = options.dt !== undefined ? requirePositive("dt", options.dt) : 1;
  const tol = options.tol !== undefined ? requirePositive("tol", options.tol) : 1e-11;
  const maxSteps = options.maxSteps !== undefined ? requireInteger("maxSteps", options.maxSteps) : 100_000;
  const lower = new Float64Array(n);
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const cp = new Float64Array(n);
  const inv = new Float64Array(n);
  fillImplicitMatrix(coef, n, dt / (grid.dx * grid.dx), lower, diag, upper);
  thomasFactor(n, lower, diag, upper, cp, inv);
  const f = new Float64Array(n).fill(1 / (n * grid.dx));
  const prev = new Float64Array(n);
  let residual = Infinity;
  let steps = 0;
  let status: SolveStatus = "max-steps";
  while (steps < maxSteps) {
    prev.set(f);
    const sum = thomasSolveInPlace(n, lower, cp, inv, f);
    steps++;
    if (!Number.isFinite(sum)) {
      status = "non-finite";
      break;
    }
    let r = 0;
    for (let i = 0; i < n; i++) r += Math.abs(f[i]! - prev[i]!);
    residual = (r * grid.dx) / dt;
    if (residual < tol) {
      status = "success";
      break;
    }
  }
  const c = 1 / (compensatedSum(f) * grid.dx);
  for (let i = 0; i < n; i++) f[i]! *= c;
  return { f, grid, method, status, stats: { steps, residual } };
}
