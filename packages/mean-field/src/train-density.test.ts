import { createRng, createScalarNetwork, initNetwork, loadModel, type NetworkParams, predict, saveModel, train } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { vlasovGradient } from "./adjoint.js";
import { classificationDensityLoss, l2DensityLoss, momentDensityLoss } from "./density-losses.js";
import { densityModel, trainDensity } from "./train-density.js";

// The 1-D two-class problem: class densities ½ N(∓1, s²) (mass ½ each, so J is the expected loss).
const s = 0.6;
const gauss = (m: number) => (x: number) => (0.5 * Math.exp(-((x - m) ** 2) / (2 * s * s))) / (s * Math.sqrt(2 * Math.PI));
const f0 = [gauss(-1), gauss(1)];
const head0 = [0.5, -0.5, 0, 0]; // read-out A = (0.5, −0.5), c = 0: core's Readout layout
const network = initNetwork({ sigma: "tanh", d: 1, nLayers: 3, T: 1, init: "random", scale: 1, seed: 3 });
const lossFor = () => classificationDensityLoss({ nClasses: 2, dimension: 1, initialTheta: head0 });
const opts = { optimizer: "gd" as const, learningRate: 0.2, epochs: 40 };

/** Seeded particles from the same two classes (labels alternate, so the classes are exactly balanced). */
function particles(M: number, seed: number): { x: Float64Array; labels: Int32Array } {
  const rng = createRng(seed, 0);
  const x = new Float64Array(M);
  const labels = new Int32Array(M);
  for (let i = 0; i < M; i++) {
    labels[i] = i % 2;
    x[i] = (i % 2 ? 1 : -1) + s * rng.normal();
  }
  return { x, labels };
}

/** Density loss J_n(W, b, head) on an n-cell grid. */
function densityLoss(params: NetworkParams, head: ArrayLike<number>, n: number): number {
  const grid = createGrid1D(-5, 5, n);
  return vlasovGradient({ params, grid, f0 }, lossFor(), { theta: Float64Array.from(head) }).loss;
}

/** Mean and standard deviation of the per-sample cross-entropy at the network output (rk4 layers). */
function particleLoss(params: NetworkParams, head: ArrayLike<number>, x: Float64Array, labels: Int32Array) {
  const out = predict({ params, scheme: "rk4" }, x).outputs;
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const a = head[0]! * out[i]! + head[2]!,
      b = head[1]! * out[i]! + head[3]!;
    const mx = Math.max(a, b);
    const l = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx)) - (labels[i] === 0 ? a : b);
    s1 += l;
    s2 += l * l;
  }
  const mean = s1 / x.length;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / x.length - mean * mean)) };
}

const thetaOf = (p: NetworkParams, head: ArrayLike<number>) => [...p.W, ...p.b, ...Array.from(head)];
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe("trainDensity", () => {
  it("agrees with particle training (M = 2·10⁴) to the grid and sampling error", () => {
    const M = 20_000;
    // Density training on n and 2n cells: their difference bounds the grid error (MUSCL is at least
    // first order, so the error of the n-cell result is at most about 2·|J_n − J_2n|).
    const d1 = trainDensity({ network, grid: createGrid1D(-5, 5, 200), f0, loss: lossFor() }, opts);
    const d2 = trainDensity({ network, grid: createGrid1D(-5, 5, 400), f0, loss: lossFor() }, opts);
    expect(d1.status).toBe("success");
    expect(d2.status).toBe("success");
    expect(d2.stats.finalLoss).toBeLessThan(0.2 * d2.stats.initialLoss); // it trains
    // Particle training from the same parameters and read-out, rk4 layers (≈ the flow of each layer,
    // which the density level transports), two independent samples.
    const readout = { nOut: 2, weights: Float64Array.of(0.5, -0.5), bias: Float64Array.of(0, 0) };
    const runs = [1, 2].map((seed) => {
      const { x, labels } = particles(M, seed);
      const r = train({ x, labels, loss: { kind: "softmax", nClasses: 2 }, network, readout }, { ...opts, scheme: "rk4" });
      expect(r.status).toBe("success");
      return { r, x, labels, head: [...r.readout!.weights, ...r.readout!.bias] };
    });
    const p = runs[0]!;

    // Losses: |J_particles − J_density| ≤ grid error + 4 sd/√M, at the initial and at the trained parameters.
    const grid0 = 2 * Math.abs(densityLoss(network, head0, 400) - densityLoss(network, head0, 800));
    const init = particleLoss(network, head0, p.x, p.labels);
    const J0 = densityLoss(network, head0, 400);
    expect(Math.abs(init.mean - J0)).toBeLessThanOrEqual(grid0 + (4 * init.sd) / Math.sqrt(M));
    const gridT = 2 * Math.abs(d1.stats.finalLoss - d2.stats.finalLoss);
    const fin = particleLoss(p.r.params, p.head, p.x, p.labels);
    expect(Math.abs(fin.mean - d2.stats.finalLoss)).toBeLessThanOrEqual(gridT + (4 * fin.sd) / Math.sqrt(M));
    // The density loss at the particle-trained parameters is within the same error of the density-trained one.
    const Jdp = densityLoss(p.r.params, p.head, 400);
    expect(Math.abs(Jdp - d2.stats.finalLoss)).toBeLessThanOrEqual(gridT + (4 * fin.sd) / Math.sqrt(M));

    // Parameters: the distance density ↔ particles is the sampling spread (two independent samples differ
    // by √2 times it) plus the grid effect (n vs 2n), with a factor 2 of margin on each.
    const td = thetaOf(d2.params, d2.head);
    const spread = dist(thetaOf(p.r.params, p.head), thetaOf(runs[1]!.r.params, runs[1]!.head));
    const gridTheta = dist(thetaOf(d1.params, d1.head), td);
    expect(dist(td, thetaOf(p.r.params, p.head))).toBeLessThanOrEqual(2 * (spread / Math.SQRT2 + gridTheta));
    expect(spread).toBeLessThan(0.2); // the comparison is not vacuous: the parameters are known to ±0.1
  }, 60_000);

  it("follows the exact gradient: one plain GD step is θ₀ − η ∇J (with λ)", () => {
    const grid = createGrid1D(-5, 5, 100);
    const lambda = 0.3;
    const eta = 0.05;
    const r = trainDensity(
      { network, grid, f0, loss: lossFor(), lambda },
      { optimizer: { kind: "gd", momentum: 0 }, learningRate: eta, epochs: 1 },
    );
    const g = vlasovGradient({ params: network, grid, f0 }, lossFor());
    const L = network.nLayers;
    const expected = thetaOf(network, head0).map((v, q) => {
      const gq = q < L ? g.gradW[q]! : q < 2 * L ? g.gradB[q - L]! : g.gradTheta[q - 2 * L]!;
      return v - eta * (gq + (q < 2 * L ? lambda * v : 0));
    });
    expectAllClose(thetaOf(r.params, r.head), expected, { rtol: 1e-14, atol: 1e-15 });
    let reg = 0;
    for (const v of [...network.W, ...network.b]) reg += 0.5 * lambda * v * v;
    expectAllClose([r.stats.initialLoss], [g.loss + reg], { rtol: 1e-14 });
  });

  it("never reports success when the solver fails: mass leaving through an outflow boundary", () => {
    // Drive the density to the right (target mean 3) on [−2, 2] with outflow: mass leaves, and with a
    // 5 % tolerance the solve reports "mass-lost"; training stops there with the last good parameters.
    const grid = createGrid1D(-2, 2, 80);
    const problem = {
      network: initNetwork({ sigma: "tanh", d: 1, nLayers: 2, T: 2, scale: 0.01, seed: 1 }),
      grid,
      f0: (x: number) => Math.exp(-((x - 0.3) ** 2) / 0.08),
      loss: momentDensityLoss({ mean: [3] }),
    };
    const solver = { scheme: "upwind" as const, boundary: "outflow" as const, massLossTolerance: 0.05 };
    const r = trainDensity(problem, { ...solver, optimizer: "adam", learningRate: 0.2, epochs: 200 });
    expect(r.status).toBe("mass-lost");
    expect(r.stats.stoppedBy).toBe("non-finite");
    expect(r.history.loss.length).toBeLessThan(200);
    // The returned parameters are the last good ones: their solve is a success, within the tolerance.
    const back = vlasovGradient({ params: r.params, grid, f0: problem.f0 }, problem.loss, solver);
    expect(back.status).toBe("success");
    expectAllClose([back.loss], [r.stats.finalLoss], { rtol: 1e-14 });
  });

  it("never reports success when L-BFGS stops because every trial solve fails", () => {
    // A loss that is finite only at its initial θ_head: the first line search cannot take a step.
    const at0 = (theta: Float64Array) => theta[0] === 1;
    const picky = {
      nParams: 1,
      initialTheta: Float64Array.of(1),
      evaluate(f: readonly Float64Array[], _g: unknown, theta: Float64Array, gradF: Float64Array[] | null, gradTheta: Float64Array | null) {
        if (gradF) gradF[0]!.fill(0);
        if (gradTheta) gradTheta[0] = 1;
        return at0(theta) ? f[0]![0]! : Number.NaN;
      },
    };
    const grid = createGrid1D(-5, 5, 40);
    const r = trainDensity({ network, grid, f0: f0[0]!, loss: picky }, { optimizer: "lbfgs", epochs: 5 });
    expect(r.stats.stoppedBy).toBe("line-search");
    expect(r.status).toBe("non-finite");
    expect(Array.from(r.head)).toEqual([1]);
  });

  it("saves and loads through core's model JSON; rejects bad input with the field's name", () => {
    const grid = createGrid1D(-5, 5, 60);
    const r = trainDensity({ network, grid, f0, loss: lossFor() }, { optimizer: "lbfgs", epochs: 3 });
    const back = loadModel(saveModel(densityModel(r, 2)));
    expect(Array.from(back.params.W)).toEqual(Array.from(r.params.W));
    expect(Array.from(back.readout!.weights)).toEqual(Array.from(r.head.subarray(0, 2)));
    expect(back.loss).toEqual({ kind: "softmax", nClasses: 2 });
    expectKineticError(() => densityModel(r, 3), "SHAPE_MISMATCH", "result.head");
    const net2 = initNetwork({ sigma: "tanh", d: 2, nLayers: 2 });
    expectKineticError(() => trainDensity({ network: net2, grid, f0, loss: lossFor() }), "INVALID_ARGUMENT", "problem.grid");
    expectKineticError(
      () => trainDensity({ network, grid, f0, loss: lossFor() }, { batchSize: 4 } as never),
      "INVALID_ARGUMENT",
      "batchSize",
    );
    expectKineticError(
      () => trainDensity({ network, grid, f0, loss: lossFor() }, { limiter: "superbee" as never }),
      "INVALID_ARGUMENT",
      "limiter",
    );
    expectKineticError(() => trainDensity({ network, grid: undefined as never, f0, loss: lossFor() }), "INVALID_ARGUMENT", "problem.grid");
    const ac = new AbortController();
    ac.abort(new Error("stopped"));
    expect(() => trainDensity({ network, grid, f0, loss: lossFor() }, { signal: ac.signal })).toThrow("stopped");
  });
});

describe("trainDensity with optimizer eki (ensemble Kalman inversion, derivative-free)", () => {
  // target: f(T) of a known two-layer network from N(0.3, 0.5²); start from another network
  const g = createGrid1D(-4, 4, 160);
  const start = (x: number) => Math.exp(-((x - 0.3) ** 2) / 0.5) / Math.sqrt(0.5 * Math.PI);
  const truth = createScalarNetwork({ sigma: "tanh", w: [-0.8, 0.6], b: [0.4, -0.3], T: 1 });
  const target = vlasovGradient({ params: truth, grid: g, f0: start }, l2DensityLoss(new Float64Array(160)), { scheme: "upwind" }).f[0]!;
  const network = createScalarNetwork({ sigma: "tanh", w: [-0.2, 0.1], b: [0, 0.1], T: 1 });
  const problem = { network, grid: g, f0: start, loss: l2DensityLoss(target) };

  it("recovers the parameters of its target by forward solves only, reproducibly from the seed", () => {
    const o = { optimizer: "eki", epochs: 60, seed: 2, scheme: "upwind", ensemble: { size: 20, spread: 0.3 } } as const;
    const e = trainDensity(problem, o);
    expect(e.status).toBe("success");
    expect(e.stats.gradientEvaluations).toBe(0);
    // 60 iterations of 20 members plus the mean after each, plus θ₀
    expect(e.stats.lossEvaluations).toBe(60 * 21 + 1);
    // L-BFGS with the adjoint gradient recovers the target to round-off from this start
    const l = trainDensity(problem, { optimizer: "lbfgs", epochs: 60, scheme: "upwind" });
    expect(l.stats.finalLoss).toBeLessThan(1e-20);
    // EKI converges like 1/iterations (the ensemble collapses): measured a 416-fold reduction and
    // parameters within 0.03 of the target; required 100-fold and 0.1
    expect(e.stats.finalLoss).toBeLessThan(e.stats.initialLoss / 100);
    const got = [...e.params.W, ...e.params.b];
    [-0.8, 0.6, 0.4, -0.3].forEach((v, i) => expect(Math.abs(got[i]! - v), `parameter ${i}`).toBeLessThan(0.1));
    const again = trainDensity(problem, o);
    expect(Array.from(again.params.W)).toEqual(Array.from(e.params.W));
    expect(e.history.loss.length).toBe(60);
  });

  it("refuses a loss without residuals, gradient-only options and unknown ensemble keys, naming them", () => {
    expectKineticError(
      () => trainDensity({ ...problem, loss: momentDensityLoss({ mean: [0.3] }) }, { optimizer: "eki", epochs: 1 }),
      "UNSUPPORTED",
      /optimizer/,
    );
    expectKineticError(() => trainDensity(problem, { optimizer: "eki", learningRate: 0.1, epochs: 1 }), "INVALID_ARGUMENT", /learningRate/);
    expectKineticError(
      () => trainDensity(problem, { optimizer: "eki", epochs: 1, ensemble: { members: 3 } as never }),
      "INVALID_ARGUMENT",
      /members/,
    );
    expectKineticError(
      () => trainDensity(problem, { optimizer: "eki", epochs: 1, ensemble: { size: 1 } }),
      "INVALID_ARGUMENT",
      /ensemble\.size/,
    );
  });
});
