/** Helpers shared by the commands: error → exit code mapping, flags → config objects. */
import { isKineticError } from "@kinetic-nde/core";
import { parseConfig } from "@kinetic-nde/experiments";
import type { z } from "zod";
import { CliError, EXIT } from "./exit-codes.js";
import { readConfigFile } from "./io.js";

/** Version printed by `--version` and written into reports. */
export const VERSION = "0.0.0";

/** Map any thrown value to an exit code and a message for stderr. */
export function toExit(e: unknown): { code: number; message: string } {
  if (e instanceof CliError) return { code: e.exitCode, message: e.message };
  if (isKineticError(e)) {
    const code = e.code === "SOLVER_FAILED" ? EXIT.CHECK_FAILED : EXIT.USAGE;
    const msg = e.message.startsWith("invalid argument") || e.message.startsWith("shape mismatch") ? e.message : `error (${e.code}): ${e.message}`;
    return { code, message: msg.startsWith("error") ? msg : `error: ${msg}` };
  }
  if (e instanceof Error && e.name === "AbortError") return { code: EXIT.INTERRUPTED, message: "interrupted" };
  return { code: EXIT.CHECK_FAILED, message: `error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
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
  return parseConfig(schema, merged, "config");
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
    out = collectSet(`${path}=${typeof v === "string" ? v : JSON.stringify(v)}`, out);
  }
  return out;
}
