import { createConstantNetwork, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D, type Grid2D, massOf } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import type { Limiter } from "./fluxes.js";
import { lossSensitivity2D, solveVlasovSensitivity2D } from "./sensitivity-2d.js";
import { solveVlasov } from "./vlasov.js";

// A small non-square grid (nx ≠ ny catches index mix-ups) and an off-centre Gaussian.
const grid = createGrid2D([-3, 3], [-2.5, 3.5], 12, 14);
const f0 = (x: number, y: number) => Math.exp(-((x - 0.3) ** 2 / 1.2 + (y + 0.2) ** 2 / 0.9));
// two layers; biases chosen so that no face velocity is near 0 (see `minFaceArgument`)
const W2 = [-0.9, 0.45, -0.35, -0.7, 0.3, -0.6, 0.5, 0.2];
const b2 = [0.137, -0.211, -0.173, 0.093];
const theta2 = [...W2, ...b2];
const T = 0.6;
// central differences: truncation O(ε²·f''') ≈ 1e-12 and round-off O(1e-16/ε) ≈ 1e-10 relative, far below
// 1e-6. Not larger: MUSCL's limiters switch branch somewhere on the grid (minmod where |Δ⁻| = |Δ⁺|); with
// ε = 1e-5 one minmod switch lay 5e-6 from θ (identity, ∂/∂W[0]10: central difference 1.8e-4 relative off,
// the one-sided differences on either side of the tangent); with ε = 1e-6 none is within reach.
const EPS = 1e-6;

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => Math.max(s, Math.abs(v)), 0);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
/** |actual − expected| ≤ rtol·|expected|. */
const expectRelative = (actual: number, expected: number, rtol: number) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rtol * Math.abs(expected));
const sumAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + Math.abs(v), 0);

/**
 * Smallest |z| of the pre-activation z = W_i·x + b_i over the faces where component i is evaluated
 * (x-faces for i = 0, y-faces for i = 1), over the layers. The upwind split max(a, 0) has a kink where a
 * face velocity is exactly 0 (σ(z) = 0 ⇔ z = 0 for tanh and identity): there the scheme is not
 * differentiable and central differences straddling the kink disagree with either one-sided tangent.
 * Keeping |z| ≫ ε·(|x| + |y| + 1) guarantees that no perturbation of size ε flips the sign of a velocity.
 */
function minFaceArgument(g: Grid2D, W: number[], b: number[], layers: number): number {
  let m = Number.POSITIVE_INFINITY;
  for (let k = 0; k < layers; k++) {
    for (let i = 0; i <= g.nx; i++)
      for (let j = 0; j < g.ny; j++) {
        const x = g.xMin + i * g.dx,
          y = g.yMin + (j + 0.5) * g.dy;
        m = Math.min(m, Math.abs(W[4 * k]! * x + W[4 * k + 1]! * y + b[2 * k]!));
      }
    for (let i = 0; i < g.nx; i++)
      for (let j = 0; j <= g.ny; j++) {
        const x = g.xMin + (i + 0.5) * g.dx,
          y = g.yMin + j * g.dy;
        m = Math.min(m, Math.abs(W[4 * k + 2]! * x + W[4 * k + 3]! * y + b[2 * k + 1]!));
      }
  }
  return m;
}

describe("solveVlasovSensitivity2D: every ∂f/∂W^k_ij and ∂f/∂b^k_i vs central differences of solveVlasov", () => {
  it("no face velocity is within reach of a perturbation (the upwind kink at a = 0 is avoided)", () => {
    // |x| + |y| + 1 ≤ 7.5 on this grid: a shift of ε moves z by at most 7.5ε; ask for a factor 10 more
    expect(minFaceArgument(grid, W2, b2, 2)).toBeGreaterThan(10 * EPS * 7.5);
  });

  const cases: { scheme: "upwind" | "muscl"; timeStepper: "euler" | "ssp-rk2" | "ssp-rk3"; limiter: Limiter; dt: number }[] = [
    { scheme: "upwind", timeStepper: "euler", limiter: "van-leer", dt: 0.04 },
    { scheme: "upwind", timeStepper: "ssp-rk3", limiter: "van-leer", dt: 0.04 },
    { scheme: "muscl", timeStepper: "ssp-rk2", limiter: "van-leer", dt: 0.02 },
    { scheme: "muscl", timeStepper: "ssp-rk3", limiter: "minmod", dt: 0.02 },
    { scheme: "muscl", timeStepper: "euler", limiter: "mc", dt: 0.02 },
  ];
  for (const sigma of ["tanh", "identity", "softplus"] as const) {
    for (const boundary of ["zero-flux", "outflow", "periodic"] as const) {
      it(`${sigma}, ${boundary}: upwind and MUSCL, 12 parameters of a 2-layer network, ≤ 1e-6 relative`, () => {
        const make = (t: number[]) => createNetwork({ sigma, d: 2, W: t.slice(0, 8), b: t.slice(8), T });
        for (const c of cases) {
          const opts = { scheme: c.scheme, timeStepper: c.timeStepper, limiter: c.limiter, dt: c.dt, boundary };
          const label = `${sigma} ${boundary} ${c.scheme}/${c.timeStepper}/${c.limiter}`;
          const s = solveVlasovSensitivity2D({ params: make(theta2), grid, f0 }, { ...opts, perLayer: true });
          expect(s.parameters).toEqual([
            "W[0]00",
            "W[0]01",
            "W[0]10",
            "W[0]11",
            "W[1]00",
            "W[1]01",
            "W[1]10",
            "W[1]11",
            "b[0]0",
            "b[0]1",
            "b[1]0",
            "b[1]1",
          ]);
          expect(s.status === "success" || s.status === "under-resolved").toBe(true);
          // the forward part is solveVlasov's solution
          const ref = solveVlasov({ params: make(theta2), grid, f0 }, opts);
          expectAllClose(s.f, ref.f, { rtol: 0, atol: 1e-14 * maxAbs(ref.f), label: `${label} f` });
          expect(s.stats.steps).toBe(ref.stats.steps);
          for (let p = 0; p < theta2.length; p++) {
            const at = (d: number) => solveVlasov({ params: make(theta2.map((v, q) => (q === p ? v + d : v))), grid, f0 }, opts).f;
            const fp = at(EPS);
            const fm = at(-EPS);
            const fd = fp.map((v, i) => (v - fm[i]!) / (2 * EPS));
            expect(maxAbs(fd)).toBeGreaterThan(1e-3); // every parameter moves the density
            expectAllClose(s.df[p]!, fd, { rtol: 0, atol: 1e-6 * maxAbs(fd), label: `${label} ∂f/∂${s.parameters[p]}` });
            if (boundary === "outflow") {
              // the tangent's mass is the derivative of the mass kept
              const dm = (massOf(grid, fp) - massOf(grid, fm)) / (2 * EPS);
              const scale = sumAbs(s.df[p]!) * grid.dx * grid.dy;
              expect(Math.abs(s.moments.dMass[p]! - dm)).toBeLessThanOrEqual(1e-6 * scale);
            } else {
              // zero-mass invariant: every parameter value conserves mass
              expect(Math.abs(sum(s.df[p]!))).toBeLessThanOrEqual(1e-13 * sumAbs(s.df[p]!));
            }
          }
        }
      });
    }
  }

  it("shared parameters (default) shift an entry in every layer: the sum of the per-layer tangents and the FD of a common shift", () => {
    const make = (t: number[]) => createNetwork({ sigma: "tanh", d: 2, W: t.slice(0, 8), b: t.slice(8), T });
    const opts = { dt: 0.04, boundary: "zero-flux" as const };
    const shared = solveVlasovSensitivity2D({ params: make(theta2), grid, f0 }, opts);
    const each = solveVlasovSensitivity2D({ params: make(theta2), grid, f0 }, { ...opts, perLayer: true });
    expect(shared.parameters).toEqual(["W00", "W01", "W10", "W11", "b0", "b1"]);
    for (let l = 0; l < 6; l++) {
      const [a, b] = l < 4 ? [l, 4 + l] : [8 + (l - 4), 10 + (l - 4)];
      const total = each.df[a]!.map((v, i) => v + each.df[b]![i]!);
      expectAllClose(shared.df[l]!, total, { rtol: 0, atol: 1e-12 * maxAbs(total), label: `shared ${shared.parameters[l]}` });
      const at = (d: number) =>
        solveVlasov({ params: make(theta2.map((v, q) => (q === a || q === b ? v + d : v))), grid, f0 }, { ...opts, scheme: "upwind" }).f;
      const fp = at(EPS);
      const fm = at(-EPS);
      const fd = fp.map((v, i) => (v - fm[i]!) / (2 * EPS));
      expectAllClose(shared.df[l]!, fd, { rtol: 0, atol: 1e-6 * maxAbs(fd), label: `shared FD ${shared.parameters[l]}` });
    }
  });

  it("a constant network: the derivative with respect to each entry (shared) vs central differences", () => {
    const W = [-0.8, 0.4, -0.3, -0.6];
    const b = [0.17, -0.23];
    const make = (t: number[]) => createConstantNetwork({ sigma: "sigmoid", W: t.slice(0, 4), b: t.slice(4), T: 0.5, nLayers: 3 });
    const opts = { dt: 0.03, scheme: "muscl" as const, timeStepper: "ssp-rk3" as const };
    const s = solveVlasovSensitivity2D({ params: make([...W, ...b]), grid, f0 }, opts);
    const th = [...W, ...b];
    for (let p = 0; p < 6; p++) {
      const at = (d: number) => solveVlasov({ params: make(th.map((v, q) => (q === p ? v + d : v))), grid, f0 }, opts).f;
      const fp = at(EPS);
      const fm = at(-EPS);
      const fd = fp.map((v, i) => (v - fm[i]!) / (2 * EPS));
      expectAllClose(s.df[p]!, fd, { rtol: 0, atol: 1e-6 * maxAbs(fd), label: `sigmoid ∂f/∂${s.parameters[p]}` });
    }
  });

  it("saveAt: the tangents at the save times are those of the shorter solve and match central differences of the saved densities", () => {
    const make = (t: number[]) => createNetwork({ sigma: "tanh", d: 2, W: t.slice(0, 8), b: t.slice(8), T });
    const opts = { dt: 0.04, scheme: "upwind" as const, boundary: "periodic" as const };
    const saveAt = [0.1, 0.45];
    const s = solveVlasovSensitivity2D({ params: make(theta2), grid, f0 }, { ...opts, saveAt, perLayer: true });
    expect(Array.from(s.times)).toEqual(saveAt);
    expect(s.saved.length).toBe(2);
    expect(s.savedDf.length).toBe(2);
    // layer 1 acts only after t = 0.3: its tangents are exactly 0 at t = 0.1
    expect(maxAbs(s.savedDf[0]![5]!)).toBe(0);
    for (let p = 0; p < theta2.length; p++) {
      const at = (d: number) =>
        solveVlasov({ params: make(theta2.map((v, q) => (q === p ? v + d : v))), grid, f0 }, { ...opts, saveAt }).saved[1]!;
      const fp = at(EPS);
      const fm = at(-EPS);
      const fd = fp.map((v, i) => (v - fm[i]!) / (2 * EPS));
      expectAllClose(s.savedDf[1]![p]!, fd, { rtol: 0, atol: 1e-6 * maxAbs(fd), label: `t = 0.45 ∂f/∂${s.parameters[p]}` });
    }
    const short = solveVlasovSensitivity2D({ params: make(theta2), grid, f0, tSpan: [0, 0.45] }, { ...opts, perLayer: true });
    for (let p = 0; p < theta2.length; p++)
      expectAllClose(s.savedDf[1]![p]!, short.df[p]!, { rtol: 0, atol: 1e-14 * maxAbs(short.df[p]!) + 1e-300 });
  });

  it("the CFL rule: the same steps and density as solveVlasov with the same options (upwind and MUSCL defaults)", () => {
    const params = createConstantNetwork({ sigma: "tanh", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 });
    const g = createGrid2D([-4, 4], [-4, 4], 20);
    const up = solveVlasovSensitivity2D({ params, grid: g, f0 });
    const refUp = solveVlasov({ params, grid: g, f0 }, { scheme: "upwind" });
    expect(up.stats.steps).toBe(refUp.stats.steps);
    expectAllClose(up.f, refUp.f, { rtol: 0, atol: 1e-14 * maxAbs(refUp.f) });
    const mu = solveVlasovSensitivity2D({ params, grid: g, f0 }, { scheme: "muscl" });
    const refMu = solveVlasov({ params, grid: g, f0 });
    expect(mu.stats.rhsEvals).toBe(refMu.stats.rhsEvals);
    expectAllClose(mu.f, refMu.f, { rtol: 0, atol: 1e-14 * maxAbs(refMu.f) });
    expect(mu.stats.maxCfl).toBeLessThanOrEqual(0.45 * (1 + 1e-12));
  });

  it("lossSensitivity2D: dJ/dθ = Σ ℓ ∂_θ f ΔxΔy matches central differences of J", () => {
    const make = (t: number[]) => createNetwork({ sigma: "softplus", d: 2, W: t.slice(0, 8), b: t.slice(8), T });
    const opts = { dt: 0.02, scheme: "muscl" as const };
    const ell = (x: number, y: number) => (x - 1) ** 2 + 0.5 * x * y + Math.sin(y);
    const s = solveVlasovSensitivity2D({ params: make(theta2), grid, f0 }, opts);
    expectRelative(
      lossSensitivity2D(s.grid, s.f, ell),
      lossSensitivity2D(grid, solveVlasov({ params: make(theta2), grid, f0 }, opts).f, ell),
      1e-13,
    );
    for (let l = 0; l < 6; l++) {
      const [a, b] = l < 4 ? [l, 4 + l] : [8 + (l - 4), 10 + (l - 4)];
      const J = (d: number) =>
        lossSensitivity2D(
          grid,
          solveVlasov({ params: make(theta2.map((v, q) => (q === a || q === b ? v + d : v))), grid, f0 }, opts).f,
          ell,
        );
      const fd = (J(EPS) - J(-EPS)) / (2 * EPS);
      expectRelative(lossSensitivity2D(s.grid, s.df[l]!, ell), fd, 1e-6);
    }
  });
});

// ---- closed form of the moment ODE for σ = id -------------------------------------------------
// With σ = id the field is linear, x' = W_k x + b_k on layer k, so the mean obeys dm/dt = W_k m + b_k and
// the covariance dC/dt = W_k C + C W_kᵀ. Over one layer of length τ the augmented state z = (m, 1) maps
// as z ↦ Φ_k z with Φ_k = exp(τ A_k), A_k = [[W_k, b_k], [0, 0]], and C ↦ E_k C E_kᵀ, E_k = exp(τ W_k).
// Derivative: for a direction E in the entries of A_k (a unit matrix at the entry of W_k or b_k),
// ∂ exp(τA)/∂θ = ∫_0^τ e^{(τ-s)A} E e^{sA} ds, the upper-right block of exp(τ [[A, E], [0, A]])
// (Van Loan 1978); then ∂m(T)/∂θ = Φ_L ⋯ ∂Φ_k ⋯ Φ_1 z0 (only layer k's factor depends on θ).

type Mat = number[][];
const matMul = (A: Mat, B: Mat): Mat => A.map((r) => B[0]!.map((_, j) => r.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
const matVec = (A: Mat, v: number[]) => A.map((r) => r.reduce((s, a, j) => s + a * v[j]!, 0));
const transpose = (A: Mat): Mat => A[0]!.map((_, j) => A.map((r) => r[j]!));
/** exp(A) by scaling and squaring with a 20-term Taylor series (‖A/2^s‖₁ ≤ 1/4: truncation < 1e-30). */
function expm(A: Mat): Mat {
  const nrm = Math.max(...A.map((r) => r.reduce((s, v) => s + Math.abs(v), 0)));
  const sq = nrm > 0.25 ? Math.ceil(Math.log2(nrm / 0.25)) : 0;
  const S = A.map((r) => r.map((v) => v / 2 ** sq));
  let E: Mat = S.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
  let term: Mat = E.map((r) => r.slice());
  for (let k = 1; k <= 20; k++) {
    term = matMul(term, S).map((r) => r.map((v) => v / k));
    E = E.map((r, i) => r.map((v, j) => v + term[i]![j]!));
  }
  for (let k = 0; k < sq; k++) E = matMul(E, E);
  return E;
}
const generator = (t: number[], k: number): Mat => [
  [t[4 * k]!, t[4 * k + 1]!, t[8 + 2 * k]!],
  [t[4 * k + 2]!, t[4 * k + 3]!, t[8 + 2 * k + 1]!],
  [0, 0, 0],
];
/** Closed-form mean and covariance at T of the 2-layer linear network θ = (W flat, b flat), from (m0, C0). */
function closedMoments(t: number[], tau: number, m0: number[], C0: Mat): { m: number[]; C: Mat } {
  let z = [m0[0]!, m0[1]!, 1];
  let C = C0;
  for (let k = 0; k < 2; k++) {
    const A = generator(t, k);
    z = matVec(expm(A.map((r) => r.map((v) => v * tau))), z);
    const E = expm([A[0]!.slice(0, 2), A[1]!.slice(0, 2)].map((r) => r.map((v) => v * tau)));
    C = matMul(matMul(E, C), transpose(E));
  }
  return { m: [z[0]!, z[1]!], C };
}
/** ∂m(T)/∂θ_p in closed form (Van Loan block exponential), p indexing (W flat, b flat) of the 2-layer network. */
function closedMeanDerivative(t: number[], tau: number, m0: number[], p: number): number[] {
  const k = p < 8 ? p >> 2 : (p - 8) >> 1;
  const Ed: Mat = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  if (p < 8) Ed[(p % 4) >> 1]![p % 2] = 1;
  else Ed[(p - 8) % 2]![2] = 1;
  let z = [m0[0]!, m0[1]!, 1];
  for (let q = 0; q < 2; q++) {
    const A = generator(t, q).map((r) => r.map((v) => v * tau));
    if (q !== k) {
      z = matVec(expm(A), z);
      continue;
    }
    // exp(τ [[A, E], [0, A]]): its upper-right 3×3 block is the Fréchet derivative of exp at τA along τE
    const big: Mat = [0, 1, 2, 3, 4, 5].map((i) =>
      [0, 1, 2, 3, 4, 5].map((j) => (i < 3 ? (j < 3 ? A[i]![j]! : tau * Ed[i]![j - 3]!) : j < 3 ? 0 : A[i - 3]![j - 3]!)),
    );
    const X = expm(big);
    z = matVec(
      [0, 1, 2].map((i) => [3, 4, 5].map((j) => X[i]![j]!)),
      z,
    );
  }
  return [z[0]!, z[1]!];
}

describe("moment sensitivities for σ = id against the closed form of the linear moment ODE", () => {
  const W = [-0.3, 0.5, -0.5, -0.3, -0.2, 0.3, -0.4, -0.25];
  const b = [0.2, -0.1, -0.15, 0.05];
  const th = [...W, ...b];
  const Tm = 1.2;
  const params = createNetwork({ sigma: "identity", d: 2, W, b, T: Tm });
  const g0 = (x: number, y: number) => Math.exp(-((x - 0.4) ** 2 + (y + 0.3) ** 2) / (2 * 0.36));
  const gridAt = (n: number) => createGrid2D([-3.5, 3.5], [-3.5, 3.5], n);

  it("the closed-form derivative ∂m(T)/∂θ agrees with central differences of the closed form (1e-8)", () => {
    const m0 = [0.4, -0.3];
    const C0: Mat = [
      [0.36, 0],
      [0, 0.36],
    ];
    const h = 1e-6;
    for (let p = 0; p < 12; p++) {
      const exact = closedMeanDerivative(th, Tm / 2, m0, p);
      const mp = closedMoments(
        th.map((v, q) => (q === p ? v + h : v)),
        Tm / 2,
        m0,
        C0,
      ).m;
      const mm = closedMoments(
        th.map((v, q) => (q === p ? v - h : v)),
        Tm / 2,
        m0,
        C0,
      ).m;
      const fd = mp.map((v, i) => (v - mm[i]!) / (2 * h));
      expectAllClose(exact, fd, { rtol: 0, atol: 1e-8 * Math.max(1, maxAbs(fd)), label: `closed form ∂m/∂θ_${p}` });
    }
  });

  // Error of the scheme's ∂m/∂θ and ∂C/∂θ (max over the 12 parameters and components, relative to the
  // largest exact value); the discrete initial moments are the closed form's m0, C0.
  const errors = (n: number, scheme: "upwind" | "muscl") => {
    const g = gridAt(n);
    const s = solveVlasovSensitivity2D({ params, grid: g, f0: g0 }, { perLayer: true, scheme });
    expect(s.status).toBe("success");
    const init = solveVlasovSensitivity2D({ params, grid: g, f0: g0, tSpan: [0, 0] });
    const m0 = Array.from(init.moments.mean);
    const c = init.moments.cov;
    const C0: Mat = [
      [c[0]!, c[1]!],
      [c[1]!, c[2]!],
    ];
    let em = 0,
      mm = 0,
      ec = 0,
      mc = 0;
    const h = 1e-6;
    for (let p = 0; p < 12; p++) {
      const exact = closedMeanDerivative(th, Tm / 2, m0, p);
      for (let i = 0; i < 2; i++) {
        em = Math.max(em, Math.abs(s.moments.dMean[2 * p + i]! - exact[i]!));
        mm = Math.max(mm, Math.abs(exact[i]!));
      }
      // covariance: central differences of the closed form E C0 Eᵀ (checked above to be that accurate)
      const Cp = closedMoments(
        th.map((v, q) => (q === p ? v + h : v)),
        Tm / 2,
        m0,
        C0,
      ).C;
      const Cm = closedMoments(
        th.map((v, q) => (q === p ? v - h : v)),
        Tm / 2,
        m0,
        C0,
      ).C;
      const dC = [0, 1, 3].map((e) => (Cp[e >> 1]![e & 1]! - Cm[e >> 1]![e & 1]!) / (2 * h));
      for (let e = 0; e < 3; e++) {
        ec = Math.max(ec, Math.abs(s.moments.dCov[3 * p + e]! - dC[e]!));
        mc = Math.max(mc, Math.abs(dC[e]!));
      }
      // the moment sensitivities are those of the returned tangent
      const dm = [0, 1].map(
        (i) => (lossSensitivity2D(g, s.df[p]!, (x, y) => (i === 0 ? x : y)) - s.moments.mean[i]! * s.moments.dMass[p]!) / s.moments.mass,
      );
      expectAllClose(Array.from(s.moments.dMean.subarray(2 * p, 2 * p + 2)), dm, { rtol: 1e-10, atol: 1e-13 });
    }
    return { mean: em / mm, cov: ec / mc };
  };

  it("upwind: ∂m(T)/∂θ and ∂C(T)/∂θ converge at first order to the closed form", () => {
    const e32 = errors(32, "upwind");
    const e64 = errors(64, "upwind");
    // measured: mean 7.2e-2 → 3.7e-2 (n = 32 → 64; 1.9e-2 at n = 128); numerical diffusion O(Δx)
    expect(e32.mean).toBeLessThan(0.1);
    expect(e64.mean).toBeLessThan(0.05);
    expect(e32.mean / e64.mean).toBeGreaterThan(1.7);
    expect(e64.cov).toBeLessThan(0.25);
    expect(e32.cov / e64.cov).toBeGreaterThan(1.5);
  });

  it("MUSCL: ∂m(T)/∂θ within 2e-3 of the closed form at n = 64, at least second order from n = 32", () => {
    const e32 = errors(32, "muscl");
    const e64 = errors(64, "muscl");
    // measured: 1.0e-2 → 1.6e-3 (2.4e-4 at n = 128)
    expect(e64.mean).toBeLessThan(2e-3);
    expect(e32.mean / e64.mean).toBeGreaterThan(4);
    expect(e64.cov).toBeLessThan(0.02);
  });
});

describe("solveVlasovSensitivity2D: under-resolved status", () => {
  it("a density contracting to a point: status under-resolved with the largest cell's mass fraction", () => {
    const params = createConstantNetwork({ sigma: "identity", W: [-2, 0, 0, -2], b: [0.1, -0.1], T: 3 });
    const g = createGrid2D([-3, 3], [-3, 3], 24);
    const s = solveVlasovSensitivity2D({ params, grid: g, f0 });
    expect(s.status).toBe("under-resolved");
    expect(s.resolution.maxCellFraction).toBeGreaterThan(0.1);
    expect(s.resolution.lineFraction).toBeGreaterThan(0.2);
    expect(s.message).toMatch(/collapsed/);
    expect(s.message).toMatch(/largest cell/);
  });

  it("a density contracting onto a line: under-resolved although no single cell holds much mass", () => {
    // x contracts (W00 = -3), y spreads out slowly: each x-line's mass ends in one or two cells
    const params = createConstantNetwork({ sigma: "identity", W: [-3, 0, 0, 0.1], b: [0.05, 0], T: 2.5 });
    const g = createGrid2D([-3, 3], [-4, 4], 24, 32);
    const s = solveVlasovSensitivity2D({ params, grid: g, f0 });
    expect(s.status).toBe("under-resolved");
    expect(s.resolution.maxCellFraction).toBeLessThan(0.2);
    expect(s.resolution.lineFraction).toBeGreaterThan(0.2);
    expect(s.resolution.spreadCells).toBeLessThan(2);
  });

  it("a resolved density: success, line fraction below the threshold", () => {
    const params = createConstantNetwork({ sigma: "tanh", W: [-0.2, 0.5, -0.5, -0.2], b: [0.1, 0], T: 1 });
    const g = createGrid2D([-4, 4], [-4, 4], 40);
    const s = solveVlasovSensitivity2D({ params, grid: g, f0 });
    expect(s.status).toBe("success");
    expect(s.message).toBeUndefined();
    expect(s.resolution.lineFraction).toBeLessThanOrEqual(0.2);
    expect(s.resolution.spreadCells).toBeGreaterThan(2);
  });
});

describe("solveVlasovSensitivity2D: bad input names the field", () => {
  const params = createConstantNetwork({ sigma: "tanh", W: [-1, 0, 0, -1], b: [0.1, 0], T: 0.5 });
  it("problem and network", () => {
    expectKineticError(() => solveVlasovSensitivity2D(null as never), "INVALID_ARGUMENT", /problem/);
    expectKineticError(
      () => solveVlasovSensitivity2D({ params: createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }), grid, f0 }),
      "UNSUPPORTED",
      /solveVlasovSensitivity for d = 1/,
    );
    expectKineticError(() => solveVlasovSensitivity2D({ params: {} as never, grid, f0 }), "INVALID_ARGUMENT", /params/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0, extra: 1 } as never), "INVALID_ARGUMENT", /extra/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid: createGrid1D(-1, 1, 10) as never, f0 }), "SHAPE_MISMATCH", /grid/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid: { kind: "3d" } as never, f0 }), "INVALID_ARGUMENT", /grid/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, f0: new Float64Array(168) }), "INVALID_ARGUMENT", /grid/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0: new Float64Array(10) }), "SHAPE_MISMATCH", /f0/);
    const neg = new Float64Array(168).fill(1);
    neg[7] = -1;
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0: neg }), "INVALID_ARGUMENT", /f0\[7\]/);
    neg[7] = Number.NaN;
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0: neg }), "INVALID_ARGUMENT", /f0\[7\]/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0, tSpan: [1, 0] }), "INVALID_ARGUMENT", /tSpan/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, grid, f0, tSpan: [0, Number.NaN] }), "INVALID_ARGUMENT", /tSpan\[1\]/);
  });
  it("options", () => {
    const run = (o: object) => () => solveVlasovSensitivity2D({ params, grid, f0 }, o as never);
    expectKineticError(run({ foo: 1 }), "INVALID_ARGUMENT", /foo/);
    expectKineticError(run({ massLossTolerance: 0.1 }), "INVALID_ARGUMENT", /massLossTolerance/);
    expectKineticError(run({ scheme: "weno" }), "INVALID_ARGUMENT", /scheme/);
    expectKineticError(run({ limiter: "superbee" }), "INVALID_ARGUMENT", /limiter/);
    expectKineticError(run({ timeStepper: "rk4" }), "INVALID_ARGUMENT", /timeStepper/);
    expectKineticError(run({ boundary: "reflecting" }), "INVALID_ARGUMENT", /boundary/);
    expectKineticError(run({ dt: 0.01, cfl: 0.5 }), "INVALID_ARGUMENT", /dt\/cfl/);
    expectKineticError(run({ dt: -1 }), "INVALID_ARGUMENT", /dt/);
    expectKineticError(run({ dt: Number.POSITIVE_INFINITY }), "INVALID_ARGUMENT", /dt/);
    expectKineticError(run({ cfl: 0.8, scheme: "muscl" }), "INVALID_ARGUMENT", /cfl/);
    expectKineticError(run({ cfl: 0 }), "INVALID_ARGUMENT", /cfl/);
    expectKineticError(run({ dt: 0.5 }), "UNSTABLE", /dt = 0.5/);
    expectKineticError(run({ perLayer: "yes" }), "INVALID_ARGUMENT", /perLayer/);
    expectKineticError(run({ saveAt: [0.3, 0.1] }), "INVALID_ARGUMENT", /saveAt/);
    expectKineticError(run({ saveAt: [2] }), "INVALID_ARGUMENT", /saveAt/);
    expectKineticError(run({ maxCellUpdates: 100 }), "TOO_LARGE", /`grid`.*maxCellUpdates/);
    expectKineticError(run({ maxCellUpdates: -1 }), "INVALID_ARGUMENT", /maxCellUpdates/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, f0 }, { n: 1 }), "INVALID_ARGUMENT", /n/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, f0 }, { n: [8, 8, 8] as never }), "INVALID_ARGUMENT", /n/);
    expectKineticError(() => solveVlasovSensitivity2D({ params, f0 }, { n: 600, maxCellUpdates: 1e7 }), "TOO_LARGE", /`n`/);
  });
  it("lossSensitivity2D", () => {
    expectKineticError(() => lossSensitivity2D(grid, new Float64Array(3), () => 1), "SHAPE_MISMATCH", /`g`/);
    expectKineticError(() => lossSensitivity2D(createGrid1D(0, 1, 4) as never, new Float64Array(4), () => 1), "INVALID_ARGUMENT", /grid/);
    expectKineticError(() => lossSensitivity2D(grid, new Float64Array(168), 3 as never), "INVALID_ARGUMENT", /ell/);
  });
});
