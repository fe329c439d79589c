import { describe, expect, it } from "vitest";
import { isKineticError, type KineticErrorCode } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createNormal } from "./distributions.js";
import { cellAverages1D, cellAverages2D, isCdfDistribution1D, pointValues1D } from "./grid-evaluation.js";
import {
  MAX_GRID_CELLS,
  cellCenters,
  cellFaces,
  createGrid1D,
  createGrid2D,
  massOf,
  requireGrid1D,
  requireGrid2D,
  type Grid1D,
  type Grid2D,
} from "./grid.js";
import { integrateGaussLegendre } from "./quadrature.js";

/** The error a call throws (fails the test when it does not throw). */
function thrown(f: () => unknown): { code: string; message: string; details?: Readonly<Record<string, unknown>> | undefined } {
  try {
    f();
  } catch (e) {
    if (isKineticError(e)) return e;
    throw e;
  }
  throw new Error("expected a KineticError");
}

describe("grids", () => {
  it("1-D: width, centres, faces and mass", () => {
    const g = createGrid1D(0, 1, 4);
    expect(g).toEqual({ kind: "1d", xMin: 0, xMax: 1, n: 4, dx: 0.25 });
    expect(Object.isFrozen(g)).toBe(true);
    expectAllClose(cellCenters(g), [0.125, 0.375, 0.625, 0.875], { rtol: 0 });
    expectAllClose(cellFaces(g), [0, 0.25, 0.5, 0.75, 1], { rtol: 0 });
    expectAllClose(massOf(g, new Float64Array([1, 1, 1, 1])), 1, { rtol: 0 });
  });

  it("2-D: widths, default ny and mass", () => {
    const g = createGrid2D([-4, 4], [-3, 3], 128, 96);
    expectAllClose([g.dx, g.dy], [1 / 16, 1 / 16], { rtol: 0 });
    expect(createGrid2D([0, 1], [0, 2], 8).ny).toBe(8);
    expectAllClose(massOf(createGrid2D([0, 2], [0, 1], 2, 2), new Float64Array([0.5, 0.5, 0.5, 0.5])), 1, { rtol: 0 });
  });

  it("the documented maximum is accepted, one cell more is TOO_LARGE naming the argument and the largest size", () => {
    expect(createGrid1D(-4, 4, MAX_GRID_CELLS).n).toBe(2 ** 24);
    expect(createGrid2D([-1, 1], [-1, 1], 4096, 4096).nx).toBe(4096);
    const e1 = thrown(() => createGrid1D(-4, 4, 2 ** 28));
    expect(e1.code).toBe("TOO_LARGE");
    expect(e1.message).toContain("`n`");
    expect(e1.details?.largest).toBe(MAX_GRID_CELLS);
    const e2 = thrown(() => createGrid2D([-1, 1], [-1, 1], 1e6, 1e6));
    expect(e2.code).toBe("TOO_LARGE");
    expect(e2.message).toContain("`nx * ny`");
    expect(e2.details?.largest).toBe(MAX_GRID_CELLS);
    expectKineticError(() => createGrid2D([-1, 1], [-1, 1], 4097, 4096), "TOO_LARGE");
  });

  it("one error per bad input", () => {
    const cases: [() => unknown, KineticErrorCode][] = [
      [() => createGrid1D(NaN, 1, 4), "INVALID_ARGUMENT"],
      [() => createGrid1D(0, Infinity, 4), "INVALID_ARGUMENT"],
      [() => createGrid1D(-Infinity, 0, 4), "INVALID_ARGUMENT"],
      [() => createGrid1D(1, 1, 4), "INVALID_ARGUMENT"],
      [() => createGrid1D(2, 1, 4), "INVALID_ARGUMENT"],
      [() => createGrid1D(-1.7e308, 1.7e308, 4), "INVALID_ARGUMENT"], // width overflows
      [() => createGrid1D(0, 1, 1), "INVALID_ARGUMENT"],
      [() => createGrid1D(0, 1, 0), "INVALID_ARGUMENT"],
      [() => createGrid1D(0, 1, -3), "INVALID_ARGUMENT"],
      [() => createGrid1D(0, 1, 2.5), "INVALID_ARGUMENT"],
      [() => createGrid1D(0, 1, NaN), "INVALID_ARGUMENT"],
      [() => createGrid2D([0, 1], [1, 0], 4), "INVALID_ARGUMENT"],
      [() => createGrid2D([0, NaN], [0, 1], 4), "INVALID_ARGUMENT"],
      [() => createGrid2D([0, 1], [0, 1], 4, 0), "INVALID_ARGUMENT"],
      [() => createGrid2D([0] as never, [0, 1], 4), "INVALID_ARGUMENT"],
      [() => createGrid2D(0 as never, [0, 1], 4), "INVALID_ARGUMENT"],
      [() => requireGrid1D("grid", { kind: "1d", xMin: 0, xMax: 1, n: 4, dx: 0.3 }), "INVALID_ARGUMENT"],
      [() => requireGrid1D("grid", { xMin: 0, xMax: 1, n: 4 }), "INVALID_ARGUMENT"],
      [() => requireGrid1D("grid", null), "INVALID_ARGUMENT"],
      [() => requireGrid1D("grid", { kind: "1d", xMin: 0, xMax: 1, n: 1e12, dx: 1e-12 }), "TOO_LARGE"],
      [() => requireGrid2D("grid", { kind: "2d", xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 1e6, ny: 1e6, dx: 1e-6, dy: 1e-6 }), "TOO_LARGE"],
      [() => requireGrid2D("grid", createGrid1D(0, 1, 4)), "INVALID_ARGUMENT"],
    ];
    for (const [f, code] of cases) expectKineticError(f, code);
  });
});

describe("cell averages of functions and CDF laws", () => {
  const raw1 = (n: number): Grid1D => ({ kind: "1d", xMin: 0, xMax: 1, n, dx: 1 / n });

  it("refuse 1e12 cells up front (TOO_LARGE), before any evaluation", () => {
    let calls = 0;
    const e = thrown(() => cellAverages1D(() => (calls++, 1), raw1(1e12)));
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toContain("`grid.n`");
    expect(calls).toBe(0);
    const g2: Grid2D = { kind: "2d", xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 1e6, ny: 1e6, dx: 1e-6, dy: 1e-6 };
    expectKineticError(() => cellAverages2D(() => 1, g2), "TOO_LARGE");
  });

  it("n-point Gauss–Legendre is exact for polynomials of degree 2n - 1 (cell average of x^7 with 4 nodes)", () => {
    const g = createGrid1D(-1, 2, 3);
    const f = cellAverages1D((x) => x ** 7 + 10, g, { nodes: 4 });
    // (1/Δx) ∫_a^b x^7 = (b^8 - a^8) / 8 on cells of width 1
    expectAllClose(f, [10 + (0 - 1) / 8, 10 + (1 - 0) / 8, 10 + (256 - 1) / 8], { rtol: 1e-15 });
  });

  it("a plain { cdf } object gives exact CDF differences, equal to the distribution's", () => {
    const n = createNormal({ mean: 0.2, std: 0.9 });
    const g = createGrid1D(-5, 5, 50);
    const law = { cdf: (x: number) => n.cdf!(x) };
    expect(isCdfDistribution1D(law)).toBe(true);
    expect(isCdfDistribution1D((x: number) => x)).toBe(false);
    expect(isCdfDistribution1D(new Float64Array(2))).toBe(false);
    // without the survival function, upper-tail differences carry an absolute error of about ε/Δx
    expectAllClose(cellAverages1D(law, g), cellAverages1D(n, g), { rtol: 1e-12, atol: 2e-15 });
    expectAllClose(
      cellAverages1D(law, g),
      cellAverages1D((x) => n.pdf(x), g, { nodes: 12 }),
      { rtol: 1e-10, atol: 1e-15 },
    );
  });

  it("2-D density functions: a product density gives the product of the 1-D averages", () => {
    const g = createGrid2D([-3, 3], [-2, 2], 12, 8);
    const phi = (t: number): number => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
    const f = cellAverages2D((x, y) => phi(x) * phi(y), g);
    const fx = cellAverages1D(phi, createGrid1D(-3, 3, 12));
    const fy = cellAverages1D(phi, createGrid1D(-2, 2, 8));
    const prod = new Float64Array(12 * 8);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 8; j++) prod[i * 8 + j] = fx[i]! * fy[j]!;
    expectAllClose(f, prod, { rtol: 1e-13, atol: 1e-17 });
  });

  it("never a silent NaN: NaN, infinite or negative density values and unknown options are INVALID_ARGUMENT", () => {
    const g = createGrid1D(0, 1, 4);
    const cases: [() => unknown, KineticErrorCode][] = [
      [() => cellAverages1D(() => NaN, g), "INVALID_ARGUMENT"],
      [() => cellAverages1D((x) => (x > 0.5 ? Infinity : 1), g), "INVALID_ARGUMENT"],
      [() => cellAverages1D(() => -1, g), "INVALID_ARGUMENT"],
      [() => cellAverages1D({ cdf: () => NaN }, g), "INVALID_ARGUMENT"],
      [() => cellAverages2D(() => NaN, createGrid2D([0, 1], [0, 1], 2)), "INVALID_ARGUMENT"],
      [() => pointValues1D(() => NaN, g), "INVALID_ARGUMENT"],
      [() => cellAverages1D(() => 1, g, { nodes: 4, tolerance: 1e-3 } as never), "INVALID_ARGUMENT"],
      [() => cellAverages1D(() => 1, g, { method: "cdf" }), "UNSUPPORTED"],
      [() => cellAverages1D(42 as never, g), "INVALID_ARGUMENT"],
    ];
    for (const [f, code] of cases) expectKineticError(f, code);
    expectKineticError(() => cellAverages1D(() => 1, g, { nodez: 4 } as never), "INVALID_ARGUMENT", "`method`, `nodes`, `normalize`");
  });

  it("composite Gauss–Legendre integration: ∫ e^{-x²/2} over [-8, 8] = √(2π)", () => {
    expectAllClose(
      integrateGaussLegendre((x) => Math.exp(-0.5 * x * x), -8, 8, 16),
      Math.sqrt(2 * Math.PI),
      { rtol: 1e-14 },
    );
    expectAllClose(
      integrateGaussLegendre((x) => x ** 5, 0, 1, 1, 3),
      1 / 6,
      { rtol: 1e-15 },
    );
    expectKineticError(() => integrateGaussLegendre((x) => x, 0, NaN, 4), "INVALID_ARGUMENT");
    expectKineticError(() => integrateGaussLegendre((x) => x, 0, 1, 0), "INVALID_ARGUMENT");
  });
});
