import { createNetwork } from "@kinetic-nde/core";
import { createGrid1D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import { releaseGradientWorkspace, type VlasovGradientOptions, vlasovGradient } from "./adjoint.js";
import type { DensityObjective } from "./objective.js";
import { solveVlasov } from "./vlasov.js";

const grid = createGrid1D(-4, 4, 40);
const xs = Float64Array.from({ length: 40 }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
// J = Σ w_i f0_i² Δx + θ² Σ x_i f1_i Δx: nonlinear in f, with a head parameter
const objective: DensityObjective = {
  nParams: 1,
  initialTheta: Float64Array.of(0.7),
  evaluate(f, _g, theta, gradF, gradTheta) {
    const th = theta[0]!;
    let J = 0,
      m1 = 0;
    for (let i = 0; i < 40; i++) {
      const wi = 1 + 0.3 * Math.sin(xs[i]!);
      const a = f[0]![i]!,
        b = f[1]![i]!;
      J += wi * a * a * grid.dx;
      m1 += xs[i]! * b * grid.dx;
      if (gradF) {
        gradF[0]![i] = 2 * wi * a * grid.dx;
        gradF[1]![i] = th * th * xs[i]! * grid.dx;
      }
    }
    if (gradTheta) gradTheta[0] = 2 * th * m1;
    return J + th * th * m1;
  },
};
const f0 = [(x: number) => Math.exp(-((x - 0.5) ** 2)), (x: number) => 0.5 * Math.exp(-((x + 1) ** 2) / 2)];
const W0 = [0.8, -0.6, 0.4],
  b0 = [0.3, -0.2, 0.5];

function loss(sigma: string, W: number[], b: number[], theta: number, opts: VlasovGradientOptions): number {
  const params = createNetwork({ sigma, d: 1, W, b, T: 1 });
  const r = solveVlasov({ params, grid, f0 }, opts);
  return objective.evaluate(r.f, grid, Float64Array.of(theta), null, null);
}

function check(sigma: string, opts: VlasovGradientOptions): number {
  const params = createNetwork({ sigma, d: 1, W: W0, b: b0, T: 1 });
  const r = vlasovGradient({ params, grid, f0 }, objective, opts);
  expect(r.status).toBe("success");
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta];
  // central differences, ε = 1e-5: truncation O(ε²) ~ 1e-10, round-off ~ 1e-16/ε ~ 1e-11 (relative)
  const eps = 1e-5;
  const fd: number[] = [];
  for (let p = 0; p < 7; p++) {
    const at = (e: number) => {
      const W = W0.slice(),
        b = b0.slice();
      let th = 0.7;
      if (p < 3) W[p]! += e;
      else if (p < 6) b[p - 3]! += e;
      else th += e;
      return loss(sigma, W, b, th, opts);
    };
    fd.push((at(eps) - at(-eps)) / (2 * eps));
  }
  let num = 0,
    den = 0;
  for (let p = 0; p < 7; p++) {
    num += (g[p]! - fd[p]!) ** 2;
    den += fd[p]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe("vlasovGradient (1-D) against central finite differences", () => {
  const schemes: VlasovGradientOptions[] = [
    { scheme: "upwind" },
    { scheme: "muscl", limiter: "minmod" },
    { scheme: "muscl", limiter: "mc" },
    { scheme: "muscl", limiter: "van-leer" },
  ];
  for (const s of schemes)
    for (const timeStepper of ["euler", "ssp-rk2", "ssp-rk3"] as const)
      for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
        it(`${s.scheme}/${s.limiter ?? "-"}/${timeStepper}/${boundary}`, () => {
          for (const sigma of ["tanh", "sigmoid", "softplus", "identity"]) {
            const err = check(sigma, { ...s, timeStepper, boundary, dt: 0.02 });
            expect(err, sigma).toBeLessThan(1e-6);
          }
        });
});

describe("vlasovGradient checkpointing and statuses", () => {
  it("checkpointed and stored trajectories give bit-identical gradients", () => {
    const params = createNetwork({ sigma: "tanh", d: 1, W: W0, b: b0, T: 1 });
    const o: VlasovGradientOptions = { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3", dt: 0.02 };
    const a = vlasovGradient({ params, grid, f0 }, objective, o);
    const b = vlasovGradient({ params, grid, f0 }, objective, { ...o, memoryBudget: 20 * 2 * 40 * 8 });
    expect(a.stats.recomputedSteps).toBe(0);
    expect(b.stats.recomputedSteps).toBeGreaterThan(0);
    expect(b.stats.peakTrajectoryBytes).toBeLessThan(a.stats.peakTrajectoryBytes);
    expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
    expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
  });
  it("kept intermediate stages and recomputed ones give bit-identical gradients", () => {
    // 50 steps of 2 densities on 40 cells: a state is 640 bytes; the states take 51·640, the SSP-RK3
    // stages 100·640 more; a budget of 40000 bytes stores every state but not the stages
    const params = createNetwork({ sigma: "tanh", d: 1, W: W0, b: b0, T: 1 });
    for (const timeStepper of ["ssp-rk2", "ssp-rk3"] as const)
      for (const boundary of ["zero-flux", "periodic"] as const) {
        const o: VlasovGradientOptions = { scheme: "muscl", limiter: "mc", timeStepper, boundary, dt: 0.02 };
        const kept = vlasovGradient({ params, grid, f0 }, objective, o);
        const recomputed = vlasovGradient({ params, grid, f0 }, objective, { ...o, memoryBudget: 40000 });
        const inner = timeStepper === "ssp-rk2" ? 1 : 2;
        expect(recomputed.stats.recomputedSteps).toBe(0);
        expect(kept.stats.peakTrajectoryBytes).toBe((1 + inner) * recomputed.stats.peakTrajectoryBytes);
        expect(Array.from(kept.gradW)).toEqual(Array.from(recomputed.gradW));
        expect(Array.from(kept.gradB)).toEqual(Array.from(recomputed.gradB));
        expect(Array.from(kept.f[0]!)).toEqual(Array.from(recomputed.f[0]!));
      }
  });
  it("a gradient inside an objective (buffers in use) and after releaseGradientWorkspace gives the same numbers", () => {
    const params = createNetwork({ sigma: "tanh", d: 1, W: W0, b: b0, T: 1 });
    const o: VlasovGradientOptions = { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk3", dt: 0.02 };
    const plain = vlasovGradient({ params, grid, f0 }, objective, o);
    let nested: ReturnType<typeof vlasovGradient> | null = null;
    const outer: DensityObjective = {
      ...objective,
      evaluate(f, g, theta, gradF, gradTheta) {
        nested ??= vlasovGradient({ params, grid, f0 }, objective, o);
        return objective.evaluate(f, g, theta, gradF, gradTheta);
      },
    };
    const withNested = vlasovGradient({ params, grid, f0 }, outer, o);
    releaseGradientWorkspace();
    const after = vlasovGradient({ params, grid, f0 }, objective, o);
    for (const r of [nested!, withNested, after]) {
      expect(Array.from(r.gradW)).toEqual(Array.from(plain.gradW));
      expect(Array.from(r.gradB)).toEqual(Array.from(plain.gradB));
    }
  });
  it("a non-finite loss gives status non-finite", () => {
    const params = createNetwork({ sigma: "tanh", d: 1, W: W0, b: b0, T: 1 });
    const bad: DensityObjective = { nParams: 0, evaluate: () => Number.NaN };
    expect(vlasovGradient({ params, grid, f0 }, bad, { dt: 0.02 }).status).toBe("non-finite");
  });
  it("bad inputs give clear errors", () => {
    const params = createNetwork({ sigma: "tanh", d: 1, W: W0, b: b0, T: 1 });
    expect(() => vlasovGradient({ params, grid, f0 }, objective, { theta: new Float64Array(3) })).toThrow(/theta/);
    expect(() => vlasovGradient({ params, grid, f0 }, objective, { saveAt: [2] })).toThrow(/saveAt/);
    expect(() => vlasovGradient({ params, grid, f0 }, objective, { bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => vlasovGradient({ params, grid, f0 }, null as never)).toThrow(/objective/);
  });
});

describe("vlasovGradient with van Leer on densities with far tails", () => {
  it("slopes of size 1e-160 (their product positive, the square of their sum underflowing) give a finite gradient", () => {
    // f0 = e^{-x²/2} on [-40, 40]: near |x| = 27 consecutive differences are about 1e-160, so ab ≈ 1e-320
    // is a positive subnormal while (a + b)² is 0 — the van Leer derivative 2b²/(a+b)² must not become ∞ − ∞.
    const g = createGrid1D(-40, 40, 800);
    const params = createNetwork({ sigma: "tanh", d: 1, W: [-0.03, 0.08], b: [-0.11, 0.007], T: 1 });
    // J = ∫ (x − 0.3)² f: ∂J/∂f is large in the tails, so the adjoint there is O(10²), not 0
    const xc = Float64Array.from({ length: 800 }, (_, i) => g.xMin + (i + 0.5) * g.dx);
    const l2: DensityObjective = {
      nParams: 0,
      evaluate(f, _g, _t, gradF) {
        let J = 0;
        for (let i = 0; i < 800; i++) {
          const q = (xc[i]! - 0.3) ** 2 * g.dx;
          J += q * f[0]![i]!;
          if (gradF) gradF[0]![i] = q;
        }
        return J;
      },
    };
    const f0 = [(x: number) => Math.exp(-(x * x) / 2)];
    // a fixed step: the differentiated problem holds the step sequence fixed, the CFL rule would not
    const opts = { scheme: "muscl", limiter: "van-leer", timeStepper: "ssp-rk2", dt: 0.04 } as const;
    const r = vlasovGradient({ params, grid: g, f0 }, l2, opts);
    expect(r.status).toBe("success");
    for (const v of [...r.gradW, ...r.gradB]) expect(Number.isFinite(v)).toBe(true);
    // and the gradient is still the derivative: central differences in W[0]
    const at = (e: number) => {
      const p = createNetwork({ sigma: "tanh", d: 1, W: [-0.03 + e, 0.08], b: [-0.11, 0.007], T: 1 });
      return l2.evaluate(solveVlasov({ params: p, grid: g, f0 }, opts).f, g, new Float64Array(0), null, null);
    };
    const fd = (at(1e-5) - at(-1e-5)) / 2e-5;
    expect(Math.abs(r.gradW[0]! - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd));
  });
});

describe("vlasovGradient (1-D MUSCL) on the smallest grids", () => {
  // 3 to 6 cells: the fused 1-D transpose's first and last interior cells are also the end cells' neighbours
  for (const n of [3, 4, 5, 6])
    for (const boundary of ["zero-flux", "outflow", "periodic"] as const)
      it(`${n} cells, ${boundary}`, () => {
        const g = createGrid1D(-3, 3, n);
        const xc = Float64Array.from({ length: n }, (_, i) => g.xMin + (i + 0.5) * g.dx);
        // J = Σ (1 + x_i/4) f_i² Δx
        const J: DensityObjective = {
          nParams: 0,
          evaluate(f, _g, _t, gradF) {
            let v = 0;
            for (let i = 0; i < n; i++) {
              const w = (1 + xc[i]! / 4) * g.dx;
              v += w * f[0]![i]! ** 2;
              if (gradF) gradF[0]![i] = 2 * w * f[0]![i]!;
            }
            return v;
          },
        };
        // a bump that is not symmetric on the grid, so that the limited slopes are not all 0
        const f = [(x: number) => Math.exp(-((x - 0.4) ** 2)) + 0.2 * Math.exp(-((x + 1.7) ** 2) * 3)];
        for (const limiter of ["minmod", "mc", "van-leer"] as const) {
          const opts: VlasovGradientOptions = { scheme: "muscl", limiter, timeStepper: "ssp-rk3", boundary, dt: 0.05 };
          const at = (W: number[], b: number[]) => {
            const p = createNetwork({ sigma: "tanh", d: 1, W, b, T: 1 });
            return J.evaluate(solveVlasov({ params: p, grid: g, f0: f }, opts).f, g, new Float64Array(0), null, null);
          };
          const W = [0.9, -0.7],
            b = [0.35, -0.25];
          const r = vlasovGradient({ params: createNetwork({ sigma: "tanh", d: 1, W, b, T: 1 }), grid: g, f0: f }, J, opts);
          expect(r.status).toBe("success");
          const g0 = [...r.gradW, ...r.gradB];
          const eps = 1e-5;
          let num = 0,
            den = 0;
          for (let p = 0; p < 4; p++) {
            const shifted = (e: number) => {
              const W2 = W.slice(),
                b2 = b.slice();
              if (p < 2) W2[p]! += e;
              else b2[p - 2]! += e;
              return at(W2, b2);
            };
            const fd = (shifted(eps) - shifted(-eps)) / (2 * eps);
            num += (g0[p]! - fd) ** 2;
            den += fd ** 2;
          }
          expect(den, limiter).toBeGreaterThan(0);
          expect(Math.sqrt(num / den), limiter).toBeLessThan(1e-6);
        }
      });
});
