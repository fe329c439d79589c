/**
 * Running a tool of `@kinetic-nde/experiments` from a command: progress on stderr, Ctrl-C as an
 * abort signal, and the result written like an experiment's (plus streamed particle ensembles and
 * the tool's artifacts).
 */
import { join } from "node:path";
import {
  ensembleCsvChunks,
  type Ensemble,
  type ExperimentDefinition,
  type ExperimentResult,
  type ParticleSolver,
} from "@kinetic-nde/experiments";
import { createNpyWriter, openAtomicFile, STREAM_CHUNK, writeOut } from "../io.js";
import { finish, type OutputFlags } from "../output.js";
import { createProgress } from "../progress.js";
import { commandSignal, throwIfInterrupted } from "../signals.js";

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
 * Run a tool with a validated config; SIGINT or SIGTERM aborts it through {@link commandSignal}
 * (the run rejects with an AbortError, the program exits 130 and discards the half-made output).
 * @param def - the tool
 * @param config - its config (validated by the tool's schema)
 * @param options - seed, progress label, quiet, particle solver
 * @returns the result
 */
export async function runToolCommand<C extends Record<string, unknown>>(
  def: ExperimentDefinition<C>,
  config: C,
  options: ToolRunOptions,
): Promise<ExperimentResult> {
  const progress = createProgress(options.label, options.quiet ?? false);
  const signal = commandSignal();
  try {
    const result = await def.run(config, {
      seed: options.seed,
      onProgress: (p) => progress.update(p.fraction, p.message),
      signal,
      ...(options.particleSolver !== undefined ? { particleSolver: options.particleSolver } : {}),
    });
    // A tool that finished its last step while the signal arrived still stops here: nothing is written.
    throwIfInterrupted();
    return result;
  } finally {
    progress.finish();
  }
}

/**
 * Stream an ensemble as `data/<name>.csv` (header row, chunks of rows) and `data/<name>.npy` (shape
 * `[M, d]`, float64), each written under a temporary name and renamed.
 */
function writeEnsemble(dir: string, name: string, ensemble: Ensemble): string[] {
  const csv = openAtomicFile(join(dir, "data", `${name}.csv`));
  try {
    for (const chunk of ensembleCsvChunks(ensemble)) csv.write(chunk);
  } catch (e) {
    csv.abort();
    throw e;
  }
  csv.commit();
  const { x, d } = ensemble;
  const npy = createNpyWriter(join(dir, "data", `${name}.npy`), [x.length / d, d]);
  try {
    const step = STREAM_CHUNK * d;
    for (let off = 0; off < x.length; off += step) npy.write(x.subarray(off, off + step));
  } catch (e) {
    npy.abort();
    throw e;
  }
  npy.close();
  return [`data/${name}.csv`, `data/${name}.npy`];
}

/**
 * Write a tool's result: the particle ensembles as `data/<name>.csv` and `data/<name>.npy` (shape
 * `[M, d]`; streamed), the artifacts by
 * file name, then data, figures, `config.json` (the command's config, file inputs by name) and the
 * summary as for every command.
 * @param out - output directory (prepared)
 * @param result - the tool's result
 * @param config - the command's config to record in `config.json` and `result.json`
 * @param flags - output flags
 * @returns the exit code: 0, or 1 when a status in the summary is not "success" or a check failed
 */
export function writeToolResult(
  out: string,
  result: ExperimentResult,
  config: Readonly<Record<string, unknown>>,
  flags: OutputFlags,
): number {
  const { ensembles, artifacts, ...rest } = result;
  for (const [name, ens] of Object.entries(ensembles ?? {})) writeEnsemble(out, name, ens);
  for (const [name, text] of Object.entries(artifacts ?? {})) writeOut(out, name, text);
  const statuses = Object.entries(result.summary)
    .filter(([k, v]) => (k === "status" || k.endsWith("_status")) && typeof v === "string")
    .map(([, v]) => v as string);
  return finish(out, { ...rest, config }, statuses, flags);
}
