/**
 * Tool `fit`: fit a Fokker–Planck steady state, or the density at a finite horizon T, to a target
 * distribution.
 * @packageDocumentation
 */
import { invalidArgument, requireFits } from "@kinetic-nde/core/validate";
import { fitFiniteHorizon, fitSteadyState, stationaryDensity, type FitTarget } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, cellCenters, createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import * as z from "zod";
import { defineExperiment } from "../internal/define.js";
import { normalPdf } from "../internal/grids.js";
import { stages, table } from "../internal/util.js";
import type { FigureSpec } from "../types.js";
import { gridSchema } from "./shared.js";

/** Fields of the fit target (the CLI replaces `samples` by a file and a column). */
export const fitTargetFields = {
  kind: z
    .enum(["gaussian", "tanh", "beta", "samples"])
    .default("gaussian")
    .describe("target: a Gaussian, a tanh-type steady state, a Beta-type density, or samples"),
  mean: z.number().default(0).describe("gaussian: mean"),
  std: z.number().positive().default(1).describe("gaussian: standard deviation"),
  w: z.number().negative().default(-1).describe("tanh: w < 0"),
  b: z.number().default(0).describe("tanh: b"),
  D: z.number().positive().default(0.5).describe("tanh: D"),
  alpha: z.number().min(1).default(2).describe("beta: α of (1 - x)^(α-1)·(1 + x)^(β-1) on (-1, 1)"),
  beta: z.number().min(1).default(3).describe("beta: β"),
};

/** The default target N(0, 1). */
export const DEFAULT_FIT_TARGET = { kind: "gaussian", mean: 0, std: 1, w: -1, b: 0, D: 0.5, alpha: 2, beta: 3 } as const;

/** The fit fields besides the target. */
export const fitFields = {
  family: z
    .enum(["gaussian", "identity", "tanh", "beta", "bimodal", "layerwise"])
    .optional()
    .describe(
      "model family (default: matches the target kind, identity for a gaussian target at a finite horizon; tanh for samples); layerwise: finite horizon only",
    ),
  loss: z.enum(["kl", "l2", "w1"]).default("kl").describe("loss"),
  grid: gridSchema.optional().describe("grid (default from the target)"),
  cells: z.number().int().min(10).max(100_000).default(400).describe("cells of the default grid"),
  method: z
    .enum(["gradient", "nelder-mead"])
    .default("gradient")
    .describe(
      "optimiser: L-BFGS on the exact gradient (of the steady state, or by the adjoint of the solve at a finite horizon), or derivative-free Nelder–Mead",
    ),
  maxEvaluations: z
    .number()
    .int()
    .min(10)
    .max(1_000_000)
    .optional()
    .describe("loss evaluation budget (default 20000 for a steady state, 1500 at a finite horizon, where one evaluation is a solve)"),
  restarts: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(3)
    .describe("restarts: extra seeded starting points (gradient) or fresh simplices (Nelder–Mead)"),
  horizon: z
    .number()
    .positive()
    .max(1e6)
    .optional()
    .describe("finite horizon T: fit the density f(T) reached from the initial density (absent: fit the steady state)"),
  initialMean: z.number().default(0).describe("finite horizon: mean of the Gaussian initial density f0"),
  initialStd: z.number().positive().default(1).describe("finite horizon: standard deviation of the Gaussian initial density f0"),
  steps: z.number().int().min(1).max(100_000).default(50).describe("finite horizon: implicit Euler steps over [0, T]"),
  layers: z.number().int().min(1).max(1000).default(4).describe("layerwise family: layers, each with its own (w, b)"),
  activation: z.string().max(100).default("tanh").describe("layerwise family: activation of the drift σ(w x + b)"),
  diffusionPerLayer: z
    .boolean()
    .default(false)
    .describe("layerwise family: one diffusion D^k = (K^k)²/2 per layer instead of one D over [0, T]"),
};

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const fitSchema = z
  .object({
    target: z
      .object({
        ...fitTargetFields,
        samples: z
          .custom<Float64Array>((v) => v instanceof Float64Array, "a Float64Array")
          .optional()
          .describe("samples: the sample values"),
        label: z.string().max(200).optional().describe("samples: a name for captions (e.g. the column)"),
      })
      .strict()
      .default(DEFAULT_FIT_TARGET),
    ...fitFields,
  })
  .strict();

/** Config of the `fit` tool (defaults applied). */
export type FitConfig = z.output<typeof fitSchema>;

/** Working doubles per grid cell of one steady-state evaluation (target, model, CDFs, solver). */
const WORK_PER_CELL = 16;

function targetOf(cfg: FitConfig): { target: FitTarget; grid: Grid1D; label: string } {
  const t = cfg.target;
  const custom = cfg.grid !== undefined ? (createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D) : undefined;
  switch (t.kind) {
    case "gaussian":
      return {
        target: normalPdf(t.mean, t.std),
        grid: custom ?? (createGrid1D(t.mean - 7 * t.std, t.mean + 7 * t.std, cfg.cells) as Grid1D),
        label: `N(${t.mean}, ${t.std}²)`,
      };
    case "tanh": {
      const sd = stationaryDensity("tanh", t.w, t.b, t.D);
      const c = -t.b / t.w,
        h = 8 * Math.sqrt(sd.variance);
      return {
        target: sd.pdf,
        grid: custom ?? (createGrid1D(c - h, c + h, cfg.cells) as Grid1D),
        label: `sech(${t.w}x + ${t.b})^(1/(|w|D)), D = ${t.D}`,
      };
    }
    case "beta":
      return {
        target: (x) => Math.pow(1 - x, t.alpha - 1) * Math.pow(1 + x, t.beta - 1),
        grid: custom ?? (createGrid1D(-1, 1, cfg.cells) as Grid1D),
        label: `(1 - x)^(${t.alpha}-1)·(1 + x)^(${t.beta}-1)`,
      };
    case "samples": {
      const samples = t.samples;
      if (samples === undefined || samples.length === 0)
        throw invalidArgument("config.target.samples", 'a non-empty Float64Array for target kind "samples"', samples);
      let lo = Infinity,
        hi = -Infinity;
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i]!;
        if (!Number.isFinite(v)) throw invalidArgument(`config.target.samples[${i}]`, "a finite number", v);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const pad = 0.25 * (hi - lo || 1);
      const n = Math.min(cfg.cells, Math.max(20, Math.round(Math.sqrt(samples.length) * 3)));
      return {
        target: { samples },
        grid: custom ?? (createGrid1D(lo - pad, hi + pad, n) as Grid1D),
        label: `${samples.length} samples of ${t.label ?? "the data"}`,
      };
    }
  }
}

/** The grid widened (at the same cell width, at most 100 000 cells) to hold the initial N(m, s²) to ±4 s. */
function withInitial(grid: Grid1D, m: number, s: number): Grid1D {
  const lo = Math.min(grid.xMin, m - 4 * s);
  const hi = Math.max(grid.xMax, m + 4 * s);
  if (lo === grid.xMin && hi === grid.xMax) return grid;
  const n = Math.min(100_000, Math.ceil(((hi - lo) / (grid.xMax - grid.xMin)) * grid.n));
  return createGrid1D(lo, hi, n) as Grid1D;
}

function normalised(f: Float64Array, dx: number): Float64Array {
  let m = 0;
  for (const v of f) m += v;
  m *= dx;
  return m > 0 ? f.map((v) => v / m) : f;
}

/**
 * The `fit` tool: the Fokker–Planck steady state of a family (gaussian, identity, tanh, beta,
 * bimodal) that best matches a target density or samples in KL, L2 or W1 (L-BFGS on the exact
 * steady-state gradient with seeded restarts by default, or Nelder–Mead). With `horizon` T it fits
 * f(T) from a Gaussian initial density instead (`fitFiniteHorizon`: identity, tanh, beta, bimodal or
 * the layer-wise family, optionally with one D per layer; gradient by the adjoint of the solve).
 * Returns the fitted parameters in the summary and the target and fitted densities.
 * @remarks Memory: about 16 doubles per grid cell (refused beyond 1 GiB naming `grid.n`).
 */
export const fitTool = defineExperiment({
  id: "fit",
  title: "Fitting a steady state to a distribution",
  summary:
    "Finds the parameters (w, b, D or D(x)) whose Fokker–Planck steady state — or, with a horizon T, the density reached at T from a Gaussian start — is closest to a target distribution, in KL, L2 or Wasserstein-1.",
  schema: fitSchema,
  quick: { maxEvaluations: 1500, restarts: 1 },
  controls: [
    { key: "family", label: "model family", kind: "select", options: ["gaussian", "identity", "tanh", "beta", "bimodal"] },
    { key: "loss", label: "loss", kind: "select", options: ["kl", "l2", "w1"] },
    { key: "method", label: "optimiser", kind: "select", options: ["gradient", "nelder-mead"] },
    { key: "cells", label: "cells", kind: "range", min: 50, max: 1000, step: 50 },
  ],
  async run(cfg, ctx) {
    if (cfg.grid !== undefined) requireFits("grid.n", cfg.grid.n, 8 * WORK_PER_CELL);
    const st = stages(ctx, [1, 20, 1]);
    await st.stage("target");
    const { target, grid: targetGrid, label } = targetOf(cfg);
    const T = cfg.horizon;
    const kindFamily = cfg.target.kind === "samples" ? "tanh" : cfg.target.kind;
    const family = cfg.family ?? (T !== undefined && kindFamily === "gaussian" ? "identity" : kindFamily);
    if (T === undefined && family === "layerwise")
      throw invalidArgument(
        "config.family",
        'a steady-state family (gaussian, identity, tanh, beta, bimodal) without `horizon`; "layerwise" needs a finite horizon',
        family,
      );
    if (cfg.diffusionPerLayer && (family !== "layerwise" || T === undefined))
      throw invalidArgument("config.diffusionPerLayer", 'given only with family "layerwise" and a `horizon`', cfg.diffusionPerLayer);
    const grid =
      T !== undefined && cfg.grid === undefined && family !== "beta"
        ? withInitial(targetGrid, cfg.initialMean, cfg.initialStd)
        : targetGrid;
    const f0 = normalPdf(cfg.initialMean, cfg.initialStd);
    await st.stage(`fitting the ${family} family`);
    const common = {
      family,
      loss: cfg.loss,
      grid,
      method: cfg.method,
      ...(cfg.maxEvaluations !== undefined ? { maxEvaluations: cfg.maxEvaluations } : {}),
      restarts: cfg.restarts,
      seed: ctx.seed,
      ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
    };
    const r =
      T === undefined
        ? fitSteadyState(target, common)
        : fitFiniteHorizon(f0, target, T, {
            ...common,
            steps: cfg.steps,
            ...(family === "layerwise"
              ? { layers: cfg.layers, activation: cfg.activation, ...(cfg.diffusionPerLayer ? { diffusionPerLayer: true } : {}) }
              : {}),
          });
    await st.stage("outputs");
    const p = r.params;
    const samples = cfg.target.kind === "samples";
    const figures: FigureSpec[] = [
      {
        id: "fit",
        title: T === undefined ? `Steady-state fit (${r.family}) to ${label}` : `Fit of f(T) at T = ${T} (${r.family}) to ${label}`,
        xLabel: "x",
        yLabel: "density",
        layers: [
          {
            kind: samples ? "step" : "area",
            series: "densities",
            x: "x",
            y: "target",
            label: samples ? "histogram" : "target",
            color: "#888888",
          },
          ...(T !== undefined
            ? [{ kind: "line" as const, series: "densities", x: "x", y: "initial", label: "initial f0", color: "#4477aa" }]
            : []),
          { kind: "line", series: "densities", x: "x", y: "fitted", label: T === undefined ? "fitted steady state" : "fitted f(T)" },
        ],
        caption: `${r.lossName.toUpperCase()} = ${r.loss.toPrecision(4)}; w = ${p.w.toPrecision(4)}, b = ${p.b.toPrecision(4)}${typeof p.D === "number" ? `, D = ${p.D.toPrecision(4)}` : ""}${p.kappa !== undefined ? `, κ = ${p.kappa.toPrecision(4)}` : ""}.`,
      },
    ];
    const summary: Record<string, number | string> = {
      status: r.status,
      family: r.family,
      sigma: p.sigma,
      w: p.w,
      b: p.b,
      [`loss_${r.lossName}`]: r.loss,
      kl: r.losses.kl,
      l2: r.losses.l2,
      w1: r.losses.w1,
      method: r.method,
      evaluations: r.stats.evaluations,
    };
    if (T !== undefined) summary["horizon"] = T;
    if (p.layers !== undefined) summary["layers"] = p.layers.w.length;
    if (typeof p.D === "number") {
      summary["D"] = p.D;
      summary["K"] = Math.sqrt(2 * p.D);
    }
    if (p.kappa !== undefined) summary["kappa"] = p.kappa;
    const series: Record<string, ReturnType<typeof table>> = {
      densities: table({
        x: cellCenters(r.grid),
        target: r.target,
        fitted: r.fitted,
        ...(T !== undefined ? { initial: normalised(cellAverages1D(f0, r.grid), r.grid.dx) } : {}),
      }),
    };
    if (p.layers !== undefined)
      series["layers"] = table(
        {
          layer: Float64Array.from(p.layers.w, (_, k) => k),
          w: Float64Array.from(p.layers.w),
          b: Float64Array.from(p.layers.b),
          ...(p.layers.D !== undefined ? { D: Float64Array.from(p.layers.D) } : {}),
        },
        undefined,
        p.layers.D !== undefined ? "fitted (w, b, D) of every layer" : "fitted (w, b) of every layer",
      );
    if (p.coefficients !== undefined)
      series["coefficients"] = table(
        { index: Float64Array.from(p.coefficients, (_, i) => i), value: Float64Array.from(p.coefficients) },
        undefined,
        "coefficients of the fitted diffusion D(x)",
      );
    const fitted: Record<string, unknown> = {
      family: r.family,
      sigma: p.sigma,
      w: p.w,
      b: p.b,
      ...(typeof p.D === "number" ? { D: p.D, K: Math.sqrt(2 * p.D) } : {}),
      ...(p.kappa !== undefined ? { kappa: p.kappa } : {}),
      ...(p.coefficients !== undefined ? { coefficients: Array.from(p.coefficients) } : {}),
      ...(p.layers !== undefined
        ? {
            layers: {
              w: Array.from(p.layers.w),
              b: Array.from(p.layers.b),
              ...(p.layers.D !== undefined ? { D: Array.from(p.layers.D) } : {}),
            },
          }
        : {}),
      ...(T !== undefined ? { horizon: T, initial: { mean: cfg.initialMean, std: cfg.initialStd }, steps: cfg.steps } : {}),
      loss: r.lossName,
      value: r.loss,
      losses: r.losses,
      status: r.status,
      method: r.method,
      evaluations: r.stats.evaluations,
    };
    const { samples: _s, ...targetCfg } = cfg.target;
    void _s;
    st.done();
    return {
      id: "fit",
      config: { ...cfg, target: { ...targetCfg, ...(samples ? { count: cfg.target.samples!.length } : {}) } },
      seed: ctx.seed,
      series,
      summary,
      checks: [],
      figures,
      artifacts: { "fit.json": JSON.stringify(fitted, null, 2) + "\n" },
    };
  },
});
