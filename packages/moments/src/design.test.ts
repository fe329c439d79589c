import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { designFromMoments, designLayerwise, designLinearNetwork } from "./design.js";
import { closedFormMeanVariance, gaussianRawMoments, solveMomentHierarchy } from "./hierarchy.js";

describe("designLinearNetwork", () => {
  it("D = 0: w = ln(V_T/V_0)/(2T) and the hierarchy reaches the target", () => {
    const r = designLinearNetwork({ m1_0: 0.5, var_0: 0.25, m1_T: 1, var_T: 0.01, T: 2 });
    expectAllClose(r.w, Math.log(0.04) / 4, { rtol: 1e-15 });
    const sol = solveMomentHierarchy({ params: r.params, m0: gaussianRawMoments(0.5, 0.25, 2) }, { saveAt: [2] });
    expectAllClose([sol.mean[0]!, sol.variance[0]!], [1, 0.01], { rtol: 1e-12 });
    expect(r.explanation).toMatch(/aggregation/);
  });

  it("spreading and pure translation", () => {
    const s = designLinearNetwork({ m1_0: 0, var_0: 1, m1_T: -3, var_T: 4, T: 1, nLayers: 10 });
    expect(s.w).toBeGreaterThan(0);
    expect(s.params.nLayers).toBe(10);
    const cf = closedFormMeanVariance({ params: s.params, mean0: 0, var0: 1 }, [1]);
    expectAllClose([cf.mean[0]!, cf.variance[0]!], [-3, 4], { rtol: 1e-12 });
    const t = designLinearNetwork({ m1_0: 1, var_0: 2, m1_T: 3, var_T: 2, T: 4 });
    expect(t.w).toBe(0);
    expectAllClose(t.b, 0.5, { rtol: 1e-15 });
  });

  it("D > 0: solves the variance equation for w (also from a point mass)", () => {
    for (const [V0, VT, D] of [
      [0.25, 0.05, 0.02],
      [0.25, 2, 0.1],
      [0, 0.3, 0.2],
      [1, 1, 0.5],
    ] as const) {
      const r = designLinearNetwork({ m1_0: 0.5, var_0: V0, m1_T: -1, var_T: VT, T: 1.5, D });
      const cf = closedFormMeanVariance({ params: r.params, mean0: 0.5, var0: V0 }, [1.5]); // D from the noise model
      expectAllClose([cf.mean[0]!, cf.variance[0]!], [-1, VT], { rtol: 1e-12 });
      expectAllClose([r.predicted.mean, r.predicted.variance], [-1, VT], { rtol: 1e-12 });
    }
  });

  it("var_0 = var_T = 0 without noise leaves w free (w = 0)", () => {
    const r = designLinearNetwork({ m1_0: 1, var_0: 0, m1_T: 2, var_T: 0, T: 2 });
    expect(r.w).toBe(0);
    expect(r.explanation).toMatch(/free/);
  });

  describe("impossible targets → NO_SOLUTION with an explanation", () => {
    it("target variance 0 at finite T", () => {
      expectKineticError(
        () => designLinearNetwork({ m1_0: 0, var_0: 1, m1_T: 0, var_T: 0, T: 1 }),
        "NO_SOLUTION",
        /variance of 0 cannot be reached at finite T/,
      );
    });
    it("target variance 0 with noise", () => {
      expectKineticError(() => designLinearNetwork({ m1_0: 0, var_0: 0, m1_T: 0, var_T: 0, T: 1, D: 0.1 }), "NO_SOLUTION", /with noise/);
    });
    it("a point mass cannot spread without noise", () => {
      expectKineticError(() => designLinearNetwork({ m1_0: 0, var_0: 0, m1_T: 0, var_T: 1, T: 1 }), "NO_SOLUTION", /point mass/);
    });
  });

  describe("bad input", () => {
    it("rejects NaN, ±Infinity, negative variances and non-positive T", () => {
      const base = { m1_0: 0, var_0: 1, m1_T: 0, var_T: 1, T: 1 };
      expectKineticError(() => designLinearNetwork({ ...base, m1_0: NaN }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, m1_T: Infinity }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, var_T: -Infinity }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, var_0: -1 }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, T: 0 }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, D: -0.1 }), "INVALID_ARGUMENT");
      expectKineticError(() => designLinearNetwork({ ...base, nLayers: 0 }), "INVALID_ARGUMENT");
    });
  });
});

describe("designFromMoments", () => {
  /** Raw moments of the uniform distribution on [a, b]. */
  function uniformMoments(a: number, b: number, K: number): number[] {
    return Array.from({ length: K + 1 }, (_, k) => (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a)));
  }

  it("Gaussian to Gaussian: every moment matches", () => {
    const r = designFromMoments({ initial: gaussianRawMoments(0.5, 0.25, 6), target: gaussianRawMoments(1, 0.04, 6), T: 2 });
    expect(r.exact).toBe(true);
    for (const m of r.mismatch) expect(m.relativeError).toBeLessThan(1e-12);
  });

  it("uniform to uniform is reachable (same shape), Gaussian to uniform is not", () => {
    const ok = designFromMoments({ initial: uniformMoments(-1, 1, 4), target: uniformMoments(2, 3, 4), T: 1 });
    expect(ok.exact).toBe(true);
    const bad = designFromMoments({ initial: gaussianRawMoments(0, 1 / 3, 4), target: uniformMoments(-1, 1, 4), T: 1 });
    expect(bad.exact).toBe(false);
    // Mean and variance match, the fourth moment does not: Gaussian kurtosis 3 vs uniform 1.8.
    expectAllClose(bad.achieved.subarray(0, 3), uniformMoments(-1, 1, 2), { rtol: 1e-12, atol: 1e-15 });
    expectAllClose(bad.shape.excessKurtosis.achieved, 0, { atol: 1e-12 });
    expectAllClose(bad.shape.excessKurtosis.target, -1.2, { rtol: 1e-12 });
    const m4 = bad.mismatch.find((m) => m.order === 4)!;
    expectAllClose(m4.achieved, 3 * (1 / 3) ** 2, { rtol: 1e-12 });
    expectAllClose(m4.target, 0.2, { rtol: 1e-12 });
    expect(bad.explanation).toMatch(/mean and variance only/);
  });

  it("noise shrinks the excess kurtosis toward 0", () => {
    const r = designFromMoments({ initial: uniformMoments(-1, 1, 4), target: uniformMoments(-1, 1, 4), T: 1, D: 0.2 });
    expect(r.exact).toBe(false);
    expect(r.shape.excessKurtosis.achieved).toBeGreaterThan(-1.2);
    expect(r.shape.excessKurtosis.achieved).toBeLessThan(0);
  });

  it("requireExact turns a mismatch into NO_SOLUTION", () => {
    expectKineticError(
      () => designFromMoments({ initial: gaussianRawMoments(0, 1, 4), target: uniformMoments(-1, 1, 4), T: 1, requireExact: true }),
      "NO_SOLUTION",
      /Order 4/,
    );
  });

  it("mass is conserved: a different target mass is NO_SOLUTION", () => {
    expectKineticError(() => designFromMoments({ initial: [1, 0, 1], target: [2, 0, 2], T: 1 }), "NO_SOLUTION");
  });

  it("bad input", () => {
    expectKineticError(() => designFromMoments({ initial: [1, 0], target: [1, 0], T: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => designFromMoments({ initial: [1, 0, 1], target: [1, 0, 1, 0], T: 1 }), "SHAPE_MISMATCH");
    expectKineticError(() => designFromMoments({ initial: [1, 0, 1], target: [1, 2, 1], T: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => designFromMoments({ initial: [1, NaN, 1], target: [1, 0, 1], T: 1 }), "INVALID_ARGUMENT");
  });
});

describe("designLayerwise", () => {
  it("ode model: each layer is exact, D = 0 gives equal weights", () => {
    const r = designLayerwise({ m1_0: 0.5, var_0: 0.25, m1_T: 2, var_T: 0.01, T: 2, nLayers: 8 });
    for (let k = 0; k < 8; k++) expectAllClose(r.w[k]!, Math.log(0.04) / 4, { rtol: 1e-13 });
    const ts = Array.from({ length: 9 }, (_, k) => k * 0.25);
    const cf = closedFormMeanVariance({ params: r.params, mean0: 0.5, var0: 0.25 }, ts);
    expectAllClose(cf.mean, r.waypoints.mean, { rtol: 1e-12 });
    expectAllClose(cf.variance, r.waypoints.variance, { rtol: 1e-12 });
  });

  it("ode model with noise from a point mass", () => {
    const r = designLayerwise({ m1_0: 0, var_0: 0, m1_T: 1, var_T: 0.5, T: 1, nLayers: 5, D: 0.3 });
    const ts = Array.from({ length: 6 }, (_, k) => k * 0.2);
    const cf = closedFormMeanVariance({ params: r.params, mean0: 0, var0: 0 }, ts);
    expectAllClose(cf.variance, r.waypoints.variance, { rtol: 1e-12, atol: 1e-16 });
    expectAllClose(cf.mean, r.waypoints.mean, { rtol: 1e-12, atol: 1e-16 });
  });

  it("resnet model: the Euler map itself hits the waypoints (with noise)", () => {
    const L = 10;
    const D = 0.05;
    const r = designLayerwise({ m1_0: 0, var_0: 1, m1_T: 2, var_T: 0.25, T: 1, nLayers: L, D, model: "resnet" });
    const dt = 0.1;
    let m = 0;
    let v = 1;
    for (let k = 0; k < L; k++) {
      const a = 1 + dt * r.w[k]!;
      expect(a).toBeGreaterThan(0);
      m = a * m + dt * r.b[k]!;
      v = a * a * v + 2 * D * dt;
      expectAllClose([m, v], [r.waypoints.mean[k + 1]!, r.waypoints.variance[k + 1]!], { rtol: 1e-12, atol: 1e-15 });
    }
  });

  it("resnet model: too much noise per layer is NO_SOLUTION", () => {
    expectKineticError(
      () => designLayerwise({ m1_0: 0, var_0: 1, m1_T: 0, var_T: 0.01, T: 1, nLayers: 2, D: 0.5, model: "resnet" }),
      "NO_SOLUTION",
      /more layers or less noise/,
    );
  });

  it("shares the impossibility cases and rejects bad depth", () => {
    expectKineticError(() => designLayerwise({ m1_0: 0, var_0: 1, m1_T: 0, var_T: 0, T: 1, nLayers: 3 }), "NO_SOLUTION");
    expectKineticError(() => designLayerwise({ m1_0: 0, var_0: 1, m1_T: 0, var_T: 1, T: 1, nLayers: 0 }), "INVALID_ARGUMENT");
    expectKineticError(
      () => designLayerwise({ m1_0: 0, var_0: 1, m1_T: 0, var_T: 1, T: 1, nLayers: 2, model: "euler" as never }),
      "INVALID_ARGUMENT",
    );
  });
});
