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
/**
 * Best of `runs` runs after one warm-up, in wall-clock and in process CPU time (ms): the least
 * disturbed by other processes (CPU time does not count the time the process waits for a core).
 */
const time = (fn: () => void, runs: number) => {
  fn();
  let wall = Infinity,
    cpu = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now(),
      c = process.cpuUsage();
    fn();
    const dc = process.cpuUsage(c);
    wall = Math.min(wall, performance.now() - t);
    cpu = Math.min(cpu, (dc.user + dc.system) / 1000);
  }
  return { wall, cpu };
};
const SETTINGS = [
  { scheme: "upwind", timeStepper: "euler" },
  { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3" },
] as VlasovGradientOptions[];
function rows(label: string, problem: VlasovProblem, runs: number) {
  for (const o of SETTINGS) {
    const tf = time(() => solveVlasov(problem, o), runs);
    let peak = 0,
      steps = 0;
    const tg = time(() => {
      const r = vlasovGradient(problem, l2, o);
      peak = r.stats.peakTrajectoryBytes;
      steps = r.stats.steps;
    }, runs);
    console.log(
      `${label} ${o.scheme}/${o.timeStepper}: ${steps} steps, forward ${tf.wall.toFixed(1)} ms (CPU ${tf.cpu.toFixed(1)}), ` +
        `gradient ${tg.wall.toFixed(1)} ms (CPU ${tg.cpu.toFixed(1)}), ratio ${(tg.wall / tf.wall).toFixed(2)} (CPU ${(tg.cpu / tf.cpu).toFixed(2)}), ` +
        `peak trajectory ${(peak / 2 ** 20).toFixed(1)} MiB`,
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
  rows("2-D 256²", { params, grid, f0: (x: number, y: number) => Math.exp(-((x - 1) ** 2) - y * y) }, 3);
}
