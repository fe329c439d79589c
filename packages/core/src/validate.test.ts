import { describe, expect, it } from "vitest";
import { expectKineticError } from "./testing.js";
import {
  formatValue,
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  shapeMismatch,
} from "./validate.js";

describe("validation helpers", () => {
  it("messages name the argument, the rule and the value", () => {
    expect(invalidArgument("dt", "a positive finite number", -0.1).message).toBe("invalid argument: `dt` must be a positive finite number; got -0.1");
    expect(shapeMismatch("x", "length 4", 3).message).toBe("shape mismatch: `x` must have length 4; got 3");
    expect(formatValue(-0)).toBe("-0");
    expect(formatValue(new Float64Array(3))).toBe("Float64Array(3)");
    expect(formatValue("a")).toBe('"a"');
  });

  it.each([
    ["finite NaN", () => requireFinite("a", NaN)],
    ["finite Infinity", () => requireFinite("a", Infinity)],
    ["finite string", () => requireFinite("a", "1")],
    ["positive 0", () => requirePositive("a", 0)],
    ["positive -1", () => requirePositive("a", -1)],
    ["positive -Infinity", () => requirePositive("a", -Infinity)],
    ["non-negative -1e-300", () => requireNonNegative("a", -1e-300)],
    ["integer 1.5", () => requireInteger("a", 1.5)],
    ["integer below min", () => requireInteger("a", 0)],
    ["integer above max", () => requireInteger("a", 5, 1, 4)],
    ["array empty", () => requireFiniteArray("a", [])],
    ["array NaN", () => requireFiniteArray("a", [1, NaN])],
    ["array not an array", () => requireFiniteArray("a", 3)],
    ["one of", () => requireOneOf("a", "c", ["a", "b"])],
  ])("%s → INVALID_ARGUMENT", (_l, f) => expectKineticError(f, "INVALID_ARGUMENT"));

  it("accepts good values and copies arrays", () => {
    expect(requireFinite("a", -3)).toBe(-3);
    expect(requirePositive("a", 1e-300)).toBe(1e-300);
    expect(requireNonNegative("a", 0)).toBe(0);
    expect(requireInteger("a", 0, 0)).toBe(0);
    const src = [1, 2];
    const copy = requireFiniteArray("a", src, 2);
    src[0] = 9;
    expect(Array.from(copy)).toEqual([1, 2]);
    expectKineticError(() => requireFiniteArray("a", [1, 2], 3), "SHAPE_MISMATCH");
    expect(requireOneOf("a", "b", ["a", "b"])).toBe("b");
  });
});
