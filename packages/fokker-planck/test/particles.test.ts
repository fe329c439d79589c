import { createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { compareWithParticles } from "../src/index.js";

describe("stochastic ResNet particles vs the Fokker–Planck solution", () => {
  it("W1 stays at the statistical + Euler–Maruyama level and moments agree within 5 standard errors", () => {
    const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2, nLayers: 20, K: 0.6 });
    const grid = createGrid1D(-5, 5, 400);
    const M = 20000;
    const cmp = compareWithParticles(
      { network, grid, f0: (x) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI) },
      { M, seed: 3, substeps: 4 },
    );
    expect(cmp.times).toHaveLength(20);
    for (const w of cmp.w1) expect(w).toBeLessThan(0.03);
    const k = cmp.times.length - 1;
    const v = cmp.moments.pdeVariance[k]!;
    // Euler–Maruyama weak error O(h) with h = 0.025 adds to the 5σ/√M statistical tolerance
    expect(Math.abs(cmp.moments.particleMean[k]! - cmp.moments.pdeMean[k]!)).toBeLessThan(5 * Math.sqrt(v / M) + 0.01);
    expect(Math.abs(cmp.moments.particleVariance[k]! - v)).toBeLessThan(5 * v * Math.sqrt(2 / M) + 0.01);
  });

  it("diffusion given as D(x) (no noise model on the network): particles use K(x) = √(2D(x))", () => {
    const network = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, nLayers: 10 });
    const grid = createGrid1D(-4, 4, 200);
    const M = 5000;
    const cmp = compareWithParticles(
      { network, grid, f0: (x) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI), D: (x) => 0.2 + 0.1 * Math.tanh(x) },
      { M, seed: 11, substeps: 4 },
    );
    const k = cmp.times.length - 1;
    expect(cmp.w1[k]!).toBeLessThan(0.05);
    const v = cmp.moments.pdeVariance[k]!;
    expect(Math.abs(cmp.moments.particleVariance[k]! - v)).toBeLessThan(5 * v * Math.sqrt(2 / M) + 0.01);
  });
});
