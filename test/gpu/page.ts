/**
 * The page driven by the WebGPU suite: bundled by esbuild, served from 127.0.0.1 and run in Chromium
 * on its software adapter. It turns plain JSON (what page.evaluate can pass) into the package's types,
 * runs the WebGPU backend and returns plain JSON.
 */
import { createNetwork, isKineticError, type NetworkParams, registerActivation } from "../../packages/core/src/index.js";
import { createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from "../../packages/core/src/webgpu/index.js";
import { createGrid1D, createGrid2D } from "../../packages/datasets/src/index.js";
import { solveFokkerPlanckWebGpu } from "../../packages/fokker-planck/src/solve-1d-webgpu.js";
import { solveFokkerPlanck2DWebGpu } from "../../packages/fokker-planck/src/solve-2d-webgpu.js";
import { solveVlasovWebGpu } from "../../packages/mean-field/src/vlasov-webgpu.js";

export interface NetJson {
  readonly sigma: string;
  readonly d: number;
  readonly W: number[];
  readonly b: number[];
  readonly dt: number;
  readonly K?: number[];
}

type BackendJson = Omit<WebGpuBackendOptions, "gpu" | "adapter" | "device">;

let shared: WebGpuBackend | undefined;
const backends = new Map<string, WebGpuBackend>();

async function backend(opts: BackendJson = {}): Promise<WebGpuBackend> {
  shared ??= await createWebGpuBackend();
  const key = JSON.stringify(opts);
  if (key === "{}") return shared;
  let b = backends.get(key);
  if (b === undefined) {
    b = await createWebGpuBackend({ device: shared.device, ...opts });
    backends.set(key, b);
  }
  return b;
}

function network(n: NetJson): NetworkParams {
  return createNetwork({
    sigma: n.sigma,
    d: n.d,
    W: n.W,
    b: n.b,
    dt: n.dt,
    ...(n.K ? { noise: { kind: "constant" as const, K: new Float64Array(n.K) } } : {}),
  });
}

async function caught<T>(f: () => Promise<T>): Promise<T | { error: string; message: string }> {
  try {
    return await f();
  } catch (e) {
    return { error: isKineticError(e) ? e.code : String(e), message: e instanceof Error ? e.message : String(e) };
  }
}

registerActivation({
  name: "cube",
  formula: "z^3",
  sigma: (z) => z ** 3,
  dsigma: (z) => 3 * z * z,
  d2sigma: (z) => 6 * z,
  properties: { zeroAtZero: true, positive: false, monotone: true, bounded: false, lipschitz: Infinity, smooth: true },
});

const api = {
  async adapter() {
    return (await backend()).adapter;
  },
  ode(net: NetJson, x0: number[], options: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).solveOde(network(net), new Float64Array(x0), options);
      return { ...r, x: Array.from(r.x) };
    });
  },
  sde(net: NetJson, x0: number[], options: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).solveSde(network(net), new Float64Array(x0), options);
      return { ...r, x: Array.from(r.x) };
    });
  },
  histogram(x: number[], grid: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).histogram(new Float64Array(x), grid as never);
      return { ...r, f: Array.from(r.f), counts: Array.from(r.counts) };
    });
  },
  advect(f: number[], coefficients: object, options: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).advectUpwind(new Float64Array(f), coefficients as never, options as never);
      return { ...r, f: Array.from(r.f) };
    });
  },
  muscl(f: number[], coefficients: object, options: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).advectMuscl(new Float64Array(f), coefficients as never, options as never);
      return { ...r, f: Array.from(r.f) };
    });
  },
  fp(f: number[], coefficients: object, options: object, opts?: BackendJson) {
    return caught(async () => {
      const r = await (await backend(opts)).fokkerPlanckExplicit(new Float64Array(f), coefficients as never, options as never);
      return { ...r, f: Array.from(r.f) };
    });
  },
  /** `solveVlasovWebGpu` on a network, a grid `{ xMin, xMax, n }` or `{ x: [a, b], y: [c, d], nx, ny }`, cell averages f0. */
  vlasov(
    net: NetJson,
    grid: { xMin?: number; xMax?: number; n?: number; x?: number[]; y?: number[]; nx?: number; ny?: number },
    f0: number[],
    options: object,
  ) {
    return caught(async () => {
      const g =
        grid.n !== undefined
          ? createGrid1D(grid.xMin!, grid.xMax!, grid.n)
          : createGrid2D(grid.x as [number, number], grid.y as [number, number], grid.nx!, grid.ny!);
      const r = await solveVlasovWebGpu(await backend(), { params: network(net), grid: g, f0: new Float64Array(f0) }, options);
      return { ...r, f: Array.from(r.f), saved: r.saved.map((s) => Array.from(s)), times: Array.from(r.times), grid: null };
    });
  },
  /** `solveFokkerPlanckWebGpu` on a 1-D network, a grid `{ xMin, xMax, n }`, cell averages f0 and D (a number or one per layer). */
  fokkerPlanck(net: NetJson, grid: { xMin: number; xMax: number; n: number }, f0: number[], D: number | number[], options: object) {
    return caught(async () => {
      const g = createGrid1D(grid.xMin, grid.xMax, grid.n);
      const r = await solveFokkerPlanckWebGpu(await backend(), { network: network(net), grid: g, f0: new Float64Array(f0), D }, options);
      return { ...r, f: Array.from(r.f), saved: r.saved.map((v) => Array.from(v)), grid: null };
    });
  },
  /** `solveFokkerPlanck2DWebGpu` on a 2-D network, a grid `{ x: [a, b], y: [c, d], nx, ny }`, cell averages f0 and D = [D_x, D_y]. */
  fokkerPlanck2D(
    net: NetJson,
    grid: { x: [number, number]; y: [number, number]; nx: number; ny: number },
    f0: number[],
    D: [number, number],
    options: object,
  ) {
    return caught(async () => {
      const g = createGrid2D(grid.x, grid.y, grid.nx, grid.ny);
      const r = await solveFokkerPlanck2DWebGpu(await backend(), { network: network(net), grid: g, f0: new Float64Array(f0), D }, options);
      return { ...r, f: Array.from(r.f), saved: r.saved.map((v) => Array.from(v)), grid: null };
    });
  },
  /** Calls with inputs JSON cannot carry (typed arrays with NaN, user activations, raw options). */
  bad(which: string) {
    return caught(async () => {
      const b = await backend();
      const net = network({ sigma: "tanh", d: 1, W: [-1], b: [0], dt: 0.1 });
      switch (which) {
        case "x0-nan":
          return b.solveOde(net, new Float64Array([0, Number.NaN]));
        case "x0-f32-overflow":
          return b.solveOde(net, new Float64Array([1e39]));
        case "x0-empty":
          return b.solveOde(net, new Float64Array(0));
        case "custom-activation":
          return b.solveOde(createNetwork({ sigma: "cube", d: 1, W: [-1], b: [0], dt: 0.1 }), new Float64Array([1]));
        case "hist-nan":
          return b.histogram(new Float64Array([Number.NaN]), { kind: "1d", xMin: 0, dx: 1, n: 4 });
        case "diagonal-noise":
          return b.solveSde(
            createNetwork({ sigma: "tanh", d: 1, W: [-1], b: [0], dt: 0.1, noise: { kind: "diagonal", k: () => 1 } }),
            new Float64Array([1]),
          );
        case "workgroup-size":
          return createWebGpuBackend({ device: b.device, workgroupSize: 48 });
        case "destroyed": {
          const c = await createWebGpuBackend({ device: b.device });
          c.destroy();
          return c.solveOde(net, new Float64Array([1]));
        }
        default:
          throw new Error(`unknown case ${which}`);
      }
    });
  },
};

export type PageApi = typeof api;
(globalThis as unknown as { kn: PageApi }).kn = api;
