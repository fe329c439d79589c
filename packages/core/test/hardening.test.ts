import { describe, expect, it } from "vitest";
import {
  createConstantNetwork,
  createScalarNetwork,
  linearFlow,
  linearFlowMap,
  linspaceEnsemble,
  matrixExponential,
  solveOde,
  solveSde,
} from "../src/index.js";
import { expectKineticError } from "../src/testing.js";

describe("inputs that used to loop, allocate without bound or return NaN", () => {
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, nLayers: 4 });
  const x0 = Float64Array.of(0.5, -0.5);

  it("solveOde / solveSde refuse inconsistent network parameters instead of looping", () => {
    for (const bad of [
      { ...net, d: -1 },
      { ...net, d: 0.5 },
      { ...net, nLayers: 0 },
      { ...net, dt: -1 },
      { ...net, dt: NaN },
      { ...net, T: 7 },
    ]) {
      expectKineticError(() => solveOde(bad, x0), "INVALID_ARGUMENT");
    }
    expectKineticError(() => solveOde({ ...net, nLayers: 5, T: 1.25 }, x0), "SHAPE_MISMATCH");
    expectKineticError(() => solveOde({ ...net, sigma: null as never }, x0), "INVALID_ARGUMENT");
    const noisy = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.1 });
    expectKineticError(() => solveSde({ ...noisy, d: -1 }, x0), "INVALID_ARGUMENT");
  });

  it("unknown option keys are rejected, naming the key", () => {
    expectKineticError(() => solveOde(net, x0, { methd: "rk4" } as never), "INVALID_ARGUMENT", /options\.methd/);
    const noisy = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.1 });
    expectKineticError(() => solveSde(noisy, x0, { steps: 4 } as never), "INVALID_ARGUMENT", /options\.steps/);
  });

  it("solveSde: a step count beyond the work limit is refused up front", () => {
    const noisy = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.1 });
    expectKineticError(() => solveSde(noisy, x0, { stepsPerLayer: 1e12 }), "TOO_LARGE", /stepsPerLayer/);
  });

  it("save output sizes must fit: nSave × M·d values", () => {
    expectKineticError(() => solveOde(net, new Float64Array(1 << 20), { saveAt: 1 << 20 }), "TOO_LARGE", /saveAt/);
  });

  it("createScalarNetwork / createConstantNetwork: null input and absurd depths are KineticErrors before any allocation", () => {
    expectKineticError(() => createScalarNetwork(null as never), "INVALID_ARGUMENT");
    expectKineticError(() => createScalarNetwork({ sigma: "tanh", w: "x" as never, b: 0, T: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, nLayers: 1e10 }), "TOO_LARGE", /nLayers/);
    expectKineticError(() => createConstantNetwork({ sigma: "tanh", W: -1, b: 0, T: 1, nLayers: 1e10 }), "TOO_LARGE");
    expectKineticError(() => createConstantNetwork(null as never), "INVALID_ARGUMENT");
    expect(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, nLayers: 1000 }).nLayers).toBe(1000);
  });

  it("linspaceEnsemble validates its arguments", () => {
    expectKineticError(() => linspaceEnsemble(-1, 0, 1), "INVALID_ARGUMENT");
    expectKineticError(() => linspaceEnsemble(0, 0, 1), "INVALID_ARGUMENT");
    expectKineticError(() => linspaceEnsemble(2.5, 0, 1), "INVALID_ARGUMENT");
    expectKineticError(() => linspaceEnsemble(4, NaN, 1), "INVALID_ARGUMENT");
    expectKineticError(() => linspaceEnsemble(4, 0, Infinity), "INVALID_ARGUMENT");
    expectKineticError(() => linspaceEnsemble(1e12, 0, 1), "TOO_LARGE");
    expect(Array.from(linspaceEnsemble(4, 0, 1))).toEqual([0.125, 0.375, 0.625, 0.875]);
  });

  it("matrix exponential and linear flow: an overflow is an UNSTABLE error, never Infinity or NaN", () => {
    expectKineticError(() => matrixExponential([1000, 0, 0, 1]), "UNSTABLE", /overflow/);
    expectKineticError(() => linearFlowMap([800], [1], 1), "UNSTABLE");
    expectKineticError(() => linearFlow([-1, 0, 0, 800], [0, 0], Float64Array.of(1, 1), 1), "UNSTABLE");
    // just below the overflow threshold the result is finite and right
    const E = matrixExponential([700, 0, 0, -700]);
    expect(E[0]! / Math.exp(700)).toBeGreaterThan(1 - 1e-12);
    expect(E[0]! / Math.exp(700)).toBeLessThan(1 + 1e-12);
  });

  it("SDE blow-ups: the failed particles are NaN (as documented) and counted in stats.blownUp", () => {
    const big = createScalarNetwork({ sigma: "identity", w: 1, b: 0, T: 2000, nLayers: 2000, K: 0.1 });
    const r = solveSde(big, Float64Array.of(1, 2, 3), { seed: 1 });
    expect(r.status).toBe("non-finite");
    expect(r.stats.blownUp).toBe(3);
    const ok = solveSde(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.1 }), Float64Array.of(1, 2, 3), { seed: 1 });
    expect(ok.stats.blownUp).toBe(0);
    // 2-D (generic path): only the particle that blows up is NaN and counted
    const mixed = createConstantNetwork({
      sigma: "identity",
      W: [1, 0, 0, -1],
      b: [0, 0],
      T: 800,
      nLayers: 800,
      noise: { kind: "constant", K: Float64Array.of(0, 0, 0, 0) },
    });
    const m = solveSde(mixed, Float64Array.of(0, 1, 1, 1), { seed: 2 });
    expect(m.status).toBe("non-finite");
    expect(m.stats.blownUp).toBe(1);
    expect(m.failedParticle).toBe(1);
    expect(Number.isFinite(m.x[0]!)).toBe(true);
    expect(Number.isNaN(m.x[2]!)).toBe(true);
  });
});
