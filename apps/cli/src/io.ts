/** File input and output of the CLI: config files, output directories, data files. */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { CliError, EXIT } from "./exit-codes.js";

/**
 * Read a text file; a missing or unreadable file is an I/O error (exit 3).
 * @param path - file path
 * @param what - what the file is, for the message (e.g. "config file")
 */
export function readText(path: string, what = "file"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(e)})`;
    throw new CliError(EXIT.IO, `error: ${what} ${JSON.stringify(path)} ${reason}`, { cause: e });
  }
}

/**
 * Read a `.json`, `.yaml` or `.yml` config file into a plain object.
 * @param path - file path
 * @returns the parsed object
 */
export function readConfigFile(path: string): Record<string, unknown> {
  const text = readText(path, "config file");
  const ext = extname(path).toLowerCase();
  let value: unknown;
  try {
    if (ext === ".json") value = JSON.parse(text);
    else if (ext === ".yaml" || ext === ".yml") value = parseYaml(text);
    else throw new CliError(EXIT.USAGE, `error: --config ${JSON.stringify(path)} must end in .json, .yaml or .yml`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(EXIT.USAGE, `error: config file ${JSON.stringify(path)} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`, { cause: e });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(EXIT.USAGE, `error: config file ${JSON.stringify(path)} must contain an object (a mapping of field names to values)`);
  }
  return value as Record<string, unknown>;
}

/**
 * Prepare an output directory: create it, or refuse a non-empty existing one unless `force`.
 * @param out - directory path
 * @param force - allow writing into a non-empty directory
 * @returns the absolute path
 */
export function prepareOutDir(out: string, force: boolean): string {
  const abs = resolve(out);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new CliError(EXIT.USAGE, `error: output ${JSON.stringify(out)} exists and is not a directory`);
    if (readdirSync(abs).length > 0 && !force) {
      throw new CliError(EXIT.USAGE, `error: output directory ${JSON.stringify(out)} exists and is not empty; use --force to overwrite or choose another --out`);
    }
  }
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new CliError(EXIT.IO, `error: cannot create output directory ${JSON.stringify(out)}: ${(e as Error).message}`, { cause: e });
  }
  return abs;
}

/** Write a file (creating parent directories); failures are I/O errors. */
export function writeOut(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  try {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  } catch (e) {
    throw new CliError(EXIT.IO, `error: cannot write ${JSON.stringify(p)}: ${(e as Error).message}`, { cause: e });
  }
  return p;
}

/** Stable JSON text (2-space indent, trailing newline). */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, null, 2) + "\n";
}

/** Write a file at a path (creating parent directories); failures are I/O errors. */
export function writeFileAt(path: string, content: string | Uint8Array): void {
  writeOut(dirname(resolve(path)), basename(path), content);
}

/**
 * Column options for parsing a data set file: explicit `label`/`target`, or a column literally
 * named "label" / "target" (as written by `dataset generate`).
 */
export function detectColumns(text: string, ext: string, label?: string, target?: string): { label?: string; target?: string } {
  if (label !== undefined || target !== undefined) return { ...(label !== undefined ? { label } : {}), ...(target !== undefined ? { target } : {}) };
  let names: string[] = [];
  if (ext === ".csv") names = (text.split(/\r?\n/, 1)[0] ?? "").split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
  else {
    try {
      const v = JSON.parse(text) as unknown;
      const rec = Array.isArray(v) ? v[0] : (v as { records?: unknown[]; columns?: string[] }).columns ?? (v as { records?: unknown[] }).records?.[0];
      names = Array.isArray(rec) ? (rec as string[]) : rec !== null && typeof rec === "object" ? Object.keys(rec) : [];
    } catch {
      names = [];
    }
  }
  if (names.includes("label")) return { label: "label" };
  if (names.includes("target")) return { target: "target" };
  return {};
}
