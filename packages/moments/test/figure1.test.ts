/**
 * Figure 1 of Herty, Trimborn & Visconti as data: σ = identity, w = -1, b = 0 (left) and b = 1
 * (right), input N(0.5, 0.5²), t ∈ [0, 5]. m_0 stays 1, the mean relaxes to x* = -b/w like e^{wt},
 * the variance decays like e^{2wt}, and m_2 = Var + m_1² follows.
 */
import { createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, observedOrder } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { describeLongTime } from "../src/long-time.js";
import { gaussianRawMoments, solveMomentHierarchy } from "../src/hierarchy.js";

const times = Array.from({ length: 51 }, (_, i) => i / 10);

/** Least-squares slope of y against t. */
function slope(t: number[], y: number[]): number {
  const n = t.length;
  const tm = t.reduce((a, b) => a + b, 0) / n;
  const ym = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i]! - tm) * (y[i]! - ym);
    den += (t[i]! - tm) ** 2;
  }
  return num / den;
}

describe("Figure 1 (moments-linear)", () => {
  for (const b of [0, 1]) {
    it(`w = -1, b = ${b}: m_0, m_1, m_2 and variance over t`, () => {
      const params = createScalarNetwork({ sigma: "identity", w: -1, b, T: 5, nLayers: 50 });
      const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(0.5, 0.25, 2) }, { saveAt: times });
      const m0 = times.map((_, s) => r.m[s * 3]!);
      const m1 = times.map((_, s) => r.m[s * 3 + 1]!);
      const m2 = times.map((_, s) => r.m[s * 3 + 2]!);
      expectAllClose(
        m0,
        times.map(() => 1),
        { rtol: 0 },
      );
      const xStar = b; // -b/w
      expectAllClose(
        m1,
        times.map((t) => xStar + (0.5 - xStar) * Math.exp(-t)),
        { rtol: 1e-13, atol: 1e-15 },
      );
      expectAllClose(
        r.variance,
        times.map((t) => 0.25 * Math.exp(-2 * t)),
        { rtol: 1e-13 },
      );
      expectAllClose(
        m2,
        times.map((_, s) => r.variance[s]! + m1[s]! ** 2),
        { rtol: 1e-13, atol: 1e-15 },
      );
      // Exponential rates as fitted from the data.
      const lt = describeLongTime(params);
      expectAllClose(
        slope(
          times,
          times.map((_, s) => Math.log(r.variance[s]!)),
        ),
        lt.varianceRate,
        { rtol: 1e-12 },
      );
      expectAllClose(
        slope(
          times,
          m1.map((v) => Math.log(Math.abs(v - xStar))),
        ),
        lt.meanRate,
        { rtol: 1e-12 },
      );
      expect(lt.regime).toBe("aggregation");
    });
  }

  it("the hierarchy's RK4 reproduces the figure with fourth order", () => {
    const params = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 5, nLayers: 5 });
    const m0 = gaussianRawMoments(0.5, 0.25, 2);
    const ex = solveMomentHierarchy({ params, m0 }, { saveAt: [5] });
    const hs: number[] = [];
    const errs: number[] = [];
    for (const n of [8, 16, 32, 64]) {
      const r = solveMomentHierarchy({ params, m0 }, { saveAt: [5], method: "rk4", stepsPerLayer: n });
      hs.push(1 / n);
      errs.push(Math.abs(r.m[2]! - ex.m[2]!));
    }
    expect(Math.abs(observedOrder(hs, errs) - 4)).toBeLessThan(0.2);
  });
});
