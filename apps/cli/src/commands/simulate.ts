/** `kinetic-nde simulate` — particles through the (stochastic) ResNet / neural ODE (the `simulate` tool). */
import { createWorkerPool, type WorkerPool } from "@kinetic-nde/core/node";
import { SIMULATE_ODE_METHODS, SIMULATE_SDE_METHODS, simulateSchema, simulateTool } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { addCsvOptions, buildConfig, csvOptionsFromFlags, fieldsFromFlags, parseSeed, type CsvFlags } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { readDataFile } from "../io.js";
import { outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, z } from "../schemas.js";
import { runToolCommand, writeToolResult } from "./run-tool.js";

/** Config of `simulate`: the tool's, with a data set file instead of given particles. */
export const simulateCliSchema = simulateSchema
  .omit({ x0: true })
  .extend({ input: z.string().optional().describe("CSV/JSON data set whose feature columns are the initial particles") })
  .strict();
COMMAND_SCHEMAS["simulate"] = simulateCliSchema;

interface Flags extends OutputFlags, CsvFlags {
  config?: string;
  seed: number;
  threads: number;
  quiet?: boolean;
  [k: string]: unknown;
}

const FLAG_MAP = {
  sigma: "sigma",
  d: "d",
  w: "w",
  b: "b",
  T: "T",
  layers: "layers",
  K: "K",
  method: "method",
  stepsPerLayer: "stepsPerLayer",
  particles: "particles",
  initial: "initial.kind",
  mean: "initial.mean",
  std: "initial.std",
  low: "initial.low",
  high: "initial.high",
  input: "input",
  nSave: "nSave",
};

/** Smallest ensemble worth sharing among worker threads. */
const POOL_MIN_PARTICLES = 2 * 4096;

/** Register the command. */
export function registerSimulate(program: Command): void {
  addCsvOptions(program.command("simulate"))
    .description("move particles through the ResNet (ODE) or the stochastic ResNet (SDE, K > 0)")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--sigma <name>", "activation: identity, tanh, sigmoid, relu, leaky-relu, softplus")
    .option("--d <d>", "dimension (1 or 2)")
    .option("--w <w>", "weight (number, or a JSON list per layer; d = 2: W row-major)")
    .option("--b <b>", "bias (number or JSON list)")
    .option("--T <T>", "horizon T")
    .option("--layers <L>", "number of layers (constant w, b)")
    .option("--K <K>", "noise amplitude (0: deterministic)")
    .option("--method <name>", `integrator: ${[...SIMULATE_ODE_METHODS, ...SIMULATE_SDE_METHODS].join(", ")}`)
    .option("--steps-per-layer <n>", "integrator steps per layer")
    .option("--particles <M>", "number of particles")
    .option("--initial <kind>", "normal | uniform")
    .option("--mean <m>", "normal initial mean")
    .option("--std <s>", "normal initial standard deviation")
    .option("--low <a>", "uniform initial lower end")
    .option("--high <b>", "uniform initial upper end")
    .option("--input <file>", "CSV/JSON data set to use as initial particles")
    .option("--n-save <n>", "number of output times")
    .option("--seed <n>", "seed of the initial sample and the noise (independent named streams)", parseSeed, 1)
    .option(
      "--threads <n>",
      "threads for the particle solve (default: one per core; the results are the same bit for bit for any count)",
      parseThreads,
      Math.max(1, availableParallelism()),
    )
    .option("--out <dir>", "output directory (default ./out/simulate-<sigma>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .option("--quiet", "no progress output")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde simulate --sigma tanh --w -1 --b 0.5 --T 2 --particles 10000
  $ kinetic-nde simulate --sigma identity --w -1 --b 0 --K 0.5 --T 5 --layers 500 --seed 3
  $ kinetic-nde simulate --d 2 --w "[-1,0.5,-0.5,-1]" --b "[0.1,0]" --method rk4 --steps-per-layer 4
  $ kinetic-nde simulate --input data.csv --config net.yaml
${OUTPUT_HELP} The particles at t = 0 and t = T are data/initial.csv and data/final.csv (and .npy, shape (M, d)).`,
    )
    .action(async (flags: Flags) => {
      const cfg = buildConfig(simulateCliSchema, flags.config, fieldsFromFlags(flags, FLAG_MAP));
      const out = outDirFor(flags, "simulate", cfg.sigma);
      const { input, ...rest } = cfg;
      const x0 = input !== undefined ? loadInput(input, cfg.d, csvOptionsFromFlags(flags)) : undefined;
      const M = x0 !== undefined ? x0.length / cfg.d : cfg.particles;
      const pool: WorkerPool | undefined =
        flags.threads > 1 && M >= POOL_MIN_PARTICLES ? createWorkerPool({ threads: flags.threads }) : undefined;
      try {
        const result = await runToolCommand(
          simulateTool,
          { ...rest, ...(x0 !== undefined ? { x0 } : {}) },
          {
            seed: flags.seed,
            label: "simulate",
            quiet: flags.quiet ?? false,
            ...(pool !== undefined ? { particleSolver: pool } : {}),
          },
        );
        process.exitCode = writeToolResult(out, result, cfg, flags);
      } finally {
        await pool?.close();
      }
    });
}

function parseThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new CliError(EXIT.USAGE, `invalid argument: \`--threads\` must be an integer in [1, 256]; got ${JSON.stringify(v)}`);
  return n;
}

/** The initial particles of `--input`: every feature column of a data set file (every row, counted on stderr). */
function loadInput(path: string, d: number, csv: CsvFlags): Float64Array {
  const { dataset } = readDataFile(path, { csv, what: "input file" });
  if (dataset.d !== d)
    throw new CliError(
      EXIT.USAGE,
      `invalid argument: \`--input\` must have d = ${d} feature columns (set --d); got ${dataset.d} in ${JSON.stringify(path)}`,
    );
  return dataset.x;
}
