import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, buildCli, run, spawn, tmp } from "./helpers.js";

beforeAll(() => buildCli());

describe("commands run the tools of @kinetic-nde/experiments", () => {
  it("simulate streams both ensembles to CSV and keeps them out of the JSON files", () => {
    const dir = tmp();
    const r = run(["simulate", "--particles", "3000", "--layers", "5", "--no-png", "--quiet", "--out", "s"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    for (const f of ["initial", "final"]) {
      const lines = readFileSync(join(dir, "s", "data", `${f}.csv`), "utf8")
        .trim()
        .split("\n");
      expect(lines[0]).toBe("x");
      expect(lines).toHaveLength(3001);
    }
    // result.json holds moments and histograms only: far smaller than 3000 particles would need.
    expect(statSync(join(dir, "s", "result.json")).size).toBeLessThan(20_000);
    expect(readFileSync(join(dir, "s", "result.json"), "utf8")).not.toContain("ensembles");
    expect(existsSync(join(dir, "s", "data", "final.csv.partial"))).toBe(false);
  });

  it("simulate refuses an ensemble beyond 1 GiB before any work (exit 4, too large), naming --particles and the largest size", () => {
    const r = run(["simulate", "--d", "2", "--particles", "50000000", "--out", "x"], tmp());
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("`--particles` = 50000000");
    expect(r.stderr).toContain("the largest that fits is 22369621");
  });

  it("solve refuses a snapshot history beyond 1 GiB (exit 4, too large), naming --n-save", () => {
    const r = run(["solve", "vlasov", "--x-min", "-5", "--x-max", "5", "--n", "1000000", "--n-save", "10001", "--out", "x"], tmp());
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("`--n-save`");
  });

  it("list tools enumerates the tools behind the commands", () => {
    const r = run(["list", "tools", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((t) => t.id)).toEqual([
      "simulate",
      "solve-vlasov",
      "solve-vlasov-2d",
      "solve-fokker-planck",
      "moments",
      "fit",
      "train",
    ]);
  });

  it("schema simulate describes the data set file input, not in-memory particles", () => {
    const r = run(["schema", "simulate"]);
    expect(r.code).toBe(0);
    const props = (JSON.parse(r.stdout) as { properties: Record<string, unknown> }).properties;
    expect(props).toHaveProperty("input");
    expect(props).not.toHaveProperty("x0");
    const f = JSON.parse(run(["schema", "fit"]).stdout) as { properties: { target: { properties: Record<string, unknown> } } };
    expect(f.properties.target.properties).toHaveProperty("file");
  });

  it("Ctrl-C during simulate stops between chunks of particles and exits 130", async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      [CLI, "simulate", "--particles", "3000000", "--layers", "200", "--threads", "1", "--no-png", "--out", "s"],
      { cwd: dir },
    );
    let stderr = "";
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on("data", (b: Buffer) => {
        stderr += b.toString();
        if (!sent && stderr.includes("simulate ")) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("interrupted");
    expect(existsSync(join(dir, "s", "data", "final.csv"))).toBe(false);
  });
});
