import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { createDataset } from "./dataset.js";
import { parseCsv, parseCsvWithInfo, toCsv } from "./csv.js";
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
    expect([pm.classNames, Array.from(pm.labels!)]).toEqual([
      ["1", "-1"],
      [0, 1],
    ]);
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
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(finite, finite, finite, finite, fc.nat(5), finite), { minLength: 1, maxLength: 30 }),
        (d, rows) => {
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
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("JSON document and records: any finite doubles", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite, finite), { minLength: 1, maxLength: 30 }), (rows) => {
        const ds = createDataset({
          x: rows.flatMap((r) => [r[0], r[1]]),
          d: 2,
          targets: rows.map((r) => r[2]),
          meta: { name: "t", params: { a: 1 }, seed: 3 },
        });
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
    ["invalid JSON", '[{"x": 1,}]', {}, /invalid JSON/],
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
    [
      "labels of wrong length",
      '{"format":"kinetic-nde/dataset@1","d":1,"x":[[1],[2]],"labels":[0]}',
      {},
      /field "labels" has 1 entries; expected one per row \(2\)/,
    ],
    ["negative label in document", '{"format":"kinetic-nde/dataset@1","d":1,"x":[[1]],"labels":[-1]}', {}, /invalid dataset document/],
    ["top-level number", "3", {}, /top level must be/],
  ];
  it.each(malformed)("%s → PARSE_ERROR", (_n, text, opts, re) => {
    expectKineticError(() => parseJson(text, opts), "PARSE_ERROR", re);
  });
});

describe("CSV header detection and foreign writers (numpy, pandas)", () => {
  // np.savetxt("a.txt", np.array([[0.5, -1.25], [0.1, 3.0], [-2.0, 1e-300]])) — no header, delimiter " ", fmt "%.18e"
  const savetxt =
    "5.000000000000000000e-01 -1.250000000000000000e+00\n" +
    "1.000000000000000056e-01 3.000000000000000000e+00\n" +
    "-2.000000000000000000e+00 1.000000000000000030e-300\n";
  const values = [0.5, -1.25, 0.1, 3, -2, 1e-300];

  it("numpy.savetxt default output: no header detected, no row lost, columns x0, x1", () => {
    const { dataset, info } = parseCsvWithInfo(savetxt);
    expect(info).toEqual({ rows: 3, header: false, columns: ["x0", "x1"], delimiter: "whitespace", indexColumnDropped: false });
    expect(Array.from(dataset.x)).toEqual(values);
    expect(dataset.featureNames).toEqual(["x0", "x1"]);
  });

  it("numpy.savetxt with delimiter=',' and with header= (a '# ' comment line naming the columns)", () => {
    const comma = savetxt.replace(/ /g, ",");
    expect(parseCsvWithInfo(comma).info).toMatchObject({ rows: 3, header: false, delimiter: "," });
    expect(Array.from(parseCsv(comma).x)).toEqual(values);
    const named = parseCsvWithInfo("# a b\n" + savetxt);
    expect(named.info.rows).toBe(3);
    expect(named.dataset.featureNames).toEqual(["a", "b"]);
    expect(Array.from(named.dataset.x)).toEqual(values);
    const tab = parseCsvWithInfo(savetxt.replace(/ /g, "\t"));
    expect(tab.info).toMatchObject({ rows: 3, delimiter: "\t" });
  });

  it("a single-column numpy file keeps every row", () => {
    const { dataset, info } = parseCsvWithInfo("1.000000000000000000e+00\n2.000000000000000000e+00\n3.000000000000000000e+00\n");
    expect(info.rows).toBe(3);
    expect(Array.from(dataset.x)).toEqual([1, 2, 3]);
  });

  it("pandas DataFrame.to_csv(): the default index column (empty name over 0, 1, 2, ...) is dropped", () => {
    // pd.DataFrame({"x": [0.5, -1.25, 2.0], "y": [1.0, 2.0, 3.5], "label": [0, 1, 0]}).to_csv("d.csv")
    const text = ",x,y,label\n0,0.5,1.0,0\n1,-1.25,2.0,1\n2,2.0,3.5,0\n";
    const { dataset, info } = parseCsvWithInfo(text, { label: "label" });
    expect(info).toEqual({ rows: 3, header: true, columns: ["x", "y", "label"], delimiter: ",", indexColumnDropped: true });
    expect(Array.from(dataset.x)).toEqual([0.5, 1, -1.25, 2, 2, 3.5]);
    expect(Array.from(dataset.labels!)).toEqual([0, 1, 0]);
    // to_csv(index=False) writes a plain header
    const plain = parseCsvWithInfo("x,y,label\n0.5,1.0,0\n-1.25,2.0,1\n2.0,3.5,0\n", { label: "label" });
    expect(plain.info).toMatchObject({ rows: 3, header: true, indexColumnDropped: false });
    expect(plain.dataset.x).toEqual(dataset.x);
    // an empty first header cell over labels other than 0, 1, 2, ... is not an index: an error names it
    expectKineticError(() => parseCsv(",x\n5,1\n6,2\n"), "PARSE_ERROR", /column 1 has an empty name/);
  });

  it("a headerless file with a text label column is not mistaken for a header", () => {
    const { dataset, info } = parseCsvWithInfo("5.1,3.5,setosa\n4.9,3.0,setosa\n6.3,3.3,virginica\n", { label: "x2" });
    expect(info).toMatchObject({ rows: 3, header: false });
    expect(dataset.classNames).toEqual(["setosa", "virginica"]);
    expect(Array.from(dataset.x)).toEqual([5.1, 3.5, 4.9, 3.0, 6.3, 3.3]);
  });

  it("explicit header: true keeps a numeric first record as names; header: false reads a text first record as data", () => {
    const named = parseCsvWithInfo("0,1\n0.5,0.25\n", { header: true });
    expect(named.info.rows).toBe(1);
    expect(named.dataset.featureNames).toEqual(["0", "1"]);
    const auto = parseCsvWithInfo("0,1\n0.5,0.25\n");
    expect(auto.info.rows).toBe(2);
    expectKineticError(
      () => parseCsv("x,y\n1,2\n", { header: false }),
      "PARSE_ERROR",
      /row 1 \(line 1\), column "x0": "x" is not a finite number/,
    );
  });

  it("every delimiter: comma, tab, semicolon, whitespace runs", () => {
    for (const [delimiter, text] of [
      [",", "a,b\n1,2\n3,4\n"],
      ["\t", "a\tb\n1\t2\n3\t4\n"],
      [";", "a;b\n1;2\n3;4\n"],
      ["whitespace", "a   b\n  1 \t 2\n3 4  \n"],
    ] as const) {
      const auto = parseCsvWithInfo(text);
      expect(auto.info, JSON.stringify(text)).toMatchObject({ rows: 2, header: true, delimiter });
      expect(Array.from(parseCsv(text, { delimiter }).x)).toEqual([1, 2, 3, 4]);
    }
    expectKineticError(() => parseCsv("x\n1\n", { header: "yes" as never }), "INVALID_ARGUMENT");
    expectKineticError(() => toCsv(createDataset({ x: [1], d: 1 }), { delimiter: "whitespace" }), "INVALID_ARGUMENT");
  });

  it("leading comment lines keep the line numbers of messages right", () => {
    expectKineticError(() => parseCsv("# made by hand\nx,y\n1,2\n3,abc\n"), "PARSE_ERROR", /row 2 \(line 4\), column "y"/);
  });

  const python = spawnSync("/usr/bin/python3", ["-c", "import numpy, pandas"], { stdio: "ignore" }).status === 0;
  it.skipIf(!python)("files written by numpy.savetxt and DataFrame.to_csv read back with the same rows", () => {
    const script = [
      "import numpy as np, pandas as pd, sys",
      "a = np.arange(12, dtype=float).reshape(6, 2) / 7 - 0.5",
      "np.savetxt(sys.stdout, a)",
      "sys.stdout.write('---\\n')",
      "sys.stdout.write(pd.DataFrame(a, columns=['u', 'v']).to_csv())",
    ].join("\n");
    const r = spawnSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [np, pd] = r.stdout.split("---\n") as [string, string];
    const expected = Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
    const a = parseCsvWithInfo(np);
    expect(a.info.rows).toBe(6);
    expect(Array.from(a.dataset.x)).toEqual(expected);
    const b = parseCsvWithInfo(pd);
    expect(b.info).toMatchObject({ rows: 6, indexColumnDropped: true, columns: ["u", "v"] });
    expect(Array.from(b.dataset.x)).toEqual(expected);
  });
});
