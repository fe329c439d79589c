import { describe, expect, it } from "vitest";
import { compensatedSum } from "./summation.js";

describe("compensatedSum", () => {
  it("is exact where naive summation loses everything", () => {
    expect(compensatedSum([1, 1e100, 1, -1e100])).toBe(2);
    const a = new Float64Array(10_001).fill(0.1);
    a[0] = 1e8;
    expect(compensatedSum(a)).toBe(1e8 + 1000);
  });
  it("sums a slice and propagates non-finite values", () => {
    expect(compensatedSum([5, 1, 2, 3, 5], 1, 4)).toBe(6);
    expect(compensatedSum([])).toBe(0);
    expect(compensatedSum([1, NaN])).toBeNaN();
  });
});
