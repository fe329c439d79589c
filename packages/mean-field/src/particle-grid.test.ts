import { createRng } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cellCenters, createGrid1D, createGrid2D, massOf } from "@kinetic-nde/datasets";
import { resolveInitialDensity1D as cellAverages1D } from "./initial.js";
import { depositCloudInCell, depositHistogram, kernelDensityEstimate, sampleFromGrid, silvermanBandwidth } from "./particle-grid.js";
import { slicedWasserstein1, wasserstein1Grid, wasserstein1GridSamples, wasserstein1Samples } from "./wasserstein.js";

const g = createGrid1D(-4, 4, 80);
const rng = createRng(7);
const x = new Float64Array(5000);
rng.normalInto(x);

describe("deposition", () => {
  it("histogram and CIC carry exactly the mass of the particles inside, in 1-D and 2-D", () => {
    for (const dep of [depositHistogram, depositCloudInCell]) {
      expectAllClose(massOf(g, dep(x, g)), 1 - Array.from(x).filter((v) => v < -4 || v > 4).length / x.length, { rtol: 1e-12 });
      const g2 = createGrid2D([-5, 5], [-5, 5], 30);
      expectAllClose(massOf(g2, dep(x, g2)), 1, { rtol: 1e-12 });
    }
  });
  it("are invariant under permutation of the particles (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3.9, max: 3.9, noNaN: true }), { minLength: 2, maxLength: 40 }), (pts) => {
        const a = new Float64Array(pts),
          b = new Float64Array([...pts].reverse());
        expectAllClose(depositCloudInCell(a, g), depositCloudInCell(b, g), { rtol: 1e-12, atol: 1e-12 });
        expectAllClose(depositHistogram(a, g), depositHistogram(b, g), { rtol: 1e-12, atol: 1e-12 });
      }),
      { seed: 42, numRuns: 50 },
    );
  });
  it("KDE has unit mass, approaches the density and uses Silverman's bandwidth by default", () => {
    const f = kernelDensityEstimate(x, g);
    expectAllClose(massOf(g, f), 1, { rtol: 1e-4 }); // only the kernel tails beyond ±4 are missing
    const exact = cellAverages1D(g, (t) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI));
    let err = 0;
    for (let i = 0; i < g.n; i++) err += Math.abs(f[i]! - exact[i]!) * g.dx;
    expect(err).toBeLessThan(0.05);
    const h = silvermanBandwidth(x);
    expectAllClose(h, 0.9 * 1 * 5000 ** -0.2, { rtol: 0.05 });
    expectAllClose(kernelDensityEstimate(x, g, { bandwidth: h }), f, { rtol: 1e-14 });
  });
  it("rejects bad particles", () => {
    expect(() => depositHistogram(new Float64Array([0, NaN]), g)).toThrow(/finite/);
    expect(() => depositHistogram(new Float64Array(3), createGrid2D([-1, 1], [-1, 1], 4))).toThrow();
    expect(() => kernelDensityEstimate(x, g, { bandwidth: -1 })).toThrow(/bandwidth/);
  });
});

describe("sampling from a grid density", () => {
  const f = cellAverages1D(g, (t) => Math.exp(-0.5 * (t - 0.5) ** 2) / Math.sqrt(2 * Math.PI));
  it("reproduces mean and variance within 5 standard errors, and is seeded", () => {
    const M = 40000;
    const s = sampleFromGrid(g, f, M, { seed: 3 });
    let m = 0;
    for (const v of s) m += v;
    m /= M;
    let v = 0;
    for (const y of s) v += (y - m) ** 2;
    v /= M - 1;
    const mass = massOf(g, f);
    const xc = cellCenters(g);
    let gm = 0,
      gv = 0;
    for (let i = 0; i < g.n; i++) gm += (xc[i]! * f[i]! * g.dx) / mass;
    for (let i = 0; i < g.n; i++) gv += (((xc[i]! - gm) ** 2 + g.dx ** 2 / 12) * f[i]! * g.dx) / mass;
    expect(Math.abs(m - gm)).toBeLessThan(5 * Math.sqrt(gv / M));
    expect(Math.abs(v - gv)).toBeLessThan(5 * gv * Math.sqrt(2 / M));
    expect(Array.from(sampleFromGrid(g, f, 10, { seed: 3 }))).toEqual(Array.from(s.subarray(0, 10)));
  });
  it("rejects zero mass, negative values and bad M", () => {
    for (const [fn, code] of [
      [() => sampleFromGrid(g, new Float64Array(80), 10), "INVALID_ARGUMENT"],
      [
        () =>
          sampleFromGrid(
            g,
            f.map((v, i) => (i === 0 ? -1 : v)),
            10,
          ),
        "INVALID_ARGUMENT",
      ],
      [() => sampleFromGrid(g, f, 0), "INVALID_ARGUMENT"],
      [() => sampleFromGrid(g, new Float64Array(3), 10), "SHAPE_MISMATCH"],
    ] as const) {
      expectKineticError(fn, code);
    }
  });
});

describe("Wasserstein-1", () => {
  it("is exact for shifted uniform densities, samples and mixed", () => {
    const a = new Float64Array(80),
      b = new Float64Array(80);
    for (let i = 10; i < 30; i++) a[i] = 1;
    for (let i = 15; i < 35; i++) b[i] = 1;
    expectAllClose(wasserstein1Grid(g, a, g, b), 5 * g.dx, { rtol: 1e-12 });
    expectAllClose(wasserstein1Samples(new Float64Array([0, 1]), new Float64Array([0.5, 1.5])), 0.5, { rtol: 1e-14 });
    // uniform on one cell vs a point at its centre: ∫|F - G| = Δx/4
    const c = new Float64Array(80);
    c[40] = 1;
    expectAllClose(wasserstein1GridSamples(g, c, new Float64Array([0.05])), g.dx / 4, { rtol: 1e-12 });
    // different grids: a density on a refined grid equals itself
    const g2 = createGrid1D(-4, 4, 160);
    const a2 = new Float64Array(160);
    for (let i = 20; i < 60; i++) a2[i] = 1;
    expect(wasserstein1Grid(g, a, g2, a2)).toBeLessThan(1e-14);
  });
  it("is symmetric and satisfies the triangle inequality on samples (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (p, q, r) => {
          const P = new Float64Array(p),
            Q = new Float64Array(q),
            R = new Float64Array(r);
          expectAllClose(wasserstein1Samples(P, Q), wasserstein1Samples(Q, P), { rtol: 1e-12, atol: 1e-12 });
          expect(wasserstein1Samples(P, R)).toBeLessThanOrEqual(wasserstein1Samples(P, Q) + wasserstein1Samples(Q, R) + 1e-12);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });
  it("sliced W1 in 2-D: a translation by v gives the mean of |⟨v, θ⟩| = 2|v|/π", () => {
    const M = 2000,
      p = new Float64Array(2 * M),
      q = new Float64Array(2 * M);
    rng.normalInto(p);
    for (let i = 0; i < M; i++) (q[2 * i] = p[2 * i]! + 0.3), (q[2 * i + 1] = p[2 * i + 1]! - 0.4);
    expectAllClose(slicedWasserstein1(p, q, { nDirections: 256, seed: 1 }), (2 * 0.5) / Math.PI, { rtol: 1e-3 });
    const g2 = createGrid2D([-5, 5], [-5, 5], 50);
    const fg = depositHistogram(p, g2);
    expect(slicedWasserstein1(p, { grid: g2, f: fg }, { seed: 2 })).toBeLessThan(0.1);
  });
});
