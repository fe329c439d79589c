import { describe, expect, it } from "vitest";
import { createRng, RngStreams } from "./rng.js";
import { isKineticError } from "./errors.js";

describe("createRng", () => {
  it("is reproducible and streams are distinct", () => {
    const a = createRng(42), b = createRng(42), c = createRng(42, 1);
    const xa = [a.uint32(), a.uint32(), a.uint32()];
    expect([b.uint32(), b.uint32(), b.uint32()]).toEqual(xa);
    expect([c.uint32(), c.uint32(), c.uint32()]).not.toEqual(xa);
  });

  it("keeps its documented stream (snapshot of the first outputs)", () => {
    const r = createRng(12345);
    expect([r.uint32(), r.uint32(), r.uint32(), r.uint32()]).toMatchInlineSnapshot(`
      [
        3890574537,
        4226876060,
        3429301515,
        2124762793,
      ]
    `);
  });

  it("RngStreams stream i equals createRng(seed, first + i)", () => {
    const s = new RngStreams(7, 5, 100);
    for (let i = 0; i < 5; i++) {
      const r = createRng(7, 100 + i);
      for (let k = 0; k < 7; k++) expect(s.normal(i)).toBe(r.normal());
      expect(s.uniform(i)).toBe(r.uniform());
    }
  });

  it("uniform mean/variance and normal moments within 5 standard errors", () => {
    const r = createRng(1);
    const n = 200_000;
    let s = 0, s2 = 0, z1 = 0, z2 = 0, z4 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u; s2 += u * u;
      const z = r.normal();
      z1 += z; z2 += z * z; z4 += z ** 4;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 5 - 1 / 9) / n));
    expect(Math.abs(z1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(z2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(z4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it("rejects bad seeds with INVALID_ARGUMENT", () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      try { createRng(bad); expect.unreachable(); } catch (e) { expect(isKineticError(e, "INVALID_ARGUMENT")).toBe(true); }
    }
  });
});
