/**
 * stochastic-resnet — SDE particles (the stochastic ResNet) against the Fokker–Planck solution over
 * time, and the moments with diffusion.
 */
import { createNamedRng, createScalarNetwork, deriveSeed, solveSde } from "@kinetic-nde/core";
import { histogramOnGrid, l1Distance, solveFokkerPlanck, stationaryDensity } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, cellCenters, createGrid1D } from "@kinetic-nde/datasets";
import { wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import { closedFormMeanVariance } from "@kinetic-nde/moments";
import * as z from "zod";
import { makeBoundCheck, makeCheck } from "../checks.js";
import { type ExperimentPart, PALETTE, defineExperiment } from "../internal/define.js";
import { densityMeanVar, normalPdf } from "../internal/grids.js";
import { meanVar, r6, stages, table } from "../internal/util.js";
import type { Check, FigureSpec } from "../types.js";

const schema = z
  .object({
    sigma: z
      .enum(["tanh", "identity", "sigmoid", "relu", "leaky-relu", "softplus"])
      .default("tanh")
      .describe("activation of the nonlinear comparison"),
    w: z.number().min(-3).max(-0.2).default(-1).describe("weight w < 0"),
    b: z.number().min(-1).max(1).default(0.5).describe("bias b"),
    K: z.number().min(0.1).max(1.5).default(0.6).describe("noise amplitude K (D = K²/2)"),
    mean0: z.number().min(-2).max(2).default(-1).describe("initial mean"),
    std0: z.number().min(0.1).max(1).default(0.4).describe("initial standard deviation"),
    T: z.number().min(0.5).max(10).default(5).describe("final time"),
    dt: z.number().min(0.001).max(0.1).default(0.01).describe("layer step Δt of the stochastic ResNet (one Euler–Maruyama step per layer)"),
    particles: z.number().int().min(1000).max(2_000_000).default(50_000).describe("number of particles M"),
    cells: z.number().int().min(100).max(8000).default(600).describe("Fokker–Planck grid cells on [-L, L]"),
    L: z.number().min(3).max(12).default(5).describe("half-width of the domain"),
    nTimes: z.number().int().min(3).max(101).default(26).describe("output times"),
  })
  .strict();

type Config = z.output<typeof schema>;

type Part = ExperimentPart;

function saveTimes(cfg: Config): number[] {
  const L = Math.round(cfg.T / cfg.dt);
  const out: number[] = [];
  for (let s = 0; s < cfg.nTimes; s++) out.push((Math.round((L * s) / (cfg.nTimes - 1)) * cfg.T) / L);
  return out;
}

function network(cfg: Config, sigma: string) {
  const nLayers = Math.round(cfg.T / cfg.dt);
  return createScalarNetwork({ sigma, w: cfg.w, b: cfg.b, T: nLayers * cfg.dt, nLayers, K: cfg.K });
}

function sample(cfg: Config, seed: number): Float64Array {
  const rng = createNamedRng(seed, "initial");
  const x0 = new Float64Array(cfg.particles);
  for (let i = 0; i < x0.length; i++) x0[i] = cfg.mean0 + cfg.std0 * rng.normal();
  return x0;
}

/** Part A: identity (Ornstein–Uhlenbeck) — exact moments vs Fokker–Planck vs particles. */
function partMoments(cfg: Config, seed: number): Part {
  const params = network(cfg, "identity");
  const times = saveTimes(cfg);
  const M = cfg.particles;
  const D = (cfg.K * cfg.K) / 2;
  const exact = closedFormMeanVariance({ params, mean0: cfg.mean0, var0: cfg.std0 ** 2 }, times);
  const grid = createGrid1D(-cfg.L, cfg.L, cfg.cells);
  const fp = solveFokkerPlanck({ network: params, grid, f0: normalPdf(cfg.mean0, cfg.std0) }, { saveAt: times, dt: cfg.dt });
  const sde = solveSde(params, sample(cfg, seed), { seed: deriveSeed(seed, "noise-moments"), saveAt: times });
  const n = times.length;
  const fm = new Float64Array(n),
    fv = new Float64Array(n),
    pm = new Float64Array(n),
    pv = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const mv = densityMeanVar(grid, fp.saved[s]!);
    fm[s] = mv.mean;
    fv[s] = mv.variance;
    const p = meanVar(sde.saved.subarray(s * M, (s + 1) * M));
    pm[s] = p.mean;
    pv[s] = p.variance;
  }
  const last = n - 1;
  const vT = exact.variance[last]!;
  const checks: Check[] = [];
  checks.push(
    makeBoundCheck(
      "ou-fp-mass",
      "(identity) Fokker–Planck mass conserved (zero flux): relative change",
      Math.abs(fp.stats.massFinal - fp.stats.massInitial) / fp.stats.massInitial,
      1e-12,
    ),
  );
  // Implicit Euler is first order in time: error budget |w|Δt relative, plus the midpoint rule Δx².
  checks.push(
    makeCheck(
      "ou-fp-mean",
      "(identity) Fokker–Planck mean at T equals the exact mean (tol |w|Δt·|m1| + Δx²)",
      fm[last]!,
      exact.mean[last]!,
      Math.abs(cfg.w) * cfg.dt * Math.abs(exact.mean[last]!) + grid.dx ** 2 + 1e-9,
    ),
  );
  checks.push(
    makeCheck(
      "ou-fp-variance",
      "(identity) Fokker–Planck variance at T equals the exact variance (tol |w|Δt·Var + Δx²)",
      fv[last]!,
      vT,
      Math.abs(cfg.w) * cfg.dt * vT + grid.dx ** 2,
    ),
  );
  // Particles: 5 standard errors plus the Euler–Maruyama bias (relative |w|Δt/2 for the OU variance).
  checks.push(
    makeCheck(
      "ou-particle-mean",
      "(identity) particle mean at T within 5 standard errors (+ EM bias) of the exact mean",
      pm[last]!,
      exact.mean[last]!,
      (5 * Math.sqrt(vT)) / Math.sqrt(M) + Math.abs(cfg.w) * cfg.dt * Math.abs(exact.mean[last]!),
    ),
  );
  checks.push(
    makeCheck(
      "ou-particle-variance",
      "(identity) particle variance at T within 5 standard errors (+ EM bias) of the exact variance",
      pv[last]!,
      vT,
      5 * vT * Math.sqrt(2 / M) + Math.abs(cfg.w) * cfg.dt * vT,
    ),
  );
  const stat = D / Math.abs(cfg.w);
  checks.push(
    makeCheck(
      "ou-stationary-variance",
      "(identity) variance tends to D/|w| (Ornstein–Uhlenbeck): exact Var(T)",
      vT,
      stat,
      stat * 2 * Math.exp(2 * cfg.w * cfg.T) + 1e-12,
    ),
  );
  return {
    series: {
      moments: table(
        {
          t: Float64Array.from(times),
          mean_exact: exact.mean,
          var_exact: exact.variance,
          mean_fp: fm,
          var_fp: fv,
          mean_particles: pm,
          var_particles: pv,
        },
        { t: "time t" },
        `σ = id, w = ${cfg.w}, b = ${cfg.b}, K = ${cfg.K}: mean and variance`,
      ),
    },
    fields: {},
    checks,
    summary: {
      ou_mean_T_exact: r6(exact.mean[last]!),
      ou_mean_T_fp: r6(fm[last]!),
      ou_mean_T_particles: r6(pm[last]!),
      ou_var_T_exact: r6(vT),
      ou_var_T_fp: r6(fv[last]!),
      ou_var_T_particles: r6(pv[last]!),
      ou_stationary_variance: r6(stat),
      ou_fp_status: fp.status,
      ou_sde_status: sde.status,
    },
  };
}

/** Part B: nonlinear σ — densities of particles vs Fokker–Planck over time. */
function partDensities(cfg: Config, seed: number): Part {
  const params = network(cfg, cfg.sigma);
  const times = saveTimes(cfg);
  const M = cfg.particles;
  const D = (cfg.K * cfg.K) / 2;
  const grid = createGrid1D(-cfg.L, cfg.L, cfg.cells);
  const fp = solveFokkerPlanck({ network: params, grid, f0: normalPdf(cfg.mean0, cfg.std0) }, { saveAt: times, dt: cfg.dt });
  const sde = solveSde(params, sample(cfg, seed), { seed: deriveSeed(seed, "noise-densities"), saveAt: times });
  const n = times.length;
  const w1 = new Float64Array(n);
  let w1max = 0;
  for (let s = 1; s < n; s++) {
    w1[s] = wasserstein1GridSamples(grid, fp.saved[s]!, sde.saved.subarray(s * M, (s + 1) * M));
    w1max = Math.max(w1max, w1[s]!);
  }
  w1[0] = wasserstein1GridSamples(grid, fp.saved[0]!, sde.saved.subarray(0, M));
  const xc = cellCenters(grid);
  const picks = [Math.round((n - 1) / 10), Math.round((n - 1) / 3), n - 1];
  const dens: Record<string, Float64Array> = { x: xc };
  for (const [j, s] of picks.entries()) {
    dens[`fp_${j}`] = fp.saved[s]!;
    // Histogram on a 4× coarser grid (less sampling noise), expanded back to the fine cells.
    const coarse = createGrid1D(-cfg.L, cfg.L, Math.max(10, Math.floor(cfg.cells / 4)));
    const h = histogramOnGrid(sde.saved.subarray(s * M, (s + 1) * M), coarse).f;
    const hf = new Float64Array(grid.n);
    for (let i = 0; i < grid.n; i++) hf[i] = h[Math.min(coarse.n - 1, Math.floor((xc[i]! - coarse.xMin) / coarse.dx))]!;
    dens[`particles_${j}`] = hf;
  }
  const checks: Check[] = [];
  // Sampling error of W1 ~ 1/√M (times the spread), Euler–Maruyama weak error O(Δt), grid O(Δx):
  const bound = 3 / Math.sqrt(M) + cfg.dt + grid.dx / 2;
  checks.push(
    makeBoundCheck(
      "w1-particles-fp",
      `(${cfg.sigma}) particles and Fokker–Planck agree: max over t of W1 (bound 3/√M + Δt + Δx/2)`,
      w1max,
      bound,
    ),
  );
  checks.push(
    makeBoundCheck("fp-positivity", `(${cfg.sigma}) Fokker–Planck density stays non-negative: -min f`, Math.max(0, -fp.stats.minValue), 0),
  );
  const summary: Record<string, number | string> = {
    [`${cfg.sigma}_w1_max`]: r6(w1max),
    [`${cfg.sigma}_w1_T`]: r6(w1[n - 1]!),
    [`${cfg.sigma}_fp_status`]: fp.status,
  };
  let fInf: Float64Array | null = null;
  if (cfg.sigma === "tanh" || cfg.sigma === "identity") {
    const st = stationaryDensity(cfg.sigma, cfg.w, cfg.b, D);
    fInf = cellAverages1D(st.pdf, grid);
    const l1 = l1Distance(grid, fp.f, fInf);
    summary[`${cfg.sigma}_l1_to_stationary`] = r6(l1);
    // Relaxation at rate ≈ |w| from the initial L1 distance (≤ 2).
    checks.push(
      makeBoundCheck(
        "relaxation",
        `(${cfg.sigma}) f(T) approaches the stationary density ${st.family === "gaussian" ? "N(-b/w, D/|w|)" : "∝ sech(wx+b)^(1/(|w|D))"}: L1 distance (bound 2e^(-|w|T/2) + 0.01)`,
        l1,
        2 * Math.exp((-Math.abs(cfg.w) * cfg.T) / 2) + 0.01,
      ),
    );
    dens["stationary"] = fInf;
  }
  // Heatmap of the Fokker–Planck density over (x, t).
  const stride = Math.max(1, Math.floor(grid.n / 200));
  const nx = Math.floor(grid.n / stride);
  const xsF = new Float64Array(nx);
  for (let j = 0; j < nx; j++) xsF[j] = xc[j * stride + Math.floor(stride / 2)]!;
  const values = new Float64Array(nx * n);
  for (let s = 0; s < n; s++)
    for (let j = 0; j < nx; j++) {
      let acc = 0;
      for (let q = 0; q < stride; q++) acc += fp.saved[s]![j * stride + q]!;
      values[s * nx + j] = acc / stride;
    }
  return {
    series: {
      densities: table(
        dens,
        { x: "x" },
        `σ = ${cfg.sigma}: Fokker–Planck and particle histograms at t = ${picks.map((s) => r6(times[s]!)).join(", ")}`,
      ),
      w1: table({ t: Float64Array.from(times), w1 }, { t: "time t", w1: "W1(particles, Fokker–Planck)" }),
    },
    fields: { fp: { x: xsF, y: Float64Array.from(times), values, description: "f(t, x)" } },
    checks,
    summary: { ...summary, pick_times: picks.map((s) => r6(times[s]!)).join(", ") },
  };
}

/** The stochastic-resnet experiment. */
export const stochasticResnet = defineExperiment({
  id: "stochastic-resnet",
  title: "Stochastic ResNet and the Fokker–Planck equation",
  summary:
    "Noise in every residual update (Euler–Maruyama) gives the Fokker–Planck equation in the mean-field limit. For σ = id the mean and variance follow closed ODEs and the variance tends to D/|w| (Ornstein–Uhlenbeck); for a nonlinear σ the particle histograms are compared with the Fokker–Planck density over time by the Wasserstein-1 distance.",
  schema,
  quick: { particles: 20_000, cells: 300, T: 3, dt: 0.02, nTimes: 16 },
  controls: [
    { key: "sigma", label: "activation σ", kind: "select", options: ["tanh", "identity", "sigmoid", "relu", "leaky-relu", "softplus"] },
    { key: "w", label: "weight w", kind: "range", min: -3, max: -0.2, step: 0.1 },
    { key: "b", label: "bias b", kind: "range", min: -1, max: 1, step: 0.1 },
    { key: "K", label: "noise K", kind: "range", min: 0.1, max: 1.5, step: 0.05 },
    { key: "particles", label: "particles M", kind: "number", min: 1000, max: 1_000_000, step: 1000 },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 2);
    await st.stage("σ = id: moments, Fokker–Planck, particles");
    const a = partMoments(config, ctx.seed);
    await st.stage(`σ = ${config.sigma}: densities over time`);
    const b = partDensities(config, ctx.seed);
    st.done();
    const s = config.sigma;
    const figures: FigureSpec[] = [
      {
        id: "moments",
        title: `Mean and variance with diffusion (σ = id, w = ${config.w}, K = ${config.K})`,
        xLabel: "time t",
        yLabel: "mean, variance",
        layers: [
          { kind: "line", series: "moments", x: "t", y: "mean_exact", label: "mean exact", color: PALETTE[0]! },
          { kind: "line", series: "moments", x: "t", y: "mean_fp", label: "mean Fokker–Planck", color: PALETTE[0]!, dashed: true },
          { kind: "scatter", series: "moments", x: "t", y: "mean_particles", label: "mean particles", color: PALETTE[0]! },
          { kind: "line", series: "moments", x: "t", y: "var_exact", label: "Var exact", color: PALETTE[1]! },
          { kind: "line", series: "moments", x: "t", y: "var_fp", label: "Var Fokker–Planck", color: PALETTE[1]!, dashed: true },
          { kind: "scatter", series: "moments", x: "t", y: "var_particles", label: "Var particles", color: PALETTE[1]! },
        ],
        caption: `Mean relaxes to -b/w, the variance to D/|w| = ${r6((config.K * config.K) / 2 / Math.abs(config.w))}: exact moment ODE (solid), Fokker–Planck (dashed), stochastic ResNet particles (markers).`,
      },
      {
        id: "densities",
        title: `σ = ${s}: particles vs Fokker–Planck (t = ${b.summary["pick_times"]})`,
        xLabel: "x",
        yLabel: "density f(t, x)",
        layers: [
          ...[0, 1, 2].flatMap((j) => {
            const tj = String(b.summary["pick_times"]).split(", ")[j];
            return [
              { kind: "line" as const, series: "densities", x: "x", y: `fp_${j}`, label: `Fokker–Planck, t = ${tj}`, color: PALETTE[j]! },
              {
                kind: "step" as const,
                series: "densities",
                x: "x",
                y: `particles_${j}`,
                label: `particles, t = ${tj}`,
                color: PALETTE[j]!,
                dashed: true,
              },
            ];
          }),
          ...(b.series["densities"]!.data["stationary"]
            ? [
                {
                  kind: "line" as const,
                  series: "densities",
                  x: "x",
                  y: "stationary",
                  label: "stationary f∞",
                  color: "#9467BD",
                  dashed: true,
                },
              ]
            : []),
        ],
        caption:
          "Fokker–Planck density (solid lines) and histograms of the stochastic ResNet particles (dashed steps) at three times, one colour per time (blue, vermilion, green); the purple dashed line is the closed-form stationary density.",
      },
      {
        id: "fp-heatmap",
        title: `σ = ${s}: Fokker–Planck density f(t, x)`,
        xLabel: "x",
        yLabel: "time t",
        heatmap: "fp",
        caption: "Density over time; noise keeps it spread around x* instead of collapsing to a δ.",
      },
      {
        id: "w1",
        title: `σ = ${s}: Wasserstein-1 distance particles ↔ Fokker–Planck`,
        xLabel: "time t",
        yLabel: "W1",
        layers: [{ kind: "line", series: "w1", x: "t", y: "w1", label: "W1(t)" }],
        caption:
          "Distance between the particle ensemble and the Fokker–Planck density: sampling noise O(M^(−1/2)) plus the weak error of Euler–Maruyama.",
      },
    ];
    return {
      id: "stochastic-resnet",
      config,
      seed: ctx.seed,
      series: { ...a.series, ...b.series },
      fields: b.fields,
      summary: { ...a.summary, ...b.summary },
      checks: [...a.checks, ...b.checks],
      figures,
    };
  },
});
