import { describe, expect, it } from "vitest";
import { createGradientEvaluator, createRng, initNetwork, minimize, train } from "../src/index.js";
import { expectAllClose, expectKineticError } from "../src/testing.js";

/** J(θ) = ½ Σ_q a_q (θ_q − c_q)², minimum J = 0 at θ = c. */
function quadratic(a: number[], c: number[]) {
  return (theta: Float64Array, grad: Float64Array | null): number => {
    let J = 0;
    for (let q = 0; q < a.length; q++) {
      const r = theta[q]! - c[q]!;
      J += 0.5 * a[q]! * r * r;
      if (grad) grad[q] = a[q]! * r;
    }
    return J;
  };
}

describe("minimize", () => {
  it("reaches the minimiser of an ill-conditioned quadratic with every optimiser", () => {
    const f = quadratic([1, 10, 100], [1, -2, 0.5]);
    // L-BFGS on a 3-D quadratic: exact within a few steps; GD with step 0.01 < 2/100 and Adam contract.
    const lb = minimize(f, new Float64Array(3), { optimizer: "lbfgs", epochs: 50, gradTolerance: 1e-12 });
    expectAllClose(lb.theta, [1, -2, 0.5], { atol: 1e-10 });
    const gd = minimize(f, new Float64Array(3), { optimizer: "gd", learningRate: 0.01, epochs: 3000 });
    expectAllClose(gd.theta, [1, -2, 0.5], { atol: 1e-6 });
    const ad = minimize(f, new Float64Array(3), { optimizer: "adam", learningRate: 0.05, epochs: 2000 });
    expectAllClose(ad.theta, [1, -2, 0.5], { atol: 1e-3 });
    expect(lb.status).toBe("success");
    expect(lb.stats.finalLoss).toBe(f(lb.theta, null));
  });

  it("is the loop of train: the same θ as train on a compiled particle loss", () => {
    const rng = createRng(5);
    const M = 40;
    const x = new Float64Array(M);
    const labels = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      labels[i] = i % 2;
      x[i] = rng.normal() + (i % 2 ? 1 : -1);
    }
    const network = initNetwork({ sigma: "tanh", d: 1, nLayers: 3, T: 1, init: "random", seed: 4 });
    const problem = { x, labels, loss: "logistic" as const, network };
    const opts = { optimizer: "lbfgs" as const, epochs: 15 };
    const r = train(problem, opts);
    const ev = createGradientEvaluator(problem);
    const m = minimize((t, g) => ev.evaluate(t, g ?? undefined), ev.initialTheta, opts);
    expect(Array.from(m.theta.subarray(0, 3))).toEqual(Array.from(r.params.W));
    expect(Array.from(m.history.loss)).toEqual(Array.from(r.history.loss));
  });

  it("reports non-finite losses by status and returns the last finite θ", () => {
    // J = θ − 2√θ from θ = 4 (∇J = 1/2) with step 10 lands at θ = −1, where √θ is NaN.
    const r = minimize(
      (t, g) => {
        if (g) g[0] = 1 - 1 / Math.sqrt(t[0]!);
        return t[0]! - 2 * Math.sqrt(t[0]!);
      },
      new Float64Array([4]),
      { optimizer: { kind: "gd", momentum: 0 }, learningRate: 10, epochs: 10 },
    );
    expect(r.status).toBe("non-finite");
    expect(r.stats.stoppedBy).toBe("non-finite");
    expect(Array.from(r.theta)).toEqual([4]);
    expect(r.stats.finalLoss).toBe(0);
  });

  it("stops on an aborted signal, early-stops on a validation loss and validates options", () => {
    const f = quadratic([1], [3]);
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    expect(() => minimize(f, new Float64Array(1), { signal: ac.signal })).toThrow("stop");
    // validation loss that only gets worse: stops after `patience` epochs, restoring epoch 1's θ
    let calls = 0;
    const r = minimize({ evaluate: f, validate: () => ++calls }, new Float64Array(1), { epochs: 100, earlyStopping: { patience: 3 } });
    expect(r.stats.stoppedBy).toBe("early-stopping");
    expect(r.stats.epochs).toBe(4);
    expect(r.stats.bestEpoch).toBe(1);
    expectKineticError(() => minimize(f, new Float64Array(1), { epoch: 3 } as never), "INVALID_ARGUMENT", "epoch");
    expectKineticError(() => minimize(f, new Float64Array([Number.NaN])), "INVALID_ARGUMENT", "theta0");
    expectKineticError(
      () => minimize({ evaluate: f, nSamples: 10 }, new Float64Array(1), { batchSize: 2 }),
      "UNSUPPORTED",
      "evaluateBatch",
    );
    expectKineticError(
      () => minimize(f, new Float64Array(1), { optimizer: "lbfgs", learningRate: -1 }),
      "INVALID_ARGUMENT",
      "learningRate",
    );
  });
});

describe("train options", () => {
  it("rejects unknown option keys, naming them", () => {
    const x = Float64Array.of(-1, 1);
    const problem = { x, labels: Int32Array.of(0, 1), loss: "logistic" as const, network: { sigma: "tanh", d: 1, nLayers: 2 } };
    expectKineticError(() => train(problem, { epoch: 3 } as never), "INVALID_ARGUMENT", "epoch");
  });
});
