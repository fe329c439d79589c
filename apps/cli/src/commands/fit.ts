/** `kinetic-nde fit` — fit a Fokker–Planck steady state to a target distribution. */
import { cellCenters, createGrid1D, type Grid1D, parseCsv, parseJson } from "@kinetic-nde/datasets";
import type { FigureSpec } from "@kinetic-nde/experiments";
import { fitSteadyState, stationaryDensity, type FitTarget } from "@kinetic-nde/fokker-planck";
import type { Command } from "commander";
import { extname } from "node:path";
import { buildConfig, fieldsFromFlags } from "../common.js";
import { CliError, EXIT } from "../exit-codes.js";
import { jsonText, readText, writeOut } from "../io.js";
import { finish, outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, gridSchema, z } from "../schemas.js";

/** Config of `fit`. */
export const fitSchema = z
  .object({
    target: z
      .object({
        kind: z.enum(["gaussian", "tanh", "beta", "samples"]).default("gaussian").describe("target: a Gaussian, a tanh-type steady state, a Beta-type density, or samples from a file"),
        mean: z.number().default(0).describe("gaussian: mean"),
        std: z.number().positive().default(1).describe("gaussian: standard deviation"),
        w: z.number().negative().default(-1).describe("tanh: w < 0"),
        b: z.number().default(0).describe("tanh: b"),
        D: z.number().positive().default(0.5).describe("tanh: D"),
        alpha: z.number().min(1).default(2).describe("beta: α of (1-x)^{α-1}(1+x)^{β-1} on (-1, 1)"),
        beta: z.number().min(1).default(3).describe("beta: β"),
        file: z.string().optional().describe("samples: CSV/JSON data set file"),
        column: z.string().optional().describe("samples: column (feature, label or target name); default the first feature"),
      })
      .strict()
      .default({ kind: "gaussian", mean: 0, std: 1, w: -1, b: 0, D: 0.5, alpha: 2, beta: 3 }),
    family: z.enum(["gaussian", "identity", "tanh", "beta", "bimodal"]).optional().describe("model family (default: matches the target kind; tanh for samples)"),
    loss: z.enum(["kl", "l2", "w1"]).default("kl").describe("loss"),
    grid: gridSchema.optional().describe("grid (default from the target)"),
    cells: z.number().int().min(10).max(100_000).default(400).describe("cells of the default grid"),
    maxEvaluations: z.number().int().min(10).max(1_000_000).default(3000).describe("Nelder–Mead evaluation budget"),
    restarts: z.number().int().min(0).max(100).default(3).describe("Nelder–Mead restarts"),
  })
  .strict();
COMMAND_SCHEMAS["fit"] = fitSchema;

type Cfg = z.output<typeof fitSchema>;

function targetOf(cfg: Cfg): { target: FitTarget; grid: Grid1D; label: string } {
  const t = cfg.target;
  const custom = cfg.grid !== undefined ? (createGrid1D(cfg.grid.xMin, cfg.grid.xMax, cfg.grid.n) as Grid1D) : undefined;
  switch (t.kind) {
    case "gaussian": {
      const c = 1 / (t.std * Math.sqrt(2 * Math.PI));
      return { target: (x) => c * Math.exp(-0.5 * ((x - t.mean) / t.std) ** 2), grid: custom ?? (createGrid1D(t.mean - 7 * t.std, t.mean + 7 * t.std, cfg.cells) as Grid1D), label: `N(${t.mean}, ${t.std}²)` };
    }
    case "tanh": {
      const sd = stationaryDensity("tanh", t.w, t.b, t.D);
      const c = -t.b / t.w, h = 8 * Math.sqrt(sd.variance);
      return { target: sd.pdf, grid: custom ?? (createGrid1D(c - h, c + h, cfg.cells) as Grid1D), label: `sech(${t.w}x + ${t.b})^{1/(|w|D)}, D = ${t.D}` };
    }
    case "beta":
      return { target: (x) => Math.pow(1 - x, t.alpha - 1) * Math.pow(1 + x, t.beta - 1), grid: custom ?? (createGrid1D(-1, 1, cfg.cells) as Grid1D), label: `(1-x)^{${t.alpha}-1}(1+x)^{${t.beta}-1}` };
    case "samples": {
      if (t.file === undefined) throw new CliError(EXIT.USAGE, "invalid argument: `config.target.file` must be given for target kind \"samples\"; got undefined");
      const text = readText(t.file, "samples file");
      const ds = extname(t.file).toLowerCase() === ".json" ? parseJson(text) : parseCsv(text);
      let samples: Float64Array;
      const names = ds.featureNames ?? [];
      if (t.column === undefined) samples = Float64Array.from({ length: ds.x.length / ds.d }, (_, i) => ds.x[i * ds.d]!);
      else if (names.includes(t.column)) {
        const j = names.indexOf(t.column);
        samples = Float64Array.from({ length: ds.x.length / ds.d }, (_, i) => ds.x[i * ds.d + j]!);
      } else {
        throw new CliError(EXIT.USAGE, `invalid argument: \`config.target.column\` must be one of ${names.map((n) => JSON.stringify(n)).join(", ")}; got ${JSON.stringify(t.column)}`);
      }
      let lo = Infinity, hi = -Infinity;
      for (const v of samples) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const pad = 0.25 * (hi - lo || 1);
      return { target: { samples }, grid: custom ?? (createGrid1D(lo - pad, hi + pad, Math.min(cfg.cells, Math.max(20, Math.round(Math.sqrt(samples.length) * 3)))) as Grid1D), label: `${samples.length} samples of ${t.column ?? names[0] ?? "column 1"}` };
    }
  }
}

/** Register the command. */
export function registerFit(program: Command): void {
  program
    .command("fit")
    .description("fit the Fokker–Planck steady state (w, b, D or D(x)) to a target distribution")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--target <kind>", "gaussian | tanh | beta | samples")
    .option("--mean <m>", "gaussian target mean")
    .option("--std <s>", "gaussian target standard deviation")
    .option("--alpha <a>", "beta target α")
    .option("--beta <b>", "beta target β")
    .option("--file <path>", "samples target: CSV/JSON data set")
    .option("--column <name>", "samples target: column")
    .option("--family <name>", "gaussian | identity | tanh | beta | bimodal")
    .option("--loss <name>", "kl | l2 | w1")
    .option("--cells <n>", "grid cells")
    .option("--max-evaluations <n>", "optimiser budget")
    .option("--out <dir>", "output directory (default ./out/fit-<target>)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText("after", `
Examples:
  $ kinetic-nde fit --target gaussian --mean 0.5 --std 0.3
  $ kinetic-nde fit --target beta --alpha 2 --beta 5 --family beta
  $ kinetic-nde fit --target samples --file iris.csv --column petal-length --family bimodal --loss w1
${OUTPUT_HELP} Fitted parameters are also in fit.json.`)
    .action((flags: Record<string, unknown> & OutputFlags & { config?: string }) => {
      const cfg = buildConfig(fitSchema, flags.config, fieldsFromFlags(flags, {
        target: "target.kind", mean: "target.mean", std: "target.std", alpha: "target.alpha", beta: "target.beta", file: "target.file", column: "target.column",
        family: "family", loss: "loss", cells: "cells", maxEvaluations: "maxEvaluations",
      }));
      const out = outDirFor(flags, "fit", cfg.target.kind);
      const { target, grid, label } = targetOf(cfg);
      const family = cfg.family ?? (cfg.target.kind === "samples" ? "tanh" : cfg.target.kind);
      const r = fitSteadyState(target, { family, loss: cfg.loss, grid, maxEvaluations: cfg.maxEvaluations, restarts: cfg.restarts });
      const p = r.params;
      const fitted: Record<string, unknown> = { family: r.family, sigma: p.sigma, w: p.w, b: p.b, ...(typeof p.D === "number" ? { D: p.D, K: Math.sqrt(2 * p.D) } : {}), ...(p.kappa !== undefined ? { kappa: p.kappa } : {}), ...(p.coefficients !== undefined ? { coefficients: p.coefficients } : {}), loss: r.lossName, value: r.loss, losses: r.losses, status: r.status, evaluations: r.stats.evaluations };
      writeOut(out, "fit.json", jsonText(fitted));
      const figures: FigureSpec[] = [
        {
          id: "fit",
          title: `Steady-state fit (${r.family}) to ${label}`,
          xLabel: "x",
          yLabel: "density",
          layers: [
            { kind: cfg.target.kind === "samples" ? "step" : "area", series: "densities", x: "x", y: "target", label: cfg.target.kind === "samples" ? "histogram" : "target", color: "#888888" },
            { kind: "line", series: "densities", x: "x", y: "fitted", label: "fitted steady state" },
          ],
          caption: `${r.lossName.toUpperCase()} = ${r.loss.toPrecision(4)}; w = ${p.w.toPrecision(4)}, b = ${p.b.toPrecision(4)}${typeof p.D === "number" ? `, D = ${p.D.toPrecision(4)}` : ""}${p.kappa !== undefined ? `, κ = ${p.kappa.toPrecision(4)}` : ""}.`,
        },
      ];
      const summary: Record<string, number | string> = { status: r.status, family: r.family, w: p.w, b: p.b, [`loss_${r.lossName}`]: r.loss, kl: r.losses.kl, l2: r.losses.l2, w1: r.losses.w1, evaluations: r.stats.evaluations };
      if (typeof p.D === "number") summary["D"] = p.D;
      if (p.kappa !== undefined) summary["kappa"] = p.kappa;
      const dens = { x: cellCenters(r.grid), target: r.target, fitted: r.fitted };
      process.exitCode = finish(out, { id: "fit", config: cfg, seed: 0, series: { densities: { columns: Object.keys(dens), data: dens } }, summary, checks: [], figures }, [r.status], flags);
    });
}
