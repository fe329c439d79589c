import { describe, expect, it } from "vitest";
import {
  EXPERIMENTS,
  makeBoundCheck,
  makeCheck,
  makeNotApplicableCheck,
  allChecksPassed,
  checkFailed,
  runExperiment,
  TOOLS,
  toJsonSchema,
  type ExperimentDefinition,
  type ExperimentResult,
} from "../src/index.js";

/** TeX that a reader would see as raw text (captions and checks are plain Unicode). */
const TEX = [/\\/, /\^\{/, /_\{/, /\$/];

/** The descriptions of a definition's config fields (the schema's `.describe()` texts). */
function fieldDescriptions(def: ExperimentDefinition): string[] {
  const props = (toJsonSchema(def.schema)["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(props).flatMap((p) => (typeof p["description"] === "string" ? [p["description"]] : []));
}

/** Every text of a definition a reader sees before running it. */
function staticTexts(def: ExperimentDefinition): string[] {
  return [def.title, def.summary, ...def.controls.map((c) => c.label), ...fieldDescriptions(def)];
}

/** Every text of a result a reader sees: figures, legends, checks, table descriptions and units. */
function resultTexts(r: ExperimentResult): string[] {
  const texts: string[] = [];
  for (const f of r.figures)
    texts.push(f.title, f.xLabel, f.yLabel, f.caption ?? "", f.colorLabel ?? "", ...(f.layers ?? []).map((l) => l.label));
  for (const c of r.checks) texts.push(c.name, c.claim, c.message, c.reason ?? "");
  for (const t of Object.values(r.series)) texts.push(t.description ?? "", ...Object.values(t.units ?? {}));
  for (const f of Object.values(r.fields ?? {})) texts.push(f.description ?? "");
  return texts;
}

describe("experiment texts are plain Unicode math, no raw TeX", () => {
  for (const e of EXPERIMENTS) {
    it(e.id, { timeout: 120_000 }, async () => {
      const r = await runExperiment(e.id, {}, { seed: 1, quick: true });
      const bad = [...staticTexts(e), ...resultTexts(r)].filter((t) => TEX.some((re) => re.test(t)));
      expect(bad).toEqual([]);
      // A heatmap's colour legend names its quantity (never the bare word "value").
      for (const f of r.figures.filter((x) => x.heatmap !== undefined)) {
        expect(f.colorLabel ?? "", `${f.id} colour legend`).toMatch(/\S/);
        expect(f.colorLabel).not.toBe("value");
      }
    });
  }
  it("tools: titles, summaries, control labels and field descriptions", () => {
    const bad = TOOLS.flatMap((t) =>
      staticTexts(t)
        .filter((x) => TEX.some((re) => re.test(x)))
        .map((x) => `${t.id}: ${x}`),
    );
    expect(bad).toEqual([]);
  });
  it("the scan catches TeX", () => {
    for (const t of ["decays like e^{2wt}", "α_{i+1/2}", "O(M^{-1/2})", "\\frac{1}{2}", "$x$"])
      expect(TEX.some((re) => re.test(t))).toBe(true);
    for (const t of ["decays like e^(2wt)", "αᵢ₊₁/₂", "O(M^(−1/2))", "(1 - x)^(α-1)"]) expect(TEX.some((re) => re.test(t))).toBe(false);
  });
});

describe("check states", () => {
  it("a wrong value fails, a not-applicable check neither passes as evidence nor fails", () => {
    expect(checkFailed(makeCheck("x", "x is 1", 1.5, 1, 0.1))).toBe(true);
    expect(checkFailed(makeBoundCheck("m", "mass defect", 1e-9, 1e-12))).toBe(true);
    const na = makeNotApplicableCheck("o", "first order", "T too short");
    expect(na.status).toBe("not-applicable");
    expect(checkFailed(na)).toBe(false);
    expect(na.message).toContain("not applicable: T too short");
    expect(allChecksPassed([na, makeCheck("x", "x is 1", 1.05, 1, 0.1)])).toBe(true);
    expect(allChecksPassed([na, makeCheck("x", "x is 1", 2, 1, 0.1)])).toBe(false);
  });
});
