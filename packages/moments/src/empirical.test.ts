import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { normalCdf } from "@kinetic-nde/datasets";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeDensityMoments, computeEnsembleMoments } from "./empirical.js";
import { createGrid1D, createGrid2D, type Grid1D } from "@kinetic-nde/datasets";

/** A raw (unchecked) 1-D grid object, for the bad-input cases. */
const raw1 = (xMin: number, xMax: number, n: number): Grid1D => ({ kind: "1d", xMin, xMax, n, dx: (xMax - xMin) / n });

describe("computeEnsembleMoments", () => {
  it("computes raw and central moments of a small sample exactly", () => {
    const s = computeEnsembleMoments(new Float64Array([0, 1, 2, 3]), { order: 4 });
    expectAllClose(s.raw, [1, 1.5, 3.5, 9, 24.5], { rtol: 1e-15 });
    expectAllClose(s.central, [1, 0, 1.25, 0, (2 * 1.5 ** 4 + 2 * 0.5 ** 4) / 4], { rtol: 1e-15, atol: 1e-16 });
    expectAllClose(s.mean, [1.5], { rtol: 0 });
    expectAllClose(s.variance, [1.25], { rtol: 1e-15 });
    expectAllClose(s.skewness, [0], { atol: 1e-15 });
    expectAllClose(s.kurtosis, [2.5625 / 1.5625], { rtol: 1e-14 });
    expect(s.mass).toBe(1);
    expect(s.count).toBe(4);
  });

  it("integer weights equal duplicated particles; the mass is their sum", () => {
    const x = new Float64Array([0.3, -1.2, 2.5]);
    const w = computeEnsembleMoments(x, { weights: [1, 2, 3], order: 5 });
    const dup = computeEnsembleMoments(new Float64Array([0.3, -1.2, -1.2, 2.5, 2.5, 2.5]), { order: 5 });
    expect(w.mass).toBe(6);
    expectAllClose(w.central, dup.central, { rtol: 1e-14, atol: 1e-15 });
    expectAllClose(
      w.raw.map((v) => v / 6),
      dup.raw,
      { rtol: 1e-14 },
    );
  });

  it("2-D: mean vector, covariance and marginals", () => {
    const x = new Float64Array([1, 2, 3, 1, -1, 0, 1, 5]);
    const s = computeEnsembleMoments(x, { d: 2, order: 2 });
    expectAllClose(s.mean, [1, 2], { rtol: 1e-15 });
    // x: [1,3,-1,1] → var 2; y: [2,1,0,5] → var 3.5; cov: (0·0 + 2·(-1) + (-2)(-2) + 0·3)/4 = 0.5
    expectAllClose(s.covariance, [2, 0.5, 0.5, 3.5], { rtol: 1e-15 });
    expectAllClose(s.raw, [1, 1, 3, 1, 2, 7.5], { rtol: 1e-15 });
  });

  it("two-pass compensated sums survive a large offset", () => {
    const M = 10000;
    const x = new Float64Array(M);
    for (let i = 0; i < M; i++) x[i] = 1e8 + (i % 2 === 0 ? 1 : -1);
    const s = computeEnsembleMoments(x, { order: 2 });
    expectAllClose(s.mean, [1e8], { rtol: 1e-16 });
    expectAllClose(s.variance, [1], { rtol: 1e-12 });
  });

  it("property: results do not depend on the order of the particles", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 60 }), fc.integer(), (xs, seed) => {
        const x = Float64Array.from(xs);
        const y = Float64Array.from(xs);
        let s = seed >>> 0;
        for (let i = y.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          const t = y[i]!;
          y[i] = y[j]!;
          y[j] = t;
        }
        const a = computeEnsembleMoments(x, { order: 4 });
        const b = computeEnsembleMoments(y, { order: 4 });
        const scale = Math.max(1, ...xs.map((v) => Math.abs(v))) ** 4;
        expectAllClose(a.raw, b.raw, { rtol: 1e-13, atol: 1e-13 * scale });
        expectAllClose(a.central, b.central, { rtol: 1e-13, atol: 1e-13 * scale });
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  describe("bad input", () => {
    it("rejects a non-Float64Array, empty, NaN and ±Infinity", () => {
      expectKineticError(() => computeEnsembleMoments([1, 2] as never), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(0)), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array([1, NaN])), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array([Infinity])), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array([-Infinity])), "INVALID_ARGUMENT");
    });
    it("rejects shape mismatches and bad weights", () => {
      expectKineticError(() => computeEnsembleMoments(new Float64Array(3), { d: 2 }), "SHAPE_MISMATCH");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(3), { weights: [1, 1] }), "SHAPE_MISMATCH");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(2), { weights: [1, -1] }), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(2), { weights: [0, 0] }), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(2), { order: -1 }), "INVALID_ARGUMENT");
      expectKineticError(() => computeEnsembleMoments(new Float64Array(2), { d: 0 }), "INVALID_ARGUMENT");
    });
  });
});

describe("computeDensityMoments", () => {
  it("uniform density: cell-exact moments are exact, midpoint is off by Δx²/12 in the variance", () => {
    const n = 100;
    const f = new Float64Array(n).fill(0.25);
    const grid = createGrid1D(-2, 2, n);
    const ex = computeDensityMoments(f, grid, { quadrature: "cell-exact", order: 4 });
    expectAllClose(ex.raw, [1, 0, 4 / 3, 0, 16 / 5], { rtol: 1e-14, atol: 1e-15 });
    expectAllClose(ex.kurtosis, [1.8], { rtol: 1e-13 });
    const mid = computeDensityMoments(f, grid);
    const dx = 0.04;
    expectAllClose(mid.variance, [4 / 3 - (dx * dx) / 12], { rtol: 1e-14 });
  });

  it("a Gaussian on a grid converges with order 2 (midpoint)", () => {
    const errs: number[] = [];
    for (const n of [64, 128, 256, 512]) {
      const dx = 16 / n;
      const f = new Float64Array(n);
      // cell averages of N(0.5, 1) from the CDF difference (exact cell averages)
      for (let i = 0; i < n; i++) {
        const a = -8 + i * dx - 0.5;
        const b = a + dx;
        f[i] = (normalCdf(b) - normalCdf(a)) / dx;
      }
      const s = computeDensityMoments(f, createGrid1D(-8, 8, n));
      errs.push(Math.abs(s.variance[0]! - 1));
    }
    const slope = Math.log2(errs[0]! / errs[3]!) / 3;
    expect(Math.abs(slope - 2)).toBeLessThan(0.15);
  });

  it("2-D grid: marginal means, variances and the covariance", () => {
    const nx = 4;
    const ny = 2;
    const f = new Float64Array(nx * ny);
    // mass on cells (0,0) and (3,1) only
    const dx = 1;
    const dy = 1;
    f[0 * ny + 0] = 0.5 / (dx * dy);
    f[3 * ny + 1] = 0.5 / (dx * dy);
    const s = computeDensityMoments(f, createGrid2D([0, 4], [0, 2], nx, ny), { order: 2 });
    expect(s.d).toBe(2);
    expectAllClose(s.mean, [2, 1], { rtol: 1e-15 });
    expectAllClose(s.covariance, [2.25, 0.75, 0.75, 0.25], { rtol: 1e-15 });
    expect(s.mass).toBe(1);
  });

  describe("bad input", () => {
    it("rejects a length that does not match the grid", () => {
      expectKineticError(() => computeDensityMoments(new Float64Array(3), raw1(0, 1, 4)), "SHAPE_MISMATCH");
    });
    it("rejects NaN / Infinity values and a zero mass", () => {
      expectKineticError(() => computeDensityMoments([1, NaN], raw1(0, 1, 2)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([1, Infinity], raw1(0, 1, 2)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([0, 0], raw1(0, 1, 2)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([], raw1(0, 1, 2)), "INVALID_ARGUMENT");
    });
    it("rejects a bad grid", () => {
      expectKineticError(() => computeDensityMoments([1, 1], raw1(1, 0, 2)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([1, 1], raw1(0, 1, 0)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([1, 1], raw1(NaN, 1, 2)), "INVALID_ARGUMENT");
      expectKineticError(() => computeDensityMoments([1, 1], null as never), "INVALID_ARGUMENT");
    });
  });
});
