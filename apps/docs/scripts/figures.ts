/**
 * Prints, as one JSON line, build-time figures of the site: figures of experiments' quick runs and
 * one dedicated computation (the ResNet as forward Euler), rendered to SVG by the shared renderer of
 * `@kinetic-nde/experiments/plot` on a light DOM. Arguments select figures: `<experiment>/<figure>`,
 * `<experiment>` (its first figure) or `resnet-layers`. Used by the `*.data.ts` loaders; run with
 * `node --conditions=source --import tsx scripts/figures.ts convergence/orders-ode resnet-layers`.
 */
import { createScalarNetwork, linspaceEnsemble, solveOde } from "@kinetic-nde/core";
import { type ExperimentResult, type FigureLayer, type FigureSpec, getExperiment, runExperiment } from "@kinetic-nde/experiments";
import { renderFigure, type FigureData } from "@kinetic-nde/experiments/plot";
import { parseHTML } from "linkedom";

export interface BuiltFigure {
  /** The selector it was asked for, e.g. `"convergence/orders-ode"`. */
  key: string;
  /** The experiment (or topic) it comes from. */
  source: string;
  title: string;
  caption: string;
  svg: string;
}

const document = parseHTML("<!DOCTYPE html><html><body></body></html>").document as unknown as Document;

function toSvg(fig: FigureSpec, data: FigureData): string {
  // The page prints the caption under the picture, so the SVG leaves it out (and carries it as its label).
  const { caption: _caption, ...bare } = fig;
  const svg = renderFigure(bare, data, { document, width: 640, background: "white" });
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  svg.setAttribute("color", "#222222");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", fig.caption ?? fig.title);
  return svg.outerHTML;
}

/** Trajectories of a scalar tanh ResNet with L = 2, 8, 64 layers against the ODE (dopri5). */
function resnetLayers(): BuiltFigure {
  const x0 = linspaceEnsemble(3, -1.5, 1.5);
  const layers: FigureLayer[] = [];
  const tFine = Float64Array.from({ length: 129 }, (_, i) => (2 * i) / 128);
  const exact = solveOde(createScalarNetwork({ sigma: "tanh", w: 1.5, b: 0.2, T: 2, nLayers: 1 }), x0, {
    method: "dopri5",
    rtol: 1e-10,
    atol: 1e-12,
    saveAt: tFine,
  });
  const series: Record<string, { columns: string[]; data: Record<string, Float64Array> }> = {};
  const colours = ["#d62728", "#ff7f0e", "#2ca02c"];
  for (const [k, L] of [2, 8, 64].entries()) {
    const net = createScalarNetwork({ sigma: "tanh", w: 1.5, b: 0.2, T: 2, nLayers: L });
    const t = Float64Array.from({ length: L + 1 }, (_, i) => (2 * i) / L);
    const r = solveOde(net, x0, { method: "euler", stepsPerLayer: 1, saveAt: t });
    for (let p = 0; p < x0.length; p++) {
      const name = `L${L}-${p}`;
      series[name] = { columns: ["t", "x"], data: { t, x: Float64Array.from(t, (_, s) => r.saved[s * x0.length + p] ?? Number.NaN) } };
      layers.push({ kind: "line", series: name, x: "t", y: "x", label: `ResNet, L = ${L}`, color: colours[k] });
    }
  }
  for (let p = 0; p < x0.length; p++) {
    const name = `ode-${p}`;
    series[name] = {
      columns: ["t", "x"],
      data: { t: tFine, x: Float64Array.from(tFine, (_, s) => exact.saved[s * x0.length + p] ?? Number.NaN) },
    };
    layers.push({ kind: "line", series: name, x: "t", y: "x", label: "neural ODE (dopri5)", dashed: true, color: "#222222" });
  }
  const fig: FigureSpec = {
    id: "resnet-layers",
    title: "ResNet layers converge to the ODE",
    xLabel: "depth t = kΔt",
    yLabel: "x(t)",
    layers,
    caption:
      "Three inputs pushed through x ← x + Δt tanh(1.5x + 0.2) with L = 2, 8 and 64 layers (Δt = 2/L), against the neural ODE solved by dopri5: the forward-Euler error falls like 1/L.",
  };
  return {
    key: "resnet-layers",
    source: "resnet-layers",
    title: fig.title,
    caption: fig.caption ?? fig.title,
    svg: toSvg(fig, { series }),
  };
}

const wanted = process.argv.slice(2);
const results = new Map<string, ExperimentResult>();
const figures: BuiltFigure[] = [];
const errors: Record<string, string> = {};
for (const key of wanted) {
  try {
    if (key === "resnet-layers") {
      figures.push(resnetLayers());
      continue;
    }
    const [id = "", figId] = key.split("/");
    getExperiment(id);
    let result = results.get(id);
    if (result === undefined) {
      result = await runExperiment(id, {}, { quick: true, seed: 1 });
      results.set(id, result);
    }
    const fig = figId === undefined ? result.figures[0] : result.figures.find((f) => f.id === figId);
    if (fig === undefined) throw new Error(`no figure ${JSON.stringify(figId)} in ${id}`);
    figures.push({
      key,
      source: id,
      title: fig.title,
      caption: fig.caption ?? fig.title,
      svg: toSvg(fig, { series: result.series, fields: result.fields }),
    });
  } catch (err) {
    errors[key] = String((err as Error).message ?? err).split("\n")[0] ?? "failed";
  }
}
process.stdout.write(`${JSON.stringify({ figures, errors })}\n`);
