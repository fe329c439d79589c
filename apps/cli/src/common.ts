/** Helpers shared by the commands: error → exit code mapping, flags → config objects. */
import { isKineticError } from "@kinetic-nde/core";
import { formatValue } from "@kinetic-nde/core/validate";
import { describeIssues, parseConfig } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import type * as z from "zod";
import { CliError, EXIT } from "./exit-codes.js";
import { readConfigFile } from "./io.js";

/** Version printed by `--version` and written into reports. */
export const VERSION = "0.0.0";

/** The command being run (set by the program before its action), for flag names in messages. */
let activeCommand: Command | undefined;
/** Config field paths (without the `config.` prefix) set from flags, mapped to the flag that set them. */
const flagOfPath = new Map<string, string>();

/**
 * Remember the command whose action is about to run (called by the program's `preAction` hook), so
 * error messages can name the user's flags.
 * @param cmd - the command
 * @example
 * ```ts
 * program.hook("preAction", (_root, action) => setActiveCommand(action));
 * ```
 */
export function setActiveCommand(cmd: Command | undefined): void {
  activeCommand = cmd;
}

/** `--long` name of the option whose attribute is `key` on the active command (else kebab-case of `key`). */
function flagName(key: string): string {
  const opt = activeCommand?.options.find((o) => o.attributeName() === key);
  if (opt?.long !== undefined) return opt.long;
  return `--${key.replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`)}`;
}

/**
 * Record that the config field at `path` (dotted, e.g. `"initial.std"`) was set by the flag whose
 * commander attribute is `flag`: error messages about `config.<path>` then name the flag.
 * {@link fieldsFromFlags} calls it for every flag it maps; commands that build configs by hand call it.
 * @param flag - commander attribute name, e.g. `"stepsPerLayer"`
 * @param path - config path, e.g. `"stepsPerLayer"` or `"grid.n"`
 * @example
 * ```ts
 * noteFlagPath("xMin", "grid.xMin");
 * ```
 */
export function noteFlagPath(flag: string, path: string): void {
  flagOfPath.set(path, flagName(flag));
}

/** Options the user gave on the command line (not defaults), as `--flag value` text. */
function givenFlags(): string[] {
  const cmd = activeCommand;
  if (cmd === undefined) return [];
  const skip = new Set(["out", "force", "png", "quiet", "json", "config", "help", "version"]);
  const out: string[] = [];
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (skip.has(key) || cmd.getOptionValueSource(key) !== "cli") continue;
    // `--header` and `--no-header` share one value: list it once.
    if (o.negate && cmd.options.some((p) => p !== o && !p.negate && p.attributeName() === key)) continue;
    const v: unknown = cmd.getOptionValue(key);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        out.push(`${o.long ?? key} ${k}=${typeof x === "string" ? x : JSON.stringify(x)}`);
    } else if (typeof v === "boolean") out.push(v ? (o.long ?? key) : `--no-${key}`);
    else out.push(`${o.long ?? key} ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  return out;
}

/** Display name of a config path: the flag that set it, else `config.<path>`. */
function displayPath(path: string): string {
  const bare = path.startsWith("config.") ? path.slice("config.".length) : path === "config" ? "" : path;
  for (let p = bare; p.length > 0; ) {
    const flag = flagOfPath.get(p);
    if (flag !== undefined) return flag + bare.slice(p.length);
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  // Fallback: a top-level field named like an option the user gave (`--format`, `--param key=value`).
  const cmd = activeCommand;
  if (cmd !== undefined && bare !== "") {
    const head = /^[^.[]+/.exec(bare)![0];
    const rest = bare.slice(head.length);
    for (const o of cmd.options) {
      const key = o.attributeName();
      if (cmd.getOptionValueSource(key) !== "cli") continue;
      if (key === head) return (o.long ?? key) + rest;
      if (`${key}s` === head && rest.startsWith(".")) return `${o.long ?? key} ${rest.slice(1)}`;
    }
  }
  return path;
}

/** The value the user gave for the flag that `display` names (`--w`), if it was given on the command line. */
function givenValueOf(display: string): unknown {
  const cmd = activeCommand;
  const o = cmd?.options.find((x) => x.long === display);
  if (cmd === undefined || o === undefined || cmd.getOptionValueSource(o.attributeName()) !== "cli") return undefined;
  return cmd.getOptionValue(o.attributeName());
}

/** Rule text for a zod union issue: what each alternative expects, e.g. "a number or an array". */
function unionRule(issue: {
  errors?: readonly (readonly { code: string; path: readonly PropertyKey[]; expected?: string; values?: readonly unknown[] }[])[];
}): string | undefined {
  const alts: string[] = [];
  const article = (t: string): string =>
    t === "int" ? "an integer" : t === "array" ? "a list (JSON array)" : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
  for (const branch of issue.errors ?? []) {
    const top = branch.find((i) => i.path.length === 0);
    if (top === undefined) continue;
    if (top.code === "invalid_type" && top.expected !== undefined) alts.push(article(top.expected));
    else if (top.code === "invalid_value" && top.values !== undefined)
      alts.push(`one of ${top.values.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  const uniq = [...new Set(alts)];
  return uniq.length > 0 ? uniq.join(" or ") : undefined;
}

interface ZodLikeError {
  readonly issues: readonly (z.core.$ZodIssue & { errors?: unknown })[];
}

function isZodError(e: unknown): e is ZodLikeError & Error {
  return e instanceof Error && e.name === "ZodError" && Array.isArray((e as unknown as ZodLikeError).issues);
}

/** Smallest upper bound of a config field that counts as a size limit (particles, cells, times, steps). */
const SIZE_LIMIT = 1000;

/**
 * Is this issue a size beyond what fits (an integer above an upper bound of at least
 * {@link SIZE_LIMIT}, e.g. `particles` above 5·10⁷)? Such requests exit 4 (too large), not 2.
 */
function isSizeIssue(issue: ZodLikeError["issues"][number]): boolean {
  if (issue.code !== "too_big" || issue.origin !== "number") return false;
  const max = Number(issue.maximum);
  return sizeIssues.has(issue) && Number.isInteger(max) && max >= SIZE_LIMIT;
}

/** Issues of {@link buildConfig} about an integer field (a count) above its bound. */
const sizeIssues = new WeakSet<object>();

/** The field schema at a config path, stepping through defaults, optionals and pipes. */
function fieldSchema(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  type Node = { shape?: Record<string, Node>; def?: { innerType?: Node; in?: Node } };
  const unwrap = (n: Node | undefined): Node | undefined => {
    for (let i = 0; i < 8 && n !== undefined && n.shape === undefined && (n.def?.innerType ?? n.def?.in) !== undefined; i++)
      n = n.def?.innerType ?? n.def?.in;
    return n;
  };
  let node = unwrap(schema as unknown as Node);
  for (const key of path) {
    node = unwrap(node?.shape?.[String(key)]);
    if (node === undefined) return undefined;
  }
  return node as unknown as z.ZodType | undefined;
}

/** Mark the too-big issues of integer fields (counts: particles, cells, times, ...) as sizes. */
function markSizeIssues(schema: z.ZodType, e: unknown): void {
  const cause = isKineticError(e) ? e.cause : e;
  if (!isZodError(cause)) return;
  for (const issue of cause.issues) {
    if (issue.code !== "too_big") continue;
    const path = issue.path[0] === "config" ? issue.path.slice(1) : issue.path;
    const field = fieldSchema(schema, path) as unknown as { isInt?: boolean; format?: string | null } | undefined;
    if (field?.isInt === true || field?.format === "safeint" || field?.format === "int32") sizeIssues.add(issue);
  }
}

/** Exit code and message of a zod error: 4 when every issue is a size too large, else 2. */
function zodExit(issues: ZodLikeError["issues"]): { code: number; message: string } {
  const tooLarge = issues.length > 0 && issues.every(isSizeIssue);
  return { code: tooLarge ? EXIT.TOO_LARGE : EXIT.USAGE, message: joinMessages(zodMessages(issues)) };
}

/** One message per zod issue, naming flags where a flag set the field. */
function zodMessages(issues: ZodLikeError["issues"]): string[] {
  return describeIssues(issues).map((d, i) => {
    const raw = issues[i]!;
    if (isSizeIssue(raw)) {
      const where = displayPath(d.path);
      const value = d.value === undefined && !("input" in raw) ? givenValueOf(where) : d.value;
      return `too large: \`${where}\` must be at most ${String(raw.code === "too_big" ? raw.maximum : "")} (the largest size that fits); got ${formatValue(value)}`;
    }
    let rule = d.rule;
    if (raw.code === "invalid_union") rule = unionRule(raw as never) ?? "a valid value";
    const where = displayPath(d.path);
    const value = d.value === undefined && !("input" in raw) ? givenValueOf(where) : d.value;
    let shown = raw.code === "unrecognized_keys" ? raw.keys.map((k) => JSON.stringify(k)).join(", ") : formatValue(value);
    // A number printed differently from how it was typed (1e300 → 1e+300): quote the flag as given.
    const typed = where.startsWith("--") ? givenValueOf(where) : undefined;
    if (typeof typed === "string" && typed !== shown && JSON.stringify(typed) !== shown) shown += ` (from \`${where} ${typed}\`)`;
    return `invalid argument: \`${where}\` must be ${rule}; got ${shown}`;
  });
}

function joinMessages(lines: readonly string[]): string {
  return lines.length === 1 ? `error: ${lines[0]}` : `error: ${lines.length} invalid fields:\n  ${lines.join("\n  ")}`;
}

/** Replace `` `config.<path>` `` in a message by the flag that set the field. */
function withFlagNames(message: string): string {
  return message
    .replace(/`(config(?:\.[A-Za-z0-9_]+|\[\d+\])*)`/g, (_m, p: string) => `\`${displayPath(p)}\``)
    .replace(/`([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)`/g, (m, p: string) => {
      // A bare config field (`particles`) that a flag set: name the flag.
      const flag = flagOfPath.get(p);
      return flag !== undefined ? `\`${flag}\`` : m;
    });
}

/** Exit codes of the KineticError codes. */
const KINETIC_EXIT: Readonly<Record<string, number>> = {
  SOLVER_FAILED: EXIT.CHECK_FAILED,
  TOO_LARGE: EXIT.TOO_LARGE,
};

const ALLOCATION =
  /Invalid typed array length|Array buffer allocation failed|Invalid array length|Invalid string length|allocation failed|Array buffer/i;

/**
 * Map any thrown value to an exit code and a one-line (or one line per invalid field) message for
 * stderr; never a stack trace unless `KINETIC_NDE_DEBUG=1`.
 * - CliError: its code and message; KineticError: TOO_LARGE → 4, SOLVER_FAILED → 1, others → 2,
 *   config field paths set by flags named by the flag (`--w`, not `config.w`);
 * - zod errors: the field path (or flag), the rule and the value → 2;
 * - RangeError from an allocation (a size too large) → 4, naming the flags given; other
 *   RangeError → 2; file system errors → 3; AbortError → 130; anything else → 70 (internal error).
 * @param e - the thrown value
 * @returns exit code and message
 * @example
 * ```ts
 * const { code, message } = toExit(e);
 * process.stderr.write(message + "\n");
 * process.exitCode = code;
 * ```
 */
export function toExit(e: unknown): { code: number; message: string } {
  const debug = process.env["KINETIC_NDE_DEBUG"] === "1" && e instanceof Error && e.stack !== undefined ? `\n${e.stack}` : "";
  const given = givenFlags();
  const context = given.length > 0 ? ` (flags given: ${given.join(" ")})` : "";
  if (e instanceof CliError) return { code: e.exitCode, message: withFlagNames(e.message) + debug };
  if (isKineticError(e)) {
    const code = KINETIC_EXIT[e.code] ?? EXIT.USAGE;
    if (isZodError(e.cause)) {
      const z = zodExit(e.cause.issues);
      return { code: z.code === EXIT.TOO_LARGE ? z.code : code, message: z.message + debug };
    }
    let msg = withFlagNames(e.message);
    const known = /^(invalid argument|shape mismatch|too large|error)\b/.test(msg);
    if (!known) msg = `error (${e.code}): ${msg}`;
    else if (!msg.startsWith("error")) msg = `error: ${msg}`;
    // A message about a derived quantity (not a config field, not a flag): say which flags led to it.
    if (!/`(--|config\b)/.test(msg) && !msg.includes("--") && e.code !== "NOT_FOUND") msg += context;
    return { code, message: msg + debug };
  }
  if (isZodError(e)) {
    const z = zodExit(e.issues);
    return { code: z.code, message: z.message + debug };
  }
  if (e instanceof Error && e.name === "AbortError") return { code: EXIT.INTERRUPTED, message: "interrupted" };
  if (e instanceof RangeError) {
    if (ALLOCATION.test(e.message)) {
      return {
        code: EXIT.TOO_LARGE,
        message: `error: too large: the requested sizes do not fit in memory (${e.message})${context}; reduce them` + debug,
      };
    }
    return { code: EXIT.USAGE, message: `error: a value is out of range (${e.message})${context}` + debug };
  }
  const errno = e as NodeJS.ErrnoException;
  if (e instanceof Error && typeof errno.code === "string" && typeof errno.syscall === "string") {
    return { code: errno.code === "ENOMEM" ? EXIT.TOO_LARGE : EXIT.IO, message: `error: ${errno.syscall} failed: ${e.message}` + debug };
  }
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return {
    code: EXIT.INTERNAL,
    message: `internal error: ${what.split("\n")[0]}${context} (a bug; rerun with KINETIC_NDE_DEBUG=1 for the stack trace)` + debug,
  };
}

/** Parse a flag value: numbers stay numbers, "true"/"false" booleans, JSON arrays/objects parsed, else the string. */
export function flagValue(s: string): unknown {
  const t = s.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t);
    } catch {
      return s;
    }
  }
  return s;
}

/** Collector for repeatable `--set key=value` flags (dotted keys create nested objects). */
export function collectSet(v: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = v.indexOf("=");
  if (eq <= 0) throw new CliError(EXIT.USAGE, `error: --set expects key=value; got ${JSON.stringify(v)}`);
  const key = v.slice(0, eq).trim();
  const out = { ...prev };
  const parts = key.split(".");
  let o: Record<string, unknown> = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const next = o[p];
    o[p] = typeof next === "object" && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = flagValue(v.slice(eq + 1));
  return out;
}

/**
 * A commander parser for a repeatable `key=value` flag that names the flag in its error (see
 * {@link collectSet}).
 * @param flag - the flag, e.g. `"--param"`
 * @returns the parser
 * @example
 * ```ts
 * cmd.option("--param <key=value>", "generator parameter", collectPairs("--param"));
 * ```
 */
export function collectPairs(flag: string): (v: string, prev?: Record<string, unknown>) => Record<string, unknown> {
  return (v, prev) => {
    if (v.indexOf("=") <= 0) throw new CliError(EXIT.USAGE, `invalid argument: \`${flag}\` expects key=value; got ${JSON.stringify(v)}`);
    return collectSet(v, prev);
  };
}

/** Parse `--seed` (a non-negative integer). */
export function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw new CliError(EXIT.USAGE, `invalid argument: \`--seed\` must be a non-negative integer; got ${JSON.stringify(v)}`);
  }
  return n;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (v !== null && typeof v === "object" && !Array.isArray(v) && prev !== null && typeof prev === "object" && !Array.isArray(prev)) {
      out[k] = deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

/**
 * Build a command's config: the `--config` file (if any), then flags (flags win), validated by the
 * command's zod schema; errors name the field path (prefixed by the source), rule and value.
 * @param schema - the command's schema
 * @param configPath - path given to --config, if any
 * @param flags - config fields from flags (undefined values are skipped)
 */
export function buildConfig<T>(schema: z.ZodType<T>, configPath: string | undefined, flags: Record<string, unknown>): T {
  const fromFile = configPath !== undefined ? readConfigFile(configPath) : {};
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) clean[k] = v;
  const merged = deepMerge(fromFile, clean);
  try {
    return parseConfig(schema, merged, "config");
  } catch (e) {
    markSizeIssues(schema, e);
    throw e;
  }
}

/**
 * Map commander flag values (strings) into a config object: `mapping[flag] = "dotted.path"`.
 * Values go through {@link flagValue} so numbers and JSON lists are typed.
 */
export function fieldsFromFlags(flags: Record<string, unknown>, mapping: Record<string, string>): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const [flag, path] of Object.entries(mapping)) {
    const v = flags[flag];
    if (v === undefined) continue;
    noteFlagPath(flag, path);
    out = collectSet(`${path}=${typeof v === "string" ? v : JSON.stringify(v)}`, out);
  }
  return out;
}

/** The CSV flags of commands that read data files (see {@link addCsvOptions}). */
export interface CsvFlags {
  /** `--header` (true) / `--no-header` (false); undefined: detect. */
  header?: boolean;
  /** `--delimiter`: `,` `tab` `;` `whitespace` (or the characters themselves); undefined: detect. */
  delimiter?: string;
}

/**
 * Add `--header`, `--no-header` and `--delimiter <d>` to a command that reads CSV files.
 * @param cmd - the command
 * @returns the same command (for chaining)
 * @example
 * ```ts
 * addCsvOptions(program.command("simulate")).option(...)
 * ```
 */
export function addCsvOptions(cmd: Command): Command {
  return cmd
    .option(
      "--header",
      "the first row of a CSV input is a header of column names (default: detected: a header iff a field of the first row is not a number while its column is numeric below)",
    )
    .option("--no-header", "a CSV input has no header row: every row is data (columns x0, x1, ...)")
    .option(
      "--delimiter <d>",
      "CSV field separator: comma, tab, semicolon, whitespace (runs of spaces, as numpy.savetxt writes), or one character (default: detected from the first row)",
    );
}

const DELIMITER_NAMES: Readonly<Record<string, string>> = {
  comma: ",",
  ",": ",",
  tab: "\t",
  "\\t": "\t",
  "\t": "\t",
  semicolon: ";",
  ";": ";",
  whitespace: "whitespace",
  space: "whitespace",
  " ": "whitespace",
  auto: "auto",
};

/**
 * CSV parse options from the `--header`/`--no-header`/`--delimiter` flags.
 * @param flags - the command's flags
 * @returns `{ header?, delimiter? }` for `parseCsv` / {@link readDataFile}
 * @throws CliError exit 2 for a delimiter that is not a name or a single character
 * @example
 * ```ts
 * const ds = parseCsv(text, { ...csvOptionsFromFlags(flags), label: "label" });
 * ```
 */
export function csvOptionsFromFlags(flags: CsvFlags): { header?: boolean; delimiter?: string } {
  const out: { header?: boolean; delimiter?: string } = {};
  if (flags.header !== undefined) out.header = flags.header;
  if (flags.delimiter !== undefined) {
    const d =
      DELIMITER_NAMES[flags.delimiter.toLowerCase()] ??
      (flags.delimiter.length === 1 && !/["\r\n]/.test(flags.delimiter) ? flags.delimiter : undefined);
    if (d === undefined) {
      throw new CliError(
        EXIT.USAGE,
        `invalid argument: \`--delimiter\` must be comma, tab, semicolon, whitespace or a single character; got ${JSON.stringify(flags.delimiter)}`,
      );
    }
    out.delimiter = d;
  }
  return out;
}
