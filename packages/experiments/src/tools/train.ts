/**
 * Tool `train`: train a ResNet on a data set (a registry name, or a given data set).
 * @packageDocumentation
 */
import {
  deriveSeed,
  initNetwork,
  predict,
  saveModel,
  train,
  type LossSpec,
  type NetworkParams,
  type Readout,
  type SolveStatus,
  type TrainingHistory,
} from "@kinetic-nde/core";
import { invalidArgument, requireFits } from "@kinetic-nde/core/validate";
import { createGrid1D, createGrid2D, type Dataset, type Grid1D, type Grid2D, makeDataset, trainTestSplit } from "@kinetic-nde/datasets";
import {
  classDensities as classDensities2D,
  classificationDensityLoss,
  densityModel,
  kernelDensityEstimate,
  marginalDensityLoss,
  regressionDensities,
  regressionDensityLoss,
  silvermanBandwidth,
  trainDensity,
} from "@kinetic-nde/mean-field";
import * as z from "zod";
import { defineExperiment } from "../internal/define.js";
import { CONTROLS } from "../internal/controls.js";
import { stages, table, throwIfAborted } from "../internal/util.js";
import type { FigureSpec } from "../types.js";
import { activationEnum } from "./shared.js";

/** The train fields a user sets (the CLI adds file columns; the tool adds a given data set). */
export const trainFields = {
  dataset: z
    .string()
    .min(1)
    .max(4096)
    .default("moons")
    .describe("data set: a registry name (see `kinetic-nde dataset generate --help`) or, in the CLI, a .csv/.json file"),
  datasetParams: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("parameters of a generated data set, e.g. { nSamples: 400, noise: 0.1 }"),
  sigma: activationEnum.default("tanh").describe("activation σ"),
  layers: z.number().int().min(1).max(10_000).default(10).describe("depth L"),
  T: z.number().positive().max(1000).default(2).describe("horizon T (Δt = T/L)"),
  loss: z
    .enum(["auto", "logistic", "softmax", "mse"])
    .default("auto")
    .describe("loss (auto: logistic for 2 classes, softmax for more, mse for targets)"),
  optimizer: z.enum(["adam", "gd", "lbfgs"]).default("adam").describe("optimiser"),
  learningRate: z.number().positive().max(10).default(0.05).describe("learning rate"),
  epochs: z.number().int().min(1).max(1_000_000).default(300).describe("epochs"),
  batchSize: z.number().int().min(1).optional().describe("mini-batch size (default: full batch)"),
  lambda: z.number().min(0).default(0).describe("Tikhonov regularisation λ"),
  testFraction: z.number().min(0).max(0.9).default(0.25).describe("fraction held out for testing"),
  scheme: z.enum(["euler", "heun", "rk4"]).default("euler").describe("forward scheme (euler = the ResNet; particles level)"),
  level: z
    .enum(["particles", "density"])
    .default("particles")
    .describe(
      "training level: particles (the samples) or density (densities on a grid transported by the Vlasov equation: class densities of 1-D or 2-D data, the joint density of (x, y) of 1-D regression data, or 1-D data carried in 2-D with augment 1)",
    ),
  cells: z.number().int().min(20).max(20_000).default(400).describe("density level, 1-D data: grid cells"),
  cells2d: z
    .number()
    .int()
    .min(8)
    .max(512)
    .default(64)
    .describe(
      "density level, 2-D grids (2-D data, or augment 1): cells per dimension (made odd with augment 1, so a row is centred at x₂ = 0)",
    ),
  augment: z
    .number()
    .int()
    .min(0)
    .max(64)
    .default(0)
    .describe(
      "augmentation k: each sample is padded with k zero coordinates, the network's state has d + k coordinates and the mse loss reads the first d (a 1-D flow is monotone; with k ≥ 1 non-monotone targets can be fitted); density level: 0, or 1 for 1-D data (each class density carried as f(x₁)·δ(x₂))",
    ),
};

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const trainSchema = z
  .object({
    ...trainFields,
    data: z
      .custom<Dataset>((v) => v !== null && typeof v === "object" && (v as { x?: unknown }).x instanceof Float64Array, "a Dataset")
      .optional()
      .describe("a given data set (overrides dataset and datasetParams)"),
  })
  .strict();

/** Config of the `train` tool (defaults applied). */
export type TrainConfig = z.output<typeof trainSchema>;

/** Bytes per sample and layer: forward states of every stage, kept for the adjoint, and the adjoint (≈ 3 copies). */
function bytesPerSampleLayer(d: number, scheme: string): number {
  const stagesPerLayer = scheme === "rk4" ? 4 : scheme === "heun" ? 2 : 1;
  return 8 * d * 3 * stagesPerLayer;
}

/**
 * Class densities of a 1-D labelled sample on a grid: Gaussian kernel density estimates (Silverman's
 * bandwidth per class) with mass = the class's share of the samples, so Σ_k ∫ f_k ℓ_k is the expected loss.
 */
export function classDensities(x: Float64Array, labels: ArrayLike<number>, nClasses: number, grid: Grid1D): Float64Array[] {
  const M = x.length;
  return Array.from({ length: nClasses }, (_, k) => {
    const xs: number[] = [];
    for (let i = 0; i < M; i++) if (labels[i] === k) xs.push(x[i]!);
    if (xs.length < 2) throw invalidArgument("dataset", `at least 2 samples of class ${k} for the density level`, xs.length);
    const xk = Float64Array.from(xs);
    return kernelDensityEstimate(xk, grid, { weights: new Float64Array(xk.length).fill(1 / M) });
  });
}

/** The grid of the density level: the data's range, widened by 4 bandwidths and the horizon T (|σ| ≤ 1 moves mass at most T). */
export function densityGrid(x: Float64Array, T: number, cells: number): Grid1D {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 4 * silvermanBandwidth(x) + T;
  return createGrid1D(lo - pad, hi + pad, cells);
}

/** Half-width of the range of the samples' coordinate p (of d), widened by 4 bandwidths and T. */
function paddedRange(x: Float64Array, d: number, p: number, T: number): [number, number] {
  const v = new Float64Array(x.length / d);
  for (let i = 0; i < v.length; i++) v[i] = x[i * d + p]!;
  let lo = Infinity,
    hi = -Infinity;
  for (const u of v) {
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
  }
  const pad = 4 * silvermanBandwidth(v) + T;
  return [lo - pad, hi + pad];
}

/**
 * The grid and class densities of the density level: 1-D data on `cells` cells (kernel density
 * estimates); 2-D data on `cells2d`² cells (`classDensities` of mean-field, kernel density estimates);
 * 1-D data with augment 1 on `cells` × `cells2d` cells (made odd) with x₂ ∈ [-T - 1, T + 1] (the second
 * coordinate starts at 0 and |σ| ≤ 1 moves it at most T), the 1-D densities carried as f(x₁)·δ(x₂).
 */
function densitySetup(
  tr: Dataset,
  nClasses: number,
  cfg: { T: number; cells: number; cells2d: number; augment: number },
): { grid: Grid1D | Grid2D; f0: Float64Array[] } {
  if (tr.d === 1 && cfg.augment === 0) {
    const grid = densityGrid(tr.x, cfg.T, cfg.cells);
    return { grid, f0: classDensities(tr.x, tr.labels!, nClasses, grid) };
  }
  if (tr.d === 1) {
    const g1 = densityGrid(tr.x, cfg.T, cfg.cells);
    const ny = cfg.cells2d % 2 === 1 ? cfg.cells2d : cfg.cells2d + 1;
    const grid = createGrid2D([g1.xMin, g1.xMax], [-cfg.T - 1, cfg.T + 1], g1.n, ny);
    return { grid, f0: classDensities(tr.x, tr.labels!, nClasses, g1) };
  }
  const grid = createGrid2D(paddedRange(tr.x, 2, 0, cfg.T), paddedRange(tr.x, 2, 1, cfg.T), cfg.cells2d);
  return { grid, f0: classDensities2D(tr.x, tr.labels!, grid, { nClasses, method: "kde" }) };
}

/**
 * The grid and transported densities of regression at the density level (1-D data): the y-moments of
 * the joint density of (x, y) (`regressionDensities` of mean-field, kernel density estimates) on `cells`
 * cells; with augment 1 on `cells` × `cells2d` cells (made odd), carried as F(x₁)·δ(x₂).
 */
function regressionSetup(
  tr: Dataset,
  cfg: { T: number; cells: number; cells2d: number; augment: number },
): { grid: Grid1D | Grid2D; f0: Float64Array[] } {
  const g1 = densityGrid(tr.x, cfg.T, cfg.cells);
  const f0 = regressionDensities(tr.x, tr.targets!, g1, { method: "kde" });
  if (cfg.augment === 0) return { grid: g1, f0 };
  const ny = cfg.cells2d % 2 === 1 ? cfg.cells2d : cfg.cells2d + 1;
  return { grid: createGrid2D([g1.xMin, g1.xMax], [-cfg.T - 1, cfg.T + 1], g1.n, ny), f0 };
}

interface Trained {
  readonly params: NetworkParams;
  readonly readout?: Readout;
  readonly history: TrainingHistory;
  readonly status: SolveStatus;
  readonly stats: { readonly epochs: number; readonly initialLoss: number; readonly finalLoss: number };
  readonly scheme: "euler" | "heun" | "rk4";
}

/**
 * The `train` tool: generates (or takes) a data set, splits it, trains a ResNet with exact adjoint
 * gradients and reports the training history and the train/test accuracy (classification) or mean
 * squared error (regression); the trained model is the artifact `model.json` (`loadModel` of core).
 * With `level: "density"` and 1-D regression data, the y-moments of the joint density of (x, y) are
 * transported and the network is trained on ½ E|x₁(T) − y|² (`regressionDensityLoss`).
 * With `level: "density"` (1-D classification data), the class densities of the training samples
 * (kernel density estimates on `cells` cells) are transported by the Vlasov equation and the network
 * and read-out are trained on the density-level cross-entropy with exact adjoint gradients
 * (`trainDensity` of mean-field); accuracies are those of the trained model on the samples (rk4 layers).
 * With `augment: k` (particles level) each sample of d features enters a network of state dimension
 * d + k as (x, 0, …, 0); the mse loss reads the first d coordinates of the final state, and the saved
 * model records k so that `predict` pads new inputs the same way.
 * @remarks Random streams: the data set is drawn from the named stream `"data"` of the seed, the
 *   weights from `"init"`, the train/test split from `"data-split"` and the mini-batches from
 *   `"batches"`. Memory: the forward states of every layer for every sample are kept for the
 *   adjoint (refused beyond 1 GiB naming `layers`).
 */
export const trainTool = defineExperiment({
  id: "train",
  title: "Training a ResNet",
  summary:
    "Trains a residual network (exact discrete adjoint gradients) on a generated or given data set and reports the loss history and the held-out accuracy or error.",
  schema: trainSchema,
  quick: { epochs: 100 },
  controls: [
    { key: "dataset", label: "data set", kind: "select", options: ["moons", "blobs", "two-gaussians-1d"] },
    CONTROLS.sigma,
    { key: "layers", label: "layers L", kind: "range", min: 1, max: 40, step: 1 },
    { key: "epochs", label: "epochs", kind: "range", min: 10, max: 1000, step: 10 },
    { key: "learningRate", label: "learning rate", kind: "range", min: 0.005, max: 0.5, step: 0.005 },
  ],
  async run(cfg, ctx) {
    const nSamples = cfg.datasetParams["nSamples"];
    // Generated data sets have d ≤ 4: refuse a sample count that cannot fit before generating it.
    if (cfg.data === undefined && typeof nSamples === "number")
      requireFits("datasetParams.nSamples", nSamples, (cfg.layers + 1) * bytesPerSampleLayer(4 + cfg.augment, cfg.scheme));
    const st = stages(ctx, [1, 20, 1]);
    await st.stage("data");
    const data: Dataset = cfg.data ?? makeDataset(cfg.dataset, { seed: deriveSeed(ctx.seed, "data"), ...cfg.datasetParams });
    const M = data.x.length / data.d;
    requireFits("layers", cfg.layers + 1, M * bytesPerSampleLayer(data.d + cfg.augment, cfg.scheme));
    const split =
      cfg.testFraction > 0
        ? trainTestSplit(data, {
            testFraction: cfg.testFraction,
            seed: deriveSeed(ctx.seed, "data-split"),
            ...(data.labels ? { stratify: true } : {}),
          })
        : { train: data, test: data };
    const tr = split.train,
      te = split.test;
    const classification = tr.labels !== undefined;
    const nClasses = data.nClasses ?? 2;
    const loss: LossSpec =
      cfg.loss === "mse" || (cfg.loss === "auto" && !classification)
        ? { kind: "mse" }
        : cfg.loss === "softmax" || (cfg.loss === "auto" && nClasses > 2)
          ? { kind: "softmax", nClasses }
          : { kind: "logistic" };
    if (cfg.level === "density" && cfg.augment > 0 && (cfg.augment !== 1 || tr.d !== 1))
      throw invalidArgument(
        "augment",
        '0, or 1 for 1-D data, with level "density" (the density level transports 1-D and 2-D densities)',
        cfg.augment,
      );
    const network = initNetwork({
      sigma: cfg.sigma,
      d: tr.d + cfg.augment,
      nLayers: cfg.layers,
      T: cfg.T,
      init: "random",
      scale: 0.1,
      seed: deriveSeed(ctx.seed, "init"),
    });
    const onProgress = (p: { epoch: number; loss: number }) => {
      // Training is synchronous: an abort already signalled stops it at the next epoch.
      throwIfAborted(ctx.signal);
      ctx.onProgress?.({
        fraction: (1 + (20 * p.epoch) / cfg.epochs) / 22,
        message: `epoch ${p.epoch}: loss ${p.loss.toPrecision(4)}`,
      });
    };
    await st.stage(`training (${cfg.epochs} epochs, ${cfg.level})`);
    let r: Trained;
    let densityStats: Record<string, number> = {};
    if (cfg.level === "density") {
      if (tr.d > 2) throw invalidArgument("level", `"particles" for a ${tr.d}-D data set ("density" takes 1-D and 2-D data)`, cfg.level);
      if (!classification && (tr.d !== 1 || (cfg.loss !== "auto" && cfg.loss !== "mse")))
        throw invalidArgument(
          tr.d !== 1 ? "level" : "loss",
          tr.d !== 1
            ? `"particles" for a ${tr.d}-D regression data set ("density" regresses 1-D data through the joint density of (x, y))`
            : '"auto" or "mse" for regression with level "density"',
          tr.d !== 1 ? cfg.level : cfg.loss,
        );
      if (cfg.batchSize !== undefined)
        throw invalidArgument("batchSize", 'absent with level "density" (the loss is an integral)', cfg.batchSize);
      if (classification && loss.kind !== "softmax" && cfg.loss !== "auto")
        throw invalidArgument("loss", '"auto" or "softmax" with level "density" (cross-entropy of a softmax read-out)', cfg.loss);
      const { grid, f0 } = classification ? densitySetup(tr, nClasses, cfg) : regressionSetup(tr, cfg);
      // Regression: ½|x₁(T) − y|² through the joint density of (x, y), read from the first coordinate.
      const mse = regressionDensityLoss({ dimension: 1 });
      const dloss = classification
        ? classificationDensityLoss({ nClasses, dimension: tr.d + cfg.augment })
        : cfg.augment === 1
          ? marginalDensityLoss(mse)
          : mse;
      const rd = trainDensity(
        { network, f0, grid, loss: dloss, lambda: cfg.lambda, augment: cfg.augment },
        {
          optimizer: cfg.optimizer,
          learningRate: cfg.learningRate,
          epochs: cfg.epochs,
          onProgress,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      const model = densityModel(rd, classification ? nClasses : undefined);
      r = { ...rd, ...(model.readout ? { readout: model.readout } : {}), scheme: "rk4" };
      densityStats = { cells: grid.kind === "1d" ? grid.n : grid.nx * grid.ny, solver_steps: rd.stats.steps };
    } else {
      const rp = train(
        {
          x: tr.x,
          ...(classification ? { labels: tr.labels! } : { targets: tr.targets! }),
          loss,
          network,
          lambda: cfg.lambda,
          augment: cfg.augment,
        },
        {
          optimizer: cfg.optimizer,
          learningRate: cfg.learningRate,
          epochs: cfg.epochs,
          seed: deriveSeed(ctx.seed, "batches"),
          scheme: cfg.scheme,
          earlyStopping: false,
          ...(cfg.batchSize !== undefined ? { batchSize: cfg.batchSize } : {}),
          onProgress,
        },
      );
      r = { ...rp, scheme: cfg.scheme };
    }
    await st.stage("evaluation");
    const modelLoss: LossSpec = cfg.level === "density" && classification ? { kind: "softmax", nClasses } : loss;
    const model = {
      params: r.params,
      ...(r.readout ? { readout: r.readout } : {}),
      scheme: r.scheme,
      loss: modelLoss,
      ...(cfg.augment > 0 ? { augment: cfg.augment } : {}),
    };
    const evalSet = (ds: Dataset): number => {
      const p = predict(model, ds.x);
      if (classification) {
        let ok = 0;
        for (let i = 0; i < ds.labels!.length; i++) if (p.classes![i] === ds.labels![i]) ok++;
        return ok / ds.labels!.length;
      }
      // the mse loss's predicted values (the first d coordinates of the final state with augmentation)
      let s = 0;
      const m = ds.targets!.length;
      const v = p.values!;
      const k = v.length / m;
      for (let i = 0; i < m; i++) s += (v[i * k]! - ds.targets![i]!) ** 2;
      return s / m;
    };
    const summary: Record<string, number | string> = {
      status: r.status,
      level: cfg.level,
      state_dimension: tr.d + cfg.augment,
      epochs: r.stats.epochs,
      initial_loss: r.stats.initialLoss,
      final_loss: r.stats.finalLoss,
      train_size: tr.x.length / tr.d,
      test_size: te.x.length / te.d,
      loss: modelLoss.kind,
      ...densityStats,
      [classification ? "train_accuracy" : "train_mse"]: evalSet(tr),
      [classification ? "test_accuracy" : "test_mse"]: evalSet(te),
    };
    const figures: FigureSpec[] = [
      {
        id: "loss",
        title: `Training loss (${cfg.level}, ${cfg.optimizer}, ${modelLoss.kind})`,
        xLabel: "epoch",
        yLabel: "loss",
        logY: true,
        layers: [{ kind: "line", series: "history", x: "epoch", y: "loss", label: "training loss" }],
      },
    ];
    const hist = { epoch: Float64Array.from(r.history.loss, (_, i) => i + 1), loss: r.history.loss, gradNorm: r.history.gradNorm };
    const { data: _given, ...resolved } = cfg;
    void _given;
    st.done();
    return {
      id: "train",
      config: resolved,
      seed: ctx.seed,
      series: { history: table(hist) },
      summary,
      checks: [],
      figures,
      artifacts: { "model.json": saveModel(model) },
    };
  },
});
