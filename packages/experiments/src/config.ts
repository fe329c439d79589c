/**
 * Config validation with zod: errors name the field path, the rule and the value, as
 * `KineticError("INVALID_ARGUMENT")`.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { formatValue } from "@kinetic-nde/core/validate";
import * as z from "zod";

/** One problem found in a config, in the project's wording. */
export interface ConfigIssue {
  /** Dotted field path, e.g. `"config.w"` or `"config.sizes[2]"`. */
  readonly path: string;
  /** What the field must be, e.g. `"a number < 0"`. */
  readonly rule: string;
  /** The offending value (undefined when missing). */
  readonly value: unknown;
  /** `` invalid argument: `config.w` must be a number < 0; got 2 `` */
  readonly message: string;
}

function pathString(prefix: string, path: readonly PropertyKey[]): string {
  let s = prefix;
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += s.length > 0 ? `.${String(p)}` : String(p);
  }
  return s.length > 0 ? s : "(root)";
}

function bound(v: unknown): string {
  return typeof v === "bigint" ? v.toString() : formatValue(v);
}

function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "an integer" : `of type ${issue.expected}`;
    case "too_big": {
      const op = issue.inclusive ? "<=" : "<";
      if (issue.origin === "array") return `an array of at most ${bound(issue.maximum)} items`;
      if (issue.origin === "string") return `a string of at most ${bound(issue.maximum)} characters`;
      return `a number ${op} ${bound(issue.maximum)}`;
    }
    case "too_small": {
      const op = issue.inclusive ? ">=" : ">";
      if (issue.origin === "array") return `an array of at least ${bound(issue.minimum)} items`;
      if (issue.origin === "string") return `a string of at least ${bound(issue.minimum)} characters`;
      return `a number ${op} ${bound(issue.minimum)}`;
    }
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `free of unknown keys (unknown: ${issue.keys.join(", ")})`;
    case "not_multiple_of":
      return `a multiple of ${bound(issue.divisor)}`;
    case "invalid_format":
      return `a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/**
 * Convert zod issues into {@link ConfigIssue}s with a path prefix.
 * @param issues - zod issues (parse run with `reportInput: true` so values are known)
 * @param prefix - path prefix, e.g. `"config"` (default) or `"--config file.yaml"`
 * @returns one issue per zod issue, in order
 * @example
 * ```ts
 * const r = schema.safeParse(input, { reportInput: true });
 * if (!r.success) describeIssues(r.error.issues).map((i) => i.message);
 * ```
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = "config"): ConfigIssue[] {
  return issues.map((issue) => {
    const path = pathString(prefix, issue.path);
    const rule = ruleOf(issue);
    const value = issue.code === "unrecognized_keys" ? issue.keys : (issue as { input?: unknown }).input;
    const shown = issue.code === "unrecognized_keys" ? issue.keys.map((k) => JSON.stringify(k)).join(", ") : formatValue(value);
    return { path, rule, value, message: `invalid argument: \`${path}\` must be ${rule}; got ${shown}` };
  });
}

/**
 * Parse `input` with a zod schema; on failure throw one `KineticError("INVALID_ARGUMENT")` whose
 * message lists every issue (field path, rule, value) and whose `details.issues` holds them.
 * @param schema - the zod schema (defaults applied on success)
 * @param input - the untrusted input (plain object)
 * @param prefix - path prefix for messages (default `"config"`)
 * @returns the parsed value with defaults
 * @throws KineticError INVALID_ARGUMENT with `details.issues: ConfigIssue[]`
 * @example
 * ```ts
 * const config = parseConfig(getExperiment("moments-linear").schema, { w: -2 });
 * ```
 */
export function parseConfig<T>(schema: z.ZodType<T>, input: unknown, prefix = "config"): T {
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const issues = describeIssues(r.error.issues, prefix);
  const message =
    issues.length === 1 ? issues[0]!.message : `${issues.length} invalid fields:\n  ${issues.map((i) => i.message).join("\n  ")}`;
  throw new KineticError("INVALID_ARGUMENT", message, { cause: r.error, details: { issues } });
}

/**
 * JSON Schema (draft 2020-12) of a zod schema's accepted input (defaults shown, nothing required
 * that has a default).
 * @param schema - a zod schema
 * @param title - optional title
 * @returns a plain JSON-serialisable object
 * @example
 * ```ts
 * JSON.stringify(toJsonSchema(getExperiment("convergence").schema), null, 2);
 * ```
 */
export function toJsonSchema(schema: z.ZodType, title?: string): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return title !== undefined ? { ...js, title } : js;
}
