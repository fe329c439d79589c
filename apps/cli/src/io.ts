/** File input and output of the CLI: config files, output directories, data files. */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { endianness } from "node:os";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { isKineticError } from "@kinetic-nde/core";
import { npyHeader, parseCsvWithInfo, parseJson, type Dataset } from "@kinetic-nde/datasets";
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
    throw new CliError(
      EXIT.USAGE,
      `error: config file ${JSON.stringify(path)} is not valid ${ext === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(
      EXIT.USAGE,
      `error: config file ${JSON.stringify(path)} must contain an object (a mapping of field names to values)`,
    );
  }
  return value as Record<string, unknown>;
}

/** Name of the marker file in every output directory the CLI creates (lets `--force` replace it safely). */
export const OUTPUT_MARKER = ".kinetic-nde-output";
const MARKER_TEXT = "This directory was written by kinetic-nde; `--force` may replace it as a whole.\n";

/** A staged replacement of an existing output directory, swapped in by {@link commitOutputs}. */
interface StagedOutput {
  readonly staging: string;
  readonly target: string;
}
const staged: StagedOutput[] = [];
/** Output directories created by this process (removed again by {@link discardOutputs} while they hold nothing but the marker). */
const created: string[] = [];
/** Temporary files of writes in progress (removed by {@link discardOutputs} on a hard stop). */
const openTemps = new Set<string>();
let tempSeq = 0;

/** Temporary sibling names: `.<name>.partial-<pid>` (new results being built), `.<name>.old-<pid>` (old results being removed). */
function siblingName(target: string, kind: "partial" | "old"): string {
  return join(dirname(target), `.${basename(target)}.${kind}-${process.pid}`);
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove temporaries left next to `target` by runs that were killed (SIGKILL, power loss). */
function removeStaleSiblings(target: string): void {
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  const re = new RegExp(`^\\.${basename(target).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(?:partial|old)-(\\d+)$`);
  for (const name of readdirSync(parent)) {
    const m = re.exec(name);
    if (m !== null && !pidAlive(Number(m[1]))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Remove temporary files (`.<name>.tmp-<pid>-<n>`) of killed runs inside an output directory. */
function removeStaleTemps(dir: string): void {
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = /^\..+\.tmp-(\d+)-\d+$/.exec(e.name);
        if (m !== null && !pidAlive(Number(m[1]))) rmSync(p, { force: true });
      }
    }
  };
  walk(dir);
}

/**
 * Is `dir` an output directory written by kinetic-nde (the marker file, or the `config.json` plus
 * `summary.json`/`report.md` every run writes)? Only such directories are replaced by `--force`.
 * @param dir - a directory path
 * @returns true when kinetic-nde wrote it
 * @example
 * ```ts
 * isOutputDir("out/reproduce-all"); // true after a run
 * ```
 */
export function isOutputDir(dir: string): boolean {
  if (existsSync(join(dir, OUTPUT_MARKER))) return true;
  return existsSync(join(dir, "config.json")) && (existsSync(join(dir, "summary.json")) || existsSync(join(dir, "report.md")));
}

/** An empty directory, or one holding only the marker (a run that failed before writing anything). */
function isEmptyDir(p: string): boolean {
  return statSync(p).isDirectory() && readdirSync(p).every((f) => f === OUTPUT_MARKER);
}

function mkdirOut(abs: string, shown: string): void {
  try {
    mkdirSync(abs, { recursive: true });
    writeFileAtomic(join(abs, OUTPUT_MARKER), MARKER_TEXT);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(EXIT.IO, `error: cannot create output directory ${JSON.stringify(shown)}: ${(e as Error).message}`, { cause: e });
  }
}

/** Whether `--out` was left out on the command line (set by the program before each command runs). */
let outIsDefault = false;

/**
 * Tell {@link prepareOutDir} whether the running command's `--out` was left out, so a default path
 * gets a free `-2`, `-3`, ... suffix even when the command does not pass `unique` itself.
 * @param isDefault - true when the user gave no `--out`
 * @example
 * ```ts
 * setOutIsDefault(cmd.getOptionValueSource("out") !== "cli");
 * ```
 */
export function setOutIsDefault(isDefault: boolean): void {
  outIsDefault = isDefault;
}

/** Options of {@link prepareOutDir}. */
export interface PrepareOutDirOptions {
  /**
   * The path is a default name, not one the user gave: when it exists and is not empty, use the
   * first free `<out>-2`, `<out>-3`, ... instead (so default outputs never collide). Default: true
   * when the running command's `--out` flag was left out (see {@link setOutIsDefault}), else false.
   */
  readonly unique?: boolean;
}

/**
 * Prepare an output directory. A new or empty directory is created (with the marker file
 * {@link OUTPUT_MARKER}) and returned. An existing non-empty one is refused (exit 2) unless
 * `force`; with `force`, a directory written by kinetic-nde is replaced as one unit: the new results
 * are built in a hidden sibling `.<name>.partial-<pid>` (the returned path) and swapped in by
 * {@link commitOutputs} when the command ends, so the old results stay whole until then and no
 * stale file survives. A non-empty directory not written by kinetic-nde is never replaced.
 * @param out - directory path
 * @param force - replace an existing non-empty output directory
 * @param options - `unique`: pick `<out>-2`, `<out>-3`, ... when `out` (a default name) is taken
 * @returns the absolute path to write into (the final directory, or its staging sibling)
 * @example
 * ```ts
 * const dir = prepareOutDir("out/run", flags.force ?? false);
 * writeOut(dir, "summary.json", jsonText(summary));
 * ```
 */
export function prepareOutDir(out: string, force: boolean, options: PrepareOutDirOptions = {}): string {
  let abs = resolve(out);
  let shown = out;
  if ((options.unique ?? outIsDefault) && !force) {
    for (let k = 2; existsSync(abs) && !isEmptyDir(abs); k++) {
      abs = resolve(`${out}-${k}`);
      shown = `${out}-${k}`;
    }
  }
  removeStaleSiblings(abs);
  if (!existsSync(abs) || isEmptyDir(abs)) {
    if (!existsSync(abs)) created.push(abs);
    mkdirOut(abs, shown);
    return abs;
  }
  if (!statSync(abs).isDirectory()) throw new CliError(EXIT.USAGE, `error: output ${JSON.stringify(shown)} exists and is not a directory`);
  if (!force) {
    throw new CliError(
      EXIT.USAGE,
      `error: output directory ${JSON.stringify(shown)} exists and is not empty; use --force to overwrite or choose another --out`,
    );
  }
  if (!isOutputDir(abs)) {
    throw new CliError(
      EXIT.USAGE,
      `error: output directory ${JSON.stringify(shown)} is not empty and was not written by kinetic-nde (no ${OUTPUT_MARKER} file); --force only replaces kinetic-nde output directories: remove it or choose another --out`,
    );
  }
  removeStaleTemps(abs);
  const staging = siblingName(abs, "partial");
  rmSync(staging, { recursive: true, force: true });
  mkdirOut(staging, shown);
  staged.push({ staging, target: abs });
  return staging;
}

/**
 * Map a path inside a staging directory (see {@link prepareOutDir}) to where it will be once the
 * results are swapped in; other paths are returned unchanged. For messages: say `out/run/x.csv`,
 * not `.run.partial-123/x.csv`.
 * @param p - a path
 * @returns the final path
 * @example
 * ```ts
 * process.stdout.write(`output: ${finalPath(outDir)}\n`);
 * ```
 */
export function finalPath(p: string): string {
  const abs = resolve(p);
  for (const s of staged) {
    if (abs === s.staging) return s.target;
    if (abs.startsWith(s.staging + sep)) return join(s.target, relative(s.staging, abs));
  }
  return p;
}

/**
 * Swap every staged output directory into place (rename the old one away, rename the new one in,
 * delete the old one). Called once by the program when a command has finished (also with exit code
 * 1 or 130: its results, partial or not, are complete files described by their report).
 * @example
 * ```ts
 * commitOutputs();
 * ```
 */
export function commitOutputs(): void {
  for (const s of staged.splice(0)) {
    const old = siblingName(s.target, "old");
    try {
      rmSync(old, { recursive: true, force: true });
      if (existsSync(s.target)) renameSync(s.target, old);
      renameSync(s.staging, s.target);
    } catch (e) {
      throw new CliError(
        EXIT.IO,
        `error: cannot move the new results into ${JSON.stringify(s.target)}: ${(e as Error).message} (they are in ${JSON.stringify(s.staging)})`,
        { cause: e },
      );
    }
    rmSync(old, { recursive: true, force: true });
  }
}

/**
 * Drop staged output directories and temporary files of writes in progress, leaving every previous
 * result untouched. Called by the program when a command fails or is stopped at once.
 * @example
 * ```ts
 * discardOutputs();
 * ```
 */
export function discardOutputs(): void {
  for (const t of openTemps) rmSync(t, { force: true });
  openTemps.clear();
  for (const s of staged.splice(0)) rmSync(s.staging, { recursive: true, force: true });
  for (const d of created.splice(0)) {
    try {
      if (isEmptyDir(d)) rmSync(d, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

/** An open file written under a temporary name and renamed over its target when committed. */
export interface AtomicFile {
  /** Final path. */
  readonly path: string;
  /** Append bytes or UTF-8 text. */
  write(chunk: string | Uint8Array): void;
  /** Flush to disk, close and rename into place. */
  commit(): void;
  /** Close and delete the temporary file (the target is untouched). */
  abort(): void;
}

function ioError(path: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOSPC" ? "no space left on the device" : code === "EACCES" || code === "EPERM" ? "permission denied" : (e as Error).message;
  return new CliError(EXIT.IO, `error: cannot write ${JSON.stringify(finalPath(path))}: ${reason}`, { cause: e });
}

/**
 * Open `path` for an atomic write: the bytes go to `.<name>.tmp-<pid>-<n>` in the same directory,
 * which {@link AtomicFile.commit} fsyncs and renames over `path`, so a reader (or a run killed at
 * any moment) sees the old file or the complete new one, never a truncated one.
 * @param path - target path (parent directories are created)
 * @returns the open file
 * @throws CliError exit 3 when the file cannot be created or written
 * @example
 * ```ts
 * const f = openAtomicFile("out/run/data/x.csv");
 * f.write("x\n1\n");
 * f.commit();
 * ```
 */
export function openAtomicFile(path: string): AtomicFile {
  const target = resolve(path);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${tempSeq++}`);
  let fd: number;
  try {
    mkdirSync(dirname(target), { recursive: true });
    fd = openSync(tmp, "w");
  } catch (e) {
    throw ioError(target, e);
  }
  openTemps.add(tmp);
  let open = true;
  const close = (): void => {
    if (open) {
      open = false;
      closeSync(fd);
    }
  };
  return {
    path: target,
    write(chunk) {
      try {
        if (typeof chunk === "string") writeSync(fd, chunk, null, "utf8");
        else for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (e) {
        this.abort();
        throw ioError(target, e);
      }
    },
    commit() {
      try {
        fsyncSync(fd);
        close();
        renameSync(tmp, target);
        openTemps.delete(tmp);
      } catch (e) {
        this.abort();
        throw ioError(target, e);
      }
    },
    abort() {
      try {
        close();
      } finally {
        rmSync(tmp, { force: true });
        openTemps.delete(tmp);
      }
    },
  };
}

/**
 * Write a whole file atomically (temporary name in the same directory, fsync, rename).
 * @param path - target path (parent directories are created)
 * @param content - text (UTF-8) or bytes
 * @throws CliError exit 3 on failure
 * @example
 * ```ts
 * writeFileAtomic("out/run/summary.json", jsonText(summary));
 * ```
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const f = openAtomicFile(path);
  f.write(content);
  f.commit();
}

/** Write a file (creating parent directories) atomically; failures are I/O errors. */
export function writeOut(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileAtomic(p, content);
  return p;
}

/** Rows (or values) per chunk of the streaming writers: bounded memory for any size. */
export const STREAM_CHUNK = 65536;
const LITTLE_ENDIAN = endianness() === "LE";

/** A streaming `.npy` writer (see {@link createNpyWriter}). */
export interface NpyWriter {
  /** Final path. */
  readonly path: string;
  /** Append values in C order. */
  write(values: ArrayLike<number>): void;
  /** Check the count against the shape, flush, rename into place. */
  close(): void;
  /** Delete the temporary file. */
  abort(): void;
}

/**
 * Open a streaming `.npy` writer (format 1.0, little-endian float64, C order): the header first,
 * then values appended in any number of chunks, written atomically (temporary name, rename).
 * @param path - target path, e.g. `out/run/data/final.npy`
 * @param shape - the array's shape, e.g. `[rows, columns]`; `close` checks that ∏shape values came
 * @returns the writer
 * @throws CliError exit 3 on I/O failure; KineticError INVALID_ARGUMENT for a bad shape
 * @example
 * ```ts
 * const w = createNpyWriter("out/x.npy", [M, d]);
 * w.write(x.subarray(0, 65536)); w.write(x.subarray(65536));
 * w.close(); // numpy.load("out/x.npy").shape == (M, d)
 * ```
 */
export function createNpyWriter(path: string, shape: readonly number[]): NpyWriter {
  const header = npyHeader(shape);
  let expected = 1;
  for (const n of shape) expected *= n;
  const f = openAtomicFile(path);
  f.write(header);
  let count = 0;
  const buf = new Float64Array(STREAM_CHUNK);
  const bytes = new Uint8Array(buf.buffer);
  const view = new DataView(buf.buffer);
  return {
    path: f.path,
    write(values) {
      if (LITTLE_ENDIAN && values instanceof Float64Array) {
        f.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      } else {
        for (let off = 0; off < values.length; off += STREAM_CHUNK) {
          const n = Math.min(STREAM_CHUNK, values.length - off);
          for (let i = 0; i < n; i++) view.setFloat64(8 * i, values[off + i]!, true);
          f.write(bytes.subarray(0, 8 * n));
        }
      }
      count += values.length;
    },
    close() {
      if (count !== expected) {
        f.abort();
        throw new CliError(
          EXIT.INTERNAL,
          `internal error: ${JSON.stringify(finalPath(f.path))} received ${count} values for shape (${shape.join(", ")})`,
        );
      }
      f.commit();
    },
    abort() {
      f.abort();
    },
  };
}

/**
 * Write a float64 array as a `.npy` file, streamed in chunks of {@link STREAM_CHUNK} values (no
 * second copy of a large array), atomically.
 * @param path - target path
 * @param data - values in C order (`data[i * columns + j]` for shape `[rows, columns]`)
 * @param shape - shape (default `[data.length]`)
 * @example
 * ```ts
 * writeNpy("out/run/data/final.npy", result.x, [M, d]);
 * ```
 */
export function writeNpy(path: string, data: ArrayLike<number>, shape: readonly number[] = [data.length]): void {
  const w = createNpyWriter(path, shape);
  try {
    if (data instanceof Float64Array)
      for (let off = 0; off < data.length; off += STREAM_CHUNK * 16) w.write(data.subarray(off, off + STREAM_CHUNK * 16));
    else w.write(data);
  } catch (e) {
    w.abort();
    throw e;
  }
  w.close();
}

/**
 * Write columns as one `(rows, columns)` `.npy` array (row-major: row i holds every column's i-th
 * value), streamed in chunks of {@link STREAM_CHUNK} rows, atomically.
 * @param path - target path
 * @param columns - equally long columns
 * @example
 * ```ts
 * writeColumnsNpy("out/run/data/moments.npy", [t, mean, variance]); // shape (n, 3)
 * ```
 */
export function writeColumnsNpy(path: string, columns: readonly ArrayLike<number>[]): void {
  const rows = columns.length > 0 ? columns[0]!.length : 0;
  const nc = columns.length;
  const w = createNpyWriter(path, [rows, nc]);
  const chunk = new Float64Array(Math.max(1, Math.min(rows, STREAM_CHUNK)) * Math.max(1, nc));
  try {
    for (let r0 = 0; r0 < rows; r0 += STREAM_CHUNK) {
      const r1 = Math.min(rows, r0 + STREAM_CHUNK);
      for (let i = r0; i < r1; i++) for (let j = 0; j < nc; j++) chunk[(i - r0) * nc + j] = columns[j]![i]!;
      w.write(chunk.subarray(0, (r1 - r0) * nc));
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  w.close();
}

/** Number text of the CSV writers: shortest round-trip form (`String(x)`), `NaN` for NaN. */
function csvNumber(v: number): string {
  return Number.isNaN(v) ? "NaN" : String(v);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A streaming CSV writer (see {@link createCsvWriter}). */
export interface CsvWriter {
  /** Final path. */
  readonly path: string;
  /** Append one row (as many values as columns). */
  writeRow(values: readonly number[]): void;
  /** Append rows `from ≤ i < to` of equally long columns (one per header name). */
  writeColumns(columns: readonly ArrayLike<number>[], from?: number, to?: number): void;
  /** Rows written so far. */
  readonly rows: number;
  /** Flush, rename into place. */
  close(): void;
  /** Delete the temporary file. */
  abort(): void;
}

/**
 * Open a streaming CSV writer: a header row of column names, then rows buffered and written in
 * chunks of {@link STREAM_CHUNK} rows (never one giant string), atomically (temporary name, rename).
 * Numbers are written in the shortest form that round-trips (`String(x)`), so `pandas.read_csv` and
 * `numpy.loadtxt(..., delimiter=",", skiprows=1)` read the exact doubles back.
 * @param path - target path
 * @param header - column names
 * @returns the writer
 * @example
 * ```ts
 * const w = createCsvWriter("out/run/data/final.csv", ["x1", "x2"]);
 * w.writeColumns([x1, x2]);
 * w.close();
 * ```
 */
export function createCsvWriter(path: string, header: readonly string[]): CsvWriter {
  const f = openAtomicFile(path);
  f.write(header.map(csvCell).join(",") + "\n");
  let pending: string[] = [];
  let rows = 0;
  const flush = (): void => {
    if (pending.length > 0) {
      f.write(pending.join(""));
      pending = [];
    }
  };
  const nc = header.length;
  return {
    path: f.path,
    get rows() {
      return rows;
    },
    writeRow(values) {
      if (values.length !== nc) {
        f.abort();
        throw new CliError(
          EXIT.INTERNAL,
          `internal error: a row of ${values.length} values for ${nc} CSV columns in ${JSON.stringify(finalPath(f.path))}`,
        );
      }
      let line = "";
      for (let j = 0; j < nc; j++) line += (j > 0 ? "," : "") + csvNumber(values[j]!);
      pending.push(line + "\n");
      rows++;
      if (pending.length >= STREAM_CHUNK) flush();
    },
    writeColumns(columns, from = 0, to = columns.length > 0 ? columns[0]!.length : 0) {
      if (columns.length !== nc || columns.some((c) => c.length < to)) {
        f.abort();
        throw new CliError(
          EXIT.INTERNAL,
          `internal error: ${columns.length} columns (rows ${from}..${to}) for ${nc} CSV columns in ${JSON.stringify(finalPath(f.path))}`,
        );
      }
      for (let i = from; i < to; i++) {
        let line = "";
        for (let j = 0; j < nc; j++) line += (j > 0 ? "," : "") + csvNumber(columns[j]![i]!);
        pending.push(line + "\n");
        rows++;
        if (pending.length >= STREAM_CHUNK) flush();
      }
    },
    close() {
      flush();
      f.commit();
    },
    abort() {
      f.abort();
    },
  };
}

/**
 * Write columns as a CSV file with a header row, streamed in chunks of rows, atomically.
 * @param path - target path
 * @param header - column names
 * @param columns - equally long columns, one per name
 * @returns the number of rows written
 * @example
 * ```ts
 * writeCsvColumns("out/run/data/moments.csv", ["t", "mean"], [t, mean]);
 * ```
 */
export function writeCsvColumns(path: string, header: readonly string[], columns: readonly ArrayLike<number>[]): number {
  const w = createCsvWriter(path, header);
  w.writeColumns(columns);
  w.close();
  return w.rows;
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
  if (label !== undefined || target !== undefined)
    return { ...(label !== undefined ? { label } : {}), ...(target !== undefined ? { target } : {}) };
  let names: string[] = [];
  if (ext !== ".json") {
    try {
      names = [...parseCsvWithInfo(text).info.columns]; // header (or none) and delimiter detected as parseCsv does
    } catch {
      // A text label column fails the plain parse: read the names from the first row instead.
      const first =
        text
          .replace(/^\uFEFF/, "")
          .split(/\r?\n/)
          .find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
      const delim = first.includes(",") ? "," : first.includes("\t") ? "\t" : first.includes(";") ? ";" : " ";
      names = first
        .split(delim)
        .map((s) => s.trim().replace(/^"|"$/g, ""))
        .filter((s) => s !== "");
    }
  } else {
    try {
      const v = JSON.parse(text) as unknown;
      const rec = Array.isArray(v)
        ? v[0]
        : ((v as { records?: unknown[]; columns?: string[] }).columns ?? (v as { records?: unknown[] }).records?.[0]);
      names = Array.isArray(rec) ? (rec as string[]) : rec !== null && typeof rec === "object" ? Object.keys(rec) : [];
    } catch {
      names = [];
    }
  }
  if (names.includes("label")) return { label: "label" };
  if (names.includes("target")) return { target: "target" };
  return {};
}

/** Options of {@link readDataFile}. */
export interface ReadDataFileOptions {
  /** Label column (default: a column named "label", if any). */
  readonly label?: string;
  /** Target column (default: a column named "target", if any). */
  readonly target?: string;
  /** CSV options (`header`, `delimiter`), e.g. from `csvOptionsFromFlags`. */
  readonly csv?: { readonly header?: boolean; readonly delimiter?: string };
  /** What the file is, for messages (default "data file"). */
  readonly what?: string;
  /** Print `read N rows ...` to stderr (default true). */
  readonly log?: boolean;
}

/**
 * Read a `.csv` (or any text table) or `.json` data set file and say how many rows were read, so no
 * row is ever lost silently (a headerless numpy.savetxt file keeps its first row; see `parseCsv`).
 * @param path - the file
 * @param options - label/target columns, CSV options, wording, logging
 * @returns the data set and the number of rows read
 * @throws CliError exit 3 for a missing file; KineticError PARSE_ERROR for bad content
 * @example
 * ```ts
 * const { dataset, rows } = readDataFile(flags.input, { csv: csvOptionsFromFlags(flags), what: "input file" });
 * ```
 */
export function readDataFile(path: string, options: ReadDataFileOptions = {}): { dataset: Dataset; rows: number } {
  const what = options.what ?? "data file";
  const text = readText(path, what);
  const ext = extname(path).toLowerCase();
  let dataset: Dataset;
  let note = "";
  // Without a header row there are no column names to find a "label"/"target" column by.
  const columns =
    options.csv?.header === false && options.label === undefined && options.target === undefined
      ? {}
      : detectColumns(text, ext, options.label, options.target);
  try {
    if (ext === ".json") {
      dataset = parseJson(text, columns);
    } else {
      const r = parseCsvWithInfo(text, { ...(options.csv ?? {}), ...columns });
      dataset = r.dataset;
      const delim = r.info.delimiter === "\t" ? "tab" : r.info.delimiter === "whitespace" ? "whitespace" : JSON.stringify(r.info.delimiter);
      note = ` (${r.info.header ? "header row" : "no header row"}, delimiter ${delim}${r.info.indexColumnDropped ? ", index column dropped" : ""})`;
    }
  } catch (e) {
    // Name the file: a parse error alone does not say which input it is about.
    if (isKineticError(e)) throw new CliError(EXIT.USAGE, `error: ${what} ${JSON.stringify(path)}: ${e.message}`, { cause: e });
    throw e;
  }
  const rows = dataset.x.length / dataset.d;
  if (options.log !== false) process.stderr.write(`read ${rows} rows × ${dataset.d} feature column(s) from ${path}${note}\n`);
  return { dataset, rows };
}
