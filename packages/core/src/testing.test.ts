import { describe, expect, it } from "vitest";
import { KineticError } from "./errors.js";
import { allClose, centralDifferenceError, expectAllClose, expectKineticError, observedOrder } from "./testing.js";

describe("numerical test helpers", () => {
  it("allClose reports the worst element", () => {
    const r = allClose([1, 2, 3], [1, 2.1, 3], { rtol: 0, atol: 0.01 });
    expect(r.ok).toBe(false);
    expect(r.index).toBe(1);
    expect(r.message).toMatch(/index 1: actual 2, expected 2.1/);
    expect(allClose([1, 2], [1, 2 + 1e-13]).ok).toBe(true);
    expect(allClose([NaN], [NaN]).ok).toBe(false);
    expect(allClose([Infinity], [Infinity]).ok).toBe(true);
    expect(allClose([1], [1, 2]).ok).toBe(false);
  });
  it("expectAllClose throws with the label", () => {
    expect(() => expectAllClose([1], [2], { label: "here" })).toThrow(/here: not close at index 0/);
    expect(() => expectAllClose(1, 1 + 1e-15)).not.toThrow();
  });
  it("expectKineticError passes on the right code and throws a clear Error otherwise", () => {
    const bad = () => {
      throw new KineticError("INVALID_ARGUMENT", "invalid argument: `dt` must be positive");
    };
    expect(() => expectKineticError(bad, "INVALID_ARGUMENT")).not.toThrow();
    expect(() => expectKineticError(bad, "INVALID_ARGUMENT", /`dt`/)).not.toThrow();
    expect(() => expectKineticError(bad, "INVALID_ARGUMENT", "must be positive")).not.toThrow();
    expect(() => expectKineticError(() => 1, "INVALID_ARGUMENT")).toThrow(/returned normally/);
    expect(() => expectKineticError(bad, "SHAPE_MISMATCH")).toThrow(/expected a KineticError SHAPE_MISMATCH, but got INVALID_ARGUMENT/);
    expect(() => expectKineticError(bad, "INVALID_ARGUMENT", /NaN/)).toThrow(/does not match/);
    expect(() =>
      expectKineticError(() => {
        throw new TypeError("boom");
      }, "INVALID_ARGUMENT"),
    ).toThrow(/threw TypeError: boom/);
  });
  it("observedOrder recovers an exact power law", () => {
    const h = [0.1, 0.05, 0.025, 0.0125];
    expect(
      Math.abs(
        observedOrder(
          h,
          h.map((v) => 3 * v ** 2),
        ) - 2,
      ),
    ).toBeLessThan(1e-12);
  });
});

describe("centralDifferenceError", () => {
  // J(x, y) = x² y + sin y at (1, 2): ∇J = (2xy, x² + cos y) = (4, 1 + cos 2)
  const base = [1, 2];
  const J = (p: number, e: number) => {
    const [x, y] = base.map((v, i) => (i === p ? v + e : v)) as [number, number];
    return x * x * y + Math.sin(y);
  };
  it("is at round-off for the exact gradient and O(1) for a wrong one", () => {
    expect(centralDifferenceError([4, 1 + Math.cos(2)], J)).toBeLessThan(1e-9);
    // a 1 % error in one entry is seen as ≈ 1 % of the norm
    const err = centralDifferenceError([4.04, 1 + Math.cos(2)], J);
    expect(err).toBeGreaterThan(0.009);
    expect(err).toBeLessThan(0.011);
    // a larger step: truncation O(ε²) shows (J''' in y is -cos y)
    expect(centralDifferenceError([4, 1 + Math.cos(2)], J, 1e-2)).toBeGreaterThan(1e-7);
  });
});
