/**
 * Turning a parsed table (column names + rows of cells) into a Dataset, shared by the CSV and
 * JSON-records parsers. Not exported from the package.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import type { ParseOptions } from "../csv.js";
import type { Dataset } from "../dataset.js";
import { createDataset } from "../dataset.js";

/** Options of the table parsers: those of `ParseOptions` (csv.ts) that do not concern the CSV syntax. */
export type TableOptions = Pick<ParseOptions, "label" | "target" | "features" | "classNames" | "name">;

/** A row and where it came from, for messages. */
export interface TableRow {
  readonly cells: readonly unknown[];
  /** Human description of the row's position, e.g. `row 3 (line 4)` or `record 2`. */
  readonly where: string;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Create a PARSE_ERROR with structured details. */
export function parseError(format: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): KineticError {
  return new KineticError("PARSE_ERROR", `${format} parse error: ${message}`, {
    details: { format, ...details },
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** Parse a numeric cell strictly (decimal notation only; no NaN, Infinity, hex or blanks). */
export function parseNumberCell(format: string, cell: unknown, where: string, column: string): number {
  if (typeof cell === "number") {
    if (Number.isFinite(cell)) return cell;
    throw parseError(format, `${where}, column "${column}": ${String(cell)} is not a finite number`, { where, column });
  }
  // CSV cells are text; JSON values must already be numbers.
  if (typeof cell === "string" && format === "CSV") {
    const s = cell.trim();
    if (s === "") throw parseError(format, `${where}, column "${column}": empty field`, { where, column });
    if (/^[+-]?nan$/i.test(s)) throw parseError(format, `${where}, column "${column}": NaN is not allowed`, { where, column });
    if (NUMBER_RE.test(s)) {
      const v = Number(s);
      if (Number.isFinite(v)) return v;
    }
    throw parseError(format, `${where}, column "${column}": ${JSON.stringify(cell)} is not a finite number`, { where, column });
  }
  const shown = cell === null ? "null" : typeof cell === "string" ? JSON.stringify(cell) : typeof cell;
  throw parseError(format, `${where}, column "${column}": ${shown} is not a finite number`, { where, column });
}

/** Build the dataset from a validated rectangular table. */
export function datasetFromTable(format: string, columns: readonly string[], rows: readonly TableRow[], o: TableOptions): Dataset {
  if (rows.length === 0) throw parseError(format, "no data rows after the header", {});
  const index = new Map<string, number>();
  columns.forEach((c, i) => index.set(c, i));
  const find = (role: string, name: string): number => {
    const k = index.get(name);
    if (k === undefined) {
      throw parseError(
        format,
        `${role} column ${JSON.stringify(name)} not found; columns are ${columns.map((c) => JSON.stringify(c)).join(", ")}`,
        {
          column: name,
        },
      );
    }
    return k;
  };
  const labelCol = o.label !== undefined ? find("label", o.label) : -1;
  const targetCol = o.target !== undefined ? find("target", o.target) : -1;
  if (labelCol >= 0 && labelCol === targetCol)
    throw parseError(format, `column ${JSON.stringify(o.label)} cannot be both label and target`);
  const featureCols =
    o.features !== undefined
      ? o.features.map((f) => find("feature", f))
      : columns.map((_, i) => i).filter((i) => i !== labelCol && i !== targetCol);
  if (featureCols.length === 0) throw parseError(format, "no feature columns");
  for (const k of featureCols) {
    if (k === labelCol || k === targetCol)
      throw parseError(format, `column ${JSON.stringify(columns[k])} is used both as a feature and as label/target`);
  }
  const d = featureCols.length;
  const m = rows.length;
  const x = new Float64Array(m * d);
  const targets = targetCol >= 0 ? new Float64Array(m) : undefined;
  rows.forEach((row, i) => {
    featureCols.forEach((k, j) => (x[i * d + j] = parseNumberCell(format, row.cells[k], row.where, columns[k]!)));
    if (targets) targets[i] = parseNumberCell(format, row.cells[targetCol], row.where, columns[targetCol]!);
  });
  let labels: Int32Array | undefined;
  let classNames: string[] | undefined;
  if (labelCol >= 0) {
    const labelName = columns[labelCol]!;
    const raw = rows.map((r) => {
      const v = r.cells[labelCol];
      if (typeof v === "number") {
        if (!Number.isInteger(v) || v < 0)
          throw parseError(format, `${r.where}, column "${labelName}": label ${v} is not a non-negative integer`, {
            where: r.where,
            column: labelName,
          });
        return String(v);
      }
      if (typeof v !== "string")
        throw parseError(format, `${r.where}, column "${labelName}": ${v === null ? "null" : typeof v} is not a label`, {
          where: r.where,
          column: labelName,
        });
      const s = v.trim();
      if (s === "") throw parseError(format, `${r.where}, column "${labelName}": empty label`, { where: r.where, column: labelName });
      return s;
    });
    labels = new Int32Array(m);
    if (o.classNames === undefined && raw.every((s) => /^\d+$/.test(s))) {
      raw.forEach((s, i) => {
        const v = Number(s);
        if (v > 2147483647)
          throw parseError(format, `${rows[i]!.where}, column "${labelName}": label ${s} is too large`, {
            where: rows[i]!.where,
            column: labelName,
          });
        labels![i] = v;
      });
    } else {
      classNames = o.classNames !== undefined ? [...o.classNames] : [];
      const lookup = new Map<string, number>(classNames.map((c, i) => [c, i]));
      raw.forEach((s, i) => {
        let k = lookup.get(s);
        if (k === undefined) {
          if (o.classNames !== undefined) {
            throw parseError(
              format,
              `${rows[i]!.where}, column "${labelName}": class ${JSON.stringify(s)} is not one of the given classNames`,
              {
                where: rows[i]!.where,
                column: labelName,
              },
            );
          }
          k = classNames!.length;
          classNames!.push(s);
          lookup.set(s, k);
        }
        labels![i] = k;
      });
    }
  }
  return createDataset({
    x,
    d,
    ...(labels !== undefined ? { labels } : {}),
    ...(classNames !== undefined ? { classNames, nClasses: classNames.length } : {}),
    ...(targets !== undefined ? { targets } : {}),
    featureNames: featureCols.map((k) => columns[k]!),
    meta: {
      name: o.name ?? format.toLowerCase(),
      params: {
        ...(o.label !== undefined ? { label: o.label } : {}),
        ...(o.target !== undefined ? { target: o.target } : {}),
        features: featureCols.map((k) => columns[k]!),
      },
      seed: null,
    },
  });
}

/** Shortest round-trip decimal form of a double, keeping the sign of zero. */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}
