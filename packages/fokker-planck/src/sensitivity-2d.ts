/**
 * Forward sensitivities of the 2-D Fokker–Planck solver: ∂f/∂W_ij (every entry) and ∂f/∂b_i of the
 * discrete solution of {@link solveFokkerPlanck2D}, by differentiating each implicit Chang–Cooper
 * sweep exactly: M(θ) f⁺ = f gives M s⁺ = s − (∂M/∂θ) f⁺, solved with the sweep's own factorisation.
 * @packageDocumentation
 */
import { resolveTimeline, type SolveStatus } from "@kinetic-nde/core";
import { requireOptions, requirePositive } from "@kinetic-nde/core/validate";
import { createGrid1D, type Grid1D, type Grid2D } from "@kinetic-nde/datasets";
import { changCooperCoefficients, type Diffusion1D } from "./chang-cooper.js";
import { bernoulliFn, GL3_NODES, GL3_WEIGHTS, thomasFactor, thomasSolveStrided } from "./internal/numerics.js";
import { requireStepBudget, subSteps } from "./problem.js";
import { fillImplicitMatrix } from "./solve-1d.js";
import { type FokkerPlanckProblem2D, resolveInitialDensity2D, resolveProblem2D } from "./solve-2d.js";

/** Options of {@link solveFokkerPlanck2DSensitivity}: `dt` and `maxSteps` as for `solveFokkerPlanck2D`. */
export interface FokkerPlanckSensitivityOptions2D {
  /** Largest time step (default min(network.dt, T/100)), the same steps as `solveFokkerPlanck2D`. */
  readonly dt?: number;
  /** Largest number of time steps (default 10 000 000); more planned steps is refused (TOO_LARGE). */
  readonly maxSteps?: number;
}

/** Result of {@link solveFokkerPlanck2DSensitivity}. */
export interface FokkerPlanckSensitivityResult2D {
  /** nx·ny cell averages at T (index i*ny + j), equal to `solveFokkerPlanck2D`'s f. */
  readonly f: Float64Array;
  readonly grid: Grid2D;
  /** `["W00", "W01", "W10", "W11", "b0", "b1"]`. */
  readonly parameters: readonly string[];
  /**
   * ∂f/∂θ at T, one array of nx·ny values per parameter; θ shifts that entry of W (or b) in every
   * layer at once (for a constant network: the derivative with respect to the entry).
   */
  readonly df: readonly Float64Array[];
  /** `"success"` or `"non-finite"`. */
  readonly status: SolveStatus;
  readonly stats: { readonly steps: number };
}

/** B'(z) of the Bernoulli function B(z) = z/(e^z − 1), consistent with its series for |z| < 0.1. */
function bernoulliDerivative(z: number): number {
  if (Math.abs(z) < 0.1) {
    const u = z * z;
    // d/dz of 1 - z/2 + z²/12 - z⁴/720 + z⁶/30240 - z⁸/1209600
    return -0.5 + z * (1 / 6 + u * (-1 / 180 + u * (1 / 5040 - u / 151200)));
  }
  // B'(z) = B(z)·(1/z − e^z/(e^z − 1)) = B(z)·(1/z + 1/expm1(−z))
  return bernoulliFn(z) * (1 / z + 1 / Math.expm1(-z));
}

/** One direction of the splitting: `lines` lines of `g.n` cells; line l at other coordinate otherMin + (l + ½)·dOther. */
interface Sweep {
  readonly g: Grid1D;
  readonly lines: number;
  readonly otherMin: number;
  readonly dOther: number;
  readonly D: Diffusion1D;
  /** Factorised I − rA per line: lw (lower · inv), cp, inv; n per line. */
  readonly lw: Float64Array;
  readonly cp: Float64Array;
  readonly inv: Float64Array;
  /** ∂α, ∂β per face (n + 1 per line) for the three parameters of this sweep (own weight, other weight, bias). */
  readonly dA: Float64Array[];
  readonly dB: Float64Array[];
  readonly r: { value: number };
}

function createSweep(g: Grid1D, lines: number, otherMin: number, dOther: number, D: Diffusion1D): Sweep {
  const n = g.n;
  return {
    g,
    lines,
    otherMin,
    dOther,
    D,
    lw: new Float64Array(lines * n),
    cp: new Float64Array(lines * n),
    inv: new Float64Array(lines * n),
    dA: [0, 1, 2].map(() => new Float64Array(lines * (n + 1))),
    dB: [0, 1, 2].map(() => new Float64Array(lines * (n + 1))),
    r: { value: 0 },
  };
}

/** Assemble and factorise the sweep for velocity σ(wOwn·u + wOther·v + bias), and ∂α, ∂β with respect to (wOwn, wOther, bias). */
function assembleSweep(
  sw: Sweep,
  s: (z: number) => number,
  ds: (z: number) => number,
  wOwn: number,
  wOther: number,
  bias: number,
  r: number,
): void {
  const n = sw.g.n;
  const { xMin, dx } = sw.g;
  const alpha = new Float64Array(n + 1);
  const beta = new Float64Array(n + 1);
  const z = new Float64Array(n + 1);
  const diag = new Float64Array(n);
  const up = new Float64Array(n);
  const D = sw.D;
  sw.r.value = r;
  for (let l = 0; l < sw.lines; l++) {
    const v = sw.otherMin + (l + 0.5) * sw.dOther;
    const c = changCooperCoefficients(sw.g, (u) => s(wOwn * u + wOther * v + bias), D, "zero-flux", "zero-flux", { alpha, beta, z });
    const lo = sw.lw.subarray(l * n, (l + 1) * n);
    fillImplicitMatrix(c, n, r, lo, diag, up);
    thomasFactor(n, lo, diag, up, sw.cp.subarray(l * n, (l + 1) * n), sw.inv.subarray(l * n, (l + 1) * n));
    const o = l * (n + 1);
    let Dl = typeof D === "number" ? D : D(xMin + 0.5 * dx);
    for (let face = 1; face < n; face++) {
      // ∂z over the face with the assembly's 3-point Gauss–Legendre rule (same nodes)
      const x0 = xMin + (face - 0.5) * dx;
      const x1 = x0 + dx;
      const mid = 0.5 * (x0 + x1);
      const h = 0.5 * (x1 - x0);
      let zu = 0;
      let zv = 0;
      let zb = 0;
      for (let q = 0; q < 3; q++) {
        const u = mid + h * GL3_NODES[q]!;
        const Du = typeof D === "number" ? D : D(u);
        const g = (GL3_WEIGHTS[q]! * ds(wOwn * u + wOther * v + bias)) / Du;
        zu += g * u;
        zv += g * v;
        zb += g;
      }
      const Dr = typeof D === "number" ? D : D(x1);
      const zf = z[face]!;
      // α = D_l B(−z), β = D_r B(z)
      const ca = -Dl * bernoulliDerivative(-zf);
      const cb = Dr * bernoulliDerivative(zf);
      const dz = [h * zu, h * zv, h * zb];
      for (let p = 0; p < 3; p++) {
        sw.dA[p]![o + face] = ca * dz[p]!;
        sw.dB[p]![o + face] = cb * dz[p]!;
      }
      Dl = Dr;
    }
  }
}

/**
 * Solve one sweep for the state and the tangents of its three parameters: f ← M⁻¹ f, then for each
 * tangent t_p: t_p ← M⁻¹ (t_p − (∂M/∂θ_p) f). `tan[p]` are the tangents of (wOwn, wOther, bias).
 */
function sweepSolve(
  sw: Sweep,
  f: Float64Array,
  tan: readonly Float64Array[],
  all: readonly Float64Array[],
  stride: number,
  lineStride: number,
): void {
  const n = sw.g.n;
  const r = sw.r.value;
  for (let l = 0; l < sw.lines; l++) {
    const off = l * lineStride;
    thomasSolveStrided(n, sw.lw, sw.cp, sw.inv, l * n, f, off, stride);
    const o = l * (n + 1);
    for (let p = 0; p < 3; p++) {
      const t = tan[p]!;
      const dA = sw.dA[p]!;
      const dB = sw.dB[p]!;
      // (∂M f)_i = r[−∂α_i f_{i−1} + (∂α_{i+1} + ∂β_i) f_i − ∂β_{i+1} f_{i+1}]
      for (let i = 0; i < n; i++) {
        const k = off + i * stride;
        let v = (dA[o + i + 1]! + dB[o + i]!) * f[k]!;
        if (i > 0) v -= dA[o + i]! * f[k - stride]!;
        if (i < n - 1) v -= dB[o + i + 1]! * f[k + stride]!;
        t[k]! -= r * v;
      }
      thomasSolveStrided(n, sw.lw, sw.cp, sw.inv, l * n, t, off, stride);
    }
    // the other tangents only go through the solve
    for (const t of all) if (!tan.includes(t)) thomasSolveStrided(n, sw.lw, sw.cp, sw.inv, l * n, t, off, stride);
  }
}

/**
 * Forward sensitivities ∂f/∂W_ij and ∂f/∂b_i of the 2-D Fokker–Planck solution (zero-flux walls).
 * @param problem - `{ network (d = 2), grid, f0, D?, T? }` as for `solveFokkerPlanck2D`
 * @param options - `dt`, `maxSteps` (the same time steps as `solveFokkerPlanck2D`)
 * @returns `{ f, grid, parameters, df, status, stats }`: f at T and one array ∂f/∂θ per entry of W and b
 * @throws KineticError INVALID_ARGUMENT (bad grid, f0, D, dt, T, unknown option keys), SHAPE_MISMATCH
 *   (d ≠ 2, f0 length), UNSUPPORTED (non-diagonal noise), TOO_LARGE (more steps than `maxSteps`)
 * @remarks The derivative of the discrete scheme (Lie splitting of two implicit Chang–Cooper sweeps
 *   with zero-flux walls) to round-off: each sweep M(θ) f⁺ = f is differentiated exactly (the
 *   Bernoulli weights through ∂z = ∫ σ'(·) ∂u/∂θ / D), and the tangent solves reuse the sweep's
 *   factorisation. Σ ∂f Δx Δy = 0 (mass is conserved for every θ). Cost about 4× the solve. A
 *   parameter shifts its entry in every layer at once.
 * @example
 * ```ts
 * const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
 * const grid = createGrid2D([-4, 4], [-4, 4], 32);
 * const s = solveFokkerPlanck2DSensitivity({ network, grid, D: [0.2, 0.2], f0: (x, y) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI) });
 * s.df[1]; // ∂f/∂W01
 * ```
 */
export function solveFokkerPlanck2DSensitivity(
  problem: FokkerPlanckProblem2D,
  options: FokkerPlanckSensitivityOptions2D = {},
): FokkerPlanckSensitivityResult2D {
  const { network, grid, D, T } = resolveProblem2D(problem);
  const [Dx, Dy] = D;
  options = requireOptions<FokkerPlanckSensitivityOptions2D>("options", options, ["dt", "maxSteps"]);
  const { nx, ny, dx, dy } = grid;
  const N = nx * ny;
  const tl = resolveTimeline(network, undefined, { tEnd: T, name: "saveAt", stateSize: 7 * N });
  const dt = options.dt !== undefined ? requirePositive("dt", options.dt) : Math.min(network.dt, T / 100);
  requireStepBudget(tl.segments, dt, options.maxSteps);
  const f = resolveInitialDensity2D(grid, problem.f0);
  // tangents of W00, W01, W10, W11, b0, b1
  const df = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(N));
  const sweepX = createSweep(createGrid1D(grid.xMin, grid.xMax, nx), ny, grid.yMin, dy, Dx);
  const sweepY = createSweep(createGrid1D(grid.yMin, grid.yMax, ny), nx, grid.xMin, dx, Dy);
  // x sweeps: u = W00 x + W01 y + b0; y sweeps: u = W11 y + W10 x + b1
  const tanX = [df[0]!, df[1]!, df[4]!];
  const tanY = [df[3]!, df[2]!, df[5]!];
  const s = network.sigma.sigma;
  const ds = network.sigma.dsigma;
  let t = 0;
  let steps = 0;
  let status: SolveStatus = "success";
  let curLayer = -1;
  let curH = Number.NaN;
  outer: for (const seg of tl.segments) {
    const span = seg.t1 - t;
    const nSub = subSteps(span, dt);
    const h = span / nSub;
    const k = seg.layer;
    if (k !== curLayer || h !== curH) {
      const W = network.W;
      const b = network.b;
      assembleSweep(sweepX, s, ds, W[4 * k]!, W[4 * k + 1]!, b[2 * k]!, h / (dx * dx));
      assembleSweep(sweepY, s, ds, W[4 * k + 3]!, W[4 * k + 2]!, b[2 * k + 1]!, h / (dy * dy));
      curLayer = k;
      curH = h;
    }
    for (let st = 0; st < nSub; st++) {
      // rows (x sweeps): line j at offset j, stride ny; columns (y sweeps): line i at offset i·ny, stride 1
      sweepSolve(sweepX, f, tanX, df, ny, 1);
      sweepSolve(sweepY, f, tanY, df, 1, ny);
      steps++;
      if (!Number.isFinite(f[0]!) || !Number.isFinite(df[0]![0]!)) {
        status = "non-finite";
        break outer;
      }
    }
    t = seg.t1;
  }
  return { f, grid, parameters: ["W00", "W01", "W10", "W11", "b0", "b1"], df, status, stats: { steps } };
}
