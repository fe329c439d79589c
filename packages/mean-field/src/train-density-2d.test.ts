import { createRng, initNetwork, loadModel, type NetworkParams, predict, saveModel, train } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D, type Grid2D, makeMoons } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { classificationDensityLoss, momentDensityLoss } from "./density-losses.js";
import { depositCloudInCell } from "./particle-grid.js";
import { augmentedDensity, classDensities, densityModel, marginalDensityLoss, trainDensity } from "./train-density.js";

const thetaOf = (p: NetworkParams, head: ArrayLike<number>) => [...p.W, ...p.b, ...Array.from(head)];
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
const opts = { optimizer: "gd" as const, learningRate: 0.2, epochs: 30 };

/**
 * Mean and standard deviation of the per-sample cross-entropy of a linear read-out (A row-major C×d, then
 * c; C = 2) at the network's final states (rk4 layers, inputs padded with `augment` zeros).
 */
function particleLoss(params: NetworkParams, head: ArrayLike<number>, x: Float64Array, labels: Int32Array, augment = 0) {
  const d = params.d;
  const out = predict({ params, scheme: "rk4", augment }, x).outputs;
  const M = labels.length;
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < M; i++) {
    let a = head[2 * d]!,
      b = head[2 * d + 1]!;
    for (let p = 0; p < d; p++) {
      a += head[p]! * out[i * d + p]!;
      b += head[d + p]! * out[i * d + p]!;
    }
    const mx = Math.max(a, b);
    const l = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx)) - (labels[i] === 0 ? a : b);
    s1 += l;
    s2 += l * l;
  }
  const mean = s1 / M;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / M - mean * mean)) };
}

/**
 * The agreement checks shared by the 2-D and the augmented problem. Density training on a coarse and a
 * fine grid (`dc`, `df`: their difference bounds the grid error of the coarse one — the schemes are at
 * least first order — and so, with a factor 2, that of the fine one); particle training from the same
 * parameters on two independent samples `p0`, `p1` of size M (their spread is √2 times the sampling
 * error of one). Returns the parameter tolerance, for the checks that the comparison can fail.
 */
function expectAgreement(
  dc: ReturnType<typeof trainDensity>,
  df: ReturnType<typeof trainDensity>,
  runs: { params: NetworkParams; head: number[]; x: Float64Array; labels: Int32Array }[],
  theta0: number[],
  augment: number,
  trains = 0.2,
): { bound: number; td: number[]; tp: number[] } {
  expect(dc.status).toBe("success");
  expect(df.status).toBe("success");
  expect(df.stats.finalLoss).toBeLessThan(trains * df.stats.initialLoss); // it trains
  const [p, q] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const M = p.labels.length;
  // Losses at θ₀ and at the trained parameters: |J_particles − J_density| ≤ grid error + 4 sd/√M.
  const grid0 = 2 * Math.abs(dc.stats.initialLoss - df.stats.initialLoss);
  const nWB = df.params.W.length + df.params.b.length;
  const init = particleLoss(withTheta(df.params, theta0), theta0.slice(nWB), p.x, p.labels, augment);
  expect(Math.abs(init.mean - df.stats.initialLoss)).toBeLessThanOrEqual(grid0 + (4 * init.sd) / Math.sqrt(M));
  const gridT = 2 * Math.abs(dc.stats.finalLoss - df.stats.finalLoss);
  const fin = particleLoss(p.params, p.head, p.x, p.labels, augment);
  expect(Math.abs(fin.mean - df.stats.finalLoss)).toBeLessThanOrEqual(gridT + (4 * fin.sd) / Math.sqrt(M));
  // Parameters: sampling spread of one run plus the grid effect, a factor 2 of margin on each.
  const td = thetaOf(df.params, df.head);
  const tp = thetaOf(p.params, p.head);
  const spread = dist(tp, thetaOf(q.params, q.head));
  const bound = 2 * (spread / Math.SQRT2 + dist(thetaOf(dc.params, dc.head), td));
  expect(dist(td, tp)).toBeLessThanOrEqual(bound);
  // Not vacuous: the tolerance is small beside the distance training moved the parameters.
  expect(bound).toBeLessThan(0.25 * dist(td, theta0));
  return { bound, td, tp };
}

/** The network of `params` with W, b from θ = [W | b | head]. */
function withTheta(params: NetworkParams, theta: number[]): NetworkParams {
  const nW = params.W.length,
    nB = params.b.length;
  return { ...params, W: Float64Array.from(theta.slice(0, nW)), b: Float64Array.from(theta.slice(nW, nW + nB)) };
}

/** Particle runs of core's `train` (rk4 layers, the same optimiser) on two seeded samples. */
function particleRuns(
  network: NetworkParams,
  head0: number[],
  sample: (seed: number) => { x: Float64Array; labels: Int32Array },
  augment: number,
) {
  const d = network.d;
  return [1, 2].map((seed) => {
    const { x, labels } = sample(seed);
    const readout = { nOut: 2, weights: Float64Array.from(head0.slice(0, 2 * d)), bias: Float64Array.from(head0.slice(2 * d)) };
    const r = train({ x, labels, loss: { kind: "softmax", nClasses: 2 }, network, readout, augment }, { ...opts, scheme: "rk4" });
    expect(r.status).toBe("success");
    return { params: r.params, head: [...r.readout!.weights, ...r.readout!.bias], x, labels };
  });
}

describe("trainDensity in 2-D", () => {
  it("blobs: density training agrees with particle training (M = 2·10⁴) to the grid and sampling error", () => {
    // Two Gaussian blobs N(c_k, s² I), mass ½ each (class densities), labels alternating in the samples.
    const s = 0.6;
    const c = [
      [-1, -0.5],
      [1, 0.5],
    ] as const;
    const blob = (k: number) => (x: number, y: number) =>
      (0.5 * Math.exp(-((x - c[k]![0]) ** 2 + (y - c[k]![1]) ** 2) / (2 * s * s))) / (2 * Math.PI * s * s);
    const f0 = [blob(0), blob(1)];
    const head0 = [0.5, 0, -0.5, 0, 0, 0];
    const network = initNetwork({ sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 1, seed: 3 });
    const loss = () => classificationDensityLoss({ nClasses: 2, dimension: 2, initialTheta: head0 });
    const run = (n: number) => trainDensity({ network, f0, grid: createGrid2D([-5, 5], [-5, 5], n), loss: loss() }, opts);
    const dc = run(48);
    const df = run(96);
    const M = 20_000;
    const runs = particleRuns(
      network,
      head0,
      (seed) => {
        const rng = createRng(seed, 0);
        const x = new Float64Array(2 * M);
        const labels = new Int32Array(M);
        for (let i = 0; i < M; i++) {
          const k = i % 2;
          labels[i] = k;
          x[2 * i] = c[k]![0] + s * rng.normal();
          x[2 * i + 1] = c[k]![1] + s * rng.normal();
        }
        return { x, labels };
      },
      0,
    );
    const theta0 = thetaOf(network, head0);
    const { bound, td, tp } = expectAgreement(dc, df, runs, theta0, 0);
    // The check can fail: the density-trained parameters moved by 3× the tolerance along one axis do.
    const moved = td.map((v, i) => (i === 0 ? v + 3 * bound : v));
    expect(dist(moved, tp)).toBeGreaterThan(bound);
    // Fewer epochs of density training (a different optimiser trajectory) are outside the tolerance.
    const early = trainDensity({ network, f0, grid: createGrid2D([-5, 5], [-5, 5], 48), loss: loss() }, { ...opts, epochs: 10 });
    expect(dist(thetaOf(early.params, early.head), tp)).toBeGreaterThan(bound);
  }, 90_000);

  it("moons: density training agrees with particle training on makeMoons (M = 2·10⁴, noise 0.2)", () => {
    // Class densities of the noisy moons: ½ × (uniform t on [0, π] along the half circle) ∗ N(0, σ² I),
    // the t-integral by the 64-point midpoint rule (node spacing π/64 ≈ σ/4: its error, O(spacing²)
    // relative, is far below the grid error).
    const sn = 0.2,
      K = 64;
    const moon = (k: number) => (x: number, y: number) => {
      let sum = 0;
      for (let q = 0; q < K; q++) {
        const t = (Math.PI * (q + 0.5)) / K;
        const cx = k === 0 ? Math.cos(t) : 1 - Math.cos(t),
          cy = k === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
        sum += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sn * sn));
      }
      return (0.5 * sum) / K / (2 * Math.PI * sn * sn);
    };
    const f0 = [moon(0), moon(1)];
    const head0 = [0.5, 0, -0.5, 0, 0, 0];
    const network = initNetwork({ sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 1, seed: 3 });
    const loss = () => classificationDensityLoss({ nClasses: 2, dimension: 2, initialTheta: head0 });
    // The moons lie in [−1.6, 2.6] × [−1.1, 1.6] up to 2σ; |σ| ≤ 1 and T = 1 move them by at most 1.
    const run = (n: number) =>
      trainDensity({ network, f0, grid: createGrid2D([-2.75, 3.75], [-2.25, 2.75], n, Math.round((n * 5) / 6.5)), loss: loss() }, opts);
    const dc = run(48);
    const df = run(96);
    const runs = particleRuns(
      network,
      head0,
      (seed) => {
        const ds = makeMoons({ nSamples: 20_000, noise: sn, seed });
        return { x: ds.x, labels: ds.labels! };
      },
      0,
    );
    // a linear read-out after two layers does not separate the moons: the loss drops by about 4×
    expectAgreement(dc, df, runs, thetaOf(network, head0), 0, 0.3);
  }, 90_000);

  it("builds class densities from labelled 2-D samples (mass = class proportion) and trains on them", () => {
    const grid = createGrid2D([-4, 4], [-4, 4], 32);
    const rng = createRng(7, 0);
    const M = 3000;
    const x = new Float64Array(2 * M);
    const labels = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      labels[i] = i % 3 === 0 ? 1 : 0; // proportions 2/3, 1/3
      x[2 * i] = (labels[i] ? 1 : -1) + 0.5 * rng.normal();
      x[2 * i + 1] = 0.5 * rng.normal();
    }
    const f = classDensities(x, labels, grid);
    const mass = (g: Float64Array) => g.reduce((a, v) => a + v, 0) * grid.dx * grid.dy;
    expectAllClose([mass(f[0]!), mass(f[1]!)], [2 / 3, 1 / 3], { rtol: 1e-12 });
    // Each is the cloud-in-cell deposit of its class with weights 1/M.
    const x1 = Float64Array.from({ length: 2 * 1000 }, (_, q) => x[2 * (3 * (q >> 1)) + (q & 1)]!);
    expectAllClose(f[1]!, depositCloudInCell(x1, grid, { weights: new Float64Array(1000).fill(1 / M) }), { rtol: 1e-12, atol: 1e-15 });
    const r = trainDensity(
      {
        network: { sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 0.5 },
        f0: f,
        grid,
        loss: classificationDensityLoss({ nClasses: 2, dimension: 2 }),
      },
      // deposited densities are exactly 0 away from the samples: the transported tails decay towards
      // underflow, where the limiter's derivative must stay finite
      { optimizer: "lbfgs", epochs: 5 },
    );
    expect(r.status).toBe("success");
    expect(r.history.loss.length).toBeGreaterThan(0);
    expect(r.stats.finalLoss).toBeLessThan(r.stats.initialLoss);
    expect(r.f.length).toBe(2);
    expectKineticError(() => classDensities(x, labels, grid, { nClasses: 1 }), "INVALID_ARGUMENT", "labels");
    expectKineticError(() => classDensities(x.subarray(1), labels, grid), "SHAPE_MISMATCH", "x");
  });

  it("rejects bad 2-D problems with the argument's name", () => {
    const net2 = initNetwork({ sigma: "tanh", d: 2, nLayers: 1 });
    const f0 = (x: number, y: number) => Math.exp(-x * x - y * y);
    const loss = classificationDensityLoss({ nClasses: 2, dimension: 2 });
    expectKineticError(
      () => trainDensity({ network: net2, f0: [f0, f0], grid: createGrid1D(-3, 3, 20), loss }),
      "INVALID_ARGUMENT",
      "problem.grid",
    );
    const net3 = initNetwork({ sigma: "tanh", d: 3, nLayers: 1 });
    expectKineticError(() => trainDensity({ network: net3, f0, grid: createGrid2D([-3, 3], [-3, 3], 8), loss }), "UNSUPPORTED", "d = 3");
    expectKineticError(
      () => trainDensity({ network: net2, f0: [f0, f0], grid: createGrid2D([-3, 3], [-3, 3], 8), loss, augment: 2 }),
      "INVALID_ARGUMENT",
      "problem.augment",
    );
    // augment: 1 needs d = 2 and a cell row centred at x₂ = 0 (ny even on a symmetric interval has none)
    const g1 = (x: number) => Math.exp(-x * x);
    const net1 = initNetwork({ sigma: "tanh", d: 1, nLayers: 1 });
    expectKineticError(
      () => trainDensity({ network: net1, f0: [g1, g1], grid: createGrid2D([-3, 3], [-3, 3], 8, 9), loss, augment: 1 }),
      "INVALID_ARGUMENT",
      "problem.network",
    );
    expectKineticError(
      () => trainDensity({ network: net2, f0: [g1, g1], grid: createGrid2D([-3, 3], [-3, 3], 8, 8), loss, augment: 1 }),
      "INVALID_ARGUMENT",
      "problem.grid",
    );
    // the loss's dimension is checked by the loss at the first solve
    expectKineticError(
      () =>
        trainDensity({
          network: net2,
          f0: [f0, f0],
          grid: createGrid2D([-3, 3], [-3, 3], 8),
          loss: classificationDensityLoss({ nClasses: 2, dimension: 1 }),
        }),
      "SHAPE_MISMATCH",
      "grid",
    );
  });
});

describe("trainDensity with augment: 1 (1-D data carried in 2-D)", () => {
  // Two classes ½ N(∓1, s²) on the line, carried as f₁(x₁)·δ(x₂); particles padded to (x, 0) by core.
  const s = 0.6;
  const gauss = (m: number) => (x: number) => (0.5 * Math.exp(-((x - m) ** 2) / (2 * s * s))) / (s * Math.sqrt(2 * Math.PI));
  const f0 = [gauss(-1), gauss(1)];
  const head0 = [0.5, 0.2, -0.5, -0.2, 0, 0];
  const network = initNetwork({ sigma: "tanh", d: 2, nLayers: 2, T: 1, init: "random", scale: 1, seed: 5 });
  const loss = (head: ArrayLike<number> = head0) => classificationDensityLoss({ nClasses: 2, dimension: 2, initialTheta: head });
  // |σ| ≤ 1 and T = 1: the states stay within distance 1 of their start, inside [−5, 5] × [−2.5, 2.5].
  // ny = n/2 + 1 is odd: the middle cell row is centred at x₂ = 0.
  const gridOf = (n: number) => createGrid2D([-5, 5], [-2.5, 2.5], n, n / 2 + 1);
  // the default limiter (van Leer); the δ row leaves values that decay towards underflow in the tails
  const solver = {};

  it("embeds f₁ as one cell row at x₂ = 0 with the mass of f₁", () => {
    const grid = gridOf(40);
    const f = augmentedDensity(grid, f0[0]!);
    const line = augmentedDensity(grid, f0[0]!).filter((v) => v !== 0);
    expect(line.length).toBe(40);
    const j0 = (grid.ny - 1) / 2;
    const f1 = createGrid1D(-5, 5, 40);
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < grid.ny; j++) if (j !== j0) expect(f[i * grid.ny + j]).toBe(0);
      const xi = f1.xMin + (i + 0.5) * f1.dx;
      // the cell average of f₁ over [xᵢ ± Δx/2], divided by Δy
      expect(f[i * grid.ny + j0]! * grid.dy).toBeCloseTo(gauss(-1)(xi), 2);
    }
    expectAllClose([f.reduce((a, v) => a + v, 0) * grid.dx * grid.dy], [0.5], { rtol: 1e-9 });
  });

  it("agrees with core's particle training with augment: 1 (M = 2·10⁴) to the grid and sampling error", () => {
    const run = (n: number) => trainDensity({ network, f0, grid: gridOf(n), loss: loss(), augment: 1 }, { ...opts, ...solver });
    const dc = run(40);
    const df = run(80);
    expect(df.augment).toBe(1);
    const M = 20_000;
    const runs = particleRuns(
      network,
      head0,
      (seed) => {
        const rng = createRng(seed, 0);
        const x = new Float64Array(M);
        const labels = new Int32Array(M);
        for (let i = 0; i < M; i++) {
          labels[i] = i % 2;
          x[i] = (i % 2 ? 1 : -1) + s * rng.normal();
        }
        return { x, labels };
      },
      1,
    );
    const { bound, td, tp } = expectAgreement(dc, df, runs, thetaOf(network, head0), 1);
    const moved = td.map((v, i) => (i === 1 ? v - 3 * bound : v));
    expect(dist(moved, tp)).toBeGreaterThan(bound);
    // The saved model carries the augmentation: predict pads 1-D inputs as training did.
    const model = loadModel(saveModel(densityModel(df, 2)));
    expect(model.augment).toBe(1);
    expect(predict(model, Float64Array.of(-1, 0, 1)).outputs.length).toBe(6);
  }, 60_000);

  it("the gradient through the embedding matches central finite differences", () => {
    const grid = gridOf(32);
    // A fixed dt (the differentiated problem holds the step sequence fixed; so do the differences).
    const fixed = { ...solver, dt: 0.05 };
    const lambda = 0.1;
    const Jat = (theta: number[]) => {
      const nW = network.W.length,
        nB = network.b.length;
      const r = trainDensity(
        { network: withTheta(network, theta), f0, grid, loss: loss(theta.slice(nW + nB)), augment: 1, lambda },
        { ...fixed, optimizer: { kind: "gd", momentum: 0 }, learningRate: 1e-12, epochs: 1 },
      );
      return r.stats.initialLoss;
    };
    const eta = 1e-3;
    const step = trainDensity(
      { network, f0, grid, loss: loss(), augment: 1, lambda },
      { ...fixed, optimizer: { kind: "gd", momentum: 0 }, learningRate: eta, epochs: 1 },
    );
    const theta0 = thetaOf(network, head0);
    const grad = thetaOf(step.params, step.head).map((v, q) => (theta0[q]! - v) / eta);
    const h = 1e-6;
    const fd = theta0.map((_, q) => {
      const tp = theta0.slice(),
        tm = theta0.slice();
      tp[q]! += h;
      tm[q]! -= h;
      return (Jat(tp) - Jat(tm)) / (2 * h);
    });
    // central differences: error O(h²) plus round-off ~1e-16·J/h
    expectAllClose(grad, fd, { rtol: 1e-6, atol: 1e-7 });
    expect(Math.max(...grad.map(Math.abs))).toBeGreaterThan(1e-2); // a gradient that is not trivially 0
  });

  it("marginalDensityLoss reads the first coordinate: a 1-D loss of the x₁-marginal, with its gradient", () => {
    const grid: Grid2D = gridOf(40);
    const g1 = createGrid1D(-5, 5, 40);
    const inner = momentDensityLoss({ mean: [0.7] });
    const outer = marginalDensityLoss(inner);
    const f = [augmentedDensity(grid, f0[1]!)];
    const line = f0[1]!;
    const f1 = Float64Array.from({ length: 40 }, (_, i) => f[0]![i * grid.ny + (grid.ny - 1) / 2]! * grid.dy);
    const e = new Float64Array(0);
    const g2 = [new Float64Array(f[0]!.length)];
    const gl = [new Float64Array(40)];
    expectAllClose([outer.evaluate(f, grid, e, g2, null)], [inner.evaluate([f1], g1, e, gl, null)], { rtol: 1e-14 });
    // ∂J/∂f_ij = ∂J₁/∂m_i · Δy in every row
    for (let i = 0; i < 40; i++) for (let j = 0; j < grid.ny; j++) expect(g2[0]![i * grid.ny + j]).toBeCloseTo(gl[0]![i]! * grid.dy, 14);
    expect(line(0.7)).toBeGreaterThan(0);
    expectKineticError(() => outer.evaluate([f1], g1, e, null, null), "INVALID_ARGUMENT", "grid");
    // trains the x₁-mean through the 2-D flow
    const r = trainDensity(
      {
        network,
        f0: f0[1]!,
        grid,
        loss: marginalDensityLoss(momentDensityLoss({ mean: [0.3] })),
        augment: 1,
      },
      { ...solver, optimizer: "lbfgs", epochs: 5 },
    );
    expect(r.status).toBe("success");
    expect(r.stats.finalLoss).toBeLessThan(0.1 * r.stats.initialLoss);
  });
});
