/**
 * Running a tool of `@kinetic-nde/experiments` from a command: progress on stderr, Ctrl-C as an
 * abort signal, and the result written like an experiment's (plus streamed particle ensembles and
 * the tool's artifacts).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensembleCsvChunks, type Ensemble, type ExperimentDefinition, type ExperimentResult, type ParticleSolver } from "@kinetic-nde/experiments";
import { CliError, EXIT } from "../exit-codes.js";
import { writeOut } from "../io.js";
import { finish, type OutputFlags } from "../output.js";
import { createProgress } from "../progress.js";

/** Options of {@link runToolCommand}. */
export interface ToolRunOptions {
  readonly seed: number;
  /** Progress label, e.g. `"simulate"`. */
  readonly label: string;
  /** No progress output. */
  readonly quiet?: boolean;
  readonly particleSolver?: ParticleSolver;
}

/**
 * Run a tool with a validated config; Ctrl-C aborts it (the run rejects with an AbortError, exit 130).
 * @param def - the tool
 * @param config - its config (validated by the tool's schema)
 * @param options - seed, progress label, quiet, particle solver
 * @returns the result
 */
export async function runToolCommand<C extends Record<string, unknown>>(def: ExperimentDefinition<C>, config: C, options: ToolRunOptions): Promise<ExperimentResult> {
  const progress = createProgress(options.label, options.quiet ?? false);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    return await def.run(config, {
      seed: options.seed,
      onProgress: (p) => progress.update(p.fraction, p.message),
      signal: controller.signal,
      ...(options.particleSolver !== undefined ? { particleSolver: options.particleSolver } : {}),
    });
  } finally {
    process.removeListener("SIGINT", onSigint);
    progress.finish();
  }
}

/** Stream an ensemble to `dir/name` as CSV (written to a temporary name, then renamed). */
function writeEnsembleCsv(dir: string, name: string, ensemble: Ensemble): void {
  const path = join(dir, name);
  const tmp = `${path}.partial`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, "w");
    try {
      for (const chunk of ensembleCsvChunks(ensemble)) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new CliError(EXIT.IO, `error: cannot write ${JSON.stringify(path)}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Write a tool's result: the particle ensembles as `data/<name>.csv` (streamed), the artifacts by
 * file name, then data, figures, `config.json` (the command's config, file inputs by name) and the
 * summary as for every command.
 * @param out - output directory (prepared)
 * @param result - the tool's result
 * @param config - the command's config to record in `config.json` and `result.json`
 * @param flags - output flags
 * @returns the exit code: 0, or 1 when a status in the summary is not "success" or a check failed
 */
export function writeToolResult(out: string, result: ExperimentResult, config: Readonly<Record<string, unknown>>, flags: OutputFlags): number {
  const { ensembles, artifacts, ...rest } = result;
  for (const [name, ens] of Object.entries(ensembles ?? {})) writeEnsembleCsv(out, `data/${name}.csv`, ens);
  for (const [name, text] of Object.entries(artifacts ?? {})) writeOut(out, name, text);
  const statuses = Object.entries(result.summary)
    .filter(([k, v]) => (k === "status" || k.endsWith("_status")) && typeof v === "string")
    .map(([, v]) => v as string);
  return finish(out, { ...rest, config }, statuses, flags);
}
