import { createConstantNetwork, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { solveFokkerPlanck2D } from "./solve-2d.js";
import { solveSteadyState } from "./steady-state.js";

const gauss2 = (x: number, y: number) => Math.exp(-(x * x + y * y) / 2) / (2 * Math.PI);

describe("solveFokkerPlanck2D", () => {
  it("mass to 1e-12 and f ≥ 0 for any step (property)", () => {
    const grid = createGrid2D([-4, 4], [-4, 4], 24, 20);
    fc.assert(
      fc.property(
        fc.constantFrom("identity", "tanh", "sigmoid", "relu"),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (sigma, W, D, dt) => {
          const network = createConstantNetwork({ sigma, W, b: [0.1, -0.2], T: 0.5 });
          const r = solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [D, 0.5 * D] }, { dt });
          expectAllClose(r.stats.massFinal, r.stats.massInitial, { rtol: 1e-12 });
          expect(r.stats.minValue).toBeGreaterThanOrEqual(0);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("separable drift: the product of the 1-D discrete steady states is preserved to round-off", () => {
    const grid = createGrid2D([-4, 4], [-3, 3], 40, 30);
    const fx = solveSteadyState({ grid: createGrid1D(-4, 4, 40), sigma: "tanh", w: -1, b: 0.3, D: 0.4 }).f;
    const fy = solveSteadyState({ grid: createGrid1D(-3, 3, 30), sigma: "tanh", w: -2, b: -0.2, D: 0.25 }).f;
    const f0 = new Float64Array(40 * 30);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) f0[i * 30 + j] = fx[i]! * fy[j]!;
    const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -2], b: [0.3, -0.2], T: 2 });
    const r = solveFokkerPlanck2D({ network, grid, f0, D: [0.4, 0.25] }, { dt: 0.1 });
    expectAllClose(r.f, f0, { rtol: 0, atol: 1e-13 * Math.max(...f0) });
  });

  it("Ornstein–Uhlenbeck (identity, non-symmetric W): mean and covariance follow C' = WC + CWᵀ + 2D", () => {
    const W = [-1, 0.5, -0.5, -1];
    const b = [0.2, -0.1];
    const Dd = [0.2, 0.3];
    const network = createConstantNetwork({ sigma: "identity", W, b, T: 1 });
    const grid = createGrid2D([-5, 5], [-5, 5], 100);
    const r = solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [Dd[0]!, Dd[1]!] }, { dt: 0.002 });
    // exact moment ODE by RK4 with a tiny step
    let m = [0, 0];
    let C = [1, 0, 0, 1];
    const rhs = (mm: number[], CC: number[]): [number[], number[]] => {
      const dm = [W[0]! * mm[0]! + W[1]! * mm[1]! + b[0]!, W[2]! * mm[0]! + W[3]! * mm[1]! + b[1]!];
      const WC = [
        W[0]! * CC[0]! + W[1]! * CC[2]!,
        W[0]! * CC[1]! + W[1]! * CC[3]!,
        W[2]! * CC[0]! + W[3]! * CC[2]!,
        W[2]! * CC[1]! + W[3]! * CC[3]!,
      ];
      const dC = [2 * WC[0]! + 2 * Dd[0]!, WC[1]! + WC[2]!, WC[2]! + WC[1]!, 2 * WC[3]! + 2 * Dd[1]!];
      return [dm, dC];
    };
    const h = 1e-3;
    for (let s = 0; s < 1000; s++) {
      const add = (a: number[], d: number[], c: number) => a.map((v, i) => v + c * d[i]!);
      const [k1m, k1c] = rhs(m, C);
      const [k2m, k2c] = rhs(add(m, k1m, h / 2), add(C, k1c, h / 2));
      const [k3m, k3c] = rhs(add(m, k2m, h / 2), add(C, k2c, h / 2));
      const [k4m, k4c] = rhs(add(m, k3m, h), add(C, k3c, h));
      m = m.map((v, i) => v + (h / 6) * (k1m[i]! + 2 * k2m[i]! + 2 * k3m[i]! + k4m[i]!));
      C = C.map((v, i) => v + (h / 6) * (k1c[i]! + 2 * k2c[i]! + 2 * k3c[i]! + k4c[i]!));
    }
    let M0 = 0,
      M1 = 0,
      M2 = 0,
      Sxx = 0,
      Sxy = 0,
      Syy = 0;
    for (let i = 0; i < grid.nx; i++) {
      const x = grid.xMin + (i + 0.5) * grid.dx;
      for (let j = 0; j < grid.ny; j++) {
        const y = grid.yMin + (j + 0.5) * grid.dy;
        const f = r.f[i * grid.ny + j]!;
        M0 += f;
        M1 += x * f;
        M2 += y * f;
        Sxx += x * x * f;
        Sxy += x * y * f;
        Syy += y * y * f;
      }
    }
    const mx = M1 / M0,
      my = M2 / M0;
    const got = [mx, my, Sxx / M0 - mx * mx, Sxy / M0 - mx * my, Syy / M0 - my * my];
    // first order in time (splitting) and O(Δx²) in space: 1e-2 absolute at Δt = 0.002, Δx = 0.1
    expectAllClose(got, [m[0]!, m[1]!, C[0]!, C[1]!, C[3]!], { atol: 1e-2, rtol: 0 });
  });

  it("outflow reports the mass lost (success; mass-lost above massLossTolerance)", () => {
    const network = createConstantNetwork({ sigma: "identity", W: [1, 0, 0, 1], b: [0, 0], T: 1 });
    const grid = createGrid2D([-3, 3], [-3, 3], 30);
    const ok = solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [0.1, 0.1] }, { boundary: "outflow", dt: 0.02 });
    expect(ok.status).toBe("success");
    expect(ok.stats.massLost).toBeGreaterThan(1e-3);
    const r = solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [0.1, 0.1] }, { boundary: "outflow", dt: 0.02, massLossTolerance: 1e-3 });
    expect(r.status).toBe("mass-lost");
    expectAllClose(r.stats.massFinal + r.stats.massLost, r.stats.massInitial, { rtol: 1e-12 });
  });

  it("bad input", () => {
    const grid = createGrid2D([-3, 3], [-3, 3], 10);
    const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
    expectKineticError(() => solveFokkerPlanck2D({ network, grid, f0: gauss2 }), "INVALID_ARGUMENT");
    expectKineticError(() => solveFokkerPlanck2D({ network, grid, f0: new Float64Array(99), D: [1, 1] }), "SHAPE_MISMATCH");
    expectKineticError(() => solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [1, NaN] }), "INVALID_ARGUMENT");
    expectKineticError(() => solveFokkerPlanck2D({ network, grid, f0: gauss2, D: [1, 1] }, { dt: 0 }), "INVALID_ARGUMENT");
    expectKineticError(
      () => solveFokkerPlanck2D({ network: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }), grid, f0: gauss2, D: [1, 1] }),
      "SHAPE_MISMATCH",
    );
    const full = createNetwork({
      sigma: "tanh",
      d: 2,
      W: [-1, 0, 0, -1],
      b: [0, 0],
      T: 1,
      noise: { kind: "constant", K: new Float64Array([1, 0.5, 0, 1]) },
    });
    expectKineticError(() => solveFokkerPlanck2D({ network: full, grid, f0: gauss2 }), "UNSUPPORTED");
  });
});
