import { describe, expect, it } from "vitest";
import { expectKineticError } from "./testing.js";
import { isKineticError, KineticError } from "./errors.js";
import {
  borrowWorkspace,
  dropWorkspaces,
  formatBytes,
  formatValue,
  requireFits,
  requireOptions,
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  shapeMismatch,
  WORKSPACE_RETAIN_BYTES,
} from "./validate.js";

describe("validation helpers", () => {
  it("messages name the argument, the rule and the value", () => {
    expect(invalidArgument("dt", "a positive finite number", -0.1).message).toBe(
      "invalid argument: `dt` must be a positive finite number; got -0.1",
    );
    expect(shapeMismatch("x", "length 4", 3).message).toBe("shape mismatch: `x` must have length 4; got 3");
    expect(formatValue(-0)).toBe("-0");
    expect(formatValue(new Float64Array(3))).toBe("Float64Array(3)");
    expect(formatValue("a")).toBe('"a"');
  });

  it.each([
    ["finite NaN", () => requireFinite("a", NaN)],
    ["finite Infinity", () => requireFinite("a", Infinity)],
    ["finite string", () => requireFinite("a", "1")],
    ["positive 0", () => requirePositive("a", 0)],
    ["positive -1", () => requirePositive("a", -1)],
    ["positive -Infinity", () => requirePositive("a", -Infinity)],
    ["non-negative -1e-300", () => requireNonNegative("a", -1e-300)],
    ["integer 1.5", () => requireInteger("a", 1.5)],
    ["integer below min", () => requireInteger("a", 0)],
    ["integer above max", () => requireInteger("a", 5, 1, 4)],
    ["array empty", () => requireFiniteArray("a", [])],
    ["array NaN", () => requireFiniteArray("a", [1, NaN])],
    ["array not an array", () => requireFiniteArray("a", 3)],
    ["one of", () => requireOneOf("a", "c", ["a", "b"])],
  ])("%s → INVALID_ARGUMENT", (_l, f) => expectKineticError(f, "INVALID_ARGUMENT"));

  it("accepts good values and copies arrays", () => {
    expect(requireFinite("a", -3)).toBe(-3);
    expect(requirePositive("a", 1e-300)).toBe(1e-300);
    expect(requireNonNegative("a", 0)).toBe(0);
    expect(requireInteger("a", 0, 0)).toBe(0);
    const src = [1, 2];
    const copy = requireFiniteArray("a", src, 2);
    src[0] = 9;
    expect(Array.from(copy)).toEqual([1, 2]);
    expectKineticError(() => requireFiniteArray("a", [1, 2], 3), "SHAPE_MISMATCH");
    expect(requireOneOf("a", "b", ["a", "b"])).toBe("b");
  });
});

describe("requireOptions", () => {
  it("returns known keys, renames aliases and drops undefined", () => {
    expect(requireOptions("options", { a: 1, b: undefined }, ["a", "b"])).toEqual({ a: 1 });
    expect(requireOptions("options", { n_samples: 5 }, ["nSamples"], { n_samples: "nSamples" })).toEqual({ nSamples: 5 });
    expect(requireOptions("options", undefined, ["a"])).toEqual({});
  });
  it("rejects unknown keys naming the key and listing the known ones", () => {
    expect(() => requireOptions("options", { nSample: 1 }, ["nSamples", "seed"])).toThrow(
      /`options.nSample` must be a known option \(one of `nSamples`, `seed`\)/,
    );
    expect(() => requireOptions("options", { n_samples: 1, nSamples: 2 }, ["nSamples"], { n_samples: "nSamples" })).toThrow(/alias/);
  });
  it("rejects non-objects", () => {
    for (const bad of [null, 3, "x", [1], new Float64Array(1)]) {
      expect(() => requireOptions("opts", bad, ["a"])).toThrow(KineticError);
    }
  });
});

describe("requireFits", () => {
  it("passes sizes within the budget and refuses larger ones with the largest that fits", () => {
    expect(requireFits("particles", 1000, 8)).toBe(1000);
    try {
      requireFits("--particles", 1e12, 8, 2 ** 30);
      expect.unreachable();
    } catch (e) {
      expect(isKineticError(e, "TOO_LARGE")).toBe(true);
      const k = e as KineticError;
      expect(k.details?.largest).toBe(2 ** 27);
      expect(k.message).toMatch(/`--particles` = 1000000000000 needs about 7\.28 TiB .*largest that fits is 134217728/);
    }
    expect(() => requireFits("n", 1e13, 1, 1e12, "cell-updates")).toThrow(/cell-updates/);
    expect(() => requireFits("n", NaN, 1)).toThrow(/too large/);
  });
  it("formats bytes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(3 * 2 ** 29)).toBe("1.50 GiB");
  });
});

describe("borrowWorkspace", () => {
  it("lends the kept buffer again, gives fresh memory while it is lent, and drops it on request", () => {
    const a = borrowWorkspace("test-purpose", 100);
    a.data.fill(7);
    // lent: a second borrow of the purpose gets other memory
    const b = borrowWorkspace("test-purpose", 100);
    expect(b.data.buffer).not.toBe(a.data.buffer);
    b.release();
    a.release();
    a.release(); // a second release of the same loan does nothing
    // free again: the same memory, not zeroed (the caller writes before it reads)
    const c = borrowWorkspace("test-purpose", 50);
    expect(c.data.buffer).toBe(a.data.buffer);
    expect(c.data.length).toBe(50);
    expect(c.data[0]).toBe(7);
    c.release();
    // larger than the kept buffer: a new one, kept from then on
    const d = borrowWorkspace("test-purpose", 200);
    expect(d.data.buffer).not.toBe(a.data.buffer);
    d.release();
    const e = borrowWorkspace("test-purpose", 150);
    expect(e.data.buffer).toBe(d.data.buffer);
    e.release();
    dropWorkspaces();
    const f = borrowWorkspace("test-purpose", 150);
    expect(f.data.buffer).not.toBe(d.data.buffer);
    f.release();
    dropWorkspaces();
  });
  it("does not keep buffers beyond WORKSPACE_RETAIN_BYTES", () => {
    const n = WORKSPACE_RETAIN_BYTES / 8 + 1;
    const a = borrowWorkspace("test-large", n);
    a.release();
    const b = borrowWorkspace("test-large", n);
    expect(b.data.buffer).not.toBe(a.data.buffer);
    b.release();
  });
});
