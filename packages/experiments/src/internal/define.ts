import type * as z from "zod";
import type { Check, ControlSpec, DataTable, ExperimentDefinition, ExperimentResult, GridField, RunContext } from "../types.js";

/** Typed helper: the config type of `run` is the output type of the schema. */
export function defineExperiment<S extends z.ZodType<Record<string, unknown>>>(def: {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly schema: S;
  readonly quick: Partial<z.output<S>>;
  readonly controls: readonly ControlSpec[];
  run(config: z.output<S>, ctx: RunContext): Promise<ExperimentResult>;
}): ExperimentDefinition<z.output<S>> {
  return Object.freeze(def) as unknown as ExperimentDefinition<z.output<S>>;
}

/** What one part of a multi-part experiment contributes to its result (merged by the experiment's `run`). */
export interface ExperimentPart {
  series: Record<string, DataTable>;
  fields: Record<string, GridField>;
  checks: Check[];
  summary: Record<string, number | string>;
}

/** The categorical palette of every figure (one definition, shared with the renderer). */
export { FIGURE_PALETTE as PALETTE } from "../plot/palette.js";
