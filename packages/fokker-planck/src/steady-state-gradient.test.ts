import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { solveSteadyState, type SteadyStateProblem } from "./steady-state.js";
import { steadyStateSensitivity, type SteadyStateLoss } from "./steady-state-gradient.js";

/**
 * Central differences of the steady state and of the loss in one parameter, h = 1e-6: truncation
 * O(h²) ≈ 1e-12 relative and cancellation ≈ 1e-16/h = 1e-10 relative, far below the 1e-6 asked.
 */
function centralDifferences(
  make: (v: number) => SteadyStateProblem,
  v: number,
  target: Float64Array,
  loss: SteadyStateLoss,
  dD?: readonly ((x: number) => number)[],
): { df: Float64Array; dloss: number } {
  const h = 1e-6 * Math.max(1, Math.abs(v));
  const opts = { target, loss, ...(dD !== undefined ? { dD } : {}) };
  const p = steadyStateSensitivity(make(v + h), opts);
  const m = steadyStateSensitivity(make(v - h), opts);
  return { df: p.f.map((fp, i) => (fp - m.f[i]!) / (2 * h)), dloss: (p.loss! - m.loss!) / (2 * h) };
}

function maxAbs(a: Float64Array): number {
  return a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
}

/** Compare every parameter's ∂f and ∂loss with central differences (1e-6 relative to the largest entry). */
function checkAgainstFd(
  label: string,
  base: SteadyStateProblem,
  setters: readonly ((v: number) => SteadyStateProblem)[],
  values: readonly number[],
  target: Float64Array,
  dD?: readonly ((x: number) => number)[],
): void {
  for (const loss of ["kl", "l2", "w1"] as const) {
    const s = steadyStateSensitivity(base, { target, loss, ...(dD !== undefined ? { dD } : {}) });
    expect(s.df.length).toBe(setters.length);
    setters.forEach((set, k) => {
      const fd = centralDifferences(set, values[k]!, target, loss, dD);
      expectAllClose(s.df[k]!, fd.df, { atol: 1e-6 * maxAbs(fd.df), rtol: 0, label: `${label} ∂f/∂${s.parameters[k]}` });
      expectAllClose(s.gradient![k]!, fd.dloss, { rtol: 1e-6, atol: 1e-12, label: `${label} ${loss} ∂loss/∂${s.parameters[k]}` });
      // the mass stays 1: Σ ∂f Δx = 0
      expect(Math.abs(s.df[k]!.reduce((a, v) => a + v, 0) * base.grid.dx)).toBeLessThan(1e-12 * maxAbs(s.df[k]!) + 1e-14);
    });
  }
}

function constantDFamily(grid: Grid1D, sigma: string, w: number, b: number, D: number, target: Float64Array): void {
  const base = { grid, sigma, w, b, D };
  checkAgainstFd(sigma, base, [(v) => ({ ...base, w: v }), (v) => ({ ...base, b: v }), (v) => ({ ...base, D: v })], [w, b, D], target);
}

describe("steadyStateSensitivity: exact derivatives of the discrete steady state vs central differences (≤ 1e-6 relative)", () => {
  const grid = createGrid1D(-4, 4, 200);
  const target = solveSteadyState({ grid, sigma: "tanh", w: -1, b: 0.1, D: 0.5 }).f;

  it("Gaussian / Ornstein–Uhlenbeck (identity, constant D): w, b, D", () => {
    constantDFamily(grid, "identity", -1.2, 0.3, 0.4, target);
  });

  it("tanh (sech-power), constant D: w, b, D", () => {
    constantDFamily(grid, "tanh", -1.5, 0.6, 0.3, target);
  });

  it("every other activation (sigmoid, softplus, ReLU, leaky ReLU): w, b, D", () => {
    for (const sigma of ["sigmoid", "softplus", "relu", "leaky-relu"]) constantDFamily(grid, sigma, -1.1, 0.2, 0.5, target);
  });

  it("Beta-type, D(x) = κ(1 - x²) on (-1, 1): w, b, κ", () => {
    const gb = createGrid1D(-1, 1, 200);
    const tb = solveSteadyState({ grid: gb, sigma: "identity", w: -1, b: 0.1, D: (x) => 0.3 * (1 - x * x) }).f;
    const make = (w: number, b: number, kappa: number): SteadyStateProblem => ({
      grid: gb,
      sigma: "identity",
      w,
      b,
      D: (x: number) => kappa * (1 - x * x),
    });
    checkAgainstFd(
      "beta",
      make(-1, 0.3, 0.2),
      [(v) => make(v, 0.3, 0.2), (v) => make(-1, v, 0.2), (v) => make(-1, 0.3, v)],
      [-1, 0.3, 0.2],
      tb,
      [(x) => 1 - x * x],
    );
  });

  it("bimodal, D(x) = d₀ + Σ c_j exp(-(x - m_j)²/(2s²)): w, b, d₀ and every c_j", () => {
    const centres = [-2, -1, 0, 1, 2];
    const phi = (j: number, x: number) => Math.exp(-0.5 * ((x - centres[j]!) / 0.5) ** 2);
    const coef = [0.2, 0.1, 0.3, 1.5, 0.3, 0.1];
    const make = (w: number, b: number, c: readonly number[]): SteadyStateProblem => ({
      grid,
      sigma: "identity",
      w,
      b,
      D: (x: number) => c[0]! + centres.reduce((s, _, j) => s + c[j + 1]! * phi(j, x), 0),
    });
    const dD = [(_x: number) => 1, ...centres.map((_, j) => (x: number) => phi(j, x))];
    const setters = [
      (v: number) => make(v, 0.2, coef),
      (v: number) => make(-1, v, coef),
      ...coef.map(
        (_, k) => (v: number) =>
          make(
            -1,
            0.2,
            coef.map((c, i) => (i === k ? v : c)),
          ),
      ),
    ];
    checkAgainstFd("bimodal", make(-1, 0.2, coef), setters, [-1, 0.2, ...coef], target, dD);
  });

  it("f is the recursion steady state; names; a perfect fit has zero loss and gradient", () => {
    const p = { grid, sigma: "tanh", w: -1, b: 0.1, D: 0.5 };
    const s = steadyStateSensitivity(p, { target });
    expect(Array.from(s.f)).toEqual(Array.from(target));
    expect(s.parameters).toEqual(["w", "b", "D"]);
    expect(Math.abs(s.loss!)).toBeLessThan(1e-14);
    expectAllClose(s.gradient!, [0, 0, 0], { atol: 1e-12 });
    expect(steadyStateSensitivity(p).gradient).toBeUndefined();
  });

  it("bad input", () => {
    const p = { grid, sigma: "tanh", w: -1, b: 0.1, D: 0.5 };
    expectKineticError(() => steadyStateSensitivity(p, { target: [1, 2] }), "SHAPE_MISMATCH", /options\.target/);
    expectKineticError(() => steadyStateSensitivity(p, { loss: "kl" }), "INVALID_ARGUMENT", /options\.target/);
    expectKineticError(() => steadyStateSensitivity(p, { dD: [(x: number) => x] }), "INVALID_ARGUMENT", /options\.dD/);
    expectKineticError(() => steadyStateSensitivity(p, { target, loss: "hellinger" as never }), "INVALID_ARGUMENT", /options\.loss/);
    expectKineticError(() => steadyStateSensitivity(p, { tol: 1 } as never), "INVALID_ARGUMENT", /tol/);
    expectKineticError(() => steadyStateSensitivity({ ...p, D: (x: number) => x }, { dD: [() => 1] }), "INVALID_ARGUMENT", /D/);
    expectKineticError(
      () => steadyStateSensitivity({ ...p, D: (x: number) => 1 + x * x }, { dD: [1 as never] }),
      "INVALID_ARGUMENT",
      /dD\[0\]/,
    );
  });
});
