import { createGrid1D } from "@kinetic-nde/datasets";
import { fitSteadyState } from "./src/fit.ts";
const grid = createGrid1D(-6, 6, 400);
const target = (x: number) => Math.exp(-Math.abs(x - 0.3)) / 2;
for (const method of ["gradient", "nelder-mead"] as const) {
const t0 = performance.now();
const a = fitSteadyState(target, { family: "tanh", grid, seed: 5, restarts: 2, method });
console.log(method, a.status, a.stats.evaluations, a.loss, a.params.w, a.params.b, a.params.D, performance.now() - t0);
}
