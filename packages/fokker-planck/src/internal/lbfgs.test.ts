import { expectAllClose } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { lbfgs } from "./lbfgs.js";

const rosenbrock = (x: Float64Array, g: Float64Array): number => {
  const a = 1 - x[0]!;
  const c = x[1]! - x[0]! * x[0]!;
  g[0] = -2 * a - 400 * x[0]! * c;
  g[1] = 200 * c;
  return a * a + 100 * c * c;
};

describe("lbfgs", () => {
  it("minimises the Rosenbrock function to its minimum (1, 1) by the gradient criterion", () => {
    const r = lbfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-9);
    expectAllClose(r.x, [1, 1], { rtol: 1e-8 });
  });

  it("stops at the evaluation budget without claiming convergence", () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { maxEvaluations: 10 });
    expect(r.converged).toBe(false);
    expect(r.reason).toBe("max-evaluations");
    expect(r.evaluations).toBeLessThanOrEqual(10);
  });

  it("backs off from non-finite values and thrown errors", () => {
    // log barrier: undefined for x ≤ 0; minimum at x = 1
    const r = lbfgs(
      (x, g) => {
        if (x[0]! <= 0) throw new Error("outside");
        g[0] = 1 - 1 / x[0]!;
        return x[0]! - Math.log(x[0]!);
      },
      [5],
    );
    expect(r.converged).toBe(true);
    expectAllClose(r.x[0]!, 1, { rtol: 1e-8 });
    const bad = lbfgs(
      (_x, g) => {
        g[0] = 0;
        return Number.NaN;
      },
      [0],
    );
    expect(bad.reason).toBe("non-finite");
    expect(bad.converged).toBe(false);
  });
});
