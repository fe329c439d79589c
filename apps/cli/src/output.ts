/** Shared output handling of the non-reproduce commands. */
import { join } from "node:path";
import { type ExperimentResult, checkFailed } from "@kinetic-nde/experiments";
import { EXIT } from "./exit-codes.js";
import { finalPath, jsonText, prepareOutDir, writeOut } from "./io.js";
import { writeResult } from "./results.js";

/** Common output flags. */
export interface OutputFlags {
  out?: string;
  force?: boolean;
  png?: boolean;
}

/**
 * Resolve and prepare `--out`. Without `--out` the default `./out/<command>-<id>` is used, or the
 * first free `-2`, `-3`, ... suffix when it is taken (default outputs never collide; `--force`
 * replaces the default one instead).
 */
export function outDirFor(flags: OutputFlags, command: string, id: string): string {
  if (flags.out !== undefined) return prepareOutDir(flags.out, flags.force ?? false);
  return prepareOutDir(join("out", `${command}-${id}`), flags.force ?? false, { unique: true });
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
  process.stdout.write(`${result.id}\n${lines.join("\n")}\noutput: ${finalPath(outDir)}\n`);
  const bad = statuses.filter((s) => s !== "success");
  const failed = result.checks.filter(checkFailed);
  for (const c of failed) process.stderr.write(`FAIL ${c.message}\n`);
  for (const c of result.checks.filter((x) => x.status === "not-applicable")) process.stderr.write(`n/a ${c.name}: ${c.reason ?? ""}\n`);
  if (bad.length > 0) process.stderr.write(`solver status: ${bad.join(", ")} (not "success")\n`);
  return bad.length > 0 || failed.length > 0 ? EXIT.CHECK_FAILED : EXIT.OK;
}

/** Common output options text for help. */
export const OUTPUT_HELP = `
Outputs (in --out): data/*.csv and data/*.npy (the same tables for numpy.load), result.json,
summary.json, figures/*.svg and *.png, config.json. Default --out: out/<command>-<id>, or -2, -3, ...
when taken; --force replaces a previous output directory as a whole.`;
