import { describe, expect, it } from "vitest";
import { expectKineticError } from "./testing.js";
import { checkEnsemble, ensembleFromPoints, linspaceEnsemble } from "./particles.js";

describe("particle ensembles", () => {
  it("checkEnsemble returns M and rejects bad ensembles", () => {
    expect(checkEnsemble(new Float64Array(6), 2)).toBe(3);
    expectKineticError(() => checkEnsemble(new Float64Array(0), 1), "INVALID_ARGUMENT");
    expectKineticError(() => checkEnsemble([1, 2], 1), "INVALID_ARGUMENT");
    expectKineticError(() => checkEnsemble(new Float64Array([1, NaN]), 1), "INVALID_ARGUMENT");
    expectKineticError(() => checkEnsemble(new Float64Array([1, -Infinity]), 1), "INVALID_ARGUMENT");
    expectKineticError(() => checkEnsemble(new Float64Array(5), 2), "SHAPE_MISMATCH");
  });
  it("ensembleFromPoints and linspaceEnsemble", () => {
    expect(
      Array.from(
        ensembleFromPoints([
          [0, 1],
          [2, 3],
        ]),
      ),
    ).toEqual([0, 1, 2, 3]);
    expect(Array.from(ensembleFromPoints([1, 2]))).toEqual([1, 2]);
    expect(ensembleFromPoints([]).length).toBe(0);
    expectKineticError(() => ensembleFromPoints([1, Number.NaN]), "INVALID_ARGUMENT");
    expectKineticError(() => ensembleFromPoints([[0, 1], [2]]), "SHAPE_MISMATCH");
    expect(Array.from(linspaceEnsemble(4, -2, 2))).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });
});
