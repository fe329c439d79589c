import fc from "fast-check";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { isotonicIncreasing, monotoneFloor } from "./isotonic.js";

/** The closed form of isotonic regression: f_i = max_{j ≤ i} min_{k ≥ i} mean(y_j..y_k). O(n³). */
function minMax(y: readonly number[]): number[] {
  const n = y.length;
  return y.map((_, i) => {
    let best = -Infinity;
    for (let j = 0; j <= i; j++) {
      let low = Infinity;
      let s = 0;
      for (let k = j; k < n; k++) {
        s += y[k]!;
        if (k >= i) low = Math.min(low, s / (k - j + 1));
      }
      best = Math.max(best, low);
    }
    return best;
  });
}

describe("isotonic regression (pool-adjacent-violators)", () => {
  it("small cases by hand", () => {
    expect(Array.from(isotonicIncreasing([1, 3, 2, 4]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(isotonicIncreasing([3, 2, 1]))).toEqual([2, 2, 2]);
    expect(Array.from(isotonicIncreasing([5]))).toEqual([5]);
    const f = monotoneFloor([1, 0, 1]);
    expect(f.loss).toBe(1 / 12);
    expect(Array.from(f.fit)).toEqual([0.5, 0.5, 1]);
  });

  it("equals the max–min formula of the least-squares monotone fit (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 }), (y) => {
        expectAllClose(isotonicIncreasing(y), minMax(y), { rtol: 1e-12, atol: 1e-12 });
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("the floor of x² on [-1, 1]: ½·mean over the best monotone fit, symmetric in the two directions", () => {
    // the continuum limit: f = max(x², 1/4) (pooling [-1, 1/2]) has ½·E(f - x²)² = 0.028125
    const n = 2000;
    const y = Array.from({ length: n }, (_, i) => (-1 + (2 * (i + 0.5)) / n) ** 2);
    const f = monotoneFloor(y);
    expect(Math.abs(f.loss - 0.028125)).toBeLessThan(1e-5);
    expect(Math.abs(f.fit[0]! - 0.25)).toBeLessThan(1e-3);
    expect(f.direction).toBe("increasing"); // the tie of symmetric data
    expect(monotoneFloor([3, 2, 1]).direction).toBe("decreasing");
    expect(monotoneFloor([3, 2, 1]).loss).toBe(0);
  });
});
