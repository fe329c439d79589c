import { createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError, observedOrder } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { closedFormMeanVariance, gaussianRawMoments, solveMomentHierarchy } from "./hierarchy.js";
import { MOMENT_METHODS } from "./methods.js";

describe("gaussianRawMoments", () => {
  it("matches the moments of N(0.5, 0.25)", () => {
    // E x^3 = μ³ + 3μs², E x^4 = μ⁴ + 6μ²s² + 3s⁴
    expectAllClose(gaussianRawMoments(0.5, 0.25, 4), [1, 0.5, 0.5, 0.125 + 0.375, 0.0625 + 0.375 + 0.1875], { rtol: 1e-15 });
    expectAllClose(gaussianRawMoments(0, 1, 6, 2), [2, 0, 2, 0, 6, 0, 30], { rtol: 1e-15 });
  });
});

describe("solveMomentHierarchy", () => {
  const saveAt = Array.from({ length: 21 }, (_, i) => (i * 5) / 20);
  const cases = [
    { label: "w=-1, b=0", w: -1, b: 0, D: 0 },
    { label: "w=-1, b=1", w: -1, b: 1, D: 0 },
    { label: "w=0.3, b=-0.2", w: 0.3, b: -0.2, D: 0 },
    { label: "w=-1, b=1, D=0.125", w: -1, b: 1, D: 0.125 },
    { label: "w=0, b=0.5, D=0.2", w: 0, b: 0.5, D: 0.2 },
  ];
  for (const c of cases) {
    for (const method of MOMENT_METHODS) {
      it(`${method.name} agrees with the closed forms (${c.label})`, () => {
        const params = createScalarNetwork({ sigma: "identity", w: c.w, b: c.b, T: 5, nLayers: 5 });
        const r = solveMomentHierarchy(
          { params, m0: gaussianRawMoments(0.5, 0.25, 6), D: c.D },
          { method: method.name, saveAt, stepsPerLayer: 2000 },
        );
        expect(r.status).toBe("success");
        const cf = closedFormMeanVariance({ params, mean0: 0.5, var0: 0.25, D: c.D }, saveAt);
        expectAllClose(r.mean, cf.mean, { rtol: 1e-12, atol: 1e-14, label: "mean" });
        expectAllClose(r.variance, cf.variance, { rtol: 1e-12, atol: 1e-14, label: "variance" });
        // m_1 = m_0·mean and m_2 = m_0 (var + mean²) from the raw moments.
        const m1 = Array.from(saveAt, (_, s) => r.m[s * 7 + 1]!);
        expectAllClose(m1, cf.mean, { rtol: 1e-12, atol: 1e-14, label: "m1" });
        // The state stays Gaussian: every raw moment is that of N(mean, var).
        for (let s = 0; s < saveAt.length; s++) {
          expectAllClose(r.m.subarray(s * 7, s * 7 + 7), gaussianRawMoments(cf.mean[s]!, cf.variance[s]!, 6), {
            rtol: 1e-11,
            atol: 1e-13,
            label: `raw moments at t=${saveAt[s]}`,
          });
        }
      });
    }
  }

  it("exact and RK4 agree to 1e-12 for layer-wise parameters and noise", () => {
    const w = [-1, -0.5, 0.4, -2, 0.1];
    const b = [0.3, -0.7, 0.2, 1, 0];
    const params = createScalarNetwork({ sigma: "identity", w, b, T: 2.5 });
    const m0 = new Float64Array([1, 0.2, 0.9, -0.3, 2.1, 0.5]); // not Gaussian
    const D = [0.1, 0, 0.3, 0.05, 0.2];
    const t2 = saveAt.map((t) => t / 2);
    const exh = solveMomentHierarchy({ params, m0, D }, { saveAt: t2 });
    const rk = solveMomentHierarchy({ params, m0, D }, { saveAt: t2, method: "rk4", stepsPerLayer: 2000 });
    // Per order: relative 1e-12 of the largest |m_k| over time (m_5 passes through zero).
    for (let k = 0; k <= 5; k++) {
      const a = Array.from(t2, (_, s) => rk.m[s * 6 + k]!);
      const e = Array.from(t2, (_, s) => exh.m[s * 6 + k]!);
      const scale = Math.max(...e.map(Math.abs));
      expectAllClose(a, e, { rtol: 1e-12, atol: 1e-12 * scale, label: `m_${k}` });
    }
    expectAllClose(rk.variance, exh.variance, { rtol: 1e-12, atol: 1e-14 });
    const cf = closedFormMeanVariance({ params, mean0: 0.2, var0: 0.9 - 0.04, D }, t2);
    expectAllClose(exh.mean, cf.mean, { rtol: 1e-13, atol: 1e-15 });
    expectAllClose(exh.variance, cf.variance, { rtol: 1e-13, atol: 1e-15 });
  });

  it("takes D = K²/2 from a constant noise model and relaxes to D/|w|", () => {
    const params = createScalarNetwork({ sigma: "identity", w: -2, b: 1, T: 20, K: 0.6 });
    const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(3, 2, 2) }, { saveAt: [20] });
    expectAllClose(r.variance, [0.18 / 2], { rtol: 1e-12 });
    expectAllClose(r.mean, [0.5], { rtol: 1e-12 });
  });

  it("RK4 converges with order 4", () => {
    const params = createScalarNetwork({ sigma: "identity", w: [-1, 0.5], b: [1, -1], T: 2 });
    const m0 = gaussianRawMoments(0.5, 0.25, 4);
    const ref = solveMomentHierarchy({ params, m0, D: 0.1 }, { saveAt: [2] });
    const hs: number[] = [];
    const errs: number[] = [];
    for (const n of [16, 32, 64, 128]) {
      const r = solveMomentHierarchy({ params, m0, D: 0.1 }, { saveAt: [2], method: "rk4", stepsPerLayer: n });
      let e = 0;
      for (let k = 0; k <= 4; k++) e = Math.max(e, Math.abs(r.m[k]! - ref.m[k]!));
      hs.push(1 / n);
      errs.push(e);
    }
    expect(Math.abs(observedOrder(hs, errs) - 4)).toBeLessThan(0.2);
  });

  it("reports non-finite when spreading overflows", () => {
    const params = createScalarNetwork({ sigma: "identity", w: 400, b: 0, T: 10 });
    const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(1, 1, 4) }, { saveAt: [0, 1, 10] });
    expect(r.status).toBe("non-finite");
    expect(r.m[0]).toBe(1);
    expect(Number.isNaN(r.m[2 * 5 + 4]!)).toBe(true);
  });

  it("saves t = 0 as the initial data and supports repeated save times", () => {
    const params = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 });
    const r = solveMomentHierarchy({ params, m0: [1, 2, 5] }, { saveAt: [0, 0.5, 0.5, 1] });
    expectAllClose(r.m.subarray(0, 3), [1, 2, 5], { rtol: 0 });
    expectAllClose(r.m.subarray(3, 6), r.m.subarray(6, 9), { rtol: 0 });
    expect(r.variance[0]).toBe(1);
  });

  describe("bad input", () => {
    const params = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 });
    it("rejects NaN and ±Infinity moments", () => {
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1, NaN] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1, Infinity] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1, -Infinity] }), "INVALID_ARGUMENT");
    });
    it("rejects empty moments", () => {
      expectKineticError(() => solveMomentHierarchy({ params, m0: [] }), "INVALID_ARGUMENT");
    });
    it("rejects negative D and per-layer D of the wrong length", () => {
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1], D: -1 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1], D: [0.1, 0.2] }), "SHAPE_MISMATCH");
    });
    it("rejects bad options", () => {
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1] }, { saveAt: [2] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1] }, { saveAt: [0.5, 0.2] }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1] }, { stepsPerLayer: 0 }), "INVALID_ARGUMENT");
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1] }, { method: "euler" as never }), "INVALID_ARGUMENT");
    });
    it("refuses nonlinear activations and state-dependent noise", () => {
      const tanhNet = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 });
      expectKineticError(() => solveMomentHierarchy({ params: tanhNet, m0: [1] }), "UNSUPPORTED");
      const diag = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, K: { kind: "diagonal", k: (x) => 1 + x * x } });
      expectKineticError(() => solveMomentHierarchy({ params: diag, m0: [1] }), "UNSUPPORTED");
      // Giving D explicitly is allowed.
      expect(solveMomentHierarchy({ params: diag, m0: [1, 0, 1], D: 0.5 }).status).toBe("success");
    });
    it("rejects a non-object problem", () => {
      expectKineticError(() => solveMomentHierarchy(null as never), "INVALID_ARGUMENT");
    });
  });
});

describe("exact propagator vs the matrix exponential of the triangular hierarchy matrix", () => {
  it("agrees to 1e-13 relative for K = 6 on one layer", async () => {
    const { expm } = await import("./internal/linalg.js");
    const K = 6;
    const w = -0.7;
    const b = 0.4;
    const D = 0.15;
    const tau = 1.3;
    const A = new Float64Array((K + 1) * (K + 1));
    for (let k = 1; k <= K; k++) {
      A[k * (K + 1) + k] = k * w * tau;
      A[k * (K + 1) + k - 1] = k * b * tau;
      if (k >= 2) A[k * (K + 1) + k - 2] = k * (k - 1) * D * tau;
    }
    const E = expm(A, K + 1);
    const m0 = [1, 0.2, 0.9, -0.3, 2.1, 0.5, 4];
    const want = new Float64Array(K + 1);
    for (let i = 0; i <= K; i++) for (let j = 0; j <= K; j++) want[i] += E[i * (K + 1) + j]! * m0[j]!;
    const params = createScalarNetwork({ sigma: "identity", w, b, T: tau });
    const r = solveMomentHierarchy({ params, m0, D }, { saveAt: [tau] });
    expectAllClose(r.m, want, { rtol: 1e-13, atol: 1e-14 });
  });
});
