import { isKineticError } from "@kinetic-nde/core";
import { solveVlasov } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { runTool } from "../tools.js";

async function expectCode(p: Promise<unknown>, code: string, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isKineticError(e, code as never), String(e)).toBe(true);
    expect((e as Error).message).toContain(text);
    return;
  }
  expect.unreachable(`expected a ${code} error`);
}

const SMALL = { cells: 40, T: 1, nSave: 3 };

describe("solve-vlasov-2d", () => {
  it("keeps the mass with zero-flux walls to round-off; marginals integrate to it; fields are block averages", async () => {
    const r = await runTool("solve-vlasov-2d", { ...SMALL, sigma: "tanh", w: -1, spin: 1.5, b: 0.3 }, { seed: 1 });
    const s = r.summary as Record<string, number | string>;
    expect(s["status"]).toBe("success");
    expect(s["steps"]).toBeGreaterThan(0);
    expect(s["max_cfl"]).toBeLessThanOrEqual(0.45 + 1e-12);
    expect(Math.abs((s["mass_final"] as number) - (s["mass_initial"] as number))).toBeLessThan(1e-12);
    expect(s["mass_lost"]).toBe(0);
    const dx = ((s["x_max"] as number) - (s["x_min"] as number)) / 40;
    for (const key of ["marginal_x", "marginal_y"]) {
      const t = r.series[key]!;
      expect(t.columns).toHaveLength(1 + 3);
      for (const c of t.columns.slice(1)) {
        let m = 0;
        for (const v of Array.from(t.data[c]!)) m += v * dx;
        expect(Math.abs(m - 1)).toBeLessThan(1e-9);
      }
    }
    expect(Object.keys(r.fields!)).toEqual(["f_0", "f_1", "f_2"]);
    expect(r.fields!["f_2"]!.values).toHaveLength(40 * 40);
    expect(r.figures.map((f) => f.id)).toEqual(["density-0", "density-1", "density-2", "marginal-x", "marginal-y"]);
  });

  it("averages a large grid down to at most 256 × 256 per heatmap, keeping the mass", async () => {
    const r = await runTool("solve-vlasov-2d", { cells: 600, T: 0.05, nSave: 2 }, { seed: 1 });
    const f = r.fields!["f_1"]!;
    expect(f.x.length).toBe(200);
    expect(f.y.length).toBe(200);
    const s = r.summary as Record<string, number>;
    const area = ((s["x_max"]! - s["x_min"]!) / 200) * ((s["y_max"]! - s["y_min"]!) / 200);
    let m = 0;
    for (const v of Array.from(f.values)) m += v * area;
    expect(Math.abs(m - s["mass_final"]!)).toBeLessThan(1e-12);
  });

  it("hands the solve to a grid solver when the run has one, and the caption says f32 on the GPU", async () => {
    const seen: { nx: number; scheme: unknown }[] = [];
    const gridSolver = {
      solveVlasov: (problem: Parameters<typeof solveVlasov>[0], options?: Parameters<typeof solveVlasov>[1]) => {
        seen.push({ nx: (problem.grid as { nx: number }).nx, scheme: options?.scheme });
        return { ...solveVlasov(problem, options), precision: "f32" };
      },
    };
    const cfg = { ...SMALL, scheme: "upwind" };
    const a = await runTool("solve-vlasov-2d", cfg, { seed: 1 });
    const b = await runTool("solve-vlasov-2d", cfg, { seed: 1, gridSolver });
    expect(seen).toEqual([{ nx: 40, scheme: "upwind" }]);
    expect(b.fields).toEqual(a.fields);
    expect(b.figures[0]!.caption).toContain(", f32 on the GPU.");
    expect(a.figures[0]!.caption).not.toContain("GPU");
  });

  it("refuses a grid beyond 1 GiB before any work, naming `cells` and the largest side", async () => {
    const seen: unknown[] = [];
    const gridSolver = { solveVlasov: (...a: Parameters<typeof solveVlasov>) => (seen.push(a), solveVlasov(...a)) };
    await expectCode(runTool("solve-vlasov-2d", { cells: 5000 }, { gridSolver }), "TOO_LARGE", "`cells` = 5000");
    await expectCode(runTool("solve-vlasov-2d", { cells: 5000 }), "TOO_LARGE", "the largest that fits is 2896");
    await expectCode(runTool("solve-vlasov-2d", { cells: 2800, nSave: 101 }), "TOO_LARGE", "`nSave`");
    expect(seen).toEqual([]);
  });

  it("bad inputs are INVALID_ARGUMENT naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ cells: 1 }, "`config.cells`"],
      [{ cells: 10.5 }, "`config.cells`"],
      [{ T: Number.NaN }, "`config.T`"],
      [{ T: -1 }, "`config.T`"],
      [{ w: [1, 2, 3] }, "`config.w`"],
      [{ w: [-1, 0, 0, -1] }, "`config.spin`"],
      [{ w: [-1, 0, 0, -1], spin: 0, b: [1, 2, 3] }, "`config.b`"],
      [{ nSave: 1 }, "`config.nSave`"],
      [{ scheme: "weno" }, "`config.scheme`"],
      [{ initial: { x: { kind: "uniform", low: 1, high: 0 } } }, "`config.initial.x.high`"],
      [{ sigma: "sin" }, "`config.sigma`"],
      [{ grid: { xMin: 0, xMax: 1, n: 4 } }, "config"],
    ];
    for (const [cfg, name] of cases) await expectCode(runTool("solve-vlasov-2d", cfg), "INVALID_ARGUMENT", name);
  });

  it("a list of W and b per layer runs the layered network", async () => {
    const r = await runTool(
      "solve-vlasov-2d",
      { ...SMALL, w: [-1, 0.5, -0.5, -1, -0.5, 1, -1, -0.5], spin: 0, b: [0.2, 0, 0, 0.1] },
      { seed: 1 },
    );
    expect(r.summary["status"]).toBe("success");
    expect(Math.abs((r.summary["mass_final"] as number) - (r.summary["mass_initial"] as number))).toBeLessThan(1e-12);
    // One constant layer of either is repeated to the other's count; two different counts name `b`.
    const c = await runTool("solve-vlasov-2d", { ...SMALL, w: [-1, 0.5, -0.5, -1, -0.5, 1, -1, -0.5], spin: 0, b: [0.2, 0] }, { seed: 1 });
    expect(c.summary["steps"]).toBeGreaterThan(0);
    await expectCode(
      runTool("solve-vlasov-2d", { ...SMALL, w: [-1, 0, 0, -1, -1, 0, 0, -1], spin: 0, b: [1, 2, 3, 4, 5, 6] }),
      "SHAPE_MISMATCH",
      "`b`",
    );
  });
});
