/**
 * The particle solves of the `simulate` tool on the WebGPU backend (f32), for the worker of the live
 * pages. The backend has no save times, so each save time is one solve from the initial particles to
 * that time (the same fixed steps, so the same states); time 0 is the input itself. Integrators the
 * backend lacks (dopri5, milstein, platen-weak2) throw, and the worker then computes on the CPU.
 */
import type { NetworkParams, OdeOptions, OdeResult, SdeOptions, SdeResult, SolveStatus } from "@kinetic-nde/core";
import type { GpuAdapterSummary, GpuOdeMethod, WebGpuBackend } from "@kinetic-nde/core/webgpu";
import type { GridSolver, ParticleSolver } from "@kinetic-nde/experiments";
import { solveFokkerPlanckWebGpu } from "@kinetic-nde/fokker-planck";
import { solveVlasovWebGpu } from "@kinetic-nde/mean-field";

/**
 * Tools of the live pages that can run on the GPU: particles (`simulate`), the Vlasov grid in 1-D
 * (`solve-vlasov`) and 2-D (`solve-vlasov-2d`) and the explicit-Euler Fokker–Planck grid
 * (`solve-fokker-planck`).
 */
export const GPU_TOOLS: ReadonlySet<string> = new Set(["simulate", "solve-vlasov", "solve-vlasov-2d", "solve-fokker-planck"]);

const GPU_ODE_METHODS: readonly string[] = ["euler", "heun", "rk4"] satisfies readonly GpuOdeMethod[];

function isGpuOdeMethod(m: string): m is GpuOdeMethod {
  return GPU_ODE_METHODS.includes(m);
}

/** A readable name of an adapter: its description, else vendor, architecture and device. */
export function adapterName(a: Partial<GpuAdapterSummary>): string {
  const d = (a.description ?? "").trim();
  if (d !== "") return d;
  const parts = [a.vendor, a.architecture, a.device].map((s) => (s ?? "").trim()).filter((s) => s !== "");
  return parts.length > 0 ? parts.join(" ") : "an unnamed adapter";
}

function saveTimes(saveAt: OdeOptions["saveAt"] | SdeOptions["saveAt"]): number[] {
  if (saveAt === undefined || typeof saveAt === "number") throw new Error("the GPU path needs explicit save times");
  return Array.from(saveAt);
}

/** Runs `solve` to every save time and gathers the states as the CPU solvers' `saved`. */
async function gather<R extends { x: Float64Array; status: SolveStatus; t: number; failedParticle: number }>(
  x0: Float64Array,
  times: readonly number[],
  solve: (tEnd: number) => Promise<R>,
): Promise<{ saved: Float64Array; last: R | undefined; status: SolveStatus; failedParticle: number; t: number }> {
  const n = x0.length;
  const saved = new Float64Array(times.length * n).fill(NaN);
  let last: R | undefined;
  let status: SolveStatus = "success";
  let failedParticle = -1;
  let t = 0;
  for (let s = 0; s < times.length; s++) {
    const tEnd = times[s]!;
    if (tEnd === 0) {
      saved.set(x0, s * n);
      continue;
    }
    const r = await solve(tEnd);
    last = r;
    if (r.status !== "success") {
      // Save times past the failure stay NaN, as in the CPU solvers.
      status = r.status;
      failedParticle = r.failedParticle;
      t = r.t;
      break;
    }
    saved.set(r.x, s * n);
    t = r.t;
  }
  return { saved, last, status, failedParticle, t };
}

/**
 * A `ParticleSolver` (the shape `runTool` accepts) that moves the particles on `gpu`.
 * @param gpu - an open WebGPU backend
 * @returns the solver; `used()` is true once a solve ran on the GPU
 */
export function gpuParticleSolver(gpu: WebGpuBackend): ParticleSolver & { used(): boolean } {
  let used = false;
  return {
    used: () => used,
    async solveOde(params: NetworkParams, x0: Float64Array, options: OdeOptions = {}): Promise<OdeResult> {
      const method = options.method ?? "dopri5";
      if (!isGpuOdeMethod(method)) throw new Error(`the GPU has no ${method} integrator`);
      const times = saveTimes(options.saveAt);
      const g = await gather(x0, times, (tEnd) => gpu.solveOde(params, x0, { method, stepsPerLayer: options.stepsPerLayer ?? 1, tEnd }));
      used = true;
      const stats = g.last?.stats ?? { steps: 0, rejected: 0, rhsEvals: 0 };
      return {
        x: g.last?.x ?? Float64Array.from(x0),
        t: g.t,
        saveAt: Float64Array.from(times),
        saved: g.saved,
        status: g.status,
        stats: { ...stats },
        failedParticle: g.failedParticle,
      };
    },
    async solveSde(params: NetworkParams, x0: Float64Array, options: SdeOptions = {}): Promise<SdeResult> {
      const method = options.method ?? "euler-maruyama";
      if (method !== "euler-maruyama") throw new Error(`the GPU has no ${method} integrator`);
      const times = saveTimes(options.saveAt);
      const g = await gather(x0, times, (tEnd) =>
        gpu.solveSde(params, x0, {
          stepsPerLayer: options.stepsPerLayer ?? 1,
          tEnd,
          seed: options.seed ?? 0,
          firstParticle: options.firstStream ?? 0,
        }),
      );
      used = true;
      const stats = g.last?.stats ?? { steps: 0, rejected: 0, rhsEvals: 0, blownUp: 0 };
      return {
        x: g.last?.x ?? Float64Array.from(x0),
        t: g.t,
        h: params.dt / (options.stepsPerLayer ?? 1),
        saveAt: Float64Array.from(times),
        saved: g.saved,
        status: g.status,
        stats: { ...stats },
        failedParticle: g.failedParticle,
      };
    },
  };
}

/**
 * A `GridSolver` (the shape `runTool` accepts) that steps the Vlasov grid on `gpu` (mean-field's
 * `solveVlasovWebGpu`, f32) and the Fokker–Planck grid (fokker-planck's `solveFokkerPlanckWebGpu`, f32,
 * explicit Euler: the tool keeps the implicit methods on the CPU). Upwind with SSP-RK stages throws
 * (the GPU's upwind kernel is forward Euler), and the worker then computes on the CPU.
 * @param gpu - an open WebGPU backend
 * @returns the solver; `used()` is true once a solve ran on the GPU
 */
export function gpuGridSolver(gpu: WebGpuBackend): GridSolver & { used(): boolean } {
  let used = false;
  return {
    used: () => used,
    async solveVlasov(problem, options) {
      const r = await solveVlasovWebGpu(gpu, problem, options);
      used = true;
      return r;
    },
    async solveFokkerPlanck(problem, options) {
      const r = await solveFokkerPlanckWebGpu(gpu, problem, options);
      used = true;
      return r;
    },
  };
}
