import { describe, expect, it } from "vitest";
import { EXPERIMENTS } from "../src/index.js";
import { SWEEP_A, SWEEP_B, sweepValues } from "./sweep-points.js";
import { sweepExperiments } from "./sweep-run.js";

sweepExperiments(SWEEP_A);

describe("the sweep covers the catalogue at the schema's limits", () => {
  it("every experiment is swept", () => {
    expect([...SWEEP_A, ...SWEEP_B].sort()).toEqual(EXPERIMENTS.map((e) => e.id).sort());
  });
  it("a number field takes the schema's limits, a slider the narrower of its own and the schema's", () => {
    const st = EXPERIMENTS.find((e) => e.id === "steady-states")!;
    const cells = st.controls.find((c) => c.key === "cells")!;
    expect(sweepValues(st, cells)).toEqual([100, 8000, 4100]);
    const mf = EXPERIMENTS.find((e) => e.id === "mean-field-limit")!;
    expect(sweepValues(mf, mf.controls.find((c) => c.key === "maxExp")!)).toEqual([3, 6, 5]);
  });
});
