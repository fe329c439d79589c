/** Shared output handling of the non-reproduce commands. */
import { join } from "node:path";
import type { ExperimentResult } from "@kinetic-nde/experiments";
import { EXIT } from "./exit-codes.js";
import { jsonText, prepareOutDir, writeOut } from "./io.js";
import { writeResult } from "./results.js";

/** Common output flags. */
export interface OutputFlags {
  out?: string;
  force?: boolean;
  png?: boolean;
}

/** Resolve and prepare `--out` (default `./out/<command>-<id>`). */
export function outDirFor(flags: OutputFlags, command: string, id: string): string {
  return prepareOutDir(flags.out ?? join("out", `${command}-${id}`), flags.force ?? false);
}

/**
 * Write a command's result (data, figures, config.json with the seed) and print a summary.
 * @returns the exit code: 0, or 1 when a solver status was not "success" / a check failed
 */
export function finish(outDir: string, result: ExperimentResult, statuses: readonly string[], flags: OutputFlags): number {
  writeResult(outDir, result, flags.png ?? true);
  writeOut(outDir, "config.json", jsonText({ seed: result.seed, config: result.config }));
  const lines: string[] = [];
  for (const [k, v] of Object.entries(result.summary)) lines.push(`  ${k}: ${typeof v === "number" ? Number(v.toPrecision(8)) : v}`);
  process.stdout.write(`${result.id}\n${lines.join("\n")}\noutput: ${outDir}\n`);
  const bad = statuses.filter((s) => s !== "success");
  const failed = result.checks.filter((c) => !c.passed);
  for (const c of failed) process.stderr.write(`FAIL ${c.message}\n`);
  if (bad.length > 0) process.stderr.write(`solver status: ${bad.join(", ")} (not "success")\n`);
  return bad.length > 0 || failed.length > 0 ? EXIT.CHECK_FAILED : EXIT.OK;
}

/** Common output options text for help. */
export const OUTPUT_HELP = `
Outputs (in --out): data/*.csv, result.json, summary.json, figures/*.svg and *.png, config.json.`;
