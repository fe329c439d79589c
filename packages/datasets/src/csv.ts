/**
 * CSV text ⇄ {@link Dataset}, from and to strings (no file system).
 * @packageDocumentation
 */
import { invalidArgument } from "@kinetic-nde/core";
import type { Dataset } from "./dataset.js";
import { optionsObject } from "./internal/check.js";
import type { TableRow } from "./internal/table.js";
import { datasetFromTable, formatNumber, parseError } from "./internal/table.js";

/** Options of {@link parseCsv} and {@link parseJson} (records form). */
export interface ParseOptions {
  /** Column holding class labels (non-negative integers, or names mapped to 0, 1, ... ). */
  readonly label?: string;
  /** Column holding real regression targets. */
  readonly target?: string;
  /** Feature columns in order (default: every column except label and target). */
  readonly features?: readonly string[];
  /**
   * Class names in label order; string labels are mapped through it (a name not in it is an
   * error). Default: integer labels are kept, names numbered by first appearance.
   */
  readonly classNames?: readonly string[];
  /** Field separator, one character other than a quote or newline (CSV only; default ","). */
  readonly delimiter?: string;
  /** `meta.name` of the result (default "csv" / "json"). */
  readonly name?: string;
}

function checkDelimiter(d: unknown): string {
  if (typeof d !== "string" || d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
    throw invalidArgument("delimiter", "a single character other than a quote or a line break", d);
  }
  return d;
}

/** Split CSV text into records (RFC 4180 quoting), remembering the line each starts on. */
function tokenize(text: string, delim: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text[i] === '"') {
        // quoted field
        i++;
        const qLine = line;
        let closed = false;
        while (i < n) {
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === "\n") line++;
          field += ch;
          i++;
        }
        if (!closed) throw parseError("CSV", `line ${qLine}: unterminated quoted field`, { line: qLine });
        if (i < n && text[i] !== delim && text[i] !== "\n" && text[i] !== "\r") {
          throw parseError("CSV", `line ${line}: unexpected character ${JSON.stringify(text[i])} after a closing quote`, { line });
        }
      } else {
        while (i < n && text[i] !== delim && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      }
      fields.push(field);
      field = "";
      if (i >= n) endOfRecord = true;
      else if (text[i] === delim) i++;
      else {
        if (text[i] === "\r") i++;
        if (text[i] === "\n") i++;
        line++;
        endOfRecord = true;
      }
    }
    const blank = fields.length === 1 && fields[0]!.trim() === "";
    if (!blank) records.push({ fields, line: startLine });
  }
  return records;
}

/**
 * Parse CSV text with a header row into a {@link Dataset}.
 * @param text - the CSV text (a leading byte-order mark and blank lines are ignored; fields may
 * be quoted with `"`, quotes doubled inside)
 * @param options - `label`, `target`, `features`, `classNames`, `delimiter` (default ","), `name`
 * @returns a fresh {@link Dataset} with `featureNames` from the header (and `classNames` for
 * string labels); `meta.seed` is null
 * @throws KineticError PARSE_ERROR naming the row, line and column: empty input, no data rows,
 * duplicate or empty column names, ragged rows, empty or non-numeric fields, NaN/Infinity,
 * unterminated quotes, a missing label/target/feature column; INVALID_ARGUMENT for bad options
 * @remarks One pass over the text, O(length). Numbers must be decimal literals (`1`, `-2.5`,
 * `1e-3`); `Number(s)` of such a literal is exact, so {@link toCsv} round-trips every finite double.
 * @example
 * ```ts
 * const ds = parseCsv("x1,x2,label\n0.1,0.2,0\n0.3,0.4,1\n", { label: "label" });
 * ```
 */
export function parseCsv(text: string, options: ParseOptions = {}): Dataset {
  const o = optionsObject("options", options);
  if (typeof text !== "string") throw invalidArgument("text", "a string", text);
  const delim = checkDelimiter(o.delimiter ?? ",");
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw parseError("CSV", "empty input (expected a header row)");
  const records = tokenize(body, delim);
  const header = records[0]!;
  const columns = header.fields.map((c) => c.trim());
  const seen = new Set<string>();
  columns.forEach((c, j) => {
    if (c === "") throw parseError("CSV", `header (line ${header.line}): column ${j + 1} has an empty name`, { line: header.line, column: j + 1 });
    if (seen.has(c)) throw parseError("CSV", `header (line ${header.line}): duplicate column name ${JSON.stringify(c)}`, { line: header.line, column: c });
    seen.add(c);
  });
  const rows: TableRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const where = `row ${r} (line ${rec.line})`;
    if (rec.fields.length !== columns.length) {
      throw parseError("CSV", `${where}: expected ${columns.length} fields as in the header, got ${rec.fields.length}`, {
        where,
        row: r,
        line: rec.line,
      });
    }
    rows.push({ cells: rec.fields, where });
  }
  return datasetFromTable("CSV", columns, rows, o);
}

/** Options of {@link toCsv}. */
export interface CsvWriteOptions {
  /** Field separator (default ","). */
  readonly delimiter?: string;
  /** Name of the label column (default "label"). */
  readonly labelColumn?: string;
  /** Name of the target column (default "target"). */
  readonly targetColumn?: string;
  /** Write class names instead of integer labels when the data set has them (default false). */
  readonly labelsAsNames?: boolean;
}

function quoteIfNeeded(s: string, delim: string): string {
  return s.includes(delim) || s.includes('"') || s.includes("\n") || s.includes("\r") || s !== s.trim()
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

/**
 * Serialise a {@link Dataset} as CSV with a header row.
 * @param ds - the data set
 * @param options - `delimiter` (default ","), `labelColumn` (default "label"), `targetColumn`
 * (default "target"), `labelsAsNames` (default false)
 * @returns the CSV text, one line per point, ending in a newline; features are named by
 * `featureNames` or `x0, x1, ...`
 * @throws KineticError INVALID_ARGUMENT for a bad delimiter or a label/target column name that
 * collides with a feature name
 * @remarks Numbers are written with `String(x)` (shortest round-trip form; `-0` kept), so
 * `parseCsv(toCsv(ds), { label, target })` reproduces every value bit for bit. O(M·d).
 * @example
 * ```ts
 * const text = toCsv(makeMoons({ nSamples: 10 }));
 * ```
 */
export function toCsv(ds: Dataset, options: CsvWriteOptions = {}): string {
  const o = optionsObject("options", options);
  const delim = checkDelimiter(o.delimiter ?? ",");
  const d = ds.d;
  const names = ds.featureNames ? [...ds.featureNames] : Array.from({ length: d }, (_, j) => `x${j}`);
  const labelCol = o.labelColumn ?? "label";
  const targetCol = o.targetColumn ?? "target";
  const header = [...names];
  if (ds.labels) header.push(labelCol);
  if (ds.targets) header.push(targetCol);
  if (new Set(header).size !== header.length) throw invalidArgument("labelColumn/targetColumn", "names different from the feature names", header);
  const asNames = (o.labelsAsNames ?? false) && ds.classNames !== undefined;
  const m = ds.x.length / d;
  const lines: string[] = [header.map((h) => quoteIfNeeded(h, delim)).join(delim)];
  const cells: string[] = new Array(header.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) cells[j] = formatNumber(ds.x[i * d + j]!);
    let k = d;
    if (ds.labels) cells[k++] = asNames ? quoteIfNeeded(ds.classNames![ds.labels[i]!]!, delim) : String(ds.labels[i]);
    if (ds.targets) cells[k++] = formatNumber(ds.targets[i]!);
    lines.push(cells.join(delim));
  }
  return lines.join("\n") + "\n";
}
