import { afterAll, describe, expect, it } from "vitest";
import {
  createNetwork,
  createScalarNetwork,
  forwardResnetInto,
  solveOde,
  solveSde,
  isKineticError,
  type Activation,
} from "../src/index.js";
import { expectKineticError } from "../src/testing.js";
import { createWorkerPool } from "../src/node/index.js";

const pool2 = createWorkerPool({ threads: 2, minChunk: 100 });
const pool3 = createWorkerPool({ threads: 3, minChunk: 100 });
afterAll(async () => {
  await pool2.close();
  await pool3.close();
});

function sameBits(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  return diff;
}

const L = 12;
const net1 = createScalarNetwork({
  sigma: "tanh",
  w: Array.from({ length: L }, (_, k) => -1 + 0.5 * Math.sin(k)),
  b: Array.from({ length: L }, (_, k) => 0.1 * Math.cos(k)),
  dt: 1 / L,
});
const W = Array.from({ length: L }, (_, k) => [-1 + 0.3 * Math.sin(k), 0.5 * Math.cos(k), -0.5 * Math.cos(k), -1 + 0.3 * Math.cos(2 * k)]);
const net2 = createNetwork({ sigma: "tanh", d: 2, W, b: W.map((r) => [0.1 * r[1]!, -0.2 * r[0]!]), dt: 1 / L });
const netRelu = createNetwork({ sigma: "leaky-relu", d: 2, W, b: W.map((r) => [0.1, r[2]!]), dt: 1 / L });

describe("createWorkerPool: multi-core solves are bit-identical to the single-thread solvers", () => {
  it("solveOde: Euler and RK4, 1-D and 2-D, tanh and leaky ReLU, save points, 2 and 3 threads", async () => {
    await Promise.all([pool2.ready(), pool3.ready()]);
    for (const [net, M] of [
      [net1, 1001],
      [net2, 777],
      [netRelu, 500],
    ] as const) {
      const x0 = Float64Array.from({ length: M * net.d }, (_, i) => 3 * Math.sin(0.37 * i));
      for (const opts of [{ method: "euler" }, { method: "rk4", stepsPerLayer: 2, saveAt: [0, 0.25, 1 / 3, 1] }] as const) {
        const ref = solveOde(net, x0, opts);
        for (const pool of [pool2, pool3]) {
          const r = await pool.solveOde(net, x0, opts);
          expect(r.status).toBe("success");
          expect(sameBits(r.x, ref.x)).toBe(0);
          expect(sameBits(r.saved, ref.saved)).toBe(0);
          expect(r.t).toBe(ref.t);
          expect(r.stats).toEqual(ref.stats);
        }
      }
    }
  });

  it("solveOdeInto: in place (out = x0) and into a given array, repeatedly (reused scratch memory)", async () => {
    for (const [net, M] of [
      [net1, 20011],
      [net2, 9001],
    ] as const) {
      const x0 = Float64Array.from({ length: M * net.d }, (_, i) => 3 * Math.sin(0.37 * i));
      const ref = Float64Array.from(x0);
      forwardResnetInto(net, ref, ref);
      for (let rep = 0; rep < 2; rep++) {
        const inPlace = Float64Array.from(x0);
        const r = await pool3.solveOdeInto(net, inPlace, inPlace, { method: "euler" });
        expect(r.x).toBe(inPlace);
        expect(sameBits(inPlace, ref)).toBe(0);
        const out = new Float64Array(x0.length);
        await pool2.solveOdeInto(net, x0, out, { method: "euler" });
        expect(sameBits(out, ref)).toBe(0);
      }
    }
  });

  it("concurrent calls on one pool queue up and each gets its own result", async () => {
    const xa = Float64Array.from({ length: 12001 }, (_, i) => Math.sin(i));
    const xb = Float64Array.from({ length: 12001 }, (_, i) => Math.cos(0.3 * i)); // same size: same scratch buffers
    const noisy = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, dt: 0.01, nLayers: 20, K: 0.5 });
    const [ra, rb, rc] = await Promise.all([
      pool2.solveOde(net1, xa, { method: "euler" }),
      pool2.solveOde(net1, xb, { method: "rk4" }),
      pool2.solveSde(noisy, xa, { seed: 4 }),
    ]);
    expect(sameBits(ra.x, solveOde(net1, xa, { method: "euler" }).x)).toBe(0);
    expect(sameBits(rb.x, solveOde(net1, xb, { method: "rk4" }).x)).toBe(0);
    expect(sameBits(rc.x, solveSde(noisy, xa, { seed: 4 }).x)).toBe(0);
  });

  it("solveSde: each chunk uses its particles' streams (Euler–Maruyama and Milstein, saves)", async () => {
    const noisy = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, dt: 0.01, nLayers: 40, K: 0.5 });
    const x0 = Float64Array.from({ length: 1003 }, (_, i) => -3 + (6 * (i + 0.5)) / 1003);
    for (const opts of [
      { method: "euler-maruyama", seed: 7 },
      { method: "milstein", seed: 9, firstStream: 5, saveAt: [0, 0.1, 0.4] },
    ] as const) {
      const ref = solveSde(noisy, x0, opts);
      for (const pool of [pool2, pool3]) {
        const r = await pool.solveSde(noisy, x0, opts);
        expect(sameBits(r.x, ref.x)).toBe(0);
        expect(sameBits(r.saved, ref.saved)).toBe(0);
        expect([r.t, r.h, r.status, r.failedParticle]).toEqual([ref.t, ref.h, ref.status, ref.failedParticle]);
      }
    }
  });

  it("a blow-up gives the single-thread result (status, time, failed particle, state)", async () => {
    const grow = createScalarNetwork({ sigma: "identity", w: 40, b: 0, T: 20, nLayers: 20 });
    const x0 = Float64Array.from({ length: 900 }, (_, i) => (i === 700 ? 1e120 : 1e-3 * i));
    const ref = solveOde(grow, x0, { method: "euler" });
    const r = await pool3.solveOde(grow, x0, { method: "euler" });
    expect(ref.status).toBe("non-finite");
    expect([r.status, r.t, r.failedParticle]).toEqual([ref.status, ref.t, ref.failedParticle]);
    expect(sameBits(r.x, ref.x)).toBe(0);
    // In place: x0 is overwritten only with the single-thread result.
    const inPlace = Float64Array.from(x0);
    const ri = await pool3.solveOdeInto(grow, inPlace, inPlace, { method: "euler" });
    expect([ri.status, ri.t, ri.failedParticle]).toEqual([ref.status, ref.t, ref.failedParticle]);
    expect(sameBits(inPlace, ref.x)).toBe(0);
    const noisy = createScalarNetwork({ sigma: "identity", w: 40, b: 0, T: 20, nLayers: 20, K: 0.1 });
    const refS = solveSde(noisy, x0, { seed: 3 });
    const rS = await pool3.solveSde(noisy, x0, { seed: 3 });
    expect(refS.status).toBe("non-finite");
    expect([rS.status, rS.t, rS.failedParticle]).toEqual([refS.status, refS.t, refS.failedParticle]);
    expect(sameBits(rS.x, refS.x)).toBe(0);
  });

  it("user activations, dopri5 and bad input run on the calling thread (same results, same errors)", async () => {
    const user: Activation = {
      name: "cubic-ish",
      formula: "z/(1+z^2)",
      sigma: (z) => z / (1 + z * z),
      dsigma: (z) => (1 - z * z) / (1 + z * z) ** 2,
      d2sigma: (z) => (2 * z * (z * z - 3)) / (1 + z * z) ** 3,
      properties: { zeroAtZero: true, positive: false, monotone: false, bounded: true, lipschitz: 1, smooth: true },
    };
    const netU = createScalarNetwork({ sigma: user, w: -1, b: 0.3, T: 1, nLayers: 5 });
    const x0 = Float64Array.from({ length: 800 }, (_, i) => Math.cos(i));
    expect(sameBits((await pool2.solveOde(netU, x0, { method: "euler" })).x, solveOde(netU, x0, { method: "euler" }).x)).toBe(0);
    expect(sameBits((await pool2.solveOde(net1, x0)).x, solveOde(net1, x0).x)).toBe(0);
    const bad = Float64Array.from(x0);
    bad[650] = NaN;
    await expect(pool2.solveOde(net1, bad, { method: "euler" })).rejects.toThrow(/x0\[650\]/);
    await expect(pool2.solveOde(net1, x0, { method: "euler", stepsPerLayer: 0 })).rejects.toSatisfy((e: unknown) =>
      isKineticError(e, "INVALID_ARGUMENT"),
    );
    expect(() => createWorkerPool({ threads: 0 })).toThrow(/threads/);
    const closed = createWorkerPool({ threads: 2, minChunk: 1 });
    await closed.close();
    await expect(closed.solveOde(net1, x0, { method: "euler" })).rejects.toThrow(/closed/);
  });
});

describe("createWorkerPool({ workerFile }): the worker script of a bundled application", () => {
  it("runs a worker bundled into one file by esbuild, bit-identical to solveOde", async () => {
    const { build } = await import("esbuild");
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "kinetic-worker-"));
    try {
      const file = join(dir, "kinetic-worker.mjs");
      await build({
        entryPoints: [new URL("../src/node/worker.ts", import.meta.url).pathname],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: file,
        logLevel: "error",
      });
      for (const workerFile of [file, new URL(`file://${file}`)]) {
        const pool = createWorkerPool({ threads: 3, minChunk: 100, workerFile });
        try {
          const x0 = Float64Array.from({ length: 2000 }, (_, i) => 3 * Math.sin(0.37 * i));
          const r = await pool.solveOde(net1, x0, { method: "rk4" });
          expect(sameBits(r.x, solveOde(net1, x0, { method: "rk4" }).x)).toBe(0);
        } finally {
          await pool.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a missing worker file fails the solve with SOLVER_FAILED; a bad value is INVALID_ARGUMENT", async () => {
    const pool = createWorkerPool({ threads: 2, minChunk: 1, workerFile: "/nonexistent/kinetic-worker.js" });
    const x0 = Float64Array.from({ length: 500 }, (_, i) => Math.cos(i));
    await expect(pool.ready().then(() => pool.solveOde(net1, x0, { method: "euler" }))).rejects.toSatisfy((e: unknown) =>
      isKineticError(e, "SOLVER_FAILED"),
    );
    await pool.close();
    for (const workerFile of ["", 42 as unknown as string]) {
      expectKineticError(() => createWorkerPool({ threads: 2, workerFile }), "INVALID_ARGUMENT", /options\.workerFile/);
    }
  });
});
