/** `kinetic-nde solve vlasov|fokker-planck` — the mean-field PDEs on a 1-D grid. */
import type { FigureSpec, GridField } from "@kinetic-nde/experiments";
import { solveFokkerPlanck, solveSteadyState } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, cellCenters, createGrid1D, type Grid1D, massOf } from "@kinetic-nde/datasets";
import { autoGrid1D, solveVlasov } from "@kinetic-nde/mean-field";
import type { Command } from "commander";
import { buildConfig, fieldsFromFlags } from "../common.js";
import { finish, outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, activationEnum, gridSchema, initialSchema, networkFrom, z } from "../schemas.js";

const numOrList = z.union([z.number(), z.array(z.number()).min(1)]);
const net1d = {
  sigma: activationEnum.default("tanh").describe("activation σ"),
  w: numOrList.default(-1).describe("weight w, or one per layer"),
  b: numOrList.default(0.5).describe("bias b, or one per layer"),
  T: z.number().positive().max(1000).default(2).describe("final time T"),
  layers: z.number().int().min(1).max(1_000_000).default(1).describe("number of layers when w and b are constant"),
  initial: initialSchema.default({ kind: "normal", mean: 0, std: 1, low: -1, high: 1 }).describe("initial density"),
  grid: gridSchema.optional().describe("grid; default: automatic from the initial density and the flow"),
  cells: z.number().int().min(2).max(10_000_000).default(400).describe("cells of the automatic grid"),
  nSave: z.number().int().min(2).max(10_001).default(41).describe("number of output times"),
};

/** Config of `solve vlasov`. */
export const vlasovSchema = z
  .object({
    ...net1d,
    scheme: z.enum(["upwind", "muscl"]).default("muscl").describe("spatial scheme"),
    limiter: z.enum(["minmod", "mc", "van-leer"]).default("van-leer").describe("MUSCL limiter"),
    timeStepper: z.enum(["euler", "ssp-rk2", "ssp-rk3"]).optional().describe("time stepper (default: ssp-rk3 for MUSCL, euler for upwind)"),
    cfl: z.number().positive().max(1).optional().describe("CFL number (default 0.9 upwind, 0.45 MUSCL)"),
    boundary: z.enum(["zero-flux", "outflow", "periodic"]).default("zero-flux").describe("boundary condition"),
  })
  .strict();
COMMAND_SCHEMAS["solve-vlasov"] = vlasovSchema;

/** Config of `solve fokker-planck`. */
export const fokkerPlanckSchema = z
  .object({
    ...net1d,
    D: z.number().positive().default(0.1).describe("diffusion coefficient D = K²/2"),
    method: z.enum(["implicit-euler", "crank-nicolson", "explicit-euler"]).default("implicit-euler").describe("time integrator (Chang–Cooper fluxes in space)"),
    dt: z.number().positive().optional().describe("time step (default min(Δt of the layers, T/100))"),
    boundary: z.enum(["zero-flux", "outflow"]).default("zero-flux").describe("boundary condition"),
    steadyState: z.boolean().default(true).describe("also compute the discrete steady state (constant parameters)"),
  })
  .strict();
COMMAND_SCHEMAS["solve-fokker-planck"] = fokkerPlanckSchema;

const COMMON_FLAGS = {
  sigma: "sigma", w: "w", b: "b", T: "T", layers: "layers", initial: "initial.kind", mean: "initial.mean", std: "initial.std", low: "initial.low",
  high: "initial.high", xMin: "grid.xMin", xMax: "grid.xMax", n: "grid.n", cells: "cells", nSave: "nSave", boundary: "boundary",
};

function addCommon(c: Command): Command {
  return c
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--sigma <name>", "activation: identity, tanh, sigmoid, relu, leaky-relu, softplus")
    .option("--w <w>", "weight, or a JSON list per layer")
    .option("--b <b>", "bias, or a JSON list per layer")
    .option("--T <T>", "final time")
    .option("--layers <L>", "layers (constant w, b)")
    .option("--initial <kind>", "normal | uniform")
    .option("--mean <m>", "normal initial mean")
    .option("--std <s>", "normal initial standard deviation")
    .option("--low <a>", "uniform initial lower end")
    .option("--high <b>", "uniform initial upper end")
    .option("--x-min <x>", "grid left end (with --x-max)")
    .option("--x-max <x>", "grid right end")
    .option("--n <n>", "grid cells (with --x-min/--x-max)")
    .option("--cells <n>", "cells of the automatic grid")
    .option("--n-save <n>", "number of output times")
    .option("--boundary <kind>", "boundary condition")
    .option("--out <dir>", "output directory")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only");
}

type Common = z.output<typeof vlasovSchema> | z.output<typeof fokkerPlanckSchema>;

function initialPdf(cfg: Common): (x: number) => number {
  const i = cfg.initial;
  if (i.kind === "normal") {
    const c = 1 / (i.std * Math.sqrt(2 * Math.PI));
    return (x) => c * Math.exp(-0.5 * ((x - i.mean) / i.std) ** 2);
  }
  const h = 1 / (i.high - i.low);
  return (x) => (x >= i.low && x <= i.high ? h : 0);
}

function gridFor(cfg: Common, params: ReturnType<typeof networkFrom>, f0: (x: number) => number): Grid1D {
  if (cfg.grid !== undefined) return createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D;
  return autoGrid1D(params, { f0 }, cfg.cells) as Grid1D;
}

function densityOutputs(grid: Grid1D, times: number[], snaps: Float64Array[], title: string, caption: string) {
  const xc = cellCenters(grid);
  const cols: Record<string, ArrayLike<number>> = { x: xc };
  const picks = [0, Math.round((times.length - 1) / 4), Math.round((times.length - 1) / 2), times.length - 1];
  const uniq = [...new Set(picks)];
  uniq.forEach((s) => (cols[`t=${Number(times[s]!.toPrecision(6))}`] = snaps[s]!));
  // Full history as a long table and a heatmap field.
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
  const figures: FigureSpec[] = [
    {
      id: "snapshots",
      title,
      xLabel: "x",
      yLabel: "density f(t, x)",
      layers: Object.keys(cols).filter((k) => k !== "x").map((k) => ({ kind: "line" as const, series: "snapshots", x: "x", y: k, label: k })),
      caption,
    },
    { id: "heatmap", title: `${title}: f(t, x)`, xLabel: "x", yLabel: "time t", heatmap: "density", caption },
  ];
  return {
    series: {
      snapshots: { columns: Object.keys(cols), data: cols, units: { x: "x" } },
      history: { columns: Object.keys(all), data: all, description: `f at the output times t = ${times.map((t) => Number(t.toPrecision(6))).join(", ")}` },
      times: { columns: ["index", "t"], data: { index: Float64Array.from(times, (_, i) => i), t: Float64Array.from(times) } },
    },
    fields: { density: field },
    figures,
  };
}

/** Register `solve vlasov` and `solve fokker-planck`. */
export function registerSolve(program: Command): void {
  const solve = program.command("solve").description("solve the Vlasov or Fokker–Planck equation of the mean-field limit (1-D)");
  solve.addHelpText("after", `
Examples:
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 4
  $ kinetic-nde solve fokker-planck --sigma identity --w -1 --b 0 --D 0.125 --T 5`);

  addCommon(
    solve
      .command("vlasov")
      .description("∂_t f + ∂_x(σ(w x + b) f) = 0 by finite volumes (upwind or MUSCL)")
      .option("--scheme <name>", "upwind | muscl")
      .option("--limiter <name>", "minmod | mc | van-leer")
      .option("--time-stepper <name>", "euler | ssp-rk2 | ssp-rk3")
      .option("--cfl <c>", "CFL number"),
  )
    .addHelpText("after", `
Examples:
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 4
  $ kinetic-nde solve vlasov --sigma relu --w 1 --b 0 --x-min -6 --x-max 12 --n 1200 --boundary outflow
  $ kinetic-nde solve vlasov --config vlasov.yaml --scheme upwind
${OUTPUT_HELP}`)
    .action((flags: Record<string, unknown> & OutputFlags & { config?: string }) => {
      const cfg = buildConfig(vlasovSchema, flags.config, fieldsFromFlags(flags, { ...COMMON_FLAGS, scheme: "scheme", limiter: "limiter", timeStepper: "timeStepper", cfl: "cfl" }));
      const out = outDirFor(flags, "solve", `vlasov-${cfg.sigma}`);
      const params = networkFrom({ ...cfg, d: 1 });
      const f0 = initialPdf(cfg);
      const grid = gridFor(cfg, params, f0);
      const times = Array.from({ length: cfg.nSave }, (_, s) => (params.T * s) / (cfg.nSave - 1));
      const r = solveVlasov(
        { params, f0, grid },
        {
          scheme: cfg.scheme,
          limiter: cfg.limiter,
          boundary: cfg.boundary,
          saveAt: times.slice(1),
          ...(cfg.timeStepper !== undefined ? { timeStepper: cfg.timeStepper } : {}),
          ...(cfg.cfl !== undefined ? { cfl: cfg.cfl } : {}),
        },
      );
      const f0avg = cellAverages1D(f0, grid, { nodes: 4 });
      const o = densityOutputs(grid, times, [f0avg, ...r.saved], `Vlasov, σ = ${cfg.sigma}`, `${r.method.scheme}${r.method.limiter ? ` (${r.method.limiter})` : ""} + ${r.method.timeStepper}, ${grid.n} cells, ${r.stats.steps} steps, max CFL ${r.stats.maxCfl.toFixed(3)}.`);
      process.exitCode = finish(out, {
        id: "solve-vlasov",
        config: cfg,
        seed: 0,
        ...o,
        summary: { status: r.status, steps: r.stats.steps, max_cfl: r.stats.maxCfl, mass_initial: r.stats.mass0, mass_final: massOf(grid, r.f), mass_lost: r.stats.massLost, cells: grid.n, x_min: grid.xMin, x_max: grid.xMax },
        checks: [],
      }, [r.status], flags);
    });

  addCommon(
    solve
      .command("fokker-planck")
      .description("∂_t f + ∂_x(σ(w x + b) f) = ∂_xx(D f) by Chang–Cooper fluxes (implicit Euler / Crank–Nicolson)")
      .option("--D <D>", "diffusion coefficient")
      .option("--method <name>", "implicit-euler | crank-nicolson | explicit-euler")
      .option("--dt <dt>", "time step")
      .option("--no-steady-state", "skip the steady state"),
  )
    .addHelpText("after", `
Examples:
  $ kinetic-nde solve fokker-planck --sigma identity --w -1 --b 0 --D 0.125 --T 5
  $ kinetic-nde solve fokker-planck --sigma tanh --w -2 --b 1 --D 0.2 --method crank-nicolson --dt 0.01
${OUTPUT_HELP}`)
    .action((flags: Record<string, unknown> & OutputFlags & { config?: string; steadyState?: boolean }) => {
      const mapped = fieldsFromFlags(flags, { ...COMMON_FLAGS, D: "D", method: "method", dt: "dt" });
      if (flags.steadyState === false) mapped["steadyState"] = false;
      const cfg = buildConfig(fokkerPlanckSchema, flags.config, mapped);
      const out = outDirFor(flags, "solve", `fokker-planck-${cfg.sigma}`);
      const params = networkFrom({ ...cfg, d: 1 });
      const f0 = initialPdf(cfg);
      const grid = cfg.grid !== undefined ? (createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D) : widen(gridFor(cfg, params, f0), cfg.D, params.T);
      const times = Array.from({ length: cfg.nSave }, (_, s) => (params.T * s) / (cfg.nSave - 1));
      const r = solveFokkerPlanck({ network: params, grid, f0, D: cfg.D }, { method: cfg.method, boundary: cfg.boundary, saveAt: times, ...(cfg.dt !== undefined ? { dt: cfg.dt } : {}) });
      const o = densityOutputs(grid, times, [...r.saved], `Fokker–Planck, σ = ${cfg.sigma}, D = ${cfg.D}`, `${cfg.method} with Chang–Cooper fluxes, ${grid.n} cells, ${r.stats.steps} steps.`);
      const summary: Record<string, number | string> = { status: r.status, steps: r.stats.steps, mass_initial: r.stats.massInitial, mass_final: r.stats.massFinal, mass_lost: r.stats.massLost, min_value: r.stats.minValue, cells: grid.n };
      const statuses: string[] = [r.status];
      if (cfg.steadyState && params.constant) {
        const ss = solveSteadyState({ grid, sigma: cfg.sigma, w: params.W[0]!, b: params.b[0]!, D: cfg.D });
        (o.series.snapshots.data as Record<string, ArrayLike<number>>)["steady"] = ss.f;
        o.series.snapshots.columns.push("steady");
        o.figures[0] = { ...o.figures[0]!, layers: [...o.figures[0]!.layers!, { kind: "line", series: "snapshots", x: "x", y: "steady", label: "discrete steady state", dashed: true, color: "#000000" }] };
        let l1 = 0;
        for (let i = 0; i < grid.n; i++) l1 += Math.abs(r.f[i]! - ss.f[i]!) * grid.dx;
        summary["l1_to_steady_state"] = l1;
        statuses.push(ss.status);
      }
      process.exitCode = finish(out, { id: "solve-fokker-planck", config: cfg, seed: 0, ...o, summary, checks: [] }, statuses, flags);
    });
}

/** Automatic grids come from the transport alone; diffusion spreads by ~4√(2DT) more. */
function widen(g: Grid1D, D: number, T: number): Grid1D {
  const pad = 4 * Math.sqrt(2 * D * Math.max(T, 1));
  const n = Math.round(g.n * (1 + (2 * pad) / (g.xMax - g.xMin)));
  return createGrid1D(g.xMin - pad, g.xMax + pad, n) as Grid1D;
}
