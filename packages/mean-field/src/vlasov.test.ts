import { BUILTIN_ACTIVATIONS, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectKineticError } from "@kinetic-nde/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advectionStage1D, createFaceCoefficients1D, networkFaceCoefficients1DInto } from "./fluxes.js";
import { createGrid1D, createGrid2D, massOf } from "@kinetic-nde/datasets";
import { resolveInitialDensity1D as cellAverages1D } from "./initial.js";
import { solveVlasov } from "./vlasov.js";
import { gaussian } from "../test/helpers.js";

describe("solveVlasov 1-D invariants", () => {
  const grid = createGrid1D(-6, 6, 120);
  it("conserves mass to 1e-12 (zero flux) and stays non-negative: property over w, b, σ, bumps, schemes", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.constantFrom(...BUILTIN_ACTIVATIONS),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.2, max: 1.5, noNaN: true }),
        fc.constantFrom("upwind", "muscl"),
        fc.constantFrom("minmod", "mc", "van-leer"),
        fc.constantFrom("euler", "ssp-rk2", "ssp-rk3"),
        (w, b, sigma, m, s, scheme, limiter, timeStepper) => {
          const params = createScalarNetwork({ sigma, w: [w, -w], b: [b, 0.5 * b], T: 0.6 });
          const f0 = gaussian(m, s);
          const r = solveVlasov({ params, grid, f0 }, { scheme, limiter, timeStepper });
          expect(r.status).toBe("success");
          const m0 = r.stats.massInitial;
          expect(Math.abs(massOf(grid, r.f) - m0) / m0).toBeLessThan(1e-12);
          let min = Infinity;
          for (const v of r.f) min = Math.min(min, v);
          expect(min).toBeGreaterThanOrEqual(0);
          expect(r.stats.maxCfl).toBeLessThanOrEqual(scheme === "upwind" ? 0.9 + 1e-12 : 0.45 + 1e-12);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it("stays non-negative at the positivity limits (CFL 1 upwind/Euler, 0.5 MUSCL/Euler) on a step density", () => {
    const params = createScalarNetwork({ sigma: "identity", w: 1.5, b: 0.2, T: 0.5 });
    const step = new Float64Array(grid.n);
    for (let i = 40; i < 70; i++) step[i] = 1;
    for (const [scheme, cfl] of [
      ["upwind", 1],
      ["muscl", 0.5],
    ] as const) {
      const r = solveVlasov({ params, grid, f0: step }, { scheme, cfl, timeStepper: "euler", limiter: "mc" });
      expect(Math.min(...r.f)).toBeGreaterThanOrEqual(0);
    }
  });

  it("lands exactly on layer boundaries and saveAt times", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5, -0.5, 1], b: [0, 0.1, 0.2, 0.3], T: 1 });
    const r = solveVlasov({ params, grid, f0: gaussian(0, 1) }, { saveAt: [0, 0.25, 0.4, 1] });
    expect(Array.from(r.times)).toEqual([0, 0.25, 0.4, 1]);
    expect(r.saved).toHaveLength(4);
    expect(Array.from(r.saved[0]!)).toEqual(Array.from(solveVlasov({ params, grid, f0: gaussian(0, 1) }, { saveAt: [0] }).saved[0]!));
    expect(Array.from(r.saved[3]!)).toEqual(Array.from(r.f));
    expect(r.t).toBe(1);
    // the same result when the solve is split at a layer boundary
    const a = solveVlasov({ params, grid, f0: gaussian(0, 1), tSpan: [0, 0.5] });
    const b = solveVlasov({ params, grid, f0: a.f, tSpan: [0.5, 1] });
    const c = solveVlasov({ params, grid, f0: gaussian(0, 1) });
    expect(Array.from(b.f)).toEqual(Array.from(c.f));
  });

  it("upwind + Euler (many steps per kernel call internally) equals single steps of advectionStage1D bitwise", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 0.37 });
    const dt = 0.01;
    const r = solveVlasov({ params, grid, f0: gaussian(0, 1) }, { scheme: "upwind", timeStepper: "euler", dt });
    const c = networkFaceCoefficients1DInto(params, 0, grid, "zero-flux", createFaceCoefficients1D(grid.n));
    let u: Float64Array = cellAverages1D(grid, gaussian(0, 1)),
      v: Float64Array = new Float64Array(grid.n);
    const n = Math.ceil(0.37 / dt - 1e-9);
    for (let s = 0; s < n; s++) {
      const h = s < n - 1 ? dt : 0.37 - (n - 1) * dt;
      advectionStage1D(c, u, null, false, 0, u, 1, h / grid.dx, v);
      [u, v] = [v, u];
    }
    expect(r.stats.steps).toBe(n);
    expect(Array.from(r.f)).toEqual(Array.from(u));
  });

  it("transports several class densities with the same field (each equal to its own solve)", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.3, T: 1 });
    const r = solveVlasov({ params, grid, f0: [gaussian(-1, 0.5), gaussian(1, 0.5)] });
    expect(r.f).toHaveLength(2);
    const r1 = solveVlasov({ params, grid, f0: gaussian(1, 0.5) });
    expect(Array.from(r.f[1]!)).toEqual(Array.from(r1.f));
  });

  it("periodic boundary conserves mass; outflow counts the mass that left; threshold gives mass-lost", () => {
    const params = createScalarNetwork({ sigma: "sigmoid", w: 0.3, b: 1, T: 4 });
    const rp = solveVlasov({ params, grid, f0: gaussian(0, 1) }, { boundary: "periodic" });
    expect(Math.abs(massOf(grid, rp.f) - rp.stats.massInitial)).toBeLessThan(1e-12);
    const ro = solveVlasov({ params, grid, f0: gaussian(3, 1) }, { boundary: "outflow", scheme: "upwind" });
    expect(ro.status).toBe("success");
    expect(ro.stats.massLost).toBeGreaterThan(0.1);
    expect(Math.abs(massOf(grid, ro.f) + ro.stats.massLost - ro.stats.massInitial)).toBeLessThan(1e-12);
    const rm = solveVlasov(
      { params, grid, f0: gaussian(3, 1) },
      { boundary: "outflow", massLossThreshold: 0.05, scheme: "muscl", timeStepper: "ssp-rk3" },
    );
    expect(rm.status).toBe("mass-lost");
    expect(rm.t).toBeLessThan(4);
    expect(Math.abs(massOf(grid, rm.f) + rm.stats.massLost - rm.stats.massInitial)).toBeLessThan(1e-12);
  });

  it("chooses a domain automatically holding the mass and its travel", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 2 });
    const r = solveVlasov({ params, f0: gaussian(0, 1) }, { n: 200 });
    const g = r.grid;
    expect(g.kind).toBe("1d");
    if (g.kind === "1d") {
      expect(g.xMin).toBeLessThan(-6.3 - 2);
      expect(g.xMax).toBeGreaterThan(6.3 + 2);
    }
    expect(Math.abs(r.stats.massInitial - 1)).toBeLessThan(1e-9);
  });
});

describe("solveVlasov 2-D", () => {
  const grid = createGrid2D([-4, 4], [-4, 4], 48);
  const f0 = (x: number, y: number) => Math.exp(-0.5 * (x * x + y * y)) / (2 * Math.PI);
  it("conserves mass and positivity for every activation and scheme", () => {
    for (const sigma of BUILTIN_ACTIVATIONS)
      for (const scheme of ["upwind", "muscl"] as const) {
        const params = createNetwork({ sigma, d: 2, W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 0.5 });
        const r = solveVlasov({ params, grid, f0 }, { scheme });
        expect(Math.abs(massOf(grid, r.f) - r.stats.massInitial) / r.stats.massInitial).toBeLessThan(1e-12);
        expect(Math.min(...r.f)).toBeGreaterThanOrEqual(0);
      }
  });
  it("outflow in 2-D: mass lost + mass left = initial mass", () => {
    const params = createNetwork({ sigma: "sigmoid", d: 2, W: [0, 0, 0, 0], b: [1, 1], T: 2 });
    const r = solveVlasov({ params, grid, f0 }, { boundary: "outflow" });
    expect(r.stats.massLost).toBeGreaterThan(0.01);
    expect(Math.abs(massOf(grid, r.f) + r.stats.massLost - r.stats.massInitial)).toBeLessThan(1e-12);
  });
});

describe("solveVlasov bad inputs", () => {
  const grid = createGrid1D(-1, 1, 10);
  const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 });
  const f0 = new Float64Array(10).fill(0.5);
  it("NaN in f0 → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0: f0.map((v, i) => (i === 3 ? NaN : v)) }), "INVALID_ARGUMENT"));
  it("Infinity in f0 → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0: f0.map((v, i) => (i === 3 ? Infinity : v)) }), "INVALID_ARGUMENT"));
  it("negative density → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0: f0.map((v, i) => (i === 3 ? -1 : v)) }), "INVALID_ARGUMENT"));
  it("wrong length → SHAPE_MISMATCH", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0: new Float64Array(9) }), "SHAPE_MISMATCH"));
  it("empty array of densities → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0: [] }), "INVALID_ARGUMENT"));
  it("2-D grid for a 1-D network → SHAPE_MISMATCH", () =>
    expectKineticError(() => solveVlasov({ params, grid: createGrid2D([-1, 1], [-1, 1], 4), f0: new Float64Array(16) }), "SHAPE_MISMATCH"));
  it("cfl above the scheme's limit → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0 }, { scheme: "muscl", cfl: 0.8 }), "INVALID_ARGUMENT"));
  it("non-positive dt → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0 }, { dt: -0.1 }), "INVALID_ARGUMENT"));
  it("NaN dt → INVALID_ARGUMENT", () => expectKineticError(() => solveVlasov({ params, grid, f0 }, { dt: NaN }), "INVALID_ARGUMENT"));
  it("dt breaking the CFL limit → UNSTABLE", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0 }, { dt: 0.5, scheme: "upwind" }), "UNSTABLE"));
  it("saveAt outside tSpan → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0 }, { saveAt: [2] }), "INVALID_ARGUMENT"));
  it("unknown scheme → INVALID_ARGUMENT", () =>
    expectKineticError(() => solveVlasov({ params, grid, f0 }, { scheme: "weno" as never }), "INVALID_ARGUMENT"));
  it("cell averages without a grid → INVALID_ARGUMENT", () => expectKineticError(() => solveVlasov({ params, f0 }), "INVALID_ARGUMENT"));
  it("d = 3 → UNSUPPORTED", () =>
    expectKineticError(
      () => solveVlasov({ params: createNetwork({ sigma: "tanh", d: 3, W: new Array(9).fill(0), b: [0, 0, 0], T: 1 }), grid, f0 }),
      "UNSUPPORTED",
    ));
  it("grid with zero or negative cells → INVALID_ARGUMENT", () => {
    expectKineticError(() => createGrid1D(-1, 1, 0), "INVALID_ARGUMENT");
    expectKineticError(() => createGrid1D(1, -1, 10), "INVALID_ARGUMENT");
  });
  it("unbounded spreading without a grid → UNSTABLE", () =>
    expectKineticError(
      () => solveVlasov({ params: createScalarNetwork({ sigma: "identity", w: 12, b: 0, T: 1 }), f0: gaussian(0, 1) }),
      "UNSTABLE",
    ));
});
