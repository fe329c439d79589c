/**
 * moments-linear — Fig. 1 of the paper: m0, m1, m2 and the variance over time for σ = id, compared
 * between the exact moment hierarchy, the Vlasov PDE solver and particles.
 */
import { createRng, createScalarNetwork, solveOde } from "@kinetic-nde/core";
import { type Grid1D, massOf } from "@kinetic-nde/datasets";
import { autoGrid1D, solveVlasov } from "@kinetic-nde/mean-field";
import { gaussianRawMoments, solveMomentHierarchy } from "@kinetic-nde/moments";
import * as z from "zod";
import { makeBoundCheck, makeCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { densityMeanVar, normalPdf } from "../internal/grids.js";
import { linspace, meanVar, r6, slope, stages, table } from "../internal/util.js";
import type { Check, DataTable, FigureSpec } from "../types.js";

const schema = z
  .object({
    w: z.number().min(-3).max(-0.1).default(-1).describe("weight w < 0 (both panels)"),
    b: z.number().min(-3).max(3).default(1).describe("bias b of the right panel (the left panel has b = 0)"),
    mean0: z.number().min(-2).max(2).default(0.5).describe("mean of the initial Gaussian N(mean0, std0²)"),
    std0: z.number().min(0.1).max(1).default(0.5).describe("standard deviation of the initial Gaussian"),
    T: z.number().positive().max(3).default(2).describe("final time T"),
    nTimes: z.number().int().min(3).max(401).default(41).describe("number of output times on [0, T]"),
    particles: z.number().int().min(100).max(2_000_000).default(100_000).describe("number of particles M"),
    cells: z.number().int().min(50).max(20_000).default(800).describe("PDE grid cells"),
  })
  .strict();

type Config = z.output<typeof schema>;

interface Panel {
  table: DataTable;
  checks: Check[];
  summary: Record<string, number | string>;
  status: string;
}

function panel(cfg: Config, b: number, seed: number, tag: string): Panel {
  const { w, mean0, std0, T, nTimes, particles: M } = cfg;
  const t = linspace(0, T, nTimes);
  const saveAt = Array.from(t);
  const params = createScalarNetwork({ sigma: "identity", w, b, T, nLayers: 1 });

  // 1. Exact moment hierarchy (closed, lower triangular).
  const hier = solveMomentHierarchy({ params, m0: gaussianRawMoments(mean0, std0 * std0, 2) }, { method: "exact", saveAt });
  const m0 = new Float64Array(nTimes),
    m1 = new Float64Array(nTimes),
    m2 = new Float64Array(nTimes);
  for (let s = 0; s < nTimes; s++) {
    m0[s] = hier.m[3 * s]!;
    m1[s] = hier.m[3 * s + 1]!;
    m2[s] = hier.m[3 * s + 2]!;
  }
  const v = hier.variance;

  // 2. The Vlasov PDE (MUSCL, van Leer limiter, SSP-RK3), moments of the cell averages.
  const f0 = normalPdf(mean0, std0);
  const grid = autoGrid1D(params, { f0 }, cfg.cells) as Grid1D;
  const pde = solveVlasov({ params, f0, grid }, { saveAt: saveAt.slice(1) });
  const snaps = [null, ...pde.saved];
  const q0 = new Float64Array(nTimes),
    q1 = new Float64Array(nTimes),
    q2 = new Float64Array(nTimes),
    qv = new Float64Array(nTimes);
  let maxMassDefect = 0;
  for (let s = 0; s < nTimes; s++) {
    const f = snaps[s];
    if (f === null || f === undefined) {
      // t = 0: the initial cell averages are not returned; use the exact initial moments.
      q0[s] = 1;
      q1[s] = mean0;
      qv[s] = std0 * std0;
      q2[s] = qv[s]! + mean0 * mean0;
      continue;
    }
    const mv = densityMeanVar(grid, f);
    q0[s] = massOf(grid, f);
    q1[s] = mv.mean;
    qv[s] = mv.variance;
    q2[s] = mv.variance + mv.mean * mv.mean;
    maxMassDefect = Math.max(maxMassDefect, Math.abs(q0[s]! - pde.stats.massInitial) / pde.stats.massInitial);
  }

  // 3. Particles: samples of N(mean0, std0²) carried by RK4 (200 steps per unit time).
  const rng = createRng(seed, 0);
  const x0 = new Float64Array(M);
  for (let i = 0; i < M; i++) x0[i] = mean0 + std0 * rng.normal();
  const ode = solveOde(params, x0, { method: "rk4", stepsPerLayer: Math.max(1, Math.ceil(200 * T)), saveAt });
  const p0 = new Float64Array(nTimes).fill(1),
    p1 = new Float64Array(nTimes),
    p2 = new Float64Array(nTimes),
    pv = new Float64Array(nTimes);
  for (let s = 0; s < nTimes; s++) {
    const mv = meanVar(ode.saved.subarray(s * M, (s + 1) * M));
    p1[s] = mv.mean;
    pv[s] = mv.variance;
    p2[s] = mv.variance + mv.mean * mv.mean;
  }

  const last = nTimes - 1;
  const checks: Check[] = [];
  const sdT = Math.sqrt(v[last]!);
  checks.push(makeBoundCheck(`${tag}-pde-mass`, `(${tag}) the PDE conserves mass: max relative |m0(t) - m0(0)|`, maxMassDefect, 1e-12));
  // PDE error budget: MUSCL numerical diffusion and the midpoint rule (Δx²/12 in the variance).
  checks.push(makeCheck(`${tag}-pde-mean`, `(${tag}) PDE mean at T equals the exact m1(T) (tol Δx/5)`, q1[last]!, m1[last]!, grid.dx / 5));
  checks.push(
    makeCheck(
      `${tag}-pde-variance`,
      `(${tag}) PDE variance at T equals the exact e^(2wT)Var(0) (tol 5% + Δx²)`,
      qv[last]!,
      v[last]!,
      0.05 * v[last]! + grid.dx ** 2,
    ),
  );
  checks.push(
    makeCheck(
      `${tag}-particle-mean`,
      `(${tag}) particle mean at T equals the exact m1(T) within 5 standard errors`,
      p1[last]!,
      m1[last]!,
      (5 * sdT) / Math.sqrt(M),
    ),
  );
  const rate = slope(t, Array.from(pv, Math.log));
  checks.push(
    makeCheck(`${tag}-variance-rate`, `(${tag}) particle variance decays like e^(2wt): fitted rate of log Var`, rate, 2 * w, 1e-6),
  );
  return {
    table: table(
      {
        t,
        m0_exact: m0,
        m1_exact: m1,
        m2_exact: m2,
        var_exact: v,
        m0_pde: q0,
        m1_pde: q1,
        m2_pde: q2,
        var_pde: qv,
        m0_particles: p0,
        m1_particles: p1,
        m2_particles: p2,
        var_particles: pv,
      },
      { t: "time t", m0_exact: "m0", m1_exact: "m1", m2_exact: "m2", var_exact: "Var" },
      `moments over time for σ = id, w = ${w}, b = ${b}: exact hierarchy, PDE, particles`,
    ),
    checks,
    summary: {
      [`${tag}_b`]: b,
      [`${tag}_m1_T_exact`]: r6(m1[last]!),
      [`${tag}_m1_T_pde`]: r6(q1[last]!),
      [`${tag}_m1_T_particles`]: r6(p1[last]!),
      [`${tag}_var_T_exact`]: r6(v[last]!),
      [`${tag}_var_T_pde`]: r6(qv[last]!),
      [`${tag}_var_T_particles`]: r6(pv[last]!),
      [`${tag}_pde_cells`]: grid.n,
      [`${tag}_pde_steps`]: pde.stats.steps,
      [`${tag}_pde_status`]: pde.status,
    },
    status:
      pde.status === "success" && ode.status === "success" && hier.status === "success"
        ? "success"
        : `${pde.status}/${ode.status}/${hier.status}`,
  };
}

function figure(id: string, series: string, b: number, w: number): FigureSpec {
  const q = [
    ["m0", "m₀"],
    ["m1", "m₁"],
    ["m2", "m₂"],
    ["var", "Var"],
  ] as const;
  return {
    id,
    title: `Moments for σ = id, w = ${w}, b = ${b}`,
    xLabel: "time t",
    yLabel: "moment value",
    layers: q.flatMap(([k, label], i) => [
      { kind: "line" as const, series, x: "t", y: `${k}_exact`, label: `${label} exact`, color: PALETTE[i]! },
      { kind: "line" as const, series, x: "t", y: `${k}_pde`, label: `${label} PDE`, color: PALETTE[i]!, dashed: true },
      { kind: "scatter" as const, series, x: "t", y: `${k}_particles`, label: `${label} particles`, color: PALETTE[i]! },
    ]),
    caption: `σ = id, w = ${w}, b = ${b}: exact moment ODE (solid), Vlasov PDE (dashed) and particles (markers). m₀ stays 1, the mean relaxes to x* = -b/w, the variance decays like e^(2wt).`,
  };
}

/** The moments-linear experiment. */
export const momentsLinear = defineExperiment({
  id: "moments-linear",
  title: "Moments of the linear network (Fig. 1)",
  summary:
    "For σ = id the moment hierarchy closes: m0 stays 1, the mean relaxes to x* = -b/w and the variance decays like e^(2wt) for w < 0. The exact moment ODE, the Vlasov PDE solver and particles are compared for b = 0 (left) and b ≠ 0 (right).",
  schema,
  quick: { particles: 20_000, nTimes: 21, cells: 400 },
  controls: [
    { key: "w", label: "weight w", kind: "range", min: -3, max: -0.1, step: 0.1 },
    { key: "b", label: "bias b (right panel)", kind: "range", min: -2, max: 2, step: 0.1 },
    { key: "T", label: "final time T", kind: "range", min: 0.5, max: 3, step: 0.5 },
    { key: "particles", label: "particles M", kind: "number", min: 100, max: 1_000_000, step: 100 },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 2);
    await st.stage("b = 0 panel: hierarchy, PDE, particles");
    const left = panel(config, 0, ctx.seed, "left");
    await st.stage("b ≠ 0 panel: hierarchy, PDE, particles");
    const right = panel(config, config.b, ctx.seed, "right");
    st.done();
    return {
      id: "moments-linear",
      config,
      seed: ctx.seed,
      series: { left: left.table, right: right.table },
      summary: { ...left.summary, ...right.summary },
      checks: [...left.checks, ...right.checks],
      figures: [figure("moments-left", "left", 0, config.w), figure("moments-right", "right", config.b, config.w)],
    };
  },
});
