/**
 * Tool `solve-vlasov-2d`: the Vlasov equation of a d = 2 ResNet on a cells × cells grid.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { DEFAULT_MEMORY_BUDGET, formatBytes, requireFits } from "@kinetic-nde/core/validate";
import { cellAverages1D, createGrid1D, type Grid1D, type Grid2D } from "@kinetic-nde/datasets";
import { autoGrid2D } from "@kinetic-nde/mean-field";
import * as z from "zod";
import { CONTROLS } from "../internal/controls.js";
import { defineExperiment } from "../internal/define.js";
import { stages, table } from "../internal/util.js";
import type { DataTable, FigureSpec, GridField } from "../types.js";
import {
  activationEnum,
  DEFAULT_INITIAL,
  initialPdf,
  initialSchema,
  networkFrom,
  numOrList,
  outputTimes,
  solveVlasovFor,
  vlasovSchemeFields,
} from "./shared.js";

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const solveVlasov2DSchema = z
  .object({
    sigma: activationEnum.default("tanh").describe("activation σ"),
    w: numOrList.default(-1).describe("W: a number w (then W = [[w, −spin], [spin, w]]), W row-major (4 values), or 4 values per layer"),
    spin: z.number().min(-100).max(100).default(1).describe("rotation s of W = [[w, −s], [s, w]] when w is a number; 0 when W is a list"),
    b: numOrList.default(0.5).describe("b: a number (both components), 2 values, or 2 values per layer"),
    T: z.number().positive().max(1000).default(2).describe("final time T"),
    layers: z.number().int().min(1).max(1_000_000).default(1).describe("number of layers when W and b are constant"),
    initial: z
      .object({
        x: initialSchema.default(DEFAULT_INITIAL).describe("initial law of the first coordinate"),
        y: initialSchema.default(DEFAULT_INITIAL).describe("initial law of the second coordinate"),
      })
      .strict()
      .default({ x: DEFAULT_INITIAL, y: DEFAULT_INITIAL })
      .describe("initial density: the product of one law per coordinate (default: standard normal in each)"),
    cells: z.number().int().min(2).max(100_000).default(128).describe("cells per side of the automatic grid (cells × cells)"),
    nSave: z.number().int().min(2).max(101).default(5).describe("number of output times"),
    ...vlasovSchemeFields,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (typeof c.w !== "number" && c.spin !== 0)
      ctx.addIssue({
        code: "custom",
        path: ["spin"],
        input: c.spin,
        message: "0 when w is a list (the rotation applies to a number w only)",
      });
    if (typeof c.w !== "number" && c.w.length % 4 !== 0)
      ctx.addIssue({ code: "custom", path: ["w"], input: c.w, message: "a number or 4 values (W row-major) per layer" });
    if (typeof c.b !== "number" && c.b.length % 2 !== 0)
      ctx.addIssue({ code: "custom", path: ["b"], input: c.b, message: "a number or 2 values per layer" });
  });

/** Config of the `solve-vlasov-2d` tool (defaults applied). */
export type SolveVlasov2DConfig = z.output<typeof solveVlasov2DSchema>;

/** Working doubles per cell besides the saved snapshots (solver stages, fluxes, face speeds). */
const WORK_PER_CELL = 16;
/** Largest heatmap side: the figures average blocks of cells down to at most this many per side. */
const FIGURE_SIDE = 256;

/**
 * Refuse a grid side or a number of snapshots that cannot fit the 1 GiB budget (about 16 doubles per
 * cell of working memory plus nSave snapshots of cells² doubles), naming `cells` and the largest side.
 */
function checkSizes(cells: number, nSave: number): void {
  const n = cells * cells;
  const bytes = 8 * WORK_PER_CELL * n;
  if (!(bytes <= DEFAULT_MEMORY_BUDGET)) {
    const largest = Math.floor(Math.sqrt(DEFAULT_MEMORY_BUDGET / (8 * WORK_PER_CELL)));
    throw new KineticError(
      "TOO_LARGE",
      `too large: \`cells\` = ${cells} (${cells} × ${cells} cells) needs about ${formatBytes(bytes)} of memory (budget ${formatBytes(DEFAULT_MEMORY_BUDGET)}); the largest that fits is ${largest}`,
      { details: { argument: "cells", value: cells, estimate: bytes, budget: DEFAULT_MEMORY_BUDGET, largest, unit: "bytes" } },
    );
  }
  requireFits("nSave", nSave, 8 * n, DEFAULT_MEMORY_BUDGET - bytes);
}

/** Block size and block count that cover n cells with at most `side` blocks. */
function blocks(n: number, side: number): { stride: number; m: number } {
  const stride = Math.ceil(n / side);
  return { stride, m: Math.ceil(n / stride) };
}

/** Block centres of an axis [lo, lo + n·h] split into blocks of `stride` cells (the last may be short). */
function blockCenters(lo: number, h: number, n: number, stride: number, m: number): Float64Array {
  return Float64Array.from({ length: m }, (_, k) => lo + h * (k * stride + Math.min(n, (k + 1) * stride)) * 0.5);
}

/**
 * The heatmap field of one density (solver layout `f[i * ny + j]`, i along x): block averages of at
 * most {@link FIGURE_SIDE} per side, in the field layout `values[iy * mx + ix]` (each value the mean of
 * its block's cells; the last block of an axis may be short).
 */
function fieldOf(g: Grid2D, f: Float64Array, xs: Float64Array, ys: Float64Array, sx: number, sy: number, t: number): GridField {
  const mx = xs.length,
    my = ys.length;
  const sum = new Float64Array(mx * my);
  const count = new Float64Array(mx * my);
  for (let i = 0; i < g.nx; i++) {
    const ix = Math.floor(i / sx);
    for (let j = 0; j < g.ny; j++) {
      const k = Math.floor(j / sy) * mx + ix;
      sum[k] = sum[k]! + f[i * g.ny + j]!;
      count[k] = count[k]! + 1;
    }
  }
  for (let k = 0; k < sum.length; k++) sum[k] = sum[k]! / count[k]!;
  return { x: xs, y: ys, values: sum, description: `f(t = ${Number(t.toPrecision(6))}, x, y)` };
}

/** The x- and y-marginals ∫ f dy and ∫ f dx of one density. */
function marginals(g: Grid2D, f: Float64Array): { mx: Float64Array; my: Float64Array } {
  const mx = new Float64Array(g.nx);
  const my = new Float64Array(g.ny);
  for (let i = 0; i < g.nx; i++)
    for (let j = 0; j < g.ny; j++) {
      const v = f[i * g.ny + j]!;
      mx[i] = mx[i]! + v * g.dy;
      my[j] = my[j]! + v * g.dx;
    }
  return { mx, my };
}

/** Fields, marginals and figures of the density history f(t_s, x, y). */
function outputs2D(g: Grid2D, times: readonly number[], snaps: readonly Float64Array[], title: string, caption: string) {
  const bx = blocks(g.nx, FIGURE_SIDE),
    by = blocks(g.ny, FIGURE_SIDE);
  const xs = blockCenters(g.xMin, g.dx, g.nx, bx.stride, bx.m);
  const ys = blockCenters(g.yMin, g.dy, g.ny, by.stride, by.m);
  const fields: Record<string, GridField> = {};
  const label = (s: number) => `t=${Number(times[s]!.toPrecision(6))}`;
  const mxCols: Record<string, ArrayLike<number>> = { x: Float64Array.from({ length: g.nx }, (_, i) => g.xMin + (i + 0.5) * g.dx) };
  const myCols: Record<string, ArrayLike<number>> = { y: Float64Array.from({ length: g.ny }, (_, j) => g.yMin + (j + 0.5) * g.dy) };
  snaps.forEach((f, s) => {
    fields[`f_${s}`] = fieldOf(g, f, xs, ys, bx.stride, by.stride, times[s]!);
    const m = marginals(g, f);
    mxCols[label(s)] = m.mx;
    myCols[label(s)] = m.my;
  });
  const last = snaps.length - 1;
  const shown = [...new Set([0, Math.round(last / 2), last])];
  const heat = (s: number): FigureSpec => ({
    id: `density-${s}`,
    title: `${title}: f(t, x, y) at t = ${Number(times[s]!.toPrecision(6))}`,
    xLabel: "x",
    yLabel: "y",
    heatmap: `f_${s}`,
    colorLabel: "density f(t, x, y)",
    caption,
  });
  const lines = (id: string, series: string, axis: string): FigureSpec => ({
    id,
    title: `${title}: ${axis}-marginal`,
    xLabel: axis,
    yLabel: `marginal density of ${axis}`,
    layers: snaps.map((_, s) => ({ kind: "line" as const, series, x: axis, y: label(s), label: label(s) })),
    caption,
  });
  const series: Record<string, DataTable> = {
    marginal_x: table(mxCols, { x: "x" }, "x-marginal ∫ f dy at the output times"),
    marginal_y: table(myCols, { y: "y" }, "y-marginal ∫ f dx at the output times"),
    times: table({ index: Float64Array.from(times, (_, i) => i), t: Float64Array.from(times) }),
  };
  return { series, fields, figures: [...shown.map(heat), lines("marginal-x", "marginal_x", "x"), lines("marginal-y", "marginal_y", "y")] };
}

/** Cell averages of the product density f0(x, y) = p(x)·q(y) (layout i * ny + j). */
function productAverages(g: Grid2D, p: (x: number) => number, q: (y: number) => number): Float64Array {
  const ax = cellAverages1D(p, createGrid1D(g.xMin, g.xMax, g.nx) as Grid1D);
  const ay = cellAverages1D(q, createGrid1D(g.yMin, g.yMax, g.ny) as Grid1D);
  const out = new Float64Array(g.nx * g.ny);
  for (let i = 0; i < g.nx; i++) for (let j = 0; j < g.ny; j++) out[i * g.ny + j] = ax[i]! * ay[j]!;
  return out;
}

/** W (4 values per layer) and b (2 per layer); one constant layer of either is repeated to the other's count. */
function perLayer(cfg: { w: number | number[]; spin: number; b: number | number[] }): { w: number[]; b: number[] } {
  const w = typeof cfg.w === "number" ? [cfg.w, -cfg.spin, cfg.spin, cfg.w] : cfg.w;
  const b = typeof cfg.b === "number" ? [cfg.b, cfg.b] : cfg.b;
  const L = Math.max(w.length / 4, b.length / 2);
  const repeat = (v: number[], k: number) => (v.length === k ? Array.from({ length: L * k }, (_, i) => v[i % k]!) : v);
  return { w: repeat(w, 4), b: repeat(b, 2) };
}

/**
 * The `solve-vlasov-2d` tool: ∂_t f + ∇·(σ(W x + b) f) = 0 for a d = 2 ResNet by finite volumes
 * (upwind or MUSCL) on a cells × cells grid chosen from the initial density and the flow; heatmaps of f
 * at the output times (block averages of at most 256 × 256), the x- and y-marginals and the mass balance.
 * The solve goes to the run's `gridSolver.solveVlasov` when it has one (the docs site's GPU, f32).
 * @remarks Memory: about 16 doubles per cell plus nSave snapshots of cells² doubles; larger sizes are
 *   refused before any work (TOO_LARGE naming `cells` and the largest side that fits, or `nSave`).
 *   Work: cells² · steps · stages, with steps ∝ cells (CFL rule): 1024² is for the GPU.
 * @example
 * ```ts
 * const r = await runTool("solve-vlasov-2d", { sigma: "tanh", w: -1, spin: 1, b: 0.5, T: 2, cells: 128 });
 * r.summary["mass_final"]; // 1 to round-off (zero-flux walls)
 * ```
 */
export const solveVlasov2DTool = defineExperiment({
  id: "solve-vlasov-2d",
  title: "Vlasov equation of a two-dimensional ResNet",
  summary:
    "Transports a two-dimensional initial density through the continuous ResNet with d = 2: ∂_t f + ∇·(σ(W x + b) f) = 0 by finite volumes on a square grid, with heatmaps of f, its marginals and the mass balance.",
  schema: solveVlasov2DSchema,
  quick: { cells: 64, nSave: 5 },
  controls: [
    CONTROLS.sigma,
    CONTROLS.w,
    { key: "spin", label: "rotation s", kind: "range", min: -3, max: 3, step: 0.1 },
    CONTROLS.b,
    CONTROLS.T,
    { key: "scheme", label: "scheme", kind: "select", options: ["upwind", "muscl"] },
    { key: "cells", label: "cells per side", kind: "range", min: 16, max: 1024, step: 16 },
  ],
  async run(cfg, ctx) {
    const st = stages(ctx, [1, 20, 2]);
    await st.stage("grid");
    checkSizes(cfg.cells, cfg.nSave);
    const params = networkFrom({ ...cfg, ...perLayer(cfg), d: 2 });
    const p = initialPdf(cfg.initial.x),
      q = initialPdf(cfg.initial.y);
    const grid = autoGrid2D(params, { f0: (x: number, y: number) => p(x) * q(y) }, cfg.cells);
    const f0 = productAverages(grid, p, q);
    const times = outputTimes(params.T, cfg.nSave);
    await st.stage(`solving on ${grid.nx} × ${grid.ny} cells`);
    const { r, summary, caption } = await solveVlasovFor(ctx, { params, f0, grid }, cfg, times.slice(1), `${grid.nx} × ${grid.ny} cells`);
    await st.stage("outputs");
    const o = outputs2D(grid, times, [f0, ...r.saved], `Vlasov in 2-D, σ = ${cfg.sigma}`, caption);
    st.done();
    return {
      id: "solve-vlasov-2d",
      config: cfg,
      seed: ctx.seed,
      series: o.series,
      fields: o.fields,
      figures: o.figures,
      summary: {
        ...summary,
        cells: grid.nx,
        x_min: grid.xMin,
        x_max: grid.xMax,
        y_min: grid.yMin,
        y_max: grid.yMax,
      },
      checks: [],
    };
  },
});
