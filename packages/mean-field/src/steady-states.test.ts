import { createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { analyzeSteadyStates, eigenvalues, formatSteadyStateReport } from "./steady-states.js";

describe("steady-state table of MODEL.md §4", () => {
  it("identity and tanh: δ at x* = -b/w, stable iff w < 0, contraction rate |w|", () => {
    for (const sigma of ["identity", "tanh"]) {
      const s = analyzeSteadyStates({ sigma, W: -2, b: 1 });
      expect(s.kind).toBe("point");
      expectAllClose(s.point!, [0.5], { rtol: 1e-15 });
      expect(s.stability).toBe("stable");
      expectAllClose(s.contractionRate!, 2, { rtol: 1e-15 });
      const u = analyzeSteadyStates({ sigma, W: 1.5, b: 1 });
      expect(u.stability).toBe("unstable");
      expect(u.behaviour).toMatch(/splits at x\* and escapes to ±∞/);
    }
  });
  it("sigmoid and softplus: no steady probability measure, drift to +∞", () => {
    for (const sigma of ["sigmoid", "softplus"]) {
      const s = analyzeSteadyStates({ sigma, W: -1, b: 0 });
      expect(s.kind).toBe("none");
      expect(s.behaviour).toMatch(/\+∞/);
    }
  });
  it("ReLU: the invariant half-line; w < 0 approaches x* as t → ∞, w > 0 escapes", () => {
    const s = analyzeSteadyStates({ sigma: "relu", W: -1, b: 1 });
    expect(s.kind).toBe("invariant-set");
    expect(s.behaviour).toMatch(/x ≥ 1/);
    expect(s.stability).toBe("stable");
    const u = analyzeSteadyStates({ sigma: "relu", W: 2, b: 1 });
    expect(u.behaviour).toMatch(/x ≤ -0.5/);
    expect(u.behaviour).toMatch(/escapes to \+∞/);
  });
  it("2-D: stable focus, saddle, unstable node; spectral abscissa", () => {
    const focus = analyzeSteadyStates({ sigma: "tanh", W: [-1, 2, -2, -1], b: [1, 0] });
    expect(focus.stability).toBe("stable");
    expectAllClose(focus.spectralAbscissa, -1, { rtol: 1e-14 });
    expectAllClose(focus.eigenvalues.im, [2, -2], { rtol: 1e-14 });
    // W x* = -b
    const p = focus.point!;
    expectAllClose([-1 * p[0]! + 2 * p[1]!, -2 * p[0]! - p[1]!], [-1, 0], { atol: 1e-14 });
    expect(analyzeSteadyStates({ sigma: "identity", W: [1, 0, 0, -1], b: [0, 0] }).stability).toBe("saddle");
    expect(analyzeSteadyStates({ sigma: "identity", W: [1, 0, 0, 2], b: [0, 0] }).stability).toBe("unstable");
    expect(analyzeSteadyStates({ sigma: "identity", W: [0, 0, 0, 0], b: [0, 0] }).kind).toBe("everything");
  });
  it("eigenvalues for d = 3, 4 by the characteristic polynomial", () => {
    const e = eigenvalues([2, 0, 0, 0, -1, 1, 0, -1, -1], 3); // 2, -1 ± i
    expectAllClose(e.re, [2, -1, -1], { atol: 1e-12 });
    expectAllClose(e.im, [0, 1, -1], { atol: 1e-12 });
    const e4 = eigenvalues([4, 1, 0, 0, 1, 3, 0, 0, 0, 0, -2, 0, 0, 0, 0, -5], 4);
    expectAllClose(e4.re, [(7 + Math.sqrt(5)) / 2, (7 - Math.sqrt(5)) / 2, -2, -5], { atol: 1e-10 });
  });
  it("accepts NetworkParams (last layer by default) and prints a report", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: [1, -1], b: [0, 0.5], T: 1 });
    const a = analyzeSteadyStates(params);
    expect(a.layer).toBe(1);
    expect(a.stability).toBe("stable");
    const text = formatSteadyStateReport(a);
    expect(text).toMatch(/critical point x\*: +\(0\.5\)/);
    expect(text).toMatch(/stability: +stable/);
    expect(() => analyzeSteadyStates({ sigma: "tanh", W: [1, 2, 3], b: [0, 0] })).toThrow(/shape mismatch/);
    expect(() => analyzeSteadyStates({ sigma: "tanh", W: NaN, b: 0 })).toThrow(/finite/);
    expect(() => analyzeSteadyStates({ sigma: "nope", W: 1, b: 0 })).toThrow(/unknown activation/);
  });
});
