/** `kinetic-nde simulate` — particles through the (stochastic) ResNet / neural ODE. */
import { createRng, solveOde, solveSde, type NetworkParams, type OdeMethodName, type OdeResult, type SdeMethodName, type SdeResult } from "@kinetic-nde/core";
import { createWorkerPool } from "@kinetic-nde/core/node";
import { availableParallelism } from "node:os";
import { parseCsv, parseJson } from "@kinetic-nde/datasets";
import type { Command } from "commander";
import type { FigureSpec } from "@kinetic-nde/experiments";
import { extname } from "node:path";
import { buildConfig, fieldsFromFlags, parseSeed } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { detectColumns, readText } from "../io.js";
import { finish, outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, initialSchema, networkFields, networkFrom, z } from "../schemas.js";

const ODE = ["euler", "heun", "rk4", "dopri5"] as const;
const SDE = ["euler-maruyama", "milstein", "platen-weak2"] as const;

/** Config of `simulate`. */
export const simulateSchema = z
  .object({
    ...networkFields,
    K: z.number().min(0).default(0).describe("noise amplitude K (additive, K·I); K > 0 simulates the stochastic ResNet"),
    method: z.enum([...ODE, ...SDE]).optional().describe("integrator (default: euler for K = 0 — the ResNet itself — and euler-maruyama for K > 0)"),
    stepsPerLayer: z.number().int().min(1).max(100_000).default(1).describe("integrator steps per layer"),
    particles: z.number().int().min(1).max(50_000_000).default(10_000).describe("number of particles M (ignored with input)"),
    initial: initialSchema.default({ kind: "normal", mean: 0, std: 1, low: -1, high: 1 }).describe("initial distribution of the particles"),
    input: z.string().optional().describe("CSV/JSON data set whose feature columns are the initial particles"),
    nSave: z.number().int().min(2).max(10_001).default(11).describe("number of output times (at layer boundaries)"),
  })
  .strict();
COMMAND_SCHEMAS["simulate"] = simulateSchema;

interface Flags extends OutputFlags {
  config?: string;
  seed: number;
  threads: number;
  [k: string]: unknown;
}

const FLAG_MAP = {
  sigma: "sigma", d: "d", w: "w", b: "b", T: "T", layers: "layers", K: "K", method: "method", stepsPerLayer: "stepsPerLayer",
  particles: "particles", initial: "initial.kind", mean: "initial.mean", std: "initial.std", low: "initial.low", high: "initial.high",
  input: "input", nSave: "nSave",
};

/** Register the command. */
export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("move particles through the ResNet (ODE) or the stochastic ResNet (SDE, K > 0)")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--sigma <name>", "activation: identity, tanh, sigmoid, relu, leaky-relu, softplus")
    .option("--d <d>", "dimension (1 or 2)")
    .option("--w <w>", "weight (number, or a JSON list per layer; d = 2: W row-major)")
    .option("--b <b>", "bias (number or JSON list)")
    .option("--T <T>", "horizon T")
    .option("--layers <L>", "number of layers (constant w, b)")
    .option("--K <K>", "noise amplitude (0: deterministic)")
    .option("--method <name>", `integrator: ${[...ODE, ...SDE].join(", ")}`)
    .option("--steps-per-layer <n>", "integrator steps per layer")
    .option("--particles <M>", "number of particles")
    .option("--initial <kind>", "normal | uniform")
    .option("--mean <m>", "normal initial mean")
    .option("--std <s>", "normal initial standard deviation")
    .option("--low <a>", "uniform initial lower end")
    .option("--high <b>", "uniform initial upper end")
    .option("--input <file>", "CSV/JSON data set to use as initial particles")
    .option("--n-save <n>", "number of output times")
    .option("--seed <n>", "seed of the initial sample and the noise", parseSeed, 1)
    .option("--threads <n>", "threads for the particle solve (default: one per core; the results are the same bit for bit for any count)", parseThreads, Math.max(1, availableParallelism()))
    .option("--out <dir>", "output directory (default ./out/simulate-<sigma>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText("after", `
Examples:
  $ kinetic-nde simulate --sigma tanh --w -1 --b 0.5 --T 2 --particles 10000
  $ kinetic-nde simulate --sigma identity --w -1 --b 0 --K 0.5 --T 5 --layers 500 --seed 3
  $ kinetic-nde simulate --d 2 --w "[-1,0.5,-0.5,-1]" --b "[0.1,0]" --method rk4 --steps-per-layer 4
  $ kinetic-nde simulate --input data.csv --config net.yaml
${OUTPUT_HELP}`)
    .action(async (flags: Flags) => {
      const cfg = buildConfig(simulateSchema, flags.config, fieldsFromFlags(flags, FLAG_MAP));
      const out = outDirFor(flags, "simulate", cfg.sigma);
      process.exitCode = await simulate(cfg, flags, out);
    });
}

function parseThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new CliError(EXIT.USAGE, `invalid argument: \`--threads\` must be an integer in [1, 256]; got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Solve on `threads` threads: a worker pool (bit-identical to the single-thread solvers) when there is
 * more than one thread and enough particles to share, otherwise the single-thread solver.
 */
async function solveParticles(params: NetworkParams, x0: Float64Array, threads: number, isSde: boolean, opts: Record<string, unknown>): Promise<OdeResult | SdeResult> {
  const single = (): OdeResult | SdeResult => (isSde ? solveSde(params, x0, opts) : solveOde(params, x0, opts));
  if (threads <= 1 || x0.length / params.d < 2 * 4096) return single();
  const pool = createWorkerPool({ threads });
  try {
    return isSde ? await pool.solveSde(params, x0, opts) : await pool.solveOde(params, x0, opts);
  } finally {
    await pool.close();
  }
}

function loadInput(path: string, d: number): Float64Array {
  const text = readText(path, "input file");
  const ext = extname(path).toLowerCase();
  const opts = detectColumns(text, ext);
  const ds = ext === ".json" ? parseJson(text, opts) : parseCsv(text, opts);
  if (ds.d !== d) throw new CliError(EXIT.USAGE, `invalid argument: \`config.input\` must have d = ${d} feature columns; got ${ds.d} in ${JSON.stringify(path)}`);
  return ds.x;
}

async function simulate(cfg: z.output<typeof simulateSchema>, flags: Flags, out: string): Promise<number> {
  const stochastic = cfg.K > 0;
  const method = cfg.method ?? (stochastic ? "euler-maruyama" : "euler");
  const isSde = (SDE as readonly string[]).includes(method);
  if (isSde !== stochastic) {
    throw new CliError(EXIT.USAGE, `invalid argument: \`config.method\` must be ${stochastic ? `an SDE method (${SDE.join(", ")}) when K > 0` : `an ODE method (${ODE.join(", ")}) when K = 0`}; got ${JSON.stringify(method)}`);
  }
  const params = networkFrom(cfg, cfg.K);
  const d = params.d;
  let x0: Float64Array;
  if (cfg.input !== undefined) x0 = loadInput(cfg.input, d);
  else {
    const rng = createRng(flags.seed, 0);
    x0 = new Float64Array(cfg.particles * d);
    for (let i = 0; i < x0.length; i++) x0[i] = cfg.initial.kind === "normal" ? cfg.initial.mean + cfg.initial.std * rng.normal() : cfg.initial.low + (cfg.initial.high - cfg.initial.low) * rng.uniform();
  }
  const M = x0.length / d;
  const L = params.nLayers;
  const saveAt = Array.from({ length: cfg.nSave }, (_, s) => (Math.round((s * L) / (cfg.nSave - 1)) * params.T) / L);
  const opts = isSde
    ? { method: method as SdeMethodName, stepsPerLayer: cfg.stepsPerLayer, seed: flags.seed, saveAt }
    : { method: method as OdeMethodName, stepsPerLayer: cfg.stepsPerLayer, saveAt };
  const r = await solveParticles(params, x0, flags.threads, isSde, opts);
  const n = saveAt.length;
  const mom: Record<string, Float64Array> = { t: Float64Array.from(saveAt) };
  for (let j = 0; j < d; j++) {
    const mean = new Float64Array(n), vr = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      let m = 0;
      for (let i = 0; i < M; i++) m += r.saved[s * M * d + i * d + j]!;
      m /= M;
      let v = 0;
      for (let i = 0; i < M; i++) v += (r.saved[s * M * d + i * d + j]! - m) ** 2;
      mean[s] = m;
      vr[s] = v / M;
    }
    mom[d === 1 ? "mean" : `mean_${j + 1}`] = mean;
    mom[d === 1 ? "variance" : `variance_${j + 1}`] = vr;
  }
  const final: Record<string, Float64Array> = {};
  const initial: Record<string, Float64Array> = {};
  for (let j = 0; j < d; j++) {
    final[d === 1 ? "x" : `x${j + 1}`] = Float64Array.from({ length: M }, (_, i) => r.x[i * d + j]!);
    initial[d === 1 ? "x" : `x${j + 1}`] = Float64Array.from({ length: M }, (_, i) => x0[i * d + j]!);
  }
  const series: Record<string, { columns: string[]; data: Record<string, Float64Array>; units?: Record<string, string> }> = {
    moments: { columns: Object.keys(mom), data: mom, units: { t: "time t" } },
    final: { columns: Object.keys(final), data: final },
  };
  const figures: FigureSpec[] = [
    {
      id: "moments",
      title: `${isSde ? "Stochastic ResNet" : "ResNet"} (σ = ${cfg.sigma}): mean and variance over time`,
      xLabel: "time t",
      yLabel: "mean, variance",
      layers: Object.keys(mom).filter((k) => k !== "t").map((k) => ({ kind: "line" as const, series: "moments", x: "t", y: k, label: k.replace("_", " of x"), dashed: k.startsWith("variance") })),
      caption: `${M} particles, ${method}, ${cfg.stepsPerLayer} step(s) per layer, L = ${L}, T = ${params.T}.`,
    },
  ];
  if (d === 1) {
    // A loop, not Math.min(...xs): spreading 10⁵+ values overflows the call stack.
    let lo = Infinity, hi = -Infinity;
    for (const xs of [final["x"]!, initial["x"]!]) for (const v of xs) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const nb = 60, w = (hi - lo) / nb || 1;
    const centers = Float64Array.from({ length: nb }, (_, k) => lo + (k + 0.5) * w);
    const h = (xs: Float64Array) => {
      const c = new Float64Array(nb);
      for (const v of xs) c[Math.min(nb - 1, Math.max(0, Math.floor((v - lo) / w)))]! += 1 / (xs.length * w);
      return c;
    };
    series["histogram"] = { columns: ["x", "initial", "final"], data: { x: centers, initial: h(initial["x"]!), final: h(final["x"]!) } };
    figures.push({
      id: "histogram",
      title: `Particle density at t = 0 and t = T (σ = ${cfg.sigma})`,
      xLabel: "x",
      yLabel: "density",
      layers: [
        { kind: "step" as const, series: "histogram", x: "x", y: "initial", label: "t = 0", dashed: true },
        { kind: "step" as const, series: "histogram", x: "x", y: "final", label: "t = T", dashed: false },
      ],
      caption: "Histograms of the particle positions.",
    });
  } else {
    series["initial"] = { columns: Object.keys(initial), data: initial };
    figures.push({
      id: "particles",
      title: `Particles at t = 0 and t = T (σ = ${cfg.sigma})`,
      xLabel: "x₁",
      yLabel: "x₂",
      layers: [
        { kind: "scatter" as const, series: "initial", x: "x1", y: "x2", label: "t = 0", dashed: false },
        { kind: "scatter" as const, series: "final", x: "x1", y: "x2", label: "t = T", dashed: false },
      ],
      caption: "Scatter of (at most 400 shown) particles.",
    });
  }
  const last = n - 1;
  const summary: Record<string, number | string> = { status: r.status, method, particles: M, layers: L, T: params.T, steps: r.stats.steps };
  for (const k of Object.keys(mom)) if (k !== "t") summary[`${k}_T`] = mom[k]![last]!;
  return finish(out, { id: "simulate", config: cfg, seed: flags.seed, series, summary, checks: [], figures }, [r.status], flags);
}
