import { describe, expect, it } from "vitest";
import {
  EXPERIMENTS,
  makeBoundCheck,
  makeCheck,
  makeNotApplicableCheck,
  allChecksPassed,
  checkFailed,
  runExperiment,
} from "../src/index.js";

/** TeX that a reader would see as raw text (captions and checks are plain Unicode). */
const TEX = [/\\/, /\^\{/, /_\{/, /\\frac/, /\$/];

describe("experiment texts are plain Unicode math, no raw TeX", () => {
  for (const e of EXPERIMENTS) {
    it(e.id, { timeout: 60_000 }, async () => {
      const r = await runExperiment(e.id, {}, { seed: 1, quick: true });
      const texts: string[] = [e.title, e.summary, ...e.controls.map((c) => c.label)];
      for (const f of r.figures)
        texts.push(f.title, f.xLabel, f.yLabel, f.caption ?? "", f.colorLabel ?? "", ...(f.layers ?? []).map((l) => l.label));
      for (const c of r.checks) texts.push(c.name, c.claim, c.message, c.reason ?? "");
      const bad = texts.filter((t) => TEX.some((re) => re.test(t)));
      expect(bad).toEqual([]);
    });
  }
  it("the scan catches TeX", () => {
    expect(TEX.some((re) => re.test("decays like e^{2wt}"))).toBe(true);
    expect(TEX.some((re) => re.test("α_{i+1/2}"))).toBe(true);
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
