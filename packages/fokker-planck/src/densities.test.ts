import { expectAllClose, expectKineticError } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { cellAverages, histogramOnGrid, klDivergence, l2Distance, wasserstein1 } from "./densities.js";

const grid = createGrid1D(-6, 6, 600);
const gauss = (m: number) => (x: number) => Math.exp(-((x - m) ** 2) / 2) / Math.sqrt(2 * Math.PI);

describe("densities and distances", () => {
  it("W1 of a shifted density is the shift; KL and L2 vanish for equal densities", () => {
    const f = cellAverages(grid, gauss(0));
    const g = cellAverages(grid, gauss(0.3));
    expectAllClose(wasserstein1(grid, f, g), 0.3, { rtol: 1e-6 });
    expect(klDivergence(grid, f, f)).toBe(0);
    expect(l2Distance(grid, f, f)).toBe(0);
  });
  it("histograms are normalised and count the samples outside", () => {
    const h = histogramOnGrid([0, 1, 2, 100], grid);
    expectAllClose(h.f.reduce((s, v) => s + v, 0) * grid.dx, 1, { rtol: 1e-14 });
    expect(h.outside).toBe(1);
    expect(() => histogramOnGrid([], grid)).toThrow();
    expectKineticError(() => histogramOnGrid([100], grid), "INVALID_ARGUMENT");
  });
});
