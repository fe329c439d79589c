/**
 * Isotonic regression (pool-adjacent-violators): the best monotone fit in least squares, the floor
 * that no monotone predictor can beat.
 * @packageDocumentation
 */

/**
 * The non-decreasing sequence f closest to y in least squares, min Σ_i (f_i - y_i)² subject to
 * f_1 ≤ f_2 ≤ … ≤ f_n (values in the given order), by pool-adjacent-violators.
 * @param y - values in the order of their inputs (n ≥ 1)
 * @returns f, a fresh array of n values: block means of y, non-decreasing
 * @remarks Each value is pushed once and every merge removes a block, so the loop does at most 2n
 * steps: O(n). Block means are kept as sums and counts (no drift from repeated averaging).
 * @example
 * ```ts
 * isotonicIncreasing(Float64Array.of(1, 3, 2, 4)); // [1, 2.5, 2.5, 4]
 * ```
 */
export function isotonicIncreasing(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    sum[top] = y[i]!;
    count[top] = 1;
    top++;
    // merge while the last block's mean is below the one before it
    while (top > 1 && sum[top - 2]! * count[top - 1]! > sum[top - 1]! * count[top - 2]!) {
      sum[top - 2] = sum[top - 2]! + sum[top - 1]!;
      count[top - 2] = count[top - 2]! + count[top - 1]!;
      top--;
    }
  }
  const f = new Float64Array(n);
  let k = 0;
  for (let b = 0; b < top; b++) {
    const m = sum[b]! / count[b]!;
    for (let r = 0; r < count[b]!; r++) f[k++] = m;
  }
  return f;
}

/**
 * The least-squares floor of monotone predictors: for values y at inputs sorted increasingly,
 * min over non-decreasing and non-increasing f of ½·mean (f_i - y_i)², and the minimiser.
 * @param y - targets in the order of increasing inputs
 * @returns the floor (the mse loss ½·mean of squares) and the best monotone fit (the increasing one
 *   when both directions tie to round-off)
 * @remarks Any predictor whose values on the sorted inputs are monotone — a 1-D flow map x ↦ φ(x),
 * followed by any affine head a·φ + c — has a loss at least this floor. Cost O(n).
 * @example
 * ```ts
 * monotoneFloor(Float64Array.of(1, 0, 1)).loss; // 1/12: the fit (0.5, 0.5, 1)
 * ```
 */
export function monotoneFloor(y: ArrayLike<number>): { loss: number; fit: Float64Array; direction: "increasing" | "decreasing" } {
  const n = y.length;
  const up = isotonicIncreasing(y);
  const down = isotonicIncreasing(Float64Array.from(y, (v) => -v));
  let lu = 0;
  let ld = 0;
  for (let i = 0; i < n; i++) {
    lu += (up[i]! - y[i]!) ** 2;
    ld += (-down[i]! - y[i]!) ** 2;
  }
  lu /= 2 * n;
  ld /= 2 * n;
  // a tie within round-off (symmetric data) shows the increasing fit; the floor is the smaller loss either way
  const loss = Math.min(lu, ld);
  return lu <= ld * (1 + 1e-12) ? { loss, fit: up, direction: "increasing" } : { loss, fit: down.map((v) => -v), direction: "decreasing" };
}
