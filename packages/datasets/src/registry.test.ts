import { describe, expect, it } from "vitest";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { listDistributions, makeDistribution } from "./distribution-registry.js";
import { IRIS_FEATURES, loadIris } from "./iris.js";
import { listDatasets, makeDataset, registerDataset } from "./registry.js";
import { createDataset } from "./dataset.js";

describe("registry", () => {
  it("lists every built-in and builds each with its defaults", () => {
    const names = listDatasets().map((e) => e.name);
    expect(names).toEqual(["two-gaussians-1d", "blobs", "moons", "circles", "spirals", "xor", "regression-1d", "regression-2d", "iris"]);
    for (const info of listDatasets()) {
      const ds = makeDataset(info.name);
      expect(ds.d).toBe(info.d);
      expect(info.task === "classification" ? ds.labels !== undefined : ds.targets !== undefined).toBe(true);
      expect(ds.meta.name).toBe(info.name);
    }
  });

  it("same name, parameters and seed give the same data", () => {
    const a = makeDataset("spirals", { nSamples: 120, noise: 0.05, seed: 42 });
    expect(makeDataset("spirals", { nSamples: 120, noise: 0.05, seed: 42 })).toEqual(a);
  });

  it("unknown names and parameters", () => {
    expectKineticError(() => makeDataset("mnist"), "NOT_FOUND", /known: two-gaussians-1d, blobs/);
    expectKineticError(
      () => makeDataset("moons", { nosie: 0.1 }),
      "INVALID_ARGUMENT",
      /`params.nosie` must be one of the parameters of "moons"/,
    );
    expectKineticError(() => makeDataset("moons", { noise: -1 }), "INVALID_ARGUMENT");
  });

  it("registers new data sets once", () => {
    registerDataset({
      name: "tiny-test-set",
      description: "two points",
      task: "classification",
      d: 1,
      defaults: {},
      make: () => createDataset({ x: [0, 1], d: 1, labels: [0, 1] }),
    });
    expect(makeDataset("tiny-test-set").labels).toEqual(Int32Array.of(0, 1));
    expectKineticError(
      () => registerDataset({ name: "moons", description: "", task: "classification", d: 2, defaults: {}, make: () => loadIris() }),
      "INVALID_ARGUMENT",
    );
  });
});

describe("iris", () => {
  it("is Fisher's data: 150 × 4, 50 per species, known first row and column means", () => {
    const iris = loadIris();
    expect([iris.d, iris.x.length / 4, iris.nClasses]).toEqual([4, 150, 3]);
    expect(Array.from(iris.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect([0, 1, 2].map((c) => iris.labels!.filter((l) => l === c).length)).toEqual([50, 50, 50]);
    expect(iris.labels![0]).toBe(0);
    expect(iris.labels![149]).toBe(2);
    const sums = [0, 0, 0, 0];
    for (let i = 0; i < 150; i++) for (let j = 0; j < 4; j++) sums[j]! += iris.x[4 * i + j]!;
    // Column means of the UCI iris data (sepal length 5.843, petal length 3.758).
    expect(Math.round((sums[0]! / 150) * 1000)).toBe(5843);
    expect(Math.round((sums[2]! / 150) * 1000)).toBe(3758);
    expect(iris.meta.source).toMatch(/Fisher \(1936\)/);
    expect(iris.meta.license).toMatch(/MIT/);
    expect(iris.featureNames).toEqual([...IRIS_FEATURES]);
  });

  it("selects features by name or index", () => {
    const two = loadIris({ features: ["petal-width", 0] });
    expect(two.d).toBe(2);
    expect(two.featureNames).toEqual(["petal-width", "sepal-length"]);
    expect(Array.from(two.x.subarray(0, 2))).toEqual([0.2, 5.1]);
    for (const bad of [["petal"], [4], [], [0, 0]] as (string | number)[][]) {
      expectKineticError(() => loadIris({ features: bad }), "INVALID_ARGUMENT");
    }
  });
});

describe("distributions by name", () => {
  it("builds each family and matches the direct constructor", () => {
    expect(listDistributions().map((f) => f.name)).toEqual([
      "normal",
      "uniform",
      "beta",
      "gamma",
      "laplace",
      "tanh-steady-state",
      "multivariate-normal",
    ]);
    const t = makeDistribution("tanh-steady-state", { w: -1, b: 0.5, D: 0.25 });
    expect(t.kind).toBe("univariate");
    expectAllClose(t.kind === "univariate" ? t.mean : NaN, 0.5, { rtol: 1e-15 });
    expect(makeDistribution("multivariate-normal", { mean: [0, 1] }).d).toBe(2);
    expect(makeDistribution("beta", { alpha: 2, beta: 3 }).name).toBe("beta");
  });

  it("unknown family, unknown parameter, missing required parameter", () => {
    expectKineticError(() => makeDistribution("cauchy"), "NOT_FOUND");
    expectKineticError(() => makeDistribution("normal", { sigma: 1 }), "INVALID_ARGUMENT");
    expectKineticError(() => makeDistribution("gamma", {}), "INVALID_ARGUMENT");
  });
});
