import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { decodeNpy, encodeNpy, npyHeader } from "./npy.js";

/** The exact bytes numpy.save writes for np.array([1.0, 2.0, 3.0]) (header 128 bytes, then data). */
function numpyBytesOf123(): Uint8Array {
  const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  const head = "\x93NUMPY\x01\x00\x76\x00" + dict + " ".repeat(128 - 10 - dict.length - 1) + "\n";
  const data = [
    0,
    0,
    0,
    0,
    0,
    0,
    0xf0,
    0x3f, // 1.0
    0,
    0,
    0,
    0,
    0,
    0,
    0x00,
    0x40, // 2.0
    0,
    0,
    0,
    0,
    0,
    0,
    0x08,
    0x40, // 3.0
  ];
  return Uint8Array.from([...Array.from(head, (c) => c.charCodeAt(0)), ...data]);
}

const python = ((): boolean => {
  const r = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" });
  return r.status === 0;
})();

describe("npy", () => {
  it("encodes a small 1-D array to exactly the bytes numpy.save writes", () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3]));
    expect(Array.from(bytes)).toEqual(Array.from(numpyBytesOf123()));
  });

  it("pads every header to a multiple of 64 bytes, ending in a newline", () => {
    for (const shape of [[], [0], [7], [3, 2], [1000000, 3], [2, 3, 4, 5, 6, 7, 8, 9]]) {
      const h = npyHeader(shape);
      expect(h.length % 64, String(shape)).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
      expect(h[8]! + 256 * h[9]!).toBe(h.length - 10);
    }
    const text = String.fromCharCode(...npyHeader([2, 3]));
    expect(text).toContain("'shape': (2, 3), }");
    expect(String.fromCharCode(...npyHeader([]))).toContain("'shape': (), }");
  });

  it("round-trips values bit for bit (2-D, -0, ±Infinity, NaN, subnormals)", () => {
    const values = Float64Array.from([1.5, -0, Infinity, -Infinity, NaN, 5e-324, 1.7976931348623157e308, 0.1]);
    const back = decodeNpy(encodeNpy(values, [4, 2]));
    expect(back.shape).toEqual([4, 2]);
    expect(new Uint8Array(back.data.buffer)).toEqual(new Uint8Array(values.buffer));
  });

  it("reads big-endian and Fortran-ordered files into C order", () => {
    // shape (2, 3) Fortran order: memory holds column by column
    const dict = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }";
    const total = 128;
    const head = "\x93NUMPY\x01\x00" + String.fromCharCode(total - 10, 0) + dict + " ".repeat(total - 10 - dict.length - 1) + "\n";
    const bytes = new Uint8Array(total + 48);
    bytes.set(Array.from(head, (c) => c.charCodeAt(0)));
    const dv = new DataView(bytes.buffer, total);
    // C-order matrix [[1, 2, 3], [4, 5, 6]] stored column-major: 1, 4, 2, 5, 3, 6
    [1, 4, 2, 5, 3, 6].forEach((v, i) => dv.setFloat64(8 * i, v, false));
    const { data, shape } = decodeNpy(bytes);
    expect(shape).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses bad input with a code", () => {
    expectKineticError(() => encodeNpy([1, 2, 3], [2, 2]), "SHAPE_MISMATCH");
    expectKineticError(() => encodeNpy([1], [-1]), "INVALID_ARGUMENT");
    expectKineticError(() => encodeNpy([1], [0.5]), "INVALID_ARGUMENT");
    expectKineticError(() => decodeNpy(Uint8Array.from([1, 2, 3])), "PARSE_ERROR");
    const truncated = encodeNpy([1, 2, 3]).slice(0, -1);
    expectKineticError(() => decodeNpy(truncated), "PARSE_ERROR");
    const int32 = numpyBytesOf123();
    int32.set(
      Array.from("'<i8'", (c) => c.charCodeAt(0)),
      20,
    );
    expectKineticError(() => decodeNpy(int32), "PARSE_ERROR");
  });

  it.skipIf(!python)("numpy.load reads ours and we read numpy.save's", () => {
    const dir = mkdtempSync(join(tmpdir(), "npy-"));
    const values = Float64Array.from({ length: 12 }, (_, i) => (i - 5.5) / 3);
    writeFileSync(join(dir, "ours.npy"), encodeNpy(values, [4, 3]));
    const script = [
      "import numpy as np, sys",
      `a = np.load(${JSON.stringify(join(dir, "ours.npy"))})`,
      "assert a.shape == (4, 3) and a.dtype == np.float64",
      "assert (a.ravel() == (np.arange(12) - 5.5) / 3).all()",
      `np.save(${JSON.stringify(join(dir, "theirs.npy"))}, np.arange(6, dtype=np.float64).reshape(2, 3) / 7)`,
    ].join("\n");
    const r = spawnSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const theirs = decodeNpy(new Uint8Array(readFileSync(join(dir, "theirs.npy"))));
    expect(theirs.shape).toEqual([2, 3]);
    expect(Array.from(theirs.data)).toEqual([0, 1, 2, 3, 4, 5].map((k) => k / 7));
  });
});
