import { describe, expect, it } from "vitest";
import {
  accuracy,
  createRng,
  ensembleKalmanMinimize,
  initNetwork,
  loadModel,
  predict,
  saveModel,
  train,
  trainEki,
  type TrainProgress,
} from "../src/index.js";
import { expectAllClose, expectKineticError } from "../src/testing.js";

/** Two interleaving half circles ("two moons"), noise σ = 0.1, balanced classes, from createRng. */
function moons(n: number, seed: number): { x: Float64Array; labels: Int32Array } {
  const rng = createRng(seed, 0);
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = Math.PI * rng.uniform();
    const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + 0.1 * rng.normal();
    x[2 * i + 1] = py + 0.1 * rng.normal();
    labels[i] = c;
  }
  return { x, labels };
}

function regression1d(n: number): { x: Float64Array; targets: Float64Array } {
  const x = new Float64Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = -2 + (4 * i) / (n - 1);
    targets[i] = x[i]! + 0.5 * Math.sin(2 * x[i]!); // increasing: derivative 1 + cos(2x) ≥ 0
  }
  return { x, targets };
}

describe("training solves real problems", () => {
  it("1-D two classes (threshold at 0.5, class targets ∓2): accuracy ≥ 0.99", () => {
    const n = 200;
    const x = new Float64Array(n);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = -3 + (6 * (i + 0.5)) / n;
      labels[i] = x[i]! > 0.5 ? 1 : 0;
    }
    const loss = { kind: "class-targets", classTargets: [-2, 2] } as const;
    const res = train({ x, labels, loss, network: { sigma: "tanh", d: 1, nLayers: 10, T: 2 } }, { optimizer: "lbfgs", epochs: 300 });
    expect(res.status).toBe("success");
    const { classes } = predict({ params: res.params, loss }, x);
    expect(accuracy(classes!, labels)).toBeGreaterThanOrEqual(0.99);
    expect(res.stats.finalLoss).toBeLessThan(0.5 * res.stats.initialLoss);
  });

  it("two moons (d = 2, 400 points, noise 0.1), Adam: test accuracy ≥ 0.97 on 400 fresh points", () => {
    const trainSet = moons(400, 1);
    const testSet = moons(400, 2);
    const res = train(
      { ...trainSet, loss: "logistic", network: { sigma: "tanh", d: 2, nLayers: 10, T: 3, init: "random", scale: 0.5 } },
      { optimizer: "adam", learningRate: 0.05, epochs: 600, seed: 1 },
    );
    expect(res.status).toBe("success");
    const { classes } = predict({ params: res.params, readout: res.readout!, loss: { kind: "logistic" } }, testSet.x);
    expect(accuracy(classes!, testSet.labels)).toBeGreaterThanOrEqual(0.97);
  });

  it("two moons, softmax read-out with seeded mini-batches: test accuracy ≥ 0.97", () => {
    const trainSet = moons(400, 3);
    const testSet = moons(400, 4);
    const loss = { kind: "softmax", nClasses: 2 } as const;
    const res = train(
      { ...trainSet, loss, network: { sigma: "tanh", d: 2, nLayers: 10, T: 3, init: "random", scale: 0.5 } },
      { optimizer: "adam", learningRate: 0.02, epochs: 150, batchSize: 40, seed: 2 },
    );
    const { classes } = predict({ params: res.params, readout: res.readout!, loss }, testSet.x);
    expect(accuracy(classes!, testSet.labels)).toBeGreaterThanOrEqual(0.97);
  });

  it("monotone 1-D regression y = x + sin(2x)/2 on [-2, 2] (L-BFGS): RMS error < 5e-3, max error < 2e-2", () => {
    const data = regression1d(101);
    const res = train({ ...data, loss: "mse", network: { sigma: "tanh", d: 1, nLayers: 20, T: 2 } }, { optimizer: "lbfgs", epochs: 1000 });
    const { outputs } = predict({ params: res.params }, data.x);
    let se = 0;
    let maxe = 0;
    for (let i = 0; i < 101; i++) {
      const e = Math.abs(outputs[i]! - data.targets[i]!);
      se += e * e;
      maxe = Math.max(maxe, e);
    }
    expect(Math.sqrt(se / 101)).toBeLessThan(5e-3);
    expect(maxe).toBeLessThan(2e-2);
    // J = ½ mean squared error
    expect(Math.abs(res.stats.finalLoss - se / 202) / res.stats.finalLoss).toBeLessThan(1e-9);
  });

  it("gradient descent with momentum and a cosine schedule leaves the near-identity plateau", () => {
    const data = regression1d(41);
    const res = train(
      { ...data, loss: "mse", network: { sigma: "tanh", d: 1, nLayers: 8, T: 2 } },
      {
        optimizer: { kind: "gd", momentum: 0.9 },
        learningRate: 1,
        schedule: { kind: "cosine" },
        epochs: 400,
      },
    );
    // plain GD without momentum stalls near 0.94× the initial loss on this problem
    expect(res.stats.finalLoss).toBeLessThan(0.5 * res.stats.initialLoss);
    expect(res.history.learningRate[0]).toBe(1);
    expectAllClose(res.history.learningRate[399]!, 0.5 * (1 + Math.cos((Math.PI * 399) / 400)), { rtol: 1e-12 });
  });

  it("ensemble Kalman inversion reaches a loss comparable to L-BFGS with forward runs only", () => {
    const data = regression1d(101);
    const problem = { ...data, loss: "mse" as const, network: { sigma: "tanh", d: 1, nLayers: 4, T: 2 } };
    const lbfgs = train(problem, { optimizer: "lbfgs", epochs: 300 });
    const adam = train(problem, { optimizer: "adam", learningRate: 0.02, epochs: 300 });
    // EKI is a stochastic method: the claim is checked for several ensemble seeds, not one lucky draw.
    for (const seed of [1, 2, 3]) {
      const eki = trainEki(problem, { ensembleSize: 40, iterations: 100, stepSize: 10, spread: 1, seed });
      expect(eki.status).toBe("success");
      expect(eki.stats.forwardRuns).toBe(40 * 100);
      expect(eki.stats.finalLoss).toBeLessThan(3 * lbfgs.stats.finalLoss);
      expect(eki.stats.finalLoss).toBeLessThan(adam.stats.finalLoss);
      expect(eki.stats.finalLoss).toBeLessThan(0.05 * eki.stats.initialLoss);
    }
  });

  it("EKI with Tikhonov λ shrinks the parameters", () => {
    const data = regression1d(41);
    const problem = { ...data, loss: "mse" as const, network: { sigma: "tanh", d: 1, nLayers: 4, T: 2 } };
    const a = trainEki(problem, { ensembleSize: 30, iterations: 30, stepSize: 10, spread: 1, seed: 1 });
    const b = trainEki({ ...problem, lambda: 1 }, { ensembleSize: 30, iterations: 30, stepSize: 10, spread: 1, seed: 1 });
    const n2 = (p: { W: Float64Array; b: Float64Array }): number => [...p.W, ...p.b].reduce((s, v) => s + v * v, 0);
    expect(n2(b.params)).toBeLessThan(n2(a.params));
  });
});

describe("training mechanics", () => {
  const data = regression1d(41);
  const problem = { ...data, loss: "mse" as const, network: { sigma: "tanh", d: 1, nLayers: 6, T: 2 } };

  it("same seed, same result (mini-batches, validation split)", () => {
    const opts = { optimizer: "adam" as const, epochs: 30, batchSize: 8, validationSplit: 0.25, seed: 7 };
    const a = train(problem, opts);
    const b = train(problem, opts);
    expect(Array.from(a.params.W)).toEqual(Array.from(b.params.W));
    expect(Array.from(a.history.loss)).toEqual(Array.from(b.history.loss));
    const c = train(problem, { ...opts, seed: 8 });
    expect(Array.from(c.history.loss)).not.toEqual(Array.from(a.history.loss));
  });

  it("reports progress every epoch and returns the history", () => {
    const seen: TrainProgress[] = [];
    const res = train(problem, { epochs: 12, validationSplit: 0.2, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.epoch)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(seen.every((p) => p.valLoss !== undefined && Number.isFinite(p.gradNorm))).toBe(true);
    expect(res.history.loss.length).toBe(12);
    expect(res.history.valLoss!.length).toBe(12);
    expect(res.history.loss[11]).toBe(seen[11]!.loss);
  });

  it("early stopping stops on a stalled validation loss and restores the best parameters", () => {
    // learning rate so large that Adam oscillates: the validation loss stops improving
    const res = train(problem, { optimizer: "adam", learningRate: 0.5, epochs: 500, validationSplit: 0.3, earlyStopping: { patience: 5 } });
    expect(res.stats.stoppedBy).toBe("early-stopping");
    expect(res.stats.epochs).toBeLessThan(500);
    const best = Math.min(...res.history.valLoss!);
    expect(res.history.valLoss![res.stats.bestEpoch - 1]).toBe(best);
  });

  it("an explicit validation set is evaluated every epoch; without early stopping the last parameters are kept", () => {
    const val = regression1d(17);
    const res = train(problem, { optimizer: "adam", epochs: 15, validation: val, earlyStopping: false });
    expect(res.history.valLoss!.length).toBe(15);
    expect(res.stats.epochs).toBe(15);
    const last = train(problem, { optimizer: "adam", epochs: 15 });
    expect(Array.from(res.params.W)).toEqual(Array.from(last.params.W));
    expectKineticError(() => train(problem, { validation: { x: val.x } }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { validation: val, validationSplit: 0.2 }), "INVALID_ARGUMENT");
  });

  it("schedules: step and exponential", () => {
    const s = train(problem, { optimizer: "gd", learningRate: 0.1, schedule: { kind: "step", every: 3, factor: 0.5 }, epochs: 7 });
    expect(Array.from(s.history.learningRate)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    const e = train(problem, { optimizer: "gd", learningRate: 0.1, schedule: { kind: "exponential", gamma: 0.9 }, epochs: 3 });
    expectAllClose(e.history.learningRate[2]!, 0.1 * 0.81, { rtol: 1e-14 });
  });

  it("stops at the gradient tolerance", () => {
    const res = train(problem, { optimizer: "lbfgs", epochs: 1000, gradTolerance: 1e-6 });
    expect(res.stats.stoppedBy === "grad-tolerance" || res.stats.stoppedBy === "line-search").toBe(true);
    expect(res.history.gradNorm.at(-1)!).toBeLessThan(1e-4);
  });

  it("a blow-up is reported as non-finite, never as NaN parameters", () => {
    const res = train(
      { ...problem, network: { sigma: "identity", d: 1, nLayers: 4, T: 2 } },
      { optimizer: "gd", learningRate: 1e6, epochs: 20 },
    );
    expect(res.status).toBe("non-finite");
    expect(res.params.W.every(Number.isFinite)).toBe(true);
  });

  it("bad options", () => {
    expectKineticError(() => train(problem, { epochs: 0 }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { learningRate: -1 }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { learningRate: NaN }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { learningRate: Infinity }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { optimizer: "sgd" as never }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { batchSize: 0 }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { validationSplit: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => train(problem, { optimizer: "lbfgs", batchSize: 4 }), "UNSUPPORTED");
    expectKineticError(() => train(problem, { schedule: { kind: "step", every: 0, factor: 0.5 } }), "INVALID_ARGUMENT");
    expectKineticError(() => train({ ...problem, network: { sigma: "tanh", d: 1, nLayers: 0 } }), "INVALID_ARGUMENT");
    expectKineticError(() => trainEki({ ...moons(10, 1), loss: "logistic", network: { sigma: "tanh", d: 2, nLayers: 2 } }), "UNSUPPORTED");
    expectKineticError(() => trainEki(problem, { ensembleSize: 1 }), "INVALID_ARGUMENT");
  });
});

describe("initialisation and JSON", () => {
  it("near identity: small W, zero b; random: seeded Gaussian", () => {
    const a = initNetwork({ sigma: "tanh", d: 3, nLayers: 5, seed: 1 });
    expect(a.b.every((v) => v === 0)).toBe(true);
    expect(Math.max(...a.W.map(Math.abs))).toBeLessThan(0.05);
    const r1 = initNetwork({ sigma: "tanh", d: 3, nLayers: 5, init: "random", seed: 1 });
    const r2 = initNetwork({ sigma: "tanh", d: 3, nLayers: 5, init: "random", seed: 1 });
    expect(Array.from(r1.W)).toEqual(Array.from(r2.W));
    // N(0, 1/d): the sample variance of 45 entries lies within 5 standard errors of 1/3
    const v = r1.W.reduce((s, w) => s + w * w, 0) / r1.W.length;
    expect(Math.abs(v - 1 / 3)).toBeLessThan(5 * (1 / 3) * Math.sqrt(2 / 45));
    expectKineticError(() => initNetwork({ sigma: "tanh", d: 0, nLayers: 5 }), "INVALID_ARGUMENT");
    expectKineticError(() => initNetwork({ sigma: "tanh", d: 2, nLayers: 5, scale: -1 }), "INVALID_ARGUMENT");
  });

  it("round-trips a trained classifier exactly", () => {
    const set = moons(60, 5);
    const loss = { kind: "softmax", nClasses: 2 } as const;
    const res = train(
      { ...set, loss, network: { sigma: "leaky-relu", d: 2, nLayers: 3, T: 1, init: "random" } },
      { epochs: 5, scheme: "heun" },
    );
    const text = saveModel({ params: res.params, readout: res.readout!, loss, scheme: "heun" });
    const back = loadModel(text);
    expect(back.params.sigma.name).toBe("leaky-relu");
    expect(back.scheme).toBe("heun");
    expect(Array.from(back.params.W)).toEqual(Array.from(res.params.W));
    expect(Array.from(back.readout!.weights)).toEqual(Array.from(res.readout!.weights));
    const p1 = predict({ params: res.params, readout: res.readout!, loss, scheme: "heun" }, set.x);
    const p2 = predict(back, set.x);
    expect(Array.from(p2.outputs)).toEqual(Array.from(p1.outputs));
    expect(JSON.parse(text).schemaVersion).toBe(1);
    // also from a parsed object
    expect(loadModel(JSON.parse(text)).params.nLayers).toBe(3);
  });

  it("loading validates and gives clear errors", () => {
    const good = JSON.parse(saveModel({ params: initNetwork({ sigma: "tanh", d: 2, nLayers: 2 }) }));
    expectKineticError(() => loadModel("{not json"), "PARSE_ERROR");
    expectKineticError(() => loadModel("[1, 2]"), "PARSE_ERROR");
    expectKineticError(() => loadModel({ ...good, schemaVersion: 3 }), "UNSUPPORTED");
    expectKineticError(() => loadModel({ ...good, kind: "other" }), "UNSUPPORTED");
    expectKineticError(() => loadModel({ ...good, sigma: "swish" }), "NOT_FOUND");
    expectKineticError(() => loadModel({ ...good, W: [1, 2, 3] }), "SHAPE_MISMATCH");
    expectKineticError(() => loadModel({ ...good, b: "x" }), "INVALID_ARGUMENT");
    expectKineticError(() => loadModel({ ...good, W: good.W.map(() => null) }), "INVALID_ARGUMENT");
    expectKineticError(() => loadModel({ ...good, nLayers: 3 }), "SHAPE_MISMATCH");
    expectKineticError(() => loadModel({ ...good, dt: -1 }), "INVALID_ARGUMENT");
    expectKineticError(() => loadModel({ ...good, scheme: "rk5" }), "INVALID_ARGUMENT");
    expectKineticError(() => loadModel({ ...good, readout: { nOut: 1, weights: [1], bias: [0] } }), "SHAPE_MISMATCH");
  });
});

describe("augmentation (state dimension d = data features + k)", () => {
  const n = 100;
  const xs = Float64Array.from({ length: n }, (_, i) => -1 + (2 * (i + 0.5)) / n);
  const ys = Float64Array.from(xs, (v) => v * v);
  const network = { sigma: "tanh", d: 2, nLayers: 10, T: 2, init: "random", scale: 0.1 } as const;

  it("train returns the augmentation; predict pads the inputs and reads the first coordinate", () => {
    const res = train({ x: xs, targets: ys, loss: "mse", augment: 1, network }, { epochs: 20, seed: 1 });
    expect(res.augment).toBe(1);
    expect(train({ x: xs, targets: ys, loss: "mse", network: { ...network, d: 1 } }, { epochs: 2 }).augment).toBe(0);
    const p = predict(res, xs);
    expect(p.outputs.length).toBe(2 * n);
    expect(p.values!.length).toBe(n);
    const padded = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) padded[2 * i] = xs[i]!;
    const q = predict({ params: res.params }, padded);
    expect(Array.from(p.outputs)).toEqual(Array.from(q.outputs));
    expect(Array.from(p.values!)).toEqual(Array.from(q.outputs.filter((_, j) => j % 2 === 0)));
    // the final loss is the mse of these values
    let J = 0;
    for (let i = 0; i < n; i++) J += 0.5 * (p.values![i]! - ys[i]!) ** 2;
    expectAllClose([J / n], [res.stats.finalLoss], { rtol: 1e-12 });
    expectKineticError(() => predict({ params: res.params, augment: 2 }, xs), "INVALID_ARGUMENT", "`model.augment`");
    expectKineticError(() => predict({ params: res.params, augment: 1 }, new Float64Array(0)), "INVALID_ARGUMENT");
  });

  it("a validation set has the data's features too", () => {
    const res = train(
      { x: xs, targets: ys, loss: "mse", augment: 1, network },
      { epochs: 30, validation: { x: xs.subarray(0, 20), targets: ys.subarray(0, 20) }, earlyStopping: { patience: 5 } },
    );
    expect(res.history.valLoss?.length).toBeGreaterThan(0);
    expect(res.history.valLoss!.every(Number.isFinite)).toBe(true);
    const split = train({ x: xs, targets: ys, loss: "mse", augment: 1, network }, { epochs: 5, validationSplit: 0.2 });
    expect(split.status).toBe("success");
    expectKineticError(
      () => train({ x: xs, targets: ys, loss: "mse", augment: 1, network }, { epochs: 5, validation: { x: padTwo(xs), targets: ys } }),
      "SHAPE_MISMATCH",
    );
  });

  it("saves as schema version 2 with `augment` and loads back to identical predictions", () => {
    const res = train({ x: xs, targets: ys, loss: "mse", augment: 1, network }, { epochs: 5, seed: 2 });
    const text = saveModel({ ...res, loss: { kind: "mse" } });
    const json = JSON.parse(text);
    expect(json).toMatchObject({ schemaVersion: 2, augment: 1, d: 2 });
    const back = loadModel(text);
    expect(back.augment).toBe(1);
    expect(Array.from(predict(back, xs).values!)).toEqual(Array.from(predict(res, xs).values!));
    // an unaugmented model stays version 1, readable by earlier versions
    expect(JSON.parse(saveModel({ params: res.params })).schemaVersion).toBe(1);
    expectKineticError(() => loadModel({ ...json, schemaVersion: 1 }), "INVALID_ARGUMENT", "`model.augment`");
    const { augment: _a, ...noAugment } = json;
    expectKineticError(() => loadModel(noAugment), "INVALID_ARGUMENT", "`model.augment`");
    expectKineticError(() => loadModel({ ...json, augment: 2 }), "INVALID_ARGUMENT", "`model.augment`");
    expectKineticError(() => loadModel({ ...json, augment: 0 }), "INVALID_ARGUMENT", "`model.augment`");
    expectKineticError(() => saveModel({ params: res.params, augment: -1 }), "INVALID_ARGUMENT", "`model.augment`");
  });
});

function padTwo(x: Float64Array): Float64Array {
  const out = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) out[2 * i] = x[i]!;
  return out;
}

describe("ensembleKalmanMinimize", () => {
  // r = Aθ − y with a consistent y: the least-squares minimiser is (1, 0, 2) with J = 0
  const A = [
    [1, 0.5, 0],
    [0, 2, 1],
    [1, 0, -1],
    [0.3, 0.2, 0.1],
  ];
  const y = [1, 2, -1, 0.5];
  const residual = (t: Float64Array) => Float64Array.from(A, (row, i) => row[0]! * t[0]! + row[1]! * t[1]! + row[2]! * t[2]! - y[i]!);
  it("converges towards the least-squares minimiser of a linear problem like 1/iterations, reproducibly", () => {
    const run = (iterations: number) =>
      ensembleKalmanMinimize(residual, new Float64Array(3), { seed: 3, iterations, ensembleSize: 10, spread: 1 });
    const r100 = run(100),
      r400 = run(400);
    expect(r100.status).toBe("success");
    // measured 0.0161 and 0.0042 (from 2.75): a quarter of the loss for four times the iterations
    expect(r400.stats.finalLoss).toBeLessThan(r100.stats.finalLoss / 2.5);
    expect(r400.stats.finalLoss).toBeLessThan(0.01);
    const err = Math.hypot(r400.theta[0]! - 1, r400.theta[1]!, r400.theta[2]! - 2);
    expect(err).toBeLessThan(0.3);
    expect(Array.from(run(100).theta)).toEqual(Array.from(r100.theta));
    expect(r100.stats.residualEvaluations).toBe(1 + 100 * 11);
    expect(r100.history.loss.length).toBe(100);
  });
  it("stops with non-finite on a failed residual and refuses bad options and changing lengths", () => {
    let calls = 0;
    const r = ensembleKalmanMinimize((t) => (++calls > 30 ? null : residual(t)), new Float64Array(3), { ensembleSize: 5, iterations: 100 });
    expect(r.status).toBe("non-finite");
    expect(r.stats.iterations).toBeLessThan(100);
    expectKineticError(
      () => ensembleKalmanMinimize(residual, new Float64Array(3), { ensembleSize: 1 }),
      "INVALID_ARGUMENT",
      /ensembleSize/,
    );
    expectKineticError(() => ensembleKalmanMinimize(residual, new Float64Array(3), { stepSize: 0 }), "INVALID_ARGUMENT", /stepSize/);
    let n = 3;
    expectKineticError(
      () => ensembleKalmanMinimize(() => new Float64Array(n++), new Float64Array(2), { ensembleSize: 3, iterations: 2 }),
      "INVALID_ARGUMENT",
      /residual/,
    );
  });
});
