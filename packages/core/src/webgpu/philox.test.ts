import { describe, expect, test } from "vitest";
import { philox4x32, philoxNormals } from "./philox.js";

describe("philox4x32", () => {
  test("the Random123 known-answer vectors of Philox4x32-10", () => {
    const out = new Uint32Array(4);
    expect([...philox4x32([0, 0, 0, 0], [0, 0], out)]).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const ones = 0xffffffff;
    expect([...philox4x32([ones, ones, ones, ones], [ones, ones], out)]).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect([...philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], out)]).toEqual([
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    ]);
  });

  test("bad words: INVALID_ARGUMENT", () => {
    const out = new Uint32Array(4);
    expect(() => philox4x32([0, 0, 0], [0, 0], out)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philox4x32([0, 0, 0, 2 ** 32], [0, 0], out)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philox4x32([0, 0, 0, 0], [-1, 0], out)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("philoxNormals", () => {
  test("a pure function of (seed, particle, step): the prefix of a longer draw, different across particles", () => {
    const a = philoxNormals(2 ** 40 + 5, 3, 9, new Float64Array(8));
    const b = philoxNormals(2 ** 40 + 5, 3, 9, new Float64Array(3));
    expect([...b]).toEqual([...a.subarray(0, 3)]);
    expect([...philoxNormals(2 ** 40 + 5, 4, 9, new Float64Array(3))]).not.toEqual([...b]);
    expect([...philoxNormals(5, 3, 9, new Float64Array(3))]).not.toEqual([...b]);
  });

  test("standard normal: mean, variance and fourth moment within 5 standard errors (fixed seed)", () => {
    const xi = new Float64Array(6);
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    let n = 0;
    for (let i = 0; i < 4000; i++) {
      for (let k = 0; k < 5; k++) {
        philoxNormals(11, i, k, xi);
        for (const v of xi) {
          s1 += v;
          s2 += v * v;
          s4 += v ** 4;
          n++;
        }
      }
    }
    expect(Math.abs(s1 / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  test("bad input: INVALID_ARGUMENT", () => {
    expect(() => philoxNormals(-1, 0, 0, new Float64Array(1))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philoxNormals(0, 2 ** 32, 0, new Float64Array(1))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philoxNormals(0, 0, 0.5, new Float64Array(1))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philoxNormals(0, 0, 0, new Float64Array(9))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => philoxNormals(0, 0, 0, new Float64Array(0))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
