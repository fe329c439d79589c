/**
 * Particles against the moment equations: the identity network with and without noise (the
 * hierarchy is exact for the mean-field / Fokker–Planck limit), and the Gaussian closure for tanh.
 * Particles are advanced by a plain Euler–Maruyama loop with a small step so that its O(Δt) bias is
 * far below the statistical tolerance of 5 standard errors.
 */
import { createRng, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { computeEnsembleMoments } from "../src/empirical.js";
import { gaussianRawMoments, solveMomentHierarchy } from "../src/hierarchy.js";
import { solveGaussianClosure } from "../src/closure.js";

const M = 10000;
const SEED = 20240611;

function sampleNormal(mean: number, sd: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(M);
  for (let i = 0; i < M; i++) x[i] = mean + sd * rng.normal();
  return x;
}

/** Euler–Maruyama for dx = σ(wx + b) dt + K dB with constant parameters, snapshots at `times`. */
function simulate(
  x0: Float64Array,
  sigma: (z: number) => number,
  w: number,
  b: number,
  K: number,
  T: number,
  h: number,
  times: number[],
  seed: number,
): Float64Array[] {
  const x = Float64Array.from(x0);
  const rng = createRng(seed, 1);
  const n = Math.round(T / h);
  const sq = Math.sqrt(h) * K;
  const snaps: Float64Array[] = [];
  let next = 0;
  for (let s = 0; s <= n; s++) {
    while (next < times.length && Math.abs(times[next]! - s * h) < h / 2) {
      snaps.push(Float64Array.from(x));
      next++;
    }
    if (s === n) break;
    for (let i = 0; i < M; i++) {
      const xi = x[i]!;
      x[i] = xi + h * sigma(w * xi + b) + (K > 0 ? sq * rng.normal() : 0);
    }
  }
  return snaps;
}

describe("identity network: particles vs the moment hierarchy", () => {
  const times = [0, 0.5, 1, 2];
  for (const K of [0, 0.5]) {
    it(`raw moments m_1..m_4 within 5 standard errors (K = ${K})`, () => {
      const w = -1;
      const b = 1;
      const x0 = sampleNormal(0.5, 0.5, SEED);
      const snaps = simulate(x0, (z) => z, w, b, K, 2, 2e-3, times, SEED);
      const params = createScalarNetwork({ sigma: "identity", w, b, T: 2, K });
      // Order 8 so that Var(x^k) = m_2k - m_k² is available for k ≤ 4.
      const h = solveMomentHierarchy({ params, m0: gaussianRawMoments(0.5, 0.25, 8) }, { saveAt: times });
      for (let s = 0; s < times.length; s++) {
        const emp = computeEnsembleMoments(snaps[s]!, { order: 4 });
        for (let k = 1; k <= 4; k++) {
          const mk = h.m[s * 9 + k]!;
          const se = Math.sqrt((h.m[s * 9 + 2 * k]! - mk * mk) / M);
          expect(Math.abs(emp.raw[k]! - mk), `t=${times[s]}, k=${k}`).toBeLessThan(5 * se);
        }
        expect(Math.abs(emp.variance[0]! - h.variance[s]!)).toBeLessThan((5 * Math.SQRT2 * h.variance[s]!) / Math.sqrt(M));
      }
    });
  }

  it("without noise, the hierarchy from the sample's own moments matches to the Euler error", () => {
    const x0 = sampleNormal(0.5, 0.5, SEED + 1);
    const m0 = computeEnsembleMoments(x0, { order: 4 }).raw;
    const snaps = simulate(x0, (z) => z, -1, 1, 0, 2, 2e-3, [2], SEED);
    const params = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 2 });
    const h = solveMomentHierarchy({ params, m0 }, { saveAt: [2] });
    const emp = computeEnsembleMoments(snaps[0]!, { order: 4 });
    // Euler's (1 + wΔt)^n vs e^{wt}: relative error ≈ k w² t Δt / 2 ≤ 8e-3 for k ≤ 4.
    expectAllClose(emp.raw, h.m, { rtol: 1e-2 });
  });
});

describe("Gaussian closure vs particles (tanh)", () => {
  it("mean and variance errors are small and reported", () => {
    const cases = [
      { w: -1, b: 0.5, K: 0.5, mean0: 0, sd0: 0.5 },
      { w: -2, b: 1, K: 0, mean0: 0, sd0: 1 },
    ];
    const report: string[] = [];
    for (const c of cases) {
      const x0 = sampleNormal(c.mean0, c.sd0, SEED + 2);
      const snaps = simulate(x0, Math.tanh, c.w, c.b, c.K, 2, 2e-3, [2], SEED + 3);
      const emp = computeEnsembleMoments(snaps[0]!, { order: 4 });
      const params = createScalarNetwork({ sigma: "tanh", w: c.w, b: c.b, T: 2, K: c.K });
      const cl = solveGaussianClosure({ params, mean0: c.mean0, var0: c.sd0 * c.sd0 }, { saveAt: [2], stepsPerLayer: 200 });
      const eMean = Math.abs(cl.mean[0]! - emp.mean[0]!);
      const eVar = Math.abs(cl.variance[0]! - emp.variance[0]!) / emp.variance[0]!;
      const seMean = Math.sqrt(emp.variance[0]! / M);
      const seVar = Math.sqrt((emp.central[4]! - emp.variance[0]! ** 2) / M) / emp.variance[0]!;
      report.push(
        `w=${c.w} b=${c.b} K=${c.K} N(${c.mean0},${c.sd0}²), t=2: closure mean ${cl.mean[0]!.toFixed(4)} var ${cl.variance[0]!.toFixed(4)}; ` +
          `particles mean ${emp.mean[0]!.toFixed(4)} var ${emp.variance[0]!.toFixed(4)} (skew ${emp.skewness[0]!.toFixed(2)}); ` +
          `|Δmean| = ${eMean.toExponential(2)} (${(eMean / seMean).toFixed(1)} SE), |Δvar|/var = ${eVar.toExponential(2)} (${(eVar / seVar).toFixed(1)} SE)`,
      );
      if (c.K > 0) {
        // Narrow data in tanh's near-linear range, with noise: the closure error is below the sampling error.
        expect(eMean).toBeLessThan(5 * seMean);
        expect(eVar).toBeLessThan(5 * seVar);
      } else {
        // Wide data saturating tanh: the density turns non-Gaussian and the closure is visibly off.
        expect(eVar).toBeGreaterThan(10 * seVar);
        expect(eMean).toBeLessThan(0.05);
      }
      // The closure is not exact for tanh: the bound is loose but catches a broken closure.
    }
    console.info(report.join("\n"));
  });
});
