/** `kinetic-nde train` — train a ResNet on a data set (registry name or CSV/JSON file). */
import { initNetwork, predict, saveModel, train, type LossSpec } from "@kinetic-nde/core";
import { makeDataset, parseCsv, parseJson, trainTestSplit, type Dataset } from "@kinetic-nde/datasets";
import type { FigureSpec } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { extname } from "node:path";
import { buildConfig, collectSet, fieldsFromFlags, parseSeed } from "../common.js";
import { createProgress } from "../progress.js";
import { detectColumns, readText, writeOut } from "../io.js";
import { finish, outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, activationEnum, z } from "../schemas.js";

/** Config of `train`. */
export const trainSchema = z
  .object({
    dataset: z.string().default("moons").describe("data set: a registry name (see `kinetic-nde dataset generate --help`) or a .csv/.json file"),
    datasetParams: z.record(z.string(), z.unknown()).default({}).describe("parameters of a generated data set, e.g. { nSamples: 400, noise: 0.1 }"),
    label: z.string().optional().describe("file data sets: label column (classification)"),
    target: z.string().optional().describe("file data sets: target column (regression)"),
    sigma: activationEnum.default("tanh").describe("activation σ"),
    layers: z.number().int().min(1).max(10_000).default(10).describe("depth L"),
    T: z.number().positive().max(1000).default(2).describe("horizon T (Δt = T/L)"),
    loss: z.enum(["auto", "logistic", "softmax", "mse"]).default("auto").describe("loss (auto: logistic for 2 classes, softmax for more, mse for targets)"),
    optimizer: z.enum(["adam", "gd", "lbfgs"]).default("adam").describe("optimiser"),
    learningRate: z.number().positive().max(10).default(0.05).describe("learning rate"),
    epochs: z.number().int().min(1).max(1_000_000).default(300).describe("epochs"),
    batchSize: z.number().int().min(1).optional().describe("mini-batch size (default: full batch)"),
    lambda: z.number().min(0).default(0).describe("Tikhonov regularisation λ"),
    testFraction: z.number().min(0).max(0.9).default(0.25).describe("fraction held out for testing"),
    scheme: z.enum(["euler", "heun", "rk4"]).default("euler").describe("forward scheme (euler = the ResNet)"),
  })
  .strict();
COMMAND_SCHEMAS["train"] = trainSchema;

interface Flags extends OutputFlags {
  config?: string;
  seed: number;
  param?: Record<string, unknown>;
  [k: string]: unknown;
}

function loadData(cfg: z.output<typeof trainSchema>, seed: number): Dataset {
  const ext = extname(cfg.dataset).toLowerCase();
  if (ext === ".csv" || ext === ".json") {
    const text = readText(cfg.dataset, "data set file");
    const opts = detectColumns(text, ext, cfg.label, cfg.target);
    return ext === ".csv" ? parseCsv(text, opts) : parseJson(text, opts);
  }
  return makeDataset(cfg.dataset, { seed, ...cfg.datasetParams });
}

/** Register the command. */
export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train a ResNet (exact adjoint gradients) on a generated or loaded data set")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--dataset <name|file>", "registry name (moons, blobs, two-gaussians-1d, ...) or a .csv/.json file")
    .option("--param <key=value>", "data set parameter (repeatable), e.g. --param nSamples=400", (v: string, p?: Record<string, unknown>) => collectSet(v, p))
    .option("--label <column>", "label column of a file")
    .option("--target <column>", "target column of a file")
    .option("--sigma <name>", "activation")
    .option("--layers <L>", "depth")
    .option("--T <T>", "horizon")
    .option("--loss <name>", "auto | logistic | softmax | mse")
    .option("--optimizer <name>", "adam | gd | lbfgs")
    .option("--learning-rate <r>", "learning rate")
    .option("--epochs <n>", "epochs")
    .option("--batch-size <n>", "mini-batch size")
    .option("--lambda <l>", "Tikhonov regularisation")
    .option("--test-fraction <f>", "held-out fraction")
    .option("--scheme <name>", "euler | heun | rk4")
    .option("--seed <n>", "seed of data generation, initialisation, split and batches", parseSeed, 1)
    .option("--out <dir>", "output directory (default ./out/train-<dataset>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText("after", `
Examples:
  $ kinetic-nde train --dataset moons --param nSamples=400 --param noise=0.1 --epochs 500
  $ kinetic-nde train --dataset two-gaussians-1d --layers 5 --sigma relu
  $ kinetic-nde train --dataset data.csv --label species --optimizer lbfgs
${OUTPUT_HELP} The trained model is model.json (loadModel in @kinetic-nde/core).`)
    .action((flags: Flags) => {
      const fields = fieldsFromFlags(flags, {
        dataset: "dataset", label: "label", target: "target", sigma: "sigma", layers: "layers", T: "T", loss: "loss", optimizer: "optimizer",
        learningRate: "learningRate", epochs: "epochs", batchSize: "batchSize", lambda: "lambda", testFraction: "testFraction", scheme: "scheme",
      });
      if (flags.param !== undefined) fields["datasetParams"] = flags.param;
      const cfg = buildConfig(trainSchema, flags.config, fields);
      const name = extname(cfg.dataset) !== "" ? cfg.dataset.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "") : cfg.dataset;
      const out = outDirFor(flags, "train", name);
      const data = loadData(cfg, flags.seed);
      const split = cfg.testFraction > 0 ? trainTestSplit(data, { testFraction: cfg.testFraction, seed: flags.seed, ...(data.labels ? { stratify: true } : {}) }) : { train: data, test: data };
      const tr = split.train, te = split.test;
      const classification = tr.labels !== undefined;
      const nClasses = data.nClasses ?? 2;
      const loss: LossSpec =
        cfg.loss === "mse" || (cfg.loss === "auto" && !classification)
          ? { kind: "mse" }
          : cfg.loss === "softmax" || (cfg.loss === "auto" && nClasses > 2)
            ? { kind: "softmax", nClasses }
            : { kind: "logistic" };
      const network = initNetwork({ sigma: cfg.sigma, d: tr.d, nLayers: cfg.layers, T: cfg.T, init: "random", scale: 0.1, seed: flags.seed });
      const progress = createProgress("train");
      const r = train(
        { x: tr.x, ...(classification ? { labels: tr.labels! } : { targets: tr.targets! }), loss, network, lambda: cfg.lambda },
        {
          optimizer: cfg.optimizer,
          learningRate: cfg.learningRate,
          epochs: cfg.epochs,
          seed: flags.seed,
          scheme: cfg.scheme,
          earlyStopping: false,
          ...(cfg.batchSize !== undefined ? { batchSize: cfg.batchSize } : {}),
          onProgress: (p) => progress.update(p.epoch / cfg.epochs, `epoch ${p.epoch}: loss ${p.loss.toPrecision(4)}`),
        },
      );
      progress.finish();
      const model = { params: r.params, ...(r.readout ? { readout: r.readout } : {}), scheme: cfg.scheme, loss };
      writeOut(out, "model.json", saveModel(model));
      const summary: Record<string, number | string> = { status: r.status, epochs: r.stats.epochs, initial_loss: r.stats.initialLoss, final_loss: r.stats.finalLoss, train_size: tr.x.length / tr.d, test_size: te.x.length / te.d, loss: loss.kind };
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
      summary[classification ? "train_accuracy" : "train_mse"] = evalSet(tr);
      summary[classification ? "test_accuracy" : "test_mse"] = evalSet(te);
      const figures: FigureSpec[] = [
        { id: "loss", title: `Training loss (${cfg.optimizer}, ${loss.kind})`, xLabel: "epoch", yLabel: "loss", logY: true, layers: [{ kind: "line", series: "history", x: "epoch", y: "loss", label: "training loss" }] },
      ];
      const hist = { epoch: Float64Array.from(r.history.loss, (_, i) => i + 1), loss: r.history.loss, gradNorm: r.history.gradNorm };
      process.exitCode = finish(out, { id: "train", config: cfg, seed: flags.seed, series: { history: { columns: Object.keys(hist), data: hist } }, summary, checks: [], figures }, [r.status], flags);
    });
}
