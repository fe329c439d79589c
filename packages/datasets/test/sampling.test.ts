import { describe, expect, it } from "vitest";
import { createRng } from "@kinetic-nde/core";
import type { Distribution1D } from "../src/index.js";
import {
  createBeta,
  createEmpirical,
  createGamma,
  createIndependent,
  createLaplace,
  createMixture,
  createMultivariateNormal,
  createNormal,
  createTanhSteadyState,
  createUniform,
} from "../src/index.js";
import { ksCritical1Percent, ksStatistic, moments } from "./helpers.js";

// Every test uses a fixed seed; tolerances come from the standard errors (5σ/√n for the mean,
// 5 SE for the variance) and the 1% Kolmogorov–Smirnov critical value 1.63/√n.
const N = 20_000;

const cases: [string, Distribution1D][] = [
  ["normal(1, 2)", createNormal({ mean: 1, std: 2 })],
  ["uniform(-1, 3)", createUniform({ lower: -1, upper: 3 })],
  ["beta(2, 5) on [0, 1]", createBeta({ alpha: 2, beta: 5 })],
  ["beta(0.3, 0.8) on [-1, 1]", createBeta({ alpha: 0.3, beta: 0.8, lower: -1, upper: 1 })],
  ["gamma(0.5, 1)", createGamma({ shape: 0.5 })],
  ["gamma(3.2, 2)", createGamma({ shape: 3.2, scale: 2 })],
  ["laplace(-1, 0.5)", createLaplace({ mean: -1, scale: 0.5 })],
  ["tanh steady state w=-1 b=0.5 D=0.25 (p=4)", createTanhSteadyState({ w: -1, b: 0.5, D: 0.25 })],
  ["tanh steady state w=-2 b=1 D=1 (p=0.5)", createTanhSteadyState({ w: -2, b: 1, D: 1 })],
  [
    "mixture normal/laplace/gamma",
    createMixture({
      components: [createNormal({ mean: -2, std: 0.5 }), createLaplace({ mean: 1 }), createGamma({ shape: 2 })],
      weights: [0.5, 0.3, 0.2],
    }),
  ],
];

describe.each(cases)("sampling %s", (_name, dist) => {
  const x = dist.sample(N, createRng(20240601, 3));

  it("mean and variance match the closed forms", () => {
    const m = moments(x);
    const sd = Math.sqrt(dist.variance);
    expect(Math.abs(m.mean - dist.mean)).toBeLessThan((5 * sd) / Math.sqrt(N));
    expect(Math.abs(m.variance - dist.variance)).toBeLessThan(5 * m.varianceSE);
  });

  it("passes the Kolmogorov–Smirnov test at the 1% level", () => {
    expect(ksStatistic(x, (t) => dist.cdf!(t))).toBeLessThan(ksCritical1Percent(N));
  });

  it("stays in the support and is reproducible", () => {
    for (const v of x) {
      expect(v >= dist.support[0] && v <= dist.support[1]).toBe(true);
    }
    expect(dist.sample(N, createRng(20240601, 3))).toEqual(x);
  });
});

describe("multivariate sampling", () => {
  it("multivariate normal: mean, covariance and a projected KS test", () => {
    const mean = [1, -2, 0.5];
    const cov = [
      [2, 0.6, -0.3],
      [0.6, 1, 0.2],
      [-0.3, 0.2, 0.5],
    ];
    const g = createMultivariateNormal({ mean, covariance: cov });
    const x = g.sample(N, createRng(7));
    const d = 3;
    for (let j = 0; j < d; j++) {
      const col = new Float64Array(N);
      for (let i = 0; i < N; i++) col[i] = x[i * d + j]!;
      const m = moments(col);
      expect(Math.abs(m.mean - mean[j]!)).toBeLessThan((5 * Math.sqrt(cov[j]![j]!)) / Math.sqrt(N));
      expect(Math.abs(m.variance - cov[j]![j]!)).toBeLessThan(5 * m.varianceSE);
    }
    // Projection a·X ~ N(a·μ, aᵀΣa).
    const a = [0.3, -1, 2];
    const proj = new Float64Array(N);
    for (let i = 0; i < N; i++) proj[i] = a[0]! * x[i * d]! + a[1]! * x[i * d + 1]! + a[2]! * x[i * d + 2]!;
    let mu = 0;
    let v = 0;
    for (let r = 0; r < d; r++) {
      mu += a[r]! * mean[r]!;
      for (let c = 0; c < d; c++) v += a[r]! * cov[r]![c]! * a[c]!;
    }
    const target = createNormal({ mean: mu, std: Math.sqrt(v) });
    expect(ksStatistic(proj, (t) => target.cdf!(t))).toBeLessThan(ksCritical1Percent(N));
    // Cross-covariance of coordinates 0 and 1.
    let c01 = 0;
    for (let i = 0; i < N; i++) c01 += (x[i * d]! - mean[0]!) * (x[i * d + 1]! - mean[1]!);
    expect(Math.abs(c01 / N - 0.6)).toBeLessThan(5 * Math.sqrt((2 * 1 + 0.36) / N));
  });

  it("independent product: marginals pass KS", () => {
    const comps = [createBeta({ alpha: 2, beta: 2, lower: -1, upper: 1 }), createLaplace({ scale: 0.3 })];
    const p = createIndependent({ components: comps });
    const x = p.sample(N, createRng(11));
    comps.forEach((c, j) => {
      const col = new Float64Array(N);
      for (let i = 0; i < N; i++) col[i] = x[2 * i + j]!;
      expect(ksStatistic(col, (t) => c.cdf!(t))).toBeLessThan(ksCritical1Percent(N));
    });
  });

  it("multivariate mixture: mean and covariance match the closed forms", () => {
    const mix = createMixture({
      components: [
        createMultivariateNormal({
          mean: [-1, 0],
          covariance: [
            [0.2, 0],
            [0, 0.3],
          ],
        }),
        createMultivariateNormal({
          mean: [2, 1],
          covariance: [
            [0.5, 0.1],
            [0.1, 0.4],
          ],
        }),
      ],
      weights: [1, 3],
    });
    const x = mix.sample(N, createRng(12));
    for (let j = 0; j < 2; j++) {
      const col = new Float64Array(N);
      for (let i = 0; i < N; i++) col[i] = x[2 * i + j]!;
      const m = moments(col);
      const cjj = mix.covariance[j * 2 + j]!;
      expect(Math.abs(m.mean - mix.mean[j]!)).toBeLessThan((5 * Math.sqrt(cjj)) / Math.sqrt(N));
      expect(Math.abs(m.variance - cjj)).toBeLessThan(5 * m.varianceSE);
    }
  });

  it("empirical bootstrap draws have the empirical mean", () => {
    const base = createNormal({ mean: 3 }).sample(500, createRng(1));
    const e = createEmpirical(base);
    const x = e.sample(N, createRng(2));
    const m = moments(x);
    expect(Math.abs(m.mean - e.mean)).toBeLessThan((5 * Math.sqrt(e.variance)) / Math.sqrt(N));
    expect(ksStatistic(x, (t) => e.cdf(t))).toBeLessThan(ksCritical1Percent(N) + 1 / 500);
  });
});
