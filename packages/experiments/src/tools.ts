/**
 * The tools: the computations behind the CLI commands `simulate`, `solve vlasov`,
 * `solve vlasov-2d`, `solve fokker-planck`, `moments`, `fit` and `train`, defined like the experiments (a validated
 * config, a pure `run(config, { seed, onProgress, signal })`, a result of series, fields, summary,
 * checks and figures), so the CLI and the docs site run the same code.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { parseConfig, toJsonSchema } from "./config.js";
import { runDefinition, type RunExperimentOptions } from "./registry.js";
import { TOOL_LIST } from "./tools/index.js";
import type { ExperimentDefinition, ExperimentResult } from "./types.js";

export { fitTool, momentsTool, simulateTool, solveFokkerPlanckTool, solveVlasov2DTool, solveVlasovTool, trainTool } from "./tools/index.js";
export {
  SIMULATE_MAX_PARTICLES,
  SIMULATE_ODE_METHODS,
  SIMULATE_SDE_METHODS,
  simulateSchema,
  type SimulateConfig,
} from "./tools/simulate.js";
export { solveFokkerPlanckSchema, solveVlasovSchema, type SolveFokkerPlanckConfig, type SolveVlasovConfig } from "./tools/solve.js";
export { solveVlasov2DSchema, type SolveVlasov2DConfig } from "./tools/solve-2d.js";
export { momentsSchema, type MomentsConfig } from "./tools/moments.js";
export { DEFAULT_FIT_TARGET, fitFields, fitSchema, fitTargetFields, type FitConfig } from "./tools/fit.js";
export { trainFields, trainSchema, type TrainConfig } from "./tools/train.js";
export { activationEnum, gridSchema, initialSchema } from "./tools/shared.js";

/**
 * Every tool, in the order of the CLI commands.
 * @example
 * ```ts
 * TOOLS.map((t) => t.id); // ["simulate", "solve-vlasov", "solve-vlasov-2d", "solve-fokker-planck", "moments", "fit", "train"]
 * ```
 */
export const TOOLS: readonly ExperimentDefinition[] = TOOL_LIST;

/**
 * Ids and titles of the tools (for the docs and the CLI).
 * @returns one entry per tool: `{ id, title, summary }`
 * @example
 * ```ts
 * for (const t of listTools()) console.log(t.id, t.title);
 * ```
 */
export function listTools(): { id: string; title: string; summary: string }[] {
  return TOOLS.map((t) => ({ id: t.id, title: t.title, summary: t.summary }));
}

/**
 * Look up a tool by id.
 * @param id - tool id, e.g. `"simulate"`
 * @returns its definition
 * @throws KineticError NOT_FOUND, listing the known ids
 * @example
 * ```ts
 * getTool("moments").schema.parse({}); // the default config
 * ```
 */
export function getTool(id: string): ExperimentDefinition {
  const def = TOOLS.find((t) => t.id === id);
  if (def === undefined)
    throw new KineticError("NOT_FOUND", `unknown tool ${JSON.stringify(id)}; known: ${TOOLS.map((t) => t.id).join(", ")}`, {
      details: { id },
    });
  return def;
}

/**
 * Resolve a tool's config: quick preset (if asked), then the overrides, validated with defaults.
 * @param id - tool id
 * @param overrides - config fields (plain object)
 * @param quick - apply the tool's quick preset first (default false)
 * @returns the resolved config
 * @throws KineticError NOT_FOUND or INVALID_ARGUMENT (field path, rule and value)
 * @example
 * ```ts
 * resolveToolConfig("simulate", { particles: 500 });
 * ```
 */
export function resolveToolConfig(id: string, overrides: Readonly<Record<string, unknown>> = {}, quick = false): Record<string, unknown> {
  const def = getTool(id);
  return parseConfig(def.schema, quick ? { ...def.quick, ...overrides } : { ...overrides }, "config");
}

/**
 * Run a tool: validate the config and the seed, then call its pure `run`.
 * @param id - tool id (see {@link listTools})
 * @param overrides - config fields; unknown fields are errors
 * @param options - seed, quick preset, progress callback, abort signal, particle solver
 * @returns the result (series, fields, summary, figures; `ensembles` and `artifacts` where the tool has them)
 * @throws KineticError NOT_FOUND, INVALID_ARGUMENT, TOO_LARGE (a size that cannot fit, before any
 *   work); rejects with the abort reason when cancelled
 * @example
 * ```ts
 * const r = await runTool("moments", { w: -1, D: 0.125 });
 * r.summary["variance_T"];
 * ```
 */
export async function runTool(
  id: string,
  overrides: Readonly<Record<string, unknown>> = {},
  options: RunExperimentOptions = {},
): Promise<ExperimentResult> {
  return runDefinition(getTool(id), overrides, options);
}

/**
 * JSON Schema of every tool's config, keyed by id.
 * @returns `{ [id]: JSON Schema }`
 * @example
 * ```ts
 * toolConfigSchemas()["simulate"].properties;
 * ```
 */
export function toolConfigSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const t of TOOLS) out[t.id] = toJsonSchema(t.schema, `${t.id} tool config`);
  return out;
}
