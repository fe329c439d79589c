/**
 * mean-field-limit — particles M = 10²…10⁶ against the exact Vlasov solution: the Wasserstein-1
 * distance at T falls like M^(−1/2).
 */
import { createScalarNetwork, solveOde } from "@kinetic-nde/core";
import { cellCenters, createGrid1D, createNormal, type Grid1D } from "@kinetic-nde/datasets";
import { solveVlasovExact, wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import { createRng } from "@kinetic-nde/core";
import * as z from "zod";
import { makeBoundCheck, makeCheck, makeNotApplicableCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { CONTROLS } from "../internal/controls.js";
import { histogram, normalDistribution } from "../internal/grids.js";
import { logLogSlope, r6, stages, table } from "../internal/util.js";

const schema = z
  .object({
    sigma: z.enum(["tanh", "identity", "sigmoid", "relu", "leaky-relu", "softplus"]).default("tanh").describe("activation σ"),
    w: z.number().min(-3).max(3).default(-1).describe("weight w"),
    b: z.number().min(-2).max(2).default(0.5).describe("bias b"),
    T: z.number().positive().max(4).default(1).describe("final time"),
    minExp: z.number().int().min(1).max(4).default(2).describe("smallest particle count 10^minExp"),
    maxExp: z.number().int().min(2).max(7).default(6).describe("largest particle count 10^maxExp"),
    repeats: z.number().int().min(1).max(50).default(5).describe("independent ensembles per size (W1 averaged)"),
    cells: z.number().int().min(200).max(20_000).default(4000).describe("cells of the exact solution's grid"),
    stepsPerUnitTime: z.number().int().min(4).max(1000).default(16).describe("RK4 steps per unit time for the particles"),
  })
  .strict()
  .refine((c) => c.maxExp > c.minExp, { message: "maxExp must exceed minExp", path: ["maxExp"] });

/**
 * Standard error of the least-squares slope of log y vs log x: the larger of the one from the
 * scatter about the line and the one propagated from the points' own standard errors `seLog`
 * (of log y; from repeated ensembles).
 */
function slopeStandardError(x: ArrayLike<number>, y: ArrayLike<number>, seLog: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const lx = Array.from(x, Math.log),
    ly = Array.from(y, Math.log);
  const mx = lx.reduce((a, v) => a + v, 0) / n,
    my = ly.reduce((a, v) => a + v, 0) / n;
  let sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
  }
  const b = sxy / sxx;
  let rss = 0,
    prop = 0;
  for (let i = 0; i < n; i++) {
    rss += (ly[i]! - my - b * (lx[i]! - mx)) ** 2;
    prop += (lx[i]! - mx) ** 2 * seLog[i]! ** 2;
  }
  return Math.max(n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : 0, Math.sqrt(prop) / sxx);
}

/** The mean-field-limit experiment. */
export const meanFieldLimit = defineExperiment({
  id: "mean-field-limit",
  title: "The mean-field limit: particles → Vlasov",
  summary:
    "The empirical measure of M particles carried by the network solves the Vlasov equation weakly; as M grows it converges to the solution started from the input density. With f0 = N(0, 1) the Wasserstein-1 distance between the particles at T and the exact solution (by characteristics) decays like M^(−1/2), the Monte Carlo rate; the fitted slope is checked.",
  schema,
  quick: { maxExp: 5, repeats: 2, cells: 2000, stepsPerUnitTime: 8 },
  controls: [
    { key: "sigma", label: "activation σ", kind: "select", options: ["tanh", "identity", "sigmoid", "relu", "leaky-relu", "softplus"] },
    { key: "w", label: "weight w", kind: "range", min: -3, max: 3, step: 0.1 },
    CONTROLS.b,
    { key: "maxExp", label: "largest M = 10^k", kind: "range", min: 3, max: 6, step: 1 },
    { key: "repeats", label: "repeats per size", kind: "range", min: 1, max: 10, step: 1 },
  ],
  async run(config, ctx) {
    const { sigma, w, b, T } = config;
    const params = createScalarNetwork({ sigma, w, b, T, nLayers: 1 });
    const f0 = normalDistribution(0, 1);
    const sampler = createNormal({ mean: 0, std: 1 });
    const sizes: number[] = [];
    for (let e = config.minExp; e <= config.maxExp; e++) {
      sizes.push(10 ** e);
      if (e < config.maxExp) sizes.push(Math.round(10 ** (e + 0.5)));
    }
    const st = stages(ctx, [
      sizes[0]! * config.repeats,
      ...sizes.map((M) => M * (M >= 10 ** 6 ? Math.min(2, config.repeats) : config.repeats)),
    ]);
    await st.stage("exact solution by characteristics");
    // Domain: the flow of [-7, 7] (mass outside < 1e-11), padded.
    const probe = solveOde(params, Float64Array.from([-7, 7]), { method: "rk4", stepsPerLayer: 64 });
    const lo = Math.min(-7, probe.x[0]!) - 0.5,
      hi = Math.max(7, probe.x[1]!) + 0.5;
    const grid = createGrid1D(lo, hi, config.cells) as Grid1D;
    const exact = solveVlasovExact({ params, f0, grid });
    const steps = Math.max(1, Math.ceil(config.stepsPerUnitTime * T));
    const w1 = new Float64Array(sizes.length),
      w1sd = new Float64Array(sizes.length),
      w1at0 = new Float64Array(sizes.length),
      w1at0sd = new Float64Array(sizes.length);
    let histSmall: Float64Array | null = null,
      histLarge: Float64Array | null = null;
    let stream = 0;
    for (const [k, M] of sizes.entries()) {
      await st.stage(`M = ${M}: ${config.repeats} ensembles`);
      const vals: number[] = [];
      const vals0: number[] = [];
      const R = M >= 10 ** 6 ? Math.min(2, config.repeats) : config.repeats;
      for (let r = 0; r < R; r++) {
        const x0 = sampler.sample(M, createRng(ctx.seed, stream++));
        const sol = solveOde(params, x0, { method: "rk4", stepsPerLayer: steps });
        vals.push(wasserstein1GridSamples(grid, exact.f, sol.x));
        vals0.push(w1ToNormal(x0));
        if (r === 0 && M === 1000) histSmall = histogram(createGrid1D(lo, hi, 100), sol.x);
        if (r === 0 && M === 100_000) histLarge = histogram(createGrid1D(lo, hi, 400), sol.x);
      }
      const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
      w1[k] = mean;
      w1sd[k] = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, vals.length - 1));
      w1at0[k] = vals0.reduce((a, v) => a + v, 0) / vals0.length;
      w1at0sd[k] = Math.sqrt(vals0.reduce((a, v) => a + (v - w1at0[k]!) ** 2, 0) / Math.max(1, vals0.length - 1));
    }
    st.done();
    const slope = logLogSlope(sizes, w1);
    const slope0 = logLogSlope(sizes, w1at0);
    // Statistical tolerance: 3 standard errors of the fitted slope (from the scatter of the points
    // about the line), never below 0.1; a solver that does not converge gives a slope near 0.
    const seLog = Float64Array.from(
      sizes,
      (M, k) => w1sd[k]! / w1[k]! / Math.sqrt(M >= 10 ** 6 ? Math.min(2, config.repeats) : config.repeats),
    );
    const seLog0 = Float64Array.from(
      sizes,
      (M, k) => w1at0sd[k]! / w1at0[k]! / Math.sqrt(M >= 10 ** 6 ? Math.min(2, config.repeats) : config.repeats),
    );
    const tol = Math.max(0.1, 3 * slopeStandardError(sizes, w1, seLog)),
      tol0 = Math.max(0.1, 3 * slopeStandardError(sizes, w1at0, seLog0));
    // The statistical error of the slope comes from the scatter between repeats (≥ 2 repeats) or
    // from the scatter about the fitted line (n - 2 degrees of freedom); with one ensemble per size
    // and fewer than 4 sizes neither has 2 degrees of freedom, and the slope cannot be judged.
    const noErrorEstimate = config.repeats < 2 && sizes.length < 4;
    const naReason = `one ensemble per size and only ${sizes.length} particle counts leave no estimate of the slope's statistical error (use repeats ≥ 2 or a larger maxExp)`;
    const rateClaim =
      "W1(particles at T, exact solution) decays like M^(−1/2): fitted slope of log W1 vs log M (tol 3 standard errors, ≥ 0.1)";
    const rate0Claim = "the same rate for the initial samples against N(0, 1) (sanity; tol 3 standard errors, ≥ 0.1)";
    // Reference slope −1/2 anchored at the finest point (the largest M).
    const nS = sizes.length - 1;
    const ref = Float64Array.from(sizes, (M) => w1[nS]! * Math.sqrt(sizes[nS]! / M));
    const xc = cellCenters(grid);
    const dens: Record<string, ArrayLike<number>> = { x: xc, exact: exact.f };
    const expand = (h: Float64Array | null, n: number) =>
      Float64Array.from(xc, (x) => (h === null ? NaN : h[Math.min(n - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * n)))]!));
    dens["hist_1e3"] = expand(histSmall, 100);
    dens["hist_1e5"] = expand(histLarge, 400);
    return {
      id: "mean-field-limit",
      config,
      seed: ctx.seed,
      series: {
        w1: table(
          { M: Float64Array.from(sizes), w1, w1_sd: w1sd, w1_initial: w1at0, reference: ref },
          { M: "particles M", w1: "W1 at T" },
          "mean W1 distance at T between particles and the exact Vlasov solution",
        ),
        density: table(dens, { x: "x" }, "exact density at T and particle histograms"),
      },
      summary: {
        fitted_slope: r6(slope),
        fitted_slope_initial: r6(slope0),
        w1_at_largest_M: r6(w1[w1.length - 1]!),
        exact_method: exact.method,
        exact_mass: r6(exact.stats.massFinal),
      },
      checks: [
        noErrorEstimate ? makeNotApplicableCheck("w1-rate", rateClaim, naReason) : makeCheck("w1-rate", rateClaim, slope, -0.5, tol),
        noErrorEstimate
          ? makeNotApplicableCheck("w1-rate-initial", rate0Claim, naReason)
          : makeCheck("w1-rate-initial", rate0Claim, slope0, -0.5, tol0),
        makeBoundCheck(
          "exact-mass",
          "the exact solution keeps the mass on the grid: |mass - 1|",
          Math.abs(exact.stats.massFinal - 1),
          1e-9,
        ),
      ],
      figures: [
        {
          id: "w1-rate",
          title: `Mean-field limit (σ = ${sigma}, w = ${w}, b = ${b}): W1 at T = ${T}`,
          xLabel: "particles M",
          yLabel: "Wasserstein-1 distance",
          logX: true,
          logY: true,
          layers: [
            { kind: "line", series: "w1", x: "M", y: "w1", label: "W1(particles, exact) at T", color: PALETTE[0]! },
            { kind: "scatter", series: "w1", x: "M", y: "w1", label: "mean over ensembles", color: PALETTE[0]! },
            { kind: "line", series: "w1", x: "M", y: "w1_initial", label: "W1(samples, f0) at t = 0", color: PALETTE[2]! },
            { kind: "line", series: "w1", x: "M", y: "reference", label: "order 1/2 (∝ M^(−1/2))", color: "#555555", dashed: true },
          ],
          caption: `Fitted slope ${r6(slope)} (expected -1/2). The distance at T is the initial sampling error transported by the flow. Grey dashed: reference slope −1/2 anchored at the largest M.`,
        },
        {
          id: "density",
          title: `Exact Vlasov density at T = ${T} and particle histograms`,
          xLabel: "x",
          yLabel: "density f(T, x)",
          layers: [
            { kind: "step", series: "density", x: "x", y: "hist_1e3", label: "histogram, M = 10³", color: PALETTE[1]! },
            { kind: "step", series: "density", x: "x", y: "hist_1e5", label: "histogram, M = 10⁵", color: PALETTE[2]! },
            { kind: "line", series: "density", x: "x", y: "exact", label: "exact (characteristics)", color: PALETTE[0]! },
          ],
          caption: "Histograms of the particles approach the exact push-forward density as M grows.",
        },
      ],
    };
  },
});

/** W1 between samples and N(0, 1): ∫ |F_M - Φ| by sorting and the closed-form integral on each piece. */
function w1ToNormal(x: Float64Array): number {
  const grid = createGrid1D(-8, 8, 4000);
  const xc = cellCenters(grid);
  const f = Float64Array.from(xc, (v) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
  return wasserstein1GridSamples(grid, f, x);
}
