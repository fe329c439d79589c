import { type Activation, createNetwork, createScalarNetwork, isKineticError, tanh } from "@kinetic-nde/core";
import { afterEach, describe, expect, it } from "vitest";
import { type AdvectionBoundary as Boundary, advectionStage1D, advectionStage2D, applyFaceBoundaries2D } from "../fluxes.js";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { type VlasovOptions, type VlasovProblem, solveVlasov } from "../vlasov.js";
import { scanDensity } from "./density-check.js";
import { jsUpwindSteps1D, jsUpwindSteps2D } from "./fused.js";
import { openUpwindArena, upwindWasmAvailable, wasmUpwindSteps1D, wasmUpwindSteps2D } from "./wasm-upwind.js";
import { setWasmKernelsEnabled } from "@kinetic-nde/core/wasm";

afterEach(() => setWasmKernelsEnabled(true));

/** Indices where two arrays differ bit for bit (Object.is, so -0 ≠ 0 and NaN = NaN). */
function bitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  expect(a.length).toBe(b.length);
  const bad: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad.push(i);
  return bad;
}

/** A deterministic pseudo-random value in [-0.5, 0.5). */
const rnd = (i: number): number => {
  const s = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return s - Math.floor(s) - 0.5;
};

/** Densities with exact zeros and a -0 (the sign of zero must come out the same on both paths). */
function density(n: number, seed: number): Float64Array {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = i % 7 === 3 ? 0 : 0.6 + rnd(seed + i);
  if (n > 4) f[4] = -0;
  return f;
}

function split(v: number): [number, number] {
  return [v > 0 ? v : 0, v < 0 ? v : 0];
}

describe("WebAssembly SIMD upwind kernels", () => {
  it("compile and run here (Node has WebAssembly SIMD); one shared memory, own instances for nested and large solves", () => {
    expect(upwindWasmAvailable()).toBe(true);
    const a = openUpwindArena([5], 1, 1)!;
    const nested = openUpwindArena([5], 1, 1)!;
    expect(nested.faces[0]!.buffer === a.faces[0]!.buffer).toBe(false);
    nested.close();
    a.close();
    const again = openUpwindArena([5], 1, 1)!;
    expect(again.faces[0]!.buffer === a.faces[0]!.buffer).toBe(true);
    again.close();
    const large = openUpwindArena([900_000], 1, 1)!; // 36 MB of arrays: above the shared limit
    expect(large.faces[0]!.buffer === a.faces[0]!.buffer).toBe(false);
    large.close();
    const b = openUpwindArena([3, 4], 2, 3)!;
    expect(b.states).toHaveLength(4);
    b.close();
    setWasmKernelsEnabled(false);
    expect(upwindWasmAvailable()).toBe(false);
    expect(openUpwindArena([5], 1, 1)).toBeNull();
  });

  it("1-D: equal the JavaScript path and single advectionStage1D steps bit for bit (odd sizes, every boundary, several steps)", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 10, 101, 1003])
      for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
        for (const steps of [1, 2, 5, 8]) {
          const arena = openUpwindArena([n], 1, steps)!;
          const [ap, am] = arena.faces as [Float64Array, Float64Array];
          for (let j = 0; j <= n; j++) [ap[j], am[j]] = split(rnd(31 * j + n));
          if (boundary === "zero-flux") ap[0] = am[0] = ap[n] = am[n] = 0;
          else if (boundary === "outflow") (ap[0] = 0), (am[n] = 0);
          else (ap[n] = ap[0]!), (am[n] = am[0]!);
          const periodic = boundary === "periodic";
          const c = { ap: Float64Array.from(ap), am: Float64Array.from(am), rate: 0 };
          const f = density(n, 7 * n + steps);
          const c2 = 0.9;
          // WebAssembly
          const [u, s] = arena.states as [Float64Array, Float64Array];
          u.set(f);
          const inDst = wasmUpwindSteps1D(arena, u, s, c2, steps, periodic, 0);
          const fw = Float64Array.from(inDst ? s : u);
          const lw = Float64Array.from(arena.lost.subarray(0, steps));
          arena.close();
          // JavaScript multi-step path
          const a = Float64Array.from(f),
            b = new Float64Array(n),
            lj = new Float64Array(steps);
          const fj = jsUpwindSteps1D(c, a, b, c2, steps, periodic, lj, 0) ? b : a;
          // single steps of the stage every other scheme uses
          let x = Float64Array.from(f),
            y = new Float64Array(n);
          const ls = new Float64Array(steps);
          for (let k = 0; k < steps; k++) {
            ls[k] = advectionStage1D(c, x, null, periodic, 0, x, 1, c2, y);
            [x, y] = [y, x];
          }
          const where = `n = ${n}, ${boundary}, ${steps} steps`;
          expect(bitDiff(fw, fj), where).toEqual([]);
          expect(bitDiff(fw, x), where).toEqual([]);
          expect(bitDiff(lw, lj), where).toEqual([]);
          expect(bitDiff(lw, ls), where).toEqual([]);
        }
  });

  it("2-D: equal the JavaScript path (advectionStage2D steps) bit for bit (odd sizes, every boundary, several steps)", () => {
    for (const [nx, ny] of [
      [2, 2],
      [2, 3],
      [3, 2],
      [5, 5],
      [4, 7],
      [9, 6],
      [13, 11],
      [33, 31],
    ] as const)
      for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
        for (const steps of [1, 3, 4]) {
          const grid = createGrid2D([-1.5, 2], [-1, 1], nx, ny);
          const arena = openUpwindArena([nx, ny], 1, steps)!;
          const [axp, axm, ayp, aym] = arena.faces as [Float64Array, Float64Array, Float64Array, Float64Array];
          for (let i = 0; i < axp.length; i++) [axp[i], axm[i]] = split(rnd(3 * i + nx));
          for (let i = 0; i < ayp.length; i++) [ayp[i], aym[i]] = split(rnd(5 * i + 1000 + ny));
          applyFaceBoundaries2D({ axp, axm, ayp, aym }, nx, ny, boundary);
          const periodic = boundary === "periodic";
          const c = {
            axp: Float64Array.from(axp),
            axm: Float64Array.from(axm),
            ayp: Float64Array.from(ayp),
            aym: Float64Array.from(aym),
            rate: 0,
          };
          const f = density(nx * ny, 11 * nx + ny);
          const cx = 0.4,
            cy = 0.35;
          const [u, s] = arena.states as [Float64Array, Float64Array];
          u.set(f);
          const inDst = wasmUpwindSteps2D(arena, nx, ny, grid.dx, grid.dy, u, s, cx, cy, steps, periodic, 0);
          const fw = Float64Array.from(inDst ? s : u);
          const lw = Float64Array.from(arena.lost.subarray(0, steps));
          arena.close();
          const a = Float64Array.from(f),
            b = new Float64Array(nx * ny),
            lj = new Float64Array(steps);
          const fj = jsUpwindSteps2D(grid, c, a, b, cx, cy, steps, periodic, lj, 0, new Float64Array(ny), new Float64Array(ny)) ? b : a;
          let x = Float64Array.from(f),
            y = new Float64Array(nx * ny);
          const ls = new Float64Array(steps);
          for (let k = 0; k < steps; k++) {
            ls[k] = advectionStage2D(grid, c, x, null, null, periodic, 0, x, 1, cx, cy, y, new Float64Array(ny), new Float64Array(ny));
            [x, y] = [y, x];
          }
          const where = `${nx}×${ny}, ${boundary}, ${steps} steps`;
          expect(bitDiff(fw, fj), where).toEqual([]);
          expect(bitDiff(fw, x), where).toEqual([]);
          expect(bitDiff(lw, lj), where).toEqual([]);
          expect(bitDiff(lw, ls), where).toEqual([]);
        }
  });
});

/** solveVlasov with the WebAssembly kernels and with them disabled. */
function bothPaths(problem: VlasovProblem, options: VlasovOptions) {
  setWasmKernelsEnabled(true);
  const w = solveVlasov(problem, options);
  setWasmKernelsEnabled(false);
  const j = solveVlasov(problem, options);
  setWasmKernelsEnabled(true);
  return [w, j] as const;
}

/** One density or several, as a list. */
const list = (f: Float64Array | Float64Array[]): Float64Array[] => (Array.isArray(f) ? f : [f]);

function expectSameSolve(problem: VlasovProblem, options: VlasovOptions, label: string): void {
  const [w, j] = bothPaths(problem, options);
  expect(w.status, label).toBe(j.status);
  expect(w.t, label).toBe(j.t);
  expect(w.stats, label).toEqual(j.stats);
  expect(Object.is(w.stats.massLost, j.stats.massLost), label).toBe(true);
  const [fw, fj] = [list(w.f), list(j.f)];
  expect(fw.length, label).toBe(fj.length);
  fw.forEach((f, q) => expect(bitDiff(f, fj[q]!), label).toEqual([]));
  expect(bitDiff(w.times, j.times), label).toEqual([]);
  expect(w.saved.length, label).toBe(j.saved.length);
  w.saved.forEach((s, i) => list(s).forEach((f, q) => expect(bitDiff(f, list(j.saved[i]!)[q]!), label).toEqual([])));
}

describe("the scan kernel (input check and result clean-up)", () => {
  it("equals the JavaScript scan: min and max by the same comparisons, finiteness", () => {
    const cases: number[][] = [
      [],
      [0],
      [-0],
      [1, 2, 3],
      [-1e-300, 5, -0, 0],
      [NaN, 1, -2],
      [Infinity, 1],
      [1, -Infinity],
      [3, NaN, -1, Infinity],
    ];
    for (const c of cases) {
      const arena = openUpwindArena([Math.max(1, c.length)], 1, 1)!;
      const v = arena.states[0]!.subarray(0, c.length);
      v.set(c);
      const w = arena.scan(v);
      arena.close();
      const j = scanDensity(Float64Array.from(c));
      expect(Object.is(w.min, j.min) && Object.is(w.max, j.max) && w.finite === j.finite, JSON.stringify(c)).toBe(true);
    }
  });

  it("a bad value in f0 gives the same INVALID_ARGUMENT (naming the first bad cell) on both paths", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 0.1 });
    const grid = createGrid1D(-1, 1, 11);
    for (const bad of [NaN, Infinity, -Infinity, -1e-300])
      for (const scheme of ["upwind", "muscl"] as const) {
        const f0 = new Float64Array(11).fill(0.5);
        f0[7] = bad;
        f0[9] = -1;
        const messages = [false, true].map((off) => {
          setWasmKernelsEnabled(!off);
          try {
            solveVlasov({ params, grid, f0: [new Float64Array(11), f0] }, { scheme });
          } catch (e) {
            expect(isKineticError(e, "INVALID_ARGUMENT")).toBe(true);
            return (e as Error).message;
          }
          return "no error";
        });
        expect(messages[0]).toContain("`f0[1][7]`");
        expect(messages[0]).toBe(messages[1]);
      }
  });
});

describe("solveVlasov (upwind + Euler): WebAssembly and JavaScript paths agree bit for bit", () => {
  const bump = (m: number, s: number) => (x: number) => Math.exp(-0.5 * ((x - m) / s) ** 2);
  it("1-D, every boundary, several layers, saveAt, odd n, a shortened last step per layer", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: [-1, 0.7, -0.4], b: [0.5, -0.2, 1.1], T: 1.3 });
    for (const boundary of ["zero-flux", "outflow", "periodic"] satisfies Boundary[])
      for (const n of [3, 5, 97, 1001]) {
        const grid = createGrid1D(-3, 2.5, n);
        expectSameSolve(
          { params, grid, f0: bump(0.8, 0.7) },
          { scheme: "upwind", timeStepper: "euler", boundary, saveAt: [0.1, 0.5, 1.3] },
          `${boundary}, n = ${n}`,
        );
        expectSameSolve(
          { params, grid, f0: bump(-0.5, 0.4) },
          { scheme: "upwind", timeStepper: "euler", boundary, dt: 0.45 * grid.dx },
          `${boundary}, n = ${n}, dt`,
        );
      }
  });

  it("1-D: several densities, outflow with a mass-loss threshold (one step per call), max-steps", () => {
    const params = createScalarNetwork({ sigma: "sigmoid", w: 0.3, b: 1, T: 4 });
    const grid = createGrid1D(-6, 6, 121);
    expectSameSolve(
      { params, grid, f0: [bump(3, 1), bump(-2, 0.5)] },
      { scheme: "upwind", timeStepper: "euler", boundary: "outflow" },
      "two densities",
    );
    const [w] = bothPaths({ params, grid, f0: bump(3, 1) }, { scheme: "upwind", boundary: "outflow", massLossThreshold: 0.05 });
    expect(w.status).toBe("mass-lost");
    expectSameSolve({ params, grid, f0: bump(3, 1) }, { scheme: "upwind", boundary: "outflow", massLossThreshold: 0.05 }, "mass-lost");
    expectSameSolve({ params, grid, f0: bump(3, 1) }, { scheme: "upwind", maxSteps: 7 }, "max-steps");
  });

  it("1-D: an overflowing density ends with status non-finite on both paths", () => {
    const params = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1 });
    const grid = createGrid1D(-2, 2, 41);
    const f0 = new Float64Array(41);
    for (let i = 0; i < 41; i++) f0[i] = i % 2 === 0 ? 1.7e308 : 0;
    const [w] = bothPaths({ params, grid, f0 }, { scheme: "upwind" });
    expect(w.status).toBe("non-finite");
    expectSameSolve({ params, grid, f0 }, { scheme: "upwind" }, "non-finite");
  });

  it("2-D, every boundary, several layers, saveAt, odd sizes, two densities", () => {
    const params = createNetwork({
      sigma: "tanh",
      d: 2,
      W: [
        [-1, 0.5, -0.5, -1],
        [0.3, -1, 1, 0.2],
      ],
      b: [
        [0.2, -0.1],
        [0, 0.4],
      ],
      T: 0.8,
    });
    const f0 = (x: number, y: number) => Math.exp(-0.5 * ((x - 0.3) ** 2 + 2 * y * y));
    const g0 = (x: number, y: number) => Math.exp(-((x + 0.5) ** 2 + (y - 0.5) ** 2));
    for (const boundary of ["zero-flux", "outflow", "periodic"] satisfies Boundary[])
      for (const [nx, ny] of [
        [5, 3],
        [17, 23],
        [40, 33],
      ] as const) {
        const grid = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
        expectSameSolve(
          { params, grid, f0: [f0, g0] },
          { scheme: "upwind", timeStepper: "euler", boundary, saveAt: [0.25, 0.8] },
          `${boundary}, ${nx}×${ny}`,
        );
      }
  });

  it("never mutates the caller's cell averages and returns arrays outside the kernel memory", () => {
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1 });
    const grid = createGrid1D(-3, 3, 64);
    const f0 = new Float64Array(64);
    for (let i = 0; i < 64; i++) f0[i] = Math.exp(-0.5 * ((i - 20) / 6) ** 2);
    const copy = f0.slice();
    for (const scheme of ["upwind", "muscl"] as const) {
      const [w, j] = bothPaths({ params, grid, f0: [f0, f0] }, { scheme, saveAt: [0, 0.5] });
      expect(bitDiff(f0, copy)).toEqual([]);
      expect(bitDiff(list(w.f)[1]!, list(j.f)[1]!)).toEqual([]);
      const arena = openUpwindArena([64], 1, 1)!;
      const kernelMemory = arena.faces[0]!.buffer;
      arena.close();
      for (const out of [...list(w.f), ...w.saved.flatMap((x) => list(x))]) expect(out.buffer).not.toBe(kernelMemory);
    }
  });

  it("a solve nested inside another (a user activation that solves) gets its own kernel instance and changes nothing", () => {
    const grid = createGrid1D(-3, 3, 61);
    const inner = () =>
      solveVlasov({ params: createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 0.5 }), grid, f0: bump(0, 1) }, { scheme: "upwind" });
    let nested: Float64Array | null = null;
    const solving: Activation = {
      ...tanh,
      name: "tanh-that-solves",
      sigma: (z: number) => {
        if (nested === null) nested = inner().f;
        return tanh.sigma(z);
      },
    };
    const outer = solveVlasov(
      { params: createScalarNetwork({ sigma: solving, w: -1, b: 0.5, T: 1 }), grid, f0: bump(0.5, 0.8) },
      { scheme: "upwind" },
    );
    const plain = solveVlasov(
      { params: createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1 }), grid, f0: bump(0.5, 0.8) },
      { scheme: "upwind" },
    );
    expect(nested).not.toBeNull();
    expect(bitDiff(outer.f, plain.f)).toEqual([]);
    expect(bitDiff(nested!, inner().f)).toEqual([]);
  });
});
