import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { normalCdf } from "@kinetic-nde/datasets";
import { gaussHermite } from "./quadrature.js";

describe("gaussHermite", () => {
  for (const n of [1, 2, 5, 20, 40, 100]) {
    it(`n = ${n} integrates E[Z^k] exactly for k ≤ 2n - 1`, () => {
      const { nodes, weights } = gaussHermite(n);
      const got: number[] = [];
      const want: number[] = [];
      const scale: number[] = [];
      let dbl = 1; // (k-1)!!
      for (let k = 0; k <= Math.min(2 * n - 1, 16); k++) {
        let s = 0;
        let a = 0;
        for (let i = 0; i < n; i++) {
          s += weights[i]! * nodes[i]! ** k;
          a += weights[i]! * Math.abs(nodes[i]!) ** k;
        }
        got.push(s);
        scale.push(a);
        if (k % 2 === 1) want.push(0);
        else {
          want.push(dbl);
          dbl *= k + 1;
        }
      }
      // Odd moments cancel: the error is relative to E|Z|^k.
      for (let k = 0; k < got.length; k++) expectAllClose(got[k]!, want[k]!, { rtol: 1e-12, atol: 1e-14 * scale[k]!, label: `k=${k}` });
      for (let i = 1; i < n; i++) expect(nodes[i]! > nodes[i - 1]!).toBe(true);
    });
  }
  it("rejects n outside [1, 100]", () => {
    for (const n of [0, 101, 2.5, NaN]) {
      expectKineticError(() => gaussHermite(n), "INVALID_ARGUMENT");
    }
  });
});

describe("normalCdf (datasets), as the closure uses it", () => {
  it("matches reference values in the centre and both tails", () => {
    // Reference values of Φ (high-precision tables).
    expectAllClose(
      [0, 1, -1, 1.96, -3, -5, -10, 4.5].map(normalCdf),
      [
        0.5, 0.8413447460685429, 0.15865525393145705, 0.9750021048517795, 0.0013498980316300946, 2.866515718791939e-7, 7.61985302416047e-24,
        0.9999966023268753,
      ],
      { rtol: 1e-13 },
    );
  });
});
