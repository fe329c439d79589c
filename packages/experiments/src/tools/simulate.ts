/**
 * Tool `simulate`: particles through the ResNet / neural ODE, or the stochastic ResNet (K > 0).
 * @packageDocumentation
 */
import {
  createNamedRng,
  deriveSeed,
  solveOde,
  solveSde,
  type OdeMethodName,
  type OdeResult,
  type SdeMethodName,
  type SdeResult,
  type SolveStatus,
} from "@kinetic-nde/core";
import { invalidArgument, requireFits, shapeMismatch, DEFAULT_MEMORY_BUDGET } from "@kinetic-nde/core/validate";
import { createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import * as z from "zod";
import { defineExperiment } from "../internal/define.js";
import { CONTROLS } from "../internal/controls.js";
import { histogram } from "../internal/grids.js";
import { MomentAccumulator, table, throwIfAborted } from "../internal/util.js";
import type { DataTable, Ensemble, FigureSpec, ParticleSolver } from "../types.js";
import { DEFAULT_INITIAL, initialSchema, networkFields, networkFrom } from "./shared.js";

/** ODE integrators of `simulate` (K = 0). */
export const SIMULATE_ODE_METHODS = ["euler", "heun", "rk4", "dopri5"] as const;
/** SDE integrators of `simulate` (K > 0). */
export const SIMULATE_SDE_METHODS = ["euler-maruyama", "milstein", "platen-weak2"] as const;

/** Largest number of particles the schema admits (memory is checked separately, see the remarks). */
export const SIMULATE_MAX_PARTICLES = 50_000_000;

/** Bytes of one chunk's saved trajectories: fixed-step solves run in chunks of at most this much. */
const CHUNK_BYTES = 64 * 2 ** 20;
/** Fewest particles per chunk (a worker pool shares a chunk among its threads). */
const MIN_CHUNK = 16384;
/** Particles kept for the scatter figure of d = 2. */
const SCATTER_SAMPLE = 2000;

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
export const simulateSchema = z
  .object({
    ...networkFields,
    K: z.number().min(0).max(1e6).default(0).describe("noise amplitude K (additive, K·I); K > 0 simulates the stochastic ResNet"),
    method: z
      .enum([...SIMULATE_ODE_METHODS, ...SIMULATE_SDE_METHODS])
      .optional()
      .describe("integrator (default: euler for K = 0 — the ResNet itself — and euler-maruyama for K > 0)"),
    stepsPerLayer: z.number().int().min(1).max(100_000).default(1).describe("integrator steps per layer"),
    particles: z
      .number()
      .int()
      .min(1)
      .max(SIMULATE_MAX_PARTICLES)
      .default(10_000)
      .describe("number of particles M (ignored with x0); refused when the ensembles do not fit in 1 GiB"),
    initial: initialSchema
      .default(DEFAULT_INITIAL)
      .describe('initial distribution of the particles (drawn from the named stream "initial" of the seed)'),
    x0: z
      .custom<Float64Array>((v) => v instanceof Float64Array, "a Float64Array")
      .optional()
      .describe("given initial particles, M·d values row-major (overrides particles and initial)"),
    nSave: z.number().int().min(2).max(10_001).default(11).describe("number of output times (at layer boundaries)"),
  })
  .strict();

/** Config of the `simulate` tool (defaults applied). */
export type SimulateConfig = z.output<typeof simulateSchema>;

/** Bytes per particle kept for the whole run: the initial and the final ensemble plus a working copy. */
function bytesPerParticle(d: number): number {
  return 3 * 8 * d;
}

/**
 * Refuse, before any work, sizes whose memory does not fit the 1 GiB budget: the ensembles (3 copies
 * of M·d doubles) and, for the adaptive dopri5 (one step size for the whole ensemble, so no chunks),
 * the saved trajectories M·d·nSave doubles.
 */
function checkSizes(M: number, d: number, nSave: number, chunked: boolean, given: boolean): void {
  requireFits(given ? "x0" : "particles", M, bytesPerParticle(d));
  if (!chunked) {
    const rest = DEFAULT_MEMORY_BUDGET - M * bytesPerParticle(d);
    requireFits("nSave", nSave, 8 * d * M, rest);
  }
}

function coordNames(d: number): string[] {
  return d === 1 ? ["x"] : Array.from({ length: d }, (_, j) => `x${j + 1}`);
}

/**
 * The `simulate` tool: draws M initial particles (or takes `x0`) and moves them through the ResNet
 * (K = 0) or the stochastic ResNet (K > 0), in chunks of particles so long runs report progress and
 * can be cancelled between chunks. Returns the mean and variance over time, a histogram (d = 1) or a
 * scatter sample (d = 2), and the initial and final ensembles as bulk data (`ensembles`).
 * @remarks Random streams: the initial particles come from the named stream `"initial"` of the seed,
 *   the noise of particle i from stream i of the named seed `"noise"`, so no draw serves two purposes.
 *   Results do not depend on the chunking or on a worker pool passed as `ctx.particleSolver`
 *   (fixed-step methods move each particle independently; dopri5 runs as one chunk).
 *   Memory: about 24·d bytes per particle (refused beyond 1 GiB, naming `particles` and the largest
 *   count that fits); dopri5 also keeps M·d·nSave doubles (refused naming `nSave`).
 */
export const simulateTool = defineExperiment({
  id: "simulate",
  title: "Particles through the (stochastic) ResNet",
  summary:
    "Moves M particles through the ResNet xₖ₊₁ = xₖ + Δt σ(Wₖ xₖ + bₖ) (or the neural ODE with rk4/dopri5, or the stochastic ResNet with noise K): the mean and variance over time and the particle density at t = 0 and t = T.",
  schema: simulateSchema,
  quick: { particles: 4000 },
  controls: [
    CONTROLS.sigma,
    CONTROLS.w,
    CONTROLS.b,
    { key: "T", label: "horizon T", kind: "range", min: 0.5, max: 10, step: 0.5 },
    { key: "layers", label: "layers L", kind: "range", min: 1, max: 200, step: 1 },
    { key: "K", label: "noise K", kind: "range", min: 0, max: 2, step: 0.05 },
    { key: "particles", label: "particles M", kind: "range", min: 500, max: 100000, step: 500 },
  ],
  async run(config, ctx) {
    const cfg = config;
    const stochastic = cfg.K > 0;
    const method = cfg.method ?? (stochastic ? "euler-maruyama" : "euler");
    const isSde = (SIMULATE_SDE_METHODS as readonly string[]).includes(method);
    if (isSde !== stochastic) {
      throw invalidArgument(
        "config.method",
        stochastic
          ? `an SDE method (${SIMULATE_SDE_METHODS.join(", ")}) when K > 0`
          : `an ODE method (${SIMULATE_ODE_METHODS.join(", ")}) when K = 0`,
        method,
      );
    }
    const params = networkFrom(cfg, cfg.K);
    const d = params.d;
    const given = cfg.x0 !== undefined;
    if (given && (cfg.x0!.length === 0 || cfg.x0!.length % d !== 0))
      throw shapeMismatch("config.x0", `a positive multiple of d = ${d} values`, cfg.x0!.length);
    const M = given ? cfg.x0!.length / d : cfg.particles;
    const chunked = method !== "dopri5";
    checkSizes(M, d, cfg.nSave, chunked, given);
    throwIfAborted(ctx.signal);

    // Initial particles: the named stream "initial", never the noise streams.
    let x0: Float64Array;
    if (given) x0 = cfg.x0!;
    else {
      ctx.onProgress?.({ fraction: 0, message: `drawing ${M} initial particles` });
      const rng = createNamedRng(ctx.seed, "initial");
      x0 = new Float64Array(M * d);
      const i0 = cfg.initial;
      if (i0.kind === "normal") {
        rng.normalInto(x0);
        for (let i = 0; i < x0.length; i++) x0[i] = i0.mean + i0.std * x0[i]!;
      } else {
        rng.uniformInto(x0);
        for (let i = 0; i < x0.length; i++) x0[i] = i0.low + (i0.high - i0.low) * x0[i]!;
      }
    }

    const L = params.nLayers;
    const saveAt = Array.from({ length: cfg.nSave }, (_, s) => (Math.round((s * L) / (cfg.nSave - 1)) * params.T) / L);
    const nS = saveAt.length;
    const noiseSeed = deriveSeed(ctx.seed, "noise");
    const solver: ParticleSolver = ctx.particleSolver ?? { solveOde, solveSde };
    const chunk = chunked ? Math.max(1, Math.min(M, Math.max(MIN_CHUNK, Math.ceil(M / 50)), Math.floor(CHUNK_BYTES / (8 * d * nS)))) : M;
    const final = new Float64Array(M * d);
    const acc = new MomentAccumulator(nS * d);
    let status: SolveStatus = "success";
    let steps = 0;
    for (let start = 0; start < M; start += chunk) {
      throwIfAborted(ctx.signal);
      const end = Math.min(M, start + chunk);
      ctx.onProgress?.({ fraction: start / M, message: `particles ${start + 1}–${end} of ${M}` });
      // Yield so a cancellation (Ctrl-C, a worker message) can arrive between chunks.
      if (start > 0) await new Promise<void>((r) => setTimeout(r, 0));
      throwIfAborted(ctx.signal);
      const xs = start === 0 && end === M ? x0 : x0.subarray(start * d, end * d);
      const r: OdeResult | SdeResult = isSde
        ? await solver.solveSde(params, xs, {
            method: method as SdeMethodName,
            stepsPerLayer: cfg.stepsPerLayer,
            seed: noiseSeed,
            firstStream: start,
            saveAt,
          })
        : await solver.solveOde(params, xs, { method: method as OdeMethodName, stepsPerLayer: cfg.stepsPerLayer, saveAt });
      if (r.status !== "success" && status === "success") status = r.status;
      steps = Math.max(steps, r.stats.steps);
      final.set(r.x, start * d);
      const m = end - start;
      for (let s = 0; s < nS; s++) {
        const base = s * m * d;
        for (let j = 0; j < d; j++) {
          let sum = 0;
          for (let i = 0; i < m; i++) sum += r.saved[base + i * d + j]!;
          const mean = sum / m;
          let m2 = 0;
          for (let i = 0; i < m; i++) m2 += (r.saved[base + i * d + j]! - mean) ** 2;
          acc.merge(s * d + j, m, mean, m2);
        }
      }
    }
    throwIfAborted(ctx.signal);

    const mom: Record<string, Float64Array> = { t: Float64Array.from(saveAt) };
    for (let j = 0; j < d; j++) {
      mom[d === 1 ? "mean" : `mean_${j + 1}`] = Float64Array.from({ length: nS }, (_, s) => acc.mean[s * d + j]!);
      mom[d === 1 ? "variance" : `variance_${j + 1}`] = Float64Array.from({ length: nS }, (_, s) => acc.variance(s * d + j));
    }
    const series: Record<string, DataTable> = {
      moments: table(mom, { t: "time t" }, "mean and variance of the particles at the output times"),
    };
    const figures: FigureSpec[] = [
      {
        id: "moments",
        title: `${isSde ? "Stochastic ResNet" : "ResNet"} (σ = ${cfg.sigma}): mean and variance over time`,
        xLabel: "time t",
        yLabel: "mean, variance",
        layers: Object.keys(mom)
          .filter((k) => k !== "t")
          .map((k) => ({
            kind: "line" as const,
            series: "moments",
            x: "t",
            y: k,
            label: k.replace("_", " of x"),
            dashed: k.startsWith("variance"),
          })),
        caption: `${M} particles, ${method}, ${cfg.stepsPerLayer} step(s) per layer, L = ${L}, T = ${params.T}.`,
      },
    ];
    if (d === 1) {
      // A loop, not Math.min(...xs): spreading 10⁵+ values overflows the call stack.
      let lo = Infinity,
        hi = -Infinity;
      for (const xs of [final, x0]) {
        for (let i = 0; i < xs.length; i++) {
          const v = xs[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
        const c = Number.isFinite(lo) ? lo : 0;
        lo = c - 0.5;
        hi = c + 0.5;
      }
      const grid = createGrid1D(lo, hi, 60) as Grid1D;
      const centers = Float64Array.from({ length: grid.n }, (_, k) => grid.xMin + (k + 0.5) * grid.dx);
      series["histogram"] = table(
        { x: centers, initial: histogram(grid, x0, 1, 0, true), final: histogram(grid, final, 1, 0, true) },
        undefined,
        "particle densities (histograms) at t = 0 and t = T",
      );
      figures.push({
        id: "histogram",
        title: `Particle density at t = 0 and t = T (σ = ${cfg.sigma})`,
        xLabel: "x",
        yLabel: "density",
        layers: [
          { kind: "step", series: "histogram", x: "x", y: "initial", label: "t = 0", dashed: true },
          { kind: "step", series: "histogram", x: "x", y: "final", label: "t = T", dashed: false },
        ],
        caption: "Histograms of the particle positions.",
      });
    } else {
      const stride = Math.max(1, Math.ceil(M / SCATTER_SAMPLE));
      const n = Math.ceil(M / stride);
      const cols: Record<string, Float64Array> = {};
      for (const [tag, xs] of [
        ["0", x0],
        ["T", final],
      ] as const) {
        for (let j = 0; j < d; j++) cols[`x${j + 1}_${tag}`] = Float64Array.from({ length: n }, (_, k) => xs[k * stride * d + j]!);
      }
      series["particles"] = table(cols, undefined, `every ${stride}th particle at t = 0 and t = T`);
      figures.push({
        id: "particles",
        title: `Particles at t = 0 and t = T (σ = ${cfg.sigma})`,
        xLabel: "x₁",
        yLabel: "x₂",
        layers: [
          { kind: "scatter", series: "particles", x: "x1_0", y: "x2_0", label: "t = 0" },
          { kind: "scatter", series: "particles", x: "x1_T", y: "x2_T", label: "t = T" },
        ],
        caption: `Scatter of a sample of ${n} of the ${M} particles.`,
      });
    }
    const ensembles: Record<string, Ensemble> = {
      initial: { x: x0, d, columns: coordNames(d), description: "particles at t = 0" },
      final: { x: final, d, columns: coordNames(d), description: "particles at t = T" },
    };
    const last = nS - 1;
    const summary: Record<string, number | string> = { status, method, particles: M, layers: L, T: params.T, steps };
    for (const k of Object.keys(mom)) if (k !== "t") summary[`${k}_T`] = mom[k]![last]!;
    const { x0: _given, ...resolved } = cfg;
    void _given;
    ctx.onProgress?.({ fraction: 1, message: "done" });
    return { id: "simulate", config: { ...resolved, particles: M }, seed: ctx.seed, series, ensembles, summary, checks: [], figures };
  },
});
