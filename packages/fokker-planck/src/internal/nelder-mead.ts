/**
 * Nelder–Mead simplex minimisation with restarts (derivative-free, unconstrained: callers optimise
 * over transformed parameters so constraints hold).
 * @packageDocumentation
 */

export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (default 0.5). */
  readonly step?: number | readonly number[];
  /** Stop when the spread of f over the simplex is below ftol·(|f_best| + ftol) (default 1e-10). */
  readonly ftol?: number;
  /** Stop when the simplex diameter is below xtol (default 1e-8). */
  readonly xtol?: number;
  /** Largest number of function evaluations in total (default 2000). */
  readonly maxEvaluations?: number;
  /** Restarts from the best point with a fresh simplex (default 2). */
  readonly restarts?: number;
  /** Checked before every evaluation: once aborted, the search throws the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/** Minimise `fn` from `x0`; non-finite values count as +∞ (the simplex retreats from them). */
export function nelderMead(fn: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const ftol = options.ftol ?? 1e-10;
  const xtol = options.xtol ?? 1e-8;
  const maxEval = options.maxEvaluations ?? 2000;
  const restarts = options.restarts ?? 2;
  let evals = 0;
  const signal = options.signal;
  const safe = (x: Float64Array): number => {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    evals++;
    const v = fn(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = Float64Array.from(x0);
  let fBest = safe(best);
  let converged = false;
  for (let round = 0; round <= restarts && evals < maxEval; round++) {
    const pts: Float64Array[] = [best.slice()];
    const vals: number[] = [fBest];
    for (let i = 0; i < n; i++) {
      const p = best.slice();
      const st = typeof options.step === "number" ? options.step : (options.step?.[i] ?? 0.5);
      p[i]! += st * (round === 0 ? 1 : 0.5);
      pts.push(p);
      vals.push(safe(p));
    }
    const xc = new Float64Array(n);
    const xr = new Float64Array(n);
    const xe = new Float64Array(n);
    const xk = new Float64Array(n);
    converged = false;
    while (evals < maxEval) {
      const order = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
      const sp = order.map((i) => pts[i]!);
      const sv = order.map((i) => vals[i]!);
      pts.splice(0, pts.length, ...sp);
      vals.splice(0, vals.length, ...sv);
      let diam = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) diam = Math.max(diam, Math.abs(pts[i]![j]! - pts[0]![j]!));
      if (Math.abs(vals[n]! - vals[0]!) <= ftol * (Math.abs(vals[0]!) + ftol) && diam <= Math.max(xtol, 1e-3)) {
        converged = true;
        break;
      }
      if (diam <= xtol) {
        converged = true;
        break;
      }
      xc.fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) xc[j]! += pts[i]![j]! / n;
      const worst = pts[n]!;
      for (let j = 0; j < n; j++) xr[j] = xc[j]! + (xc[j]! - worst[j]!);
      const fr = safe(xr);
      if (fr < vals[0]!) {
        for (let j = 0; j < n; j++) xe[j] = xc[j]! + 2 * (xc[j]! - worst[j]!);
        const fe = safe(xe);
        if (fe < fr) {
          pts[n] = xe.slice();
          vals[n] = fe;
        } else {
          pts[n] = xr.slice();
          vals[n] = fr;
        }
      } else if (fr < vals[n - 1]!) {
        pts[n] = xr.slice();
        vals[n] = fr;
      } else {
        const outside = fr < vals[n]!;
        for (let j = 0; j < n; j++) xk[j] = outside ? xc[j]! + 0.5 * (xr[j]! - xc[j]!) : xc[j]! + 0.5 * (worst[j]! - xc[j]!);
        const fk = safe(xk);
        if (fk < (outside ? fr : vals[n]!)) {
          pts[n] = xk.slice();
          vals[n] = fk;
        } else {
          for (let i = 1; i <= n; i++) {
            const p = pts[i]!;
            for (let j = 0; j < n; j++) p[j] = pts[0]![j]! + 0.5 * (p[j]! - pts[0]![j]!);
            vals[i] = safe(p);
          }
        }
      }
    }
    let ib = 0;
    for (let i = 1; i < vals.length; i++) if (vals[i]! < vals[ib]!) ib = i;
    const improved = vals[ib]! < fBest - 1e-15 * Math.abs(fBest);
    if (vals[ib]! <= fBest) {
      fBest = vals[ib]!;
      best = pts[ib]!.slice();
    }
    if (round > 0 && !improved) break;
  }
  return { x: best, f: fBest, evaluations: evals, converged };
}
