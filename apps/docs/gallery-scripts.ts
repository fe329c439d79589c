/**
 * The gallery's pictures and the scripts that reproduce them with the public API. The gallery page
 * shows the scripts; `scripts/check-docs-code.mjs` type-checks and runs every one of them in CI.
 */
export const EXPERIMENT_FIGURES = [
  "moments-linear/moments-left",
  "steady-states/profile-identity",
  "sensitivity/fw",
  "mean-field-limit/w1-rate",
  "classification/densities-1d",
  "regression/fit",
  "stochastic-resnet/moments",
  "fit-distribution/fit-gaussian",
  "convergence/orders-ode",
  "mean-field-training/densities",
];
export const GUIDE_FIGURES: [string, string][] = [
  ["/guide/resnet-neural-ode", "resnet-layers"],
  ["/guide/mean-field", "mean-field-limit/density"],
  ["/guide/steady-states", "steady-states/profile-tanh"],
  ["/guide/moments", "moments-linear/moments-right"],
  ["/guide/fokker-planck", "stochastic-resnet/densities"],
  ["/guide/fitting-distributions", "fit-distribution/fit-tanh"],
  ["/guide/numerical-schemes", "convergence/orders-sde"],
];

const RENDER = `import { parseHTML } from "linkedom";

const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
const options = { document: document as unknown as Document, width: 640, background: "white" };`;

export function experimentScript(key: string): string {
  const [id, figId] = key.split("/");
  return `import { runExperiment } from "@kinetic-nde/experiments";
import { renderFigure } from "@kinetic-nde/experiments/plot";
${RENDER}

const result = await runExperiment(${JSON.stringify(id)}, {}, { quick: true, seed: 1 });
const figure = result.figures.find((f) => f.id === ${JSON.stringify(figId)});
if (figure === undefined) throw new Error("figure not found");
console.log(renderFigure(figure, result, options).outerHTML);
`;
}

export const RESNET_SCRIPT = `import { createScalarNetwork, linspaceEnsemble, solveOde } from "@kinetic-nde/core";
import type { FigureLayer } from "@kinetic-nde/experiments";
import { renderFigure } from "@kinetic-nde/experiments/plot";
${RENDER}

const x0 = linspaceEnsemble(3, -1.5, 1.5);
const net = (nLayers: number) => createScalarNetwork({ sigma: "tanh", w: 1.5, b: 0.2, T: 2, nLayers });
const series: Record<string, { columns: string[]; data: Record<string, Float64Array> }> = {};
const layers: FigureLayer[] = [];
const add = (name: string, t: Float64Array, saved: Float64Array, p: number, label: string, color: string, dashed = false) => {
  series[name] = { columns: ["t", "x"], data: { t, x: t.map((_, s) => saved[s * x0.length + p]!) } };
  layers.push({ kind: "line", series: name, x: "t", y: "x", label, color, dashed });
};
const fine = Float64Array.from({ length: 129 }, (_, i) => (2 * i) / 128);
const ode = solveOde(net(1), x0, { method: "dopri5", rtol: 1e-10, atol: 1e-12, saveAt: fine });
for (const [k, L] of [2, 8, 64].entries()) {
  const t = Float64Array.from({ length: L + 1 }, (_, i) => (2 * i) / L);
  const r = solveOde(net(L), x0, { method: "euler", stepsPerLayer: 1, saveAt: t });
  for (let p = 0; p < 3; p++) add(\`L\${L}-\${p}\`, t, r.saved, p, \`ResNet, L = \${L}\`, ["#d62728", "#ff7f0e", "#2ca02c"][k]!);
}
for (let p = 0; p < 3; p++) add(\`ode-\${p}\`, fine, ode.saved, p, "neural ODE (dopri5)", "#222222", true);
const figure = { id: "resnet-layers", title: "ResNet layers converge to the ODE", xLabel: "depth t = kΔt", yLabel: "x(t)", layers };
console.log(renderFigure(figure, { series }, options).outerHTML);
`;

/** Every distinct script of the gallery, by figure key. */
export function galleryScripts(): { key: string; code: string }[] {
  const keys = [...new Set([...EXPERIMENT_FIGURES, ...GUIDE_FIGURES.map(([, k]) => k)])];
  return keys.map((key) => ({ key, code: key === "resnet-layers" ? RESNET_SCRIPT : experimentScript(key) }));
}
