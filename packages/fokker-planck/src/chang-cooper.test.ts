import { createGrid1D } from "@kinetic-nde/datasets";
import { expectAllClose } from "@kinetic-nde/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bernoulli, ccDelta, changCooperCoefficients } from "./chang-cooper.js";

describe("Chang–Cooper weight and Bernoulli function", () => {
  it("δ(0) = 1/2 and the series joins the closed form at |w| = 0.1", () => {
    expect(ccDelta(0)).toBe(0.5);
    for (const w of [0.1, -0.1, 0.0999999, -0.0999999]) {
      const closed = 1 / w - 1 / Math.expm1(w);
      expectAllClose(ccDelta(w), closed, { rtol: 1e-9, label: `w=${w}` });
    }
  });
  it("B(-z) = B(z) + z and B(-z)/B(z) = e^z, B(z) = 1 + w(1-δ(w)) with w = -z", () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (z) => {
        expectAllClose(bernoulli(-z), bernoulli(z) + z, { rtol: 1e-13, atol: 1e-13 });
        expectAllClose(bernoulli(-z) / bernoulli(z), Math.exp(z), { rtol: 1e-12 });
        const w = -z;
        expectAllClose(bernoulli(z), 1 + w * (1 - ccDelta(w)), { rtol: 1e-9, atol: 1e-12 });
      }),
      { seed: 42, numRuns: 50 },
    );
  });
  it("coefficients are non-negative and zero at zero-flux walls", () => {
    const g = createGrid1D(-5, 5, 50);
    const c = changCooperCoefficients(
      g,
      (x) => Math.tanh(-3 * x + 1),
      (x) => 0.1 + x * x,
      "zero-flux",
      "zero-flux",
    );
    for (let f = 0; f <= 50; f++) {
      expect(c.alpha[f]).toBeGreaterThanOrEqual(0);
      expect(c.beta[f]).toBeGreaterThanOrEqual(0);
    }
    expect([c.alpha[0], c.beta[0], c.alpha[50], c.beta[50]]).toEqual([0, 0, 0, 0]);
  });
  it("matches the classical Chang–Cooper flux for constant D (WORKLOADS.md W7)", () => {
    const g = createGrid1D(-5, 5, 100);
    const D = 0.3;
    const c = changCooperCoefficients(g, (x) => -x + 0.5, D, "zero-flux", "zero-flux");
    for (let f = 1; f < 100; f++) {
      const xf = -5 + f * g.dx;
      const B = x0(xf);
      const delta = ccDelta((g.dx * B) / D);
      // -F: coefficient of f_j is -(B δ - D/dx), of f_{j+1} is -(B(1-δ) + D/dx); our J·Δx = α f_j - β f_{j+1}
      expectAllClose(c.alpha[f]! / g.dx, -(B * delta - D / g.dx), { rtol: 1e-12, label: `alpha ${f}` });
      expectAllClose(c.beta[f]! / g.dx, B * (1 - delta) + D / g.dx, { rtol: 1e-12, label: `beta ${f}` });
    }
    function x0(xf: number): number {
      return xf - 0.5;
    }
  });
});
