import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { cellAverages1D, createGrid1D } from "@kinetic-nde/datasets";
import { wasserstein1Grid } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { histogramOnGrid, klDivergence, l2Distance } from "./densities.js";

const grid = createGrid1D(-6, 6, 600);
const gauss = (m: number) => (x: number) => Math.exp(-((x - m) ** 2) / 2) / Math.sqrt(2 * Math.PI);

describe("densities and distances", () => {
  it("W1 of a shifted density is the shift; KL and L2 vanish for equal densities", () => {
    const f = cellAverages1D(gauss(0), grid);
    const g = cellAverages1D(gauss(0.3), grid);
    expectAllClose(wasserstein1Grid(grid, f, grid, g), 0.3, { rtol: 1e-6 });
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
