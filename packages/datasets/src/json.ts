/**
 * JSON text ⇄ {@link Dataset}: an array of records (one object per point, columns chosen by
 * name as in CSV) or a dataset document.
 * @packageDocumentation
 */
import { isKineticError } from "@kinetic-nde/core";
import { invalidArgument, requireOneOf, requireOptions } from "@kinetic-nde/core/validate";
import type { ParseOptions } from "./csv.js";
import type { Dataset, DatasetMeta } from "./dataset.js";
import { createDataset } from "./dataset.js";

import type { TableRow } from "./internal/table.js";
import { datasetFromTable, formatNumber, parseError } from "./internal/table.js";

/** The `format` tag of a dataset document. */
export const DATASET_DOCUMENT_FORMAT = "kinetic-nde/dataset@1";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseRecords(records: unknown[], o: ParseOptions): Dataset {
  if (records.length === 0) throw parseError("JSON", "no records (empty array)");
  const first = records[0];
  if (!isPlainObject(first)) throw parseError("JSON", `record 0 is not an object`, { where: "record 0" });
  const columns = Object.keys(first);
  if (columns.length === 0) throw parseError("JSON", "record 0 has no fields", { where: "record 0" });
  const rows: TableRow[] = records.map((r, i) => {
    const where = `record ${i}`;
    if (!isPlainObject(r)) throw parseError("JSON", `${where} is not an object`, { where });
    const keys = Object.keys(r);
    const missing = columns.find((c) => !(c in r));
    if (missing !== undefined || keys.length !== columns.length) {
      const extra = keys.find((k) => !columns.includes(k));
      throw parseError(
        "JSON",
        `${where}: fields differ from record 0 (${missing !== undefined ? `missing ${JSON.stringify(missing)}` : `extra ${JSON.stringify(extra)}`})`,
        { where },
      );
    }
    return { cells: columns.map((c) => r[c]), where };
  });
  return datasetFromTable("JSON", columns, rows, { ...o, name: o.name ?? "json" });
}

function parseDocument(doc: Record<string, unknown>): Dataset {
  if (doc.format !== DATASET_DOCUMENT_FORMAT) {
    throw parseError("JSON", `field "format" must be ${JSON.stringify(DATASET_DOCUMENT_FORMAT)}; got ${JSON.stringify(doc.format)}`, {
      path: "format",
    });
  }
  const d = doc.d;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 1)
    throw parseError("JSON", `field "d" must be an integer >= 1; got ${JSON.stringify(d)}`, { path: "d" });
  if (!Array.isArray(doc.x) || doc.x.length === 0) throw parseError("JSON", `field "x" must be a non-empty array of rows`, { path: "x" });
  const rows = doc.x as unknown[];
  const m = rows.length;
  const x = new Float64Array(m * d);
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw parseError("JSON", `x[${i}] must be an array of ${d} numbers`, { path: `x[${i}]` });
    if (row.length !== d) throw parseError("JSON", `x[${i}] has ${row.length} values; expected d = ${d}`, { path: `x[${i}]` });
    row.forEach((v, j) => {
      if (typeof v !== "number")
        throw parseError("JSON", `x[${i}][${j}] must be a finite number; got ${JSON.stringify(v)}`, { path: `x[${i}][${j}]` });
      x[i * d + j] = v;
    });
  });
  const numbers = (key: "labels" | "targets"): number[] | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw parseError("JSON", `field "${key}" must be an array`, { path: key });
    if (v.length !== m) throw parseError("JSON", `field "${key}" has ${v.length} entries; expected one per row (${m})`, { path: key });
    v.forEach((e, i) => {
      if (typeof e !== "number")
        throw parseError("JSON", `${key}[${i}] must be a number; got ${JSON.stringify(e)}`, { path: `${key}[${i}]` });
    });
    return v as number[];
  };
  const strings = (key: "featureNames" | "classNames"): string[] | undefined => {
    const v = doc[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string"))
      throw parseError("JSON", `field "${key}" must be an array of strings`, { path: key });
    return v as string[];
  };
  const labels = numbers("labels");
  const targets = numbers("targets");
  const featureNames = strings("featureNames");
  const classNames = strings("classNames");
  let meta: DatasetMeta = { name: "json", params: {}, seed: null };
  if (doc.meta !== undefined) {
    const mt = doc.meta;
    if (
      !isPlainObject(mt) ||
      typeof mt.name !== "string" ||
      !isPlainObject(mt.params) ||
      !(mt.seed === null || typeof mt.seed === "number")
    ) {
      throw parseError("JSON", `field "meta" must be { name: string, params: object, seed: number | null }`, { path: "meta" });
    }
    meta = {
      name: mt.name,
      params: mt.params,
      seed: mt.seed as number | null,
      ...(typeof mt.source === "string" ? { source: mt.source } : {}),
      ...(typeof mt.license === "string" ? { license: mt.license } : {}),
    };
  }
  const nClasses = doc.nClasses;
  if (nClasses !== undefined && typeof nClasses !== "number")
    throw parseError("JSON", `field "nClasses" must be a number`, { path: "nClasses" });
  try {
    return createDataset({
      x,
      d,
      ...(labels !== undefined ? { labels } : {}),
      ...(targets !== undefined ? { targets } : {}),
      ...(nClasses !== undefined ? { nClasses } : {}),
      ...(featureNames !== undefined ? { featureNames } : {}),
      ...(classNames !== undefined ? { classNames } : {}),
      meta,
    });
  } catch (e) {
    if (isKineticError(e)) throw parseError("JSON", `invalid dataset document: ${e.message}`, { path: e.details?.argument }, e);
    throw e;
  }
}

/**
 * Parse JSON text into a {@link Dataset}.
 * @param text - either an array of records `[{ "x1": 0.1, "x2": 2, "label": "a" }, ...]` (every
 * record with the same fields; columns chosen by name through `options` as in {@link parseCsv}),
 * or a dataset document `{ "format": "kinetic-nde/dataset@1", "d", "x": [[...], ...], "labels"?,
 * "targets"?, "nClasses"?, "featureNames"?, "classNames"?, "meta"? }` as written by {@link toJson}
 * @param options - for records: `label`, `target`, `features`, `classNames`, `name`
 * @returns a fresh {@link Dataset}
 * @throws KineticError PARSE_ERROR naming the record/field: invalid JSON (with the parser's
 * position), empty input or array, records with different fields, non-numeric or null values
 * (NaN and Infinity are written as null by JSON.stringify), missing label/target column, a
 * malformed document
 * @remarks O(length). JSON numbers are parsed exactly; {@link toJson} writes shortest round-trip
 * forms, so the round trip is bit for bit.
 * @example
 * ```ts
 * const ds = parseJson('[{"x": 1.5, "y": 0}, {"x": -2, "y": 1}]', { label: "y" });
 * ```
 */
export function parseJson(text: string, options: ParseOptions = {}): Dataset {
  const o = requireOptions<ParseOptions>("options", options, ["label", "target", "features", "classNames", "name"]);
  if (typeof text !== "string") throw invalidArgument("text", "a string", text);
  if (text.trim() === "") throw parseError("JSON", "empty input");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw parseError("JSON", `invalid JSON: ${(e as Error).message}`, {}, e);
  }
  if (Array.isArray(value)) return parseRecords(value, o);
  if (isPlainObject(value)) {
    if (o.label !== undefined || o.target !== undefined || o.features !== undefined) {
      throw invalidArgument("options", "without label/target/features for a dataset document (they are fields of the document)", o);
    }
    return parseDocument(value);
  }
  throw parseError("JSON", `top level must be an array of records or a dataset document; got ${value === null ? "null" : typeof value}`);
}

/** Options of {@link toJson}. */
export interface JsonWriteOptions {
  /** `"document"` (default; keeps names and provenance) or `"records"` (one object per point). */
  readonly format?: "document" | "records";
  /** Records: name of the label field (default "label"). */
  readonly labelColumn?: string;
  /** Records: name of the target field (default "target"). */
  readonly targetColumn?: string;
  /** Records: write class names instead of integer labels when available (default false). */
  readonly labelsAsNames?: boolean;
}

const numList = (a: ArrayLike<number>, start: number, end: number): string => {
  const parts: string[] = [];
  for (let i = start; i < end; i++) parts.push(formatNumber(a[i]!));
  return parts.join(",");
};

/**
 * Serialise a {@link Dataset} as JSON.
 * @param ds - the data set
 * @param options - `format` (default "document"), and for records `labelColumn`, `targetColumn`, `labelsAsNames`
 * @returns JSON text (one row or record per line)
 * @throws KineticError INVALID_ARGUMENT for an unknown format or a column name collision
 * @remarks Numbers are written in shortest round-trip form (`-0` kept), so
 * `parseJson(toJson(ds))` reproduces x, labels and targets exactly. O(M·d).
 * @example
 * ```ts
 * const copy = parseJson(toJson(ds));
 * ```
 */
export function toJson(ds: Dataset, options: JsonWriteOptions = {}): string {
  const o = requireOptions<JsonWriteOptions>("options", options, ["format", "labelColumn", "targetColumn", "labelsAsNames"]);
  const format = requireOneOf("format", o.format ?? "document", ["document", "records"] as const);
  const d = ds.d;
  const m = ds.x.length / d;
  if (format === "records") {
    const names = ds.featureNames ? [...ds.featureNames] : Array.from({ length: d }, (_, j) => `x${j}`);
    const labelCol = o.labelColumn ?? "label";
    const targetCol = o.targetColumn ?? "target";
    const all = [...names, ...(ds.labels ? [labelCol] : []), ...(ds.targets ? [targetCol] : [])];
    if (new Set(all).size !== all.length) throw invalidArgument("labelColumn/targetColumn", "names different from the feature names", all);
    const keys = all.map((k) => JSON.stringify(k));
    const asNames = (o.labelsAsNames ?? false) && ds.classNames !== undefined;
    const lines: string[] = [];
    for (let i = 0; i < m; i++) {
      const parts: string[] = [];
      for (let j = 0; j < d; j++) parts.push(`${keys[j]}:${formatNumber(ds.x[i * d + j]!)}`);
      let k = d;
      if (ds.labels) parts.push(`${keys[k++]}:${asNames ? JSON.stringify(ds.classNames![ds.labels[i]!]) : ds.labels[i]}`);
      if (ds.targets) parts.push(`${keys[k++]}:${formatNumber(ds.targets[i]!)}`);
      lines.push(`{${parts.join(",")}}`);
    }
    return `[\n${lines.join(",\n")}\n]\n`;
  }
  const rows: string[] = [];
  for (let i = 0; i < m; i++) rows.push(`[${numList(ds.x, i * d, (i + 1) * d)}]`);
  const fields: string[] = [`"format":${JSON.stringify(DATASET_DOCUMENT_FORMAT)}`, `"d":${d}`, `"x":[\n${rows.join(",\n")}\n]`];
  if (ds.labels) fields.push(`"labels":[${Array.from(ds.labels).join(",")}]`);
  if (ds.nClasses !== undefined) fields.push(`"nClasses":${ds.nClasses}`);
  if (ds.targets) fields.push(`"targets":[${numList(ds.targets, 0, m)}]`);
  if (ds.featureNames) fields.push(`"featureNames":${JSON.stringify(ds.featureNames)}`);
  if (ds.classNames) fields.push(`"classNames":${JSON.stringify(ds.classNames)}`);
  fields.push(`"meta":${JSON.stringify(ds.meta)}`);
  return `{${fields.join(",\n")}}\n`;
}
