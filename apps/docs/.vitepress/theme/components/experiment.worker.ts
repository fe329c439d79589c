/// <reference lib="webworker" />
/**
 * Runs experiments of the catalogue, and the tools behind the CLI commands (`simulate`,
 * `solve-vlasov`, `solve-fokker-planck`, `moments`, ...), off the main thread, so a live page never
 * freezes. An id is looked up among the experiments first, then among the tools.
 *
 * Protocol (all messages are plain objects):
 * - `{ type: "describe", id }` → `{ type: "describe", id, available, title, summary, controls, config, limits }`
 *   (`limits[key]`: the bounds of each control's field, read from the config's JSON Schema)
 * - `{ type: "run", runId, id, overrides, seed, quick }` → `progress`* then `result` or `error`
 *   (`error` carries `issues: { path, rule, shown }[]` when the config was refused); a new `run`
 *   cancels the one in progress
 * - `{ type: "cancel" }` → cancels the run in progress (between two stages of the experiment); every
 *   cancelled run answers `{ type: "cancelled", runId }` once it has stopped
 * - `{ type: "export", requestId, format: "json" | "csv", key?, result? }` → `{ type: "export", requestId, text }`
 * - `{ type: "gpu-probe", id }` → `{ type: "gpu", id, available, adapter, note }`: whether the tool `id` can
 *   run on the GPU here (WebGPU adapter found) and the adapter's name. A `run` with `gpu: true` then moves
 *   the particles (`simulate`) or steps the grid (`solve-vlasov`, `solve-vlasov-2d`; `solve-fokker-planck` with explicit
 *   Euler) on that adapter in f32; its `result` carries `gpu: { adapter }` only when the GPU did
 *   the solves, and `gpuNote` when it was asked for but the CPU computed instead (and why).
 */
import * as experimentsModule from "@kinetic-nde/experiments";
import type { ExperimentDefinition, ExperimentResult, GridSolver, ParticleSolver } from "@kinetic-nde/experiments";
import { wasmKernelsAvailable } from "@kinetic-nde/core/wasm";
import { createWebGpuBackend, type WebGpuBackend } from "@kinetic-nde/core/webgpu";
import { adapterName, GPU_TOOLS, gpuGridSolver, gpuParticleSolver } from "./gpuSolver";

// Read the registry through a plain record: the catalogue may still be incomplete, and a missing
// export must become "not available" on the page rather than a failed build.
const api = experimentsModule as unknown as Record<string, unknown>;

type AnyFn = (...args: never[]) => unknown;
function fn<T extends AnyFn>(name: string): T | undefined {
  const f = api[name];
  return typeof f === "function" ? (f as T) : undefined;
}

/** The signatures shared by the catalogue's and the tools' entry points. */
type GetFn = (id: string) => ExperimentDefinition;
type RunFn = (
  id: string,
  overrides: Record<string, unknown>,
  options: {
    seed?: number;
    quick?: boolean;
    onProgress?: (p: { fraction: number; message: string }) => void;
    signal?: AbortSignal;
    particleSolver?: ParticleSolver;
    gridSolver?: GridSolver;
  },
) => Promise<ExperimentResult>;
type ResolveFn = (id: string, overrides: Record<string, unknown>, quick: boolean) => Record<string, unknown>;

const getExperiment = fn<GetFn>("getExperiment");
const runExperiment = fn<RunFn>("runExperiment");
const resolveConfig = fn<ResolveFn>("resolveConfig");
const getTool = fn<GetFn>("getTool");
const runTool = fn<RunFn>("runTool");
const resolveToolConfig = fn<ResolveFn>("resolveToolConfig");
const toJsonSchema = fn<(schema: unknown, title?: string) => Record<string, unknown>>("toJsonSchema");
const toPlainJson = fn<(r: unknown) => unknown>("toPlainJson");
const tableToCsv = fn<(t: unknown) => string>("tableToCsv");
const fieldToCsv = fn<(f: unknown) => string>("fieldToCsv");

let lastResult: ExperimentResult | undefined;
/** The WebGPU backend, opened on the first GPU run and kept for the next ones. */
let gpuBackend: Promise<WebGpuBackend> | undefined;

function messageOf(e: unknown): string {
  return String((e as { message?: string })?.message ?? e);
}

/** Is there a WebGPU adapter in this worker, and what is it called? */
async function probeGpu(id: string): Promise<Record<string, unknown>> {
  const answer = (available: boolean, adapter: string, note: string): Record<string, unknown> => ({
    type: "gpu",
    id,
    available,
    adapter,
    note,
  });
  if (!GPU_TOOLS.has(id)) return answer(false, "", "this page has no GPU path");
  const gpu = (self.navigator as { gpu?: { requestAdapter(o?: unknown): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  if (gpu === undefined || gpu === null) return answer(false, "", "this browser offers no WebGPU");
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null) return answer(false, "", "WebGPU found no adapter");
    return answer(true, adapterName(adapter.info ?? {}), "");
  } catch (e) {
    return answer(false, "", `WebGPU failed: ${messageOf(e)}`);
  }
}
/** The run in progress and its cancellation. */
let current: { runId: number; controller: AbortController } | undefined;

function lookupIn(get: ((id: string) => ExperimentDefinition) | undefined, id: string): ExperimentDefinition | undefined {
  if (get === undefined) return undefined;
  try {
    return get(id);
  } catch {
    return undefined;
  }
}

/** Is `id` a tool (and not an experiment of the catalogue)? */
function isTool(id: string): boolean {
  return lookupIn(getExperiment, id) === undefined && lookupIn(getTool, id) !== undefined;
}

function lookup(id: string): ExperimentDefinition | undefined {
  return lookupIn(getExperiment, id) ?? lookupIn(getTool, id);
}

/** Bounds of a numeric field; `exclusive*` when the bound itself is refused. */
export interface FieldLimits {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer?: boolean;
}

/**
 * The numeric bounds of every config field, from the schema itself (its JSON Schema), so that the
 * page's inputs accept exactly what the experiment accepts.
 */
function fieldLimits(def: ExperimentDefinition): Record<string, FieldLimits> {
  const out: Record<string, FieldLimits> = {};
  if (toJsonSchema === undefined) return out;
  let js: Record<string, unknown>;
  try {
    js = toJsonSchema(def.schema);
  } catch {
    return out;
  }
  const props = (js["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, prop] of Object.entries(props)) {
    // Optional or nullable fields come as `anyOf`; the numeric branch carries the bounds.
    const branches = Array.isArray(prop["anyOf"]) ? (prop["anyOf"] as Record<string, unknown>[]) : [prop];
    const num = branches.find((b) => b["type"] === "number" || b["type"] === "integer");
    if (num === undefined) continue;
    const lim: FieldLimits = {};
    if (num["type"] === "integer") lim.integer = true;
    if (typeof num["minimum"] === "number") lim.min = num["minimum"];
    if (typeof num["exclusiveMinimum"] === "number") {
      lim.min = num["exclusiveMinimum"];
      lim.exclusiveMin = true;
    }
    if (typeof num["maximum"] === "number") lim.max = num["maximum"];
    if (typeof num["exclusiveMaximum"] === "number") {
      lim.max = num["exclusiveMaximum"];
      lim.exclusiveMax = true;
    }
    // Safe-integer bounds are the schema's way of saying "no bound".
    if (lim.min !== undefined && Math.abs(lim.min) >= Number.MAX_SAFE_INTEGER) delete lim.min;
    if (lim.max !== undefined && Math.abs(lim.max) >= Number.MAX_SAFE_INTEGER) delete lim.max;
    out[key] = lim;
  }
  return out;
}

function describe(id: string): Record<string, unknown> {
  const def = lookup(id);
  if (def === undefined || typeof def.run !== "function") {
    return { type: "describe", id, available: false };
  }
  const resolve = isTool(id) ? resolveToolConfig : resolveConfig;
  let config: Record<string, unknown> = {};
  try {
    config = resolve !== undefined ? resolve(id, {}, true) : (def.schema.parse({ ...def.quick }) as Record<string, unknown>);
  } catch {
    config = {};
  }
  return {
    type: "describe",
    id,
    available: true,
    title: def.title,
    summary: def.summary,
    controls: JSON.parse(JSON.stringify(def.controls ?? [])),
    config: JSON.parse(JSON.stringify(config)),
    limits: fieldLimits(def),
    gpuTool: GPU_TOOLS.has(id),
  };
}

async function run(
  id: string,
  overrides: Record<string, unknown>,
  seed: number,
  quick: boolean,
  runId: number,
  wantGpu: boolean,
): Promise<void> {
  current?.controller.abort();
  const controller = new AbortController();
  const signal = controller.signal;
  current = { runId, controller };
  const onProgress = (p: { fraction: number; message: string }): void => {
    if (!signal.aborted) postMessage({ type: "progress", runId, fraction: p.fraction, message: p.message });
  };
  try {
    let result: ExperimentResult | undefined;
    let gpu: { adapter: string } | null = null;
    let gpuNote: string | null = null;
    const runner = isTool(id) ? runTool : runExperiment;
    if (wantGpu && !GPU_TOOLS.has(id)) gpuNote = "this page has no GPU path; computed on the CPU";
    if (wantGpu && GPU_TOOLS.has(id) && runTool !== undefined) {
      // The GPU moves the particles or steps the grid; anything it cannot do (or any failure) falls back to the CPU run.
      try {
        gpuBackend ??= createWebGpuBackend();
        const backend = await gpuBackend;
        const solver = gpuParticleSolver(backend);
        const grid = gpuGridSolver(backend);
        const r = await runTool(id, overrides, { seed, quick, onProgress, signal, particleSolver: solver, gridSolver: grid });
        // A run that used neither (e.g. solve-fokker-planck with an implicit method) computed on the
        // CPU already: keep it rather than compute it twice.
        result = r;
        if (solver.used() || grid.used()) gpu = { adapter: adapterName(backend.adapter) };
        else gpuNote = "the GPU was not used; computed on the CPU";
      } catch (e) {
        if (signal.aborted) throw e;
        if (gpuBackend !== undefined) {
          const failed = gpuBackend;
          gpuBackend = undefined;
          failed.then((b) => b.destroy()).catch(() => undefined);
        }
        gpuNote = `the GPU run failed (${messageOf(e)}); computed on the CPU instead`;
      }
    }
    if (result === undefined) {
      if (runner !== undefined) {
        result = await runner(id, overrides, { seed, quick, onProgress, signal });
      } else {
        const def = lookup(id);
        if (def === undefined) throw new Error(`experiment ${id} is not available`);
        const config = def.schema.parse({ ...(quick ? def.quick : {}), ...overrides });
        result = await def.run(config, { seed, onProgress, signal });
      }
    }
    if (signal.aborted) {
      postMessage({ type: "cancelled", runId });
      return;
    }
    lastResult = result;
    try {
      postMessage({ type: "result", runId, result, wasm: wasmKernelsAvailable(), gpu, gpuNote });
    } catch {
      // Not structured-cloneable (e.g. a function slipped into the config): send a plain copy.
      postMessage({ type: "result", runId, result: JSON.parse(exportText("json", undefined)), wasm: wasmKernelsAvailable(), gpu, gpuNote });
    }
  } catch (e) {
    if (signal.aborted) {
      postMessage({ type: "cancelled", runId });
      return;
    }
    const err = e as { message?: string; code?: string; details?: { issues?: { path?: unknown; rule?: unknown; value?: unknown }[] } };
    const issues = (err?.details?.issues ?? []).map((i) => ({
      path: String(i.path ?? ""),
      rule: String(i.rule ?? ""),
      shown: shownValue(i.value),
    }));
    postMessage({ type: "error", runId, message: String(err?.message ?? e), code: err?.code ?? null, issues });
  } finally {
    if (current?.runId === runId) current = undefined;
  }
}

function shownValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return v === "" ? "an empty value" : JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function csvOfColumns(columns: readonly string[], data: Readonly<Record<string, ArrayLike<number>>>): string {
  const n = columns.length > 0 ? (data[columns[0]!]?.length ?? 0) : 0;
  const lines = [columns.join(",")];
  for (let i = 0; i < n; i++) lines.push(columns.map((c) => String(data[c]?.[i] ?? "")).join(","));
  return lines.join("\n") + "\n";
}

function exportText(format: "json" | "csv", key: string | undefined, given?: ExperimentResult): string {
  const last = given ?? lastResult;
  if (last === undefined) return "";
  if (format === "json") {
    const plain = toPlainJson !== undefined ? toPlainJson(last) : last;
    return JSON.stringify(plain, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v), 2);
  }
  if (key?.startsWith("field:")) {
    const field = last.fields?.[key.slice(6)];
    if (field === undefined) return "";
    if (fieldToCsv !== undefined) return fieldToCsv(field);
    const rows = ["x,y,value"];
    const nx = field.x.length;
    for (let iy = 0; iy < field.y.length; iy++) {
      for (let ix = 0; ix < nx; ix++) rows.push(`${field.x[ix]},${field.y[iy]},${field.values[iy * nx + ix]}`);
    }
    return rows.join("\n") + "\n";
  }
  const table = key !== undefined ? last.series[key] : undefined;
  if (table === undefined) return "";
  return tableToCsv !== undefined ? tableToCsv(table) : csvOfColumns(table.columns, table.data);
}

self.onmessage = (ev: MessageEvent): void => {
  const msg = ev.data as { type: string; [k: string]: unknown };
  switch (msg.type) {
    case "describe":
      postMessage(describe(String(msg["id"])));
      break;
    case "run":
      void run(
        String(msg["id"]),
        (msg["overrides"] as Record<string, unknown>) ?? {},
        Number(msg["seed"] ?? 1),
        msg["quick"] !== false,
        Number(msg["runId"]),
        msg["gpu"] === true,
      );
      break;
    case "gpu-probe":
      void probeGpu(String(msg["id"])).then((m) => postMessage(m));
      break;
    case "cancel":
      current?.controller.abort();
      break;
    case "export":
      postMessage({
        type: "export",
        requestId: msg["requestId"],
        text: exportText(
          msg["format"] === "csv" ? "csv" : "json",
          msg["key"] as string | undefined,
          msg["result"] as ExperimentResult | undefined,
        ),
      });
      break;
    default:
      break;
  }
};
