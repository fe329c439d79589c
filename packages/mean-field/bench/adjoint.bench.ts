// Cost of one vlasovGradient against the forward solve: 1-D (N = 2000, L = 20) and 2-D (256², L = 20).
// Run: node --conditions=source --import tsx packages/mean-field/bench/adjoint.bench.ts [1d|2d]
import { createNetwork } from "@kinetic-nde/core";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import { type DensityObjective, type VlasovGradientOptions, type VlasovProblem, solveVlasov, vlasovGradient } from "../src/index.js";

const L = 20;
const only = process.argv[2];
const l2: DensityObjective = {
  nParams: 0,
  evaluate(f, _g, _t, gradF) {
    let J = 0;
    f[0]!.forEach((v, i) => {
      J += 0.5 * v * v;
      if (gradF) gradF[0]![i] = v;
    });
    return J;
  },
};
/** Wall-clock and process CPU time (ms) of one call. */
const measure = (fn: () => void) => {
  const t = performance.now(),
    c = process.cpuUsage();
  fn();
  const dc = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (dc.user + dc.system) / 1000 };
};
const SETTINGS = [
  { scheme: "upwind", timeStepper: "euler" },
  { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3" },
] as VlasovGradientOptions[];
/**
 * After one warm-up of each, `pairs` forward solves and gradients alternately (the machine's load
 * drifts; alternating exposes both to it alike): the best of each (the least disturbed run), in
 * wall-clock and in process CPU time, and the median of the pairs' ratios.
 */
function rows(label: string, problem: VlasovProblem, pairs: number) {
  for (const o of SETTINGS) {
    let peak = 0,
      steps = 0;
    const fwd = () => solveVlasov(problem, o);
    const grad = () => {
      const r = vlasovGradient(problem, l2, o);
      peak = r.stats.peakTrajectoryBytes;
      steps = r.stats.steps;
    };
    fwd();
    grad();
    const F = { wall: Infinity, cpu: Infinity },
      G = { wall: Infinity, cpu: Infinity };
    const ratios: number[] = [];
    for (let r = 0; r < pairs; r++) {
      const f = measure(fwd),
        g = measure(grad);
      F.wall = Math.min(F.wall, f.wall);
      F.cpu = Math.min(F.cpu, f.cpu);
      G.wall = Math.min(G.wall, g.wall);
      G.cpu = Math.min(G.cpu, g.cpu);
      ratios.push(g.wall / f.wall);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[(pairs - 1) >> 1]!;
    console.log(
      `${label} ${o.scheme}/${o.timeStepper}: ${steps} steps, forward ${F.wall.toFixed(1)} ms (CPU ${F.cpu.toFixed(1)}), ` +
        `gradient ${G.wall.toFixed(1)} ms (CPU ${G.cpu.toFixed(1)}), ratio of bests ${(G.wall / F.wall).toFixed(2)} ` +
        `(CPU ${(G.cpu / F.cpu).toFixed(2)}), median pair ratio ${median.toFixed(2)}, peak trajectory ${(peak / 2 ** 20).toFixed(1)} MiB`,
    );
  }
}

if (only !== "2d") {
  const W = Array.from({ length: L }, (_, k) => -0.5 + 0.05 * k);
  const b = Array.from({ length: L }, (_, k) => 0.2 * Math.sin(k));
  const params = createNetwork({ sigma: "tanh", d: 1, W, b, T: 2 });
  rows("1-D N = 2000", { params, grid: createGrid1D(-6, 6, 2000), f0: (x: number) => Math.exp(-x * x) }, 7);
}
if (only !== "1d") {
  // a contracting rotation with a drift, slowly varying over the layers
  const W = Array.from({ length: L }, (_, k) => [-0.5 + 0.02 * k, 0.8, -0.8, -0.4 - 0.01 * k]);
  const b = Array.from({ length: L }, (_, k) => [0.2 * Math.sin(k), 0.2 * Math.cos(k)]);
  const params = createNetwork({ sigma: "tanh", d: 2, W, b, T: 2 });
  const grid = createGrid2D([-4, 4], [-4, 4], 256);
  rows("2-D 256²", { params, grid, f0: (x: number, y: number) => Math.exp(-((x - 1) ** 2) - y * y) }, 5);
}
