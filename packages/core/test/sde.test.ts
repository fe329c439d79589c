import { describe, expect, it } from "vitest";
import {
  createNetwork,
  createRng,
  createScalarNetwork,
  getSdeMethod,
  linspaceEnsemble,
  RngStreams,
  SDE_METHODS,
  solveSde,
  tanh,
  type BrownianIncrements,
  type KineticErrorCode,
  type NetworkParams,
  type SdeMethodName,
} from "../src/index.js";
import { expectKineticError, observedOrder } from "../src/testing.js";

function meanVar(x: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const m = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return [m, v / x.length];
}

/** Brownian increments over `nCoarse` steps of [0, T] built by summing `nFine / nCoarse` fine increments per step. */
function coarsened(seed: number, M: number, nFine: number, nCoarse: number, T: number): BrownianIncrements {
  const streams = new RngStreams(seed, M);
  const r = nFine / nCoarse;
  const sq = Math.sqrt(T / nFine);
  return (_step, _h, out) => {
    for (let i = 0; i < M; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += sq * streams.normal(i);
      out[i] = s;
    }
  };
}

/** W_T of each particle for the same fine path. */
function endpoints(seed: number, M: number, nFine: number, T: number): Float64Array {
  const streams = new RngStreams(seed, M);
  const sq = Math.sqrt(T / nFine);
  const w = new Float64Array(M);
  for (let k = 0; k < nFine; k++) for (let i = 0; i < M; i++) w[i] += sq * streams.normal(i);
  return w;
}

describe("SDE_METHODS registry", () => {
  it("has metadata for every method", () => {
    expect(SDE_METHODS.map((m) => m.name)).toEqual(["euler-maruyama", "milstein", "platen-weak2"]);
    for (const m of SDE_METHODS) {
      expect(getSdeMethod(m.name)).toBe(m);
      expect(m.stochastic).toBe(true);
      expect(m.weakOrder).toBeGreaterThanOrEqual(1);
    }
    expectKineticError(() => getSdeMethod("srk"), "NOT_FOUND");
  });
});

describe("reproducibility", () => {
  const nets: [string, NetworkParams][] = [
    ["1-D tanh, constant K", createScalarNetwork({ sigma: "tanh", w: [-1, 0.5], b: [0.5, 0], T: 1, K: 0.5 })],
    [
      "2-D sigmoid, constant K",
      createNetwork({
        sigma: "sigmoid",
        d: 2,
        W: [[-1, 0.3, 0.2, -1]],
        b: [[0.1, -0.1]],
        T: 1,
        noise: { kind: "constant", K: new Float64Array([0.3, 0, 0.1, 0.2]) },
      }),
    ],
    [
      "1-D identity, diagonal K",
      createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, K: { kind: "diagonal", k: (x) => 0.3 * x, dk: () => 0.3 } }),
    ],
  ];
  for (const [label, net] of nets) {
    for (const m of SDE_METHODS) {
      if (!m.noise.includes(net.noise!.kind)) continue;
      it(`${label}, ${m.name}: all particles at once = two blocks with firstStream (bit for bit)`, () => {
        const d = net.d;
        const M = 2500; // more than one internal block of 1024
        const x0 = Float64Array.from({ length: M * d }, (_, i) => Math.sin(i));
        const opts = { method: m.name, stepsPerLayer: 5, seed: 99, saveAt: [0, 0.4, 1] };
        const all = solveSde(net, x0, opts);
        const cut = 1300;
        const a = solveSde(net, x0.slice(0, cut * d), opts);
        const b = solveSde(net, x0.slice(cut * d), { ...opts, firstStream: cut });
        expect(Array.from(all.x)).toEqual([...a.x, ...b.x]);
        for (let s = 0; s < 3; s++) {
          expect(Array.from(all.saved.subarray(s * M * d, (s + 1) * M * d))).toEqual([
            ...a.saved.subarray(s * cut * d, (s + 1) * cut * d),
            ...b.saved.subarray(s * (M - cut) * d, (s + 1) * (M - cut) * d),
          ]);
        }
        expect(Array.from(all.saved.subarray(0, M * d))).toEqual(Array.from(x0));
        expect(Array.from(all.saved.subarray(2 * M * d))).toEqual(Array.from(all.x));
        expect(Array.from(solveSde(net, x0, opts).x)).toEqual(Array.from(all.x)); // same seed, same result
      });
    }
  }

  it("Euler–Maruyama with one step per layer is the stochastic ResNet with stream i for particle i", () => {
    const ws = [-1, 0.5, 2],
      bs = [0.5, 0, -0.2];
    const net = createScalarNetwork({ sigma: "tanh", w: ws, b: bs, dt: 0.1, K: 0.7 });
    const x0 = linspaceEnsemble(20, -2, 2);
    const r = solveSde(net, x0, { seed: 5 });
    const kS = 0.7 * Math.sqrt(0.1);
    x0.forEach((v0, i) => {
      const rng = createRng(5, i);
      let v = v0;
      for (let k = 0; k < 3; k++) v = v + 0.1 * tanh.sigma(ws[k]! * v + bs[k]!) + kS * rng.normal();
      expect(r.x[i]).toBe(v);
    });
  });
});

describe("Ornstein–Uhlenbeck statistics (identity, w < 0, constant K) within 5 standard errors", () => {
  const w = -1,
    b = 0.5,
    K = 0.8,
    m0 = 1,
    M = 20000;
  const net = createScalarNetwork({ sigma: "identity", w, b, T: 1, nLayers: 100, K });
  for (const m of SDE_METHODS) {
    it(m.name, () => {
      const r = solveSde(net, new Float64Array(M).fill(m0), { method: m.name, seed: 2024, saveAt: [0.5, 1] });
      expect(r.status).toBe("success");
      [0.5, 1].forEach((t, s) => {
        const [mean, v] = meanVar(r.saved.subarray(s * M, (s + 1) * M));
        const e = Math.exp(w * t);
        const meanExact = e * m0 + (b * (e - 1)) / w;
        const varExact = (((K * K) / 2) * (e * e - 1)) / w;
        expect(Math.abs(mean - meanExact), `mean at t=${t}`).toBeLessThan(5 * Math.sqrt(varExact / M) + 0.01 * 0.5);
        expect(Math.abs(v - varExact), `variance at t=${t}`).toBeLessThan(5 * varExact * Math.sqrt(2 / M) + 0.01 * varExact);
      });
    });
  }
});

describe("strong orders on geometric Brownian motion (same Brownian paths at every step size)", () => {
  // dx = w x dt + s x dB: x(T) = x0 exp((w - s²/2) T + s W_T), exact on each path.
  const w = 0.5,
    s = 0.8,
    T = 1,
    M = 1000,
    nFine = 512,
    seed = 31;
  const net = createScalarNetwork({ sigma: "identity", w, b: 0, T, K: { kind: "diagonal", k: (x) => s * x, dk: () => s } });
  const WT = endpoints(seed, M, nFine, T);
  const exact = WT.map((wt) => Math.exp((w - (s * s) / 2) * T + s * wt));
  const cases: [SdeMethodName, number][] = [
    ["euler-maruyama", 0.5],
    ["milstein", 1],
  ];
  for (const [method, order] of cases) {
    it(`${method}: strong order ${order}`, () => {
      const Ns = [8, 16, 32, 64, 128];
      const errs = Ns.map((N) => {
        const r = solveSde(net, new Float64Array(M).fill(1), { method, stepsPerLayer: N, brownian: coarsened(seed, M, nFine, N, T) });
        let e = 0;
        for (let i = 0; i < M; i++) e += (r.x[i]! - exact[i]!) ** 2;
        return Math.sqrt(e / M);
      });
      const p = observedOrder(
        Ns.map((N) => 1 / N),
        errs,
      );
      expect(Math.abs(p - order), `order ${p}, errors ${errs.join(", ")}`).toBeLessThan(0.2);
    });
  }
});

describe("weak orders on the Ornstein–Uhlenbeck second moment (coupled with a fine reference)", () => {
  const T = 1,
    M = 20000,
    nFine = 256,
    seed = 77;
  const net = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T, K: 1 });
  const secondMoment = (x: Float64Array) => x.reduce((a, v) => a + v * v, 0) / x.length;
  const ref = secondMoment(
    solveSde(net, new Float64Array(M), { method: "platen-weak2", stepsPerLayer: nFine, brownian: coarsened(seed, M, nFine, nFine, T) }).x,
  );
  const cases: [SdeMethodName, number, number[]][] = [
    ["euler-maruyama", 1, [4, 8, 16, 32]],
    ["platen-weak2", 2, [2, 4, 8]],
  ];
  for (const [method, order, Ns] of cases) {
    it(`${method}: weak order ${order}`, () => {
      const errs = Ns.map((N) => {
        const r = solveSde(net, new Float64Array(M), { method, stepsPerLayer: N, brownian: coarsened(seed, M, nFine, N, T) });
        return Math.abs(secondMoment(r.x) - ref);
      });
      const p = observedOrder(
        Ns.map((N) => 1 / N),
        errs,
      );
      expect(Math.abs(p - order), `order ${p}, errors ${errs.join(", ")}`).toBeLessThan(0.25);
    });
  }
});

describe("blow-up and bad input", () => {
  it("identity with w > 0 over a long horizon: status non-finite, particles NaN, never Infinity", () => {
    const net = createScalarNetwork({ sigma: "identity", w: 1, b: 0, T: 2000, nLayers: 2000, K: 0.1 });
    const r = solveSde(net, new Float64Array([1, 2, 3]), { seed: 1 });
    expect(r.status).toBe("non-finite");
    expect(r.t).toBeGreaterThan(300);
    expect(r.t).toBeLessThan(1000);
    expect(r.failedParticle).toBeGreaterThanOrEqual(0);
    expect(r.x.every((v) => Number.isNaN(v))).toBe(true);
  });

  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, nLayers: 10, K: 0.5 });
  const x0 = new Float64Array([0, 1]);
  const diag = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: { kind: "diagonal", k: (x) => x } });
  const matrix = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: { kind: "matrix", K: (_x, out) => out.fill(1) } });
  it.each<[string, () => unknown, KineticErrorCode]>([
    ["no noise model", () => solveSde(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }), x0), "INVALID_ARGUMENT"],
    ["NaN in x0", () => solveSde(net, new Float64Array([NaN])), "INVALID_ARGUMENT"],
    ["Infinity in x0", () => solveSde(net, new Float64Array([Infinity])), "INVALID_ARGUMENT"],
    ["empty x0", () => solveSde(net, new Float64Array(0)), "INVALID_ARGUMENT"],
    ["unknown method", () => solveSde(net, x0, { method: "srk" as "milstein" }), "INVALID_ARGUMENT"],
    ["negative seed", () => solveSde(net, x0, { seed: -1 }), "INVALID_ARGUMENT"],
    ["fractional seed", () => solveSde(net, x0, { seed: 1.5 }), "INVALID_ARGUMENT"],
    ["NaN firstStream", () => solveSde(net, x0, { firstStream: NaN }), "INVALID_ARGUMENT"],
    ["stepsPerLayer 0", () => solveSde(net, x0, { stepsPerLayer: 0 }), "INVALID_ARGUMENT"],
    ["tEnd off the step grid", () => solveSde(net, x0, { tEnd: 0.55 }), "INVALID_ARGUMENT"],
    ["saveAt off the step grid", () => solveSde(net, x0, { saveAt: [0.25] }), "INVALID_ARGUMENT"],
    ["milstein with matrix noise", () => solveSde(matrix, x0, { method: "milstein" }), "UNSUPPORTED"],
    ["milstein without dk", () => solveSde(diag, x0, { method: "milstein" }), "UNSUPPORTED"],
    ["platen-weak2 with diagonal noise", () => solveSde(diag, x0, { method: "platen-weak2" }), "UNSUPPORTED"],
  ])("%s", (_l, f, code) => expectKineticError(f, code));

  it("matrix noise runs with Euler–Maruyama and matches the constant model when K(x) is constant", () => {
    const K = new Float64Array([0.3, 0.1, 0, 0.2]);
    const base = { sigma: "tanh", d: 2, W: [[-1, 0.3, 0.2, -1]], b: [[0.1, -0.1]], T: 1 } as const;
    const a = solveSde(createNetwork({ ...base, noise: { kind: "constant", K } }), new Float64Array([1, 2, -1, 0]), {
      stepsPerLayer: 4,
      seed: 3,
    });
    const m = solveSde(createNetwork({ ...base, noise: { kind: "matrix", K: (_x, out) => out.set(K) } }), new Float64Array([1, 2, -1, 0]), {
      stepsPerLayer: 4,
      seed: 3,
    });
    expect(Array.from(m.x)).toEqual(Array.from(a.x));
  });
});
