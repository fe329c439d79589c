/**
 * `vlasovGradient`: the gradient of a density loss through the 1-D Vlasov solver, by the exact discrete
 * adjoint of the finite-volume scheme.
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "@kinetic-nde/core";
import { DEFAULT_MEMORY_BUDGET, invalidArgument, requirePositive } from "@kinetic-nde/core/validate";
import { advectionStage1D, createFaceCoefficients1D, networkFaceCoefficients1DInto, stridedSlopes } from "./fluxes.js";
import type { DensityObjective } from "./objective.js";
import { type VlasovOptions, type VlasovProblem, prepareVlasov } from "./vlasov.js";

/** Options of {@link vlasovGradient}: the solver options (without `saveAt`) plus the loss parameters and memory budget. */
export interface VlasovGradientOptions extends Omit<VlasovOptions, "saveAt"> {
  /** θ_head of the objective, default `objective.initialTheta` (empty when `nParams` is 0). */
  readonly theta?: Float64Array;
  /** Bytes for the stored trajectory, default core's DEFAULT_MEMORY_BUDGET; beyond it, checkpointing. */
  readonly memoryBudget?: number;
}

/** Result of {@link vlasovGradient}. */
export interface VlasovGradientResult {
  /** J at the final densities. */
  readonly loss: number;
  /** ∂J/∂W (L·d·d, layout of NetworkParams.W). */
  readonly gradW: Float64Array;
  /** ∂J/∂b (L·d). */
  readonly gradB: Float64Array;
  /** ∂J/∂θ_head (objective.nParams). */
  readonly gradTheta: Float64Array;
  /** Final densities (one per transported density). */
  readonly f: Float64Array[];
  readonly status: SolveStatus;
  readonly stats: {
    readonly steps: number;
    readonly forwardStageEvals: number;
    readonly backwardStageEvals: number;
    readonly checkpoints: number;
    readonly recomputedSteps: number;
    readonly peakTrajectoryBytes: number;
  };
}

interface Step {
  readonly layer: number;
  readonly h: number;
}

/**
 * Gradient of J(f(T); θ_head) with respect to the network's W, b and θ_head, by the exact discrete
 * adjoint of the 1-D finite-volume Vlasov solver (upwind or MUSCL with any limiter, Euler / SSP-RK2 /
 * SSP-RK3, every boundary).
 *
 * @param problem - as for `solveVlasov` (d = 1)
 * @param objective - the loss on the final densities
 * @param options - solver options (no saveAt), `theta`, `memoryBudget`
 * @returns `{ loss, gradW, gradB, gradTheta, f, status, stats }`
 * @throws KineticError INVALID_ARGUMENT (bad options, objective or theta), UNSUPPORTED (d = 2, not yet),
 *   TOO_LARGE (trajectory beyond the memory budget even with checkpointing)
 * @remarks
 * What is differentiated is the discrete solve: the step sequence (CFL rule or fixed dt) is computed
 * by the forward solve and then held fixed — Δt does not depend on θ in the differentiated problem.
 * Limiters and ReLU-type activations are non-differentiable at kinks; the branch the forward pass took
 * is differentiated (a one-sided derivative). Round-off negative values are not zeroed here.
 * Cost: one forward solve plus one backward sweep (recomputing the intermediate stages of each step).
 * Memory: one state per step; beyond `memoryBudget`, every k-th state is stored and segments recomputed.
 * @example
 * ```ts
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1 });
 * const grid = createGrid1D(-4, 4, 80);
 * const l2: DensityObjective = {
 *   nParams: 0,
 *   evaluate(f, _g, _t, gradF) {
 *     let J = 0;
 *     f[0]!.forEach((v, i) => { J += 0.5 * v * v; if (gradF) gradF[0]![i] = v; });
 *     return J;
 *   },
 * };
 * const r = vlasovGradient({ params, grid, f0: (x) => Math.exp(-x * x) }, l2, { scheme: "upwind" });
 * console.log(r.loss, r.gradW, r.gradB);
 * ```
 */
export function vlasovGradient(
  problem: VlasovProblem,
  objective: DensityObjective,
  options: VlasovGradientOptions = {},
): VlasovGradientResult {
  if (typeof objective !== "object" || objective === null || typeof objective.evaluate !== "function")
    throw invalidArgument("objective", "a DensityObjective", objective);
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const { theta: thetaOpt, memoryBudget: budgetOpt, ...rest } = options;
  if ((rest as VlasovOptions).saveAt !== undefined)
    throw invalidArgument("options.saveAt", "not an option of vlasovGradient", (rest as VlasovOptions).saveAt);
  const prep = prepareVlasov(problem, rest, []);
  const { params, g, tl, opt } = prep;
  if (g.kind !== "1d") throw new KineticError("UNSUPPORTED", "vlasovGradient supports d = 1 so far; got a 2-D problem");
  const budget = budgetOpt === undefined ? DEFAULT_MEMORY_BUDGET : requirePositive("memoryBudget", budgetOpt);
  const theta = thetaOpt ?? objective.initialTheta ?? new Float64Array(0);
  if (!(theta instanceof Float64Array) || theta.length !== objective.nParams)
    throw invalidArgument("theta", `a Float64Array of length objective.nParams = ${objective.nParams}`, theta);
  for (const f of prep.fs) for (const v of f) if (!Number.isFinite(v)) throw invalidArgument("f0", "finite values", v);
  const nd = prep.fs.length;
  const n = g.n;
  const periodic = opt.boundary === "periodic";
  const muscl = opt.scheme === "muscl";
  const limit = muscl ? 0.5 : 1;
  const c = createFaceCoefficients1D(n);

  // the step sequence, fixed by the forward rule
  const steps: Step[] = [];
  let status: SolveStatus = "success";
  let layer = -1;
  let t = tl.t0;
  for (const seg of tl.segments) {
    if (seg.layer !== layer) {
      layer = seg.layer;
      networkFaceCoefficients1DInto(params, layer, g, opt.boundary, c);
    }
    const span = seg.t1 - t;
    let h: number;
    if (opt.dt !== null) {
      h = opt.dt;
      const cf = Math.min(h, span) * c.rate;
      if (cf > limit * (1 + 1e-12))
        throw new KineticError(
          "UNSTABLE",
          `CFL violation: dt = ${opt.dt} gives CFL number ${cf.toPrecision(4)} > ${limit} in layer ${layer}`,
        );
    } else h = c.rate > 0 ? opt.cfl! / c.rate : span;
    if (!(h < span)) h = span;
    let m = Math.ceil(span / h - 1e-9);
    if (m < 1) m = 1;
    const hLast = span - (m - 1) * h;
    for (let s = 0; s < m; s++) {
      if (steps.length >= opt.maxSteps) {
        status = "max-steps";
        break;
      }
      steps.push({ layer, h: s < m - 1 ? h : hLast });
    }
    if (status !== "success") break;
    t = seg.t1;
  }
  const N = steps.length;
  const stateBytes = 8 * nd * n;
  // checkpoint interval k: ceil(N/k) + 1 checkpoints and k segment states must fit
  let k = 1;
  const need = (kk: number) => (Math.ceil(N / kk) + 1 + (kk > 1 ? kk : 0)) * stateBytes;
  while (need(k) > budget && k < N) k *= 2;
  if (need(k) > budget)
    throw new KineticError(
      "TOO_LARGE",
      `too large: the trajectory needs ${need(k)} bytes with checkpointing; \`memoryBudget\` is ${budget}`,
    );

  const stages = opt.stepper === "euler" ? 1 : opt.stepper === "ssp-rk2" ? 2 : 3;
  const sl = new Float64Array(n);
  const A = new Float64Array(n),
    B = new Float64Array(n);
  let curLayer = -1;
  const coeffs = (kk: number) => {
    if (kk !== curLayer) {
      curLayer = kk;
      networkFaceCoefficients1DInto(params, kk, g, opt.boundary, c);
    }
  };
  // one Euler-type stage as in solveVlasov: dst = a·base + (1-a)(src - h/dx ΔF(src))
  // slopes of U and A: computed once per step by the recomputed stages, reused by their VJPs
  const slU = new Float64Array(n),
    slA = new Float64Array(n);
  const stage = (src: Float64Array, dst: Float64Array, h: number, a: number, base: Float64Array, slopes = sl) => {
    if (muscl) stridedSlopes(src, slopes, n, 1, 1, 0, opt.limiter, periodic);
    advectionStage1D(c, src, muscl ? slopes : null, periodic, a, base, 1 - a, ((1 - a) * h) / g.dx, dst);
  };
  let fwdStages = 0;
  const advance = (u: Float64Array, out: Float64Array, st: Step) => {
    coeffs(st.layer);
    const h = st.h;
    fwdStages += stages;
    if (opt.stepper === "euler") stage(u, out, h, 0, u);
    else if (opt.stepper === "ssp-rk2") {
      stage(u, A, h, 0, u);
      stage(A, out, h, 0.5, u);
    } else {
      stage(u, A, h, 0, u);
      stage(A, B, h, 0.75, u);
      stage(B, out, h, 1 / 3, u);
    }
  };
  // forward: checkpoints every k steps (all densities concatenated)
  // one buffer for the checkpoints, one for the recomputed segment (k > 1), two for the forward sweep
  const nCheck = Math.max(1, Math.ceil(N / k));
  const store = new Float64Array(nCheck * nd * n);
  const view = (buf: Float64Array, slot: number) =>
    Array.from({ length: nd }, (_, q) => buf.subarray((slot * nd + q) * n, (slot * nd + q + 1) * n));
  const checkpoints: Float64Array[][] = [];
  let u = prep.fs.map((f) => f.slice());
  let spare = u.map(() => new Float64Array(n));
  for (let s = 0; s < N; s++) {
    if (s % k === 0) {
      const cp = view(store, checkpoints.length);
      for (let q = 0; q < nd; q++) cp[q]!.set(u[q]!);
      checkpoints.push(cp);
    }
    for (let q = 0; q < nd; q++) advance(u[q]!, spare[q]!, steps[s]!);
    [u, spare] = [spare, u];
  }
  const fT = u;
  let finite = true;
  for (const f of fT) for (const v of f) if (!Number.isFinite(v)) finite = false;
  const gradW = new Float64Array(params.W.length),
    gradB = new Float64Array(params.b.length),
    gradTheta = new Float64Array(objective.nParams);
  const stats = (bwd: number, rec: number) => ({
    steps: N,
    forwardStageEvals: fwdStages,
    backwardStageEvals: bwd,
    checkpoints: checkpoints.length,
    recomputedSteps: rec,
    peakTrajectoryBytes: (checkpoints.length + (k > 1 ? k : 0)) * stateBytes,
  });
  if (!finite) return { loss: Number.NaN, gradW, gradB, gradTheta, f: fT, status: "non-finite", stats: stats(0, 0) };
  const lam = fT.map(() => new Float64Array(n));
  const loss = objective.evaluate(fT, g, theta, lam, gradTheta);
  if (!Number.isFinite(loss)) return { loss, gradW, gradB, gradTheta, f: fT, status: "non-finite", stats: stats(0, 0) };
  if (opt.threshold !== Infinity && status === "success") {
    let m0 = 0,
      m1 = 0;
    for (const f of prep.fs) for (const v of f) m0 += v;
    for (const f of fT) for (const v of f) m1 += v;
    if ((m0 - m1) * g.dx > opt.threshold * m0 * g.dx) status = "mass-lost";
  }

  // backward sweep
  const gap = new Float64Array(n + 1),
    gam = new Float64Array(n + 1);
  const gsl = new Float64Array(n);
  let bwdStages = 0,
    recomputed = 0;
  /** lamSrc += (1-a)·(lamDst + VJP of -h/dx ΔF(src)); accumulates gap/gam. */
  /** `slopes`: the limited slopes of src, already computed (MUSCL) — or null to compute them here. */
  const stageVjp = (
    src: Float64Array,
    lamDst: Float64Array,
    h: number,
    a: number,
    lamSrc: Float64Array,
    slopes: Float64Array | null = null,
  ) => {
    bwdStages++;
    if (muscl) {
      const s = slopes ?? sl;
      if (slopes === null) stridedSlopes(src, s, n, 1, 1, 0, opt.limiter, periodic);
      gsl.fill(0);
      fluxVjp1D(c.ap, c.am, src, s, gsl, lamDst, ((1 - a) * h) / g.dx, 1 - a, lamSrc, gap, gam, periodic);
      slopesVjp(src, gsl, lamSrc, n, opt.limiter, periodic);
    } else fluxVjp1D(c.ap, c.am, src, null, null, lamDst, ((1 - a) * h) / g.dx, 1 - a, lamSrc, gap, gam, periodic);
  };
  const flushLayer = (kk: number) => {
    if (kk < 0) return;
    // face j velocity v_j = σ(w x_j + b), split ap = max(v, 0), am = min(v, 0) with the boundary baked in
    if (opt.boundary === "zero-flux") gap[0] = gam[0] = gap[n] = gam[n] = 0;
    else if (opt.boundary === "outflow") gap[0] = gam[n] = 0;
    else {
      gap[0] += gap[n]!;
      gam[0] += gam[n]!;
      gap[n] = gam[n] = 0;
    }
    const wk = params.W[kk]!,
      bk = params.b[kk]!;
    let gw = 0,
      gb = 0;
    for (let j = 0; j <= n; j++) {
      const x = g.xMin + j * g.dx;
      const z = wk * x + bk;
      const v = params.sigma.sigma(z);
      const gv = v > 0 ? gap[j]! : v < 0 ? gam[j]! : 0;
      if (gv === 0) continue;
      const ds = params.sigma.dsigma(z) * gv;
      gw += ds * x;
      gb += ds;
    }
    gradW[kk] += gw;
    gradB[kk] += gb;
    gap.fill(0);
    gam.fill(0);
  };
  const lU = new Float64Array(n),
    lA = new Float64Array(n),
    lB = new Float64Array(n);
  let gradLayer = -1;
  const segStore = k > 1 ? new Float64Array(k * nd * n) : store;
  for (let ci = checkpoints.length - 1; ci >= 0; ci--) {
    const s0 = ci * k,
      s1 = Math.min(N, s0 + k);
    // states at s0..s1-1 (recomputed from the checkpoint when k > 1)
    const seg: Float64Array[][] = [checkpoints[ci]!];
    for (let s = s0 + 1; s < s1; s++) {
      const o = view(segStore, s - s0);
      const prev = seg[seg.length - 1]!;
      for (let q = 0; q < nd; q++) advance(prev[q]!, o[q]!, steps[s - 1]!);
      seg.push(o);
      recomputed++;
    }
    for (let s = s1 - 1; s >= s0; s--) {
      const st = steps[s]!;
      if (st.layer !== gradLayer) {
        flushLayer(gradLayer);
        gradLayer = st.layer;
      }
      coeffs(st.layer);
      const h = st.h;
      for (let q = 0; q < nd; q++) {
        const U = seg[s - s0]![q]!;
        const l = lam[q]!;
        lU.fill(0);
        if (opt.stepper === "euler") stageVjp(U, l, h, 0, lU);
        else if (opt.stepper === "ssp-rk2") {
          stage(U, A, h, 0, U, slU);
          for (let i = 0; i < n; i++) lU[i] = 0.5 * l[i]!;
          lA.fill(0);
          stageVjp(A, l, h, 0.5, lA);
          stageVjp(U, lA, h, 0, lU, muscl ? slU : null);
        } else {
          stage(U, A, h, 0, U, slU);
          stage(A, B, h, 0.75, U, slA);
          for (let i = 0; i < n; i++) lU[i] = (1 / 3) * l[i]!;
          lB.fill(0);
          stageVjp(B, l, h, 1 / 3, lB);
          for (let i = 0; i < n; i++) lU[i] += 0.75 * lB[i]!;
          lA.fill(0);
          stageVjp(A, lB, h, 0.75, lA, muscl ? slA : null);
          stageVjp(U, lA, h, 0, lU, muscl ? slU : null);
        }
        l.set(lU);
      }
    }
  }
  flushLayer(gradLayer);
  // a non-finite ∂J/∂f or ∂J/∂θ_head from the objective: never "success" with a NaN gradient
  const allFinite = (a: Float64Array) => a.every(Number.isFinite);
  if (!(allFinite(gradW) && allFinite(gradB) && allFinite(gradTheta))) status = "non-finite";
  return { loss, gradW, gradB, gradTheta, f: fT, status, stats: stats(bwdStages, recomputed) };
}

/**
 * The transpose of one flux-difference stage `dst = w·src − c2·(F_{j+1} − F_j)` with
 * `F_j = ap_j·uL_j + am_j·uR_j` (uL/uR: cell values, or MUSCL face values when `sl` is given):
 * lamSrc += w·lamDst + (∂F/∂src)ᵀ gF, gap_j += gF_j·uL_j, gam_j += gF_j·uR_j, gsl += (∂F/∂sl)ᵀ gF.
 * Interior faces in one branch-free loop; the two boundary faces apart.
 */
function fluxVjp1D(
  ap: Float64Array,
  am: Float64Array,
  src: Float64Array,
  sl: Float64Array | null,
  gsl: Float64Array | null,
  lamDst: Float64Array,
  c2: number,
  w: number,
  lamSrc: Float64Array,
  gap: Float64Array,
  gam: Float64Array,
  periodic: boolean,
): void {
  const n = src.length;
  for (let i = 0; i < n; i++) lamSrc[i] += w * lamDst[i]!;
  const face = (j: number, iL: number, iR: number, gF: number) => {
    const uL = sl === null ? src[iL]! : src[iL]! + 0.5 * sl[iL]!;
    const uR = sl === null ? src[iR]! : src[iR]! - 0.5 * sl[iR]!;
    gap[j] += gF * uL;
    gam[j] += gF * uR;
    lamSrc[iL] += gF * ap[j]!;
    lamSrc[iR] += gF * am[j]!;
    if (gsl !== null) {
      gsl[iL] += 0.5 * gF * ap[j]!;
      gsl[iR] -= 0.5 * gF * am[j]!;
    }
  };
  face(0, periodic ? n - 1 : 0, 0, c2 * lamDst[0]!);
  face(n, n - 1, periodic ? 0 : n - 1, -c2 * lamDst[n - 1]!);
  if (sl === null) {
    let lPrev = lamDst[0]!;
    for (let j = 1; j < n; j++) {
      const lj = lamDst[j]!;
      const gF = c2 * (lj - lPrev);
      lPrev = lj;
      const uL = src[j - 1]!,
        uR = src[j]!;
      gap[j] += gF * uL;
      gam[j] += gF * uR;
      lamSrc[j - 1] += gF * ap[j]!;
      lamSrc[j] += gF * am[j]!;
    }
    return;
  }
  const g2 = gsl!;
  for (let j = 1; j < n; j++) {
    const gF = c2 * (lamDst[j]! - lamDst[j - 1]!);
    const a = gF * ap[j]!,
      b = gF * am[j]!;
    gap[j] += gF * (src[j - 1]! + 0.5 * sl[j - 1]!);
    gam[j] += gF * (src[j]! - 0.5 * sl[j]!);
    lamSrc[j - 1] += a;
    lamSrc[j] += b;
    g2[j - 1] += 0.5 * a;
    g2[j] -= 0.5 * b;
  }
}

/** lamU += (∂s/∂u)ᵀ gs for the limited slopes s of u (branch of the forward pass). */
function slopesVjp(u: Float64Array, gs: Float64Array, lamU: Float64Array, n: number, limiter: string, periodic: boolean): void {
  const first = periodic ? 0 : 1,
    last = periodic ? n : n - 1;
  for (let i = first; i < last; i++) {
    const gsi = gs[i]!;
    if (gsi === 0) continue;
    const im = i === 0 ? n - 1 : i - 1,
      ip = i === n - 1 ? 0 : i + 1;
    const a = u[i]! - u[im]!,
      b = u[ip]! - u[i]!;
    if (a * b <= 0) continue;
    let da: number, db: number;
    if (limiter === "minmod") [da, db] = Math.abs(a) < Math.abs(b) ? [1, 0] : [0, 1];
    else if (limiter === "mc") {
      const P = 2 * Math.abs(a),
        Q = 2 * Math.abs(b),
        R = 0.5 * Math.abs(a + b);
      [da, db] = P <= Q && P <= R ? [2, 0] : Q <= R ? [0, 2] : [0.5, 0.5];
    } else {
      const s = a + b;
      da = (2 * b * b) / (s * s);
      db = (2 * a * a) / (s * s);
    }
    const ga = gsi * da,
      gb = gsi * db;
    lamU[i] += ga - gb;
    lamU[im] -= ga;
    lamU[ip] += gb;
  }
}
