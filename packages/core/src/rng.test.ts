import { describe, expect, it } from "vitest";
import { createNamedRng, createRng, deriveSeed, RngStreams } from "./rng.js";
import { isKineticError } from "./errors.js";

describe("createRng", () => {
  it("is reproducible and streams are distinct", () => {
    const a = createRng(42),
      b = createRng(42),
      c = createRng(42, 1);
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
    let s = 0,
      s2 = 0,
      z1 = 0,
      z2 = 0,
      z4 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
      const z = r.normal();
      z1 += z;
      z2 += z * z;
      z4 += z ** 4;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 5 - 1 / 9) / n));
    expect(Math.abs(z1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(z2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(z4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it("rejects bad seeds with INVALID_ARGUMENT", () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      try {
        createRng(bad);
        expect.unreachable();
      } catch (e) {
        expect(isKineticError(e, "INVALID_ARGUMENT")).toBe(true);
      }
    }
  });
});

describe("deriveSeed (named streams)", () => {
  it("is a stable integer in [0, 2^53 - 1], reproducible from the seed", () => {
    for (const seed of [0, 1, 7, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      for (const name of ["initial", "noise", "data-split"]) {
        const s = deriveSeed(seed, name);
        expect(Number.isInteger(s) && s >= 0 && s <= Number.MAX_SAFE_INTEGER).toBe(true);
        expect(deriveSeed(seed, name)).toBe(s);
      }
    }
  });

  it("keeps its documented values (snapshot)", () => {
    expect([deriveSeed(1, "initial"), deriveSeed(1, "noise"), deriveSeed(0, "data-split")]).toMatchInlineSnapshot(`
      [
        5617841178287695,
        5185969138997715,
        8603827518522404,
      ]
    `);
  });

  it("different names, seeds and similar names give different seeds and different numbers", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 200; seed++) {
      for (const name of ["initial", "noise", "data-split", "init", "initial2", "a", "b", "ab", "ba"]) seen.add(deriveSeed(seed, name));
    }
    expect(seen.size).toBe(200 * 9);
    const a = createNamedRng(5, "initial"),
      b = createNamedRng(5, "noise"),
      c = createRng(5);
    const xa = [a.uint32(), a.uint32()],
      xb = [b.uint32(), b.uint32()],
      xc = [c.uint32(), c.uint32()];
    expect(xa).not.toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(xb).not.toEqual(xc);
  });

  it("createNamedRng(seed, name, i) is createRng(deriveSeed(seed, name), i)", () => {
    const a = createNamedRng(11, "noise", 3),
      b = createRng(deriveSeed(11, "noise"), 3);
    for (let k = 0; k < 5; k++) expect(a.normal()).toBe(b.normal());
  });

  it("named streams look independent: correlation of 10⁵ paired normals within 5 standard errors", () => {
    const a = createNamedRng(1, "initial"),
      b = createNamedRng(1, "noise");
    const n = 100_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += a.normal() * b.normal();
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
  });

  it("rejects a bad seed or name with INVALID_ARGUMENT", () => {
    for (const [seed, name] of [
      [-1, "x"],
      [1.5, "x"],
      [NaN, "x"],
      [1, ""],
      [1, 3 as unknown as string],
    ] as const) {
      try {
        deriveSeed(seed, name);
        expect.unreachable();
      } catch (e) {
        expect(isKineticError(e, "INVALID_ARGUMENT")).toBe(true);
      }
    }
  });
});
