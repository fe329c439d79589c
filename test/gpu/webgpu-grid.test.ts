/**
 * The grid kernels of the WebGPU backend (MUSCL advection, the explicit Chang–Cooper Fokker–Planck
 * step) against the f64 CPU schemes, in Chromium on its software adapter (SwiftShader).
 *
 * Tolerances come from f32 rounding, u = 2^-24. Every stage of a kernel rounds the input to f32
 * once and then commits a few roundings per cell (the limited slopes, the face values, the fluxes, the
 * Shu–Osher combination), each of relative size u of the cell and its neighbours: in L1 a few u·‖f‖₁
 * per stage, plus the rounding of the coefficients (relative u, so again u·‖f‖₁·CFL per stage).
 * - Explicit Fokker–Planck under Δt·max(α_{i+1} + β_i)/Δx² ≤ 1: each step is a non-negative matrix whose
 *   columns sum to ≤ 1, i.e. L1-nonexpansive, so the errors of the steps add up:
 *   ‖f_f32 - f_f64‖₁ ≤ C·(steps + 1)·u·‖f0‖₁, C = 16; mass drift (zero-flux walls) and any negative
 *   value within the same bound (times max f0 for the values).
 * - MUSCL: an SSP stage is a convex combination of forward-Euler stages, each TVD (Harten's incremental
 *   form with coefficients in [0, 1]) under CFL ≤ 1/2. The limited scheme is not linear, so
 *   L1-nonexpansiveness for differences of two solutions is not a theorem; the limiters are Lipschitz
 *   (constant ≤ 2), so a rounding-sized perturbation changes a slope by at most 2× its size, and in
 *   smooth regions the linearised scheme is L1-stable. We use the same form with the stages counted,
 *   ‖f_f32 - f_f64‖₁ ≤ C·(stages·steps + 1)·u·‖f0‖₁, C = 16 (the measured ratios are printed with
 *   KN_GPU_VERBOSE=1; they stay well inside it), and the same bound for the mass drift (zero-flux,
 *   periodic) and negative values. That the bound can fail is checked too: the f64 results of the
 *   other limiters and time steppers lie more than twice the bound away (a kernel with the wrong limiter
 *   or stepper fails).
 * The f64 reference repeats the stages of `solveVlasov` with `stridedSlopes` and `advectionStage1D/2D`,
 * and is itself checked against `solveVlasov` (to 1e-12) for every stepper.
 * - The drivers (`solveVlasovWebGpu`, `solveFokkerPlanckWebGpu`, `solveFokkerPlanck2DWebGpu`) round f to
 *   f32 once more per kernel call, so their bounds count calls: C·(steps + calls)·u·‖f0‖₁ for the explicit
 *   Fokker–Planck solves. The 2-D driver has no f64 twin among the solvers (`solveFokkerPlanck2D` splits
 *   implicitly); `fp2Solve` below writes the same unsplit scheme out, step sequence included.
 */
import { createNetwork } from "@kinetic-nde/core";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "@kinetic-nde/datasets";
import { solveFokkerPlanck, changCooperCoefficients, type Boundary as FpBoundary } from "@kinetic-nde/fokker-planck";
import { solveVlasov } from "@kinetic-nde/mean-field";
import {
  type AdvectionBoundary,
  advectionStage1D,
  advectionStage2D,
  createFaceCoefficients1D,
  createFaceCoefficients2D,
  type FaceCoefficients1D,
  type FaceCoefficients2D,
  type Limiter,
  networkFaceCoefficients1DInto,
  networkFaceCoefficients2DInto,
  stridedSlopes,
} from "@kinetic-nde/mean-field/fluxes";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GpuPage, openGpuPage } from "./browser.js";
import { fp2Coefficients, fp2Json, fp2Reference } from "./fokker-planck-2d.js";

const U = 2 ** -24;
const C = 16;
const SKIP = process.env.KN_SKIP_GPU === "1";
const VERBOSE = process.env.KN_GPU_VERBOSE === "1";
const LIMITERS: readonly Limiter[] = ["minmod", "mc", "van-leer"];
const STEPPERS = ["euler", "ssp-rk2", "ssp-rk3"] as const;
type Stepper = (typeof STEPPERS)[number];
const STAGES: Record<Stepper, number> = { euler: 1, "ssp-rk2": 2, "ssp-rk3": 3 };
const BOUNDARIES: readonly AdvectionBoundary[] = ["zero-flux", "outflow", "periodic"];

let gpu: GpuPage | undefined;
let skipped = "";

beforeAll(async () => {
  try {
    gpu = await openGpuPage();
    await gpu.call("adapter");
  } catch (e) {
    if (!SKIP) throw new Error(`the WebGPU suite needs Chromium with WebGPU on SwiftShader (set KN_SKIP_GPU=1 to skip): ${String(e)}`);
    skipped = String(e);
    console.warn(`WebGPU grid suite skipped (KN_SKIP_GPU=1): ${skipped}`);
  }
}, 120_000);

afterAll(async () => {
  await gpu?.close();
});

function page(ctx: { skip: (note?: string) => void }): GpuPage {
  if (gpu === undefined) ctx.skip(`no WebGPU: ${skipped}`);
  return gpu!;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

function l1(a: ArrayLike<number>, b: ArrayLike<number>, vol: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!) * vol;
  return s;
}

function sum(a: ArrayLike<number>, vol: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * vol;
  return s;
}

/** 1-D problem: a drift σ(0.1x + 0.8) > 0 carrying a bump across the right edge, and a box (limiter work). */
function problem1D(boundary: AdvectionBoundary) {
  const grid = createGrid1D(-4, 4, 300);
  const params = createNetwork({ sigma: "tanh", d: 1, W: [0.1], b: [0.8], dt: 1 });
  const c = networkFaceCoefficients1DInto(params, 0, grid, boundary, createFaceCoefficients1D(grid.n));
  const f0 = Float64Array.from({ length: grid.n }, (_, j) => {
    const x = grid.xMin + (j + 0.5) * grid.dx;
    return Math.exp(-(((x - 3) / 0.6) ** 2)) + (Math.abs(x + 1) < 0.8 ? 0.5 : 0);
  });
  return { grid, params, c, f0 };
}

/** 2-D problem: a rotating-shearing drift, a Gaussian near the corner (2, -2) and a box. */
function problem2D(boundary: AdvectionBoundary) {
  const grid = createGrid2D([-3, 3], [-3, 3], 48, 40);
  const params = createNetwork({ sigma: "tanh", d: 2, W: [0.1, 0.2, -0.2, 0.1], b: [0.6, -0.4], dt: 1 });
  const c = networkFaceCoefficients2DInto(params, 0, grid, boundary, createFaceCoefficients2D(grid));
  const f0 = new Float64Array(grid.nx * grid.ny);
  for (let i = 0; i < grid.nx; i++) {
    for (let j = 0; j < grid.ny; j++) {
      const x = grid.xMin + (i + 0.5) * grid.dx;
      const y = grid.yMin + (j + 0.5) * grid.dy;
      f0[i * grid.ny + j] = Math.exp(-((x - 2) ** 2 + (y + 2) ** 2) / 0.5) + (Math.abs(x + 1) < 0.7 && Math.abs(y - 0.5) < 0.9 ? 0.4 : 0);
    }
  }
  return { grid, params, c, f0 };
}

/**
 * f64 MUSCL steps of step h with the stages of `solveVlasov` (Shu–Osher: Euler; SSP-RK2 u1 = E(u),
 * u = ½u + ½E(u1); SSP-RK3 u1 = E(u), u2 = ¾u + ¼E(u1), u = ⅓u + ⅔E(u2)).
 */
function cpuMuscl(
  grid: Grid1D | Grid2D,
  c: FaceCoefficients1D | FaceCoefficients2D,
  f0: Float64Array,
  h: number,
  steps: number,
  limiter: Limiter,
  stepper: Stepper,
  periodic: boolean,
): Float64Array {
  const n = f0.length;
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const rowL = new Float64Array(grid.kind === "2d" ? grid.ny : 0);
  const rowR = new Float64Array(rowL.length);
  const stage = (src: Float64Array, dst: Float64Array, a: number, base: Float64Array) => {
    if (grid.kind === "1d") {
      stridedSlopes(src, sx, grid.n, 1, 1, 0, limiter, periodic);
      advectionStage1D(c as FaceCoefficients1D, src, sx, periodic, a, base, 1 - a, ((1 - a) * h) / grid.dx, dst);
    } else {
      stridedSlopes(src, sx, grid.nx, grid.ny, grid.ny, 1, limiter, periodic);
      stridedSlopes(src, sy, grid.ny, 1, grid.nx, grid.ny, limiter, periodic);
      const cx = ((1 - a) * h) / grid.dx;
      const cy = ((1 - a) * h) / grid.dy;
      advectionStage2D(grid, c as FaceCoefficients2D, src, sx, sy, periodic, a, base, 1 - a, cx, cy, dst, rowL, rowR);
    }
  };
  let u = Float64Array.from(f0);
  let A = new Float64Array(n);
  const B = new Float64Array(n);
  for (let k = 0; k < steps; k++) {
    if (stepper === "euler") {
      stage(u, A, 0, u);
      [u, A] = [A, u];
    } else if (stepper === "ssp-rk2") {
      stage(u, A, 0, u);
      stage(A, u, 0.5, u);
    } else {
      stage(u, A, 0, u);
      stage(A, B, 0.75, u);
      stage(B, A, 1 / 3, u);
      [u, A] = [A, u];
    }
  }
  return u;
}

function faceJson(c: FaceCoefficients1D | FaceCoefficients2D, grid: Grid1D | Grid2D): object {
  if (grid.kind === "1d") {
    const c1 = c as FaceCoefficients1D;
    return { ap: Array.from(c1.ap), am: Array.from(c1.am) };
  }
  const c2 = c as FaceCoefficients2D;
  return {
    nx: grid.nx,
    ny: grid.ny,
    axp: Array.from(c2.axp),
    axm: Array.from(c2.axm),
    ayp: Array.from(c2.ayp),
    aym: Array.from(c2.aym),
  };
}

describe("the f64 MUSCL reference of this suite", () => {
  for (const stepper of STEPPERS) {
    test(`repeats solveVlasov (MUSCL, ${stepper}, van Leer / MC, outflow) to 1e-12`, () => {
      for (const [d, limiter] of [
        [1, "van-leer"],
        [2, "mc"],
      ] as const) {
        const p = d === 1 ? problem1D("outflow") : problem2D("outflow");
        const steps = 12;
        const h = 0.4 / p.c.rate;
        const params = createNetwork({
          sigma: "tanh",
          d,
          W: d === 1 ? [0.1] : [0.1, 0.2, -0.2, 0.1],
          b: d === 1 ? [0.8] : [0.6, -0.4],
          dt: steps * h,
        });
        const r = solveVlasov(
          { params, grid: p.grid, f0: p.f0 },
          { scheme: "muscl", limiter, timeStepper: stepper, dt: h, boundary: "outflow" },
        );
        expect(r.stats.steps).toBe(steps);
        const ref = cpuMuscl(p.grid, p.c, p.f0, h, steps, limiter, stepper, false);
        expect(maxAbs(ref.map((v, i) => v - r.f[i]!))).toBeLessThan(1e-12);
      }
    });
  }
});

describe("WebGPU MUSCL advection on the software adapter", () => {
  for (const boundary of BOUNDARIES) {
    for (const limiter of LIMITERS) {
      for (const stepper of STEPPERS) {
        test(`${limiter}, ${stepper}, ${boundary}, 1-D and 2-D: L1 within C·(stages·steps+1)·u·‖f0‖₁ of f64, mass, positivity`, async (ctx) => {
          const g = page(ctx);
          const steps = 60;
          const periodic = boundary === "periodic";
          for (const p of [problem1D(boundary), problem2D(boundary)]) {
            const { grid, c, f0 } = p;
            const h = 0.45 / c.rate;
            const lambda = grid.kind === "1d" ? h / grid.dx : [h / grid.dx, h / grid.dy];
            const vol = grid.kind === "1d" ? grid.dx : grid.dx * grid.dy;
            const r = await g.call("muscl", Array.from(f0), faceJson(c, grid), {
              steps,
              lambda,
              periodic,
              limiter,
              timeStepper: stepper,
              cellVolume: vol,
            });
            if ("error" in r) throw new Error(r.message);
            expect(r.status).toBe("success");
            expect(r.precision).toBe("f32");
            expect(r.stats).toMatchObject({ steps, rhsEvals: steps * STAGES[stepper] });
            expect(r.stats.cfl).toBeLessThanOrEqual(0.45 * (1 + 1e-6));
            const cpu = cpuMuscl(grid, c, f0, h, steps, limiter, stepper, periodic);
            const mass0 = sum(f0, vol);
            const bound = C * (STAGES[stepper] * steps + 1) * U;
            const err = l1(r.f, cpu, vol);
            if (VERBOSE)
              console.log(
                `${grid.kind} ${limiter} ${stepper} ${boundary}: L1/(stages·steps·u·‖f0‖₁) = ${(err / (bound / C) / mass0).toFixed(3)}`,
              );
            expect(err).toBeLessThanOrEqual(bound * mass0);
            expect(Math.min(...r.f)).toBeGreaterThanOrEqual(-bound * maxAbs(f0));
            expect(Math.abs(r.initialMass - mass0)).toBeLessThanOrEqual(U * mass0);
            expect(Math.abs(r.mass - sum(r.f, vol))).toBeLessThanOrEqual(1e-12 * mass0);
            if (boundary === "outflow")
              expect(r.mass).toBeLessThan(0.99 * mass0); // the drift carries mass out
            else expect(Math.abs(r.mass - mass0)).toBeLessThanOrEqual(bound * mass0);
            // the test can fail: the f64 result of every other limiter and stepper lies more than twice the
            // bound away, so a kernel computing one of them (its own rounding far below the bound) fails
            for (const other of LIMITERS.filter((x) => x !== limiter)) {
              expect(l1(cpuMuscl(grid, c, f0, h, steps, other, stepper, periodic), cpu, vol)).toBeGreaterThan(2 * bound * mass0);
            }
            for (const other of STEPPERS.filter((x) => x !== stepper)) {
              expect(l1(cpuMuscl(grid, c, f0, h, steps, limiter, other, periodic), cpu, vol)).toBeGreaterThan(2 * bound * mass0);
            }
          }
        });
      }
    }
  }

  test("MUSCL does not depend on workgroup size or dispatch split (bit-identical)", async (ctx) => {
    const g = page(ctx);
    const { grid, c, f0 } = problem2D("periodic");
    const lambda = [0.4 / c.rate / grid.dx, 0.4 / c.rate / grid.dy];
    const o = { steps: 25, lambda, periodic: true, limiter: "mc", timeStepper: "ssp-rk3" };
    const a = await g.call("muscl", Array.from(f0), faceJson(c, grid), o);
    const b = await g.call("muscl", Array.from(f0), faceJson(c, grid), o, { workgroupSize: 16, particlesPerDispatch: 333 });
    if ("error" in a || "error" in b) throw new Error("MUSCL failed");
    expect(b.f).toEqual(a.f);
  });

  test("MUSCL defaults: van Leer and SSP-RK3 (as solveVlasov)", async (ctx) => {
    const g = page(ctx);
    const { grid, c, f0 } = problem1D("zero-flux");
    const lambda = 0.4 / c.rate / grid.dx;
    const a = await g.call("muscl", Array.from(f0), faceJson(c, grid), { steps: 10, lambda });
    const b = await g.call("muscl", Array.from(f0), faceJson(c, grid), { steps: 10, lambda, limiter: "van-leer", timeStepper: "ssp-rk3" });
    if ("error" in a || "error" in b) throw new Error("MUSCL failed");
    expect(a.f).toEqual(b.f);
    expect(a.stats.rhsEvals).toBe(30);
  });
});

/** Chang–Cooper coefficients of a(x) = tanh(w x + b) and constant D on the grid, the same walls at both ends. */
function fpProblem(w: number, b: number, D: number, boundary: FpBoundary) {
  const grid = createGrid1D(-4, 4, 200);
  const cc = changCooperCoefficients(grid, (x) => Math.tanh(w * x + b), D, boundary, boundary);
  const f0 = Float64Array.from({ length: grid.n }, (_, j) => {
    const x = grid.xMin + (j + 0.5) * grid.dx;
    return Math.exp(-(((x - 2.5) / 0.5) ** 2)) + (Math.abs(x + 1.5) < 0.6 ? 0.3 : 0) + 0.5 * Math.exp(-(((x + 3.3) / 0.4) ** 2));
  });
  let out = 0;
  for (let i = 0; i < grid.n; i++) out = Math.max(out, cc.alpha[i + 1]! + cc.beta[i]!);
  return { grid, cc, f0, bound: (grid.dx * grid.dx) / out };
}

describe("WebGPU explicit Fokker–Planck (Chang–Cooper) on the software adapter", () => {
  const cases = [
    { w: -1, b: 0.5, D: 0.1, boundary: "zero-flux" },
    { w: 0, b: 0.8, D: 0.02, boundary: "outflow" },
    { w: -0.5, b: 0, D: 0.5, boundary: "zero-flux" },
    { w: 0.3, b: -0.2, D: 0.2, boundary: "absorbing" },
    { w: 0.2, b: -0.6, D: 0.05, boundary: "outflow" },
  ] as const;
  for (const { w, b, D, boundary } of cases) {
    test(`drift tanh(${w}x + ${b}), D = ${D}, ${boundary}: L1 within C·(steps+1)·u·‖f0‖₁ of solveFokkerPlanck, mass and outflow`, async (ctx) => {
      const g = page(ctx);
      const { grid, cc, f0, bound: dtMax } = fpProblem(w, b, D, boundary);
      const steps = 200;
      const T = steps * 0.9 * dtMax;
      const network = createNetwork({ sigma: "tanh", d: 1, W: [w], b: [b], dt: T });
      const cpu = solveFokkerPlanck(
        { network, grid, f0, D, T },
        { method: "explicit-euler", dt: 0.9 * dtMax, boundary: [boundary, boundary] },
      );
      expect(cpu.stats.steps).toBe(steps);
      const dt = T / steps;
      const r = await g.call("fp", Array.from(f0), { alpha: Array.from(cc.alpha), beta: Array.from(cc.beta) }, { steps, dt, dx: grid.dx });
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      expect(r.precision).toBe("f32");
      expect(r.stats.steps).toBe(steps);
      expect(r.stats.cfl).toBeCloseTo(0.9, 6);
      const mass0 = sum(f0, grid.dx);
      const tol = C * (steps + 1) * U;
      const err = l1(r.f, cpu.f, grid.dx);
      if (VERBOSE) console.log(`FP ${w} ${b} ${D} ${boundary}: L1/(steps·u·‖f0‖₁) = ${(err / (tol / C) / mass0).toFixed(3)}`);
      expect(err).toBeLessThanOrEqual(tol * mass0);
      expect(Math.min(...r.f)).toBeGreaterThanOrEqual(-tol * maxAbs(f0));
      expect(Math.abs(r.mass - cpu.stats.massFinal)).toBeLessThanOrEqual(tol * mass0);
      expect(Math.abs(r.massLost - cpu.stats.massLost)).toBeLessThanOrEqual(tol * mass0);
      expect(Math.abs(r.initialMass - r.mass - r.massLost)).toBeLessThanOrEqual(tol * mass0);
      if (boundary === "zero-flux") expect(r.massLost).toBe(0);
      else expect(r.massLost).toBeGreaterThan(1e-3 * mass0);
      // the test can fail: the f64 steps with α and β swapped (the drift reversed) are far outside the bound
      let y = Float64Array.from(f0);
      let z = new Float64Array(grid.n);
      const rr = dt / (grid.dx * grid.dx);
      for (let k = 0; k < steps; k++) {
        for (let i = 0; i < grid.n; i++) {
          let v = -(cc.beta[i + 1]! + cc.alpha[i]!) * y[i]!;
          if (i > 0) v += cc.beta[i]! * y[i - 1]!;
          if (i < grid.n - 1) v += cc.alpha[i + 1]! * y[i + 1]!;
          z[i] = y[i]! + rr * v;
        }
        [y, z] = [z, y];
      }
      expect(l1(y, cpu.f, grid.dx)).toBeGreaterThan(10 * tol * mass0);
    });
  }

  test("Fokker–Planck does not depend on workgroup size or dispatch split (bit-identical)", async (ctx) => {
    const g = page(ctx);
    const { grid, cc, f0, bound } = fpProblem(-1, 0.5, 0.1, "outflow");
    const o = { steps: 50, dt: 0.8 * bound, dx: grid.dx };
    const coef = { alpha: Array.from(cc.alpha), beta: Array.from(cc.beta) };
    const a = await g.call("fp", Array.from(f0), coef, o);
    const b = await g.call("fp", Array.from(f0), coef, o, { workgroupSize: 8, particlesPerDispatch: 37 });
    if ("error" in a || "error" in b) throw new Error("Fokker–Planck failed");
    expect(b.f).toEqual(a.f);
    expect(b.massLost).toBe(a.massLost);
  });
});

/**
 * 2-D problem for the unsplit explicit Chang–Cooper step: each grid line's coefficients from
 * `changCooperCoefficients` with the velocity and D along it (x-lines: tanh(W₀₀x + W₀₁y_j + b₀), D_x;
 * y-lines: tanh(W₁₀x_i + W₁₁y + b₁), D_y), in the GPU layout.
 */
function fp2Problem(W: readonly number[], b: readonly number[], D: readonly [number, number], boundary: FpBoundary) {
  const grid = createGrid2D([-3, 3], [-2.5, 2.5], 48, 32);
  const { nx, ny, dx, dy } = grid;
  const { coefficients, rate } = fp2Coefficients(grid, W, b, D, boundary);
  const f0 = Float64Array.from({ length: nx * ny }, (_, k) => {
    const x = grid.xMin + (Math.floor(k / ny) + 0.5) * dx;
    const y = grid.yMin + ((k % ny) + 0.5) * dy;
    return Math.exp(-((x - 1.8) ** 2 + (y + 1.5) ** 2) / 0.3) + (Math.abs(x + 1) < 0.7 && Math.abs(y) < 0.9 ? 0.4 : 0);
  });
  return { grid, coefficients, f0, bound: 1 / rate };
}

describe("WebGPU explicit Fokker–Planck in 2-D (unsplit Chang–Cooper) on the software adapter", () => {
  const cases = [
    { W: [-1, 0.4, -0.3, -0.8], b: [0.3, -0.2], D: [0.1, 0.05], boundary: "zero-flux" },
    { W: [0.2, 0, 0.5, -0.1], b: [0.8, 0.6], D: [0.02, 0.04], boundary: "outflow" },
    { W: [-0.5, 0.3, 0.2, -0.5], b: [0, 0.1], D: [0.3, 0.2], boundary: "absorbing" },
  ] as const;
  for (const { W, b, D, boundary } of cases) {
    test(`W = [${W}], b = [${b}], D = [${D}], ${boundary}: L1 within C·(steps+1)·u·‖f0‖₁ of the f64 steps, mass and outflow`, async (ctx) => {
      const g = page(ctx);
      const { grid, coefficients: c, f0, bound } = fp2Problem(W, b, D, boundary);
      const steps = 150;
      const dt = 0.9 * bound;
      const vol = grid.dx * grid.dy;
      const ref = fp2Reference(grid, c, f0, dt, steps);
      const json = fp2Json(c);
      const r = await g.call("fp", Array.from(f0), json, { steps, dt, dx: grid.dx, dy: grid.dy });
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      expect(r.stats.cfl).toBeCloseTo(0.9, 6);
      const mass0 = sum(f0, vol);
      const tol = C * (steps + 1) * U;
      const err = l1(r.f, ref.f, vol);
      if (VERBOSE) console.log(`FP 2-D ${boundary}: L1/(steps·u·‖f0‖₁) = ${(err / (tol / C) / mass0).toFixed(3)}`);
      expect(err).toBeLessThanOrEqual(tol * mass0);
      expect(Math.min(...r.f)).toBeGreaterThanOrEqual(-tol * maxAbs(f0));
      expect(Math.abs(r.mass - sum(ref.f, vol))).toBeLessThanOrEqual(tol * mass0);
      expect(Math.abs(r.massLost - ref.massLost)).toBeLessThanOrEqual(tol * mass0);
      expect(Math.abs(r.initialMass - r.mass - r.massLost)).toBeLessThanOrEqual(tol * mass0);
      if (boundary === "zero-flux") expect(r.massLost).toBe(0);
      else expect(r.massLost).toBeGreaterThan(1e-3 * mass0);
      // the test can fail: the f64 steps with α and β exchanged along x (the x-drift reversed) lie far outside the bound
      const swapped = fp2Reference(grid, { ...c, alphaX: c.betaX, betaX: c.alphaX }, f0, dt, steps);
      expect(l1(swapped.f, ref.f, vol)).toBeGreaterThan(10 * tol * mass0);
    });
  }

  test("a separable drift: the product of the 1-D discrete steady states is a fixed point (to f32 rounding)", async (ctx) => {
    const g = page(ctx);
    // W diagonal: every x-line has the same coefficients, every y-line too; zero-flux walls
    const { grid, coefficients: c, bound } = fp2Problem([-1.2, 0, 0, -0.7], [0.4, -0.3], [0.15, 0.1], "zero-flux");
    const { nx, ny } = grid;
    // zero flux through every face: α_f g_{f-1} = β_f g_f along each direction
    const gx = [1];
    for (let i = 1; i < nx; i++) gx.push((gx[i - 1]! * c.alphaX[i * ny]!) / c.betaX[i * ny]!);
    const gy = [1];
    for (let j = 1; j < ny; j++) gy.push((gy[j - 1]! * c.alphaY[j]!) / c.betaY[j]!);
    const vol = grid.dx * grid.dy;
    let m = 0;
    for (const a of gx) for (const bb of gy) m += a * bb * vol;
    const steady = Float64Array.from({ length: nx * ny }, (_, k) => (gx[Math.floor(k / ny)]! * gy[k % ny]!) / m);
    const steps = 200;
    const json = fp2Json(c);
    const r = await g.call("fp", Array.from(steady), json, { steps, dt: 0.9 * bound, dx: grid.dx, dy: grid.dy });
    if ("error" in r) throw new Error(r.message);
    const tol = C * (steps + 1) * U;
    expect(l1(r.f, steady, vol)).toBeLessThanOrEqual(tol);
    // and it attracts: from the lumps, the L1 distance to it shrinks
    const { f0 } = fp2Problem([-1.2, 0, 0, -0.7], [0.4, -0.3], [0.15, 0.1], "zero-flux");
    const start = f0.map((v) => v / sum(f0, vol));
    const later = await g.call("fp", Array.from(start), json, { steps: 2000, dt: 0.9 * bound, dx: grid.dx, dy: grid.dy });
    if ("error" in later) throw new Error(later.message);
    expect(l1(later.f, steady, vol)).toBeLessThan(0.5 * l1(start, steady, vol));
  });

  test("2-D Fokker–Planck does not depend on workgroup size or dispatch split (bit-identical)", async (ctx) => {
    const g = page(ctx);
    const { grid, coefficients: c, f0, bound } = fp2Problem([-0.5, 0.3, 0.2, -0.5], [0, 0.1], [0.3, 0.2], "outflow");
    const json = fp2Json(c);
    const o = { steps: 40, dt: 0.8 * bound, dx: grid.dx, dy: grid.dy };
    const a = await g.call("fp", Array.from(f0), json, o);
    const bb = await g.call("fp", Array.from(f0), json, o, { workgroupSize: 8, particlesPerDispatch: 37 });
    if ("error" in a || "error" in bb) throw new Error("2-D Fokker–Planck failed");
    expect(bb.f).toEqual(a.f);
    expect(bb.massLost).toBe(a.massLost);
  });
});

describe("solveVlasovWebGpu: solveVlasov layer by layer on the software adapter", () => {
  // three layers of a 1-D tanh network, two of a 2-D one; save times inside layers and on a boundary
  const net1 = { sigma: "tanh", d: 1, W: [-1.2, 0.6, 0.9], b: [0.4, -0.3, 0.2], dt: 0.5 };
  const net2 = { sigma: "tanh", d: 2, W: [-1, 0.6, -0.6, -0.8, 0.5, -1, 1, 0.3], b: [0.2, -0.1, -0.3, 0.2], dt: 0.5 };
  const cases = [
    { name: "1-D upwind, zero-flux", net: net1, options: { scheme: "upwind", boundary: "zero-flux", saveAt: [0.3, 0.5, 1.2] } },
    {
      name: "1-D MUSCL (van Leer, SSP-RK3), outflow",
      // a drift to the right that carries the bumps through the right wall
      net: { ...net1, W: [0.8, 0.5, 0.9], b: [0.9, 0.8, 1], dt: 1 },
      options: { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3", boundary: "outflow", saveAt: [0.75, 2] },
    },
    { name: "2-D upwind, periodic", net: net2, options: { scheme: "upwind", boundary: "periodic", saveAt: [0.5] } },
    {
      name: "2-D MUSCL (MC, SSP-RK2), zero-flux",
      net: net2,
      options: { scheme: "muscl", limiter: "mc", timeStepper: "ssp-rk2", boundary: "zero-flux", saveAt: [0.2, 0.9] },
    },
  ] as const;
  for (const { name, net, options } of cases) {
    test(`${name}: the same steps and save times; f and every snapshot within C·(stages·steps + calls)·u·‖f0‖₁ of solveVlasov`, async (ctx) => {
      const g = page(ctx);
      const two = net.d === 2;
      const grid = two ? createGrid2D([-3, 3], [-3, 3], 40, 36) : createGrid1D(-4, 4, 240);
      const params = createNetwork({ ...net, W: net.W, b: net.b });
      const f0 = two
        ? Float64Array.from({ length: 40 * 36 }, (_, k) => {
            const G = grid as Grid2D;
            const x = G.xMin + (Math.floor(k / G.ny) + 0.5) * G.dx;
            const y = G.yMin + ((k % G.ny) + 0.5) * G.dy;
            return Math.exp(-((x - 1) ** 2 + (y + 0.5) ** 2) / 0.4) + (Math.abs(x + 1) < 0.8 && Math.abs(y - 1) < 0.6 ? 0.5 : 0);
          })
        : Float64Array.from({ length: 240 }, (_, j) => {
            const x = -4 + (j + 0.5) * (8 / 240);
            return Math.exp(-(((x - 1.5) / 0.5) ** 2)) + (Math.abs(x + 1) < 0.7 ? 0.4 : 0);
          });
      const cpu = solveVlasov({ params, grid, f0 }, options);
      const gridJson = two ? { x: [-3, 3], y: [-3, 3], nx: 40, ny: 36 } : { xMin: -4, xMax: 4, n: 240 };
      const r = await g.call("vlasov", net, gridJson, Array.from(f0), options);
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      expect(r.precision).toBe("f32");
      expect(r.stats.steps).toBe(cpu.stats.steps);
      expect(r.times).toEqual(Array.from(cpu.times));
      const vol = two ? (grid as Grid2D).dx * (grid as Grid2D).dy : (grid as Grid1D).dx;
      const stages = "timeStepper" in options ? STAGES[options.timeStepper] : 1;
      const tol = C * (stages * r.stats.steps + r.calls) * U * sum(f0, vol);
      const err = l1(r.f, cpu.f, vol);
      if (VERBOSE) console.log(`solveVlasovWebGpu ${name}: ${r.calls} calls, L1/(… u ‖f0‖₁) = ${((C * err) / tol).toFixed(3)}`);
      expect(err).toBeLessThanOrEqual(tol);
      for (let s = 0; s < cpu.saved.length; s++) expect(l1(r.saved[s]!, cpu.saved[s]!, vol)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r.stats.massLost - cpu.stats.massLost)).toBeLessThanOrEqual(tol);
      if (options.boundary === "outflow") expect(r.stats.massLost).toBeGreaterThan(1e-3 * sum(f0, vol));
      // the test can fail: the layers out of order (the last layer's field first) lie far outside it
      const shuffled = solveVlasov(
        { params: createNetwork({ ...net, W: [...net.W].reverse(), b: [...net.b].reverse() }), grid, f0 },
        options,
      );
      expect(l1(shuffled.f, cpu.f, vol)).toBeGreaterThan(10 * tol);
    });
  }

  test("upwind with an SSP Runge–Kutta stepper is refused naming timeStepper; max-steps stops early", async (ctx) => {
    const g = page(ctx);
    const grid = { xMin: -4, xMax: 4, n: 60 };
    const f0 = Array.from({ length: 60 }, (_, j) => Math.exp(-(((j - 30) / 8) ** 2)));
    const bad = await g.call("vlasov", net1, grid, f0, { scheme: "upwind", timeStepper: "ssp-rk2" });
    expect(bad).toMatchObject({ error: "UNSUPPORTED" });
    expect((bad as { message: string }).message).toContain("timeStepper");
    const cut = await g.call("vlasov", net1, grid, f0, { scheme: "upwind", maxSteps: 5 });
    if ("error" in cut) throw new Error(cut.message);
    expect(cut.status).toBe("max-steps");
    expect(cut.stats.steps).toBe(5);
  });
});

describe("solveFokkerPlanckWebGpu: explicit-Euler solveFokkerPlanck layer by layer on the software adapter", () => {
  const net = { sigma: "tanh", d: 1, W: [-1.2, 0.7, -0.5], b: [0.4, -0.6, 0.2], dt: 0.4 };
  const grid = { xMin: -4, xMax: 4, n: 160 };
  const g1 = createGrid1D(grid.xMin, grid.xMax, grid.n);
  const f0 = Float64Array.from({ length: grid.n }, (_, j) => {
    const x = g1.xMin + (j + 0.5) * g1.dx;
    return Math.exp(-(((x - 1.5) / 0.5) ** 2)) + (Math.abs(x + 1.2) < 0.6 ? 0.4 : 0);
  });
  const cases = [
    { name: "one D, zero-flux", D: 0.08, options: { boundary: "zero-flux", saveAt: [0.3, 0.8] } },
    { name: "one D per layer, outflow", D: [0.02, 0.15, 0.05], options: { boundary: "outflow", saveAt: [0.4, 1] } },
    { name: "absorbing walls, safety 0.5", D: 0.2, options: { boundary: "absorbing", safety: 0.5 } },
  ] as const;
  for (const { name, D, options } of cases) {
    test(`${name}: the same steps and save times; f and every snapshot within C·(steps + calls)·u·‖f0‖₁, mass lost`, async (ctx) => {
      const g = page(ctx);
      const params = createNetwork({ ...net, W: net.W, b: net.b });
      const Ds = typeof D === "number" ? D : [...D];
      const cpu = solveFokkerPlanck({ network: params, grid: g1, f0, D: Ds }, { ...options, method: "explicit-euler" });
      const r = await g.call("fokkerPlanck", net, grid, Array.from(f0), Ds, options);
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      expect(r.precision).toBe("f32");
      expect(r.stats.steps).toBe(cpu.stats.steps);
      expect(r.times).toEqual(cpu.times);
      const tol = C * (r.stats.steps + r.calls) * U * sum(f0, g1.dx);
      const err = l1(r.f, cpu.f, g1.dx);
      if (VERBOSE) console.log(`solveFokkerPlanckWebGpu ${name}: ${r.calls} calls, L1/(… u ‖f0‖₁) = ${((C * err) / tol).toFixed(3)}`);
      expect(err).toBeLessThanOrEqual(tol);
      for (let s = 0; s < cpu.saved.length; s++) expect(l1(r.saved[s]!, cpu.saved[s]!, g1.dx)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r.stats.massLost - cpu.stats.massLost)).toBeLessThanOrEqual(tol);
      if (options.boundary === "absorbing") expect(r.stats.massLost).toBeGreaterThan(1e-4 * sum(f0, g1.dx));
      if (options.boundary === "zero-flux") expect(r.stats.massLost).toBe(0);
      // the test can fail: the layers in reverse order lie far outside the bound
      const rev = createNetwork({ ...net, W: [...net.W].reverse(), b: [...net.b].reverse() });
      const other = solveFokkerPlanck(
        { network: rev, grid: g1, f0, D: typeof Ds === "number" ? Ds : [...Ds].reverse() },
        { ...options, method: "explicit-euler" },
      );
      expect(l1(other.f, cpu.f, g1.dx)).toBeGreaterThan(10 * tol);
    });
  }

  test("an implicit method is refused naming method", async (ctx) => {
    const g = page(ctx);
    const r = await g.call("fokkerPlanck", net, grid, Array.from(f0), 0.1, { method: "crank-nicolson" });
    expect(r).toMatchObject({ error: "UNSUPPORTED" });
    expect((r as { message: string }).message).toContain("method");
  });
});

/**
 * The f64 twin of `solveFokkerPlanck2DWebGpu`, written out here: per-layer coefficients by
 * {@link fp2Coefficients}, dt = safety / (the largest outgoing rate over the layers) unless given, the
 * stretches between layer boundaries and save times, each cut into ⌈span/dt⌉ equal steps of
 * {@link fp2Reference}. `extraStep` adds one step to the last stretch (a deliberately wrong step count).
 */
function fp2Solve(
  net: { W: readonly number[]; b: readonly number[]; dt: number },
  grid: Grid2D,
  f0: Float64Array,
  D: readonly [number, number],
  boundary: FpBoundary | readonly [FpBoundary, FpBoundary],
  saveAt: readonly number[],
  step: { dt: number } | { safety: number },
  extraStep = false,
) {
  const layers = net.W.length / 4;
  const coefs = Array.from({ length: layers }, (_, k) =>
    fp2Coefficients(grid, net.W.slice(4 * k, 4 * k + 4), net.b.slice(2 * k, 2 * k + 2), D, boundary),
  );
  const bound = 1 / Math.max(...coefs.map((c) => c.rate));
  const dt = "dt" in step ? step.dt : step.safety * bound;
  const T = layers * net.dt;
  const stops = [...new Set([...Array.from({ length: layers }, (_, k) => (k + 1) * net.dt), ...saveAt.filter((t) => t > 0)])].sort(
    (a, b) => a - b,
  );
  let f = Float64Array.from(f0);
  const saved: Float64Array[] = saveAt.filter((t) => t === 0).map(() => f.slice());
  let t = 0;
  let steps = 0;
  let massLost = 0;
  for (const [q, stop] of stops.entries()) {
    const n = Math.max(1, Math.ceil((stop - t) / dt - 1e-9));
    const k = Math.min(layers - 1, Math.floor(t / net.dt + 1e-9));
    const r = fp2Reference(grid, coefs[k]!.coefficients, f, (stop - t) / n, n + (extraStep && q === stops.length - 1 ? 1 : 0));
    f = r.f;
    massLost += r.massLost;
    steps += n;
    for (const s of saveAt) if (s === stop) saved.push(f.slice());
    t = stop;
  }
  return { f, saved, steps, calls: stops.length, massLost, bound, T };
}

describe("solveFokkerPlanck2DWebGpu: unsplit explicit Euler layer by layer on the software adapter", () => {
  // three layers of a 2-D tanh network (non-separable drift), save times inside layers and on a boundary
  const net = {
    sigma: "tanh",
    d: 2,
    W: [-1, 0.4, -0.3, -0.8, 0.3, -0.6, 0.5, -0.4, -0.7, 0.2, 0.1, 0.6],
    b: [0.3, -0.2, -0.4, 0.1, 0.2, 0.5],
    dt: 0.25,
  };
  const grid = createGrid2D([-3, 3], [-2.5, 2.5], 40, 32);
  const gridJson = { x: [-3, 3] as [number, number], y: [-2.5, 2.5] as [number, number], nx: 40, ny: 32 };
  const { nx, ny, dx, dy } = grid;
  const vol = dx * dy;
  const f0 = Float64Array.from({ length: nx * ny }, (_, k) => {
    const x = grid.xMin + (Math.floor(k / ny) + 0.5) * dx;
    const y = grid.yMin + ((k % ny) + 0.5) * dy;
    return Math.exp(-((x - 1.5) ** 2 + (y + 1.2) ** 2) / 0.3) + (Math.abs(x + 1) < 0.7 && Math.abs(y) < 0.9 ? 0.4 : 0);
  });
  const cases = [
    { name: "zero-flux, dt from the bound", D: [0.2, 0.1], boundary: "zero-flux", saveAt: [0, 0.3, 0.6], step: { safety: 0.9 } },
    { name: "outflow, a given dt", D: [0.05, 0.15], boundary: "outflow", saveAt: [0.5], step: { dt: 0.02 } },
    {
      name: "absorbing x-walls, zero-flux y-walls, safety 0.5",
      D: [0.3, 0.2],
      boundary: ["absorbing", "zero-flux"],
      saveAt: [0.1],
      step: { safety: 0.5 },
    },
  ] as const;
  for (const { name, D, boundary, saveAt, step } of cases) {
    test(`${name}: the same steps and save times; f and every snapshot within C·(steps + calls)·u·‖f0‖₁ of the f64 twin, mass lost`, async (ctx) => {
      const g = page(ctx);
      const ref = fp2Solve(net, grid, f0, D, boundary, saveAt, step);
      const r = await g.call("fokkerPlanck2D", net, gridJson, Array.from(f0), [...D], { boundary, saveAt, ...step });
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      expect(r.precision).toBe("f32");
      expect(r.stats.steps).toBe(ref.steps);
      expect(r.calls).toBe(ref.calls);
      expect(r.times).toEqual([...saveAt]);
      expect(r.stats.maxCfl).toBeLessThanOrEqual(1);
      const mass0 = sum(f0, vol);
      const tol = C * (ref.steps + ref.calls) * U * mass0;
      const err = l1(r.f, ref.f, vol);
      if (VERBOSE)
        console.log(
          `solveFokkerPlanck2DWebGpu ${name}: ${ref.steps} steps, ${ref.calls} calls, max CFL ${r.stats.maxCfl.toFixed(3)}, L1 ${err.toExponential(2)} = ${((C * err) / tol).toFixed(3)}·(steps + calls)·u·‖f0‖₁`,
        );
      expect(err).toBeLessThanOrEqual(tol);
      expect(r.saved).toHaveLength(ref.saved.length);
      for (let s = 0; s < ref.saved.length; s++) expect(l1(r.saved[s]!, ref.saved[s]!, vol)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r.stats.massLost - ref.massLost)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r.stats.massInitial - r.stats.massFinal - r.stats.massLost)).toBeLessThanOrEqual(tol);
      expect(r.stats.minValue).toBeGreaterThanOrEqual(-tol);
      if (boundary === "zero-flux") expect(r.stats.massLost).toBe(0);
      else expect(r.stats.massLost).toBeGreaterThan(1e-4 * mass0);
      // the test can fail: one step too many in the last stretch, or the layers in reverse order, lie far outside the bound
      const extra = fp2Solve(net, grid, f0, D, boundary, saveAt, step, true);
      const reversed = fp2Solve(
        { ...net, W: [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3].map((i) => net.W[i]!), b: [4, 5, 2, 3, 0, 1].map((i) => net.b[i]!) },
        grid,
        f0,
        D,
        boundary,
        saveAt,
        step,
      );
      if (VERBOSE)
        console.log(
          `  one extra step: L1 ${(l1(extra.f, ref.f, vol) / tol).toFixed(1)}× the bound; layers reversed: ${(l1(reversed.f, ref.f, vol) / tol).toFixed(1)}×`,
        );
      expect(l1(extra.f, ref.f, vol)).toBeGreaterThan(10 * tol);
      expect(l1(reversed.f, ref.f, vol)).toBeGreaterThan(10 * tol);
    });
  }

  test("a dt above the explicit bound is UNSTABLE naming dt (with the bound); an implicit method is UNSUPPORTED naming method", async (ctx) => {
    const g = page(ctx);
    const { bound } = fp2Solve(net, grid, f0, [0.2, 0.1], "zero-flux", [], { safety: 1 });
    const unstable = await g.call("fokkerPlanck2D", net, gridJson, Array.from(f0), [0.2, 0.1], { dt: 1.01 * bound });
    expect(unstable).toMatchObject({ error: "UNSTABLE" });
    expect((unstable as { message: string }).message).toContain("`dt` <= ");
    expect((unstable as { message: string }).message).toContain(bound.toPrecision(6));
    const atBound = await g.call("fokkerPlanck2D", net, gridJson, Array.from(f0), [0.2, 0.1], { dt: 0.999 * bound });
    if ("error" in atBound) throw new Error(atBound.message);
    expect(atBound.status).toBe("success");
    const implicit = await g.call("fokkerPlanck2D", net, gridJson, Array.from(f0), [0.2, 0.1], { method: "implicit-euler" });
    expect(implicit).toMatchObject({ error: "UNSUPPORTED" });
    expect((implicit as { message: string }).message).toContain("`method`");
  });
});

describe("WebGPU grid kernels: bad input", () => {
  const face1 = { ap: [0, 1, 0], am: [0, 0, 0] };
  const bad: [string, () => Promise<unknown>, string, string][] = [
    ["MUSCL CFL above 1/2", () => gpu!.call("muscl", [1, 1], face1, { steps: 1, lambda: 0.6 }), "UNSTABLE", "0.5"],
    [
      "MUSCL unknown limiter",
      () => gpu!.call("muscl", [1, 1], face1, { steps: 1, lambda: 0.4, limiter: "superbee" }),
      "INVALID_ARGUMENT",
      "options.limiter",
    ],
    [
      "MUSCL unknown stepper",
      () => gpu!.call("muscl", [1, 1], face1, { steps: 1, lambda: 0.4, timeStepper: "rk4" }),
      "INVALID_ARGUMENT",
      "options.timeStepper",
    ],
    [
      "MUSCL unknown option",
      () => gpu!.call("muscl", [1, 1], face1, { steps: 1, lambda: 0.4, boundary: "outflow" }),
      "INVALID_ARGUMENT",
      "boundary",
    ],
    [
      "MUSCL cellVolume 0",
      () => gpu!.call("muscl", [1, 1], face1, { steps: 1, lambda: 0.4, cellVolume: 0 }),
      "INVALID_ARGUMENT",
      "options.cellVolume",
    ],
    [
      "MUSCL am positive",
      () => gpu!.call("muscl", [1, 1], { ap: [0, 1, 0], am: [0, 1, 0] }, { steps: 1, lambda: 0.4 }),
      "INVALID_ARGUMENT",
      "coefficients.am[1]",
    ],
    [
      "MUSCL 2-D ayp length",
      () => gpu!.call("muscl", [1], { nx: 1, ny: 1, axp: [0, 0], axm: [0, 0], ayp: [0], aym: [0, 0] }, { steps: 1, lambda: [0.4, 0.4] }),
      "SHAPE_MISMATCH",
      "coefficients.ayp",
    ],
    [
      "FP CFL above 1",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1, 0], beta: [0, 1, 0] }, { steps: 1, dt: 1.2, dx: 1 }),
      "UNSTABLE",
      "options.dt",
    ],
    [
      "FP negative beta",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1, 0], beta: [0, -1, 0] }, { steps: 1, dt: 0.1, dx: 1 }),
      "INVALID_ARGUMENT",
      "coefficients.beta[1]",
    ],
    [
      "FP alpha length",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1], beta: [0, 1, 0] }, { steps: 1, dt: 0.1, dx: 1 }),
      "SHAPE_MISMATCH",
      "coefficients.alpha",
    ],
    [
      "FP missing dx",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1, 0], beta: [0, 1, 0] }, { steps: 1, dt: 0.1 }),
      "INVALID_ARGUMENT",
      "options.dx",
    ],
    [
      "FP steps 0",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1, 0], beta: [0, 1, 0] }, { steps: 0, dt: 0.1, dx: 1 }),
      "INVALID_ARGUMENT",
      "options.steps",
    ],
    ["FP empty f", () => gpu!.call("fp", [], { alpha: [0], beta: [0] }, { steps: 1, dt: 0.1, dx: 1 }), "INVALID_ARGUMENT", "f"],
    ["FP no coefficients", () => gpu!.call("fp", [1], null as never, { steps: 1, dt: 0.1, dx: 1 }), "INVALID_ARGUMENT", "coefficients"],
    [
      "FP 2-D without dy",
      () =>
        gpu!.call("fp", [1], { nx: 1, ny: 1, alphaX: [0, 0], betaX: [0, 0], alphaY: [0, 0], betaY: [0, 0] }, { steps: 1, dt: 0.1, dx: 1 }),
      "INVALID_ARGUMENT",
      "options.dy",
    ],
    [
      "FP 1-D with dy",
      () => gpu!.call("fp", [1, 1], { alpha: [0, 1, 0], beta: [0, 1, 0] }, { steps: 1, dt: 0.1, dx: 1, dy: 1 }),
      "INVALID_ARGUMENT",
      "options.dy",
    ],
    [
      "FP 2-D alphaY length",
      () =>
        gpu!.call(
          "fp",
          [1],
          { nx: 1, ny: 1, alphaX: [0, 0], betaX: [0, 0], alphaY: [0], betaY: [0, 0] },
          { steps: 1, dt: 0.1, dx: 1, dy: 1 },
        ),
      "SHAPE_MISMATCH",
      "coefficients.alphaY",
    ],
    [
      "FP 2-D f length",
      () =>
        gpu!.call(
          "fp",
          [1, 1],
          { nx: 1, ny: 1, alphaX: [0, 0], betaX: [0, 0], alphaY: [0, 0], betaY: [0, 0] },
          { steps: 1, dt: 0.1, dx: 1, dy: 1 },
        ),
      "SHAPE_MISMATCH",
      "f",
    ],
    [
      "FP 2-D CFL above 1",
      () =>
        gpu!.call(
          "fp",
          [1, 1],
          { nx: 2, ny: 1, alphaX: [0, 1, 0], betaX: [0, 1, 0], alphaY: [0, 0.5, 0, 0.5], betaY: [0.5, 0, 0.5, 0] },
          { steps: 1, dt: 0.9, dx: 1, dy: 1 },
        ),
      "UNSTABLE",
      "options.dt",
    ],
  ];
  for (const [name, f, code, field] of bad) {
    test(`bad input: ${name} → ${code} naming ${field}`, async (ctx) => {
      page(ctx);
      const r = (await f()) as { error?: string; message?: string };
      expect(r).toMatchObject({ error: code });
      expect(r.message).toContain(field);
    });
  }
});
