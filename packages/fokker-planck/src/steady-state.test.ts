import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { cellAverages1D, createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { l1Distance } from "./densities.js";
import { solveSteadyState, stationaryDensity, steadyStateExists } from "./steady-state.js";

describe("steady states", () => {
  it("three ways agree: recursion, quadrature and time marching (tanh, variable D)", () => {
    const grid = createGrid1D(-5, 5, 400);
    const problem = { grid, sigma: "tanh", w: -1.2, b: 0.4, D: (x: number) => 0.2 + 0.05 * x * x } as const;
    const rec = solveSteadyState(problem).f;
    const quad = solveSteadyState(problem, { method: "quadrature" }).f;
    const march = solveSteadyState(problem, { method: "marching", tol: 1e-12 });
    expect(march.status).toBe("success");
    // marching converges to the discrete null space; quadrature differs by O(Δx²)
    expect(l1Distance(grid, march.f, rec)).toBeLessThan(1e-9);
    expect(l1Distance(grid, quad, rec)).toBeLessThan(5e-4);
  });

  it("Ornstein–Uhlenbeck and tanh closed forms are normalised and match the quadrature", () => {
    const grid = createGrid1D(-14, 14, 1400);
    for (const sigma of ["identity", "tanh"] as const) {
      const sd = stationaryDensity(sigma, -1.5, 0.6, 0.4);
      const exact = cellAverages1D(sd.pdf, grid);
      expectAllClose(exact.reduce((s, v) => s + v, 0) * grid.dx, 1, { rtol: 1e-9, label: `${sigma} mass` });
      const quad = solveSteadyState({ grid, sigma, w: -1.5, b: 0.6, D: 0.4 }, { method: "quadrature" }).f;
      expectAllClose(quad, exact, { rtol: 1e-7, atol: 1e-12, label: sigma });
      expectAllClose(sd.mean, 0.4, { rtol: 1e-14 });
    }
    expectAllClose(stationaryDensity("identity", -2, 1, 0.5).variance, 0.25, { rtol: 1e-14 });
  });

  it("NO_SOLUTION on R for sigmoid, softplus, ReLU, and w ≥ 0; bounded domain still has one", () => {
    for (const [sigma, w] of [
      ["sigmoid", -1],
      ["softplus", -1],
      ["relu", -1],
      ["relu", 1],
      ["identity", 1],
      ["tanh", 0.5],
      ["tanh", 0],
    ] as const) {
      expect(steadyStateExists(sigma, w, 0.2).exists).toBe(false);
      expectKineticError(() => stationaryDensity(sigma, w, 0.2, 0.3), "NO_SOLUTION");
      const grid = createGrid1D(-3, 3, 60);
      expectKineticError(() => solveSteadyState({ grid, sigma, w, b: 0.2, D: 0.3 }, { requireIntegrableOnR: true }), "NO_SOLUTION");
      const f = solveSteadyState({ grid, sigma, w, b: 0.2, D: 0.3 }).f;
      expectAllClose(f.reduce((s, v) => s + v, 0) * grid.dx, 1, { rtol: 1e-12 });
      for (const v of f) expect(v).toBeGreaterThanOrEqual(0);
    }
    // sigmoid: the bounded-domain steady state piles up at the right wall (drift > 0)
    const grid = createGrid1D(-3, 3, 60);
    const f = solveSteadyState({ grid, sigma: "sigmoid", w: 1, b: 0, D: 0.3 }).f;
    expect(f[59]!).toBeGreaterThan(f[0]!);
    expect(steadyStateExists("leaky-relu", -1, 0).exists).toBe(true);
    expectKineticError(() => stationaryDensity("leaky-relu", -1, 0, 0.3), "UNSUPPORTED");
  });

  it("bad input", () => {
    const grid = createGrid1D(-3, 3, 60);
    expectKineticError(() => solveSteadyState({ grid, sigma: "tanh", w: NaN, b: 0, D: 0.3 }), "INVALID_ARGUMENT");
    expectKineticError(() => solveSteadyState({ grid, sigma: "tanh", w: -1, b: Infinity, D: 0.3 }), "INVALID_ARGUMENT");
    expectKineticError(() => solveSteadyState({ grid, sigma: "tanh", w: -1, b: 0, D: -1 }), "INVALID_ARGUMENT");
    expectKineticError(() => solveSteadyState({ grid, sigma: "nope", w: -1, b: 0, D: 1 }), "NOT_FOUND");
    expectKineticError(
      () => solveSteadyState({ grid, sigma: "tanh", w: -1, b: 0, D: 1 }, { method: "newton" as never }),
      "INVALID_ARGUMENT",
    );
    expectKineticError(
      () => solveSteadyState({ grid, sigma: "tanh", w: -1, b: 0, D: 1 }, { method: "marching", maxSteps: 0 }),
      "INVALID_ARGUMENT",
    );
    expectKineticError(() => stationaryDensity("identity", -1, 0, 0), "INVALID_ARGUMENT");
  });
});
