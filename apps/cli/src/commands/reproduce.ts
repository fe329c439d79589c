/** `kinetic-nde reproduce [ids…] | --all [--quick]` — run the experiment catalogue and write a report. */
import { join } from "node:path";
import { EXPERIMENTS, allChecksPassed, checkFailed, getExperiment, resolveConfig, runExperiment } from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { EXIT, CliError } from "../exit-codes.js";
import { VERSION, collectSet, parseSeed, toExit } from "../common.js";
import { finalPath, jsonText, prepareOutDir, readConfigFile, writeOut } from "../io.js";
import { createProgress } from "../progress.js";
import { reportHtml, reportMarkdown, type ReportEntry, type ReportInput } from "../report.js";
import { writeResult } from "../results.js";
import { commandSignal, deferFirstInterrupt, interruptRequested, interruptSignal } from "../signals.js";

interface ReproduceOptions {
  all?: boolean;
  quick?: boolean;
  seed: number;
  out?: string;
  force?: boolean;
  set?: Record<string, unknown>;
  config?: string;
  png: boolean;
  quiet?: boolean;
}

/** Register the command. */
export function registerReproduce(program: Command): void {
  program
    .command("reproduce")
    .description("run experiments of the catalogue and write data, figures and a report")
    .argument("[ids...]", "experiment ids (see `kinetic-nde list experiments`)")
    .option("--all", "run every experiment of the catalogue")
    .option("--quick", "use each experiment's quick preset (seconds instead of minutes)")
    .option("--seed <n>", "seed of every random draw", parseSeed, 1)
    .option("--out <dir>", "output directory (default ./out/reproduce-<id> or ./out/reproduce-all, with a -2, -3, ... suffix when taken)")
    .option("--force", "replace an existing output directory of kinetic-nde as a whole")
    .option("--set <key=value>", "override a config field of the selected experiment (repeatable)", collectSet)
    .option("--config <file>", "JSON/YAML file: { <id>: { field: value } } overrides per experiment")
    .option("--no-png", "write SVG figures only (skip PNG rasterisation)")
    .option("--quiet", "no progress output")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde reproduce moments-linear
  $ kinetic-nde reproduce --all --quick --out out/ci
  $ kinetic-nde reproduce steady-states --set T=6 --seed 7 --force
  $ kinetic-nde reproduce --all --config overrides.yaml

Outputs (in --out): <id>/data/*.csv and *.npy, <id>/result.json, <id>/summary.json,
<id>/figures/*.svg|png, config.json (resolved configs and seed), report.md and report.html.
Ctrl-C or SIGTERM stops after the current experiment and writes a partial report (exit 130);
a second one stops the current experiment too.`,
    )
    .action(async (ids: string[], opts: ReproduceOptions) => {
      process.exitCode = await reproduce(ids, opts);
    });
}

async function reproduce(ids: string[], opts: ReproduceOptions): Promise<number> {
  if (opts.all && ids.length > 0) throw new CliError(EXIT.USAGE, "error: give experiment ids or --all, not both");
  if (!opts.all && ids.length === 0)
    throw new CliError(EXIT.USAGE, "error: give experiment ids or --all (see `kinetic-nde list experiments`)");
  const selected = opts.all ? EXPERIMENTS.map((e) => e.id) : ids;
  for (const id of selected) getExperiment(id); // NOT_FOUND → exit 2 before anything runs
  if (opts.set !== undefined && selected.length !== 1)
    throw new CliError(EXIT.USAGE, "error: --set applies to a single experiment; use --config { <id>: {...} } for several");
  const fileOverrides = opts.config !== undefined ? readConfigFile(opts.config) : {};
  for (const k of Object.keys(fileOverrides)) {
    if (!EXPERIMENTS.some((e) => e.id === k)) {
      throw new CliError(
        EXIT.USAGE,
        `invalid argument: \`${opts.config}\` key \`${k}\` must be an experiment id (one of ${EXPERIMENTS.map((e) => e.id).join(", ")}); got ${JSON.stringify(k)}`,
      );
    }
    const v = fileOverrides[k];
    if (v !== null && (typeof v !== "object" || Array.isArray(v))) {
      throw new CliError(
        EXIT.USAGE,
        `invalid argument: \`${opts.config}\` key \`${k}\` must hold an object of config fields; got ${JSON.stringify(v)}`,
      );
    }
  }
  const overrides = new Map<string, Record<string, unknown>>();
  for (const id of selected) {
    const o = { ...((fileOverrides[id] as Record<string, unknown> | undefined) ?? {}), ...(opts.set ?? {}) };
    overrides.set(id, o);
    try {
      resolveConfig(id, o, opts.quick ?? false); // validate every config before running anything
    } catch (e) {
      if (selected.length === 1) throw e;
      const { code, message } = toExit(e);
      throw new CliError(code, `error: experiment ${id}: ${message.replace(/^error: /, "")}`, { cause: e });
    }
  }
  const outDir =
    opts.out !== undefined
      ? prepareOutDir(opts.out, opts.force ?? false)
      : prepareOutDir(join("out", opts.all ? "reproduce-all" : `reproduce-${selected.join("+")}`), opts.force ?? false, { unique: true });
  const quick = opts.quick ?? false;

  let current = "";
  const signal = commandSignal();
  const undo = deferFirstInterrupt((sig) => {
    process.stderr.write(
      `\ninterrupt (${sig}): finishing ${current || "the current experiment"}, then writing a partial report (${sig === "SIGINT" ? "Ctrl-C" : "SIGTERM"} again to stop now)\n`,
    );
  });

  const entries: ReportEntry[] = [];
  const configs: Record<string, unknown> = {};
  const notRun: string[] = [];
  // The report is rewritten after every experiment, marked in progress, so a run killed at any
  // moment (even by SIGKILL) leaves a report that says which results are there.
  const writeReport = (state: "running" | "done"): void => {
    const pending = state === "running" ? selected.filter((id) => !entries.some((e) => e.id === id) && !notRun.includes(id)) : [];
    const input: ReportInput = {
      entries,
      seed: opts.seed,
      quick,
      notRun: [...notRun, ...pending],
      interrupted: interruptRequested(),
      version: VERSION,
      inProgress: state === "running",
      ...(interruptSignal() !== undefined ? { signal: interruptSignal()! } : {}),
    };
    writeOut(
      outDir,
      "config.json",
      jsonText({
        seed: opts.seed,
        quick,
        ...(state === "running" ? { complete: false } : interruptRequested() ? { complete: false, interrupted: interruptSignal() } : {}),
        experiments: configs,
      }),
    );
    writeOut(outDir, "report.md", reportMarkdown(input));
    writeOut(outDir, "report.html", reportHtml(input, outDir));
  };
  try {
    writeReport("running");
    for (const [i, id] of selected.entries()) {
      if (interruptRequested()) {
        notRun.push(id);
        continue;
      }
      current = id;
      const def = getExperiment(id);
      const label = `[${i + 1}/${selected.length}] ${id}`;
      const progress = createProgress(label, opts.quiet ?? false);
      const t0 = performance.now();
      try {
        const result = await runExperiment(id, overrides.get(id)!, {
          seed: opts.seed,
          quick,
          onProgress: (p) => progress.update(p.fraction, p.message),
          signal,
        });
        const seconds = (performance.now() - t0) / 1000;
        progress.finish();
        const files = writeResult(join(outDir, id), result, opts.png);
        configs[id] = result.config;
        entries.push({ id, title: def.title, description: def.summary, result, files, seconds });
        const failed = result.checks.filter(checkFailed);
        const na = result.checks.filter((c) => c.status === "not-applicable");
        if (!opts.quiet) {
          const applicable = result.checks.length - na.length;
          progress.log(
            `${label} done in ${seconds.toFixed(1)} s: ${applicable - failed.length}/${applicable} checks passed${na.length > 0 ? `, ${na.length} not applicable` : ""}`,
          );
          for (const c of failed) progress.log(`  FAIL ${c.message}`);
          for (const c of na) progress.log(`  n/a ${c.name}: ${c.reason ?? ""}`);
        }
      } catch (e) {
        progress.finish();
        if (e instanceof Error && e.name === "AbortError") {
          notRun.push(id);
          continue;
        }
        if (e instanceof CliError && e.exitCode === EXIT.IO) throw e;
        const msg = toExit(e).message.replace(/^error: /, "");
        entries.push({ id, title: def.title, description: def.summary, error: msg, seconds: (performance.now() - t0) / 1000 });
        progress.log(`${label} raised an error: ${msg}`);
      }
      writeReport("running");
    }
  } finally {
    undo();
  }
  const interrupted = interruptRequested();
  writeReport("done");
  const ok = entries.every((e) => e.error === undefined && e.result !== undefined && allChecksPassed(e.result.checks));
  const all = entries.flatMap((e) => e.result?.checks ?? []);
  const nNa = all.filter((c) => c.status === "not-applicable").length;
  const nFailed = all.filter(checkFailed).length;
  const nChecks = all.length - nNa;
  process.stderr.write(
    `${interrupted ? "interrupted: " : ""}${entries.length} experiment(s), ${nChecks - nFailed}/${nChecks} checks passed${nNa > 0 ? `, ${nNa} not applicable` : ""}; report: ${finalPath(join(outDir, "report.html"))}\n`,
  );
  if (interrupted) return EXIT.INTERRUPTED;
  return ok ? EXIT.OK : EXIT.CHECK_FAILED;
}
