/** Writing experiment-shaped results (series, fields, figures, summary, checks) to a directory. */
import { fieldToCsv, tableToCsv, toPlainJson, type ExperimentResult } from "@kinetic-nde/experiments";
import { renderFigureSvg } from "./render/svg.js";
import { svgToPng } from "./render/png.js";
import { jsonText, writeOut } from "./io.js";

/** Files written for one result, relative to its directory. */
export interface WrittenFiles {
  readonly data: string[];
  readonly figures: { id: string; title: string; svg: string; png?: string; caption?: string }[];
}

/**
 * Write a result: `data/<series>.csv`, `data/<field>.field.csv`, `result.json` (everything, plain
 * JSON), `checks.json`, `figures/<id>.svg` and `.png`.
 * @param dir - target directory (exists)
 * @param result - the result
 * @param png - also rasterise figures (default true)
 */
export function writeResult(dir: string, result: ExperimentResult, png = true): WrittenFiles {
  const data: string[] = [];
  for (const [name, t] of Object.entries(result.series)) {
    writeOut(dir, `data/${name}.csv`, tableToCsv(t));
    data.push(`data/${name}.csv`);
  }
  for (const [name, f] of Object.entries(result.fields ?? {})) {
    writeOut(dir, `data/${name}.field.csv`, fieldToCsv(f));
    data.push(`data/${name}.field.csv`);
  }
  writeOut(dir, "result.json", jsonText(toPlainJson(result)));
  writeOut(dir, "summary.json", jsonText(toPlainJson({ id: result.id, seed: result.seed, summary: result.summary, checks: result.checks })));
  data.push("result.json", "summary.json");
  const figures: WrittenFiles["figures"] = [];
  for (const fig of result.figures) {
    const svg = renderFigureSvg(fig, { series: result.series, fields: result.fields });
    writeOut(dir, `figures/${fig.id}.svg`, svg);
    const entry: WrittenFiles["figures"][number] = { id: fig.id, title: fig.title, svg: `figures/${fig.id}.svg`, ...(fig.caption !== undefined ? { caption: fig.caption } : {}) };
    if (png) {
      writeOut(dir, `figures/${fig.id}.png`, svgToPng(svg));
      entry.png = `figures/${fig.id}.png`;
    }
    figures.push(entry);
  }
  return { data, figures };
}
