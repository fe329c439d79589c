/**
 * Serialisation of results: CSV for data tables and grid fields, JSON for whole results. Numbers
 * are written with `String(x)`, which round-trips exactly.
 * @packageDocumentation
 */
import { shapeMismatch } from "@kinetic-nde/core/validate";
import type { DataTable, Ensemble, ExperimentResult, GridField } from "./types.js";

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function num(v: number): string {
  return Number.isNaN(v) ? "NaN" : String(v);
}

/**
 * Serialise a {@link DataTable} as CSV (header row of column names, one row per entry, `\n` line ends).
 * @param table - the table; every column must have the same length
 * @returns CSV text ending in a newline
 * @throws KineticError SHAPE_MISMATCH when columns differ in length or a column is missing
 * @example
 * ```ts
 * tableToCsv({ columns: ["t", "m1"], data: { t: [0, 1], m1: [0.5, 0.18] } });
 * // "t,m1\n0,0.5\n1,0.18\n"
 * ```
 */
export function tableToCsv(table: DataTable): string {
  const cols = table.columns;
  const data = cols.map((c) => {
    const col = table.data[c];
    if (col === undefined) throw shapeMismatch(`data.${c}`, "a column for every name in `columns`", "missing");
    return col;
  });
  const n = data.length > 0 ? data[0]!.length : 0;
  data.forEach((col, j) => {
    if (col.length !== n) throw shapeMismatch(`data.${cols[j]}`, `${n} values (as column ${cols[0]})`, col.length);
  });
  const lines: string[] = [cols.map(csvCell).join(",")];
  for (let i = 0; i < n; i++) {
    let line = "";
    for (let j = 0; j < data.length; j++) line += (j > 0 ? "," : "") + num(data[j]![i]!);
    lines.push(line);
  }
  return lines.join("\n") + "\n";
}

/**
 * Serialise a {@link GridField} as long-format CSV with columns `x,y,value`, rows in the order of
 * `values[iy * nx + ix]` (y index outer, x index inner).
 * @param field - the field; `values.length` must be `x.length * y.length`
 * @returns CSV text
 * @throws KineticError SHAPE_MISMATCH
 * @example
 * ```ts
 * fieldToCsv({ x: [0, 1], y: [0], values: [1, 2] }); // "x,y,value\n0,0,1\n1,0,2\n"
 * ```
 */
export function fieldToCsv(field: GridField): string {
  const nx = field.x.length,
    ny = field.y.length;
  if (field.values.length !== nx * ny) throw shapeMismatch("values", `x.length * y.length = ${nx * ny} values`, field.values.length);
  const lines = ["x,y,value"];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) lines.push(`${num(field.x[ix]!)},${num(field.y[iy]!)},${num(field.values[iy * nx + ix]!)}`);
  }
  return lines.join("\n") + "\n";
}

function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x)));
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/**
 * Convert a result (typed arrays included) into plain JSON-serialisable data: typed arrays become
 * arrays, non-finite numbers become the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. A result's
 * particle `ensembles` (bulk data, written as CSV by {@link ensembleCsvChunks}) and `artifacts`
 * (files of their own) are left out.
 * @param result - an experiment result (or any value)
 * @returns a plain value for `JSON.stringify`
 * @example
 * ```ts
 * JSON.stringify(toPlainJson(result), null, 2);
 * ```
 */
export function toPlainJson(result: ExperimentResult | unknown): unknown {
  if (result !== null && typeof result === "object" && !Array.isArray(result) && ("ensembles" in result || "artifacts" in result)) {
    // Particle ensembles are bulk data (possibly 10⁸ values) written as CSV, and artifacts are files
    // of their own: neither goes into the JSON of a result.
    const { ensembles: _bulk, artifacts: _files, ...rest } = result as Record<string, unknown>;
    void _bulk;
    void _files;
    return plain(rest);
  }
  return plain(result);
}

/**
 * Serialise an {@link Ensemble} as CSV in chunks of rows, so a large ensemble can be streamed to a
 * file without building one huge string. The header row comes first; numbers as in {@link tableToCsv}.
 * @param ensemble - the ensemble (M·d values row-major)
 * @param rowsPerChunk - rows per yielded string (default 65 536)
 * @returns an iterator of CSV text pieces whose concatenation is the whole file
 * @throws KineticError SHAPE_MISMATCH when `x.length` is not a multiple of `d` or the column count is not d
 * @example
 * ```ts
 * [...ensembleCsvChunks({ x: Float64Array.of(1, 2, 3, 4), d: 2, columns: ["x1", "x2"] })].join("");
 * // "x1,x2\n1,2\n3,4\n"
 * ```
 */
export function* ensembleCsvChunks(ensemble: Ensemble, rowsPerChunk = 65536): Generator<string> {
  const { x, d, columns } = ensemble;
  if (columns.length !== d) throw shapeMismatch("columns", `d = ${d} names`, columns.length);
  if (x.length % d !== 0) throw shapeMismatch("x", `a multiple of d = ${d} values`, x.length);
  const M = x.length / d;
  yield columns.map(csvCell).join(",") + "\n";
  for (let start = 0; start < M; start += rowsPerChunk) {
    const end = Math.min(M, start + rowsPerChunk);
    let text = "";
    for (let i = start; i < end; i++) {
      let line = num(x[i * d]!);
      for (let j = 1; j < d; j++) line += "," + num(x[i * d + j]!);
      text += line + "\n";
    }
    yield text;
  }
}
