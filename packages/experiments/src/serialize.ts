/**
 * Serialisation of results: CSV for data tables and grid fields, JSON for whole results. Numbers
 * are written with `String(x)`, which round-trips exactly.
 * @packageDocumentation
 */
import { shapeMismatch } from "@kinetic-nde/core";
import type { DataTable, ExperimentResult, GridField } from "./types.js";

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
  const nx = field.x.length, ny = field.y.length;
  if (field.values.length !== nx * ny) throw shapeMismatch("values", `x.length * y.length = ${nx * ny} values`, field.values.length);
  const lines = ["x,y,value"];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) lines.push(`${num(field.x[ix]!)},${num(field.y[iy]!)},${num(field.values[iy * nx + ix]!)}`);
  }
  return lines.join("\n") + "\n";
}

function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x)));
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
 * arrays, non-finite numbers become the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 * @param result - an experiment result (or any value)
 * @returns a plain value for `JSON.stringify`
 * @example
 * ```ts
 * JSON.stringify(toPlainJson(result), null, 2);
 * ```
 */
export function toPlainJson(result: ExperimentResult | unknown): unknown {
  return plain(result);
}
