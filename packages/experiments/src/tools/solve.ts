/**
 * Tools `solve-vlasov` and `solve-fokker-planck`: the mean-field PDEs of the ResNet on a 1-D grid.
 * @packageDocumentation
 */
import type { NetworkParams } from "@kinetic-nde/core";
import { requireFits, DEFAULT_MEMORY_BUDGET } from "@kinetic-nde/core/validate";
import { type FokkerPlanckResult, solveFokkerPlanck, solveSteadyState } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, cellCenters, createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import * as z from "zod";
import { defineExperiment } from "../internal/define.js";
import { CONTROLS } from "../internal/controls.js";
import { stages, table } from "../internal/util.js";
import type { DataTable, FigureLayer, FigureSpec, GridField } from "../types.js";
import {
  activationEnum,
  DEFAULT_INITIAL,
  gridFor,
  gridSchema,
  initialPdf,
  initialSchema,
  networkFrom,
  numOrList,
  outputTimes,
  solveVlasovFor,
  vlasovSchemeFields,
} from "./shared.js";

const net1d = {
  sigma: activationEnum.default("tanh").describe("activation σ"),
  w: numOrList.default(-1).describe("weight w, or one per layer"),
  b: numOrList.default(0.5).describe("bias b, or one per layer"),
  T: z.number().positive().max(1000).default(2).describe("final time T"),
  layers: z.number().int().min(1).max(1_000_000).default(1).describe("number of layers when w and b are constant"),
  initial: initialSchema.default(DEFAULT_INITIAL).describe("initial density"),
  grid: gridSchema.optional().describe("grid; default: automatic from the initial density and the flow"),
  cells: z.number().int().min(2).max(10_000_000).default(400).describe("cells of the automatic grid"),
  nSave: z.number().int().min(2).max(10_001).default(41).describe("number of output times"),
};

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const solveVlasovSchema = z
  .object({
    ...net1d,
    ...vlasovSchemeFields,
  })
  .strict();

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const solveFokkerPlanckSchema = z
  .object({
    ...net1d,
    D: z.number().positive().max(1e6).default(0.1).describe("diffusion coefficient D = K²/2"),
    method: z
      .enum(["implicit-euler", "crank-nicolson", "explicit-euler"])
      .default("implicit-euler")
      .describe("time integrator (Chang–Cooper fluxes in space)"),
    dt: z.number().positive().optional().describe("time step (default min(Δt of the layers, T/100))"),
    boundary: z.enum(["zero-flux", "outflow"]).default("zero-flux").describe("boundary condition"),
    steadyState: z.boolean().default(true).describe("also compute the discrete steady state (constant parameters)"),
  })
  .strict();

/** Config of the `solve-vlasov` tool (defaults applied). */
export type SolveVlasovConfig = z.output<typeof solveVlasovSchema>;
/** Config of the `solve-fokker-planck` tool (defaults applied). */
export type SolveFokkerPlanckConfig = z.output<typeof solveFokkerPlanckSchema>;

/** Working arrays per cell besides the saved snapshots (solver stages, fluxes, outputs). */
const WORK_PER_CELL = 16;

/**
 * Refuse a grid or a number of snapshots that cannot fit the 1 GiB budget: about 16 doubles per cell
 * of working memory plus nSave snapshots of n doubles.
 */
function checkSizes(cfg: { grid?: unknown; nSave: number }, n: number): void {
  requireFits(cfg.grid !== undefined ? "grid.n" : "cells", n, 8 * WORK_PER_CELL);
  requireFits("nSave", cfg.nSave, 8 * n, DEFAULT_MEMORY_BUDGET - 8 * WORK_PER_CELL * n);
}

/** Snapshots, full history and heatmap field of a density history f(t_s, x). */
function densityOutputs(grid: Grid1D, times: readonly number[], snaps: readonly Float64Array[], title: string, caption: string) {
  const xc = cellCenters(grid);
  const cols: Record<string, ArrayLike<number>> = { x: xc };
  const picks = [0, Math.round((times.length - 1) / 4), Math.round((times.length - 1) / 2), times.length - 1];
  for (const s of new Set(picks)) cols[`t=${Number(times[s]!.toPrecision(6))}`] = snaps[s]!;
  // The heatmap averages blocks of cells down to at most ~300 columns.
  const stride = Math.max(1, Math.floor(grid.n / 300));
  const nx = Math.floor(grid.n / stride);
  const fx = Float64Array.from({ length: nx }, (_, j) => xc[j * stride + Math.floor(stride / 2)]!);
  const values = new Float64Array(nx * times.length);
  snaps.forEach((f, s) => {
    for (let j = 0; j < nx; j++) {
      let acc = 0;
      for (let q = 0; q < stride; q++) acc += f[j * stride + q]!;
      values[s * nx + j] = acc / stride;
    }
  });
  const field: GridField = { x: fx, y: Float64Array.from(times), values, description: "f(t, x)" };
  const all: Record<string, ArrayLike<number>> = { x: xc };
  snaps.forEach((f, s) => (all[`f_${s}`] = f));
  const snapshotLayers: FigureLayer[] = Object.keys(cols)
    .filter((k) => k !== "x")
    .map((k) => ({ kind: "line" as const, series: "snapshots", x: "x", y: k, label: k }));
  const figures: FigureSpec[] = [
    { id: "snapshots", title, xLabel: "x", yLabel: "density f(t, x)", layers: snapshotLayers, caption },
    {
      id: "heatmap",
      title: `${title}: f(t, x)`,
      xLabel: "x",
      yLabel: "time t",
      heatmap: "density",
      colorLabel: "density f(t, x)",
      caption,
    },
  ];
  const series: Record<string, DataTable> = {
    snapshots: table(cols, { x: "x" }),
    history: table(all, undefined, `f at the output times t = ${times.map((t) => Number(t.toPrecision(6))).join(", ")}`),
    times: table({ index: Float64Array.from(times, (_, i) => i), t: Float64Array.from(times) }),
  };
  return { series, fields: { density: field }, figures, snapshotCols: cols, snapshotLayers };
}

/**
 * The `solve-vlasov` tool: ∂_t f + ∂_x(σ(w x + b) f) = 0 by finite volumes (upwind or MUSCL) on a
 * configured or automatic grid; snapshots, the full history, a heatmap and the mass balance.
 * @remarks Memory: about 16 doubles per cell plus nSave snapshots of the grid; larger sizes are
 *   refused before any work (TOO_LARGE naming `cells`/`grid.n` or `nSave` and the largest that fits).
 */
export const solveVlasovTool = defineExperiment({
  id: "solve-vlasov",
  title: "Vlasov equation of the mean-field limit",
  summary:
    "Transports an initial density through the continuous ResNet: ∂_t f + ∂_x(σ(w x + b) f) = 0 by finite volumes, with snapshots, a space–time heatmap and the mass balance.",
  schema: solveVlasovSchema,
  quick: { cells: 300, nSave: 21 },
  controls: [
    CONTROLS.sigma,
    CONTROLS.w,
    CONTROLS.b,
    CONTROLS.T,
    { key: "scheme", label: "scheme", kind: "select", options: ["upwind", "muscl"] },
    { key: "cells", label: "cells", kind: "range", min: 50, max: 2000, step: 50 },
  ],
  async run(cfg, ctx) {
    const st = stages(ctx, [1, 20, 2]);
    await st.stage("grid");
    const params: NetworkParams = networkFrom({ ...cfg, d: 1 });
    const f0 = initialPdf(cfg.initial);
    const grid = gridFor(cfg, params, f0);
    checkSizes(cfg, grid.n);
    const times = outputTimes(params.T, cfg.nSave);
    await st.stage(`solving on ${grid.n} cells`);
    const { r, summary, caption } = await solveVlasovFor(ctx, { params, f0, grid }, cfg, times.slice(1), `${grid.n} cells`);
    await st.stage("outputs");
    const f0avg = cellAverages1D(f0, grid);
    const o = densityOutputs(grid, times, [f0avg, ...r.saved], `Vlasov, σ = ${cfg.sigma}`, caption);
    st.done();
    return {
      id: "solve-vlasov",
      config: cfg,
      seed: ctx.seed,
      series: o.series,
      fields: o.fields,
      figures: o.figures,
      summary: {
        ...summary,
        cells: grid.n,
        x_min: grid.xMin,
        x_max: grid.xMax,
      },
      checks: [],
    };
  },
});

/** Automatic grids come from the transport alone; diffusion spreads by ~4√(2DT) more. */
function widen(g: Grid1D, D: number, T: number): Grid1D {
  const pad = 4 * Math.sqrt(2 * D * Math.max(T, 1));
  const n = Math.round(g.n * (1 + (2 * pad) / (g.xMax - g.xMin)));
  return createGrid1D(g.xMin - pad, g.xMax + pad, n) as Grid1D;
}

/**
 * The `solve-fokker-planck` tool: ∂_t f + ∂_x(σ(w x + b) f) = ∂_xx(D f) with Chang–Cooper fluxes
 * (implicit Euler, Crank–Nicolson or explicit Euler), plus the discrete steady state for constant
 * parameters and the L1 distance of f(T) to it. With `method: "explicit-euler"` the solve goes to the
 * run's `gridSolver.solveFokkerPlanck` when it has one (the docs site's GPU); the other methods are
 * computed on the CPU, and the caption says so when a grid solver was offered.
 * @remarks Memory as for `solve-vlasov`: refused beyond 1 GiB naming `cells`/`grid.n` or `nSave`.
 */
export const solveFokkerPlanckTool = defineExperiment({
  id: "solve-fokker-planck",
  title: "Fokker–Planck equation of the stochastic ResNet",
  summary:
    "Evolves an initial density under drift σ(w x + b) and diffusion D: ∂_t f + ∂_x(σ(w x + b) f) = ∂_xx(D f), with Chang–Cooper fluxes, and compares f(T) with the discrete steady state.",
  schema: solveFokkerPlanckSchema,
  quick: { cells: 300, nSave: 21 },
  controls: [
    CONTROLS.sigma,
    CONTROLS.w,
    CONTROLS.b,
    { key: "D", label: "diffusion D", kind: "range", min: 0.01, max: 1, step: 0.01 },
    CONTROLS.T,
    { key: "method", label: "time integrator", kind: "select", options: ["implicit-euler", "crank-nicolson", "explicit-euler"] },
  ],
  async run(cfg, ctx) {
    const st = stages(ctx, [1, 20, 4, 1]);
    await st.stage("grid");
    const params = networkFrom({ ...cfg, d: 1 });
    const f0 = initialPdf(cfg.initial);
    const grid =
      cfg.grid !== undefined
        ? (createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D)
        : widen(gridFor(cfg, params, f0), cfg.D, params.T);
    checkSizes(cfg, grid.n);
    const times = outputTimes(params.T, cfg.nSave);
    await st.stage(`solving on ${grid.n} cells`);
    const problem = { network: params, grid, f0, D: cfg.D };
    const options = { method: cfg.method, boundary: cfg.boundary, saveAt: times, ...(cfg.dt !== undefined ? { dt: cfg.dt } : {}) };
    // The GPU's Fokker–Planck kernel is explicit Euler: the implicit methods stay on the CPU.
    const other = cfg.method === "explicit-euler" ? ctx.gridSolver?.solveFokkerPlanck?.bind(ctx.gridSolver) : undefined;
    const r: FokkerPlanckResult & { readonly precision?: string } =
      other !== undefined ? await other(problem, options) : solveFokkerPlanck(problem, options);
    await st.stage("steady state");
    const where =
      r.precision === "f32"
        ? ", f32 on the GPU"
        : other === undefined && ctx.gridSolver?.solveFokkerPlanck !== undefined
          ? `; ${cfg.method} runs on the CPU (the GPU path has explicit Euler only)`
          : "";
    const o = densityOutputs(
      grid,
      times,
      [...r.saved],
      `Fokker–Planck, σ = ${cfg.sigma}, D = ${cfg.D}`,
      `${cfg.method} with Chang–Cooper fluxes, ${grid.n} cells, ${r.stats.steps} steps${where}.`,
    );
    const summary: Record<string, number | string> = {
      status: r.status,
      steps: r.stats.steps,
      mass_initial: r.stats.massInitial,
      mass_final: r.stats.massFinal,
      mass_lost: r.stats.massLost,
      min_value: r.stats.minValue,
      cells: grid.n,
    };
    let series = o.series;
    let figures = o.figures;
    if (cfg.steadyState && params.constant) {
      const ss = solveSteadyState({ grid, sigma: cfg.sigma, w: params.W[0]!, b: params.b[0]!, D: cfg.D });
      series = { ...series, snapshots: table({ ...o.snapshotCols, steady: ss.f }, { x: "x" }) };
      figures = [
        {
          ...figures[0]!,
          layers: [
            ...o.snapshotLayers,
            { kind: "line", series: "snapshots", x: "x", y: "steady", label: "discrete steady state", dashed: true, color: "#000000" },
          ],
        },
        ...figures.slice(1),
      ];
      let l1 = 0;
      for (let i = 0; i < grid.n; i++) l1 += Math.abs(r.f[i]! - ss.f[i]!) * grid.dx;
      summary["l1_to_steady_state"] = l1;
      summary["steady_state_status"] = ss.status;
    }
    await st.stage("outputs");
    st.done();
    return { id: "solve-fokker-planck", config: cfg, seed: ctx.seed, series, fields: o.fields, figures, summary, checks: [] };
  },
});
