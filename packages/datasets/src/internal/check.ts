/**
 * Argument checks shared by the distributions and generators (not exported from the package).
 * @packageDocumentation
 */
import type { Rng } from "@kinetic-nde/core";
import { invalidArgument, requireFits, requireInteger } from "@kinetic-nde/core/validate";

/**
 * Validate the arguments of a `sample(n, rng)` call; `bytesPerDraw` (8·d) sizes the result so that a
 * count that cannot fit is refused (TOO_LARGE) before any work.
 */
export function checkSampleArgs(n: unknown, rng: unknown, bytesPerDraw = 8): number {
  requireInteger("n", n, 0);
  requireFits("n", n as number, bytesPerDraw);
  checkRng("rng", rng);
  return n as number;
}

/** Require an object with the methods of a core `Rng`. */
export function checkRng(name: string, rng: unknown): Rng {
  const r = rng as Partial<Rng> | null | undefined;
  if (typeof r !== "object" || r === null || typeof r.uniform !== "function" || typeof r.normal !== "function") {
    throw invalidArgument(name, "a generator from createRng(seed)", rng);
  }
  return r as Rng;
}

/** Require a finite number, or return the default when undefined. */
export function finiteOr(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidArgument(name, "a finite number", value);
  return value;
}

/** Require a positive finite number, or return the default when undefined. */
export function positiveOr(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(name, "a positive finite number", value);
  }
  return value;
}

/** Require a non-negative finite number, or return the default when undefined. */
export function nonNegativeOr(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(name, "a non-negative finite number", value);
  }
  return value;
}

/** Require a plain object (options bag), or return `{}` when undefined. */
export function optionsObject<T extends object>(name: string, value: T | undefined): T {
  if (value === undefined) return {} as T;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidArgument(name, "an options object", value);
  }
  return value;
}

/** Compensated (Neumaier) sum of `a[start..end)`: the one in core. */
export { compensatedSum } from "@kinetic-nde/core";
