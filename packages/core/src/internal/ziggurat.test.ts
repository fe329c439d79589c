import { describe, expect, it } from "vitest";
import { createRng, RngStreams } from "../rng.js";
import { normalAt } from "./ziggurat.js";
import { seedStateInto } from "../rng.js";

/** Φ(x) via erfc with the Numerical Recipes Chebyshev fit (|relative error| < 1.2e-7). */
function Phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

function draws(seed: number, n: number): Float64Array {
  return createRng(seed).normalInto(new Float64Array(n));
}

describe("ziggurat normals", () => {
  it("keeps its documented stream (snapshot of the first normals of createRng(12345))", () => {
    const r = createRng(12345);
    const z = Array.from({ length: 6 }, () => r.normal());
    expect(z).toMatchInlineSnapshot(`
      [
        0.9304678099985725,
        -2.2812721749148976,
        1.098708069975672,
        0.6510596142479612,
        -1.8439954467582214,
        -1.5198214291893157,
      ]
    `);
  });

  it("normalAt on a raw state equals Rng.normal() and RngStreams.normal(i)", () => {
    const st = new Uint32Array(8);
    seedStateInto(99, 3, st, 4);
    const r = createRng(99, 3);
    const s = new RngStreams(99, 4);
    const r3 = createRng(99, 3);
    for (let k = 0; k < 20_000; k++) {
      const v = normalAt(st, 4);
      expect(v).toBe(r.normal());
      expect(s.normal(3)).toBe(r3.normal());
    }
  });

  it("mean, variance, skewness and kurtosis of 10^6 draws within 5 standard errors", () => {
    const n = 1_000_000;
    const z = draws(1, n);
    let m1 = 0,
      m2 = 0,
      m3 = 0,
      m4 = 0;
    for (let i = 0; i < n; i++) {
      const v = z[i]!;
      const v2 = v * v;
      m1 += v;
      m2 += v2;
      m3 += v2 * v;
      m4 += v2 * v2;
    }
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // Standard errors of the raw moments of N(0,1): Var z = 1, Var z² = 2, Var z³ = 15, Var z⁴ = 96.
    expect(Math.abs(m1)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(5 * Math.sqrt(15 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it("passes a Kolmogorov–Smirnov test against Φ with 10^5 draws (several seeds)", () => {
    const n = 100_000;
    for (const seed of [2, 3, 4]) {
      const z = draws(seed, n).sort();
      let D = 0;
      for (let i = 0; i < n; i++) {
        const F = Phi(z[i]!);
        D = Math.max(D, (i + 1) / n - F, F - i / n);
      }
      // 1.95/√n is the 0.1% critical value of the KS statistic.
      expect(D).toBeLessThan(1.95 / Math.sqrt(n));
    }
  });

  it("tail probabilities P(|z| > c) for c = 2, 3, R = 3.654 (the tail sampler) and 4 within 5 SE", () => {
    const n = 2_000_000;
    const z = draws(5, n);
    for (const c of [2, 3, 3.6541528853610088, 4]) {
      let k = 0;
      for (let i = 0; i < n; i++) if (Math.abs(z[i]!) > c) k++;
      const p = 2 * (1 - Phi(c));
      const se = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(k / n - p), `c = ${c}`).toBeLessThan(5 * se);
    }
  });

  it("matches Φ in 80 bins on [-4, 4] (chi-square at 10^6 draws) — checks the wedges", () => {
    const n = 1_000_000;
    const z = draws(6, n);
    const nb = 80;
    const counts = new Float64Array(nb + 2);
    for (let i = 0; i < n; i++) {
      const v = z[i]!;
      const k = v < -4 ? 0 : v >= 4 ? nb + 1 : 1 + Math.floor(((v + 4) / 8) * nb);
      counts[k]!++;
    }
    let chi2 = 0;
    for (let k = 0; k < nb + 2; k++) {
      const lo = k === 0 ? -Infinity : -4 + ((k - 1) * 8) / nb;
      const hi = k === nb + 1 ? Infinity : -4 + (k * 8) / nb;
      const p = (hi === Infinity ? 1 : Phi(hi)) - (lo === -Infinity ? 0 : Phi(lo));
      const e = n * p;
      chi2 += ((counts[k]! - e) * (counts[k]! - e)) / e;
    }
    // 81 degrees of freedom: mean 81, sd 12.7; 140 is beyond the 0.01% quantile.
    expect(chi2).toBeLessThan(140);
  });

  it("draws symmetric signs and never returns a non-finite value", () => {
    const n = 200_000;
    const z = draws(7, n);
    let pos = 0;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(z[i]!)) bad++;
      if (z[i]! > 0) pos++;
    }
    expect(bad).toBe(0);
    expect(Math.abs(pos / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });
});
