/** Rewrites packages/experiments/src/catalogue/entries.ts from the experiment definitions. Usage: node --conditions=source --import tsx scripts/write-catalogue-entries.ts */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { EXPERIMENTS } from "../packages/experiments/src/index.ts";
const f = "packages/experiments/src/catalogue/entries.ts";
const s = readFileSync(f, "utf8");
const head = s.slice(0, s.indexOf("export const CATALOGUE_ENTRIES"));
const body = EXPERIMENTS.map(
  (e) =>
    `  {\n    id: ${JSON.stringify(e.id)},\n    title: ${JSON.stringify(e.title)},\n    summary: ${JSON.stringify(e.summary)},\n  },\n`,
).join("");
writeFileSync(f, `${head}export const CATALOGUE_ENTRIES: readonly CatalogueEntry[] = [\n${body}];\n`);
execFileSync("npx", ["biome", "format", "--write", f], { stdio: "ignore" });
