/** Writing experiment-shaped results (series, fields, figures, summary, checks) to a directory. */
import { join } from "node:path";
import { toPlainJson, type DataTable, type ExperimentResult, type GridField } from "@kinetic-nde/experiments";
import { renderFigureSvg } from "./render/svg.js";
import { svgToPng } from "./render/png.js";
import { createCsvWriter, jsonText, writeColumnsNpy, writeNpy, writeOut } from "./io.js";
import { CliError, EXIT } from "./exit-codes.js";

/** Files written for one result, relative to its directory. */
export interface WrittenFiles {
  readonly data: string[];
  readonly figures: { id: string; title: string; svg: string; png?: string; caption?: string }[];
}

function tableColumns(name: string, t: DataTable): ArrayLike<number>[] {
  const cols = t.columns.map((c) => {
    const col = t.data[c];
    if (col === undefined)
      throw new CliError(EXIT.INTERNAL, `internal error: series ${JSON.stringify(name)} has no data for column ${JSON.stringify(c)}`);
    return col;
  });
  const n = cols.length > 0 ? cols[0]!.length : 0;
  if (cols.some((c) => c.length !== n))
    throw new CliError(EXIT.INTERNAL, `internal error: the columns of series ${JSON.stringify(name)} differ in length`);
  return cols;
}

/**
 * Write a data table as `data/<name>.csv` (header row, streamed in chunks of rows) and
 * `data/<name>.npy` (a `(rows, columns)` float64 array, columns in the CSV header's order).
 * @param dir - the result directory
 * @param name - the series name
 * @param table - the table
 * @returns the two relative paths
 * @example
 * ```ts
 * writeTable(outDir, "final", { columns: ["x"], data: { x: particles } }); // data/final.csv, data/final.npy
 * ```
 */
export function writeTable(dir: string, name: string, table: DataTable): string[] {
  const cols = tableColumns(name, table);
  const w = createCsvWriter(join(dir, "data", `${name}.csv`), table.columns);
  w.writeColumns(cols);
  w.close();
  writeColumnsNpy(join(dir, "data", `${name}.npy`), cols);
  return [`data/${name}.csv`, `data/${name}.npy`];
}

/**
 * Write a grid field as `data/<name>.field.csv` (long format `x,y,value`, y outer), and as
 * `data/<name>.field.npy` (values, shape `(ny, nx)`), `data/<name>.field-x.npy` (nx) and
 * `data/<name>.field-y.npy` (ny).
 * @param dir - the result directory
 * @param name - the field name
 * @param f - the field (`values[iy * nx + ix]`)
 * @returns the relative paths
 * @example
 * ```ts
 * writeField(outDir, "density", { x: centers, y: times, values: f }); // np.load(...).shape == (ny, nx)
 * ```
 */
export function writeField(dir: string, name: string, f: GridField): string[] {
  const nx = f.x.length,
    ny = f.y.length;
  if (f.values.length !== nx * ny)
    throw new CliError(
      EXIT.INTERNAL,
      `internal error: field ${JSON.stringify(name)} has ${f.values.length} values for ${nx} × ${ny} points`,
    );
  const w = createCsvWriter(join(dir, "data", `${name}.field.csv`), ["x", "y", "value"]);
  const row = [0, 0, 0];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      row[0] = f.x[ix]!;
      row[1] = f.y[iy]!;
      row[2] = f.values[iy * nx + ix]!;
      w.writeRow(row);
    }
  }
  w.close();
  writeNpy(join(dir, "data", `${name}.field.npy`), f.values, [ny, nx]);
  writeNpy(join(dir, "data", `${name}.field-x.npy`), f.x);
  writeNpy(join(dir, "data", `${name}.field-y.npy`), f.y);
  return [`data/${name}.field.csv`, `data/${name}.field.npy`, `data/${name}.field-x.npy`, `data/${name}.field-y.npy`];
}

/**
 * Write a result: `data/<series>.csv` and `.npy`, `data/<field>.field.csv` and `.npy`, `result.json`
 * (everything, plain JSON), `summary.json`, `figures/<id>.svg` and `.png`. Every file is written
 * under a temporary name and renamed.
 * @param dir - target directory (exists)
 * @param result - the result
 * @param png - also rasterise figures (default true)
 */
export function writeResult(dir: string, result: ExperimentResult, png = true): WrittenFiles {
  const data: string[] = [];
  for (const [name, t] of Object.entries(result.series)) data.push(...writeTable(dir, name, t));
  for (const [name, f] of Object.entries(result.fields ?? {})) data.push(...writeField(dir, name, f));
  writeOut(dir, "result.json", jsonText(toPlainJson(result)));
  writeOut(
    dir,
    "summary.json",
    jsonText(toPlainJson({ id: result.id, seed: result.seed, summary: result.summary, checks: result.checks })),
  );
  data.push("result.json", "summary.json");
  const figures: WrittenFiles["figures"] = [];
  for (const fig of result.figures) {
    const svg = renderFigureSvg(fig, { series: result.series, fields: result.fields });
    writeOut(dir, `figures/${fig.id}.svg`, svg);
    const entry: WrittenFiles["figures"][number] = {
      id: fig.id,
      title: fig.title,
      svg: `figures/${fig.id}.svg`,
      ...(fig.caption !== undefined ? { caption: fig.caption } : {}),
    };
    if (png) {
      writeOut(dir, `figures/${fig.id}.png`, svgToPng(svg));
      entry.png = `figures/${fig.id}.png`;
    }
    figures.push(entry);
  }
  return { data, figures };
}
