import { createNetwork } from "@kinetic-nde/core";
import { setWasmKernelsEnabled } from "@kinetic-nde/core/wasm";
import { createGrid2D } from "@kinetic-nde/datasets";
import { afterEach, describe, expect, it } from "vitest";
import { type VlasovGradientOptions, vlasovGradient } from "./adjoint.js";
import { l2DensityLoss, slicedW1DensityLoss } from "./density-losses.js";
import { upwindWasmAvailable } from "./internal/wasm-upwind.js";
import type { DensityObjective } from "./objective.js";
import { solveVlasov } from "./vlasov.js";

const nx = 24,
  ny = 20;
const grid = createGrid2D([-3, 3], [-2.5, 2.5], nx, ny);
const area = grid.dx * grid.dy;
const cx = (i: number) => grid.xMin + (i + 0.5) * grid.dx;
const cy = (j: number) => grid.yMin + (j + 0.5) * grid.dy;
// J = Σ w_ij f0_ij² |cell| + θ² Σ (x_i + y_j/2) f1_ij |cell|: nonlinear in f, with a head parameter
const objective: DensityObjective = {
  nParams: 1,
  initialTheta: Float64Array.of(0.7),
  evaluate(f, _g, theta, gradF, gradTheta) {
    const th = theta[0]!;
    let J = 0,
      m1 = 0;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) {
        const id = i * ny + j;
        const wi = 1 + 0.3 * Math.sin(cx(i)) * Math.cos(cy(j));
        const a = f[0]![id]!,
          b = f[1]![id]!;
        const p = cx(i) + 0.5 * cy(j);
        J += wi * a * a * area;
        m1 += p * b * area;
        if (gradF) {
          gradF[0]![id] = 2 * wi * a * area;
          gradF[1]![id] = th * th * p * area;
        }
      }
    if (gradTheta) gradTheta[0] = 2 * th * m1;
    return J + th * th * m1;
  },
};
const f0 = [
  (x: number, y: number) => Math.exp(-((x - 0.4) ** 2) - 1.5 * (y + 0.3) ** 2),
  (x: number, y: number) => 0.5 * Math.exp(-((x + 0.8) ** 2 + (y - 0.5) ** 2) / 1.5),
];
// two layers, W row-major (v = σ(W x + b)); chosen so that no face has |W x + b| < 1e-3 (asserted below):
// the ReLU kink and the upwind switch v = 0 lie strictly between faces
const W0 = [-0.5, 0.3, -0.2, -0.6, 0.4, -0.35, 0.25, 0.45],
  b0 = [0.31, -0.23, -0.17, 0.29];
const P = W0.length + b0.length;
const net = (sigma: string, W: number[], b: number[]) =>
  createNetwork({ sigma, d: 2, W: [W.slice(0, 4), W.slice(4, 8)], b: [b.slice(0, 2), b.slice(2, 4)], T: 0.2 });

/** Smallest |W x + b| over the faces where each velocity component is evaluated. */
function minFaceArgument(): number {
  let m = Infinity;
  for (let k = 0; k < 2; k++) {
    const [w11, w12, w21, w22] = W0.slice(4 * k, 4 * k + 4) as [number, number, number, number];
    const [b1, b2] = b0.slice(2 * k, 2 * k + 2) as [number, number];
    for (let i = 0; i <= nx; i++)
      for (let j = 0; j < ny; j++) m = Math.min(m, Math.abs(w11 * (grid.xMin + i * grid.dx) + w12 * cy(j) + b1));
    for (let i = 0; i < nx; i++)
      for (let j = 0; j <= ny; j++) m = Math.min(m, Math.abs(w21 * cx(i) + w22 * (grid.yMin + j * grid.dy) + b2));
  }
  return m;
}

/** Relative l2 error of the adjoint gradient (W, b, θ_head) against central differences. */
function check(sigma: string, obj: DensityObjective, opts: VlasovGradientOptions, theta0: number | null): number {
  const r = vlasovGradient({ params: net(sigma, W0, b0), grid, f0 }, obj, opts);
  expect(r.status).toBe("success");
  const g = [...r.gradW, ...r.gradB, ...r.gradTheta];
  // central differences, ε = 1e-5: truncation O(ε²) ~ 1e-10, round-off ~ 1e-16/ε ~ 1e-11 (relative)
  const eps = 1e-5;
  const nP = P + (theta0 === null ? 0 : 1);
  let num = 0,
    den = 0;
  for (let p = 0; p < nP; p++) {
    const at = (e: number) => {
      const W = W0.slice(),
        b = b0.slice();
      let th = theta0 ?? 0;
      if (p < W.length) W[p]! += e;
      else if (p < P) b[p - W.length]! += e;
      else th += e;
      const s = solveVlasov({ params: net(sigma, W, b), grid, f0 }, opts);
      return obj.evaluate(s.f, grid, theta0 === null ? new Float64Array(0) : Float64Array.of(th), null, null);
    };
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    num += (g[p]! - fd) ** 2;
    den += fd ** 2;
  }
  expect(den).toBeGreaterThan(0);
  return Math.sqrt(num / den);
}

const SCHEMES: VlasovGradientOptions[] = [
  { scheme: "upwind" },
  { scheme: "muscl", limiter: "minmod" },
  { scheme: "muscl", limiter: "mc" },
  { scheme: "muscl", limiter: "van-leer" },
];
const STEPPERS = ["euler", "ssp-rk2", "ssp-rk3"] as const;
const BOUNDARIES = ["zero-flux", "outflow", "periodic"] as const;

describe("vlasovGradient (2-D) against central finite differences", () => {
  it("the network keeps every face away from the kinks of ReLU and of the upwind switch", () => {
    expect(minFaceArgument()).toBeGreaterThan(1e-3);
  });
  for (const s of SCHEMES)
    for (const timeStepper of STEPPERS)
      for (const boundary of BOUNDARIES)
        it(`${s.scheme}/${s.limiter ?? "-"}/${timeStepper}/${boundary}`, () => {
          for (const sigma of ["tanh", "identity", "sigmoid", "softplus", "relu", "leaky-relu(0.2)"]) {
            const err = check(sigma, objective, { ...s, timeStepper, boundary, dt: 0.02 }, 0.7);
            expect(err, sigma).toBeLessThan(1e-6);
          }
        });
  it("the package's 2-D density losses (l2, sliced W1)", () => {
    const target = new Float64Array(nx * ny);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) target[i * ny + j] = Math.exp(-(cx(i) ** 2) - cy(j) ** 2);
    for (const s of SCHEMES) {
      const o = { ...s, boundary: "outflow" as const, dt: 0.02 };
      expect(check("tanh", l2DensityLoss(target), o, null), `l2 ${s.scheme}/${s.limiter}`).toBeLessThan(1e-6);
      // sliced W1 is piecewise linear in f; a few fixed directions, off the kinks for these densities
      const sw1 = slicedW1DensityLoss(target, { directions: [1, 0, 0.6, 0.8, -0.3, 1] });
      expect(check("tanh", sw1, o, null), `sliced W1 ${s.scheme}/${s.limiter}`).toBeLessThan(1e-6);
    }
  });
});

describe("vlasovGradient (2-D) replay, checkpointing and statuses", () => {
  afterEach(() => setWasmKernelsEnabled(true));
  it("upwind + Euler: the replay matches solveVlasov with its WebAssembly kernel and with its TypeScript twin", () => {
    const params = net("tanh", W0, b0);
    const r = vlasovGradient({ params, grid, f0 }, objective, { scheme: "upwind", timeStepper: "euler" });
    for (const wasm of [true, false]) {
      setWasmKernelsEnabled(wasm);
      expect(upwindWasmAvailable()).toBe(wasm); // Node has WebAssembly SIMD: the kernel path is exercised
      const ref = solveVlasov({ params, grid, f0 }, { scheme: "upwind", timeStepper: "euler" });
      for (let q = 0; q < 2; q++) expect(Array.from(r.f[q]!)).toEqual(Array.from(ref.f[q]!));
    }
  });
  it("the forward replay ends in solveVlasov's densities, bit for bit (every scheme and stepper)", () => {
    const params = net("tanh", W0, b0);
    for (const s of SCHEMES)
      for (const timeStepper of STEPPERS)
        for (const boundary of BOUNDARIES) {
          const o = { ...s, timeStepper, boundary };
          const r = vlasovGradient({ params, grid, f0 }, objective, o);
          const ref = solveVlasov({ params, grid, f0 }, o);
          expect(r.stats.steps).toBe(ref.stats.steps);
          for (let q = 0; q < 2; q++) {
            expect(Math.min(...ref.f[q]!)).toBeGreaterThan(0); // no round-off clean-up in solveVlasov's result
            expect(Array.from(r.f[q]!)).toEqual(Array.from(ref.f[q]!));
          }
        }
  });
  it("checkpointed and stored trajectories give bit-identical gradients", () => {
    const params = net("tanh", W0, b0);
    for (const s of [SCHEMES[0]!, SCHEMES[3]!]) {
      const o: VlasovGradientOptions = { ...s, timeStepper: "ssp-rk3", dt: 0.01 };
      const a = vlasovGradient({ params, grid, f0 }, objective, o);
      const b = vlasovGradient({ params, grid, f0 }, objective, { ...o, memoryBudget: 10 * 2 * nx * ny * 8 });
      expect(a.stats.steps).toBe(20);
      expect(a.stats.recomputedSteps).toBe(0);
      expect(b.stats.recomputedSteps).toBeGreaterThan(0);
      expect(b.stats.peakTrajectoryBytes).toBeLessThanOrEqual(10 * 2 * nx * ny * 8);
      expect(b.stats.peakTrajectoryBytes).toBeLessThan(a.stats.peakTrajectoryBytes);
      expect(Array.from(b.gradW)).toEqual(Array.from(a.gradW));
      expect(Array.from(b.gradB)).toEqual(Array.from(a.gradB));
      expect(Array.from(b.gradTheta)).toEqual(Array.from(a.gradTheta));
    }
  });
  it("a non-finite loss gives status non-finite; a too small budget is refused", () => {
    const params = net("tanh", W0, b0);
    const bad: DensityObjective = { nParams: 0, evaluate: () => Number.NaN };
    expect(vlasovGradient({ params, grid, f0 }, bad, { dt: 0.02 }).status).toBe("non-finite");
    expect(() => vlasovGradient({ params, grid, f0 }, objective, { dt: 0.02, memoryBudget: 1000 })).toThrow(/memoryBudget/);
  });
});
