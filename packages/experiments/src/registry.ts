/**
 * The experiment catalogue and the one way to run an experiment.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { requireInteger } from "@kinetic-nde/core/validate";
import { CATALOGUE_ENTRIES } from "./catalogue/entries.js";
import { CATALOGUE } from "./catalogue/index.js";
import { parseConfig, toJsonSchema } from "./config.js";
import type { ExperimentDefinition, ExperimentResult, GridSolver, ParticleSolver, Progress } from "./types.js";

/**
 * Every experiment of the catalogue, in catalogue order.
 * @example
 * ```ts
 * EXPERIMENTS.map((e) => e.id); // ["moments-linear", "steady-states", ...]
 * ```
 */
export const EXPERIMENTS: readonly ExperimentDefinition[] = CATALOGUE;

/**
 * Ids and titles of the catalogue (without loading the experiments: a browser bundle that only
 * lists the catalogue contains neither the solvers nor the config schemas).
 * @returns one entry per experiment: `{ id, title, summary }`, in catalogue order
 * @example
 * ```ts
 * for (const e of listExperiments()) console.log(e.id, e.title);
 * ```
 */
export function listExperiments(): { id: string; title: string; summary: string }[] {
  return CATALOGUE_ENTRIES.map((e) => ({ id: e.id, title: e.title, summary: e.summary }));
}

/**
 * Look up an experiment by id.
 * @param id - experiment id, e.g. `"moments-linear"`
 * @returns its definition
 * @throws KineticError NOT_FOUND, listing the known ids
 * @example
 * ```ts
 * const def = getExperiment("convergence");
 * def.schema.parse({}); // the default config
 * ```
 */
export function getExperiment(id: string): ExperimentDefinition {
  const def = EXPERIMENTS.find((e) => e.id === id);
  if (def === undefined) {
    throw new KineticError("NOT_FOUND", `unknown experiment ${JSON.stringify(id)}; known: ${EXPERIMENTS.map((e) => e.id).join(", ")}`, {
      details: { id },
    });
  }
  return def;
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** Seed of every random draw (integer in [0, 2^53 - 1]; default 1). */
  readonly seed?: number;
  /** Apply the experiment's `quick` preset under the overrides (default false). */
  readonly quick?: boolean;
  /** Progress callback (fraction in [0, 1] and a message). */
  readonly onProgress?: (p: Progress) => void;
  /** Cooperative cancellation, checked between stages (the run rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Particle solver to use instead of core's single-thread one (e.g. a Node worker pool). */
  readonly particleSolver?: ParticleSolver;
  /** Grid solver to use instead of mean-field's `solveVlasov` (e.g. `solveVlasovWebGpu` on a GPU). */
  readonly gridSolver?: GridSolver;
}

/**
 * Resolve an experiment's config: quick preset (if asked), then the overrides, validated and with
 * defaults applied.
 * @param id - experiment id
 * @param overrides - config fields to change (plain object)
 * @param quick - apply the `quick` preset first (default false)
 * @returns the resolved config
 * @throws KineticError NOT_FOUND (unknown id) or INVALID_ARGUMENT (field path, rule and value)
 * @example
 * ```ts
 * resolveConfig("moments-linear", { w: -2 }, true);
 * ```
 */
export function resolveConfig(id: string, overrides: Readonly<Record<string, unknown>> = {}, quick = false): Record<string, unknown> {
  const def = getExperiment(id);
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new KineticError("INVALID_ARGUMENT", `invalid argument: \`config\` must be a plain object; got ${typeof overrides}`);
  }
  const input = quick ? { ...def.quick, ...overrides } : { ...overrides };
  return parseConfig(def.schema, input, "config");
}

/**
 * Run one experiment of the catalogue: validate the config (quick preset, then overrides), then
 * call its pure `run`.
 * @param id - experiment id (see {@link listExperiments})
 * @param overrides - config fields to change; unknown fields are errors
 * @param options - seed, quick preset, progress callback, abort signal
 * @returns the result: series, fields, summary, checks and figures (`result.config` is resolved)
 * @throws KineticError NOT_FOUND (unknown id), INVALID_ARGUMENT (config field path, rule and value,
 *   or a bad seed); rejects with the abort reason when cancelled
 * @remarks Runs in Node and in a browser (Web Worker): no I/O. Same seed and config → identical data.
 * @example
 * ```ts
 * const r = await runExperiment("moments-linear", { b: 0.5 }, { seed: 7, quick: true });
 * r.checks.every((c) => c.passed);
 * ```
 */
export async function runExperiment(
  id: string,
  overrides: Readonly<Record<string, unknown>> = {},
  options: RunExperimentOptions = {},
): Promise<ExperimentResult> {
  return runDefinition(getExperiment(id), overrides, options);
}

/**
 * Validate a definition's config (quick preset, then overrides) and the seed, then call its `run`
 * (shared by {@link runExperiment} and `runTool`).
 * @param def - an experiment or tool definition
 * @param overrides - config fields; unknown fields are errors
 * @param options - seed, quick preset, progress callback, abort signal, particle solver
 * @returns the result of `def.run`
 * @throws KineticError INVALID_ARGUMENT (config or seed); rejects with the abort reason when cancelled
 * @example
 * ```ts
 * const r = await runDefinition(getExperiment("moments-linear"), { b: 0.5 }, { seed: 7, quick: true });
 * ```
 */
export async function runDefinition(
  def: ExperimentDefinition,
  overrides: Readonly<Record<string, unknown>>,
  options: RunExperimentOptions,
): Promise<ExperimentResult> {
  const seed = requireInteger("seed", options.seed ?? 1, 0, Number.MAX_SAFE_INTEGER);
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new KineticError("INVALID_ARGUMENT", `invalid argument: \`config\` must be a plain object; got ${typeof overrides}`);
  }
  const input = (options.quick ?? false) ? { ...def.quick, ...overrides } : { ...overrides };
  const config = parseConfig(def.schema, input, "config");
  if (options.signal?.aborted) {
    const reason: unknown = options.signal.reason;
    throw reason instanceof Error ? reason : Object.assign(new Error("the experiment was aborted"), { name: "AbortError" });
  }
  return def.run(config, {
    seed,
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.particleSolver !== undefined ? { particleSolver: options.particleSolver } : {}),
    ...(options.gridSolver !== undefined ? { gridSolver: options.gridSolver } : {}),
  });
}

/**
 * JSON Schema of every experiment's config, keyed by id (for editors, the docs site and the CLI's
 * `schema` command).
 * @returns `{ [id]: JSON Schema }`
 * @example
 * ```ts
 * experimentConfigSchemas()["moments-linear"].properties;
 * ```
 */
export function experimentConfigSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const e of EXPERIMENTS) out[e.id] = toJsonSchema(e.schema, `${e.id} experiment config`);
  return out;
}
