/**
 * The fitting table of the docs and the README: for each steady-state family and each target (the
 * family's own discrete steady state, a data histogram (iris sepal lengths), the iris petal lengths,
 * a bimodal mixture; histograms in 40 cells over the sample range ± 25 %),
 * the final KL loss, the loss evaluations, the wall time and the status of the gradient fit (L-BFGS on
 * the exact steady-state gradient) and of Nelder–Mead, both with their default settings.
 *
 * A second table does the same for finite-horizon fits (`fitFiniteHorizon`: f(T) from an initial
 * density f0 against the target, T = 1, 50 implicit Euler steps): the gradient fit by the discrete
 * adjoint of the solve against Nelder–Mead.
 *
 * Usage: node --conditions=source --import tsx scripts/fit-table.ts [steady|horizon]
 *   (prints the Markdown tables; `steady` or `horizon` prints only that one)
 * Times are the fastest of three runs on the machine at hand: compare the two columns, not machines.
 */
import { createScalarNetwork } from "../packages/core/src/index.js";
import { cellAverages1D, createGrid1D, type Grid1D, loadIris } from "../packages/datasets/src/index.js";
import {
  type FitFamily,
  type FitMethod,
  type FitResult,
  type FitTarget,
  fitFiniteHorizon,
  fitSteadyState,
  solveFokkerPlanck,
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

/** Finite-horizon rows: f0 → target at T = 1. */
const horizonRows: Row[] = [];
{
  const g160 = createGrid1D(-4, 4, 160) as Grid1D;
  const u160 = createGrid1D(-1, 1, 160) as Grid1D;
  const g200 = createGrid1D(-4, 4, 200) as Grid1D;
  const twoBumps = (x: number): number => Math.exp(-((x - 0.8) ** 2) / 0.3) + 0.6 * Math.exp(-((x + 1) ** 2) / 0.5);
  const bumpUnit = (x: number): number => Math.exp(-((x - 0.3) ** 2) / 0.05) + 0.5;
  const narrow = (x: number): number => Math.exp(-(x * x) / 0.5);
  const skew = (x: number): number => (x > -1 ? (x + 1) * Math.exp(-(x + 1) / 0.8) : 0);
  /** The model's own discrete f(T) from f0 (the fit's solve: implicit Euler, 50 steps, f0 normalised). */
  const own = (
    f0: (x: number) => number,
    grid: Grid1D,
    sigma: string,
    w: number[],
    b: number[],
    D: number | ((x: number) => number) | number[],
  ): FitTarget => {
    const network = createScalarNetwork({ sigma, w, b, T: 1 });
    return { density: solveFokkerPlanck({ network, grid, f0: normalised(f0, grid), D }, { dt: 1 / 50 }).f, grid };
  };
  const add = (family: FitFamily, target: string, f0: (x: number) => number, g: FitTarget, grid: Grid1D, extra: object = {}) =>
    horizonRows.push({ family, target, fit: (method) => fitFiniteHorizon(f0, g, 1, { family, grid, method, ...extra }) });
  add(
    "identity",
    "own f(T) from two bumps (w = −0.7, b = 0.3, D = 0.3)",
    twoBumps,
    own(twoBumps, g160, "identity", [-0.7], [0.3], 0.3),
    g160,
  );
  add("tanh", "own f(T) from two bumps (w = −1.2, b = 0.4, D = 0.25)", twoBumps, own(twoBumps, g160, "tanh", [-1.2], [0.4], 0.25), g160);
  add(
    "beta",
    "own f(T) on (−1, 1) (w = −1, b = 0.3, κ = 0.2)",
    bumpUnit,
    own(bumpUnit, u160, "identity", [-1], [0.3], (x) => 0.2 * (1 - x * x)),
    u160,
  );
  add(
    "layerwise",
    "own f(T) from two bumps (2 tanh layers: w = (−1.2, 0.6), b = (0.5, −0.4), D = 0.2)",
    twoBumps,
    own(twoBumps, g160, "tanh", [-1.2, 0.6], [0.5, -0.4], 0.2),
    g160,
    { layers: 2 },
  );
  add(
    "layerwise",
    "own f(T) from two bumps (2 tanh layers as above, D per layer = (0.3, 0.1))",
    twoBumps,
    own(twoBumps, g160, "tanh", [-1.2, 0.6], [0.5, -0.4], [0.3, 0.1]),
    g160,
    { layers: 2, diffusionPerLayer: true },
  );
  {
    // D(x) = 0.05 + 0.3 φ(x + 1.5) + 0.05 φ(x) + 0.2 φ(x − 1.5), φ(u) = exp(−u²/(2·(4/3)²)): the bimodal basis at 3 centres
    const phi = (u: number): number => Math.exp(-0.5 * (u / (8 / 6)) ** 2);
    const D = (x: number): number => 0.05 + 0.3 * phi(x + 1.5) + 0.05 * phi(x) + 0.2 * phi(x - 1.5);
    add(
      "bimodal",
      "own f(T) from two bumps (w = −0.8, b = 0.2, D(x) on 3 bumps at −1.5, 0, 1.5)",
      twoBumps,
      own(twoBumps, g160, "identity", [-0.8], [0.2], D),
      g160,
      { basisCentres: [-1.5, 0, 1.5] },
    );
  }
  for (const [name, tgt] of [
    ["skewed (x + 1) exp(−(x + 1)/0.8)", skew],
    ["bimodal mixture", mixture],
  ] as const) {
    add("identity", `N(0, 0.5²) → ${name}`, narrow, tgt, g200);
    add("tanh", `N(0, 0.5²) → ${name}`, narrow, tgt, g200);
    add("layerwise", `N(0, 0.5²) → ${name} (3 tanh layers)`, narrow, tgt, g200, { layers: 3 });
    add("layerwise", `N(0, 0.5²) → ${name} (3 ReLU layers)`, narrow, tgt, g200, { layers: 3, activation: "relu" });
    add("layerwise", `N(0, 0.5²) → ${name} (3 tanh layers, D per layer)`, narrow, tgt, g200, { layers: 3, diffusionPerLayer: true });
    add("bimodal", `N(0, 0.5²) → ${name} (D(x) on 7 bumps)`, narrow, tgt, g200);
  }
  {
    // the petal lengths from the Gaussian of their own mean and standard deviation
    let m = 0;
    for (const v of petal) m += v;
    m /= petal.length;
    let v2 = 0;
    for (const v of petal) v2 += (v - m) ** 2;
    const sd = Math.sqrt(v2 / petal.length);
    const gauss = (x: number): number => Math.exp(-0.5 * ((x - m) / sd) ** 2);
    const grid = dataGrid(petal);
    add("tanh", "N(mean, sd²) of the iris petal lengths → their histogram", gauss, { samples: petal }, grid);
    add("layerwise", "N(mean, sd²) of the iris petal lengths → their histogram (3 tanh layers)", gauss, { samples: petal }, grid, {
      layers: 3,
    });
    add("bimodal", "N(mean, sd²) of the iris petal lengths → their histogram (D(x) on 7 bumps)", gauss, { samples: petal }, grid);
  }
}

/** Cell averages (midpoint) of f on the grid, normalised to mass 1 — as the fit normalises f0. */
function normalised(f: (x: number) => number, grid: Grid1D): Float64Array {
  const v = cellAverages1D(f, grid);
  let m = 0;
  for (const x of v) m += x;
  m *= grid.dx;
  return v.map((x) => x / m);
}

const only = process.argv[2];
const header = [
  "| family | target | gradient: KL | evals | time | status | Nelder–Mead: KL | evals | time | status |",
  "|---|---|---|---|---|---|---|---|---|---|",
];
if (only !== "horizon") {
  // warm-up (JIT) before anything is timed
  for (const method of ["gradient", "nelder-mead"] as const) rows[0]!.fit(method);
  const out = [...header];
  for (const row of rows) out.push(`| ${row.family} | ${row.target} | ${cell("gradient", row)} | ${cell("nelder-mead", row)} |`);
  console.log(out.join("\n"));
}
if (only !== "steady") {
  for (const method of ["gradient", "nelder-mead"] as const) horizonRows[1]!.fit(method);
  const out = ["", "Finite horizon (T = 1):", "", ...header.map((h) => h.replace("| target |", "| f0 → target |"))];
  for (const row of horizonRows) out.push(`| ${row.family} | ${row.target} | ${cell("gradient", row)} | ${cell("nelder-mead", row)} |`);
  console.log(out.join("\n"));
}
