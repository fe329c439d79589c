/**
 * Shared option validation of the ODE and SDE solvers. Not exported from the package.
 * @packageDocumentation
 */
import { invalidArgument, requireFiniteArray } from "../validate.js";

/** Validate `saveAt`: finite, non-decreasing, within [0, tEnd]; returns a fresh copy. */
export function resolveSaveAt(saveAt: ArrayLike<number> | undefined, tEnd: number): Float64Array {
  if (saveAt === undefined) return new Float64Array(0);
  if (!(Array.isArray(saveAt) || ArrayBuffer.isView(saveAt))) throw invalidArgument("saveAt", "an array of times", saveAt);
  if (saveAt.length === 0) return new Float64Array(0);
  const s = requireFiniteArray("saveAt", saveAt);
  for (let i = 0; i < s.length; i++) {
    if (s[i]! < 0 || s[i]! > tEnd) throw invalidArgument(`saveAt[${i}]`, `a time in [0, tEnd = ${tEnd}]`, s[i]);
    if (i > 0 && s[i]! < s[i - 1]!) throw invalidArgument(`saveAt[${i}]`, "non-decreasing", s[i]);
  }
  return s;
}
