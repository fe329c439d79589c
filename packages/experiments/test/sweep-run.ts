/** The sweep of every control of the given experiments (min, max, interior): no check fails. */
import { describe, expect, it } from "vitest";
import { EXPERIMENTS, checkFailed, runExperiment } from "../src/index.js";
import { LIGHTER, sweepValues } from "./sweep-points.js";

/**
 * One test per experiment × control × value: runs the experiment as a live page does (quick preset,
 * seed 1) with that one control changed, and asserts that no check fails and that every
 * not-applicable check says why.
 * @param ids - the experiments to sweep
 */
export function sweepExperiments(ids: readonly string[]): void {
  describe("every control at its min, max and an interior value: no check fails", () => {
    for (const e of EXPERIMENTS.filter((x) => ids.includes(x.id))) {
      for (const c of e.controls) {
        for (const v of sweepValues(e, c)) {
          it(`${e.id} ${c.key}=${String(v)}`, { timeout: 240_000 }, async () => {
            const r = await runExperiment(e.id, { ...LIGHTER[`${e.id}.${c.key}`], [c.key]: v }, { seed: 1, quick: true });
            expect(r.checks.length).toBeGreaterThan(0);
            const failed = r.checks.filter(checkFailed).map((k) => k.message);
            expect(failed).toEqual([]);
            for (const k of r.checks) if (k.status === "not-applicable") expect(k.reason ?? "").not.toBe("");
          });
        }
      }
    }
  });
}
