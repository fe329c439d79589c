/**
 * Exact derivatives of the discrete 1-D zero-flux steady state with respect to its parameters
 * (MODEL.md §7). The Chang–Cooper null space is the explicit recursion
 * ln f_{i+1} - ln f_i = z_{i+1/2} + ln D_i - ln D_{i+1}, z = ∫ σ(wy+b)/D(y) dy (3-point Gauss–Legendre,
 * exactly as the solver assembles it), followed by the normalisation Σ f Δx = 1; differentiating the
 * recursion term by term (forward mode) gives ∂f/∂θ to round-off, O(n · P) for P parameters.
 * @packageDocumentation
 */
import { type Activation, resolveActivation } from "@kinetic-nde/core";
import { invalidArgument, requireFinite, requireOneOf, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { wasserstein1Grid } from "@kinetic-nde/mean-field";
import type { Diffusion1D } from "./chang-cooper.js";
import { klDivergence, l2Distance } from "./densities.js";
import { GL3_NODES, GL3_WEIGHTS } from "./internal/numerics.js";
import { requireGrid1D, resolveInitialDensity, validateDiffusion } from "./problem.js";
import { recursionSteadyStateInto, type SteadyStateProblem } from "./steady-state.js";

/** A loss between a target g and a model density f on one grid: KL(g‖f), L², or Wasserstein-1. */
export type SteadyStateLoss = "kl" | "l2" | "w1";

/**
 * A parameterised diffusion for the derivative: D(x; q) with ∂D/∂q_k. @internal
 * `dD(x, out)` writes ∂D/∂q_k (x) into out[k], k < size.
 */
export interface DiffusionModel {
  readonly D: Diffusion1D;
  readonly size: number;
  readonly dD: (x: number, out: Float64Array) => void;
}

/** The constant-D model: one parameter, ∂D/∂D = 1. @internal */
export function constantDiffusionModel(D: number): DiffusionModel {
  return {
    D,
    size: 1,
    dD: (_x, out) => {
      out[0] = 1;
    },
  };
}

/**
 * Steady state f (written into `f`, identical to `solveSteadyState`'s recursion) and its Jacobian
 * J[k] = ∂f/∂p_k for p = (w, b, q_0, …, q_{m-1}) (q the parameters of the diffusion model). `z` is
 * scratch of length n + 1, `dl` scratch of length P·n. @internal
 */
export function steadyStateJacobianInto(
  grid: Grid1D,
  act: Activation,
  w: number,
  b: number,
  model: DiffusionModel,
  f: Float64Array,
  J: readonly Float64Array[],
): void {
  const n = grid.n;
  const m = model.size;
  const P = 2 + m;
  const { xMin, dx } = grid;
  const D = model.D;
  const s = act.sigma;
  const ds = act.dsigma;
  const z = new Float64Array(n + 1);
  const dq = new Float64Array(m);
  const dqLeft = new Float64Array(m);
  const dqRight = new Float64Array(m);
  const dz = new Float64Array(P);
  // ln-f increments' derivatives accumulate in J (cumulative sums), normalised below
  for (let k = 0; k < P; k++) J[k]![0] = 0;
  let Dl = typeof D === "number" ? D : D(xMin + 0.5 * dx);
  model.dD(xMin + 0.5 * dx, dqLeft);
  for (let face = 1; face < n; face++) {
    const x0 = xMin + (face - 0.5) * dx;
    const x1 = x0 + dx;
    const mid = 0.5 * (x0 + x1);
    const r = 0.5 * (x1 - x0);
    let acc = 0;
    dz.fill(0);
    for (let q = 0; q < 3; q++) {
      const x = mid + r * GL3_NODES[q]!;
      const u = w * x + b;
      const a = s(u);
      const Dx = typeof D === "number" ? D : D(x);
      const W = GL3_WEIGHTS[q]!;
      // same expression and order as the assembly of z in changCooperCoefficients
      acc += W * (a / Dx);
      const da = (W * ds(u)) / Dx;
      dz[0]! += da * x;
      dz[1]! += da;
      model.dD(x, dq);
      const c = (-W * a) / (Dx * Dx);
      for (let k = 0; k < m; k++) dz[2 + k]! += c * dq[k]!;
    }
    const zf = r * acc;
    if (!Number.isFinite(zf))
      throw invalidArgument("D", "positive and finite at every cell centre (with a finite ∫ σ/D between centres)", { x: x1 });
    z[face] = zf;
    const Dr = typeof D === "number" ? D : D(x1);
    if (!(Dr > 0) || !Number.isFinite(Dr)) throw invalidArgument("D", "positive and finite at every cell centre", { x: x1, D: Dr });
    model.dD(x1, dqRight);
    J[0]![face] = J[0]![face - 1]! + r * dz[0]!;
    J[1]![face] = J[1]![face - 1]! + r * dz[1]!;
    for (let k = 0; k < m; k++) J[2 + k]![face] = J[2 + k]![face - 1]! + r * dz[2 + k]! + dqLeft[k]! / Dl - dqRight[k]! / Dr;
    Dl = Dr;
    dqLeft.set(dqRight);
  }
  recursionSteadyStateInto(grid, z, D, f);
  // f_i = e^{l_i} / (Σ e^{l_j} Δx): ∂f_i = f_i (∂l_i - Σ_j f_j ∂l_j Δx)
  for (let k = 0; k < P; k++) {
    const Jk = J[k]!;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += f[i]! * Jk[i]!;
    mean *= dx;
    for (let i = 0; i < n; i++) Jk[i] = f[i]! * (Jk[i]! - mean);
  }
}

/** Loss value between target g and model f (same grid). @internal */
export function steadyLossValue(name: SteadyStateLoss, grid: Grid1D, g: Float64Array, f: Float64Array): number {
  switch (name) {
    case "kl":
      return klDivergence(grid, g, f);
    case "l2":
      return l2Distance(grid, g, f);
    case "w1":
      return wasserstein1Grid(grid, g, grid, f);
  }
}

/**
 * ∂loss/∂f_i of {@link steadyLossValue} (written into `out`), exact for KL and L² and for the
 * piecewise-smooth W1 of mean-field's `wasserstein1Grid` on one grid (a one-sided derivative on
 * its kinks). @internal
 */
export function steadyLossDensityGradientInto(
  name: SteadyStateLoss,
  grid: Grid1D,
  g: Float64Array,
  f: Float64Array,
  out: Float64Array,
): void {
  const n = grid.n;
  const dx = grid.dx;
  switch (name) {
    case "kl": {
      // KL = Σ g ln(g / max(f, 1e-300)) Δx
      for (let i = 0; i < n; i++) out[i] = g[i]! > 0 && f[i]! > 1e-300 ? (-g[i]! / f[i]!) * dx : 0;
      return;
    }
    case "l2": {
      const L = l2Distance(grid, f, g);
      for (let i = 0; i < n; i++) out[i] = L > 0 ? ((f[i]! - g[i]!) * dx) / L : 0;
      return;
    }
    case "w1": {
      // W1 = Δx Σ_cells c(d_k, d_{k+1}), d_k = F_k - G_k, F_k = S_k / S_n the CDF of f at the knots
      let Sf = 0;
      let Sg = 0;
      for (let i = 0; i < n; i++) {
        Sf += f[i]!;
        Sg += g[i]!;
      }
      const F = new Float64Array(n + 1);
      const G = new Float64Array(n + 1);
      let af = 0;
      let ag = 0;
      for (let i = 0; i < n; i++) {
        af += f[i]!;
        ag += g[i]!;
        F[i + 1] = af / Sf;
        G[i + 1] = ag / Sg;
      }
      F[n] = 1;
      G[n] = 1;
      const u = new Float64Array(n + 1); // ∂W1/∂F_k
      for (let k = 0; k < n; k++) {
        const d0 = F[k]! - G[k]!;
        const d1 = F[k + 1]! - G[k + 1]!;
        if (d0 * d1 >= 0) {
          u[k]! += 0.5 * dx * Math.sign(d0);
          u[k + 1]! += 0.5 * dx * Math.sign(d1);
        } else {
          const A = Math.abs(d0) + Math.abs(d1);
          const N = d0 * d0 + d1 * d1;
          u[k]! += dx * (d0 / A - (N * Math.sign(d0)) / (2 * A * A));
          u[k + 1]! += dx * (d1 / A - (N * Math.sign(d1)) / (2 * A * A));
        }
      }
      // F_0 = 0 and F_n = 1 are constants; ∂F_k/∂f_i = ([i < k] - F_k) / S_n for 0 < k < n
      let uF = 0;
      for (let k = 1; k < n; k++) uF += u[k]! * F[k]!;
      let suffix = 0;
      for (let i = n - 1; i >= 0; i--) {
        if (i + 1 < n) suffix += u[i + 1]!;
        out[i] = (suffix - uF) / Sf;
      }
      return;
    }
  }
}

/** Options of {@link steadyStateSensitivity}. */
export interface SteadyStateSensitivityOptions {
  /**
   * For a D(x) given as a function: its derivatives ∂D/∂q_k (x) with respect to the parameters
   * q_k of D (e.g. `[(x) => 1 - x * x]` for D = κ(1 - x²)). Without them a function D has no
   * parameters here and only w, b are differentiated.
   */
  readonly dD?: readonly ((x: number) => number)[];
  /** Target density on the grid (n cell averages) for the loss and its gradient. */
  readonly target?: ArrayLike<number>;
  /** Loss to differentiate against `target` (default `"kl"`). */
  readonly loss?: SteadyStateLoss;
}

/** Result of {@link steadyStateSensitivity}. */
export interface SteadyStateSensitivityResult {
  /** Steady state (n cell averages, Σ f Δx = 1), the same as `solveSteadyState`'s recursion. */
  readonly f: Float64Array;
  readonly grid: Grid1D;
  /** Parameter names: `"w"`, `"b"`, then `"D"` (constant D) or `"dD[k]"` (the parameter whose ∂D/∂q is `dD[k]`). */
  readonly parameters: readonly string[];
  /** ∂f/∂p, one array of n values per parameter (each sums to 0: the mass stays 1). */
  readonly df: readonly Float64Array[];
  /** With `target`: the loss between the target and f. */
  readonly loss?: number;
  /** With `target`: ∂loss/∂p, one value per parameter. */
  readonly gradient?: Float64Array;
}

/**
 * Exact derivatives of the discrete zero-flux steady state with respect to w, b and the diffusion's
 * parameters (and of a loss against a target).
 * @param problem - `{ grid, sigma, w, b, D }` as for `solveSteadyState` (any activation)
 * @param options - `dD` (derivatives of a D(x) with respect to its parameters), `target`, `loss`
 * @returns `{ f, grid, parameters, df }`, plus `loss` and `gradient` when a target is given
 * @throws KineticError INVALID_ARGUMENT (bad numbers, D ≤ 0 in the domain, unknown option keys),
 *   SHAPE_MISMATCH (target length), NOT_FOUND (activation)
 * @remarks Differentiates the explicit recursion of the Chang–Cooper null space term by term
 *   (forward mode), so the derivative is that of the discrete steady state to round-off, O(n · P).
 *   For the noise amplitude K = √(2D) use ∂/∂K = K ∂/∂D. W1 is piecewise smooth: its gradient is
 *   one-sided where the two CDFs cross at a knot.
 * @example
 * ```ts
 * const grid = createGrid1D(-4, 4, 200);
 * const s = steadyStateSensitivity({ grid, sigma: "tanh", w: -1.2, b: 0.3, D: 0.4 });
 * s.parameters; // ["w", "b", "D"]
 * ```
 */
export function steadyStateSensitivity(
  problem: SteadyStateProblem,
  options: SteadyStateSensitivityOptions = {},
): SteadyStateSensitivityResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  options = requireOptions<SteadyStateSensitivityOptions>("options", options, ["dD", "target", "loss"]);
  const grid = requireGrid1D(problem.grid);
  const act = resolveActivation(problem.sigma);
  const w = requireFinite("w", problem.w);
  const b = requireFinite("b", problem.b);
  const D = validateDiffusion(problem.D);
  let model: DiffusionModel;
  let names: string[];
  if (typeof D === "number") {
    if (options.dD !== undefined) throw invalidArgument("options.dD", "absent for a constant D (its parameter is D itself)", "given");
    model = constantDiffusionModel(D);
    names = ["w", "b", "D"];
  } else {
    const dD = options.dD ?? [];
    if (!Array.isArray(dD)) throw invalidArgument("options.dD", "an array of functions x => ∂D/∂q_k (x)", dD);
    dD.forEach((fn, k) => {
      if (typeof fn !== "function") throw invalidArgument(`options.dD[${k}]`, "a function x => ∂D/∂q_k (x)", fn);
    });
    model = {
      D,
      size: dD.length,
      dD: (x, out) => {
        for (let k = 0; k < dD.length; k++) {
          const v = dD[k]!(x);
          if (!Number.isFinite(v)) throw invalidArgument(`options.dD[${k}]`, "finite at every point of the domain", { x, value: v });
          out[k] = v;
        }
      },
    };
    names = ["w", "b", ...dD.map((_, k) => `dD[${k}]`)];
  }
  const n = grid.n;
  const f = new Float64Array(n);
  const df = names.map(() => new Float64Array(n));
  steadyStateJacobianInto(grid, act, w, b, model, f, df);
  if (options.target === undefined) {
    if (options.loss !== undefined) throw invalidArgument("options.target", "given with options.loss", undefined);
    return { f, grid, parameters: names, df };
  }
  const lossName = requireOneOf("options.loss", options.loss ?? "kl", ["kl", "l2", "w1"] as const);
  if (options.target.length !== n) throw shapeMismatch("options.target", `${n} cell averages`, options.target.length);
  const g = resolveInitialDensity(grid, options.target, "options.target");
  const loss = steadyLossValue(lossName, grid, g, f);
  const u = new Float64Array(n);
  steadyLossDensityGradientInto(lossName, grid, g, f, u);
  const gradient = new Float64Array(names.length);
  for (let k = 0; k < names.length; k++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += u[i]! * df[k]![i]!;
    gradient[k] = acc;
  }
  return { f, grid, parameters: names, df, loss, gradient };
}
