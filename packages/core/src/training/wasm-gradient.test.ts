import { afterEach, describe, expect, it } from "vitest";
import {
  createGradientEvaluator,
  createNetwork,
  createRng,
  tanh,
  withWeights,
  type Activation,
  type NetworkParams,
  type TrainingProblem,
} from "../index.js";
import { tanhFast } from "../internal/tanh.js";
import { GRAD_BLOCK, gradientKernels, wasmGradientModuleBytes } from "./wasm-gradient.js";
import { setWasmKernelsEnabled } from "../wasm/kernel.js";

afterEach(() => setWasmKernelsEnabled(true));

/** Run f with the WebAssembly kernels, then with the JavaScript path. */
function both<T>(f: () => T): [T, T] {
  setWasmKernelsEnabled(true);
  const a = f();
  setWasmKernelsEnabled(false);
  const b = f();
  setWasmKernelsEnabled(true);
  return [a, b];
}

function tanhNet(d: number, L: number, seed: number): NetworkParams {
  const rng = createRng(seed, 3);
  const W = Array.from({ length: d * d * L }, () => rng.normal());
  const b = Array.from({ length: d * L }, () => 0.5 * rng.normal());
  return createNetwork({ sigma: "tanh", d, W, b, T: 1.5 });
}

function problem(d: number, loss: string, M: number, L: number, seed: number, weighted: boolean): TrainingProblem {
  const rng = createRng(seed, 4);
  const x = new Float64Array(d * M);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.normal();
  // every tanh regime: exact zeros, tiny, saturated and huge inputs
  x[0] = 0;
  x[1] = -0;
  if (x.length > 5) {
    x[2] = 1e-12;
    x[3] = -3e-9;
    x[4] = 40;
    x[5] = -1e6;
  }
  const network = tanhNet(d, L, seed);
  const common = {
    x,
    network,
    lambda: 0.01,
    ...(weighted ? { weights: Array.from({ length: M }, (_, i) => (i % 7 === 3 ? 0 : 0.5 + rng.uniform())) } : {}),
  };
  switch (loss) {
    case "mse":
      return { ...common, loss: "mse", targets: Array.from({ length: d * M }, () => rng.normal()) };
    case "mse-projection-1":
      return {
        ...common,
        loss: { kind: "mse", projection: d === 2 ? [1, 0] : [-2] },
        targets: Array.from({ length: M }, () => rng.normal()),
      };
    case "mse-projection-3":
      return {
        ...common,
        loss: { kind: "mse", projection: [1, -0.5, 0.3, 2, 0, 1].slice(0, 3 * d) },
        targets: Array.from({ length: 3 * M }, () => rng.normal()),
      };
    case "logistic":
      return { ...common, loss: "logistic", labels: Array.from({ length: M }, (_, i) => i % 2) };
    case "softmax":
      return { ...common, loss: { kind: "softmax", nClasses: 3 }, labels: Array.from({ length: M }, (_, i) => i % 3) };
    default:
      return {
        ...common,
        loss: { kind: "class-targets", classTargets: [1, 1, -1, -1, 1, -1].slice(0, 3 * d) },
        labels: Array.from({ length: M }, (_, i) => i % 3),
      };
  }
}

function expectBitIdentical(a: Float64Array, b: Float64Array, label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`${label}: index ${i} differs: ${a[i]} vs ${b[i]}`);
}

const LOSSES = ["mse", "mse-projection-1", "mse-projection-3", "logistic", "softmax", "class-targets"];

describe("WebAssembly SIMD gradient kernels (d = 1 and 2, Euler, tanh)", () => {
  it("assemble, validate and compile here (Node has WebAssembly SIMD)", () => {
    expect(WebAssembly.validate(wasmGradientModuleBytes())).toBe(true);
  });

  it("the kernels' tanh equals the scalar tanh bit for bit in every regime (direct calls, d = 1 and 2)", () => {
    const special = [
      0,
      -0,
      5e-324,
      -1e-300,
      7.450580596923828e-9,
      7.4505805969238e-9,
      -7.450580596923828e-9,
      1e-8,
      0.1,
      -0.5,
      1,
      2.5,
      9.5,
      18,
      19.099999999999998,
      19.1,
      -19.1,
      19.100000000000001,
      25,
      -40,
      1e10,
      -1e300,
      1.7976931348623157e308,
      Infinity,
      -Infinity,
      NaN,
    ];
    const rng = createRng(9, 1);
    const xs = [
      ...special,
      ...Array.from({ length: 101 }, () => 8 * rng.normal()),
      ...Array.from({ length: 50 }, () => 1e-6 * rng.normal()),
      ...Array.from({ length: 50 }, () => 1e-8 * rng.normal()),
    ];
    const wk = gradientKernels(1)!;
    expect(wk).not.toBeNull();
    const { k, f64, layout } = wk;
    const { th, u, dd } = layout;
    const dt = 0.3;
    const ROWD = 2 * GRAD_BLOCK; // doubles per row
    for (let s0 = 0; s0 < xs.length; s0 += GRAD_BLOCK) {
      const chunk = xs.slice(s0, s0 + GRAD_BLOCK);
      // d = 1: W = [1], b = [0], z = 1·x + 0
      f64[th >> 3] = 1;
      f64[(th >> 3) + 1] = 0;
      f64.set(chunk, u >> 3);
      k.fwd1(th, 1, dt, u, dd, chunk.length);
      chunk.forEach((x, r) => {
        const t = tanhFast(1 * x + 0);
        expect(Object.is(f64[(dd >> 3) + r], 1 - t * t), `σ' at x = ${x}`).toBe(true);
        expect(Object.is(f64[(u >> 3) + ROWD + r], x + dt * (0 + t)), `x¹ at x = ${x}`).toBe(true);
      });
      // d = 2: W = [[1, 0.5], [0, -1]], b = [0, 0.25]
      const W = [1, 0.5, 0, -1];
      const b = [0, 0.25];
      f64.set([...W, ...b], th >> 3);
      const n = chunk.length >> 1;
      f64.set(chunk.slice(0, 2 * n), u >> 3);
      k.fwd(th, 1, dt, u, dd, n);
      for (let r = 0; r < n; r++) {
        const x0 = chunk[2 * r]!;
        const x1 = chunk[2 * r + 1]!;
        const t0 = tanhFast(W[0]! * x0 + W[1]! * x1 + b[0]!);
        const t1 = tanhFast(W[2]! * x0 + W[3]! * x1 + b[1]!);
        expect(Object.is(f64[(dd >> 3) + 2 * r], 1 - t0 * t0)).toBe(true);
        expect(Object.is(f64[(dd >> 3) + 2 * r + 1], 1 - t1 * t1)).toBe(true);
        expect(Object.is(f64[(u >> 3) + ROWD + 2 * r], x0 + dt * t0)).toBe(true);
        expect(Object.is(f64[(u >> 3) + ROWD + 2 * r + 1], x1 + dt * t1)).toBe(true);
      }
    }
  });

  for (const [d, loss] of [1, 2].flatMap((d) => LOSSES.map((l) => [d, l] as const))) {
    it(`J and ∇J are bit-identical to the JavaScript path (d = ${d}, ${loss}; odd M, several L, weights, mini-batches)`, () => {
      let checked = 0;
      for (const [M, L, weighted] of [
        [1, 1, false],
        [3, 2, true],
        [GRAD_BLOCK + 5, 7, false],
        [2 * GRAD_BLOCK + 31, 20, true],
        [257, 3, false],
      ] as const) {
        const p = problem(d, loss, M, L, 11 + M + L, weighted);
        const ev = createGradientEvaluator(p, { seed: 5 });
        const theta = ev.initialTheta;
        const [a, b] = both(() => {
          const g = new Float64Array(ev.nParams);
          const J = ev.evaluate(theta, g);
          const Jonly = ev.evaluate(theta);
          // a shuffled mini-batch with a repeated sample, starting inside the index array
          const idx = Int32Array.from({ length: M + 2 }, (_, i) => (i * 7 + 3) % M);
          const gb = new Float64Array(ev.nParams);
          const Jb = ev.evaluateBatch(theta, gb, idx, 1, M);
          return { J, Jonly, g, Jb, gb };
        });
        expect(Number.isFinite(a.J)).toBe(true);
        expect(Object.is(a.J, b.J), `J (${loss}, M = ${M}, L = ${L})`).toBe(true);
        expect(Object.is(a.Jonly, b.Jonly)).toBe(true);
        expect(Object.is(a.Jonly, a.J)).toBe(true);
        expect(Object.is(a.Jb, b.Jb)).toBe(true);
        expectBitIdentical(a.g, b.g, `gradient (${loss}, M = ${M}, L = ${L})`);
        expectBitIdentical(a.gb, b.gb, `batch gradient (${loss}, M = ${M}, L = ${L})`);
        checked++;
      }
      expect(checked).toBe(5);
    });
  }

  it("d = 1: J and ∇J are bit-identical to the generic kernel (a user copy of tanh), on both paths", () => {
    // The same function as the built-in tanh, but not recognised as it: evaluated by the generic kernel.
    const userTanh: Activation = {
      ...tanh,
      name: "tanh-copy",
      sigma: (z: number) => tanhFast(z),
      dsigma: (z: number) => {
        const t = tanhFast(z);
        return 1 - t * t;
      },
    };
    for (const loss of LOSSES) {
      for (const [M, L] of [
        [GRAD_BLOCK + 5, 7],
        [2 * GRAD_BLOCK + 31, 20],
      ] as const) {
        const p = problem(1, loss, M, L, 3 + M, true);
        const net = p.network as NetworkParams;
        const generic = createGradientEvaluator({ ...p, network: withWeights({ ...net, sigma: userTanh }, net.W, net.b) }, { seed: 2 });
        const fast = createGradientEvaluator(p, { seed: 2 });
        const theta = fast.initialTheta;
        const gRef = new Float64Array(fast.nParams);
        const JRef = generic.evaluate(theta, gRef);
        const [a, b] = both(() => {
          const g = new Float64Array(fast.nParams);
          return { J: fast.evaluate(theta, g), g };
        });
        for (const r of [a, b]) {
          expect(Object.is(r.J, JRef), `J (${loss}, M = ${M})`).toBe(true);
          expectBitIdentical(r.g, gRef, `gradient (${loss}, M = ${M}, L = ${L})`);
        }
      }
    }
  });

  for (const d of [1, 2]) {
    it(`blow-ups and NaN weights give the same non-finite values on both paths (d = ${d})`, () => {
      const L = 4;
      const W = Array.from({ length: d * d * L }, () => 400);
      const b = Array.from({ length: d * L }, () => 0);
      const network = createNetwork({ sigma: "tanh", d, W, b, T: 1e305 });
      const x = Float64Array.from({ length: d * 9 }, (_, i) => (i === 5 ? 1e300 : i + 1));
      const ev = createGradientEvaluator({ x, network, loss: "mse", targets: new Float64Array(d * 9) });
      const nanTheta = ev.initialTheta;
      nanTheta[d * d] = NaN; // a NaN weight in layer 1: NaN through tanh
      for (const theta of [ev.initialTheta, nanTheta]) {
        const [a, c] = both(() => {
          const g = new Float64Array(ev.nParams);
          return { J: ev.evaluate(theta, g), g };
        });
        expect(Number.isFinite(a.J)).toBe(false);
        expect(Object.is(a.J, c.J)).toBe(true);
        let nonFinite = 0;
        for (let i = 0; i < a.g.length; i++) {
          expect(Object.is(a.g[i], c.g[i])).toBe(true);
          if (!Number.isFinite(a.g[i]!)) nonFinite++;
        }
        if (theta === nanTheta) expect(nonFinite).toBeGreaterThan(0);
      }
    });
  }

  it("evaluators of different depths share the kernels without interfering", () => {
    const p1 = problem(2, "mse", 50, 3, 1, false);
    const p2 = problem(1, "softmax", 70, 40, 2, true);
    const e1 = createGradientEvaluator(p1);
    const e2 = createGradientEvaluator(p2);
    const g1 = new Float64Array(e1.nParams);
    const g2 = new Float64Array(e2.nParams);
    const J1 = e1.evaluate(e1.initialTheta, g1);
    const J2 = e2.evaluate(e2.initialTheta, g2);
    const h1 = new Float64Array(e1.nParams);
    expect(e1.evaluate(e1.initialTheta, h1)).toBe(J1);
    expectBitIdentical(h1, g1, "first evaluator again");
    const [, js2] = both(() => {
      const g = new Float64Array(e2.nParams);
      return { J: e2.evaluate(e2.initialTheta, g), g };
    });
    expect(js2.J).toBe(J2);
    expectBitIdentical(js2.g, g2, "second evaluator");
  });
});
