/**
 * Workloads W5 (vlasov-1d) and W6 (vlasov-2d) of the shared benchmark definitions, run through the
 * public `solveVlasov` with exactly first-order upwind + explicit Euler + the workload's Δt rule.
 * The timed region is one `solveVlasov` call, set-up included (validation and a copy of f0, the face
 * velocities, the copy into and out of the WebAssembly kernel memory: about 0.2 ms for W5, 1–2 % of
 * the run once the code is warm).
 */
import { compensatedSum, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { solveVlasov } from "../src/index.js";

function w5({ sizeScale }: { sizeScale: number }): Record<string, unknown> {
  const N = Math.max(4, Math.round(10_000 * sizeScale));
  const T = 2;
  const grid = createGrid1D(-4, 4, N);
  const dx = 8 / N;
  const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T });
  let amax = 0;
  for (let j = 0; j <= N; j++) amax = Math.max(amax, Math.abs(Math.tanh(-(-4 + j * dx) + 0.5)));
  const dt = (0.9 * dx) / amax;
  const f0 = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const x = -4 + (j + 0.5) * dx;
    f0[j] = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }
  const norm = compensatedSum(f0) * dx;
  for (let j = 0; j < N; j++) f0[j] = f0[j]! / norm;
  const t0 = performance.now();
  const r = solveVlasov({ params, grid, f0 }, { scheme: "upwind", timeStepper: "euler", dt, boundary: "zero-flux" });
  const seconds = (performance.now() - t0) / 1000;
  const f = r.f;
  const mass = dx * compensatedSum(f);
  const xf = new Float64Array(N);
  let minf = Infinity;
  for (let j = 0; j < N; j++) {
    xf[j] = (-4 + (j + 0.5) * dx) * f[j]!;
    if (f[j]! < minf) minf = f[j]!;
  }
  const mean = (dx * compensatedSum(xf)) / mass;
  const steps = r.stats.steps;
  return {
    workload: "W5",
    impl: "kinetic-nde",
    seconds,
    N,
    steps,
    dt,
    mass,
    mean,
    min_f: minf,
    rate: (N * steps) / seconds,
    rate_unit: "cell-updates/s",
  };
}

function w6({ sizeScale }: { sizeScale: number }): Record<string, unknown> {
  const n = Math.max(4, Math.round(512 * Math.sqrt(sizeScale)));
  const T = 1;
  const grid = createGrid2D([-4, 4], [-4, 4], n, n);
  const dx = 8 / n,
    dy = 8 / n;
  const W = [-1, 0.5, -0.5, -1],
    b = [0.2, -0.1];
  const params = createNetwork({ sigma: "tanh", d: 2, W, b, T });
  let amax = 0;
  for (let i = 0; i <= n; i++)
    for (let j = 0; j < n; j++) amax = Math.max(amax, Math.abs(Math.tanh(-1 * (-4 + i * dx) + 0.5 * (-4 + (j + 0.5) * dy) + 0.2)));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= n; j++) amax = Math.max(amax, Math.abs(Math.tanh(-0.5 * (-4 + (i + 0.5) * dx) + -1 * (-4 + j * dy) + -0.1)));
  const dt = (0.45 * Math.min(dx, dy)) / amax;
  const f0 = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = -4 + (i + 0.5) * dx,
        y = -4 + (j + 0.5) * dy;
      f0[i * n + j] = Math.exp(-0.5 * (x * x + y * y)) / (2 * Math.PI);
    }
  const norm = compensatedSum(f0) * dx * dy;
  for (let i = 0; i < n * n; i++) f0[i] = f0[i]! / norm;
  const t0 = performance.now();
  const r = solveVlasov({ params, grid, f0 }, { scheme: "upwind", timeStepper: "euler", dt, boundary: "zero-flux" });
  const seconds = (performance.now() - t0) / 1000;
  const f = r.f;
  const mass = dx * dy * compensatedSum(f);
  const xf = new Float64Array(n * n),
    yf = new Float64Array(n * n);
  let minf = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = f[i * n + j]!;
      xf[i * n + j] = (-4 + (i + 0.5) * dx) * v;
      yf[i * n + j] = (-4 + (j + 0.5) * dy) * v;
      if (v < minf) minf = v;
    }
  const mx = (dx * dy * compensatedSum(xf)) / mass,
    my = (dx * dy * compensatedSum(yf)) / mass;
  const steps = r.stats.steps;
  return {
    workload: "W6",
    impl: "kinetic-nde",
    seconds,
    Nx: n,
    Ny: n,
    steps,
    dt,
    mass,
    mean: [mx, my],
    min_f: minf,
    rate: (n * n * steps) / seconds,
    rate_unit: "cell-updates/s",
  };
}

/** Benchmark workloads owned by this package, keyed by workload id. */
export const workloads: Record<string, (opts: { sizeScale: number }) => Record<string, unknown>> = { W5: w5, W6: w6 };
