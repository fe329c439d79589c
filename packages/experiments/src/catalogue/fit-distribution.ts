/**
 * fit-distribution — fitting target distributions with the Fokker–Planck steady state: Gaussian
 * (closed form), tanh-type (sech power), Beta-type (D(x) = κ(1 - x²)) and a real data histogram;
 * and at a finite horizon, the tanh model's own f(T) by the adjoint gradient.
 */
import { createScalarNetwork } from "@kinetic-nde/core";
import { cellAverages1D, cellCenters, createGrid1D, type Grid1D, loadIris } from "@kinetic-nde/datasets";
import { fitFiniteHorizon, fitSteadyState, solveFokkerPlanck, stationaryDensity, type FitResult } from "@kinetic-nde/fokker-planck";
import * as z from "zod";
import { makeBoundCheck, makeCheck, makeTrueCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { densityMeanVar } from "../internal/grids.js";
import { meanVar, r6, stages, table } from "../internal/util.js";
import type { Check, DataTable, FigureSpec } from "../types.js";

const schema = z
  .object({
    gaussianMean: z.number().min(-2).max(2).default(0.7).describe("Gaussian target: mean μ"),
    gaussianStd: z.number().min(0.1).max(2).default(0.5).describe("Gaussian target: standard deviation s"),
    tanhW: z.number().min(-3).max(-0.3).default(-1.5).describe("tanh-type target: w of the generating steady state"),
    tanhB: z.number().min(-1).max(1).default(0.6).describe("tanh-type target: b"),
    tanhD: z.number().min(0.05).max(2).default(0.3).describe("tanh-type target: D"),
    betaAlpha: z.number().min(1.2).max(10).default(2).describe("Beta-type target (1 - x)^(α-1)·(1 + x)^(β-1): α"),
    betaBeta: z.number().min(1.2).max(10).default(5).describe("Beta-type target: β"),
    feature: z
      .enum(["sepal-length", "sepal-width", "petal-length", "petal-width"])
      .default("sepal-length")
      .describe("iris feature (unimodal) fitted by the tanh steady state"),
    bimodalFeature: z
      .enum(["sepal-length", "sepal-width", "petal-length", "petal-width"])
      .default("petal-length")
      .describe("iris feature (bimodal) fitted with constant D and with D(x)"),
    dataCells: z.number().int().min(10).max(400).default(40).describe("histogram cells of the data fits (150 samples)"),
    loss: z.enum(["kl", "l2", "w1"]).default("kl").describe("fitting loss"),
    cells: z.number().int().min(100).max(4000).default(400).describe("grid cells"),
    method: z
      .enum(["gradient", "nelder-mead"])
      .default("gradient")
      .describe("optimiser: L-BFGS on the exact steady-state gradient, or derivative-free Nelder–Mead"),
    maxEvaluations: z.number().int().min(100).max(20_000).default(3000).describe("loss evaluation budget per fit"),
  })
  .strict();

interface Fit {
  key: string;
  label: string;
  res: FitResult;
  /** Further columns of the density table (the initial density of a finite-horizon fit). */
  extra?: Record<string, Float64Array>;
}

function densityTable(r: FitResult, extra: Record<string, Float64Array> = {}): DataTable {
  return table({ x: cellCenters(r.grid), target: r.target, fitted: r.fitted, ...extra }, { x: "x" });
}

function paramsSummary(key: string, r: FitResult): Record<string, number | string> {
  const p = r.params;
  const out: Record<string, number | string> = {
    [`${key}_family`]: r.family,
    [`${key}_w`]: r6(p.w),
    [`${key}_b`]: r6(p.b),
    [`${key}_loss_${r.lossName}`]: r6(r.loss),
    [`${key}_kl`]: r6(r.losses.kl),
    [`${key}_w1`]: r6(r.losses.w1),
    [`${key}_status`]: r.status,
    [`${key}_method`]: r.method,
    [`${key}_evaluations`]: r.stats.evaluations,
  };
  if (typeof p.D === "number") out[`${key}_D`] = r6(p.D);
  if (p.kappa !== undefined) out[`${key}_kappa`] = r6(p.kappa);
  if (p.coefficients !== undefined) out[`${key}_D_coefficients`] = p.coefficients.map((c) => r6(c)).join(", ");
  return out;
}

/** The fit-distribution experiment. */
export const fitDistribution = defineExperiment({
  id: "fit-distribution",
  title: "Fitting distributions with Fokker–Planck steady states",
  summary:
    "Training becomes fitting distributions: choose (w, b, D) — or a state-dependent D(x) — so that the stationary density of the stochastic ResNet's Fokker–Planck equation matches a target. Gaussian targets have a closed form (b = -wμ, D = s²|w|); tanh-type (sech-power) and Beta-type (D(x) = κ(1 - x²)) targets are fitted by L-BFGS on the exact gradient of the discrete steady state (or by Nelder–Mead) and must recover the parameters that generated them; a histogram of real data (iris) is fitted by a constant-D tanh model and by a bimodal D(x). At a finite horizon the density f(T) reached from a two-bump start is fitted by L-BFGS on the exact adjoint gradient of the solve, and must recover the tanh model that produced it; and a Gaussian is split into two bumps by a fitted D(x), which no constant D with a linear drift can do.",
  schema,
  quick: { cells: 300, maxEvaluations: 1500 },
  controls: [
    { key: "gaussianMean", label: "Gaussian μ", kind: "range", min: -2, max: 2, step: 0.1 },
    { key: "gaussianStd", label: "Gaussian s", kind: "range", min: 0.1, max: 2, step: 0.05 },
    { key: "betaAlpha", label: "Beta α", kind: "range", min: 1.2, max: 10, step: 0.1 },
    { key: "betaBeta", label: "Beta β", kind: "range", min: 1.2, max: 10, step: 0.1 },
    { key: "feature", label: "iris feature", kind: "select", options: ["sepal-length", "sepal-width", "petal-length", "petal-width"] },
    { key: "loss", label: "loss", kind: "select", options: ["kl", "l2", "w1"] },
    { key: "method", label: "optimiser", kind: "select", options: ["gradient", "nelder-mead"] },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 6);
    const checks: Check[] = [];
    const fits: Fit[] = [];
    const base = { loss: config.loss, method: config.method, maxEvaluations: config.maxEvaluations, seed: ctx.seed } as const;

    await st.stage("Gaussian target (closed form)");
    {
      const { gaussianMean: mu, gaussianStd: s } = config;
      const grid = createGrid1D(mu - 7 * s, mu + 7 * s, config.cells) as Grid1D;
      const c = 1 / (s * Math.sqrt(2 * Math.PI));
      const res = fitSteadyState((x) => c * Math.exp(-0.5 * ((x - mu) / s) ** 2), { ...base, family: "gaussian", grid });
      const w = res.params.w;
      checks.push(makeCheck("gaussian-b", "Gaussian target: b = -wμ (closed form)", res.params.b, -w * mu, 1e-9 * (1 + Math.abs(w * mu))));
      checks.push(makeCheck("gaussian-D", "Gaussian target: D = s²|w| (closed form)", res.params.D as number, s * s * Math.abs(w), 1e-9));
      // Only the grid's cell-average error (O(Δx²)) separates the discrete steady state from the target.
      checks.push(
        makeBoundCheck(
          "gaussian-w1",
          "Gaussian target: W1(fitted, target) (bound Δx²: cell averages of a smooth density)",
          res.losses.w1,
          grid.dx ** 2,
        ),
      );
      fits.push({ key: "gaussian", label: `Gaussian N(${mu}, ${s}²)`, res });
    }

    await st.stage("tanh-type target (sech power)");
    {
      const { tanhW: w0, tanhB: b0, tanhD: D0 } = config;
      const sd = stationaryDensity("tanh", w0, b0, D0);
      const c0 = -b0 / w0;
      const half = 8 * Math.sqrt(sd.variance);
      const grid = createGrid1D(c0 - half, c0 + half, config.cells) as Grid1D;
      const res = fitSteadyState(sd.pdf, { ...base, family: "tanh", grid });
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      checks.push(makeBoundCheck("tanh-w", `tanh-type target: recovered w (true ${w0}); relative error`, rel(res.params.w, w0), 0.01));
      checks.push(makeBoundCheck("tanh-b", `tanh-type target: recovered b (true ${b0}); relative error`, rel(res.params.b, b0), 0.01));
      checks.push(
        makeBoundCheck("tanh-D", `tanh-type target: recovered D (true ${D0}); relative error`, rel(res.params.D as number, D0), 0.01),
      );
      fits.push({ key: "tanh", label: `sech(${w0}x + ${b0})^(1/(|w|D)), D = ${D0}`, res });
    }

    await st.stage("Beta-type target (D(x) = κ(1 - x²))");
    {
      const { betaAlpha: al, betaBeta: be } = config;
      const grid = createGrid1D(-1, 1, config.cells) as Grid1D;
      const res = fitSteadyState((x) => Math.pow(1 - x, al - 1) * Math.pow(1 + x, be - 1), { ...base, family: "beta", grid });
      const wAbs = Math.abs(res.params.w);
      const kappa = wAbs / (al + be),
        b = kappa * (be - al);
      checks.push(makeCheck("beta-kappa", `Beta-type target: κ = |w|/(α+β) = ${r6(kappa)}`, res.params.kappa ?? NaN, kappa, 0.01 * kappa));
      checks.push(makeCheck("beta-b", `Beta-type target: b = κ(β - α) = ${r6(b)}`, res.params.b, b, 0.01 * Math.abs(b) + 1e-4));
      fits.push({ key: "beta", label: `(1-x)^(${al}−1)(1+x)^(${be}−1)`, res });
    }

    await st.stage("finite horizon: the tanh model's own f(T)");
    {
      const { tanhW: w0, tanhB: b0, tanhD: D0 } = config;
      const T = 1;
      // relative to max(|true|, 0.1): b may be 0
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 0.1);
      const grid = createGrid1D(-4, 4, 160) as Grid1D;
      const f0 = (x: number): number => Math.exp(-((x - 0.8) ** 2) / 0.3) + 0.6 * Math.exp(-((x + 1) ** 2) / 0.5);
      // the fit's own discrete solve: f0 as normalised cell averages, implicit Euler in 50 steps
      const init = cellAverages1D(f0, grid);
      const mass = init.reduce((a, v) => a + v, 0) * grid.dx;
      for (let i = 0; i < init.length; i++) init[i]! /= mass;
      const network = createScalarNetwork({ sigma: "tanh", w: w0, b: b0, T });
      const target = solveFokkerPlanck({ network, grid, f0: init, D: D0 }, { dt: T / 50 }).f;
      const res = fitFiniteHorizon(f0, { density: target, grid }, T, { ...base, family: "tanh", steps: 50 });
      // an exact target: the parameters are recovered to the optimiser's tolerance (1e-7 or better in the tests)
      checks.push(
        makeBoundCheck("horizon-w", `finite horizon T = ${T}: recovered w (true ${w0}); relative error`, rel(res.params.w, w0), 1e-4),
      );
      checks.push(
        makeBoundCheck("horizon-b", `finite horizon T = ${T}: recovered b (true ${b0}); relative error`, rel(res.params.b, b0), 1e-4),
      );
      checks.push(
        makeBoundCheck(
          "horizon-D",
          `finite horizon T = ${T}: recovered D (true ${D0}); relative error`,
          rel(res.params.D as number, D0),
          1e-4,
        ),
      );
      fits.push({ key: "horizon-tanh", label: `f(${T}) of the tanh model from two bumps`, res, extra: { initial: init } });
    }

    await st.stage("finite horizon: a Gaussian split in two by D(x)");
    {
      // from N(0, 0.5²) to two bumps at ±1.2: a linear drift with constant D keeps a Gaussian Gaussian
      // (MODEL.md §6), a state-dependent D(x) (the bimodal family) can push the mass apart
      const T = 1;
      const grid = createGrid1D(-4, 4, 200) as Grid1D;
      const f0 = (x: number): number => Math.exp(-(x * x) / 0.5);
      const mixture = (x: number): number => Math.exp(-((x - 1.2) ** 2) / 0.18) + Math.exp(-((x + 1.2) ** 2) / 0.18);
      const flat = fitFiniteHorizon(f0, mixture, T, { ...base, family: "identity", grid });
      const bumps = fitFiniteHorizon(f0, mixture, T, { ...base, family: "bimodal", grid });
      checks.push(
        makeTrueCheck(
          "horizon-bimodal-loss",
          `finite horizon T = ${T}, N(0, 0.5²) → two bumps: D(x) reaches a lower ${bumps.lossName} than constant D (${r6(bumps.loss)} vs ${r6(flat.loss)})`,
          bumps.loss < flat.loss,
        ),
      );
      // the fitted f(T) has a dip between two maxima: its value at the centre below half the smaller peak
      const f = bumps.fitted;
      const mid = Math.floor(f.length / 2);
      let left = 0,
        right = 0;
      for (let i = 0; i < mid; i++) left = Math.max(left, f[i]!);
      for (let i = mid; i < f.length; i++) right = Math.max(right, f[i]!);
      const centre = 0.5 * (f[mid - 1]! + f[mid]!);
      checks.push(
        makeBoundCheck(
          "horizon-bimodal-dip",
          `finite horizon, D(x) fit: the fitted f(T) is bimodal (centre / smaller peak)`,
          centre / Math.min(left, right),
          0.5,
        ),
      );
      const init = cellAverages1D(f0, grid);
      const mass = init.reduce((a, v) => a + v, 0) * grid.dx;
      for (let i = 0; i < init.length; i++) init[i]! /= mass;
      fits.push({
        key: "horizon-identity",
        label: `f(${T}) from N(0, 0.5²), linear drift, constant D`,
        res: flat,
        extra: { initial: init },
      });
      fits.push({
        key: "horizon-bimodal",
        label: `f(${T}) from N(0, 0.5²), linear drift, D(x) with bumps`,
        res: bumps,
        extra: { initial: init },
      });
    }

    await st.stage(`iris ${config.feature} and ${config.bimodalFeature}: histogram fits`);
    {
      const gridFor = (samples: Float64Array) => {
        const lo = Math.min(...samples),
          hi = Math.max(...samples);
        const pad = 0.25 * (hi - lo);
        return createGrid1D(lo - pad, hi + pad, config.dataCells) as Grid1D;
      };
      const samples = loadIris({ features: [config.feature] }).x;
      const mv = meanVar(samples);
      const grid = gridFor(samples);
      const tanhFit = fitSteadyState({ samples }, { ...base, family: "tanh", grid });
      const mTanh = densityMeanVar(grid, tanhFit.fitted);
      // A KL fit of a location–scale family matches the first two moments up to the histogram's
      // binning (Δx²/12 in the variance) and the family's shape.
      checks.push(
        makeCheck(
          "data-mean",
          `iris ${config.feature}: the fitted tanh steady state has the sample mean (tol 0.1 sample std)`,
          mTanh.mean,
          mv.mean,
          0.1 * Math.sqrt(mv.variance),
        ),
      );
      checks.push(
        makeCheck(
          "data-variance",
          `iris ${config.feature}: the fitted tanh steady state has the sample variance (tol 20% + Δx²)`,
          mTanh.variance,
          mv.variance,
          0.2 * mv.variance + grid.dx ** 2,
        ),
      );
      const samples2 = loadIris({ features: [config.bimodalFeature] }).x;
      const grid2 = gridFor(samples2);
      const tanh2 = fitSteadyState({ samples: samples2 }, { ...base, family: "tanh", grid: grid2 });
      const bimodal = fitSteadyState({ samples: samples2 }, { ...base, family: "bimodal", grid: grid2 });
      checks.push(
        makeTrueCheck(
          "data-bimodal",
          `iris ${config.bimodalFeature}: a state-dependent D(x) fits better than constant D (W1 ${r6(bimodal.losses.w1)} vs ${r6(tanh2.losses.w1)})`,
          bimodal.losses.w1 < tanh2.losses.w1,
        ),
      );
      fits.push({ key: "data-tanh", label: `iris ${config.feature}: tanh, constant D`, res: tanhFit });
      fits.push({ key: "data2-tanh", label: `iris ${config.bimodalFeature}: tanh, constant D`, res: tanh2 });
      fits.push({ key: "data2-bimodal", label: `iris ${config.bimodalFeature}: D(x) with bumps`, res: bimodal });
    }
    st.done();

    const series: Record<string, DataTable> = {};
    const summary: Record<string, number | string> = {};
    for (const f of fits) {
      series[f.key] = densityTable(f.res, f.extra);
      Object.assign(summary, paramsSummary(f.key, f.res));
    }
    const figures: FigureSpec[] = fits
      .filter((f) => f.key !== "data2-bimodal" && f.key !== "horizon-identity")
      .map((f) => ({
        id: `fit-${f.key}`,
        title:
          f.key === "data-tanh"
            ? `Fit to the iris ${config.feature} histogram`
            : f.key === "data2-tanh"
              ? `Fit to the iris ${config.bimodalFeature} histogram`
              : `Fit: ${f.label}`,
        xLabel: f.key === "data-tanh" ? `${config.feature} (cm)` : f.key === "data2-tanh" ? `${config.bimodalFeature} (cm)` : "x",
        yLabel: "density",
        layers: [
          {
            kind: f.key.startsWith("data") ? ("step" as const) : ("area" as const),
            series: f.key,
            x: "x",
            y: "target",
            label: f.key.startsWith("data") ? "data histogram" : "target",
            color: "#888888",
          },
          {
            kind: "line" as const,
            series: f.key,
            x: "x",
            y: "fitted",
            label:
              f.key === "horizon-bimodal"
                ? "f(T), fitted: D(x) with bumps"
                : f.key === "horizon-tanh"
                  ? `f(T), fitted (${f.res.family})`
                  : `steady state (${f.res.family}${f.key === "data2-tanh" ? ", constant D" : ""})`,
            color: PALETTE[0]!,
          },
          ...(f.extra?.["initial"] !== undefined
            ? [{ kind: "line" as const, series: f.key, x: "x", y: "initial", label: "initial f0", color: PALETTE[2]!, dashed: true }]
            : []),
          ...(f.key === "horizon-bimodal"
            ? [
                {
                  kind: "line" as const,
                  series: "horizon-identity",
                  x: "x",
                  y: "fitted",
                  label: "f(T), fitted: constant D",
                  color: PALETTE[1]!,
                  dashed: true,
                },
              ]
            : []),
          ...(f.key === "data2-tanh"
            ? [
                {
                  kind: "line" as const,
                  series: "data2-bimodal",
                  x: "x",
                  y: "fitted",
                  label: "steady state, D(x) with bumps",
                  color: PALETTE[1]!,
                  dashed: true,
                },
              ]
            : []),
        ],
        caption: `${f.res.lossName.toUpperCase()} loss ${r6(f.res.loss)}; fitted w = ${r6(f.res.params.w)}, b = ${r6(f.res.params.b)}${typeof f.res.params.D === "number" ? `, D = ${r6(f.res.params.D)}` : ""}${f.res.params.kappa !== undefined ? `, κ = ${r6(f.res.params.kappa)}` : ""}.`,
      }));
    return { id: "fit-distribution", config, seed: ctx.seed, series, summary, checks, figures };
  },
});
