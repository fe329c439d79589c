import { createNetwork, createScalarNetwork, resolveTimeline, solveOde } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { computeEnsembleMoments } from "../src/empirical.js";
import { closedFormMeanVariance, gaussianRawMoments, solveMomentHierarchy } from "../src/hierarchy.js";
import { solveMeanCovariance } from "../src/covariance.js";
import { solveGaussianClosure } from "../src/closure.js";

describe("moment solvers: statuses that tell the truth", () => {
  // w = -300, T = 1, D = 1: the variance relaxes to D/|w| = 1/300 within a few e-folds of 1/600
  const stiff = createScalarNetwork({ sigma: "identity", w: -300, b: 0, T: 1 });
  const m0 = gaussianRawMoments(0.5, 0.25, 2);
  const exactVar = closedFormMeanVariance({ params: stiff, mean0: 0.5, var0: 0.25, D: 1 }, [1]).variance[0]!;

  it("RK4 with a fixed step outside its stability interval: status unstable (never a success with 1e148)", () => {
    const r = solveMomentHierarchy({ params: stiff, m0, D: 1 }, { method: "rk4", stepsPerLayer: 64 });
    expect(r.status).toBe("unstable");
    // h·2|w| = 9.4 > 2.785: the numbers are indeed garbage
    expect(Math.abs(r.variance[r.t.length - 1]! - exactVar)).toBeGreaterThan(1);
  });

  it("RK4 with automatic steps refines until stable and gets the variance right", () => {
    const r = solveMomentHierarchy({ params: stiff, m0, D: 1 }, { method: "rk4" });
    expect(r.status).toBe("success");
    expectAllClose(r.variance[r.t.length - 1]!, exactVar, { rtol: 1e-10 });
    expectAllClose(exactVar, 1 / 300, { rtol: 1e-12 });
    expect(r.stats.steps).toBeGreaterThanOrEqual(600);
    // at the stability boundary: a fixed step just inside is stable, just outside is not
    const inside = createScalarNetwork({ sigma: "identity", w: -2.78 / 2, b: 0, T: 1 });
    expect(solveMomentHierarchy({ params: inside, m0, D: 1 }, { method: "rk4", stepsPerLayer: 1 }).status).toBe("success");
    const outside = createScalarNetwork({ sigma: "identity", w: -2.79 / 2, b: 0, T: 1 });
    expect(solveMomentHierarchy({ params: outside, m0, D: 1 }, { method: "rk4", stepsPerLayer: 1 }).status).toBe("unstable");
  });

  it("higher orders tighten the bound: K·|w| decides", () => {
    const net = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 });
    const m6 = gaussianRawMoments(0, 1, 6);
    // h·6·|w| = 6 > 2.785 with one step per layer; h·2|w| = 2 is fine for order 2
    expect(solveMomentHierarchy({ params: net, m0: m6 }, { method: "rk4", stepsPerLayer: 1 }).status).toBe("unstable");
    expect(solveMomentHierarchy({ params: net, m0: gaussianRawMoments(0, 1, 2) }, { method: "rk4", stepsPerLayer: 1 }).status).toBe(
      "success",
    );
  });

  it("mean–covariance RK4: same rule from the eigenvalues of W (d = 2)", () => {
    const params = createNetwork({ sigma: "identity", d: 2, T: 1, W: [[-300, 0, 0, -1]], b: [[0, 0]] });
    const problem = { params, mean0: [0, 0], cov0: [1, 0, 0, 1], D: 1 };
    expect(solveMeanCovariance(problem, { method: "rk4", stepsPerLayer: 64 }).status).toBe("unstable");
    const auto = solveMeanCovariance(problem, { method: "rk4" });
    const exact = solveMeanCovariance(problem, { method: "exact" });
    expect(auto.status).toBe("success");
    expectAllClose(auto.cov, exact.cov, { rtol: 1e-9, atol: 1e-12 });
    // a rotation (complex eigenvalues -1 ± 5i) is handled in the complex plane
    const rot = createNetwork({ sigma: "identity", d: 2, T: 1, W: [[-1, 5, -5, -1]], b: [[0, 0]] });
    expect(solveMeanCovariance({ ...problem, params: rot }, { method: "rk4", stepsPerLayer: 1 }).status).toBe("unstable");
    expect(solveMeanCovariance({ ...problem, params: rot }, { method: "rk4", stepsPerLayer: 8 }).status).toBe("success");
  });

  it("work limit: automatic steps beyond 1e8 are refused up front", () => {
    const huge = createScalarNetwork({ sigma: "identity", w: -1e9, b: 0, T: 1 });
    expectKineticError(() => solveMomentHierarchy({ params: huge, m0 }, { method: "rk4" }), "TOO_LARGE");
  });

  it("m0 must hold m_0 > 0, m_1, m_2 of a density; unknown options are errors", () => {
    const net = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 });
    expectKineticError(() => solveMomentHierarchy({ params: net, m0: [1] }), "INVALID_ARGUMENT", /m0/);
    expectKineticError(() => solveMomentHierarchy({ params: net, m0: [1, 0] }), "INVALID_ARGUMENT", /m0/);
    expectKineticError(() => solveMomentHierarchy({ params: net, m0: [0, 0, 1] }), "INVALID_ARGUMENT", /m0\[0\]/);
    expectKineticError(() => solveMomentHierarchy({ params: net, m0: [1, 2, 1] }), "INVALID_ARGUMENT", /m_1/);
    expectKineticError(() => solveMomentHierarchy({ params: net, m0 }, { steps: 3 } as never), "INVALID_ARGUMENT", /options\.steps/);
    expectKineticError(() => solveMeanCovariance({ params: net, mean0: [0], cov0: [1] }, { sav: 1 } as never), "INVALID_ARGUMENT");
    expect(solveMomentHierarchy({ params: net, m0 }).status).toBe("success");
  });

  it("computeEnsembleMoments: one particle is refused, never NaN", () => {
    expectKineticError(() => computeEnsembleMoments([1] as never), "INVALID_ARGUMENT");
    expectKineticError(() => computeEnsembleMoments(Float64Array.of(1)), "INVALID_ARGUMENT", /at least 2 particles/);
    expectKineticError(() => computeEnsembleMoments(Float64Array.of(1, 2), { weights: [1, 0] }), "INVALID_ARGUMENT");
    expectKineticError(() => computeEnsembleMoments(Float64Array.of(1, 2), { ordr: 2 } as never), "INVALID_ARGUMENT");
    const s = computeEnsembleMoments(Float64Array.of(1, 2), { order: 2 });
    expectAllClose(s.variance, [0.25], { rtol: 1e-15 });
  });
});

describe("moment solvers share core's timeline", () => {
  it("hierarchy, covariance and closure return the save times of resolveTimeline (and of solveOde)", () => {
    const T = 0.1;
    const net1 = createScalarNetwork({ sigma: "identity", w: [-1, -2, 0.5], b: [0.1, 0, -0.2], T });
    const net2 = createNetwork({
      sigma: "identity",
      d: 2,
      T,
      W: [
        [-1, 0, 0, -1],
        [-2, 0.5, 0, -1],
        [0.5, 0, 0, 0.5],
      ],
      b: [
        [0, 0],
        [0.1, 0],
        [0, 0],
      ],
    });
    // the CLI's save times (some round past T) plus round-off neighbours of a layer boundary
    const saveAt = [0, (1 * net1.T) / 3, (2 * net1.T) / 3, (3 * net1.T) / 3, (3 * net1.T) / 3];
    const ref = resolveTimeline(net1, saveAt).saveAt;
    expect(ref[ref.length - 1]).toBe(net1.T);
    const h = solveMomentHierarchy({ params: net1, m0: gaussianRawMoments(0, 1, 2) }, { saveAt });
    const c = solveMeanCovariance({ params: net2, mean0: [0, 0], cov0: [1, 0, 0, 1] }, { saveAt });
    const g = solveGaussianClosure({ params: net1, mean0: 0, var0: 1 }, { saveAt });
    const o = solveOde(net1, Float64Array.of(0.3), { saveAt });
    for (const r of [h.t, c.t, g.t, o.saveAt]) expect(Array.from(r)).toEqual(Array.from(ref));
    expect(Array.from(resolveTimeline(net2, saveAt).saveAt)).toEqual(Array.from(ref));
    // equal save times get equal values
    expect(h.variance[3]).toBe(h.variance[4]);
    // the default: the layer boundaries
    expect(Array.from(solveMomentHierarchy({ params: net1, m0: gaussianRawMoments(0, 1, 2) }).t)).toEqual(
      Array.from(resolveTimeline(net1, undefined, { defaultSaveAt: "layers" }).saveAt),
    );
    // and the values at those times agree with the closed form
    const cf = closedFormMeanVariance({ params: net1, mean0: 0, var0: 1 }, ref);
    expectAllClose(h.mean, cf.mean, { rtol: 1e-13, atol: 1e-15 });
    expectAllClose(h.variance, cf.variance, { rtol: 1e-13 });
  });
});
