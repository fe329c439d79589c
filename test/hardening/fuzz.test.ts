/**
 * A seeded fuzz of random solver configurations. Each configuration must end either in a KineticError
 * with a code, or in a result whose status matches its numbers: "success" only with finite values, masses
 * kept (closed boundaries), non-negative densities and — where an exact oracle exists — values close to it.
 * The sizes are small so that 10,000+ configurations run in well under a minute.
 */
import { describe, expect, it } from "vitest";
import * as core from "@kinetic-nde/core";
import * as datasets from "@kinetic-nde/datasets";
import * as mf from "@kinetic-nde/mean-field";
import * as fp from "@kinetic-nde/fokker-planck";
import * as mom from "@kinetic-nde/moments";

const SIGMAS = ["identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"] as const;

interface Outcome {
  refused: number;
  success: number;
  otherStatus: number;
  violations: string[];
}

function runCase(o: Outcome, label: string, f: () => { status: string; problems: string[] }): void {
  let r: { status: string; problems: string[] };
  try {
    r = f();
  } catch (e) {
    if (core.isKineticError(e)) {
      o.refused++;
      return;
    }
    o.violations.push(`${label}: threw ${String(e)}`);
    return;
  }
  if (r.status === "success") {
    o.success++;
    for (const p of r.problems) o.violations.push(`${label}: success but ${p}`);
  } else o.otherStatus++;
}

const allFinite = (a: ArrayLike<number>) => {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
};

function pick<T>(rng: core.Rng, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng.uniform() * xs.length))]!;
}
const uniform = (rng: core.Rng, a: number, b: number) => a + (b - a) * rng.uniform();
const intIn = (rng: core.Rng, a: number, b: number) => a + Math.floor(rng.uniform() * (b - a + 1));

function scalarNet(rng: core.Rng, sigma: string, K = 0) {
  const nLayers = intIn(rng, 1, 6);
  const w = Array.from({ length: nLayers }, () => uniform(rng, -6, 2));
  const b = Array.from({ length: nLayers }, () => uniform(rng, -2, 2));
  return core.createScalarNetwork({ sigma, w, b, nLayers, T: uniform(rng, 0.05, 4), ...(K > 0 ? { K } : {}) });
}

describe("seeded fuzz of solver configurations", () => {
  it("ODE and SDE particle solves: success only with finite states", () => {
    const rng = core.createRng(20261204);
    const o: Outcome = { refused: 0, success: 0, otherStatus: 0, violations: [] };
    const methods = core.ODE_METHODS.map((m) => m.name);
    for (let i = 0; i < 3000; i++) {
      const sigma = pick(rng, SIGMAS);
      const net = scalarNet(rng, sigma);
      const M = intIn(rng, 1, 20);
      const x0 = core.linspaceEnsemble(M, uniform(rng, -5, 0), uniform(rng, 0, 5));
      const method = pick(rng, methods);
      const stepsPerLayer = intIn(rng, 1, 3);
      runCase(o, `ode ${sigma} ${method} #${i}`, () => {
        const r = core.solveOde(net, x0, { method, stepsPerLayer });
        const problems: string[] = [];
        if (!allFinite(r.x)) problems.push("non-finite state");
        return { status: r.status, problems };
      });
    }
    const sdeMethods = core.SDE_METHODS.map((m) => m.name);
    for (let i = 0; i < 1500; i++) {
      const sigma = pick(rng, SIGMAS);
      const net = scalarNet(rng, sigma, uniform(rng, 0.01, 2));
      const x0 = core.linspaceEnsemble(intIn(rng, 1, 10), -2, 2);
      const method = pick(rng, sdeMethods);
      runCase(o, `sde ${sigma} ${method} #${i}`, () => {
        const r = core.solveSde(net, x0, { method, seed: i, stepsPerLayer: intIn(rng, 1, 3) });
        return { status: r.status, problems: allFinite(r.x) ? [] : ["non-finite state"] };
      });
    }
    expect(o.violations.slice(0, 10)).toEqual([]);
    expect(o.success + o.otherStatus + o.refused).toBe(4500);
  });

  it("Vlasov solves: success only with finite, non-negative densities and mass accounted for", () => {
    const rng = core.createRng(7);
    const o: Outcome = { refused: 0, success: 0, otherStatus: 0, violations: [] };
    const schemes = ["upwind", "muscl"] as const;
    const boundaries = ["zero-flux", "outflow", "periodic"] as const;
    for (let i = 0; i < 1500; i++) {
      const sigma = pick(rng, SIGMAS);
      const net = scalarNet(rng, sigma);
      const n = intIn(rng, 8, 48);
      const grid = datasets.createGrid1D(-4, 4, n);
      const s = uniform(rng, 0.3, 1.5);
      const boundary = pick(rng, boundaries);
      const scheme = pick(rng, schemes);
      runCase(o, `vlasov ${sigma} ${scheme} ${boundary} #${i}`, () => {
        const r = mf.solveVlasov({ params: net, grid, f0: (x: number) => Math.exp((-x * x) / (2 * s * s)) }, { scheme, boundary });
        const problems: string[] = [];
        if (!allFinite(r.f)) problems.push("non-finite density");
        let neg = 0;
        for (const v of r.f) neg = Math.min(neg, v);
        if (neg < -1e-12) problems.push(`negative density ${neg}`);
        return { status: r.status, problems };
      });
    }
    expect(o.violations.slice(0, 10)).toEqual([]);
    expect(o.success).toBeGreaterThan(500);
  });

  it("Fokker–Planck solves: success only with mass kept (zero-flux) and non-negative densities", () => {
    const rng = core.createRng(11);
    const o: Outcome = { refused: 0, success: 0, otherStatus: 0, violations: [] };
    for (let i = 0; i < 1500; i++) {
      const sigma = pick(rng, SIGMAS);
      const K = uniform(rng, 0.05, 2);
      const net = scalarNet(rng, sigma, K);
      const grid = datasets.createGrid1D(-5, 5, intIn(rng, 8, 48));
      runCase(o, `fp ${sigma} #${i}`, () => {
        const r = fp.solveFokkerPlanck({ network: net, grid, f0: (x: number) => Math.exp(-x * x) }, { boundary: "zero-flux" });
        const problems: string[] = [];
        if (!allFinite(r.f)) problems.push("non-finite density");
        let mass = 0;
        let neg = 0;
        for (const v of r.f) {
          mass += v * grid.dx;
          neg = Math.min(neg, v);
        }
        // The initial cell averages hold ∫_{-5}^{5} e^{-x²} dx = √π·erf(5) = √π (1 − 1.5e-12).
        const mass0 = Math.sqrt(Math.PI);
        if (neg < -1e-12) problems.push(`negative density ${neg}`);
        if (Math.abs(mass - mass0) > 1e-6 * mass0) problems.push(`mass ${mass} vs ${mass0}`);
        return { status: r.status, problems };
      });
    }
    expect(o.violations.slice(0, 10)).toEqual([]);
    expect(o.success).toBeGreaterThan(500);
  });

  it("density gradients (Vlasov and Fokker–Planck adjoints): success only with a finite loss and gradient", () => {
    const rng = core.createRng(2026);
    const o: Outcome = { refused: 0, success: 0, otherStatus: 0, violations: [] };
    const schemes = ["upwind", "muscl"] as const;
    const limiters = ["minmod", "mc", "van-leer"] as const;
    const steppers = ["euler", "ssp-rk2", "ssp-rk3"] as const;
    const vBoundaries = ["zero-flux", "outflow", "periodic"] as const;
    const fpMethods = fp.FOKKER_PLANCK_METHODS.map((m) => m.name);
    const fpBoundaries = ["zero-flux", "outflow", "absorbing"] as const;
    /** A random loss on n cells: L², KL, W1 against a random positive target, or a moment loss. */
    const randomLoss = (n: number) => {
      const target = Array.from({ length: n }, () => uniform(rng, 0, 1));
      const kind = pick(rng, ["l2", "kl", "w1", "moment"] as const);
      if (kind === "l2") return mf.l2DensityLoss(target);
      if (kind === "kl") return mf.klDensityLoss(target);
      if (kind === "w1") return mf.w1DensityLoss(target);
      return mf.momentDensityLoss({ mean: [uniform(rng, -1, 1)], covariance: [uniform(rng, 0.1, 2)] });
    };
    const gradProblems = (r: { loss: number; gradW: Float64Array; gradB: Float64Array; f: readonly Float64Array[] }) => {
      const problems: string[] = [];
      if (!Number.isFinite(r.loss)) problems.push(`loss ${r.loss}`);
      if (!allFinite(r.gradW) || !allFinite(r.gradB)) problems.push("non-finite gradient");
      for (const f of r.f) if (!allFinite(f)) problems.push("non-finite density");
      return problems;
    };
    for (let i = 0; i < 400; i++) {
      const sigma = pick(rng, SIGMAS);
      const net = scalarNet(rng, sigma);
      const n = intIn(rng, 8, 40);
      const grid = datasets.createGrid1D(-4, 4, n);
      const s = uniform(rng, 0.3, 1.5);
      const scheme = pick(rng, schemes);
      const options = {
        scheme,
        ...(scheme === "muscl" ? { limiter: pick(rng, limiters) } : {}),
        timeStepper: pick(rng, steppers),
        boundary: pick(rng, vBoundaries),
        // now and then a fixed dt, which may break the CFL limit (then: refused)
        ...(rng.uniform() < 0.2 ? { dt: uniform(rng, 0.005, 0.2) } : {}),
      };
      const loss = randomLoss(n);
      runCase(o, `vlasovGradient ${sigma} ${JSON.stringify(options)} #${i}`, () => {
        const r = mf.vlasovGradient({ params: net, grid, f0: (x: number) => Math.exp((-x * x) / (2 * s * s)) }, loss, options);
        return { status: r.status, problems: gradProblems(r) };
      });
    }
    for (let i = 0; i < 400; i++) {
      const sigma = pick(rng, SIGMAS);
      const net = scalarNet(rng, sigma, uniform(rng, 0.05, 2));
      const n = intIn(rng, 8, 40);
      const grid = datasets.createGrid1D(-5, 5, n);
      const options = { method: pick(rng, fpMethods), boundary: pick(rng, fpBoundaries), dt: uniform(rng, 0.01, 0.3) };
      const loss = randomLoss(n);
      runCase(o, `fokkerPlanckGradient ${sigma} ${JSON.stringify(options)} #${i}`, () => {
        const r = fp.fokkerPlanckGradient({ network: net, grid, f0: (x: number) => Math.exp(-x * x) }, loss, options);
        const problems = gradProblems({ ...r, f: [r.f] });
        if (!allFinite(r.gradK) || !Number.isFinite(r.gradDScale)) problems.push(`gradK ${r.gradK} gradDScale ${r.gradDScale}`);
        return { status: r.status, problems };
      });
    }
    expect(o.violations.slice(0, 10)).toEqual([]);
    expect(o.success + o.otherStatus + o.refused).toBe(800);
    expect(o.success).toBeGreaterThan(400);
  });

  it("moment equations (identity): success only when mean and variance match the closed form", () => {
    const rng = core.createRng(3);
    const o: Outcome = { refused: 0, success: 0, otherStatus: 0, violations: [] };
    const methods = mom.MOMENT_METHODS.map((m) => m.name);
    for (let i = 0; i < 3000; i++) {
      const nLayers = intIn(rng, 1, 4);
      const w = Array.from({ length: nLayers }, () => -Math.exp(uniform(rng, -3, 6))); // down to about -400
      const b = Array.from({ length: nLayers }, () => uniform(rng, -2, 2));
      const T = uniform(rng, 0.05, 25);
      const D = uniform(rng, 0, 2);
      const net = core.createScalarNetwork({ sigma: "identity", w, b, nLayers, T });
      const method = pick(rng, methods);
      // Half the cases leave the steps to the solver (it must then be accurate); half fix them (then a step
      // outside the method's stability region must give status "unstable", and success must stay sane).
      const auto = rng.uniform() < 0.5;
      const stepsPerLayer = intIn(rng, 1, 40);
      runCase(
        o,
        `moments ${method} ${auto ? "auto" : stepsPerLayer} w=${w.map((v) => v.toFixed(1)).join(",")} T=${T.toFixed(2)} #${i}`,
        () => {
          const r = mom.solveMomentHierarchy({ params: net, m0: [1, 0.5, 1.25], D }, auto ? { method } : { method, stepsPerLayer });
          const exact = mom.closedFormMeanVariance({ params: net, mean0: 0.5, var0: 1, D }, r.t);
          // The scale of the variance over the run: errors are measured against it (a decayed transient of
          // e^{-100} carries no information about accuracy).
          let scale = 1;
          for (const v of exact.variance) scale = Math.max(scale, v);
          const problems: string[] = [];
          for (let s = 0; s < r.t.length; s++) {
            const v = r.variance[s]!;
            const ve = exact.variance[s]!;
            if (!(v >= 0) || !Number.isFinite(v)) problems.push(`variance ${v} at t=${r.t[s]}`);
            // With the solver's own steps: RK4 at h·|λ| ≤ 1 per step and many steps is accurate to 1e-3 of the scale.
            else if (auto && Math.abs(v - ve) > 1e-3 * scale) problems.push(`variance ${v} vs exact ${ve} at t=${r.t[s]}`);
            // With fixed steps inside the stability region the error is the method's, but never beyond the scale.
            else if (!auto && Math.abs(v - ve) > scale) problems.push(`variance ${v} vs exact ${ve} at t=${r.t[s]}`);
          }
          return { status: r.status, problems };
        },
      );
    }
    expect(o.violations.slice(0, 10)).toEqual([]);
    expect(o.success).toBeGreaterThan(1000);
  });
});
