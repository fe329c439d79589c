import { describe, expect, it } from "vitest";
import {
  BUILTIN_ACTIVATIONS,
  createLeakyRelu,
  getActivation,
  listActivations,
  registerActivation,
  resolveActivation,
  tanh,
  type Activation,
} from "./activations.js";
import type { KineticErrorCode } from "./errors.js";
import { expectAllClose, expectKineticError } from "./testing.js";

const POINTS = [-6, -2.5, -1, -0.3, 0.2, 0.7, 1.5, 4];

describe("built-in activations", () => {
  for (const name of [...BUILTIN_ACTIVATIONS, "leaky-relu(0.3)"]) {
    it(`${name}: σ' and σ'' match central differences`, () => {
      const a = getActivation(name);
      const e = 1e-5;
      for (const z of POINTS) {
        expectAllClose(a.dsigma(z), (a.sigma(z + e) - a.sigma(z - e)) / (2 * e), { rtol: 1e-8, atol: 1e-9, label: `${name} σ'(${z})` });
        expectAllClose(a.d2sigma(z), (a.dsigma(z + e) - a.dsigma(z - e)) / (2 * e), { rtol: 1e-6, atol: 1e-8, label: `${name} σ''(${z})` });
      }
      expect(Number.isNaN(a.sigma(NaN))).toBe(true);
    });
  }

  it("properties agree with the functions", () => {
    for (const a of listActivations().slice(0, 6)) {
      if (a.properties.zeroAtZero) expect(a.sigma(0)).toBe(0);
      if (a.properties.positive) for (const z of POINTS) expect(a.sigma(z)).toBeGreaterThan(0);
      if (a.properties.bounded) expect(Math.abs(a.sigma(1e6))).toBeLessThanOrEqual(1);
      for (const z of POINTS) expect(Math.abs(a.dsigma(z))).toBeLessThanOrEqual(a.properties.lipschitz + 1e-15);
    }
  });

  it("tanh is within 4 ε (relative) of Math.tanh over a dense range and exactly odd", () => {
    let worst = 0;
    let odd = true;
    const n = 200_000;
    for (let i = 0; i <= n; i++) {
      for (const z of [-30 + (60 * i) / n, 10 ** (-14 + (16 * i) / n)]) {
        const t = tanh.sigma(z);
        const ref = Math.tanh(z);
        const err = ref === 0 ? (t === 0 ? 0 : Infinity) : Math.abs(t - ref) / (Math.abs(ref) * Number.EPSILON);
        worst = Math.max(worst, err);
        if (tanh.sigma(-z) !== -t) odd = false;
      }
    }
    expect(worst).toBeLessThan(4);
    expect(odd).toBe(true);
    expect(tanh.sigma(Infinity)).toBe(1);
    expect(tanh.sigma(-Infinity)).toBe(-1);
    expect(Object.is(tanh.sigma(-0), -0)).toBe(true);
    expect(tanh.sigma(NaN)).toBeNaN();
    // Tiny and subnormal arguments (no special branch: the formula itself): within 4 ulps.
    let worstTiny = 0;
    for (let i = 0; i <= 20_000; i++) {
      const z = 10 ** (-323 + (315 * i) / 20_000);
      const ulp = Math.max(Number.EPSILON * Math.abs(Math.tanh(z)), Number.MIN_VALUE);
      worstTiny = Math.max(worstTiny, Math.abs(tanh.sigma(z) - Math.tanh(z)) / ulp);
    }
    expect(worstTiny).toBeLessThanOrEqual(4);
  });

  it("sigmoid and softplus do not overflow", () => {
    const s = getActivation("sigmoid");
    const sp = getActivation("softplus");
    expect(s.sigma(-800)).toBe(0);
    expect(s.sigma(800)).toBe(1);
    expect(sp.sigma(800)).toBe(800);
    expect(sp.sigma(-800)).toBe(0);
  });
});

describe("registry", () => {
  const cube: Activation = {
    name: "test-cube",
    formula: "z^3",
    sigma: (z) => z ** 3,
    dsigma: (z) => 3 * z * z,
    d2sigma: (z) => 6 * z,
    properties: { zeroAtZero: true, positive: false, monotone: true, bounded: false, lipschitz: Infinity, smooth: true },
  };

  it("registers, resolves and lists user activations", () => {
    const reg = registerActivation(cube, { replace: true });
    expect(getActivation("test-cube")).toBe(reg);
    expect(resolveActivation("test-cube")).toBe(reg);
    expect(resolveActivation(cube)).toBe(cube);
    expect(
      listActivations()
        .map((a) => a.name)
        .slice(0, 6),
    ).toEqual([...BUILTIN_ACTIVATIONS]);
    expect(listActivations().map((a) => a.name)).toContain("test-cube");
    expect(getActivation("leaky-relu(0.25)").params).toEqual({ alpha: 0.25 });
  });

  it.each<[string, () => unknown, KineticErrorCode]>([
    ["unknown name", () => getActivation("swish-9"), "NOT_FOUND"],
    ["built-in name", () => registerActivation({ ...cube, name: "tanh" }), "INVALID_ARGUMENT"],
    [
      "duplicate without replace",
      () => (registerActivation({ ...cube, name: "test-dup" }, { replace: true }), registerActivation({ ...cube, name: "test-dup" })),
      "INVALID_ARGUMENT",
    ],
    ["bad name", () => registerActivation({ ...cube, name: "bad name!" }), "INVALID_ARGUMENT"],
    [
      "missing dsigma",
      () => registerActivation({ ...cube, name: "test-x", dsigma: undefined as unknown as (z: number) => number }),
      "INVALID_ARGUMENT",
    ],
    ["not an object", () => registerActivation(null as unknown as Activation), "INVALID_ARGUMENT"],
    ["resolve a number", () => resolveActivation(3 as unknown as string), "INVALID_ARGUMENT"],
    ["leaky α = 1", () => createLeakyRelu(1), "INVALID_ARGUMENT"],
    ["leaky α < 0", () => createLeakyRelu(-0.1), "INVALID_ARGUMENT"],
    ["leaky α NaN", () => createLeakyRelu(NaN), "INVALID_ARGUMENT"],
  ])("%s", (_l, f, code) => expectKineticError(f, code));
});
