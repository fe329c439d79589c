import {
  activationInfo,
  createLeakyRelu,
  createScalarNetwork,
  getActivation,
  listActivations,
  tanh,
  type Activation,
} from "@kinetic-nde/core";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { solveFokkerPlanck, solveSteadyState, stationaryDensity, steadyStateExists } from "../src/index.js";

describe("activation identity in the Fokker–Planck solvers", () => {
  const grid = createGrid1D(-4, 4, 80);
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 0.5, K: 0.5 });
  for (const fake of [{ ...tanh }, { ...getActivation("identity"), sigma: (z: number) => 2 * z }] as Activation[]) {
    it(`rejects a hand-built object named ${JSON.stringify(fake.name)}`, () => {
      const msg = /built-in activation/;
      expectKineticError(() => steadyStateExists(fake, -1, 0), "INVALID_ARGUMENT", msg);
      expectKineticError(() => stationaryDensity(fake, -1, 0, 0.5), "INVALID_ARGUMENT", msg);
      expectKineticError(() => solveSteadyState({ grid, sigma: fake, w: -1, b: 0, D: 0.5 }), "INVALID_ARGUMENT", msg);
      expectKineticError(
        () => solveFokkerPlanck({ network: { ...net, sigma: fake }, grid, f0: (x) => Math.exp(-x * x) }),
        "INVALID_ARGUMENT",
        msg,
      );
    });
  }

  it("the steady-state family of every record agrees with steadyStateExists and stationaryDensity", () => {
    for (const a of [...listActivations(), createLeakyRelu(0.3), createLeakyRelu(0)]) {
      const family = activationInfo(a).steadyState;
      const exists = steadyStateExists(a, -1, 0.2).exists;
      if (family === "numeric") continue;
      expect(exists).toBe(family !== "none");
      if (family !== "none") expect(steadyStateExists(a, 1, 0.2).exists).toBe(false);
      if (family === "gaussian" || family === "sech-power") expect(stationaryDensity(a, -1, 0.2, 0.4).family).toBe(family);
      else if (family === "restoring") expectKineticError(() => stationaryDensity(a, -1, 0.2, 0.4), "UNSUPPORTED");
      else expectKineticError(() => stationaryDensity(a, -1, 0.2, 0.4), "NO_SOLUTION");
    }
  });
});
