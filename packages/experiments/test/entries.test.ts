import { describe, expect, it } from "vitest";
import { CATALOGUE_ENTRIES } from "../src/catalogue/entries.js";
import * as experiments from "../src/experiments.js";
import { EXPERIMENTS, listExperiments } from "../src/index.js";

describe("the catalogue's entries match its definitions", () => {
  it("ids, titles and summaries, in catalogue order", () => {
    // After changing an id, title or summary: node --conditions=source --import tsx scripts/write-catalogue-entries.ts
    expect(CATALOGUE_ENTRIES.map((e) => ({ ...e }))).toEqual(EXPERIMENTS.map((e) => ({ id: e.id, title: e.title, summary: e.summary })));
    expect(listExperiments().map((e) => e.id)).toEqual(EXPERIMENTS.map((e) => e.id));
  });
  it("every experiment is exported one by one", () => {
    const ids = Object.values(experiments).map((e) => e.id);
    expect(ids.sort()).toEqual(EXPERIMENTS.map((e) => e.id).sort());
  });
});
