import { createRng, createScalarNetwork } from "@kinetic-nde/core";
import { describe, expect, it } from "vitest";
import { createGrid1D } from "@kinetic-nde/datasets";
import { solveVlasov, solveVlasovExact, wasserstein1Grid, wasserstein1GridSamples } from "../src/index.js";
import { flowNetwork1D } from "../src/internal/flow.js";
import { normalCdf } from "@kinetic-nde/datasets";

describe("mean-field limit: particles → PDE", () => {
  const params = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5], b: [0.5, -0.2], T: 1 });
  const f0 = { cdf: (x: number) => normalCdf(x) };
  const fine = createGrid1D(-6, 6, 20000);
  const exact = solveVlasovExact({ params, grid: fine, f0 }).f;

  it("W1(particles at T, exact PDE solution) falls like M^-1/2 (slope in [-0.6, -0.4], 8 seeds per M)", () => {
    const Ms = [100, 400, 1600, 6400, 25600];
    const w1 = Ms.map((M) => {
      let s = 0;
      for (let seed = 0; seed < 8; seed++) {
        const x = new Float64Array(M);
        createRng(1000 + seed).normalInto(x);
        for (let i = 0; i < M; i++) x[i] = flowNetwork1D(params, x[i]!, 0, 1);
        s += wasserstein1GridSamples(fine, exact, x);
      }
      return s / 8;
    });
    let sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0;
    for (let i = 0; i < Ms.length; i++) {
      const a = Math.log(Ms[i]!),
        b = Math.log(w1[i]!);
      sx += a;
      sy += b;
      sxx += a * a;
      sxy += a * b;
    }
    const n = Ms.length;
    const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    expect(slope, `slope ${slope}, W1 ${w1}`).toBeGreaterThan(-0.6);
    expect(slope, `slope ${slope}, W1 ${w1}`).toBeLessThan(-0.4);
  });

  it("the finite-volume solution is W1-close to the exact one (MUSCL error far below the particle noise at M = 10^4)", () => {
    const g = createGrid1D(-6, 6, 600);
    const r = solveVlasov({ params, grid: g, f0 });
    const d = wasserstein1Grid(g, r.f, fine, exact);
    expect(d).toBeLessThan(1e-3);
  });
});
