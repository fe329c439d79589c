/**
 * Self-checks: every experiment states its claims as numbers with a tolerance, so a reproduction
 * is evidence and not only pictures.
 * @packageDocumentation
 */
import { requireFinite, requireNonNegative } from "@kinetic-nde/core/validate";
import type { Check } from "./types.js";

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/**
 * Two numbers with the fewest significant digits (4 at least, 17 at most) that print them
 * differently when they differ, so a failing check never reads "observed -2 vs expected -2".
 */
function fmtPair(a: number, b: number): [string, string] {
  for (let digits = 4; digits < 17; digits++) {
    const x = fmt(a, digits),
      y = fmt(b, digits);
    if (x !== y || Object.is(a, b) || a === b) return [x, y];
  }
  return [fmt(a, 17), fmt(b, 17)];
}

/**
 * Build a {@link Check}: passes when |observed - expected| ≤ tolerance (a non-finite observed value
 * always fails).
 * @param name - short identifier, e.g. `"variance-rate"`
 * @param claim - the claim in words, e.g. `"variance decays like e^(2wt)"`
 * @param observed - the observed value (any number; NaN/Infinity fail the check)
 * @param expected - the expected value (finite)
 * @param tolerance - the allowed absolute deviation (finite, ≥ 0)
 * @returns a frozen check with a printable `message`
 * @throws KineticError INVALID_ARGUMENT when `expected` or `tolerance` is not a valid number
 * @remarks Relative claims are expressed by choosing `tolerance = rtol · |expected|`; one-sided
 *   claims ("at most x") by {@link makeBoundCheck}.
 * @example
 * ```ts
 * const c = makeCheck("variance-rate", "variance decays like e^(2wt)", -1.998, -2, 0.01);
 * c.passed; // true
 * c.message; // "variance decays like e^(2wt): observed -1.998 vs expected -2 (tol 0.01) — pass"
 * ```
 */
export function makeCheck(name: string, claim: string, observed: number, expected: number, tolerance: number): Check {
  requireFinite("expected", expected);
  requireNonNegative("tolerance", tolerance);
  const passed = Number.isFinite(observed) && Math.abs(observed - expected) <= tolerance;
  const [o, x] = fmtPair(observed, expected);
  const message = `${claim}: observed ${o} vs expected ${x} (tol ${fmt(tolerance)}) — ${passed ? "pass" : "FAIL"}`;
  return Object.freeze({ name, claim, observed, expected, tolerance, passed, status: passed ? "pass" : "fail", message });
}

/**
 * A one-sided check "observed ≤ bound" expressed as a {@link Check}: expected = bound/2 and
 * tolerance = bound/2 for a non-negative observed quantity such as an error norm (so any value in
 * [0, bound] passes).
 * @param name - short identifier
 * @param claim - the claim in words, e.g. `"L1 error of the PDE below 1e-2"`
 * @param observed - a non-negative observed quantity (error, distance, mass defect)
 * @param bound - the upper bound (finite, ≥ 0)
 * @returns the check
 * @throws KineticError INVALID_ARGUMENT for an invalid bound
 * @example
 * ```ts
 * makeBoundCheck("mass", "mass defect below 1e-12", 3e-15, 1e-12).passed; // true
 * ```
 */
export function makeBoundCheck(name: string, claim: string, observed: number, bound: number): Check {
  requireNonNegative("bound", bound);
  const c = makeCheck(name, claim, observed, bound / 2, bound / 2);
  const passed = Number.isFinite(observed) && observed <= bound;
  const [o, b] = fmtPair(observed, bound);
  const message = `${claim}: observed ${o} ${passed ? "≤" : ">"} ${b} — ${passed ? "pass" : "FAIL"}`;
  return Object.freeze({ ...c, passed, status: passed ? "pass" : "fail", message });
}

/**
 * A boolean claim as a {@link Check} (observed 1 for true, expected 1, tolerance 0).
 * @param name - short identifier
 * @param claim - the claim in words
 * @param holds - whether the claim holds
 * @returns the check
 * @example
 * ```ts
 * makeTrueCheck("no-steady-state", "sigmoid has no steady state", true).passed; // true
 * ```
 */
export function makeTrueCheck(name: string, claim: string, holds: boolean): Check {
  const c = makeCheck(name, claim, holds ? 1 : 0, 1, 0);
  return Object.freeze({ ...c, message: `${claim} — ${holds ? "pass" : "FAIL"}` });
}

/**
 * A check whose claim is outside its regime at the run's settings (e.g. an order that cannot be
 * resolved on the grids a control offers): it neither passes nor fails, and says why.
 * @param name - short identifier
 * @param claim - the claim in words
 * @param reason - one line for the reader: why the claim is not tested at these settings
 * @returns a check with status "not-applicable" (counted as not failed by {@link allChecksPassed})
 * @example
 * ```ts
 * makeNotApplicableCheck("order", "upwind is first order", "T = 0.5 is too short to resolve the order").status; // "not-applicable"
 * ```
 */
export function makeNotApplicableCheck(name: string, claim: string, reason: string): Check {
  return Object.freeze({
    name,
    claim,
    observed: Number.NaN,
    expected: Number.NaN,
    tolerance: Number.NaN,
    passed: true,
    status: "not-applicable" as const,
    reason,
    message: `${claim} — not applicable: ${reason}`,
  });
}

/**
 * Did a check fail (status "fail")? Not-applicable checks do not fail.
 * @param c - a check
 * @returns true for a failed check
 * @example
 * ```ts
 * checkFailed(makeCheck("x", "x is 1", 2, 1, 0.1)); // true
 * ```
 */
export function checkFailed(c: Check): boolean {
  return (c.status ?? (c.passed ? "pass" : "fail")) === "fail";
}

/**
 * Did every check pass?
 * @param checks - checks of one or more results
 * @returns true when every check passed (also for an empty list)
 * @example
 * ```ts
 * allChecksPassed(result.checks);
 * ```
 */
export function allChecksPassed(checks: readonly Check[]): boolean {
  return checks.every((c) => !checkFailed(c));
}
