import { describe, expect, it } from "vitest";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { cellAverages1D, createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { sampleFromGrid } from "./particle-grid.js";
import { wasserstein1Grid } from "./wasserstein.js";

const gauss =
  (m: number, s: number) =>
  (x: number): number =>
    Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

describe("wasserstein1Grid", () => {
  it("one grid (O(n) path) agrees with the merge over two grids holding the same densities", () => {
    const g = createGrid1D(-6, 6, 300);
    const fine = createGrid1D(-6, 6, 600); // each cell split in two: the same piecewise-constant densities
    const f = cellAverages1D(gauss(-0.5, 1), g);
    const h = cellAverages1D(gauss(0.7, 0.6), g);
    const split = (v: Float64Array): Float64Array => Float64Array.from({ length: 2 * v.length }, (_, i) => v[i >> 1]!);
    const same = wasserstein1Grid(g, f, g, h);
    expectAllClose(same, wasserstein1Grid(fine, split(f), g, h), { rtol: 1e-13 });
    expectAllClose(same, wasserstein1Grid(g, f, fine, split(h)), { rtol: 1e-13 });
  });

  it("a translation by 0.3 has W1 = 0.3, on one grid", () => {
    const g = createGrid1D(-6, 6, 600);
    expectAllClose(wasserstein1Grid(g, cellAverages1D(gauss(0, 1), g), g, cellAverages1D(gauss(0.3, 1), g)), 0.3, { rtol: 1e-6 });
    expect(wasserstein1Grid(g, cellAverages1D(gauss(0, 1), g), g, cellAverages1D(gauss(0, 1), g))).toBe(0);
  });
});

describe("sampleFromGrid sizes", () => {
  it("refuses 1e12 particles up front (TOO_LARGE) and unknown options", () => {
    const g = createGrid1D(-1, 1, 8);
    const f = new Float64Array(8).fill(0.5);
    expectKineticError(() => sampleFromGrid(g, f, 1e12), "TOO_LARGE", "`M`");
    expectKineticError(() => sampleFromGrid(createGrid2D([-1, 1], [-1, 1], 4), new Float64Array(16).fill(0.25), 1e11), "TOO_LARGE");
    expectKineticError(() => sampleFromGrid(g, f, 10, { sed: 1 } as never), "INVALID_ARGUMENT", "`seed`, `rng`");
  });
});
