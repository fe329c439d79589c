import { describe, expect, it } from "vitest";
import { createRng } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import type { Dataset } from "./dataset.js";
import { datasetSize } from "./dataset.js";
import {
  REGRESSION_FUNCTIONS_1D,
  REGRESSION_FUNCTIONS_2D,
  makeBlobs,
  makeCircles,
  makeMoons,
  makeRegression1D,
  makeRegression2D,
  makeSpirals,
  makeTwoGaussians1D,
  makeXor,
} from "./synthetic.js";

/** First values of a data set, rounded to 12 significant digits for a readable snapshot. */
function head(ds: Dataset, k = 3): { x: number[]; labels?: number[]; targets?: number[] } {
  const r = (v: number) => Number(v.toPrecision(12));
  return {
    x: Array.from(ds.x.subarray(0, k * ds.d), r),
    ...(ds.labels ? { labels: Array.from(ds.labels.subarray(0, k)) } : {}),
    ...(ds.targets ? { targets: Array.from(ds.targets.subarray(0, k), r) } : {}),
  };
}

function counts(labels: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]!++;
  return c;
}

describe("generators are seeded: same seed, same data (snapshots of the first values)", () => {
  it("two-gaussians-1d", () => {
    expect(head(makeTwoGaussians1D({ seed: 1 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          1,
          0,
          1,
        ],
        "x": [
          0.500129897111,
          -0.13063825634,
          1.93111168936,
        ],
      }
    `);
  });
  it("blobs", () => {
    expect(head(makeBlobs({ seed: 1 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          2,
          0,
          1,
        ],
        "x": [
          5.6428175223,
          -5.74654756684,
          8.53581430513,
          -0.553742103734,
          -8.51181690173,
          8.68344348426,
        ],
      }
    `);
  });
  it("moons", () => {
    expect(head(makeMoons({ seed: 1, noise: 0.1 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          1,
          0,
          1,
        ],
        "x": [
          0.402606474783,
          -0.381762723531,
          -0.0285613554038,
          1.21905299598,
          1.69583371193,
          -0.0973086761761,
        ],
      }
    `);
  });
  it("circles", () => {
    expect(head(makeCircles({ seed: 1, noise: 0.05 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          1,
          0,
          1,
        ],
        "x": [
          -0.70342855375,
          0.57383025311,
          -1.03619290686,
          0.298480424599,
          0.104795360264,
          -0.775404645561,
        ],
      }
    `);
  });
  it("spirals", () => {
    expect(head(makeSpirals({ seed: 1, noise: 0.02 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          1,
          0,
          1,
        ],
        "x": [
          0.240691301083,
          -0.244128040803,
          -0.490714224235,
          0.118746014899,
          -0.189286321058,
          0.770264720131,
        ],
      }
    `);
  });
  it("xor", () => {
    expect(head(makeXor({ seed: 1 }))).toMatchInlineSnapshot(`
      {
        "labels": [
          0,
          1,
          0,
        ],
        "x": [
          -0.302719254158,
          0.258108693763,
          0.826654887857,
          0.787586167765,
          -0.301374932983,
          0.849766831663,
        ],
      }
    `);
  });
  it("regression-1d", () => {
    expect(head(makeRegression1D({ seed: 1, noise: 0.1 }))).toMatchInlineSnapshot(`
      {
        "targets": [
          -0.208921052141,
          1.1409472269,
          -0.798641586943,
        ],
        "x": [
          -0.134690957265,
          1.44222602496,
          -0.493177270193,
        ],
      }
    `);
  });
  it("regression-2d", () => {
    expect(head(makeRegression2D({ seed: 1, noise: 0.1 }))).toMatchInlineSnapshot(`
      {
        "targets": [
          -1.29972615118,
          2.02090250261,
          -2.14115473524,
        ],
        "x": [
          -1.36766788312,
          -0.129234759142,
          1.70778232242,
          0.674243498502,
          -1.78124177687,
          -0.667461537861,
        ],
      }
    `);
  });

  it("seed and rng agree; different seeds differ", () => {
    const a = makeMoons({ seed: 5, noise: 0.2 });
    const b = makeMoons({ rng: createRng(5), noise: 0.2 });
    expect(b.x).toEqual(a.x);
    expect(b.labels).toEqual(a.labels);
    expect(makeMoons({ seed: 6, noise: 0.2 }).x).not.toEqual(a.x);
    expect(a.meta).toEqual({ name: "moons", params: { noise: 0.2, nSamples: 200, shuffle: true }, seed: 5 });
  });
});

describe("generator geometry and class balance", () => {
  it("moons without noise lie on the two half circles (scikit-learn layout)", () => {
    const ds = makeMoons({ nSamples: 101, shuffle: false });
    expect(counts(ds.labels!, 2)).toEqual([50, 51]);
    for (let i = 0; i < 101; i++) {
      const [x, y] = [ds.x[2 * i]!, ds.x[2 * i + 1]!];
      const r = ds.labels![i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expectAllClose(r, 1, { rtol: 1e-14 });
      expect(ds.labels![i] === 0 ? y >= -1e-15 : y <= 0.5 + 1e-15).toBe(true);
    }
  });

  it("circles without noise have radii 1 and factor", () => {
    const ds = makeCircles({ nSamples: 60, factor: 0.3 });
    for (let i = 0; i < 60; i++) expectAllClose(Math.hypot(ds.x[2 * i]!, ds.x[2 * i + 1]!), ds.labels![i] === 0 ? 1 : 0.3, { rtol: 1e-14 });
    expect(counts(ds.labels!, 2)).toEqual([30, 30]);
  });

  it("blobs: given centres, spreads and even split", () => {
    const ds = makeBlobs({
      nSamples: 3001,
      centers: [
        [0, 0, 0],
        [10, 0, 0],
        [0, 10, 5],
      ],
      clusterStd: [0.5, 1, 2],
      seed: 3,
    });
    expect(ds.d).toBe(3);
    expect(counts(ds.labels!, 3)).toEqual([1001, 1000, 1000]);
    const sums = [0, 0, 0];
    for (let i = 0; i < datasetSize(ds); i++) if (ds.labels![i] === 1) sums[0]! += ds.x[3 * i]!;
    expect(Math.abs(sums[0]! / 1000 - 10)).toBeLessThan(5 / Math.sqrt(1000));
  });

  it("spirals: radii in (0, 1), one arm per class", () => {
    const ds = makeSpirals({ nSamples: 90, nClasses: 3, turns: 2 });
    expect(counts(ds.labels!, 3)).toEqual([30, 30, 30]);
    for (let i = 0; i < 90; i++) {
      const r = Math.hypot(ds.x[2 * i]!, ds.x[2 * i + 1]!);
      expect(r > 0 && r < 1).toBe(true);
    }
  });

  it("xor labels follow the signs (2 and 4 classes)", () => {
    const two = makeXor({ nSamples: 500, seed: 2, halfWidth: 3 });
    const four = makeXor({ nSamples: 500, seed: 2, nClasses: 4 });
    for (let i = 0; i < 500; i++) {
      const [a, b] = [two.x[2 * i]!, two.x[2 * i + 1]!];
      expect(Math.abs(a) <= 3 && Math.abs(b) <= 3).toBe(true);
      expect(two.labels![i]).toBe(a * b > 0 ? 1 : 0);
      const [c, d] = [four.x[2 * i]!, four.x[2 * i + 1]!];
      const q = c >= 0 ? (d >= 0 ? 0 : 3) : d >= 0 ? 1 : 2;
      expect(four.labels![i]).toBe(q);
    }
    expect(four.nClasses).toBe(4);
  });

  it("two gaussians: class means", () => {
    const ds = makeTwoGaussians1D({ nSamples: 4000, means: [-2, 3], std: [0.5, 1], seed: 8 });
    const s = [0, 0];
    for (let i = 0; i < 4000; i++) s[ds.labels![i]!]! += ds.x[i]!;
    expect(Math.abs(s[0]! / 2000 + 2)).toBeLessThan((5 * 0.5) / Math.sqrt(2000));
    expect(Math.abs(s[1]! / 2000 - 3)).toBeLessThan(5 / Math.sqrt(2000));
  });

  it("regression targets are g(x) without noise, for every named g", () => {
    for (const [name, { g, monotone }] of Object.entries(REGRESSION_FUNCTIONS_1D)) {
      const ds = makeRegression1D({ fn: name as never, nSamples: 50, sampling: "grid" });
      expectAllClose(ds.targets!, Array.from(ds.x, g), { rtol: 0 });
      let increasing = true;
      for (let i = 1; i < 50; i++) if (!(ds.targets![i]! > ds.targets![i - 1]!)) increasing = false;
      expect(increasing).toBe(monotone);
    }
    for (const [name, { g }] of Object.entries(REGRESSION_FUNCTIONS_2D)) {
      const ds = makeRegression2D({ fn: name as never, nSamples: 30, seed: 1 });
      const expected = Array.from({ length: 30 }, (_, i) => g(ds.x[2 * i]!, ds.x[2 * i + 1]!));
      expectAllClose(ds.targets!, expected, { rtol: 0 });
    }
    const custom = makeRegression1D({ fn: (x) => 3 * x, nSamples: 4, sampling: "grid", xRange: [0, 4] });
    expect(Array.from(custom.x)).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(Array.from(custom.targets!)).toEqual([1.5, 4.5, 7.5, 10.5]);
    expect(custom.meta.params.fn).toBe("custom");
  });
});

describe("generator bad inputs", () => {
  const cases: [string, () => unknown][] = [
    ["nSamples 0", () => makeMoons({ nSamples: 0 })],
    ["nSamples negative", () => makeBlobs({ nSamples: -5 })],
    ["nSamples NaN", () => makeXor({ nSamples: NaN })],
    ["seed negative", () => makeMoons({ seed: -1 })],
    ["noise negative", () => makeMoons({ noise: -0.1 })],
    ["noise Infinity", () => makeCircles({ noise: Infinity })],
    ["factor 1", () => makeCircles({ factor: 1 })],
    ["std 0", () => makeTwoGaussians1D({ std: 0 })],
    ["centers 0", () => makeBlobs({ centers: 0 })],
    ["center NaN", () => makeBlobs({ centers: [[0, NaN]] })],
    ["xor 3 classes", () => makeXor({ nClasses: 3 as never })],
    ["spirals 1 class", () => makeSpirals({ nClasses: 1 })],
    ["unknown regression fn", () => makeRegression1D({ fn: "exp" as never })],
    ["empty xRange", () => makeRegression2D({ xRange: [1, 1] })],
    ["fn with non-finite values", () => makeRegression1D({ fn: (x) => 1 / (x - x), nSamples: 3 })],
    ["rng not a generator", () => makeMoons({ rng: {} as never })],
  ];
  it.each(cases)("%s → INVALID_ARGUMENT", (_n, f) => {
    expectKineticError(f, "INVALID_ARGUMENT");
  });

  it("blob spreads of the wrong length → SHAPE_MISMATCH", () => {
    expectKineticError(
      () =>
        makeBlobs({
          centers: [
            [0, 0],
            [1, 1],
          ],
          clusterStd: [1, 2, 3],
        }),
      "SHAPE_MISMATCH",
    );
  });
});
