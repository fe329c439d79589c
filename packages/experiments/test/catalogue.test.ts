import { describe, expect, it } from "vitest";
import { EXPERIMENTS, runExperiment, tableToCsv } from "../src/index.js";

describe("every experiment's quick run passes its own checks", () => {
  for (const e of EXPERIMENTS) {
    it(e.id, async () => {
      const fractions: number[] = [];
      const r = await runExperiment(e.id, {}, { seed: 1, quick: true, onProgress: (p) => fractions.push(p.fraction) });
      const failed = r.checks.filter((c) => !c.passed).map((c) => c.message);
      expect(failed).toEqual([]);
      expect(r.checks.length).toBeGreaterThan(0);
      expect(r.figures.length).toBeGreaterThan(0);
      // Progress is reported, monotone, and ends at 1.
      expect(fractions.length).toBeGreaterThan(1);
      expect(fractions[fractions.length - 1]).toBe(1);
      for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
      // Every figure layer refers to an existing series and columns; every heatmap to a field.
      for (const f of r.figures) {
        for (const l of f.layers ?? []) {
          const s = r.series[l.series];
          expect(s, `${f.id}: series ${l.series}`).toBeDefined();
          expect(s!.data[l.x], `${f.id}: column ${l.x}`).toBeDefined();
          expect(s!.data[l.y], `${f.id}: column ${l.y}`).toBeDefined();
        }
        if (f.heatmap !== undefined) expect(r.fields?.[f.heatmap], `${f.id}: field ${f.heatmap}`).toBeDefined();
      }
      // Every series serialises (equal column lengths).
      for (const t of Object.values(r.series)) expect(() => tableToCsv(t)).not.toThrow();
      // The resolved config is the schema's output for the quick preset.
      expect(r.config).toEqual(e.schema.parse(e.quick));
    });
  }
});

describe("determinism", () => {
  it("same seed → identical data; another seed → different particles", async () => {
    const a = await runExperiment("stochastic-resnet", {}, { seed: 3, quick: true });
    const b = await runExperiment("stochastic-resnet", {}, { seed: 3, quick: true });
    const c = await runExperiment("stochastic-resnet", {}, { seed: 4, quick: true });
    for (const k of Object.keys(a.series)) expect(tableToCsv(b.series[k]!)).toBe(tableToCsv(a.series[k]!));
    expect(tableToCsv(c.series["moments"]!)).not.toBe(tableToCsv(a.series["moments"]!));
  });
});
