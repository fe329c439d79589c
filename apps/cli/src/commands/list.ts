/** `kinetic-nde list experiments|activations|schemes` and `kinetic-nde schema <command>`. */
import { listActivations } from "@kinetic-nde/core";
import { experimentConfigSchemas, listExperiments, listTools } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { CliError, EXIT } from "../exit-codes.js";
import { COMMAND_SCHEMAS, commandJsonSchema } from "../schemas.js";
import { listSchemes } from "../solvers.js";

/** Register `list` and `schema`. */
export function registerList(program: Command): void {
  program
    .command("list")
    .description("list experiments, tools (the computations of the commands), activations or numerical schemes")
    .argument("<what>", "experiments | tools | activations | schemes")
    .option("--json", "print JSON instead of a table")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde list experiments
  $ kinetic-nde list activations --json
  $ kinetic-nde list schemes`,
    )
    .action((what: string, opts: { json?: boolean }) => {
      let rows: Record<string, unknown>[];
      if (what === "experiments") rows = listExperiments().map((e) => ({ id: e.id, title: e.title }));
      else if (what === "tools") rows = listTools().map((t) => ({ id: t.id, title: t.title }));
      else if (what === "activations") {
        rows = listActivations().map((a) => ({
          name: a.name,
          formula: a.formula,
          bounded: a.properties.bounded,
          positive: a.properties.positive,
          smooth: a.properties.smooth,
        }));
      } else if (what === "schemes") rows = listSchemes();
      else
        throw new CliError(
          EXIT.USAGE,
          `invalid argument: \`what\` must be one of "experiments", "tools", "activations", "schemes"; got ${JSON.stringify(what)}`,
        );
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
        return;
      }
      const cols = rows.length > 0 ? Object.keys(rows[0]!) : [];
      const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
      process.stdout.write(
        cols
          .map((c, i) => c.padEnd(width[i]!))
          .join("  ")
          .trimEnd() + "\n",
      );
      for (const r of rows)
        process.stdout.write(
          cols
            .map((c, i) => String(r[c]).padEnd(width[i]!))
            .join("  ")
            .trimEnd() + "\n",
        );
    });

  program
    .command("schema")
    .description("print the JSON Schema of a command's config (or of an experiment's config)")
    .argument("<command>", `one of ${Object.keys(COMMAND_SCHEMAS).join(", ")}, or experiment:<id>`)
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde schema simulate
  $ kinetic-nde schema solve-vlasov > vlasov.schema.json
  $ kinetic-nde schema experiment:moments-linear`,
    )
    .action((name: string) => {
      if (name.startsWith("experiment:")) {
        const id = name.slice("experiment:".length);
        const all = experimentConfigSchemas();
        const s = all[id];
        if (s === undefined)
          throw new CliError(
            EXIT.USAGE,
            `invalid argument: \`command\` experiment id must be one of ${Object.keys(all).join(", ")}; got ${JSON.stringify(id)}`,
          );
        process.stdout.write(JSON.stringify(s, null, 2) + "\n");
        return;
      }
      process.stdout.write(JSON.stringify(commandJsonSchema(name), null, 2) + "\n");
    });
}
