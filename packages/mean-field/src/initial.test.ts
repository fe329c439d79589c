import { createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { normalCdf } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { createGrid1D, createGrid2D, massOf } from "@kinetic-nde/datasets";
import {
  autoDomain,
  autoGrid1D,
  autoGrid2D,
  resolveInitialDensity1D as cellAverages1D,
  resolveInitialDensity2D as cellAverages2D,
} from "./initial.js";

describe("initial densities", () => {
  const g = createGrid1D(-5, 5, 50);
  it("point values (Gauss–Legendre per cell) agree with the exact CDF route", () => {
    const a = cellAverages1D(g, (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
    const b = cellAverages1D(g, { cdf: (x) => normalCdf(x) });
    expectAllClose(a, b, { rtol: 1e-6, atol: 1e-12 });
    expectAllClose(massOf(g, b), normalCdf(5) - normalCdf(-5), { rtol: 1e-14 });
  });
  it("copies cell averages and rejects bad ones", () => {
    const f = new Float64Array(50).fill(0.1);
    const c = cellAverages1D(g, f);
    expect(c).not.toBe(f);
    expect(() => cellAverages1D(g, new Float64Array(49))).toThrow(/shape mismatch/);
    expect(() =>
      cellAverages1D(
        g,
        f.map(() => NaN),
      ),
    ).toThrow(/finite/);
    expect(() =>
      cellAverages2D({ kind: "2d", xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 2, ny: 2, dx: 0.5, dy: 0.5 }, new Float64Array(3)),
    ).toThrow(/shape mismatch/);
  });
  it("a density function with NaN or negative values is INVALID_ARGUMENT naming the solver's argument", () => {
    expectKineticError(() => cellAverages1D(g, () => NaN), "INVALID_ARGUMENT", "`f0 (cell 0");
    expectKineticError(() => cellAverages1D(g, (x) => x, "f0[1]"), "INVALID_ARGUMENT", "`f0[1] (cell 0");
    expectKineticError(() => cellAverages2D(createGrid2D([0, 1], [0, 1], 2), () => -1), "INVALID_ARGUMENT", "`f0 (cell 0");
    expectKineticError(() => cellAverages1D(g, "normal" as never), "INVALID_ARGUMENT", "`f0`");
  });
});

describe("automatic domains", () => {
  it("hold the mass (≥ 1 - 1e-10) padded by sup|σ|·T for bounded σ", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 2 });
    const box = autoDomain(params, { f0: { cdf: (x) => normalCdf(x) } });
    expect(normalCdf(box.lo[0]! + 2)).toBeLessThan(1e-10);
    expect(box.lo[0]!).toBeGreaterThan(-10);
    const g = autoGrid1D(params, { f0: (x: number) => Math.exp(-0.5 * x * x) }, 100);
    expect(g.xMin).toBeLessThan(-6.3 - 2);
  });
  it("follow the exact characteristics for unbounded σ (identity, w > 0 spreads the box by e^{wT})", () => {
    const params = createScalarNetwork({ sigma: "identity", w: 1, b: 0, T: 1 });
    const x = new Float64Array([-1, 0.5, 1]);
    const box = autoDomain(params, { particles: x }, { margin: 0 });
    expectAllClose([box.lo[0]!, box.hi[0]!], [-Math.E, Math.E], { rtol: 1e-12 });
  });
  it("2-D from particles and from a density", () => {
    const params = createNetwork({ sigma: "relu", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
    const g = autoGrid2D(params, { particles: new Float64Array([-1, -1, 1, 2]) }, 16);
    expect(g.xMin).toBeLessThanOrEqual(-1);
    expect(g.yMax).toBeGreaterThanOrEqual(2);
    const g2 = autoGrid2D(
      createNetwork({ sigma: "tanh", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1 }),
      { f0: (x, y) => Math.exp(-0.5 * (x * x + y * y)) },
      16,
    );
    expect(g2.xMin).toBeLessThan(-6);
    expectKineticError(() => autoDomain(params, {}), "INVALID_ARGUMENT");
  });
});
