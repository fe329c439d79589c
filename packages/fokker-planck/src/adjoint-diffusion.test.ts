import { createScalarNetwork } from "@kinetic-nde/core";
import { centralDifferenceError as relErr, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "@kinetic-nde/mean-field";
import { describe, expect, it } from "vitest";
import { fokkerPlanckGradient } from "./adjoint.js";
import type { Boundary, Diffusion1D } from "./chang-cooper.js";
import { solveFokkerPlanck } from "./solve-1d.js";

// Gradients with respect to the diffusion's own parameters (options.dD) and to one scale of D per
// layer (gradDScaleLayers, for D^k = (K^k)²/2 per layer), against central differences of the public
// solver (core/testing's centralDifferenceError, ε = 1e-5 on O(0.1–1) parameters).

const grid = createGrid1D(-3, 3, 48);
const xs = Float64Array.from({ length: grid.n }, (_, i) => grid.xMin + (i + 0.5) * grid.dx);
// J = Σ (1 + 0.4 sin 2x) f² Δx + Σ x³ f Δx: nonlinear and not symmetric
const objective: DensityObjective = {
  nParams: 0,
  evaluate(f, _g, _t, gradF) {
    let J = 0;
    for (let i = 0; i < grid.n; i++) {
      const wi = 1 + 0.4 * Math.sin(2 * xs[i]!);
      const a = f[0]![i]!;
      J += (wi * a * a + xs[i]! ** 3 * a) * grid.dx;
      if (gradF) gradF[0]![i] = (2 * wi * a + xs[i]! ** 3) * grid.dx;
    }
    return J;
  },
};
const f0 = (x: number) => Math.exp(-((x - 0.4) ** 2)) + 0.5 * Math.exp(-((x + 1.2) ** 2) / 0.3);
const network = (sigma: string) => createScalarNetwork({ sigma, w: [0.9, -1.3, 0.5], b: [0.2, -0.4, 0.6], T: 1.2 });
// D(x; q) = q₀ + q₁ exp(-(x - 0.5)²) + q₂ x²/(1 + x²): three parameters, D > 0 for q > 0
const bump = (x: number) => Math.exp(-((x - 0.5) ** 2));
const rational = (x: number) => (x * x) / (1 + x * x);
const Dq = (q: readonly number[]) => (x: number) => q[0]! + q[1]! * bump(x) + q[2]! * rational(x);
const dD = [() => 1, bump, rational];
const q0 = [0.15, 0.3, 0.2];

const METHODS = [
  { method: "implicit-euler", dt: 0.06 },
  { method: "crank-nicolson", dt: 0.06 },
  { method: "explicit-euler", dt: 0.005 },
] as const;
const BOUNDARIES: readonly (Boundary | readonly [Boundary, Boundary])[] = ["zero-flux", "outflow", "absorbing", ["absorbing", "outflow"]];

const lossOf = (sigma: string, D: Diffusion1D | readonly Diffusion1D[], opts: object): number =>
  objective.evaluate([solveFokkerPlanck({ network: network(sigma), grid, f0, D }, opts).f], grid, new Float64Array(0), null, null);

describe("fokkerPlanckGradient: gradients in the diffusion's parameters and per layer", () => {
  for (const m of METHODS)
    it(`${m.method}: ∂J/∂q of D(x; q) by options.dD, every boundary, tanh and relu`, () => {
      for (const boundary of BOUNDARIES)
        for (const sigma of ["tanh", "relu"]) {
          const opts = { ...m, boundary };
          const r = fokkerPlanckGradient({ network: network(sigma), grid, f0, D: Dq(q0) }, objective, { ...opts, dD });
          expect(r.status).toBe("success");
          expect(r.gradD.length).toBe(3);
          const err = relErr(r.gradD, (p, e) => lossOf(sigma, Dq(q0.map((v, j) => (j === p ? v + e : v))), opts));
          expect(err, `${sigma} ${String(boundary)}`).toBeLessThan(1e-6);
          // the scale direction is dD = D itself: Σ_j q_j ∂J/∂q_j = gradDScale
          const scale = q0.reduce((s, v, j) => s + v * r.gradD[j]!, 0);
          expect(Math.abs(scale - r.gradDScale)).toBeLessThanOrEqual(1e-10 * Math.abs(r.gradDScale));
        }
    });

  for (const m of METHODS)
    it(`${m.method}: one diffusion per layer, ∂J/∂K^k from gradDScaleLayers, every boundary`, () => {
      const K = [0.5, 0.8, 0.35];
      const perLayer = (Ks: readonly number[]) => Ks.map((k) => 0.5 * k * k);
      for (const boundary of BOUNDARIES)
        for (const sigma of ["softplus", "identity"]) {
          const opts = { ...m, boundary };
          const r = fokkerPlanckGradient({ network: network(sigma), grid, f0, D: perLayer(K) }, objective, opts);
          expect(r.status).toBe("success");
          const gK = Array.from(r.gradDScaleLayers, (g, k) => (2 * g) / K[k]!);
          const err = relErr(gK, (p, e) => lossOf(sigma, perLayer(K.map((v, k) => (k === p ? v + e : v))), opts));
          expect(err, `${sigma} ${String(boundary)}`).toBeLessThan(1e-6);
          expect(r.gradDScaleLayers.reduce((s, v) => s + v, 0)).toBeCloseTo(r.gradDScale, 12);
        }
    });

  it("per-layer D of functions, with dD on every layer, and the same D per layer gives the single-D result", () => {
    const opts = { method: "implicit-euler", dt: 0.06, boundary: "absorbing" } as const;
    const one = fokkerPlanckGradient({ network: network("tanh"), grid, f0, D: Dq(q0) }, objective, { ...opts, dD });
    const three = fokkerPlanckGradient({ network: network("tanh"), grid, f0, D: [Dq(q0), Dq(q0), Dq(q0)] }, objective, { ...opts, dD });
    expect(three.loss).toBe(one.loss);
    expect(Array.from(three.gradD)).toEqual(Array.from(one.gradD));
    expect(Array.from(three.gradW)).toEqual(Array.from(one.gradW));
    // a layer with a larger D spreads more: f(T) differs from the single-D solve
    const wider = solveFokkerPlanck({ network: network("tanh"), grid, f0, D: [Dq(q0), 1, Dq(q0)] }, opts).f;
    expect(Math.max(...wider.map((v, i) => Math.abs(v - one.f[i]!)))).toBeGreaterThan(1e-3);
  });

  it("bad per-layer D and dD name the field", () => {
    const p = { network: network("tanh"), grid, f0 };
    expectKineticError(() => solveFokkerPlanck({ ...p, D: [0.1, 0.2] }), "SHAPE_MISMATCH", "`D`");
    expectKineticError(() => solveFokkerPlanck({ ...p, D: [0.1, -1, 0.2] }), "INVALID_ARGUMENT", "`D[1]`");
    expectKineticError(() => fokkerPlanckGradient({ ...p, D: 0.2 }, objective, { dD: "x" as never }), "INVALID_ARGUMENT", "`options.dD`");
    expectKineticError(
      () => fokkerPlanckGradient({ ...p, D: 0.2 }, objective, { dD: [() => 1, 3 as never] }),
      "INVALID_ARGUMENT",
      "`options.dD[1]`",
    );
    expectKineticError(
      () => fokkerPlanckGradient({ ...p, D: 0.2 }, objective, { dD: [(x) => (x > 0 ? Number.NaN : 1)] }),
      "INVALID_ARGUMENT",
      "`options.dD[0]`",
    );
  });
});
