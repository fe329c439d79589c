/**
 * `vlasovGradient`: the gradient of a density loss through the Vlasov solver (1-D and 2-D), by the
 * exact discrete adjoint of the finite-volume scheme.
 * @packageDocumentation
 */
import { KineticError, type NetworkParams, type SolveStatus } from "@kinetic-nde/core";
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";
import {
  borrowWorkspace,
  DEFAULT_MEMORY_BUDGET,
  dropWorkspaces,
  invalidArgument,
  requirePositive,
  WORKSPACE_RETAIN_BYTES,
  type Workspace,
} from "@kinetic-nde/core/validate";
import {
  type AdvectionBoundary,
  advectionStage1D,
  advectionStage2D,
  createFaceCoefficients1D,
  createFaceCoefficients2D,
  networkFaceCoefficients1DInto,
  networkFaceCoefficients2DInto,
  stridedSlopes,
} from "./fluxes.js";
import { upwindWasmAvailable } from "./internal/wasm-upwind.js";
import { dropSharedAdjointInstance, openUpwindAdjointArena, type UpwindAdjointArena } from "./internal/wasm-upwind-adjoint.js";
import { type DensityObjective, saveTimeLoss } from "./objective.js";
import { type VlasovOptions, type VlasovProblem, prepareVlasov, segmentSteps } from "./vlasov.js";

/** Options of {@link vlasovGradient}: the solver options plus the loss parameters and memory budget. */
export interface VlasovGradientOptions extends Omit<VlasovOptions, "saveAt"> {
  /**
   * Save times t_s carrying the loss (array, non-decreasing, or a count of evenly spaced times; core's
   * `resolveTimeline` rule: times within 16 ulps of t0, T or a layer boundary snap onto it). When given,
   * J = Σ_s J_s(f(t_s)) with J_s = `objective.evaluate(f(t_s), …, { index: s, t: t_s })`, and the final
   * densities carry no loss unless T is a save time. The steps land on the save times, as in
   * `solveVlasov` with the same `saveAt`. Default: none (J on the final densities).
   */
  readonly saveAt?: ArrayLike<number> | number;
  /** θ_head of the objective, default `objective.initialTheta` (empty when `nParams` is 0). */
  readonly theta?: Float64Array;
  /** Bytes for the stored trajectory, default core's DEFAULT_MEMORY_BUDGET; beyond it, checkpointing. */
  readonly memoryBudget?: number;
}

/** Result of {@link vlasovGradient}. */
export interface VlasovGradientResult {
  /** J: at the final densities, or Σ_s J_s over the save times. */
  readonly loss: number;
  /** J_s of each save time (index of `saveAt`; empty without `saveAt`). */
  readonly lossTerms: Float64Array;
  /** The save times as resolved (empty without `saveAt`). */
  readonly times: Float64Array;
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
 * Gradient of J(f(T); θ_head) — or of J = Σ_s J_s(f(t_s); θ_head) over save times — with respect to the
 * network's W, b and θ_head, by the exact discrete
 * adjoint of the finite-volume Vlasov solver in 1-D and 2-D (upwind or MUSCL with any limiter, Euler /
 * SSP-RK2 / SSP-RK3, every boundary).
 *
 * @param problem - as for `solveVlasov` (d = 1 or 2)
 * @param objective - the loss on the final densities, or each term J_s when `saveAt` is given (its
 *   `evaluate` then receives `{ index, t }` of the save time)
 * @param options - solver options, `saveAt` (the save times carrying the loss), `theta`, `memoryBudget`
 * @returns `{ loss, lossTerms, times, gradW, gradB, gradTheta, f, status, stats }`; gradW in the layout of
 *   `NetworkParams.W` (L·d·d, each layer's W row-major), gradB L·d
 * @throws KineticError INVALID_ARGUMENT (bad options, objective or theta), UNSUPPORTED (d > 2),
 *   TOO_LARGE (trajectory beyond the memory budget even with checkpointing), UNSTABLE (a fixed dt
 *   beyond the CFL limit)
 * @remarks
 * What is differentiated is the discrete solve: the step sequence (CFL rule or fixed dt) is computed
 * by the forward solve and then held fixed — Δt does not depend on θ in the differentiated problem.
 * The forward replay performs the same operations as `solveVlasov` (2-D: the unsplit stage, whose
 * WebAssembly path is bit-identical), so `f` is its final state bit for bit (`solveVlasov` also sets
 * values negative only by round-off to 0; this does not).
 * Kinks: the limiters (minmod and MC select an argument; every limiter is 0 where the one-sided
 * differences differ in sign), the upwind split max(v, 0) / min(v, 0) and ReLU-type activations are
 * not differentiable everywhere; the branch the forward pass took is differentiated (a one-sided
 * derivative; at v = 0 exactly, the face counts as carrying no flux).
 * Cost: one forward solve plus one backward sweep that recomputes the limited slopes of each step's
 * stages once (they serve the stage transposes), and the intermediate stages themselves unless they were
 * kept (see Memory). The transpose of each stage is one fused gather sweep per direction (fluxes,
 * limiter and face velocities together); in 1-D MUSCL the slopes are computed with the limiter's
 * partial derivatives, so the transpose has no branch on the limiter. First-order upwind + Euler (1-D and 2-D) steps and transposes the trajectory
 * in a WebAssembly SIMD kernel, in the kernel's memory (the end cells and boundary faces in TypeScript);
 * it performs the operations of the TypeScript path, so the gradients are bit-identical to those with
 * `setWasmKernelsEnabled(false)` (README, bench/adjoint.bench.ts). Each layer's face coefficients are
 * kept after their first computation (up to 64 MiB).
 * Save times: the backward sweep adds ∂J_s/∂f to the adjoint when it passes the state at t_s (the
 * terms are evaluated there, on the stored or recomputed state, so nothing per save time is kept).
 * Memory: one state per step; MUSCL with SSP-RK2/RK3 also keeps each step's intermediate stages when
 * they fit in `memoryBudget` and in 512 MiB (the backward sweep then does not recompute them);
 * beyond `memoryBudget`, every k-th state is stored and segments recomputed (the same gradient, bit
 * for bit, in every case; `stats.peakTrajectoryBytes` says what was held). The trajectory buffer, the
 * per-layer face coefficients and the upwind kernel's memory are kept for the next call (memory new to
 * the process costs a page fault per page on first touch, on every call of a training loop);
 * {@link releaseGradientWorkspace} gives them back, and `trainDensity` does so when it ends.
 * @example
 * ```ts
 * import { createNetwork, createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D, createGrid2D } from "@kinetic-nde/datasets";
 * import { type DensityObjective, l2DensityLoss, vlasovGradient } from "@kinetic-nde/mean-field";
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
 * const r = vlasovGradient({ params, grid, f0: (x: number) => Math.exp(-x * x) }, l2, { scheme: "upwind" });
 * console.log(r.loss, r.gradW, r.gradB);
 * // 2-D: W is 2×2 and b has 2 entries per layer; any DensityObjective on a 2-D grid
 * const net = createNetwork({ sigma: "tanh", d: 2, T: 1, W: [[-0.5, 0.8, -0.8, -0.4]], b: [[0.1, 0]] });
 * const g2 = createGrid2D([-4, 4], [-4, 4], 64);
 * const target = new Float64Array(64 * 64).fill(0.01);
 * const r2 = vlasovGradient({ params: net, grid: g2, f0: (x: number, y: number) => Math.exp(-x * x - y * y) }, l2DensityLoss(target));
 * console.log(r2.gradW.length, r2.gradB.length); // 4, 2
 * // losses at t = 0.5 and T = 1: J = J(f(0.5)) + J(f(1)), each term told its time
 * const r3 = vlasovGradient({ params, grid, f0: (x: number) => Math.exp(-x * x) }, l2, { scheme: "upwind", saveAt: [0.5, 1] });
 * console.log(r3.lossTerms, r3.loss); // two terms and their sum
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
  const prep = prepareVlasov(problem, rest, []);
  const { params, g, tl, opt } = prep;
  const budget = budgetOpt === undefined ? DEFAULT_MEMORY_BUDGET : requirePositive("memoryBudget", budgetOpt);
  const theta = thetaOpt ?? objective.initialTheta ?? new Float64Array(0);
  if (!(theta instanceof Float64Array) || theta.length !== objective.nParams)
    throw invalidArgument("theta", `a Float64Array of length objective.nParams = ${objective.nParams}`, theta);
  for (const f of prep.fs) for (const v of f) if (!Number.isFinite(v)) throw invalidArgument("f0", "finite values", v);
  const nd = prep.fs.length;
  const periodic = opt.boundary === "periodic";
  const muscl = opt.scheme === "muscl";
  // upwind + Euler: the forward steps and the interior of their transposes run in the WebAssembly
  // kernel (bit-identical to the TypeScript path), with the trajectory, coefficients and adjoints in its
  // memory (the arena is opened once the checkpoint interval is known)
  const wantFast = !muscl && opt.stepper === "euler" && upwindWasmAvailable();
  // the per-layer face cache and (TypeScript path) the trajectory in buffers kept between calls
  const layerDoubles = g.kind === "1d" ? 2 * (g.n + 1) : 2 * ((g.nx + 1) * g.ny + g.nx * (g.ny + 1));
  const faceSpace = borrowWorkspace(
    "vlasov-faces",
    Math.min(params.nLayers, Math.floor(LAYER_CACHE_BYTES / (8 * layerDoubles))) * layerDoubles,
  );
  let trajectory: Workspace | null = null;
  let fast: UpwindAdjointArena | null = null;
  try {
    const plainGeo = () =>
      g.kind === "1d" ? geometry1D(params, g, opt.boundary, null, faceSpace.data) : geometry2D(params, g, opt.boundary, faceSpace.data);
    let geo = plainGeo();
    const n = geo.cells;

    // the step sequence, fixed by the forward rule
    const steps: Step[] = [];
    let status: SolveStatus = "success";
    let t = tl.t0;
    const hasSaves = rest.saveAt !== undefined;
    const nSave = tl.saveAt.length;
    // save indices [from, to) reached at each state index (state s: after s steps)
    const savesAt = new Map<number, readonly [number, number]>();
    if (tl.initialSaves > 0) savesAt.set(0, [0, tl.initialSaves]);
    for (const seg of tl.segments) {
      // the rates the work estimate computed (the same numbers), else the layer's coefficients
      const rate = prep.rates.get(seg.layer) ?? geo.setLayer(seg.layer);
      const { h, n: m, hLast } = segmentSteps(opt, rate, seg.t1 - t, seg.layer);
      for (let s = 0; s < m; s++) {
        if (steps.length >= opt.maxSteps) {
          status = "max-steps";
          break;
        }
        steps.push({ layer: seg.layer, h: s < m - 1 ? h : hLast });
      }
      if (status !== "success") break;
      if (seg.saveTo > seg.saveFrom) savesAt.set(steps.length, [seg.saveFrom, seg.saveTo]);
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

    // MUSCL with SSP-RK stages: when every state is stored (k = 1) and the intermediate stages fit too,
    // in the budget and in the buffer kept between calls (fresh memory would cost more page faults than
    // the stages save), the forward sweep keeps them and the backward sweep recomputes only their slopes
    const perStep = opt.stepper === "ssp-rk2" ? 1 : opt.stepper === "ssp-rk3" ? 2 : 0;
    const withStages = need(1) + N * perStep * stateBytes;
    const inner = muscl && k === 1 && withStages <= budget && withStages <= WORKSPACE_RETAIN_BYTES ? perStep : 0;
    // state slots: checkpoints, the recomputed segment (k > 1), two for the forward sweep
    const nCheck = Math.max(1, Math.ceil(N / k));
    const slotsSeg = k > 1 ? k : 0;
    fast = wantFast ? openUpwindAdjointArena(g.kind === "1d" ? [g.n] : [g.nx, g.ny], nd + 1, (nCheck + slotsSeg + 2) * nd) : null;
    if (fast !== null)
      geo =
        g.kind === "1d"
          ? geometry1D(params, g, opt.boundary, fast, faceSpace.data)
          : geometry2D(params, g, opt.boundary, faceSpace.data, fast);
    const dirs = geo.dirs;
    const stages = opt.stepper === "euler" ? 1 : opt.stepper === "ssp-rk2" ? 2 : 3;
    const A = new Float64Array(n),
      B = new Float64Array(n);
    let curLayer = -1;
    const coeffs = (kk: number) => {
      if (kk !== curLayer) {
        curLayer = kk;
        geo.setLayer(kk);
      }
    };
    const lim = opt.limiter === "minmod" ? 0 : opt.limiter === "mc" ? 1 : 2;
    // limited slopes, one array per direction: for the forward sweep, scratch of the backward sweep, and
    // those of U and A (computed once per step by the recomputed stages, reused by their VJPs). In 1-D
    // the backward sets also keep the limiter's partial derivatives, for the fused 1-D transpose.
    const slopeSet = (partials: boolean): SlopeSet | null =>
      muscl
        ? {
            s: dirs.map(() => new Float64Array(n)),
            p: partials && dirs.length === 1 ? { da: new Float64Array(n), db: new Float64Array(n) } : null,
          }
        : null;
    const slF = slopeSet(false),
      sl = slopeSet(true),
      slU = slopeSet(true),
      slA = slopeSet(true);
    const slopesOf = (src: Float64Array, out: SlopeSet) => {
      if (out.p !== null) return slopesWithPartials1D(src, out.s[0]!, out.p.da, out.p.db, lim, periodic);
      for (let d = 0; d < dirs.length; d++) {
        const D = dirs[d]!;
        stridedSlopes(src, out.s[d]!, D.len, D.stride, D.lines, D.lineStride, opt.limiter, periodic);
      }
    };
    // one Euler-type stage as in solveVlasov: dst = a·base + (1-a)(src - h ∇·F(src))
    const stage = (src: Float64Array, dst: Float64Array, h: number, a: number, base: Float64Array, slopes = slF) => {
      if (slopes !== null) slopesOf(src, slopes);
      geo.stage(src, slopes === null ? null : slopes.s, a, base, h, dst);
    };
    let fwdStages = 0;
    // `sa`, `sb`: where the intermediate stages go (kept for the backward sweep, or scratch)
    const advance = (u: Float64Array, out: Float64Array, st: Step, sa: Float64Array = A, sb: Float64Array = B) => {
      coeffs(st.layer);
      const h = st.h;
      fwdStages += stages;
      if (fast !== null) fast.step(u, out, h / dirs[0]!.h, dirs.length > 1 ? h / dirs[1]!.h : 0, periodic);
      else if (opt.stepper === "euler") stage(u, out, h, 0, u);
      else if (opt.stepper === "ssp-rk2") {
        stage(u, sa, h, 0, u);
        stage(sa, out, h, 0.5, u);
      } else {
        stage(u, sa, h, 0, u);
        stage(sa, sb, h, 0.75, u);
        stage(sb, out, h, 1 / 3, u);
      }
    };
    // forward: checkpoints every k steps (all densities concatenated), written by the step that reaches
    // them; the other states alternate between the two forward slots; the intermediate stages of step s,
    // when kept, at slots stageSlot + s·inner + j
    const stageSlot = nCheck + slotsSeg + 2;
    trajectory = borrowWorkspace("vlasov-trajectory", fast === null ? (stageSlot + N * inner) * nd * n : 0);
    const store = trajectory.data;
    const view = (slot: number): Float64Array[] =>
      Array.from({ length: nd }, (_, q) =>
        fast !== null ? fast.slot(slot * nd + q) : store.subarray((slot * nd + q) * n, (slot * nd + q + 1) * n),
      );
    const fwd = [view(nCheck + slotsSeg), view(nCheck + slotsSeg + 1)];
    const checkpoints: Float64Array[][] = [view(0)];
    let u = checkpoints[0]!;
    for (let q = 0; q < nd; q++) u[q]!.set(prep.fs[q]!);
    for (let s = 0; s < N; s++) {
      const keep = (s + 1) % k === 0 && s + 1 < N;
      const next = keep ? view(checkpoints.length) : u === fwd[0] ? fwd[1]! : fwd[0]!;
      if (inner > 0) {
        const sa = view(stageSlot + s * inner),
          sb = inner > 1 ? view(stageSlot + s * inner + 1) : sa;
        for (let q = 0; q < nd; q++) advance(u[q]!, next[q]!, steps[s]!, sa[q]!, sb[q]!);
      } else for (let q = 0; q < nd; q++) advance(u[q]!, next[q]!, steps[s]!);
      if (keep) checkpoints.push(next);
      u = next;
    }
    // the final densities, copied out of the trajectory (or the kernel memory) for the result
    const fT = u.map((f) => f.slice());
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
      peakTrajectoryBytes: (checkpoints.length + (k > 1 ? k : 0) + N * inner) * stateBytes,
    });
    const lossTerms = new Float64Array(nSave);
    const times = tl.saveAt;
    const failed = (loss: number): VlasovGradientResult => ({
      loss,
      lossTerms,
      times,
      gradW,
      gradB,
      gradTheta,
      f: fT,
      status: "non-finite",
      stats: stats(0, 0),
    });
    if (!finite) return failed(Number.NaN);
    const lam = fast !== null ? fast.lam.slice(0, nd) : fT.map(() => new Float64Array(n));
    // the loss: at T now (with save times, the terms at T), and the terms of the other save times as the
    // backward sweep reaches their states
    const terms = saveTimeLoss(objective, g, theta, { savesAt, times, hasSaves, steps: N }, lossTerms, gradTheta, {
      densities: nd,
      cells: n,
    });
    let loss = terms.final(fT, lam);
    if (!hasSaves && !Number.isFinite(loss)) return failed(loss);
    if (opt.threshold !== Infinity && status === "success") {
      let m0 = 0,
        m1 = 0;
      for (const f of prep.fs) for (const v of f) m0 += v;
      for (const f of fT) for (const v of f) m1 += v;
      if (m0 - m1 > opt.threshold * m0) status = "mass-lost";
    }

    // backward sweep
    let bwdStages = 0,
      recomputed = 0;
    /**
     * lamSrc += (1-a)·(lamDst + VJP of -h ∇·F(src)), accumulating the face-velocity adjoints;
     * `slopes`: the limited slopes of src, already computed (MUSCL), or null to compute them here.
     */
    const stageVjp = (
      src: Float64Array,
      lamDst: Float64Array,
      h: number,
      a: number,
      lamSrc: Float64Array,
      slopes: SlopeSet | null = null,
    ) => {
      bwdStages++;
      const w = 1 - a;
      let s: SlopeSet | null = null;
      if (muscl) {
        s = slopes ?? sl!;
        if (slopes === null) slopesOf(src, s);
      }
      for (let d = 0; d < dirs.length; d++) {
        const D = dirs[d]!;
        const sd = s === null ? null : s.s[d]!;
        stageVjpAlong(D, src, sd, s?.p ?? null, lamDst, (w * h) / D.h, d === 0 ? w : 0, lamSrc, periodic, lim);
      }
    };
    let lU = fast !== null ? fast.lam[nd]! : new Float64Array(n);
    const lA = new Float64Array(n),
      lB = new Float64Array(n);
    let gradLayer = -1;

    for (let ci = checkpoints.length - 1; ci >= 0; ci--) {
      const s0 = ci * k,
        s1 = Math.min(N, s0 + k);
      // states at s0..s1-1 (recomputed from the checkpoint when k > 1)
      const seg: Float64Array[][] = [checkpoints[ci]!];
      for (let s = s0 + 1; s < s1; s++) {
        const o = view(nCheck + s - s0);
        const prev = seg[seg.length - 1]!;
        for (let q = 0; q < nd; q++) advance(prev[q]!, o[q]!, steps[s - 1]!);
        seg.push(o);
        recomputed++;
      }
      for (let s = s1 - 1; s >= s0; s--) {
        const st = steps[s]!;
        if (st.layer !== gradLayer) {
          if (gradLayer >= 0) {
            coeffs(gradLayer); // a recomputed segment may have moved on to another layer
            geo.flush(gradLayer, gradW, gradB);
          }
          gradLayer = st.layer;
        }
        coeffs(st.layer);
        const h = st.h;
        for (let q = 0; q < nd; q++) {
          const U = seg[s - s0]![q]!;
          const l = lam[q]!;
          // λ_U (into lU, which then becomes λ; the old λ array becomes the next lU)
          if (fast !== null) {
            // the kernel overwrites the interior cells it does, TypeScript the rest (as stageVjpAlong)
            bwdStages++;
            lU.fill(0);
            for (let d = 0; d < dirs.length; d++) {
              const D = dirs[d]!;
              const c2 = h / D.h,
                w = d === 0 ? 1 : 0;
              fast.transpose(D, U, l, lU, c2, w);
              stageVjpAlong(D, U, null, null, l, c2, w, lU, periodic, lim, D.len - 2);
            }
          } else if (opt.stepper === "euler") {
            lU.fill(0);
            stageVjp(U, l, h, 0, lU);
          } else {
            // the intermediate stages: kept by the forward sweep (only their slopes are recomputed), or
            // recomputed
            const kept = inner > 0 ? view(stageSlot + s * inner) : null;
            const SA = kept !== null ? kept[q]! : A;
            if (kept !== null) slopesOf(U, slU!);
            else stage(U, SA, h, 0, U, slU);
            if (opt.stepper === "ssp-rk2") {
              lA.fill(0);
              stageVjp(SA, l, h, 0.5, lA);
              for (let i = 0; i < n; i++) lU[i] = 0.5 * l[i]!;
              stageVjp(U, lA, h, 0, lU, slU);
            } else {
              const SB = kept !== null ? view(stageSlot + s * inner + 1)[q]! : B;
              if (kept !== null) slopesOf(SA, slA!);
              else stage(SA, SB, h, 0.75, U, slA);
              lB.fill(0);
              stageVjp(SB, l, h, 1 / 3, lB);
              for (let i = 0; i < n; i++) lU[i] = (1 / 3) * l[i]! + 0.75 * lB[i]!;
              lA.fill(0);
              stageVjp(SA, lB, h, 0.75, lA, slA);
              stageVjp(U, lA, h, 0, lU, slU);
            }
          }
          lam[q] = lU;
          lU = l;
        }
        if (hasSaves) terms.seed(s, seg[s - s0]!, lam);
      }
    }
    if (gradLayer >= 0) {
      coeffs(gradLayer);
      geo.flush(gradLayer, gradW, gradB);
    }
    // a non-finite ∂J/∂f or ∂J/∂θ_head from the objective: never "success" with a NaN gradient
    const allFinite = (a: Float64Array) => a.every(Number.isFinite);
    if (hasSaves) {
      // the terms in time order; a save time past a max-steps stop was never reached and counts 0
      loss = 0;
      for (const v of lossTerms) loss += v;
    }
    if (!(Number.isFinite(loss) && allFinite(gradW) && allFinite(gradB) && allFinite(gradTheta))) status = "non-finite";
    return { loss, lossTerms, times, gradW, gradB, gradTheta, f: fT, status, stats: stats(bwdStages, recomputed) };
  } finally {
    fast?.close();
    trajectory?.release();
    faceSpace.release();
  }
}

/**
 * Drop the memory the density gradients keep between calls: the trajectory buffers of
 * `vlasovGradient`, `fokkerPlanckGradient` and `fokkerPlanckGradient2D`, the per-layer face
 * coefficients of `vlasovGradient` and the WebAssembly memory of its upwind kernels (each up to 512 MiB).
 * They are kept because memory new to the process costs a page fault per 4 KiB page on its first touch,
 * which in a training loop would be paid by every gradient; call this when no more gradients follow.
 * The next gradient allocates again.
 * @returns nothing
 * @example
 * ```ts
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * import { l2DensityLoss, releaseGradientWorkspace, vlasovGradient } from "@kinetic-nde/mean-field";
 * const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1 });
 * const grid = createGrid1D(-4, 4, 200);
 * const loss = l2DensityLoss(new Float64Array(200).fill(0.1));
 * for (let i = 0; i < 3; i++) vlasovGradient({ params, grid, f0: (x: number) => Math.exp(-x * x) }, loss);
 * releaseGradientWorkspace(); // training done: give the kept buffers back
 * ```
 */
export function releaseGradientWorkspace(): void {
  dropWorkspaces();
  dropSharedAdjointInstance();
}

/**
 * One direction of the grid: `lines` lines of `len` cells, cell c of line l at l·lineStride + c·stride,
 * face f (0..len, face f left of cell f) of line l at l·faceLineStride + f·faceStride; `ap`/`am` the
 * face coefficients of the current layer (with the boundary baked in), `gv` the adjoint of the face
 * velocity v (accumulated over a layer): F = ap·uL + am·uR has ∂F/∂v = uL where ap > 0, uR where
 * am < 0, 0 where both are 0 (v = 0, or the boundary condition removed the part).
 * 1-D: one line. 2-D x-direction: lines j (stride ny), faces i·ny + j; y-direction: lines i, faces
 * i·(ny + 1) + j (the layouts of FaceCoefficients2D).
 */
interface Direction {
  readonly len: number;
  readonly stride: number;
  readonly lines: number;
  readonly lineStride: number;
  readonly faceStride: number;
  readonly faceLineStride: number;
  /** Cell width along the direction. */
  readonly h: number;
  readonly ap: Float64Array;
  readonly am: Float64Array;
  readonly gv: Float64Array;
}

/** The forward stage and the parameter pull-back of one grid dimension. */
interface Geometry {
  readonly cells: number;
  readonly dirs: readonly Direction[];
  /** Face coefficients of layer k; returns the CFL rate. */
  setLayer(k: number): number;
  /** `dst = a·base + (1-a)(src - h ∇·F(src))` exactly as solveVlasov does it; `slopes` (one per direction) computed. */
  stage(src: Float64Array, slopes: Float64Array[] | null, a: number, base: Float64Array, h: number, dst: Float64Array): void;
  /**
   * gradW, gradB of layer k += the pull-back of the accumulated face adjoints (then zeroed); the face
   * coefficients must be those of layer k (their signs tell which part of v = max(v, 0) + min(v, 0) acts).
   */
  flush(k: number, gradW: Float64Array, gradB: Float64Array): void;
}

function direction(
  len: number,
  stride: number,
  lines: number,
  lineStride: number,
  faceStride: number,
  faceLineStride: number,
  h: number,
  ap: Float64Array,
  am: Float64Array,
  gv: Float64Array = new Float64Array(ap.length),
): Direction {
  return {
    len,
    stride,
    lines,
    lineStride,
    faceStride,
    faceLineStride,
    h,
    ap,
    am,
    gv,
  };
}

/** Largest total size of the face coefficients kept per layer by {@link layerCache}. */
const LAYER_CACHE_BYTES = 64 * 2 ** 20;

/**
 * `setLayer` with the face coefficients of each layer kept after their first computation, in `space`
 * (as many layers as fit; at most LAYER_CACHE_BYTES): a later switch to the layer copies them back —
 * the same numbers, at the cost of a copy instead of an activation per face (each layer is set up to
 * three times: step rule, forward sweep, backward sweep).
 */
function layerCache(arrays: Float64Array[], space: Float64Array, compute: (k: number) => number): (k: number) => number {
  const kept = new Map<number, { readonly rate: number; readonly at: number }>();
  const size = arrays.reduce((a, x) => a + x.length, 0);
  return (k) => {
    const hit = kept.get(k);
    if (hit !== undefined) {
      let o = hit.at;
      for (const x of arrays) {
        x.set(space.subarray(o, o + x.length));
        o += x.length;
      }
      return hit.rate;
    }
    const rate = compute(k);
    let o = kept.size * size;
    if (o + size <= space.length) {
      kept.set(k, { rate, at: o });
      for (const x of arrays) {
        space.set(x, o);
        o += x.length;
      }
    }
    return rate;
  };
}

/**
 * The transpose of the periodic rule (the last face is a copy of the first): the last face's adjoint
 * moves to the first. The zero-flux and outflow rules need nothing: a part they removed is 0 in the
 * coefficients, which is what the pull-back tests.
 */
function foldPeriodic(D: Direction): void {
  const { gv } = D;
  for (let l = 0; l < D.lines; l++) {
    const f0 = l * D.faceLineStride,
      fN = f0 + D.len * D.faceStride;
    gv[f0] += gv[fN]!;
    gv[fN] = 0;
  }
}

function geometry1D(
  params: NetworkParams,
  g: Grid1D,
  boundary: AdvectionBoundary,
  arena: UpwindAdjointArena | null,
  cache: Float64Array,
): Geometry {
  const n = g.n;
  const c = arena === null ? createFaceCoefficients1D(n) : { ap: arena.faces[0]!, am: arena.faces[1]!, rate: 0 };
  const periodic = boundary === "periodic";
  const D = direction(n, 1, 1, 0, 1, 0, g.dx, c.ap, c.am, arena?.faces[2]);
  return {
    cells: n,
    dirs: [D],
    setLayer: layerCache([c.ap, c.am], cache, (k) => networkFaceCoefficients1DInto(params, k, g, boundary, c).rate),
    stage(src, slopes, a, base, h, dst) {
      advectionStage1D(c, src, slopes === null ? null : slopes[0]!, periodic, a, base, 1 - a, ((1 - a) * h) / g.dx, dst);
    },
    flush(k, gradW, gradB) {
      // face j velocity v_j = σ(w x_j + b), split ap = max(v, 0), am = min(v, 0)
      if (periodic) foldPeriodic(D);
      const { gv: G, ap, am } = D;
      const wk = params.W[k]!,
        bk = params.b[k]!;
      let gw = 0,
        gb = 0;
      for (let j = 0; j <= n; j++) {
        const gv = ap[j]! > 0 || am[j]! < 0 ? G[j]! : 0;
        if (gv === 0) continue;
        const x = g.xMin + j * g.dx;
        const z = wk * x + bk;
        const ds = params.sigma.dsigma(z) * gv;
        gw += ds * x;
        gb += ds;
      }
      gradW[k] += gw;
      gradB[k] += gb;
      G.fill(0);
    },
  };
}

function geometry2D(
  params: NetworkParams,
  g: Grid2D,
  boundary: AdvectionBoundary,
  cache: Float64Array,
  arena: UpwindAdjointArena | null = null,
): Geometry {
  const { nx, ny, dx, dy, xMin, yMin } = g;
  const f = arena?.faces;
  const c = f === undefined ? createFaceCoefficients2D(g) : { axp: f[0]!, axm: f[1]!, ayp: f[3]!, aym: f[4]!, rate: 0 };
  const periodic = boundary === "periodic";
  const rowL = new Float64Array(ny),
    rowR = new Float64Array(ny);
  const Dx = direction(nx, ny, ny, 1, ny, 1, dx, c.axp, c.axm, f?.[2]);
  const Dy = direction(ny, 1, nx, ny, 1, ny + 1, dy, c.ayp, c.aym, f?.[5]);
  const { dsigma } = params.sigma;
  return {
    cells: nx * ny,
    dirs: [Dx, Dy],
    setLayer: layerCache([c.axp, c.axm, c.ayp, c.aym], cache, (k) => networkFaceCoefficients2DInto(params, k, g, boundary, c).rate),
    stage(src, slopes, a, base, h, dst) {
      const sx = slopes === null ? null : slopes[0]!,
        sy = slopes === null ? null : slopes[1]!;
      advectionStage2D(g, c, src, sx, sy, periodic, a, base, 1 - a, ((1 - a) * h) / dx, ((1 - a) * h) / dy, dst, rowL, rowR);
    },
    flush(k, gradW, gradB) {
      // x-face (i, j) at (xMin + iΔx, y_j): v = σ(W₁₁x + W₁₂y + b₁); y-face (i, j) at (x_i, yMin + jΔy):
      // v = σ(W₂₁x + W₂₂y + b₂); each split into max(v, 0), min(v, 0)
      const W = params.W,
        o = 4 * k;
      for (let r = 0; r < 2; r++) {
        const D = r === 0 ? Dx : Dy;
        if (periodic) foldPeriodic(D);
        const { gv: G, ap, am } = D;
        const w1 = W[o + 2 * r]!,
          w2 = W[o + 2 * r + 1]!,
          br = params.b[2 * k + r]!;
        let g1 = 0,
          g2 = 0,
          gb = 0;
        for (let l = 0; l < D.lines; l++)
          for (let f = 0; f <= D.len; f++) {
            const id = l * D.faceLineStride + f * D.faceStride;
            const gv = ap[id]! > 0 || am[id]! < 0 ? G[id]! : 0;
            if (gv === 0) continue;
            const x = r === 0 ? xMin + f * dx : xMin + (l + 0.5) * dx;
            const y = r === 0 ? yMin + (l + 0.5) * dy : yMin + f * dy;
            const z = w1 * x + w2 * y + br;
            const ds = dsigma(z) * gv;
            g1 += ds * x;
            g2 += ds * y;
            gb += ds;
          }
        gradW[o + 2 * r] += g1;
        gradW[o + 2 * r + 1] += g2;
        gradB[2 * k + r] += gb;
        G.fill(0);
      }
    },
  };
}

/**
 * Loop order over the interior of one direction: line by line when cells of a line are contiguous
 * (1-D, the 2-D y-direction), else position by position across the lines (2-D x-direction: the lines
 * are contiguous), so that the inner loop always walks memory with step 1.
 * `outer`/`inner`: counts, and the cell and face index steps of each loop.
 */
function sweepOrder(D: Direction, interior: number) {
  const byLine = D.stride === 1 || D.lines === 1;
  return byLine
    ? { nO: D.lines, oC: D.lineStride, oF: D.faceLineStride, nI: interior, iC: D.stride, iF: D.faceStride }
    : { nO: interior, oC: D.stride, oF: D.faceStride, nI: D.lines, iC: D.lineStride, iF: D.faceLineStride };
}

/**
 * The transpose, along one direction, of the flux part of a stage, `dst -= c2·(F_{f+1} − F_f)` with
 * `F_f = ap_f·uL_f + am_f·uR_f` (uL/uR: cell values, or the MUSCL face values u ± s/2 of the limited
 * slopes s when `sl` is given), plus `w·lamDst`: lamSrc += w·lamDst + (∂F/∂src)ᵀ gF,
 * gv_f += gF_f·(ap_f > 0 ? uL_f : uR_f), where gF_f = c2·(lamDst right of f − lamDst left of f). With MUSCL the slope
 * adjoint gs_i = ½(gF_{i+1/2}·ap − gF_{i−1/2}·am) of each cell is pulled back through the limiter at
 * once ({@link slopeVjpAt}). One function for 1-D, both 2-D directions, upwind and MUSCL: cells 1..len−2
 * (whose faces are interior) in one fused gather loop nest ({@link sweepOrder}), the two end cells of
 * each line with the boundary faces apart. `skip`: interior cells 1..skip already done (1-D only; the
 * WebAssembly kernel's share), their lamSrc written.
 */
function stageVjpAlong(
  D: Direction,
  src: Float64Array,
  sl: Float64Array | null,
  partials: LimiterPartials | null,
  lamDst: Float64Array,
  c2: number,
  w: number,
  lamSrc: Float64Array,
  periodic: boolean,
  lim: number,
  skip = 0,
): void {
  const { len, stride, faceStride, ap, am, gv } = D;
  const { nO, oC, oF, nI, iC, iF } = sweepOrder(D, len - 2 - skip);
  if (sl !== null && partials !== null) musclInterior1D(src, sl, partials, lamDst, c2, w, lamSrc, ap, am, gv);
  else
    for (let a = 0; a < nO; a++) {
      let i = stride * (1 + skip) + a * oC,
        fl = faceStride * (1 + skip) + a * oF;
      for (let b = 0; b < nI; b++, i += iC, fl += iF) {
        const im = i - stride,
          ip = i + stride,
          fr = fl + faceStride;
        const l0 = lamDst[i]!;
        const gl = c2 * (l0 - lamDst[im]!),
          gr = c2 * (lamDst[ip]! - l0);
        const pr = gr * ap[fr]!,
          ml = gl * am[fl]!;
        const u0 = src[i]!,
          up = src[ip]!;
        lamSrc[i] += w * l0 + pr + ml;
        if (sl === null) {
          gv[fr] += gr * (ap[fr]! > 0 ? u0 : up);
        } else {
          gv[fr] += gr * (ap[fr]! > 0 ? u0 + 0.5 * sl[i]! : up - 0.5 * sl[ip]!);
          slopeVjpAt(src, lamSrc, i, im, ip, 0.5 * (pr - ml), lim);
        }
      }
    }
  const last = (len - 1) * stride;
  const half = sl === null ? 0 : 0.5;
  const s = (i: number) => (sl === null ? 0 : half * sl[i]!);
  for (let l = 0; l < D.lines; l++) {
    const o = l * D.lineStride,
      e = o + last,
      f0 = l * D.faceLineStride,
      f1 = f0 + faceStride,
      fN = f0 + len * faceStride,
      fE = fN - faceStride;
    const iL0 = periodic ? e : o,
      iRN = periodic ? o : e;
    // faces 0 and len (boundary: one cell each), face 1 (right of cell 0), face len−1 (left of cell e)
    const g0 = c2 * lamDst[o]!,
      gN = -c2 * lamDst[e]!,
      g1 = c2 * (lamDst[o + stride]! - lamDst[o]!),
      gE = c2 * (lamDst[e]! - lamDst[e - stride]!);
    gv[f0] += g0 * (ap[f0]! > 0 ? src[iL0]! + s(iL0) : src[o]! - s(o));
    gv[fN] += gN * (ap[fN]! > 0 ? src[e]! + s(e) : src[iRN]! - s(iRN));
    gv[f1] += g1 * (ap[f1]! > 0 ? src[o]! + s(o) : src[o + stride]! - s(o + stride));
    lamSrc[o] += w * lamDst[o]! + g1 * ap[f1]! + g0 * am[f0]!;
    lamSrc[e] += w * lamDst[e]! + gN * ap[fN]! + gE * am[fE]!;
    lamSrc[iL0] += g0 * ap[f0]!;
    lamSrc[iRN] += gN * am[fN]!;
    // the end cells' slopes: limited only when periodic (else 0, no dependence on src)
    if (sl !== null && periodic) {
      slopeVjpAt(src, lamSrc, o, e, o + stride, 0.5 * (g1 * ap[f1]! - g0 * am[f0]! - gN * am[fN]!), lim);
      slopeVjpAt(src, lamSrc, e, e - stride, o, 0.5 * (gN * ap[fN]! - gE * am[fE]! + g0 * ap[f0]!), lim);
    }
  }
}

/**
 * The interior of {@link stageVjpAlong} for 1-D MUSCL (cells 1..n−2 and faces 2..n−1), as a gather:
 * with P_i = gs_i·∂φ/∂Δ⁻ and Q_i = gs_i·∂φ/∂Δ⁺ the slope adjoint of cell i split over its differences
 * Δ⁻ = u_i − u_{i−1} and Δ⁺ = u_{i+1} − u_i, cell i receives P_i − Q_i − P_{i+1} + Q_{i−1} (the end
 * cells' own slope terms are left to the caller, which adds them with {@link slopeVjpAt}). One pass with
 * the next cell's terms carried in registers; the partials come from {@link slopesWithPartials1D}, so
 * there is no branch on the limiter here. The same sums as the scattered form, in another order.
 */
function musclInterior1D(
  u: Float64Array,
  s: Float64Array,
  partials: LimiterPartials,
  lam: Float64Array,
  c2: number,
  w: number,
  out: Float64Array,
  ap: Float64Array,
  am: Float64Array,
  gv: Float64Array,
): void {
  const n = u.length;
  if (n < 3) return;
  const { da, db } = partials;
  // cell 1: λ of cells 1, 2 (l0, lp), face adjoints gl (face 1) and gr (face 2), the flux terms pr, ml
  // and P, Q; Qm: Q of the cell before (0 for the end cell, whose slope terms the caller adds)
  let l0 = lam[1]!,
    lp = lam[2]!;
  const gl = c2 * (l0 - lam[0]!);
  let gr = c2 * (lp - l0);
  let pr = gr * ap[2]!,
    ml = gl * am[1]!;
  const gs = 0.5 * (pr - ml);
  let P = gs * da[1]!,
    Q = gs * db[1]!,
    Qm = 0;
  out[0] -= P;
  const last = n - 2;
  for (let i = 1; i < last; i++) {
    // the terms of cell i + 1 (interior), then cell i is complete
    const lpp = lam[i + 2]!;
    const grn = c2 * (lpp - lp);
    const prn = grn * ap[i + 2]!,
      mln = gr * am[i + 1]!;
    const gsn = 0.5 * (prn - mln);
    const Pn = gsn * da[i + 1]!,
      Qn = gsn * db[i + 1]!;
    out[i] += w * l0 + pr + ml + P - Q - Pn + Qm;
    gv[i + 1] += gr * (ap[i + 1]! > 0 ? u[i]! + 0.5 * s[i]! : u[i + 1]! - 0.5 * s[i + 1]!);
    Qm = Q;
    P = Pn;
    Q = Qn;
    pr = prn;
    ml = mln;
    gr = grn;
    l0 = lp;
    lp = lpp;
  }
  // the last interior cell, recomputed from the arrays with the loop's expressions (the same numbers):
  // reading the carried values after the loop made V8 run the loop twice as slow
  const i = last;
  const grL = c2 * (lam[i + 1]! - lam[i]!),
    glL = c2 * (lam[i]! - lam[i - 1]!);
  const prL = grL * ap[i + 1]!,
    mlL = glL * am[i]!;
  const gsL = 0.5 * (prL - mlL);
  const QL = gsL * db[i]!;
  // Q of cell i − 1 (0 when it is the end cell)
  const QmL = i > 1 ? 0.5 * (glL * ap[i]! - c2 * (lam[i - 1]! - lam[i - 2]!) * am[i - 1]!) * db[i - 1]! : 0;
  out[i] += w * lam[i]! + prL + mlL + gsL * da[i]! - QL + QmL;
  gv[i + 1] += grL * (ap[i + 1]! > 0 ? u[i]! + 0.5 * s[i]! : u[i + 1]! - 0.5 * s[i + 1]!);
  out[i + 1] += QL;
}

/** The limiter's partial derivatives ∂φ/∂Δ⁻ (`da`) and ∂φ/∂Δ⁺ (`db`) of each cell's slope (1-D). */
interface LimiterPartials {
  readonly da: Float64Array;
  readonly db: Float64Array;
}

/** Limited slopes (one array per direction) and, in 1-D backward sweeps, their limiter partials. */
interface SlopeSet {
  readonly s: Float64Array[];
  readonly p: LimiterPartials | null;
}

/**
 * 1-D limited slopes, bit-identical to `stridedSlopes` (the same expressions), with the partial
 * derivatives of the branch taken, as {@link slopeVjpAt} differentiates it: minmod and MC the selected
 * argument, van Leer 2(Δ⁺/(Δ⁻+Δ⁺))² and 2(Δ⁻/(Δ⁻+Δ⁺))² (ratios in (0, 1): no overflow in far tails);
 * 0 where Δ⁻Δ⁺ ≤ 0 and in the end cells unless periodic. `lim`: 0 minmod, 1 MC, 2 van Leer.
 */
function slopesWithPartials1D(u: Float64Array, s: Float64Array, da: Float64Array, db: Float64Array, lim: number, periodic: boolean): void {
  const n = u.length;
  if (periodic) {
    limitedWithPartials(u[0]! - u[n - 1]!, u[1]! - u[0]!, lim, s, da, db, 0);
    limitedWithPartials(u[n - 1]! - u[n - 2]!, u[0]! - u[n - 1]!, lim, s, da, db, n - 1);
  } else s[0] = s[n - 1] = da[0] = db[0] = da[n - 1] = db[n - 1] = 0;
  // the interior with the two differences carried: one load per cell
  let b = u[1]! - u[0]!;
  for (let i = 1; i < n - 1; i++) {
    const a = b;
    b = u[i + 1]! - u[i]!;
    if (a * b <= 0) s[i] = da[i] = db[i] = 0;
    else if (lim === 2) {
      s[i] = (2 * a * b) / (a + b);
      const r = b / (a + b);
      da[i] = 2 * r * r;
      db[i] = 2 * (1 - r) * (1 - r);
    } else limitedWithPartials(a, b, lim, s, da, db, i);
  }
}

/** One cell of {@link slopesWithPartials1D}: s_i = φ(a, b) and its partials. */
function limitedWithPartials(a: number, b: number, lim: number, s: Float64Array, da: Float64Array, db: Float64Array, i: number): void {
  if (a * b <= 0) {
    s[i] = da[i] = db[i] = 0;
  } else if (lim === 0) {
    const left = Math.abs(a) < Math.abs(b);
    s[i] = left ? a : b;
    da[i] = left ? 1 : 0;
    db[i] = left ? 0 : 1;
  } else if (lim === 1) {
    const P = 2 * Math.abs(a),
      Q = 2 * Math.abs(b),
      R = 0.5 * Math.abs(a + b);
    const m = Math.min(P, Q, R);
    s[i] = a > 0 ? m : -m;
    if (P <= Q && P <= R) (da[i] = 2), (db[i] = 0);
    else if (Q <= R) (da[i] = 0), (db[i] = 2);
    else da[i] = db[i] = 0.5;
  } else {
    s[i] = (2 * a * b) / (a + b);
    const r = b / (a + b);
    da[i] = 2 * r * r;
    db[i] = 2 * (1 - r) * (1 - r);
  }
}

/**
 * lamU += (∂s_i/∂u)ᵀ gs for the limited slope s_i = φ(u_i − u_im, u_ip − u_i) of one cell
 * (`stridedSlopes`; `lim`: 0 minmod, 1 MC, 2 van Leer), in the branch the forward pass took:
 * minmod and MC differentiate the selected argument, van Leer 2ab/(a+b) is smooth where ab > 0;
 * s = 0 where ab ≤ 0 (a constant: no contribution).
 */
function slopeVjpAt(u: Float64Array, lamU: Float64Array, i: number, im: number, ip: number, gs: number, lim: number): void {
  const a = u[i]! - u[im]!,
    b = u[ip]! - u[i]!;
  if (gs === 0 || a * b <= 0) return;
  let ga: number, gb: number;
  if (lim === 0) {
    const left = Math.abs(a) < Math.abs(b);
    ga = left ? gs : 0;
    gb = left ? 0 : gs;
  } else if (lim === 1) {
    const P = 2 * Math.abs(a),
      Q = 2 * Math.abs(b),
      R = 0.5 * Math.abs(a + b);
    if (P <= Q && P <= R) (ga = 2 * gs), (gb = 0);
    else if (Q <= R) (ga = 0), (gb = 2 * gs);
    else ga = gb = 0.5 * gs;
  } else {
    // ∂s/∂a = 2(b/(a+b))², ∂s/∂b = 2(a/(a+b))²: the ratios lie in (0, 1) for ab > 0, so tails of
    // size 1e-160 (where (a+b)² underflows while ab does not) give no 0·∞
    const r = b / (a + b),
      q = a / (a + b);
    ga = 2 * gs * r * r;
    gb = 2 * gs * q * q;
  }
  lamU[i] += ga - gb;
  lamU[im] -= ga;
  lamU[ip] += gb;
}
