/**
 * `fokkerPlanckGradient`: the gradient of a density loss through the 1-D Fokker–Planck solver, by the
 * exact discrete adjoint of the Chang–Cooper scheme and its time integrators.
 *
 * One step of every integrator reads M f^{n+1} = P f^n with M = I - r_i Ã, P = I + r_e Ã, where
 * Ã = Δx² A is the Chang–Cooper operator, (Ã g)_i = J_i - J_{i+1}, J_f = α_f g_{f-1} - β_f g_f
 * (implicit Euler: r_i = h/Δx², r_e = 0; Crank–Nicolson: r_i = r_e = h/(2Δx²); explicit Euler: r_i = 0,
 * r_e = h/Δx²). The adjoint step is μ = M⁻ᵀ λ^{n+1}, λ^n = Pᵀ μ, and the layer's face weights
 * receive ∂J/∂α_f, ∂J/∂β_f = μᵀ ∂Ã/∂(α_f, β_f) (r_i f^{n+1} + r_e f^n). The weights depend on the
 * parameters through the Bernoulli function of z_f = ∫ a/D (3-point Gauss–Legendre, as assembled) and
 * through D at the cell centres; that chain is differentiated exactly as `changCooperCoefficients`
 * computes it (including its series branch of B near 0).
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "@kinetic-nde/core";
import { borrowWorkspace, DEFAULT_MEMORY_BUDGET, invalidArgument, requirePositive } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import { type DensityObjective, saveTimeLoss } from "@kinetic-nde/mean-field";
import type { Boundary, ChangCooperCoefficients, Diffusion1D } from "./chang-cooper.js";
import { compensatedSum, GL3_NODES, GL3_WEIGHTS, thomasEliminate, thomasFactor, thomasSolveInPlace } from "./internal/numerics.js";
import { subSteps } from "./problem.js";
import {
  applyExplicit,
  type FokkerPlanckOptions,
  type FokkerPlanckProblem,
  fillImplicitMatrix,
  layerCoefficients,
  prepareFokkerPlanck,
} from "./solve-1d.js";

/** Options of {@link fokkerPlanckGradient}: the solver options plus θ_head and the memory budget. */
export interface FokkerPlanckGradientOptions extends Omit<FokkerPlanckOptions, "saveAt"> {
  /**
   * Save times t_s carrying the loss (array, non-decreasing, or a count of evenly spaced times; core's
   * `resolveTimeline` rule). When given, J = Σ_s J_s(f(t_s)) with J_s = `objective.evaluate([f(t_s)], …,
   * { index: s, t: t_s })`, and the final density carries no loss unless T is a save time. The steps land
   * on the save times, as in `solveFokkerPlanck` with the same `saveAt`. Default: none (J on f(T)).
   */
  readonly saveAt?: ArrayLike<number> | number;
  /** θ_head of the objective, default `objective.initialTheta` (empty when `nParams` is 0). */
  readonly theta?: Float64Array;
  /** Bytes for the stored trajectory, default core's DEFAULT_MEMORY_BUDGET (1 GiB); beyond it, checkpointing. */
  readonly memoryBudget?: number;
  /**
   * Derivatives x ↦ ∂D/∂q_j (x) of the diffusion with respect to its own parameters q_j (shared by every
   * layer); `gradD[j]` is then ∂J/∂q_j. Default: none.
   */
  readonly dD?: readonly ((x: number) => number)[];
}

/** Result of {@link fokkerPlanckGradient}. */
export interface FokkerPlanckGradientResult {
  /** J: at the final density, or Σ_s J_s over the save times. */
  readonly loss: number;
  /** J_s of each save time (index of `saveAt`; empty without `saveAt`). */
  readonly lossTerms: Float64Array;
  /** The save times as resolved (empty without `saveAt`). */
  readonly times: Float64Array;
  /** ∂J/∂W (one value per layer, layout of NetworkParams.W for d = 1). */
  readonly gradW: Float64Array;
  /** ∂J/∂b (one value per layer). */
  readonly gradB: Float64Array;
  /** ∂J/∂θ_head (objective.nParams). */
  readonly gradTheta: Float64Array;
  /**
   * ∂J/∂K for the network's constant noise K (length 1) when the diffusion comes from it
   * (D = K²/2, `problem.D` absent); empty otherwise.
   */
  readonly gradK: Float64Array;
  /**
   * ∂J/∂s at s = 1 for the diffusion scaled to s·D(x): for D = κ·d(x), ∂J/∂κ = gradDScale / κ; for a
   * constant D, ∂J/∂D = gradDScale / D.
   */
  readonly gradDScale: number;
  /**
   * ∂J/∂s_k at s_k = 1 for layer k's diffusion scaled to s_k·D^k(x) (one per layer; they sum to
   * `gradDScale`): with D^k = (K^k)²/2, ∂J/∂K^k = 2 gradDScaleLayers[k] / K^k.
   */
  readonly gradDScaleLayers: Float64Array;
  /** ∂J/∂q_j for the parameters of `options.dD` (empty without it). */
  readonly gradD: Float64Array;
  /** Final density (cell averages). */
  readonly f: Float64Array;
  /**
   * `"success"`, `"mass-lost"` (more than `massLossTolerance` of the mass left), or `"non-finite"` (a
   * blow-up or a non-finite loss: gradients zero; or a non-finite ∂J/∂f or gradient).
   */
  readonly status: SolveStatus;
  readonly stats: {
    /** Time steps of the (fixed) step sequence. */
    readonly steps: number;
    /** Stored states (checkpoints and the final state). */
    readonly checkpoints: number;
    /** Steps recomputed from checkpoints during the backward sweep. */
    readonly recomputedSteps: number;
    /** Largest number of bytes held for the trajectory. */
    readonly peakTrajectoryBytes: number;
    /** Factorisations of M (forward and recomputation) and of Mᵀ (backward). */
    readonly factorizations: number;
  };
}

interface Step {
  readonly layer: number;
  readonly h: number;
}

const B_SERIES = 0.1; // the series branch of the assembly's Bernoulli function

/** B'(z) given b = B(z) as the assembly computed it (B(z) = β/c_β): the derivative of each of its branches. */
function bernPrime(z: number, b: number): number {
  if (Math.abs(z) < B_SERIES) {
    const u = z * z;
    return -0.5 + z * (1 / 6 + u * (-4 / 720 + u * (6 / 30240 - (8 * u) / 1209600)));
  }
  // ln B = ln z - ln(e^z - 1) ⇒ B' = B (1 - B - z) / z (for z > 745, where B = z e^{-z}, this is
  // (1 - z) e^{-z} to round-off)
  return (b * (1 - b - z)) / z;
}

/** Cached tridiagonal factors of M (or Mᵀ) for one (layer, h). */
interface Factors {
  layer: number;
  h: number;
  /** The layer's coefficients: `own`, or the cached ones of the layer. */
  coef: ChangCooperCoefficients;
  readonly own: ChangCooperCoefficients;
  readonly lower: Float64Array;
  readonly diag: Float64Array;
  readonly upper: Float64Array;
  readonly cp: Float64Array;
  readonly inv: Float64Array;
}

function createCoefficients(n: number): ChangCooperCoefficients {
  return { alpha: new Float64Array(n + 1), beta: new Float64Array(n + 1), z: new Float64Array(n + 1) };
}

function createFactors(n: number): Factors {
  const a = () => new Float64Array(n);
  const own = createCoefficients(n);
  return {
    layer: -1,
    h: Number.NaN,
    coef: own,
    own,
    lower: a(),
    diag: a(),
    upper: a(),
    cp: a(),
    inv: a(),
  };
}

/** y = g + r Ãᵀ g (Ãᵀ of the Chang–Cooper operator), allocation-free. */
function applyExplicitTranspose(c: ChangCooperCoefficients, n: number, r: number, g: Float64Array, y: Float64Array): void {
  const { alpha, beta } = c;
  for (let j = 0; j < n; j++) {
    let v = -(alpha[j + 1]! + beta[j]!) * g[j]!;
    if (j < n - 1) v += alpha[j + 1]! * g[j + 1]!;
    if (j > 0) v += beta[j]! * g[j - 1]!;
    y[j] = g[j]! + r * v;
  }
}

/**
 * Gradient of J(f(T); θ_head) — or of J = Σ_s J_s(f(t_s); θ_head) over save times — with respect to every layer's w_k, b_k, the noise K (or a scale of D, in all and per layer), the
 * diffusion's own parameters (`dD`) and θ_head, by the exact discrete adjoint of the 1-D Fokker–Planck solver (Chang–Cooper fluxes with
 * constant or variable D; implicit Euler, Crank–Nicolson or explicit Euler; every boundary).
 *
 * @param problem - as for `solveFokkerPlanck`
 * @param objective - the loss on the final density (mean-field's DensityObjective; one density), or each
 *   term J_s when `saveAt` is given (its `evaluate` then receives `{ index, t }` of the save time)
 * @param options - solver options, `saveAt` (the save times carrying the loss), `theta`, `memoryBudget`,
 *   `dD` (∂D/∂q_j of the diffusion's parameters)
 * @returns `{ loss, lossTerms, times, gradW, gradB, gradTheta, gradK, gradDScale, gradDScaleLayers, gradD, f, status, stats }`
 * @throws KineticError INVALID_ARGUMENT (bad problem, options, objective or theta, bad `saveAt`),
 *   TOO_LARGE (more than `maxSteps` steps, or a trajectory beyond `memoryBudget` even with
 *   checkpointing), UNSTABLE (explicit Euler above its bound), SHAPE_MISMATCH (network.d ≠ 1, a per-layer D of another length)
 * @remarks
 * What is differentiated is the discrete solve: the step sequence (segments of the layer timeline cut
 * into equal steps no longer than dt, with dt given or chosen by the solver's rule at the given
 * parameters) is held fixed — Δt does not depend on the parameters. ReLU-type activations are
 * differentiated on the branch the forward pass took (a one-sided derivative at a kink), and so are
 * the outflow walls' upwind switch (a(x) > 0 or < 0) and the series/closed-form branches of B.
 * The forward pass uses plain LU (Thomas) solves; `solveFokkerPlanck`'s implicit Euler fuses LU and UL
 * sweeps, so the final densities agree to round-off, not bit for bit.
 * Cost: one forward solve plus one backward sweep (a transposed tridiagonal solve per step) and one
 * pass over the faces per layer. Memory: one state per step; beyond `memoryBudget`, every k-th state
 * is stored and the segments between are recomputed (the gradients are bit-identical).
 * @example
 * ```ts
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * import type { DensityObjective } from "@kinetic-nde/mean-field";
 * const network = createScalarNetwork({ sigma: "tanh", w: [-1, 0.5], b: [0.2, 0], T: 1, K: 0.6 });
 * const grid = createGrid1D(-4, 4, 80);
 * const l2: DensityObjective = {
 *   nParams: 0,
 *   evaluate(f, _g, _t, gradF) {
 *     let J = 0;
 *     f[0]!.forEach((v, i) => { J += 0.5 * v * v; if (gradF) gradF[0]![i] = v; });
 *     return J;
 *   },
 * };
 * const r = fokkerPlanckGradient({ network, grid, f0: (x) => Math.exp(-x * x) }, l2, { dt: 0.05 });
 * console.log(r.loss, r.gradW, r.gradB, r.gradK);
 * // the same loss at t = 0.5 and at T: J = J(f(0.5)) + J(f(1))
 * const r2 = fokkerPlanckGradient({ network, grid, f0: (x) => Math.exp(-x * x) }, l2, { dt: 0.05, saveAt: [0.5, 1] });
 * console.log(r2.lossTerms, r2.loss);
 * // D(x) = q₀ + q₁ x² with ∂J/∂q by `dD`; one diffusion per layer with ∂J/∂(scale of D^k)
 * const r3 = fokkerPlanckGradient({ network, grid, f0: (x) => Math.exp(-x * x), D: (x) => 0.2 + 0.1 * x * x }, l2, {
 *   dt: 0.05,
 *   dD: [() => 1, (x) => x * x],
 * });
 * const r4 = fokkerPlanckGradient({ network, grid, f0: (x) => Math.exp(-x * x), D: [0.3, 0.1] }, l2, { dt: 0.05 });
 * console.log(r3.gradD, r4.gradDScaleLayers);
 * ```
 */
export function fokkerPlanckGradient(
  problem: FokkerPlanckProblem,
  objective: DensityObjective,
  options: FokkerPlanckGradientOptions = {},
): FokkerPlanckGradientResult {
  if (typeof objective !== "object" || objective === null || typeof objective.evaluate !== "function")
    throw invalidArgument("objective", "a DensityObjective", objective);
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const { theta: thetaOpt, memoryBudget: budgetOpt, dD: dDOpt, ...rest } = options;
  const dD = dDOpt === undefined ? [] : dDOpt;
  if (!Array.isArray(dD)) throw invalidArgument("options.dD", "an array of functions x => ∂D/∂q_j (x)", dD);
  dD.forEach((fn, j) => {
    if (typeof fn !== "function") throw invalidArgument(`options.dD[${j}]`, "a function x => ∂D/∂q_j (x)", fn);
  });
  const prep = prepareFokkerPlanck(problem, rest);
  const { network, grid, D, method, left, right, tl, massTol, dt } = prep;
  const budget = budgetOpt === undefined ? DEFAULT_MEMORY_BUDGET : requirePositive("memoryBudget", budgetOpt);
  const theta = thetaOpt ?? objective.initialTheta ?? new Float64Array(0);
  if (!(theta instanceof Float64Array) || theta.length !== objective.nParams)
    throw invalidArgument("theta", `a Float64Array of length objective.nParams = ${objective.nParams}`, theta);
  const n = grid.n;
  const dx = grid.dx;
  const dx2 = dx * dx;

  // the step sequence, fixed by the forward rule
  const steps: Step[] = [];
  let t = 0;
  const hasSaves = rest.saveAt !== undefined;
  // save indices [from, to) reached at each state index (state s: after s steps)
  const savesAt = new Map<number, readonly [number, number]>();
  if (tl.initialSaves > 0) savesAt.set(0, [0, tl.initialSaves]);
  for (const seg of tl.segments) {
    const span = seg.t1 - t;
    const m = subSteps(span, dt);
    for (let s = 0; s < m; s++) steps.push({ layer: seg.layer, h: span / m });
    if (seg.saveTo > seg.saveFrom) savesAt.set(steps.length, [seg.saveFrom, seg.saveTo]);
    t = seg.t1;
  }
  const N = steps.length;
  const stateBytes = 8 * n;
  // the face coefficients of every layer are kept (assembled once) when they take at most half the budget
  const layersUsed = new Set(steps.map((st) => st.layer)).size;
  const coefBytes = layersUsed * 3 * (n + 1) * 8;
  const cacheCoefs = coefBytes <= budget / 2;
  const trajBudget = cacheCoefs ? budget - coefBytes : budget;
  // checkpoint interval k: ceil(N/k) + 1 stored states and k + 1 work states (k - 1 recomputed, 2 rolling) must fit
  let k = 1;
  const need = (kk: number) => (Math.ceil(N / kk) + 1 + (kk > 1 ? kk + 1 : 0)) * stateBytes;
  let least = need(1);
  while (need(k) > trajBudget && k < N) {
    k *= 2;
    least = Math.min(least, need(k));
  }
  if (need(k) > trajBudget)
    throw new KineticError(
      "TOO_LARGE",
      `too large: the trajectory of ${N} steps needs at least ${least} bytes with checkpointing; \`memoryBudget\` is ${budget}`,
      { details: { argument: "memoryBudget", value: budget, estimate: least, unit: "bytes" } },
    );

  const implicit = method !== "explicit-euler";
  const theta_i = method === "implicit-euler" ? 1 : method === "crank-nicolson" ? 0.5 : 0;
  const theta_e = 1 - theta_i;
  let factorizations = 0;
  const fwd = createFactors(n);
  const bwd = createFactors(n);
  const cache = new Map<number, ChangCooperCoefficients>();
  const setLayer = (F: Factors, layer: number): void => {
    if (F.layer !== layer) {
      let c = cache.get(layer);
      if (c === undefined) {
        c = cacheCoefs ? createCoefficients(n) : F.own;
        layerCoefficients(network, layer, grid, D[layer]!, left, right, c);
        if (cacheCoefs) cache.set(layer, c);
      }
      F.coef = c;
      F.layer = layer;
      F.h = Number.NaN;
    }
  };
  const factorFwd = (st: Step): void => {
    setLayer(fwd, st.layer);
    if (implicit && fwd.h !== st.h) {
      fillImplicitMatrix(fwd.coef, n, (theta_i * st.h) / dx2, fwd.lower, fwd.diag, fwd.upper);
      thomasFactor(n, fwd.lower, fwd.diag, fwd.upper, fwd.cp, fwd.inv);
      factorizations++;
      fwd.h = st.h;
    }
  };
  /** out = one step from u (u is not modified). */
  const advance = (u: Float64Array, out: Float64Array, st: Step): void => {
    factorFwd(st);
    if (theta_e > 0) applyExplicit(fwd.coef, n, (theta_e * st.h) / dx2, u, out);
    else out.set(u);
    if (implicit) thomasSolveInPlace(n, fwd.lower, fwd.cp, fwd.inv, out);
  };

  // forward: checkpoints every k steps, and the final state
  // (states 0, k, 2k, … below N, and N, in one buffer; the steps between run in two work buffers)
  const nStored = Math.ceil(N / k) + 1;
  // in a buffer kept between calls (memory new to the process costs a page fault per page)
  const ws = borrowWorkspace("fokker-planck-trajectory", nStored * n);
  try {
    const store = ws.data;
    const checkpoints: Float64Array[] = [store.subarray(0, n)];
    checkpoints[0]!.set(prep.f);
    const rolling = k > 1 ? [new Float64Array(n), new Float64Array(n)] : [];
    let u = checkpoints[0]!;
    for (let s = 0; s < N; s++) {
      const keep = (s + 1) % k === 0 || s + 1 === N;
      const o = keep ? store.subarray(checkpoints.length * n, (checkpoints.length + 1) * n) : rolling[s & 1]!;
      advance(u, o, steps[s]!);
      if (keep) checkpoints.push(o);
      u = o;
    }
    const fT = u.slice();
    const massInitial = compensatedSum(prep.f) * dx;
    const massFinal = compensatedSum(fT) * dx;
    const gradW = new Float64Array(network.W.length);
    const gradB = new Float64Array(network.b.length);
    const gradTheta = new Float64Array(objective.nParams);
    const fromNoise = problem.D === undefined && network.noise?.kind === "constant";
    const gradK = new Float64Array(fromNoise ? 1 : 0);
    const gradDScaleLayers = new Float64Array(network.nLayers);
    const gradD = new Float64Array(dD.length);
    const stats = (recomputed: number) => ({
      steps: N,
      checkpoints: checkpoints.length,
      recomputedSteps: recomputed,
      peakTrajectoryBytes: (checkpoints.length + (k > 1 ? k + 1 : 0)) * stateBytes + (cacheCoefs ? coefBytes : 0),
      factorizations,
    });
    const times = tl.saveAt;
    const lossTerms = new Float64Array(times.length);
    const result = (loss: number, gradDScale: number, status: SolveStatus, recomputed: number): FokkerPlanckGradientResult => ({
      loss,
      lossTerms,
      times,
      gradW,
      gradB,
      gradTheta,
      gradK,
      gradDScale,
      gradDScaleLayers,
      gradD,
      f: fT,
      status,
      stats: stats(recomputed),
    });
    const fail = (loss: number) => result(loss, 0, "non-finite", 0);
    if (!Number.isFinite(massFinal)) return fail(Number.NaN);
    let lam = new Float64Array(n);
    // the loss: at T now (with save times, the terms at T), and the terms of the other save times as the
    // backward sweep reaches their states
    const terms = saveTimeLoss(objective, grid, theta, { savesAt, times, hasSaves, steps: N }, lossTerms, gradTheta, {
      densities: 1,
      cells: n,
    });
    let loss = terms.final([fT], [lam]);
    if (!hasSaves && !Number.isFinite(loss)) return fail(loss);
    let status: SolveStatus = "success";
    if (massInitial - massFinal > massTol * Math.max(massInitial, Number.MIN_VALUE)) status = "mass-lost";

    // backward sweep: gα, gβ accumulate ∂J/∂α_f, ∂J/∂β_f of the current layer
    const ga = new Float64Array(n + 1);
    const gb = new Float64Array(n + 1);
    // λ^n = Pᵀ μ is written into `spare`, and the two buffers swap
    let spare = new Float64Array(n);
    let gradScale = 0;
    const flush = (layer: number): void => {
      if (layer < 0) return;
      setLayer(bwd, layer);
      const w = network.W[layer]!;
      const bias = network.b[layer]!;
      const [gw, gbias, gs] = faceChain(bwd.coef, ga, gb, w, bias, network.sigma, grid, D[layer]!, left, right);
      gradW[layer] += gw;
      gradB[layer] += gbias;
      gradScale += gs;
      gradDScaleLayers[layer] += gs;
      if (dD.length > 0) faceChainDiffusion(bwd.coef, ga, gb, w, bias, network.sigma, grid, D[layer]!, left, right, dD, gradD);
      ga.fill(0);
      gb.fill(0);
    };
    let gradLayer = -1;
    let recomputed = 0;
    const segBuf = new Float64Array(k > 1 ? (k - 1) * n : 0);
    const nCk = checkpoints.length - 1; // the last one is f(T)
    for (let ci = nCk - 1; ci >= 0; ci--) {
      const s0 = ci * k;
      const s1 = Math.min(N, s0 + k);
      // states s0..s1 (s1 is the next checkpoint)
      const seg: Float64Array[] = [checkpoints[ci]!];
      for (let s = s0 + 1; s < s1; s++) {
        const o = segBuf.subarray((s - s0 - 1) * n, (s - s0) * n);
        advance(seg[seg.length - 1]!, o, steps[s - 1]!);
        seg.push(o);
        recomputed++;
      }
      seg.push(checkpoints[ci + 1]!);
      for (let s = s1 - 1; s >= s0; s--) {
        const st = steps[s]!;
        if (st.layer !== gradLayer) {
          flush(gradLayer);
          gradLayer = st.layer;
        }
        setLayer(bwd, st.layer);
        const fn = seg[s - s0]!;
        const fn1 = seg[s - s0 + 1]!;
        // μ = M⁻ᵀ λ, in place
        if (implicit) {
          if (bwd.h !== st.h) {
            fillImplicitMatrix(bwd.coef, n, (theta_i * st.h) / dx2, bwd.lower, bwd.diag, bwd.upper);
            transposeBands(n, bwd.lower, bwd.upper);
            thomasFactor(n, bwd.lower, bwd.diag, bwd.upper, bwd.cp, bwd.inv);
            factorizations++;
            bwd.h = st.h;
          }
        }
        // μᵀ ∂Ã/∂(α, β) g on the state the operator acts on, g = r_i f^{n+1} + r_e f^n (linear in g);
        // implicit: fused with the back substitution of the solve
        const ri = (theta_i * st.h) / dx2;
        const re = (theta_e * st.h) / dx2;
        if (implicit) solveTransposedAccumulate(n, bwd.lower, bwd.cp, bwd.inv, lam, fn1, ri, re > 0 ? fn : null, re, ga, gb);
        else if (re > 0) accumulate(lam, fn, re, 1, n, 0, 1, ga, gb);
        // λ^n = Pᵀ μ
        if (theta_e > 0) {
          applyExplicitTranspose(bwd.coef, n, re, lam, spare);
          const t = lam;
          lam = spare;
          spare = t;
        }
        if (hasSaves) terms.seed(s, [fn], [lam]);
      }
    }
    flush(gradLayer);
    if (fromNoise && network.noise?.kind === "constant") {
      const K = network.noise.K[0]!;
      gradK[0] = (2 * gradScale) / K; // D = K²/2: ∂D/∂K = K = 2D/K, ∂J/∂D = gradScale/D
    }
    // a non-finite seed ∂J/∂f or an overflow in the sweep is not reported as a success
    if (hasSaves) {
      loss = 0;
      for (const v of lossTerms) loss += v;
    }
    let finite = Number.isFinite(gradScale) && Number.isFinite(loss);
    for (const v of gradW) finite &&= Number.isFinite(v);
    for (const v of gradB) finite &&= Number.isFinite(v);
    for (const v of gradTheta) finite &&= Number.isFinite(v);
    for (const v of gradD) finite &&= Number.isFinite(v);
    if (!finite) status = "non-finite";
    return result(loss, gradScale, status, recomputed);
  } finally {
    ws.release();
  }
}

/**
 * μ ← M⁻ᵀ μ with a factorisation of Mᵀ from `thomasFactor` (the operations of `thomasSolveInPlace`),
 * and with each μ_i, as the back substitution produces it, the face terms of {@link accumulate} for
 * g1 (weight r1) and, when given, g0 (weight r0): one pass instead of three, the same numbers.
 * @internal
 */
export function solveTransposedAccumulate(
  n: number,
  lw: Float64Array,
  cp: Float64Array,
  inv: Float64Array,
  mu: Float64Array,
  g1: Float64Array,
  r1: number,
  g0: Float64Array | null,
  r0: number,
  ga: Float64Array,
  gb: Float64Array,
): void {
  thomasEliminate(n, lw, inv, mu);
  // face n (right of the last cell), then faces i + 1 as μ_i becomes known, then face 0
  let next = mu[n - 1]!;
  ga[n] -= next * (r1 * g1[n - 1]!);
  if (g0 !== null) ga[n] -= next * (r0 * g0[n - 1]!);
  for (let i = n - 2; i >= 0; i--) {
    const m = mu[i]! - cp[i]! * next;
    mu[i] = m;
    const d = next - m;
    ga[i + 1] += d * (r1 * g1[i]!);
    gb[i + 1] -= d * (r1 * g1[i + 1]!);
    if (g0 !== null) {
      ga[i + 1] += d * (r0 * g0[i]!);
      gb[i + 1] -= d * (r0 * g0[i + 1]!);
    }
    next = m;
  }
  gb[0] -= next * (r1 * g1[0]!);
  if (g0 !== null) gb[0] -= next * (r0 * g0[0]!);
}

/** Turn the bands of a tridiagonal M into those of Mᵀ in place: Mᵀ_{i,i-1} = M_{i-1,i}, Mᵀ_{i,i+1} = M_{i+1,i}. @internal */
export function transposeBands(n: number, lower: Float64Array, upper: Float64Array): void {
  let prevUpper = 0;
  for (let i = 0; i < n; i++) {
    const u = upper[i]!;
    upper[i] = i + 1 < n ? lower[i + 1]! : 0;
    lower[i] = prevUpper;
    prevUpper = u;
  }
}

/**
 * Chain ∂J/∂α_f, ∂J/∂β_f of one line of faces with velocity σ(w x + b) to (∂J/∂w, ∂J/∂b, ∂J/∂s),
 * differentiating the assembly of `changCooperCoefficients` face by face. @internal
 */
export function faceChain(
  c: ChangCooperCoefficients,
  ga: Float64Array,
  gb: Float64Array,
  w: number,
  b: number,
  sigma: { readonly sigma: (z: number) => number; readonly dsigma: (z: number) => number },
  grid: Grid1D,
  D: Diffusion1D,
  left: Boundary,
  right: Boundary,
): [number, number, number] {
  const n = grid.n;
  const { xMin, xMax, dx } = grid;
  const { alpha, beta, z } = c;
  const Dat = (x: number) => (typeof D === "number" ? D : D(x));
  let gw = 0;
  let gbias = 0;
  let gs = 0;
  /** Add gz · ∂z/∂(w, b) for z = ∫_{x0}^{x1} σ(w y + b)/D(y) dy by 3-point Gauss–Legendre. */
  const zChain = (gz: number, x0: number, x1: number): void => {
    if (gz === 0) return;
    const m = 0.5 * (x0 + x1);
    const r = 0.5 * (x1 - x0);
    let sw = 0;
    let sb = 0;
    for (let q = 0; q < 3; q++) {
      const x = m + r * GL3_NODES[q]!;
      const ds = (GL3_WEIGHTS[q]! * sigma.dsigma(w * x + b)) / Dat(x);
      sw += ds * x;
      sb += ds;
    }
    gw += gz * r * sw;
    gbias += gz * r * sb;
  };
  /** α = cα B(-z), β = cβ B(z), with cα, cβ ∝ D (z ∝ 1/D under D → sD). */
  const bernoulliFace = (f: number, cAlpha: number, cBeta: number, x0: number, x1: number): void => {
    const zf = z[f]!;
    // B(∓z) recovered from the assembled weights (no second exponential)
    const bpm = cAlpha > 0 ? bernPrime(-zf, alpha[f]! / cAlpha) : 0;
    const bpp = cBeta > 0 ? bernPrime(zf, beta[f]! / cBeta) : 0;
    const gz = -ga[f]! * cAlpha * bpm + gb[f]! * cBeta * bpp;
    zChain(gz, x0, x1);
    // ∂/∂s at s = 1: α(s) = s cα B(-z/s) → α + cα B'(-z) z; β(s) = s cβ B(z/s) → β - cβ B'(z) z
    gs += ga[f]! * (alpha[f]! + cAlpha * bpm * zf) + gb[f]! * (beta[f]! - cBeta * bpp * zf);
  };
  // left wall (face 0)
  if (left === "outflow") {
    const zL = w * xMin + b;
    if (sigma.sigma(zL) < 0) {
      const d = -sigma.dsigma(zL) * dx * gb[0]!; // β_0 = -σ(w xMin + b) Δx
      gw += d * xMin;
      gbias += d;
    }
  } else if (left === "absorbing") {
    bernoulliFace(0, 0, 2 * Dat(xMin + 0.5 * dx), xMin, xMin + 0.5 * dx);
  }
  if (right === "outflow") {
    const zR = w * xMax + b;
    if (sigma.sigma(zR) > 0) {
      const d = sigma.dsigma(zR) * dx * ga[n]!; // α_n = σ(w xMax + b) Δx
      gw += d * xMax;
      gbias += d;
    }
  } else if (right === "absorbing") {
    bernoulliFace(n, 2 * Dat(xMin + (n - 0.5) * dx), 0, xMax - 0.5 * dx, xMax);
  }
  // interior faces: bernoulliFace and zChain written out (the hot loop of the backward sweep)
  const ds = sigma.dsigma;
  const n0 = GL3_NODES[0]!;
  const n1 = GL3_NODES[1]!;
  const n2 = GL3_NODES[2]!;
  const q0 = GL3_WEIGHTS[0]!;
  const q1 = GL3_WEIGHTS[1]!;
  const q2 = GL3_WEIGHTS[2]!;
  const constD = typeof D === "number";
  let Dl = Dat(xMin + 0.5 * dx);
  for (let f = 1; f < n; f++) {
    const x0 = xMin + (f - 0.5) * dx;
    const x1 = x0 + dx;
    const Dr = constD ? Dl : Dat(x1);
    const gaf = ga[f]!;
    const gbf = gb[f]!;
    if (gaf !== 0 || gbf !== 0) {
      const zf = z[f]!;
      const af = alpha[f]!;
      const bf = beta[f]!;
      const bpm = bernPrime(-zf, af / Dl);
      const bpp = bernPrime(zf, bf / Dr);
      const gz = -gaf * Dl * bpm + gbf * Dr * bpp;
      gs += gaf * (af + Dl * bpm * zf) + gbf * (bf - Dr * bpp * zf);
      const m = 0.5 * (x0 + x1);
      const r = 0.5 * (x1 - x0);
      const xa = m + r * n0;
      const xb = m + r * n1;
      const xc = m + r * n2;
      let da = q0 * ds(w * xa + b);
      let db = q1 * ds(w * xb + b);
      let dc = q2 * ds(w * xc + b);
      if (constD) {
        da /= Dl;
        db /= Dl;
        dc /= Dl;
      } else {
        da /= Dat(xa);
        db /= Dat(xb);
        dc /= Dat(xc);
      }
      const gr = gz * r;
      gw += gr * (da * xa + db * xb + dc * xc);
      gbias += gr * (da + db + dc);
    }
    Dl = Dr;
  }
  return [gw, gbias, gs];
}

/**
 * Chain ∂J/∂α_f, ∂J/∂β_f of one line of faces to ∂J/∂q_j for D's parameters q_j, given ∂D/∂q_j = dD[j]
 * (added into `out`). A face's weights are α_f = c_α B(-z_f), β_f = c_β B(z_f) with c_α, c_β the D of
 * the cells beside it (twice it at an absorbing wall) and z_f = ∫ σ(w y + b)/D(y) dy between their
 * centres (3-point Gauss–Legendre, as assembled), so a perturbation δD moves c_α, c_β by δD at the
 * centres and z_f by -∫ σ δD / D². Outflow and zero-flux walls do not depend on D. @internal
 */
export function faceChainDiffusion(
  c: ChangCooperCoefficients,
  ga: Float64Array,
  gb: Float64Array,
  w: number,
  b: number,
  sigma: { readonly sigma: (z: number) => number },
  grid: Grid1D,
  D: Diffusion1D,
  left: Boundary,
  right: Boundary,
  dD: readonly ((x: number) => number)[],
  out: Float64Array,
): void {
  const { n, xMin, xMax, dx } = grid;
  const { alpha, beta, z } = c;
  const m = dD.length;
  const Dat = (x: number) => (typeof D === "number" ? D : D(x));
  const dir = (j: number, x: number): number => {
    const v = dD[j]!(x);
    if (!Number.isFinite(v)) throw invalidArgument(`options.dD[${j}]`, "finite at every point of the domain", { x, value: v });
    return v;
  };
  const xq = new Float64Array(3);
  const cq = new Float64Array(3);
  /** Face f: c_α = kA D(xA), c_β = kB D(xB), z over [x0, x1]. */
  const face = (f: number, kA: number, xA: number, kB: number, xB: number, x0: number, x1: number): void => {
    const gaf = ga[f]!;
    const gbf = gb[f]!;
    if (gaf === 0 && gbf === 0) return;
    const zf = z[f]!;
    const DA = kA > 0 ? Dat(xA) : 0;
    const DB = kB > 0 ? Dat(xB) : 0;
    const bpm = kA > 0 ? bernPrime(-zf, alpha[f]! / (kA * DA)) : 0;
    const bpp = kB > 0 ? bernPrime(zf, beta[f]! / (kB * DB)) : 0;
    const gz = -gaf * kA * DA * bpm + gbf * kB * DB * bpp;
    const mid = 0.5 * (x0 + x1);
    const r = 0.5 * (x1 - x0);
    // gz · ∂z/∂D(x_q) at the three nodes, and the weights' ∂/∂D at the two centres (shared by every j)
    for (let q = 0; q < 3; q++) {
      xq[q] = mid + r * GL3_NODES[q]!;
      const Dq = Dat(xq[q]!);
      cq[q] = (-gz * r * GL3_WEIGHTS[q]! * sigma.sigma(w * xq[q]! + b)) / (Dq * Dq);
    }
    const cA = kA > 0 ? (gaf * alpha[f]!) / DA : 0;
    const cB = kB > 0 ? (gbf * beta[f]!) / DB : 0;
    for (let j = 0; j < m; j++) {
      let v = cq[0]! * dir(j, xq[0]!) + cq[1]! * dir(j, xq[1]!) + cq[2]! * dir(j, xq[2]!);
      if (kA > 0) v += cA * dir(j, xA);
      if (kB > 0) v += cB * dir(j, xB);
      out[j] += v;
    }
  };
  if (left === "absorbing") face(0, 0, 0, 2, xMin + 0.5 * dx, xMin, xMin + 0.5 * dx);
  if (right === "absorbing") face(n, 2, xMin + (n - 0.5) * dx, 0, 0, xMax - 0.5 * dx, xMax);
  for (let f = 1; f < n; f++) {
    const x0 = xMin + (f - 0.5) * dx;
    face(f, 1, x0, 1, x0 + dx, x0, x0 + dx);
  }
}

/**
 * For each of `lines` lines of `n` cells (element m of line l at l·lineStride + m·stride), add
 * μᵀ ∂Ã/∂(α_f, β_f) (r g) to ga, gb (line-major, n + 1 faces per line): with
 * μᵀ Ã g = Σ_f (α_f g_{f-1} - β_f g_f)(μ_f - μ_{f-1}), μ_{-1} = μ_n = 0. @internal
 */
export function accumulate(
  mu: Float64Array,
  g: Float64Array,
  r: number,
  lines: number,
  n: number,
  lineStride: number,
  stride: number,
  ga: Float64Array,
  gb: Float64Array,
): void {
  for (let l = 0; l < lines; l++) {
    const base = l * lineStride;
    const o = l * (n + 1);
    let gPrev = 0;
    let muPrev = 0;
    for (let m = 0; m < n; m++) {
      const e = base + m * stride;
      const gm = r * g[e]!;
      const mm = mu[e]!;
      const d = mm - muPrev;
      ga[o + m] += d * gPrev;
      gb[o + m] -= d * gm;
      gPrev = gm;
      muPrev = mm;
    }
    ga[o + n] -= muPrev * gPrev;
  }
}
