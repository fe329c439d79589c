/**
 * `kinetic-nde fit` — fit a Fokker–Planck steady state, or the density at a finite horizon
 * (`--horizon`), to a target distribution (the `fit` tool).
 */
import { DEFAULT_FIT_TARGET, fitFields, fitTargetFields, fitTool, type ExperimentResult } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { addCsvOptions, buildConfig, csvOptionsFromFlags, fieldsFromFlags, type CsvFlags } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { readDataFile } from "../io.js";
import { outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, z } from "../schemas.js";
import { runToolCommand, writeToolResult } from "./run-tool.js";

/** Config of `fit`: the tool's, with samples read from a data set file. */
export const fitSchema = z
  .object({
    target: z
      .object({
        ...fitTargetFields,
        file: z.string().optional().describe("samples: CSV/JSON data set file"),
        column: z.string().optional().describe("samples: column (feature, label or target name); default the first feature"),
      })
      .strict()
      .default(DEFAULT_FIT_TARGET),
    ...fitFields,
  })
  .strict();
COMMAND_SCHEMAS["fit"] = fitSchema;

type Cfg = z.output<typeof fitSchema>;

/** The samples of a `samples` target: one column of a data set file. */
function loadSamples(t: Cfg["target"], csv: CsvFlags): { samples: Float64Array; label: string } {
  if (t.file === undefined)
    throw new CliError(
      EXIT.USAGE,
      "invalid argument: `--file` (config field `target.file`) must name a data set file for `--target samples`; got none",
    );
  const { dataset: ds, rows } = readDataFile(t.file, { csv, what: "samples file" });
  const names = ds.featureNames ?? Array.from({ length: ds.d }, (_, j) => `x${j + 1}`);
  // A label or target column can be fitted too (e.g. `dataset generate regression-1d`'s target).
  let values: ArrayLike<number> | undefined;
  let j = 0;
  if (t.column !== undefined) {
    j = names.indexOf(t.column);
    if (j < 0 && t.column === "target" && ds.targets !== undefined) values = ds.targets;
    else if (j < 0 && t.column === "label" && ds.labels !== undefined) values = ds.labels;
    else if (j < 0)
      throw new CliError(
        EXIT.USAGE,
        `invalid argument: \`config.target.column\` must be one of ${[...names, ...(ds.targets ? ["target"] : []), ...(ds.labels ? ["label"] : [])].map((n) => JSON.stringify(n)).join(", ")}; got ${JSON.stringify(t.column)}`,
      );
  }
  const samples = values !== undefined ? Float64Array.from(values) : Float64Array.from({ length: rows }, (_, i) => ds.x[i * ds.d + j]!);
  // A steady state with D > 0 has a density: it cannot fit a point mass (the optimiser would only
  // push w to -∞ and report a loss of 0).
  let lo = Infinity,
    hi = -Infinity;
  for (const v of samples) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (samples.length < 2 || !(hi > lo)) {
    throw new CliError(
      EXIT.USAGE,
      `invalid argument: \`--file\` samples must take at least two distinct values; got ${samples.length} row(s) all equal to ${String(lo)} in column ${JSON.stringify(t.column ?? names[j] ?? "1")} of ${JSON.stringify(t.file)}`,
    );
  }
  return { samples, label: t.column ?? names[0] ?? "column 1" };
}

/**
 * A fit whose losses or parameters are not finite numbers is not a success, whatever status the
 * optimiser reported: its status becomes "non-finite" and a failed check names the values.
 */
function withFiniteCheck(result: ExperimentResult): ExperimentResult {
  const bad = Object.entries(result.summary).filter(([, v]) => typeof v === "number" && !Number.isFinite(v));
  if (bad.length === 0 || result.summary["status"] !== "success") return result;
  const list = bad.map(([k, v]) => `${k} = ${String(v)}`).join(", ");
  return {
    ...result,
    summary: { ...result.summary, status: "non-finite" },
    checks: [
      ...result.checks,
      {
        name: "finite",
        claim: "the losses and parameters of the fit are finite",
        observed: bad.length,
        expected: 0,
        tolerance: 0,
        passed: false,
        message: `the fit is not finite: ${list}`,
      },
    ],
  };
}

/** Register the command. */
export function registerFit(program: Command): void {
  addCsvOptions(program.command("fit"))
    .description("fit the Fokker–Planck steady state (w, b, D or D(x)), or f(T) at a finite horizon, to a target distribution")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--target <kind>", "gaussian | tanh | beta | samples")
    .option("--mean <m>", "gaussian target mean")
    .option("--std <s>", "gaussian target standard deviation")
    .option("--alpha <a>", "beta target α")
    .option("--beta <b>", "beta target β")
    .option("--file <path>", "samples target: CSV/JSON data set")
    .option("--column <name>", "samples target: column")
    .option("--family <name>", "gaussian (steady state) | identity | tanh | beta | bimodal | layerwise (with --horizon)")
    .option("--loss <name>", "kl | l2 | w1")
    .option("--cells <n>", "grid cells")
    .option("--method <name>", "gradient (L-BFGS on the exact gradient, default) | nelder-mead")
    .option("--max-evaluations <n>", "optimiser budget in loss evaluations (default 20000; 1500 with --horizon)")
    .option("--horizon <T>", "fit f(T) at this finite horizon from a Gaussian initial density instead of the steady state")
    .option("--initial-mean <m>", "--horizon: mean of the Gaussian initial density (default 0)")
    .option("--initial-std <s>", "--horizon: standard deviation of the Gaussian initial density (default 1)")
    .option("--steps <n>", "--horizon: implicit Euler steps over [0, T] (default 50)")
    .option("--layers <n>", "layerwise family: layers, each with its own (w, b) (default 4)")
    .option("--activation <name>", "layerwise family: activation (default tanh)")
    .option("--diffusion-per-layer", "layerwise family: one diffusion D per layer instead of one over [0, T]")
    .option("--out <dir>", "output directory (default ./out/fit-<target>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde fit --target gaussian --mean 0.5 --std 0.3
  $ kinetic-nde fit --target beta --alpha 2 --beta 5 --family beta
  $ kinetic-nde fit --target samples --file iris.csv --column petal-length --family bimodal --loss w1
  $ kinetic-nde fit --target samples --file iris.csv --column petal-length --horizon 1 --initial-mean 3.8 --initial-std 1.8 --family layerwise --layers 3
  $ kinetic-nde fit --target samples --file iris.csv --column petal-length --horizon 1 --initial-mean 3.8 --initial-std 1.8 --family bimodal
${OUTPUT_HELP} Fitted parameters are also in fit.json.`,
    )
    .action(async (flags: Record<string, unknown> & OutputFlags & CsvFlags & { config?: string }) => {
      const cfg = buildConfig(
        fitSchema,
        flags.config,
        fieldsFromFlags(flags, {
          target: "target.kind",
          mean: "target.mean",
          std: "target.std",
          alpha: "target.alpha",
          beta: "target.beta",
          file: "target.file",
          column: "target.column",
          family: "family",
          loss: "loss",
          cells: "cells",
          method: "method",
          maxEvaluations: "maxEvaluations",
          horizon: "horizon",
          initialMean: "initialMean",
          initialStd: "initialStd",
          steps: "steps",
          layers: "layers",
          activation: "activation",
          diffusionPerLayer: "diffusionPerLayer",
        }),
      );
      const out = outDirFor(flags, "fit", cfg.target.kind);
      const { file: _file, column: _column, ...target } = cfg.target;
      void _file;
      void _column;
      const given = cfg.target.kind === "samples" ? loadSamples(cfg.target, csvOptionsFromFlags(flags)) : undefined;
      const result = await runToolCommand(
        fitTool,
        { ...cfg, target: { ...target, ...(given !== undefined ? given : {}) } },
        { seed: 0, label: "fit", quiet: true },
      );
      process.exitCode = writeToolResult(out, withFiniteCheck(result), cfg, flags);
    });
}
