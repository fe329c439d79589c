import { describe, expect, it } from "vitest";
import { createScalarNetwork, RngStreams, solveSde, type BrownianIncrements } from "../src/index.js";

/** Increments sqrt(h)·ξ from stream i for particle i: the generic (non-fused) path with the same noise. */
function fromStreams(seed: number, M: number): BrownianIncrements {
  const streams = new RngStreams(seed, M);
  return (_step, h, out) => {
    const sq = Math.sqrt(h);
    for (let i = 0; i < M; i++) out[i] = sq * streams.normal(i);
  };
}

describe("fused 1-D Euler–Maruyama kernel", () => {
  // K = 1 makes the generic update x + h a + K (√h ξ) and the fused x + h a + (K √h) ξ the same rounding.
  const cases = [
    ["tanh", createScalarNetwork({ sigma: "tanh", w: [-1, 0.5, 2], b: [0.5, 0, -0.2], T: 1.5, K: 1 })],
    ["relu", createScalarNetwork({ sigma: "relu", w: [-1, 0.5, 2], b: [0.5, 0, -0.2], T: 1.5, K: 1 })],
    ["sigmoid", createScalarNetwork({ sigma: "sigmoid", w: [-1, 0.5, 2], b: [0.5, 0, -0.2], T: 1.5, K: 1 })],
  ] as const;
  for (const [label, net] of cases) {
    it(`${label}: equals the generic path driven by the same streams, saves included (bit for bit)`, () => {
      const M = 2100; // three internal blocks
      const x0 = Float64Array.from({ length: M }, (_, i) => 3 * Math.sin(i));
      const opts = { stepsPerLayer: 4, seed: 11, saveAt: [0, 0.125, 0.5, 1.5] };
      const fused = solveSde(net, x0, opts);
      const generic = solveSde(net, x0, { ...opts, brownian: fromStreams(11, M) });
      expect(fused.status).toBe("success");
      expect(Array.from(fused.x)).toEqual(Array.from(generic.x));
      expect(Array.from(fused.saved)).toEqual(Array.from(generic.saved));
      expect(fused.stats).toEqual(generic.stats);
    });
  }

  it("blow-ups: the same NaN particles, failure time and failed particle as the generic path", () => {
    const net = createScalarNetwork({ sigma: "identity", w: 500, b: 0, T: 10, nLayers: 100, K: 1 });
    const M = 1500;
    const x0 = Float64Array.from({ length: M }, (_, i) => (i % 7 === 3 ? 1e100 : 1e-300 * i));
    const opts = { seed: 4, saveAt: [0.1, 5, 10] };
    const fused = solveSde(net, x0, opts);
    const generic = solveSde(net, x0, { ...opts, brownian: fromStreams(4, M) });
    expect(fused.status).toBe("non-finite");
    expect(fused.t).toBe(generic.t);
    expect(fused.failedParticle).toBe(generic.failedParticle);
    expect(Array.from(fused.x)).toEqual(Array.from(generic.x));
    expect(Array.from(fused.saved)).toEqual(Array.from(generic.saved));
  });
});
