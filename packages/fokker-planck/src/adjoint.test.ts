import { createScalarNetwork } from "@kinetic-nde/core";
import { centralDifferenceError, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { type FokkerPlanckGradientOptions, fokkerPlanckGradient } from "./adjoint.js";
import type { Boundary, Diffusion1D } from "./chang-cooper.js";
import { solveFokkerPlanck } from "./solve-1d.js";

// J = Σ w_i f_i² Δx + θ² Σ x_i f_i Δx: nonlinear in f, with a head parameter θ
function objectiveOn(grid: Grid1D): DensityObjective {
  const n = grid.n;
  const xs = Float64Array.from({ length: n }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
  return {
    nParams: 1,
    initialTheta: Float64Array.of(0.7),
    evaluate(f, _g, theta, gradF, gradTheta) {
      const th = theta[0]!;
      let J = 0;
      let m1 = 0;
      for (let i = 0; i < n; i++) {
        const wi = 1 + 0.3 * Math.sin(2 * xs[i]!);
        const a = f[0]![i]!;
        J += wi * a * a * grid.dx;
        m1 += xs[i]! * a * grid.dx;
        if (gradF) gradF[0]![i] = 2 * wi * a * grid.dx + th * th * xs[i]! * grid.dx;
      }
      if (gradTheta) gradTheta[0] = 2 * th * m1;
      return J + th * th * m1;
    },
  };
}

interface Case {
  readonly grid: Grid1D;
  readonly f0: (x: number) => number;
  readonly W: readonly number[];
  readonly b: readonly number[];
  readonly K: number;
  /** Diffusion κ·d(x) given in the problem (K unused then), or undefined for D = K²/2. */
  readonly d?: (x: number) => number;
  readonly kappa?: number;
}

const wide: Case = {
  grid: createGrid1D(-4, 4, 40),
  f0: (x) => Math.exp(-((x - 0.5) ** 2)) + 0.3 * Math.exp(-((x + 1.5) ** 2) / 0.5),
  W: [0.8, -0.6, 0.4],
  b: [0.3, -0.2, 0.5],
  K: 0.6,
};

/** Relative error ‖g - fd‖/‖fd‖ over (W, b, θ, K or κ), fd by central differences of solveFokkerPlanck. */
function check(sigma: string, c: Case, opts: FokkerPlanckGradientOptions): number {
  const objective = objectiveOn(c.grid);
  const D = (kappa: number): Diffusion1D | undefined => {
    const d = c.d;
    return d === undefined ? undefined : (x: number) => kappa * d(x);
  };
  const problem = (W: readonly number[], b: readonly number[], K: number, kappa: number) => {
    const network = createScalarNetwork({ sigma, w: W, b, T: 1, K });
    const Dk = D(kappa);
    return Dk === undefined ? { network, grid: c.grid, f0: c.f0 } : { network, grid: c.grid, f0: c.f0, D: Dk };
  };
  const kappa0 = c.kappa ?? 1;
  const r = fokkerPlanckGradient(problem(c.W, c.b, c.K, kappa0), objective, opts);
  expect(r.status).toBe("success");
  const last = c.d === undefined ? r.gradK[0]! : r.gradDScale / kappa0;
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta, last];
  // the loss of the public solver (its own fused implicit-Euler sweeps) at perturbed parameters
  const L = c.W.length;
  const P = 2 * L + 2;
  const at = (p: number, e: number) => {
    const W = c.W.slice();
    const b = c.b.slice();
    let th = 0.7;
    let K = c.K;
    let kappa = kappa0;
    if (p < L) W[p]! += e;
    else if (p < 2 * L) b[p - L]! += e;
    else if (p === 2 * L) th += e;
    else if (c.d === undefined) K += e;
    else kappa += e;
    const { theta: _t, memoryBudget: _m, ...solveOpts } = opts;
    const f = solveFokkerPlanck(problem(W, b, K, kappa), solveOpts).f;
    return objective.evaluate([f], c.grid, Float64Array.of(th), null, null);
  };
  // central differences, ε = 1e-5 on O(1) parameters: truncation O(ε²) ≈ 1e-10 and round-off
  // ≈ 1e-16/ε ≈ 1e-11 relative, both far below the 1e-6 asked of the gradient
  expect(g.length).toBe(P);
  return centralDifferenceError(g, at);
}

const METHODS = [
  { method: "implicit-euler", dt: 0.05 },
  { method: "crank-nicolson", dt: 0.05 },
  { method: "explicit-euler", dt: 0.02 },
] as const;
const BOUNDARY_CASES: readonly (Boundary | readonly [Boundary, Boundary])[] = [
  "zero-flux",
  "outflow",
  "absorbing",
  ["outflow", "absorbing"],
  ["absorbing", "zero-flux"],
];
// relu-type activations: the kinks of `wide` (x = -0.375, -0.333, -1.25) lie more than 1e-2 from every
// Gauss–Legendre node of the face integrals and from the walls
const ACTIVATIONS = ["identity", "tanh", "sigmoid", "softplus", "relu", "leaky-relu"];

describe("fokkerPlanckGradient (1-D) against central finite differences of solveFokkerPlanck", () => {
  for (const m of METHODS)
    for (const boundary of BOUNDARY_CASES)
      it(`${m.method} / ${String(boundary)}: W, b, θ and K, every activation`, () => {
        for (const sigma of ACTIVATIONS) {
          const err = check(sigma, wide, { ...m, boundary });
          expect(err, sigma).toBeLessThan(1e-6);
        }
      });

  // D = κ(1 - x²) on [-1, 1]: small D near the walls drives z = ∫ a/D far from 0 (both branches of B)
  const narrow: Case = {
    grid: createGrid1D(-1, 1, 40),
    f0: (x) => 1 + 0.5 * Math.sin(3 * x),
    W: [1.5, -2, 1],
    // relu kinks at x = -b/w = -0.267, -0.165, -0.24: more than 2e-3 from every Gauss–Legendre node
    b: [0.4, -0.33, 0.24],
    K: 0,
    d: (x) => 1 - x * x,
    kappa: 0.3,
  };
  for (const m of METHODS)
    it(`${m.method}: variable D = κ(1 - x²), gradient in κ, every boundary`, () => {
      for (const boundary of BOUNDARY_CASES)
        for (const sigma of ["tanh", "relu"]) {
          const err = check(sigma, narrow, { ...m, dt: m.method === "explicit-euler" ? 0.001 : 0.05, boundary });
          expect(err, `${sigma} ${String(boundary)}`).toBeLessThan(1e-6);
        }
    });

  it("constant D given in the problem: ∂J/∂D = gradDScale / D", () => {
    const c: Case = { ...wide, d: () => 1, kappa: 0.25 };
    expect(check("tanh", c, { method: "crank-nicolson", dt: 0.05, boundary: "outflow" })).toBeLessThan(1e-6);
  });
});

describe("fokkerPlanckGradient: trajectory, statuses and errors", () => {
  const network = createScalarNetwork({ sigma: "tanh", w: wide.W, b: wide.b, T: 1, K: 0.6 });
  const problem = { network, grid: wide.grid, f0: wide.f0 };
  const objective = objectiveOn(wide.grid);

  it("the loss and final density agree with solveFokkerPlanck to round-off", () => {
    for (const m of METHODS) {
      const r = fokkerPlanckGradient(problem, objective, { ...m, boundary: "outflow" });
      const s = solveFokkerPlanck(problem, { ...m, boundary: "outflow" });
      let err = 0;
      let peak = 0;
      for (let i = 0; i < s.f.length; i++) {
        err = Math.max(err, Math.abs(r.f[i]! - s.f[i]!));
        peak = Math.max(peak, Math.abs(s.f[i]!));
      }
      expect(err, m.method).toBeLessThan(1e-13 * peak);
    }
  });

  it("checkpointed and stored trajectories give bit-identical gradients", () => {
    const o: FokkerPlanckGradientOptions = { method: "crank-nicolson", dt: 0.05, boundary: "absorbing" };
    const a = fokkerPlanckGradient(problem, objective, o);
    const b = fokkerPlanckGradient(problem, objective, { ...o, memoryBudget: 12 * 40 * 8 });
    expect(a.stats.recomputedSteps).toBe(0);
    expect(b.stats.recomputedSteps).toBeGreaterThan(0);
    expect(b.stats.peakTrajectoryBytes).toBeLessThan(a.stats.peakTrajectoryBytes);
    expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
    expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
    expect(Array.from(b.gradK)).toEqual(Array.from(a.gradK));
  });

  it("a non-finite loss gives status non-finite; mass lost beyond the tolerance gives mass-lost", () => {
    const bad: DensityObjective = { nParams: 0, evaluate: () => Number.NaN };
    expect(fokkerPlanckGradient(problem, bad, { dt: 0.05 }).status).toBe("non-finite");
    const badSeed: DensityObjective = {
      nParams: 0,
      evaluate: (_f, _g, _t, gradF) => {
        if (gradF) gradF[0]!.fill(Number.NaN);
        return 1;
      },
    };
    expect(fokkerPlanckGradient(problem, badSeed, { dt: 0.05 }).status).toBe("non-finite");
    const r = fokkerPlanckGradient(problem, objective, { dt: 0.05, boundary: "absorbing", massLossTolerance: 1e-6 });
    expect(r.status).toBe("mass-lost");
  });

  it("bad inputs give clear errors", () => {
    expect(() => fokkerPlanckGradient(problem, objective, { theta: new Float64Array(3) })).toThrow(/theta/);
    expect(() => fokkerPlanckGradient(problem, objective, { saveAt: [5] })).toThrow(/saveAt/);
    expect(() => fokkerPlanckGradient(problem, objective, { bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => fokkerPlanckGradient(problem, null as never)).toThrow(/objective/);
    expectKineticError(() => fokkerPlanckGradient(problem, objective, { dt: 0.05, memoryBudget: 100 }), "TOO_LARGE");
  });
});
