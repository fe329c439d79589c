/**
 * The one error type of kinetic-nde and the status codes of solves that have started.
 * @packageDocumentation
 */

/** Machine-readable reason of a {@link KineticError}. */
export type KineticErrorCode =
  /** An argument breaks a documented rule (sign, range, finiteness, integer, enum). */
  | "INVALID_ARGUMENT"
  /** Array lengths or dimensions do not fit together. */
  | "SHAPE_MISMATCH"
  /** The requested problem is unstable or would blow up (CFL violation, w > 0 with unbounded velocity). */
  | "UNSTABLE"
  /** A solver could not produce a result (singular system, no convergence). */
  | "SOLVER_FAILED"
  /** A named item (activation, method, experiment, data set) is not registered. */
  | "NOT_FOUND"
  /** The combination of options is valid but not supported by this method. */
  | "UNSUPPORTED"
  /** Text input (CSV, JSON, configuration) could not be parsed. */
  | "PARSE_ERROR"
  /** The requested object does not exist mathematically (e.g. no integrable steady state). */
  | "NO_SOLUTION"
  /**
   * A size or a work estimate the machine cannot hold or finish (memory, steps, cell-updates); refused
   * before any work, with the largest size that fits in the message and in `details.largest`.
   */
  | "TOO_LARGE";

/** Brand shared by every copy of core (an application may hold two installed copies). */
const KINETIC_ERROR_BRAND = Symbol.for("@kinetic-nde/core.KineticError");

/** Options of {@link KineticError}. */
export interface KineticErrorOptions {
  /** The underlying error, passed through. */
  readonly cause?: unknown;
  /** Structured context (argument name, value, indices) for programs that catch the error. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The single error class thrown by every kinetic-nde package for bad input.
 *
 * @remarks
 * Errors are thrown only while validating input at an entry point. Once a solve has started,
 * problems are reported through a {@link SolveStatus} in the result instead.
 *
 * @example
 * ```ts
 * try { createRng(-1); } catch (e) { if (e instanceof KineticError) console.log(e.code); }
 * ```
 */
export class KineticError extends Error {
  /** Machine-readable reason. */
  readonly code: KineticErrorCode;
  /** Structured context, if any. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - the machine-readable reason
   * @param message - a message naming the argument, the rule and the value
   * @param options - `cause` and structured `details`
   */
  constructor(code: KineticErrorCode, message: string, options: KineticErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KineticError";
    this.code = code;
    this.details = options.details;
    Object.defineProperty(this, KINETIC_ERROR_BRAND, { value: true, enumerable: false });
  }
}

/**
 * Is `e` a {@link KineticError} (optionally with the given code)?
 * @param e - any thrown value
 * @param code - if given, the code it must carry
 * @returns true when `e` is a KineticError (with `code`)
 */
export function isKineticError(e: unknown, code?: KineticErrorCode): e is KineticError {
  // A brand, not `instanceof`: errors thrown by a second installed copy of core are recognised too.
  if (typeof e !== "object" || e === null || (e as Record<symbol, unknown>)[KINETIC_ERROR_BRAND] !== true) return false;
  return code === undefined || (e as KineticError).code === code;
}

/** Outcome of a solve that has started: solvers report these instead of throwing. */
export type SolveStatus =
  | "success"
  | "max-steps"
  | "step-too-small"
  | "non-finite"
  | "mass-lost"
  /** A fixed-step method ran outside its stability region: its numbers are not to be trusted. */
  | "unstable"
  /**
   * The grid no longer resolves the solution (e.g. a density collapsed into a cell or two): the
   * discrete numbers are those of the scheme, not approximations of the continuous problem.
   */
  | "under-resolved";

/** Every {@link SolveStatus}, for iteration and validation. */
export const SOLVE_STATUSES: readonly SolveStatus[] = [
  "success",
  "max-steps",
  "step-too-small",
  "non-finite",
  "mass-lost",
  "unstable",
  "under-resolved",
];
