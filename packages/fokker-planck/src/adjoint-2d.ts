/**
 * `fokkerPlanckGradient2D`: the gradient of a density loss through the 2-D Fokker–Planck solver
 * (Lie splitting of implicit Chang–Cooper sweeps), by the exact discrete adjoint of the splitting.
 *
 * One step is f* = M_x⁻¹ f^n (one tridiagonal solve per row) and f^{n+1} = M_y⁻¹ f* (one per column).
 * Backwards: μ_y = M_y⁻ᵀ λ^{n+1} per column, the y faces receive μ_yᵀ ∂Ã_y/∂(α, β) (h/Δy²) f^{n+1};
 * μ_x = M_x⁻ᵀ μ_y per row, the x faces receive μ_xᵀ ∂Ã_x/∂(α, β) (h/Δx²) f*, and λ^n = μ_x. The
 * intermediate state f* is recomputed from f^n in the backward sweep (one x sweep per step).
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "@kinetic-nde/core";
import { borrowWorkspace, DEFAULT_MEMORY_BUDGET, invalidArgument, requirePositive } from "@kinetic-nde/core/validate";
import { createGrid1D } from "@kinetic-nde/datasets";
import { type DensityObjective, saveTimeLoss } from "@kinetic-nde/mean-field";
import { accumulate, faceChain, transposeBands } from "./adjoint.js";
import type { ChangCooperCoefficients } from "./chang-cooper.js";
import { compensatedSum, thomasFactor, thomasSolveStrided } from "./internal/numerics.js";
import { subSteps } from "./problem.js";
import { fillImplicitMatrix } from "./solve-1d.js";
import {
  assembleSweepLines,
  createSweepLines,
  type FokkerPlanckOptions2D,
  type FokkerPlanckProblem2D,
  prepareFokkerPlanck2D,
  type SweepLines,
} from "./solve-2d.js";

/** Options of {@link fokkerPlanckGradient2D}: the 2-D solver options plus θ_head and the memory budget. */
export interface FokkerPlanckGradientOptions2D extends Omit<FokkerPlanckOptions2D, "saveAt"> {
  /**
   * Save times t_s carrying the loss (core's `resolveTimeline` rule): J = Σ_s J_s(f(t_s)) with
   * J_s = `objective.evaluate([f(t_s)], …, { index: s, t: t_s })`; f(T) carries no loss unless T is a
   * save time. Default: none (J on f(T)).
   */
  readonly saveAt?: ArrayLike<number> | number;
  /** θ_head of the objective, default `objective.initialTheta` (empty when `nParams` is 0). */
  readonly theta?: Float64Array;
  /** Bytes for the stored trajectory, default core's DEFAULT_MEMORY_BUDGET (1 GiB); beyond it, checkpointing. */
  readonly memoryBudget?: number;
}

/** Result of {@link fokkerPlanckGradient2D}. */
export interface FokkerPlanckGradientResult2D {
  /** J: at the final density, or Σ_s J_s over the save times. */
  readonly loss: number;
  /** J_s of each save time (index of `saveAt`; empty without `saveAt`). */
  readonly lossTerms: Float64Array;
  /** The save times as resolved (empty without `saveAt`). */
  readonly times: Float64Array;
  /** ∂J/∂W (L·4 values, layout of NetworkParams.W: W[4k + 2i + j] is entry (i, j) of layer k). */
  readonly gradW: Float64Array;
  /** ∂J/∂b (L·2 values). */
  readonly gradB: Float64Array;
  /** ∂J/∂θ_head (objective.nParams). */
  readonly gradTheta: Float64Array;
  /**
   * [∂J/∂K₀₀, ∂J/∂K₁₁] for the network's constant diagonal noise K when the diffusion comes from it
   * (D_jj = K_jj²/2, `problem.D` absent); empty otherwise.
   */
  readonly gradK: Float64Array;
  /** [∂J/∂s_x, ∂J/∂s_y] at s = 1 for the diffusions scaled to s_x·D_x(x), s_y·D_y(y). */
  readonly gradDScale: Float64Array;
  /** Final density (nx·ny cell averages, index i·ny + j). */
  readonly f: Float64Array;
  /** `"success"`, `"mass-lost"`, or `"non-finite"` (blow-up, non-finite loss or gradient). */
  readonly status: SolveStatus;
  readonly stats: {
    readonly steps: number;
    readonly checkpoints: number;
    readonly recomputedSteps: number;
    readonly peakTrajectoryBytes: number;
  };
}

interface Step {
  readonly layer: number;
  readonly h: number;
}

/** The two directions' lines, assembled for one (layer, h). */
interface Sweeps {
  readonly x: SweepLines;
  readonly y: SweepLines;
  layer: number;
  h: number;
}

/**
 * Gradient of J(f(T); θ_head) with respect to every entry of every layer's W and b, the diagonal noise
 * K (or scales of D_x, D_y) and θ_head, by the exact discrete adjoint of the 2-D Fokker–Planck solver
 * (implicit Chang–Cooper sweeps in x then y; every boundary).
 *
 * @param problem - as for `solveFokkerPlanck2D`
 * @param objective - the loss on the final density (mean-field's DensityObjective; one density, 2-D
 *   grid), or each term J_s when `saveAt` is given (its `evaluate` then receives `{ index, t }`)
 * @param options - solver options, `saveAt` (the save times carrying the loss), `theta`, `memoryBudget`
 * @returns `{ loss, lossTerms, times, gradW, gradB, gradTheta, gradK, gradDScale, f, status, stats }`
 * @throws KineticError INVALID_ARGUMENT (bad problem, options, objective or theta, bad `saveAt`),
 *   TOO_LARGE (more than `maxSteps` steps, or a trajectory beyond `memoryBudget` even with
 *   checkpointing), SHAPE_MISMATCH (network.d ≠ 2), UNSUPPORTED (non-diagonal noise)
 * @remarks
 * The step sequence (each layer's interval cut into equal steps no longer than dt) is held fixed.
 * ReLU-type activations and the outflow walls' upwind switch are differentiated on the branch the
 * forward pass took. Cost: one forward solve, one recomputed x sweep and two transposed sweeps per step,
 * and one pass over the faces per layer. Memory: one state per step; beyond `memoryBudget`, every k-th
 * state is stored and the segments between are recomputed (the gradients are bit-identical).
 * @example
 * ```ts
 * import { createConstantNetwork } from "@kinetic-nde/core";
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * import type { DensityObjective } from "@kinetic-nde/mean-field";
 * const network = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1, nLayers: 2 });
 * const grid = createGrid2D([-3, 3], [-3, 3], 32);
 * const l2: DensityObjective = {
 *   nParams: 0,
 *   evaluate(f, _g, _t, gradF) {
 *     let J = 0;
 *     f[0]!.forEach((v, i) => { J += 0.5 * v * v; if (gradF) gradF[0]![i] = v; });
 *     return J;
 *   },
 * };
 * const f0 = (x: number, y: number) => Math.exp(-(x * x + y * y));
 * const r = fokkerPlanckGradient2D({ network, grid, f0, D: [0.2, 0.3] }, l2, { dt: 0.05 });
 * console.log(r.loss, r.gradW, r.gradDScale);
 * ```
 */
export function fokkerPlanckGradient2D(
  problem: FokkerPlanckProblem2D,
  objective: DensityObjective,
  options: FokkerPlanckGradientOptions2D = {},
): FokkerPlanckGradientResult2D {
  if (typeof objective !== "object" || objective === null || typeof objective.evaluate !== "function")
    throw invalidArgument("objective", "a DensityObjective", objective);
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const { theta: thetaOpt, memoryBudget: budgetOpt, ...rest } = options;
  const prep = prepareFokkerPlanck2D(problem, rest);
  const { network, grid, Dx, Dy, bx, by, tl, dt, massTol } = prep;
  const budget = budgetOpt === undefined ? DEFAULT_MEMORY_BUDGET : requirePositive("memoryBudget", budgetOpt);
  const theta = thetaOpt ?? objective.initialTheta ?? new Float64Array(0);
  if (!(theta instanceof Float64Array) || theta.length !== objective.nParams)
    throw invalidArgument("theta", `a Float64Array of length objective.nParams = ${objective.nParams}`, theta);
  const { nx, ny, dx, dy } = grid;
  const size = nx * ny;

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
  const stateBytes = 8 * size;
  // fixed costs: two sets of sweep lines (forward and transposed: 6 arrays per direction), the face
  // gradients (at most 3 arrays per direction) and three work states
  const fixedBytes = 15 * 8 * (nx * (ny + 1) + ny * (nx + 1)) + 3 * stateBytes;
  // the face weights of every layer are kept (assembled once) when they take at most a quarter of the budget
  const layersUsed = new Set(steps.map((st) => st.layer)).size;
  const coefPerLayer = 3 * (ny * (nx + 1) + nx * (ny + 1));
  const cacheCoefs = layersUsed * coefPerLayer * 8 <= (budget - fixedBytes) / 4;
  const trajBudget = budget - fixedBytes - (cacheCoefs ? layersUsed * coefPerLayer * 8 : 0);
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
      `too large: the trajectory of ${N} steps needs at least ${least + fixedBytes} bytes with checkpointing; \`memoryBudget\` is ${budget}`,
      { details: { argument: "memoryBudget", value: budget, estimate: least + fixedBytes, unit: "bytes" } },
    );

  const gx = createGrid1D(grid.xMin, grid.xMax, nx);
  const gy = createGrid1D(grid.yMin, grid.yMax, ny);
  const mk = (): Sweeps => ({
    x: createSweepLines(gx, ny, grid.yMin, dy, Dx, bx),
    y: createSweepLines(gy, nx, grid.xMin, dx, Dy, by),
    layer: -1,
    h: Number.NaN,
  });
  const fwd = mk();
  const bwd = mk();
  const nm = Math.max(nx, ny);
  const diagTmp = new Float64Array(nm);
  const upTmp = new Float64Array(nm);
  const s = network.sigma.sigma;
  const W = network.W;
  const B = network.b;
  const cache = new Map<number, Float64Array>();
  // the kept face weights, in a buffer kept between calls (set before the first solve below)
  let cacheSpace: Float64Array = new Float64Array(0);
  const parts = (sw: Sweeps) => [sw.x.alpha, sw.x.beta, sw.x.z, sw.y.alpha, sw.y.beta, sw.y.z];
  const assemble = (sw: Sweeps, st: Step, transposed: boolean): void => {
    if (sw.layer === st.layer && sw.h === st.h) return;
    const kk = st.layer;
    const rx = st.h / (dx * dx);
    const ry = st.h / (dy * dy);
    if (sw.layer !== kk) {
      const c = cache.get(kk);
      if (c !== undefined) {
        let o = 0;
        for (const a of parts(sw)) {
          a.set(c.subarray(o, o + a.length));
          o += a.length;
        }
      } else {
        assembleSweepLines(sw.x, s, W[4 * kk]!, W[4 * kk + 1]!, B[2 * kk]!, rx, diagTmp, upTmp);
        assembleSweepLines(sw.y, s, W[4 * kk + 3]!, W[4 * kk + 2]!, B[2 * kk + 1]!, ry, diagTmp, upTmp);
        if (cacheCoefs) {
          const keep = cacheSpace.subarray(cache.size * coefPerLayer, (cache.size + 1) * coefPerLayer);
          let o = 0;
          for (const a of parts(sw)) {
            keep.set(a, o);
            o += a.length;
          }
          cache.set(kk, keep);
        }
      }
    }
    factorLines(sw.x, rx, transposed, diagTmp, upTmp);
    factorLines(sw.y, ry, transposed, diagTmp, upTmp);
    sw.layer = kk;
    sw.h = st.h;
  };
  const sweepX = (sw: SweepLines, u: Float64Array): void => {
    for (let j = 0; j < ny; j++) thomasSolveStrided(nx, sw.low, sw.cp, sw.inv, j * nx, u, j, ny);
  };
  const sweepY = (sw: SweepLines, u: Float64Array): void => {
    for (let i = 0; i < nx; i++) thomasSolveStrided(ny, sw.low, sw.cp, sw.inv, i * ny, u, i * ny, 1);
  };
  const advance = (u: Float64Array, out: Float64Array, st: Step): void => {
    assemble(fwd, st, false);
    out.set(u);
    sweepX(fwd.x, out);
    sweepY(fwd.y, out);
  };

  // the states 0, k, 2k, … below N and N, two rolling states (k > 1) and the k − 1 recomputed states
  // of a segment, in a buffer kept between calls (memory new to the process costs a page fault per page)
  const nStored = Math.ceil(N / k) + 1;
  const ws = borrowWorkspace("fokker-planck-2d-trajectory", (nStored + (k > 1 ? k + 1 : 0)) * size);
  const cws = borrowWorkspace("fokker-planck-2d-coefficients", cacheCoefs ? layersUsed * coefPerLayer : 0);
  try {
    cacheSpace = cws.data;
    const slot = (i: number): Float64Array => ws.data.subarray(i * size, (i + 1) * size);
    const checkpoints: Float64Array[] = [];
    let u = slot(0);
    u.set(prep.f);
    for (let q = 0; q < N; q++) {
      if (q % k === 0) checkpoints.push(u);
      const o = (q + 1) % k === 0 || q + 1 === N ? slot(checkpoints.length) : slot(nStored + (q & 1));
      advance(u, o, steps[q]!);
      u = o;
    }
    checkpoints.push(u);
    const fT = u.slice();
    const massInitial = compensatedSum(prep.f) * dx * dy;
    const massFinal = compensatedSum(fT) * dx * dy;
    const gradW = new Float64Array(W.length);
    const gradB = new Float64Array(B.length);
    const gradTheta = new Float64Array(objective.nParams);
    const noise = network.noise;
    const fromNoise = problem.D === undefined && noise?.kind === "constant";
    const gradK = new Float64Array(fromNoise ? 2 : 0);
    const gradDScale = new Float64Array(2);
    const stats = (recomputed: number) => ({
      steps: N,
      checkpoints: checkpoints.length,
      recomputedSteps: recomputed,
      peakTrajectoryBytes: (checkpoints.length + (k > 1 ? k + 1 : 0)) * stateBytes + fixedBytes + cache.size * coefPerLayer * 8,
    });
    const times = tl.saveAt;
    const lossTerms = new Float64Array(times.length);
    const fail = (loss: number) => ({
      loss,
      lossTerms,
      times,
      gradW,
      gradB,
      gradTheta,
      gradK,
      gradDScale,
      f: fT,
      status: "non-finite" as const,
      stats: stats(0),
    });
    if (!Number.isFinite(massFinal)) return fail(Number.NaN);
    const lam = new Float64Array(size);
    // the loss: at T now (with save times, the terms at T), and the terms of the other save times as the
    // backward sweep reaches their states
    const terms = saveTimeLoss(objective, grid, theta, { savesAt, times, hasSaves, steps: N }, lossTerms, gradTheta, {
      densities: 1,
      cells: size,
    });
    let loss = terms.final([fT], [lam]);
    if (!hasSaves && !Number.isFinite(loss)) return fail(loss);
    let status: SolveStatus = "success";
    if (massInitial - massFinal > massTol * Math.max(massInitial, Number.MIN_VALUE)) status = "mass-lost";

    // ∂J/∂α, ∂J/∂β of every line of the current layer (line-major, n + 1 faces per line)
    const gaX = new Float64Array(ny * (nx + 1));
    const gbX = new Float64Array(ny * (nx + 1));
    // the x lines are accumulated face-major (face i, row j at i·ny + j: contiguous in memory) and
    // reordered line-major once per layer
    const gaXT = new Float64Array((nx + 1) * ny);
    const gbXT = new Float64Array((nx + 1) * ny);
    const gPrev = new Float64Array(ny);
    const muPrev = new Float64Array(ny);
    const gaY = new Float64Array(nx * (ny + 1));
    const gbY = new Float64Array(nx * (ny + 1));
    const flush = (layer: number): void => {
      if (layer < 0) return;
      // the coefficients do not depend on h: any step length of the layer assembles them
      if (bwd.layer !== layer) assemble(bwd, { layer, h: bwd.h }, true);
      for (let f = 0; f <= nx; f++)
        for (let j = 0; j < ny; j++) {
          gaX[j * (nx + 1) + f] = gaXT[f * ny + j]!;
          gbX[j * (nx + 1) + f] = gbXT[f * ny + j]!;
        }
      const sig = network.sigma;
      const lineChain = (
        sw: SweepLines,
        ga: Float64Array,
        gb: Float64Array,
        own: number,
        other: number,
        bias: number,
        dir: 0 | 1,
      ): void => {
        const n = sw.g.n;
        for (let l = 0; l < sw.lines; l++) {
          const v = sw.otherMin + (l + 0.5) * sw.dOther;
          const o = l * (n + 1);
          const c: ChangCooperCoefficients = {
            alpha: sw.alpha.subarray(o, o + n + 1),
            beta: sw.beta.subarray(o, o + n + 1),
            z: sw.z.subarray(o, o + n + 1),
          };
          const [gOwn, gOff, gs] = faceChain(
            c,
            ga.subarray(o, o + n + 1),
            gb.subarray(o, o + n + 1),
            W[own]!,
            W[other]! * v + B[bias]!,
            sig,
            sw.g,
            sw.D,
            sw.boundary,
            sw.boundary,
          );
          gradW[own] += gOwn;
          gradW[other] += gOff * v;
          gradB[bias] += gOff;
          gradDScale[dir] += gs;
        }
      };
      lineChain(bwd.x, gaX, gbX, 4 * layer, 4 * layer + 1, 2 * layer, 0);
      lineChain(bwd.y, gaY, gbY, 4 * layer + 3, 4 * layer + 2, 2 * layer + 1, 1);
      gaXT.fill(0);
      gbXT.fill(0);
      gaY.fill(0);
      gbY.fill(0);
    };
    const fStar = new Float64Array(size);
    let gradLayer = -1;
    let recomputed = 0;
    const nCk = checkpoints.length - 1;
    for (let ci = nCk - 1; ci >= 0; ci--) {
      const s0 = ci * k;
      const s1 = Math.min(N, s0 + k);
      const seg: Float64Array[] = [checkpoints[ci]!];
      for (let q = s0 + 1; q < s1; q++) {
        const o = slot(nStored + 2 + (q - s0 - 1));
        advance(seg[seg.length - 1]!, o, steps[q - 1]!);
        seg.push(o);
        recomputed++;
      }
      seg.push(checkpoints[ci + 1]!);
      for (let q = s1 - 1; q >= s0; q--) {
        const st = steps[q]!;
        if (st.layer !== gradLayer) {
          flush(gradLayer);
          gradLayer = st.layer;
        }
        // f* = M_x⁻¹ f^n (forward factors)
        assemble(fwd, st, false);
        fStar.set(seg[q - s0]!);
        sweepX(fwd.x, fStar);
        const fn1 = seg[q - s0 + 1]!;
        assemble(bwd, st, true);
        // y: μ_y = M_y⁻ᵀ λ per column, faces of column i see r_y f^{n+1}
        sweepY(bwd.y, lam);
        accumulate(lam, fn1, st.h / (dy * dy), nx, ny, ny, 1, gaY, gbY);
        // x: μ_x = M_x⁻ᵀ μ_y per row, faces of row j see r_x f*
        sweepX(bwd.x, lam);
        accumulateAcross(lam, fStar, st.h / (dx * dx), nx, ny, gaXT, gbXT, gPrev, muPrev);
        if (hasSaves) terms.seed(q, [seg[q - s0]!], [lam]);
      }
    }
    flush(gradLayer);
    if (fromNoise && noise?.kind === "constant") {
      gradK[0] = (2 * gradDScale[0]!) / noise.K[0]!; // D_xx = K₀₀²/2: ∂J/∂K₀₀ = 2 s_x / K₀₀
      gradK[1] = (2 * gradDScale[1]!) / noise.K[3]!;
    }
    if (hasSaves) {
      loss = 0;
      for (const v of lossTerms) loss += v;
    }
    let finite = Number.isFinite(loss);
    for (const arr of [gradW, gradB, gradTheta, gradDScale]) for (const v of arr) finite &&= Number.isFinite(v);
    if (!finite) status = "non-finite";
    return { loss, lossTerms, times, gradW, gradB, gradTheta, gradK, gradDScale, f: fT, status, stats: stats(recomputed) };
  } finally {
    ws.release();
    cws.release();
  }
}

/** Factorise M (or Mᵀ) of every line of `sw` (coefficients already assembled) into its `low`, `cp`, `inv`. */
function factorLines(sw: SweepLines, r: number, transposed: boolean, diagTmp: Float64Array, upTmp: Float64Array): void {
  const n = sw.g.n;
  for (let l = 0; l < sw.lines; l++) {
    const o = l * (n + 1);
    const c: ChangCooperCoefficients = {
      alpha: sw.alpha.subarray(o, o + n + 1),
      beta: sw.beta.subarray(o, o + n + 1),
      z: sw.z.subarray(o, o + n + 1),
    };
    const lo = sw.low.subarray(l * n, (l + 1) * n);
    fillImplicitMatrix(c, n, r, lo, diagTmp, upTmp);
    if (transposed) transposeBands(n, lo, upTmp);
    thomasFactor(n, lo, diagTmp, upTmp, sw.cp.subarray(l * n, (l + 1) * n), sw.inv.subarray(l * n, (l + 1) * n));
  }
}

/**
 * The same as {@link accumulate} for the `lines` lines of stride `lines` (line j, element i at
 * i·lines + j), walking memory contiguously: faces stored face-major (face f of line j at f·lines + j).
 */
function accumulateAcross(
  mu: Float64Array,
  g: Float64Array,
  r: number,
  n: number,
  lines: number,
  gaT: Float64Array,
  gbT: Float64Array,
  gPrev: Float64Array,
  muPrev: Float64Array,
): void {
  gPrev.fill(0);
  muPrev.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * lines;
    for (let j = 0; j < lines; j++) {
      const e = row + j;
      const gm = r * g[e]!;
      const mm = mu[e]!;
      const d = mm - muPrev[j]!;
      gaT[e] += d * gPrev[j]!;
      gbT[e] -= d * gm;
      gPrev[j] = gm;
      muPrev[j] = mm;
    }
  }
  const last = n * lines;
  for (let j = 0; j < lines; j++) gaT[last + j] -= muPrev[j]! * gPrev[j]!;
}
