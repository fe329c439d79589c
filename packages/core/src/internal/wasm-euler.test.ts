import { afterEach, describe, expect, it } from "vitest";
import { createNetwork, createScalarNetwork } from "../network.js";
import { forwardResnet, solveOde } from "../ode.js";
import { solveSde } from "../sde.js";
import { isWasmBuffer, wasmEulerTanhStep, wasmWorkBuffer } from "./wasm-euler.js";
import { eulerTanh1D } from "./kernels.js";
import { setWasmKernelsEnabled } from "../wasm/kernel.js";

afterEach(() => setWasmKernelsEnabled(true));

function both<T>(f: () => T): [T, T] {
  setWasmKernelsEnabled(true);
  const a = f();
  setWasmKernelsEnabled(false);
  const b = f();
  setWasmKernelsEnabled(true);
  return [a, b];
}

describe("WebAssembly SIMD Euler/tanh kernels", () => {
  it("compile and run here (Node has WebAssembly SIMD)", () => {
    const buf = wasmWorkBuffer(10);
    expect(buf).not.toBeNull();
    expect(isWasmBuffer(buf!)).toBe(true);
    expect(isWasmBuffer(new Float64Array(10))).toBe(false);
  });

  it("equal the JavaScript kernel bit for bit on every tanh regime (tiny, table, saturated, NaN), odd length", () => {
    const n = 4097;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (i - 2048) * 0.013 + (i % 5 === 0 ? 1e-12 : 0);
    x[3] = 40;
    x[4] = -40;
    x[5] = 19.1;
    x[6] = -19.09;
    x[7] = 7e-9;
    x[8] = -0;
    x[9] = 1e-300;
    x[10] = NaN;
    x[11] = 1e300;
    const js = Float64Array.from(x);
    const buf = wasmWorkBuffer(n)!;
    buf.set(x);
    for (const [w, b] of [
      [-1, 0.1],
      [0.7, -0.3],
      [2, 0],
      [-3, 0.5],
    ] as const) {
      const fa = wasmEulerTanhStep(1, Float64Array.of(w), Float64Array.of(b), 0, 0.05, buf, n);
      const fb = eulerTanh1D(w, b, 0.05, js, js, n);
      expect(fa).toBe(fb);
    }
    let diff = 0;
    for (let i = 0; i < n; i++) if (!Object.is(buf[i], js[i])) diff++;
    expect(diff).toBe(0);
  });

  it("forwardResnet in 1-D and 2-D is bit-identical with and without WebAssembly", () => {
    const L = 30;
    const net1 = createScalarNetwork({
      sigma: "tanh",
      w: Array.from({ length: L }, (_, k) => -1 + 0.5 * Math.sin(k)),
      b: Array.from({ length: L }, (_, k) => 0.1 * Math.cos(k)),
      dt: 1 / L,
    });
    const W: number[][] = [];
    const b: number[][] = [];
    for (let k = 0; k < L; k++) {
      W.push([-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k)]);
      b.push([0.1 * Math.sin(k), -0.1 * Math.cos(k)]);
    }
    const net2 = createNetwork({ sigma: "tanh", d: 2, W, b, dt: 1 / L });
    for (const [net, M] of [
      [net1, 1001],
      [net2, 777],
    ] as const) {
      const x0 = Float64Array.from({ length: M * net.d }, (_, i) => 3 * Math.sin(0.37 * i));
      const [a, c] = both(() => forwardResnet(net, x0));
      expect(a.status).toBe("success");
      expect(Array.from(a.x)).toEqual(Array.from(c.x));
    }
  });

  it("saves, sub-steps, tEnd beyond T and blow-ups are unchanged", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5, 2], b: [0.5, 0, -0.2], T: 1.5 });
    const x0 = Float64Array.from({ length: 999 }, (_, i) => 4 * Math.cos(i));
    const opts = { method: "euler", stepsPerLayer: 3, tEnd: 2.2, saveAt: [0, 0.1, 0.77, 1.5, 2.2] } as const;
    const [a, c] = both(() => solveOde(net, x0, opts));
    expect(Array.from(a.x)).toEqual(Array.from(c.x));
    expect(Array.from(a.saved)).toEqual(Array.from(c.saved));
    expect(a.t).toBe(c.t);
    // Blow-up: a start beyond 1e150 fails at the first step.
    const blow = createScalarNetwork({ sigma: "tanh", w: 1, b: 0, T: 1, nLayers: 4 });
    const xb = Float64Array.from({ length: 100 }, (_, i) => (i === 37 ? 1e200 : i));
    const [ba, bc] = both(() => forwardResnet(blow, xb));
    expect(ba.status).toBe("non-finite");
    expect(ba.failedParticle).toBe(bc.failedParticle);
    expect(ba.t).toBe(bc.t);
    expect(Array.from(ba.x)).toEqual(Array.from(bc.x));
  });
});

describe("tiled batches of Euler/tanh steps", () => {
  it("many tiles, more steps than one batch holds, odd sizes: bit-identical to the JavaScript path", () => {
    const L = 2100; // more than WASM_BATCH_STEPS: two batches
    const w = Array.from({ length: L }, (_, k) => -1 + 0.5 * Math.sin(k));
    const b = Array.from({ length: L }, (_, k) => 0.1 * Math.cos(k));
    const net1 = createScalarNetwork({ sigma: "tanh", w, b, dt: 1 / L });
    const W = Array.from({ length: L }, (_, k) => [
      -1 + 0.3 * Math.sin(k),
      0.5 * Math.cos(k),
      -0.5 * Math.cos(k),
      -1 + 0.3 * Math.cos(2 * k),
    ]);
    const net2 = createNetwork({ sigma: "tanh", d: 2, W, b: W.map((r) => [r[1]! * 0.2, r[3]! * 0.1]), dt: 1 / L });
    for (const [net, M] of [
      [net1, 5003],
      [net2, 2501],
    ] as const) {
      const x0 = Float64Array.from({ length: M * net.d }, (_, i) => 4 * Math.sin(0.7 * i));
      const [a, c] = both(() => forwardResnet(net, x0));
      expect(a.status).toBe("success");
      expect(a.stats.rhsEvals).toBe(c.stats.rhsEvals);
      let diff = 0;
      for (let i = 0; i < a.x.length; i++) if (!Object.is(a.x[i], c.x[i])) diff++;
      expect(diff).toBe(0);
    }
  });

  it("maxSteps stops a batch at the same step and state", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5, 2, 0.3], b: [0.5, 0, -0.2, 0.1], T: 2 });
    const x0 = Float64Array.from({ length: 1001 }, (_, i) => 3 * Math.sin(i));
    const [a, c] = both(() => solveOde(net, x0, { method: "euler", stepsPerLayer: 5, maxSteps: 7, saveAt: [0, 0.2, 1.5] }));
    expect(a.status).toBe("max-steps");
    expect([a.t, a.stats.steps]).toEqual([c.t, c.stats.steps]);
    expect(Array.from(a.x)).toEqual(Array.from(c.x));
    expect(Array.from(a.saved)).toEqual(Array.from(c.saved));
  });

  it("a particle beyond the blow-up threshold in a later tile is reported at the first step, as step by step", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 1, nLayers: 50 });
    const x0 = Float64Array.from({ length: 6000 }, (_, i) => (i === 4321 ? 1e200 : Math.cos(i)));
    const [a, c] = both(() => forwardResnet(net, x0));
    expect(a.status).toBe("non-finite");
    expect(a.failedParticle).toBe(4321);
    expect(a.failedParticle).toBe(c.failedParticle);
    expect(a.t).toBe(c.t);
    expect(a.stats.steps).toBe(c.stats.steps);
  });
});

describe("Euler–Maruyama with tanh drift in WebAssembly", () => {
  it("solveSde is bit-identical with and without WebAssembly (odd sizes, several blocks, saves, Milstein = EM for constant K)", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 0.4, 2], b: [0.5, -0.2, 0], T: 1.5, K: 0.7 });
    for (const M of [1, 7, 1025, 2501]) {
      const x0 = Float64Array.from({ length: M }, (_, i) => 3 * Math.sin(1.3 * i));
      for (const opts of [
        { method: "euler-maruyama", seed: 3, stepsPerLayer: 4, saveAt: [0, 0.5, 1.5] },
        { method: "milstein", seed: 5, firstStream: 11 },
      ] as const) {
        const [a, c] = both(() => solveSde(net, x0, opts));
        expect(a.status).toBe("success");
        expect(Array.from(a.x)).toEqual(Array.from(c.x));
        expect(Array.from(a.saved)).toEqual(Array.from(c.saved));
      }
    }
  });

  it("blow-ups: the same particles become NaN at the same step, and the earliest one is reported", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: 1, b: 0, T: 2, nLayers: 20, K: 1 });
    const x0 = Float64Array.from({ length: 999 }, (_, i) => (i % 97 === 5 ? 2e150 : Math.cos(i)));
    const [a, c] = both(() => solveSde(net, x0, { seed: 9, saveAt: [0, 1, 2] }));
    expect(a.status).toBe("non-finite");
    expect([a.t, a.failedParticle]).toEqual([c.t, c.failedParticle]);
    expect(Array.from(a.x)).toEqual(Array.from(c.x));
    expect(Array.from(a.saved)).toEqual(Array.from(c.saved));
    expect(a.x.filter((v) => Number.isNaN(v)).length).toBeGreaterThan(0);
  });
});
