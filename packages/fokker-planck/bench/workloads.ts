/**
 * Workload W7 (fokker-planck-1d) of the shared benchmark definitions through the public
 * `solveFokkerPlanck` (implicit Euler, Chang–Cooper fluxes, Δt = 0.01, 1000 steps), and "W7-steady":
 * the direct steady-state solve (`solveSteadyState`, explicit recursion for the discrete null space)
 * of the same problem. The timed region is one public call; its O(N) set-up (validation and copy of
 * f0, assembly of the fluxes, the LU and UL factorisations) is included (a few per cent of the loop).
 */
import { compensatedSum, createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/datasets";
import { solveFokkerPlanck, solveSteadyState } from "../src/index.js";

const D = 0.3;

/** |f - exact| per cell into diff; returns min f (a loop on its own: nothing after it to deoptimise). */
function distances(f: Float64Array, N: number, diff: Float64Array): number {
  const dx = 10 / N;
  let minF = Infinity;
  for (let j = 0; j < N; j++) {
    const x = -5 + (j + 0.5) * dx;
    const g = Math.exp(-((x - 0.5) ** 2) / (2 * D)) / Math.sqrt(2 * Math.PI * D);
    diff[j] = Math.abs(f[j]! - g);
    if (f[j]! < minF) minF = f[j]!;
  }
  return minF;
}

function checksums(f: Float64Array, N: number): { mass: number; l1_error: number; min_f: number } {
  const dx = 10 / N;
  const diff = new Float64Array(N);
  const minF = distances(f, N, diff);
  return { mass: dx * compensatedSum(f), l1_error: dx * compensatedSum(diff), min_f: minF };
}

function w7({ sizeScale }: { sizeScale: number }): Record<string, unknown> {
  const N = Math.max(4, Math.round(10_000 * sizeScale));
  const steps = 1000;
  const dt = 0.01;
  const grid = createGrid1D(-5, 5, N);
  const network = createScalarNetwork({ sigma: "identity", w: -1, b: 0.5, T: steps * dt }); // a(x) = -x + 0.5
  const f0 = new Float64Array(N).fill(1 / 10); // uniform on [-5, 5]
  const t0 = performance.now();
  const r = solveFokkerPlanck({ network, grid, f0, D }, { method: "implicit-euler", dt, boundary: "zero-flux" });
  const seconds = (performance.now() - t0) / 1000;
  if (r.stats.steps !== steps) throw new Error(`W7: expected ${steps} steps, took ${r.stats.steps}`);
  return {
    workload: "W7",
    impl: "kinetic-nde",
    seconds,
    N,
    steps,
    solver: "LU/UL factorised once, alternating steps fused into paired sweeps (WebAssembly)",
    ...checksums(r.f, N),
    rate: (N * steps) / seconds,
    rate_unit: "unknown-updates/s",
  };
}

function w7steady({ sizeScale }: { sizeScale: number }): Record<string, unknown> {
  const N = Math.max(4, Math.round(10_000 * sizeScale));
  const grid = createGrid1D(-5, 5, N);
  const t0 = performance.now();
  const r = solveSteadyState({ grid, sigma: "identity", w: -1, b: 0.5, D }, { method: "recursion" });
  const seconds = (performance.now() - t0) / 1000;
  return {
    workload: "W7-steady",
    impl: "kinetic-nde",
    seconds,
    total_seconds: seconds, // build + solve, comparable with the fplanck peer's total_seconds
    N,
    method: "Chang-Cooper null space by explicit recursion (build + solve)",
    ...checksums(r.f, N),
    rate: 1 / seconds,
    rate_unit: "steady-states/s",
  };
}

/** W7 and W7-steady, keyed by workload name. */
export const workloads: Record<string, (opts: { sizeScale: number }) => Record<string, unknown>> = {
  W7: w7,
  "W7-steady": w7steady,
};
