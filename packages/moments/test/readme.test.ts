/** The README example runs and prints what it claims. */
import { createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { describeLongTime, designLinearNetwork, gaussianRawMoments, solveMomentHierarchy } from "@kinetic-nde/moments";
import { expect, it } from "vitest";

it("README example", () => {
  const params = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 5, nLayers: 50 });
  const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(0.5, 0.25, 4) });
  expectAllClose([r.mean.at(-1)!, r.variance.at(-1)!], [1 - 0.5 * Math.exp(-5), 0.25 * Math.exp(-10)], { rtol: 1e-12 });
  const s = describeLongTime(params).summary;
  expect(s).toMatch(/aggregation/);
  expect(s).toMatch(/x\* = 1 /);
  const { w, b } = designLinearNetwork({ m1_0: 0.5, var_0: 0.25, m1_T: 2, var_T: 0.01, T: 2 });
  expectAllClose(w, Math.log(0.04) / 4, { rtol: 1e-15 });
  expect(Number.isFinite(b)).toBe(true);
});
