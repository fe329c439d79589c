/**
 * Sensitivities of the 2-D Vlasov solution with respect to every entry of W and b: the exact discrete
 * tangent (forward mode) of the unsplit finite-volume scheme that `solveVlasov` runs on a 2-D grid
 * (upwind, or MUSCL with its limiter differentiated branch-wise, with any SSP time stepper).
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, type SolveStatus, checkNetwork, resolveTimeline } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFits,
  requireInteger,
  requireOneOf,
  requireOptions,
  requirePositive,
} from "@kinetic-nde/core/validate";
import type { Grid2D } from "@kinetic-nde/datasets";
import {
  type AdvectionBoundary,
  type FaceCoefficients2D,
  type Limiter,
  type SpatialScheme,
  advectionStage2D,
  applyFaceBoundaries2D,
  createFaceCoefficients2D,
  networkFaceCoefficients2DInto,
  stridedSlopes,
} from "./fluxes.js";
import { type InitialDensity2D, autoGrid2D, resolveInitialDensity2D } from "./initial.js";
import { scanDensity, zeroRoundoffNegatives } from "./internal/density-check.js";
import { UNDER_RESOLVED_CELL_FRACTION } from "./sensitivity.js";
import { DEFAULT_MAX_CELL_UPDATES, type TimeStepper } from "./vlasov.js";

/** A 2-D sensitivity problem (as `VlasovProblem` with one density on a 2-D grid). */
export interface SensitivityProblem2D {
  /** The network, d = 2 (any number of layers). */
  readonly params: NetworkParams;
  /** Initial density: nx·ny cell averages on `grid` (index i*ny + j) or a point-value function (x, y) => f. */
  readonly f0: InitialDensity2D;
  /** The grid; default `autoGrid2D` from a function `f0` with `options.n` cells. */
  readonly grid?: Grid2D;
  /** Time interval, default [0, params.T]. */
  readonly tSpan?: readonly [number, number];
}

/** Options of {@link solveVlasovSensitivity2D}; the solver options have `solveVlasov`'s meaning. */
export interface SensitivityOptions2D {
  /** Spatial scheme, default "upwind"; "muscl" differentiates the limited reconstruction too. */
  readonly scheme?: SpatialScheme;
  /** MUSCL limiter, default "van-leer". */
  readonly limiter?: Limiter;
  /** Time stepper, default "euler" for upwind and "ssp-rk3" for MUSCL (as `solveVlasov`). */
  readonly timeStepper?: TimeStepper;
  /** CFL number of the unperturbed field, default 0.9 (upwind) / 0.45 (MUSCL) — or a fixed `dt` (not both). */
  readonly cfl?: number;
  readonly dt?: number;
  /** Boundary, default "zero-flux". */
  readonly boundary?: AdvectionBoundary;
  /** Times at which f and its tangents are also returned (array within tSpan, or a count), as `solveVlasov`. */
  readonly saveAt?: ArrayLike<number> | number;
  /** Cells of the automatic grid: n or [nx, ny], default 128 × 128 (as `solveVlasov`). */
  readonly n?: number | readonly [number, number];
  /**
   * false (default): one parameter per entry of W and of b, shifting that entry in every layer at once
   * (6 tangents); true: one per entry per layer, ∂f/∂W^k_ij and ∂f/∂b^k_i (6·L tangents, laid out as
   * `params.W` then `params.b`).
   */
  readonly perLayer?: boolean;
  /**
   * Work limit in cell-updates (cells × time steps × stages × (1 + 2·tangents)), default 1e10 as
   * `solveVlasov`; a larger solve is refused with TOO_LARGE naming `n` or `grid`.
   */
  readonly maxCellUpdates?: number;
}

/** Result of {@link solveVlasovSensitivity2D}. */
export interface SensitivityResult2D {
  /** f(T): nx·ny cell averages (index i*ny + j), equal to `solveVlasov`'s f with the same options. */
  readonly f: Float64Array;
  readonly grid: Grid2D;
  /**
   * Parameter names, one per tangent: `["W00", "W01", "W10", "W11", "b0", "b1"]`, or with `perLayer`
   * `W[k]ij` for every layer k then `b[k]i` (the order of `params.W` then `params.b`).
   */
  readonly parameters: readonly string[];
  /** ∂f(T)/∂θ, one array of nx·ny values per parameter (same layout as f). */
  readonly df: readonly Float64Array[];
  /** The save times (ascending), f at each (`saved[q]`) and its tangents (`savedDf[q][p]`). */
  readonly times: Float64Array;
  readonly saved: readonly Float64Array[];
  readonly savedDf: readonly (readonly Float64Array[])[];
  /**
   * `"success"`; `"non-finite"`; or `"under-resolved"` when the density collapsed below the grid's
   * resolution (see `resolution` and `message`): df is then the exact tangent of the scheme but not the
   * sensitivity of the PDE.
   */
  readonly status: SolveStatus;
  /** Why the status is not `"success"`, and what to use instead; absent on success. */
  readonly message?: string;
  /**
   * Resolution of f over the initial density, the end of every segment (layer boundaries, save times)
   * and T: `maxCellFraction`, the largest fraction of the mass in one cell; `lineFraction`, the larger
   * over the two directions of Σ_lines (largest cell of a grid line) / mass — the mass-weighted fraction
   * of a line's mass in its largest cell, which is the 1-D cell fraction for each line (status
   * "under-resolved" above {@link UNDER_RESOLVED_CELL_FRACTION}); `spreadCells`, the smallest standard
   * deviation along a grid line of the Gaussian with f's covariance, in cells (√(C_xx − C_xy²/C_yy)/Δx
   * and likewise in y).
   */
  readonly resolution: { readonly maxCellFraction: number; readonly lineFraction: number; readonly spreadCells: number };
  readonly stats: { readonly steps: number; readonly maxCfl: number; readonly rhsEvals: number };
  /**
   * Moments of f(T) (midpoint rule on the cell centres) and their derivatives: `mass` = Σ f ΔxΔy,
   * `mean` [E x, E y], `cov` [C_xx, C_xy, C_yy]; `dMass[p]`, `dMean[2p + i]`, `dCov[3p + c]` for
   * parameter p (same order).
   */
  readonly moments: {
    readonly mass: number;
    readonly mean: Float64Array;
    readonly cov: Float64Array;
    readonly dMass: Float64Array;
    readonly dMean: Float64Array;
    readonly dCov: Float64Array;
  };
}

const OPTION_KEYS = ["scheme", "limiter", "timeStepper", "cfl", "dt", "boundary", "saveAt", "n", "perLayer", "maxCellUpdates"] as const;
const LOCAL_NAMES = ["W00", "W01", "W10", "W11", "b0", "b1"] as const;

/**
 * Tangent of {@link stridedSlopes}: for slopes s = φ(Δ⁻u, Δ⁺u) along a strided direction, writes
 * ds = ∂φ/∂Δ⁻ · Δ⁻g + ∂φ/∂Δ⁺ · Δ⁺g (the branch the forward limiter took; layout as stridedSlopes).
 */
function stridedSlopesTangent(
  u: Float64Array,
  g: Float64Array,
  ds: Float64Array,
  len: number,
  stride: number,
  lines: number,
  lineStride: number,
  limiter: Limiter,
  periodic: boolean,
): void {
  for (let l = 0; l < lines; l++) {
    const o = l * lineStride;
    const first = periodic ? 0 : 1,
      last = periodic ? len : len - 1;
    if (!periodic) {
      ds[o] = 0;
      ds[o + (len - 1) * stride] = 0;
    }
    for (let c = first; c < last; c++) {
      const i = o + c * stride;
      const im = o + (c === 0 ? len - 1 : c - 1) * stride,
        ip = o + (c === len - 1 ? 0 : c + 1) * stride;
      const a = u[i]! - u[im]!,
        b = u[ip]! - u[i]!;
      const ga = g[i]! - g[im]!,
        gb = g[ip]! - g[i]!;
      if (a * b <= 0) ds[i] = 0;
      else if (limiter === "minmod") ds[i] = Math.abs(a) < Math.abs(b) ? ga : gb;
      else if (limiter === "mc") {
        // s = sign(a)·min(2|a|, 2|b|, |a+b|/2); sign(a)·d|a| = da
        const A = 2 * Math.abs(a),
          B = 2 * Math.abs(b),
          C = 0.5 * Math.abs(a + b);
        ds[i] = A <= B && A <= C ? 2 * ga : B <= C ? 2 * gb : 0.5 * (ga + gb);
      } else {
        const s = a + b;
        const r = b / s,
          q = a / s; // in (0, 1) for ab > 0: no overflow where s² underflows
        ds[i] = 2 * (r * r * ga + q * q * gb);
      }
    }
  }
}

/**
 * Solve the 2-D Vlasov equation ∂_t f + ∇·(σ(Wx + b) f) = 0 together with the sensitivities
 * ∂f/∂W_ij (every entry) and ∂f/∂b_i, by the exact discrete tangent of the scheme `solveVlasov` runs:
 * each stage's fluxes F = a⁺u⁻ + a⁻u⁺ are differentiated with the face velocities' derivatives
 * (∂a/∂W_i0 = σ'(z)·x, ∂a/∂W_i1 = σ'(z)·y, ∂a/∂b_i = σ'(z) for the component i of the face, split by the
 * sign of a and with the boundary baked in as for a) and, for MUSCL, the limited slopes' derivatives.
 * This discretises ∂_t f_θ + ∇·(σ f_θ) = −∇·(∂_θσ f), f_θ(0) = 0, with the same scheme.
 * @param problem - `{ params (d = 2), f0, grid?, tSpan? }`
 * @param options - scheme, limiter, timeStepper, cfl | dt, boundary, saveAt, n, perLayer, maxCellUpdates
 * @returns `{ f, grid, parameters, df, times, saved, savedDf, status, message?, resolution, stats, moments }`
 *   (fresh arrays)
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, dt with cfl, f0 negative or non-finite,
 *   no grid for cell averages, unsorted saveAt), SHAPE_MISMATCH (grid not 2-D, f0 length),
 *   UNSUPPORTED (d ≠ 2; use `solveVlasovSensitivity` for d = 1), UNSTABLE (a fixed dt above the CFL limit:
 *   1 upwind, 0.5 MUSCL), TOO_LARGE (work above `maxCellUpdates`, memory)
 * @remarks The time steps come from the unperturbed field (CFL rule) or the fixed `dt`, held fixed under
 * perturbation: central differences of `solveVlasov` with the same fixed `dt` agree to O(ε²). The flux
 * splitting a⁺ = max(a, 0) has a kink where a face velocity is exactly 0, and the limiters (MUSCL) where
 * they switch branch; df is the derivative on the side the forward scheme took. Σ df ΔxΔy = 0 to
 * rounding with zero-flux or periodic boundaries (every parameter value conserves mass); with outflow it
 * is the derivative of the mass kept. Cost: 1 + 2·tangents stage passes per stage (6 tangents, or 6·L with
 * `perLayer`; a layer's tangents start when it first acts); measured on 96 × 96 cells, 6 tangents, about
 * 7× `solveVlasov` for upwind (whose forward solve runs a WebAssembly kernel) and 5× for MUSCL. First order (upwind) or second order where
 * smooth (MUSCL), like the forward scheme: the tangent converges to the PDE's sensitivity only while the
 * density is resolved (status "under-resolved" otherwise: use the moment equations or trajectory
 * sensitivities, as for the 1-D `solveVlasovSensitivity`).
 * @example
 * ```ts
 * const params = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
 * const grid = createGrid2D([-4, 4], [-4, 4], 48);
 * const s = solveVlasovSensitivity2D({ params, grid, f0: (x, y) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI) });
 * const dJdW01 = lossSensitivity2D(s.grid, s.df[1]!, (x, y) => x * y); // ∂E[xy]/∂W01
 * ```
 */
export function solveVlasovSensitivity2D(problem: SensitivityProblem2D, options: SensitivityOptions2D = {}): SensitivityResult2D {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  requireOptions("problem", problem, ["params", "f0", "grid", "tSpan"]);
  const params = checkNetwork(problem.params, "params");
  if (params.d !== 2)
    throw new KineticError("UNSUPPORTED", `solveVlasovSensitivity2D is 2-D; got d = ${params.d} (use solveVlasovSensitivity for d = 1)`);
  const t0 = requireFinite("tSpan[0]", problem.tSpan?.[0] ?? 0);
  const t1 = requireFinite("tSpan[1]", problem.tSpan?.[1] ?? params.T);
  if (!(t1 >= t0)) throw invalidArgument("tSpan", "[t0, t1] with t1 ≥ t0", problem.tSpan);
  options = requireOptions<SensitivityOptions2D>("options", options, OPTION_KEYS);
  const scheme = requireOneOf("scheme", options.scheme ?? "upwind", ["upwind", "muscl"] as const);
  const limiter = requireOneOf("limiter", options.limiter ?? "van-leer", ["minmod", "mc", "van-leer"] as const);
  const muscl = scheme === "muscl";
  const climit = muscl ? 0.5 : 1;
  const stepper = requireOneOf("timeStepper", options.timeStepper ?? (muscl ? "ssp-rk3" : "euler"), [
    "euler",
    "ssp-rk2",
    "ssp-rk3",
  ] as const);
  const boundary = requireOneOf("boundary", options.boundary ?? "zero-flux", ["zero-flux", "outflow", "periodic"] as const);
  let cfl = 0,
    fixed: number | null = null;
  if (options.dt !== undefined) {
    if (options.cfl !== undefined) throw invalidArgument("dt/cfl", "given one at a time", { dt: options.dt, cfl: options.cfl });
    fixed = requirePositive("dt", options.dt);
  } else {
    cfl = requirePositive("cfl", options.cfl ?? (muscl ? 0.45 : 0.9));
    if (cfl > climit) throw invalidArgument("cfl", `at most ${climit} for the ${scheme} scheme (stability and positivity)`, cfl);
  }
  const perLayer = options.perLayer ?? false;
  if (typeof perLayer !== "boolean") throw invalidArgument("perLayer", "a boolean", perLayer);
  const maxCellUpdates = requirePositive("maxCellUpdates", options.maxCellUpdates ?? DEFAULT_MAX_CELL_UPDATES);
  let grid = problem.grid;
  if (grid === undefined) {
    if (ArrayBuffer.isView(problem.f0)) throw invalidArgument("grid", "given when f0 is cell averages", undefined);
    const n = options.n === undefined ? [128, 128] : typeof options.n === "number" ? [options.n, options.n] : options.n;
    if (!Array.isArray(n) || n.length !== 2) throw invalidArgument("n", "a cell count or [nx, ny]", options.n);
    requireInteger("n", n[0], 2);
    requireInteger("n", n[1], 2);
    grid = autoGrid2D(params, { f0: problem.f0 as (x: number, y: number) => number }, n[0]!, n[1]!, { tSpan: [t0, t1] });
  }
  if (typeof grid !== "object" || grid === null || (grid.kind as string) !== "2d") {
    if (typeof grid === "object" && grid !== null && (grid as { kind?: unknown }).kind === "1d")
      throw new KineticError("SHAPE_MISMATCH", "shape mismatch: `grid` must be 2-D like params (d = 2); got a 1d grid");
    throw invalidArgument("grid", "a Grid2D", grid);
  }
  const G: Grid2D = grid;
  const { nx, ny, dx, dy, xMin, yMin } = G;
  const N = nx * ny;
  const L = params.nLayers;
  const P = perLayer ? 6 * L : 6;
  const gridName = problem.grid === undefined ? "n" : "grid";
  // memory: 3 state arrays (2 for Euler/RK2) per density and tangent, slopes, face coefficients (7 sets)
  requireFits(gridName, N, 8 * (3 * (P + 1) + 4 + 7 * 4 + 8));
  const tl = resolveTimeline(params, options.saveAt, { t0, tEnd: t1, name: "saveAt", stateSize: N * (P + 1) });

  const periodic = boundary === "periodic";
  const c = createFaceCoefficients2D(G);
  // refuse, before any work, a solve above the work limit (time steps from each layer's CFL rule)
  {
    const rates = new Map<number, number>();
    let steps = 0;
    for (const seg of tl.segments) {
      let rate = rates.get(seg.layer);
      if (rate === undefined) {
        rate = networkFaceCoefficients2DInto(params, seg.layer, G, boundary, c).rate;
        rates.set(seg.layer, rate);
      }
      const span = seg.t1 - seg.t0;
      const h = fixed !== null ? fixed : rate > 0 ? cfl / rate : span;
      steps += h < span ? Math.ceil(span / h - 1e-9) : 1;
    }
    const stages = stepper === "euler" ? 1 : stepper === "ssp-rk2" ? 2 : 3;
    const work = N * steps * stages * (1 + 2 * P);
    if (!(work <= maxCellUpdates)) {
      const ratio = maxCellUpdates / work;
      const scale = fixed !== null ? ratio : Math.cbrt(ratio);
      const largest = `${Math.floor(nx * Math.sqrt(scale))} × ${Math.floor(ny * Math.sqrt(scale))}`;
      throw new KineticError(
        "TOO_LARGE",
        `too large: \`${gridName}\` (${nx} × ${ny} cells) needs about ${work.toExponential(2)} cell-updates (${steps} time steps × ${stages} stages × (1 + 2·${P} tangents)); ` +
          `the limit \`maxCellUpdates\` is ${maxCellUpdates.toExponential(2)}; the largest grid that fits is about ${largest} cells (or raise maxCellUpdates, or leave perLayer off)`,
        { details: { argument: gridName, value: N, estimate: work, budget: maxCellUpdates, largest, unit: "cell-updates" } },
      );
    }
  }

  const f0 = resolveInitialDensity2D(G, problem.f0, "f0");
  const parameters: string[] = [];
  if (perLayer) {
    for (let k = 0; k < L; k++) for (const e of ["00", "01", "10", "11"]) parameters.push(`W[${k}]${e}`);
    for (let k = 0; k < L; k++) for (const e of ["0", "1"]) parameters.push(`b[${k}]${e}`);
  } else parameters.push(...LOCAL_NAMES);
  // states: index 0 is f, 1 + p the tangent of parameter p
  const nStates = P + 1;
  let u: Float64Array[] = [f0, ...Array.from({ length: P }, () => new Float64Array(N))];
  let u1: Float64Array[] = Array.from({ length: nStates }, () => new Float64Array(N));
  const u2: Float64Array[] | null = stepper === "ssp-rk3" ? Array.from({ length: nStates }, () => new Float64Array(N)) : null;
  // derivative face coefficients of the six entries of the acting layer (x-faces carry W00, W01, b0;
  // y-faces W10, W11, b1; the other half of each set stays 0)
  const dc: FaceCoefficients2D[] = LOCAL_NAMES.map(() => createFaceCoefficients2D(G));
  const sx = muscl ? new Float64Array(N) : null,
    sy = muscl ? new Float64Array(N) : null,
    gx = muscl ? new Float64Array(N) : null,
    gy = muscl ? new Float64Array(N) : null;
  const rowL = new Float64Array(ny),
    rowR = new Float64Array(ny);
  // started[p]: the tangent may be non-zero (its layer has acted); source[p]: its local entry in the acting layer, or -1
  const started = new Uint8Array(P);
  const source = new Int8Array(P).fill(-1);
  const sigma = params.sigma.sigma,
    dsigma = params.sigma.dsigma;

  const setLayer = (k: number) => {
    networkFaceCoefficients2DInto(params, k, G, boundary, c);
    const o = 4 * k;
    const w00 = params.W[o]!,
      w01 = params.W[o + 1]!,
      w10 = params.W[o + 2]!,
      w11 = params.W[o + 3]!,
      b0 = params.b[2 * k]!,
      b1 = params.b[2 * k + 1]!;
    const [d0, d1, d2, d3, d4, d5] = dc as [
      FaceCoefficients2D,
      FaceCoefficients2D,
      FaceCoefficients2D,
      FaceCoefficients2D,
      FaceCoefficients2D,
      FaceCoefficients2D,
    ];
    // the same expressions as networkFaceCoefficients2DInto, so that the sign split matches bit for bit
    for (let i = 0; i <= nx; i++) {
      const x = xMin + i * dx;
      for (let j = 0; j < ny; j++) {
        const y = yMin + (j + 0.5) * dy;
        const z = w00 * x + w01 * y + b0;
        const v = sigma(z),
          s = dsigma(z);
        const id = i * ny + j;
        const p = v > 0 ? 1 : 0,
          m = v < 0 ? 1 : 0;
        d0.axp[id] = p * s * x;
        d0.axm[id] = m * s * x;
        d1.axp[id] = p * s * y;
        d1.axm[id] = m * s * y;
        d4.axp[id] = p * s;
        d4.axm[id] = m * s;
      }
    }
    for (let i = 0; i < nx; i++) {
      const x = xMin + (i + 0.5) * dx;
      for (let j = 0; j <= ny; j++) {
        const y = yMin + j * dy;
        const z = w10 * x + w11 * y + b1;
        const v = sigma(z),
          s = dsigma(z);
        const id = i * (ny + 1) + j;
        const p = v > 0 ? 1 : 0,
          m = v < 0 ? 1 : 0;
        d2.ayp[id] = p * s * x;
        d2.aym[id] = m * s * x;
        d3.ayp[id] = p * s * y;
        d3.aym[id] = m * s * y;
        d5.ayp[id] = p * s;
        d5.aym[id] = m * s;
      }
    }
    for (const d of dc) applyFaceBoundaries2D(d, nx, ny, boundary);
    source.fill(-1);
    for (let l = 0; l < 6; l++) {
      const p = perLayer ? (l < 4 ? 4 * k + l : 4 * L + 2 * k + (l - 4)) : l;
      source[p] = l;
      started[p] = 1;
    }
  };

  // one Euler-type stage dst = a·base + (1-a)(src - h ∇·F(src)) on f and every started tangent
  const stage = (src: Float64Array[], dst: Float64Array[], h: number, a: number, base: Float64Array[]) => {
    const cx = ((1 - a) * h) / dx,
      cy = ((1 - a) * h) / dy;
    const fs = src[0]!;
    if (sx && sy) {
      stridedSlopes(fs, sx, nx, ny, ny, 1, limiter, periodic);
      stridedSlopes(fs, sy, ny, 1, nx, ny, limiter, periodic);
    }
    advectionStage2D(G, c, fs, sx, sy, periodic, a, base[0]!, 1 - a, cx, cy, dst[0]!, rowL, rowR);
    for (let p = 0; p < P; p++) {
      if (started[p] === 0) continue;
      const gs = src[p + 1]!,
        gd = dst[p + 1]!;
      // the flux is linear in the (reconstructed) values for given coefficients:
      // dF = F(c; g, ds) + F(c_θ; f, s)
      if (gx && gy) {
        stridedSlopesTangent(fs, gs, gx, nx, ny, ny, 1, limiter, periodic);
        stridedSlopesTangent(fs, gs, gy, ny, 1, nx, ny, limiter, periodic);
      }
      advectionStage2D(G, c, gs, gx, gy, periodic, a, base[p + 1]!, 1 - a, cx, cy, gd, rowL, rowR);
      const l = source[p]!;
      if (l >= 0) advectionStage2D(G, dc[l]!, fs, sx, sy, periodic, 1, gd, 0, cx, cy, gd, rowL, rowR);
    }
  };

  // resolution of the current f
  let maxCellFraction = 0,
    lineFraction = 0,
    spreadCells = Number.POSITIVE_INFINITY;
  const colMax = new Float64Array(ny);
  const measure = () => {
    const f = u[0]!;
    let m0 = 0,
      mx = 0,
      my = 0,
      mxx = 0,
      mxy = 0,
      myy = 0,
      big = 0,
      lineY = 0;
    colMax.fill(0);
    for (let i = 0; i < nx; i++) {
      const x = xMin + (i + 0.5) * dx;
      let rowBig = 0;
      for (let j = 0; j < ny; j++) {
        const v = f[i * ny + j]!,
          y = yMin + (j + 0.5) * dy;
        const av = Math.abs(v);
        m0 += v;
        mx += v * x;
        my += v * y;
        mxx += v * x * x;
        mxy += v * x * y;
        myy += v * y * y;
        if (av > rowBig) rowBig = av;
        if (av > colMax[j]!) colMax[j] = av;
      }
      lineY += rowBig;
      if (rowBig > big) big = rowBig;
    }
    if (!(m0 > 0)) return;
    let lineX = 0;
    for (let j = 0; j < ny; j++) lineX += colMax[j]!;
    maxCellFraction = Math.max(maxCellFraction, big / m0);
    lineFraction = Math.max(lineFraction, lineX / m0, lineY / m0);
    const ex = mx / m0,
      ey = my / m0;
    const cxx = Math.max(0, mxx / m0 - ex * ex),
      cyy = Math.max(0, myy / m0 - ey * ey),
      cxy = mxy / m0 - ex * ey;
    const condX = cyy > 0 ? Math.max(0, cxx - (cxy * cxy) / cyy) : cxx,
      condY = cxx > 0 ? Math.max(0, cyy - (cxy * cxy) / cxx) : cyy;
    spreadCells = Math.min(spreadCells, Math.sqrt(condX) / dx, Math.sqrt(condY) / dy);
  };

  const saved: Float64Array[] = [];
  const savedDf: Float64Array[][] = [];
  const times: number[] = [];
  const record = (from: number, to: number) => {
    for (let q = from; q < to; q++) {
      saved.push(dropRoundoffNegatives(u[0]!.slice()));
      savedDf.push(u.slice(1).map((g) => g.slice()));
      times.push(tl.saveAt[q]!);
    }
  };
  record(0, tl.initialSaves);
  measure();

  let t = tl.t0,
    steps = 0,
    rhsEvals = 0,
    maxCfl = 0,
    layer = -1;
  let status: SolveStatus = "success";
  for (const seg of tl.segments) {
    const stop = seg.t1;
    const k = seg.layer;
    if (k !== layer) {
      layer = k;
      setLayer(k);
    }
    const rate = c.rate;
    const span = stop - t;
    let h: number;
    if (fixed !== null) {
      h = fixed;
      const cf = Math.min(h, span) * rate;
      if (cf > climit * (1 + 1e-12)) {
        throw new KineticError(
          "UNSTABLE",
          `CFL violation: dt = ${fixed} gives CFL number ${cf.toPrecision(4)} > ${climit} for the ${scheme} scheme in layer ${k} (max outflow rate ${rate.toPrecision(4)}); use dt ≤ ${(climit / rate).toPrecision(4)} or the cfl option`,
          { details: { dt: fixed, cfl: cf, limit: climit, layer: k } },
        );
      }
    } else h = rate > 0 ? cfl / rate : span;
    if (!(h < span)) h = span;
    const ns = Math.max(1, Math.ceil(span / h - 1e-9));
    const hLast = span - (ns - 1) * h;
    for (let s = 0; s < ns; s++) {
      const hs = s < ns - 1 ? h : hLast;
      if (hs * rate > maxCfl) maxCfl = hs * rate;
      if (stepper === "euler") {
        stage(u, u1, hs, 0, u);
        [u, u1] = [u1, u];
        rhsEvals += 1;
      } else if (stepper === "ssp-rk2") {
        stage(u, u1, hs, 0, u);
        stage(u1, u, hs, 0.5, u);
        rhsEvals += 2;
      } else {
        stage(u, u1, hs, 0, u);
        stage(u1, u2!, hs, 0.75, u);
        stage(u2!, u1, hs, 1 / 3, u);
        [u, u1] = [u1, u];
        rhsEvals += 3;
      }
      steps++;
      t = s < ns - 1 ? t + hs : stop;
    }
    // finiteness probe: three cells of f and of every tangent
    let acc = 0;
    for (const U of u) acc += U[0]! + U[N >> 1]! + U[N - 1]!;
    if (!Number.isFinite(acc)) {
      status = "non-finite";
      break;
    }
    record(seg.saveFrom, seg.saveTo);
    measure();
  }
  const f = u[0]!;
  const sc = scanDensity(f);
  if (sc.min < 0) zeroRoundoffNegatives(f, sc.max);
  if (status === "success" && !(sc.finite && u.every((U) => U.every(Number.isFinite)))) status = "non-finite";
  let message: string | undefined;
  if (status === "non-finite") message = "f or a tangent overflowed (non-finite values)";
  else if (lineFraction > UNDER_RESOLVED_CELL_FRACTION) {
    status = "under-resolved";
    message =
      `the density collapsed: ${(100 * lineFraction).toFixed(1)} % of a grid line's mass in its largest cell (mass-weighted; above ${100 * UNDER_RESOLVED_CELL_FRACTION} %), ` +
      `${(100 * maxCellFraction).toFixed(1)} % of the mass in the largest cell, standard deviation along a grid line ${spreadCells.toPrecision(3)} cells; ` +
      "df is the scheme's tangent, not the PDE's sensitivity. Use the moment equations' sensitivities (@kinetic-nde/moments; exact for σ = id), " +
      "per-particle gradients (computeGradient in @kinetic-nde/core), or for D > 0 the Fokker–Planck sensitivity (solveFokkerPlanck2DSensitivity); a finer grid only postpones the collapse";
  }
  const df = u.slice(1);
  return {
    f,
    grid: G,
    parameters,
    df,
    times: Float64Array.from(times),
    saved,
    savedDf,
    status,
    ...(message === undefined ? {} : { message }),
    resolution: { maxCellFraction, lineFraction, spreadCells },
    stats: { steps, maxCfl, rhsEvals },
    moments: momentSensitivities(G, f, df),
  };
}

/** Moments of f (mass, mean, covariance) and their derivatives along each tangent. */
function momentSensitivities(G: Grid2D, f: Float64Array, df: readonly Float64Array[]): SensitivityResult2D["moments"] {
  const { nx, ny, dx, dy, xMin, yMin } = G;
  const area = dx * dy;
  // raw sums Σ v·(1, x, y, xx, xy, yy) ΔA of a density or tangent
  const raw = (v: Float64Array): number[] => {
    const r = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < nx; i++) {
      const x = xMin + (i + 0.5) * dx;
      for (let j = 0; j < ny; j++) {
        const w = v[i * ny + j]!,
          y = yMin + (j + 0.5) * dy;
        r[0]! += w;
        r[1]! += w * x;
        r[2]! += w * y;
        r[3]! += w * x * x;
        r[4]! += w * x * y;
        r[5]! += w * y * y;
      }
    }
    return r.map((s) => s * area);
  };
  const [m0, m1x, m1y, m2xx, m2xy, m2yy] = raw(f) as [number, number, number, number, number, number];
  const ex = m1x / m0,
    ey = m1y / m0;
  const mean = Float64Array.of(ex, ey);
  const cov = Float64Array.of(m2xx / m0 - ex * ex, m2xy / m0 - ex * ey, m2yy / m0 - ey * ey);
  const P = df.length;
  const dMass = new Float64Array(P),
    dMean = new Float64Array(2 * P),
    dCov = new Float64Array(3 * P);
  for (let p = 0; p < P; p++) {
    const [g0, g1x, g1y, g2xx, g2xy, g2yy] = raw(df[p]!) as [number, number, number, number, number, number];
    // d(M/m0) = (dM − (M/m0) dm0)/m0, dC = dE[xxᵀ] − dμ μᵀ − μ dμᵀ
    const dex = (g1x - ex * g0) / m0,
      dey = (g1y - ey * g0) / m0;
    const dxx = (g2xx - (m2xx / m0) * g0) / m0,
      dxy = (g2xy - (m2xy / m0) * g0) / m0,
      dyy = (g2yy - (m2yy / m0) * g0) / m0;
    dMass[p] = g0;
    dMean[2 * p] = dex;
    dMean[2 * p + 1] = dey;
    dCov[3 * p] = dxx - 2 * ex * dex;
    dCov[3 * p + 1] = dxy - dex * ey - ex * dey;
    dCov[3 * p + 2] = dyy - 2 * ey * dey;
  }
  return { mass: m0, mean, cov, dMass, dMean, dCov };
}

/** Set to 0 the values of `f` that are negative only by round-off, as `solveVlasov` does; returns `f`. */
function dropRoundoffNegatives(f: Float64Array): Float64Array {
  const sc = scanDensity(f);
  if (sc.min < 0) zeroRoundoffNegatives(f, sc.max);
  return f;
}

/**
 * Sensitivity of a loss J = ∫∫ ℓ(x, y) f(T) dx dy (midpoint rule on the grid: Σ ℓ(x_i, y_j) g_ij ΔxΔy)
 * for a sensitivity density g = ∂f/∂θ: dJ/dθ = ∫∫ ℓ ∂_θ f(T). With g = f it is J itself.
 * @param grid - the 2-D grid
 * @param g - nx·ny sensitivity (or density) cell averages, index i*ny + j
 * @param ell - loss ℓ(x, y)
 * @returns Σ ℓ(x_i, y_j) g_ij ΔxΔy (compensated summation)
 * @throws KineticError SHAPE_MISMATCH (g not nx·ny values), INVALID_ARGUMENT (grid not 2-D, ell not a function)
 * @example
 * ```ts
 * const dJdb0 = lossSensitivity2D(s.grid, s.df[4]!, (x, y) => (x - 1) ** 2 + y * y);
 * ```
 */
export function lossSensitivity2D(grid: Grid2D, g: Float64Array, ell: (x: number, y: number) => number): number {
  if (typeof grid !== "object" || grid === null || grid.kind !== "2d") throw invalidArgument("grid", "a Grid2D", grid);
  if (typeof ell !== "function") throw invalidArgument("ell", "a function (x, y) => number", ell);
  const { nx, ny, dx, dy, xMin, yMin } = grid;
  if (!(g instanceof Float64Array) || g.length !== nx * ny)
    throw new KineticError(
      "SHAPE_MISMATCH",
      `shape mismatch: \`g\` must have nx*ny = ${nx * ny} values; got ${(g as { length?: unknown })?.length}`,
    );
  let s = 0,
    comp = 0;
  for (let i = 0; i < nx; i++) {
    const x = xMin + (i + 0.5) * dx;
    for (let j = 0; j < ny; j++) {
      const y = ell(x, yMin + (j + 0.5) * dy) * g[i * ny + j]! - comp;
      const tt = s + y;
      comp = tt - s - y;
      s = tt;
    }
  }
  return s * dx * dy;
}
