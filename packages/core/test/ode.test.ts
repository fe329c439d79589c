import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  characteristic1D,
  createConstantNetwork,
  createNetwork,
  createScalarNetwork,
  flow1D,
  forwardResnet,
  forwardResnetInto,
  getOdeMethod,
  linearFlow,
  linspaceEnsemble,
  ODE_METHODS,
  registerActivation,
  solveOde,
  solveOdeInto,
  tanh,
  type Activation,
  type KineticErrorCode,
  type NetworkParams,
  type OdeOptions,
} from "../src/index.js";
import { expectAllClose, expectKineticError, observedOrder } from "../src/testing.js";

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function exactEnsemble(sigma: string, w: number, b: number, x0: Float64Array, t: number): Float64Array {
  return x0.map((v) => characteristic1D(sigma, w, b, v, t));
}

/** Error at step h = 1/N of one method on dx/dt = σ(w x + b) over [0, 1] against the exact flow. */
function errorAt(method: string, sigma: string, w: number, b: number, N: number, x0: Float64Array): number {
  let r: ReturnType<typeof solveOde>;
  if (method === "dopri5") {
    // N identical layers and a loose tolerance: every step is clipped to a layer boundary, so the
    // pair runs with the fixed step 1/N and its 5th-order solution is what is measured.
    const net = createConstantNetwork({ sigma, W: w, b, T: 1, nLayers: N });
    r = solveOde(net, x0, { method: "dopri5", rtol: 1, atol: 1 });
    expect(r.stats.steps).toBe(N);
    expect(r.stats.rejected).toBe(0);
  } else {
    const net = createConstantNetwork({ sigma, W: w, b, T: 1 });
    r = solveOde(net, x0, { method: method as OdeOptions["method"] & string, stepsPerLayer: N });
    expect(r.stats.steps).toBe(N);
  }
  expect(r.status).toBe("success");
  expect(r.t).toBe(1);
  return maxAbsDiff(r.x, exactEnsemble(sigma, w, b, x0, 1));
}

describe("ODE_METHODS registry", () => {
  it("lists every method with metadata and getOdeMethod finds them", () => {
    expect(ODE_METHODS.map((m) => m.name)).toEqual(["euler", "heun", "rk4", "dopri5"]);
    for (const m of ODE_METHODS) {
      expect(getOdeMethod(m.name)).toBe(m);
      expect(m.stochastic).toBe(false);
      expect(m.order).toBeGreaterThanOrEqual(1);
    }
    expectKineticError(() => getOdeMethod("rk45"), "NOT_FOUND");
  });
});

describe("convergence orders against the exact characteristics (MODEL.md §3)", () => {
  const x0 = linspaceEnsemble(41, -2, 2);
  const cases: [string, number, number][] = [
    ["identity", -1, 0.5],
    ["tanh", -1.5, 0.5],
    ["tanh", 1.2, -0.3],
    ["sigmoid", -1, 0.5],
  ];
  for (const m of ODE_METHODS) {
    for (const [sigma, w, b] of cases) {
      it(`${m.name} has order ${m.order} for ${sigma}, w = ${w}`, () => {
        const Ns = m.order >= 4 ? [4, 8, 16, 32] : [16, 32, 64, 128, 256];
        const errs = Ns.map((N) => errorAt(m.name, sigma, w, b, N, x0));
        const p = observedOrder(
          Ns.map((N) => 1 / N),
          errs,
        );
        expect(Math.abs(p - m.order), `observed order ${p}, errors ${errs.join(", ")}`).toBeLessThan(0.2);
      });
    }
  }

  it("every method keeps its order on a layered network (steps land on the layer boundaries)", () => {
    const ws = [-1, 2, -0.5, 1.5, -2];
    const bs = [0.3, -0.2, 0.1, 0, 0.4];
    const x = linspaceEnsemble(21, -1.5, 1.5);
    for (const sigma of ["tanh", "sigmoid"]) {
      const net = createScalarNetwork({ sigma, w: ws, b: bs, T: 1 });
      const exact = x.map((v) => flow1D(net, v).x);
      for (const m of ODE_METHODS) {
        if (m.adaptive) continue;
        const spl = m.order >= 4 ? [2, 4, 8, 16] : [8, 16, 32, 64, 128];
        const errs = spl.map((s) => maxAbsDiff(solveOde(net, x, { method: m.name, stepsPerLayer: s }).x, exact));
        const p = observedOrder(
          spl.map((s) => 1 / s),
          errs,
        );
        expect(Math.abs(p - m.order), `${m.name}/${sigma}: order ${p}`).toBeLessThan(0.2);
      }
    }
  });
});

describe("dopri5", () => {
  it("meets its tolerance on a layered network and the error falls with rtol", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 2, -0.5, 1.5], b: [0.3, -0.2, 0.1, 0], T: 2 });
    const x0 = linspaceEnsemble(50, -2, 2);
    const exact = x0.map((v) => flow1D(net, v).x);
    let prev = Infinity;
    for (const rtol of [1e-4, 1e-6, 1e-8, 1e-10]) {
      const r = solveOde(net, x0, { rtol, atol: rtol * 1e-2 });
      expect(r.status).toBe("success");
      const err = maxAbsDiff(r.x, exact);
      expect(err, `rtol ${rtol}`).toBeLessThan(20 * rtol * 2);
      expect(err).toBeLessThan(prev);
      prev = err;
    }
  });

  it("dense output (saveAt) matches the exact solution, across layer boundaries", () => {
    const net = createScalarNetwork({ sigma: "sigmoid", w: [-1, 2, -0.5], b: [0.3, -0.2, 0.1], T: 3 });
    const x0 = linspaceEnsemble(30, -2, 2);
    const saveAt = [0, 0.123, 0.5, 1, 1.0001, 1.7, 2.5, 2.99, 3];
    const r = solveOde(net, x0, { rtol: 1e-10, atol: 1e-12, saveAt });
    expect(r.status).toBe("success");
    expect(Array.from(r.saveAt)).toEqual(saveAt);
    expect(r.saved.length).toBe(saveAt.length * x0.length);
    saveAt.forEach((t, s) => {
      const exact = x0.map((v) => flow1D(net, v, t).x);
      expectAllClose(r.saved.subarray(s * 30, (s + 1) * 30), exact, { rtol: 1e-8, atol: 1e-9, label: `t = ${t}` });
    });
    expect(Array.from(r.saved.subarray(0, 30))).toEqual(Array.from(x0));
    expect(Array.from(r.saved.subarray(8 * 30))).toEqual(Array.from(r.x));
  });

  it("reports max-steps and step-too-small as statuses", () => {
    const net = createConstantNetwork({ sigma: "tanh", W: -1, b: 0.2, T: 10 });
    const x0 = linspaceEnsemble(10, -1, 1);
    const a = solveOde(net, x0, { maxSteps: 3, rtol: 1e-10 });
    expect(a.status).toBe("max-steps");
    expect(a.t).toBeLessThan(10);
    expect(a.x.every(Number.isFinite)).toBe(true);
    const b = solveOde(net, x0, { rtol: 1e-12, atol: 1e-14, minStep: 0.5 });
    expect(b.status).toBe("step-too-small");
  });
});

describe("fixed-step saveAt", () => {
  it("off-grid save times are within the method's error of the exact solution", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 1], b: [0.2, -0.1], T: 2 });
    const x0 = linspaceEnsemble(11, -2, 2);
    const saveAt = [0, 0.3, 0.5, 1, 1.37, 2];
    const r = solveOde(net, x0, { method: "rk4", stepsPerLayer: 32, saveAt });
    saveAt.forEach((t, s) => {
      const exact = x0.map((v) => flow1D(net, v, t).x);
      expectAllClose(r.saved.subarray(s * 11, (s + 1) * 11), exact, { atol: 1e-8, label: `t = ${t}` });
    });
    // The trajectory does not depend on the save times.
    const plain = solveOde(net, x0, { method: "rk4", stepsPerLayer: 32 });
    expect(Array.from(r.x)).toEqual(Array.from(plain.x));
  });
});

describe("Euler is the ResNet", () => {
  function resnetReference(p: NetworkParams, x0: Float64Array): Float64Array {
    const { d, nLayers, W, b, dt } = p;
    const x = Float64Array.from(x0);
    const z = new Float64Array(d);
    for (let k = 0; k < nLayers; k++) {
      for (let i = 0; i < x.length; i += d) {
        for (let r = 0; r < d; r++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += W[k * d * d + r * d + j]! * x[i + j]!;
          z[r] = s + b[k * d + r]!;
        }
        for (let r = 0; r < d; r++) x[i + r] = x[i + r]! + dt * p.sigma.sigma(z[r]!);
      }
    }
    return x;
  }

  it("bit for bit, for every built-in activation and d = 1, 2, 3", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus", "leaky-relu(0.2)"),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (sigma, d, L, seed) => {
          let s = seed;
          const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
          const W = Array.from({ length: L * d * d }, rnd);
          const b = Array.from({ length: L * d }, rnd);
          const net = createNetwork({ sigma, d, W, b, T: 0.7 });
          const x0 = Float64Array.from({ length: 5 * d }, () => 3 * rnd());
          const copy = Float64Array.from(x0);
          const r = forwardResnet(net, x0);
          expect(r.status).toBe("success");
          expect(Array.from(r.x)).toEqual(Array.from(resnetReference(net, x0)));
          expect(Array.from(x0)).toEqual(Array.from(copy)); // input untouched
          const out = new Float64Array(x0.length);
          expect(forwardResnetInto(net, x0, out).x).toBe(out);
          expect(Array.from(out)).toEqual(Array.from(r.x));
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("the generic path (user activation) agrees exactly with the specialised kernels", () => {
    const myTanh: Activation = registerActivation(
      {
        name: "test-tanh-copy",
        formula: "tanh",
        sigma: (z) => tanh.sigma(z),
        dsigma: (z) => tanh.dsigma(z),
        d2sigma: () => 0,
        properties: { zeroAtZero: true, positive: false, monotone: true, bounded: true, lipschitz: 1, smooth: true },
      },
      { replace: true },
    );
    for (const d of [1, 2, 3]) {
      const W = Array.from({ length: 3 * d * d }, (_, i) => Math.sin(i + 1));
      const b = Array.from({ length: 3 * d }, (_, i) => 0.1 * Math.cos(i));
      const x0 = Float64Array.from({ length: 7 * d }, (_, i) => Math.sin(3 * i));
      for (const method of ["euler", "rk4", "dopri5"] as const) {
        const a = solveOde(createNetwork({ sigma: "tanh", d, W, b, T: 1 }), x0, { method, stepsPerLayer: 3 });
        const u = solveOde(createNetwork({ sigma: myTanh, d, W, b, T: 1 }), x0, { method, stepsPerLayer: 3 });
        expect(Array.from(u.x), `${method} d=${d}`).toEqual(Array.from(a.x));
      }
    }
  });
});

describe("d-dimensional identity against the matrix-exponential flow", () => {
  it("rk4 and dopri5 match linearFlow composed layer by layer", () => {
    const W = [
      [-1, 0.5, -0.5, -1],
      [0.2, 1, -1, 0.1],
      [0, 0, 0, 0],
    ];
    const b = [
      [0.2, -0.1],
      [0, 0.3],
      [1, -1],
    ];
    const net = createNetwork({ sigma: "identity", d: 2, W, b, T: 1.5 });
    const x0 = new Float64Array([1, 0, 0, 1, -1, 2, 0.5, 0.5]);
    let exact: Float64Array = x0;
    for (let k = 0; k < 3; k++) exact = linearFlow(W[k]!, b[k]!, exact, 0.5);
    expectAllClose(solveOde(net, x0, { method: "rk4", stepsPerLayer: 64 }).x, exact, { atol: 1e-9 });
    expectAllClose(solveOde(net, x0, { rtol: 1e-11, atol: 1e-13 }).x, exact, { rtol: 1e-9, atol: 1e-10 });
  });
});

describe("blow-up is a status, never a silent Infinity", () => {
  for (const m of ODE_METHODS) {
    it(`${m.name}: identity with w > 0 over a long horizon`, () => {
      const net = createConstantNetwork({ sigma: "identity", W: 1, b: 0, T: 2000, nLayers: 2000 });
      const x0 = new Float64Array([0.5, 1, -2]);
      const r = solveOde(net, x0, { method: m.name, saveAt: [1, 1000, 2000], maxSteps: 1e6 });
      expect(r.status).toBe("non-finite");
      expect(r.failedParticle).toBeGreaterThanOrEqual(0);
      // |x| reaches 1e150 near t = ln(1e150 / 2) ≈ 345 (later for the lower-order methods).
      expect(r.t).toBeGreaterThan(300);
      expect(r.t).toBeLessThan(1000);
      expect(r.x.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e150)).toBe(true);
      expect(r.saved.subarray(0, 3).every(Number.isFinite)).toBe(true);
      expect(r.saved.subarray(3).every(Number.isNaN)).toBe(true);
    });
  }
});

describe("bad input", () => {
  const net = createConstantNetwork({ sigma: "tanh", W: -1, b: 0, T: 1 });
  const x0 = new Float64Array([0, 1]);
  it.each<[string, () => unknown, KineticErrorCode]>([
    ["NaN in x0", () => solveOde(net, new Float64Array([0, NaN])), "INVALID_ARGUMENT"],
    ["Infinity in x0", () => solveOde(net, new Float64Array([Infinity])), "INVALID_ARGUMENT"],
    ["-Infinity in x0", () => solveOde(net, new Float64Array([-Infinity])), "INVALID_ARGUMENT"],
    ["empty x0", () => solveOde(net, new Float64Array(0)), "INVALID_ARGUMENT"],
    ["x0 not a Float64Array", () => solveOde(net, [0, 1] as unknown as Float64Array), "INVALID_ARGUMENT"],
    [
      "x0 length not a multiple of d",
      () => solveOde(createNetwork({ sigma: "tanh", d: 2, W: [1, 0, 0, 1], b: [0, 0], T: 1 }), new Float64Array(3)),
      "SHAPE_MISMATCH",
    ],
    ["out of the wrong length", () => solveOdeInto(net, x0, new Float64Array(3)), "SHAPE_MISMATCH"],
    ["unknown method", () => solveOde(net, x0, { method: "rk45" as "rk4" }), "INVALID_ARGUMENT"],
    ["stepsPerLayer 0", () => solveOde(net, x0, { method: "rk4", stepsPerLayer: 0 }), "INVALID_ARGUMENT"],
    ["stepsPerLayer 1.5", () => solveOde(net, x0, { method: "rk4", stepsPerLayer: 1.5 }), "INVALID_ARGUMENT"],
    ["rtol 0", () => solveOde(net, x0, { rtol: 0 }), "INVALID_ARGUMENT"],
    ["rtol NaN", () => solveOde(net, x0, { rtol: NaN }), "INVALID_ARGUMENT"],
    ["atol -1", () => solveOde(net, x0, { atol: -1 }), "INVALID_ARGUMENT"],
    ["tEnd negative", () => solveOde(net, x0, { tEnd: -1 }), "INVALID_ARGUMENT"],
    ["tEnd Infinity", () => solveOde(net, x0, { tEnd: Infinity }), "INVALID_ARGUMENT"],
    ["maxSteps 0", () => solveOde(net, x0, { maxSteps: 0 }), "INVALID_ARGUMENT"],
    ["saveAt beyond tEnd", () => solveOde(net, x0, { saveAt: [0.5, 2] }), "INVALID_ARGUMENT"],
    ["saveAt decreasing", () => solveOde(net, x0, { saveAt: [0.5, 0.2] }), "INVALID_ARGUMENT"],
    ["saveAt NaN", () => solveOde(net, x0, { saveAt: [NaN] }), "INVALID_ARGUMENT"],
    ["params not a network", () => solveOde({} as NetworkParams, x0), "INVALID_ARGUMENT"],
  ])("%s", (_label, f, code) => expectKineticError(f, code));
});

describe("invariants", () => {
  it("permuting the particles permutes the result (rk4, fixed seed)", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, 2], b: [0.1, -0.3], T: 1 });
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }), (xs) => {
        const x0 = Float64Array.from(xs);
        const perm = xs.map((_, i) => (i * 7 + 3) % xs.length);
        const isPerm = new Set(perm).size === xs.length;
        const order = isPerm ? perm : xs.map((_, i) => xs.length - 1 - i);
        const xp = Float64Array.from(order.map((i) => xs[i]!));
        const a = solveOde(net, x0, { method: "rk4", stepsPerLayer: 4 }).x;
        const b = solveOde(net, xp, { method: "rk4", stepsPerLayer: 4 }).x;
        order.forEach((i, k) => expect(b[k]).toBe(a[i]));
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("solutions of the 1-D flow keep their order (monotone map) and tEnd beyond T continues the last layer", () => {
    const net = createConstantNetwork({ sigma: "tanh", W: -1, b: 0.3, T: 1 });
    const x0 = linspaceEnsemble(100, -3, 3);
    const r = solveOde(net, x0, { tEnd: 2.5, rtol: 1e-10, atol: 1e-12 });
    for (let i = 1; i < 100; i++) expect(r.x[i]!).toBeGreaterThan(r.x[i - 1]!);
    expectAllClose(r.x, exactEnsemble("tanh", -1, 0.3, x0, 2.5), { rtol: 1e-8, atol: 1e-9 });
  });
});
