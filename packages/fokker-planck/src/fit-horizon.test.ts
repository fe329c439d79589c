import { createScalarNetwork } from "@kinetic-nde/core";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { cellAverages1D, createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { type FitOptions, finiteHorizonObjective, fitFiniteHorizon, fitSteadyState } from "./fit.js";
import { solveFokkerPlanck } from "./solve-1d.js";

const grid = createGrid1D(-4, 4, 160) as Grid1D;
const unit = createGrid1D(-1, 1, 160) as Grid1D;
/** A non-Gaussian initial density: for σ = identity a Gaussian f0 reaches only two moments (MODEL.md §6). */
const f0 = (x: number) => Math.exp(-((x - 0.8) ** 2) / 0.3) + 0.6 * Math.exp(-((x + 1) ** 2) / 0.5);
const f0Unit = (x: number) => Math.exp(-((x - 0.3) ** 2) / 0.05) + 0.5;

interface Case {
  readonly name: string;
  readonly options: FitOptions;
  readonly f0: (x: number) => number;
  /** θ = (w¹…w^L, b¹…b^L, log D, log κ, log D^k of every layer or log of the bimodal coefficients) of the generating model. */
  readonly theta: readonly number[];
  /** Recovery tolerance on θ. */
  readonly tol: number;
}

const cases: Case[] = [
  { name: "identity (Gaussian / OU drift)", options: { family: "identity", grid }, f0, theta: [-0.7, 0.3, Math.log(0.3)], tol: 1e-6 },
  { name: "tanh", options: { family: "tanh", grid }, f0, theta: [-1.2, 0.4, Math.log(0.25)], tol: 1e-4 },
  { name: "beta, D(x) = κ(1 - x²)", options: { family: "beta", grid: unit }, f0: f0Unit, theta: [-1, 0.3, Math.log(0.2)], tol: 1e-4 },
  {
    name: "layerwise tanh, 2 layers",
    options: { family: "layerwise", layers: 2, grid },
    f0,
    theta: [-1.2, 0.6, 0.5, -0.4, Math.log(0.2)],
    tol: 1e-4,
  },
  {
    name: "layerwise softplus, 2 layers",
    options: { family: "layerwise", layers: 2, activation: "softplus", grid },
    f0,
    theta: [-1, 0.5, 0.3, -0.3, Math.log(0.2)],
    tol: 1e-4,
  },
  {
    name: "layerwise tanh, 2 layers, one D^k per layer",
    options: { family: "layerwise", layers: 2, diffusionPerLayer: true, grid },
    f0,
    theta: [-1.2, 0.6, 0.5, -0.4, Math.log(0.3), Math.log(0.1)],
    tol: 1e-4,
  },
  {
    name: "bimodal, D(x) = d₀ + Σ c_j bumps at -1.5, 0, 1.5",
    options: { family: "bimodal", basisCentres: [-1.5, 0, 1.5], grid },
    f0,
    theta: [-0.8, 0.2, Math.log(0.05), Math.log(0.3), Math.log(0.05), Math.log(0.2)],
    tol: 1e-4,
  },
];

/** The model's own discrete f(T) at θ, as a target on the fit grid. */
function ownTarget(c: Case, T = 1) {
  const g = c.options.grid!;
  return { density: finiteHorizonObjective(c.f0, c.f0, T, c.options).evolve(c.theta), grid: g };
}

function thetaOf(fit: ReturnType<typeof fitFiniteHorizon>): number[] {
  const p = fit.params;
  const w = p.layers?.w ?? [p.w];
  const b = p.layers?.b ?? [p.b];
  const logD = p.coefficients ?? p.layers?.D ?? [p.kappa ?? (p.D as number)];
  return [...w, ...b, ...logD.map(Math.log)];
}

describe("finite-horizon fit objective: the adjoint gradient equals central finite differences", () => {
  for (const c of cases) {
    for (const loss of ["kl", "l2", "w1"] as const) {
      it(`${c.name}, ${loss}: ≤ 1e-6 relative to the largest entry`, () => {
        const o = finiteHorizonObjective(c.f0, ownTarget(c), 1, { ...c.options, loss });
        // away from the optimum (L² and W1 have a kink at a perfect fit)
        const t = c.theta.map((v, i) => v + 0.1 * Math.sin(i + 1));
        const grad = new Float64Array(t.length);
        const J = o.valueAndGradient(t, grad);
        expect(J).toBeCloseTo(o.value(t), 12);
        const scale = Math.max(...Array.from(grad, Math.abs));
        expect(scale).toBeGreaterThan(1e-3);
        const h = 1e-5; // truncation O(h²) ≈ 1e-10, round-off ≈ 1e-16 / h ≈ 1e-11 relative
        for (let j = 0; j < t.length; j++) {
          const tp = [...t];
          const tm = [...t];
          tp[j]! += h;
          tm[j]! -= h;
          const fd = (o.value(tp) - o.value(tm)) / (2 * h);
          expect(Math.abs(fd - grad[j]!) / scale).toBeLessThan(1e-6);
        }
      });
    }
  }

  it("the objective's f(T) is solveFokkerPlanck's with the fit's step dt = T / steps", () => {
    const o = finiteHorizonObjective(f0, f0, 2, { family: "tanh", grid, steps: 40 });
    const network = createScalarNetwork({ sigma: "tanh", w: -1.2, b: 0.4, T: 2 });
    // the fit normalises f0 (its cell averages) to mass 1, and the solve is linear in f0
    const fInit = cellAverages1D(f0, grid);
    const mass = fInit.reduce((acc, v) => acc + v, 0) * grid.dx;
    const exact = solveFokkerPlanck({ network, grid, f0: fInit.map((v) => v / mass), D: 0.25 }, { dt: 2 / 40 }).f;
    const got = o.evolve([-1.2, 0.4, Math.log(0.25)]);
    for (let i = 0; i < grid.n; i++) expect(Math.abs(got[i]! - exact[i]!)).toBeLessThan(1e-14);
  });
});

describe("finite-horizon gradient fits recover the parameters of their own f(T)", () => {
  for (const c of cases) {
    it(`${c.name}: θ to ${c.tol}`, () => {
      const fit = fitFiniteHorizon(c.f0, ownTarget(c), 1, c.options);
      expect(fit.method).toBe("gradient");
      expect(fit.status).toBe("success");
      const est = thetaOf(fit);
      for (let j = 0; j < est.length; j++) expect(Math.abs(est[j]! - c.theta[j]!)).toBeLessThan(c.tol);
    });
  }
});

describe("gradient vs Nelder–Mead at a finite horizon", () => {
  // N(0, 0.5²) transported for T = 1 towards a skewed (gamma-like) density: not in the family
  const g200 = createGrid1D(-4, 4, 200) as Grid1D;
  const start = (x: number) => Math.exp(-(x * x) / 0.5);
  const skew = (x: number) => (x > -1 ? (x + 1) * Math.exp(-(x + 1) / 0.8) : 0);

  it("tanh, KL: the gradient fit reaches a loss ≤ Nelder–Mead's with fewer evaluations", () => {
    const gr = fitFiniteHorizon(start, skew, 1, { family: "tanh", grid: g200 });
    const nm = fitFiniteHorizon(start, skew, 1, { family: "tanh", grid: g200, method: "nelder-mead" });
    expect(gr.status).toBe("success");
    expect(gr.loss).toBeLessThanOrEqual(nm.loss * (1 + 1e-9));
    expect(gr.stats.evaluations).toBeLessThan(nm.stats.evaluations);
  });

  it("layerwise (3 layers), W1: the gradient fit's loss is below Nelder–Mead's", () => {
    const o = { family: "layerwise", layers: 3, grid: g200, loss: "w1" } as const;
    const gr = fitFiniteHorizon(start, skew, 1, o);
    const nm = fitFiniteHorizon(start, skew, 1, { ...o, method: "nelder-mead" });
    expect(gr.loss).toBeLessThan(nm.loss);
    expect(gr.params.layers?.w).toHaveLength(3);
  });

  it("multi-start is seeded: the same seed gives the same fit", () => {
    const o = { family: "tanh", grid: g200, restarts: 2, maxEvaluations: 400 } as const;
    const a = fitFiniteHorizon(start, skew, 1, { ...o, seed: 7 });
    const b = fitFiniteHorizon(start, skew, 1, { ...o, seed: 7 });
    expect([a.params.w, a.params.b, a.params.D]).toEqual([b.params.w, b.params.b, b.params.D]);
    expect(a.stats.evaluations).toBe(b.stats.evaluations);
  });

  it("a budget too small to converge is reported as max-steps, never success", () => {
    const fit = fitFiniteHorizon(start, skew, 1, { family: "tanh", grid: g200, maxEvaluations: 5 });
    expect(fit.status).toBe("max-steps");
    expect(fit.stats.evaluations).toBeLessThanOrEqual(5);
  });
});

describe("fitFiniteHorizon: bad input", () => {
  const target = { density: Float64Array.from({ length: grid.n }, (_, i) => f0(grid.xMin + (i + 0.5) * grid.dx)), grid };
  it("families without a finite-horizon gradient name options.family", () => {
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "gaussian" }), "UNSUPPORTED", /options\.family.*"identity"/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "cubic" as never }), "INVALID_ARGUMENT", /options\.family/);
    expectKineticError(() => fitSteadyStateLayerwise(), "INVALID_ARGUMENT", /options\.family/);
  });
  it("layerwise options, steps, w, grid and method", () => {
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "tanh", layers: 3 }), "INVALID_ARGUMENT", /options\.layers/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { activation: "relu" }), "INVALID_ARGUMENT", /options\.activation/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "layerwise", layers: 0 }), "INVALID_ARGUMENT", /options\.layers/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "layerwise", layers: 2.5 }), "INVALID_ARGUMENT", /options\.layers/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "layerwise", layers: 1001 }), "INVALID_ARGUMENT", /options\.layers/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "layerwise", activation: "nope" }), "NOT_FOUND", /nope/);
    expectKineticError(
      () => fitFiniteHorizon(f0, target, 1, { family: "layerwise", layers: 8, steps: 4 }),
      "INVALID_ARGUMENT",
      /options\.steps/,
    );
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { w: -1 }), "INVALID_ARGUMENT", /options\.w/);
    expectKineticError(
      () => fitFiniteHorizon(f0, target, 1, { diffusionPerLayer: true }),
      "INVALID_ARGUMENT",
      /options\.diffusionPerLayer/,
    );
    expectKineticError(
      () => fitFiniteHorizon(f0, target, 1, { family: "layerwise", diffusionPerLayer: 1 as never }),
      "INVALID_ARGUMENT",
      /options\.diffusionPerLayer/,
    );
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { basisCentres: [0] }), "INVALID_ARGUMENT", /options\.basisCentres/);
    expectKineticError(
      () => fitFiniteHorizon(f0, target, 1, { family: "bimodal", basisCentres: [0, Number.NaN] }),
      "INVALID_ARGUMENT",
      /options\.basisCentres/,
    );
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { initial: { D: -1 } }), "INVALID_ARGUMENT", /options\.initial\.D/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { family: "beta" }), "INVALID_ARGUMENT", /options\.grid/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { method: "newton" as never }), "INVALID_ARGUMENT", /options\.method/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 0, {}), "INVALID_ARGUMENT", /`T`/);
    expectKineticError(() => fitFiniteHorizon(f0, target, 1, { maxEvaluations: 0 }), "INVALID_ARGUMENT", /options\.maxEvaluations/);
  });
  it("an aborted signal stops the gradient fit with its reason", () => {
    const ac = new AbortController();
    ac.abort(new Error("stop here"));
    expect(() => fitFiniteHorizon(f0, target, 1, { signal: ac.signal })).toThrow(/stop here/);
  });
});

function fitSteadyStateLayerwise() {
  return fitSteadyState((x) => Math.exp(-x * x), { grid, family: "layerwise" as never });
}
