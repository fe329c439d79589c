/** `kinetic-nde moments` — the closed moment hierarchy of the linear network (σ = id; the `moments` tool). */
import { momentsSchema as toolSchema, momentsTool } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { buildConfig, fieldsFromFlags } from "../common.js";
import { outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS } from "../schemas.js";
import { runToolCommand, writeToolResult } from "./run-tool.js";

/** Config of `moments` (the tool's schema). */
export const momentsSchema = toolSchema;
COMMAND_SCHEMAS["moments"] = momentsSchema;

interface Flags extends OutputFlags {
  config?: string;
  w?: string;
  b?: string;
  T?: string;
  layers?: string;
  D?: string;
  mean0?: string;
  var0?: string;
  order?: string;
  nTimes?: string;
  method?: string;
}

/** Register the command. */
export function registerMoments(program: Command): void {
  program
    .command("moments")
    .description("solve the closed moment hierarchy dm_k/dt = k w m_k + k b m_{k-1} + k(k-1) D m_{k-2} (σ = id, d = 1)")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--w <w>", "weight w, or a JSON list per layer, e.g. [-1,-0.5]")
    .option("--b <b>", "bias b, or a JSON list per layer")
    .option("--T <T>", "final time")
    .option("--layers <L>", "number of layers when w, b are scalars")
    .option("--D <D>", "diffusion D = K²/2")
    .option("--mean0 <m>", "initial mean")
    .option("--var0 <v>", "initial variance")
    .option("--order <K>", "highest moment order")
    .option("--n-times <n>", "number of output times")
    .option("--method <name>", "exact | rk4")
    .option("--out <dir>", "output directory (default ./out/moments-linear)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde moments --w -1 --b 1 --T 3
  $ kinetic-nde moments --w -1 --D 0.125 --T 10 --order 6
  $ kinetic-nde moments --w "[-1,-0.5,-2]" --b "[0,1,0]" --T 3 --method rk4
${OUTPUT_HELP}`,
    )
    .action(async (flags: Flags) => {
      // Every flag sets the config field of its name; messages about a field name the flag.
      const names = ["w", "b", "T", "layers", "D", "mean0", "var0", "order", "nTimes", "method"] as const;
      const fields = fieldsFromFlags(flags as Record<string, unknown>, Object.fromEntries(names.map((k) => [k, k])));
      const cfg = buildConfig(momentsSchema, flags.config, fields);
      const out = outDirFor(flags, "moments", "linear");
      const result = await runToolCommand(momentsTool, cfg, { seed: 0, label: "moments", quiet: true });
      process.exitCode = writeToolResult(out, result, result.config, flags);
    });
}
