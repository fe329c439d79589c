import { afterEach, describe, expect, it } from "vitest";
import { createNetwork, createScalarNetwork } from "../network.js";
import { forwardResnet, solveOde } from "../ode.js";
import { isWasmBuffer, setWasmKernelsDisabled, wasmEulerTanh1D, wasmWorkBuffer } from "./wasm-euler.js";
import { eulerTanh1D } from "./kernels.js";

afterEach(() => setWasmKernelsDisabled(false));

function both<T>(f: () => T): [T, T] {
  setWasmKernelsDisabled(false);
  const a = f();
  setWasmKernelsDisabled(true);
  const b = f();
  setWasmKernelsDisabled(false);
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
    x[3] = 40; x[4] = -40; x[5] = 19.1; x[6] = -19.09; x[7] = 7e-9; x[8] = -0; x[9] = 1e-300; x[10] = NaN; x[11] = 1e300;
    const js = Float64Array.from(x);
    const buf = wasmWorkBuffer(n)!;
    buf.set(x);
    for (const [w, b] of [[-1, 0.1], [0.7, -0.3], [2, 0], [-3, 0.5]] as const) {
      const fa = wasmEulerTanh1D(w, b, 0.05, buf, n);
      const fb = eulerTanh1D(w, b, 0.05, js, js, n);
      expect(fa).toBe(fb);
    }
    let diff = 0;
    for (let i = 0; i < n; i++) if (!Object.is(buf[i], js[i])) diff++;
    expect(diff).toBe(0);
  });

  it("forwardResnet in 1-D and 2-D is bit-identical with and without WebAssembly", () => {
    const L = 30;
    const net1 = createScalarNetwork({ sigma: "tanh", w: Array.from({ length: L }, (_, k) => -1 + 0.5 * Math.sin(k)), b: Array.from({ length: L }, (_, k) => 0.1 * Math.cos(k)), dt: 1 / L });
    const W: number[][] = [];
    const b: number[][] = [];
    for (let k = 0; k < L; k++) {
      W.push([-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k)]);
      b.push([0.1 * Math.sin(k), -0.1 * Math.cos(k)]);
    }
    const net2 = createNetwork({ sigma: "tanh", d: 2, W, b, dt: 1 / L });
    for (const [net, M] of [[net1, 1001], [net2, 777]] as const) {
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
