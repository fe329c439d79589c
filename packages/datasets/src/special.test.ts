import { describe, expect, it } from "vitest";
import { isKineticError } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { createBeta, createGamma } from "./distributions.js";
import {
  betaIncomplete,
  betaIncompleteInverse,
  erf,
  erfc,
  gammaP,
  gammaPInverse,
  gammaQ,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  solveMonotone,
  trigamma,
} from "./special.js";
import { gaussLegendre } from "./quadrature.js";

// Reference values: scipy.special 1.10 (erf, erfc, gammaln, polygamma, betainc, gammainc,
// gammaincc) and scipy.stats.norm.ppf, printed with repr().
describe("special functions against reference values", () => {
  it("erf and erfc", () => {
    expectAllClose([-2.5, 0.3, 1.2, 3.1].map(erf), [-0.999593047982555, 0.3286267594591274, 0.9103139782296353, 0.9999883513426328], {
      rtol: 2e-15,
    });
    expectAllClose(
      [-1, 0.7, 2, 6, 15].map(erfc),
      [1.8427007929497148, 0.3221988061625817, 0.004677734981047266, 2.1519736712498913e-17, 7.212994172451209e-100],
      { rtol: 1e-14 },
    );
    expect(erf(0)).toBe(0);
    expect(erfc(30)).toBe(0);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });

  it("log-gamma, log-beta and trigamma", () => {
    expectAllClose([0.25, 3.5, 17.2, 250].map(logGamma), [1.2880225246980774, 1.2009736023470743, 31.233769658856147, 1128.5237708729908], {
      rtol: 1e-14,
    });
    expectAllClose(logGamma(0.5), 0.5 * Math.log(Math.PI), { rtol: 1e-15 });
    expectAllClose(logGamma(11), Math.log(3628800), { rtol: 1e-15 });
    expectAllClose(logGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)), { rtol: 1e-14 });
    expect(logGamma(-2)).toBe(Infinity);
    expectAllClose(Math.exp(logBeta(0.5, 0.5)), Math.PI, { rtol: 1e-14 });
    expectAllClose(logBeta(2, 3), Math.log(1 / 12), { rtol: 1e-14 });
    expectAllClose([0.3, 2.5, 40].map(trigamma), [12.245364546107734, 0.4903577561002349, 0.025315103841291032], { rtol: 1e-14 });
    expectAllClose([trigamma(1), trigamma(0.5)], [Math.PI ** 2 / 6, Math.PI ** 2 / 2], { rtol: 1e-15 });
  });

  it("normal CDF and quantile", () => {
    const p = [1e-20, 1e-5, 0.1, 0.6, 0.999];
    const ref = [-9.262340089798409, -4.264890793922825, -1.2815515655446004, 0.2533471031357997, 3.090232306167813];
    expectAllClose(p.map(normalQuantile), ref, { rtol: 1e-14 });
    expectAllClose(ref.map(normalCdf), p, { rtol: 1e-13 });
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
    expectKineticError(() => normalQuantile(1.5), "INVALID_ARGUMENT");
  });

  it("regularised incomplete beta: reference values and closed forms", () => {
    const args = [
      [0.2, 0.5, 3],
      [0.6, 4, 7],
      [0.95, 30, 2],
      [0.5, 0.5, 0.5],
    ] as const;
    expectAllClose(
      args.map(([x, a, b]) => betaIncomplete(x, a, b)),
      [0.7334302966199312, 0.9452381183999999, 0.5365969098573433, 0.5],
      { rtol: 1e-13 },
    );
    for (const x of [0.01, 0.3, 0.77, 0.999]) {
      expectAllClose(betaIncomplete(x, 1, 1), x, { rtol: 1e-14 });
      expectAllClose(betaIncomplete(x, 2.5, 1), x ** 2.5, { rtol: 1e-13 });
      expectAllClose(betaIncomplete(x, 1, 3), 1 - (1 - x) ** 3, { rtol: 1e-13 });
      expectAllClose(betaIncomplete(x, 3, 3) + betaIncomplete(1 - x, 3, 3), 1, { rtol: 1e-14 });
    }
    expectKineticError(() => betaIncomplete(1.2, 1, 1), "INVALID_ARGUMENT");
  });

  it("regularised incomplete gamma: reference values and closed forms", () => {
    const pa = [
      [0.3, 0.1],
      [2.5, 4],
      [10, 3],
      [100, 110],
    ] as const;
    expectAllClose(
      pa.map(([a, x]) => gammaP(a, x)),
      [0.5459128495917965, 0.8437643724222779, 0.0011024881301154815, 0.8417213299399129],
      { rtol: 1e-12 },
    );
    const qa = [
      [0.3, 5],
      [2.5, 30],
      [10, 20],
    ] as const;
    expectAllClose(
      qa.map(([a, x]) => gammaQ(a, x)),
      [0.0006513187507184515, 1.2154569777183007e-11, 0.0049954123083075785],
      { rtol: 1e-12 },
    );
    for (const x of [0.1, 1, 7, 40]) {
      expectAllClose(gammaQ(1, x), Math.exp(-x), { rtol: 1e-13 });
      expectAllClose(gammaP(0.5, x * x), erf(x), { rtol: 1e-13 });
    }
  });

  it("inverses invert", () => {
    for (const [a, b] of [
      [0.5, 0.5],
      [2, 5],
      [0.3, 8],
      [40, 3],
    ] as const) {
      for (const p of [1e-10, 0.01, 0.4, 0.9, 1 - 1e-6]) {
        const x = betaIncompleteInverse(p, a, b);
        expectAllClose(betaIncomplete(x, a, b), p, { rtol: 1e-11, atol: 1e-15, label: `I^-1(${p}; ${a}, ${b})` });
      }
    }
    for (const a of [0.2, 1, 3.5, 60]) {
      for (const p of [1e-10, 0.05, 0.5, 0.99]) {
        const x = gammaPInverse(p, a);
        expectAllClose(gammaP(a, x), p, { rtol: 1e-11, label: `P^-1(${p}; ${a})` });
      }
    }
    expect(gammaPInverse(1, 2)).toBe(Infinity);
    expectKineticError(() => betaIncompleteInverse(0.5, -1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaPInverse(NaN, 1), "INVALID_ARGUMENT");
  });
});

// ---------------------------------------------------------------------------------------------
// 50-digit reference tables, computed with mpmath 1.2.1 (mp.dps = 50) and printed to 17 digits:
//   P(a, x) for x ≤ a: x^a e^{-x}/Γ(a+1) · hyp1f1(1, a+1, x, maxterms=10**8) (positive-term series),
//     Q = 1 - P; for x > a: Q = gammainc(a, x, inf, regularized=True), P = 1 - Q
//     (checked against hyp1f1 and against the exact Poisson sum for integer a: agreement to 1e-46);
//   I_x(a, b) for x ≤ a/(a+b): x^a (1-x)^b/(a B(a, b)) · hyp2f1(a+b, 1, a+1, x, maxterms=10**8),
//     above the mean 1 - I_{1-x}(b, a) (checked against quadrature of the density: 1e-25);
//   roots: illinois bracketing plus 4 Newton steps on ln F(e^u) = ln p (u = ln x), |residual| < 1e-35;
//   Φ⁻¹ likewise on ln ncdf(z) = ln p.
// Tolerances: the forward functions get rtol = 1e-15·(10 + |ln F|): the condition number of F with
// respect to its arguments grows like the exponent |ln F| (measured errors stay below half of it).
// A root gets the forward tolerance (doubled) divided by its condition number κ = x F'(x)/F(x),
// never below 1e-14 (the solver's own 4-ulp stop is far below that).

// [a, x, P(a, x), Q(a, x)]
const GAMMA_REF: readonly (readonly [number, number, number, number])[] = [
  [0.001, 1e-5, 0.98912304469578267, 0.010876955304217331],
  [0.05, 0.5, 0.97131737124416398, 0.028682628755836021],
  [0.5, 20, 0.99999999974603714, 2.539628589470865e-10],
  [1, 1e-5, 9.9999500001666671e-6, 0.99999000004999983],
  [3.7, 4.44, 0.70309401929059799, 0.29690598070940201],
  [3.7, 500, 1.0, 3.3275221232212321e-211],
  [12, 1e-5, 2.0876564280236793e-69, 1.0],
  [20, 21, 0.61573722773565784, 0.38426277226434216],
  [20, 100, 1.0, 3.764893576001475e-23],
  [21.5, 21.5, 0.52868600433375197, 0.47131399566624803],
  [21.5, 8.6, 1.5226489629932644e-4, 0.99984773510370067],
  [60, 36.6, 2.3874110081907126e-4, 0.99976125889918093],
  [60, 83.4, 0.99693368014624299, 0.0030663198537570099],
  [250, 12.5, 2.048407894511436e-224, 1.0],
  [250, 500, 1.0, 1.2085183611329767e-35],
  [1000.0, 300, 2.4149201482967856e-221, 1.0],
  [1000.0, 1001, 0.51681145292978622, 0.48318854707021378],
  [10000.0, 8000, 6.1354485010904945e-103, 1.0],
  [10000.0, 13899.999999999998, 1.0, 2.5643002217751848e-266],
  [10000.0, 14100, 1.0, 3.7282904005370221e-291],
  [100000.0, 99900, 0.37627489275434331, 0.62372510724565669],
  [10000000.0, 10000000.0, 0.5000420522087237, 0.4999579477912763],
  [10000000.0, 10500000.0, 1.0, 1.4179782657443721e-5257],
  [10000000000.0, 10000000000.0, 0.50000132980760134, 0.49999867019239866],
  [10000000000.0, 10001000000.0, 1.0, 7.6452856435125053e-24],
  [10000000000.0, 9999000000.0, 7.5945012109770733e-24, 1.0],
];
// [x, a, b, I_x(a, b)]
const BETA_REF: readonly (readonly [number, number, number, number])[] = [
  [0.2, 0.5, 0.5, 0.29516723530086656],
  [1e-100, 0.05, 0.5, 9.3661682890635533e-6],
  [1e-300, 1, 3, 3.0000000000000001e-300],
  [0.999, 2.5, 1.5, 0.99989272762900637],
  [0.01, 0.3, 8, 0.50723477534721506],
  [0.9, 8, 0.3, 0.11258935486109359],
  [1e-10, 10, 10, 9.2377999924418034e-96],
  [0.95, 30, 2, 0.53659690985734345],
  [0.5, 40, 3, 2.0554580260068178e-10],
  [0.2, 50, 200, 0.51262376815131909],
  [0.05, 50, 200, 4.4397674748048896e-17],
  [0.6666666666666666, 1000.0, 500, 0.49757186756804829],
  [0.6, 1000.0, 500, 4.7967341365663716e-8],
  [0.9999, 10000.0, 0.5, 0.1572940177633515],
  [0.0001, 0.5, 10000.0, 0.84270598223667137],
];
// [x, a, b, I_x(a, b)] for large shapes
const BETA_LARGE_REF: readonly (readonly [number, number, number, number])[] = [
  [0.3333333333333333, 10000.0, 20000.0, 0.50054289444447366],
  [0.34, 10000.0, 20000.0, 0.99271374801002738],
  [0.499, 100000.0, 100000.0, 0.18554674455755675],
  [0.5005, 1000000.0, 1000000.0, 0.92135042241907533],
  [0.25, 100000000.0, 300000000.0, 0.50000767764776905],
  [0.2499, 100000000.0, 300000000.0, 1.9261715366436184e-6],
];
// [p, a, x with P(a, x) = p, rtol]
const GAMMA_INV_REF: readonly (readonly [number, number, number, number])[] = [
  [0.5, 0.001, 5.2442064082779784e-302, 2.1e-11],
  [1e-20, 0.05, 5.8446320572867921e-401, 2.2e-12],
  [1e-300, 2.5, 1.6167038902915642e-120, 5.6e-13],
  [0.3, 3.7, 2.506226143686672, 1.1e-14],
  [0.9999999999, 3.7, 30.95362756405381, 1.0e-14],
  [1e-100, 21.5, 1.9797600670635098e-4, 2.2e-14],
  [1e-5, 250, 188.20643032789272, 1.0e-14],
  [0.3, 10000.0, 9947.3192620195836, 1.0e-14],
  [0.99, 10000.0, 10234.104379158054, 1.0e-14],
  [0.5, 10000000.0, 9.9999996666666686e6, 1.0e-14],
  [1e-10, 10000000000.0, 9.9993638790652531e9, 1.0e-14],
  [0.99, 10000000000.0, 1.0000232636258035e10, 1.0e-14],
];
// [p, a, b, x with I_x(a, b) = p (p ≤ 1/2), rtol]
const BETA_INV_REF: readonly (readonly [number, number, number, number, number])[] = [
  [1e-300, 2.5, 1.5, 7.5229462604649902e-121, 5.6e-13],
  [1e-150, 2.5, 1.5, 7.5229462604649901e-61, 2.8e-13],
  [1e-300, 0.5, 0.5, 2.4674011002723398e-600, 2.8e-12],
  [0.3, 0.5, 0.5, 0.20610737385376342, 4.1e-14],
  [1e-20, 8, 0.3, 0.0043559047375410736, 1.4e-14],
  [0.01, 30, 2, 0.80433062370410961, 1.0e-14],
  [1e-10, 50, 200, 0.073950100192175818, 1.0e-14],
  [0.3, 10000.0, 20000.0, 0.3319034065300633, 1.0e-14],
  [0.01, 10000.0, 0.5, 0.99966830190043635, 1.0e-14],
  [0.4, 1000000.0, 1000000.0, 0.49991042826221153, 1.0e-14],
];
// [p, Φ⁻¹(p)]
const NORMAL_INV_REF: readonly (readonly [number, number])[] = [
  [5e-324, -38.467405617144346],
  [1e-310, -37.663060331949524],
  [1e-300, -37.047096299361199],
  [1e-100, -21.273453560965324],
  [1e-20, -9.2623400897984076],
  [1e-5, -4.2648907939228246],
  [0.02425, -1.9729610513118848],
  [0.3, -0.52440051270804082],
  [0.499999999999, -2.5065728237018605e-12],
  [0.7, 0.52440051270804066],
  [0.9999999999, 6.3613408896974219],
];

const forwardTol = (ref: number): number => 1e-15 * (10 + Math.abs(Math.log(ref)));

describe("special functions at the edges (50-digit references)", () => {
  it("P and Q across shapes 1e-3 to 1e10: series, continued fraction and Temme's expansion", () => {
    for (const [a, x, P, Q] of GAMMA_REF) {
      // A reference below the subnormals is 0 in the table; the function must underflow to 0 too.
      if (P === 0) expect(gammaP(a, x)).toBe(0);
      else expectAllClose(gammaP(a, x), P, { rtol: forwardTol(P), label: `P(${a}, ${x})` });
      if (Q === 0) expect(gammaQ(a, x)).toBe(0);
      else expectAllClose(gammaQ(a, x), Q, { rtol: forwardTol(Q), label: `Q(${a}, ${x})` });
    }
  });

  it("the old 10 000-term failure at large shapes is gone", () => {
    expectAllClose(gammaP(1e10, 1e10), 0.50000132980760134, { rtol: 1e-14 });
    expectAllClose(gammaP(1e7, 1e7), 0.5000420522087237, { rtol: 1e-14 });
  });

  it("I_x(a, b) for small, mixed and large shapes", () => {
    for (const [x, a, b, I] of BETA_REF) {
      expectAllClose(betaIncomplete(x, a, b), I, { rtol: 2 * forwardTol(I), label: `I_${x}(${a}, ${b})` });
    }
    // Large shapes: the continued fraction's rounding error grows with its ~(a+b)^{1/3}/3 steps,
    // about 4e-15 per step (README); allow 4e-15 × 3(a+b)^{1/3} + the forward tolerance.
    for (const [x, a, b, I] of BETA_LARGE_REF) {
      const rtol = forwardTol(I) + 4e-15 * 3 * Math.cbrt(a + b);
      expectAllClose(betaIncomplete(x, a, b), I, { rtol, label: `I_${x}(${a}, ${b})` });
    }
  });

  it("gammaPInverse reaches tiny roots and large shapes; roots below 2^-1074 round to 0", () => {
    for (const [p, a, x, rtol] of GAMMA_INV_REF) {
      const got = gammaPInverse(p, a);
      if (x < Number.MIN_VALUE / 2) expect(got).toBe(0);
      else expectAllClose(got, x, { rtol, label: `P^-1(${p}; ${a})` });
    }
  });

  it("betaIncompleteInverse reaches tiny roots; Beta and Gamma quantiles follow", () => {
    for (const [p, a, b, x, rtol] of BETA_INV_REF) {
      const got = betaIncompleteInverse(p, a, b);
      if (x < Number.MIN_VALUE / 2) expect(got).toBe(0);
      else expectAllClose(got, x, { rtol, label: `I^-1(${p}; ${a}, ${b})` });
    }
    expectAllClose(createBeta({ alpha: 2.5, beta: 1.5 }).quantile!(1e-150), 7.5229462604649901e-61, { rtol: 2.8e-13 });
    expectAllClose(createGamma({ shape: 0.001 }).quantile!(0.5), 5.2442064082779784e-302, { rtol: 2.1e-11 });
  });

  it("normal CDF in the far lower tail (mpmath ncdf, 50 digits)", () => {
    const ref = [
      [-36.32, 3.9111371049355399e-289],
      [-20.5, 1.076467325879096e-93],
      [-10, 7.6198530241605261e-24],
      [-5, 2.8665157187919391e-7],
      [-2.2, 0.013903447513498604],
    ] as const;
    // Measured 1.1e-15 here; computing e^{-x²} from the rounded x = -z/√2 gave 1.7e-13 at z = -36.
    for (const [z, p] of ref) expectAllClose(normalCdf(z), p, { rtol: 3e-15, label: `Φ(${z})` });
    // 2.885e-316 is subnormal (spacing 4.9e-324): only about 8 significant digits exist.
    expectAllClose(normalCdf(-38), 2.8854283600687843e-316, { rtol: 1e-7 });
  });

  it("normal quantile from the smallest subnormal to 1 - 1e-10", () => {
    for (const [p, z] of NORMAL_INV_REF) expectAllClose(normalQuantile(p), z, { rtol: 1e-15, label: `Φ^-1(${p})` });
  });

  it("solveMonotone works in log space down to the subnormals", () => {
    expect(
      solveMonotone(
        (x) => x - 3e-320,
        () => 1,
        0,
        1,
        0.5,
      ),
    ).toBe(3e-320);
    // x^0.01 = 1e-3 at x = 1e-300; Newton alone would overshoot below 0 from x0 = 0.5.
    expectAllClose(
      solveMonotone(
        (x) => x ** 0.01 - 1e-3,
        (x) => 0.01 * x ** -0.99,
        0,
        1,
        0.5,
      ),
      1e-300,
      { rtol: 1e-13 },
    );
    expectAllClose(
      solveMonotone(
        (x) => Math.atan(x - 1e5),
        (x) => 1 / (1 + (x - 1e5) ** 2),
        -1e300,
        1e300,
        0,
      ),
      1e5,
      { rtol: 1e-15 },
    );
    expectAllClose(
      solveMonotone(
        (x) => Math.tanh(x - 3),
        () => 0,
        -Number.MAX_VALUE,
        Number.MAX_VALUE,
        0,
      ),
      3,
      { rtol: 1e-15 },
    );
    expectKineticError(
      () =>
        solveMonotone(
          () => NaN,
          () => 1,
          0,
          1,
          0.5,
          "f(x)",
        ),
      "SOLVER_FAILED",
    );
  });

  it("refuses what it cannot compute to its stated accuracy", () => {
    try {
      betaIncomplete(0.5, 1e12, 1e12);
      expect.unreachable("betaIncomplete(0.5, 1e12, 1e12) must refuse");
    } catch (e) {
      expect(isKineticError(e, "SOLVER_FAILED")).toBe(true);
      expect((e as Error).message).toContain("betaIncomplete(0.5, 1000000000000, 1000000000000)");
    }
    // Far tails of the same shapes converge in a few steps and are served.
    expect(betaIncomplete(0.4, 1e12, 1e12)).toBe(0);
    // Results bounded below half the smallest subnormal are 0 without running the fraction.
    expect(betaIncomplete(0.9999999999, 1e300, 1e-300)).toBe(0);
    expect(betaIncomplete(1e-10, 1e300, 1e-300)).toBe(0);
    try {
      betaIncompleteInverse(0.5, 1e12, 1e12);
      expect.unreachable("betaIncompleteInverse(0.5, 1e12, 1e12) must refuse");
    } catch (e) {
      expect(isKineticError(e, "SOLVER_FAILED")).toBe(true);
      expect((e as Error).message).toMatch(/^betaIncompleteInverse\(0\.5, 1000000000000, 1000000000000\): betaIncomplete\(/);
    }
  });

  it("one error per bad input", () => {
    expectKineticError(() => normalQuantile(2), "INVALID_ARGUMENT");
    expectKineticError(() => normalQuantile(NaN), "INVALID_ARGUMENT");
    expectKineticError(() => normalQuantile(-1e-300), "INVALID_ARGUMENT");
    expectKineticError(() => gammaP(0, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaP(-1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaP(Infinity, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaQ(NaN, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaQ(1, -1), "INVALID_ARGUMENT");
    expectKineticError(() => betaIncomplete(0.5, 0, 1), "INVALID_ARGUMENT");
    expectKineticError(() => betaIncomplete(0.5, 1, Infinity), "INVALID_ARGUMENT");
    expectKineticError(() => betaIncomplete(-0.1, 1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => betaIncompleteInverse(2, 1, 1), "INVALID_ARGUMENT");
    expectKineticError(() => gammaPInverse(0.5, Infinity), "INVALID_ARGUMENT");
    // NaN arguments of the forward functions propagate, as in Math.*.
    expect(Number.isNaN(gammaP(1, NaN))).toBe(true);
    expect(Number.isNaN(betaIncomplete(NaN, 1, 1))).toBe(true);
  });
});

describe("Gauss–Legendre rules", () => {
  it("3-point rule is the textbook one", () => {
    const { nodes, weights } = gaussLegendre(3);
    expectAllClose(nodes, [-Math.sqrt(0.6), 0, Math.sqrt(0.6)], { rtol: 1e-15, atol: 1e-16 });
    expectAllClose(weights, [5 / 9, 8 / 9, 5 / 9], { rtol: 1e-15 });
  });

  it("n-point rule integrates polynomials of degree 2n - 1 exactly", () => {
    for (const n of [1, 2, 5, 8, 20]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let deg = 0; deg <= 2 * n - 1; deg++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += weights[q]! * nodes[q]! ** deg;
        const exact = deg % 2 === 1 ? 0 : 2 / (deg + 1);
        expectAllClose(s, exact, { rtol: 1e-13, atol: 1e-14, label: `n=${n}, degree ${deg}` });
      }
    }
  });

  it("rejects bad sizes", () => {
    for (const n of [0, 65, 2.5, NaN]) expectKineticError(() => gaussLegendre(n), "INVALID_ARGUMENT");
  });
});
