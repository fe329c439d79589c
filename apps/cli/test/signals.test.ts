import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeNpy } from "@kinetic-nde/datasets";
import { CLI, buildCli, spawn, tmp } from "./helpers.js";

beforeAll(() => buildCli());

const EXPERIMENTS = ["moments-linear", "stochastic-resnet", "steady-states"];

/** Seeded uniform numbers in [0, 1) (mulberry32): the kill moments are random but repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

const TEMP = /\.tmp-\d+-\d+$/;

/** Every file parses completely; returns the temporary files found (left only by SIGKILL). */
function checkFiles(dir: string): string[] {
  const temps: string[] = [];
  for (const f of filesUnder(dir)) {
    if (TEMP.test(f)) {
      temps.push(f);
      continue;
    }
    const bytes = readFileSync(f);
    const text = () => bytes.toString("utf8");
    if (f.endsWith(".json")) expect(() => JSON.parse(text()), f).not.toThrow();
    else if (f.endsWith(".csv")) {
      const lines = text().split("\n");
      expect(lines.pop(), `${f} ends with a newline`).toBe("");
      const width = lines[0]!.split(",").length;
      for (const l of lines.slice(1)) {
        const cells = l.split(",");
        expect(cells.length, `${f}: ${l}`).toBe(width);
        for (const c of cells) expect(Number.isNaN(Number(c)) && c !== "NaN", `${f}: ${c}`).toBe(false);
      }
    } else if (f.endsWith(".npy")) expect(() => decodeNpy(new Uint8Array(bytes)), f).not.toThrow();
    else if (f.endsWith(".svg")) expect(text().trimEnd().endsWith("</svg>"), f).toBe(true);
    else if (f.endsWith(".html")) expect(text().trimEnd().endsWith("</html>"), f).toBe(true);
    else if (f.endsWith(".md")) expect(text().length, f).toBeGreaterThan(0);
  }
  return temps;
}

/** The report lists as finished exactly the experiments whose results are complete. */
function checkReport(out: string, selected: readonly string[] = EXPERIMENTS): { partial: boolean; done: string[] } {
  const md = readFileSync(join(out, "report.md"), "utf8");
  const partial = md.includes("**Partial**") || md.includes("**Interrupted**");
  const done = [...md.matchAll(/^\| \[([a-z-]+)\]\(#[a-z-]+\) \| \d+\/\d+ \| (?:pass|FAIL|error) \|$/gm)].map((m) => m[1]!);
  for (const id of done) {
    for (const f of ["result.json", "summary.json"]) expect(existsSync(join(out, id, f)), `${id}/${f}`).toBe(true);
    const files = (JSON.parse(readFileSync(join(out, id, "result.json"), "utf8")) as { series: Record<string, unknown> }).series;
    for (const s of Object.keys(files)) expect(existsSync(join(out, id, "data", `${s}.npy`)), `${id}/data/${s}.npy`).toBe(true);
  }
  if (!partial) expect([...done].sort()).toEqual([...selected].sort());
  return { partial, done };
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start `reproduce`, send `signal` `delayMs` after its first output (or when `when` appears). */
function runAndSignal(cwd: string, args: string[], signal: NodeJS.Signals, delayMs: number, when?: string): Promise<Outcome> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
  let stderr = "";
  let armed = false;
  return new Promise((resolve) => {
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (!armed && (when === undefined || stderr.includes(when))) {
        armed = true;
        setTimeout(() => child.kill(signal), delayMs);
      }
    });
    child.on("exit", (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

describe("signals", () => {
  it("SIGTERM is handled like Ctrl-C: exit 130, a partial report of the finished experiments", async () => {
    const dir = tmp();
    const r = await runAndSignal(
      dir,
      ["reproduce", ...EXPERIMENTS, "--quick", "--no-png", "--out", "r"],
      "SIGTERM",
      0,
      "[1/3] moments-linear done",
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    const md = readFileSync(join(dir, "r", "report.md"), "utf8");
    expect(md).toContain("**Interrupted** (SIGTERM)");
    expect(md).toContain("| steady-states | – | not run |");
    expect(checkReport(join(dir, "r")).done).toContain("moments-linear");
    expect(checkFiles(join(dir, "r"))).toEqual([]);
    expect(readdirSync(dir)).toEqual(["r"]);
  });

  it("killed at random moments (SIGINT, SIGTERM, SIGKILL): every file is complete or marked partial; a --force rerun leaves one run's results", async () => {
    const dir = tmp();
    const out = join(dir, "r");
    const rand = seeded(20261204);
    const signals: NodeJS.Signals[] = ["SIGKILL", "SIGINT", "SIGTERM", "SIGKILL", "SIGTERM", "SIGKILL"];
    let stopped = 0;
    for (const [k, signal] of signals.entries()) {
      const delay = Math.floor(rand() * 2500);
      const r = await runAndSignal(dir, ["reproduce", ...EXPERIMENTS, "--quick", "--no-png", "--force", "--out", "r"], signal, delay);
      const what = `trial ${k}: ${signal} after ${delay} ms`;
      if (r.code === 130 || r.signal === "SIGKILL") stopped++;
      if (signal === "SIGKILL") expect(r.code === 0 || r.signal === "SIGKILL", what).toBe(true);
      else {
        expect(r.signal, what).toBeNull();
        expect([0, 130], `${what}\n${r.stderr}`).toContain(r.code);
      }
      // The output directory: complete files only; temporaries only after SIGKILL.
      if (existsSync(out)) {
        const temps = checkFiles(out);
        if (signal !== "SIGKILL") expect(temps, what).toEqual([]);
        if (existsSync(join(out, "report.md"))) {
          const { partial } = checkReport(out);
          if (r.code === 130) expect(partial, what).toBe(true);
        }
      }
      // Hidden siblings (results being built) survive only a SIGKILL, and hold complete files too.
      for (const s of readdirSync(dir).filter((n) => n !== "r")) {
        expect(signal, `${what}: ${s}`).toBe("SIGKILL");
        expect(s).toMatch(/^\.r\.(partial|old)-\d+$/);
        if (statSync(join(dir, s)).isDirectory()) checkFiles(join(dir, s));
      }
    }
    expect(stopped, "runs stopped before they finished (the test must not pass vacuously)").toBeGreaterThanOrEqual(4);
    // A rerun with --force (a different selection, so stale experiment folders would show) leaves exactly one run.
    const again = await runAndSignal(dir, ["reproduce", "moments-linear", "--quick", "--no-png", "--force", "--out", "r"], "SIGCONT", 0);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(["r"]);
    expect(readdirSync(out).sort()).toEqual([".kinetic-nde-output", "config.json", "moments-linear", "report.html", "report.md"]);
    expect(checkFiles(out)).toEqual([]);
    const { partial, done } = checkReport(out, ["moments-linear"]);
    expect([partial, done]).toEqual([false, ["moments-linear"]]);
  });
});
