/**
 * The documented `fit` examples (README and `fit --help`) run with their defaults and end in success:
 * the gradient fit (L-BFGS on the exact steady-state gradient) is the default; Nelder–Mead stays as
 * `--method nelder-mead`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, CLI_DIR, run, tmp } from "./helpers.js";

beforeAll(() => buildCli());

interface FitJson {
  status: string;
  method: string;
  evaluations: number;
  value: number;
  kappa?: number;
  coefficients?: number[];
  horizon?: number;
  layers?: { w: number[]; b: number[]; D?: number[] };
}

const readFit = (dir: string, out: string): FitJson => JSON.parse(readFileSync(join(dir, out, "fit.json"), "utf8")) as FitJson;

describe("documented fit examples succeed with their defaults", () => {
  it("the example lines are the ones documented", () => {
    const help = run(["fit", "--help"]);
    expect(help.code).toBe(0);
    const readme = readFileSync(join(CLI_DIR, "README.md"), "utf8");
    for (const line of [
      "kinetic-nde fit --target beta --alpha 2 --beta 5 --family beta",
      "kinetic-nde fit --target samples --file iris.csv --column petal-length --family bimodal --loss w1",
      "kinetic-nde fit --target samples --file iris.csv --column petal-length --horizon 1 --initial-mean 3.8 --initial-std 1.8 --family layerwise --layers 3",
      "kinetic-nde fit --target samples --file iris.csv --column petal-length --horizon 1 --initial-mean 3.8 --initial-std 1.8 --family bimodal",
    ]) {
      expect(help.stdout).toContain(line);
      expect(readme).toContain(line);
    }
  });

  it("bimodal D(x) fit of the iris petal lengths in W1: exit 0, status success, gradient method", () => {
    const dir = tmp();
    const g = run(["dataset", "generate", "iris", "--out", "d"], dir);
    expect(g.code, g.stderr).toBe(0);
    const args = ["fit", "--target", "samples", "--file", "d/iris.csv", "--column", "petal-length", "--family", "bimodal", "--loss", "w1"];
    const r = run([...args, "--out", "grad"], dir);
    expect(r.code, r.stderr).toBe(0);
    const grad = readFit(dir, "grad");
    expect(grad).toMatchObject({ status: "success", method: "gradient" });
    // Nelder–Mead (still available) reaches the same loss with more evaluations
    const nm = run([...args, "--method", "nelder-mead", "--out", "nm"], dir);
    expect(nm.code, nm.stderr).toBe(0);
    const nmFit = readFit(dir, "nm");
    expect(nmFit.method).toBe("nelder-mead");
    expect(grad.value).toBeLessThanOrEqual(nmFit.value * (1 + 1e-6));
    expect(grad.evaluations).toBeLessThan(nmFit.evaluations);
  });

  it("Beta-type fit: exit 0, status success, κ = |w|/(α+β) = 1/7 to 1e-3", () => {
    const dir = tmp();
    const r = run(["fit", "--target", "beta", "--alpha", "2", "--beta", "5", "--family", "beta", "--out", "b"], dir);
    expect(r.code, r.stderr).toBe(0);
    const f = readFit(dir, "b");
    expect(f.status).toBe("success");
    // the grid's cell averages of the Beta density are matched to O(Δx²) (400 cells), not exactly
    expect(Math.abs(f.kappa! - 1 / 7)).toBeLessThan(1e-3);
  });

  it("finite horizon: layer-wise gradient fit of the iris petal lengths from a Gaussian start; lower loss than Nelder–Mead", () => {
    const dir = tmp();
    const g = run(["dataset", "generate", "iris", "--out", "d"], dir);
    expect(g.code, g.stderr).toBe(0);
    const args = ["fit", "--target", "samples", "--file", "d/iris.csv", "--column", "petal-length", "--horizon", "1"];
    const layer = [...args, "--initial-mean", "3.8", "--initial-std", "1.8", "--family", "layerwise", "--layers", "3"];
    const r = run([...layer, "--out", "grad"], dir);
    expect(r.code, r.stderr).toBe(0);
    const grad = readFit(dir, "grad");
    expect(grad).toMatchObject({ status: "success", method: "gradient", horizon: 1 });
    expect(grad.layers!.w).toHaveLength(3);
    const nm = run([...layer, "--method", "nelder-mead", "--out", "nm"], dir);
    expect(nm.code, nm.stderr).toBe(0);
    expect(grad.value).toBeLessThan(readFit(dir, "nm").value);
    // the layer-wise family is finite-horizon only; a wrong activation is named
    const bad = run(["fit", "--family", "layerwise", "--out", "bad"], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/family/);
    const act = run([...args, "--family", "layerwise", "--activation", "sine", "--out", "act"], dir);
    expect(act.code).not.toBe(0);
    expect(act.stderr).toMatch(/sine/);
  });

  it("finite horizon: the bimodal D(x) family and one D per layer, by gradients; the per-layer D are written", () => {
    const dir = tmp();
    const g = run(["dataset", "generate", "iris", "--out", "d"], dir);
    expect(g.code, g.stderr).toBe(0);
    const args = ["fit", "--target", "samples", "--file", "d/iris.csv", "--column", "petal-length", "--horizon", "1"];
    const start = ["--initial-mean", "3.8", "--initial-std", "1.8"];
    const bim = run([...args, ...start, "--family", "bimodal", "--out", "bim"], dir);
    expect(bim.code, bim.stderr).toBe(0);
    const b = readFit(dir, "bim");
    expect(b).toMatchObject({ status: "success", method: "gradient", horizon: 1 });
    expect(b.coefficients).toHaveLength(8); // d₀ and 7 bumps
    expect(b.evaluations).toBeLessThanOrEqual(1500); // the finite-horizon default budget
    const per = run([...args, ...start, "--family", "layerwise", "--layers", "2", "--diffusion-per-layer", "--out", "per"], dir);
    expect(per.code, per.stderr).toBe(0);
    const p = readFit(dir, "per");
    expect(p.status).toBe("success");
    expect(p.layers!.D).toHaveLength(2);
    for (const D of p.layers!.D!) expect(D).toBeGreaterThan(0);
    const bad = run([...args, "--family", "tanh", "--diffusion-per-layer", "--out", "bad"], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--diffusion-per-layer.*layerwise/);
  });
});
