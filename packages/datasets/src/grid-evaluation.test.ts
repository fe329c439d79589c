import { describe, expect, it } from "vitest";
import { compensatedSum, type KineticErrorCode } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError, observedOrder } from "@kinetic-nde/core/testing";
import type { Distribution1D } from "./distribution-types.js";
import {
  createBeta,
  createGamma,
  createLaplace,
  createMixture,
  createNormal,
  createTanhSteadyState,
  createUniform,
} from "./distributions.js";
import { createEmpirical } from "./empirical.js";
import { cellAverages1D, cellAverages2D, pointValues1D, pointValues2D } from "./grid-evaluation.js";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "./grid.js";

/** A raw (unchecked) 1-D grid object, for the bad-input cases. */
const raw1 = (xMin: number, xMax: number, n: number): Grid1D => ({ kind: "1d", xMin, xMax, n, dx: (xMax - xMin) / n });
const g2 = (o: { xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number }): Grid2D =>
  createGrid2D([o.xMin, o.xMax], [o.yMin, o.yMax], o.nx, o.ny);
import { createIndependent, createMultivariateNormal } from "./multivariate.js";

const mass = (f: Float64Array, cell: number): number => compensatedSum(f) * cell;

// Distributions with their covering grids (all mass inside to double precision).
const covered: [string, Distribution1D, [number, number]][] = [
  ["normal", createNormal({ mean: 0.3, std: 0.7 }), [-10, 10]],
  ["uniform", createUniform({ lower: -1, upper: 2 }), [-1.5, 2.5]],
  ["beta (singular ends)", createBeta({ alpha: 0.5, beta: 0.7, lower: -1, upper: 1 }), [-1, 1]],
  ["gamma", createGamma({ shape: 2, scale: 0.5 }), [0, 40]],
  ["laplace", createLaplace({ mean: 0.5, scale: 0.4 }), [-20, 20]],
  ["tanh steady state", createTanhSteadyState({ w: -1, b: 0.2, D: 0.25 }), [-15, 15]],
  ["mixture", createMixture({ components: [createNormal({ mean: -2 }), createLaplace({ mean: 2, scale: 0.5 })] }), [-40, 40]],
];

describe("1-D cell averages", () => {
  it.each(covered)("%s: integrate to 1 on a covering grid (CDF differences)", (_n, dist, [a, b]) => {
    for (const n of [7, 100, 1001]) {
      const f = cellAverages1D(dist, createGrid1D(a, b, n));
      expect(f.every((v) => v >= 0)).toBe(true);
      expectAllClose(mass(f, (b - a) / n), 1, { rtol: 1e-12 });
    }
  });

  it("CDF and quadrature paths agree for smooth densities", () => {
    const dist = createTanhSteadyState({ w: -2, b: 1, D: 0.5 });
    const grid = createGrid1D(-4, 4, 64);
    expectAllClose(cellAverages1D(dist, grid, { method: "quadrature", nodes: 12 }), cellAverages1D(dist, grid, { method: "cdf" }), {
      rtol: 1e-11,
      atol: 1e-14,
    });
  });

  it("Gauss–Legendre cell averages converge at order 2·nodes", () => {
    const dist = createNormal({ std: 0.8 });
    const exact = (n: number) => cellAverages1D(dist, createGrid1D(-4, 4, n));
    const hs: number[] = [];
    const errs: number[] = [];
    for (const n of [32, 64, 128]) {
      const q = cellAverages1D(dist, createGrid1D(-4, 4, n), { method: "quadrature", nodes: 2 });
      const e = exact(n);
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(q[i]! - e[i]!));
      hs.push(8 / n);
      errs.push(err);
    }
    expect(Math.abs(observedOrder(hs, errs) - 4)).toBeLessThan(0.15);
  });

  it("cell averages converge to point values at second order", () => {
    const dist = createLaplace({ mean: 0.1, scale: 0.6 });
    const hs: number[] = [];
    const errs: number[] = [];
    for (const n of [64, 128, 256, 512]) {
      // shift the grid so the kink at 0.1 sits on a face
      const grid = createGrid1D(-5.9, 6.1, n);
      const avg = cellAverages1D(dist, grid);
      const pts = pointValues1D(dist, grid);
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(avg[i]! - pts[i]!));
      hs.push(12 / n);
      errs.push(err);
    }
    expect(Math.abs(observedOrder(hs, errs) - 2)).toBeLessThan(0.15);
  });

  it("normalize rescales the mass on a truncating grid to 1; mass outside is visible otherwise", () => {
    const dist = createNormal();
    const grid = createGrid1D(-1, 1, 50);
    const raw = cellAverages1D(dist, grid);
    expectAllClose(mass(raw, 2 / 50), 0.6826894921370859, { rtol: 1e-13 });
    const f = cellAverages1D(dist, grid, { normalize: true });
    expectAllClose(mass(f, 2 / 50), 1, { rtol: 1e-14 });
  });

  it("an empirical distribution gives its normalised histogram", () => {
    const e = createEmpirical([0.1, 0.2, 0.6, 0.7, 0.75, 1.5]);
    const f = cellAverages1D(e, createGrid1D(0, 2, 4));
    // cells are (a, b] for the ECDF: the sample at the face 1.5 counts in the cell to its left
    expectAllClose(f, [2 / 6 / 0.5, 3 / 6 / 0.5, 1 / 6 / 0.5, 0], { rtol: 1e-15 });
  });

  it("bad grids and options", () => {
    const n = createNormal();
    const cases: [() => unknown, KineticErrorCode][] = [
      [() => cellAverages1D(n, raw1(0, 0, 4)), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, raw1(NaN, 1, 4)), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, raw1(0, Infinity, 4)), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, raw1(0, 1, 0)), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, raw1(0, 1, 2.5)), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, createGrid1D(0, 1, 4), { nodes: 0 }), "INVALID_ARGUMENT"],
      [() => cellAverages1D(n, createGrid1D(0, 1, 4), { method: "simpson" as never }), "INVALID_ARGUMENT"],
      [() => cellAverages1D(createUniform(), raw1(5, 6, 4), { normalize: true }), "INVALID_ARGUMENT"],
      [() => cellAverages1D(createEmpirical([1, 2]), raw1(0, 3, 3), { method: "quadrature" }), "UNSUPPORTED"],
      [() => cellAverages1D({ ...n, cdf: undefined } as never, raw1(0, 1, 3), { method: "cdf" }), "UNSUPPORTED"],
      [() => pointValues1D(n, raw1(1, -1, 3)), "INVALID_ARGUMENT"],
    ];
    for (const [f, code] of cases) {
      expectKineticError(f, code);
    }
  });
});

describe("2-D cell averages", () => {
  const grid = createGrid2D([-20, 20], [-8, 10], 80, 36);
  const cell = (40 / 80) * (18 / 36);

  it("exact box probabilities integrate to 1 (diagonal normal, product)", () => {
    const g = createMultivariateNormal({
      mean: [0.5, 1],
      covariance: [
        [0.8, 0],
        [0, 1.2],
      ],
    });
    expectAllClose(mass(cellAverages2D(g, grid), cell), 1, { rtol: 1e-12 });
    const p = createIndependent({ components: [createLaplace({ scale: 0.5 }), createBeta({ alpha: 2, beta: 3, lower: -8, upper: 10 })] });
    expectAllClose(mass(cellAverages2D(p, grid), cell), 1, { rtol: 1e-12 });
  });

  it("quadrature for a correlated normal integrates to 1 and matches the box path where both exist", () => {
    const g = createMultivariateNormal({
      mean: [0, 1],
      covariance: [
        [1, 0.6],
        [0.6, 1.5],
      ],
    });
    const f = cellAverages2D(g, grid);
    expectAllClose(mass(f, cell), 1, { rtol: 1e-10 });
    const diag = createMultivariateNormal({
      mean: [0, 1],
      covariance: [
        [1, 0],
        [0, 1.5],
      ],
    });
    expectAllClose(cellAverages2D(diag, grid, { method: "quadrature" }), cellAverages2D(diag, grid, { method: "cdf" }), {
      rtol: 1e-9,
      atol: 1e-14,
    });
  });

  it("index is i*ny + j (x outer) and point values are the density at the centres", () => {
    const g = createMultivariateNormal({
      mean: [2, -1],
      covariance: [
        [0.5, 0.1],
        [0.1, 0.3],
      ],
    });
    const small = { xMin: 0, xMax: 4, yMin: -3, yMax: 1, nx: 4, ny: 8 };
    const pv = pointValues2D(g, g2(small));
    expectAllClose(pv[2 * 8 + 5]!, g.pdf([2.5, -0.25]), { rtol: 1e-15 });
    const avg = cellAverages2D(g, g2({ ...small, nx: 400, ny: 800 }));
    const pvFine = pointValues2D(g, g2({ ...small, nx: 400, ny: 800 }));
    expectAllClose(avg, pvFine, { rtol: 1e-3, atol: 1e-6 });
  });

  it("rejects a 1-D or 3-D distribution and a bad grid", () => {
    const g3 = createMultivariateNormal({ mean: [0, 0, 0] });
    expectKineticError(() => cellAverages2D(g3, grid), "SHAPE_MISMATCH");
    expectKineticError(() => cellAverages2D(createNormal() as never, grid), "INVALID_ARGUMENT");
    expectKineticError(() => pointValues2D(createMultivariateNormal({ mean: [0, 0] }), { ...grid, ny: -1 } as Grid2D), "INVALID_ARGUMENT");
  });
});
