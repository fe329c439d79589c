/**
 * The settings a live page offers for each control: the bounds of the config schema (its JSON
 * Schema, as the docs site reads them), narrowed by a slider's own range; selects offer their options.
 */
import { toJsonSchema } from "../src/config.js";
import type { ControlSpec, ExperimentDefinition } from "../src/types.js";

/** Numeric bounds of one config field. */
export interface Bounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
}

/** The numeric bounds of every config field, from the schema's JSON Schema. */
export function schemaBounds(def: ExperimentDefinition): Record<string, Bounds> {
  const js = toJsonSchema(def.schema);
  const props = (js["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, Bounds> = {};
  for (const [key, prop] of Object.entries(props)) {
    const branches = Array.isArray(prop["anyOf"]) ? (prop["anyOf"] as Record<string, unknown>[]) : [prop];
    const num = branches.find((b) => b["type"] === "number" || b["type"] === "integer");
    if (num === undefined) continue;
    const b: Bounds = {};
    if (num["type"] === "integer") b.integer = true;
    if (typeof num["minimum"] === "number") b.min = num["minimum"];
    if (typeof num["exclusiveMinimum"] === "number") {
      b.min = num["exclusiveMinimum"];
      b.exclusiveMin = true;
    }
    if (typeof num["maximum"] === "number") b.max = num["maximum"];
    if (typeof num["exclusiveMaximum"] === "number") {
      b.max = num["exclusiveMaximum"];
      b.exclusiveMax = true;
    }
    if (b.min !== undefined && Math.abs(b.min) >= Number.MAX_SAFE_INTEGER) delete b.min;
    if (b.max !== undefined && Math.abs(b.max) >= Number.MAX_SAFE_INTEGER) delete b.max;
    out[key] = b;
  }
  return out;
}

/**
 * Minimum, maximum and one interior value of a control as the page offers it: a range control's
 * bounds are the schema's narrowed by the slider's; a number field's are the schema's (an
 * exclusive bound is stepped inside by the control's step); a select's are its first, last and
 * middle option.
 */
export function sweepValues(def: ExperimentDefinition, c: ControlSpec): unknown[] {
  if (c.kind === "select") {
    const o = c.options ?? [];
    return [...new Set([o[0], o[o.length - 1], o[Math.floor(o.length / 2)]])].filter((v) => v !== undefined);
  }
  const s = schemaBounds(def)[c.key] ?? {};
  const step = c.step ?? 0;
  let lo = s.min ?? c.min;
  let hi = s.max ?? c.max;
  if (c.kind === "range") {
    if (c.min !== undefined) lo = lo === undefined ? c.min : Math.max(lo, c.min);
    if (c.max !== undefined) hi = hi === undefined ? c.max : Math.min(hi, c.max);
  }
  if (lo === undefined || hi === undefined) throw new Error(`${def.id}.${c.key}: no bounds`);
  if (s.exclusiveMin === true && lo === s.min) lo += step;
  if (s.exclusiveMax === true && hi === s.max) hi -= step;
  let mid = (lo + hi) / 2;
  if (step > 0) mid = lo + Math.round((mid - lo) / step) * step;
  if (s.integer === true) mid = Math.round(mid);
  mid = Number(mid.toPrecision(12));
  return [...new Set([lo, hi, mid])];
}

/**
 * Cheaper settings of the controls that are not swept, for the costliest sweeps: each keeps the
 * swept control's effect on its checks (a particle count still sets the 1/√M tolerances, a cell
 * count the mass round-off bound) while shortening the run.
 */
export const LIGHTER: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "moments-linear.particles": { T: 0.5, nTimes: 3 },
  "steady-states.cells": { T: 1, activations: ["identity", "relu"] },
  "mean-field-limit.maxExp": { repeats: 1, T: 0.5, stepsPerUnitTime: 4 },
  "convergence.sdeParticles": { sdeLevels: 3 },
  "stochastic-resnet.particles": { T: 0.5, dt: 0.05, nTimes: 3 },
};

/** The sweep is split over two test files (vitest runs files in parallel); together they cover the catalogue. */
export const SWEEP_A: readonly string[] = ["moments-linear", "steady-states", "sensitivity", "mean-field-limit", "fit-distribution"];
export const SWEEP_B: readonly string[] = ["classification", "regression", "stochastic-resnet", "convergence", "mean-field-training"];
