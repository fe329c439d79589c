import { createNetwork, createScalarNetwork, getActivation } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { normalCdf } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { solveVlasovExact } from "./exact.js";
import { cellCenters, createGrid1D, createGrid2D, massOf } from "@kinetic-nde/datasets";
import { flow1D } from "./internal/flow.js";

function rk4(s: (z: number) => number, w: number, b: number, x: number, t: number, n = 4000): number {
  const h = t / n;
  for (let i = 0; i < n; i++) {
    const k1 = s(w * x + b),
      k2 = s(w * (x + 0.5 * h * k1) + b),
      k3 = s(w * (x + 0.5 * h * k2) + b),
      k4 = s(w * (x + h * k3) + b);
    x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return x;
}

describe("exact 1-D characteristics (MODEL.md §3)", () => {
  for (const name of ["identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"]) {
    it(`${name}: closed form agrees with RK4 and inverts backward`, () => {
      const a = getActivation(name);
      for (const w of [-1.3, 0.7])
        for (const b of [-0.4, 0.6])
          for (const x of [-2, -0.3, 0.5, 2.5]) {
            const t = 0.8;
            const y = flow1D(a, w, b, x, t);
            expectAllClose(y, rk4(a.sigma, w, b, x, t), { rtol: 1e-9, atol: 1e-10, label: `${name} w=${w} b=${b} x=${x}` });
            expectAllClose(flow1D(a, w, b, y, -t), x, { rtol: 1e-10, atol: 1e-10 });
          }
    });
  }
});

describe("solveVlasovExact", () => {
  it("identity: a Gaussian stays Gaussian with the closed-form mean and variance (MODEL.md §6)", () => {
    const w = -0.7,
      b = 0.4,
      T = 1.3,
      m0 = 0.5,
      s0 = 1;
    const params = createScalarNetwork({ sigma: "identity", w, b, T });
    const grid = createGrid1D(-5, 5, 200);
    const r = solveVlasovExact({ params, grid, f0: { cdf: (x) => normalCdf((x - m0) / s0) } });
    expect(r.method).toBe("cdf");
    const m1 = Math.exp(w * T) * m0 + (b / w) * (Math.exp(w * T) - 1),
      s1 = Math.exp(w * T) * s0;
    const expected = new Float64Array(grid.n);
    for (let i = 0; i < grid.n; i++)
      expected[i] = (normalCdf((grid.xMin + (i + 1) * grid.dx - m1) / s1) - normalCdf((grid.xMin + i * grid.dx - m1) / s1)) / grid.dx;
    expectAllClose(r.f, expected, { rtol: 1e-12, atol: 1e-13 });
  });

  it("conserves mass exactly for cell-average input and is exact for piecewise-constant f0 under a shift (w = 0)", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: 0, b: 0.3, T: 1 });
    const grid = createGrid1D(-4, 4, 80);
    const f0 = new Float64Array(80);
    for (let i = 20; i < 40; i++) f0[i] = 0.5;
    const r = solveVlasovExact({ params, grid, f0 });
    expectAllClose(massOf(grid, r.f), massOf(grid, f0), { rtol: 1e-13 });
    // a pure shift by tanh(0.3): the first moment moves by exactly the shift
    const xc = cellCenters(grid);
    let mA = 0,
      mB = 0;
    for (let i = 0; i < 80; i++) (mA += xc[i]! * f0[i]!), (mB += xc[i]! * r.f[i]!);
    expectAllClose(((mB - mA) * grid.dx) / massOf(grid, f0), Math.tanh(0.3), { rtol: 1e-10 });
  });

  it("ReLU: mass in the invariant half-line does not move; the rest approaches x*", () => {
    const params = createScalarNetwork({ sigma: "relu", w: -1, b: 1, T: 3 }); // x* = 1, invariant {x ≥ 1}
    const grid = createGrid1D(-3, 5, 160);
    const f0 = { cdf: (x: number) => normalCdf(x - 1) };
    const r = solveVlasovExact({ params, grid, f0 });
    const init = solveVlasovExact({ params, grid, f0, tSpan: [0, 0] }).f;
    const xc = cellCenters(grid);
    for (let i = 0; i < grid.n; i++) if (xc[i]! > 1 + grid.dx) expect(r.f[i]).toBe(init[i]);
    // mass from x < 1 is now within (1 - 2e^{-3}·?, 1]: left of x* - 4·e^{-3}·(distance) nothing remains
    let left = 0;
    for (let i = 0; i < grid.n; i++) if (xc[i]! < 1 - 4 * Math.exp(-3)) left += r.f[i]! * grid.dx;
    expect(left).toBeLessThan(1e-3);
  });

  it("identity/tanh with w < 0: mass concentrates in the cell of x*", () => {
    for (const sigma of ["identity", "tanh"]) {
      const params = createScalarNetwork({ sigma, w: -2, b: 0.6, T: 6 }); // x* = 0.3, inside a cell
      const grid = createGrid1D(-4, 4, 64);
      const r = solveVlasovExact({ params, grid, f0: { cdf: (x) => normalCdf(x) } });
      const c = Math.floor((0.3 - grid.xMin) / grid.dx);
      expect(r.f[c]! * grid.dx).toBeGreaterThan(0.99);
    }
  });

  it("density function (no cdf) agrees with the cdf route", () => {
    const params = createScalarNetwork({ sigma: "sigmoid", w: [-1, 0.5], b: [0.2, 0], T: 1 });
    const grid = createGrid1D(-5, 6, 110);
    const a = solveVlasovExact({ params, grid, f0: { cdf: (x) => normalCdf(x) } });
    const b = solveVlasovExact({ params, grid, f0: (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) }, { panels: 8 });
    expect(b.method).toBe("quadrature");
    expectAllClose(b.f, a.f, { rtol: 1e-9, atol: 1e-12 });
  });

  it("2-D identity: exact linear flow keeps mass and moves the mean as mean' = W mean + b", () => {
    const W = [-0.5, 0.3, -0.2, -0.4],
      b = [0.2, -0.1],
      T = 1;
    const params = createNetwork({ sigma: "identity", d: 2, W, b, T });
    const grid = createGrid2D([-4, 4], [-4, 4], 64);
    const f0 = (x: number, y: number) => Math.exp(-0.5 * (x * x + y * y)) / (2 * Math.PI);
    const r = solveVlasovExact({ params, grid, f0 });
    // the contracting flow pulls in the tail that lay outside the box at t = 0: mass → 1
    expectAllClose(r.stats.massFinal, 1, { rtol: 1e-7 });
    // mean by RK4 of the mean ODE from 0
    let m = [0, 0];
    const h = T / 1000;
    const F = (v: number[]) => [W[0]! * v[0]! + W[1]! * v[1]! + b[0]!, W[2]! * v[0]! + W[3]! * v[1]! + b[1]!];
    for (let s = 0; s < 1000; s++) {
      const k1 = F(m),
        k2 = F([m[0]! + 0.5 * h * k1[0]!, m[1]! + 0.5 * h * k1[1]!]),
        k3 = F([m[0]! + 0.5 * h * k2[0]!, m[1]! + 0.5 * h * k2[1]!]),
        k4 = F([m[0]! + h * k3[0]!, m[1]! + h * k3[1]!]);
      m = [m[0]! + (h / 6) * (k1[0]! + 2 * k2[0]! + 2 * k3[0]! + k4[0]!), m[1]! + (h / 6) * (k1[1]! + 2 * k2[1]! + 2 * k3[1]! + k4[1]!)];
    }
    let mx = 0,
      my = 0,
      mass = 0;
    for (let i = 0; i < grid.nx; i++)
      for (let j = 0; j < grid.ny; j++) {
        const v = r.f[i * grid.ny + j]! * grid.dx * grid.dy;
        mass += v;
        mx += v * (grid.xMin + (i + 0.5) * grid.dx);
        my += v * (grid.yMin + (j + 0.5) * grid.dy);
      }
    expectAllClose([mx / mass, my / mass], m, { atol: 1e-6 });
  });

  it("rejects 2-D non-identity and bad inputs", () => {
    const params = createNetwork({ sigma: "tanh", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
    expectKineticError(() => solveVlasovExact({ params, grid: createGrid2D([-1, 1], [-1, 1], 4), f0: () => 1 }), "UNSUPPORTED");
    const p1 = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 });
    expect(() => solveVlasovExact({ params: p1, grid: createGrid1D(-1, 1, 4), f0: new Float64Array(3) })).toThrow(/shape mismatch/);
    expect(() => solveVlasovExact({ params: p1, grid: createGrid1D(-1, 1, 4), f0: () => 1 }, { saveAt: [NaN] })).toThrow(/saveAt/);
  });
});
