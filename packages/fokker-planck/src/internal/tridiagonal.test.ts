import { type Activation, createScalarNetwork, createRng, tanh } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { changCooperCoefficients } from "../chang-cooper.js";
import { fillImplicitMatrix, solveFokkerPlanck } from "../solve-1d.js";
import {
  createTridiagonalFactors,
  factorTridiagonal,
  implicitStepsInPlace,
  luSolveInPlace,
  type StepsLog,
  thomasFactor,
  thomasSolveInPlace,
  type TridiagonalFactors,
  ulFactor,
  ulSolveInPlace,
} from "./numerics.js";
import { setWasmKernelsEnabled } from "@kinetic-nde/core/wasm";

afterEach(() => setWasmKernelsEnabled(true));

/** A random column- and row-diagonally dominant tridiagonal matrix (the structure of I - hA). */
function randomSystem(n: number, seed: number): { lower: Float64Array; diag: Float64Array; upper: Float64Array; x: Float64Array } {
  const rng = createRng(seed);
  const lower = new Float64Array(n);
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lower[i] = i > 0 ? -rng.uniform() * 50 : 0;
    upper[i] = i < n - 1 ? -rng.uniform() * 50 : 0;
    x[i] = rng.uniform();
  }
  for (let i = 0; i < n; i++)
    diag[i] =
      1 +
      rng.uniform() +
      Math.max(
        Math.abs(lower[i]!) + Math.abs(upper[i]!),
        (i > 0 ? Math.abs(upper[i - 1]!) : 0) + (i < n - 1 ? Math.abs(lower[i + 1]!) : 0),
      );
  return { lower, diag, upper, x };
}

function factorsOf(lower: Float64Array, diag: Float64Array, upper: Float64Array, wasm: boolean): TridiagonalFactors {
  setWasmKernelsEnabled(wasm);
  const fac = createTridiagonalFactors(diag.length);
  setWasmKernelsEnabled(true);
  fac.lower.set(lower);
  fac.diag.set(diag);
  fac.upper.set(upper);
  factorTridiagonal(fac);
  return fac;
}

const newLog = (): StepsLog => ({ wLeft: 0.3, wRight: 0.7, h: 0.01, dx: 0.1, massLost: 0, finite: true });

/** The W7 matrix I - Δt A (Chang–Cooper, a = -x + 0.5, D = 0.3, [-5, 5], zero flux). */
function w7System(n: number, dt = 0.01): { lower: Float64Array; diag: Float64Array; upper: Float64Array } {
  const grid = createGrid1D(-5, 5, n);
  const c = changCooperCoefficients(grid, (x) => -x + 0.5, 0.3, "zero-flux", "zero-flux");
  const lower = new Float64Array(n);
  const diag = new Float64Array(n);
  const upper = new Float64Array(n);
  fillImplicitMatrix(c, n, dt / (grid.dx * grid.dx), lower, diag, upper);
  return { lower, diag, upper };
}

describe("alternating LU/UL tridiagonal steps", () => {
  it("the tables hold exactly the numbers of the LU (Thomas) and UL factorisations", () => {
    for (const n of [2, 3, 8, 33]) {
      const { lower, diag, upper } = randomSystem(n, n);
      const fac = factorsOf(lower, diag, upper, false);
      const cp = new Float64Array(n),
        inv = new Float64Array(n),
        lw = new Float64Array(n);
      const cl = new Float64Array(n),
        invU = new Float64Array(n),
        uw = new Float64Array(n);
      thomasFactor(n, lower, diag, upper, cp, inv, lw);
      ulFactor(n, lower, diag, upper, cl, invU, uw);
      for (let i = 0; i < n; i++) {
        expect([fac.down[5 * i], fac.down[5 * i + 2], fac.down[5 * i + 3]]).toEqual([cp[i], invU[i], uw[i]]);
        expect([fac.up[5 * i], fac.up[5 * i + 2], fac.up[5 * i + 3]]).toEqual([cl[i], inv[i], lw[i]]);
        expect(fac.down[5 * i + 1]).toBe(i < n - 1 ? cp[i]! * cp[i + 1]! : 0);
        expect(fac.up[5 * i + 4]).toBe(i > 0 ? lw[i]! * lw[i - 1]! : 0);
      }
    }
  });

  it("one UL solve agrees with the Thomas (LU) solve to 1e-13 relative on random diagonally dominant systems", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const { lower, diag, upper, x } = randomSystem(n, seed);
        const fac = factorsOf(lower, diag, upper, false);
        const a = x.slice();
        const b = x.slice();
        luSolveInPlace(fac, a);
        ulSolveInPlace(fac, b);
        const ref = x.slice();
        const cp = new Float64Array(n),
          inv = new Float64Array(n),
          lw = new Float64Array(n);
        thomasFactor(n, lower, diag, upper, cp, inv, lw);
        thomasSolveInPlace(n, lw, cp, inv, ref);
        expect(Array.from(a)).toEqual(Array.from(ref)); // LU from the tables is the Thomas solve, bit for bit
        let peak = 0;
        for (const v of ref) peak = Math.max(peak, Math.abs(v));
        expectAllClose(b, ref, { rtol: 0, atol: 1e-13 * peak, label: `n=${n}` });
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("fused paired steps agree with repeated Thomas solves to 1e-13 relative per step on random systems", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (n, steps, seed) => {
        const { lower, diag, upper, x } = randomSystem(n, seed);
        const fac = factorsOf(lower, diag, upper, false);
        const got = x.slice();
        const log = newLog();
        expect(implicitStepsInPlace(fac, got, steps, log)).toBe(steps);
        expect(log.finite).toBe(true);
        const ref = x.slice();
        const cp = new Float64Array(n),
          inv = new Float64Array(n),
          lw = new Float64Array(n);
        thomasFactor(n, lower, diag, upper, cp, inv, lw);
        let lost = 0;
        for (let s = 0; s < steps; s++) {
          thomasSolveInPlace(n, lw, cp, inv, ref);
          lost += 0.01 * ((0.7 * ref[n - 1]! + 0.3 * ref[0]!) / 0.1);
        }
        let peak = 0;
        for (const v of ref) peak = Math.max(peak, Math.abs(v));
        expectAllClose(got, ref, { rtol: 0, atol: 1e-13 * steps * peak, label: `n=${n} steps=${steps}` });
        expectAllClose(log.massLost, lost, { rtol: 1e-12, label: "outflow" });
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("the WebAssembly sweeps are bit-identical to the JavaScript sweeps (every parity of n and steps)", () => {
    const sizes = [2, 3, 4, 5, 6, 7, 64, 101, 1000];
    for (const n of sizes) {
      for (let steps = 1; steps <= 6; steps++) {
        const { lower, diag, upper, x } = randomSystem(n, 1000 * n + steps);
        const js = factorsOf(lower, diag, upper, false);
        const wasm = factorsOf(lower, diag, upper, true);
        expect(js.region).toBeNull();
        expect(wasm.region).not.toBeNull(); // Node has WebAssembly: the fast path is exercised
        expect(Array.from(wasm.down)).toEqual(Array.from(js.down));
        expect(Array.from(wasm.up)).toEqual(Array.from(js.up));
        const a = x.slice();
        const b = x.slice();
        const la = newLog();
        const lb = newLog();
        implicitStepsInPlace(js, a, steps, la);
        implicitStepsInPlace(wasm, b, steps, lb);
        expect(Array.from(b)).toEqual(Array.from(a));
        expect(lb.massLost).toBe(la.massLost);
      }
    }
  });

  it("W7 data, 1000 steps: fused steps agree with 1000 Thomas solves to 4e-12 of the peak (bit-identical WebAssembly/JS)", () => {
    const n = 10_000;
    const { lower, diag, upper } = w7System(n);
    const f0 = new Float64Array(n).fill(0.1);
    const ref = f0.slice();
    const cp = new Float64Array(n),
      inv = new Float64Array(n),
      lw = new Float64Array(n);
    thomasFactor(n, lower, diag, upper, cp, inv, lw);
    for (let s = 0; s < 1000; s++) thomasSolveInPlace(n, lw, cp, inv, ref);
    const viaWasm = f0.slice();
    const viaJs = f0.slice();
    implicitStepsInPlace(factorsOf(lower, diag, upper, true), viaWasm, 1000, newLog());
    implicitStepsInPlace(factorsOf(lower, diag, upper, false), viaJs, 1000, newLog());
    expect(Array.from(viaWasm)).toEqual(Array.from(viaJs));
    let peak = 0;
    let l1 = 0;
    let l1ref = 0;
    for (let i = 0; i < n; i++) {
      peak = Math.max(peak, ref[i]!);
      l1 += Math.abs(viaJs[i]! - ref[i]!);
      l1ref += Math.abs(ref[i]!);
    }
    // round-off of a direct solve of I - Δt A (condition ≈ 1 + 4 D Δt/Δx² ≈ 1.2e4): measured 1.1e-12 of the peak
    expectAllClose(viaJs, ref, { rtol: 0, atol: 4e-12 * peak });
    expect(l1 / l1ref).toBeLessThan(4e-12);
  });

  it("a non-finite value stops the steps and is reported (both paths)", () => {
    for (const wasm of [false, true]) {
      const { lower, diag, upper, x } = randomSystem(50, 7);
      const fac = factorsOf(lower, diag, upper, wasm);
      x[20] = Number.NaN;
      const log = newLog();
      expect(implicitStepsInPlace(fac, x, 5, log)).toBe(1);
      expect(log.finite).toBe(false);
    }
  });

  it("solveFokkerPlanck gives bit-identical densities with and without the WebAssembly path", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, 0.8], b: [0.5, 0, -0.2], T: 3, K: 0.6 });
    const grid = createGrid1D(-5, 5, 301);
    const problem = { network, grid, f0: (x: number) => Math.exp(-x * x) };
    const options = { saveAt: [0.35, 1.7], boundary: ["outflow", "absorbing"] as const, dt: 0.05 };
    const a = solveFokkerPlanck(problem, options);
    setWasmKernelsEnabled(false);
    const b = solveFokkerPlanck(problem, options);
    expect(Array.from(a.f)).toEqual(Array.from(b.f));
    expect(a.saved.map((s) => Array.from(s))).toEqual(b.saved.map((s) => Array.from(s)));
    expect(a.stats).toEqual(b.stats);
    expect(a.stats.massLost).toBeGreaterThan(0);
  });

  it("a solve nested in a user activation (other grid size) leaves the outer solve unchanged", () => {
    const plain: Activation = { ...tanh, name: "tanh-copy", sigma: (z) => tanh.sigma(z) };
    let calls = 0;
    let nested = 0;
    const intrusive: Activation = {
      ...plain,
      name: "tanh-nesting",
      sigma: (z) => {
        // full solves inside the flux assembly of both layers of the outer solve, the first on a grid
        // larger than any before (the WebAssembly memory grows: the outer solve's views detach)
        if (calls === 0 || calls === 1500) {
          nested++;
          const inner = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 0.1 });
          solveFokkerPlanck(
            { network: inner, grid: createGrid1D(-4, 4, calls === 0 ? 60_001 : 101), f0: (x) => Math.exp(-x * x), D: 0.4 },
            { dt: 0.01 },
          );
        }
        calls++;
        return tanh.sigma(z);
      },
    };
    const grid = createGrid1D(-5, 5, 401);
    const run = (sigma: Activation) =>
      solveFokkerPlanck(
        { network: createScalarNetwork({ sigma, w: [-1, -0.4], b: [0.3, -0.1], T: 2, K: 0.7 }), grid, f0: (x) => Math.exp(-x * x) },
        { dt: 0.02 },
      );
    const ref = run(plain);
    const got = run(intrusive);
    expect(nested).toBe(2);
    expect(Array.from(got.f)).toEqual(Array.from(ref.f));
  });
});
