/**
 * Sensitivities of the 1-D Vlasov solution with respect to the weight w and bias b (MODEL.md §5):
 * the discrete tangent of the upwind finite-volume scheme (f_w, f_b solved alongside f), and
 * per-trajectory sensitivities ∂_w x, ∂_b x.
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, type SolveStatus, checkEnsemble, checkNetwork, resolveTimeline } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFits,
  requireInteger,
  requireOneOf,
  requireOptions,
  requirePositive,
} from "@kinetic-nde/core/validate";
import {
  type AdvectionBoundary,
  type FaceCoefficients1D,
  type Limiter,
  advectionStage1D,
  createFaceCoefficients1D,
  faceCoefficients1DInto,
  limitedSlopesTangentInto,
  stridedSlopes,
} from "./fluxes.js";
import { type Grid1D, cellCenters } from "@kinetic-nde/datasets";
import { type InitialDensity1D, givenOrAutoGrid1D, resolveInitialDensity1D } from "./initial.js";
import type { TimeStepper } from "./vlasov.js";

/** A 1-D sensitivity problem (as {@link VlasovProblem} with one density). */
export interface SensitivityProblem {
  readonly params: NetworkParams;
  readonly f0: InitialDensity1D;
  readonly grid?: Grid1D;
  readonly tSpan?: readonly [number, number];
}

/** Options of {@link solveVlasovSensitivity}. */
export interface SensitivityOptions {
  /** Spatial scheme, default "upwind"; "muscl" differentiates the limited reconstruction too. */
  readonly scheme?: "upwind" | "muscl";
  /** MUSCL limiter, default "van-leer". */
  readonly limiter?: Limiter;
  /** Time stepper, default "euler". */
  readonly timeStepper?: TimeStepper;
  /** CFL number (default 0.9) — or a fixed `dt`. */
  readonly cfl?: number;
  readonly dt?: number;
  /** Boundary, default "zero-flux". */
  readonly boundary?: AdvectionBoundary;
  /** Cells of the automatic grid, default 400. */
  readonly n?: number;
}

/**
 * Largest fraction of the mass in one cell above which {@link solveVlasovSensitivity} reports
 * `"under-resolved"`. Derivation: the tangent is driven by −∂_x(x σ' f), so it needs ∂_x f resolved.
 * A one-sided (upwind) difference of a density of standard deviation s has a relative slope error of
 * about Δx/(2s); keeping it at or below 1/4 needs s ≥ 2Δx, and a Gaussian with s = 2Δx centred on a
 * cell puts erf(1/(4√2)) ≈ 0.197 of its mass in that cell. Measured (σ = id, w = −1.2, b = 0.4):
 * fractions ≤ 0.2 give ∂m₁/∂w within the scheme's O(Δx); fractions ≥ 0.4 give errors of 15 % to 100 %.
 */
export const UNDER_RESOLVED_CELL_FRACTION = 0.2;

/** Result of {@link solveVlasovSensitivity}. */
export interface SensitivityResult {
  /** f(T) (cell averages). */
  readonly f: Float64Array;
  /** ∂f(T)/∂w: derivative with respect to a common shift of every layer's w (zero total mass). */
  readonly fw: Float64Array;
  /** ∂f(T)/∂b likewise. */
  readonly fb: Float64Array;
  readonly grid: Grid1D;
  /**
   * `"success"`; `"non-finite"`; or `"under-resolved"` when the density collapsed onto a few cells
   * (largest cell fraction above {@link UNDER_RESOLVED_CELL_FRACTION} at the end of some layer):
   * f_w, f_b are then the exact tangent of the scheme but not sensitivities of the PDE (see `message`).
   */
  readonly status: SolveStatus;
  /** Why the status is not `"success"`, and what to use instead; absent on success. */
  readonly message?: string;
  /**
   * Resolution of f: the largest fraction of the mass in one cell and the smallest standard deviation
   * in cells (s/Δx), both over the end of every layer and T.
   */
  readonly resolution: { readonly maxCellFraction: number; readonly spreadCells: number };
  readonly stats: { readonly steps: number; readonly maxCfl: number; readonly rhsEvals: number };
  /** Moments m_k = Σ x_c^k f Δx (k = 0, 1, 2) and their derivatives. */
  readonly moments: { readonly m: Float64Array; readonly dw: Float64Array; readonly db: Float64Array };
}

/**
 * Solve f together with its sensitivities f_w = ∂f/∂w and f_b = ∂f/∂b (1-D), by the exact discrete
 * tangent of the finite-volume scheme (upwind, or MUSCL with its limiter differentiated branch-wise):
 * the flux F = a⁺f⁻ + a⁻f⁺ is differentiated with a_w = x σ'(wx + b), a_b = σ'(wx + b) at the faces. This discretises
 * ∂_t f_w + ∂_x(σ f_w) = -∂_x(x σ' f), f_w(0) = 0 (and likewise for b) with the same upwind scheme,
 * and gives the derivative of the discrete solution exactly (finite differences of solveVlasov with
 * the same fixed dt agree to O(ε²)). For a layered network, w and b mean a common shift of every layer.
 * @param problem - `{ params (d = 1), f0, grid?, tSpan? }`
 * @param options - timeStepper, cfl | dt, boundary, n
 * @returns `{ f, fw, fb, grid, status, message?, resolution, stats, moments }`; status `"under-resolved"`
 *   when the density collapsed into a cell or two (long times in a contracting field: the upwind scheme's
 *   numerical diffusion pins it at O(Δx) width, and f_w, f_b → 0 though the PDE's ∂m₁/∂w → b/w²)
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH, UNSUPPORTED (d ≠ 1), UNSTABLE (dt above the CFL limit: 1 upwind, 0.5 MUSCL)
 * @remarks What works where the density collapses: moment sensitivities from the moment equations
 * (`@kinetic-nde/moments`; exact for σ = id), {@link trajectorySensitivities} (E[ℓ'(x(T)) ∂x(T)]), and for
 * D > 0 the steady-state sensitivity by implicit differentiation of the Fokker–Planck steady state.
 *  Same order as the scheme; MUSCL's limiters are piecewise smooth, so its tangent is the
 * derivative wherever no limiter switches branch (finite differences agree except across a switch).
 * The time steps come from the unperturbed field (held fixed under perturbation). f_w and f_b carry zero mass to rounding with zero-flux or periodic boundaries.
 * Cost ≈ 5× solveVlasov with the same scheme.
 * @example
 * ```ts
 * const s = solveVlasovSensitivity({ params, grid, f0 });
 * const dJdw = lossSensitivity(s.grid, s.fw, (x) => x * x);
 * ```
 */
export function solveVlasovSensitivity(problem: SensitivityProblem, options: SensitivityOptions = {}): SensitivityResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  requireOptions("problem", problem, ["params", "f0", "grid", "tSpan"]);
  const params = checkNetwork(problem.params, "params");
  if (params.d !== 1)
    throw new KineticError("UNSUPPORTED", `solveVlasovSensitivity is 1-D; got d = ${params.d} (use solveVlasovSensitivity2D for d = 2)`);
  const t0 = requireFinite("tSpan[0]", problem.tSpan?.[0] ?? 0);
  const t1 = requireFinite("tSpan[1]", problem.tSpan?.[1] ?? params.T);
  if (!(t1 >= t0)) throw invalidArgument("tSpan", "[t0, t1] with t1 ≥ t0", problem.tSpan);
  options = requireOptions<SensitivityOptions>("options", options, ["scheme", "limiter", "timeStepper", "cfl", "dt", "boundary", "n"]);
  const scheme = requireOneOf("scheme", options.scheme ?? "upwind", ["upwind", "muscl"] as const);
  const limiter = requireOneOf("limiter", options.limiter ?? "van-leer", ["minmod", "mc", "van-leer"] as const);
  const muscl = scheme === "muscl";
  const climit = muscl ? 0.5 : 1;
  const stepper = requireOneOf("timeStepper", options.timeStepper ?? "euler", ["euler", "ssp-rk2", "ssp-rk3"] as const);
  const boundary = requireOneOf("boundary", options.boundary ?? "zero-flux", ["zero-flux", "outflow", "periodic"] as const);
  let cfl = 0.9,
    fixed: number | null = null;
  if (options.dt !== undefined) fixed = requirePositive("dt", options.dt);
  else {
    cfl = requirePositive("cfl", options.cfl ?? (muscl ? 0.45 : 0.9));
    if (cfl > climit) throw invalidArgument("cfl", `at most ${climit} for the ${scheme} scheme`, cfl);
  }
  const grid = givenOrAutoGrid1D(params, problem.grid, problem.f0, options.n, t0, t1);
  if (grid.kind !== "1d") throw new KineticError("SHAPE_MISMATCH", "shape mismatch: `grid` must be 1-D");
  const g = grid;
  const n = g.n;
  const periodic = boundary === "periodic";
  let f: Float64Array = resolveInitialDensity1D(g, problem.f0);
  let fw: Float64Array = new Float64Array(n),
    fb: Float64Array = new Float64Array(n);
  let F1: Float64Array = new Float64Array(n),
    W1: Float64Array = new Float64Array(n),
    B1: Float64Array = new Float64Array(n);
  const F2 = new Float64Array(n),
    W2 = new Float64Array(n),
    B2 = new Float64Array(n);
  const c = createFaceCoefficients1D(n),
    cw = createFaceCoefficients1D(n),
    cb = createFaceCoefficients1D(n);
  const vel = new Float64Array(n + 1),
    dvw = new Float64Array(n + 1),
    dvb = new Float64Array(n + 1);
  const setLayer = (k: number) => {
    const w = params.W[k]!,
      b = params.b[k]!;
    for (let j = 0; j <= n; j++) {
      const x = g.xMin + j * g.dx,
        z = w * x + b;
      vel[j] = params.sigma.sigma(z);
      const ds = params.sigma.dsigma(z);
      dvw[j] = x * ds;
      dvb[j] = ds;
    }
    faceCoefficients1DInto(g, vel, boundary, c);
    // derivative of a⁺ = max(a, 0) is [a > 0]·a_θ, of a⁻ = min(a, 0) is [a < 0]·a_θ; boundary baked the same way
    for (const [dv, out] of [
      [dvw, cw],
      [dvb, cb],
    ] as [Float64Array, FaceCoefficients1D][]) {
      for (let j = 0; j <= n; j++) {
        out.ap[j] = vel[j]! > 0 ? dv[j]! : 0;
        out.am[j] = vel[j]! < 0 ? dv[j]! : 0;
      }
      if (boundary === "zero-flux") out.ap[0] = out.am[0] = out.ap[n] = out.am[n] = 0;
      else if (boundary === "outflow") (out.ap[0] = 0), (out.am[n] = 0);
      else (out.ap[n] = out.ap[0]!), (out.am[n] = out.am[0]!);
    }
  };
  // one Euler-type stage on (f, fw, fb): dst = a·base + (1-a)(src - h ΔF/Δx) and its tangent
  const sf = muscl ? new Float64Array(n) : null,
    sg = muscl ? new Float64Array(n) : null;
  const stage = (
    fs: Float64Array,
    ws: Float64Array,
    bs: Float64Array,
    fd: Float64Array,
    wd: Float64Array,
    bd: Float64Array,
    h: number,
    a: number,
    fbse: Float64Array,
    wbse: Float64Array,
    bbse: Float64Array,
  ) => {
    const c2 = ((1 - a) * h) / g.dx;
    if (sf) stridedSlopes(fs, sf, n, 1, 1, 0, limiter, periodic);
    advectionStage1D(c, fs, sf, periodic, a, fbse, 1 - a, c2, fd);
    // tangent: the flux is linear in (reconstructed) values, so dF = F(c; g, ds) + F(c_θ; f, s)
    if (sg) limitedSlopesTangentInto(fs, ws, limiter, periodic, sg);
    advectionStage1D(c, ws, sg, periodic, a, wbse, 1 - a, c2, wd);
    advectionStage1D(cw, fs, sf, periodic, 1, wd, 0, c2, wd);
    if (sg) limitedSlopesTangentInto(fs, bs, limiter, periodic, sg);
    advectionStage1D(c, bs, sg, periodic, a, bbse, 1 - a, c2, bd);
    advectionStage1D(cb, fs, sf, periodic, 1, bd, 0, c2, bd);
  };
  let t = t0,
    steps = 0,
    rhsEvals = 0,
    maxCfl = 0;
  let status: SolveStatus = "success";
  let maxCellFraction = 0,
    spreadCells = Number.POSITIVE_INFINITY;
  // largest cell fraction and standard deviation in cells of the current f
  const xcr = cellCenters(g);
  const measure = () => {
    let m0 = 0,
      m1 = 0,
      m2 = 0,
      big = 0;
    for (let i = 0; i < n; i++) {
      const v = f[i]!,
        x = xcr[i]!;
      m0 += v;
      m1 += v * x;
      m2 += v * x * x;
      if (Math.abs(v) > big) big = Math.abs(v);
    }
    if (!(m0 > 0)) return;
    const mean = m1 / m0;
    maxCellFraction = Math.max(maxCellFraction, big / m0);
    spreadCells = Math.min(spreadCells, Math.sqrt(Math.max(0, m2 / m0 - mean * mean)) / g.dx);
  };
  for (const seg of resolveTimeline(params, undefined, { t0, tEnd: t1 }).segments) {
    const stop = seg.t1;
    const k = seg.layer;
    setLayer(k);
    const span = stop - t;
    let h = fixed ?? (c.rate > 0 ? cfl / c.rate : span);
    if (fixed !== null && Math.min(h, span) * c.rate > climit * (1 + 1e-12)) {
      throw new KineticError(
        "UNSTABLE",
        `CFL violation: dt = ${fixed} gives CFL number ${(Math.min(h, span) * c.rate).toPrecision(4)} > ${climit} for the ${scheme} scheme in layer ${k}; use dt ≤ ${(climit / c.rate).toPrecision(4)}`,
      );
    }
    if (!(h < span)) h = span;
    const ns = Math.max(1, Math.ceil(span / h - 1e-9));
    const hLast = span - (ns - 1) * h;
    for (let s = 0; s < ns; s++) {
      const hs = s < ns - 1 ? h : hLast;
      maxCfl = Math.max(maxCfl, hs * c.rate);
      if (stepper === "euler") {
        stage(f, fw, fb, F1, W1, B1, hs, 0, f, fw, fb);
        [f, F1] = [F1, f];
        [fw, W1] = [W1, fw];
        [fb, B1] = [B1, fb];
        rhsEvals += 1;
      } else if (stepper === "ssp-rk2") {
        stage(f, fw, fb, F1, W1, B1, hs, 0, f, fw, fb);
        stage(F1, W1, B1, f, fw, fb, hs, 0.5, f, fw, fb);
        rhsEvals += 2;
      } else {
        stage(f, fw, fb, F1, W1, B1, hs, 0, f, fw, fb);
        stage(F1, W1, B1, F2, W2, B2, hs, 0.75, f, fw, fb);
        stage(F2, W2, B2, f, fw, fb, hs, 1 / 3, f, fw, fb);
        rhsEvals += 3;
      }
      steps++;
      t = s < ns - 1 ? t + hs : stop;
    }
    if (!Number.isFinite(f[0]! + fw[n >> 1]! + fb[n - 1]!)) {
      status = "non-finite";
      break;
    }
    measure();
  }
  measure();
  let message: string | undefined;
  if (status === "non-finite") message = "f, f_w or f_b overflowed (non-finite values)";
  else if (maxCellFraction > UNDER_RESOLVED_CELL_FRACTION) {
    status = "under-resolved";
    message =
      `the density collapsed: ${(100 * maxCellFraction).toFixed(1)} % of the mass in one cell (above ${100 * UNDER_RESOLVED_CELL_FRACTION} %), ` +
      `standard deviation ${spreadCells.toPrecision(3)} cells; f_w, f_b are the scheme's tangent, not the PDE's sensitivities. ` +
      "Use the moment equations' sensitivities (@kinetic-nde/moments; exact for σ = id), trajectorySensitivities, " +
      "or for D > 0 the steady-state sensitivity by implicit differentiation; a finer grid only postpones the collapse";
  }
  const xc = xcr;
  const m = new Float64Array(3),
    dw = new Float64Array(3),
    db = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    let p = g.dx;
    for (let kk = 0; kk < 3; kk++) {
      m[kk] = m[kk]! + p * f[i]!;
      dw[kk] = dw[kk]! + p * fw[i]!;
      db[kk] = db[kk]! + p * fb[i]!;
      p *= xc[i]!;
    }
  }
  return {
    f,
    fw,
    fb,
    grid: g,
    status,
    ...(message === undefined ? {} : { message }),
    resolution: { maxCellFraction, spreadCells },
    stats: { steps, maxCfl, rhsEvals },
    moments: { m, dw, db },
  };
}

/**
 * Sensitivity of a loss J = ∫ ℓ f(T) dx (midpoint rule on the grid: Σ ℓ(x_c) g_c Δx) for a
 * sensitivity density g = f_w or f_b: dJ/dθ = ∫ ℓ f_θ(T).
 * @param grid - the grid
 * @param g - sensitivity (or density) cell averages
 * @param ell - loss ℓ(x)
 * @returns Σ ℓ(x_c) g_c Δx
 * @throws KineticError SHAPE_MISMATCH
 * @example
 * ```ts
 * const dJdw = lossSensitivity(s.grid, s.fw, (x) => (x - 1) ** 2);
 * ```
 */
export function lossSensitivity(grid: Grid1D, g: Float64Array, ell: (x: number) => number): number {
  if (g.length !== grid.n) throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`g\` must have ${grid.n} values; got ${g.length}`);
  let s = 0,
    comp = 0;
  for (let i = 0; i < grid.n; i++) {
    const y = ell(grid.xMin + (i + 0.5) * grid.dx) * g[i]! - comp;
    const tt = s + y;
    comp = tt - s - y;
    s = tt;
  }
  return s * grid.dx;
}

/** Result of {@link trajectorySensitivities}. */
export interface TrajectorySensitivities {
  /** x(T) per particle. */
  readonly x: Float64Array;
  /** ∂x(T)/∂w per particle. */
  readonly dxdw: Float64Array;
  /** ∂x(T)/∂b per particle. */
  readonly dxdb: Float64Array;
}

/** Work limit of {@link trajectorySensitivities}: 1e10 particle RK4 steps (M · layers · substeps). */
export const MAX_TRAJECTORY_STEPS = 1e10;

/**
 * Per-trajectory sensitivities of the 1-D neural ODE: integrates x' = σ(wx + b),
 * (∂_w x)' = σ'(wx + b)(x + w ∂_w x), (∂_b x)' = σ'(wx + b)(1 + w ∂_b x), both from 0, by RK4 with
 * `substeps` steps per layer (w, b: a common shift of every layer's parameters).
 * Then ∂_w E[ℓ(x(T))] = E[ℓ'(x(T)) ∂_w x(T)].
 * @param params - network (d = 1)
 * @param x0 - M initial points
 * @param options - substeps per layer (default 64), tSpan (default [0, T])
 * @returns `{ x, dxdw, dxdb }` (M values each)
 * @throws KineticError INVALID_ARGUMENT (bad or unknown option), UNSUPPORTED (d ≠ 1), TOO_LARGE (M · layers ·
 *   substeps above 1e10 particle RK4 steps, naming `substeps` and the largest that fits)
 * @remarks Fourth order in the substep; O(M · layers · substeps).
 * @example
 * ```ts
 * const s = trajectorySensitivities(params, new Float64Array([0, 1]));
 * ```
 */
export function trajectorySensitivities(
  params: NetworkParams,
  x0: Float64Array,
  options: { readonly substeps?: number; readonly tSpan?: readonly [number, number] } = {},
): TrajectorySensitivities {
  checkNetwork(params, "params");
  if (params.d !== 1) throw new KineticError("UNSUPPORTED", `trajectorySensitivities is 1-D; got d = ${params.d}`);
  const M = checkEnsemble(x0, 1, "x0");
  options = requireOptions<{ readonly substeps?: number; readonly tSpan?: readonly [number, number] }>("options", options, [
    "substeps",
    "tSpan",
  ]);
  const sub = requireInteger("substeps", options.substeps ?? 64, 1);
  const t0 = requireFinite("tSpan[0]", options.tSpan?.[0] ?? 0);
  const t1 = requireFinite("tSpan[1]", options.tSpan?.[1] ?? params.T);
  const tl = resolveTimeline(params, undefined, { t0, tEnd: t1, name: "tSpan" });
  // work: M particles × segments × substeps RK4 steps, refused up front above MAX_TRAJECTORY_STEPS
  requireFits("substeps", sub, M * Math.max(1, tl.segments.length), MAX_TRAJECTORY_STEPS, "particle RK4 steps");
  const s = params.sigma.sigma,
    ds = params.sigma.dsigma;
  const x = Float64Array.from(x0),
    xw = new Float64Array(M),
    xb = new Float64Array(M);
  for (const seg of tl.segments) {
    const ta = seg.t0,
      tb = seg.t1;
    const k = seg.layer;
    const w = params.W[k]!,
      b = params.b[k]!;
    const h = (tb - ta) / sub;
    const rhs = (X: number, Yw: number, Yb: number, out: Float64Array) => {
      const z = w * X + b,
        d1 = ds(z);
      out[0] = s(z);
      out[1] = d1 * (X + w * Yw);
      out[2] = d1 * (1 + w * Yb);
    };
    const k1 = new Float64Array(3),
      k2 = new Float64Array(3),
      k3 = new Float64Array(3),
      k4 = new Float64Array(3);
    for (let i = 0; i < M; i++) {
      let X = x[i]!,
        Yw = xw[i]!,
        Yb = xb[i]!;
      for (let st = 0; st < sub; st++) {
        rhs(X, Yw, Yb, k1);
        rhs(X + 0.5 * h * k1[0]!, Yw + 0.5 * h * k1[1]!, Yb + 0.5 * h * k1[2]!, k2);
        rhs(X + 0.5 * h * k2[0]!, Yw + 0.5 * h * k2[1]!, Yb + 0.5 * h * k2[2]!, k3);
        rhs(X + h * k3[0]!, Yw + h * k3[1]!, Yb + h * k3[2]!, k4);
        X += (h / 6) * (k1[0]! + 2 * k2[0]! + 2 * k3[0]! + k4[0]!);
        Yw += (h / 6) * (k1[1]! + 2 * k2[1]! + 2 * k3[1]! + k4[1]!);
        Yb += (h / 6) * (k1[2]! + 2 * k2[2]! + 2 * k3[2]! + k4[2]!);
      }
      x[i] = X;
      xw[i] = Yw;
      xb[i] = Yb;
    }
  }
  return { x, dxdw: xw, dxdb: xb };
}
