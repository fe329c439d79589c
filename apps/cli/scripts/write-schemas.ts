/**
 * Write the JSON Schema of every command config and every experiment config to `apps/cli/schemas/`.
 * Run: `pnpm --filter @kinetic-nde/cli schemas` (or `node --conditions=source --import tsx scripts/write-schemas.ts`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { experimentConfigSchemas } from "@kinetic-nde/experiments";
import { COMMAND_SCHEMAS, commandJsonSchema } from "../src/schemas.js";
// The command modules register their schemas in COMMAND_SCHEMAS when loaded.
import "../src/commands/simulate.js";
import "../src/commands/solve.js";
import "../src/commands/moments.js";
import "../src/commands/train.js";
import "../src/commands/fit.js";
import "../src/commands/dataset.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");
mkdirSync(dir, { recursive: true });
const written: string[] = [];
for (const name of Object.keys(COMMAND_SCHEMAS)) {
  const file = join(dir, `${name}.schema.json`);
  writeFileSync(file, JSON.stringify(commandJsonSchema(name), null, 2) + "\n");
  written.push(`${name}.schema.json`);
}
for (const [id, schema] of Object.entries(experimentConfigSchemas())) {
  const file = join(dir, `experiment-${id}.schema.json`);
  writeFileSync(file, JSON.stringify(schema, null, 2) + "\n");
  written.push(`experiment-${id}.schema.json`);
}
process.stdout.write(`wrote ${written.length} schemas: ${written.join(", ")}\n`);
