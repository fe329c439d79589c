import { createScalarNetwork, getActivation, tanh, type Activation } from "@kinetic-nde/core";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { describe, it } from "vitest";
import { solveGaussianClosure, solveMomentHierarchy } from "../src/index.js";

describe("activation identity in the moment solvers", () => {
  const net = createScalarNetwork({ sigma: "identity", w: -1, b: 0.2, T: 0.5 });
  for (const fake of [{ ...tanh }, { ...getActivation("identity"), sigma: (z: number) => 2 * z }] as Activation[]) {
    it(`rejects a hand-built object named ${JSON.stringify(fake.name)}`, () => {
      const params = { ...net, sigma: fake };
      expectKineticError(() => solveGaussianClosure({ params, mean0: 0, var0: 0.25 }), "INVALID_ARGUMENT", /built-in activation/);
      expectKineticError(() => solveMomentHierarchy({ params, m0: [1, 0, 0.25] }), "INVALID_ARGUMENT", /built-in activation/);
    });
  }
});
