import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = join(CLI_DIR, "dist", "cli.js");

let built = false;
/** Build the CLI once per test process (tsup bundles the workspace sources). */
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, [join(CLI_DIR, "..", "..", "node_modules", "tsup", "dist", "cli-default.js")], {
    cwd: CLI_DIR,
    stdio: "pipe",
  });
  built = true;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI like a user. */
export function run(args: string[], cwd?: string): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: cwd ?? tmp(), encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Fresh temporary directory. */
export function tmp(): string {
  return mkdtempSync(join(tmpdir(), "kinetic-cli-"));
}

export { spawn };
