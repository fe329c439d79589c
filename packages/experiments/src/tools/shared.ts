/**
 * Config pieces shared by the tools (network, initial density, grid) and the helpers that turn them
 * into solver inputs.
 * @packageDocumentation
 */
import { BUILTIN_ACTIVATIONS, createNetwork, createScalarNetwork, type NetworkParams } from "@kinetic-nde/core";
import { autoGrid1D, solveVlasov, type VlasovOptions, type VlasovProblem } from "@kinetic-nde/mean-field";
import { createGrid1D, type Grid1D, massOf } from "@kinetic-nde/datasets";
import * as z from "zod";
import { normalPdf } from "../internal/grids.js";
import type { RunContext } from "../types.js";

/** Built-in activation names. */
export const activationEnum = z.enum(BUILTIN_ACTIVATIONS);

/** A number, or one number per layer. */
export const numOrList = z.union([z.number(), z.array(z.number()).min(1).max(1_000_000)]);

/** Network fields of the particle tools (1-D scalar w, b or d-dimensional W, b). */
export const networkFields = {
  sigma: activationEnum.default("tanh").describe("activation σ"),
  d: z.number().int().min(1).max(2).default(1).describe("dimension d (1 or 2)"),
  w: numOrList.default(-1).describe("d = 1: weight w or one per layer; d = 2: W row-major (4 values) or 4 per layer"),
  b: numOrList.default(0.5).describe("d = 1: bias b or one per layer; d = 2: 2 values or 2 per layer"),
  T: z.number().positive().max(1000).default(2).describe("horizon T"),
  layers: z.number().int().min(1).max(1_000_000).default(20).describe("number of layers L when w and b are constant (Δt = T/L)"),
};

/** Initial distribution of particles or densities. */
export const initialSchema = z
  .object({
    kind: z.enum(["normal", "uniform"]).default("normal").describe("initial distribution"),
    mean: z.number().default(0).describe("normal: mean (each coordinate)"),
    std: z.number().positive().default(1).describe("normal: standard deviation"),
    low: z.number().default(-1).describe("uniform: lower end"),
    high: z.number().default(1).describe("uniform: upper end"),
  })
  .strict()
  .refine((v) => v.kind !== "uniform" || v.high > v.low, { message: "high must exceed low", path: ["high"] });

/** The default initial distribution N(0, 1). */
export const DEFAULT_INITIAL = { kind: "normal", mean: 0, std: 1, low: -1, high: 1 } as const;

/** A 1-D grid (optional: automatic from the initial density when absent). */
export const gridSchema = z
  .object({
    xMin: z.number().describe("left end"),
    xMax: z.number().describe("right end"),
    n: z.number().int().min(2).max(10_000_000).default(400).describe("cells"),
  })
  .strict()
  .refine((g) => g.xMax > g.xMin, { message: "xMax must exceed xMin", path: ["xMax"] });

/** Resolved initial distribution. */
export type Initial = z.output<typeof initialSchema>;

/**
 * Network parameters from the shared fields (d = 1: scalar w, b; d = 2: W row-major, b), with
 * additive noise K·I when K > 0.
 */
export function networkFrom(
  cfg: { sigma: string; d: number; w: number | number[]; b: number | number[]; T: number; layers: number },
  K?: number,
): NetworkParams {
  if (cfg.d === 1) {
    const constant = typeof cfg.w === "number" && typeof cfg.b === "number";
    return createScalarNetwork({
      sigma: cfg.sigma,
      w: cfg.w,
      b: cfg.b,
      T: cfg.T,
      ...(constant ? { nLayers: cfg.layers } : {}),
      ...(K !== undefined && K > 0 ? { K } : {}),
    });
  }
  const W = typeof cfg.w === "number" ? [cfg.w, 0, 0, cfg.w] : cfg.w;
  const b = typeof cfg.b === "number" ? [cfg.b, cfg.b] : cfg.b;
  const constant = W.length === 4 && b.length === 2;
  const Wl: number[] = [],
    bl: number[] = [];
  const L = constant ? cfg.layers : W.length / 4;
  for (let k = 0; k < L; k++) {
    Wl.push(...(constant ? W : W.slice(4 * k, 4 * k + 4)));
    bl.push(...(constant ? b : b.slice(2 * k, 2 * k + 2)));
  }
  return createNetwork({
    sigma: cfg.sigma,
    d: 2,
    W: constant ? Wl : W,
    b: constant ? bl : b,
    T: cfg.T,
    ...(K !== undefined && K > 0 ? { noise: { kind: "constant" as const, K: Float64Array.from([K, 0, 0, K]) } } : {}),
  });
}

/** Density of the initial distribution (1-D). */
export function initialPdf(i: Initial): (x: number) => number {
  if (i.kind === "normal") return normalPdf(i.mean, i.std);
  const h = 1 / (i.high - i.low);
  return (x) => (x >= i.low && x <= i.high ? h : 0);
}

/** The configured grid, or an automatic one from the initial density and the flow. */
export function gridFor(
  cfg: { grid?: { xMin: number; xMax: number; n: number } | undefined; cells: number },
  params: NetworkParams,
  f0: (x: number) => number,
): Grid1D {
  if (cfg.grid !== undefined) return createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D;
  return autoGrid1D(params, { f0 }, cfg.cells) as Grid1D;
}

/** Output times: n evenly spaced times in [0, T]. */
export function outputTimes(T: number, n: number): number[] {
  return Array.from({ length: n }, (_, s) => (T * s) / (n - 1));
}

/** Scheme fields of the Vlasov tools (`solve-vlasov`, `solve-vlasov-2d`). */
export const vlasovSchemeFields = {
  scheme: z.enum(["upwind", "muscl"]).default("muscl").describe("spatial scheme"),
  limiter: z.enum(["minmod", "mc", "van-leer"]).default("van-leer").describe("MUSCL limiter"),
  timeStepper: z.enum(["euler", "ssp-rk2", "ssp-rk3"]).optional().describe("time stepper (default: ssp-rk3 for MUSCL, euler for upwind)"),
  cfl: z.number().positive().max(1).optional().describe("CFL number (default 0.9 upwind, 0.45 MUSCL)"),
  boundary: z.enum(["zero-flux", "outflow", "periodic"]).default("zero-flux").describe("boundary condition"),
};

/** The resolved scheme fields of a Vlasov tool. */
interface VlasovSchemeConfig {
  readonly scheme: NonNullable<VlasovOptions["scheme"]>;
  readonly limiter: NonNullable<VlasovOptions["limiter"]>;
  readonly boundary: NonNullable<VlasovOptions["boundary"]>;
  readonly timeStepper?: VlasovOptions["timeStepper"] | undefined;
  readonly cfl?: number | undefined;
}

/**
 * The Vlasov solve of a tool: on the run's `gridSolver` when it has one (the docs site's GPU), else
 * mean-field's `solveVlasov`, saving at `saveAt`; with the summary's status, step count and mass
 * balance, and the figure caption naming the method, the grid (`cells`, e.g. "400 cells"), the steps,
 * the largest CFL number and ", f32 on the GPU" when it ran there.
 * @example
 * ```ts
 * const { r, caption } = await solveVlasovFor(ctx, { params, f0, grid }, cfg, [1, 2], "400 cells");
 * ```
 */
export async function solveVlasovFor(ctx: RunContext, problem: VlasovProblem, cfg: VlasovSchemeConfig, saveAt: number[], cells: string) {
  const r = await (ctx.gridSolver ?? { solveVlasov }).solveVlasov(problem, {
    scheme: cfg.scheme,
    limiter: cfg.limiter,
    boundary: cfg.boundary,
    saveAt,
    ...(cfg.timeStepper !== undefined ? { timeStepper: cfg.timeStepper } : {}),
    ...(cfg.cfl !== undefined ? { cfl: cfg.cfl } : {}),
  });
  const method = `${r.method.scheme}${r.method.limiter ? ` (${r.method.limiter})` : ""} + ${r.method.timeStepper}`;
  const where = "precision" in r && r.precision === "f32" ? ", f32 on the GPU" : "";
  const summary = {
    status: r.status,
    steps: r.stats.steps,
    max_cfl: r.stats.maxCfl,
    mass_initial: r.stats.massInitial,
    mass_final: massOf(r.grid, r.f),
    mass_lost: r.stats.massLost,
  };
  return { r, summary, caption: `${method}, ${cells}, ${r.stats.steps} steps, max CFL ${r.stats.maxCfl.toFixed(3)}${where}.` };
}
