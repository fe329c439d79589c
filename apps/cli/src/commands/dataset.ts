/** `kinetic-nde dataset generate|inspect|convert`. */
import { deriveSeed } from "@kinetic-nde/core";
import { existsSync } from "node:fs";
import { extname, join } from "node:path";
import { datasetFeatureNames, listDatasets, makeDataset, toCsv, toJson, type Dataset } from "@kinetic-nde/datasets";
import type { FigureSpec } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { addCsvOptions, collectPairs, csvOptionsFromFlags, parseSeed, type CsvFlags } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { finalPath, jsonText, prepareOutDir, readDataFile, writeFileAt, writeOut } from "../io.js";
import { writeResult } from "../results.js";
import { COMMAND_SCHEMAS, z } from "../schemas.js";

/** Config of `dataset generate` (the parameters are those of the generator, see `--help`). */
export const datasetGenerateSchema = z
  .object({
    name: z.string().describe("registry name"),
    params: z.record(z.string(), z.unknown()).default({}).describe("generator parameters"),
    format: z.enum(["csv", "json"]).default("csv").describe("output format"),
  })
  .strict();
COMMAND_SCHEMAS["dataset-generate"] = datasetGenerateSchema;

/** A data set file (CSV or other delimited text, or JSON); the rows read are counted on stderr. */
function readDataset(path: string, flags: CsvFlags & { label?: string; target?: string }): Dataset {
  const options = {
    csv: csvOptionsFromFlags(flags),
    what: "data set file",
    ...(flags.label !== undefined ? { label: flags.label } : {}),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
  };
  return readDataFile(path, options).dataset;
}

function describe(ds: Dataset): Record<string, unknown> {
  const M = ds.x.length / ds.d;
  const cols = datasetFeatureNames(ds).map((name, j) => {
    let m = 0,
      lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < M; i++) {
      const v = ds.x[i * ds.d + j]!;
      m += v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    m /= M;
    let v2 = 0;
    for (let i = 0; i < M; i++) v2 += (ds.x[i * ds.d + j]! - m) ** 2;
    return { name, mean: m, std: Math.sqrt(v2 / M), min: lo, max: hi };
  });
  const out: Record<string, unknown> = { name: ds.meta.name, rows: M, d: ds.d, features: cols };
  if (ds.labels) {
    const counts: Record<string, number> = {};
    for (const l of ds.labels) {
      const key = ds.classNames?.[l] ?? String(l);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    out["classes"] = counts;
  }
  if (ds.targets) {
    let m = 0;
    for (const v of ds.targets) m += v;
    out["target_mean"] = m / ds.targets.length;
  }
  return out;
}

/** Register `dataset generate`, `dataset inspect`, `dataset convert`. */
export function registerDataset(program: Command): void {
  const ds = program.command("dataset").description("generate, inspect and convert data sets");
  ds.addHelpText(
    "after",
    `
Examples:
  $ kinetic-nde dataset generate moons --param nSamples=400 --param noise=0.1 --seed 3
  $ kinetic-nde dataset inspect out/dataset-moons/moons.csv
  $ kinetic-nde dataset convert data.csv data.json`,
  );

  ds.command("generate")
    .description("generate a synthetic data set (or load iris) and write it as CSV or JSON")
    .argument(
      "<name>",
      `one of ${listDatasets()
        .map((d) => d.name)
        .join(", ")}`,
    )
    .option("--param <key=value>", "generator parameter (repeatable), e.g. --param nSamples=400", collectPairs("--param"))
    .option("--format <fmt>", "csv | json", "csv")
    .option("--seed <n>", 'seed (the data set is drawn from its named stream "data")', parseSeed, 1)
    .option("--out <dir>", "output directory (default ./out/dataset-<name>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figure only")
    .addHelpText(
      "after",
      `
Generators and their parameters (defaults):
${listDatasets()
  .map(
    (d) =>
      `  ${d.name.padEnd(18)} ${d.description}\n${" ".repeat(21)}${Object.entries(d.defaults)
        .filter(([k]) => k !== "rng")
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(" ")}`,
  )
  .join("\n")}

Examples:
  $ kinetic-nde dataset generate moons --param nSamples=400 --param noise=0.1
  $ kinetic-nde dataset generate regression-1d --param fn=cubic --format json --seed 7`,
    )
    .action(
      (
        name: string,
        flags: { param?: Record<string, unknown>; format: string; seed: number; out?: string; force?: boolean; png: boolean },
      ) => {
        const cfg = datasetGenerateSchema.parse({ name, params: flags.param ?? {}, format: flags.format });
        if (!listDatasets().some((d) => d.name === name)) {
          throw new CliError(
            EXIT.USAGE,
            `invalid argument: \`name\` must be one of ${listDatasets()
              .map((d) => JSON.stringify(d.name))
              .join(", ")}; got ${JSON.stringify(name)}`,
          );
        }
        const isIris = name === "iris";
        // The named stream "data" of the seed: the same data set as `train --dataset <name> --seed <n>`.
        const data = makeDataset(name, isIris ? cfg.params : { seed: deriveSeed(flags.seed, "data"), ...cfg.params });
        const out = prepareOutDir(flags.out ?? join("out", `dataset-${name}`), flags.force ?? false);
        const file = `${name}.${cfg.format}`;
        writeOut(out, file, cfg.format === "csv" ? toCsv(data, { labelsAsNames: data.classNames !== undefined }) : toJson(data));
        writeOut(out, "config.json", jsonText({ seed: isIris ? null : flags.seed, config: cfg, meta: data.meta }));
        // A figure of the data (d ≤ 2).
        const M = data.x.length / data.d;
        const series: Record<string, { columns: string[]; data: Record<string, Float64Array> }> = {};
        const figures: FigureSpec[] = [];
        if (data.d <= 2) {
          const groups = data.labels ? [...new Set(data.labels)].sort((a, b) => a - b) : [-1];
          for (const g of groups) {
            const idx = Array.from({ length: M }, (_, i) => i).filter((i) => g === -1 || data.labels![i] === g);
            const xs = Float64Array.from(idx, (i) => data.x[i * data.d]!);
            const ys = Float64Array.from(idx, (i) => (data.d === 2 ? data.x[i * 2 + 1]! : data.targets ? data.targets[i]! : 0));
            series[`group${g}`] = { columns: ["x", "y"], data: { x: xs, y: ys } };
          }
          figures.push({
            id: "data",
            title: `${name}: ${M} points`,
            xLabel: data.featureNames?.[0] ?? "x₁",
            yLabel: data.d === 2 ? (data.featureNames?.[1] ?? "x₂") : data.targets ? "target y" : "",
            layers: groups.map((g) => ({
              kind: "scatter" as const,
              series: `group${g}`,
              x: "x",
              y: "y",
              label: g === -1 ? "points" : `class ${data.classNames?.[g] ?? g}`,
            })),
          });
        }
        const files = writeResult(
          out,
          { id: `dataset-${name}`, config: cfg, seed: flags.seed, series, summary: {}, checks: [], figures },
          flags.png,
        );
        void files;
        process.stdout.write(JSON.stringify(describe(data), null, 2) + `\noutput: ${finalPath(join(out, file))}\n`);
      },
    );

  addCsvOptions(ds.command("inspect"))
    .description("print a summary of a CSV/JSON data set (rows, columns, classes, mean/std/min/max)")
    .argument("<file>", "a .csv or .json data set")
    .option("--label <column>", "label column")
    .option("--target <column>", "target column")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde dataset inspect moons.csv
  $ kinetic-nde dataset inspect data.csv --label species --json`,
    )
    .action((file: string, flags: CsvFlags & { label?: string; target?: string; json?: boolean }) => {
      const info = describe(readDataset(file, flags));
      if (flags.json) {
        process.stdout.write(JSON.stringify(info, null, 2) + "\n");
        return;
      }
      process.stdout.write(`${file}: ${info["rows"]} rows, d = ${info["d"]}\n`);
      for (const c of info["features"] as { name: string; mean: number; std: number; min: number; max: number }[]) {
        process.stdout.write(
          `  ${c.name.padEnd(16)} mean ${c.mean.toPrecision(5).padStart(10)}  std ${c.std.toPrecision(5).padStart(10)}  min ${c.min.toPrecision(5).padStart(10)}  max ${c.max.toPrecision(5).padStart(10)}\n`,
        );
      }
      if (info["classes"])
        process.stdout.write(
          `  classes: ${Object.entries(info["classes"] as Record<string, number>)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", ")}\n`,
        );
      if (info["target_mean"] !== undefined) process.stdout.write(`  target mean: ${(info["target_mean"] as number).toPrecision(6)}\n`);
    });

  addCsvOptions(ds.command("convert"))
    .description("convert a data set between CSV and JSON (format from the file extensions)")
    .argument("<input>", "input .csv or .json")
    .argument("<output>", "output .csv or .json")
    .option("--label <column>", "label column")
    .option("--target <column>", "target column")
    .option("--force", "overwrite an existing output file")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde dataset convert moons.csv moons.json
  $ kinetic-nde dataset convert data.json data.csv --label class`,
    )
    .action((input: string, output: string, flags: CsvFlags & { label?: string; target?: string; force?: boolean }) => {
      const ext = extname(output).toLowerCase();
      if (ext !== ".csv" && ext !== ".json")
        throw new CliError(EXIT.USAGE, `invalid argument: \`output\` must end in .csv or .json; got ${JSON.stringify(output)}`);
      if (existsSync(output) && !flags.force)
        throw new CliError(EXIT.USAGE, `error: output file ${JSON.stringify(output)} exists; use --force to overwrite`);
      const data = readDataset(input, flags);
      writeFileAt(output, ext === ".csv" ? toCsv(data, { labelsAsNames: data.classNames !== undefined }) : toJson(data));
      process.stdout.write(`wrote ${output} (${data.x.length / data.d} rows)\n`);
    });
}
