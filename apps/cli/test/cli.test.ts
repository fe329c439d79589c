import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { listExperiments } from "@kinetic-nde/experiments";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, buildCli, run, spawn, tmp } from "./helpers.js";

beforeAll(() => buildCli());

describe("general", () => {
  it("--help lists the commands, examples and exit codes", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["reproduce", "simulate", "solve", "moments", "train", "fit", "dataset", "list", "schema"])
      expect(r.stdout).toContain(c);
    expect(r.stdout).toContain("Exit codes:");
    expect(r.stdout).toContain("130");
  });

  it("an unknown flag is a usage error (exit 2) naming the flag", () => {
    const r = run(["reproduce", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it("an unknown command is a usage error", () => {
    const r = run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command");
  });
});

describe("list and schema", () => {
  it("list experiments prints the catalogue", () => {
    const r = run(["list", "experiments"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("moments-linear");
  });
  it("list activations --json is JSON with the built-ins", () => {
    const r = run(["list", "activations", "--json"]);
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(["identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"]));
  });
  it("list with a bad argument exits 2", () => {
    const r = run(["list", "cats"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`what` must be one of");
  });
  it("schema prints a JSON Schema with defaults", () => {
    const r = run(["schema", "moments"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { properties: Record<string, { default?: unknown }> };
    expect(s.properties["w"]!.default).toBe(-1);
    const e = run(["schema", "experiment:moments-linear"]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).properties.particles.default).toBe(100000);
  });
});

describe("moments", () => {
  it("writes data, figures and config; exact variance e^{2wT} Var0", () => {
    const dir = tmp();
    const r = run(["moments", "--w", "-1", "--b", "1", "--T", "2", "--out", "m"], dir);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(dir, "m", "data", "moments.csv"), "utf8")
      .trim()
      .split("\n");
    const header = csv[0]!.split(",");
    const last = csv[csv.length - 1]!.split(",").map(Number);
    const v = last[header.indexOf("variance")]!;
    expect(Math.abs(v - 0.25 * Math.exp(-4))).toBeLessThan(1e-12);
    expect(existsSync(join(dir, "m", "figures", "moments.svg"))).toBe(true);
    expect(existsSync(join(dir, "m", "figures", "moments.png"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "m", "config.json"), "utf8")).config.w).toBe(-1);
  });

  it("reads a YAML config; flags override it", () => {
    const dir = tmp();
    writeFileSync(join(dir, "c.yaml"), "w: -2\nb: 0.5\nT: 1\n");
    const r = run(["moments", "--config", "c.yaml", "--b", "0", "--out", "o"], dir);
    expect(r.code, r.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, "o", "config.json"), "utf8")).config;
    expect(cfg).toMatchObject({ w: -2, b: 0, T: 1 });
  });

  it("an invalid config field names the path, rule and value (exit 2)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "c.json"), JSON.stringify({ T: -1, order: 3.5 }));
    const r = run(["moments", "--config", "c.json", "--out", "o"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`config.T` must be a number > 0; got -1");
    expect(r.stderr).toContain("`config.order` must be an integer; got 3.5");
  });

  it("a missing config file is an I/O error (exit 3)", () => {
    const r = run(["moments", "--config", "nope.yaml"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('config file "nope.yaml" does not exist');
  });

  it("refuses a non-empty output directory without --force (exit 2); --force never replaces a directory kinetic-nde did not write", () => {
    const dir = tmp();
    mkdirSync(join(dir, "o"));
    writeFileSync(join(dir, "o", "keep.txt"), "x");
    const r = run(["moments", "--out", "o"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exists and is not empty; use --force");
    const f = run(["moments", "--out", "o", "--force"], dir);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("was not written by kinetic-nde");
    expect(readdirSync(join(dir, "o"))).toEqual(["keep.txt"]);
  });
});

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function filesUnder(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

describe("simulate", () => {
  it("deterministic ResNet: writes particles, moments and figures", () => {
    const dir = tmp();
    const r = run(
      ["simulate", "--sigma", "tanh", "--w", "-1", "--b", "0.5", "--T", "2", "--layers", "20", "--particles", "2000", "--out", "s"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = readJson(join(dir, "s", "summary.json")).summary as Record<string, unknown>;
    expect(summary["status"]).toBe("success");
    expect(summary["method"]).toBe("euler");
    expect(
      readFileSync(join(dir, "s", "data", "final.csv"), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(2001);
    expect(existsSync(join(dir, "s", "figures", "histogram.png"))).toBe(true);
  });

  it("stochastic ResNet: same seed gives byte-identical data files, another seed does not", () => {
    const dir = tmp();
    const args = [
      "simulate",
      "--sigma",
      "identity",
      "--w",
      "-1",
      "--b",
      "0",
      "--K",
      "0.5",
      "--T",
      "1",
      "--layers",
      "50",
      "--particles",
      "500",
    ];
    expect(run([...args, "--seed", "7", "--out", "a"], dir).code).toBe(0);
    expect(run([...args, "--seed", "7", "--out", "b"], dir).code).toBe(0);
    expect(run([...args, "--seed", "8", "--out", "c"], dir).code).toBe(0);
    const files = filesUnder(join(dir, "a")).filter((f) => !f.endsWith(".png"));
    expect(files).toContain("data/final.csv");
    for (const f of files) expect(readFileSync(join(dir, "b", f)), f).toEqual(readFileSync(join(dir, "a", f)));
    expect(readFileSync(join(dir, "c", "data", "final.csv"))).not.toEqual(readFileSync(join(dir, "a", "data", "final.csv")));
  });

  it("--threads: worker threads give the same files bit for bit (ODE and SDE); a bad count is a usage error", () => {
    const dir = tmp();
    for (const [name, extra] of [
      ["ode", []],
      ["sde", ["--K", "0.3"]],
    ] as const) {
      const args = [
        "simulate",
        "--sigma",
        "tanh",
        "--w",
        "-1",
        "--b",
        "0.5",
        "--T",
        "1",
        "--layers",
        "10",
        "--particles",
        "9000",
        "--no-png",
        ...extra,
      ];
      expect(run([...args, "--threads", "1", "--out", `${name}1`], dir).code).toBe(0);
      expect(run([...args, "--threads", "3", "--out", `${name}3`], dir).code).toBe(0);
      for (const f of ["data/final.csv", "data/moments.csv"])
        expect(readFileSync(join(dir, `${name}3`, f)), f).toEqual(readFileSync(join(dir, `${name}1`, f)));
    }
    const bad = run(["simulate", "--threads", "0", "--out", "x"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("`--threads` must be an integer");
  });

  it("a blow-up ends with solver status non-finite and exit 1", () => {
    const dir = tmp();
    const r = run(
      ["simulate", "--sigma", "identity", "--w", "1", "--b", "0", "--T", "1000", "--layers", "1000", "--particles", "10", "--out", "x"],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("non-finite");
  });

  it("an SDE method without noise is a usage error", () => {
    const r = run(["simulate", "--method", "milstein", "--out", "x"], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`--method` must be an ODE method");
  });
});

describe("solve", () => {
  it("vlasov: conserves mass with zero-flux walls", () => {
    const dir = tmp();
    const r = run(["solve", "vlasov", "--sigma", "tanh", "--w", "-1", "--b", "0.5", "--T", "2", "--out", "v"], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "v", "summary.json")).summary as Record<string, number>;
    expect(Math.abs(s["mass_final"]! - s["mass_initial"]!)).toBeLessThan(1e-12);
    expect(existsSync(join(dir, "v", "data", "density.field.csv"))).toBe(true);
    expect(existsSync(join(dir, "v", "figures", "heatmap.svg"))).toBe(true);
  });

  it("vlasov-2d: conserves mass with zero-flux walls and writes the density heatmaps and marginals", () => {
    const dir = tmp();
    const r = run(
      [
        "solve",
        "vlasov-2d",
        "--sigma",
        "tanh",
        "--w",
        "-1",
        "--spin",
        "1",
        "--b",
        "0.5",
        "--T",
        "1",
        "--cells",
        "48",
        "--no-png",
        "--quiet",
        "--out",
        "v",
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "v", "summary.json")).summary as Record<string, number>;
    expect(s["status"]).toBe("success");
    expect(s["cells"]).toBe(48);
    expect(Math.abs(s["mass_final"]! - s["mass_initial"]!)).toBeLessThan(1e-12);
    expect(existsSync(join(dir, "v", "data", "f_0.field.csv"))).toBe(true);
    expect(existsSync(join(dir, "v", "data", "marginal_x.csv"))).toBe(true);
    expect(existsSync(join(dir, "v", "figures", "density-4.svg"))).toBe(true);
  });

  it("vlasov-2d: a grid beyond 1 GiB is refused before any work (exit 4), naming --cells", () => {
    const r = run(["solve", "vlasov-2d", "--cells", "5000", "--out", "x"], tmp());
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("`--cells` = 5000");
  });

  it("fokker-planck: relaxes to the discrete steady state (Ornstein–Uhlenbeck)", () => {
    const dir = tmp();
    const r = run(
      ["solve", "fokker-planck", "--sigma", "identity", "--w", "-1", "--b", "0", "--D", "0.125", "--T", "8", "--out", "f"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "f", "summary.json")).summary as Record<string, number>;
    expect(s["l1_to_steady_state"]).toBeLessThan(1e-2);
  });

  it("a grid with xMax ≤ xMin names the field (exit 2)", () => {
    const r = run(["solve", "vlasov", "--x-min", "1", "--x-max", "0", "--n", "10", "--out", "x"], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`--x-max`");
  });
});

describe("train, fit, dataset", () => {
  it("dataset generate → inspect → convert round trip", () => {
    const dir = tmp();
    const g = run(["dataset", "generate", "moons", "--param", "nSamples=120", "--param", "noise=0.1", "--seed", "3", "--out", "d"], dir);
    expect(g.code, g.stderr).toBe(0);
    const i = run(["dataset", "inspect", "d/moons.csv", "--json"], dir);
    expect(i.code, i.stderr).toBe(0);
    const info = JSON.parse(i.stdout) as { rows: number; d: number; classes: Record<string, number> };
    expect(info).toMatchObject({ rows: 120, d: 2, classes: { "0": 60, "1": 60 } });
    expect(run(["dataset", "convert", "d/moons.csv", "m.json"], dir).code).toBe(0);
    const again = run(["dataset", "convert", "d/moons.csv", "m.json"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists; use --force");
    const j = JSON.parse(run(["dataset", "inspect", "m.json", "--json"], dir).stdout) as { rows: number };
    expect(j.rows).toBe(120);
  });

  it("dataset inspect of a missing file is an I/O error (exit 3)", () => {
    const r = run(["dataset", "inspect", "nothing.csv"], tmp());
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("does not exist");
  });

  it("train on moons writes model.json and reaches a good test accuracy", () => {
    const dir = tmp();
    const r = run(["train", "--dataset", "moons", "--param", "nSamples=300", "--param", "noise=0.1", "--epochs", "150", "--out", "t"], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "t", "summary.json")).summary as Record<string, number>;
    expect(s["test_accuracy"]).toBeGreaterThan(0.9);
    expect((readJson(join(dir, "t", "model.json")) as { schemaVersion?: unknown }).schemaVersion).toBeDefined();
  });

  it("train --level density trains on the class densities; --help states the levels", () => {
    const dir = tmp();
    const args = ["train", "--dataset", "two-gaussians-1d", "--param", "nSamples=300", "--level", "density", "--cells", "200"];
    const r = run([...args, "--layers", "3", "--epochs", "40", "--out", "t"], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "t", "summary.json")).summary as Record<string, number | string>;
    expect(s["level"]).toBe("density");
    expect(s["status"]).toBe("success");
    expect(s["test_accuracy"]).toBeGreaterThan(0.9); // Bayes accuracy of N(∓1, 0.5²): Φ(2) ≈ 0.977
    expect((readJson(join(dir, "t", "model.json")) as { scheme?: string }).scheme).toBe("rk4");
    // 2-D data on a 2-D grid, and 1-D data carried in 2-D (augment 1)
    const m = run(
      [
        "train",
        "--dataset",
        "moons",
        "--param",
        "nSamples=300",
        "--param",
        "noise=0.1",
        "--level",
        "density",
        "--cells2d",
        "40",
        "--layers",
        "4",
        "--epochs",
        "40",
        "--out",
        "m",
        "--no-png",
      ],
      dir,
    );
    expect(m.code, m.stderr).toBe(0);
    const sm = readJson(join(dir, "m", "summary.json")).summary as Record<string, number | string>;
    expect([sm["status"], sm["state_dimension"], sm["cells"]]).toEqual(["success", 2, 1600]);
    expect(sm["test_accuracy"]).toBeGreaterThan(0.8); // a linear separator of the moons reaches ≈ 0.85
    const a = run([...args, "--augment", "1", "--cells2d", "21", "--layers", "3", "--epochs", "40", "--out", "a", "--no-png"], dir);
    expect(a.code, a.stderr).toBe(0);
    const sa = readJson(join(dir, "a", "summary.json")).summary as Record<string, number | string>;
    expect([sa["status"], sa["state_dimension"]]).toEqual(["success", 2]);
    expect(sa["test_accuracy"]).toBeGreaterThan(0.9);
    expect(readJson(join(dir, "a", "model.json"))).toMatchObject({ augment: 1, d: 2 });
    const h = run(["train", "--help"]);
    expect(h.stdout).toContain("--level <name>");
    expect(h.stdout).toMatch(/particles \(default/);
  });

  it("train --level density regresses 1-D data through the joint density of (x, y), also augmented", () => {
    const dir = tmp();
    const args = ["train", "--dataset", "regression-1d", "--param", "nSamples=200", "--param", "fn=tanh", "--param", "xRange=[-1,1]"];
    const common = ["--level", "density", "--layers", "3", "--epochs", "60", "--learning-rate", "0.1", "--no-png"];
    const r = run([...args, ...common, "--out", "r"], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = readJson(join(dir, "r", "summary.json")).summary as Record<string, number | string>;
    expect([s["level"], s["status"], s["state_dimension"]]).toEqual(["density", "success", 1]);
    // the targets tanh(2x) on [-1, 1] have variance ≈ 0.5; a trained flow's error is a small fraction of it
    expect(s["train_mse"]).toBeLessThan(0.05);
    expect(readJson(join(dir, "r", "model.json"))).not.toHaveProperty("readout");
    const a = run([...args, ...common, "--augment", "1", "--cells", "120", "--cells2d", "21", "--epochs", "10", "--out", "a"], dir);
    expect(a.code, a.stderr).toBe(0);
    const sa = readJson(join(dir, "a", "summary.json")).summary as Record<string, number | string>;
    expect([sa["status"], sa["state_dimension"]]).toEqual(["success", 2]);
    const bad = run([...args, "--level", "density", "--loss", "logistic", "--epochs", "1", "--out", "b"], dir);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain("`--loss`");
  });

  it("train --level: bad values and combinations are usage errors naming the flag", () => {
    const dir = tmp();
    const cases: [string[], string][] = [
      [["--level", "bogus"], "--level"],
      [["--dataset", "moons", "--level", "density", "--cells2d", "4"], "--cells2d"],
      [["--dataset", "two-gaussians-1d", "--level", "density", "--batch-size", "10"], "--batch-size"],
    ];
    for (const [args, flag] of cases) {
      const r = run(["train", ...args, "--epochs", "1", "--out", "t"], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`\`${flag}\``);
    }
  });

  it("train --augment K pads the samples: x² on [-1, 1] is fitted, the model records K; --help states the default", () => {
    const dir = tmp();
    const args = ["train", "--dataset", "regression-1d", "--param", "nSamples=200", "--param", "fn=quadratic", "--param", "xRange=[-1,1]"];
    const common = ["--layers", "20", "--learning-rate", "0.03", "--epochs", "600", "--test-fraction", "0", "--no-png"];
    const a = run([...args, ...common, "--augment", "1", "--out", "a"], dir);
    expect(a.code, a.stderr).toBe(0);
    const s = readJson(join(dir, "a", "summary.json")).summary as Record<string, number>;
    expect(s["state_dimension"]).toBe(2);
    // a monotone fit of x² on uniform [-1, 1] has a mean squared error ≥ 0.056 (isotonic floor); augmented: far below
    expect(s["train_mse"]).toBeLessThan(0.01);
    expect(readJson(join(dir, "a", "model.json"))).toMatchObject({ schemaVersion: 2, augment: 1, d: 2 });
    const f = run([...args, ...common, "--out", "f"], dir);
    expect(f.code, f.stderr).toBe(0);
    expect((readJson(join(dir, "f", "summary.json")).summary as Record<string, number>)["train_mse"]).toBeGreaterThan(0.05);
    const h = run(["train", "--help"]);
    expect(h.stdout).toContain("--augment <k>");
    expect(h.stdout).toMatch(/--augment <k>[\s\S]*?non-monotone target[\s\S]*?\(default 0\)/);
    for (const bad of [
      ["--augment", "-1"],
      ["--augment", "1.5"],
      ["--augment", "65"],
      ["--dataset", "two-gaussians-1d", "--level", "density", "--augment", "2"],
      ["--dataset", "moons", "--level", "density", "--augment", "1"],
    ]) {
      const r = run(["train", ...bad, "--epochs", "1", "--out", "t"], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("`--augment`");
    }
  });

  it("fit recovers the closed-form Gaussian parameters", () => {
    const dir = tmp();
    const r = run(["fit", "--target", "gaussian", "--mean", "0.5", "--std", "0.3", "--family", "gaussian", "--out", "f"], dir);
    expect(r.code, r.stderr).toBe(0);
    const f = readJson(join(dir, "f", "fit.json")) as { w: number; b: number; D: number };
    expect(Math.abs(f.b + f.w * 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(f.D - 0.09 * Math.abs(f.w))).toBeLessThan(1e-9);
  });

  it("list schemes shows every solver family", () => {
    const r = run(["list", "schemes"]);
    expect(r.code).toBe(0);
    for (const name of ["rk4", "euler-maruyama", "muscl", "crank-nicolson"]) expect(r.stdout).toContain(name);
  });
});

describe("reproduce", () => {
  it("an unknown experiment is a usage error listing the known ids", () => {
    const r = run(["reproduce", "nope", "--out", "x"], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown experiment "nope"; known: moments-linear');
  });

  it("an invalid override names the field, rule and value", () => {
    const r = run(["reproduce", "moments-linear", "--set", "w=2", "--out", "x"], tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("`config.w` must be a number <= -0.1; got 2");
  });

  it("same seed → byte-identical data files", () => {
    const dir = tmp();
    expect(run(["reproduce", "stochastic-resnet", "--quick", "--seed", "5", "--no-png", "--quiet", "--out", "a"], dir).code).toBe(0);
    expect(run(["reproduce", "stochastic-resnet", "--quick", "--seed", "5", "--no-png", "--quiet", "--out", "b"], dir).code).toBe(0);
    const files = filesUnder(join(dir, "a", "stochastic-resnet"));
    expect(files).toContain("data/moments.csv");
    for (const f of [...files.map((f) => `stochastic-resnet/${f}`), "config.json"])
      expect(readFileSync(join(dir, "b", f)), f).toEqual(readFileSync(join(dir, "a", f)));
  });

  it("--all --quick runs the catalogue, passes every check and writes the report", () => {
    const dir = tmp();
    const r = run(["reproduce", "--all", "--quick", "--out", "r"], dir);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(dir, "r", "report.md"), "utf8");
    const html = readFileSync(join(dir, "r", "report.html"), "utf8");
    const ids = listExperiments().map((e) => e.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(md).toContain(`## ${id}`);
      expect(html).toContain(`id="${id}"`);
      expect(existsSync(join(dir, "r", id, "result.json"))).toBe(true);
    }
    expect(md).toMatch(/checks: \d+ passed, 0 failed/);
    expect(html).toContain("<svg");
    expect(readJson(join(dir, "r", "config.json"))).toMatchObject({ seed: 1, quick: true });
  });

  it("Ctrl-C stops after the current experiment, writes a partial report and exits 130", async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [CLI, "reproduce", "--all", "--quick", "--no-png", "--out", "r"], { cwd: dir });
    let stderr = "";
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on("data", (b: Buffer) => {
        stderr += b.toString();
        if (!sent && stderr.includes(`[1/${listExperiments().length}] moments-linear done`)) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stderr).toContain("interrupt");
    const md = readFileSync(join(dir, "r", "report.md"), "utf8");
    expect(md).toContain("**Interrupted**");
    expect(md).toContain("| convergence | – | not run |");
    expect(existsSync(join(dir, "r", "moments-linear", "result.json"))).toBe(true);
  });
});
