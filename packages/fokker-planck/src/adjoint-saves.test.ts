import { createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { type FokkerPlanckGradientOptions, fokkerPlanckGradient } from "./adjoint.js";
import { type FokkerPlanckGradientOptions2D, fokkerPlanckGradient2D } from "./adjoint-2d.js";
import { solveFokkerPlanck2D } from "./solve-2d.js";
import { solveFokkerPlanck } from "./solve-1d.js";

const grid = createGrid1D(-4, 4, 40);
const xs = Float64Array.from({ length: 40 }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
// J_s = (1 + s + t_s)·(Σ w_i f_i² Δx + θ² Σ x_i f_i Δx): a different weight per save time, so a term on
// the wrong state or counted twice shows
const objective: DensityObjective = {
  nParams: 1,
  initialTheta: Float64Array.of(0.7),
  evaluate(f, _g, theta, gradF, gradTheta, at) {
    const c = at === undefined ? 1 : 1 + at.index + at.t;
    const th = theta[0]!;
    let J = 0;
    let m1 = 0;
    for (let i = 0; i < 40; i++) {
      const wi = 1 + 0.3 * Math.sin(2 * xs[i]!);
      const a = f[0]![i]!;
      J += wi * a * a * grid.dx;
      m1 += xs[i]! * a * grid.dx;
      if (gradF) gradF[0]![i] = c * (2 * wi * a * grid.dx + th * th * xs[i]! * grid.dx);
    }
    if (gradTheta) gradTheta[0] = c * 2 * th * m1;
    return c * (J + th * th * m1);
  },
};
const W0 = [0.8, -0.6, 0.4],
  b0 = [0.3, -0.2, 0.5],
  K0 = 0.6;
const f0 = (x: number) => Math.exp(-((x - 0.5) ** 2)) + 0.3 * Math.exp(-((x + 1.5) ** 2) / 0.5);
const problem = (W: number[], b: number[], K: number) => ({
  network: createScalarNetwork({ sigma: "tanh", w: W, b, T: 1, K }),
  grid,
  f0,
});
// T = 1, layer boundaries 1/3 and 2/3: t0, inside layers (0.25: a shortened step for dt = 0.04), a boundary,
// a repeated time, one 2 ulps past a boundary (snaps onto it), T
const SAVES = [0, 0.25, 1 / 3, 0.5, 0.5, 2 / 3 + 2e-16, 1];

/** Relative error over (W, b, θ, K) against central differences of Σ_s J_s(solveFokkerPlanck(…).saved[s]). */
function check(opts: FokkerPlanckGradientOptions): number {
  const r = fokkerPlanckGradient(problem(W0, b0, K0), objective, opts);
  expect(r.status).toBe("success");
  const { memoryBudget: _m, theta: _t, ...solveOpts } = opts;
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta, r.gradK[0]!];
  const eps = 1e-5;
  let num = 0,
    den = 0;
  for (let q = 0; q < 8; q++) {
    const at = (e: number) => {
      const W = W0.slice(),
        b = b0.slice();
      let th = 0.7,
        K = K0;
      if (q < 3) W[q]! += e;
      else if (q < 6) b[q - 3]! += e;
      else if (q === 6) th += e;
      else K += e;
      const s = solveFokkerPlanck(problem(W, b, K), solveOpts);
      let J = 0;
      s.saved.forEach((f, i) => {
        J += objective.evaluate([f], grid, Float64Array.of(th), null, null, { index: i, t: s.times[i]! });
      });
      return J;
    };
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    num += (g[q]! - fd) ** 2;
    den += fd ** 2;
  }
  expect(den).toBeGreaterThan(0);
  return Math.sqrt(num / den);
}

describe("fokkerPlanckGradient with losses at save times", () => {
  for (const method of ["implicit-euler", "crank-nicolson", "explicit-euler"] as const)
    it(`${method}: central differences, the terms and their sum`, () => {
      const opts: FokkerPlanckGradientOptions = { method, dt: method === "explicit-euler" ? 0.004 : 0.04, saveAt: SAVES };
      // implicit Euler: the public solver's fused sweeps agree with the adjoint's forward to round-off
      expect(check(opts)).toBeLessThan(1e-6);
      const r = fokkerPlanckGradient(problem(W0, b0, K0), objective, opts);
      const s = solveFokkerPlanck(problem(W0, b0, K0), opts);
      expect(Array.from(r.times)).toEqual(Array.from(s.times));
      s.saved.forEach((f, i) => {
        const Js = objective.evaluate([f], grid, Float64Array.of(0.7), null, null, { index: i, t: s.times[i]! });
        expect(Math.abs(r.lossTerms[i]! - Js)).toBeLessThan(1e-12 * Math.abs(Js));
      });
      expect(r.loss).toBe(r.lossTerms.reduce((a, v) => a + v, 0));
    });
  it("checkpointing gives the same gradient bit for bit", () => {
    const opts: FokkerPlanckGradientOptions = { method: "crank-nicolson", dt: 0.02, saveAt: SAVES };
    const a = fokkerPlanckGradient(problem(W0, b0, K0), objective, opts);
    const b = fokkerPlanckGradient(problem(W0, b0, K0), objective, { ...opts, memoryBudget: 40 * 40 * 8 });
    expect(a.stats.recomputedSteps).toBe(0);
    expect(b.stats.recomputedSteps).toBeGreaterThan(0);
    expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
    expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
    expect(Array.from(b.gradTheta)).toEqual(Array.from(a.gradTheta));
    expect(Array.from(b.gradK)).toEqual(Array.from(a.gradK));
    expect(check({ ...opts, memoryBudget: 40 * 40 * 8 })).toBeLessThan(1e-6);
  });
  it("a non-finite term gives status non-finite; a bad saveAt is named", () => {
    const bad: DensityObjective = { nParams: 0, evaluate: (_f, _g, _t, _gF, _gT, at) => (at?.index === 1 ? Number.NaN : 1) };
    expect(fokkerPlanckGradient(problem(W0, b0, K0), bad, { dt: 0.05, saveAt: [0.2, 0.6, 1] }).status).toBe("non-finite");
    expect(() => fokkerPlanckGradient(problem(W0, b0, K0), objective, { saveAt: [0.6, 0.2] })).toThrow(/saveAt/);
  });
});

describe("fokkerPlanckGradient2D with losses at save times", () => {
  const nx = 12,
    ny = 10;
  const g2 = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
  const area = g2.dx * g2.dy;
  // J_s = (1 + s + t_s)·(Σ w f² + θ² Σ c f)·ΔxΔy
  const obj2: DensityObjective = {
    nParams: 1,
    initialTheta: Float64Array.of(0.7),
    evaluate(f, _g, theta, gradF, gradTheta, at) {
      const k = at === undefined ? 1 : 1 + at.index + at.t;
      const th = theta[0]!;
      let J = 0,
        m = 0;
      for (let q = 0; q < nx * ny; q++) {
        const w = 1 + 0.3 * Math.sin(q),
          c = Math.cos(0.4 * q);
        const v = f[0]![q]!;
        J += w * v * v * area;
        m += c * v * area;
        if (gradF) gradF[0]![q] = k * (2 * w * v * area + th * th * c * area);
      }
      if (gradTheta) gradTheta[0] = k * 2 * th * m;
      return k * (J + th * th * m);
    },
  };
  const W2 = [-0.9, 0.4, -0.3, -1.2, 0.7, -0.5, 0.6, 0.8],
    B2 = [0.29, -0.19, -0.38, 0.22];
  const prob = (W: number[], b: number[]) => ({
    network: createNetwork({ sigma: "tanh", d: 2, W, b, T: 1, noise: { kind: "constant", K: Float64Array.of(0.7, 0, 0, 0.5) } }),
    grid: g2,
    f0: (x: number, y: number) => Math.exp(-((x - 0.4) ** 2) - 0.7 * (y + 0.3) ** 2),
  });
  it("central differences (W, b, θ), with and without checkpointing (bit-identical)", () => {
    // T = 1, two layers (boundary 0.5): inside a layer, the boundary, a repeat, T
    const saveAt = [0.2, 0.5, 0.5, 0.73, 1];
    const opts: FokkerPlanckGradientOptions2D = { dt: 0.05, saveAt };
    const r = fokkerPlanckGradient2D(prob(W2, B2), obj2, opts);
    expect(r.status).toBe("success");
    const c = fokkerPlanckGradient2D(prob(W2, B2), obj2, { ...opts, memoryBudget: 50_000 });
    expect(c.stats.recomputedSteps).toBeGreaterThan(0);
    expect(Array.from(c.gradW)).toEqual(Array.from(r.gradW));
    expect(Array.from(c.gradTheta)).toEqual(Array.from(r.gradTheta));
    const g = [...r.gradW, ...r.gradB, ...r.gradTheta];
    const eps = 1e-5;
    let num = 0,
      den = 0;
    for (let q = 0; q < 13; q++) {
      const at = (e: number) => {
        const W = W2.slice(),
          b = B2.slice();
        let th = 0.7;
        if (q < 8) W[q]! += e;
        else if (q < 12) b[q - 8]! += e;
        else th += e;
        const s = solveFokkerPlanck2D(prob(W, b), { dt: 0.05, saveAt });
        let J = 0;
        s.saved.forEach((f, i) => {
          J += obj2.evaluate([f], g2, Float64Array.of(th), null, null, { index: i, t: s.times[i]! });
        });
        return J;
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      num += (g[q]! - fd) ** 2;
      den += fd ** 2;
    }
    expect(den).toBeGreaterThan(0);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
    expect(r.loss).toBe(r.lossTerms.reduce((a, v) => a + v, 0));
  });
});
