import { createNetwork, createScalarNetwork, type NetworkParams } from "@kinetic-nde/core";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import {
  classificationDensityLoss,
  type DensityObjective,
  l2DensityLoss,
  wasserstein1Grid,
  wasserstein1GridSamples,
} from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { fokkerPlanckGradient } from "./adjoint.js";
import { compareWithParticles } from "./particles.js";
import { solveFokkerPlanck } from "./solve-1d.js";
import { solveFokkerPlanck2D } from "./solve-2d.js";
import { fokkerPlanckTraining, fokkerPlanckTraining2D, trainFokkerPlanck, trainFokkerPlanck2D } from "./train-fokker-planck.js";

const bump = (m: number, s: number) => (x: number) => Math.exp(-((x - m) ** 2) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
const mixture = (x: number) => 0.6 * bump(-1, 0.5)(x) + 0.4 * bump(1.2, 0.4)(x);

/** f(T) by the trainer's own forward pass (the adjoint's Thomas solves), so that J = 0 exactly at the truth. */
function finalDensity(network: NetworkParams, grid: ReturnType<typeof createGrid1D>, f0: (x: number) => number, dt: number): Float64Array {
  const none: DensityObjective = {
    nParams: 0,
    evaluate: (_f, _g, _t, gradF) => {
      if (gradF) for (const a of gradF) a.fill(0);
      return 0;
    },
  };
  return fokkerPlanckGradient({ network, grid, f0 }, none, { dt }).f;
}

/** Central differences of the trainer's objective at θ₀, step h, and the exact gradient there. */
function gradientCheck(t: ReturnType<typeof fokkerPlanckTraining>, h = 1e-5): { exact: Float64Array; fd: Float64Array } {
  const th = t.theta0;
  const exact = new Float64Array(th.length);
  t.evaluate(th, exact);
  const fd = new Float64Array(th.length);
  for (let q = 0; q < th.length; q++) {
    const p = th.slice();
    const m = th.slice();
    p[q] += h;
    m[q] -= h;
    fd[q] = (t.evaluate(p, null) - t.evaluate(m, null)) / (2 * h);
  }
  return { exact, fd };
}

/** ‖A⁻¹‖_F by Gauss–Jordan elimination with partial pivoting (A small and non-singular). */
function inverseFrobenius(A: number[][]): number {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    for (let j = 0; j < 2 * n; j++) M[c]![j]! /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]!;
      for (let j = 0; j < 2 * n; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = n; j < 2 * n; j++) s += M[i]![j]! ** 2;
  return Math.sqrt(s);
}

/** Whether a symmetric matrix (symmetrised) is positive definite: Cholesky without a non-positive pivot. */
function isPositiveDefinite(A: number[][]): boolean {
  const n = A.length;
  const Lc = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0.5 * (A[i]![j]! + A[j]![i]!);
      for (let k = 0; k < j; k++) v -= Lc[i]![k]! * Lc[j]![k]!;
      if (i === j) {
        if (!(v > 0)) return false;
        Lc[i]![i] = Math.sqrt(v);
      } else Lc[i]![j] = v / Lc[j]![j]!;
    }
  }
  return true;
}

describe("trainFokkerPlanck", () => {
  const grid = createGrid1D(-4, 4, 120);
  const net = createScalarNetwork({ sigma: "tanh", w: [-1, 0.7, -0.4], b: [0.3, -0.2, 0.1], T: 1.2, K: 0.6 });
  const other = createScalarNetwork({ sigma: "tanh", w: [-0.5, 0.2, -1], b: [0, 0.2, -0.1], T: 1.2, K: 0.9 });

  it("uses the exact gradient of its loss in (W, b, log K, θ_head): central differences agree to 1e-6", () => {
    const dt = 0.03;
    const target = finalDensity(other, grid, mixture, dt);
    const cases = [
      // one density, L² loss, the three integrators' implicit ones and two boundaries
      fokkerPlanckTraining({ network: net, f0: mixture, grid, loss: l2DensityLoss(target), lambda: 0.01 }, { dt }),
      fokkerPlanckTraining({ network: net, f0: mixture, grid, loss: l2DensityLoss(target) }, { dt, method: "crank-nicolson" }),
      fokkerPlanckTraining(
        { network: net, f0: mixture, grid, loss: l2DensityLoss(target.map((v) => 0.9 * v)) },
        { dt, boundary: "outflow" },
      ),
      // two class densities coupled by the loss, with a read-out head θ
      fokkerPlanckTraining(
        {
          network: net,
          f0: [(x: number) => 0.5 * bump(-1, 0.5)(x), (x: number) => 0.5 * bump(1, 0.5)(x)],
          grid,
          loss: classificationDensityLoss({ nClasses: 2, dimension: 1, initialTheta: [0.5, -0.4, 0.1, -0.2] }),
        },
        { dt },
      ),
    ];
    for (const t of cases) {
      expect(t.theta0[6]).toBeCloseTo(Math.log(0.6), 14); // θ = [W | b | log K | θ_head]
      // central differences with h = 1e-5: truncation ~h²·J''' ≈ 1e-10, round-off ~ε·J/h ≈ 1e-11
      const { exact, fd } = gradientCheck(t);
      for (let q = 0; q < exact.length; q++) {
        expect(Math.abs(exact[q]!)).toBeGreaterThan(1e-5); // every component is exercised
        expect(Math.abs(fd[q]! - exact[q]!)).toBeLessThanOrEqual(1e-6 * Math.abs(exact[q]!));
      }
    }
    // with the noise fixed, θ = [W | b] and the gradient is unchanged in those components
    const fixed = fokkerPlanckTraining({ network: net, f0: mixture, grid, loss: l2DensityLoss(target) }, { dt, learnNoise: false });
    const learned = fokkerPlanckTraining({ network: net, f0: mixture, grid, loss: l2DensityLoss(target) }, { dt });
    expect(fixed.theta0.length).toBe(6);
    const g1 = new Float64Array(6);
    const g2 = new Float64Array(7);
    expect(fixed.evaluate(fixed.theta0, g1)).toBe(learned.evaluate(learned.theta0, g2));
    expect(Array.from(g1)).toEqual(Array.from(g2.subarray(0, 6)));
  });

  it("recovers (W, b, K) of the network that made the target, within |g|·‖H⁻¹‖ of the truth", () => {
    const g = createGrid1D(-4, 4, 160);
    const dt = 0.02;
    const truth = createScalarNetwork({ sigma: "tanh", w: [-0.8, 0.5], b: [0.3, -0.2], T: 1, K: 0.5 });
    const f0 = mixture;
    // The target is f(T) of the same discrete solver: J = 0 exactly at the truth, so the minimiser is the
    // truth itself (not a grid approximation of it) and the only error left is the optimiser's.
    const loss = l2DensityLoss(finalDensity(truth, g, f0, dt));
    // Identifiable: the Hessian of J at the truth (central differences of the exact gradient) is
    // positive definite. Near the minimum g ≈ H δ, so |δ| ≤ ‖H⁻¹‖₂ |g| ≤ ‖H⁻¹‖_F |g|.
    const atTruth = fokkerPlanckTraining({ network: truth, f0, grid: g, loss }, { dt });
    const P = atTruth.theta0.length;
    const H: number[][] = [];
    for (let q = 0; q < P; q++) {
      const gp = new Float64Array(P);
      const gm = new Float64Array(P);
      const p = atTruth.theta0.slice();
      const m = atTruth.theta0.slice();
      p[q] += 1e-5;
      m[q] -= 1e-5;
      atTruth.evaluate(p, gp);
      atTruth.evaluate(m, gm);
      H.push(Array.from(gp, (v, i) => (v - gm[i]!) / 2e-5));
    }
    const hInv = inverseFrobenius(H);
    expect(isPositiveDefinite(H)).toBe(true); // a strict minimum: the one density at T fixes all five parameters
    // ≈ 4.7e4: one direction (the two layers' (w, b) trading off) is weakly determined, so |δ| may be ~1e5·|g|
    expect(hInv).toBeLessThan(1e5);
    const start = createScalarNetwork({ sigma: "tanh", w: [-0.5, 0.8], b: [0.1, 0], T: 1, K: 0.8 });
    const r = trainFokkerPlanck({ network: start, f0, grid: g, loss }, { dt, optimizer: "lbfgs", epochs: 200, gradTolerance: 1e-13 });
    expect(r.status).toBe("success");
    expect(r.stats.stoppedBy).toBe("grad-tolerance");
    // factor 2: the quadratic model and the differenced Hessian (relative error ~1e-9) are not exact
    const tol = 2 * hInv * r.history.gradNorm.at(-1)!;
    const err = Math.hypot(r.params.W[0]! + 0.8, r.params.W[1]! - 0.5, r.params.b[0]! - 0.3, r.params.b[1]! + 0.2, Math.log(r.K / 0.5));
    expect(err).toBeLessThanOrEqual(tol);
    expect(Math.abs(r.K - 0.5)).toBeLessThan(1e-10); // ≈ 1.3e-11 measured (err ≈ 1.8e-10 against tol ≈ 8e-9)
    expect(r.params.noise).toEqual({ kind: "constant", K: Float64Array.of(r.K) });
    expect(r.f[0]!.length).toBe(g.n);

    // with K fixed at the truth, (W, b) alone are recovered and K is untouched
    const fixedStart = createScalarNetwork({ sigma: "tanh", w: [-0.5, 0.8], b: [0.1, 0], T: 1, K: 0.5 });
    const rf = trainFokkerPlanck(
      { network: fixedStart, f0, grid: g, loss },
      { dt, optimizer: "lbfgs", epochs: 200, gradTolerance: 1e-13, learnNoise: false },
    );
    expect(rf.status).toBe("success");
    expect(rf.K).toBe(0.5);
    expect(Math.hypot(rf.params.W[0]! + 0.8, rf.params.W[1]! - 0.5, rf.params.b[0]! - 0.3, rf.params.b[1]! + 0.2)).toBeLessThan(tol);
  });

  it("with noisePerLayer it learns one K^k per layer: exact gradient in every log K^k, and the K^k of the target recovered", () => {
    const g = createGrid1D(-4, 4, 160);
    const dt = 0.02;
    const truth = createScalarNetwork({ sigma: "tanh", w: [-0.8, 0.5], b: [0.3, -0.2], T: 1 });
    const Ktrue = [0.3, 0.8];
    const none: DensityObjective = {
      nParams: 0,
      evaluate: (_f, _g, _t, gradF) => {
        if (gradF) gradF[0]!.fill(0);
        return 0;
      },
    };
    const target = fokkerPlanckGradient({ network: truth, grid: g, f0: mixture, D: Ktrue.map((k) => 0.5 * k * k) }, none, { dt }).f;
    const loss = l2DensityLoss(target);
    // the gradient of the objective in θ = [W | b | log K¹, log K² ] against central differences
    const t = fokkerPlanckTraining({ network: truth, K: [0.5, 0.6], f0: mixture, grid: g, loss }, { dt, noisePerLayer: true });
    expect(t.theta0.length).toBe(6);
    expect(Array.from(t.theta0.subarray(4))).toEqual([Math.log(0.5), Math.log(0.6)]);
    const { exact, fd } = gradientCheck(t);
    for (let q = 0; q < exact.length; q++) {
      expect(Math.abs(exact[q]!)).toBeGreaterThan(1e-6);
      expect(Math.abs(fd[q]! - exact[q]!)).toBeLessThanOrEqual(1e-6 * Math.abs(exact[q]!));
    }
    // from one K for both layers, L-BFGS separates them again (J = 0 exactly at the truth)
    const start = createScalarNetwork({ sigma: "tanh", w: [-0.5, 0.8], b: [0.1, 0], T: 1, K: 0.5 });
    const r = trainFokkerPlanck(
      { network: start, f0: mixture, grid: g, loss },
      { dt, optimizer: "lbfgs", epochs: 300, gradTolerance: 1e-13, noisePerLayer: true },
    );
    expect(r.status).toBe("success");
    expect(r.KLayers).toHaveLength(2);
    expect(Math.abs(r.KLayers![0]! - 0.3)).toBeLessThan(1e-6);
    expect(Math.abs(r.KLayers![1]! - 0.8)).toBeLessThan(1e-6);
    expect(r.K).toBe(r.KLayers![0]);
    expect(r.params.noise).toBeUndefined();
    // the trained densities are the solver's with D^k = (K^k)²/2
    const again = solveFokkerPlanck({ network: r.params, grid: g, f0: mixture, D: Array.from(r.KLayers!, (k) => 0.5 * k * k) }, { dt }).f;
    for (let i = 0; i < g.n; i++) expect(Math.abs(again[i]! - r.f[0]![i]!)).toBeLessThan(1e-12);
  });

  it("its density is the law of the Euler–Maruyama particles of the trained network (W1 within sampling + discretisation)", () => {
    const g = createGrid1D(-5, 5, 200);
    const f0 = (x: number) => 0.5 * bump(-1, 0.4)(x) + 0.5 * bump(1, 0.4)(x);
    const truth = createScalarNetwork({ sigma: "tanh", w: [-0.9, -0.4, 0.6], b: [0.2, 0.4, -0.1], T: 1.5, K: 0.4 });
    const start = createScalarNetwork({ sigma: "tanh", w: [-0.5, -0.5, 0.2], b: [0, 0, 0], T: 1.5, K: 1 });
    const substeps = 50;
    const h = start.dt / substeps; // the particle step; the PDE runs with the same step
    const r = trainFokkerPlanck(
      { network: start, f0, grid: g, loss: l2DensityLoss(finalDensity(truth, g, f0, h)) },
      { dt: h, optimizer: "lbfgs", epochs: 100 },
    );
    expect(r.status).toBe("success");
    expect(r.stats.finalLoss).toBeLessThan(1e-3 * r.stats.initialLoss);
    const M = 40_000;
    const particlesWith = (K: number) => {
      const network = createNetwork({
        sigma: "tanh",
        d: 1,
        W: r.params.W,
        b: r.params.b,
        dt: r.params.dt,
        noise: { kind: "constant", K: Float64Array.of(K) },
      });
      return compareWithParticles({ network, grid: g, f0 }, { M, substeps, seed: 1 }).particles;
    };
    const fT = r.f[0]!;
    const w1 = wasserstein1GridSamples(g, fT, particlesWith(r.K));
    // Tolerance, term by term:
    // sampling: E W1(empirical, F) ≤ ∫ √(F(1−F)) dx / √M (E|F_M − F| ≤ √(F(1−F)/M)); ×3 for the fluctuation
    let F = 0;
    let cF = 0;
    for (let i = 0; i < g.n; i++) {
      F += fT[i]! * g.dx;
      cF += Math.sqrt(Math.max(0, F * (1 - F))) * g.dx;
    }
    const sampling = (3 * cF) / Math.sqrt(M);
    // PDE (first order in dt, second in dx): the coarse error ≈ 2 × its distance to the solve on 2n cells with dt/2
    const fine = createGrid1D(-5, 5, 400);
    const pde = 2 * wasserstein1Grid(g, fT, fine, solveFokkerPlanck({ network: r.params, grid: fine, f0 }, { dt: h / 2 }).f);
    // Euler–Maruyama with additive noise is strongly first order: E|X_T − X^h_T| ≤ h e^{LT} (T sup|a a' + D a''|/2
    // + sup|a'| K √(T/3)) with a = tanh(w x + b): |a a'| ≤ 0.385|w|, |a''| ≤ 0.770 w², L = max|w|
    const L = Math.max(...Array.from(r.params.W, Math.abs));
    const T = r.params.T;
    const D = (r.K * r.K) / 2;
    const em = h * Math.exp(L * T) * ((T * (0.385 * L + 0.77 * D * L * L)) / 2 + L * r.K * Math.sqrt(T / 3));
    const tol = sampling + pde + em;
    expect(tol).toBeLessThan(0.06); // ≈ 0.049: sampling 0.023, PDE 0.005, EM 0.022
    expect(w1).toBeLessThanOrEqual(tol); // ≈ 0.0046 measured
    // the comparison discriminates the noise level: particles with K off by 30 % are out of tolerance
    expect(wasserstein1GridSamples(g, fT, particlesWith(1.3 * r.K))).toBeGreaterThan(tol);
    expect(wasserstein1GridSamples(g, fT, particlesWith(0.7 * r.K))).toBeGreaterThan(tol);
  });

  it("refuses bad input with errors naming the field", () => {
    const loss = l2DensityLoss(new Float64Array(grid.n));
    const ok = { network: net, f0: mixture, grid, loss };
    expectKineticError(() => trainFokkerPlanck(ok, { learnNoise: "yes" as unknown as boolean }), "INVALID_ARGUMENT", "options.learnNoise");
    expectKineticError(() => trainFokkerPlanck(ok, { minNoise: 0 }), "INVALID_ARGUMENT", "options.minNoise");
    expectKineticError(() => trainFokkerPlanck(ok, { batchSize: 4 } as object), "INVALID_ARGUMENT", "batchSize");
    expectKineticError(() => trainFokkerPlanck({ ...ok, K: -1 }), "INVALID_ARGUMENT", "problem.K");
    expectKineticError(() => trainFokkerPlanck({ ...ok, K: 1e-3 }, { minNoise: 0.01 }), "INVALID_ARGUMENT", "problem.K");
    expectKineticError(() => trainFokkerPlanck({ ...ok, lambda: -1 }), "INVALID_ARGUMENT", "problem.lambda");
    // one K per layer: a boolean, learned, and an array of nLayers positive values
    expectKineticError(() => trainFokkerPlanck(ok, { noisePerLayer: 1 as never }), "INVALID_ARGUMENT", "options.noisePerLayer");
    expectKineticError(
      () => trainFokkerPlanck(ok, { noisePerLayer: true, learnNoise: false }),
      "INVALID_ARGUMENT",
      "options.noisePerLayer",
    );
    expectKineticError(() => trainFokkerPlanck({ ...ok, K: [0.5, 0.5] }, { noisePerLayer: true }), "INVALID_ARGUMENT", "problem.K");
    expectKineticError(() => trainFokkerPlanck({ ...ok, K: [0.5, -1, 0.5] }, { noisePerLayer: true }), "INVALID_ARGUMENT", "problem.K[1]");
    expectKineticError(() => trainFokkerPlanck({ ...ok, K: [0.5, 0.5, 0.5] }), "INVALID_ARGUMENT", "problem.K");
    expectKineticError(() => trainFokkerPlanck({ ...ok, f0: [] }), "INVALID_ARGUMENT", "problem.f0");
    expectKineticError(() => trainFokkerPlanck({ ...ok, loss: {} as DensityObjective }), "INVALID_ARGUMENT", "problem.loss");
    expectKineticError(
      () => trainFokkerPlanck({ ...ok, grid: createGrid2D([-1, 1], [-1, 1], 4) as never }),
      "INVALID_ARGUMENT",
      "problem.grid",
    );
    expectKineticError(() => trainFokkerPlanck({ ...ok, extra: 1 } as never), "INVALID_ARGUMENT", "problem");
    // no noise to learn: a NetworkInit has none unless K is given
    const init = { sigma: "tanh", d: 1, nLayers: 2, T: 1 } as const;
    expectKineticError(() => trainFokkerPlanck({ ...ok, network: init }), "INVALID_ARGUMENT", "problem.K");
    expect(trainFokkerPlanck({ ...ok, network: init, K: 0.5 }, { epochs: 1, dt: 0.05 }).K).toBeGreaterThan(0);
    expectKineticError(() => trainFokkerPlanck({ ...ok, network: { ...init, d: 2 } }), "UNSUPPORTED", "1-D");
    // solver options are checked by the first solve
    expectKineticError(() => trainFokkerPlanck(ok, { method: "rk4" as never }), "INVALID_ARGUMENT", "method");
    expectKineticError(() => trainFokkerPlanck(ok, { dt: -1 }), "INVALID_ARGUMENT", "dt");
  });

  it("does not report success when training did not converge or the numbers are not trustworthy", () => {
    const g = createGrid1D(-4, 4, 160);
    const dt = 0.02;
    const f0 = bump(0.5, 0.7);
    const truth = createScalarNetwork({ sigma: "tanh", w: [-0.8, 0.5], b: [0.3, -0.2], T: 1, K: 0.05 });
    const start = createScalarNetwork({ sigma: "tanh", w: [-0.8, 0.5], b: [0.3, -0.2], T: 1, K: 0.8 });
    const problem = { network: start, f0, grid: g, loss: l2DensityLoss(finalDensity(truth, g, f0, dt)) };
    // the gradient tolerance is not reached in 2 epochs
    const short = trainFokkerPlanck(problem, { dt, optimizer: "lbfgs", epochs: 2, gradTolerance: 1e-12 });
    expect(short.stats.stoppedBy).toBe("epochs");
    expect(short.status).toBe("max-steps");
    // without a tolerance, running out of epochs is the expected end
    expect(trainFokkerPlanck(problem, { dt, optimizer: "lbfgs", epochs: 2 }).status).toBe("success");
    // the target's noise (0.05) lies below the floor: L-BFGS is held at minNoise, Adam/GD stop there
    const lb = trainFokkerPlanck(problem, { dt, optimizer: "lbfgs", epochs: 300, minNoise: 0.2 });
    expect(lb.status).toBe("under-resolved");
    expect(lb.K).toBeGreaterThanOrEqual(0.2);
    expect(lb.K).toBeLessThan(0.4);
    expect(lb.stats.noiseRejections).toBeGreaterThan(0);
    const gd = trainFokkerPlanck(problem, { dt, optimizer: "gd", learningRate: 5, epochs: 300, minNoise: 0.2 });
    expect(gd.status).toBe("under-resolved");
    expect(gd.K).toBeGreaterThanOrEqual(0.2);
    for (const r of [lb, gd]) for (const v of r.history.loss) expect(Number.isFinite(v)).toBe(true);
    // and with the default floor (1e-6) the same target is fitted: K → 0.05
    const free = trainFokkerPlanck(problem, { dt, optimizer: "lbfgs", epochs: 300, gradTolerance: 1e-12 });
    expect(free.status).toBe("success");
    expect(Math.abs(free.K - 0.05)).toBeLessThan(1e-9);
    // mass leaving through an outflow wall beyond massLossTolerance: never a success
    const lost = trainFokkerPlanck(
      { ...problem, grid: createGrid1D(-1, 1.5, 60), loss: l2DensityLoss(new Float64Array(60)) },
      { dt, boundary: "outflow", massLossTolerance: 1e-6, epochs: 3 },
    );
    expect(lost.status).toBe("mass-lost");
  });
});

describe("trainFokkerPlanck2D", () => {
  const noise = (a: number, b: number) => ({ kind: "constant" as const, K: Float64Array.of(a, 0, 0, b) });
  const f0 = (x: number, y: number) =>
    Math.exp(-2 * ((x - 0.5) ** 2 + (y + 0.3) ** 2)) + 0.5 * Math.exp(-3 * ((x + 1) ** 2 + (y - 0.8) ** 2));

  it("uses the exact gradient in (W, b, log K₀₀, log K₁₁, θ_head): central differences agree to 1e-6", () => {
    const grid = createGrid2D([-3, 3], [-3, 3], 16, 14);
    const net = (a: number, b: number, W: number[], bb: number[]) =>
      createNetwork({ sigma: "tanh", d: 2, W: [W.slice(0, 4), W.slice(4)], b: [bb.slice(0, 2), bb.slice(2)], T: 1, noise: noise(a, b) });
    const start = net(0.6, 0.5, [-1, 0.3, 0.2, -0.5, 0.4, -0.2, 0.1, -0.8], [0.2, -0.1, 0.1, 0.3]);
    const target = solveFokkerPlanck2D(
      { network: net(0.4, 0.7, [-0.5, 0, 0, -0.5, 0.2, 0.1, 0, -0.3], [0, 0, 0, 0]), grid, f0 },
      { dt: 0.05 },
    ).f;
    const cases = [
      fokkerPlanckTraining2D({ network: start, f0, grid, loss: l2DensityLoss(target), lambda: 0.01 }, { dt: 0.05 }),
      fokkerPlanckTraining2D({ network: start, f0, grid, loss: l2DensityLoss(target) }, { dt: 0.05, boundary: "outflow" }),
      fokkerPlanckTraining2D(
        {
          network: start,
          f0: [
            (x: number, y: number) => 0.5 * Math.exp(-2 * ((x - 0.8) ** 2 + y * y)),
            (x: number, y: number) => 0.5 * Math.exp(-2 * ((x + 0.8) ** 2 + (y - 0.5) ** 2)),
          ],
          grid,
          loss: classificationDensityLoss({ nClasses: 2, dimension: 2, initialTheta: [0.5, -0.2, -0.4, 0.3, 0.1, -0.2] }),
        },
        { dt: 0.05 },
      ),
    ];
    for (const t of cases) {
      expect(Array.from(t.theta0.subarray(12, 14))).toEqual([Math.log(0.6), Math.log(0.5)]); // [W (8) | b (4) | log K (2) | head]
      const { exact, fd } = gradientCheck(t);
      for (let q = 0; q < exact.length; q++) {
        expect(Math.abs(exact[q]!)).toBeGreaterThan(1e-4);
        expect(Math.abs(fd[q]! - exact[q]!)).toBeLessThanOrEqual(1e-6 * Math.abs(exact[q]!)); // ≤ 1.1e-8 observed
      }
    }
  });

  it("recovers (W, b, K₀₀, K₁₁) of a one-layer network from its own f(T), within |g|·‖H⁻¹‖", () => {
    const grid = createGrid2D([-3, 3], [-3, 3], 24);
    const g0 = (x: number, y: number) => Math.exp(-2 * ((x - 0.5) ** 2 + y * y));
    const net = (a: number, b: number, W: number[], bb: number[]) =>
      createNetwork({ sigma: "tanh", d: 2, W, b: bb, T: 1, noise: noise(a, b) });
    const truth = net(0.4, 0.7, [-1, 0.3, 0, -0.5], [0.2, 0]);
    const loss = l2DensityLoss(solveFokkerPlanck2D({ network: truth, grid, f0: g0 }, { dt: 0.05 }).f);
    const atTruth = fokkerPlanckTraining2D({ network: truth, f0: g0, grid, loss }, { dt: 0.05 });
    const P = atTruth.theta0.length;
    const H: number[][] = [];
    for (let q = 0; q < P; q++) {
      const gp = new Float64Array(P);
      const gm = new Float64Array(P);
      const p = atTruth.theta0.slice();
      const m = atTruth.theta0.slice();
      p[q] += 1e-5;
      m[q] -= 1e-5;
      atTruth.evaluate(p, gp);
      atTruth.evaluate(m, gm);
      H.push(Array.from(gp, (v, i) => (v - gm[i]!) / 2e-5));
    }
    expect(isPositiveDefinite(H)).toBe(true);
    const hInv = inverseFrobenius(H);
    const r = trainFokkerPlanck2D(
      { network: net(0.8, 0.8, [-0.7, 0, 0.1, -0.8], [0, 0.1]), f0: g0, grid, loss },
      { optimizer: "lbfgs", epochs: 200, dt: 0.05, gradTolerance: 1e-13 },
    );
    expect(r.status).toBe("success");
    const err = Math.hypot(
      ...Array.from(r.params.W, (v, i) => v - truth.W[i]!),
      ...Array.from(r.params.b, (v, i) => v - truth.b[i]!),
      Math.log(r.K[0]! / 0.4),
      Math.log(r.K[1]! / 0.7),
    );
    expect(err).toBeLessThanOrEqual(2 * hInv * r.history.gradNorm.at(-1)!);
    expect(Math.abs(r.K[0]! - 0.4) + Math.abs(r.K[1]! - 0.7)).toBeLessThan(1e-9); // ≈ 7e-12 measured
    expect(r.f[0]!.length).toBe(24 * 24);
  });

  it("refuses bad input with errors naming the field", () => {
    const grid = createGrid2D([-3, 3], [-3, 3], 8);
    const network = createNetwork({ sigma: "tanh", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1, noise: noise(0.5, 0.5) });
    const ok = { network, f0, grid, loss: l2DensityLoss(new Float64Array(64)) };
    expectKineticError(() => trainFokkerPlanck2D({ ...ok, K: [0.5, -1] }), "INVALID_ARGUMENT", "problem.K[1]");
    expectKineticError(() => trainFokkerPlanck2D({ ...ok, K: [0.5] as never }), "INVALID_ARGUMENT", "problem.K");
    expectKineticError(() => trainFokkerPlanck2D(ok, { noisePerLayer: true }), "INVALID_ARGUMENT", "options.noisePerLayer");
    expectKineticError(() => trainFokkerPlanck2D({ ...ok, grid: createGrid1D(-1, 1, 8) as never }), "INVALID_ARGUMENT", "problem.grid");
    expectKineticError(
      () => trainFokkerPlanck2D({ ...ok, network: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1, K: 0.5 }) }),
      "UNSUPPORTED",
      "2-D",
    );
    expectKineticError(() => trainFokkerPlanck2D(ok, { method: "crank-nicolson" } as never), "INVALID_ARGUMENT", "method");
    const full = createNetwork({
      sigma: "tanh",
      d: 2,
      W: [-1, 0, 0, -1],
      b: [0, 0],
      T: 1,
      noise: { kind: "constant", K: Float64Array.of(0.5, 0.1, 0, 0.5) },
    });
    expectKineticError(() => trainFokkerPlanck2D({ ...ok, network: full }), "UNSUPPORTED", "diagonal");
    // an explicit K replaces a non-diagonal noise: the trained network's noise is diagonal
    const Km = (
      trainFokkerPlanck2D({ ...ok, network: full, K: [0.5, 0.6] }, { epochs: 1, dt: 0.1 }).params.noise as ReturnType<typeof noise>
    ).K;
    expect([Km[1], Km[2]]).toEqual([0, 0]);
    expect(Km[0]).toBeGreaterThan(0);
    expect(Km[3]).toBeGreaterThan(0);
  });
});
