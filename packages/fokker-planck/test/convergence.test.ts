import { observedOrder } from "@kinetic-nde/core/testing";
import { cellAverages1D, createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { l1Distance, solveSteadyState, stationaryDensity } from "../src/index.js";

describe("second order in space against exact stationary densities (N = 64..512)", () => {
  for (const [sigma, w, b, D] of [
    ["identity", -1, 0.5, 0.3],
    ["tanh", -1.5, 0.6, 0.4],
  ] as const) {
    it(`${sigma}: slope of the L1 error of the discrete steady state within 0.15 of 2`, () => {
      const sd = stationaryDensity(sigma, w, b, D);
      const hs: number[] = [];
      const errs: number[] = [];
      for (const n of [64, 128, 256, 512]) {
        const grid = createGrid1D(-6, 6, n);
        const exact = cellAverages1D(sd.pdf, grid);
        const f = solveSteadyState({ grid, sigma, w, b, D }).f;
        hs.push(grid.dx);
        errs.push(l1Distance(grid, f, exact));
      }
      const p = observedOrder(hs, errs);
      expect(Math.abs(p - 2), `order ${p}, errors ${errs}`).toBeLessThan(0.15);
    });
  }
});
