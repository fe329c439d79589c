/**
 * The commands that run tools stop on SIGTERM exactly as on SIGINT: exit 130, no half-made output
 * folder (nor a hidden staging sibling), no stack trace.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { CLI, buildCli, spawn, tmp } from "./helpers.js";

beforeAll(() => buildCli());

/**
 * Start a command, send `signal` `afterMs` after its first progress line (the handlers are installed by
 * then; on a loaded machine loading the program alone can take longer than a second), and collect the exit.
 */
function interrupt(
  args: readonly string[],
  cwd: string,
  signal: NodeJS.Signals,
  afterMs: number,
): Promise<{ code: number | null; stderr: string; elapsed: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      timer ??= setTimeout(() => child.kill(signal), afterMs);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, elapsed: Date.now() - t0 });
    });
  });
}

describe("simulate with a large ensemble, interrupted after 1 s", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal}: exit 130, no output folder left`, async () => {
      const dir = tmp();
      // 5·10⁶ particles through 200 layers: far longer than the second it is given.
      const r = await interrupt(
        ["simulate", "--particles", "5000000", "--layers", "200", "--threads", "2", "--out", "big"],
        dir,
        signal,
        1000,
      );
      expect(r.code, r.stderr).toBe(EXIT.INTERRUPTED);
      expect(r.stderr).toContain(`interrupted (${signal})`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.elapsed).toBeLessThan(15000);
      expect(existsSync(join(dir, "big"))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    }, 20_000);
  }
});
