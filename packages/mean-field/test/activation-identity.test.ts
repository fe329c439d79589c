import { createLeakyRelu, createScalarNetwork, getActivation, listActivations, tanh, type Activation } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { solveVlasov, solveVlasovExact } from "../src/index.js";
import { createGrid1D } from "@kinetic-nde/datasets";
import { flow1D } from "../src/internal/flow.js";

const bump = (x: number): number => Math.exp(-2 * x * x);

describe("activation identity in the Vlasov solvers", () => {
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 0.5 });
  const grid = createGrid1D(-3, 3, 61);
  for (const fake of [{ ...tanh }, { ...getActivation("identity"), sigma: (z: number) => 2 * z }] as Activation[]) {
    it(`rejects a hand-built object named ${JSON.stringify(fake.name)}`, () => {
      expectKineticError(() => solveVlasov({ params: { ...net, sigma: fake }, grid, f0: bump }), "INVALID_ARGUMENT", /built-in activation/);
      expectKineticError(
        () => solveVlasovExact({ params: { ...net, sigma: fake }, grid, f0: bump }),
        "INVALID_ARGUMENT",
        /built-in activation/,
      );
    });
  }

  it("flow1D: closed forms where the record says so, RK4 elsewhere, the same flow either way", () => {
    for (const a of [...listActivations(), createLeakyRelu(0.3)]) {
      for (const [w, b, x, t] of [
        [-0.9, 0.3, 0.4, 0.8],
        [0.5, -0.1, -0.7, -0.6],
      ] as const) {
        // a custom copy of σ always takes the RK4 path: both must agree
        const viaRk4 = flow1D({ ...a, name: `${a.name.replace(/[()]/g, "")}-copy` }, w, b, x, t);
        expectAllClose([flow1D(a, w, b, x, t)], [viaRk4], { rtol: 1e-9, atol: 1e-11 });
      }
    }
    expect(listActivations().length).toBeGreaterThanOrEqual(6);
  });
});
