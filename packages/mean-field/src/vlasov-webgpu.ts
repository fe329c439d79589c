/**
 * `solveVlasovWebGpu`: the Vlasov solve of {@link solveVlasov} with its steps on a WebGPU device (f32),
 * layer by layer: the same validation, timeline, face coefficients and step sequence, with the steps of
 * each stretch of constant field run by the backend's `advectUpwind` / `advectMuscl` kernels.
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "@kinetic-nde/core";
import type { GpuAdapterSummary, GpuAdvectResult, WebGpuBackend } from "@kinetic-nde/core/webgpu";
import { createFaceCoefficients1D, createFaceCoefficients2D, type FaceCoefficients1D, type FaceCoefficients2D } from "./fluxes.js";
import type { InitialDensity } from "./initial.js";
import { checkDensity } from "./internal/density-check.js";
import { layerFaces, prepareVlasov, segmentSteps, type VlasovOptions, type VlasovProblem, type VlasovResult } from "./vlasov.js";

/** Result of {@link solveVlasovWebGpu}: that of `solveVlasov`, computed in f32 on the adapter named. */
export interface VlasovWebGpuResult<F> extends VlasovResult<F> {
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernels. */
  readonly adapter: GpuAdapterSummary;
  /** Kernel calls made (one or two per stretch of constant field and density; each uploads and reads back). */
  readonly calls: number;
}

/** What {@link solveVlasovWebGpu} needs of a backend (core's `createWebGpuBackend` returns it). */
export type VlasovWebGpuBackend = Pick<WebGpuBackend, "advectUpwind" | "advectMuscl" | "adapter">;

/**
 * Solve the Vlasov equation of a network as {@link solveVlasov} does, with the steps on a WebGPU device
 * in f32: the same options (scheme, limiter, time stepper, CFL rule or dt, boundary, saveAt, maxSteps),
 * the same step sequence (the CFL rule of each layer, steps shortened to land on layer boundaries and
 * save times), each stretch of constant field one kernel call (two when its last step is shorter).
 * @param backend - a WebGPU backend (`createWebGpuBackend` of `@kinetic-nde/core/webgpu`)
 * @param problem - as for `solveVlasov` (d = 1 or 2; one density or several)
 * @param options - as for `solveVlasov`; `massLossTolerance` is checked after each kernel call
 * @returns as `solveVlasov` (one density, or an array when `problem.f0` is an array), plus
 *   `precision: "f32"`, the `adapter` and the number of kernel `calls`
 * @throws KineticError as `solveVlasov` before any work; UNSUPPORTED for the upwind scheme with
 *   `"ssp-rk2"` / `"ssp-rk3"` (the GPU's upwind kernel is forward Euler; MUSCL takes every stepper);
 *   the backend's errors (SOLVER_FAILED when the device reports one)
 * @remarks f32 arithmetic: against the f64 `solveVlasov` the L1 distance stays within
 *   16·(stages·steps + calls)·2⁻²⁴·‖f₀‖₁ (each call rounds its input to f32 once more; tested in
 *   Chromium's software adapter), and values may be negative at that level (they are not cleaned as in
 *   the f64 solve). The outflow through the walls is the mass difference of each call. Each call
 *   uploads the density and reads it back: many short layers cost many round trips.
 * @example
 * ```ts no-run
 * import { createNetwork } from "@kinetic-nde/core";
 * import { createWebGpuBackend } from "@kinetic-nde/core/webgpu";
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * const gpu = await createWebGpuBackend();
 * const params = createNetwork({ sigma: "tanh", d: 2, W: [[-1, 0.5, -0.5, -1], [-0.5, 1, -1, -0.5]], b: [[0.2, 0], [0, 0.1]], T: 2 });
 * const r = await solveVlasovWebGpu(gpu, { params, grid: createGrid2D([-4, 4], [-4, 4], 1024), f0: (x, y) => Math.exp(-x * x - y * y) }, { saveAt: [1] });
 * console.log(r.status, r.stats.steps, r.adapter.description);
 * ```
 */
export async function solveVlasovWebGpu(
  backend: VlasovWebGpuBackend,
  problem: VlasovProblem & { readonly f0: readonly InitialDensity[] },
  options?: VlasovOptions,
): Promise<VlasovWebGpuResult<Float64Array[]>>;
export async function solveVlasovWebGpu(
  backend: VlasovWebGpuBackend,
  problem: VlasovProblem,
  options?: VlasovOptions,
): Promise<VlasovWebGpuResult<Float64Array>>;
export async function solveVlasovWebGpu(
  backend: VlasovWebGpuBackend,
  problem: VlasovProblem,
  options: VlasovOptions = {},
): Promise<VlasovWebGpuResult<Float64Array> | VlasovWebGpuResult<Float64Array[]>> {
  if (typeof backend !== "object" || backend === null || typeof backend.advectUpwind !== "function")
    throw new KineticError("INVALID_ARGUMENT", "invalid argument: `backend` must be a WebGPU backend (createWebGpuBackend)", {
      details: { argument: "backend" },
    });
  const { params, g, fs, borrowed, tl, opt, multi } = prepareVlasov(problem, options, []);
  if (opt.scheme === "upwind" && opt.stepper !== "euler")
    throw new KineticError(
      "UNSUPPORTED",
      `unsupported: \`timeStepper\` "${opt.stepper}" with the upwind scheme on the GPU (its upwind kernel is forward Euler); use "euler", or scheme "muscl"`,
      { details: { argument: "timeStepper", value: opt.stepper } },
    );
  const u: Float64Array[] = fs.map((f, q) => {
    const name = borrowed[q];
    if (name != null) checkDensity(name, f);
    return f.slice();
  });
  const two = g.kind === "2d";
  const vol = two ? g.dx * g.dy : g.dx;
  const periodic = opt.boundary === "periodic";
  const muscl = opt.scheme === "muscl";
  const stages = opt.stepper === "euler" ? 1 : opt.stepper === "ssp-rk2" ? 2 : 3;
  const c1: FaceCoefficients1D | null = two ? null : createFaceCoefficients1D(g.n);
  const c2: FaceCoefficients2D | null = two ? createFaceCoefficients2D(g) : null;
  let massInitial = 0;
  for (const f of u) for (const v of f) massInitial += v * vol;

  let steps = 0;
  let maxCfl = 0;
  let massLost = 0;
  let calls = 0;
  let status: SolveStatus = "success";
  let t = tl.t0;
  let layer = -1;
  let rate = 0;
  const saved: Float64Array[][] = [];
  const times: number[] = [];
  const record = (from: number, to: number) => {
    for (let q = from; q < to; q++) {
      saved.push(u.map((f) => f.slice()));
      times.push(tl.saveAt[q]!);
    }
  };
  record(0, tl.initialSaves);
  /** `m` steps of length h on every density; the status that ends the solve, or null. */
  const advance = async (m: number, h: number): Promise<SolveStatus | null> => {
    const coefficients = two ? { nx: g.nx, ny: g.ny, ...c2! } : c1!;
    const lambda: number | [number, number] = two ? [h / g.dx, h / g.dy] : h / g.dx;
    const o = { steps: m, lambda, periodic, cellVolume: vol };
    for (let q = 0; q < u.length; q++) {
      const r: GpuAdvectResult = muscl
        ? await backend.advectMuscl(u[q]!, coefficients, { ...o, limiter: opt.limiter, timeStepper: opt.stepper })
        : await backend.advectUpwind(u[q]!, coefficients, o);
      calls++;
      u[q] = r.f;
      massLost += r.initialMass - r.mass;
      if (r.status !== "success") return r.status;
    }
    if (massLost > opt.threshold * massInitial) return "mass-lost";
    return null;
  };
  outer: for (const seg of tl.segments) {
    const stop = seg.t1;
    const k = seg.layer;
    if (k !== layer) {
      layer = k;
      rate = layerFaces(params, k, g, opt.boundary, c1, c2);
    }
    const { h, n, hLast } = segmentSteps(opt, rate, stop - t, k);
    // n - 1 steps of h, then one of hLast, within maxSteps
    for (const [m0, hs] of [
      [n - 1, h],
      [1, hLast],
    ] as const) {
      if (m0 === 0) continue;
      const m = Math.min(m0, opt.maxSteps - steps);
      if (m <= 0) {
        status = "max-steps";
        break outer;
      }
      if (hs * rate > maxCfl) maxCfl = hs * rate;
      const ended = await advance(m, hs);
      steps += m;
      t = m === m0 && hs === hLast ? stop : t + m * hs;
      if (ended !== null) {
        status = ended;
        break outer;
      }
      if (m < m0) {
        status = "max-steps";
        break outer;
      }
    }
    record(seg.saveFrom, seg.saveTo);
  }
  const stats = { steps, maxCfl, massLost, rhsEvals: steps * stages, massInitial };
  const method = {
    scheme: opt.scheme,
    limiter: muscl ? opt.limiter : null,
    timeStepper: opt.stepper,
    cfl: opt.cfl,
    boundary: opt.boundary,
  };
  const common = {
    times: Float64Array.from(times),
    grid: g,
    t,
    status,
    stats,
    method,
    precision: "f32" as const,
    adapter: backend.adapter,
    calls,
  };
  if (multi) return { ...common, f: u, saved };
  return { ...common, f: u[0]!, saved: saved.map((s) => s[0]!) };
}
