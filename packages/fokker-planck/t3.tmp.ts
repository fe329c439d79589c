import { createGrid1D } from "@kinetic-nde/datasets";
import { fitSteadyState } from "./src/fit.ts";
const g3 = createGrid1D(-3, 3, 300);
const target = (x: number) => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
for (const method of ["gradient", "nelder-mead"] as const) {
  const r0 = fitSteadyState(target, { family: "bimodal", grid: g3, method });
  // own steady state of some bimodal parameters
  const own = fitSteadyState({ density: r0.fitted, grid: g3 }, { family: "bimodal", method, initial: { b: 0.1 } });
  console.log(method, own.status, own.stats.evaluations, own.loss, r0.params.b, own.params.b);
  console.log(r0.params.coefficients!.map((c) => c.toExponential(6)).join(" "));
  console.log(own.params.coefficients!.map((c) => c.toExponential(6)).join(" "));
}
