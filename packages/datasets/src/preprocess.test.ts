import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createDataset, datasetSize, subsetDataset } from "./dataset.js";
import { fitStandardizer, oneHot, trainTestSplit } from "./preprocess.js";
import { loadIris } from "./iris.js";
import { makeBlobs, makeRegression1D } from "./synthetic.js";

describe("train/test split", () => {
  it("partitions the rows, seeded, with ⌈M·f⌉ test points", () => {
    const ds = makeRegression1D({ nSamples: 103, seed: 1 });
    const a = trainTestSplit(ds, { testFraction: 0.3, seed: 9 });
    const b = trainTestSplit(ds, { testFraction: 0.3, seed: 9 });
    expect(a.testIndex).toEqual(b.testIndex);
    expect(a.testIndex.length).toBe(31);
    expect(a.trainIndex.length).toBe(72);
    const all = [...a.trainIndex, ...a.testIndex].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    for (let r = 0; r < 31; r++) expect(a.test.x[r]).toBe(ds.x[a.testIndex[r]!]);
    expect(a.test.targets![5]).toBe(ds.targets![a.testIndex[5]!]);
    expect(trainTestSplit(ds, { testFraction: 0.3, seed: 10 }).testIndex).not.toEqual(a.testIndex);
  });

  it("stratified split keeps class proportions (iris: 50/50/50 → 10 test each at f = 0.2)", () => {
    const iris = loadIris();
    const { train, test } = trainTestSplit(iris, { testFraction: 0.2, stratify: true, seed: 3 });
    const count = (l: Int32Array) => [0, 1, 2].map((c) => l.filter((v) => v === c).length);
    expect(count(test.labels!)).toEqual([10, 10, 10]);
    expect(count(train.labels!)).toEqual([40, 40, 40]);
    const blobs = makeBlobs({ nSamples: 101, centers: 3, seed: 1 }); // 34/34/33
    const s = trainTestSplit(blobs, { testFraction: 0.25, stratify: true, seed: 1 });
    expect(datasetSize(s.test)).toBe(26);
    const c = count(s.test.labels!);
    c.forEach((v, k) => expect(Math.abs(v - [34, 34, 33][k]! * 0.25)).toBeLessThan(1));
  });

  it("shuffle: false keeps the order", () => {
    const ds = createDataset({ x: [0, 1, 2, 3], d: 1 });
    const { trainIndex, testIndex } = trainTestSplit(ds, { shuffle: false, testFraction: 0.5 });
    expect([Array.from(trainIndex), Array.from(testIndex)]).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("bad inputs", () => {
    const ds = makeRegression1D({ nSamples: 10 });
    expectKineticError(() => trainTestSplit(ds, { testFraction: 0 }), "INVALID_ARGUMENT");
    expectKineticError(() => trainTestSplit(ds, { testFraction: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => trainTestSplit(ds, { testFraction: NaN }), "INVALID_ARGUMENT");
    expectKineticError(() => trainTestSplit(ds, { testFraction: 0.95 }), "INVALID_ARGUMENT");
    expectKineticError(() => trainTestSplit(ds, { stratify: true }), "INVALID_ARGUMENT");
    expectKineticError(() => trainTestSplit(loadIris(), { stratify: true, shuffle: false }), "INVALID_ARGUMENT");
    expectKineticError(() => subsetDataset(ds, [10]), "INVALID_ARGUMENT");
  });
});

describe("standardisation", () => {
  it("gives zero mean and unit variance; inverse undoes it (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: 2,
          maxLength: 40,
        }),
        (rows) => {
          const x = Float64Array.from(rows.flat());
          const s = fitStandardizer(x, 2);
          const z = s.transform(x);
          expectAllClose(s.inverseTransform(z), x, { rtol: 1e-12, atol: 1e-9 });
          for (let j = 0; j < 2; j++) {
            let m = 0;
            for (let i = 0; i < rows.length; i++) m += z[2 * i + j]!;
            expect(Math.abs(m / rows.length)).toBeLessThan(1e-9);
          }
        },
      ),
      { seed: 42, numRuns: 50 },
    );
    const s = fitStandardizer(Float64Array.of(1, 5, 3, 5), 2);
    expectAllClose(s.mean, [2, 5], { rtol: 1e-15 });
    expectAllClose(s.scale, [1, 1], { rtol: 1e-15 }); // the constant column keeps scale 1
    expectAllClose(s.transform(Float64Array.of(1, 5, 3, 5)), [-1, 0, 1, 0], { rtol: 1e-15 });
  });

  it("bad inputs", () => {
    expectKineticError(() => fitStandardizer(new Float64Array(0), 1), "INVALID_ARGUMENT");
    expectKineticError(() => fitStandardizer(Float64Array.of(1, NaN), 1), "INVALID_ARGUMENT");
    expectKineticError(() => fitStandardizer(Float64Array.of(1, 2, 3), 2), "SHAPE_MISMATCH");
    expectKineticError(() => fitStandardizer(Float64Array.of(1, 2), 0), "INVALID_ARGUMENT");
    expectKineticError(() => fitStandardizer(Float64Array.of(1, 2), 2).transform(Float64Array.of(1, 2, 3)), "SHAPE_MISMATCH");
  });
});

describe("one-hot", () => {
  it("encodes labels", () => {
    expect(Array.from(oneHot(Int32Array.of(0, 2, 1)))).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(oneHot([1], 4).length).toBe(4);
    expectKineticError(() => oneHot([3], 2), "INVALID_ARGUMENT");
    expectKineticError(() => oneHot([-1]), "INVALID_ARGUMENT");
    expectKineticError(() => oneHot([0.5]), "INVALID_ARGUMENT");
  });
});

describe("createDataset validation", () => {
  it("rejects malformed data sets", () => {
    expectKineticError(() => createDataset({ x: [1, 2, 3], d: 2 }), "SHAPE_MISMATCH");
    expectKineticError(() => createDataset({ x: [], d: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => createDataset({ x: [1, Infinity], d: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => createDataset({ x: [1, 2], d: 1, labels: [0] }), "SHAPE_MISMATCH");
    expectKineticError(() => createDataset({ x: [1, 2], d: 1, labels: [0, 2], nClasses: 2 }), "INVALID_ARGUMENT");
    expectKineticError(() => createDataset({ x: [1, 2], d: 1, targets: [0, NaN] }), "INVALID_ARGUMENT");
    expectKineticError(() => createDataset({ x: [1, 2], d: 1, featureNames: ["a", "b"] }), "SHAPE_MISMATCH");
    expectKineticError(() => createDataset({ x: [1, 2], d: 0 }), "INVALID_ARGUMENT");
  });
});
