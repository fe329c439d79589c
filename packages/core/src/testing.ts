/**
 * Numerical comparison helpers for tests and for users checking results.
 * @packageDocumentation
 */
import { isKineticError, type KineticErrorCode } from "./errors.js";

/** Tolerances of {@link allClose}: |a - e| ≤ atol + rtol·|e| elementwise. */
export interface AllCloseOptions {
  /** Relative tolerance (default 1e-12). */
  readonly rtol?: number;
  /** Absolute tolerance (default 0). */
  readonly atol?: number;
  /** Label used in the failure message. */
  readonly label?: string;
}

/** The worst element of a comparison. */
export interface AllCloseReport {
  /** True when every element is within tolerance. */
  readonly ok: boolean;
  /** Index of the worst element (largest error / allowed error). */
  readonly index: number;
  /** Actual value there. */
  readonly actual: number;
  /** Expected value there. */
  readonly expected: number;
  /** |actual - expected| there. */
  readonly error: number;
  /** Allowed error there. */
  readonly allowed: number;
  /** A one-line description. */
  readonly message: string;
}

/**
 * Compare two arrays (or numbers) elementwise with |a - e| ≤ atol + rtol·|e|.
 * NaN never compares close; equal infinities do.
 * @param actual - computed values
 * @param expected - reference values (same length)
 * @param options - `rtol` (default 1e-12), `atol` (default 0)
 * @returns a report on the worst element
 */
export function allClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  options: AllCloseOptions = {},
): AllCloseReport {
  const rtol = options.rtol ?? 1e-12;
  const atol = options.atol ?? 0;
  const a = typeof actual === "number" ? [actual] : actual;
  const e = typeof expected === "number" ? [expected] : expected;
  const label = options.label ? `${options.label}: ` : "";
  if (a.length !== e.length) {
    return {
      ok: false,
      index: -1,
      actual: NaN,
      expected: NaN,
      error: NaN,
      allowed: 0,
      message: `${label}length ${a.length} != expected length ${e.length}`,
    };
  }
  let worst = -1;
  let worstRatio = -1;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const ei = e[i]!;
    const err = ai === ei ? 0 : Math.abs(ai - ei);
    const allowed = atol + rtol * Math.abs(ei);
    const ratio = Number.isNaN(err) ? Infinity : allowed > 0 ? err / allowed : err > 0 ? Infinity : 0;
    if (!(err <= allowed)) ok = false;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worst < 0) worst = 0;
  const ai = a[worst] ?? NaN;
  const ei = e[worst] ?? NaN;
  const error = ai === ei ? 0 : Math.abs(ai - ei);
  const allowed = atol + rtol * Math.abs(ei);
  const message = `${label}${ok ? "all close" : "not close"} at index ${worst}: actual ${ai}, expected ${ei}, error ${error.toExponential(3)}, allowed ${allowed.toExponential(3)} (rtol ${rtol}, atol ${atol})`;
  return { ok, index: worst, actual: ai, expected: ei, error, allowed, message };
}

/**
 * Throw when {@link allClose} fails; the message reports the index, both values and the allowed error.
 * @param actual - computed values
 * @param expected - reference values
 * @param options - tolerances and a label
 * @throws Error naming the worst index when not all close
 * @example
 * ```ts
 * expectAllClose(result.x, exact, { rtol: 1e-10, atol: 1e-14 });
 * ```
 */
export function expectAllClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  options: AllCloseOptions = {},
): void {
  const r = allClose(actual, expected, options);
  if (!r.ok) throw new Error(r.message);
}

/**
 * Least-squares slope of log(error) against log(h): the observed order of convergence.
 * @param h - step sizes (or 1/N)
 * @param errors - errors at those steps (positive)
 * @returns the slope
 */
export function observedOrder(h: ArrayLike<number>, errors: ArrayLike<number>): number {
  const n = h.length;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.log(h[i]!);
    const y = Math.log(errors[i]!);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/**
 * Relative error ‖g − fd‖₂ / ‖fd‖₂ of a gradient g against central differences,
 * fd_p = (J(p, +ε) − J(p, −ε)) / (2ε).
 * @param g - the gradient to check (one entry per parameter)
 * @param at - J with parameter p moved by e (the others at their base values)
 * @param eps - step ε (default 1e-5: on O(1) parameters truncation O(ε²) ≈ 1e-10 and round-off
 *   ≈ 1e-16/ε ≈ 1e-11, relative)
 * @returns the relative error (NaN when every difference is 0)
 * @remarks Cost: 2·g.length evaluations of `at`.
 * @example
 * ```ts
 * // J(x, y) = x² y at (1, 2): ∇J = (4, 1)
 * const base = [1, 2];
 * const J = (p: number, e: number) => {
 *   const [x, y] = base.map((v, i) => (i === p ? v + e : v));
 *   return x! * x! * y!;
 * };
 * centralDifferenceError([4, 1], J); // ≈ 1e-11
 * ```
 */
export function centralDifferenceError(g: ArrayLike<number>, at: (p: number, e: number) => number, eps = 1e-5): number {
  let num = 0;
  let den = 0;
  for (let p = 0; p < g.length; p++) {
    const fd = (at(p, eps) - at(p, -eps)) / (2 * eps);
    num += (g[p]! - fd) ** 2;
    den += fd ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Check that a call throws a `KineticError` with the given code (and, optionally, a message
 * matching a pattern). Test-framework independent: it throws a plain `Error` describing what
 * happened instead, so any runner reports it as a failure.
 * @param fn - the call expected to throw (called once, with no arguments)
 * @param code - the expected error code, e.g. `"INVALID_ARGUMENT"`
 * @param messagePattern - optional RegExp tested against the message, or a string it must contain
 * @returns nothing; returns normally when the expectation holds
 * @throws Error when `fn` returns normally, throws something other than a KineticError, or throws
 *   one with another code or a message not matching `messagePattern`
 * @remarks Cost: one call of `fn`.
 * @example
 * ```ts
 * expectKineticError(() => createRng(NaN), "INVALID_ARGUMENT", /seed/);
 * ```
 */
export function expectKineticError(fn: () => unknown, code: KineticErrorCode, messagePattern?: RegExp | string): void {
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    thrown = e;
    threw = true;
  }
  if (!threw) throw new Error(`expected a KineticError ${code}, but the call returned normally`);
  if (!isKineticError(thrown)) throw new Error(`expected a KineticError ${code}, but the call threw ${String(thrown)}`);
  if (thrown.code !== code) throw new Error(`expected a KineticError ${code}, but got ${thrown.code}: ${thrown.message}`);
  if (messagePattern !== undefined) {
    const ok = typeof messagePattern === "string" ? thrown.message.includes(messagePattern) : messagePattern.test(thrown.message);
    if (!ok) throw new Error(`KineticError ${code} message ${JSON.stringify(thrown.message)} does not match ${String(messagePattern)}`);
  }
}
