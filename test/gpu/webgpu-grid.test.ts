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
