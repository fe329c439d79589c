/**
 * The fitting table of the docs and the README: for each steady-state family and each target (the
 * family's own discrete steady state, a data histogram (iris sepal lengths), the iris petal lengths,
 * a bimodal mixture; histograms in 40 cells over the sample range ± 25 %),
 * the final KL loss, the loss evaluations, the wall time and the status of the gradient fit (L-BFGS on
 * the exact steady-state gradient) and of Nelder–Mead, both with their default settings.
 *
 * Usage: node --conditions=source --import tsx scripts/fit-table.ts   (prints a Markdown table)
 * Times are the fastest of three runs on the machine at hand: compare the two columns, not machines.
 */
import { createGrid1D, type Grid1D, loadIris } from "../packages/datasets/src/index.js";
import {
  type FitFamily,
  type FitMethod,
  type FitResult,
  type FitTarget,
  fitSteadyState,
  solveSteadyState,
} from "../packages/fokker-planck/src/index.js";

interface Row {
  readonly family: FitFamily;
  readonly target: string;
  readonly fit: (method: FitMethod) => FitResult;
}

const mixture = (x: number): number => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
const sepal = loadIris({ features: ["sepal-length"] }).x;
const petal = loadIris({ features: ["petal-length"] }).x;

/** The histogram grid of the fit-distribution experiment: the sample range ± 25 % in 40 cells. */
function dataGrid(x: Float64Array): Grid1D {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 0.25 * (hi - lo);
  return createGrid1D(lo - pad, hi + pad, 40) as Grid1D;
}

/** Samples mapped affinely onto (-0.9, 0.9): the Beta-type family lives on (-1, 1). */
function toUnit(x: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return x.map((v) => -0.9 + (1.8 * (v - lo)) / (hi - lo));
}

const wide = createGrid1D(-6, 6, 400) as Grid1D;
const unit = createGrid1D(-1, 1, 400) as Grid1D;
const mid = createGrid1D(-3, 3, 300) as Grid1D;
const unit40 = createGrid1D(-1, 1, 40) as Grid1D;
const centres = [-2, 0, 2];
const width = 6 / (2 * centres.length);
const bumps = (x: number): number =>
  0.3 + [0.2, 1.5, 0.2].reduce((s, c, j) => s + c * Math.exp(-0.5 * ((x - centres[j]!) / width) ** 2), 0);

const own: Record<Exclude<FitFamily, "gaussian">, { target: FitTarget; note: string; extra?: { basisCentres: number[] } }> = {
  identity: {
    target: { density: solveSteadyState({ grid: wide, sigma: "identity", w: -1, b: 0.3, D: 0.5 }).f, grid: wide },
    note: "b = 0.3, D = 0.5",
  },
  tanh: {
    target: { density: solveSteadyState({ grid: wide, sigma: "tanh", w: -1.5, b: 0.6, D: 0.4 }).f, grid: wide },
    note: "w = −1.5, b = 0.6, D = 0.4",
  },
  beta: {
    target: { density: solveSteadyState({ grid: unit, sigma: "identity", w: -1, b: 0.3, D: (x) => 0.2 * (1 - x * x) }).f, grid: unit },
    note: "b = 0.3, κ = 0.2",
  },
  bimodal: {
    target: { density: solveSteadyState({ grid: mid, sigma: "identity", w: -1, b: 0.2, D: bumps }).f, grid: mid },
    note: "b = 0.2, 3 bumps",
    extra: { basisCentres: centres },
  },
};

const rows: Row[] = [];
for (const family of ["identity", "tanh", "beta", "bimodal"] as const) {
  const o = own[family];
  rows.push({ family, target: `own steady state (${o.note})`, fit: (method) => fitSteadyState(o.target, { family, method, ...o.extra }) });
  const beta = family === "beta";
  rows.push({
    family,
    target: `iris sepal-length histogram${beta ? " (mapped onto (−0.9, 0.9))" : ""}`,
    fit: (method) => fitSteadyState({ samples: beta ? toUnit(sepal) : sepal }, { family, method, grid: beta ? unit40 : dataGrid(sepal) }),
  });
  rows.push({
    family,
    target: `iris petal-length histogram${beta ? " (mapped onto (−0.9, 0.9))" : ""}`,
    fit: (method) => fitSteadyState({ samples: beta ? toUnit(petal) : petal }, { family, method, grid: beta ? unit40 : dataGrid(petal) }),
  });
  rows.push({
    family,
    target: `bimodal mixture${beta ? " (scaled onto (−0.9, 0.9))" : ""}`,
    fit: (method) =>
      beta
        ? fitSteadyState((x) => mixture(x / 0.3), { family, method, grid: unit })
        : fitSteadyState(mixture, { family, method, grid: mid }),
  });
}

/** The fit and its fastest wall time of three runs (the machine may be shared). */
function cell(method: FitMethod, row: Row): string {
  let ms = Infinity;
  let r: FitResult | undefined;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    r = row.fit(method);
    ms = Math.min(ms, performance.now() - t0);
  }
  if (r === undefined) throw new Error("no run");
  return `${r.loss.toExponential(3)} | ${r.stats.evaluations} | ${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms | ${r.status}`;
}

// warm-up (JIT) before anything is timed
for (const method of ["gradient", "nelder-mead"] as const) rows[0]!.fit(method);

const out: string[] = [
  "| family | target | gradient: KL | evals | time | status | Nelder–Mead: KL | evals | time | status |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
for (const row of rows) out.push(`| ${row.family} | ${row.target} | ${cell("gradient", row)} | ${cell("nelder-mead", row)} |`);
console.log(out.join("\n"));
