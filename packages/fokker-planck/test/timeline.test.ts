import { createConstantNetwork, createScalarNetwork, resolveTimeline, solveOde, solveSde } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { solveVlasov, solveVlasovExact } from "@kinetic-nde/mean-field";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { solveFokkerPlanck, solveFokkerPlanck2D } from "../src/index.js";

const gauss = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
const gauss2 = (x: number, y: number) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI);

describe("every solver resolves the same timeline", () => {
  // T = 0.1 with 3 layers: the CLI's save times (s·L/(n-1))·T/L round past T for this pair
  const T = 0.1;
  const L = 3;
  const saveAt = Array.from({ length: 4 }, (_, s) => (Math.round((s * L) / 3) * T) / L);

  it("ODE, SDE, Vlasov, exact Vlasov and Fokker–Planck (1-D) return the save times of resolveTimeline", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, 0.5], b: [0.1, 0, -0.1], T, K: 0.5 });
    const ref = Array.from(resolveTimeline(net, saveAt).saveAt);
    expect(ref[ref.length - 1]).toBe(net.T);
    const grid = createGrid1D(-5, 5, 80);
    const x0 = Float64Array.of(-1, 0, 1);
    const got = {
      ode: Array.from(solveOde(net, x0, { method: "rk4", saveAt }).saveAt),
      sde: Array.from(solveSde(net, x0, { saveAt }).saveAt),
      vlasov: Array.from(solveVlasov({ params: net, grid, f0: gauss }, { saveAt }).times),
      exact: Array.from(solveVlasovExact({ params: net, grid, f0: gauss }, { saveAt }).times),
      fokkerPlanck: [...solveFokkerPlanck({ network: net, grid, f0: gauss }, { saveAt }).times],
    };
    for (const [name, times] of Object.entries(got)) expect(times, name).toEqual(ref);
  });

  it("2-D: ODE, Vlasov, exact Vlasov and Fokker–Planck 2-D agree too", () => {
    const net = createConstantNetwork({ sigma: "identity", W: [-1, 0.5, -0.5, -1], b: [0.1, 0], T, nLayers: L });
    const ref = Array.from(resolveTimeline(net, saveAt).saveAt);
    const grid = createGrid2D([-4, 4], [-4, 4], 16);
    const got = {
      ode: Array.from(solveOde(net, Float64Array.of(0, 1), { saveAt }).saveAt),
      vlasov: Array.from(solveVlasov({ params: net, grid, f0: gauss2 }, { saveAt }).times),
      exact: Array.from(solveVlasovExact({ params: net, grid, f0: gauss2 }, { saveAt }).times),
      fokkerPlanck2D: [...solveFokkerPlanck2D({ network: net, grid, f0: gauss2, D: [0.1, 0.1] }, { saveAt }).times],
    };
    for (const [name, times] of Object.entries(got)) expect(times, name).toEqual(ref);
  });

  it("the same input errors everywhere: unsorted and clearly-outside save times name saveAt", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.5 });
    const grid = createGrid1D(-5, 5, 40);
    const x0 = Float64Array.of(0);
    for (const bad of [[0.5, 0.2], [0, 1.001], [-0.01]]) {
      expectKineticError(() => solveOde(net, x0, { saveAt: bad }), "INVALID_ARGUMENT", /saveAt/);
      expectKineticError(() => solveSde(net, x0, { saveAt: bad }), "INVALID_ARGUMENT", /saveAt/);
      expectKineticError(() => solveVlasov({ params: net, grid, f0: gauss }, { saveAt: bad }), "INVALID_ARGUMENT", /saveAt/);
      expectKineticError(() => solveVlasovExact({ params: net, grid, f0: gauss }, { saveAt: bad }), "INVALID_ARGUMENT", /saveAt/);
      expectKineticError(() => solveFokkerPlanck({ network: net, grid, f0: gauss }, { saveAt: bad }), "INVALID_ARGUMENT", /saveAt/);
    }
  });
});

describe("Fokker–Planck: work limits and options", () => {
  const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1, K: 0.5 });
  const grid = createGrid1D(-4, 4, 50);

  it("dt = 1e-12 (~1e12 steps) is refused before any work with TOO_LARGE naming dt and the smallest dt that fits", () => {
    const t = performance.now();
    expectKineticError(() => solveFokkerPlanck({ network, grid, f0: gauss }, { dt: 1e-12 }), "TOO_LARGE", /`dt`.*smallest dt/);
    expectKineticError(
      () =>
        solveFokkerPlanck2D(
          {
            network: createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -1], b: [0, 0], T: 1 }),
            grid: createGrid2D([-2, 2], [-2, 2], 8),
            f0: gauss2,
            D: [0.1, 0.1],
          },
          { dt: 1e-12 },
        ),
      "TOO_LARGE",
    );
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it("maxSteps: a documented default, validated, and exactly the planned count fits", () => {
    const r = solveFokkerPlanck({ network, grid, f0: gauss }, { dt: 0.01 });
    expect(r.stats.steps).toBe(100);
    expect(solveFokkerPlanck({ network, grid, f0: gauss }, { dt: 0.01, maxSteps: 100 }).stats.steps).toBe(100);
    expectKineticError(() => solveFokkerPlanck({ network, grid, f0: gauss }, { dt: 0.01, maxSteps: 99 }), "TOO_LARGE");
    expectKineticError(() => solveFokkerPlanck({ network, grid, f0: gauss }, { maxSteps: 0 }), "INVALID_ARGUMENT");
  });

  it("unknown options are rejected; the former name massTolerance still works", () => {
    expectKineticError(
      () => solveFokkerPlanck({ network, grid, f0: gauss }, { boundry: "outflow" } as never),
      "INVALID_ARGUMENT",
      /boundry/,
    );
    expectKineticError(() => solveFokkerPlanck({ network, grid, f0: gauss }, { massLossTolerance: -1 }), "INVALID_ARGUMENT");
    const a = solveFokkerPlanck({ network, grid, f0: gauss }, { boundary: "outflow", massTolerance: 1e-12 });
    const b = solveFokkerPlanck({ network, grid, f0: gauss }, { boundary: "outflow", massLossTolerance: 1e-12 });
    expect(a.status).toBe(b.status);
    expectAllClose(a.f, b.f, { rtol: 0, atol: 0 });
  });
});
