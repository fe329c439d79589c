import { afterEach, describe, expect, it } from "vitest";
import { tanh, type Activation } from "../activations.js";
import { createNetwork, type NetworkParams } from "../network.js";
import { forwardResnet, solveOde } from "../ode.js";
import { expectAllClose } from "../testing.js";
import { setWasmKernelsEnabled } from "../wasm/kernel.js";
import {
  isWasmNdBuffer,
  ND_MAX,
  ND_MIN,
  ndPairsPerIteration,
  wasmEulerNdModuleBytes,
  ND_METHODS,
  type NdMethod,
  wasmNdTanhBatch,
  wasmNdTanhStep,
  wasmNdWorkBuffer,
} from "./wasm-euler-nd.js";
import { WASM_BATCH_STEPS } from "./wasm-euler.js";

afterEach(() => setWasmKernelsEnabled(true));

/** f with the WebAssembly kernels, then with the TypeScript path (the fallback where SIMD is missing). */
function both<T>(f: () => T): [T, T] {
  setWasmKernelsEnabled(true);
  const a = f();
  setWasmKernelsEnabled(false);
  const b = f();
  setWasmKernelsEnabled(true);
  return [a, b];
}

/** Count of positions where a and b differ as doubles (NaN equals NaN, 0 differs from -0). */
function differing(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

/** A tanh network in d dimensions with L layers: a contracting diagonal plus a rotation-like coupling. */
function network(d: number, L: number, scale = 1, sigma: string | Activation = "tanh"): NetworkParams {
  const W: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < L; k++) {
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) W.push(scale * (i === j ? -1 + 0.3 * Math.sin(k + i) : (0.9 * Math.cos(k + 2 * i - j)) / Math.sqrt(d)));
    for (let i = 0; i < d; i++) b.push(0.2 * Math.sin(k + i));
  }
  return createNetwork({ sigma, d, W, b, T: 1 });
}

/** M particles in d dimensions spread over [-4, 4] with a few special values (tiny, -0, saturating). */
function ensemble(M: number, d: number): Float64Array {
  const x = Float64Array.from({ length: M * d }, (_, i) => 4 * Math.sin(0.37 * i + 0.1 * d));
  if (x.length > 6) {
    x[1] = -0;
    x[2] = 1e-300;
    x[3] = 7e-9;
    x[4] = 60;
    x[5] = -45;
  }
  return x;
}

const DIMS = Array.from({ length: ND_MAX - ND_MIN + 1 }, (_, i) => ND_MIN + i);
const METHODS = Object.keys(ND_METHODS) as NdMethod[];

describe("WebAssembly SIMD tanh kernels (Euler, Heun, RK4) for d = 3…8", () => {
  it("compile here (one module per dimension), and their buffers are recognised per dimension", () => {
    for (const d of DIMS) {
      for (const method of METHODS) {
        const names = WebAssembly.Module.exports(new WebAssembly.Module(wasmEulerNdModuleBytes(d, method))).map((e) => e.name);
        expect(names).toEqual(["mem", `n${d}`]);
      }
      const buf = wasmNdWorkBuffer(10 * d, d)!;
      expect(isWasmNdBuffer(buf, d)).toBe(true);
      expect(isWasmNdBuffer(buf, d === ND_MAX ? ND_MIN : d + 1)).toBe(false);
      expect(isWasmNdBuffer(new Float64Array(10 * d), d)).toBe(false);
      expect(isWasmNdBuffer(buf, d, "rk4")).toBe(false); // each method has its own module and memory
    }
    expect(wasmNdWorkBuffer(64, 2)).toBeNull();
    expect(wasmNdWorkBuffer(81, 9)).toBeNull();
    setWasmKernelsEnabled(false);
    expect(wasmNdWorkBuffer(64, 4)).toBeNull(); // the fallback: callers take the TypeScript path
  });

  // M: smallest with the working buffer (M·d ≥ 64), odd, and sizes that leave every remainder of
  // the unrolled pair loop and the calls of 256 pairs.
  for (const d of DIMS) {
    it(`d = ${d}: Euler, Heun and RK4 are bit-identical to the TypeScript path for even and odd M`, () => {
      const net = network(d, 13);
      const m0 = Math.ceil(64 / d);
      for (const M of [m0, m0 + 1, 2 * ndPairsPerIteration(d) * 3 + 1, 515, 1030]) {
        const x0 = ensemble(M, d);
        for (const method of METHODS) {
          const [a, c] = both(() => solveOde(net, x0, { method, stepsPerLayer: method === "euler" ? 1 : 2 }));
          expect(a.status).toBe("success");
          expect(c.status).toBe("success");
          expect(a.stats.rhsEvals).toBe(c.stats.rhsEvals);
          expect(differing(a.x, c.x)).toBe(0);
        }
      }
      // forwardResnet is the Euler solve with one step per layer
      const x0 = ensemble(m0 + 1, d);
      const [a, c] = both(() => forwardResnet(net, x0));
      expect(differing(a.x, c.x)).toBe(0);
    });
  }

  it("the batch and single-step entry points handle M below one pair (M = 1, 2, 3) bit-identically", () => {
    for (const d of [ND_MIN, 5, ND_MAX]) {
      const L = 6;
      const net = network(d, L);
      for (const method of METHODS)
        for (const M of [1, 2, 3]) {
          const x0 = ensemble(M, d);
          setWasmKernelsEnabled(false);
          const ref = solveOde(net, x0, { method, stepsPerLayer: 1 }).x;
          setWasmKernelsEnabled(true);
          const n = M * d;
          const buf = wasmNdWorkBuffer(n, d, method)!;
          buf.set(x0);
          const layers = Int32Array.from({ length: L }, (_, k) => k);
          const hs = new Float64Array(L).fill(net.dt);
          expect(wasmNdTanhBatch(method, d, net.W, net.b, layers.subarray(0, 4), hs, 4, buf, n)).toBe(-1);
          for (let k = 4; k < L; k++) expect(wasmNdTanhStep(method, d, net.W, net.b, k, net.dt, buf, n)).toBe(-1);
          expect(differing(Float64Array.from(buf), ref)).toBe(0);
        }
    }
  });

  it("agree with solves using Math.tanh within the tanh error (a few ulps, propagated)", () => {
    // σ = Math.tanh through the generic path: differs from the built-in tanh by ≤ 4 ulps per
    // evaluation; over L = 20 steps of size h = 1/20 with ‖W‖ ≲ 3 the difference stays below
    // L·h·4·2^-53·e^{3} ≈ 1e-14 (absolute), so rtol 1e-13 with atol 1e-13 has margin and still
    // catches any wrong coefficient, lane or order of operations.
    const mathTanh: Activation = { ...tanh, name: "tanh-math", sigma: Math.tanh };
    for (const d of DIMS) {
      const M = 301;
      const x0 = ensemble(M, d);
      for (const method of METHODS) {
        const fast = solveOde(network(d, 20), x0, { method, stepsPerLayer: 1 });
        const ref = solveOde(network(d, 20, 1, mathTanh), x0, { method, stepsPerLayer: 1 });
        expectAllClose(fast.x, ref.x, { rtol: 1e-13, atol: 1e-13, label: `d = ${d}, ${method}` });
      }
    }
  });

  it("saves (on and off the grid), sub-steps, tEnd beyond T and maxSteps are unchanged", () => {
    for (const d of [3, 4, 7]) {
      const net = network(d, 4);
      const x0 = ensemble(257, d);
      for (const method of METHODS) {
        const opts = { method, stepsPerLayer: 3, tEnd: 1.6, saveAt: [0, 0.1, 0.77, 1, 1.6] } as const;
        const [a, c] = both(() => solveOde(net, x0, opts));
        expect(a.status).toBe("success");
        expect(a.stats.rhsEvals).toBe(c.stats.rhsEvals);
        expect(differing(a.x, c.x)).toBe(0);
        expect(differing(a.saved, c.saved)).toBe(0);
        expect(a.t).toBe(c.t);
        const [ma, mc] = both(() => solveOde(net, x0, { method, stepsPerLayer: 5, maxSteps: 7, saveAt: [0, 0.5] }));
        expect(ma.status).toBe("max-steps");
        expect([ma.t, ma.stats.steps]).toEqual([mc.t, mc.stats.steps]);
        expect(differing(ma.x, mc.x)).toBe(0);
        expect(differing(ma.saved, mc.saved)).toBe(0);
      }
    }
  });

  it("more layers than one pass and more steps than one batch hold: bit-identical", () => {
    // d = 8: 42 layers per pass, so 100 layers take three passes; d = 3: 2100 steps > one batch.
    for (const [d, L, M] of [
      [8, 100, 131],
      [3, WASM_BATCH_STEPS + 52, 37],
    ] as const) {
      const net = network(d, L, 0.5);
      const x0 = ensemble(M, d);
      for (const method of d === 8 ? METHODS : (["euler"] as const)) {
        const [a, c] = both(() => solveOde(net, x0, { method, stepsPerLayer: 1 }));
        expect(a.status).toBe("success");
        expect(a.stats.rhsEvals).toBe(c.stats.rhsEvals);
        expect(differing(a.x, c.x)).toBe(0);
      }
    }
  });

  it("a blow-up is found at the same step and particle, with the same last finite state", () => {
    for (const d of [4, 6]) {
      const net = network(d, 5);
      const M = 101;
      for (const p of [37, M - 1]) {
        const x0 = ensemble(M, d);
        x0[p * d + 1] = 1e200; // W x overflows to ±Infinity − Infinity or beyond the threshold
        for (const method of METHODS) {
          const [a, c] = both(() => solveOde(net, x0, { method, stepsPerLayer: 2 }));
          expect(a.status).toBe("non-finite");
          expect(a.failedParticle).toBe(c.failedParticle);
          expect(a.failedParticle).toBe(p);
          expect(a.t).toBe(c.t);
          expect(differing(a.x, c.x)).toBe(0);
        }
      }
    }
  });
});
