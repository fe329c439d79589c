import { createConstantNetwork, createScalarNetwork, isKineticError } from "@kinetic-nde/core";
import { createGrid2D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import type { FokkerPlanckWebGpuBackend } from "./solve-1d-webgpu.js";
import { solveFokkerPlanck2DWebGpu } from "./solve-2d-webgpu.js";

// The numerics run in Chromium on the software adapter (test/gpu/webgpu-grid.test.ts); here the input
// checks, which all happen before the first kernel call: the stub backend counts calls and must see none.
let calls = 0;
const backend: FokkerPlanckWebGpuBackend = {
  adapter: { vendor: "stub", architecture: "", device: "", description: "stub", isFallbackAdapter: false },
  fokkerPlanckExplicit: () => {
    calls++;
    return Promise.reject(new Error("the stub backend was called"));
  },
};
const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
const grid = createGrid2D([-3, 3], [-3, 3], 24, 20);
const f0 = (x: number, y: number) => Math.exp(-(x * x + y * y));
const good = { network, grid, f0, D: [0.2, 0.1] as const };

async function expectRefused(p: Promise<unknown>, code: string, field: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a ${code} error naming ${field}`).toBeDefined();
  expect(isKineticError(e), String(e)).toBe(true);
  expect((e as { code: string }).code, String(e)).toBe(code);
  expect((e as Error).message).toContain(field);
}

describe("solveFokkerPlanck2DWebGpu: bad input, refused before any kernel call", () => {
  const bad: [string, () => Promise<unknown>, string, string][] = [
    ["no backend", () => solveFokkerPlanck2DWebGpu(null as never, good), "INVALID_ARGUMENT", "`backend`"],
    ["an implicit method", () => solveFokkerPlanck2DWebGpu(backend, good, { method: "implicit-euler" }), "UNSUPPORTED", "`method`"],
    ["Crank–Nicolson", () => solveFokkerPlanck2DWebGpu(backend, good, { method: "crank-nicolson" }), "UNSUPPORTED", "`method`"],
    ["dt above the explicit bound", () => solveFokkerPlanck2DWebGpu(backend, good, { dt: 0.5 }), "UNSTABLE", "`dt`"],
    ["dt negative", () => solveFokkerPlanck2DWebGpu(backend, good, { dt: -0.1 }), "INVALID_ARGUMENT", "`dt`"],
    ["safety 0", () => solveFokkerPlanck2DWebGpu(backend, good, { safety: 0 }), "INVALID_ARGUMENT", "`safety`"],
    ["safety above 1", () => solveFokkerPlanck2DWebGpu(backend, good, { safety: 1.5 }), "INVALID_ARGUMENT", "`safety`"],
    ["safety NaN", () => solveFokkerPlanck2DWebGpu(backend, good, { safety: Number.NaN }), "INVALID_ARGUMENT", "`safety`"],
    ["too many steps at the bound", () => solveFokkerPlanck2DWebGpu(backend, good, { maxSteps: 3 }), "TOO_LARGE", "`maxSteps`"],
    ["too many steps of a given dt", () => solveFokkerPlanck2DWebGpu(backend, good, { dt: 0.001, maxSteps: 30 }), "TOO_LARGE", "`dt`"],
    ["maxSteps 0", () => solveFokkerPlanck2DWebGpu(backend, good, { maxSteps: 0 }), "INVALID_ARGUMENT", "`maxSteps`"],
    ["an unknown option", () => solveFokkerPlanck2DWebGpu(backend, good, { theta: 1 } as never), "INVALID_ARGUMENT", "`options.theta`"],
    ["options null", () => solveFokkerPlanck2DWebGpu(backend, good, null as never), "INVALID_ARGUMENT", "`options`"],
    ["options an array", () => solveFokkerPlanck2DWebGpu(backend, good, [] as never), "INVALID_ARGUMENT", "`options`"],
    [
      "an unknown boundary",
      () => solveFokkerPlanck2DWebGpu(backend, good, { boundary: "reflecting" as never }),
      "INVALID_ARGUMENT",
      "`boundary`",
    ],
    ["saveAt beyond T", () => solveFokkerPlanck2DWebGpu(backend, good, { saveAt: [2] }), "INVALID_ARGUMENT", "saveAt"],
    [
      "a 1-D network",
      () => solveFokkerPlanck2DWebGpu(backend, { ...good, network: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }) }),
      "SHAPE_MISMATCH",
      "`network.d`",
    ],
    ["f0 of the wrong length", () => solveFokkerPlanck2DWebGpu(backend, { ...good, f0: new Float64Array(7) }), "SHAPE_MISMATCH", "`f0`"],
    [
      "f0 with NaN",
      () => solveFokkerPlanck2DWebGpu(backend, { ...good, f0: new Float64Array(24 * 20).fill(Number.NaN) }),
      "INVALID_ARGUMENT",
      "`f0",
    ],
    [
      "f0 negative",
      () => solveFokkerPlanck2DWebGpu(backend, { ...good, f0: new Float64Array(24 * 20).fill(1).fill(-1, 3, 4) }),
      "INVALID_ARGUMENT",
      "`f0[3]`",
    ],
    ["D_x zero", () => solveFokkerPlanck2DWebGpu(backend, { ...good, D: [0, 0.1] }), "INVALID_ARGUMENT", "`D[0]`"],
    [
      "D_y infinite",
      () => solveFokkerPlanck2DWebGpu(backend, { ...good, D: [0.1, Number.POSITIVE_INFINITY] }),
      "INVALID_ARGUMENT",
      "`D[1]`",
    ],
    ["T negative", () => solveFokkerPlanck2DWebGpu(backend, { ...good, T: -1 }), "INVALID_ARGUMENT", "`T`"],
  ];
  for (const [name, call, code, field] of bad) {
    it(`${name} → ${code} naming ${field}`, async () => {
      calls = 0;
      await expectRefused(call(), code, field);
      expect(calls).toBe(0);
    });
  }
});
