import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeNpy, parseCsvWithInfo } from "@kinetic-nde/datasets";
import { buildCli, run, tmp } from "./helpers.js";

beforeAll(() => buildCli());

/** One message, no stack trace, no raw library error dump. */
function expectCleanError(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain("ZodError");
  expect(stderr).not.toContain('"code":');
}

describe("no stack traces for user input: every error is one clear message with its exit code", () => {
  it("zod errors name the user's flag and value (dataset generate --format xml → 2)", () => {
    const r = run(["dataset", "generate", "moons", "--format", "xml", "--out", "d"]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain('`--format` must be one of "csv", "json"; got "xml"');
  });

  it("a size that cannot be allocated is too large (exit 4) and names the flag", () => {
    const r = run(["dataset", "generate", "moons", "--param", "nSamples=1e12", "--out", "d"]);
    expect(r.code).toBe(4);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain("too large");
    expect(r.stderr).toContain("--param nSamples=1000000000000");
  });

  it("a union field (--w NaN) says what it must be, naming --w", () => {
    const r = run(["moments", "--w", "NaN", "--out", "m"]);
    expect(r.code).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain('`--w` must be a number or a list (JSON array); got "NaN"');
    expect(r.stderr).not.toContain("Invalid input");
  });

  it("an error about a derived quantity says which flags led to it (--D 1e300)", () => {
    const r = run(["solve", "fokker-planck", "--D", "1e300", "--out", "f"]);
    expect([2, 4]).toContain(r.code);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain("--D 1e300");
  });

  it("`help bogus` says the command is unknown (exit 2); `help <command>` still works", () => {
    const r = run(["help", "bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'bogus'");
    const nested = run(["help", "solve", "bogus"]);
    expect(nested.code).toBe(2);
    const ok = run(["help", "moments"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("Usage: kinetic-nde moments");
  });

  it("a reproduce config entry for an unknown experiment is an error, not ignored", () => {
    const dir = tmp();
    writeFileSync(join(dir, "c.yaml"), "moments-linear: { b: 0.5 }\nmoments-linaer: { b: 1 }\n");
    const r = run(["reproduce", "moments-linear", "--config", "c.yaml", "--out", "r"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("key `moments-linaer` must be an experiment id");
    expect(readdirSync(dir)).toEqual(["c.yaml"]);
  });

  it("--help documents exit code 4 and 130 for SIGINT/SIGTERM", () => {
    const r = run(["--help"]);
    expect(r.stdout).toMatch(/\n {2}4 +too large/);
    expect(r.stdout).toMatch(/\n {2}130 +interrupted \(Ctrl-C \/ SIGINT or SIGTERM\)/);
  });
});

describe("--help shows every option's default, once", () => {
  const commands = [
    ["reproduce"],
    ["simulate"],
    ["solve", "vlasov"],
    ["solve", "vlasov-2d"],
    ["solve", "fokker-planck"],
    ["moments"],
    ["train"],
    ["fit"],
    ["dataset", "generate"],
    ["dataset", "inspect"],
    ["dataset", "convert"],
    ["list"],
  ];
  it.each(commands.map((c) => [c.join(" "), c]))("%s --help", (_name, cmd) => {
    const r = run([...(cmd as string[]), "--help"]);
    expect(r.code).toBe(0);
    const section = r.stdout.split("Options:\n")[1]!.split("\n\n")[0]!;
    const options: string[] = [];
    for (const line of section.split("\n")) {
      if (/^ {2}-/.test(line)) options.push(line);
      else options[options.length - 1] += " " + line.trim();
    }
    for (const o of options) {
      if (/^\s+-h, --help/.test(o)) continue;
      expect((o.match(/\(default/g) ?? []).length, o).toBe(1);
    }
  });

  it("defaults come from the command's schema (simulate --particles 10000, --sigma tanh)", () => {
    const r = run(["simulate", "--help"]);
    expect(r.stdout).toMatch(/--particles <M>\s+number of particles \(default: 10000\)/);
    expect(r.stdout).toMatch(/--sigma <name>[\s\S]*?\(default: "tanh"\)/);
  });
});

describe("output folders never collide and nothing is overwritten without --force", () => {
  it("running the same command twice without --out writes out/<name> and out/<name>-2", () => {
    const dir = tmp();
    const args = ["simulate", "--particles", "50", "--layers", "4", "--no-png", "--threads", "1"];
    const a = run(args, dir);
    expect(a.code, a.stderr).toBe(0);
    const b = run(args, dir);
    expect(b.code, b.stderr).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["simulate-tanh", "simulate-tanh-2"]);
    expect(b.stdout).toContain(join("out", "simulate-tanh-2"));
  });

  it('the README\'s data set examples run in order, twice, without stopping on "exists"', () => {
    const dir = tmp();
    for (const k of [1, 2]) {
      const g = run(["dataset", "generate", "moons", "--param", "nSamples=40", "--seed", "3", "--no-png"], dir);
      expect(g.code, `${k}: ${g.stderr}`).toBe(0);
    }
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["dataset-moons", "dataset-moons-2"]);
    expect(run(["dataset", "inspect", "out/dataset-moons/moons.csv"], dir).code).toBe(0);
    expect(run(["dataset", "convert", "out/dataset-moons/moons.csv", "moons.json"], dir).code).toBe(0);
    expect(readFileSync(join(dir, "out", "dataset-moons", "moons.csv"))).toEqual(
      readFileSync(join(dir, "out", "dataset-moons-2", "moons.csv")),
    );
  });

  it("--force replaces the previous results as one unit (no stale file, no temporary left)", () => {
    const dir = tmp();
    expect(
      run(["simulate", "--d", "2", "--w", "-1", "--b", "0", "--particles", "20", "--layers", "2", "--no-png", "--out", "s"], dir).code,
    ).toBe(0);
    expect(readdirSync(join(dir, "s", "data"))).toContain("particles.csv"); // written for d = 2 only
    const r = run(["simulate", "--particles", "20", "--layers", "2", "--no-png", "--out", "s", "--force"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`output: ${join(dir, "s")}`);
    expect(readdirSync(join(dir, "s", "data"))).not.toContain("particles.csv");
    expect(readdirSync(dir)).toEqual(["s"]);
  });
});

describe("data in: no row is ever lost", () => {
  // 500 particles as numpy.savetxt writes them (no header, "%.18e", space-separated)
  const xs = Array.from({ length: 500 }, (_, i) => (i - 250) / 100);
  const savetxt = xs.map((x) => x.toExponential(18).replace(/e([+-])(\d)$/, "e$10$2")).join("\n") + "\n";
  // the same as pandas.DataFrame({"x": xs}).to_csv() writes it (index column with an empty name)
  const pandas = ",x\n" + xs.map((x, i) => `${i},${x}`).join("\n") + "\n";

  it("simulate --input of a headerless numpy.savetxt file uses all 500 particles", () => {
    const dir = tmp();
    writeFileSync(join(dir, "p.txt"), savetxt);
    const r = run(["simulate", "--input", "p.txt", "--layers", "2", "--no-png", "--out", "s"], dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, "s", "summary.json"), "utf8")).summary as Record<string, number>;
    expect(summary["particles"]).toBe(500);
  });

  it("dataset inspect reads every row of numpy and pandas files", () => {
    const dir = tmp();
    writeFileSync(join(dir, "np.csv"), savetxt);
    writeFileSync(join(dir, "pd.csv"), pandas);
    for (const f of ["np.csv", "pd.csv"]) {
      const r = run(["dataset", "inspect", f, "--json"], dir);
      expect(r.code, r.stderr).toBe(0);
      const info = JSON.parse(r.stdout) as { rows: number; d: number };
      expect(info, f).toMatchObject({ rows: 500, d: 1 });
    }
  });
});

describe("data out: NumPy-readable .npy beside every CSV", () => {
  it("simulate: data/final.npy holds the particles of data/final.csv, shape (M, d)", () => {
    const dir = tmp();
    const r = run(
      [
        "simulate",
        "--d",
        "2",
        "--w",
        "[-1,0.5,-0.5,-1]",
        "--b",
        "[0.1,0]",
        "--particles",
        "300",
        "--layers",
        "3",
        "--no-png",
        "--out",
        "s",
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const npy = decodeNpy(new Uint8Array(readFileSync(join(dir, "s", "data", "final.npy"))));
    const csv = parseCsvWithInfo(readFileSync(join(dir, "s", "data", "final.csv"), "utf8"));
    expect(npy.shape).toEqual([300, 2]);
    expect(csv.info.rows).toBe(300);
    expect(Array.from(npy.data)).toEqual(Array.from(csv.dataset.x));
    const npy0 = decodeNpy(new Uint8Array(readFileSync(join(dir, "s", "data", "initial.npy"))));
    const csv0 = parseCsvWithInfo(readFileSync(join(dir, "s", "data", "initial.csv"), "utf8"));
    expect(npy0.shape).toEqual([300, 2]);
    expect(Array.from(npy0.data)).toEqual(Array.from(csv0.dataset.x));
    expect(Array.from(npy0.data)).not.toEqual(Array.from(npy.data));
  });

  it("solve vlasov: the density field as (ny, nx) .npy with its axes", () => {
    const dir = tmp();
    const r = run(["solve", "vlasov", "--T", "0.5", "--no-png", "--out", "v"], dir);
    expect(r.code, r.stderr).toBe(0);
    const load = (f: string) => decodeNpy(new Uint8Array(readFileSync(join(dir, "v", "data", f))));
    const values = load("density.field.npy"),
      x = load("density.field-x.npy"),
      y = load("density.field-y.npy");
    expect(values.shape).toEqual([y.data.length, x.data.length]);
    const rows = readFileSync(join(dir, "v", "data", "density.field.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
    expect(rows).toHaveLength(values.data.length);
    rows.forEach(([xv, yv, v], k) => {
      const ix = k % x.data.length,
        iy = Math.floor(k / x.data.length);
      expect([xv, yv, v]).toEqual([x.data[ix], y.data[iy], values.data[k]]);
    });
  });
});
