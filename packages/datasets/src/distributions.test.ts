import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import type { Distribution1D } from "./distribution-types.js";
import {
  createBeta,
  createGamma,
  createLaplace,
  createMixture,
  createNormal,
  createTanhSteadyState,
  createUniform,
  intervalProbability,
} from "./distributions.js";
import { createIndependent, createMultivariateNormal } from "./multivariate.js";
import { createEmpirical } from "./empirical.js";
import { gaussLegendre } from "./quadrature.js";

/** Composite 10-point Gauss–Legendre, split at the kinks of the density (`breaks`). */
function integrate(f: (x: number) => number, a: number, b: number, pieces = 200, breaks: readonly number[] = []): number {
  const inner = breaks.filter((t) => t > a && t < b);
  if (inner.length > 0) {
    const pts = [a, ...inner, b];
    let s = 0;
    for (let i = 0; i + 1 < pts.length; i++) s += integrate(f, pts[i]!, pts[i + 1]!, pieces);
    return s;
  }
  const { nodes, weights } = gaussLegendre(10);
  const h = (b - a) / pieces;
  let s = 0;
  for (let k = 0; k < pieces; k++) {
    const c = a + (k + 0.5) * h;
    for (let q = 0; q < 10; q++) s += 0.5 * h * weights[q]! * f(c + 0.5 * h * nodes[q]!);
  }
  return s;
}

// [name, distribution, kinks of the density, tolerance of the moment quadrature]
const all: [string, Distribution1D, number[], number][] = [
  ["normal", createNormal({ mean: 0.5, std: 1.5 }), [], 1e-10],
  ["uniform", createUniform({ lower: -2, upper: 1 }), [-2, 1], 1e-12],
  // (2 - x)^{1/2} at the right end limits composite Gauss–Legendre to about h^{1.5}
  ["beta", createBeta({ alpha: 2.5, beta: 1.5, lower: -1, upper: 2 }), [-1, 2], 1e-6],
  ["gamma", createGamma({ shape: 2.5, scale: 0.7 }), [0], 1e-8],
  ["laplace", createLaplace({ mean: 0.2, scale: 0.8 }), [0.2], 1e-10],
  ["tanh", createTanhSteadyState({ w: -1.5, b: 0.3, D: 0.4 }), [], 1e-10],
  [
    "mixture",
    createMixture({ components: [createNormal({ mean: -1, std: 0.4 }), createLaplace({ mean: 1, scale: 0.5 })], weights: [2, 1] }),
    [1],
    1e-10,
  ],
];

describe.each(all)("%s: density, CDF and quantile agree", (_n, dist, breaks, momentTol) => {
  it("CDF differences equal integrals of the pdf", () => {
    for (const [a, b] of [
      [-1, -0.2],
      [-0.2, 0.9],
      [0.9, 1.7],
    ] as const) {
      expectAllClose(
        intervalProbability(dist, a, b),
        integrate((x) => dist.pdf(x), a, b, 200, breaks),
        { rtol: 1e-10, atol: 1e-15, label: `[${a}, ${b}]` },
      );
    }
  });

  it("cdf + sf = 1, quantile inverts cdf, logPdf = ln pdf", () => {
    for (const p of [0.001, 0.1, 0.37, 0.5, 0.8, 0.999]) {
      const x = dist.quantile!(p);
      expectAllClose(dist.cdf!(x), p, { rtol: 1e-11, label: `cdf(quantile(${p}))` });
      expectAllClose(dist.cdf!(x) + dist.sf!(x), 1, { rtol: 1e-14 });
      expectAllClose(dist.logPdf(x), Math.log(dist.pdf(x)), { rtol: 1e-13, atol: 1e-14 });
    }
  });

  it("mean and variance equal the moments of the density", () => {
    const lo = Number.isFinite(dist.support[0]) ? dist.support[0] : dist.quantile!(1e-16);
    const hi = Number.isFinite(dist.support[1]) ? dist.support[1] : dist.quantile!(1 - 1e-16);
    const m = integrate((x) => x * dist.pdf(x), lo, hi, 2000, breaks);
    const v = integrate((x) => (x - m) ** 2 * dist.pdf(x), lo, hi, 2000, breaks);
    expectAllClose(m, dist.mean, { rtol: momentTol, atol: momentTol });
    expectAllClose(v, dist.variance, { rtol: momentTol });
  });
});

describe("tanh-type steady state (MODEL.md §7)", () => {
  it("is the normalised sech^{1/(|w|D)} density and satisfies the zero-flux condition D f' = tanh(wx+b) f", () => {
    const w = -0.8;
    const b = 0.4;
    const D = 0.3;
    const f = createTanhSteadyState({ w, b, D });
    const p = 1 / (Math.abs(w) * D);
    const ratio = f.pdf(1.1) / f.pdf(-0.3);
    expectAllClose(ratio, (1 / Math.cosh(w * 1.1 + b) / (1 / Math.cosh(w * -0.3 + b))) ** p, { rtol: 1e-13 });
    for (const x of [-2, -0.5, 0.5, 1.3, 4]) {
      const h = 1e-5;
      const dfdx = (f.pdf(x + h) - f.pdf(x - h)) / (2 * h);
      expectAllClose(D * dfdx, Math.tanh(w * x + b) * f.pdf(x), { rtol: 1e-8, atol: 1e-10 });
    }
    expectAllClose(f.mean, -b / w, { rtol: 1e-15 });
    expectAllClose(
      integrate((x) => f.pdf(x), -40, 40, 800),
      1,
      { rtol: 1e-12 },
    );
  });

  it("p = 1 is the hyperbolic secant law with variance π²/4", () => {
    const f = createTanhSteadyState({ w: -1, D: 1 });
    expectAllClose(f.variance, Math.PI ** 2 / 4, { rtol: 1e-14 });
    expectAllClose(f.pdf(0.7), 1 / (Math.PI * Math.cosh(0.7)), { rtol: 1e-14 });
    expectAllClose(f.cdf!(0.7), (2 / Math.PI) * Math.atan(Math.exp(0.7)), { rtol: 1e-13 });
  });

  it("tails keep relative accuracy", () => {
    const f = createTanhSteadyState({ w: -1, D: 0.5 }); // p = 2: density sech²(x)/2, F = (1 + tanh x)/2
    expectAllClose(f.cdf!(-30), 0.5 * (1 + Math.tanh(-30)) || Math.exp(-60), { rtol: 1e-10 });
    expectAllClose(f.sf!(30), Math.exp(-60) / (1 + Math.exp(-60)), { rtol: 1e-10 });
    expectAllClose(f.quantile!(1e-20), 0.5 * Math.log(1e-20 / (1 - 1e-20)), { rtol: 1e-12 });
  });
});

describe("closed forms", () => {
  it("normal, Laplace, uniform known values", () => {
    const n = createNormal();
    expectAllClose(n.cdf!(-1.959963984540054), 0.025, { rtol: 1e-14 });
    expectAllClose(n.sf!(8), 6.22096057427178e-16, { rtol: 1e-12 });
    expectAllClose(createLaplace().cdf!(-2), 0.5 * Math.exp(-2), { rtol: 1e-15 });
    expect(createUniform({ lower: 2, upper: 4 }).pdf(5)).toBe(0);
    expectAllClose(createBeta({ alpha: 2, beta: 2 }).pdf(0.5), 1.5, { rtol: 1e-14 });
    expectAllClose(createGamma({ shape: 1, scale: 2 }).cdf!(3), 1 - Math.exp(-1.5), { rtol: 1e-14 });
  });

  it("multivariate normal density and box probability", () => {
    const g = createMultivariateNormal({
      mean: [1, -1],
      covariance: [
        [4, 0],
        [0, 0.25],
      ],
    });
    const one = createNormal({ mean: 1, std: 2 });
    const two = createNormal({ mean: -1, std: 0.5 });
    expectAllClose(g.pdf([0.3, -0.6]), one.pdf(0.3) * two.pdf(-0.6), { rtol: 1e-14 });
    expectAllClose(g.boxProbability!([0, -2], [2, 0]), intervalProbability(one, 0, 2) * intervalProbability(two, -2, 0), { rtol: 1e-14 });
    const full = createMultivariateNormal({
      mean: [0, 0],
      covariance: [
        [1, 0.5],
        [0.5, 1],
      ],
    });
    // det Σ = 3/4, Σ⁻¹ = (4/3)[[1, -0.5], [-0.5, 1]]
    const q = (4 / 3) * (1 - 0.5 * 2 * 1 * 0.5 + 0.25);
    expectAllClose(full.pdf([1, 0.5]), Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(0.75)), { rtol: 1e-14 });
    expect(full.boxProbability).toBeUndefined();
    const prod = createIndependent({ components: [one, two] });
    expectAllClose(prod.pdf([0.3, -0.6]), g.pdf([0.3, -0.6]), { rtol: 1e-14 });
  });

  it("mixture density is the weighted sum; logPdf stays finite far out", () => {
    const a = createNormal({ mean: -1 });
    const b = createNormal({ mean: 2, std: 0.5 });
    const m = createMixture({ components: [a, b], weights: [0.25, 0.75] });
    expectAllClose(m.pdf(0.4), 0.25 * a.pdf(0.4) + 0.75 * b.pdf(0.4), { rtol: 1e-15 });
    expect(Number.isFinite(m.logPdf(60))).toBe(true);
    expectAllClose(m.mean, 0.25 * -1 + 0.75 * 2, { rtol: 1e-15 });
    const m2 = createMixture({ components: [createMultivariateNormal({ mean: [0, 0] }), createMultivariateNormal({ mean: [3, 0] })] });
    expectAllClose(m2.logPdf([1, 0.5]), Math.log(m2.pdf([1, 0.5])), { rtol: 1e-14 });
    expect(Number.isFinite(m2.logPdf([80, 0]))).toBe(true);
  });

  it("empirical ECDF and quantiles", () => {
    const e = createEmpirical([3, 1, 2, 2, 5]);
    expect(Array.from(e.values)).toEqual([1, 2, 2, 3, 5]);
    expect([e.cdf(0.5), e.cdf(2), e.cdf(4), e.cdf(5)]).toEqual([0, 0.6, 0.8, 1]);
    expectAllClose(e.sf(2), 0.4, { rtol: 1e-15 });
    expect(e.quantile(0.5)).toBe(2);
    expect(e.quantile(0.9)).toBe(3 + 0.6 * 2);
    expect(createEmpirical([3, 1, 2, 2, 5], { quantileMethod: "inverse-cdf" }).quantile(0.7)).toBe(3);
    expectAllClose([e.mean, e.variance], [2.6, (1.6 ** 2 + 0.36 * 2 + 0.16 + 2.4 ** 2) / 5], { rtol: 1e-15 });
  });

  it("empirical quantile is monotone and within the sample range (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, p, q) => {
          const e = createEmpirical(xs);
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          return e.quantile(lo) <= e.quantile(hi) && e.quantile(lo) >= e.support[0] && e.quantile(hi) <= e.support[1];
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });
});

describe("bad parameters", () => {
  const bad: [string, () => unknown][] = [
    ["normal std 0", () => createNormal({ std: 0 })],
    ["normal mean NaN", () => createNormal({ mean: NaN })],
    ["normal std Infinity", () => createNormal({ std: Infinity })],
    ["uniform empty interval", () => createUniform({ lower: 1, upper: 1 })],
    ["uniform -Infinity", () => createUniform({ lower: -Infinity })],
    ["beta alpha negative", () => createBeta({ alpha: -1, beta: 1 })],
    ["beta missing beta", () => createBeta({ alpha: 1 } as never)],
    ["gamma shape 0", () => createGamma({ shape: 0 })],
    ["gamma scale NaN", () => createGamma({ shape: 1, scale: NaN })],
    ["laplace scale -1", () => createLaplace({ scale: -1 })],
    ["tanh w = 0", () => createTanhSteadyState({ w: 0, D: 1 })],
    ["tanh D = 0", () => createTanhSteadyState({ w: -1, D: 0 })],
    ["mixture empty", () => createMixture({ components: [] })],
    ["mixture negative weight", () => createMixture({ components: [createNormal()], weights: [-1] })],
    ["mixture zero weights", () => createMixture({ components: [createNormal()], weights: [0] })],
    [
      "mvn not positive definite",
      () =>
        createMultivariateNormal({
          mean: [0, 0],
          covariance: [
            [1, 2],
            [2, 1],
          ],
        }),
    ],
    [
      "mvn not symmetric",
      () =>
        createMultivariateNormal({
          mean: [0, 0],
          covariance: [
            [1, 0.5],
            [0, 1],
          ],
        }),
    ],
    ["mvn NaN mean", () => createMultivariateNormal({ mean: [0, NaN] })],
    ["mvn empty mean", () => createMultivariateNormal({ mean: [] })],
    ["empirical empty", () => createEmpirical([])],
    ["empirical Infinity", () => createEmpirical([1, Infinity])],
    ["quantile p > 1", () => createNormal().quantile!(1.5)],
    ["sample n negative", () => createNormal().sample(-1, createRng(1))],
    ["sample n fractional", () => createNormal().sample(2.5, createRng(1))],
    ["sample without rng", () => createNormal().sample(3, undefined as never)],
  ];
  it.each(bad)("%s → INVALID_ARGUMENT", (_n, f) => {
    expectKineticError(f, "INVALID_ARGUMENT");
  });

  it("shape mismatches → SHAPE_MISMATCH", () => {
    const cases = [
      () => createMixture({ components: [createNormal(), createNormal()], weights: [1] }),
      () => createMultivariateNormal({ mean: [0, 0], covariance: [1, 0, 0] }),
      () => createMultivariateNormal({ mean: [0, 0] }).pdf([1, 2, 3]),
      () => createMixture({ components: [createMultivariateNormal({ mean: [0] }), createMultivariateNormal({ mean: [0, 0] })] }),
    ];
    for (const f of cases) {
      expectKineticError(f, "SHAPE_MISMATCH");
    }
  });
});
