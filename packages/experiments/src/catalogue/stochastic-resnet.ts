/**
 * stochastic-resnet — SDE particles (the stochastic ResNet) against the Fokker–Planck solution over
 * time, and the moments with diffusion.
 */
import { createNamedRng, createScalarNetwork, deriveSeed, resolveActivation, solveSde } from "@kinetic-nde/core";
import { histogramOnGrid, l1Distance, solveFokkerPlanck, solveSteadyState, stationaryDensity } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, cellCenters, createGrid1D, massOf } from "@kinetic-nde/datasets";
import { wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import { closedFormMeanVariance } from "@kinetic-nde/moments";
import * as z from "zod";
import { makeBoundCheck, makeCheck, makeNotApplicableCheck } from "../checks.js";
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

/**
 * Mean and variance at T of implicit Euler (step Δt) applied to the OU Fokker–Planck equation: the
 * moment ODEs m' = wm + b, Var' = 2w Var + 2D stepped implicitly, with the extra (Δm)² per step that
 * stepping E[x²] and m² separately gives.
 */
function implicitEulerMoments(cfg: Config, T: number): { mean: number; variance: number } {
  const D = (cfg.K * cfg.K) / 2;
  const n = Math.round(T / cfg.dt),
    h = T / n;
  let m = cfg.mean0,
    v = cfg.std0 ** 2;
  for (let k = 0; k < n; k++) {
    const mNext = (m + h * cfg.b) / (1 - h * cfg.w);
    v = (v + 2 * D * h + (mNext - m) ** 2) / (1 - 2 * h * cfg.w);
    m = mNext;
  }
  return { mean: m, variance: v };
}

/**
 * Time the characteristic x' = σ(wx+b) from the far side of the initial density (3 standard
 * deviations out) needs to come within `spread` of x* = -b/w (RK4, step T/2000); Infinity when not
 * by T.
 */
function arrivalTime(cfg: Config, spread: number): number {
  const act = resolveActivation(cfg.sigma);
  const xs = -cfg.b / cfg.w;
  const starts = [cfg.mean0 - 3 * cfg.std0, cfg.mean0 + 3 * cfg.std0];
  let worst = 0;
  for (const x0 of starts) {
    const n = 2000,
      h = cfg.T / n;
    const g = (x: number) => act.sigma(cfg.w * x + cfg.b);
    let x = x0,
      t = 0;
    for (let k = 0; k < n && Math.abs(x - xs) > spread; k++) {
      const k1 = g(x),
        k2 = g(x + 0.5 * h * k1),
        k3 = g(x + 0.5 * h * k2),
        k4 = g(x + h * k3);
      x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      t += h;
    }
    worst = Math.max(worst, Math.abs(x - xs) > spread ? Number.POSITIVE_INFINITY : t);
  }
  return worst;
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
  // Implicit Euler in time applied to the Fokker–Planck equation of the OU process advances the
  // moments by the implicit Euler recursion of the moment ODEs, with an extra δ² = (m_{n+1} - m_n)²
  // in the variance per step (E[x²] and m² are both stepped implicitly). The time error is the
  // recursion's distance to the exact moments; the space error of Chang–Cooper plus the midpoint
  // quadrature of the moments is O(Δx²); a zero-flux wall k standard deviations away shifts the
  // moments by the Gaussian's tail beyond it (≤ 2φ(k)·sd for the mean, 2(kφ(k) + φ(k)²)·Var).
  const stat = D / Math.abs(cfg.w);
  const ie = implicitEulerMoments(cfg, times[last]!);
  const meanTimeErr = Math.abs(ie.mean - exact.mean[last]!),
    varTimeErr = Math.abs(ie.variance - vT);
  const sd = Math.sqrt(vT);
  // Mean and variance move monotonically from (m0, Var0) to (m(T), Var(T)): the closest approach to
  // a wall, in standard deviations, is at least k below.
  const kWall = (cfg.L - Math.max(Math.abs(cfg.mean0), Math.abs(exact.mean[last]!))) / Math.max(sd, cfg.std0);
  const phi = Math.exp((-kWall * kWall) / 2) / Math.sqrt(2 * Math.PI);
  const wallMean = 2 * phi * Math.max(sd, cfg.std0),
    wallVar = 2 * (kWall * phi + phi * phi) * Math.max(vT, cfg.std0 ** 2);
  // Space: Chang–Cooper weights the upwind cell by 1/2 + (1/2 - δ(Pe)), δ(Pe) = 1/Pe - 1/(e^Pe - 1),
  // cell Péclet number Pe = |v|Δx/D (1/2 - δ → Pe/12 for small Pe: second order; → 1/2 for large
  // Pe: upwind). The surplus shifts the velocity by (1/2 - δ)Δx|w| and adds a numerical diffusion
  // (1/2 - δ)|v|Δx, |v| ≤ |w|(|m(s) - x*| + 2 sd(s)) where the mass is; relaxing at rates |w| and
  // 2|w| they move the moments by ∫ (1/2 - δ)Δx|w| e^(w(T-s)) ds and ∫ 2(1/2 - δ)|v|Δx e^(2w(T-s)) ds
  // (midpoint rule, exact moments), plus Δx² for the second-order part and the moments' quadrature.
  let spaceMean = grid.dx ** 2,
    spaceVar = grid.dx ** 2;
  {
    const tEnd = times[last]!,
      nq = 200,
      hq = tEnd / nq;
    const xs = -cfg.b / cfg.w,
      v0 = cfg.std0 ** 2;
    for (let q = 0; q < nq; q++) {
      const t = (q + 0.5) * hq;
      const m = xs + (cfg.mean0 - xs) * Math.exp(cfg.w * t);
      const v = stat + (v0 - stat) * Math.exp(2 * cfg.w * t);
      const speed = Math.abs(cfg.w) * (Math.abs(m - xs) + 2 * Math.sqrt(v));
      const pe = (speed * grid.dx) / D;
      const surplus = pe < 1e-6 ? pe / 12 : 0.5 - (1 / pe - 1 / Math.expm1(pe));
      spaceMean += surplus * grid.dx * Math.abs(cfg.w) * Math.exp(cfg.w * (tEnd - t)) * hq;
      spaceVar += 2 * surplus * speed * grid.dx * Math.exp(2 * cfg.w * (tEnd - t)) * hq;
    }
  }
  const wallReason = `the Gaussian comes within ${r6(kWall)} standard deviations of the zero-flux walls at ±${cfg.L} (at least 3 are needed for the free-space moments)`;
  const meanClaim =
    "(identity) Fokker–Planck mean at T equals the exact mean (tol: implicit-Euler time error of the moment recursion + Chang–Cooper space error + wall tail)";
  const varClaim =
    "(identity) Fokker–Planck variance at T equals the exact variance (tol: implicit-Euler time error of the moment recursion + Chang–Cooper space error + wall tail)";
  checks.push(
    kWall < 3
      ? makeNotApplicableCheck("ou-fp-mean", meanClaim, wallReason)
      : makeCheck("ou-fp-mean", meanClaim, fm[last]!, exact.mean[last]!, meanTimeErr + spaceMean + wallMean + 1e-9),
  );
  checks.push(
    kWall < 3
      ? makeNotApplicableCheck("ou-fp-variance", varClaim, wallReason)
      : makeCheck("ou-fp-variance", varClaim, fv[last]!, vT, varTimeErr + spaceVar + wallVar + 1e-9),
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
  // The exact variance relaxes to D/|w| at rate 2|w|: Var(T) = D/|w| + (Var0 - D/|w|) e^(2wT).
  const relaxed = stat + (cfg.std0 ** 2 - stat) * Math.exp(2 * cfg.w * times[last]!);
  checks.push(
    makeCheck(
      "ou-stationary-variance",
      "(identity) variance relaxes to D/|w| at rate 2|w| (Ornstein–Uhlenbeck): exact Var(T) vs D/|w| + (Var0 - D/|w|)e^(2wT)",
      vT,
      relaxed,
      1e-9 * (stat + cfg.std0 ** 2),
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
    // The solver relaxes to its own discrete steady state (Chang–Cooper on this grid), which differs
    // from the closed form by the grid's discretisation error: measured here, and added to the bound
    // (triangle inequality).
    const discrete = solveSteadyState({ grid, sigma: cfg.sigma, w: cfg.w, b: cfg.b, D });
    const mass = massOf(grid, fp.saved[0]!);
    const fh = Float64Array.from(discrete.f, (v) => v * mass);
    const gridErr = l1Distance(grid, discrete.f, fInf);
    // L1 contraction: implicit Euler with Chang–Cooper fluxes is a non-negative, mass-preserving
    // map, so the L1 distance to its fixed point never grows — at every setting.
    const dist = fp.saved.map((f) => l1Distance(grid, f, fh));
    let growth = 0;
    for (let k = 1; k < dist.length; k++) growth = Math.max(growth, dist[k]! - dist[k - 1]!);
    checks.push(
      makeBoundCheck(
        "l1-contraction",
        `(${cfg.sigma}) the L1 distance to the discrete steady state never grows (L1 contraction): largest increase between snapshots (round-off bound 1e-12 per step)`,
        Math.max(0, growth),
        1e-12 * Math.round(cfg.T / cfg.dt) + 1e-13,
      ),
    );
    // The relaxation itself: transport brings the far side of the initial density (3 standard
    // deviations out) to within the stationary spread of x* by t_a (the characteristic, RK4); from
    // there the density contracts at rate ≈ |w|, so L1 ≤ 2e^(-|w|(T - t_a)/2). A bound ≥ 2 says
    // nothing (L1 ≤ 2 always): then the run is too short for the claim.
    const tArrive = arrivalTime(cfg, Math.sqrt(D / Math.abs(cfg.w)));
    const relaxBound = 2 * Math.exp((-Math.abs(cfg.w) * (cfg.T - tArrive)) / 2) + 0.01 + gridErr;
    summary[`${cfg.sigma}_l1_to_stationary`] = r6(l1);
    summary[`${cfg.sigma}_l1_discrete_steady_state_error`] = r6(gridErr);
    const relaxClaim = `(${cfg.sigma}) f(T) approaches the stationary density ${st.family === "gaussian" ? "N(-b/w, D/|w|)" : "∝ sech(wx+b)^(1/(|w|D))"}: L1 distance (bound 2e^(-|w|(T - tₐ)/2) + 0.01 + the grid's steady-state error, tₐ = ${r6(tArrive)} the transport time)`;
    checks.push(
      relaxBound >= 2
        ? makeNotApplicableCheck(
            "relaxation",
            relaxClaim,
            `T = ${cfg.T} is too short: the initial density needs tₐ ${Number.isFinite(tArrive) ? `= ${r6(tArrive)}` : "> T"} to reach the stationary spread √(D/|w|) = ${r6(Math.sqrt(D / Math.abs(cfg.w)))} of x*, which leaves no time to relax`,
          )
        : makeBoundCheck("relaxation", relaxClaim, l1, relaxBound),
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
        colorLabel: "density f(t, x)",
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
