import { describe, expect, it } from "vitest";
import { createRng } from "../rng.js";
import { NormalStreams } from "./normal-streams.js";

describe("NormalStreams", () => {
  it("stream i reproduces createRng(seed, firstStream + i).normal() exactly", () => {
    for (const [seed, first] of [
      [0, 0],
      [12345, 7],
      [2 ** 40 + 3, 2 ** 33],
    ] as const) {
      const s = new NormalStreams(seed, 5, first);
      for (let i = 0; i < 5; i++) {
        const r = createRng(seed, first + i);
        for (let k = 0; k < 501; k++) expect(s.normal(i)).toBe(r.normal());
      }
    }
  });
});
