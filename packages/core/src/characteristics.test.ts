import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backwardCharacteristic1D,
  backwardFlow1D,
  backwardJacobian1D,
  characteristic1D,
  characteristicJacobian1D,
  flow1D,
  linearFlow,
  linearFlowMap,
  matrixExponential,
} from "./characteristics.js";
import { getActivation } from "./activations.js";
import { expectAllClose, expectKineticError } from "./testing.js";
import { createConstantNetwork, createScalarNetwork } from "./network.js";
import { solveOde } from "./ode.js";

const CLOSED = ["identity", "tanh", "sigmoid", "relu", "leaky-relu", "leaky-relu(0.2)"] as const;

describe("characteristic1D", () => {
  it("agrees with a tightly converged dopri5 solve for every closed form", () => {
    const x0 = new Float64Array([-3, -1, -0.2, 0, 0.4, 1.5, 3]);
    for (const sigma of CLOSED) {
      for (const [w, b] of [
        [-1.3, 0.4],
        [0.8, -0.5],
        [2, 1],
        [-0.5, -1],
      ] as const) {
        const r = solveOde(createConstantNetwork({ sigma, W: w, b, T: 1.7 }), x0, { rtol: 1e-12, atol: 1e-12 });
        const exact = x0.map((v) => characteristic1D(sigma, w, b, v, 1.7));
        expectAllClose(r.x, exact, { rtol: 1e-9, atol: 1e-10, label: `${sigma} w=${w} b=${b}` });
      }
    }
  });

  it("satisfies the implicit relations of MODEL.md §3 (tanh: sinh z = sinh z0 e^{wt}; sigmoid: z - e^{-z} = z0 - e^{-z0} + wt)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (w, b, x0, t) => {
          if (Math.abs(w) < 1e-3) return;
          const z0 = w * x0 + b;
          const zt = w * characteristic1D("tanh", w, b, x0, t) + b;
          expectAllClose(Math.sinh(zt), Math.sinh(z0) * Math.exp(w * t), { rtol: 1e-9, atol: 1e-12 });
          const zs = w * characteristic1D("sigmoid", w, b, x0, t) + b;
          const rhs = z0 - Math.exp(-z0) + w * t;
          expectAllClose(zs - Math.exp(-zs), rhs, { rtol: 1e-10, atol: 1e-10 * (1 + Math.abs(rhs)) });
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("w = 0 moves every point with the constant speed σ(b); t = 0 is the identity", () => {
    for (const sigma of CLOSED) {
      expect(characteristic1D(sigma, 0, 0.3, 1.1, 2)).toBe(1.1 + getActivation(sigma).sigma(0.3) * 2);
      expect(characteristic1D(sigma, -0.7, 0.3, 1.1, 0)).toBe(1.1);
    }
  });

  it("handles extreme arguments without overflow", () => {
    expectAllClose(characteristic1D("tanh", 1, 0, 400, 600), 1000, { rtol: 1e-12 });
    expectAllClose(characteristic1D("tanh", -1, 0, 400, 300), 100, { rtol: 1e-12 });
    expect(Number.isFinite(characteristic1D("sigmoid", 1, 0, -50, 10))).toBe(true);
    expectAllClose(characteristic1D("sigmoid", 1, 0, 60, 5), 65, { rtol: 1e-12 });
  });

  it("backward ∘ forward is the identity and the Jacobians match central differences", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CLOSED),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.01, max: 1.5, noNaN: true }),
        (sigma, w, b, x0, t) => {
          const x = characteristic1D(sigma, w, b, x0, t);
          expectAllClose(backwardCharacteristic1D(sigma, w, b, x, t), x0, { rtol: 1e-9, atol: 1e-9 });
          const J = characteristicJacobian1D(sigma, w, b, x0, t);
          expect(J).toBeGreaterThan(0);
          expectAllClose(backwardJacobian1D(sigma, w, b, x, t) * J, 1, { rtol: 1e-9 });
          const z0 = w * x0 + b;
          if (Math.abs(z0) < 1e-3) return; // kink of ReLU-type activations
          const e = 1e-6;
          const fd = (characteristic1D(sigma, w, b, x0 + e, t) - characteristic1D(sigma, w, b, x0 - e, t)) / (2 * e);
          expectAllClose(J, fd, { rtol: 1e-6, atol: 1e-7 });
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("rejects bad input and activations without a closed form", () => {
    expectKineticError(() => characteristic1D("softplus", -1, 0, 1, 1), "UNSUPPORTED");
    expectKineticError(() => characteristic1D("no-such-activation", -1, 0, 1, 1), "NOT_FOUND");
    expectKineticError(() => characteristic1D("tanh", NaN, 0, 1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => characteristic1D("tanh", -1, Infinity, 1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => characteristic1D("tanh", -1, 0, -Infinity, 1), "INVALID_ARGUMENT");
    expectKineticError(() => backwardJacobian1D("tanh", -1, 0, 1, NaN), "INVALID_ARGUMENT");
  });
});

describe("flow1D / backwardFlow1D through layers", () => {
  const net = createScalarNetwork({ sigma: "tanh", w: [-1, 2, -0.5], b: [0.3, -0.2, 0.1], T: 1.5 });
  it("round trip, Jacobian product vs finite differences, and partial times", () => {
    for (const x0 of [-2, -0.3, 0.8, 2.5]) {
      const f = flow1D(net, x0);
      const back = backwardFlow1D(net, f.x);
      expectAllClose(back.x, x0, { rtol: 1e-10, atol: 1e-12 });
      expectAllClose(back.jacobian * f.jacobian, 1, { rtol: 1e-10 });
      const e = 1e-6;
      expectAllClose(f.jacobian, (flow1D(net, x0 + e).x - flow1D(net, x0 - e).x) / (2 * e), { rtol: 1e-6 });
      // Stopping inside layer 1 = the exact characteristic of layer 1 from the layer-0 output.
      const mid = flow1D(net, x0, 0.7).x;
      expectAllClose(mid, characteristic1D("tanh", 2, -0.2, characteristic1D("tanh", -1, 0.3, x0, 0.5), 0.2), { rtol: 1e-14 });
    }
  });
  it("rejects d ≠ 1, negative times and activations without a closed form", () => {
    expectKineticError(() => flow1D(createConstantNetwork({ sigma: "tanh", W: [1, 0, 0, 1], b: [0, 0], T: 1 }), 0), "SHAPE_MISMATCH");
    expectKineticError(() => flow1D(net, 0, -1), "INVALID_ARGUMENT");
    expectKineticError(() => backwardFlow1D(createScalarNetwork({ sigma: "softplus", w: -1, b: 0, T: 1 }), 0), "UNSUPPORTED");
  });
});

describe("matrix exponential and the linear flow", () => {
  it("matches closed forms (rotation, diagonal, nilpotent, large norm)", () => {
    expectAllClose(matrixExponential([0, 1, -1, 0]), [Math.cos(1), Math.sin(1), -Math.sin(1), Math.cos(1)], { rtol: 1e-14, atol: 1e-15 });
    expectAllClose(matrixExponential([2, 0, 0, -3]), [Math.exp(2), 0, 0, Math.exp(-3)], { rtol: 1e-14 });
    expectAllClose(matrixExponential([0, 1, 0, 0, 0, 1, 0, 0, 0], 3), [1, 1, 0.5, 0, 1, 1, 0, 0, 1], { rtol: 1e-15 });
    const a = 30;
    expectAllClose(matrixExponential([0, a, -a, 0]), [Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a)], { atol: 1e-12 });
    expectKineticError(() => matrixExponential([1, 2, 3]), "SHAPE_MISMATCH");
    expectKineticError(() => matrixExponential([1, NaN, 0, 1]), "INVALID_ARGUMENT");
  });

  it("x(t) = x* + e^{Wt}(x0 - x*) for invertible W, and x0 + b t for W = 0 (singular case)", () => {
    const W = [-1, 0.5, -0.5, -1];
    const b = [0.2, -0.1];
    const det = W[0]! * W[3]! - W[1]! * W[2]!;
    const xs = [-(W[3]! * b[0]! - W[1]! * b[1]!) / det, -(-W[2]! * b[0]! + W[0]! * b[1]!) / det];
    const x0 = new Float64Array([1, 2, -3, 0.5]);
    const t = 1.3;
    const E = matrixExponential(W.map((v) => v * t));
    const expected = new Float64Array(4);
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < 2; i++) {
        expected[2 * p + i] = xs[i]! + E[2 * i]! * (x0[2 * p]! - xs[0]!) + E[2 * i + 1]! * (x0[2 * p + 1]! - xs[1]!);
      }
    }
    expectAllClose(linearFlow(W, b, x0, t), expected, { rtol: 1e-13, atol: 1e-14 });
    expectAllClose(linearFlow([0, 0, 0, 0], [1, -2], x0, 2), [3, -2, -1, -3.5], { rtol: 1e-15 });
    // Singular but non-zero W: a shear with a drift along its kernel.
    const { Phi, c } = linearFlowMap([0, 1, 0, 0], [0, 1], 2);
    expectAllClose(Phi, [1, 2, 0, 1], { rtol: 1e-15, atol: 1e-15 });
    expectAllClose(c, [2, 2], { rtol: 1e-14 });
  });

  it("rejects shape mismatches", () => {
    expectKineticError(() => linearFlow([1, 0, 0], [0, 0], new Float64Array(2), 1), "SHAPE_MISMATCH");
    expectKineticError(() => linearFlow([1, 0, 0, 1], [0, 0], new Float64Array(3), 1), "SHAPE_MISMATCH");
    expectKineticError(() => linearFlow([1, 0, 0, 1], [0, 0], new Float64Array(2), NaN), "INVALID_ARGUMENT");
  });
});
