import { createConstantNetwork, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { solveMeanCovariance } from "./covariance.js";
import { closedFormMeanVariance } from "./hierarchy.js";
import { describeLongTime } from "./long-time.js";
import { MOMENT_METHODS } from "./methods.js";

describe("solveMeanCovariance", () => {
  const saveAt = [0, 0.3, 0.75, 1.2, 2];
  const params = createNetwork({
    sigma: "identity",
    d: 2,
    T: 2,
    W: [
      [-1, 0.5, -0.5, -1],
      [-0.2, 1, -1, 0.3],
    ],
    b: [
      [0.2, -0.1],
      [0, 0.4],
    ],
  });
  const D = [0.1, 0.02, 0.02, 0.05];

  it("exact and RK4 agree to 1e-12 (layer-wise, with noise)", () => {
    const ex = solveMeanCovariance({ params, mean0: [0.5, -0.3], cov0: [0.25, 0.05, 0.05, 0.16], D }, { saveAt });
    const rk = solveMeanCovariance(
      { params, mean0: [0.5, -0.3], cov0: [0.25, 0.05, 0.05, 0.16], D },
      { saveAt, method: "rk4", stepsPerLayer: 2000 },
    );
    expect(ex.status).toBe("success");
    expectAllClose(rk.mean, ex.mean, { rtol: 1e-12, atol: 1e-14 });
    expectAllClose(rk.cov, ex.cov, { rtol: 1e-12, atol: 1e-14 });
  });

  it("diagonal W decouples into the 1-D closed forms", () => {
    const p = createConstantNetwork({ sigma: "identity", W: [-1, 0, 0, 0.5], b: [1, -0.5], T: 3 });
    const p1 = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 3 });
    const p2 = createScalarNetwork({ sigma: "identity", w: 0.5, b: -0.5, T: 3 });
    const ts = [0, 1, 2.5, 3];
    for (const m of MOMENT_METHODS) {
      const r = solveMeanCovariance(
        { params: p, mean0: [0.5, 0.1], cov0: [0.25, 0, 0, 0.04], D: [0.2, 0, 0, 0.1] },
        { saveAt: ts, method: m.name, stepsPerLayer: 3000 },
      );
      const a = closedFormMeanVariance({ params: p1, mean0: 0.5, var0: 0.25, D: 0.2 }, ts);
      const b = closedFormMeanVariance({ params: p2, mean0: 0.1, var0: 0.04, D: 0.1 }, ts);
      expectAllClose(
        Array.from(ts, (_, s) => r.mean[2 * s]!),
        a.mean,
        { rtol: 1e-12, label: `${m.name} mean x` },
      );
      expectAllClose(
        Array.from(ts, (_, s) => r.mean[2 * s + 1]!),
        b.mean,
        { rtol: 1e-12, label: `${m.name} mean y` },
      );
      expectAllClose(
        Array.from(ts, (_, s) => r.cov[4 * s]!),
        a.variance,
        { rtol: 1e-12, label: `${m.name} var x` },
      );
      expectAllClose(
        Array.from(ts, (_, s) => r.cov[4 * s + 3]!),
        b.variance,
        { rtol: 1e-12, label: `${m.name} var y` },
      );
      expectAllClose(
        Array.from(ts, (_, s) => r.cov[4 * s + 1]!),
        [0, 0, 0, 0],
        { atol: 1e-15 },
      );
    }
  });

  it("converges to the stationary Lyapunov covariance and x* = -W⁻¹b", () => {
    const p = createConstantNetwork({ sigma: "identity", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 40 });
    const r = solveMeanCovariance({ params: p, mean0: [2, 2], cov0: [1, 0, 0, 1], D }, { saveAt: [40] });
    const lt = describeLongTime(p, { D });
    expectAllClose(r.mean, lt.limitMean, { rtol: 1e-12, atol: 1e-14 });
    expectAllClose(r.cov, lt.limitCovariance, { rtol: 1e-12, atol: 1e-14 });
    // Check the Lyapunov residual W C + C Wᵀ + 2D = 0 directly.
    const W = [-1, 0.5, -0.5, -1];
    const C = lt.limitCovariance;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        let v = 2 * D[i * 2 + j]!;
        for (let k = 0; k < 2; k++) v += W[i * 2 + k]! * C[k * 2 + j]! + C[i * 2 + k]! * W[j * 2 + k]!;
        expect(Math.abs(v)).toBeLessThan(1e-14);
      }
    }
  });

  it("takes D = K Kᵀ/2 from a constant noise model", () => {
    const p = createConstantNetwork({
      sigma: "identity",
      W: [-1, 0, 0, -1],
      b: [0, 0],
      T: 1,
      noise: { kind: "constant", K: new Float64Array([1, 0, 1, 1]) },
    });
    const a = solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [0, 0, 0, 0] }, { saveAt: [1] });
    const b = solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [0, 0, 0, 0], D: [0.5, 0.5, 0.5, 1] }, { saveAt: [1] });
    expectAllClose(a.cov, b.cov, { rtol: 1e-15 });
  });

  describe("bad input", () => {
    const p = createConstantNetwork({ sigma: "identity", W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
    it("rejects NaN / Infinity and shape mismatches", () => {
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [NaN, 0], cov0: [1, 0, 0, 1] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0, Infinity], cov0: [1, 0, 0, 1] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0], cov0: [1, 0, 0, 1] }), "SHAPE_MISMATCH");
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [1, 0, 1] }), "SHAPE_MISMATCH");
    });
    it("rejects non-symmetric or indefinite covariances and D", () => {
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [1, 0.5, 0, 1] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [1, 2, 2, 1] }), "INVALID_ARGUMENT");
      expectKineticError(
        () => solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [1, 0, 0, 1], D: [1, 0.1, 0, 1] }),
        "INVALID_ARGUMENT",
      );
      expectKineticError(() => solveMeanCovariance({ params: p, mean0: [0, 0], cov0: [1, 0, 0, 1], D: -1 }), "INVALID_ARGUMENT");
    });
    it("refuses nonlinear activations", () => {
      const t = createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
      expectKineticError(() => solveMeanCovariance({ params: t, mean0: [0, 0], cov0: [1, 0, 0, 1] }), "UNSUPPORTED");
    });
  });
});
