/**
 * Bad input at the command line: every command and subcommand, each class of bad value (unknown
 * names, NaN, ±Infinity, negative, zero, huge, wrong types, missing or malformed files, unknown config
 * keys, sizes that cannot fit). Each invocation must exit with the documented code of its class
 * (2 bad input, 3 I/O, 4 too large), say on stderr which flag or file is wrong, and print no stack
 * trace. A second group checks that wrong numbers are never reported as success.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { EXIT } from "../src/exit-codes.js";
import { CLI, buildCli, tmp } from "./helpers.js";

/** One bad invocation: its arguments, the exit code of its class, and a text stderr must contain. */
interface BadCase {
  readonly args: readonly string[];
  readonly code: number;
  readonly names: string;
}

const U = EXIT.USAGE;
const IO = EXIT.IO;
const BIG = EXIT.TOO_LARGE;

/** Fixture files, relative to the working directory of every run. */
const FILES: Readonly<Record<string, string>> = {
  "good.csv": "x,y\n0.1,1\n0.2,2\n-0.3,3\n0.4,4\n",
  "one-col.csv": "x\n0.1\n0.2\n-0.3\n0.4\n",
  "ragged.csv": "x,y\n1,2\n3\n5,6\n",
  "text-values.csv": "x,y\n1,2\nabc,def\n",
  "empty.csv": "",
  "bad.json": '{"x": [1, 2,',
  "bad-records.json": '[{"x": 1}, {"x": "a"}]',
  "bad.yaml": "w: [1, 2\nb: : 3\n",
  "bad-config.json": '{"w": -1,',
  "list-config.json": "[1, 2, 3]",
  "unknown-key.json": '{"w": -1, "bogusKey": 3}',
  "unknown-key.yaml": "w: -1\nbogusKey: 3\n",
  "wrong-type.yaml": 'T: "two"\n',
  "nested-unknown.yaml": "initial:\n  kind: normal\n  spread: 3\n",
  "config.txt": "w: -1\n",
  "unknown-exp.json": '{"no-such-experiment": {"T": 1}}',
  "unknown-field-exp.json": '{"moments-linear": {"bogusField": 1}}',
  "exists.json": "[]",
};

const CASES: readonly BadCase[] = [
  // Program level and help.
  { args: ["bogus-command"], code: U, names: "bogus-command" },
  { args: ["help", "bogus"], code: U, names: "bogus" },
  { args: ["help", "solve", "bogus"], code: U, names: "bogus" },
  { args: ["--bogus-flag"], code: U, names: "--bogus-flag" },
  // simulate
  { args: ["simulate", "--sigma", "bogus"], code: U, names: "--sigma" },
  { args: ["simulate", "--particles", "NaN"], code: U, names: "--particles" },
  { args: ["simulate", "--particles", "-5"], code: U, names: "--particles" },
  { args: ["simulate", "--particles", "0"], code: U, names: "--particles" },
  { args: ["simulate", "--particles", "1.5"], code: U, names: "--particles" },
  { args: ["simulate", "--particles", "ten"], code: U, names: "--particles" },
  { args: ["simulate", "--particles", "10000000000"], code: BIG, names: "--particles" },
  { args: ["simulate", "--T", "Infinity"], code: U, names: "--T" },
  { args: ["simulate", "--T", "-1"], code: U, names: "--T" },
  { args: ["simulate", "--w", "abc"], code: U, names: "--w" },
  { args: ["simulate", "--b", "[1,"], code: U, names: "--b" },
  { args: ["simulate", "--d", "3"], code: U, names: "--d" },
  { args: ["simulate", "--method", "bogus"], code: U, names: "--method" },
  { args: ["simulate", "--K", "-1"], code: U, names: "--K" },
  { args: ["simulate", "--steps-per-layer", "0"], code: U, names: "--steps-per-layer" },
  { args: ["simulate", "--layers", "-Infinity"], code: U, names: "--layers" },
  { args: ["simulate", "--n-save", "0"], code: U, names: "--n-save" },
  { args: ["simulate", "--initial", "bogus"], code: U, names: "--initial" },
  { args: ["simulate", "--std", "-1"], code: U, names: "--std" },
  { args: ["simulate", "--threads", "0"], code: U, names: "--threads" },
  { args: ["simulate", "--seed", "-1"], code: U, names: "--seed" },
  { args: ["simulate", "--input", "missing.csv"], code: IO, names: "missing.csv" },
  { args: ["simulate", "--input", "ragged.csv"], code: U, names: "ragged.csv" },
  { args: ["simulate", "--input", "text-values.csv"], code: U, names: "text-values.csv" },
  { args: ["simulate", "--input", "empty.csv"], code: U, names: "empty.csv" },
  { args: ["simulate", "--input", "bad.json"], code: U, names: "bad.json" },
  { args: ["simulate", "--input", "good.csv"], code: U, names: "--input" },
  { args: ["simulate", "--input", "one-col.csv", "--delimiter", "ab"], code: U, names: "--delimiter" },
  { args: ["simulate", "--config", "missing.yaml"], code: IO, names: "missing.yaml" },
  { args: ["simulate", "--config", "bad.yaml"], code: U, names: "bad.yaml" },
  { args: ["simulate", "--config", "bad-config.json"], code: U, names: "bad-config.json" },
  { args: ["simulate", "--config", "list-config.json"], code: U, names: "list-config.json" },
  { args: ["simulate", "--config", "unknown-key.json"], code: U, names: "bogusKey" },
  { args: ["simulate", "--config", "nested-unknown.yaml"], code: U, names: "spread" },
  { args: ["simulate", "--config", "wrong-type.yaml"], code: U, names: "config.T" },
  { args: ["simulate", "--config", "config.txt"], code: U, names: "config.txt" },
  // solve vlasov | fokker-planck
  { args: ["solve", "bogus"], code: U, names: "bogus" },
  { args: ["solve", "vlasov", "--cells", "1000000000"], code: BIG, names: "--cells" },
  { args: ["solve", "vlasov", "--scheme", "bogus"], code: U, names: "--scheme" },
  { args: ["solve", "vlasov", "--limiter", "bogus"], code: U, names: "--limiter" },
  { args: ["solve", "vlasov", "--time-stepper", "bogus"], code: U, names: "--time-stepper" },
  { args: ["solve", "vlasov", "--cfl", "0"], code: U, names: "--cfl" },
  { args: ["solve", "vlasov", "--cfl", "NaN"], code: U, names: "--cfl" },
  { args: ["solve", "vlasov", "--x-min", "1", "--x-max", "0", "--n", "100"], code: U, names: "--x-m" },
  { args: ["solve", "vlasov", "--x-min", "0", "--x-max", "1", "--n", "-3"], code: U, names: "--n" },
  { args: ["solve", "vlasov", "--boundary", "bogus"], code: U, names: "--boundary" },
  { args: ["solve", "vlasov", "--sigma", "tanh", "--T", "1e400"], code: U, names: "--T" },
  { args: ["solve", "vlasov", "--config", "unknown-key.yaml"], code: U, names: "bogusKey" },
  { args: ["solve", "vlasov-2d", "--cells", "1"], code: U, names: "--cells" },
  { args: ["solve", "vlasov-2d", "--cells", "5000"], code: BIG, names: "--cells" },
  { args: ["solve", "vlasov-2d", "--w", "[1, 2, 3]"], code: U, names: "--w" },
  { args: ["solve", "vlasov-2d", "--w", "[-1, 0, 0, -1]", "--spin", "1"], code: U, names: "--spin" },
  { args: ["solve", "vlasov-2d", "--std-x", "0"], code: U, names: "--std-x" },
  { args: ["solve", "fokker-planck", "--dt", "1e-12"], code: BIG, names: "--dt" },
  { args: ["solve", "fokker-planck", "--dt", "0"], code: U, names: "--dt" },
  { args: ["solve", "fokker-planck", "--D", "-1"], code: U, names: "--D" },
  { args: ["solve", "fokker-planck", "--method", "bogus"], code: U, names: "--method" },
  { args: ["solve", "fokker-planck", "--cells", "1000000000"], code: BIG, names: "--cells" },
  // moments
  { args: ["moments", "--method", "bogus"], code: U, names: "--method" },
  { args: ["moments", "--order", "-1"], code: U, names: "--order" },
  { args: ["moments", "--order", "2.5"], code: U, names: "--order" },
  { args: ["moments", "--var0", "-1"], code: U, names: "--var0" },
  { args: ["moments", "--n-times", "0"], code: U, names: "--n-times" },
  { args: ["moments", "--n-times", "10000000000"], code: BIG, names: "--n-times" },
  { args: ["moments", "--w", "[1,"], code: U, names: "--w" },
  { args: ["moments", "--D", "NaN"], code: U, names: "--D" },
  { args: ["moments", "--config", "unknown-key.yaml"], code: U, names: "bogusKey" },
  // fit
  { args: ["fit", "--target", "bogus"], code: U, names: "--target" },
  { args: ["fit", "--std", "0"], code: U, names: "--std" },
  { args: ["fit", "--std", "-Infinity"], code: U, names: "--std" },
  { args: ["fit", "--target", "samples"], code: U, names: "--file" },
  { args: ["fit", "--target", "samples", "--file", "missing.csv"], code: IO, names: "missing.csv" },
  { args: ["fit", "--target", "samples", "--file", "ragged.csv"], code: U, names: "ragged.csv" },
  { args: ["fit", "--target", "samples", "--file", "good.csv", "--column", "nope"], code: U, names: "--column" },
  { args: ["fit", "--loss", "bogus"], code: U, names: "--loss" },
  { args: ["fit", "--family", "bogus"], code: U, names: "--family" },
  { args: ["fit", "--cells", "1000000000"], code: BIG, names: "--cells" },
  { args: ["fit", "--max-evaluations", "-1"], code: U, names: "--max-evaluations" },
  { args: ["fit", "--method", "newton"], code: U, names: "--method" },
  { args: ["fit", "--target", "beta", "--alpha", "-1"], code: U, names: "--alpha" },
  // train
  { args: ["train", "--dataset", "bogus"], code: U, names: "--dataset" },
  { args: ["train", "--dataset", "missing.csv"], code: IO, names: "missing.csv" },
  { args: ["train", "--dataset", "ragged.csv"], code: U, names: "ragged.csv" },
  { args: ["train", "--dataset", "good.csv", "--label", "nope"], code: U, names: "nope" },
  { args: ["train", "--epochs", "-1"], code: U, names: "--epochs" },
  { args: ["train", "--learning-rate", "NaN"], code: U, names: "--learning-rate" },
  { args: ["train", "--optimizer", "bogus"], code: U, names: "--optimizer" },
  { args: ["train", "--test-fraction", "1.5"], code: U, names: "--test-fraction" },
  { args: ["train", "--layers", "0"], code: U, names: "--layers" },
  { args: ["train", "--batch-size", "0"], code: U, names: "--batch-size" },
  { args: ["train", "--param", "nSamples=1e12"], code: BIG, names: "--param" },
  { args: ["train", "--param", "bogus=1"], code: U, names: "bogus" },
  // dataset generate | inspect | convert
  { args: ["dataset", "bogus"], code: U, names: "bogus" },
  { args: ["dataset", "generate", "bogus"], code: U, names: "bogus" },
  { args: ["dataset", "generate", "moons", "--format", "xml"], code: U, names: "--format" },
  { args: ["dataset", "generate", "moons", "--param", "nSamples=1e12"], code: BIG, names: "--param" },
  { args: ["dataset", "generate", "moons", "--param", "noise=-1"], code: U, names: "noise" },
  { args: ["dataset", "generate", "moons", "--param", "bogus=1"], code: U, names: "bogus" },
  { args: ["dataset", "generate", "moons", "--param", "nSamples"], code: U, names: "--param" },
  { args: ["dataset", "generate", "moons", "--seed", "abc"], code: U, names: "--seed" },
  { args: ["dataset", "inspect"], code: U, names: "file" },
  { args: ["dataset", "inspect", "missing.csv"], code: IO, names: "missing.csv" },
  { args: ["dataset", "inspect", "ragged.csv"], code: U, names: "ragged.csv" },
  { args: ["dataset", "inspect", "bad-records.json"], code: U, names: "bad-records.json" },
  { args: ["dataset", "inspect", "good.csv", "--label", "nope"], code: U, names: "nope" },
  { args: ["dataset", "inspect", "good.csv", "--delimiter", "xx"], code: U, names: "--delimiter" },
  { args: ["dataset", "convert", "good.csv", "out.xml"], code: U, names: "out.xml" },
  { args: ["dataset", "convert", "missing.csv", "out.json"], code: IO, names: "missing.csv" },
  { args: ["dataset", "convert", "good.csv", "exists.json"], code: U, names: "--force" },
  // reproduce, list
  { args: ["reproduce", "bogus-id"], code: U, names: "bogus-id" },
  { args: ["reproduce"], code: U, names: "--all" },
  { args: ["reproduce", "--all", "--quick", "--config", "unknown-exp.json"], code: U, names: "no-such-experiment" },
  { args: ["reproduce", "moments-linear", "--quick", "--config", "unknown-field-exp.json"], code: U, names: "bogusField" },
  { args: ["reproduce", "moments-linear", "--quick", "--set", "bogusField=1"], code: U, names: "bogusField" },
  { args: ["reproduce", "moments-linear", "--quick", "--config", "missing.json"], code: IO, names: "missing.json" },
  { args: ["reproduce", "moments-linear", "--seed", "1.5"], code: U, names: "--seed" },
  { args: ["list", "bogus"], code: U, names: "bogus" },
  { args: ["schema", "bogus"], code: U, names: "bogus" },
  // CSV flags that contradict the file
  { args: ["train", "--dataset", "good.csv", "--no-header"], code: U, names: "good.csv" },
  { args: ["fit", "--target", "samples", "--file", "good.csv", "--no-header"], code: U, names: "good.csv" },
  { args: ["dataset", "inspect", "good.csv", "--header", "--delimiter", "semicolon"], code: U, names: "good.csv" },
  { args: ["dataset", "convert", "good.csv", "out.json", "--no-header"], code: U, names: "good.csv" },
];

const STACK = /^\s+at /m;

let cwd = "";

beforeAll(() => {
  buildCli();
  cwd = tmp();
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(cwd, name), text);
});

function runIn(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", KINETIC_NDE_DEBUG: "" },
    timeout: 30_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("bad input: exit code of its class, a message naming the flag or file, no stack trace", () => {
  it("has at least 60 distinct cases covering every command and subcommand", () => {
    const keys = new Set(CASES.map((c) => c.args.join("\u0000")));
    expect(keys.size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const covered = new Set(CASES.map((c) => (["solve", "dataset"].includes(c.args[0]!) ? c.args.slice(0, 2).join(" ") : c.args[0])));
    for (const cmd of [
      "simulate",
      "solve vlasov",
      "solve fokker-planck",
      "moments",
      "fit",
      "train",
      "dataset generate",
      "dataset inspect",
      "dataset convert",
      "reproduce",
      "list",
      "schema",
      "help",
    ]) {
      expect(covered.has(cmd), cmd).toBe(true);
    }
  });

  it("every case", () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const r = runIn(c.args);
      const err = r.stderr;
      const problems: string[] = [];
      if (r.code !== c.code) problems.push(`exit ${r.code}, expected ${c.code}`);
      if (!err.includes(c.names)) problems.push(`stderr does not name ${JSON.stringify(c.names)}`);
      if (STACK.test(err) || /ZodError|RangeError|TypeError|internal error/.test(err)) problems.push("stack trace or internal error");
      if (err.length > 2000) problems.push(`stderr is ${err.length} characters long`);
      if (problems.length > 0)
        failures.push(
          `kinetic-nde ${c.args.join(" ")}: ${problems.join("; ")}\n    stderr: ${err.trim().split("\n").slice(0, 4).join(" | ")}`,
        );
    }
    expect(failures.join("\n")).toBe("");
  }, 300_000); // ~120 sequential CLI processes: a budget for a loaded 2-core machine

  it("leaves no output directory behind for a refused run", () => {
    const r = runIn(["simulate", "--particles", "10000000000", "--out", "refused"]);
    expect(r.code).toBe(BIG);
    expect(existsSync(join(cwd, "refused"))).toBe(false);
  });
});

describe("wrong numbers are not success", () => {
  it("moments --method rk4 with a stiff w: the right variance, or a non-zero exit with status unstable", () => {
    const out = join(cwd, "stiff");
    const r = runIn(["moments", "--method", "rk4", "--w", "-300", "--T", "1", "--D", "1", "--out", out]);
    const summary = (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { summary: Record<string, unknown> }).summary;
    if (r.code === EXIT.OK) {
      expect(summary["status"]).toBe("success");
      // Stationary variance of dx = -300 x dt + sqrt(2 D) dW: D / 300.
      const variance = Object.entries(summary).find(([k, v]) => k === "variance_T" && typeof v === "number");
      expect(variance, JSON.stringify(summary)).toBeDefined();
      expectAllClose(Float64Array.of(variance![1] as number), Float64Array.of(1 / 300), { rtol: 0, atol: 1e-6 });
    } else {
      expect(r.code).toBe(EXIT.CHECK_FAILED);
      expect(summary["status"]).toBe("unstable");
    }
  });

  it("fit --std 1e-300 does not report success with an infinite loss", () => {
    const out = join(cwd, "tiny-std");
    const r = runIn(["fit", "--std", "1e-300", "--out", out]);
    expect(STACK.test(r.stderr)).toBe(false);
    const summary = (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { summary: Record<string, unknown> }).summary;
    const infinite = Object.entries(summary).filter(([, v]) => typeof v === "number" && !Number.isFinite(v));
    if (r.code === EXIT.OK) {
      expect(summary["status"]).toBe("success");
      expect(infinite, JSON.stringify(summary)).toEqual([]);
    } else {
      expect(r.code).toBe(EXIT.CHECK_FAILED);
      expect(summary["status"]).not.toBe("success");
      expect(r.stderr).toMatch(/not finite|non-finite/);
    }
  });

  it("fit on constant data does not report success", () => {
    mkdirSync(join(cwd, "const"), { recursive: true });
    writeFileSync(join(cwd, "const", "c.csv"), "x\n" + "0.5\n".repeat(200));
    const out = join(cwd, "const-fit");
    const r = runIn(["fit", "--target", "samples", "--file", "const/c.csv", "--out", out]);
    expect(r.code).not.toBe(EXIT.OK);
    expect(STACK.test(r.stderr)).toBe(false);
    if (existsSync(join(out, "summary.json"))) {
      const summary = (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { summary: Record<string, unknown> }).summary;
      expect(summary["status"]).not.toBe("success");
    }
  });
});
