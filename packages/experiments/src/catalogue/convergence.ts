/**
 * convergence — observed orders of every ODE, SDE, Vlasov and Fokker–Planck scheme against exact
 * solutions: a table of declared vs observed orders.
 */
import {
  ODE_METHODS,
  SDE_METHODS,
  characteristic1D,
  createRng,
  createScalarNetwork,
  linspaceEnsemble,
  solveOde,
  solveSde,
  type NoiseModel,
} from "@kinetic-nde/core";
import { FOKKER_PLANCK_METHODS, l1Distance, solveFokkerPlanck, solveSteadyState, stationaryDensity } from "@kinetic-nde/fokker-planck";
import { cellAverages1D, createGrid1D, type Grid1D } from "@kinetic-nde/datasets";
import { TIME_STEPPERS, VLASOV_SCHEMES, solveVlasov, solveVlasovExact } from "@kinetic-nde/mean-field";
import * as z from "zod";
import { makeCheck, makeNotApplicableCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { normalDistribution, normalPdf } from "../internal/grids.js";
import { logLogSlope, r6, stages, table } from "../internal/util.js";
import type { Check, DataTable, FigureLayer } from "../types.js";

const schema = z
  .object({
    w: z.number().min(-2).max(-0.25).default(-1).describe("weight w of the test problems"),
    b: z.number().min(-1).max(1).default(0.5).describe("bias b of the test problems"),
    odeLevels: z.number().int().min(3).max(8).default(5).describe("ODE: steps N = 4·2^k, k < odeLevels"),
    sdeParticles: z.number().int().min(100).max(20_000).default(2000).describe("SDE: paths for the strong error"),
    sdeLevels: z.number().int().min(3).max(7).default(5).describe("SDE: steps N = 8·2^k, k < sdeLevels"),
    pdeLevels: z.number().int().min(3).max(6).default(4).describe("PDE: cells N = 64·2^k, k < pdeLevels"),
    timeLevels: z.number().int().min(3).max(7).default(5).describe("Fokker–Planck time steps Δt = 2^-(3+k)"),
  })
  .strict();

type Config = z.output<typeof schema>;

interface Study {
  name: string;
  group: "ode" | "adaptive" | "sde" | "vlasov" | "fokker-planck";
  declared: number;
  tol: number;
  h: number[];
  err: number[];
  observed: number;
  note: string;
  claim?: string;
  /** Why the order cannot be resolved at these settings (the check is then not applicable). */
  na?: string;
}

/** Points kept for the fitted order: the finest ones of the asymptotic range. */
const FIT_POINTS = 3;
/** Levels a fixed-step study may add beyond the configured ones to reach its asymptotic range. */
const EXTRA_LEVELS = 3;

/**
 * The observed order in the asymptotic range: the least-squares slope of log error against log h
 * over the 3 finest levels whose error is above the round-off floor (`errorAt` returns null there).
 * Coarse levels are pre-asymptotic, so while the fitted order misses the declared one by more than
 * the tolerance the study is refined by one more level (at most {@link EXTRA_LEVELS}): a correct
 * scheme's order settles on the declared one as h → 0, a wrong one's does not.
 */
function asymptoticOrder(
  errorAt: (k: number) => { h: number; err: number } | null,
  levels: number,
  declared: number,
  tol: number,
): { h: number[]; err: number[]; observed: number; na?: string } {
  const h: number[] = [],
    err: number[] = [];
  let floor = false;
  const add = (k: number) => {
    const p = errorAt(k);
    if (p === null) floor = true;
    else {
      h.push(p.h);
      err.push(p.err);
    }
  };
  for (let k = 0; k < levels && !floor; k++) add(k);
  const fit = () => (h.length < 2 ? Number.NaN : logLogSlope(h.slice(-FIT_POINTS), err.slice(-FIT_POINTS)));
  let observed = fit();
  for (let k = levels; k < levels + EXTRA_LEVELS && !floor && !(Math.abs(observed - declared) <= tol); k++) {
    add(k);
    observed = fit();
  }
  if (h.length < 2) {
    return { h, err, observed, na: "the error reaches the round-off floor before two step sizes could be compared" };
  }
  return { h, err, observed };
}

function rms(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}

function maxAbs(a: Float64Array, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function odeStudies(cfg: Config): Study[] {
  const T = 2;
  const params = createScalarNetwork({ sigma: "tanh", w: cfg.w, b: cfg.b, T, nLayers: 1 });
  const x0 = linspaceEnsemble(64, -3, 3);
  const exact = Float64Array.from(x0, (x) => characteristic1D("tanh", cfg.w, cfg.b, x, T));
  const out: Study[] = [];
  for (const m of ODE_METHODS) {
    if (m.adaptive) {
      // An adaptive method has no step to refine: check tolerance proportionality (error ∝ rtol)
      // and report the order seen against the mean step separately.
      // Tolerance proportionality is an asymptotic property: a run of fewer than 10 steps has its
      // step set by the interval rather than by the error control, and errors below 1e-13 are
      // round-off. Tolerances run from 1e-4 down until the error reaches that floor; the slope is
      // fitted on the levels in between.
      const tols: number[] = [],
        steps: number[] = [],
        err: number[] = [];
      for (let k = 0; k < cfg.odeLevels + 8; k++) {
        const rtol = 10 ** (-4 - k);
        const r = solveOde(params, x0, { method: m.name, rtol, atol: rtol * 1e-2 });
        const e = maxAbs(r.x, exact);
        if (e < 1e-13) break;
        if (r.stats.steps < 10) continue;
        tols.push(rtol);
        steps.push(r.stats.steps);
        err.push(e);
        if (tols.length >= cfg.odeLevels + 2) break;
      }
      const orderVsSteps =
        tols.length >= 2
          ? logLogSlope(
              steps.map((n) => T / n),
              err,
            )
          : Number.NaN;
      out.push({
        name: `${m.name} (tolerance proportionality)`,
        claim: `${m.name}: the error at T is proportional to rtol (slope 1)`,
        group: "adaptive",
        declared: 1,
        tol: 0.2,
        h: tols,
        err,
        observed: tols.length >= 3 ? logLogSlope(tols, err) : Number.NaN,
        ...(tols.length < 3
          ? { na: `only ${tols.length} tolerances between 1e-4 and the round-off floor make the solver take 10 or more steps` }
          : {}),
        note: `adaptive: error ∝ rtol over the tolerances with 10 or more steps and error above 1e-13; slope against the mean step ${orderVsSteps.toFixed(2)} (declared order ${m.order})`,
      });
      continue;
    }
    const fitted = asymptoticOrder(
      (k) => {
        const N = 4 * 2 ** k;
        const r = solveOde(params, x0, { method: m.name, stepsPerLayer: N });
        const e = maxAbs(r.x, exact);
        return e < 1e-12 ? null : { h: T / N, err: e }; // round-off floor
      },
      cfg.odeLevels,
      m.order,
      0.2,
    );
    out.push({
      name: m.name,
      group: "ode",
      declared: m.order,
      tol: 0.2,
      ...fitted,
      note: "max error at T vs exact tanh characteristics; order fitted on the 3 finest steps above round-off",
    });
  }
  return out;
}

function sdeStudies(cfg: Config, seed: number): Study[] {
  const T = 1;
  const M = cfg.sdeParticles;
  const fineExp = 3 + cfg.sdeLevels + 3; // reference 8× finer than the finest level
  const Nf = 2 ** fineExp;
  const hf = T / Nf;
  // One fine Brownian path per particle; coarse increments are sums of fine ones.
  const dW = new Float64Array(Nf * M);
  const rng = createRng(seed, 77);
  const s = Math.sqrt(hf);
  for (let i = 0; i < dW.length; i++) dW[i] = s * rng.normal();
  const brownianFor = (N: number) => {
    const r = Nf / N;
    return (step: number, _h: number, out: Float64Array) => {
      out.fill(0);
      for (let q = step * r; q < (step + 1) * r; q++) {
        const o = q * M;
        for (let i = 0; i < M; i++) out[i]! += dW[o + i]!;
      }
    };
  };
  const x0 = linspaceEnsemble(M, -1, 1);
  // Multiplicative noise k(x) = 0.8 x: the Milstein correction k k' is not small, so Euler–Maruyama
  // shows its strong order 1/2 already at moderate steps.
  const diag: NoiseModel = { kind: "diagonal", k: (x) => 0.8 * x, dk: () => 0.8 };
  const out: Study[] = [];
  const cases: { method: (typeof SDE_METHODS)[number]; noise: "diagonal" | "additive"; declared: number }[] = [];
  for (const m of SDE_METHODS) {
    if (m.noise.includes("diagonal")) cases.push({ method: m, noise: "diagonal", declared: m.strongOrder });
    cases.push({ method: m, noise: "additive", declared: m.strongOrderAdditive });
  }
  for (const c of cases) {
    const params = createScalarNetwork({ sigma: "tanh", w: cfg.w, b: cfg.b, T, nLayers: 1, K: c.noise === "diagonal" ? diag : 0.4 });
    const refMethod = c.noise === "diagonal" ? "milstein" : c.method.name;
    const ref = solveSde(params, x0, { method: refMethod, stepsPerLayer: Nf, brownian: brownianFor(Nf) });
    const h: number[] = [],
      err: number[] = [];
    for (let k = 0; k < cfg.sdeLevels; k++) {
      const N = 8 * 2 ** k;
      const r = solveSde(params, x0, { method: c.method.name, stepsPerLayer: N, brownian: brownianFor(N) });
      h.push(T / N);
      err.push(rms(r.x, ref.x));
    }
    out.push({
      name: `${c.method.name} (${c.noise} noise)`,
      group: "sde",
      declared: c.declared,
      tol: 0.2,
      h,
      err,
      observed: logLogSlope(h, err),
      note: `strong (RMS) error at T over ${M} paths vs ${refMethod} with h = 2^-${fineExp} on the same Brownian paths`,
    });
  }
  return out;
}

function vlasovStudies(cfg: Config): Study[] {
  const T = 0.5;
  const params = createScalarNetwork({ sigma: "tanh", w: cfg.w, b: cfg.b, T, nLayers: 1 });
  const f0 = normalDistribution(0, 1);
  const out: Study[] = [];
  for (const s of VLASOV_SCHEMES) {
    const fitted = asymptoticOrder(
      (k) => {
        const n = 64 * 2 ** k;
        const grid = createGrid1D(-6, 6, n) as Grid1D;
        const ex = solveVlasovExact({ params, f0, grid });
        const r = solveVlasov({ params, f0, grid }, { scheme: s.name as "upwind" | "muscl" });
        return { h: grid.dx, err: l1Distance(grid, r.f, ex.f) };
      },
      cfg.pdeLevels,
      s.order,
      0.15,
    );
    out.push({
      name: `vlasov ${s.name}`,
      group: "vlasov",
      declared: s.order,
      tol: 0.15,
      ...fitted,
      note: "L1 error at T = 0.5 vs the exact solution (characteristics), CFL fixed so Δt ∝ Δx; order fitted on the 3 finest grids",
    });
  }
  // Time steppers: the upwind operator is linear, so on a fixed grid the error against a tiny-step
  // reference shows the order of the time stepper alone.
  const grid = createGrid1D(-6, 6, 120) as Grid1D;
  const ref = solveVlasov({ params, f0, grid }, { scheme: "upwind", timeStepper: "ssp-rk3", dt: 2 ** -14 });
  for (const ts of TIME_STEPPERS) {
    const h: number[] = [],
      err: number[] = [];
    for (let k = 0; k < Math.min(4, cfg.pdeLevels + 1); k++) {
      const dt = 2 ** -(4 + k);
      const r = solveVlasov({ params, f0, grid }, { scheme: "upwind", timeStepper: ts.name as "euler" | "ssp-rk2" | "ssp-rk3", dt });
      h.push(dt);
      err.push(l1Distance(grid, r.f, ref.f));
    }
    out.push({
      name: `vlasov ${ts.name} (time)`,
      group: "vlasov",
      declared: ts.order,
      tol: 0.2,
      h,
      err,
      observed: logLogSlope(h, err),
      note: "L1 error at T = 0.5 vs a 2^-14 step on the same grid (upwind in space)",
    });
  }
  return out;
}

function fpStudies(cfg: Config): Study[] {
  const out: Study[] = [];
  const D = 0.2;
  // Space: the Chang–Cooper discrete steady state vs the closed-form stationary densities.
  for (const sigma of ["identity", "tanh"] as const) {
    const st = stationaryDensity(sigma, cfg.w, cfg.b, D);
    const h: number[] = [],
      err: number[] = [];
    for (let k = 0; k < cfg.pdeLevels; k++) {
      const n = 64 * 2 ** k;
      const grid = createGrid1D(-6, 6, n) as Grid1D;
      const r = solveSteadyState({ grid, sigma, w: cfg.w, b: cfg.b, D });
      h.push(grid.dx);
      err.push(l1Distance(grid, r.f, cellAverages1D(st.pdf, grid)));
    }
    out.push({
      name: `chang-cooper steady state (${sigma})`,
      group: "fokker-planck",
      declared: 2,
      tol: 0.15,
      h,
      err,
      observed: logLogSlope(h, err),
      note: "L1 error of the discrete steady state vs the exact stationary density",
    });
  }
  // Time: implicit Euler (1) and Crank–Nicolson (2) against a fine-step reference on the same grid.
  const T = 1;
  const params = createScalarNetwork({ sigma: "tanh", w: cfg.w, b: cfg.b, T, nLayers: 1, K: Math.sqrt(2 * D) });
  const grid = createGrid1D(-5, 5, 400) as Grid1D;
  const f0 = normalPdf(-1, 0.5);
  const ref = solveFokkerPlanck({ network: params, grid, f0 }, { method: "crank-nicolson", dt: 2 ** -(3 + cfg.timeLevels + 4) });
  for (const m of FOKKER_PLANCK_METHODS) {
    if (m.name === "explicit-euler") continue;
    const h: number[] = [],
      err: number[] = [];
    for (let k = 0; k < cfg.timeLevels; k++) {
      const dt = 2 ** -(3 + k);
      const r = solveFokkerPlanck({ network: params, grid, f0 }, { method: m.name, dt });
      h.push(dt);
      err.push(l1Distance(grid, r.f, ref.f));
    }
    out.push({
      name: `fokker-planck ${m.name}`,
      group: "fokker-planck",
      declared: m.order,
      tol: 0.2,
      h,
      err,
      observed: logLogSlope(h, err),
      note: "L1 error at T = 1 vs Crank–Nicolson with a 16× smaller step on the same grid",
    });
  }
  return out;
}

function shortName(name: string): string {
  return name
    .replace("euler-maruyama", "EM")
    .replace("platen-weak2", "Platen")
    .replace(" (diagonal noise)", ", mult.")
    .replace(" (additive noise)", ", add.")
    .replace(" (tolerance proportionality)", " vs rtol")
    .replace("chang-cooper steady state", "CC steady")
    .replace("fokker-planck ", "FP ")
    .replace("vlasov ", "")
    .replace(" (time)", ", Δt");
}

/** The convergence experiment. */
export const convergence = defineExperiment({
  id: "convergence",
  title: "Convergence orders of every scheme",
  summary:
    "Every integrator and PDE scheme declares an order; here each is measured against an exact solution: ODE methods against the exact tanh characteristics, SDE methods by strong errors on shared Brownian paths, the Vlasov schemes against the solution by characteristics, the Chang–Cooper steady state against the closed-form stationary densities, and the Fokker–Planck time steppers against a fine-step reference. The observed order is the least-squares slope of log error against log step.",
  schema,
  quick: { odeLevels: 4, sdeParticles: 500, sdeLevels: 4, pdeLevels: 3, timeLevels: 4 },
  controls: [
    { key: "w", label: "weight w", kind: "range", min: -2, max: -0.25, step: 0.25 },
    { key: "b", label: "bias b", kind: "range", min: -1, max: 1, step: 0.1 },
    { key: "sdeParticles", label: "SDE paths", kind: "number", min: 100, max: 10_000, step: 100 },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 4);
    await st.stage("ODE integrators");
    const studies = odeStudies(config);
    await st.stage("SDE integrators (strong error)");
    studies.push(...sdeStudies(config, ctx.seed));
    await st.stage("Vlasov schemes");
    studies.push(...vlasovStudies(config));
    await st.stage("Fokker–Planck schemes");
    studies.push(...fpStudies(config));
    st.done();
    const series: Record<string, DataTable> = {};
    const checks: Check[] = [];
    const summary: Record<string, number | string> = {};
    const key = (s: Study) =>
      s.name
        .replace(/[^a-z0-9]+/gi, "-")
        .replace(/-+$/, "")
        .toLowerCase();
    for (const s of studies) {
      series[key(s)] = table(
        { h: Float64Array.from(s.h), error: Float64Array.from(s.err) },
        { h: s.group === "adaptive" ? "relative tolerance rtol" : "step h", error: "error" },
        `${s.name}: ${s.note}`,
      );
      summary[`${key(s)}_declared`] = s.declared;
      summary[`${key(s)}_observed`] = r6(s.observed);
      const claim = `${s.claim ?? `${s.name} converges with order ${s.declared}`} (${s.note})`;
      checks.push(
        s.na !== undefined
          ? makeNotApplicableCheck(`order-${key(s)}`, claim, s.na)
          : makeCheck(`order-${key(s)}`, claim, s.observed, s.declared, s.tol),
      );
    }
    const legend =
      "Legend: observed order (declared order), the least-squares slope of each log–log line; one colour per scheme, every second line dashed.";
    const groups: [Study["group"], string, string, string][] = [
      [
        "ode",
        "ODE integrators: max error at T",
        "step h",
        `Max error at T of the fixed-step ODE integrators against the exact flow. ${legend}`,
      ],
      [
        "adaptive",
        "Adaptive ODE integrators: max error at T vs tolerance",
        "relative tolerance rtol",
        `Max error at T of the adaptive integrators against their relative tolerance (atol = rtol/100); slope 1 means the error is proportional to rtol. ${legend}`,
      ],
      [
        "sde",
        "SDE integrators: strong error at T",
        "step h",
        `Strong error at T of the SDE integrators. ${legend} Lines that coincide belong to schemes that are identical for that noise (Milstein = Euler–Maruyama for additive noise).`,
      ],
      [
        "vlasov",
        "Vlasov schemes: L1 error (space: Δx; time steppers: Δt)",
        "step h (Δx or Δt)",
        `L1 errors of the Vlasov schemes. ${legend}`,
      ],
      [
        "fokker-planck",
        "Fokker–Planck: L1 errors (space: Δx, time: Δt)",
        "step h (Δx or Δt)",
        `L1 errors of the Fokker–Planck schemes. ${legend}`,
      ],
    ];
    // Reference slopes: for each declared order of a group a grey dashed line of slope p through
    // the finest point of the first study with that order, over the group's range of steps.
    const references = (g: Study["group"]): FigureLayer[] => {
      const inGroup = studies.filter((s) => s.group === g && s.h.length > 0);
      const all = inGroup.flatMap((s) => s.h);
      if (all.length === 0) return [];
      const hMin = Math.min(...all),
        hMax = Math.max(...all);
      const layers: FigureLayer[] = [];
      for (const p of [...new Set(inGroup.map((s) => s.declared))].sort((x, y) => x - y)) {
        const s = inGroup.find((t) => t.declared === p)!;
        const k = s.h.indexOf(Math.min(...s.h));
        const hf = s.h[k]!,
          ef = s.err[k]!;
        const id = `reference-${g}-order-${String(p).replace(".", "_")}`;
        const hs = Float64Array.from([hMin, hMax]);
        series[id] = table(
          { h: hs, error: Float64Array.from(hs, (h) => ef * (h / hf) ** p) },
          { h: g === "adaptive" ? "relative tolerance rtol" : "step h", error: "error" },
          `reference slope ${p} through the finest point of ${s.name}`,
        );
        layers.push({
          kind: "line",
          series: id,
          x: "h",
          y: "error",
          label: g === "adaptive" ? `slope ${p}` : `order ${p}`,
          color: "#8c8c8c",
          dashed: true,
        });
      }
      return layers;
    };
    const figures = groups
      .filter(([g]) => studies.some((s) => s.group === g))
      .map(([g, title, xl, caption]) => ({
        id: `orders-${g}`,
        title,
        xLabel: xl,
        yLabel: "error",
        logX: true,
        logY: true,
        layers: [
          ...studies
            .filter((s) => s.group === g)
            .map(
              (s, i): FigureLayer => ({
                kind: "line",
                series: key(s),
                x: "h",
                y: "error",
                label: `${shortName(s.name)}: ${Number.isFinite(s.observed) ? s.observed.toFixed(2) : "n/a"} (${s.declared})`,
                color: PALETTE[i % PALETTE.length]!,
                dashed: i % 2 === 1,
              }),
            ),
          ...references(g),
        ],
        caption: `${caption} Grey dashed lines: reference slopes (order p), anchored at the finest point of a scheme of that order.`,
      }));
    return { id: "convergence", config, seed: ctx.seed, series, summary, checks, figures };
  },
});
