import { createNetwork } from "@kinetic-nde/core";
import { setWasmKernelsEnabled } from "@kinetic-nde/core/wasm";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { type VlasovGradientOptions, vlasovGradient } from "./adjoint.js";
import { upwindWasmAvailable } from "./internal/wasm-upwind.js";
import type { DensityObjective } from "./objective.js";
import { solveVlasov, type VlasovProblem } from "./vlasov.js";

/**
 * J_s = (1 + s + t_s)·(Σ w_c f0_c² + θ² Σ p_c f1_c) (cell weights w, p): nonlinear in f, with a head
 * parameter, a different weight per save time (so a term put on the wrong state or counted twice shows).
 */
function timedObjective(w: Float64Array, p: Float64Array): DensityObjective {
  return {
    nParams: 1,
    initialTheta: Float64Array.of(0.7),
    evaluate(f, _g, theta, gradF, gradTheta, at) {
      const c = at === undefined ? 1 : 1 + at.index + at.t;
      const th = theta[0]!;
      let J = 0,
        m1 = 0;
      for (let i = 0; i < w.length; i++) {
        const a = f[0]![i]!,
          b = f[1]![i]!;
        J += w[i]! * a * a;
        m1 += p[i]! * b;
        if (gradF) {
          gradF[0]![i] = c * 2 * w[i]! * a;
          gradF[1]![i] = c * th * th * p[i]!;
        }
      }
      if (gradTheta) gradTheta[0] = c * 2 * th * m1;
      return c * (J + th * th * m1);
    },
  };
}

/** Relative l2 error of (gradW, gradB, gradTheta) against central differences of Σ_s J_s(solveVlasov(…).saved[s]). */
function check(
  problem: (W: number[], b: number[]) => VlasovProblem,
  W0: number[],
  b0: number[],
  obj: DensityObjective,
  opts: VlasovGradientOptions,
): { err: number; r: ReturnType<typeof vlasovGradient> } {
  const r = vlasovGradient(problem(W0, b0), obj, opts);
  expect(r.status).toBe("success");
  const { memoryBudget: _m, theta: _t, ...solveOpts } = opts;
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta];
  // central differences, ε = 1e-5: truncation O(ε²) ~ 1e-10, round-off ~ 1e-16/ε ~ 1e-11 (relative)
  const eps = 1e-5;
  const P = W0.length + b0.length;
  let num = 0,
    den = 0;
  for (let q = 0; q <= P; q++) {
    const at = (e: number) => {
      const W = W0.slice(),
        b = b0.slice();
      let th = 0.7;
      if (q < W.length) W[q]! += e;
      else if (q < P) b[q - W.length]! += e;
      else th += e;
      const s = solveVlasov(problem(W, b), solveOpts);
      const grid = s.grid as Grid1D | Grid2D;
      let J = 0;
      s.saved.forEach((f, i) => {
        J += obj.evaluate(f as unknown as Float64Array[], grid, Float64Array.of(th), null, null, { index: i, t: s.times[i]! });
      });
      return J;
    };
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    num += (g[q]! - fd) ** 2;
    den += fd ** 2;
  }
  expect(den).toBeGreaterThan(0);
  return { err: Math.sqrt(num / den), r };
}

// T = 1, three layers (boundaries 1/3, 2/3): t0, times inside layers (0.25 is no multiple of dt = 0.02:
// a shortened step), a layer boundary, a repeated time, one 2 ulps past a boundary (snaps onto it) and T
const SAVES = [0, 0.25, 1 / 3, 0.5, 0.5, 2 / 3 + 2e-16, 1];

describe("vlasovGradient with losses at save times (1-D)", () => {
  const grid = createGrid1D(-4, 4, 40);
  const xs = Float64Array.from({ length: 40 }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
  const obj = timedObjective(
    xs.map((x) => (1 + 0.3 * Math.sin(x)) * grid.dx),
    xs.map((x) => x * grid.dx),
  );
  const f0 = [(x: number) => Math.exp(-((x - 0.5) ** 2)), (x: number) => 0.5 * Math.exp(-((x + 1) ** 2) / 2)];
  const problem = (W: number[], b: number[]): VlasovProblem => ({ params: createNetwork({ sigma: "tanh", d: 1, W, b, T: 1 }), grid, f0 });
  const W0 = [0.8, -0.6, 0.4],
    b0 = [0.3, -0.2, 0.5];
  const settings: VlasovGradientOptions[] = [
    { scheme: "upwind", timeStepper: "euler" },
    { scheme: "upwind", timeStepper: "euler", boundary: "periodic" },
    { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3" },
    { scheme: "muscl", limiter: "minmod", timeStepper: "ssp-rk2", boundary: "outflow" },
  ];
  for (const o of settings)
    it(`${o.scheme}/${o.timeStepper}/${o.boundary ?? "zero-flux"}: FD, and the loss is the sum of the terms`, () => {
      const opts = { ...o, dt: 0.02, saveAt: SAVES };
      const { err, r } = check(problem, W0, b0, obj, opts);
      expect(err).toBeLessThan(1e-6);
      expect(r.lossTerms.length).toBe(SAVES.length);
      expect(Array.from(r.times)).toEqual(Array.from(solveVlasov(problem(W0, b0), opts).times));
      // each term as the forward solve's saved state gives it
      const s = solveVlasov(problem(W0, b0), opts);
      s.saved.forEach((f, i) => {
        const Js = obj.evaluate(f as unknown as Float64Array[], grid, Float64Array.of(0.7), null, null, { index: i, t: s.times[i]! });
        expect(r.lossTerms[i]).toBeCloseTo(Js, 12);
      });
      expect(r.loss).toBe(r.lossTerms.reduce((a, v) => a + v, 0));
    });
  it("checkpointing gives the same gradient bit for bit", () => {
    const opts: VlasovGradientOptions = { scheme: "muscl", limiter: "mc", timeStepper: "ssp-rk3", dt: 0.02, saveAt: SAVES };
    const a = vlasovGradient(problem(W0, b0), obj, opts);
    const b = vlasovGradient(problem(W0, b0), obj, { ...opts, memoryBudget: 20 * 2 * 40 * 8 });
    expect(a.stats.recomputedSteps).toBe(0);
    expect(b.stats.recomputedSteps).toBeGreaterThan(0);
    expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
    expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
    expect(Array.from(b.gradTheta)).toEqual(Array.from(a.gradTheta));
    expect(Array.from(b.lossTerms)).toEqual(Array.from(a.lossTerms));
    const { err } = check(problem, W0, b0, obj, { ...opts, memoryBudget: 20 * 2 * 40 * 8 });
    expect(err).toBeLessThan(1e-6);
  });
  it("saveAt = [T] is the final-time loss; a non-finite term gives status non-finite", () => {
    const o: VlasovGradientOptions = { scheme: "upwind", dt: 0.02 };
    const plain = timedObjective(
      xs.map(() => grid.dx),
      xs.map((x) => x * grid.dx),
    );
    const a = vlasovGradient(problem(W0, b0), plain, o);
    const b = vlasovGradient(
      problem(W0, b0),
      { ...plain, evaluate: (f, g, th, gF, gT) => plain.evaluate(f, g, th, gF, gT) },
      { ...o, saveAt: [1] },
    );
    expect(b.loss).toBe(a.loss);
    for (let i = 0; i < 3; i++) expect(b.gradW[i]).toBeCloseTo(a.gradW[i]!, 14);
    const bad: DensityObjective = { nParams: 0, evaluate: (_f, _g, _t, _gF, _gT, at) => (at?.index === 1 ? Number.NaN : 1) };
    const r = vlasovGradient(problem(W0, b0), bad, { ...o, saveAt: [0.5, 0.7, 1] });
    expect(r.status).toBe("non-finite");
    expect(() => vlasovGradient(problem(W0, b0), obj, { ...o, saveAt: [0.5, 0.2] })).toThrow(/saveAt/);
    expect(() => vlasovGradient(problem(W0, b0), obj, { ...o, saveAt: [1.5] })).toThrow(/saveAt/);
  });
});

describe("vlasovGradient with losses at save times (2-D)", () => {
  const nx = 16,
    ny = 14;
  const grid = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
  const area = grid.dx * grid.dy;
  const w = new Float64Array(nx * ny),
    p = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const x = grid.xMin + (i + 0.5) * grid.dx,
        y = grid.yMin + (j + 0.5) * grid.dy;
      w[i * ny + j] = (1 + 0.3 * Math.sin(x) * Math.cos(y)) * area;
      p[i * ny + j] = (x + 0.5 * y) * area;
    }
  const obj = timedObjective(w, p);
  const f0 = [
    (x: number, y: number) => Math.exp(-((x - 0.4) ** 2) - 1.5 * (y + 0.3) ** 2),
    (x: number, y: number) => 0.5 * Math.exp(-((x + 0.8) ** 2 + (y - 0.5) ** 2) / 1.5),
  ];
  const problem = (W: number[], b: number[]): VlasovProblem => ({
    params: createNetwork({ sigma: "tanh", d: 2, W: [W.slice(0, 4), W.slice(4, 8)], b: [b.slice(0, 2), b.slice(2, 4)], T: 0.2 }),
    grid,
    f0,
  });
  const W0 = [-0.5, 0.3, -0.2, -0.6, 0.4, -0.35, 0.25, 0.45],
    b0 = [0.31, -0.23, -0.17, 0.29];
  // T = 0.2, boundary 0.1
  const saves = [0.03, 0.1, 0.1, 0.15, 0.2];
  for (const o of [
    { scheme: "upwind", timeStepper: "euler" },
    { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3", boundary: "periodic" },
  ] as VlasovGradientOptions[])
    it(`${o.scheme}/${o.timeStepper}: FD, with and without checkpointing`, () => {
      const opts = { ...o, dt: 0.01, saveAt: saves };
      expect(check(problem, W0, b0, obj, opts).err).toBeLessThan(1e-6);
      const a = vlasovGradient(problem(W0, b0), obj, opts);
      const b = vlasovGradient(problem(W0, b0), obj, { ...opts, memoryBudget: 12 * 2 * nx * ny * 8 });
      expect(b.stats.recomputedSteps).toBeGreaterThan(0);
      expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
      expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
    });
});

describe("vlasovGradient (1-D upwind + Euler): the WebAssembly kernel and the TypeScript path", () => {
  it.skipIf(!upwindWasmAvailable())("give bit-identical gradients, with and without save times and checkpointing", () => {
    // odd and even interior counts (the kernel does cells in pairs), every boundary
    for (const n of [40, 41, 4, 5])
      for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
        for (const extra of [{}, { saveAt: [0.25, 0.5, 1] }, { memoryBudget: 20 * 3 * n * 8 }] as VlasovGradientOptions[]) {
          const grid = createGrid1D(-4, 4, n);
          const xs = Float64Array.from({ length: n }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
          const obj = timedObjective(
            xs.map((x) => (1 + 0.3 * Math.sin(x)) * grid.dx),
            xs.map((x) => x * grid.dx),
          );
          const params = createNetwork({ sigma: "tanh", d: 1, W: [0.8, -0.6, 0.4], b: [0.3, -0.2, 0.5], T: 1 });
          const f0 = [(x: number) => Math.exp(-((x - 0.5) ** 2)), (x: number) => 0.5 * Math.exp(-((x + 1) ** 2) / 2)];
          const o: VlasovGradientOptions = { scheme: "upwind", timeStepper: "euler", boundary, ...extra };
          const a = vlasovGradient({ params, grid, f0 }, obj, o);
          setWasmKernelsEnabled(false);
          let b: ReturnType<typeof vlasovGradient>;
          try {
            b = vlasovGradient({ params, grid, f0 }, obj, o);
          } finally {
            setWasmKernelsEnabled(true);
          }
          const label = `n = ${n} ${boundary} ${JSON.stringify(extra)}`;
          expect(a.status, label).toBe("success");
          expect(Array.from(a.gradW), label).toEqual(Array.from(b.gradW));
          expect(Array.from(a.gradB), label).toEqual(Array.from(b.gradB));
          expect(Array.from(a.gradTheta), label).toEqual(Array.from(b.gradTheta));
          expect(a.loss, label).toBe(b.loss);
          expect(Array.from(a.f[0]!), label).toEqual(Array.from(b.f[0]!));
        }
  });
});

describe("vlasovGradient (2-D upwind + Euler): the WebAssembly kernel and the TypeScript path", () => {
  it.skipIf(!upwindWasmAvailable())("give bit-identical gradients, with and without save times and checkpointing", () => {
    // odd and even line lengths and interior block sizes, every boundary
    for (const [nx, ny] of [
      [12, 10],
      [9, 7],
      [4, 5],
    ] as const)
      for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
        for (const extra of [{}, { saveAt: [0.05, 0.1, 0.2] }, { memoryBudget: 8 * 3 * nx * ny * 8 }] as VlasovGradientOptions[]) {
          const grid = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
          const w = new Float64Array(nx * ny).map((_, c) => 1 + 0.1 * Math.sin(c)),
            p = new Float64Array(nx * ny).map((_, c) => Math.cos(0.3 * c));
          const obj = timedObjective(w, p);
          const params = createNetwork({
            sigma: "tanh",
            d: 2,
            W: [
              [-0.5, 0.3, -0.2, -0.6],
              [0.4, -0.35, 0.25, 0.45],
            ],
            b: [
              [0.31, -0.23],
              [-0.17, 0.29],
            ],
            T: 0.2,
          });
          const f0 = [
            (x: number, y: number) => Math.exp(-((x - 0.4) ** 2) - 1.5 * (y + 0.3) ** 2),
            (x: number, y: number) => 0.5 * Math.exp(-((x + 0.8) ** 2 + (y - 0.5) ** 2) / 1.5),
          ];
          const o: VlasovGradientOptions = { scheme: "upwind", timeStepper: "euler", boundary, dt: 0.01, ...extra };
          const a = vlasovGradient({ params, grid, f0 }, obj, o);
          setWasmKernelsEnabled(false);
          let b: ReturnType<typeof vlasovGradient>;
          try {
            b = vlasovGradient({ params, grid, f0 }, obj, o);
          } finally {
            setWasmKernelsEnabled(true);
          }
          const label = `${nx}×${ny} ${boundary} ${JSON.stringify(extra)}`;
          expect(a.status, label).toBe("success");
          expect(a.stats.steps, label).toBeGreaterThan(4);
          expect(Array.from(a.gradW), label).toEqual(Array.from(b.gradW));
          expect(Array.from(a.gradB), label).toEqual(Array.from(b.gradB));
          expect(Array.from(a.gradTheta), label).toEqual(Array.from(b.gradTheta));
          expect(a.loss, label).toBe(b.loss);
          expect(Array.from(a.f[1]!), label).toEqual(Array.from(b.f[1]!));
        }
  });
});
