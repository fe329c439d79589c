import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { expectKineticError } from "@kinetic-nde/core";
import { createDataset } from "./dataset.js";
import { parseCsv, toCsv } from "./csv.js";
import { parseJson, toJson } from "./json.js";
import { loadIris } from "./iris.js";
import { makeMoons, makeRegression2D } from "./synthetic.js";

describe("CSV parsing", () => {
  it("reads a header, features, integer labels and a target", () => {
    const ds = parseCsv("a,b,cls,y\n1,2.5,0,0.1\n-3e-2,4,1,-7\n", { label: "cls", target: "y" });
    expect(ds.d).toBe(2);
    expect(Array.from(ds.x)).toEqual([1, 2.5, -0.03, 4]);
    expect(Array.from(ds.labels!)).toEqual([0, 1]);
    expect(Array.from(ds.targets!)).toEqual([0.1, -7]);
    expect(ds.featureNames).toEqual(["a", "b"]);
    expect(ds.meta).toEqual({ name: "csv", params: { label: "cls", target: "y", features: ["a", "b"] }, seed: null });
  });

  it("maps string labels by first appearance or by classNames; handles quotes, CRLF, BOM and blank lines", () => {
    const text = '\uFEFFx,"species, name"\r\n1,"b ""x"""\r\n\r\n2,a\r\n3,"b ""x"""\r\n';
    const ds = parseCsv(text, { label: "species, name" });
    expect(ds.classNames).toEqual(['b "x"', "a"]);
    expect(Array.from(ds.labels!)).toEqual([0, 1, 0]);
    const fixed = parseCsv(text, { label: "species, name", classNames: ["a", 'b "x"'] });
    expect(Array.from(fixed.labels!)).toEqual([1, 0, 1]);
    expect(parseCsv("x;y\n1;2\n", { delimiter: ";" }).d).toBe(2);
    // ±1 labels are not non-negative integers: they become class names in order of appearance
    const pm = parseCsv("x,y\n0.5,1\n-0.5,-1\n", { label: "y" });
    expect([pm.classNames, Array.from(pm.labels!)]).toEqual([["1", "-1"], [0, 1]]);
    expect(parseCsv("x,y,z\n1,2,3\n", { features: ["z", "x"] }).x).toEqual(Float64Array.of(3, 1));
  });

  const malformed: [string, string, Record<string, unknown>, RegExp][] = [
    ["empty input", "", {}, /empty input/],
    ["whitespace only", "  \n\n", {}, /empty input/],
    ["header only", "x,y\n", {}, /no data rows/],
    ["ragged row", "x,y\n1,2\n3\n", {}, /row 2 \(line 3\): expected 2 fields as in the header, got 1/],
    ["non-numeric field", "x,y\n1,2\n3,abc\n", {}, /row 2 \(line 3\), column "y": "abc" is not a finite number/],
    ["NaN field", "x,y\n1,NaN\n", {}, /row 1 \(line 2\), column "y": NaN is not allowed/],
    ["Infinity field", "x,y\nInfinity,1\n", {}, /column "x": "Infinity" is not a finite number/],
    ["hex field", "x\n0x10\n", {}, /"0x10" is not a finite number/],
    ["empty field", "x,y\n1,\n", {}, /row 1 \(line 2\), column "y": empty field/],
    ["missing label column", "x,y\n1,2\n", { label: "class" }, /label column "class" not found; columns are "x", "y"/],
    ["missing target column", "x,y\n1,2\n", { target: "t" }, /target column "t" not found/],
    ["unknown feature", "x,y\n1,2\n", { features: ["z"] }, /feature column "z" not found/],
    ["duplicate header", "x,x\n1,2\n", {}, /duplicate column name "x"/],
    ["empty header name", "x,,y\n1,2,3\n", {}, /column 2 has an empty name/],
    ["unterminated quote", 'x,y\n1,"2\n', {}, /line 2: unterminated quoted field/],
    ["text after a quote", 'x,y\n1,"2"3\n', {}, /unexpected character "3" after a closing quote/],
    ["empty label", "x,c\n1, \n", { label: "c" }, /row 1 \(line 2\), column "c": empty label/],
    ["class not in classNames", "x,c\n1,dog\n", { label: "c", classNames: ["cat"] }, /class "dog" is not one of the given classNames/],
    ["only a label column", "c\n1\n", { label: "c" }, /no feature columns/],
  ];
  it.each(malformed)("%s → PARSE_ERROR with a clear message", (_n, text, opts, re) => {
    expectKineticError(() => parseCsv(text, opts), "PARSE_ERROR", re);
  });

  it("bad options → INVALID_ARGUMENT", () => {
    expectKineticError(() => parseCsv("x\n1\n", { delimiter: '"' }), "INVALID_ARGUMENT");
    expectKineticError(() => parseCsv(42 as never), "INVALID_ARGUMENT");
  });
});

describe("round trips are exact", () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  it("CSV: any finite doubles (including -0 and subnormals), labels and targets", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(finite, finite, finite, finite, fc.nat(5), finite), { minLength: 1, maxLength: 30 }), (d, rows) => {
        const ds = createDataset({
          x: rows.flatMap((r) => r.slice(0, d) as number[]),
          d,
          labels: rows.map((r) => r[4]),
          targets: rows.map((r) => r[5]),
        });
        const back = parseCsv(toCsv(ds), { label: "label", target: "target" });
        expect(back.x).toEqual(ds.x);
        expect(Array.from(back.x, (v) => Object.is(v, -0))).toEqual(Array.from(ds.x, (v) => Object.is(v, -0)));
        expect(back.labels).toEqual(ds.labels);
        expect(back.targets).toEqual(ds.targets);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("JSON document and records: any finite doubles", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite, finite), { minLength: 1, maxLength: 30 }), (rows) => {
        const ds = createDataset({ x: rows.flatMap((r) => [r[0], r[1]]), d: 2, targets: rows.map((r) => r[2]), meta: { name: "t", params: { a: 1 }, seed: 3 } });
        const doc = parseJson(toJson(ds));
        expect(doc).toEqual(ds);
        const rec = parseJson(toJson(ds, { format: "records" }), { target: "target" });
        expect(rec.x).toEqual(ds.x);
        expect(rec.targets).toEqual(ds.targets);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("iris and generated sets survive CSV and JSON with names", () => {
    const iris = loadIris();
    const viaCsv = parseCsv(toCsv(iris, { labelsAsNames: true }), { label: "label" });
    expect(viaCsv.x).toEqual(iris.x);
    expect(viaCsv.labels).toEqual(iris.labels);
    expect(viaCsv.classNames).toEqual(iris.classNames);
    expect(viaCsv.featureNames).toEqual(iris.featureNames);
    expect(parseJson(toJson(iris))).toEqual(iris);
    const recs = parseJson(toJson(iris, { format: "records", labelsAsNames: true }), { label: "label" });
    expect(recs.labels).toEqual(iris.labels);
    const moons = makeMoons({ nSamples: 50, noise: 0.1, seed: 1 });
    expect(parseJson(toJson(moons))).toEqual(moons);
    const reg = makeRegression2D({ nSamples: 20, seed: 2 });
    const back = parseCsv(toCsv(reg, { delimiter: "\t" }), { target: "target", delimiter: "\t" });
    expect(back.targets).toEqual(reg.targets);
  });
});

describe("JSON parsing errors", () => {
  const malformed: [string, string, Record<string, unknown>, RegExp][] = [
    ["empty input", " ", {}, /empty input/],
    ["invalid JSON", "[{\"x\": 1,}]", {}, /invalid JSON/],
    ["empty array", "[]", {}, /no records/],
    ["record not an object", "[1, 2]", {}, /record 0 is not an object/],
    ["missing field", '[{"x":1,"y":2},{"x":3}]', {}, /record 1: fields differ from record 0 \(missing "y"\)/],
    ["extra field", '[{"x":1},{"x":3,"z":1}]', {}, /record 1: fields differ from record 0 \(extra "z"\)/],
    ["string feature", '[{"x":"1"}]', {}, /record 0, column "x": "1" is not a finite number/],
    ["null (NaN written by JSON.stringify)", '[{"x":null}]', {}, /record 0, column "x": null is not a finite number/],
    ["missing label column", '[{"x":1}]', { label: "y" }, /label column "y" not found/],
    ["wrong format tag", '{"format":"other","d":1,"x":[[1]]}', {}, /field "format" must be/],
    ["ragged document row", '{"format":"kinetic-nde/dataset@1","d":2,"x":[[1,2],[3]]}', {}, /x\[1\] has 1 values; expected d = 2/],
    ["non-number in document", '{"format":"kinetic-nde/dataset@1","d":1,"x":[[1],["a"]]}', {}, /x\[1\]\[0\] must be a finite number/],
    ["labels of wrong length", '{"format":"kinetic-nde/dataset@1","d":1,"x":[[1],[2]],"labels":[0]}', {}, /field "labels" has 1 entries; expected one per row \(2\)/],
    ["negative label in document", '{"format":"kinetic-nde/dataset@1","d":1,"x":[[1]],"labels":[-1]}', {}, /invalid dataset document/],
    ["top-level number", "3", {}, /top level must be/],
  ];
  it.each(malformed)("%s → PARSE_ERROR", (_n, text, opts, re) => {
    expectKineticError(() => parseJson(text, opts), "PARSE_ERROR", re);
  });
});
