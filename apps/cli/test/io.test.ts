import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy, parseCsvWithInfo } from "@kinetic-nde/datasets";
import { makeBoundCheck, makeCheck } from "@kinetic-nde/experiments";
import { csvOptionsFromFlags, toExit } from "../src/common.js";
import { EXIT, CliError } from "../src/exit-codes.js";
import {
  OUTPUT_MARKER,
  readDataFile,
  STREAM_CHUNK,
  commitOutputs,
  createCsvWriter,
  createNpyWriter,
  discardOutputs,
  finalPath,
  openAtomicFile,
  prepareOutDir,
  writeColumnsNpy,
  writeFileAtomic,
  writeNpy,
} from "../src/io.js";
import { tmp } from "./helpers.js";

/** Bit-for-bit equality of two float64 arrays (fast for large arrays; -0 and NaN payloads count). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return (
    a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

function tempsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.tmp-\d+-\d+$/.test(f));
}

describe("atomic writes", () => {
  it("a file appears only when complete; an aborted write leaves the old file and no temporary", () => {
    const dir = tmp();
    const p = join(dir, "a.csv");
    writeFileAtomic(p, "x\n1\n");
    const f = openAtomicFile(p);
    f.write("x\n2\n");
    expect(readFileSync(p, "utf8")).toBe("x\n1\n"); // old content until commit
    expect(tempsIn(dir)).toHaveLength(1);
    f.abort();
    expect(readFileSync(p, "utf8")).toBe("x\n1\n");
    expect(tempsIn(dir)).toEqual([]);
    const g = openAtomicFile(p);
    g.write(Uint8Array.from([0x79, 0x0a]));
    g.commit();
    expect(readFileSync(p, "utf8")).toBe("y\n");
    expect(readdirSync(dir)).toEqual(["a.csv"]);
  });

  it("an unwritable target is an I/O error (exit 3) naming the file", () => {
    const dir = tmp();
    writeFileSync(join(dir, "file"), "x");
    try {
      writeFileAtomic(join(dir, "file", "sub.csv"), "x");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).exitCode).toBe(EXIT.IO);
      expect((e as Error).message).toContain("sub.csv");
    }
  });
});

describe("streaming writers", () => {
  it(".npy written in chunks decodes to the same array (more values than one chunk)", () => {
    const dir = tmp();
    const M = STREAM_CHUNK + 1234,
      d = 2;
    const x = Float64Array.from({ length: M * d }, (_, i) => Math.sin(i) * 1e3);
    const w = createNpyWriter(join(dir, "x.npy"), [M, d]);
    w.write(x.subarray(0, 7));
    w.write(Array.from(x.subarray(7, 100001))); // a plain array goes through the conversion path
    w.write(x.subarray(100001));
    w.close();
    const back = decodeNpy(new Uint8Array(readFileSync(join(dir, "x.npy"))));
    expect(back.shape).toEqual([M, d]);
    expect(sameBits(back.data, x)).toBe(true);
    writeNpy(join(dir, "y.npy"), x, [M, d]);
    expect(readFileSync(join(dir, "y.npy")).equals(readFileSync(join(dir, "x.npy")))).toBe(true);
  });

  it("a .npy writer given the wrong number of values refuses to commit", () => {
    const dir = tmp();
    const w = createNpyWriter(join(dir, "bad.npy"), [3]);
    w.write([1, 2]);
    expect(() => w.close()).toThrow(/received 2 values for shape \(3\)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("columns → (rows, columns) .npy in row-major order", () => {
    const dir = tmp();
    writeColumnsNpy(join(dir, "t.npy"), [Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30)]);
    const back = decodeNpy(new Uint8Array(readFileSync(join(dir, "t.npy"))));
    expect(back.shape).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual([1, 10, 2, 20, 3, 30]);
  });

  it("CSV written in chunks of rows reads back every row exactly (NaN written as NaN)", () => {
    const dir = tmp();
    const n = 2 * STREAM_CHUNK + 5;
    const a = Float64Array.from({ length: n }, (_, i) => i / 7);
    const b = Float64Array.from({ length: n }, (_, i) => -(i + 1) * 1e-300);
    const w = createCsvWriter(join(dir, "t.csv"), ["a", "b,c"]);
    w.writeColumns([a, b], 0, 10);
    w.writeColumns([a, b], 10, n);
    w.writeRow([NaN, 1]);
    w.close();
    expect(w.rows).toBe(n + 1);
    const text = readFileSync(join(dir, "t.csv"), "utf8");
    expect(text.startsWith('a,"b,c"\n0,-1e-300\n')).toBe(true);
    expect(text.endsWith("\nNaN,1\n")).toBe(true);
    const body = text.slice(0, text.lastIndexOf("NaN"));
    const { dataset, info } = parseCsvWithInfo(body);
    expect(info.rows).toBe(n);
    expect(
      sameBits(
        dataset.x,
        Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? a[k / 2]! : b[(k - 1) / 2]!)),
      ),
    ).toBe(true);
  });
});

describe("output directories", () => {
  it("default names never collide: -2, -3, ... when taken", () => {
    const dir = tmp();
    const base = join(dir, "out", "simulate-tanh");
    const a = prepareOutDir(base, false, { unique: true });
    writeFileSync(join(a, "x.csv"), "1");
    const b = prepareOutDir(base, false, { unique: true });
    expect(b).toBe(`${base}-2`);
    writeFileSync(join(b, "x.csv"), "1");
    expect(prepareOutDir(base, false, { unique: true })).toBe(`${base}-3`);
    expect(existsSync(join(a, OUTPUT_MARKER))).toBe(true);
    expect(() => prepareOutDir(base, false)).toThrow(/exists and is not empty; use --force/);
  });

  it("--force replaces a previous output as one unit: old results stay whole until the commit, no stale file survives", () => {
    const dir = tmp();
    const out = join(dir, "r");
    const first = prepareOutDir(out, false);
    mkdirSync(join(first, "stale-experiment"));
    writeFileSync(join(first, "stale-experiment", "result.json"), "{}");
    writeFileSync(join(first, "report.md"), "old");
    const staging = prepareOutDir(out, true);
    expect(staging).not.toBe(out);
    writeFileSync(join(staging, "report.md"), "new");
    expect(finalPath(join(staging, "report.md"))).toBe(join(out, "report.md"));
    expect(readFileSync(join(out, "report.md"), "utf8")).toBe("old"); // untouched until the swap
    commitOutputs();
    expect(readFileSync(join(out, "report.md"), "utf8")).toBe("new");
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, "report.md"]);
    expect(readdirSync(dir)).toEqual(["r"]);
  });

  it("a failed command discards its staged results and keeps the old ones", () => {
    const dir = tmp();
    const out = join(dir, "r");
    writeFileSync(join(prepareOutDir(out, false), "report.md"), "old");
    const staging = prepareOutDir(out, true);
    writeFileSync(join(staging, "report.md"), "half");
    const f = openAtomicFile(join(staging, "big.csv"));
    f.write("x\n");
    discardOutputs();
    expect(readdirSync(dir)).toEqual(["r"]);
    expect(readFileSync(join(out, "report.md"), "utf8")).toBe("old");
  });

  it("a command that fails before writing anything leaves no output directory behind", () => {
    const dir = tmp();
    const out = join(dir, "new");
    prepareOutDir(out, false);
    discardOutputs();
    expect(readdirSync(dir)).toEqual([]);
    // a directory holding only the marker counts as empty
    mkdirSync(out);
    writeFileSync(join(out, OUTPUT_MARKER), "x");
    expect(prepareOutDir(out, false)).toBe(out);
  });

  it("--force never replaces a directory kinetic-nde did not write; leftovers of killed runs are removed", () => {
    const dir = tmp();
    mkdirSync(join(dir, "mine"));
    writeFileSync(join(dir, "mine", "thesis.tex"), "x");
    expect(() => prepareOutDir(join(dir, "mine"), true)).toThrow(/not written by kinetic-nde/);
    // A staging folder of a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
    const out = join(dir, "r");
    writeFileSync(join(prepareOutDir(out, false), "report.md"), "old");
    mkdirSync(join(dir, ".r.partial-4194305"));
    writeFileSync(join(out, ".report.md.tmp-4194305-0"), "half");
    const staging = prepareOutDir(out, true);
    commitOutputs();
    void staging;
    expect(readdirSync(dir)).toEqual(["mine", "r"]);
    expect(readdirSync(out)).toEqual([OUTPUT_MARKER]);
  });
});

describe("error messages", () => {
  it("a RangeError from an allocation is TOO_LARGE (exit 4) without a stack trace", () => {
    let e: unknown;
    try {
      new Float64Array(2e12);
    } catch (x) {
      e = x;
    }
    const r = toExit(e);
    expect(r.code).toBe(EXIT.TOO_LARGE);
    expect(r.message).toMatch(/^error: too large/);
    expect(r.message).not.toContain("    at ");
  });

  it("other errors map to their documented codes in one line", () => {
    expect(toExit(Object.assign(new Error("x"), { name: "AbortError" })).code).toBe(EXIT.INTERRUPTED);
    const fsErr = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write" });
    expect(toExit(fsErr).code).toBe(EXIT.IO);
    const bug = toExit(new TypeError("cannot read properties of undefined"));
    expect(bug.code).toBe(EXIT.INTERNAL);
    expect(bug.message.split("\n")).toHaveLength(1);
  });

  it("--delimiter names map to separators; a bad one is a usage error", () => {
    expect(csvOptionsFromFlags({ delimiter: "tab", header: false })).toEqual({ delimiter: "\t", header: false });
    expect(csvOptionsFromFlags({ delimiter: "whitespace" })).toEqual({ delimiter: "whitespace" });
    expect(csvOptionsFromFlags({ delimiter: ";" })).toEqual({ delimiter: ";" });
    expect(() => csvOptionsFromFlags({ delimiter: "::" })).toThrow(/`--delimiter` must be/);
  });

  it("a failing check never prints equal observed and expected values", () => {
    const c = makeCheck("rate", "rate", -2.00012, -2, 1e-4);
    expect(c.passed).toBe(false);
    expect(c.message).toContain("observed -2.0001 vs expected -2");
    const tight = makeCheck("rate", "rate", 1 + 2 ** -40, 1, 2 ** -45);
    const m = /observed (\S+) vs expected (\S+)/.exec(tight.message)!;
    expect(m[1]).not.toBe(m[2]);
    expect(Number(m[1])).toBeGreaterThan(1);
    expect(makeCheck("a", "a", 1.001, 1, 0.01).message).toContain("observed 1.001 vs expected 1 (tol 0.01) — pass");
    const bound = makeBoundCheck("err", "error below 1e-3", 0.0010000001, 1e-3);
    expect(bound.message).toContain("observed 0.0010000001 > 0.001 — FAIL");
  });
});

describe("readDataFile", () => {
  it("reads every row of headerless, whitespace and pandas files, finds the label column and says how many rows it read", () => {
    const dir = tmp();
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
    try {
      writeFileSync(join(dir, "np.txt"), "1.0 2.0\n3.0 4.0\n5.0 6.0\n");
      const a = readDataFile(join(dir, "np.txt"), { what: "input file" });
      expect([a.rows, a.dataset.d]).toEqual([3, 2]);
      writeFileSync(join(dir, "pd.csv"), ",x,label\n0,0.5,0\n1,1.5,1\n");
      const b = readDataFile(join(dir, "pd.csv"));
      expect([b.rows, b.dataset.d, Array.from(b.dataset.labels!)]).toEqual([2, 1, [0, 1]]);
      writeFileSync(join(dir, "h.csv"), "x;y\n1;2\n");
      // --no-header: the names are data, and not numbers; --header --delimiter semicolon: one row
      expect(() => readDataFile(join(dir, "h.csv"), { csv: csvOptionsFromFlags({ header: false, delimiter: "semicolon" }) })).toThrow(
        /"x" is not a finite number/,
      );
      expect(readDataFile(join(dir, "h.csv"), { csv: csvOptionsFromFlags({ header: true, delimiter: "semicolon" }) }).rows).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(lines[0]).toMatch(/^read 3 rows × 2 feature column\(s\) from .*np\.txt \(no header row, delimiter whitespace\)/);
    expect(lines[1]).toMatch(/read 2 rows × 1 feature column\(s\) .*\(header row, delimiter ",", index column dropped\)/);
  });
});
