/**
 * Tool `train`: train a ResNet on a data set (a registry name, or a given data set).
 * @packageDocumentation
 */
import { deriveSeed, initNetwork, predict, saveModel, train, type LossSpec } from "@kinetic-nde/core";
import { requireFits } from "@kinetic-nde/core/validate";
import { makeDataset, trainTestSplit, type Dataset } from "@kinetic-nde/datasets";
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
  scheme: z.enum(["euler", "heun", "rk4"]).default("euler").describe("forward scheme (euler = the ResNet)"),
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
 * The `train` tool: generates (or takes) a data set, splits it, trains a ResNet with exact adjoint
 * gradients and reports the training history and the train/test accuracy (classification) or mean
 * squared error (regression); the trained model is the artifact `model.json` (`loadModel` of core).
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
      requireFits("datasetParams.nSamples", nSamples, (cfg.layers + 1) * bytesPerSampleLayer(4, cfg.scheme));
    const st = stages(ctx, [1, 20, 1]);
    await st.stage("data");
    const data: Dataset = cfg.data ?? makeDataset(cfg.dataset, { seed: deriveSeed(ctx.seed, "data"), ...cfg.datasetParams });
    const M = data.x.length / data.d;
    requireFits("layers", cfg.layers + 1, M * bytesPerSampleLayer(data.d, cfg.scheme));
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
    const network = initNetwork({
      sigma: cfg.sigma,
      d: tr.d,
      nLayers: cfg.layers,
      T: cfg.T,
      init: "random",
      scale: 0.1,
      seed: deriveSeed(ctx.seed, "init"),
    });
    await st.stage(`training (${cfg.epochs} epochs)`);
    const r = train(
      { x: tr.x, ...(classification ? { labels: tr.labels! } : { targets: tr.targets! }), loss, network, lambda: cfg.lambda },
      {
        optimizer: cfg.optimizer,
        learningRate: cfg.learningRate,
        epochs: cfg.epochs,
        seed: deriveSeed(ctx.seed, "batches"),
        scheme: cfg.scheme,
        earlyStopping: false,
        ...(cfg.batchSize !== undefined ? { batchSize: cfg.batchSize } : {}),
        onProgress: (p) => {
          // Training is synchronous: an abort already signalled stops it at the next epoch.
          throwIfAborted(ctx.signal);
          ctx.onProgress?.({
            fraction: (1 + (20 * p.epoch) / cfg.epochs) / 22,
            message: `epoch ${p.epoch}: loss ${p.loss.toPrecision(4)}`,
          });
        },
      },
    );
    await st.stage("evaluation");
    const model = { params: r.params, ...(r.readout ? { readout: r.readout } : {}), scheme: cfg.scheme, loss };
    const evalSet = (ds: Dataset): number => {
      const p = predict(model, ds.x);
      if (classification) {
        let ok = 0;
        for (let i = 0; i < ds.labels!.length; i++) if (p.classes![i] === ds.labels![i]) ok++;
        return ok / ds.labels!.length;
      }
      let s = 0;
      const m = ds.targets!.length;
      const k = p.outputs.length / m;
      for (let i = 0; i < m; i++) s += (p.outputs[i * k]! - ds.targets![i]!) ** 2;
      return s / m;
    };
    const summary: Record<string, number | string> = {
      status: r.status,
      epochs: r.stats.epochs,
      initial_loss: r.stats.initialLoss,
      final_loss: r.stats.finalLoss,
      train_size: tr.x.length / tr.d,
      test_size: te.x.length / te.d,
      loss: loss.kind,
      [classification ? "train_accuracy" : "train_mse"]: evalSet(tr),
      [classification ? "test_accuracy" : "test_mse"]: evalSet(te),
    };
    const figures: FigureSpec[] = [
      {
        id: "loss",
        title: `Training loss (${cfg.optimizer}, ${loss.kind})`,
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
