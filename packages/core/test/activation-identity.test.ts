import { describe, expect, it } from "vitest";
import {
  activationInfo,
  BUILTIN_ACTIVATIONS,
  characteristic1D,
  computeGradient,
  createLeakyRelu,
  createNetwork,
  createScalarNetwork,
  getActivation,
  listActivations,
  registerActivation,
  resolveActivation,
  solveOde,
  solveSde,
  tanh,
  type Activation,
  type NetworkParams,
} from "../src/index.js";
import { expectAllClose, expectKineticError } from "../src/testing.js";

/** Hand-built objects that reuse a built-in name (a spread drops the record; the others never had one). */
const impostors: readonly Activation[] = [
  { ...tanh },
  { ...tanh, sigma: (z: number) => Math.tanh(z) },
  { ...getActivation("identity"), sigma: (z: number) => 2 * z },
  { ...createLeakyRelu(0.3) },
];

/** RK4 with fine steps: the reference for the closed-form characteristics. */
function rk4(sigma: (z: number) => number, w: number, b: number, x: number, t: number): number {
  const n = 4000;
  const h = t / n;
  for (let i = 0; i < n; i++) {
    const k1 = sigma(w * x + b);
    const k2 = sigma(w * (x + 0.5 * h * k1) + b);
    const k3 = sigma(w * (x + 0.5 * h * k2) + b);
    const k4 = sigma(w * (x + h * k3) + b);
    x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return x;
}

describe("activation records", () => {
  const all = [...listActivations(), createLeakyRelu(0.3), createLeakyRelu(0)];

  it("every built-in carries its own kind, one code per kind, α for leaky ReLU, and boundedness from its properties", () => {
    const codes = new Map<string, number>();
    for (const a of all) {
      const info = activationInfo(a);
      expect(Object.isFrozen(info)).toBe(true);
      expect(info.bounded).toBe(a.properties.bounded);
      if (info.kind === "custom") continue;
      expect(a.name === info.kind || a.name.startsWith(`${info.kind}(`)).toBe(true);
      const seen = codes.get(info.kind);
      if (seen !== undefined) expect(info.code).toBe(seen);
      codes.set(info.kind, info.code);
      expect(info.alpha).toBe(info.kind === "leaky-relu" ? a.params!["alpha"]! : 0);
    }
    expect([...codes.keys()].sort()).toEqual([...BUILTIN_ACTIVATIONS].sort());
    expect(new Set(codes.values()).size).toBe(BUILTIN_ACTIVATIONS.length);
    expect(activationInfo(createLeakyRelu(0.3)).alpha).toBe(0.3);
    expect(activationInfo(getActivation("leaky-relu(0.25)")).alpha).toBe(0.25);
  });

  it("the closed-form characteristic flag agrees with what characteristic1D can do (loop over the registry)", () => {
    for (const a of all) {
      const info = activationInfo(a);
      if (!info.closedFormCharacteristic) {
        expectKineticError(() => characteristic1D(a, -0.8, 0.3, 0.5, 1), "UNSUPPORTED");
        continue;
      }
      for (const [w, b, x0, t] of [
        [-0.8, 0.3, 0.5, 1],
        [0.6, -0.2, -1.1, 0.7],
        [-1.5, 0.4, 2, 2],
      ] as const) {
        const exact = characteristic1D(a, w, b, x0, t);
        expectAllClose([exact], [rk4(a.sigma, w, b, x0, t)], { rtol: 1e-9, atol: 1e-11 });
      }
    }
  });

  it("a registered custom activation is custom, keeps working on the generic paths, and has no closed form", () => {
    const cube = registerActivation({
      name: "identity-test-softsign",
      formula: "z/(1+|z|)",
      sigma: (z) => z / (1 + Math.abs(z)),
      dsigma: (z) => 1 / (1 + Math.abs(z)) ** 2,
      d2sigma: (z) => (-2 * Math.sign(z)) / (1 + Math.abs(z)) ** 3,
      properties: { zeroAtZero: true, positive: false, monotone: true, bounded: true, lipschitz: 1, smooth: true },
    });
    const info = activationInfo(cube);
    expect(info).toMatchObject({ kind: "custom", bounded: true, closedFormCharacteristic: false, steadyState: "numeric" });
    expect(resolveActivation("identity-test-softsign")).toBe(cube);
    expectKineticError(() => characteristic1D(cube, -1, 0, 1, 1), "UNSUPPORTED");
    const net = createScalarNetwork({ sigma: cube, w: -1, b: 0.2, T: 1, nLayers: 1 });
    const r = solveOde(net, Float64Array.of(0.5, -1), { method: "rk4", stepsPerLayer: 200 });
    expectAllClose(r.x, [rk4(cube.sigma, -1, 0.2, 0.5, 1), rk4(cube.sigma, -1, 0.2, -1, 1)], { rtol: 1e-10, atol: 1e-12 });
    // an unregistered object with a name of its own is custom too
    expect(activationInfo({ ...cube, name: "my-own" }).kind).toBe("custom");
  });

  it("refuses to register a built-in name, including leaky-relu(α)", () => {
    expectKineticError(() => registerActivation({ ...tanh }), "INVALID_ARGUMENT", /built-in/);
    expectKineticError(() => registerActivation({ ...tanh, name: "leaky-relu(0.5)" }), "INVALID_ARGUMENT", /built-in/);
  });
});

describe("a hand-built object named like a built-in is rejected by every entry point", () => {
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 1, nLayers: 4, K: 0.3 });
  const with_ = (sigma: Activation): NetworkParams => ({ ...net, sigma });
  const x0 = Float64Array.of(0.1, -0.4, 0.7);
  for (const fake of impostors) {
    it(`${fake.name} (hand-built)`, () => {
      const msg = /built-in activation/;
      expectKineticError(() => activationInfo(fake), "INVALID_ARGUMENT", msg);
      expectKineticError(() => resolveActivation(fake), "INVALID_ARGUMENT", msg);
      expectKineticError(() => createNetwork({ sigma: fake, d: 1, W: [-1], b: [0], T: 1 }), "INVALID_ARGUMENT", msg);
      expectKineticError(() => createScalarNetwork({ sigma: fake, w: -1, b: 0, T: 1 }), "INVALID_ARGUMENT", msg);
      expectKineticError(() => solveOde(with_(fake), x0), "INVALID_ARGUMENT", msg);
      expectKineticError(() => solveOde(with_(fake), x0, { method: "euler" }), "INVALID_ARGUMENT", msg);
      expectKineticError(() => solveSde(with_(fake), x0, { seed: 1 }), "INVALID_ARGUMENT", msg);
      expectKineticError(() => characteristic1D(fake, -1, 0, 1, 1), "INVALID_ARGUMENT", msg);
      expectKineticError(
        () => computeGradient({ x: x0, targets: Float64Array.of(0, 0, 0), loss: "mse", network: with_(fake) }),
        "INVALID_ARGUMENT",
        msg,
      );
    });
  }

  it("the registered objects themselves pass everywhere", () => {
    for (const name of [...BUILTIN_ACTIVATIONS, "leaky-relu(0.3)"]) {
      const a = getActivation(name);
      expect(activationInfo(a).kind).toBe(name.startsWith("leaky-relu") ? "leaky-relu" : name);
      expect(solveOde(with_(a), x0, { method: "euler" }).status).toBe("success");
    }
  });
});
