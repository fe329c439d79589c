import { describe, expect, it } from "vitest";
import type { KineticErrorCode } from "./errors.js";
import { expectKineticError } from "./testing.js";
import { createConstantNetwork, createNetwork, createScalarNetwork, layerAt, velocityInto, withWeights } from "./network.js";

describe("network constructors", () => {
  it("createNetwork flattens layers, copies inputs and sets dt/T", () => {
    const W = [
      [-1, 0.5, -0.5, -1],
      [-1, 0, 0, -1],
    ];
    const net = createNetwork({
      sigma: "tanh",
      d: 2,
      T: 1,
      W,
      b: [
        [0.1, 0],
        [0, 0.1],
      ],
    });
    expect(net.nLayers).toBe(2);
    expect(net.dt).toBe(0.5);
    expect(Array.from(net.W)).toEqual(W.flat());
    expect(net.constant).toBe(false);
    W[0]![0] = 99;
    expect(net.W[0]).toBe(-1);
    expect(Object.isFrozen(net)).toBe(true);
  });

  it("createConstantNetwork and createScalarNetwork", () => {
    const c = createConstantNetwork({ sigma: "identity", W: -1, b: 0.5, T: 2, nLayers: 4 });
    expect([c.d, c.nLayers, c.dt, c.constant]).toEqual([1, 4, 0.5, true]);
    const s = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, -1], b: 0, T: 3, K: 0.5 });
    expect([s.nLayers, s.dt, s.noise?.kind]).toEqual([3, 1, "constant"]);
  });

  it("layerAt and velocityInto", () => {
    const net = createScalarNetwork({ sigma: "relu", w: [1, -2], b: [0, 1], dt: 0.5 });
    expect([layerAt(net, 0), layerAt(net, 0.49), layerAt(net, 0.5), layerAt(net, 1), layerAt(net, 7), layerAt(net, -1)]).toEqual([
      0, 0, 1, 1, 1, 0,
    ]);
    expect(velocityInto(net, 1, [0.25], new Float64Array(1))[0]).toBe(0.5);
    expect(velocityInto(net, 1, [1], new Float64Array(1))[0]).toBe(0);
  });

  it("withWeights replaces parameters without touching the template", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [1, 1], b: [0, 0], T: 1 });
    const n2 = withWeights(net, [2, 3], [0, 1]);
    expect(Array.from(n2.W)).toEqual([2, 3]);
    expect(Array.from(net.W)).toEqual([1, 1]);
    expectKineticError(() => withWeights(net, [1], [0, 0]), "SHAPE_MISMATCH");
  });

  it.each<[string, () => unknown, KineticErrorCode]>([
    ["NaN weight", () => createNetwork({ sigma: "tanh", d: 1, W: [NaN], b: [0], T: 1 }), "INVALID_ARGUMENT"],
    ["Infinity bias", () => createNetwork({ sigma: "tanh", d: 1, W: [1], b: [Infinity], T: 1 }), "INVALID_ARGUMENT"],
    ["empty W", () => createNetwork({ sigma: "tanh", d: 1, W: [], b: [], T: 1 }), "INVALID_ARGUMENT"],
    ["d = 0", () => createNetwork({ sigma: "tanh", d: 0, W: [1], b: [0], T: 1 }), "INVALID_ARGUMENT"],
    ["negative dt", () => createNetwork({ sigma: "tanh", d: 1, W: [1], b: [0], dt: -0.1 }), "INVALID_ARGUMENT"],
    ["both dt and T", () => createNetwork({ sigma: "tanh", d: 1, W: [1], b: [0], dt: 0.1, T: 1 }), "INVALID_ARGUMENT"],
    ["neither dt nor T", () => createNetwork({ sigma: "tanh", d: 1, W: [1], b: [0] }), "INVALID_ARGUMENT"],
    ["layer counts differ", () => createNetwork({ sigma: "tanh", d: 1, W: [1, 2], b: [0], T: 1 }), "SHAPE_MISMATCH"],
    ["W not a multiple of d²", () => createNetwork({ sigma: "tanh", d: 2, W: [1, 2, 3], b: [0, 0], T: 1 }), "SHAPE_MISMATCH"],
    ["unknown activation", () => createNetwork({ sigma: "nope", d: 1, W: [1], b: [0], T: 1 }), "NOT_FOUND"],
    ["bad noise kind", () => createScalarNetwork({ sigma: "tanh", w: 1, b: 0, T: 1, K: { kind: "weird" } as never }), "INVALID_ARGUMENT"],
    ["noise K with NaN", () => createScalarNetwork({ sigma: "tanh", w: 1, b: 0, T: 1, K: NaN }), "INVALID_ARGUMENT"],
    ["scalar w and b arrays differ", () => createScalarNetwork({ sigma: "tanh", w: [1, 2], b: [0], T: 1 }), "SHAPE_MISMATCH"],
    [
      "constant network W of wrong size",
      () => createConstantNetwork({ sigma: "tanh", d: 2, W: [1, 2, 3], b: [0, 0], T: 1 }),
      "SHAPE_MISMATCH",
    ],
  ])("%s", (_l, f, code) => expectKineticError(f, code));
});
