/** `kinetic-nde fit` — fit a Fokker–Planck steady state to a target distribution (the `fit` tool). */
import { parseCsv, parseJson } from "@kinetic-nde/datasets";
import { DEFAULT_FIT_TARGET, fitFields, fitTargetFields, fitTool } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { extname } from "node:path";
import { buildConfig, fieldsFromFlags } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { readText } from "../io.js";
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
function loadSamples(t: Cfg["target"]): { samples: Float64Array; label: string } {
  if (t.file === undefined) throw new CliError(EXIT.USAGE, "invalid argument: `config.target.file` must be given for target kind \"samples\"; got undefined");
  const text = readText(t.file, "samples file");
  const ds = extname(t.file).toLowerCase() === ".json" ? parseJson(text) : parseCsv(text);
  const names = ds.featureNames ?? [];
  let j = 0;
  if (t.column !== undefined) {
    j = names.indexOf(t.column);
    if (j < 0) throw new CliError(EXIT.USAGE, `invalid argument: \`config.target.column\` must be one of ${names.map((n) => JSON.stringify(n)).join(", ")}; got ${JSON.stringify(t.column)}`);
  }
  const samples = Float64Array.from({ length: ds.x.length / ds.d }, (_, i) => ds.x[i * ds.d + j]!);
  return { samples, label: t.column ?? names[0] ?? "column 1" };
}

/** Register the command. */
export function registerFit(program: Command): void {
  program
    .command("fit")
    .description("fit the Fokker–Planck steady state (w, b, D or D(x)) to a target distribution")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--target <kind>", "gaussian | tanh | beta | samples")
    .option("--mean <m>", "gaussian target mean")
    .option("--std <s>", "gaussian target standard deviation")
    .option("--alpha <a>", "beta target α")
    .option("--beta <b>", "beta target β")
    .option("--file <path>", "samples target: CSV/JSON data set")
    .option("--column <name>", "samples target: column")
    .option("--family <name>", "gaussian | identity | tanh | beta | bimodal")
    .option("--loss <name>", "kl | l2 | w1")
    .option("--cells <n>", "grid cells")
    .option("--max-evaluations <n>", "optimiser budget")
    .option("--out <dir>", "output directory (default ./out/fit-<target>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText("after", `
Examples:
  $ kinetic-nde fit --target gaussian --mean 0.5 --std 0.3
  $ kinetic-nde fit --target beta --alpha 2 --beta 5 --family beta
  $ kinetic-nde fit --target samples --file iris.csv --column petal-length --family bimodal --loss w1
${OUTPUT_HELP} Fitted parameters are also in fit.json.`)
    .action(async (flags: Record<string, unknown> & OutputFlags & { config?: string }) => {
      const cfg = buildConfig(fitSchema, flags.config, fieldsFromFlags(flags, {
        target: "target.kind", mean: "target.mean", std: "target.std", alpha: "target.alpha", beta: "target.beta", file: "target.file", column: "target.column",
        family: "family", loss: "loss", cells: "cells", maxEvaluations: "maxEvaluations",
      }));
      const out = outDirFor(flags, "fit", cfg.target.kind);
      const { file: _file, column: _column, ...target } = cfg.target;
      void _file;
      void _column;
      const given = cfg.target.kind === "samples" ? loadSamples(cfg.target) : undefined;
      const result = await runToolCommand(fitTool, { ...cfg, target: { ...target, ...(given !== undefined ? given : {}) } }, { seed: 0, label: "fit", quiet: true });
      process.exitCode = writeToolResult(out, result, cfg, flags);
    });
}
