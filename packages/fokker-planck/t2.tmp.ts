import { createGrid1D, loadIris } from "@kinetic-nde/datasets";
import { fitSteadyState } from "./src/fit.ts";
import { solveSteadyState } from "./src/steady-state.ts";
const grid = createGrid1D(-6, 6, 400);
const show = (name: string, r: any, t0: number) => console.log(name, r.method, r.status, r.stats.evaluations, r.loss.toExponential(3), r.params.w.toPrecision(10), r.params.b.toPrecision(10), typeof r.params.D === "number" ? r.params.D.toPrecision(10) : r.params.kappa ?? r.params.coefficients?.map((c: number) => c.toPrecision(4)).join(","), (performance.now() - t0).toFixed(0) + "ms");
for (const method of ["gradient", "nelder-mead"] as const) {
  let t0 = performance.now();
  let tg = solveSteadyState({ grid, sigma: "identity", w: -1, b: 0.3, D: 0.5 }).f;
  show("identity-own", fitSteadyState({ density: tg, grid }, { family: "identity", method }), t0);
  t0 = performance.now();
  tg = solveSteadyState({ grid, sigma: "tanh", w: -1.5, b: 0.6, D: 0.4 }).f;
  show("tanh-own", fitSteadyState({ density: tg, grid }, { family: "tanh", method }), t0);
  const gb = createGrid1D(-1, 1, 400);
  t0 = performance.now();
  tg = solveSteadyState({ grid: gb, sigma: "identity", w: -1, b: 0.3, D: (x) => 0.2 * (1 - x * x) }).f;
  show("beta-own", fitSteadyState({ density: tg, grid: gb }, { family: "beta", method }), t0);
  const g3 = createGrid1D(-3, 3, 300);
  const target = (x: number) => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
  t0 = performance.now();
  show("bimodal-mix", fitSteadyState(target, { family: "bimodal", grid: g3, method }), t0);
  const samples = loadIris({ features: ["petal-length"] }).x;
  for (const loss of ["kl", "w1"] as const) {
    t0 = performance.now();
    show("iris-petal-bimodal-" + loss, fitSteadyState({ samples }, { family: "bimodal", method, loss }), t0);
    t0 = performance.now();
    show("iris-petal-tanh-" + loss, fitSteadyState({ samples }, { family: "tanh", method, loss }), t0);
  }
}
