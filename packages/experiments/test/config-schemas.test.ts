/**
 * Golden test of the config contract: every experiment's and every tool's JSON Schema, and the error
 * messages of representative bad configs, compared with a committed fixture. The fixture changes only
 * on purpose: `KINETIC_WRITE_GOLDEN=1 npx vitest run packages/experiments/test/config-schemas.test.ts`
 * rewrites it, and the diff is reviewed like code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { KineticError } from "@kinetic-nde/core";
import { describe, expect, it } from "vitest";
import { experimentConfigSchemas, resolveConfig, resolveToolConfig, toolConfigSchemas } from "../src/index.js";

const FIXTURE = new URL("./fixtures/config-schemas.json", import.meta.url);

/** Bad configs: [kind, id, overrides]. */
const BAD: readonly (readonly ["experiment" | "tool", string, Record<string, unknown>])[] = [
  ["experiment", "moments-linear", { w: 2 }],
  ["experiment", "moments-linear", { nTimes: 2.5 }],
  ["experiment", "moments-linear", { T: 0 }],
  ["experiment", "moments-linear", { w: "x", colour: 1 }],
  ["experiment", "moments-linear", { particles: 10, cells: 1e9 }],
  ["experiment", "regression", { xRange: [1] }],
  ["tool", "simulate", { sigma: "sin" }],
  ["tool", "simulate", { w: [] }],
  ["tool", "simulate", { initial: { kind: "uniform", low: 1, high: 0 } }],
  ["tool", "simulate", { initial: { kind: "beta" } }],
  ["tool", "solve-fokker-planck", { grid: { xMin: 1, xMax: 0 } }],
];

function errorOf(kind: "experiment" | "tool", id: string, overrides: Record<string, unknown>): unknown {
  try {
    if (kind === "experiment") resolveConfig(id, overrides);
    else resolveToolConfig(id, overrides);
  } catch (e) {
    if (e instanceof KineticError) return { code: e.code, message: e.message, issues: (e.details as { issues?: unknown }).issues };
    throw e;
  }
  return "accepted";
}

function current(): unknown {
  return {
    experiments: experimentConfigSchemas(),
    tools: toolConfigSchemas(),
    errors: BAD.map(([kind, id, overrides]) => ({ kind, id, overrides, error: errorOf(kind, id, overrides) })),
  };
}

describe("config schemas and messages match the committed fixture", () => {
  const now = JSON.parse(JSON.stringify(current())) as {
    experiments: Record<string, unknown>;
    tools: Record<string, unknown>;
    errors: unknown[];
  };
  if (process.env.KINETIC_WRITE_GOLDEN === "1") writeFileSync(FIXTURE, `${JSON.stringify(now, null, 2)}\n`);
  const golden = JSON.parse(readFileSync(FIXTURE, "utf8")) as typeof now;

  it("every experiment and tool is in the fixture", () => {
    expect(Object.keys(now.experiments).sort()).toEqual(Object.keys(golden.experiments).sort());
    expect(Object.keys(now.tools).sort()).toEqual(Object.keys(golden.tools).sort());
  });
  for (const id of Object.keys(golden.experiments)) {
    it(`experiment ${id}`, () => expect(now.experiments[id]).toEqual(golden.experiments[id]));
  }
  for (const id of Object.keys(golden.tools)) {
    it(`tool ${id}`, () => expect(now.tools[id]).toEqual(golden.tools[id]));
  }
  it("error paths and messages of bad configs", () => {
    expect(now.errors).toEqual(golden.errors);
    for (const e of golden.errors) expect((e as { error: unknown }).error).not.toBe("accepted");
  });
});
