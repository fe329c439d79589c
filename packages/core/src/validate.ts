/**
 * Validation helpers used at every entry point. They throw {@link KineticError} with messages of
 * the form ``invalid argument: `dt` must be a positive finite number; got -0.1``.
 * @packageDocumentation
 */
import { KineticError } from "./errors.js";

/**
 * Format a value for an error message (short, unambiguous).
 * @param value - any value
 * @returns a compact printable form
 */
export function formatValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === "function") return "a function";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Create an INVALID_ARGUMENT error naming the argument, the rule and the value.
 * @param name - argument name as the user wrote it (e.g. `"options.dt"`)
 * @param rule - what it must be (e.g. `"a positive finite number"`)
 * @param value - what was given
 * @returns the error (to be thrown by the caller)
 */
export function invalidArgument(name: string, rule: string, value: unknown): KineticError {
  return new KineticError("INVALID_ARGUMENT", `invalid argument: \`${name}\` must be ${rule}; got ${formatValue(value)}`, {
    details: { argument: name, rule, value },
  });
}

/**
 * Create a SHAPE_MISMATCH error.
 * @param name - argument name
 * @param expected - expected length/shape, in words
 * @param got - actual length/shape, in words
 * @returns the error
 */
export function shapeMismatch(name: string, expected: string, got: string | number): KineticError {
  return new KineticError("SHAPE_MISMATCH", `shape mismatch: \`${name}\` must have ${expected}; got ${got}`, {
    details: { argument: name, expected, got },
  });
}

/**
 * Require a finite number.
 * @param name - argument name
 * @param value - the value
 * @returns the value
 * @throws KineticError INVALID_ARGUMENT
 */
export function requireFinite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidArgument(name, "a finite number", value);
  return value;
}

/**
 * Require a positive finite number.
 * @param name - argument name
 * @param value - the value
 * @returns the value
 * @throws KineticError INVALID_ARGUMENT
 */
export function requirePositive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(name, "a positive finite number", value);
  }
  return value;
}

/**
 * Require a non-negative finite number.
 * @param name - argument name
 * @param value - the value
 * @returns the value
 * @throws KineticError INVALID_ARGUMENT
 */
export function requireNonNegative(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(name, "a non-negative finite number", value);
  }
  return value;
}

/**
 * Require an integer in `[min, max]`.
 * @param name - argument name
 * @param value - the value
 * @param min - smallest allowed (default 1)
 * @param max - largest allowed (default `Number.MAX_SAFE_INTEGER`)
 * @returns the value
 * @throws KineticError INVALID_ARGUMENT
 */
export function requireInteger(name: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const rule = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw invalidArgument(name, rule, value);
  }
  return value;
}

/**
 * Require an array-like of finite numbers, optionally of a given length; copies into a fresh
 * Float64Array so the caller's input is never aliased or mutated.
 * @param name - argument name
 * @param value - a number array or typed array
 * @param length - required length, if any
 * @returns a fresh Float64Array copy
 * @throws KineticError INVALID_ARGUMENT (non-finite entry, empty) or SHAPE_MISMATCH (length)
 */
export function requireFiniteArray(name: string, value: unknown, length?: number): Float64Array {
  if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) {
    throw invalidArgument(name, "an array of finite numbers", value);
  }
  const arr = value as ArrayLike<number>;
  if (arr.length === 0) throw invalidArgument(name, "a non-empty array of finite numbers", value);
  if (length !== undefined && arr.length !== length) throw shapeMismatch(name, `length ${length}`, arr.length);
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw invalidArgument(`${name}[${i}]`, "a finite number", v);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Require one of a fixed set of strings.
 * @param name - argument name
 * @param value - the value
 * @param allowed - allowed values
 * @returns the value
 * @throws KineticError INVALID_ARGUMENT
 */
export function requireOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
  }
  return value as T;
}

/**
 * Require a plain options object whose keys are all known; unknown keys are an error, never ignored.
 * Documented aliases (e.g. scikit-learn's `n_samples` for `nSamples`) are renamed to their canonical key.
 * @param name - argument name (e.g. `"options"`)
 * @param value - the object given (`undefined` means "all defaults" and gives `{}`)
 * @param known - the canonical keys
 * @param aliases - optional map alias → canonical key
 * @returns a shallow copy with aliases renamed
 * @throws KineticError INVALID_ARGUMENT naming the first unknown key and listing the known ones, or when an
 * alias and its canonical key are both given
 * @example
 * ```ts
 * const o = requireOptions("options", { n_samples: 100 }, ["nSamples", "seed"], { n_samples: "nSamples" });
 * // o = { nSamples: 100 }; requireOptions("options", { nSample: 1 }, ["nSamples"]) throws
 * ```
 */
export function requireOptions<T extends object = Record<string, unknown>>(
  name: string,
  value: unknown,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): T {
  if (value === undefined) return {} as T;
  if (typeof value !== "object" || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw invalidArgument(name, "an options object", value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const canonical = Object.hasOwn(aliases, key) ? aliases[key]! : key;
    if (!known.includes(canonical)) {
      const list = known.map((k) => `\`${k}\``).join(", ");
      throw invalidArgument(`${name}.${key}`, `a known option (one of ${list})`, v);
    }
    if (canonical !== key && Object.hasOwn(value, canonical)) {
      throw invalidArgument(`${name}.${key}`, `given once: it is an alias of \`${canonical}\`, which is also given`, v);
    }
    if (v !== undefined) out[canonical] = v;
  }
  return out as T;
}

/** Default memory budget for one result (bytes) used by {@link requireFits}: 1 GiB. */
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

/**
 * Refuse, before any work, a size whose memory (or work) estimate exceeds a budget. The message names
 * the argument, the estimate and the largest size that fits.
 * @param name - the user's argument or flag (e.g. `"particles"`, `"--n-save"`)
 * @param size - the requested count
 * @param costPerItem - estimated cost of one item (bytes, or cell-updates for a work limit)
 * @param budget - the budget in the same unit (default {@link DEFAULT_MEMORY_BUDGET} bytes)
 * @param unit - `"bytes"` (formatted as MiB/GiB) or the name of a work unit (e.g. `"cell-updates"`)
 * @returns `size`
 * @throws KineticError TOO_LARGE with `details.largest`, the largest size within the budget
 * @example
 * ```ts
 * requireFits("particles", 1e6, 8 * 2);            // 16 MB: fine
 * // requireFits("particles", 1e12, 8) throws TOO_LARGE: "... about 7.3 TiB ...; the largest that fits is 134217728"
 * ```
 */
export function requireFits(name: string, size: number, costPerItem: number, budget = DEFAULT_MEMORY_BUDGET, unit = "bytes"): number {
  const estimate = size * costPerItem;
  if (!(estimate <= budget)) {
    const largest = costPerItem > 0 ? Math.floor(budget / costPerItem) : 0;
    const what =
      unit === "bytes"
        ? `about ${formatBytes(estimate)} of memory (budget ${formatBytes(budget)})`
        : `about ${estimate.toExponential(2)} ${unit} (limit ${budget.toExponential(2)})`;
    throw new KineticError(
      "TOO_LARGE",
      `too large: \`${name}\` = ${formatValue(size)} needs ${what}; the largest that fits is ${largest}`,
      {
        details: { argument: name, value: size, estimate, budget, largest, unit },
      },
    );
  }
  return size;
}

/**
 * Format a byte count for messages (B, KiB, MiB, GiB, TiB).
 * @param bytes - a count of bytes
 * @returns e.g. `"1.5 GiB"`
 * @example
 * ```ts
 * formatBytes(3 * 2 ** 29); // "1.5 GiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toPrecision(3)} ${units[i]}`;
}

/** Largest buffer kept per purpose (512 MiB); larger ones are allocated per call and not kept. */
export const WORKSPACE_RETAIN_BYTES = 512 * 2 ** 20;

/** What a kept buffer is for (one buffer is kept per purpose, e.g. `"vlasov-trajectory"`). */
export type WorkspacePurpose = string;

/** A buffer lent to one gradient: `data` (not zeroed; the caller writes before it reads) and `release`. */
export interface Workspace {
  readonly data: Float64Array;
  release(): void;
}

const kept = new Map<WorkspacePurpose, Float64Array>();
const lent = new Set<WorkspacePurpose>();

/**
 * Lend `doubles` values for `purpose`: the kept buffer when it is free and large enough, else a new one
 * (kept for the next call when it fits in {@link WORKSPACE_RETAIN_BYTES}). Memory new to the process costs a page
 * fault per 4 KiB page on its first touch (on the benchmark machine, filling 80 MiB took 220 ms the
 * first time and 3 ms the second), and a solver trajectory is written once and read once, so repeated
 * calls of the same size (a training loop) take it from here. Not reentrant by design: a second borrow
 * of a purpose while it is lent gets fresh memory. Release it in a `finally`.
 * @param purpose - what the buffer is for
 * @param doubles - its length
 * @returns `{ data, release }`; `data` is not zeroed (write before reading)
 * @example
 * ```ts
 * const ws = borrowWorkspace("my-trajectory", 1000);
 * try {
 *   ws.data.fill(0);
 * } finally {
 *   ws.release();
 * }
 * ```
 */
export function borrowWorkspace(purpose: WorkspacePurpose, doubles: number): Workspace {
  if (lent.has(purpose) || 8 * doubles > WORKSPACE_RETAIN_BYTES) return { data: new Float64Array(doubles), release() {} };
  let buf = kept.get(purpose);
  if (buf === undefined || buf.length < doubles) {
    kept.delete(purpose); // the old buffer can be collected before the new one is touched
    buf = new Float64Array(doubles);
    kept.set(purpose, buf);
  }
  lent.add(purpose);
  let open = true;
  return {
    data: buf.subarray(0, doubles),
    release() {
      if (open) lent.delete(purpose);
      open = false;
    },
  };
}

/**
 * Drop the kept buffers (those lent now stay valid for their borrower and are not kept afterwards).
 * @returns nothing
 * @example
 * ```ts
 * dropWorkspaces();
 * ```
 */
export function dropWorkspaces(): void {
  kept.clear();
}
