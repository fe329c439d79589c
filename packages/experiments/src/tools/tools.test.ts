import { createNamedRng, createRng, deriveSeed, isKineticError, solveSde, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { solveFokkerPlanck } from "@kinetic-nde/fokker-planck";
import { solveVlasov } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { toPlainJson } from "../serialize.js";
import { getTool, listTools, resolveToolConfig, runTool, toolConfigSchemas, TOOLS } from "../tools.js";

async function expectCode(p: Promise<unknown>, code: string, text?: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    expect(isKineticError(e, code as never), String(e)).toBe(true);
    if (text !== undefined) expect((e as Error).message).toContain(text);
    return e;
  }
  expect.unreachable(`expected a ${code} error`);
  return undefined;
}

describe("tool registry", () => {
  it("lists every tool with a schema whose defaults parse, and JSON Schemas with defaults", () => {
    expect(listTools().map((t) => t.id)).toEqual([
      "simulate",
      "solve-vlasov",
      "solve-vlasov-2d",
      "solve-fokker-planck",
      "moments",
      "fit",
      "train",
    ]);
    const schemas = toolConfigSchemas();
    for (const t of TOOLS) {
      expect(() => t.schema.parse({})).not.toThrow();
      expect(schemas[t.id]).toHaveProperty("properties");
    }
    expect((schemas["moments"]!["properties"] as Record<string, { default?: unknown }>)["w"]!.default).toBe(-1);
  });

  it("unknown tools are NOT_FOUND; unknown or invalid fields are INVALID_ARGUMENT naming the path", async () => {
    expect(() => getTool("nope")).toThrow(/unknown tool "nope"; known: simulate/);
    await expectCode(runTool("moments", { bogus: 1 }), "INVALID_ARGUMENT", "config");
    await expectCode(runTool("moments", { T: -1 }), "INVALID_ARGUMENT", "`config.T` must be a number > 0; got -1");
    await expectCode(runTool("solve-vlasov", { grid: { xMin: 1, xMax: 0, n: 10 } }), "INVALID_ARGUMENT", "`config.grid.xMax`");
    expect(resolveToolConfig("simulate", {}, true)["particles"]).toBe(4000);
  });

  it("every tool honours an aborted signal before any work", async () => {
    for (const t of TOOLS) {
      const c = new AbortController();
      c.abort();
      await expect(runTool(t.id, {}, { signal: c.signal })).rejects.toMatchObject({ name: "AbortError" });
    }
  });
});

describe("simulate", () => {
  it("σ = id: the particle mean and variance follow the exact linear flow", async () => {
    const w = -1,
      b = 0.5,
      T = 2;
    const x0 = createRng(3).normalInto(new Float64Array(1000));
    let m0 = 0;
    for (const v of x0) m0 += v;
    m0 /= x0.length;
    let v0 = 0;
    for (const v of x0) v0 += (v - m0) ** 2;
    v0 /= x0.length;
    const r = await runTool("simulate", { sigma: "identity", w, b, T, layers: 20, method: "rk4", stepsPerLayer: 8, nSave: 11, x0 });
    expect(r.summary["status"]).toBe("success");
    const mom = r.series["moments"]!.data;
    const t = Array.from(mom["t"]!);
    const xs = -b / w;
    expectAllClose(
      mom["mean"]!,
      t.map((s) => Math.exp(w * s) * (m0 - xs) + xs),
      { rtol: 1e-7, atol: 1e-9 },
    );
    expectAllClose(
      mom["variance"]!,
      t.map((s) => Math.exp(2 * w * s) * v0),
      { rtol: 1e-7, atol: 1e-12 },
    );
    // The ensembles are bulk data: typed arrays, never in the JSON of the result.
    expect(r.ensembles!["final"]!.x).toBeInstanceOf(Float64Array);
    expect(r.ensembles!["final"]!.x.length).toBe(1000);
    expect(JSON.stringify(toPlainJson(r))).not.toContain("ensembles");
    expect(r.config["x0"]).toBeUndefined();
    expect(r.config["particles"]).toBe(1000);
  });

  it("named streams: particle 0's first Brownian increment is not the first initial draw; reproducible from the seed", async () => {
    const seed = 5;
    const cfg = { sigma: "identity", w: 0, b: 0, K: 1, T: 1, layers: 1, particles: 3, nSave: 2 };
    const r = await runTool("simulate", cfg, { seed });
    const x0 = r.ensembles!["initial"]!.x,
      xT = r.ensembles!["final"]!.x;
    // Zero drift and h = 1: x_T = x_0 + K √h ξ, so ξ = x_T - x_0 is the first increment of particle 0.
    const increment = xT[0]! - x0[0]!;
    expect(x0[0]).toBe(createNamedRng(seed, "initial").normal());
    expect(increment).not.toBe(x0[0]);
    expectAllClose(increment, createRng(deriveSeed(seed, "noise"), 0).normal(), { rtol: 1e-14, atol: 1e-14 });
    const again = await runTool("simulate", cfg, { seed });
    expect(Array.from(again.ensembles!["final"]!.x)).toEqual(Array.from(xT));
    const other = await runTool("simulate", cfg, { seed: seed + 1 });
    expect(Array.from(other.ensembles!["final"]!.x)).not.toEqual(Array.from(xT));
  });

  it("chunked SDE runs equal one solve of the whole ensemble; progress is reported per chunk", async () => {
    const M = 40_000;
    const fractions: number[] = [];
    const r = await runTool(
      "simulate",
      { sigma: "tanh", w: -1, b: 0.5, K: 0.3, T: 1, layers: 4, particles: M, nSave: 3 },
      { seed: 2, onProgress: (p) => fractions.push(p.fraction) },
    );
    expect(fractions.filter((f) => f > 0 && f < 1).length).toBeGreaterThanOrEqual(2);
    const x0 = r.ensembles!["initial"]!.x;
    const params = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1, nLayers: 4, K: 0.3 });
    const whole = solveSde(params, x0, { seed: deriveSeed(2, "noise") });
    expect(r.ensembles!["final"]!.x).toEqual(whole.x);
  });

  it("a worker pool as particle solver gives the same numbers across chunks (ODE and SDE)", async () => {
    const { createWorkerPool } = await import("@kinetic-nde/core/node");
    const pool = createWorkerPool({ threads: 2 });
    try {
      for (const K of [0, 0.4]) {
        const cfg = { particles: 40_000, layers: 3, K, nSave: 3 };
        const a = await runTool("simulate", cfg, { seed: 3 });
        const b = await runTool("simulate", cfg, { seed: 3, particleSolver: pool });
        expect(b.ensembles!["final"]!.x).toEqual(a.ensembles!["final"]!.x);
        expect(b.series["moments"]!.data["variance"]).toEqual(a.series["moments"]!.data["variance"]);
      }
    } finally {
      await pool.close();
    }
  });

  it("refuses sizes that cannot fit before any work, naming the field and the largest that fits", async () => {
    let progressed = false;
    const e = (await expectCode(
      runTool("simulate", { d: 2, particles: 50_000_000 }, { onProgress: () => (progressed = true) }),
      "TOO_LARGE",
      "`particles`",
    )) as { details: { largest: number } };
    expect(e.details.largest).toBe(Math.floor(2 ** 30 / 48));
    expect(progressed).toBe(false);
    await expectCode(runTool("simulate", { particles: 1_000_000, method: "dopri5", nSave: 10_001 }), "TOO_LARGE", "`nSave`");
    await expectCode(runTool("simulate", { particles: 60_000_000 }), "INVALID_ARGUMENT", "`config.particles`");
  });

  it("aborts between chunks", async () => {
    const c = new AbortController();
    const run = runTool(
      "simulate",
      { particles: 60_000, layers: 2, nSave: 2 },
      {
        signal: c.signal,
        onProgress: (p) => {
          if (p.message.startsWith("particles")) c.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an SDE method without noise is INVALID_ARGUMENT naming config.method", async () => {
    await expectCode(runTool("simulate", { method: "milstein" }), "INVALID_ARGUMENT", "`config.method` must be an ODE method");
  });

  it("d = 2: moments per coordinate and a scatter sample, no particle table", async () => {
    const r = await runTool("simulate", { d: 2, w: [-1, 0.5, -0.5, -1], b: [0.1, 0], particles: 3000, layers: 5 });
    expect(Object.keys(r.series).sort()).toEqual(["moments", "particles"]);
    expect(r.series["particles"]!.data["x1_T"]!.length).toBeLessThanOrEqual(2000);
    expect(r.ensembles!["final"]!.columns).toEqual(["x1", "x2"]);
    expect(typeof r.summary["variance_2_T"]).toBe("number");
  });
});

describe("solve-vlasov and solve-fokker-planck", () => {
  it("vlasov keeps the mass with zero-flux walls and reports progress", async () => {
    const msgs: string[] = [];
    const r = await runTool("solve-vlasov", { sigma: "tanh", w: -1, b: 0.5, T: 2 }, { onProgress: (p) => msgs.push(p.message) });
    expect(r.summary["status"]).toBe("success");
    expect(Math.abs((r.summary["mass_final"] as number) - (r.summary["mass_initial"] as number))).toBeLessThan(1e-12);
    expect(r.fields!["density"]!.values.length).toBeGreaterThan(0);
    expect(msgs.some((m) => m.startsWith("solving"))).toBe(true);
  });

  it("vlasov hands its solve to a given grid solver (as the docs site's GPU does) with the problem and options it would solve", async () => {
    const seen: unknown[] = [];
    const gridSolver = {
      solveVlasov: async (problem: Parameters<typeof solveVlasov>[0], options?: Parameters<typeof solveVlasov>[1]) => {
        seen.push(options);
        return { ...solveVlasov(problem, options), precision: "f32" };
      },
    };
    const cfg = { sigma: "tanh", w: -1, b: 0.5, T: 2, nSave: 5 };
    const a = await runTool("solve-vlasov", cfg, { seed: 1 });
    const b = await runTool("solve-vlasov", cfg, { seed: 1, gridSolver });
    expect(seen).toHaveLength(1);
    expect(b.series["history"]).toEqual(a.series["history"]);
    expect(b.figures[0]!.caption).toContain("f32 on the GPU");
    expect(a.figures[0]!.caption).not.toContain("GPU");
  });

  it("fokker-planck hands its explicit-Euler solve to a grid solver's solveFokkerPlanck and keeps the implicit ones on the CPU, saying so", async () => {
    const seen: unknown[] = [];
    const gridSolver = {
      solveVlasov,
      solveFokkerPlanck: async (problem: Parameters<typeof solveFokkerPlanck>[0], options?: Parameters<typeof solveFokkerPlanck>[1]) => {
        seen.push(options?.method);
        return { ...solveFokkerPlanck(problem, options), precision: "f32" };
      },
    };
    const cfg = { sigma: "tanh", w: -1, b: 0.5, T: 1, nSave: 5, cells: 120, method: "explicit-euler" };
    const a = await runTool("solve-fokker-planck", cfg, { seed: 1 });
    const b = await runTool("solve-fokker-planck", cfg, { seed: 1, gridSolver });
    expect(seen).toEqual(["explicit-euler"]);
    expect(b.series["history"]).toEqual(a.series["history"]);
    expect(b.figures[0]!.caption).toContain("f32 on the GPU");
    expect(a.figures[0]!.caption).not.toContain("GPU");
    const c = await runTool("solve-fokker-planck", { ...cfg, method: "implicit-euler" }, { seed: 1, gridSolver });
    expect(seen).toHaveLength(1);
    expect(c.figures[0]!.caption).toContain("implicit-euler runs on the CPU (the GPU path has explicit Euler only)");
    // A grid solver without solveFokkerPlanck (Vlasov only) changes nothing.
    const d = await runTool("solve-fokker-planck", cfg, { seed: 1, gridSolver: { solveVlasov } });
    expect(d.figures[0]!.caption).toBe(a.figures[0]!.caption);
  });

  it("vlasov refuses a grid and snapshot count beyond 1 GiB, naming nSave or cells", async () => {
    await expectCode(runTool("solve-vlasov", { grid: { xMin: -5, xMax: 5, n: 1_000_000 }, nSave: 10_001 }), "TOO_LARGE", "`nSave`");
    await expectCode(runTool("solve-vlasov", { cells: 10_000_000 }), "TOO_LARGE", "`cells`");
  });

  it("fokker-planck (Ornstein–Uhlenbeck) relaxes to the discrete steady state and keeps the mass", async () => {
    const r = await runTool("solve-fokker-planck", { sigma: "identity", w: -1, b: 0, D: 0.125, T: 8 });
    expect(r.summary["l1_to_steady_state"]).toBeLessThan(1e-2);
    expectAllClose(r.summary["mass_final"] as number, r.summary["mass_initial"] as number, { rtol: 1e-12 });
    expect(r.series["snapshots"]!.columns).toContain("steady");
  });

  it("aborts between stages", async () => {
    const c = new AbortController();
    await expect(runTool("solve-fokker-planck", {}, { signal: c.signal, onProgress: () => c.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("moments", () => {
  it("mean and variance match the closed forms of the Ornstein–Uhlenbeck flow", async () => {
    const w = -1,
      b = 1,
      D = 0.125,
      m0 = 0.5,
      v0 = 0.25;
    const r = await runTool("moments", { w, b, D, T: 3, mean0: m0, var0: v0, nTimes: 31 });
    const data = r.series["moments"]!.data;
    const t = Array.from(data["t"]!);
    const xs = -b / w;
    expectAllClose(
      data["mean"]!,
      t.map((s) => Math.exp(w * s) * (m0 - xs) + xs),
      { rtol: 1e-12, atol: 1e-13 },
    );
    expectAllClose(
      data["variance"]!,
      t.map((s) => Math.exp(2 * w * s) * v0 + (D / -w) * (1 - Math.exp(2 * w * s))),
      { rtol: 1e-12, atol: 1e-13 },
    );
    expectAllClose(
      data["m0"]!,
      t.map(() => 1),
      { rtol: 1e-13 },
    );
    expect(r.summary["stationary_variance"]).toBe(0.125);
  });
});

describe("fit and train", () => {
  it("fit recovers the closed-form Gaussian parameters and writes fit.json as an artifact", async () => {
    const r = await runTool("fit", { target: { kind: "gaussian", mean: 0.5, std: 0.3 }, family: "gaussian" });
    const f = JSON.parse(r.artifacts!["fit.json"]!) as { w: number; b: number; D: number };
    expect(Math.abs(f.b + f.w * 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(f.D - 0.09 * Math.abs(f.w))).toBeLessThan(1e-9);
    expect(f.w).toBe(r.summary["w"]);
  });

  it("fit on samples takes a Float64Array and keeps it out of the result config", async () => {
    const samples = createRng(1).normalInto(new Float64Array(2000));
    const r = await runTool("fit", { target: { kind: "samples", samples, label: "z" }, family: "identity", loss: "w1" }, { quick: true });
    expect(JSON.stringify(toPlainJson(r))).not.toContain('samples":[');
    expect((r.config["target"] as Record<string, unknown>)["count"]).toBe(2000);
    await expectCode(runTool("fit", { target: { kind: "samples" } }), "INVALID_ARGUMENT", "config.target.samples");
  });

  it("fit at a finite horizon: the layer-wise gradient fit of f(T) from N(0, 1), its layers in fit.json and a series", async () => {
    const cfg = { target: { kind: "gaussian", mean: 1, std: 0.5 }, horizon: 1, family: "layerwise", layers: 2, activation: "softplus" };
    const r = await runTool("fit", cfg, { quick: true });
    const f = JSON.parse(r.artifacts!["fit.json"]!) as {
      method: string;
      horizon: number;
      layers: { w: number[]; b: number[] };
      status: string;
      value: number;
    };
    expect(f).toMatchObject({ method: "gradient", horizon: 1, status: "success" });
    expect(f.layers.w).toHaveLength(2);
    expect(r.summary["layers"]).toBe(2);
    expect(r.series["layers"]).toBeDefined();
    // a Gaussian target reached from a Gaussian by a smooth drift: the fit is close (not exact: softplus is not linear)
    expect(f.value).toBeLessThan(1e-2);
    // a Gaussian target defaults to the identity family at a finite horizon (the closed-form "gaussian" is a steady state)
    const id = await runTool("fit", { target: { kind: "gaussian", mean: 1, std: 0.5 }, horizon: 1 }, { quick: true });
    expect(id.summary["family"]).toBe("identity");
    expect(id.summary["loss_kl"]).toBeLessThan(1e-6);
    await expectCode(runTool("fit", { family: "layerwise" }), "INVALID_ARGUMENT", "config.family");
  });

  it("train on moons reaches a good test accuracy; the model is an artifact; sizes are checked", async () => {
    const r = await runTool("train", { dataset: "moons", datasetParams: { nSamples: 300, noise: 0.1 }, epochs: 150 }, { seed: 1 });
    expect(r.summary["test_accuracy"]).toBeGreaterThan(0.85);
    expect(JSON.parse(r.artifacts!["model.json"]!)).toHaveProperty("schemaVersion");
    await expectCode(runTool("train", { datasetParams: { nSamples: 1e9 } }), "TOO_LARGE", "`datasetParams.nSamples`");
  });

  it("train at the density level: class densities transported by the Vlasov equation; bad combinations name the field", async () => {
    const cfg = { dataset: "two-gaussians-1d", datasetParams: { nSamples: 400 }, level: "density", cells: 200, epochs: 60, layers: 3 };
    const r = await runTool("train", cfg, { seed: 1 });
    expect(r.summary["status"]).toBe("success");
    expect(r.summary["level"]).toBe("density");
    // N(∓1, 0.5²): the Bayes accuracy is Φ(2) ≈ 0.977
    expect(r.summary["test_accuracy"]).toBeGreaterThan(0.9);
    expect(r.summary["final_loss"]).toBeLessThan(r.summary["initial_loss"] as number);
    const model = JSON.parse(r.artifacts!["model.json"]!) as { scheme: string; readout: { nOut: number } };
    expect(model.scheme).toBe("rk4");
    expect(model.readout.nOut).toBe(2);
    // regression at the density level takes 1-D data (the joint density of (x, y)); 2-D regression names `level`
    await expectCode(runTool("train", { dataset: "regression-2d", level: "density", epochs: 1 }), "INVALID_ARGUMENT", "`level`");
    await expectCode(
      runTool("train", { dataset: "regression-1d", level: "density", loss: "logistic", epochs: 1 }),
      "INVALID_ARGUMENT",
      "`loss`",
    );
    await expectCode(runTool("train", { ...cfg, batchSize: 10 }), "INVALID_ARGUMENT", "`batchSize`");
    await expectCode(runTool("train", { ...cfg, loss: "logistic" }), "INVALID_ARGUMENT", "`loss`");
  });

  it("train with augment: x² on [-1, 1] is fitted by the augmented network, not by the 1-D flow; the model records k", async () => {
    const cfg = {
      dataset: "regression-1d",
      datasetParams: { nSamples: 200, fn: "quadratic", xRange: [-1, 1] },
      layers: 20,
      epochs: 600,
      learningRate: 0.03,
      testFraction: 0,
    };
    const flat = await runTool("train", cfg, { seed: 1 });
    const aug = await runTool("train", { ...cfg, augment: 1 }, { seed: 1 });
    expect(aug.summary["state_dimension"]).toBe(2);
    // mean squared error = 2 × the mse loss; a monotone fit of x² on uniform [-1, 1] has at least 2 × 0.028 ≈ 0.056
    expect(flat.summary["train_mse"]).toBeGreaterThan(0.05);
    expect(aug.summary["train_mse"]).toBeLessThan(0.01);
    const model = JSON.parse(aug.artifacts!["model.json"]!) as { schemaVersion: number; augment: number; d: number };
    expect(model).toMatchObject({ schemaVersion: 2, augment: 1, d: 2 });
    await expectCode(runTool("train", { ...cfg, augment: -1 }), "INVALID_ARGUMENT", "augment");
    await expectCode(
      runTool("train", { dataset: "two-gaussians-1d", level: "density", augment: 2, epochs: 1 }),
      "INVALID_ARGUMENT",
      "`augment`",
    );
  });
});
