/**
 * `trainFokkerPlanck`: train a stochastic ResNet at the level of densities — the optimal-control
 * problem for the 1-D Fokker–Planck equation, with exact discrete-adjoint gradients (including the
 * noise level K) and core's optimisation loop.
 * @packageDocumentation
 */
import {
  createNetwork,
  initNetwork,
  isKineticError,
  KineticError,
  minimize,
  type MinimizeOptions,
  type MinimizeResult,
  type NetworkInit,
  type NetworkParams,
  type SolveStatus,
  type StopReason,
  type TrainingHistory,
} from "@kinetic-nde/core";
import { invalidArgument, requireNonNegative, requireOptions, requirePositive } from "@kinetic-nde/core/validate";
import type { Grid1D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { type FokkerPlanckGradientOptions, type FokkerPlanckGradientResult, fokkerPlanckGradient } from "./adjoint.js";
import { type FokkerPlanckProblem, solveFokkerPlanck } from "./solve-1d.js";

/** An initial density: n cell averages ≥ 0 or a function x ↦ f0(x) (as `solveFokkerPlanck`). */
export type FokkerPlanckInitialDensity = FokkerPlanckProblem["f0"];

/** A training problem on densities for the stochastic ResNet (1-D). */
export interface FokkerPlanckTrainingProblem {
  /**
   * Initial parameters (d = 1), or the shape and initialisation to create them (core's `initNetwork`,
   * seeded by `options.seed`). The noise is the network's constant noise K unless `K` is given.
   */
  readonly network: NetworkParams | NetworkInit;
  /** Initial noise level K > 0 (constant, D = K²/2); default the network's constant noise. Needed with a `NetworkInit`. */
  readonly K?: number;
  /** The initial density, or one density per class, transported together by the same field and noise. */
  readonly f0: FokkerPlanckInitialDensity | readonly FokkerPlanckInitialDensity[];
  /** The 1-D grid of the densities. */
  readonly grid: Grid1D;
  /** The loss on the densities at T (mean-field's `l2DensityLoss`, `w1DensityLoss`, `classificationDensityLoss`, …). */
  readonly loss: DensityObjective;
  /** Tikhonov weight λ ≥ 0 of (λ/2) Σ_k |W^k|² + |b^k|² (default 0; neither K nor the loss's own parameters are penalised). */
  readonly lambda?: number;
}

/** Solver options of {@link trainFokkerPlanck}: those of `fokkerPlanckGradient`, without `theta`. */
export type FokkerPlanckSolverOptions = Omit<FokkerPlanckGradientOptions, "theta" | "massTolerance">;

/**
 * Options of {@link trainFokkerPlanck}: core's optimiser options (no mini-batches: the loss is an
 * integral, not a sum over samples), the Fokker–Planck solver's, and how the noise is learned. Every
 * field has a default.
 */
export interface FokkerPlanckTrainOptions extends Omit<MinimizeOptions, "batchSize" | "earlyStopping">, FokkerPlanckSolverOptions {
  /** Learn the noise level K (as log K, so that K stays positive); default true. `false` keeps the network's noise fixed. */
  readonly learnNoise?: boolean;
  /**
   * Smallest noise level K (default 1e-6). A step of the optimiser to a smaller K is refused (a failed
   * step: L-BFGS shortens it, GD and Adam stop), and a run that ends within a factor 2 of this floor
   * after such a step has status `"under-resolved"`: D = K²/2 → 0 degenerates the Chang–Cooper
   * weights and the grid cannot resolve a diffusion that small.
   */
  readonly minNoise?: number;
}

/** Result of {@link trainFokkerPlanck}: the shape of mean-field's `trainDensity` result, plus the learned noise. */
export interface FokkerPlanckTrainResult {
  /** Trained network parameters, with the learned (or fixed) noise as their noise model. */
  readonly params: NetworkParams;
  /** The noise level K of `params` (NaN when the noise is fixed and not a constant). */
  readonly K: number;
  /** Trained parameters θ_head of the loss (e.g. a classification read-out), length `loss.nParams`. */
  readonly head: Float64Array;
  /** Per-epoch history (loss, gradient norm, learning rate). */
  readonly history: TrainingHistory;
  /**
   * `"success"`; `"max-steps"` when `gradTolerance` > 0 was not reached within `epochs`;
   * `"under-resolved"` when the noise was driven to `minNoise`; otherwise the solver's status
   * (`"mass-lost"`, `"non-finite"`, `"unstable"`, `"max-steps"`) at the returned parameters or of the
   * step that ended training (the last good parameters are returned).
   */
  readonly status: SolveStatus;
  /** Densities at T for the returned parameters (one per initial density). */
  readonly f: Float64Array[];
  /** Counts, the reason training ended, and the solver's counts at the returned parameters. */
  readonly stats: {
    readonly epochs: number;
    readonly gradientEvaluations: number;
    readonly lossEvaluations: number;
    readonly initialLoss: number;
    readonly finalLoss: number;
    readonly bestEpoch: number;
    readonly stoppedBy: StopReason;
    /** Time steps of the last solve. */
    readonly steps: number;
    /** Checkpoints of the last adjoint sweep (0 when the last evaluation needed no gradient). */
    readonly checkpoints: number;
    /** Trial steps refused because they took K below `minNoise` or made it overflow. */
    readonly noiseRejections: number;
  };
}

const SOLVER_KEYS = ["method", "dt", "boundary", "safety", "massLossTolerance", "maxSteps", "memoryBudget"] as const;
const LOOP_KEYS = ["optimizer", "learningRate", "schedule", "epochs", "seed", "gradTolerance", "onProgress", "signal"] as const;
const NOISE_KEYS = ["learnNoise", "minNoise"] as const;

function isNetworkParams(n: unknown): n is NetworkParams {
  return (
    typeof n === "object" && n !== null && (n as NetworkParams).W instanceof Float64Array && typeof (n as NetworkParams).sigma === "object"
  );
}

/** One initial density or a list of them (an array of numbers is one density of cell averages). */
function densityList(f0: unknown): readonly FokkerPlanckInitialDensity[] {
  if (Array.isArray(f0) && f0.length > 0 && typeof f0[0] !== "number") return f0 as readonly FokkerPlanckInitialDensity[];
  if (Array.isArray(f0) && f0.length === 0) throw invalidArgument("problem.f0", "a density, or a non-empty list of densities", f0);
  if (f0 === undefined || f0 === null)
    throw invalidArgument("problem.f0", "a density (cell averages or a function), or a list of them", f0);
  return [f0 as FokkerPlanckInitialDensity];
}

/** Solve state at one parameter vector. */
interface Last {
  status: SolveStatus;
  f: Float64Array[];
  steps: number;
  checkpoints: number;
}

/**
 * Train a stochastic ResNet at the level of densities: minimise J[f(T)] over W, b, the noise level K
 * (optional) and the loss's own parameters, f solving the 1-D Fokker–Planck equation
 * ∂_t f + ∂_x(σ(W(t)x + b(t)) f) = ∂_xx(K²/2 · f) from `f0`.
 * @param problem - `{ network, K?, f0, grid, loss, lambda? }`; d = 1, constant noise K
 * @param options - optimiser (`"adam"` default, `"gd"`, `"lbfgs"`), learning rate, schedule, epochs,
 *   seed, gradient tolerance, progress, signal; solver options of `fokkerPlanckGradient` (method, dt,
 *   boundary, safety, massLossTolerance, maxSteps, memoryBudget); `learnNoise` (default true),
 *   `minNoise` (default 1e-6)
 * @returns trained parameters (with the learned noise), K, θ_head, per-epoch history, status, the
 *   densities at T and counts
 * @throws KineticError INVALID_ARGUMENT (bad or unknown options, a bad problem, no constant noise to
 *   learn, K below `minNoise`), UNSUPPORTED (d ≠ 1), TOO_LARGE / UNSTABLE (the solve at the initial
 *   parameters does not fit, or explicit Euler above its bound); the signal's reason when aborted
 * @remarks θ = [W | b | log K | θ_head] (log K only when the noise is learned): the noise is learned
 * through log K, with ∂J/∂log K = K ∂J/∂K from the adjoint, so K stays positive. Each evaluation is
 * one forward solve and one adjoint sweep per initial density (with several densities, one more
 * forward solve each to seed the sweeps, since the loss couples them); L-BFGS evaluates once per
 * line-search trial. The gradient is exact for the discretised problem (the step sequence held fixed;
 * one-sided at ReLU kinks). Once training has started, a solve that fails (non-finite values, a status
 * other than success, too many steps, explicit Euler above its bound) or a K below `minNoise` or
 * overflowing counts as a non-finite loss: L-BFGS shortens the step, GD and Adam stop with the last
 * good parameters and the reason as status. The status is never `"success"` when the solve at the
 * returned parameters is not a success. In log K the gradient K ∂J/∂K vanishes as K → 0: a loss that
 * prefers no noise drives K down ever more slowly (raise `minNoise` to stop such a run earlier, or
 * keep the noise fixed). core's `saveModel` does not store noise models: keep `K`.
 * @example
 * ```ts
 * import { createScalarNetwork } from "@kinetic-nde/core";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * import { l2DensityLoss } from "@kinetic-nde/mean-field";
 * const grid = createGrid1D(-4, 4, 160);
 * const f0 = (x: number) => Math.exp(-2 * (x - 1) ** 2) / Math.sqrt(Math.PI / 2);
 * const truth = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5], b: [0.3, 0], T: 1, K: 0.5 });
 * const target = solveFokkerPlanck({ network: truth, grid, f0 }, { dt: 0.02 }).f;
 * const start = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5], b: [0.3, 0], T: 1, K: 1 });
 * const r = trainFokkerPlanck({ network: start, f0, grid, loss: l2DensityLoss(target) }, { optimizer: "lbfgs", epochs: 30, dt: 0.02 });
 * console.log(r.status, r.K); // K ≈ 0.5
 * ```
 */
export function trainFokkerPlanck(problem: FokkerPlanckTrainingProblem, options: FokkerPlanckTrainOptions = {}): FokkerPlanckTrainResult {
  const t = fokkerPlanckTraining(problem, options);
  return t.finish(minimize(t.evaluate, t.theta0, t.loop));
}

/** The objective of {@link trainFokkerPlanck} and how its result is assembled. @internal */
export interface FokkerPlanckTraining {
  /** θ₀ = [W | b | log K (when learned) | θ_head]. */
  readonly theta0: Float64Array;
  /** J(θ), and ∇J into `grad` when not null: the function `minimize` sees (NaN for a failed solve). */
  readonly evaluate: (theta: Float64Array, grad: Float64Array | null) => number;
  /** The options of `minimize`. */
  readonly loop: MinimizeOptions;
  /** The result from `minimize`'s (whose last evaluation was at its returned θ). */
  readonly finish: (m: MinimizeResult) => FokkerPlanckTrainResult;
}

/** Validate a training problem and build its objective (the layout and checks of {@link trainFokkerPlanck}). @internal */
export function fokkerPlanckTraining(problem: FokkerPlanckTrainingProblem, options: FokkerPlanckTrainOptions = {}): FokkerPlanckTraining {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  requireOptions("problem", problem, ["network", "K", "f0", "grid", "loss", "lambda"]);
  requireOptions("options", options, [...LOOP_KEYS, ...SOLVER_KEYS, ...NOISE_KEYS]);
  const loss = problem.loss;
  if (typeof loss !== "object" || loss === null || typeof loss.evaluate !== "function")
    throw invalidArgument("problem.loss", "a DensityObjective", loss);
  if (typeof problem.grid !== "object" || problem.grid === null || problem.grid.kind !== "1d")
    throw invalidArgument("problem.grid", "a 1-D grid (createGrid1D); trainFokkerPlanck is 1-D", problem.grid);
  if (problem.network === undefined) throw invalidArgument("problem.network", "network parameters or an initialisation", undefined);
  const f0s = densityList(problem.f0);
  const seed = options.seed ?? 0;
  const base = isNetworkParams(problem.network) ? problem.network : initNetwork({ seed, ...(problem.network as NetworkInit) });
  if (base.d !== 1)
    throw new KineticError(
      "UNSUPPORTED",
      `trainFokkerPlanck is 1-D (the adjoint of the 1-D Fokker–Planck solver); got a network with d = ${base.d}`,
    );
  const lambda = requireNonNegative("problem.lambda", problem.lambda ?? 0);
  const learnNoise = options.learnNoise ?? true;
  if (typeof learnNoise !== "boolean") throw invalidArgument("options.learnNoise", "a boolean", learnNoise);
  const minNoise = requirePositive("options.minNoise", options.minNoise ?? 1e-6);
  let K0: number;
  if (problem.K !== undefined) K0 = requirePositive("problem.K", problem.K);
  else if (base.noise?.kind === "constant")
    K0 = Math.abs(base.noise.K[0]!); // D = K²/2: the sign of K is immaterial
  else if (learnNoise)
    throw invalidArgument(
      "problem.K",
      "given (an initial noise level K > 0) when the network has no constant noise and the noise is learned",
      problem.K,
    );
  else K0 = Number.NaN; // the network's own noise model, kept fixed
  if (!Number.isNaN(K0)) {
    if (!(K0 > 0) || !Number.isFinite(K0)) throw invalidArgument("problem.network.noise.K", "a positive finite noise level", K0);
    if (K0 < minNoise)
      throw invalidArgument(problem.K !== undefined ? "problem.K" : "problem.network.noise.K", `at least minNoise = ${minNoise}`, K0);
  }
  const solver: Record<string, unknown> = {};
  const loop: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if ((SOLVER_KEYS as readonly string[]).includes(k)) solver[k] = v;
    else if ((LOOP_KEYS as readonly string[]).includes(k)) loop[k] = v;
  }
  const { memoryBudget: _budget, ...forwardOptions } = solver;
  const L = base.nLayers;
  const nHead = loss.nParams;
  const head0 = loss.initialTheta ?? new Float64Array(nHead);
  if (!(head0 instanceof Float64Array) || head0.length !== nHead)
    throw invalidArgument("problem.loss.initialTheta", `a Float64Array of length loss.nParams = ${nHead}`, head0);
  const nNoise = learnNoise ? 1 : 0;
  const iHead = 2 * L + nNoise;
  const theta0 = new Float64Array(iHead + nHead);
  theta0.set(base.W, 0);
  theta0.set(base.b, L);
  if (learnNoise) theta0[2 * L] = Math.log(K0);
  theta0.set(head0, iHead);
  const grid = problem.grid;
  const C = f0s.length;
  const logMin = Math.log(minNoise);
  const emptyTheta = new Float64Array(0);

  /** The network of θ (noise K, or the base network's noise when it is fixed and not constant). */
  const networkOf = (theta: Float64Array, K: number): NetworkParams =>
    createNetwork({
      sigma: base.sigma,
      d: 1,
      W: theta.subarray(0, L),
      b: theta.subarray(L, 2 * L),
      dt: base.dt,
      ...(Number.isNaN(K) ? (base.noise ? { noise: base.noise } : {}) : { noise: { kind: "constant", K: Float64Array.of(K) } }),
    });
  const noiseOf = (theta: Float64Array): number => (learnNoise ? Math.exp(theta[2 * L]!) : K0);

  let started = false;
  let lastFailure: SolveStatus | null = null;
  let noiseRejections = 0;
  let last: Last | null = null;
  const fail = (status: SolveStatus): number => {
    lastFailure = status;
    last = { status, f: [], steps: 0, checkpoints: 0 };
    return Number.NaN;
  };
  const evaluate = (theta: Float64Array, grad: Float64Array | null): number => {
    for (let q = 0; q < theta.length; q++) if (!Number.isFinite(theta[q])) return fail("non-finite");
    if (learnNoise) {
      const lk = theta[2 * L]!;
      // a step below the floor (D → 0 degenerates Chang–Cooper) or to an overflowing K is refused
      if (lk < logMin || !Number.isFinite(Math.exp(lk) ** 2)) {
        noiseRejections++;
        return fail(lk < logMin ? "under-resolved" : "non-finite");
      }
    }
    const K = noiseOf(theta);
    const head = theta.slice(iHead);
    let J: number;
    let gW: Float64Array;
    let gB: Float64Array;
    let gK = 0;
    let gHead: Float64Array;
    try {
      const network = networkOf(theta, K);
      if (C === 1) {
        const r = fokkerPlanckGradient({ network, grid, f0: f0s[0]! }, loss, {
          ...(solver as FokkerPlanckSolverOptions),
          theta: head,
        });
        last = { status: r.status, f: [r.f], steps: r.stats.steps, checkpoints: r.stats.checkpoints };
        J = r.loss;
        gW = r.gradW;
        gB = r.gradB;
        gK = r.gradK[0] ?? 0;
        gHead = r.gradTheta;
      } else {
        // the loss couples the densities: solve them all, then seed one adjoint sweep per density
        const fs: Float64Array[] = [];
        let status: SolveStatus = "success";
        let steps = 0;
        for (const f0 of f0s) {
          const s = solveFokkerPlanck({ network, grid, f0 }, forwardOptions);
          fs.push(s.f);
          steps = s.stats.steps;
          if (s.status !== "success") status = s.status;
        }
        last = { status, f: fs, steps, checkpoints: 0 };
        gHead = new Float64Array(nHead);
        gW = new Float64Array(L);
        gB = new Float64Array(L);
        if (status !== "success") {
          started = true;
          return fail(status);
        }
        J = loss.evaluate(fs, grid, head, null, grad === null ? null : gHead);
        if (grad !== null && Number.isFinite(J)) {
          let checkpoints = 0;
          for (let c = 0; c < C; c++) {
            // J with density c free and the others fixed: its seed ∂J/∂f_c at f_c(T)
            const slot: DensityObjective = {
              nParams: 0,
              evaluate(f, g, _t, gradF) {
                const all = fs.slice();
                all[c] = f[0]!;
                const seeds = gradF === null ? null : all.map((_, m) => (m === c ? gradF[0]! : new Float64Array(grid.n)));
                return loss.evaluate(all, g, head, seeds, null);
              },
            };
            const r: FokkerPlanckGradientResult = fokkerPlanckGradient({ network, grid, f0: f0s[c]! }, slot, {
              ...(solver as FokkerPlanckSolverOptions),
              theta: emptyTheta,
            });
            if (r.status !== "success") {
              last = { status: r.status, f: fs, steps, checkpoints: r.stats.checkpoints };
              started = true;
              return fail(r.status);
            }
            for (let k = 0; k < L; k++) {
              gW[k] += r.gradW[k]!;
              gB[k] += r.gradB[k]!;
            }
            gK += r.gradK[0] ?? 0;
            checkpoints = r.stats.checkpoints;
          }
          last = { status, f: fs, steps, checkpoints };
        }
      }
    } catch (e) {
      // Before the first solve, a bad problem is the caller's error; afterwards a solve that no longer
      // fits (more steps) or explicit Euler beyond its bound is a failed step.
      if (!started || !isKineticError(e) || (e.code !== "TOO_LARGE" && e.code !== "UNSTABLE")) throw e;
      return fail(e.code === "UNSTABLE" ? "unstable" : "max-steps");
    }
    started = true;
    const cur = last as Last;
    if (cur.status !== "success" || !Number.isFinite(J)) return fail(cur.status === "success" ? "non-finite" : cur.status);
    if (lambda > 0) for (let q = 0; q < 2 * L; q++) J += 0.5 * lambda * theta[q]! * theta[q]!;
    if (grad !== null) {
      grad.set(gW, 0);
      grad.set(gB, L);
      if (learnNoise) grad[2 * L] = K * gK; // ∂J/∂log K = K ∂J/∂K
      grad.set(gHead, iHead);
      if (lambda > 0) for (let q = 0; q < 2 * L; q++) grad[q] += lambda * theta[q]!;
    }
    return J;
  };
  const finish = (m: MinimizeResult): FokkerPlanckTrainResult => {
    // minimize ends with one evaluation at the returned θ: `last` describes that solve.
    const fin = last as unknown as Last;
    const Kfin = noiseOf(m.theta);
    const gradTol = (loop.gradTolerance as number | undefined) ?? 0;
    let status: SolveStatus;
    if (fin.status !== "success") status = fin.status;
    else if (m.status !== "success") status = lastFailure ?? m.status;
    else if (learnNoise && noiseRejections > 0 && Kfin < 2 * minNoise) status = "under-resolved";
    else if (gradTol > 0 && m.stats.stoppedBy === "epochs") status = "max-steps";
    else status = "success";
    return {
      params: networkOf(m.theta, Kfin),
      K: Kfin,
      head: m.theta.slice(iHead),
      history: m.history,
      status,
      f: fin.f,
      stats: { ...m.stats, steps: fin.steps, checkpoints: fin.checkpoints, noiseRejections },
    };
  };
  return { theta0, evaluate, loop: loop as MinimizeOptions, finish };
}
