import { describe, expect, it } from "vitest";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core";
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
  trigamma,
} from "./special.js";
import { gaussLegendre } from "./quadrature.js";

// Reference values: scipy.special 1.10 (erf, erfc, gammaln, polygamma, betainc, gammainc,
// gammaincc) and scipy.stats.norm.ppf, printed with repr().
describe("special functions against reference values", () => {
  it("erf and erfc", () => {
    expectAllClose([-2.5, 0.3, 1.2, 3.1].map(erf), [-0.999593047982555, 0.3286267594591274, 0.9103139782296353, 0.9999883513426328], { rtol: 2e-15 });
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
    expectAllClose([0.25, 3.5, 17.2, 250].map(logGamma), [1.2880225246980774, 1.2009736023470743, 31.233769658856147, 1128.5237708729908], { rtol: 1e-14 });
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
    const args = [[0.2, 0.5, 3], [0.6, 4, 7], [0.95, 30, 2], [0.5, 0.5, 0.5]] as const;
    expectAllClose(args.map(([x, a, b]) => betaIncomplete(x, a, b)), [0.7334302966199312, 0.9452381183999999, 0.5365969098573433, 0.5], { rtol: 1e-13 });
    for (const x of [0.01, 0.3, 0.77, 0.999]) {
      expectAllClose(betaIncomplete(x, 1, 1), x, { rtol: 1e-14 });
      expectAllClose(betaIncomplete(x, 2.5, 1), x ** 2.5, { rtol: 1e-13 });
      expectAllClose(betaIncomplete(x, 1, 3), 1 - (1 - x) ** 3, { rtol: 1e-13 });
      expectAllClose(betaIncomplete(x, 3, 3) + betaIncomplete(1 - x, 3, 3), 1, { rtol: 1e-14 });
    }
    expectKineticError(() => betaIncomplete(1.2, 1, 1), "INVALID_ARGUMENT");
  });

  it("regularised incomplete gamma: reference values and closed forms", () => {
    const pa = [[0.3, 0.1], [2.5, 4], [10, 3], [100, 110]] as const;
    expectAllClose(pa.map(([a, x]) => gammaP(a, x)), [0.5459128495917965, 0.8437643724222779, 0.0011024881301154815, 0.8417213299399129], { rtol: 1e-12 });
    const qa = [[0.3, 5], [2.5, 30], [10, 20]] as const;
    expectAllClose(qa.map(([a, x]) => gammaQ(a, x)), [0.0006513187507184515, 1.2154569777183007e-11, 0.0049954123083075785], { rtol: 1e-12 });
    for (const x of [0.1, 1, 7, 40]) {
      expectAllClose(gammaQ(1, x), Math.exp(-x), { rtol: 1e-13 });
      expectAllClose(gammaP(0.5, x * x), erf(x), { rtol: 1e-13 });
    }
  });

  it("inverses invert", () => {
    for (const [a, b] of [[0.5, 0.5], [2, 5], [0.3, 8], [40, 3]] as const) {
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

