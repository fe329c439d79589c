// Cost of one gradient against the forward solve: fokkerPlanckGradient (1-D, N = 2000, L = 20) and
// fokkerPlanckGradient2D (256², L = 20).
// Run: node --conditions=source --import tsx packages/fokker-planck/bench/adjoint.bench.ts
import { createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import {
  type FokkerPlanckGradientOptions,
  fokkerPlanckGradient,
  fokkerPlanckGradient2D,
  solveFokkerPlanck,
  solveFokkerPlanck2D,
} from "../src/index.js";

const L = 20;
const w = Array.from({ length: L }, (_, k) => -0.5 + 0.05 * k);
const b = Array.from({ length: L }, (_, k) => 0.2 * Math.sin(k));
const network = createScalarNetwork({ sigma: "tanh", w, b, T: 2, K: 0.6 });
const grid = createGrid1D(-6, 6, 2000);
const f0 = (x: number) => Math.exp(-x * x);
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
/** CPU time of the process in ms (user + system): less sensitive than wall time to a shared machine. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Forward and gradient interleaved; medians of the CPU time of `runs` calls after 2 warm-ups. */
function compare(label: string, runs: number, forward: () => void, gradient: () => { steps: number; peak: number }): void {
  const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1]!;
  const tf: number[] = [];
  const tg: number[] = [];
  let info = { steps: 0, peak: 0 };
  for (let r = 0; r < runs + 2; r++) {
    let t = cpu();
    forward();
    const a = cpu() - t;
    t = cpu();
    info = gradient();
    const c = cpu() - t;
    if (r >= 2) {
      tf.push(a);
      tg.push(c);
    }
  }
  const f = median(tf);
  const g = median(tg);
  console.log(
    `${label} (${info.steps} steps): CPU time forward ${f.toFixed(2)} ms, gradient ${g.toFixed(2)} ms, ratio ${(g / f).toFixed(2)}, peak trajectory ${(info.peak / 2 ** 20).toFixed(1)} MiB`,
  );
}

for (const o of [
  { method: "implicit-euler", dt: 0.01 },
  { method: "crank-nicolson", dt: 0.01 },
] as FokkerPlanckGradientOptions[]) {
  compare(
    `1-D N = 2000 ${o.method}`,
    41,
    () => solveFokkerPlanck({ network, grid, f0 }, o),
    () => {
      const r = fokkerPlanckGradient({ network, grid, f0 }, l2, o);
      return { steps: r.stats.steps, peak: r.stats.peakTrajectoryBytes };
    },
  );
}

const W2 = Array.from({ length: L }, (_, k) => [-1 + 0.02 * k, 0.3 * Math.sin(k), -0.3 * Math.sin(k), -0.8]).flat();
const b2 = Array.from({ length: L }, (_, k) => [0.1 * Math.cos(k), -0.1]).flat();
const net2 = createNetwork({ sigma: "tanh", d: 2, W: W2, b: b2, T: 2 });
const grid2 = createGrid2D([-4, 4], [-4, 4], 256);
const p2 = { network: net2, grid: grid2, f0: (x: number, y: number) => Math.exp(-(x * x + y * y)), D: [0.2, 0.3] as [number, number] };
compare(
  "2-D 256² implicit sweeps",
  5,
  () => solveFokkerPlanck2D(p2, { dt: 0.02 }),
  () => {
    const r = fokkerPlanckGradient2D(p2, l2, { dt: 0.02 });
    return { steps: r.stats.steps, peak: r.stats.peakTrajectoryBytes };
  },
);
