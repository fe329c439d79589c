import { describe, expect, it } from "vitest";
import { checkFailed } from "../src/index.js";
import { FOKKER_PLANCK_2D, LONG_TIME, exactDm1dw, fokkerPlanck2DCase, longTimeCase } from "../src/catalogue/sensitivity-cases.js";

/** m₁(T) = e^(wT) m₁(0) + (b/w)(e^(wT) - 1) for σ = id. */
const m1 = (w: number, b: number, m10: number, T: number) => Math.exp(w * T) * m10 + (b / w) * Math.expm1(w * T);

describe("sensitivity: long-time case", () => {
  it("∂m₁/∂w of the closed form equals central differences of m₁ and tends to b/w²", () => {
    for (const [w, b, m10] of [
      [-1.2, 0.4, 0.5],
      [-0.3, -0.7, -1],
      [-2, 1, 0],
    ] as const) {
      for (const T of [0.5, 2, 5, 10, 20]) {
        const eps = 1e-5;
        const fd = (m1(w + eps, b, m10, T) - m1(w - eps, b, m10, T)) / (2 * eps);
        // truncation ε²·|∂³m₁/∂w³|/6 ≲ 1e-10 · T³, round-off 1e-16/ε ≈ 1e-11
        expect(Math.abs(exactDm1dw(w, b, m10, T) - fd)).toBeLessThan(1e-9 * Math.max(1, T ** 3));
      }
      expect(exactDm1dw(w, b, m10, 200 / Math.abs(w))).toBeCloseTo(b / (w * w), 12);
    }
  });

  it("on a coarse grid every PDE comparison is reported as under-resolved with the mass fraction, never failed", () => {
    const c = longTimeCase(100, 1);
    expect(c.checks.filter(checkFailed).map((k) => k.message)).toEqual([]);
    const pde = c.checks.filter((k) => k.name.startsWith("long-pde-"));
    expect(pde.map((k) => k.name)).toEqual(LONG_TIME.times.map((T) => `long-pde-T${T}`));
    for (const k of pde) {
      expect(k.status).toBe("not-applicable");
      expect(k.reason).toMatch(/^under-resolved: \d+\.\d % of the mass in the largest cell/);
    }
    // no PDE point is drawn where the grid does not resolve the density
    expect(c.series["long-pde"]!.data["pde"]!.length).toBe(0);
    // the moment and trajectory values are compared (and pass) at every T
    for (const T of LONG_TIME.times) {
      for (const name of [`long-moment-T${T}`, `long-trajectory-T${T}`, `long-tanh-T${T}`]) {
        expect(c.checks.find((k) => k.name === name)?.status, name).toBe("pass");
      }
    }
  });

  it("where the grid resolves the density (T = 2, 301 cells) the PDE value is compared", () => {
    const c = longTimeCase(301, 1);
    const k = c.checks.find((x) => x.name === "long-pde-T2")!;
    expect(k.status).toBe("pass");
    expect(Array.from(c.series["long-pde"]!.data["T"]!)).toEqual([2]);
  });
});

describe("sensitivity: 2-D Fokker–Planck case", () => {
  it("finite-difference checks pass and the heatmap field has one value per cell", () => {
    const c = fokkerPlanck2DCase("tanh");
    expect(c.checks.filter(checkFailed).map((k) => k.message)).toEqual([]);
    expect(c.checks.filter((k) => k.name.endsWith("-vs-fd")).length).toBe(FOKKER_PLANCK_2D.compared.length);
    for (const k of c.checks) expect(k.observed).toBeLessThan(k.name.endsWith("-vs-fd") ? 1e-8 : 1e-13);
    const f = c.fields["fp2d-dW01"]!;
    expect(f.values.length).toBe(f.x.length * f.y.length);
    expect(f.x.length).toBe(FOKKER_PLANCK_2D.cells);
  });
});
