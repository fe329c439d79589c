import { describe, expect, it } from "vitest";
import { createRng, isKineticError } from "@kinetic-nde/core";
import { DEFAULT_MEMORY_BUDGET } from "@kinetic-nde/core/validate";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import {
  createBeta,
  createGamma,
  createLaplace,
  createMixture,
  createNormal,
  createTanhSteadyState,
  createUniform,
} from "./distributions.js";
import { createEmpirical } from "./empirical.js";
import { loadIris } from "./iris.js";
import { parseJson, toJson } from "./json.js";
import { createIndependent, createMultivariateNormal } from "./multivariate.js";
import { fitStandardizer, oneHot, trainTestSplit } from "./preprocess.js";
import { makeDataset } from "./registry.js";
import {
  makeBlobs,
  makeCircles,
  makeMoons,
  makeRegression1D,
  makeRegression2D,
  makeSpirals,
  makeTwoGaussians1D,
  makeXor,
  SKLEARN_OPTION_ALIASES,
} from "./synthetic.js";

function thrownBy(f: () => unknown): { code: string; message: string; details?: Readonly<Record<string, unknown>> | undefined } {
  try {
    f();
  } catch (e) {
    if (isKineticError(e)) return e;
    throw e;
  }
  throw new Error("expected a KineticError");
}

const generators = { makeTwoGaussians1D, makeBlobs, makeMoons, makeCircles, makeSpirals, makeXor, makeRegression1D, makeRegression2D };

describe("sizes that cannot fit are refused before any work", () => {
  it('makeDataset("moons", { nSamples: 1e12 }) is TOO_LARGE naming nSamples and the largest that fits', () => {
    const e = thrownBy(() => makeDataset("moons", { nSamples: 1e12 }));
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toContain("`nSamples`");
    // a moons point is 2 coordinates (16 bytes) and a label (4 bytes)
    expect(e.details?.largest).toBe(Math.floor(DEFAULT_MEMORY_BUDGET / 20));
  });

  it.each(Object.entries(generators))("%s: nSamples = 1e12 is TOO_LARGE", (_name, make) => {
    expectKineticError(() => make({ nSamples: 1e12 }), "TOO_LARGE");
  });

  it("blobs: too many random centres or too many points in high dimension", () => {
    expectKineticError(() => makeBlobs({ centers: 1e12 }), "TOO_LARGE");
    expectKineticError(() => makeBlobs({ nSamples: 1e7, d: 1000 }), "TOO_LARGE");
  });

  it("sample(n) of every distribution refuses 1e12 draws", () => {
    const rng = createRng(0);
    const dists = [
      createNormal(),
      createUniform(),
      createGamma({ shape: 2, scale: 1 }),
      createBeta({ alpha: 2, beta: 3 }),
      createLaplace(),
      createTanhSteadyState({ w: -1, b: 0, D: 0.5 }),
      createMixture({ components: [createNormal(), createLaplace()] }),
      createEmpirical([1, 2, 3]),
      createMultivariateNormal({ mean: [0, 0] }),
      createIndependent({ components: [createNormal(), createNormal()] }),
    ];
    for (const d of dists) expectKineticError(() => d.sample(1e12, rng), "TOO_LARGE");
  });

  it("oneHot with an enormous nClasses is TOO_LARGE", () => {
    expectKineticError(() => oneHot([0, 1], 1e12), "TOO_LARGE");
  });
});

describe("unknown option keys are errors; scikit-learn spellings are documented aliases", () => {
  it("makeBlobs({ n_samples: 100, n_features: 3 }) gives 100 points in d = 3, the same as nSamples/d", () => {
    const sk = makeBlobs({ n_samples: 100, n_features: 3, random_state: 5 } as never);
    expect(sk.x.length / sk.d).toBe(100);
    expect(sk.d).toBe(3);
    const ours = makeBlobs({ nSamples: 100, d: 3, seed: 5 });
    expectAllClose(sk.x, ours.x, { rtol: 0 });
    const viaRegistry = makeDataset("blobs", { n_samples: 100, n_features: 3, random_state: 5, cluster_std: 1 });
    expectAllClose(viaRegistry.x, ours.x, { rtol: 0 });
  });

  it("every alias maps to a documented option name", () => {
    expect(SKLEARN_OPTION_ALIASES).toEqual({
      n_samples: "nSamples",
      random_state: "seed",
      n_features: "d",
      cluster_std: "clusterStd",
      center_box: "centerBox",
      n_classes: "nClasses",
    });
  });

  it.each(Object.entries(generators))("%s rejects an unknown key, listing the known ones", (_name, make) => {
    const e = thrownBy(() => make({ nSample: 10 } as never));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("`options.nSample`");
    expect(e.message).toContain("`nSamples`");
  });

  it("an alias for an option the generator does not have, or both spellings, is INVALID_ARGUMENT", () => {
    expectKineticError(() => makeMoons({ n_features: 3 } as never), "INVALID_ARGUMENT", "`options.n_features`");
    expectKineticError(() => makeMoons({ n_samples: 10, nSamples: 10 } as never), "INVALID_ARGUMENT", "alias");
    expectKineticError(() => makeDataset("moons", { n_features: 3 }), "INVALID_ARGUMENT", "`params.n_features`");
  });

  it("every other options object of the package rejects unknown keys", () => {
    const ds = makeMoons({ nSamples: 20 });
    const calls: (() => unknown)[] = [
      () => createNormal({ mean: 0, sd: 1 } as never),
      () => createUniform({ low: 0 } as never),
      () => createGamma({ shape: 2, rate: 1 } as never),
      () => createBeta({ alpha: 2, beta: 3, a: 0 } as never),
      () => createLaplace({ loc: 0 } as never),
      () => createTanhSteadyState({ w: -1, b: 0, D: 1, sigma: "tanh" } as never),
      () => createMixture({ components: [createNormal()], weight: [1] } as never),
      () => createEmpirical([1, 2], { method: "linear" } as never),
      () =>
        createMultivariateNormal({
          mean: [0, 0],
          cov: [
            [1, 0],
            [0, 1],
          ],
        } as never),
      () => createIndependent({ components: [createNormal()], copula: 1 } as never),
      () => loadIris({ feature: ["sepal-length"] } as never),
      () => trainTestSplit(ds, { test_size: 0.2 } as never),
      () => parseJson('[{"x": 1, "y": 0}]', { labels: "y" } as never),
      () => toJson(ds, { pretty: true } as never),
    ];
    for (const call of calls) expectKineticError(call, "INVALID_ARGUMENT", "a known option");
  });
});

describe("no silent NaN from finite input", () => {
  it("a standardiser whose column overflows is refused; transforms reject non-finite values", () => {
    expectKineticError(() => fitStandardizer(new Float64Array([1e308, 1.5e308, -1e308]), 1), "INVALID_ARGUMENT", "column 0");
    const s = fitStandardizer(new Float64Array([1, 2, 3, 4]), 2);
    expectKineticError(() => s.transform(new Float64Array([1, NaN])), "INVALID_ARGUMENT");
    expectKineticError(() => s.inverseTransform(new Float64Array([Infinity, 0])), "INVALID_ARGUMENT");
    expectAllClose(s.inverseTransform(s.transform(new Float64Array([5, -7]))), [5, -7], { rtol: 1e-15 });
  });

  it("every generator returns finite coordinates and targets for finite options", () => {
    for (const [name, make] of Object.entries(generators)) {
      const noisy = name === "makeTwoGaussians1D" || name === "makeBlobs" ? {} : { noise: 0.1 };
      const ds = make({ nSamples: 64, seed: 3, ...noisy } as never);
      expect(ds.x.every(Number.isFinite)).toBe(true);
      if (ds.targets) expect(ds.targets.every(Number.isFinite)).toBe(true);
    }
  });
});

describe("distributions: finite parameters give finite values or a KineticError at creation", () => {
  it("pdf, logPdf, cdf, sf, quantile, mean and variance are never NaN (parameters 1e-300 … 1e10, x from -1e308 to 1e308)", () => {
    const ps = [1e-300, 1e-10, 0.01, 0.5, 1, 10, 1e5, 1e10];
    const xs = [-1e308, -1e30, -1e10, -50, -5, -1, -1e-300, 0, 1e-300, 0.5, 1, 5, 50, 1e10, 1e30, 1e308];
    const bad: string[] = [];
    let accepted = 0;
    for (const a of ps)
      for (const b of ps) {
        const makers: [string, () => ReturnType<typeof createNormal>][] = [
          ["normal", () => createNormal({ mean: b, std: a })],
          ["gamma", () => createGamma({ shape: a, scale: b })],
          ["beta", () => createBeta({ alpha: a, beta: b })],
          ["laplace", () => createLaplace({ mean: b, scale: a })],
          ["tanh", () => createTanhSteadyState({ w: -a, b: 0.3, D: b })],
          ["uniform", () => createUniform({ lower: -a, upper: b })],
        ];
        for (const [name, make] of makers) {
          let d: ReturnType<typeof createNormal>;
          try {
            d = make();
          } catch (e) {
            if (!isKineticError(e, "INVALID_ARGUMENT")) bad.push(`${name}(${a}, ${b}) threw ${String(e)}`);
            continue;
          }
          accepted++;
          if (Number.isNaN(d.mean) || Number.isNaN(d.variance)) bad.push(`${name}(${a}, ${b}) moments`);
          for (const x of xs)
            for (const v of [d.pdf(x), d.logPdf(x), d.cdf!(x), d.sf!(x)]) if (Number.isNaN(v)) bad.push(`${name}(${a}, ${b}) at ${x}`);
          for (const q of [0, 1e-300, 1e-10, 0.5, 1 - 1e-16, 1])
            if (Number.isNaN(d.quantile!(q))) bad.push(`${name}(${a}, ${b}) quantile(${q})`);
        }
      }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(accepted).toBeGreaterThan(300);
  });
});
