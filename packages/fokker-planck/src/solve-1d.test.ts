import { createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FOKKER_PLANCK_METHODS, solveFokkerPlanck } from "./solve-1d.js";
import { solveSteadyState } from "./steady-state.js";

const grid = createGrid1D(-4, 4, 80);

describe("solveFokkerPlanck: invariants", () => {
  it("implicit Euler keeps mass to 1e-12 and f ≥ 0 (property, every activation)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        fc.double({ min: 0.001, max: 2, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 80, maxLength: 80 }),
        (sigma, w, b, D, dt, f0raw) => {
          const f0 = Float64Array.from(f0raw);
          f0[3] = 1; // positive mass
          const network = createScalarNetwork({ sigma, w: [w, -w], b: [b, 0], T: 1 });
          const r = solveFokkerPlanck({ network, grid, f0, D }, { dt });
          expect(r.status).toBe("success");
          expectAllClose(r.stats.massFinal, r.stats.massInitial, { rtol: 1e-12 });
          expect(r.stats.minValue).toBeGreaterThanOrEqual(0);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("every method conserves mass with zero-flux walls; the registry declares orders", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.3, T: 0.5, K: 0.8 });
    for (const m of FOKKER_PLANCK_METHODS) {
      const r = solveFokkerPlanck(
        { network, grid, f0: (x) => Math.exp(-x * x) },
        { method: m.name, ...(m.name === "explicit-euler" ? {} : { dt: 0.01 }) },
      );
      expectAllClose(r.stats.massFinal, r.stats.massInitial, { rtol: 1e-12, label: m.name });
      expect(r.stats.minValue).toBeGreaterThanOrEqual(0);
      expect(m.order).toBeGreaterThanOrEqual(1);
    }
  });

  it("the discrete steady state is preserved to round-off by implicit Euler and Crank–Nicolson", () => {
    for (const [sigma, D] of [
      ["identity", 0.3],
      ["tanh", (x: number) => 0.2 + 0.1 * x * x],
    ] as const) {
      const fs = solveSteadyState({ grid, sigma, w: -1.3, b: 0.4, D }).f;
      const network = createScalarNetwork({ sigma, w: -1.3, b: 0.4, T: 5 });
      for (const method of ["implicit-euler", "crank-nicolson"] as const) {
        const r = solveFokkerPlanck({ network, grid, f0: fs, D }, { dt: 0.05, method });
        let peak = 0;
        for (const v of fs) peak = Math.max(peak, v);
        expectAllClose(r.f, fs, { atol: 1e-13 * peak, rtol: 0, label: `${sigma} ${method}` });
      }
    }
  });

  it("Crank–Nicolson: positive below Δt·max|A_ii| ≤ 2, may oscillate negative above (documented caveat)", () => {
    const network = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 0.5 });
    const f0 = new Float64Array(80);
    f0[40] = 10; // a spike: rich in the stiffest modes, which Crank–Nicolson damps by a factor ≈ -1
    const big = solveFokkerPlanck({ network, grid, f0, D: 0.5, T: 0.25 }, { method: "crank-nicolson", dt: 0.25 });
    expect(big.stats.maxCfl).toBeGreaterThan(2);
    expect(big.stats.minValue).toBeLessThan(0);
    const small = solveFokkerPlanck({ network, grid, f0, D: 0.5 }, { method: "crank-nicolson", dt: 0.005 });
    expect(small.stats.maxCfl).toBeLessThanOrEqual(2);
    expect(small.stats.minValue).toBeGreaterThanOrEqual(0);
  });

  it("explicit Euler enforces its stability bound (UNSTABLE) and otherwise chooses dt", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 0.2 });
    expectKineticError(
      () => solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.5 }, { method: "explicit-euler", dt: 0.1 }),
      "UNSTABLE",
    );
    try {
      solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.5 }, { method: "explicit-euler", dt: 0.1 });
    } catch (e) {
      expect(String(e)).toMatch(/explicit Euler needs dt <= /);
    }
    const r = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.5 }, { method: "explicit-euler" });
    expect(r.stats.maxCfl).toBeLessThanOrEqual(1);
    expect(r.stats.minValue).toBeGreaterThanOrEqual(0);
  });

  it("outflow and absorbing boundaries report the mass lost (success; mass-lost above massLossTolerance; budget closes)", () => {
    const network = createScalarNetwork({ sigma: "identity", w: 1, b: 0, T: 1 });
    for (const boundary of ["outflow", "absorbing"] as const) {
      const ok = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.2 }, { boundary, dt: 0.01 });
      expect(ok.status).toBe("success");
      const r = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.2 }, { boundary, dt: 0.01, massLossTolerance: 0.01 });
      expect(r.stats.massLost).toBe(ok.stats.massLost);
      expect(r.status).toBe("mass-lost");
      expect(r.stats.massLost).toBeGreaterThan(0.01);
      expectAllClose(r.stats.massFinal + r.stats.massLost, r.stats.massInitial, { rtol: 1e-12, label: boundary });
      expect(r.stats.minValue).toBeGreaterThanOrEqual(0);
    }
    const inward = solveFokkerPlanck(
      { network: createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 }), grid, f0: (x) => Math.exp(-x * x), D: 0.2 },
      { boundary: ["outflow", "outflow"] },
    );
    expect(inward.stats.massLost).toBe(0);
    expect(inward.status).toBe("success");
  });

  it("steps land on layer boundaries and saveAt times: a two-layer solve equals two one-layer solves", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5], b: [0.2, -0.4], dt: 0.37 });
    const f0 = (x: number) => Math.exp(-x * x);
    const full = solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { dt: 0.1, saveAt: [0, 0.37, 0.5] });
    expect(full.times).toEqual([0, 0.37, 0.5]);
    const a = solveFokkerPlanck({ network: createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 0.37 }), grid, f0, D: 0.3 }, { dt: 0.1 });
    expectAllClose(full.saved[1]!, a.f, { rtol: 1e-13, atol: 1e-16 });
    const b = solveFokkerPlanck(
      { network: createScalarNetwork({ sigma: "tanh", w: 0.5, b: -0.4, T: 0.13 }), grid, f0: a.f, D: 0.3 },
      { dt: 0.1 },
    );
    expectAllClose(full.saved[2]!, b.f, { rtol: 1e-13, atol: 1e-16 });
  });

  it("save times within round-off of a layer boundary add no extra step", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, -1, 0.2, -1], b: 0, dt: 0.1 });
    const r = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.3 }, { dt: 0.1, saveAt: [0.3, 0.5] });
    expect(r.stats.steps).toBe(5);
    expect(r.times).toEqual([0.3, 0.5]);
  });

  it("diffusion from the network's noise model: constant K gives D = K²/2", () => {
    const network = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 0.3, K: 0.8 });
    const a = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x) });
    const b = solveFokkerPlanck({ network, grid, f0: (x) => Math.exp(-x * x), D: 0.32 });
    expectAllClose(a.f, b.f, { rtol: 1e-14, atol: 1e-300 });
    const diag = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 0.3, K: { kind: "diagonal", k: () => 0.8 } });
    expectAllClose(solveFokkerPlanck({ network: diag, grid, f0: (x) => Math.exp(-x * x) }).f, b.f, { rtol: 1e-14, atol: 1e-300 });
  });

  it("does not mutate its inputs", () => {
    const f0 = new Float64Array(80).fill(0.1);
    const copy = f0.slice();
    solveFokkerPlanck({ network: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 0.1 }), grid, f0, D: 0.3 });
    expect(f0).toEqual(copy);
  });
});

describe("solveFokkerPlanck: time convergence orders", () => {
  it("implicit Euler order 1, Crank–Nicolson order 2 (least-squares slope within 0.2)", async () => {
    const { observedOrder } = await import("@kinetic-nde/core/testing");
    const g = createGrid1D(-4, 4, 100);
    const network = createScalarNetwork({ sigma: "tanh", w: -1.2, b: 0.3, T: 0.5 });
    const f0 = (x: number) => Math.exp(-2 * (x - 0.5) ** 2);
    const ref = solveFokkerPlanck({ network, grid: g, f0, D: 0.4 }, { method: "crank-nicolson", dt: 0.5 / 4096 }).f;
    for (const [method, order] of [
      ["implicit-euler", 1],
      ["crank-nicolson", 2],
    ] as const) {
      const hs: number[] = [];
      const errs: number[] = [];
      for (const n of [8, 16, 32, 64]) {
        const f = solveFokkerPlanck({ network, grid: g, f0, D: 0.4 }, { method, dt: 0.5 / n }).f;
        let e = 0;
        for (let i = 0; i < g.n; i++) e += Math.abs(f[i]! - ref[i]!) * g.dx;
        hs.push(0.5 / n);
        errs.push(e);
      }
      expect(Math.abs(observedOrder(hs, errs) - order), `${method}: ${errs}`).toBeLessThan(0.2);
    }
  });
});

describe("solveFokkerPlanck: bad input", () => {
  const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 });
  const f0 = new Float64Array(80).fill(0.1);
  it.each([
    ["dt NaN", () => solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { dt: NaN }), "INVALID_ARGUMENT"],
    ["dt negative", () => solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { dt: -0.1 }), "INVALID_ARGUMENT"],
    ["T Infinity", () => solveFokkerPlanck({ network, grid, f0, D: 0.3, T: Infinity }), "INVALID_ARGUMENT"],
    ["T -Infinity", () => solveFokkerPlanck({ network, grid, f0, D: 0.3, T: -Infinity }), "INVALID_ARGUMENT"],
    ["D zero", () => solveFokkerPlanck({ network, grid, f0, D: 0 }), "INVALID_ARGUMENT"],
    ["D NaN", () => solveFokkerPlanck({ network, grid, f0, D: NaN }), "INVALID_ARGUMENT"],
    ["D(x) negative", () => solveFokkerPlanck({ network, grid, f0, D: (x) => x }), "INVALID_ARGUMENT"],
    ["no D, no noise", () => solveFokkerPlanck({ network, grid, f0 }), "INVALID_ARGUMENT"],
    ["f0 empty", () => solveFokkerPlanck({ network, grid, f0: [], D: 0.3 }), "INVALID_ARGUMENT"],
    ["f0 NaN", () => solveFokkerPlanck({ network, grid, f0: f0.map((v, i) => (i === 3 ? NaN : v)), D: 0.3 }), "INVALID_ARGUMENT"],
    ["f0 negative", () => solveFokkerPlanck({ network, grid, f0: f0.map((v, i) => (i === 3 ? -1 : v)), D: 0.3 }), "INVALID_ARGUMENT"],
    ["f0 wrong length", () => solveFokkerPlanck({ network, grid, f0: new Float64Array(79), D: 0.3 }), "SHAPE_MISMATCH"],
    [
      "network d = 2",
      () => solveFokkerPlanck({ network: createNetwork({ sigma: "tanh", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1 }), grid, f0, D: 0.3 }),
      "SHAPE_MISMATCH",
    ],
    ["bad boundary", () => solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { boundary: "periodic" as never }), "INVALID_ARGUMENT"],
    ["bad method", () => solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { method: "rk4" as never }), "INVALID_ARGUMENT"],
    ["saveAt beyond T", () => solveFokkerPlanck({ network, grid, f0, D: 0.3 }, { saveAt: [2] }), "INVALID_ARGUMENT"],
    ["grid missing", () => solveFokkerPlanck({ network, grid: undefined as never, f0, D: 0.3 }), "INVALID_ARGUMENT"],
  ] as const)("%s", (_name, fn, code) => expectKineticError(fn, code));
});
