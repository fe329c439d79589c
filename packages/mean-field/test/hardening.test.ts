import { createScalarNetwork, isKineticError } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { solveVlasovExact } from "../src/exact.js";
import { createGrid1D, massOf } from "@kinetic-nde/datasets";
import { trajectorySensitivities } from "../src/sensitivity.js";
import { DEFAULT_MAX_CELL_UPDATES, solveVlasov } from "../src/vlasov.js";
import { gaussian } from "./helpers.js";

describe("Vlasov solvers: work limits and truthful statuses", () => {
  const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2 });

  it("n = 1e6 cells (~1e12 cell-updates) is refused before any work, naming n and the largest grid that fits", () => {
    let err: unknown;
    const t = performance.now();
    try {
      solveVlasov({ params, f0: gaussian(0, 1) }, { n: 1_000_000 });
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t).toBeLessThan(5000);
    expect(isKineticError(err, "TOO_LARGE")).toBe(true);
    const e = err as { message: string; details: { argument: string; largest: number; estimate: number } };
    expect(e.message).toMatch(/`n`/);
    expect(e.details.argument).toBe("n");
    expect(e.details.estimate).toBeGreaterThan(1e11);
    // the suggested size does fit (1-D: work ∝ n² under the CFL rule)
    const r = solveVlasov({ params, f0: gaussian(0, 1) }, { n: 2000, maxCellUpdates: 1e9 });
    expect(r.status).toBe("success");
    expect(DEFAULT_MAX_CELL_UPDATES).toBe(1e10);
  });

  it("n = 2^28 cells (above the largest grid, 2^24 cells) is refused before any allocation", () => {
    expectKineticError(
      () => solveVlasov({ params, f0: gaussian(0, 1) }, { n: 2 ** 28 }),
      "TOO_LARGE",
      /`n`.*largest that fits is 16777216/,
    );
  });

  it("the limit is an option: a small limit refuses a given grid (naming grid); validated", () => {
    const grid = createGrid1D(-6, 6, 400);
    expectKineticError(() => solveVlasov({ params, grid, f0: gaussian(0, 1) }, { maxCellUpdates: 1e4 }), "TOO_LARGE", /`grid`/);
    expectKineticError(() => solveVlasov({ params, grid, f0: gaussian(0, 1) }, { maxCellUpdates: -1 }), "INVALID_ARGUMENT");
    expectKineticError(
      () => solveVlasov({ params, grid, f0: gaussian(0, 1) }, { maxCellUpdate: 1 } as never),
      "INVALID_ARGUMENT",
      /maxCellUpdate/,
    );
  });

  it("outflow: losing most of the mass is a success with stats.massLost; massLossTolerance turns it into mass-lost", () => {
    const grid = createGrid1D(-2, 2, 200);
    const out = createScalarNetwork({ sigma: "identity", w: 1, b: 0, T: 1 });
    const r = solveVlasov({ params: out, grid, f0: gaussian(0, 1) }, { boundary: "outflow", scheme: "upwind" });
    expect(r.status).toBe("success");
    // x(t) = x e^t: the mass of N(0, 1) within |x| < 2/e stays, 1 - 0.538/0.954 ≈ 0.436 of it leaves
    expect(r.stats.massLost / r.stats.massInitial).toBeGreaterThan(0.4);
    expectAllClose(massOf(grid, r.f) + r.stats.massLost, r.stats.massInitial, { rtol: 1e-12 });
    const m = solveVlasov({ params: out, grid, f0: gaussian(0, 1) }, { boundary: "outflow", scheme: "upwind", massLossTolerance: 0.1 });
    expect(m.status).toBe("mass-lost");
    expect(m.stats.massLost / m.stats.massInitial).toBeGreaterThan(0.1);
    expect(m.t).toBeLessThan(1);
    expectKineticError(() => solveVlasov({ params: out, grid, f0: gaussian(0, 1) }, { massLossTolerance: NaN }), "INVALID_ARGUMENT");
  });

  it("saveAt: unsorted times are an error (not sorted silently); counts and Float64Arrays are accepted", () => {
    const grid = createGrid1D(-6, 6, 60);
    expectKineticError(() => solveVlasov({ params, grid, f0: gaussian(0, 1) }, { saveAt: [1, 0.5] }), "INVALID_ARGUMENT", /saveAt\[1\]/);
    expectKineticError(
      () => solveVlasovExact({ params, grid, f0: gaussian(0, 1) }, { saveAt: [1, 0.5] }),
      "INVALID_ARGUMENT",
      /saveAt\[1\]/,
    );
    const a = solveVlasov({ params, grid, f0: gaussian(0, 1) }, { saveAt: 3 });
    const b = solveVlasov({ params, grid, f0: gaussian(0, 1) }, { saveAt: Float64Array.of(0, 1, 2) });
    expect(Array.from(a.times)).toEqual([0, 1, 2]);
    expectAllClose(a.f, b.f, { rtol: 0, atol: 0 });
  });

  it("solveVlasovExact with an f0 returning NaN: status non-finite, never success", () => {
    const grid = createGrid1D(-2, 2, 20);
    const r = solveVlasovExact({ params, grid, f0: () => NaN });
    expect(r.status).toBe("non-finite");
    expect(solveVlasovExact({ params, grid, f0: gaussian(0, 1) }).status).toBe("success");
    expectKineticError(() => solveVlasovExact({ params, grid, f0: gaussian(0, 1) }, { pannels: 2 } as never), "INVALID_ARGUMENT");
  });

  it("trajectorySensitivities: substeps 1e12 is refused up front (TOO_LARGE naming substeps)", () => {
    const x0 = Float64Array.of(0, 1);
    expectKineticError(() => trajectorySensitivities(params, x0, { substeps: 1e12 }), "TOO_LARGE", /substeps/);
    expectKineticError(() => trajectorySensitivities(params, x0, { subSteps: 2 } as never), "INVALID_ARGUMENT");
    expectKineticError(() => trajectorySensitivities({ ...params, d: -1 }, x0), "INVALID_ARGUMENT");
    const r = trajectorySensitivities(params, x0, { substeps: 8 });
    expect(Number.isFinite(r.dxdw[1]!)).toBe(true);
  });
});
