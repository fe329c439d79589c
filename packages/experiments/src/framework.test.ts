import { isKineticError } from "@kinetic-nde/core";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { allChecksPassed, makeBoundCheck, makeCheck, makeTrueCheck } from "./checks.js";
import { describeIssues, parseConfig, toJsonSchema } from "./config.js";
import { EXPERIMENTS, experimentConfigSchemas, getExperiment, listExperiments, resolveConfig, runExperiment } from "./registry.js";
import { fieldToCsv, tableToCsv, toPlainJson } from "./serialize.js";

describe("checks", () => {
  it("makeCheck passes within the tolerance and fails outside or on NaN", () => {
    expect(makeCheck("a", "claim", 1.001, 1, 0.01).passed).toBe(true);
    expect(makeCheck("a", "claim", 1.1, 1, 0.01).passed).toBe(false);
    expect(makeCheck("a", "claim", Number.NaN, 1, 0.01).passed).toBe(false);
    expect(makeCheck("a", "claim", 1.1, 1, 0.01).message).toContain("FAIL");
  });
  it("bound and boolean checks", () => {
    expect(makeBoundCheck("m", "mass", 3e-15, 1e-12).passed).toBe(true);
    expect(makeBoundCheck("m", "mass", 2e-12, 1e-12).passed).toBe(false);
    expect(makeTrueCheck("t", "holds", true).passed).toBe(true);
    expect(allChecksPassed([makeTrueCheck("t", "x", true), makeTrueCheck("u", "y", false)])).toBe(false);
  });
  it.each([Number.NaN, Infinity, -1])("rejects tolerance %s with INVALID_ARGUMENT", (tol) => {
    expect(() => makeCheck("a", "c", 1, 1, tol)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
  it("rejects a non-finite expected value", () => {
    expect(() => makeCheck("a", "c", 1, Number.NaN, 1)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("config validation", () => {
  const schema = z
    .object({ w: z.number().lt(0).default(-1), n: z.number().int().min(2).default(4), kind: z.enum(["a", "b"]).default("a") })
    .strict();
  it("applies defaults", () => {
    expect(parseConfig(schema, {})).toEqual({ w: -1, n: 4, kind: "a" });
  });
  it("names the path, the rule and the value", () => {
    try {
      parseConfig(schema, { w: 2, n: 1.5, kind: "c", extra: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isKineticError(e, "INVALID_ARGUMENT")).toBe(true);
      const m = (e as Error).message;
      expect(m).toContain("`config.w` must be a number < 0; got 2");
      expect(m).toContain("`config.n` must be an integer; got 1.5");
      expect(m).toContain('`config.kind` must be one of "a", "b"; got "c"');
      expect(m).toContain("unknown: extra");
    }
  });
  it("describes nested paths with indices", () => {
    const s = z.object({ xs: z.array(z.number().positive()) });
    const r = s.safeParse({ xs: [1, -2] }, { reportInput: true });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!.issues)[0]!.path).toBe("config.xs[1]");
  });
  it("exports JSON Schema with defaults", () => {
    const js = toJsonSchema(schema) as { properties: Record<string, { default?: unknown }> };
    expect(js.properties["w"]!.default).toBe(-1);
  });
});

describe("registry", () => {
  it("lists the ten experiments of the catalogue", () => {
    expect(listExperiments().map((e) => e.id)).toEqual([
      "moments-linear",
      "steady-states",
      "sensitivity",
      "mean-field-limit",
      "classification",
      "regression",
      "stochastic-resnet",
      "fit-distribution",
      "convergence",
      "mean-field-training",
    ]);
  });
  it("every schema parses {} and its quick preset, and has a JSON Schema", () => {
    const schemas = experimentConfigSchemas();
    for (const e of EXPERIMENTS) {
      expect(() => e.schema.parse({})).not.toThrow();
      expect(() => e.schema.parse(e.quick)).not.toThrow();
      expect(schemas[e.id]).toHaveProperty("properties");
      for (const c of e.controls) expect(Object.keys((schemas[e.id] as { properties: object }).properties)).toContain(c.key);
    }
  });
  it("every control's range and options are accepted by the schema", () => {
    for (const e of EXPERIMENTS) {
      for (const c of e.controls) {
        const values: unknown[] = c.kind === "select" ? [...(c.options ?? [])] : [c.min, c.max].filter((v) => v !== undefined);
        for (const v of values) expect(() => e.schema.parse({ ...e.quick, [c.key]: v }), `${e.id}.${c.key} = ${String(v)}`).not.toThrow();
      }
    }
  });
  it("unknown id → NOT_FOUND", async () => {
    expect(() => getExperiment("nope")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    await expect(runExperiment("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
  it("invalid override → INVALID_ARGUMENT with the field path", async () => {
    await expect(runExperiment("moments-linear", { w: "x" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("`config.w`"),
    });
  });
  it.each([-1, 1.5, Number.NaN])("bad seed %s → INVALID_ARGUMENT", async (seed) => {
    await expect(runExperiment("moments-linear", {}, { seed })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
  it("quick preset under overrides", () => {
    expect(resolveConfig("moments-linear", { particles: 500 }, true)).toMatchObject({ particles: 500, cells: 400 });
  });
  it("an aborted signal rejects before running", async () => {
    const c = new AbortController();
    c.abort();
    await expect(runExperiment("moments-linear", {}, { signal: c.signal })).rejects.toBeDefined();
  });
});

describe("serialisation", () => {
  it("CSV of a table round-trips numbers exactly", () => {
    const v = [0.1 + 0.2, 1e-300, -3.5];
    const csv = tableToCsv({ columns: ["t", "v"], data: { t: [0, 1, 2], v } });
    const back = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => Number(l.split(",")[1]));
    expect(back).toEqual(v);
  });
  it("ragged columns → SHAPE_MISMATCH", () => {
    expect(() => tableToCsv({ columns: ["a", "b"], data: { a: [1, 2], b: [1] } })).toThrow(
      expect.objectContaining({ code: "SHAPE_MISMATCH" }),
    );
    expect(() => fieldToCsv({ x: [0, 1], y: [0], values: [1] })).toThrow(expect.objectContaining({ code: "SHAPE_MISMATCH" }));
  });
  it("plain JSON turns typed arrays into arrays and non-finite numbers into strings", () => {
    expect(toPlainJson({ a: new Float64Array([1, Number.NaN]), b: Infinity })).toEqual({ a: [1, "NaN"], b: "Infinity" });
  });
});
