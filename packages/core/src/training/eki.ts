/**
 * Ensemble Kalman inversion (EKI): derivative-free training from forward runs only
 * (Kovachki & Stuart 2019; with Tikhonov regularisation as in Chada, Stuart & Tong 2020).
 * @packageDocumentation
 */
import { KineticError, type SolveStatus } from "../errors.js";
import type { NetworkParams } from "../network.js";
import { createRng } from "../rng.js";
import { invalidArgument, requireInteger, requireNonNegative, requirePositive } from "../validate.js";
import { compileProblem, type TrainingProblem, unpackTheta } from "./gradient.js";
import type { TrainingScheme } from "./kernel.js";
import { mseOutputDim } from "./losses.js";

/** Options of {@link trainEki}. */
export interface EkiOptions {
  /** Scheme of each layer (default `"euler"`). */
  readonly scheme?: TrainingScheme;
  /** Ensemble size J (default 100). The iterates stay in the affine span of the initial ensemble. */
  readonly ensembleSize?: number;
  /** Number of iterations (default 50). */
  readonly iterations?: number;
  /** Standard deviation of the initial ensemble around the initial parameters (default 0.5). */
  readonly spread?: number;
  /** Step size h: the update uses (C^{GG} + Γ/h)^{-1} (default 1). */
  readonly stepSize?: number;
  /** Seed of the ensemble (default 0; stream 4). */
  readonly seed?: number;
  /** Called after every iteration with the loss of the ensemble mean. */
  readonly onProgress?: (progress: { readonly iteration: number; readonly loss: number; readonly spread: number }) => void;
}

/** Result of {@link trainEki}. */
export interface EkiResult {
  /** Parameters of the ensemble mean. */
  readonly params: NetworkParams;
  /** Loss J of the ensemble mean after each iteration. */
  readonly history: { readonly loss: Float64Array; readonly spread: Float64Array };
  /** The final ensemble, J rows of L·d·d + L·d parameters (W then b). */
  readonly ensemble: Float64Array;
  /** `"success"` or `"non-finite"`. */
  readonly status: SolveStatus;
  /** Work done: forward runs of the whole data set. */
  readonly stats: { readonly iterations: number; readonly forwardRuns: number; readonly initialLoss: number; readonly finalLoss: number };
}

/** Solve the symmetric positive definite n×n system A x = b in place (Cholesky); returns false if not SPD. */
function choleskySolve(A: Float64Array, n: number, rhs: Float64Array, nrhs: number): boolean {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j]!;
    for (let k = 0; k < j; k++) s -= A[j * n + k]! * A[j * n + k]!;
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j]!;
      for (let k = 0; k < j; k++) t -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = t / ljj;
    }
  }
  for (let c = 0; c < nrhs; c++) {
    for (let i = 0; i < n; i++) {
      let t = rhs[i * nrhs + c]!;
      for (let k = 0; k < i; k++) t -= A[i * n + k]! * rhs[k * nrhs + c]!;
      rhs[i * nrhs + c] = t / A[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let t = rhs[i * nrhs + c]!;
      for (let k = i + 1; k < n; k++) t -= A[k * n + i]! * rhs[k * nrhs + c]!;
      rhs[i * nrhs + c] = t / A[i * n + i]!;
    }
  }
  return true;
}

/**
 * Train by ensemble Kalman inversion: an ensemble of parameter vectors θ^(j) moved by
 * θ^(j) ← θ^(j) + C^{θG} (C^{GG} + Γ/h)^{-1} (y - G(θ^(j))), using forward runs only.
 * @param problem - a regression (`mse`) or `class-targets` problem; the network's parameters are
 *   the ensemble centre; per-sample weights and λ enter Γ
 * @param options - ensemble size, iterations, initial spread, step size, seed
 * @returns the ensemble-mean parameters, the loss history, the final ensemble and counts
 * @throws KineticError UNSUPPORTED for the `logistic` / `softmax` losses (no data misfit form),
 *   INVALID_ARGUMENT / SHAPE_MISMATCH for bad inputs
 * @remarks G(θ) stacks the outputs P x_i^L (or x_i^L for class targets) of all samples; with
 * Tikhonov λ > 0 it is augmented by θ itself with target 0 (TEKI), and Γ = diag(Σw/w_i per sample,
 * 1/(Mλ) per parameter): the misfit ½|Γ^{-1/2}(ỹ - G̃(θ))|² is M·J, so the fixed points minimise
 * exactly the training loss J, and h = 1 is the classical EKI step for unit observation noise. The update is done
 * in ensemble space (Woodbury identity): each iteration costs J forward runs plus O(J²·(M·m + P))
 * work; no gradient is ever computed. The ensemble collapses as it converges, so J should exceed
 * the parameter count for a full-rank search.
 * @example
 * ```ts
 * const res = trainEki({ x, targets, loss: "mse", network: { sigma: "tanh", d: 1, nLayers: 4, T: 1 } },
 *   { ensembleSize: 50, iterations: 40, seed: 1 });
 * ```
 */
export function trainEki(problem: TrainingProblem, options: EkiOptions = {}): EkiResult {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const seed = options.seed ?? 0;
  const c = compileProblem(problem, { ...(options.scheme !== undefined ? { scheme: options.scheme } : {}), seed });
  if (c.loss.kind === "logistic" || c.loss.kind === "softmax") {
    throw new KineticError(
      "UNSUPPORTED",
      `ensemble Kalman inversion needs a data-misfit loss ("mse" or "class-targets"); got "${c.loss.kind}"`,
    );
  }
  const Jn = requireInteger("options.ensembleSize", options.ensembleSize ?? 100, 2, 100000);
  const iters = requireInteger("options.iterations", options.iterations ?? 50, 1, 1e7);
  const spread = requireNonNegative("options.spread", options.spread ?? 0.5);
  const h = requirePositive("options.stepSize", options.stepSize ?? 1);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw invalidArgument("options.onProgress", "a function", options.onProgress);
  const k = c.kernel;
  const d = k.d;
  const P = k.ro; // W and b only
  const data = c.data;
  const M = data.M;
  const m = c.loss.kind === "mse" ? mseOutputDim(c.loss, d) : d;
  const proj = c.loss.kind === "mse" && c.loss.projection ? (c.loss.projection as Float64Array) : null;
  const lam = c.lambda;
  const Nd = M * m;
  const N = Nd + (lam > 0 ? P : 0);
  // data y and Γ^{-1} (diagonal)
  const y = new Float64Array(N);
  const ginv = new Float64Array(N);
  let wsum = M;
  if (data.weights !== null) {
    wsum = 0;
    for (let i = 0; i < M; i++) wsum += data.weights[i]!;
  }
  for (let i = 0; i < M; i++) {
    const wi = (M * (data.weights === null ? 1 : data.weights[i]!)) / wsum;
    for (let a = 0; a < m; a++) {
      y[i * m + a] = c.loss.kind === "mse" ? data.targets![i * m + a]! : (c.loss.classTargets as Float64Array)[data.labels![i]! * d + a]!;
      ginv[i * m + a] = wi;
    }
  }
  for (let q = 0; q < N - Nd; q++) ginv[Nd + q] = M * lam; // target 0 for θ
  // ensemble
  const rng = createRng(seed, 4);
  const TH = new Float64Array(Jn * P);
  for (let j = 0; j < Jn; j++) for (let q = 0; q < P; q++) TH[j * P + q] = c.theta0[q]! + spread * rng.normal();
  const G = new Float64Array(Jn * N);
  const theta = new Float64Array(k.nParams);
  const out = new Float64Array(M * d);
  const gmean = new Float64Array(N);
  const tmean = new Float64Array(P);
  const Cmat = new Float64Array(Jn * Jn);
  const R = new Float64Array(Jn * Jn); // right-hand sides: column j = G'^T Γ^{-1} r_j
  const coef = new Float64Array(Jn * Jn);
  let runs = 0;

  const forward = (th: Float64Array, to: number, gOut: Float64Array, go: number): void => {
    for (let q = 0; q < P; q++) theta[q] = th[to + q]!;
    k.forwardAll(theta, data.x, M, out);
    runs++;
    for (let i = 0; i < M; i++) {
      for (let a = 0; a < m; a++) {
        let v = 0;
        if (proj === null) v = out[i * d + a]!;
        else for (let j = 0; j < d; j++) v += proj[a * d + j]! * out[i * d + j]!;
        gOut[go + i * m + a] = v;
      }
    }
    for (let q = 0; q < N - Nd; q++) gOut[go + Nd + q] = th[to + q]!;
  };
  const meanLoss = (): number => {
    for (let q = 0; q < P; q++) {
      let s = 0;
      for (let j = 0; j < Jn; j++) s += TH[j * P + q]!;
      tmean[q] = s / Jn;
    }
    for (let q = 0; q < P; q++) theta[q] = tmean[q]!;
    return k.evaluate(theta, null, null, 0, M);
  };

  const hLoss: number[] = [];
  const hSpread: number[] = [];
  const initialLoss = meanLoss();
  let status: SolveStatus = Number.isFinite(initialLoss) ? "success" : "non-finite";
  for (let it = 0; it < iters && status === "success"; it++) {
    for (let j = 0; j < Jn; j++) forward(TH, j * P, G, j * N);
    gmean.fill(0);
    for (let j = 0; j < Jn; j++) for (let a = 0; a < N; a++) gmean[a] += G[j * N + a]! / Jn;
    // centred deviations in place: G ← G - ḡ
    for (let j = 0; j < Jn; j++) for (let a = 0; a < N; a++) G[j * N + a] -= gmean[a]!;
    // C = G'^T Γ^{-1} G' (J×J);  (C^{GG} + Γ/h)^{-1} r = hΓ^{-1}[r - G'(J/h I + C)^{-1} G'^T Γ^{-1} r]
    for (let i = 0; i < Jn; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let a = 0; a < N; a++) s += G[i * N + a]! * ginv[a]! * G[j * N + a]!;
        Cmat[i * Jn + j] = s;
        Cmat[j * Jn + i] = s;
      }
    }
    // residuals r_j = y - G(θ_j) = y - ḡ - G'_j; R[:, j] = G'^T Γ^{-1} r_j
    for (let i = 0; i < Jn; i++) {
      let base = 0;
      for (let a = 0; a < N; a++) base += G[i * N + a]! * ginv[a]! * (y[a]! - gmean[a]!);
      for (let j = 0; j < Jn; j++) R[i * Jn + j] = base - Cmat[i * Jn + j]!;
    }
    const A = Cmat.slice();
    for (let i = 0; i < Jn; i++) A[i * Jn + i] += Jn / h;
    coef.set(R);
    if (!choleskySolve(A, Jn, coef, Jn)) {
      status = "non-finite";
      break;
    }
    // v_j = hΓ^{-1}(r_j - G' coef_j);  Δθ_j = Θ'(G'^T v_j)/J = Θ' (h/J) (R_j - C coef_j)
    // weights w_ij = (h/J)(R[i, j] - Σ_l C[i, l] coef[l, j]) for member j, deviation i.
    const Wt = A; // reuse storage
    for (let i = 0; i < Jn; i++) {
      for (let j = 0; j < Jn; j++) {
        let s = R[i * Jn + j]!;
        for (let l = 0; l < Jn; l++) s -= Cmat[i * Jn + l]! * coef[l * Jn + j]!;
        Wt[i * Jn + j] = (h / Jn) * s;
      }
    }
    for (let q = 0; q < P; q++) {
      let s = 0;
      for (let j = 0; j < Jn; j++) s += TH[j * P + q]!;
      tmean[q] = s / Jn;
    }
    const next = new Float64Array(Jn * P);
    for (let j = 0; j < Jn; j++) {
      for (let q = 0; q < P; q++) {
        let s = TH[j * P + q]!;
        for (let i = 0; i < Jn; i++) s += (TH[i * P + q]! - tmean[q]!) * Wt[i * Jn + j]!;
        next[j * P + q] = s;
      }
    }
    TH.set(next);
    const L = meanLoss();
    let sp = 0;
    for (let j = 0; j < Jn; j++) for (let q = 0; q < P; q++) sp += (TH[j * P + q]! - tmean[q]!) ** 2;
    sp = Math.sqrt(sp / Jn);
    if (!Number.isFinite(L)) {
      status = "non-finite";
      break;
    }
    hLoss.push(L);
    hSpread.push(sp);
    options.onProgress?.({ iteration: it + 1, loss: L, spread: sp });
  }
  const finalLoss = meanLoss();
  for (let q = 0; q < P; q++) theta[q] = tmean[q]!;
  const { params } = unpackTheta(c, theta);
  return {
    params,
    history: { loss: Float64Array.from(hLoss), spread: Float64Array.from(hSpread) },
    ensemble: TH.slice(),
    status,
    stats: { iterations: hLoss.length, forwardRuns: runs, initialLoss, finalLoss },
  };
}

/**
 * Options of {@link ensembleKalmanMinimize}: those of {@link trainEki} (ensemble size, iterations, spread,
 * step size, seed, progress; the same defaults) without the scheme, plus an abort signal.
 */
export interface EnsembleKalmanOptions extends Omit<EkiOptions, "scheme"> {
  /** Checked before every iteration: once aborted, the run throws the signal's reason (as `minimize`). */
  readonly signal?: AbortSignal;
}

/** Result of {@link ensembleKalmanMinimize}. */
export interface EnsembleKalmanResult {
  /** The ensemble mean after the last iteration (a fresh array). */
  readonly theta: Float64Array;
  /** ½|r|² at the ensemble mean after each iteration, and the ensemble's spread. */
  readonly history: { readonly loss: Float64Array; readonly spread: Float64Array };
  /** `"success"`, or `"non-finite"` (a residual or the update overflowed; the last finite mean is returned). */
  readonly status: SolveStatus;
  readonly stats: {
    readonly iterations: number;
    readonly residualEvaluations: number;
    readonly initialLoss: number;
    readonly finalLoss: number;
  };
}

/**
 * Derivative-free minimisation of J(θ) = ½|r(θ)|² by ensemble Kalman inversion with data y = 0 and
 * Γ = γI, γ = |r(θ₀)|²/N (the initial misfit is one noise unit per component, so the steps do not
 * depend on the scale of r): each member moves by θ_j ← θ_j + C^{θr}(C^{rr} + Γ/h)^{-1}(−r(θ_j)),
 * computed in ensemble space: with the deviations Θ′, R′ of the members from their means,
 * K = R′R′ᵀ (J × J) and b_j = −R′ r(θ_j), Δθ_j = Θ′ᵀ (K + (Jγ/h) I)^{-1} b_j (Woodbury). Only residual evaluations, J per
 * iteration (plus one at the mean for the reported loss): the counterpart of {@link trainEki} for any
 * least-squares problem, e.g. density losses in mean-field's `trainDensity`.
 * @param residual - r(θ) (a fresh or reused array of a fixed length), or null when the evaluation failed
 *   (the run then stops with status `"non-finite"`)
 * @param theta0 - the centre of the initial ensemble
 * @param options - ensemble size, iterations, spread, step size, seed, progress, abort signal
 * @returns `{ theta, history, status, stats }`
 * @throws KineticError INVALID_ARGUMENT for a bad option, or a residual whose length changes
 * @example
 * ```ts
 * import { ensembleKalmanMinimize } from "@kinetic-nde/core";
 * // r(θ) = (θ₀ − 1, 2(θ₁ + 0.5)): minimum at (1, −0.5)
 * const r = ensembleKalmanMinimize((t) => Float64Array.of(t[0]! - 1, 2 * (t[1]! + 0.5)), new Float64Array(2), { seed: 1 });
 * console.log(r.theta, r.stats.finalLoss);
 * ```
 */
export function ensembleKalmanMinimize(
  residual: (theta: Float64Array) => Float64Array | null,
  theta0: Float64Array,
  options: EnsembleKalmanOptions = {},
): EnsembleKalmanResult {
  if (typeof residual !== "function") throw invalidArgument("residual", "a function", residual);
  if (!(theta0 instanceof Float64Array)) throw invalidArgument("theta0", "a Float64Array", theta0);
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  const Jn = requireInteger("options.ensembleSize", options.ensembleSize ?? 100, 2, 100000);
  const iters = requireInteger("options.iterations", options.iterations ?? 50, 1, 1e7);
  const spread = requireNonNegative("options.spread", options.spread ?? 0.5);
  const h = requirePositive("options.stepSize", options.stepSize ?? 1);
  const seed = options.seed ?? 0;
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw invalidArgument("options.onProgress", "a function", options.onProgress);
  const P = theta0.length;
  let N = -1;
  let evaluations = 0;
  /** r(θ) copied into row `at` of `into` (or returned), null when it failed or is not finite. */
  const evaluate = (theta: Float64Array): Float64Array | null => {
    evaluations++;
    const r = residual(theta);
    if (r === null) return null;
    if (N < 0) N = r.length;
    else if (r.length !== N) throw invalidArgument("residual", `arrays of one length (${N})`, r.length);
    for (const v of r) if (!Number.isFinite(v)) return null;
    return r;
  };
  const half = (r: Float64Array) => {
    let s = 0;
    for (const v of r) s += v * v;
    return 0.5 * s;
  };
  const rng = createRng(seed, 4);
  const TH = new Float64Array(Jn * P);
  for (let j = 0; j < Jn; j++) for (let q = 0; q < P; q++) TH[j * P + q] = theta0[q]! + spread * rng.normal();
  const mean = new Float64Array(P);
  const meanOf = () => {
    mean.fill(0);
    for (let j = 0; j < Jn; j++) for (let q = 0; q < P; q++) mean[q] += TH[j * P + q]! / Jn;
    return mean;
  };
  const r0 = evaluate(theta0.slice());
  const initialLoss = r0 === null ? Number.NaN : half(r0);
  // Γ = γI with γ the initial mean squared residual: the initial misfit is one noise unit per
  // component, so the update does not depend on the scale of r (and γ = 1 when r(θ₀) = 0)
  const gamma = r0 !== null && initialLoss > 0 ? (2 * initialLoss) / r0.length : 1;
  let best = theta0.slice();
  let finalLoss = initialLoss;
  let status: SolveStatus = r0 === null ? "non-finite" : "success";
  const hLoss: number[] = [];
  const hSpread: number[] = [];
  let Rm = new Float64Array(0);
  const K = new Float64Array(Jn * Jn);
  const B = new Float64Array(Jn * Jn);
  for (let it = 0; it < iters && status === "success"; it++) {
    // as core's `minimize`: once aborted, the run throws the signal's reason
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted");
    // residuals of the members, rows of Rm; then their deviations R′ (in place) and −R′ r_j
    for (let j = 0; j < Jn; j++) {
      const r = evaluate(TH.subarray(j * P, (j + 1) * P).slice());
      if (r === null) {
        status = "non-finite";
        break;
      }
      if (Rm.length !== Jn * N) Rm = new Float64Array(Jn * N);
      Rm.set(r, j * N);
    }
    if (status !== "success") break;
    const rbar = new Float64Array(N);
    for (let j = 0; j < Jn; j++) for (let a = 0; a < N; a++) rbar[a] += Rm[j * N + a]! / Jn;
    // B[i, j] = −R′_i · r_j = −R′_i · (r̄ + R′_j);  K[i, j] = R′_i · R′_j
    const dev = new Float64Array(Jn * N);
    for (let j = 0; j < Jn; j++) for (let a = 0; a < N; a++) dev[j * N + a] = Rm[j * N + a]! - rbar[a]!;
    for (let i = 0; i < Jn; i++) {
      let base = 0;
      for (let a = 0; a < N; a++) base += dev[i * N + a]! * rbar[a]!;
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let a = 0; a < N; a++) s += dev[i * N + a]! * dev[j * N + a]!;
        K[i * Jn + j] = K[j * Jn + i] = s;
      }
      for (let j = 0; j < Jn; j++) B[i * Jn + j] = -base;
    }
    for (let i = 0; i < Jn; i++) for (let j = 0; j < Jn; j++) B[i * Jn + j] -= K[i * Jn + j]!;
    const A = K.slice();
    for (let i = 0; i < Jn; i++) A[i * Jn + i] += (Jn * gamma) / h;
    if (!choleskySolve(A, Jn, B, Jn)) {
      status = "non-finite";
      break;
    }
    // Δθ_j = Σ_i Θ′_i c_ij (c = B after the solve)
    const tm = meanOf().slice();
    const next = TH.slice();
    for (let j = 0; j < Jn; j++)
      for (let i = 0; i < Jn; i++) {
        const c = B[i * Jn + j]!;
        if (c === 0) continue;
        for (let q = 0; q < P; q++) next[j * P + q] += (TH[i * P + q]! - tm[q]!) * c;
      }
    TH.set(next);
    const m = meanOf().slice();
    const rm = evaluate(m);
    if (rm === null) {
      status = "non-finite";
      break;
    }
    let sp = 0;
    for (let j = 0; j < Jn; j++) for (let q = 0; q < P; q++) sp += (TH[j * P + q]! - m[q]!) ** 2;
    sp = Math.sqrt(sp / Jn);
    const L = half(rm);
    best = m;
    finalLoss = L;
    hLoss.push(L);
    hSpread.push(sp);
    options.onProgress?.({ iteration: it + 1, loss: L, spread: sp });
  }
  return {
    theta: best,
    history: { loss: Float64Array.from(hLoss), spread: Float64Array.from(hSpread) },
    status,
    stats: { iterations: hLoss.length, residualEvaluations: evaluations, initialLoss, finalLoss },
  };
}
