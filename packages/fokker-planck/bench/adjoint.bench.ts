// Cost of one fokkerPlanckGradient against the forward solve (1-D, N = 2000, L = 20).
// Run: node --conditions=source --import tsx packages/fokker-planck/bench/adjoint.bench.ts
import { createScalarNetwork } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { type FokkerPlanckGradientOptions, fokkerPlanckGradient, solveFokkerPlanck } from "../src/index.js";

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
// forward and gradient interleaved, medians of 21 runs after 3 warm-ups (the machine is shared)
const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1]!;
for (const o of [
  { method: "implicit-euler", dt: 0.01 },
  { method: "crank-nicolson", dt: 0.01 },
] as FokkerPlanckGradientOptions[]) {
  const tf: number[] = [];
  const tg: number[] = [];
  let peak = 0;
  let steps = 0;
  for (let r = 0; r < 24; r++) {
    let t = performance.now();
    solveFokkerPlanck({ network, grid, f0 }, o);
    const a = performance.now() - t;
    t = performance.now();
    const g = fokkerPlanckGradient({ network, grid, f0 }, l2, o);
    const c = performance.now() - t;
    peak = g.stats.peakTrajectoryBytes;
    steps = g.stats.steps;
    if (r >= 3) {
      tf.push(a);
      tg.push(c);
    }
  }
  const f = median(tf);
  const g = median(tg);
  console.log(
    `${o.method} (${steps} steps): forward ${f.toFixed(2)} ms, gradient ${g.toFixed(2)} ms, ratio ${(g / f).toFixed(2)}, peak trajectory ${(peak / 2 ** 20).toFixed(1)} MiB`,
  );
}
