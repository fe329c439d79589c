import { describe, expect, it } from "vitest";
import { expectKineticError } from "../testing.js";
import {
  BUILTIN_ACTIVATIONS,
  computeGradient,
  continuousAdjointGradient,
  createGradientEvaluator,
  createNetwork,
  createRng,
  forwardSensitivityGradient,
  TRAINING_SCHEMES,
  type LossSpec,
  type NetworkParams,
  type TrainingProblem,
} from "../index.js";

const d = 2;
const L = 3;
const M = 7;

function randomNet(sigma: string, seed: number): NetworkParams {
  const rng = createRng(seed, 10);
  const W = Array.from({ length: L * d * d }, () => 0.8 * rng.normal());
  const b = Array.from({ length: L * d }, () => 0.5 * rng.normal());
  return createNetwork({ sigma, d, W, b, T: 1.2 });
}

function problemFor(loss: string, sigma: string, seed: number): TrainingProblem {
  const rng = createRng(seed, 11);
  const x = new Float64Array(M * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const weights = Array.from({ length: M }, () => 0.5 + rng.uniform());
  const network = randomNet(sigma, seed);
  const common = { x, weights, lambda: 0.03, network };
  switch (loss) {
    case "mse":
      return { ...common, loss: "mse", targets: Array.from({ length: M * d }, () => rng.normal()) };
    case "mse-projection":
      return {
        ...common,
        loss: { kind: "mse", projection: [1, -0.5, 0.3, 2, 0, 1] },
        targets: Array.from({ length: M * 3 }, () => rng.normal()),
      };
    case "logistic":
      return { ...common, loss: "logistic", labels: Array.from({ length: M }, (_, i) => i % 2) };
    case "softmax":
      return { ...common, loss: { kind: "softmax", nClasses: 3 }, labels: Array.from({ length: M }, (_, i) => i % 3) };
    default:
      return {
        ...common,
        loss: { kind: "class-targets", classTargets: [1, 1, -1, -1, 1, -1] } satisfies LossSpec,
        labels: Array.from({ length: M }, (_, i) => i % 3),
      };
  }
}

/** Central finite differences of J over θ through the evaluator (same forward pass). */
function fdGradient(
  problem: TrainingProblem,
  scheme: "euler" | "heun" | "rk4",
): { g: Float64Array; theta: Float64Array; ev: ReturnType<typeof createGradientEvaluator> } {
  const ev = createGradientEvaluator(problem, { scheme, seed: 3 });
  const theta = ev.initialTheta;
  const g = new Float64Array(ev.nParams);
  for (let q = 0; q < ev.nParams; q++) {
    const h = 1e-5 * Math.max(1, Math.abs(theta[q]!));
    const t = theta[q]!;
    theta[q] = t + h;
    const jp = ev.evaluate(theta);
    theta[q] = t - h;
    const jm = ev.evaluate(theta);
    theta[q] = t;
    g[q] = (jp - jm) / (2 * h);
  }
  return { g, theta, ev };
}

function relErr(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

const LOSSES = ["mse", "mse-projection", "logistic", "softmax", "class-targets"];

describe("discrete adjoint against central finite differences", () => {
  for (const scheme of TRAINING_SCHEMES.map((s) => s.name)) {
    for (const sigma of BUILTIN_ACTIVATIONS) {
      for (const loss of LOSSES) {
        it(`${scheme} × ${sigma} × ${loss}`, () => {
          const problem = problemFor(loss, sigma, 5);
          const { g: fd, theta, ev } = fdGradient(problem, scheme);
          const grad = new Float64Array(ev.nParams);
          const J = ev.evaluate(theta, grad);
          expect(Number.isFinite(J)).toBe(true);
          expect(relErr(grad, fd)).toBeLessThan(1e-6);
        });
      }
    }
  }
  it("the d = 2 Euler tanh fast path agrees with batches and with the generic forward-mode kernel", () => {
    // the same problem with an unweighted mse and with mini-batch indices
    const p = problemFor("mse", "tanh", 9);
    const ev = createGradientEvaluator(p);
    const theta = ev.initialTheta;
    const g1 = new Float64Array(ev.nParams);
    const J1 = ev.evaluate(theta, g1);
    const g2 = new Float64Array(ev.nParams);
    const idx = Int32Array.from({ length: M }, (_, i) => i);
    const J2 = ev.evaluateBatch(theta, g2, idx);
    expect(J2).toBe(J1);
    expect(relErr(g2, g1)).toBe(0);
    const fwd = forwardSensitivityGradient(p, { scheme: "euler" });
    expect(relErr(fwd.gradient, g1)).toBeLessThan(1e-12);
  });
});

describe("the d = 1 Euler tanh fast path", () => {
  const M1 = 301; // more than two blocks, odd
  function problem1(loss: string): TrainingProblem {
    const rng = createRng(17, 12);
    const x = Float64Array.from({ length: M1 }, () => 1.5 * rng.normal());
    const network = createNetwork({
      sigma: "tanh",
      d: 1,
      W: Array.from({ length: 5 }, () => rng.normal()),
      b: Array.from({ length: 5 }, () => 0.5 * rng.normal()),
      T: 2,
    });
    const common = { x, network, lambda: 0.02, weights: Array.from({ length: M1 }, () => 0.5 + rng.uniform()) };
    switch (loss) {
      case "mse":
        return { ...common, loss: "mse", targets: Array.from({ length: M1 }, () => rng.normal()) };
      case "mse-projection":
        return { ...common, loss: { kind: "mse", projection: [1, -2] }, targets: Array.from({ length: 2 * M1 }, () => rng.normal()) };
      case "logistic":
        return { ...common, loss: "logistic", labels: Array.from({ length: M1 }, (_, i) => i % 2) };
      case "softmax":
        return { ...common, loss: { kind: "softmax", nClasses: 3 }, labels: Array.from({ length: M1 }, (_, i) => i % 3) };
      default:
        return {
          ...common,
          loss: { kind: "class-targets", classTargets: [-1, 0.5, 2] },
          labels: Array.from({ length: M1 }, (_, i) => i % 3),
        };
    }
  }
  for (const loss of LOSSES) {
    it(`agrees with central finite differences and with forward-mode tangents (${loss})`, () => {
      const p = problem1(loss);
      const { g: fd, theta, ev } = fdGradient(p, "euler");
      const grad = new Float64Array(ev.nParams);
      ev.evaluate(theta, grad);
      expect(relErr(grad, fd)).toBeLessThan(1e-6);
      const fwd = forwardSensitivityGradient(p, { scheme: "euler", seed: 3 });
      expect(relErr(fwd.gradient, grad)).toBeLessThan(1e-12);
    });
  }
});

describe("forward-mode sensitivities", () => {
  for (const scheme of TRAINING_SCHEMES.map((s) => s.name)) {
    for (const loss of LOSSES) {
      it(`equal the adjoint (${scheme}, ${loss})`, () => {
        const p = problemFor(loss, "softplus", 8);
        const a = computeGradient(p, { scheme, seed: 1 });
        const f = forwardSensitivityGradient(p, { scheme, seed: 1 });
        expect(f.loss).toBe(a.loss);
        expect(relErr(f.gradient, a.gradient)).toBeLessThan(1e-12);
      });
    }
  }
});

describe("continuous adjoint", () => {
  const base = problemFor("mse", "tanh", 2);
  /** Discrete gradient of the network refined r times (each layer repeated with Δt/r), summed back per layer. */
  function refined(scheme: "euler" | "rk4", r: number): Float64Array {
    const net = base.network as NetworkParams;
    const W: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < L; k++)
      for (let c = 0; c < r; c++) {
        W.push(...net.W.subarray(k * d * d, (k + 1) * d * d));
        b.push(...net.b.subarray(k * d, (k + 1) * d));
      }
    const fine = createNetwork({ sigma: "tanh", d, W, b, dt: net.dt / r });
    const res = computeGradient({ ...base, lambda: 0, network: fine }, { scheme });
    const g = new Float64Array(L * d * d + L * d);
    for (let k = 0; k < L; k++)
      for (let c = 0; c < r; c++) {
        const kk = k * r + c;
        for (let q = 0; q < d * d; q++) g[k * d * d + q] += res.gradW[kk * d * d + q]!;
        for (let q = 0; q < d; q++) g[L * d * d + k * d + q] += res.gradB[kk * d + q]!;
      }
    return g;
  }
  const cont = continuousAdjointGradient({ ...base, lambda: 0 }, { substeps: 64 }).gradient;

  it("the discrete Euler gradient converges to it at first order as the layers are refined", () => {
    const rs = [4, 8, 16, 32];
    const errs = rs.map((r) => relErr(refined("euler", r), cont));
    const slope = Math.log(errs[0]! / errs[3]!) / Math.log(rs[3]! / rs[0]!);
    expect(Math.abs(slope - 1)).toBeLessThan(0.2);
  });
  it("the discrete RK4 gradient agrees to the RK4 discretisation error (order 4)", () => {
    // r = 1 is pre-asymptotic for some parameter draws; r = 2, 4, 8 is in the asymptotic range.
    const rs = [2, 4, 8];
    const errs = rs.map((r) => relErr(refined("rk4", r), cont));
    const slope = Math.log(errs[0]! / errs[2]!) / Math.log(rs[2]! / rs[0]!);
    expect(Math.abs(slope - 4)).toBeLessThan(0.2);
    expect(errs[2]).toBeLessThan(2e-7);
  });
  it("its own substeps converge at fourth order", () => {
    const ns = [2, 4, 8];
    const errs = ns.map((n) => relErr(continuousAdjointGradient({ ...base, lambda: 0 }, { substeps: n }).gradient, cont));
    const slope = Math.log(errs[0]! / errs[2]!) / Math.log(ns[2]! / ns[0]!);
    expect(Math.abs(slope - 4)).toBeLessThan(0.2);
  });
  it("includes the Tikhonov term and the read-out", () => {
    const p = problemFor("softmax", "tanh", 4);
    const a = computeGradient(p, { scheme: "rk4" });
    const c = continuousAdjointGradient(p, { substeps: 32 });
    // one RK4 step per layer with Δt = 0.4: agreement to the RK4 discretisation error (~4e-4)
    expect(relErr(c.gradient, a.gradient)).toBeLessThan(1e-3);
    const fine = continuousAdjointGradient(p, { substeps: 64 });
    expect(relErr(c.gradient, fine.gradient)).toBeLessThan(1e-7);
  });
});

describe("bad inputs", () => {
  const good = problemFor("mse", "tanh", 1);
  it("NaN, ±Infinity in x", () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const x = Float64Array.from(good.x);
      x[3] = v;
      expectKineticError(() => computeGradient({ ...good, x }), "INVALID_ARGUMENT");
    }
  });
  it("empty inputs", () => expectKineticError(() => computeGradient({ ...good, x: new Float64Array(0) }), "INVALID_ARGUMENT"));
  it("targets of the wrong length", () => expectKineticError(() => computeGradient({ ...good, targets: [1, 2, 3] }), "SHAPE_MISMATCH"));
  it("non-finite target", () =>
    expectKineticError(
      () => computeGradient({ ...good, targets: Array.from({ length: M * d }, (_, i) => (i === 2 ? NaN : 0)) }),
      "INVALID_ARGUMENT",
    ));
  it("negative λ", () => expectKineticError(() => computeGradient({ ...good, lambda: -1 }), "INVALID_ARGUMENT"));
  it("negative weight", () =>
    expectKineticError(
      () => computeGradient({ ...good, weights: Array.from({ length: M }, (_, i) => (i === 0 ? -1 : 1)) }),
      "INVALID_ARGUMENT",
    ));
  it("labels out of range", () =>
    expectKineticError(
      () => computeGradient({ ...problemFor("logistic", "tanh", 1), labels: Array.from({ length: M }, () => 2) }),
      "INVALID_ARGUMENT",
    ));
  it("missing labels", () => expectKineticError(() => computeGradient({ ...good, loss: "logistic" }), "INVALID_ARGUMENT"));
  it("unknown scheme", () => expectKineticError(() => computeGradient(good, { scheme: "rk5" as never }), "INVALID_ARGUMENT"));
  it("unknown loss", () => expectKineticError(() => computeGradient({ ...good, loss: { kind: "hinge" } as never }), "INVALID_ARGUMENT"));
  it("read-out for mse", () =>
    expectKineticError(
      () => computeGradient({ ...good, readout: { nOut: 1, weights: new Float64Array(2), bias: new Float64Array(1) } }),
      "UNSUPPORTED",
    ));
  it("read-out of the wrong shape", () =>
    expectKineticError(
      () =>
        computeGradient({
          ...problemFor("softmax", "tanh", 1),
          readout: { nOut: 3, weights: new Float64Array(4), bias: new Float64Array(3) },
        }),
      "SHAPE_MISMATCH",
    ));
  it("unknown activation", () =>
    expectKineticError(() => computeGradient({ ...good, network: { sigma: "swish", d: 2, nLayers: 2 } }), "NOT_FOUND"));
  it("θ of the wrong length", () => {
    const ev = createGradientEvaluator(good);
    expectKineticError(() => ev.evaluate(new Float64Array(3)), "SHAPE_MISMATCH");
  });
  it("substeps 0", () => expectKineticError(() => continuousAdjointGradient(good, { substeps: 0 }), "INVALID_ARGUMENT"));
  it("the caller's inputs are not modified", () => {
    const x = Float64Array.from(good.x);
    const net = good.network as NetworkParams;
    const W = net.W.slice();
    computeGradient(good);
    expect(Array.from(good.x)).toEqual(Array.from(x));
    expect(Array.from(net.W)).toEqual(Array.from(W));
  });
});

describe("invariants", () => {
  it("J and ∇J do not depend on the order of the samples (fast-check)", async () => {
    const fc = await import("fast-check");
    const p = problemFor("softmax", "tanh", 6);
    const ref = computeGradient(p, { seed: 2 });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: M, maxLength: M }), (keys) => {
        const order = Array.from({ length: M }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
        const x = new Float64Array(M * d);
        order.forEach((i, r) => x.set(p.x.subarray(i * d, i * d + d), r * d));
        const q = {
          ...p,
          x,
          labels: order.map((i) => (p.labels as number[])[i]!),
          weights: order.map((i) => (p.weights as number[])[i]!),
        };
        const g = computeGradient(q, { seed: 2 });
        return Math.abs(g.loss - ref.loss) <= 1e-14 * Math.abs(ref.loss) && relErr(g.gradient, ref.gradient) < 1e-13;
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("an integer sample weight equals repeating the sample", () => {
    const p = problemFor("mse", "sigmoid", 3);
    const w = [2, 1, 1, 3, 1, 1, 1];
    const x: number[] = [];
    const t: number[] = [];
    w.forEach((c, i) => {
      for (let r = 0; r < c; r++) {
        x.push(...p.x.subarray(i * d, i * d + d));
        t.push(...(p.targets as number[]).slice(i * d, i * d + d));
      }
    });
    const a = computeGradient({ ...p, weights: w });
    const { weights: _drop, ...rest } = p;
    const b = computeGradient({ ...rest, x: Float64Array.from(x), targets: t });
    expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-14);
    expect(relErr(a.gradient, b.gradient)).toBeLessThan(1e-13);
  });
});

describe("augmentation: data of d - k features carried in a state of dimension d", () => {
  /** A network of state dimension D for data of D - k features, with every loss acting on the state. */
  function augmented(loss: string, sigma: string, D: number, k: number, seed: number): TrainingProblem {
    const rng = createRng(seed, 13);
    const dData = D - k;
    const Ls = 3;
    const network = createNetwork({
      sigma,
      d: D,
      W: Array.from({ length: Ls * D * D }, () => 0.8 * rng.normal()),
      b: Array.from({ length: Ls * D }, () => 0.5 * rng.normal()),
      T: 1.2,
    });
    const x = Float64Array.from({ length: M * dData }, () => rng.normal());
    const common = { x, weights: Array.from({ length: M }, () => 0.5 + rng.uniform()), lambda: 0.03, network, augment: k };
    switch (loss) {
      case "mse": // the first d - k coordinates are read: targets M·(d - k)
        return { ...common, loss: "mse", targets: Array.from({ length: M * dData }, () => rng.normal()) };
      case "mse-projection": // a 2×D projection of the whole state
        return {
          ...common,
          loss: { kind: "mse", projection: Array.from({ length: 2 * D }, () => rng.normal()) },
          targets: Array.from({ length: M * 2 }, () => rng.normal()),
        };
      case "logistic":
        return { ...common, loss: "logistic", labels: Array.from({ length: M }, (_, i) => i % 2) };
      case "softmax":
        return { ...common, loss: { kind: "softmax", nClasses: 3 }, labels: Array.from({ length: M }, (_, i) => i % 3) };
      default:
        return {
          ...common,
          loss: { kind: "class-targets", classTargets: Array.from({ length: 3 * D }, () => rng.normal()) },
          labels: Array.from({ length: M }, (_, i) => i % 3),
        };
    }
  }
  // D = 2, k = 1 with tanh and Euler runs the d = 2 fast path (WebAssembly where available); D = 3 the generic kernel.
  for (const scheme of TRAINING_SCHEMES.map((s) => s.name)) {
    for (const [D, k] of [
      [2, 1],
      [3, 2],
      [3, 1],
    ] as const) {
      for (const loss of LOSSES) {
        it(`the adjoint equals central finite differences and forward-mode tangents (${scheme}, d = ${D}, k = ${k}, ${loss})`, () => {
          const p = augmented(loss, "tanh", D, k, 4 + D + k);
          const { g: fd, theta, ev } = fdGradient(p, scheme);
          const grad = new Float64Array(ev.nParams);
          const J = ev.evaluate(theta, grad);
          expect(Number.isFinite(J)).toBe(true);
          expect(relErr(grad, fd)).toBeLessThan(1e-6);
          const fwd = forwardSensitivityGradient(p, { scheme, seed: 3 });
          expect(relErr(fwd.gradient, grad)).toBeLessThan(1e-12);
        });
      }
    }
  }

  it("is exactly the problem on zero-padded inputs with the projection [I | 0]", () => {
    for (const [D, k] of [
      [2, 1],
      [3, 2],
    ] as const) {
      const p = augmented("mse", "tanh", D, k, 21);
      const dData = D - k;
      const padded = new Float64Array(M * D);
      for (let i = 0; i < M; i++) for (let j = 0; j < dData; j++) padded[i * D + j] = p.x[i * dData + j]!;
      const P = Array.from({ length: dData * D }, (_, q) => (q % D === Math.floor(q / D) ? 1 : 0));
      const { augment: _k, ...rest } = p;
      const a = computeGradient(p);
      const b = computeGradient({ ...rest, x: padded, loss: { kind: "mse", projection: P } });
      expect(a.loss).toBe(b.loss);
      expect(relErr(a.gradient, b.gradient)).toBe(0);
      // outputs: the whole final state
      const ev = createGradientEvaluator(p);
      expect(ev.outputs(ev.initialTheta).length).toBe(M * D);
    }
  });

  it("augment 0 is the plain problem", () => {
    const p = problemFor("softmax", "tanh", 3);
    const a = computeGradient(p);
    const b = computeGradient({ ...p, augment: 0 });
    expect(b.loss).toBe(a.loss);
    expect(relErr(b.gradient, a.gradient)).toBe(0);
  });

  it("bad augmentations and shapes name the field", () => {
    const p = augmented("mse", "tanh", 2, 1, 1);
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2, 7, "1", null]) {
      expectKineticError(() => computeGradient({ ...p, augment: bad as never }), "INVALID_ARGUMENT", "`problem.augment`");
    }
    // targets of the state dimension instead of the data's
    expectKineticError(() => computeGradient({ ...p, targets: Array.from({ length: 2 * M }, () => 0) }), "SHAPE_MISMATCH");
    // inputs that are not a multiple of d - k: x holds M·(d - k) values
    const q = augmented("mse", "tanh", 3, 1, 1);
    expectKineticError(() => computeGradient({ ...q, x: new Float64Array(2 * M + 1) }), "SHAPE_MISMATCH");
    // a projection must act on the whole state (m×d)
    expectKineticError(() => computeGradient({ ...p, loss: { kind: "mse", projection: [1] } }), "SHAPE_MISMATCH");
  });
});
