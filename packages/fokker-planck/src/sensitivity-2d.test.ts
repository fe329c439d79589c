import { createConstantNetwork, createNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid2D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { solveFokkerPlanck2DSensitivity } from "./sensitivity-2d.js";
import { solveFokkerPlanck2D } from "./solve-2d.js";

const grid = createGrid2D([-3, 3], [-3, 3], 24);
const f0 = (x: number, y: number) => Math.exp(-((x - 0.5) ** 2 + (y + 0.3) ** 2) / 0.8);
const D = [0.3, (y: number) => 0.2 + 0.05 * y * y] as const;

function maxAbs(a: Float64Array): number {
  return a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
}

describe("solveFokkerPlanck2DSensitivity: ∂f/∂W_ij and ∂f/∂b_i vs central differences of solveFokkerPlanck2D", () => {
  for (const sigma of ["tanh", "identity", "softplus"] as const) {
    it(`${sigma}: every entry of W and b (≤ 1e-6 relative to the largest entry)`, () => {
      const W = [-1, 0.5, -0.4, -0.8];
      const b = [0.2, -0.1];
      const make = (W: number[], b: number[]) => createConstantNetwork({ sigma, W, b, T: 0.5 });
      const s = solveFokkerPlanck2DSensitivity({ network: make(W, b), grid, f0, D }, { dt: 0.05 });
      expect(s.status).toBe("success");
      expect(s.parameters).toEqual(["W00", "W01", "W10", "W11", "b0", "b1"]);
      const ref = solveFokkerPlanck2D({ network: make(W, b), grid, f0, D }, { dt: 0.05 });
      expect(Array.from(s.f)).toEqual(Array.from(ref.f));
      const theta = [...W, ...b];
      const h = 1e-6;
      for (let p = 0; p < 6; p++) {
        const at = (dv: number) => {
          const t = theta.map((v, q) => (q === p ? v + dv : v));
          return solveFokkerPlanck2D({ network: make(t.slice(0, 4), t.slice(4)), grid, f0, D }, { dt: 0.05 }).f;
        };
        const fp = at(h);
        const fm = at(-h);
        const fd = fp.map((v, i) => (v - fm[i]!) / (2 * h));
        expectAllClose(s.df[p]!, fd, { atol: 1e-6 * maxAbs(fd), rtol: 0, label: `${sigma} ∂f/∂${s.parameters[p]}` });
        // mass is conserved for every parameter value
        expect(Math.abs(s.df[p]!.reduce((a, v) => a + v, 0))).toBeLessThan(1e-10 * maxAbs(fd) * s.f.length);
      }
    });
  }

  it("layered networks: a parameter shifts its entry in every layer", () => {
    const W = [-1, 0.3, -0.2, -0.9, -0.8, 0.1, 0.4, -1.1];
    const b = [0.1, 0, -0.2, 0.3];
    const make = (shift: number) => createNetwork({ sigma: "tanh", d: 2, W: W.map((v, i) => (i % 4 === 1 ? v + shift : v)), b, T: 0.4 });
    const s = solveFokkerPlanck2DSensitivity({ network: make(0), grid, f0, D });
    const h = 1e-6;
    const fp = solveFokkerPlanck2D({ network: make(h), grid, f0, D }).f;
    const fm = solveFokkerPlanck2D({ network: make(-h), grid, f0, D }).f;
    const fd = fp.map((v, i) => (v - fm[i]!) / (2 * h));
    expectAllClose(s.df[1]!, fd, { atol: 1e-6 * maxAbs(fd), rtol: 0 });
  });

  it("bad input", () => {
    const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -1], b: [0, 0], T: 1 });
    expectKineticError(() => solveFokkerPlanck2DSensitivity({ network, grid, f0 }), "INVALID_ARGUMENT", /D/); // no noise model, no D
    expectKineticError(
      () => solveFokkerPlanck2DSensitivity({ network, grid, f0, D }, { boundary: "outflow" } as never),
      "INVALID_ARGUMENT",
      /boundary/,
    );
    expectKineticError(() => solveFokkerPlanck2DSensitivity({ network, grid, f0: [1, 2], D }), "SHAPE_MISMATCH");
    expectKineticError(() => solveFokkerPlanck2DSensitivity({ network, grid, f0, D }, { dt: -1 }), "INVALID_ARGUMENT", /dt/);
  });
});
