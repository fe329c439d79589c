/**
 * L-BFGS minimisation (two-loop recursion, backtracking Armijo line search) for the small smooth
 * problems of the steady-state fits. Unconstrained: callers optimise over transformed parameters.
 * @packageDocumentation
 */

export interface LbfgsOptions {
  /** Stored (s, y) pairs (default 10). */
  readonly memory?: number;
  /** Converged when max_k |∂f/∂x_k| ≤ gtol (default 1e-9). */
  readonly gtol?: number;
  /**
   * Converged when the last `window` accepted steps together lowered f by at most ftol·|f|
   * (default 1e-10), or one step by at most 1e-14·|f| twice in a row.
   */
  readonly ftol?: number;
  /** Steps of the loss-change criterion (default 10). */
  readonly window?: number;
  /** Largest number of evaluations of f and ∇f together (default 2000). */
  readonly maxEvaluations?: number;
  /** Largest number of trial steps per line search (default 40). */
  readonly maxLineSearch?: number;
  /** Checked before every evaluation: once aborted, the search throws the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** Why the search stopped. */
export type LbfgsReason = "gradient" | "loss-change" | "max-evaluations" | "line-search" | "non-finite";

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  /** max_k |∂f/∂x_k| at x. */
  readonly gradientNorm: number;
  readonly evaluations: number;
  readonly iterations: number;
  /** True when the gradient or loss-change criterion was met. */
  readonly converged: boolean;
  readonly reason: LbfgsReason;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Minimise `fg` (value, gradient written into its second argument) from `x0`. A non-finite value
 * (or gradient) at a trial point counts as +∞: the line search backs off.
 */
export function lbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const mem = options.memory ?? 10;
  const gtol = options.gtol ?? 1e-9;
  const ftol = options.ftol ?? 1e-10;
  const window = options.window ?? 10;
  const history: number[] = [];
  const maxEval = options.maxEvaluations ?? 2000;
  const maxLs = options.maxLineSearch ?? 40;
  const signal = options.signal;
  let evals = 0;
  const evaluate = (x: Float64Array, g: Float64Array): number => {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    evals++;
    let v: number;
    try {
      v = fg(x, g);
    } catch {
      return Infinity;
    }
    if (!Number.isFinite(v)) return Infinity;
    for (let i = 0; i < n; i++) if (!Number.isFinite(g[i]!)) return Infinity;
    return v;
  };
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = evaluate(x, g);
  if (!Number.isFinite(f)) return { x, f, gradientNorm: NaN, evaluations: evals, iterations: 0, converged: false, reason: "non-finite" };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(mem);
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  let iterations = 0;
  let smallSteps = 0;
  let reason: LbfgsReason = "max-evaluations";
  let converged = false;
  for (;;) {
    if (maxAbs(g) <= gtol) {
      reason = "gradient";
      converged = true;
      break;
    }
    if (evals >= maxEval) break;
    // two-loop recursion: d = -H g
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(S[j]!, d);
      const y = Y[j]!;
      for (let i = 0; i < n; i++) d[i]! -= alpha[j]! * y[i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j]! * dot(Y[j]!, d);
      const s = S[j]!;
      for (let i = 0; i < n; i++) d[i]! += (alpha[j]! - beta) * s[i]!;
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-300)) : 1;
    let ft = Infinity;
    let accepted = false;
    for (let ls = 0; ls < maxLs && evals < maxEval; ls++) {
      for (let i = 0; i < n; i++) xt[i] = x[i]! + step * d[i]!;
      ft = evaluate(xt, gt);
      if (ft <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      // quadratic interpolation of the backtrack, kept within [0.1, 0.5] of the step
      const q = Number.isFinite(ft) ? (-slope * step * step) / (2 * (ft - f - slope * step)) : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, q));
    }
    if (!accepted) {
      if (S.length > 0) {
        // stale curvature pairs: drop them and retry once along -g
        S.length = 0;
        Y.length = 0;
        rho.length = 0;
        continue;
      }
      reason = evals >= maxEval ? "max-evaluations" : "line-search";
      break;
    }
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xt[i]! - x[i]!;
      y[i] = gt[i]! - g[i]!;
    }
    const fPrev = f;
    x.set(xt);
    g.set(gt);
    f = ft;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    history.push(f);
    if (history.length > window + 1) history.shift();
    const windowDone = history.length === window + 1 && history[0]! - f <= ftol * Math.abs(f);
    if (fPrev - f <= 1e-14 * Math.max(Math.abs(f), Math.abs(fPrev))) smallSteps++;
    else smallSteps = 0;
    if (windowDone || smallSteps >= 2) {
      reason = "loss-change";
      converged = true;
      break;
    }
  }
  return { x, f, gradientNorm: maxAbs(g), evaluations: evals, iterations, converged, reason };
}
