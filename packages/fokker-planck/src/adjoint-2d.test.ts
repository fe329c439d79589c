import { createNetwork } from "@kinetic-nde/core";
import { centralDifferenceError, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid2D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { type FokkerPlanckGradientOptions2D, fokkerPlanckGradient2D } from "./adjoint-2d.js";
import type { Boundary } from "./chang-cooper.js";
import { solveFokkerPlanck2D } from "./solve-2d.js";

// a non-square grid, so that a swapped index or stride cannot pass
const nx = 12;
const ny = 10;
const grid = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
const xc = (i: number) => grid.xMin + (i + 0.5) * grid.dx;
const yc = (j: number) => grid.yMin + (j + 0.5) * grid.dy;
const f0 = (x: number, y: number) => Math.exp(-((x - 0.4) ** 2) - 0.7 * (y + 0.3) ** 2) + 0.2 * Math.exp(-((x + 1) ** 2 + (y - 1) ** 2));
// J = Σ w_ij f_ij² ΔxΔy + θ² Σ (x_i + 2 y_j) f_ij ΔxΔy
const objective: DensityObjective = {
  nParams: 1,
  initialTheta: Float64Array.of(0.7),
  evaluate(f, _g, theta, gradF, gradTheta) {
    const th = theta[0]!;
    const a = grid.dx * grid.dy;
    let J = 0;
    let m = 0;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) {
        const q = i * ny + j;
        const w = 1 + 0.3 * Math.sin(xc(i) - 2 * yc(j));
        const c = xc(i) + 2 * yc(j);
        const v = f[0]![q]!;
        J += w * v * v * a;
        m += c * v * a;
        if (gradF) gradF[0]![q] = 2 * w * v * a + th * th * c * a;
      }
    if (gradTheta) gradTheta[0] = 2 * th * m;
    return J + th * th * m;
  },
};
const W0 = [-0.9, 0.4, -0.3, -1.2, 0.7, -0.5, 0.6, 0.8];
// relu kinks (σ argument 0) lie more than 7e-3 from every Gauss–Legendre node and wall of every line
const b0 = [0.29, -0.19, -0.38, 0.22];
const K0 = [0.7, 0.5];
const Dx = (x: number) => 0.2 * (1 + 0.4 * Math.sin(x));

type Diff = "noise" | "given";
function setup(sigma: string, W: number[], b: number[], K: number[], s: number[], diff: Diff) {
  const network = createNetwork({ sigma, d: 2, W, b, T: 1, noise: { kind: "constant", K: Float64Array.of(K[0]!, 0, 0, K[1]!) } });
  if (diff === "noise") return { network, grid, f0 };
  const D: [(x: number) => number, number] = [(x) => s[0]! * Dx(x), s[1]! * 0.3];
  return { network, grid, f0, D };
}

/** ‖g - fd‖/‖fd‖ over (W, b, θ, K or the D scales), fd by central differences of solveFokkerPlanck2D. */
function check(sigma: string, diff: Diff, opts: FokkerPlanckGradientOptions2D): number {
  const r = fokkerPlanckGradient2D(setup(sigma, W0, b0, K0, [1, 1], diff), objective, opts);
  expect(r.status).toBe("success");
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta, ...(diff === "noise" ? r.gradK : r.gradDScale)];
  const at = (p: number, e: number) => {
    const W = W0.slice();
    const b = b0.slice();
    const K = K0.slice();
    const s = [1, 1];
    let th = 0.7;
    if (p < 8) W[p]! += e;
    else if (p < 12) b[p - 8]! += e;
    else if (p === 12) th += e;
    else if (diff === "noise") K[p - 13]! += e;
    else s[p - 13]! += e;
    const { theta: _t, memoryBudget: _m, ...solveOpts } = opts;
    const f = solveFokkerPlanck2D(setup(sigma, W, b, K, s, diff), solveOpts).f;
    return objective.evaluate([f], grid, Float64Array.of(th), null, null);
  };
  // ε = 1e-5 on O(1) parameters: truncation ≈ 1e-10, round-off ≈ 1e-11 (relative)
  return centralDifferenceError(g, at);
}

const BOUNDARIES: readonly (Boundary | readonly [Boundary, Boundary])[] = ["zero-flux", "outflow", "absorbing", ["outflow", "absorbing"]];

describe("fokkerPlanckGradient2D against central finite differences of solveFokkerPlanck2D", () => {
  for (const boundary of BOUNDARIES)
    it(`${String(boundary)}: every entry of W, b, θ and K, every activation`, () => {
      for (const sigma of ["identity", "tanh", "sigmoid", "softplus", "relu", "leaky-relu"]) {
        const err = check(sigma, "noise", { dt: 0.05, boundary });
        expect(err, sigma).toBeLessThan(1e-6);
      }
    });
  it("variable D_x(x) and constant D_y given: the gradients in their scales", () => {
    for (const boundary of BOUNDARIES) {
      const err = check("tanh", "given", { dt: 0.05, boundary });
      expect(err, String(boundary)).toBeLessThan(1e-6);
    }
  });
});

describe("fokkerPlanckGradient2D: trajectory, statuses and errors", () => {
  const problem = setup("tanh", W0, b0, K0, [1, 1], "noise");
  it("the final density is solveFokkerPlanck2D's; checkpointing gives bit-identical gradients", () => {
    const o: FokkerPlanckGradientOptions2D = { dt: 0.05, boundary: "outflow" };
    const a = fokkerPlanckGradient2D(problem, objective, o);
    expect(Array.from(a.f)).toEqual(Array.from(solveFokkerPlanck2D(problem, o).f));
    // 20 states below what the stored run held: the face weights are no longer cached and the
    // trajectory is checkpointed
    const b = fokkerPlanckGradient2D(problem, objective, { ...o, memoryBudget: a.stats.peakTrajectoryBytes - 20 * nx * ny * 8 });
    expect(a.stats.recomputedSteps).toBe(0);
    expect(b.stats.recomputedSteps).toBeGreaterThan(0);
    expect(b.stats.peakTrajectoryBytes).toBeLessThan(a.stats.peakTrajectoryBytes);
    expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
    expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
    expect(Array.from(b.gradK)).toEqual(Array.from(a.gradK));
  });
  it("statuses and bad inputs", () => {
    expect(fokkerPlanckGradient2D(problem, { nParams: 0, evaluate: () => Number.NaN }, { dt: 0.05 }).status).toBe("non-finite");
    expect(fokkerPlanckGradient2D(problem, objective, { dt: 0.05, boundary: "absorbing", massLossTolerance: 1e-9 }).status).toBe(
      "mass-lost",
    );
    expect(() => fokkerPlanckGradient2D(problem, objective, { saveAt: [5] })).toThrow(/saveAt/);
    expect(() => fokkerPlanckGradient2D(problem, objective, { bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => fokkerPlanckGradient2D(problem, objective, { theta: new Float64Array(0) })).toThrow(/theta/);
    expectKineticError(() => fokkerPlanckGradient2D(problem, objective, { dt: 0.05, memoryBudget: 1000 }), "TOO_LARGE");
  });
});
