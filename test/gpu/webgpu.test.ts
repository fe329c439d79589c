/**
 * The WebGPU backend against the f64 CPU path, in Chromium on its software adapter (SwiftShader).
 *
 * Tolerances come from f32 rounding, u = 2^-24. A fixed-step solve of n steps with s stages commits
 * per step a local error of at most a few u·(|x| + h|σ|) (the update, the affine map, the activation,
 * which is within a few ulps plus ~1e-7 absolute) and the rounding of x0, W and b; the flow amplifies
 * errors by at most G = exp(T·Lip(σ)·‖W‖∞). Hence per coordinate
 *   |x_f32 - x_f64| ≤ C · (n + 1) · u · (1 + max|x|) · G,  C = 16,
 * which also bounds the error of the mean. Euler–Maruyama adds the f32 normals (Box–Muller in f32:
 * a few ulps of r, plus the 24-bit angle polynomial < 1e-8), same form. Histogram counts are exact;
 * a particle can change cell only when f32 rounding of x or of (x - xMin)/dx crosses a cell edge, so
 * the L1 distance to the f64 histogram is at most 2·k/M, k the particles within 1e-5 cells of an edge.
 * Upwind advection under CFL ≤ 1 is a convex combination (L1-nonexpansive), so the rounding of each
 * step (a few u of the cell and its neighbours) adds up: L1 error ≤ C·(steps + 1)·u·‖f0‖₁, the same
 * bound for the mass drift (zero-flux, periodic), and f ≥ -C·(steps + 1)·u·max f0.
 */
import { createNetwork, createRng, type NetworkParams, solveOde, solveSde } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { depositHistogram } from "@kinetic-nde/mean-field";
import {
  advectionStage1D,
  advectionStage2D,
  createFaceCoefficients1D,
  createFaceCoefficients2D,
  networkFaceCoefficients1DInto,
  networkFaceCoefficients2DInto,
} from "@kinetic-nde/mean-field/fluxes";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createWebGpuBackend, philoxNormals } from "@kinetic-nde/core/webgpu";
import { type GpuPage, openGpuPage } from "./browser.js";
import type { NetJson } from "./page.js";

const U = 2 ** -24;
const C = 16;
const SKIP = process.env.KN_SKIP_GPU === "1";
const ACTIVATIONS = ["identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"] as const;
const LIP: Record<(typeof ACTIVATIONS)[number], number> = { identity: 1, tanh: 1, sigmoid: 0.25, relu: 1, "leaky-relu": 1, softplus: 1 };
const METHODS = [
  { method: "euler", stages: 1 },
  { method: "heun", stages: 2 },
  { method: "rk4", stages: 4 },
] as const;

let gpu: GpuPage | undefined;
let skipped = "";

beforeAll(async () => {
  try {
    gpu = await openGpuPage();
    await gpu.call("adapter");
  } catch (e) {
    if (!SKIP) throw new Error(`the WebGPU suite needs Chromium with WebGPU on SwiftShader (set KN_SKIP_GPU=1 to skip): ${String(e)}`);
    skipped = String(e);
    console.warn(`WebGPU suite skipped (KN_SKIP_GPU=1): ${skipped}`);
  }
}, 120_000);

afterAll(async () => {
  await gpu?.close();
});

/** The page, or a skip when KN_SKIP_GPU=1 and there is no WebGPU. */
function page(ctx: { skip: (note?: string) => void }): GpuPage {
  if (gpu === undefined) ctx.skip(`no WebGPU: ${skipped}`);
  return gpu!;
}

function net(j: NetJson): NetworkParams {
  const noise = j.K ? { noise: { kind: "constant" as const, K: new Float64Array(j.K) } } : {};
  return createNetwork({ sigma: j.sigma, d: j.d, W: j.W, b: j.b, dt: j.dt, ...noise });
}

/** A random network: L layers of d×d weights N(0, 0.36/d) minus ½ on the diagonal, biases N(0, 0.25). */
function randomNet(sigma: string, d: number, L: number, dt: number, seed: number, K?: number[]): NetJson {
  const rng = createRng(seed);
  const W: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < L; k++) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) W.push((0.6 / Math.sqrt(d)) * rng.normal() - (i === j ? 0.5 : 0));
    for (let i = 0; i < d; i++) b.push(0.5 * rng.normal());
  }
  return { sigma, d, W, b, dt, ...(K ? { K } : {}) };
}

function randomEnsemble(M: number, d: number, seed: number, scale = 1.5): number[] {
  const rng = createRng(seed);
  return Array.from({ length: M * d }, () => scale * rng.normal());
}

/** max over layers of the ∞-norm of W^k. */
function normW(j: NetJson): number {
  let m = 0;
  for (let k = 0; k < j.W.length / (j.d * j.d); k++) {
    for (let i = 0; i < j.d; i++) {
      let s = 0;
      for (let c = 0; c < j.d; c++) s += Math.abs(j.W[k * j.d * j.d + i * j.d + c]!);
      m = Math.max(m, s);
    }
  }
  return m;
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

function mean(x: ArrayLike<number>, d: number, j: number): number {
  let s = 0;
  for (let i = j; i < x.length; i += d) s += x[i]!;
  return s / (x.length / d);
}

describe("WebGPU backend without a GPU (Node)", () => {
  test("no navigator.gpu, no adapter: UNSUPPORTED; bad options: INVALID_ARGUMENT", async () => {
    await expect(createWebGpuBackend()).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(createWebGpuBackend({ gpu: { requestAdapter: async () => null } })).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(createWebGpuBackend({ workgroupSize: 3 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(createWebGpuBackend({ particlesPerDispatch: 0 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(createWebGpuBackend({ device: undefined, colour: 1 } as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("WebGPU backend on the software adapter", () => {
  test("the adapter is reported (also by a backend given only the device)", async (ctx) => {
    const g = page(ctx);
    const a = await g.call("adapter");
    expect(typeof a.vendor).toBe("string");
    expect(a.architecture.length + a.vendor.length).toBeGreaterThan(0);
    const r = await g.call("histogram", [0.5], { kind: "1d", xMin: 0, dx: 1, n: 1 }, { workgroupSize: 16 });
    if ("error" in r) throw new Error(r.message);
    expect(r.adapter.vendor).toBe(a.vendor);
    expect(r.adapter.architecture).toBe(a.architecture);
  });

  for (const d of [1, 2, 5]) {
    for (const sigma of ACTIVATIONS) {
      test(`fixed-step ODE, d = ${d}, ${sigma}: every method within C·n·u·(1 + max|x|)·G of f64`, async (ctx) => {
        const g = page(ctx);
        const L = 12;
        const j = randomNet(sigma, d, L, 0.05, 100 + d);
        const x0 = randomEnsemble(200, d, 7 + d);
        const params = net(j);
        for (const { method, stages } of METHODS) {
          const spl = method === "euler" ? 1 : 2;
          const r = await g.call("ode", j, x0, { method, stepsPerLayer: spl });
          if ("error" in r) throw new Error(r.message);
          const cpu = solveOde(params, new Float64Array(x0), { method, stepsPerLayer: spl });
          expect(r.status).toBe("success");
          expect(r.t).toBe(cpu.t);
          expect(r.stats).toEqual({ steps: L * spl, rejected: 0, rhsEvals: L * spl * stages });
          expect(r.precision).toBe("f32");
          const n = L * spl;
          const G = Math.exp(params.T * LIP[sigma] * normW(j));
          const scale = 1 + Math.max(maxAbs(x0), maxAbs(cpu.x));
          const tol = C * (n + 1) * U * scale * G;
          expectAllClose(r.x, cpu.x, { atol: tol, rtol: 0 });
          for (let c = 0; c < d; c++) expectAllClose(mean(r.x, d, c), mean(cpu.x, d, c), { atol: tol, rtol: 0 });
        }
      });
    }
  }

  test("the ResNet forward pass: 100 tanh layers, f32 mean within C·L·u of f64", async (ctx) => {
    const g = page(ctx);
    const j = randomNet("tanh", 2, 100, 0.01, 5);
    const x0 = randomEnsemble(2000, 2, 6);
    const params = net(j);
    const r = await g.call("ode", j, x0, {});
    if ("error" in r) throw new Error(r.message);
    const cpu = solveOde(params, new Float64Array(x0), { method: "euler" });
    const G = Math.exp(params.T * normW(j));
    const tol = C * 101 * U * (1 + maxAbs(x0)) * G;
    expectAllClose(r.x, cpu.x, { atol: tol, rtol: 0 });
    expectAllClose(mean(r.x, 2, 0), mean(cpu.x, 2, 0), { atol: tol, rtol: 0 });
  });

  test("a blow-up: status non-finite, x the last finite state, the lowest failing particle", async (ctx) => {
    const g = page(ctx);
    // x ← x + 1·100·x = 101 x: |x| passes 1e30 (the f32 threshold) at step 15 for |x0| = 1
    const j: NetJson = { sigma: "identity", d: 1, W: new Array(100).fill(100), b: new Array(100).fill(0), dt: 1 };
    const x0 = [0.5, 1, -1, 0.25];
    const r = await g.call("ode", j, x0, {});
    if ("error" in r) throw new Error(r.message);
    expect(r.status).toBe("non-finite");
    expect(solveOde(net(j), new Float64Array(x0), { method: "euler" }).status).toBe("non-finite");
    expect(r.failedParticle).toBe(1);
    expect(r.t).toBe(14);
    expect(r.stats.steps).toBe(14);
    expectAllClose(
      r.x,
      x0.map((v) => v * 101 ** 14),
      { rtol: 16 * U, atol: 0 },
    );
  });

  test("results do not depend on workgroup size, dispatch split or step chunking (bit-identical)", async (ctx) => {
    const g = page(ctx);
    const j = randomNet("tanh", 2, 30, 0.05, 11, [0.3, 0.1, 0, 0.2]);
    const x0 = randomEnsemble(1000, 2, 12);
    const shapes = [{}, { workgroupSize: 32, particlesPerDispatch: 300, workPerDispatch: 7000 }, { workgroupSize: 256 }];
    const odes = [];
    const sdes = [];
    for (const s of shapes) {
      const o = await g.call("ode", j, x0, { method: "rk4" }, s);
      const e = await g.call("sde", j, x0, { seed: 2 ** 40 + 3, stepsPerLayer: 2 }, s);
      if ("error" in o) throw new Error(o.message);
      if ("error" in e) throw new Error(e.message);
      odes.push(o.x);
      sdes.push(e.x);
    }
    for (let s = 1; s < shapes.length; s++) {
      expect(odes[s]).toEqual(odes[0]);
      expect(sdes[s]).toEqual(sdes[0]);
    }
  });

  for (const d of [1, 2, 6]) {
    test(`Euler–Maruyama, d = ${d}: pathwise within C·(n+1)·u·scale·G of f64 with the same Philox normals`, async (ctx) => {
      const g = page(ctx);
      const L = 10;
      const spl = 3;
      const K = Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 0.4 : 0.1));
      const j = randomNet("tanh", d, L, 0.1, 40 + d, K);
      const M = 128;
      const x0 = randomEnsemble(M, d, 41 + d);
      const seed = 987654321;
      const first = 1000;
      const r = await g.call("sde", j, x0, { seed, stepsPerLayer: spl, firstParticle: first });
      if ("error" in r) throw new Error(r.message);
      expect(r.status).toBe("success");
      // f64 Euler–Maruyama with the CPU twin of the kernel's normals
      const p = net(j);
      const h = p.dt / spl;
      const x = Float64Array.from(x0);
      const xi = new Float64Array(d);
      const a = new Float64Array(d);
      let maxNormal = 0;
      for (let i = 0; i < M; i++) {
        const xs = x.subarray(i * d, (i + 1) * d);
        for (let k = 0; k < L * spl; k++) {
          const l = Math.floor(k / spl);
          for (let q = 0; q < d; q++) {
            let z = p.b[l * d + q]!;
            for (let c = 0; c < d; c++) z += p.W[l * d * d + q * d + c]! * xs[c]!;
            a[q] = Math.tanh(z);
          }
          philoxNormals(seed, first + i, k, xi);
          maxNormal = Math.max(maxNormal, maxAbs(xi));
          for (let q = 0; q < d; q++) {
            let gq = 0;
            for (let c = 0; c < d; c++) gq += K[q * d + c]! * xi[c]!;
            xs[q] = xs[q]! + h * a[q]! + Math.sqrt(h) * gq;
          }
        }
      }
      const n = L * spl;
      const G = Math.exp(p.T * normW(j));
      const scale = 1 + Math.max(maxAbs(x0), maxAbs(x)) + Math.sqrt(h) * maxAbs(K) * d * maxNormal;
      expectAllClose(r.x, x, { atol: C * (n + 1) * U * scale * G, rtol: 0 });
    });
  }

  test("Euler–Maruyama, Ornstein–Uhlenbeck: mean and variance agree with the f64 CPU solveSde within 5 standard errors", async (ctx) => {
    const g = page(ctx);
    const j: NetJson = { sigma: "identity", d: 1, W: [-1], b: [0.3], dt: 0.05, K: [0.7] };
    const M = 20000;
    const x0 = new Array(M).fill(1);
    const r = await g.call("sde", { ...j, W: new Array(20).fill(-1), b: new Array(20).fill(0.3) }, x0, { seed: 1 });
    if ("error" in r) throw new Error(r.message);
    const p = net({ ...j, W: new Array(20).fill(-1), b: new Array(20).fill(0.3) });
    const cpu = solveSde(p, new Float64Array(x0), { seed: 1 });
    const stats = (v: ArrayLike<number>) => {
      const m = mean(v, 1, 0);
      let s = 0;
      for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
      return { m, v: s / (v.length - 1) };
    };
    const a = stats(r.x);
    const b = stats(cpu.x);
    // two independent samples: the difference of means has variance 2v/M, of variances 2·2v²/(M-1)
    expect(Math.abs(a.m - b.m)).toBeLessThan(5 * Math.sqrt((2 * b.v) / M));
    expect(Math.abs(a.v - b.v)).toBeLessThan(5 * b.v * Math.sqrt(4 / (M - 1)));
    // and the exact law of the scheme: x_{k+1} = (1 - h) x_k + 0.3 h + 0.7 √h ξ
    let m = 1;
    let v = 0;
    for (let k = 0; k < 20; k++) {
      m = (1 - 0.05) * m + 0.3 * 0.05;
      v = (1 - 0.05) ** 2 * v + 0.49 * 0.05;
    }
    expect(Math.abs(a.m - m)).toBeLessThan(5 * Math.sqrt(v / M));
    expect(Math.abs(a.v - v)).toBeLessThan(5 * v * Math.sqrt(2 / (M - 1)));
  });

  test("Euler–Maruyama blow-up: NaN particles, their count and the earliest failure", async (ctx) => {
    const g = page(ctx);
    const j: NetJson = { sigma: "identity", d: 1, W: new Array(60).fill(100), b: new Array(60).fill(0), dt: 1, K: [1] };
    const x0 = [1e-20, 1, 1e-20, 1];
    const r = await g.call("sde", j, x0, { seed: 4 });
    if ("error" in r) throw new Error(r.message);
    expect(r.status).toBe("non-finite");
    const nan = r.x.filter((v) => Number.isNaN(v)).length;
    expect(nan).toBe(4);
    expect(r.stats.blownUp).toBe(4);
    expect(r.t).toBeLessThan(60);
    expect([0, 1, 2, 3]).toContain(r.failedParticle);
  });

  test("histograms, 1-D and 2-D: exact mass, L1 distance to depositHistogram within the edge-particle bound", async (ctx) => {
    const g = page(ctx);
    for (const d of [1, 2] as const) {
      const M = 20000;
      const x = randomEnsemble(M, d, 90 + d, 1.2);
      const grid = d === 1 ? createGrid1D(-3, 2.5, 57) : createGrid2D([-3, 2.5], [-2, 3], 23, 31);
      const r = await g.call("histogram", x, grid);
      if ("error" in r) throw new Error(r.message);
      const cpu = depositHistogram(new Float64Array(x), grid);
      const vol = grid.kind === "1d" ? grid.dx : grid.dx * grid.dy;
      let l1 = 0;
      let cpuMass = 0;
      for (let c = 0; c < cpu.length; c++) {
        l1 += Math.abs(r.f[c]! - cpu[c]!) * vol;
        cpuMass += cpu[c]! * vol;
      }
      // particles within 1e-5 cells of an edge (the only ones f32 rounding can move)
      let k = 0;
      for (let i = 0; i < M; i++) {
        for (let c = 0; c < d; c++) {
          const u =
            grid.kind === "1d"
              ? (x[i]! - grid.xMin) / grid.dx
              : c === 0
                ? (x[2 * i]! - grid.xMin) / grid.dx
                : (x[2 * i + 1]! - grid.yMin) / grid.dy;
          if (Math.abs(u - Math.round(u)) < 1e-5) k++;
        }
      }
      expect(l1).toBeLessThanOrEqual((2 * k) / M + 1e-12);
      expect(Math.abs(r.mass - cpuMass)).toBeLessThanOrEqual(k / M + 1e-12);
      expect(r.counts.reduce((s, v) => s + v, 0)).toBe(Math.round(r.mass * M));
    }
  });

  test("histogram counts do not depend on workgroup size or dispatch split", async (ctx) => {
    const g = page(ctx);
    const x = randomEnsemble(5000, 2, 3);
    const grid = createGrid2D([-3, 3], [-3, 3], 16, 16);
    const a = await g.call("histogram", x, grid);
    const b = await g.call("histogram", x, grid, { workgroupSize: 16, particlesPerDispatch: 777 });
    if ("error" in a || "error" in b) throw new Error("histogram failed");
    expect(b.counts).toEqual(a.counts);
  });

  for (const boundary of ["zero-flux", "outflow", "periodic"] as const) {
    test(`upwind advection, 1-D and 2-D, ${boundary}: L1 within C·(steps+1)·u·‖f0‖₁ of f64, mass and positivity`, async (ctx) => {
      const g = page(ctx);
      const steps = 60;
      const periodic = boundary === "periodic";
      // a drift σ(Wx + b) that carries a bump near the right edge across it (wrap, outflow, wall)
      // 1-D
      const g1 = createGrid1D(-4, 4, 300);
      const p1 = createNetwork({ sigma: "tanh", d: 1, W: [0.1], b: [0.8], dt: 1 });
      const c1 = networkFaceCoefficients1DInto(p1, 0, g1, boundary, createFaceCoefficients1D(g1.n));
      const lam1 = 0.9 / c1.rate / g1.dx;
      const f1 = Array.from({ length: g1.n }, (_, j) => Math.exp(-(((g1.xMin + (j + 0.5) * g1.dx - 3) / 0.6) ** 2)));
      // 2-D
      const g2 = createGrid2D([-3, 3], [-3, 3], 48, 40);
      const p2 = createNetwork({ sigma: "tanh", d: 2, W: [0.1, 0.2, -0.2, 0.1], b: [0.6, -0.4], dt: 1 });
      const c2 = networkFaceCoefficients2DInto(p2, 0, g2, boundary, createFaceCoefficients2D(g2));
      const dt2 = 0.9 / c2.rate;
      const f2: number[] = [];
      for (let i = 0; i < g2.nx; i++) {
        for (let j = 0; j < g2.ny; j++) {
          const x = g2.xMin + (i + 0.5) * g2.dx;
          const y = g2.yMin + (j + 0.5) * g2.dy;
          f2.push(Math.exp(-((x - 2) ** 2 + (y + 2) ** 2) / 0.5));
        }
      }
      const cases = [
        {
          f0: f1,
          vol: g1.dx,
          gpu: await g.call("advect", f1, { ap: Array.from(c1.ap), am: Array.from(c1.am) }, { steps, lambda: lam1, periodic }),
          cpu: (src: Float64Array, dst: Float64Array) => advectionStage1D(c1, src, null, periodic, 0, src, 1, lam1, dst),
        },
        {
          f0: f2,
          vol: g2.dx * g2.dy,
          gpu: await g.call(
            "advect",
            f2,
            { nx: g2.nx, ny: g2.ny, axp: Array.from(c2.axp), axm: Array.from(c2.axm), ayp: Array.from(c2.ayp), aym: Array.from(c2.aym) },
            { steps, lambda: [dt2 / g2.dx, dt2 / g2.dy], periodic },
          ),
          cpu: (src: Float64Array, dst: Float64Array) =>
            advectionStage2D(
              g2,
              c2,
              src,
              null,
              null,
              periodic,
              0,
              src,
              1,
              dt2 / g2.dx,
              dt2 / g2.dy,
              dst,
              new Float64Array(g2.ny),
              new Float64Array(g2.ny),
            ),
        },
      ];
      for (const { f0, vol, gpu: r, cpu } of cases) {
        if ("error" in r) throw new Error(r.message);
        expect(r.status).toBe("success");
        expect(r.stats.steps).toBe(steps);
        expect(r.stats.rhsEvals).toBe(steps);
        expect(r.stats.cfl).toBeLessThanOrEqual(0.9 + 1e-6);
        let src = Float64Array.from(f0);
        let dst = new Float64Array(f0.length);
        for (let k = 0; k < steps; k++) {
          cpu(src, dst);
          [src, dst] = [dst, src];
        }
        let l1 = 0;
        let mass0 = 0;
        let mass = 0;
        let min = Infinity;
        for (let i = 0; i < f0.length; i++) {
          l1 += Math.abs(r.f[i]! - src[i]!) * vol;
          mass0 += f0[i]! * vol;
          mass += r.f[i]! * vol;
          min = Math.min(min, r.f[i]!);
        }
        const bound = C * (steps + 1) * U;
        expect(l1).toBeLessThanOrEqual(bound * mass0);
        expect(min).toBeGreaterThanOrEqual(-bound * maxAbs(f0));
        // the reported masses are plain sums (cellVolume 1)
        expectAllClose(r.mass * vol, mass, { rtol: 1e-12, atol: 0 });
        expectAllClose(r.initialMass * vol, mass0, { rtol: U, atol: 0 });
        if (boundary !== "outflow") expectAllClose(mass, mass0, { rtol: bound, atol: 0 });
        else expect(mass).toBeLessThan(mass0); // the field carries mass out
      }
    });
  }

  test("upwind advection does not depend on workgroup size or dispatch split (bit-identical)", async (ctx) => {
    const g = page(ctx);
    const f = Array.from({ length: 1000 }, (_, j) => Math.sin(j / 50) ** 2);
    const ap = Array.from({ length: 1001 }, (_, j) => (j % 7) / 10);
    const am = Array.from({ length: 1001 }, (_, j) => -(j % 5) / 10);
    const a = await g.call("advect", f, { ap, am }, { steps: 20, lambda: 0.8 });
    const b = await g.call("advect", f, { ap, am }, { steps: 20, lambda: 0.8 }, { workgroupSize: 8, particlesPerDispatch: 333 });
    if ("error" in a || "error" in b) throw new Error("advection failed");
    expect(b.f).toEqual(a.f);
  });

  const badJson: [string, () => Promise<unknown>, string][] = [
    ["unknown option", () => gpu!.call("ode", randomNet("tanh", 1, 2, 0.1, 1), [1], { saveAt: 2 }), "INVALID_ARGUMENT"],
    ["adaptive method", () => gpu!.call("ode", randomNet("tanh", 1, 2, 0.1, 1), [1], { method: "dopri5" }), "INVALID_ARGUMENT"],
    ["tEnd off the step grid", () => gpu!.call("ode", randomNet("tanh", 1, 2, 0.1, 1), [1], { tEnd: 0.15 }), "INVALID_ARGUMENT"],
    ["stepsPerLayer 0", () => gpu!.call("ode", randomNet("tanh", 1, 2, 0.1, 1), [1], { stepsPerLayer: 0 }), "INVALID_ARGUMENT"],
    ["d = 9", () => gpu!.call("ode", randomNet("tanh", 9, 1, 0.1, 1), new Array(9).fill(0), {}), "UNSUPPORTED"],
    ["W beyond f32", () => gpu!.call("ode", { sigma: "tanh", d: 1, W: [-1e39], b: [0], dt: 0.1 }, [1], {}), "INVALID_ARGUMENT"],
    ["x0 length not a multiple of d", () => gpu!.call("ode", randomNet("tanh", 2, 1, 0.1, 1), [1, 2, 3], {}), "SHAPE_MISMATCH"],
    ["SDE without noise", () => gpu!.call("sde", randomNet("tanh", 1, 1, 0.1, 1), [1], {}), "INVALID_ARGUMENT"],
    ["SDE seed negative", () => gpu!.call("sde", randomNet("tanh", 1, 1, 0.1, 1, [1]), [1], { seed: -1 }), "INVALID_ARGUMENT"],
    ["SDE unknown option", () => gpu!.call("sde", randomNet("tanh", 1, 1, 0.1, 1, [1]), [1], { method: "milstein" }), "INVALID_ARGUMENT"],
    ["histogram grid of 0 cells", () => gpu!.call("histogram", [0.5], { kind: "1d", xMin: 0, dx: 1, n: 0 }), "INVALID_ARGUMENT"],
    ["histogram negative dx", () => gpu!.call("histogram", [0.5], { kind: "1d", xMin: 0, dx: -1, n: 4 }), "INVALID_ARGUMENT"],
    ["histogram unknown grid", () => gpu!.call("histogram", [0.5], { kind: "3d" }), "INVALID_ARGUMENT"],
    ["advection CFL above 1", () => gpu!.call("advect", [1, 1], { ap: [0, 1, 0], am: [0, 0, 0] }, { steps: 1, lambda: 1.5 }), "UNSTABLE"],
    [
      "advection coefficient length",
      () => gpu!.call("advect", [1, 1], { ap: [0, 1], am: [0, 0] }, { steps: 1, lambda: 0.5 }),
      "SHAPE_MISMATCH",
    ],
    [
      "advection ap negative",
      () => gpu!.call("advect", [1, 1], { ap: [0, -1, 0], am: [0, 0, 0] }, { steps: 1, lambda: 0.5 }),
      "INVALID_ARGUMENT",
    ],
    [
      "advection steps 0",
      () => gpu!.call("advect", [1, 1], { ap: [0, 1, 0], am: [0, 0, 0] }, { steps: 0, lambda: 0.5 }),
      "INVALID_ARGUMENT",
    ],
    [
      "advection 2-D scalar lambda",
      () => gpu!.call("advect", [1], { nx: 1, ny: 1, axp: [0, 0], axm: [0, 0], ayp: [0, 0], aym: [0, 0] }, { steps: 1, lambda: 0.5 }),
      "INVALID_ARGUMENT",
    ],
    [
      "advection 2-D f length",
      () =>
        gpu!.call("advect", [1, 2], { nx: 1, ny: 1, axp: [0, 0], axm: [0, 0], ayp: [0, 0], aym: [0, 0] }, { steps: 1, lambda: [0.5, 0.5] }),
      "SHAPE_MISMATCH",
    ],
    [
      "histogram 2-D odd length",
      () => gpu!.call("histogram", [0.5, 1, 2], { kind: "2d", xMin: 0, yMin: 0, dx: 1, dy: 1, nx: 2, ny: 2 }),
      "SHAPE_MISMATCH",
    ],
  ];
  for (const [name, f, code] of badJson) {
    test(`bad input: ${name} → ${code}`, async (ctx) => {
      page(ctx);
      expect(await f()).toMatchObject({ error: code });
    });
  }
  const badPage: [string, string][] = [
    ["x0-nan", "INVALID_ARGUMENT"],
    ["x0-f32-overflow", "INVALID_ARGUMENT"],
    ["x0-empty", "INVALID_ARGUMENT"],
    ["custom-activation", "UNSUPPORTED"],
    ["hist-nan", "INVALID_ARGUMENT"],
    ["diagonal-noise", "UNSUPPORTED"],
    ["workgroup-size", "INVALID_ARGUMENT"],
    ["destroyed", "INVALID_ARGUMENT"],
  ];
  for (const [which, code] of badPage) {
    test(`bad input: ${which} → ${code}`, async (ctx) => {
      expect(await page(ctx).call("bad", which)).toMatchObject({ error: code });
    });
  }
});
