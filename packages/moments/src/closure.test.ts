import { createLeakyRelu, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { solveGaussianClosure } from "./closure.js";
import { closedFormMeanVariance } from "./hierarchy.js";

describe("solveGaussianClosure", () => {
  it("is exact for the identity (closed-form and quadrature expectations)", () => {
    const params = createScalarNetwork({ sigma: "identity", w: [-1, 0.5, -2], b: [1, 0, -0.5], T: 3 });
    const ts = [0, 0.5, 1, 2, 3];
    const cf = closedFormMeanVariance({ params, mean0: 0.5, var0: 0.25, D: 0.1 }, ts);
    for (const expectations of ["auto", "gauss-hermite"] as const) {
      const r = solveGaussianClosure(
        { params, mean0: 0.5, var0: 0.25, D: 0.1 },
        { saveAt: ts, stepsPerLayer: 4000, expectations, nodes: 4 },
      );
      expectAllClose(r.mean, cf.mean, { rtol: 1e-12, atol: 1e-13, label: `${expectations} mean` });
      expectAllClose(r.variance, cf.variance, { rtol: 1e-12, atol: 1e-14, label: `${expectations} variance` });
    }
  });

  it("ReLU: closed-form expectations agree with fine Gauss–Hermite quadrature", () => {
    const params = createScalarNetwork({ sigma: "relu", w: -1, b: 0.3, T: 2, nLayers: 4 });
    const a = solveGaussianClosure({ params, mean0: 0.5, var0: 0.25, D: 0.05 }, { stepsPerLayer: 64 });
    const b = solveGaussianClosure(
      { params, mean0: 0.5, var0: 0.25, D: 0.05 },
      { stepsPerLayer: 64, expectations: "gauss-hermite", nodes: 100 },
    );
    expect(a.stats.expectations).toBe("closed-form");
    expect(b.stats.expectations).toBe("gauss-hermite");
    // The kink limits quadrature to algebraic convergence; 100 nodes give ~1e-4.
    expectAllClose(b.mean, a.mean, { rtol: 1e-3, atol: 1e-4 });
    expectAllClose(b.variance, a.variance, { rtol: 1e-3, atol: 1e-4 });
  });

  it("leaky ReLU with α = 0 equals ReLU", () => {
    const p1 = createScalarNetwork({ sigma: "relu", w: 0.7, b: -0.2, T: 1 });
    const p2 = createScalarNetwork({ sigma: createLeakyRelu(0), w: 0.7, b: -0.2, T: 1 });
    const a = solveGaussianClosure({ params: p1, mean0: 0, var0: 1 });
    const b = solveGaussianClosure({ params: p2, mean0: 0, var0: 1 });
    expectAllClose(b.mean, a.mean, { rtol: 1e-15 });
  });

  it("tanh: converges in the number of nodes and matches the linearisation for tiny variance", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2, nLayers: 4 });
    const a = solveGaussianClosure({ params, mean0: 0, var0: 0.25 }, { nodes: 40 });
    const b = solveGaussianClosure({ params, mean0: 0, var0: 0.25 }, { nodes: 80 });
    expectAllClose(a.mean, b.mean, { rtol: 1e-12, atol: 1e-14 });
    expectAllClose(a.variance, b.variance, { rtol: 1e-12, atol: 1e-14 });
    // A point mass stays a point mass and follows the characteristic sinh(z(t)) = sinh(z0) e^{wt}.
    const c = solveGaussianClosure({ params, mean0: 0, var0: 0 }, { saveAt: [2], stepsPerLayer: 400 });
    const z = Math.asinh(Math.sinh(0.5) * Math.exp(-2));
    expectAllClose(c.mean, [(z - 0.5) / -1], { rtol: 1e-11 });
    expect(c.variance[0]).toBe(0);
  });

  describe("bad input", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 });
    it("rejects NaN / ±Infinity / negative variance", () => {
      expectKineticError(() => solveGaussianClosure({ params, mean0: NaN, var0: 1 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveGaussianClosure({ params, mean0: Infinity, var0: 1 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: -Infinity }), "INVALID_ARGUMENT");
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: -1 }), "INVALID_ARGUMENT");
    });
    it("rejects bad options", () => {
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: 1 }, { nodes: 0 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: 1 }, { stepsPerLayer: -1 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: 1 }, { expectations: "mc" as never }), "INVALID_ARGUMENT");
    });
  });
});
