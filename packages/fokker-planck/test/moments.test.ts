import { createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import { describe, it } from "vitest";
import { solveFokkerPlanck } from "../src/index.js";

// MODEL.md §6 with diffusion, σ = identity, per layer (constant w, b):
//   m1(t) = e^{wt} m1 + (b/w)(e^{wt} - 1),   Var(t) = e^{2wt} Var + (D/w)(e^{2wt} - 1).
function exactMoments(ws: number[], bs: number[], h: number, D: number, m0: number, v0: number, t: number): [number, number] {
  let m = m0;
  let v = v0;
  let left = t;
  for (let k = 0; k < ws.length && left > 0; k++) {
    const s = Math.min(h, left);
    const w = ws[k]!;
    const e = Math.exp(w * s);
    m = e * m + (bs[k]! / w) * (e - 1);
    v = e * e * v + (D / w) * (e * e - 1);
    left -= s;
  }
  return [m, v];
}

describe("time-dependent moments with diffusion (identity activation, layered w(t), b(t))", () => {
  // The Chang–Cooper fluxes carry an O(Δx²) error into the moments (≈ 2.5e-5 at Δx = 0.01, quartering
  // when Δx halves): tolerance 5e-5 absolute
  it("mean and variance of the PDE follow the closed-form moment equations", () => {
    const ws = [-1, -0.5, 0.3, -1.5];
    const bs = [0.5, -0.2, 0.1, 0.3];
    const D = 0.2;
    const network = createScalarNetwork({ sigma: "identity", w: ws, b: bs, dt: 0.5 });
    const grid = createGrid1D(-8, 8, 1600);
    const m0 = 0.3;
    const v0 = 0.5;
    const f0 = (x: number) => Math.exp(-((x - m0) ** 2) / (2 * v0)) / Math.sqrt(2 * Math.PI * v0);
    const saveAt = [0.25, 0.5, 1, 1.3, 1.5, 2];
    const r = solveFokkerPlanck({ network, grid, f0, D }, { method: "crank-nicolson", dt: 0.005, saveAt });
    r.saved.forEach((f, k) => {
      let mass = 0;
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < grid.n; i++) {
        const x = grid.xMin + (i + 0.5) * grid.dx;
        mass += f[i]! * grid.dx;
        s1 += x * f[i]! * grid.dx;
        s2 += x * x * f[i]! * grid.dx;
      }
      const mean = s1 / mass;
      const variance = s2 / mass - mean * mean - (grid.dx * grid.dx) / 12; // Sheppard's correction
      const [me, ve] = exactMoments(ws, bs, 0.5, D, m0, v0, saveAt[k]!);
      expectAllClose(mean, me, { atol: 5e-5, rtol: 0, label: `mean t=${saveAt[k]}` });
      expectAllClose(variance, ve, { atol: 5e-5, rtol: 0, label: `variance t=${saveAt[k]}` });
    });
  });
});
