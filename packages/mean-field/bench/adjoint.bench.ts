// Cost of one vlasovGradient against the forward solve (1-D, N = 2000, L = 20).
// Run (after building the packages): npx tsx packages/mean-field/bench/adjoint.bench.ts
import { createNetwork } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/datasets";
import { type DensityObjective, type VlasovGradientOptions, solveVlasov, vlasovGradient } from "../src/index.js";

const L = 20;
const W = Array.from({ length: L }, (_, k) => -0.5 + 0.05 * k);
const b = Array.from({ length: L }, (_, k) => 0.2 * Math.sin(k));
const params = createNetwork({ sigma: "tanh", d: 1, W, b, T: 2 });
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
/** Best of 7 runs after one warm-up: the least disturbed by other processes. */
const time = (fn: () => void) => {
  fn();
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
for (const o of [
  { scheme: "upwind", timeStepper: "euler" },
  { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3" },
] as VlasovGradientOptions[]) {
  const tf = time(() => solveVlasov({ params, grid, f0 }, o));
  let peak = 0;
  const tg = time(() => {
    peak = vlasovGradient({ params, grid, f0 }, l2, o).stats.peakTrajectoryBytes;
  });
  console.log(
    `${o.scheme}/${o.timeStepper}: forward ${tf.toFixed(1)} ms, gradient ${tg.toFixed(1)} ms, ratio ${(tg / tf).toFixed(2)}, peak trajectory ${(peak / 2 ** 20).toFixed(1)} MiB`,
  );
}
