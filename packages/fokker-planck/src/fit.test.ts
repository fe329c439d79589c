import { createRng, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, loadIris } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { fitFiniteHorizon, fitSteadyState } from "./fit.js";
import { solveFokkerPlanck } from "./solve-1d.js";
import { solveSteadyState, stationaryDensity } from "./steady-state.js";

const grid = createGrid1D(-6, 6, 400);

describe("fitSteadyState recovers known parameters from their own steady states", () => {
  it("Gaussian (closed form): b = -wμ, D = s²|w| to 1e-9", () => {
    const g = stationaryDensity("identity", -1, 0.3, 0.5);
    const fit = fitSteadyState(g.pdf, { family: "gaussian", grid });
    expect(fit.params.w).toBe(-1);
    expectAllClose(fit.params.b, 0.3, { rtol: 1e-9 });
    expectAllClose(fit.params.D as number, 0.5, { rtol: 1e-6 });
    expect(fit.loss).toBeLessThan(1e-8);
  });

  it("identity with the Wasserstein-1 loss", () => {
    const g = stationaryDensity("identity", -1, -0.4, 0.2);
    const fit = fitSteadyState(g.pdf, { family: "identity", loss: "w1", grid });
    expectAllClose(fit.params.b, -0.4, { rtol: 1e-3 });
    expectAllClose(fit.params.D as number, 0.2, { rtol: 1e-3 });
  });

  it("tanh-type (sech power): (w, b, D) to 1e-2 relative", () => {
    const g = stationaryDensity("tanh", -1.5, 0.6, 0.4);
    const fit = fitSteadyState(g.pdf, { family: "tanh", grid });
    expectAllClose([fit.params.w, fit.params.b, fit.params.D as number], [-1.5, 0.6, 0.4], { rtol: 1e-2 });
    expect(fit.status).toBe("success");
  });

  it("Beta-type, D(x) = κ(1 - x²) on (-1, 1): (b, κ) to 1e-2 relative", () => {
    // w = -1, b = 0.3, κ = 0.2 → α = (1 - b)/(2κ) = 1.75, β = (1 + b)/(2κ) = 3.25
    const target = (x: number) => Math.pow(1 - x, 0.75) * Math.pow(1 + x, 2.25);
    const fit = fitSteadyState(target, { family: "beta" });
    expectAllClose([fit.params.b, fit.params.kappa!], [0.3, 0.2], { rtol: 1e-2 });
    expect(fit.loss).toBeLessThan(1e-4);
  });

  it("bimodal target: the D(x)-basis family beats the best Gaussian", () => {
    const g = createGrid1D(-3, 3, 300);
    const target = (x: number) => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
    const gauss = fitSteadyState(target, { family: "gaussian", grid: g });
    const bim = fitSteadyState(target, { family: "bimodal", grid: g });
    expect(bim.losses.kl).toBeLessThan(0.25 * gauss.losses.kl);
    // the fitted density is bimodal: it dips in the middle
    expect(bim.fitted[150]!).toBeLessThan(0.5 * Math.max(...bim.fitted));
  });

  it("samples (e.g. labels of a data set): Gaussian fit recovers mean and variance within 5 standard errors", () => {
    const rng = createRng(7);
    const M = 20000;
    const x = new Float64Array(M);
    for (let i = 0; i < M; i++) x[i] = 1.5 + 0.7 * rng.normal();
    const fit = fitSteadyState({ samples: x }, { family: "gaussian" });
    const mu = -fit.params.b / fit.params.w;
    expect(Math.abs(mu - 1.5)).toBeLessThan((5 * 0.7) / Math.sqrt(M));
    expect(Math.abs((fit.params.D as number) - 0.49)).toBeLessThan(5 * 0.49 * Math.sqrt(2 / M) + 1e-3);
  });

  it("bad input", () => {
    expectKineticError(() => fitSteadyState((x) => Math.exp(-x * x)), "INVALID_ARGUMENT"); // grid required
    expectKineticError(() => fitSteadyState({ samples: [] }), "INVALID_ARGUMENT");
    expectKineticError(() => fitSteadyState({ samples: [1, NaN] }), "INVALID_ARGUMENT");
    expectKineticError(() => fitSteadyState({ density: [1, 2, 3], grid }), "SHAPE_MISMATCH");
    expectKineticError(() => fitSteadyState({ samples: [1, 2] }, { family: "cubic" as never }), "INVALID_ARGUMENT");
    expectKineticError(() => fitSteadyState({ samples: [1, 2] }, { loss: "hellinger" as never }), "INVALID_ARGUMENT");
    expectKineticError(() => fitSteadyState((x) => 1 - x * x, { family: "beta", grid }), "INVALID_ARGUMENT");
    expectKineticError(
      () =>
        fitFiniteHorizon(
          (x) => Math.exp(-x * x),
          (x) => Math.exp(-x * x),
          -1,
          { grid },
        ),
      "INVALID_ARGUMENT",
    );
  });
});

describe("gradient fits (L-BFGS on the exact steady-state gradient) recover the parameters of their own discrete steady states", () => {
  it("Gaussian / OU (identity family): b and D to 1e-6", () => {
    const target = solveSteadyState({ grid, sigma: "identity", w: -1, b: 0.3, D: 0.5 }).f;
    const fit = fitSteadyState({ density: target, grid }, { family: "identity" });
    expect(fit.method).toBe("gradient");
    expect(fit.status).toBe("success");
    expectAllClose([fit.params.b, fit.params.D as number], [0.3, 0.5], { rtol: 1e-6 });
  });

  it("tanh: (w, b, D) to 1e-4", () => {
    const target = solveSteadyState({ grid, sigma: "tanh", w: -1.5, b: 0.6, D: 0.4 }).f;
    const fit = fitSteadyState({ density: target, grid }, { family: "tanh" });
    expect(fit.status).toBe("success");
    expectAllClose([fit.params.w, fit.params.b, fit.params.D as number], [-1.5, 0.6, 0.4], { rtol: 1e-4 });
  });

  it("Beta-type, D(x) = κ(1 - x²): (b, κ) to 1e-4", () => {
    const g = createGrid1D(-1, 1, 400);
    const target = solveSteadyState({ grid: g, sigma: "identity", w: -1, b: 0.3, D: (x) => 0.2 * (1 - x * x) }).f;
    const fit = fitSteadyState({ density: target, grid: g }, { family: "beta" });
    expect(fit.status).toBe("success");
    expectAllClose([fit.params.b, fit.params.kappa!], [0.3, 0.2], { rtol: 1e-4 });
  });

  it("bimodal D(x) basis: b, d₀ and every bump coefficient to 1e-4", () => {
    const g = createGrid1D(-3, 3, 300);
    const centres = [-2, 0, 2];
    const width = 6 / (2 * centres.length);
    const coef = [0.3, 0.2, 1.5, 0.2];
    const D = (x: number) => coef[0]! + centres.reduce((s, m, j) => s + coef[j + 1]! * Math.exp(-0.5 * ((x - m) / width) ** 2), 0);
    const target = solveSteadyState({ grid: g, sigma: "identity", w: -1, b: 0.2, D }).f;
    const fit = fitSteadyState({ density: target, grid: g }, { family: "bimodal", basisCentres: centres });
    expect(fit.status).toBe("success");
    expectAllClose([fit.params.b, ...fit.params.coefficients!], [0.2, ...coef], { rtol: 1e-4 });
  });

  it("bimodal mixture and the iris petal lengths end with status success under default settings", () => {
    const g = createGrid1D(-3, 3, 300);
    const mixture = (x: number) => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
    const mix = fitSteadyState(mixture, { family: "bimodal", grid: g });
    expect(mix.status).toBe("success");
    const petal = loadIris({ features: ["petal-length"] }).x;
    const kl = fitSteadyState({ samples: petal }, { family: "bimodal" });
    expect(kl.status).toBe("success");
    // as good as Nelder–Mead (to 1e-6 relative), which needs several times the evaluations
    const nm = fitSteadyState({ samples: petal }, { family: "bimodal", method: "nelder-mead" });
    expect(kl.loss).toBeLessThanOrEqual(nm.loss * (1 + 1e-6));
    expect(kl.stats.evaluations).toBeLessThan(nm.stats.evaluations);
    expect(fitSteadyState({ samples: petal }, { family: "bimodal", loss: "w1" }).status).toBe("success");
  });

  it("multi-start is seeded: the same seed gives the same fit", () => {
    const target = stationaryDensity("tanh", -1.2, 0.2, 0.5).pdf;
    const a = fitSteadyState(target, { family: "tanh", grid, seed: 5, restarts: 2 });
    const b = fitSteadyState(target, { family: "tanh", grid, seed: 5, restarts: 2 });
    expect([a.params.w, a.params.b, a.params.D]).toEqual([b.params.w, b.params.b, b.params.D]);
    expect(a.stats.evaluations).toBe(b.stats.evaluations);
  });

  it("a budget too small to converge is reported as max-steps, never success", () => {
    const target = solveSteadyState({ grid, sigma: "tanh", w: -1.5, b: 0.6, D: 0.4 }).f;
    const fit = fitSteadyState({ density: target, grid }, { family: "tanh", maxEvaluations: 5 });
    expect(fit.status).toBe("max-steps");
    expect(fit.stats.evaluations).toBeLessThanOrEqual(5);
  });

  it("bad method and seed are refused", () => {
    const f0 = (x: number) => Math.exp(-x * x);
    expectKineticError(() => fitFiniteHorizon(f0, f0, 1, { grid, method: "newton" as never }), "INVALID_ARGUMENT", /options\.method/);
    expectKineticError(() => fitSteadyState(f0, { grid, method: "newton" as never }), "INVALID_ARGUMENT", /options\.method/);
    expectKineticError(() => fitSteadyState(f0, { grid, seed: -1 }), "INVALID_ARGUMENT", /options\.seed/);
  });
});

describe("fitFiniteHorizon", () => {
  it("Nelder–Mead recovers tanh (w, b, D) from its own f(T) (1e-2 relative)", () => {
    const g = createGrid1D(-4, 4, 160);
    const f0 = (x: number) => (Math.abs(x) < 1.5 ? 1 / 3 : 0);
    const network = createScalarNetwork({ sigma: "tanh", w: -0.8, b: 0.3, T: 1 });
    const target = solveFokkerPlanck({ network, grid: g, f0, D: 0.2 }, { dt: 1 / 50 }).f;
    const fit = fitFiniteHorizon(f0, { density: target, grid: g }, 1, { family: "tanh", method: "nelder-mead" });
    expectAllClose([fit.params.w, fit.params.b, fit.params.D as number], [-0.8, 0.3, 0.2], { rtol: 1e-2 });
  });
});

describe("fitSteadyState: abort and options", () => {
  const grid = createGrid1D(-4, 4, 200);
  const target = (x: number) => Math.exp(-Math.abs(x)) / 2;
  it("an aborted signal stops the search with its reason", () => {
    const controller = new AbortController();
    controller.abort(new Error("stop now"));
    expect(() => fitSteadyState(target, { family: "tanh", grid, signal: controller.signal })).toThrow("stop now");
  });
  it("unknown option keys are refused", () => {
    expectKineticError(() => fitSteadyState(target, { family: "tanh", grid, maxEvals: 10 } as never), "INVALID_ARGUMENT", /maxEvals/);
  });
  it("a target without spread is refused", () => {
    expectKineticError(() => fitSteadyState({ samples: [0.5, 0.5, 0.5, 0.5] }, { family: "tanh" }), "INVALID_ARGUMENT", /spread/);
  });
});

describe("a fit that collapses below the grid is under-resolved, not a success", () => {
  const coarse = createGrid1D(-3, 3, 60);
  const spike = new Float64Array(60);
  spike[35] = 1 / coarse.dx; // all the target's mass in one cell: only D → 0 (or |w| → ∞) matches it
  const n0 = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);

  it("steady state (tanh) and finite horizon (tanh): status under-resolved, largest cell above 20 %", () => {
    const s = fitSteadyState({ density: spike, grid: coarse }, { family: "tanh" });
    expect(s.status).toBe("under-resolved");
    expect(s.largestCellFraction).toBeGreaterThan(0.2);
    const h = fitFiniteHorizon(n0, { density: spike, grid: coarse }, 1, { family: "tanh" });
    expect(h.status).toBe("under-resolved");
    expect(h.largestCellFraction).toBeGreaterThan(0.2);
  });

  it("a resolved fit on the same grid keeps success and reports its largest cell", () => {
    const h = fitFiniteHorizon(n0, { samples: [0.1, 0.4, 0.3, 0.8, -0.5, 1.2] }, 1, { family: "tanh", grid: coarse });
    expect(h.status).toBe("success");
    expect(h.largestCellFraction).toBeLessThan(0.2);
    let mx = 0;
    for (const v of h.fitted) mx = Math.max(mx, v * coarse.dx);
    expect(h.largestCellFraction).toBeCloseTo(mx, 12);
  });
});
