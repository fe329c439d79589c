/**
 * CSV text ⇄ {@link Dataset}, from and to strings (no file system).
 * @packageDocumentation
 */
import { invalidArgument, requireOptions } from "@kinetic-nde/core/validate";
import { type Dataset, datasetFeatureNames } from "./dataset.js";
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
  /**
   * Field separator (CSV only): one character other than a quote or newline (`","`, `"\t"`, `";"`),
   * `"whitespace"` for runs of spaces and tabs (what `numpy.savetxt` writes by default), or `"auto"`
   * (default): `","` if the first record contains a comma, else a tab, else `";"`, else whitespace
   * when the first record holds several space-separated fields, else `","`.
   */
  readonly delimiter?: string;
  /**
   * Whether the first record is a header of column names (CSV only): `true`, `false`, or `"auto"`
   * (default; see {@link parseCsv} for the rule). Without a header the columns are named
   * `x0, x1, ...` (as {@link toCsv} names unnamed features).
   */
  readonly header?: boolean | "auto";
  /** `meta.name` of the result (default "csv" / "json"). */
  readonly name?: string;
}

/** What {@link parseCsvWithInfo} found besides the data. */
export interface CsvParseInfo {
  /** Data rows read (every record after the header; none is dropped). */
  readonly rows: number;
  /** Whether the first record was taken as a header (given or detected). */
  readonly header: boolean;
  /** Column names after any dropped index column (from the header, a `# ` comment line, or `x0, x1, ...`). */
  readonly columns: readonly string[];
  /** The separator used: one character, or `"whitespace"`. */
  readonly delimiter: string;
  /** A pandas index column (empty header cell over 0, 1, 2, ...) was recognised and dropped. */
  readonly indexColumnDropped: boolean;
}

const WHITESPACE = "whitespace";

function checkDelimiter(d: unknown): string {
  if (d === WHITESPACE || d === "auto") return d;
  if (typeof d !== "string" || d.length !== 1 || d === '"' || d === "\n" || d === "\r") {
    throw invalidArgument("delimiter", 'a single character other than a quote or a line break, "whitespace" or "auto"', d);
  }
  return d;
}

function checkHeader(h: unknown): boolean | "auto" {
  if (h === true || h === false || h === "auto") return h;
  throw invalidArgument("header", 'true, false or "auto"', h);
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** What counts as a number when detecting a header: decimal literals and numpy's nan/inf spellings. */
function isNumberText(s: string): boolean {
  const t = s.trim();
  return NUMBER_RE.test(t) || /^[+-]?(?:nan|inf|infinity)$/i.test(t);
}

type CsvRecord = { fields: string[]; line: number };

/** Split CSV text into records (RFC 4180 quoting), remembering the line each starts on. */
function tokenize(text: string, delim: string): CsvRecord[] {
  const records: CsvRecord[] = [];
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

/** Split whitespace-separated text (numpy.savetxt's default) into records; no quoting. */
function tokenizeWhitespace(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = text.split(/\r?\n|\r/);
  lines.forEach((l, k) => {
    const t = l.trim();
    if (t !== "") records.push({ fields: t.split(/[ \t]+/), line: k + 1 });
  });
  return records;
}

/** Leading lines starting with "#" (numpy.savetxt writes its `header=` text as "# ..."). */
function leadingComments(text: string): { comments: string[]; rest: string; lines: number } {
  const comments: string[] = [];
  let pos = 0;
  let lines = 0;
  for (;;) {
    const nl = text.indexOf("\n", pos);
    const raw = text.slice(pos, nl < 0 ? text.length : nl).replace(/\r$/, "");
    const t = raw.trim();
    if (t.startsWith("#")) comments.push(t.slice(1).trim());
    else if (t !== "") break;
    if (nl < 0) {
      pos = text.length;
      lines++;
      break;
    }
    pos = nl + 1;
    lines++;
  }
  return { comments, rest: text.slice(pos), lines };
}

function detectDelimiter(text: string): string {
  const first = text.split(/\r?\n|\r/).find((l) => l.trim() !== "") ?? "";
  if (first.includes(",")) return ",";
  if (first.includes("\t")) return "\t";
  if (first.includes(";")) return ";";
  if (/\S[ ]+\S/.test(first.trim())) return WHITESPACE;
  return ",";
}

/**
 * The header rule: the first record is a header unless every field of it parses as a number, or
 * every field of it that does not parse lies in a column that also fails to parse in some later
 * record while another of its fields does parse (a file without header but with a text column).
 */
function looksLikeHeader(records: readonly CsvRecord[]): boolean {
  const first = records[0]!.fields;
  const text = first.map((f, j) => (isNumberText(f) ? -1 : j)).filter((j) => j >= 0);
  if (text.length === 0) return false;
  if (text.length === first.length) return true;
  return text.some((j) => records.slice(1).every((r) => r.fields[j] !== undefined && isNumberText(r.fields[j]!)));
}

/**
 * Parse CSV text into a {@link Dataset} and say what was found: rows read, whether a header was
 * present, the separator and whether a pandas index column was dropped.
 * @param text - the CSV text (see {@link parseCsv})
 * @param options - see {@link ParseOptions}; `header` and `delimiter` default to `"auto"`
 * @returns `{ dataset, info }`; `info.rows` is the number of data rows read
 * @throws KineticError as {@link parseCsv}
 * @example
 * ```ts
 * const { dataset, info } = parseCsvWithInfo("1.0 2.0\n3.0 4.0\n"); // numpy.savetxt output
 * info.rows; // 2 (no header detected; columns x0, x1)
 * ```
 */
export function parseCsvWithInfo(text: string, options: ParseOptions = {}): { dataset: Dataset; info: CsvParseInfo } {
  const o = optionsObject("options", options);
  requireOptions("options", o, ["label", "target", "features", "classNames", "delimiter", "header", "name"]);
  if (typeof text !== "string") throw invalidArgument("text", "a string", text);
  let delim = checkDelimiter(o.delimiter ?? "auto");
  const headerOpt = checkHeader(o.header ?? "auto");
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw parseError("CSV", "empty input (expected a header row)");
  const lead = leadingComments(body);
  if (lead.rest.trim() === "") throw parseError("CSV", "empty input (only comment lines)");
  if (delim === "auto") delim = detectDelimiter(lead.rest);
  const raw = delim === WHITESPACE ? tokenizeWhitespace(lead.rest) : tokenize(lead.rest, delim);
  const records = raw.map((r) => ({ fields: r.fields, line: r.line + lead.lines }));
  const split = (s: string): string[] => (delim === WHITESPACE ? s.trim().split(/[ \t]+/) : s.split(delim)).map((c) => c.trim());
  const hasHeader = headerOpt === "auto" ? looksLikeHeader(records) : headerOpt;
  let columns: string[];
  let headerLine: number;
  const lastComment = lead.comments[lead.comments.length - 1];
  if (hasHeader) {
    columns = records[0]!.fields.map((c) => c.trim());
    headerLine = records[0]!.line;
  } else if (
    headerOpt === "auto" &&
    lastComment !== undefined &&
    split(lastComment).length === records[0]!.fields.length &&
    split(lastComment).every((c) => c !== "" && !isNumberText(c))
  ) {
    // numpy.savetxt(..., header="x y") writes the names as a comment line over numeric rows.
    columns = split(lastComment);
    headerLine = lead.lines;
  } else {
    columns = records[0]!.fields.map((_, j) => `x${j}`);
    headerLine = 0;
  }
  const dataRecords = hasHeader ? records.slice(1) : records;
  // pandas' DataFrame.to_csv writes its default RangeIndex as a first column with an empty name.
  let indexColumnDropped = false;
  if (
    hasHeader &&
    columns.length > 1 &&
    columns[0] === "" &&
    dataRecords.length > 0 &&
    dataRecords.every((r, i) => r.fields[0]?.trim() === String(i))
  ) {
    indexColumnDropped = true;
    columns = columns.slice(1);
    for (const r of dataRecords) r.fields = r.fields.slice(1);
  }
  const seen = new Set<string>();
  columns.forEach((c, j) => {
    if (c === "")
      throw parseError("CSV", `header (line ${headerLine}): column ${j + 1} has an empty name`, { line: headerLine, column: j + 1 });
    if (seen.has(c))
      throw parseError("CSV", `header (line ${headerLine}): duplicate column name ${JSON.stringify(c)}`, { line: headerLine, column: c });
    seen.add(c);
  });
  const rows: TableRow[] = [];
  for (let r = 0; r < dataRecords.length; r++) {
    const rec = dataRecords[r]!;
    const where = `row ${r + 1} (line ${rec.line})`;
    if (rec.fields.length !== columns.length) {
      throw parseError(
        "CSV",
        `${where}: expected ${columns.length} fields as in the ${hasHeader ? "header" : "first row"}, got ${rec.fields.length}`,
        {
          where,
          row: r + 1,
          line: rec.line,
        },
      );
    }
    rows.push({ cells: rec.fields, where });
  }
  const dataset = datasetFromTable("CSV", columns, rows, o);
  return { dataset, info: { rows: rows.length, header: hasHeader, columns, delimiter: delim, indexColumnDropped } };
}

/**
 * Parse CSV text into a {@link Dataset}; every record after the header becomes a row.
 * @param text - the CSV text (a leading byte-order mark and blank lines are ignored; fields may
 * be quoted with `"`, quotes doubled inside; leading lines starting with `#` are comments)
 * @param options - `label`, `target`, `features`, `classNames`, `delimiter` (default `"auto"`),
 * `header` (default `"auto"`), `name`
 * @returns a fresh {@link Dataset} with `featureNames` from the header (and `classNames` for
 * string labels); `meta.seed` is null
 * @throws KineticError PARSE_ERROR naming the row, line and column: empty input, no data rows,
 * duplicate or empty column names, ragged rows, empty or non-numeric fields, NaN/Infinity,
 * unterminated quotes, a missing label/target/feature column; INVALID_ARGUMENT for bad options
 * @remarks The header rule (`header: "auto"`): the first record is a header unless every field of
 * it parses as a number (what `numpy.savetxt` writes), or every field of it that does not parse
 * lies in a column that also fails to parse in a later record while another of its fields parses
 * (a headerless file with a text label column). Without a header, a last leading comment line
 * `# a b` with one name per column (numpy.savetxt's `header=`) names the columns, else they are
 * `x0, x1, ...`. A header whose first cell is empty over row labels 0, 1, 2, ... is pandas'
 * `DataFrame.to_csv` index: that column is dropped. No row is ever dropped; use
 * {@link parseCsvWithInfo} for the row count. One pass over the text, O(length). Numbers must be
 * decimal literals (`1`, `-2.5`, `1e-3`); `Number(s)` of such a literal is exact, so {@link toCsv}
 * round-trips every finite double.
 * @example
 * ```ts
 * const ds = parseCsv("x1,x2,label\n0.1,0.2,0\n0.3,0.4,1\n", { label: "label" });
 * const headerless = parseCsv("1.0 2.0\n3.0 4.0\n"); // 2 rows, columns x0, x1
 * ```
 */
export function parseCsv(text: string, options: ParseOptions = {}): Dataset {
  return parseCsvWithInfo(text, options).dataset;
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
  return s.includes(delim) || s.includes('"') || s.includes("\n") || s.includes("\r") || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
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
  if (delim.length !== 1) throw invalidArgument("delimiter", "a single character other than a quote or a line break", delim);
  const d = ds.d;
  const names = datasetFeatureNames(ds);
  const labelCol = o.labelColumn ?? "label";
  const targetCol = o.targetColumn ?? "target";
  const header = [...names];
  if (ds.labels) header.push(labelCol);
  if (ds.targets) header.push(targetCol);
  if (new Set(header).size !== header.length)
    throw invalidArgument("labelColumn/targetColumn", "names different from the feature names", header);
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
