import { describe, expect, it } from "vitest";
import { createNetwork, createScalarNetwork, layerAt } from "./network.js";
import { solveOde } from "./ode.js";
import { solveSde } from "./sde.js";
import { expectKineticError } from "./testing.js";
import { TIMELINE_ULPS, layerIndexAt, resolveTimeline } from "./timeline.js";

/** Save times as the CLI's `simulate` builds them: layer boundaries, rounded through (s·L/(n-1))·T/L. */
function cliSaveTimes(T: number, L: number, nSave: number): number[] {
  return Array.from({ length: nSave }, (_, s) => (Math.round((s * L) / (nSave - 1)) * T) / L);
}

describe("resolveTimeline", () => {
  it("segments lie in one layer, end at every save time and boundary, and cover [0, T]", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, -2, 0.5], b: 0, T: 3 });
    const tl = resolveTimeline(net, [0, 0, 0.5, 1, 2.25, 3, 3]);
    expect(tl.initialSaves).toBe(2);
    expect(Array.from(tl.boundaries)).toEqual([1, 2]);
    expect(tl.segments.map((s) => [s.layer, s.t0, s.t1, s.saveFrom, s.saveTo])).toEqual([
      [0, 0, 0.5, 2, 3],
      [0, 0.5, 1, 3, 4],
      [1, 1, 2, 4, 4],
      [2, 2, 2.25, 4, 5],
      [2, 2.25, 3, 5, 7],
    ]);
    for (let i = 1; i < tl.segments.length; i++) expect(tl.segments[i]!.t0).toBe(tl.segments[i - 1]!.t1);
  });

  it("a count gives evenly spaced times ending exactly at tEnd; the default is none or the layer boundaries", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [1, 2, 3], b: 0, T: 0.3 });
    const tl = resolveTimeline(net, 4);
    expect(tl.saveAt[0]).toBe(0);
    expect(tl.saveAt[3]).toBe(net.T);
    expect(resolveTimeline(net, 1).saveAt).toEqual(Float64Array.of(net.T));
    expect(resolveTimeline(net, undefined).saveAt.length).toBe(0);
    expect(Array.from(resolveTimeline(net, undefined, { defaultSaveAt: "layers" }).saveAt)).toEqual([0, net.dt, 2 * net.dt, net.T]);
  });

  it("rounding rule: within 16 ulps of 0 or T snaps, clearly outside is an error naming saveAt", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 0.1, nLayers: 3 });
    const eps = TIMELINE_ULPS * Number.EPSILON * net.T;
    const tl = resolveTimeline(net, [-0.5 * eps, 0.05, net.T + 0.5 * eps]);
    expect(Array.from(tl.saveAt)).toEqual([0, 0.05, net.T]);
    expectKineticError(() => resolveTimeline(net, [0, net.T * (1 + 1e-9)]), "INVALID_ARGUMENT");
    expect(() => resolveTimeline(net, [-1e-9])).toThrow(/saveAt\[0\]/);
    expectKineticError(() => resolveTimeline(net, [0.05, 0.02]), "INVALID_ARGUMENT"); // unsorted: an error, never sorted
    expectKineticError(() => resolveTimeline(net, [NaN]), "INVALID_ARGUMENT");
    expectKineticError(() => resolveTimeline(net, 0), "INVALID_ARGUMENT");
    expectKineticError(() => resolveTimeline(net, 2.5), "INVALID_ARGUMENT");
    expectKineticError(() => resolveTimeline(net, "1" as never), "INVALID_ARGUMENT");
    expectKineticError(() => resolveTimeline(net, 1e9, { stateSize: 1e6 }), "TOO_LARGE");
    expectKineticError(() => resolveTimeline(net, [0.01], { tEnd: -1 }), "INVALID_ARGUMENT");
    // a Float64Array is accepted like an array
    expect(resolveTimeline(net, Float64Array.of(0, 0.1)).saveAt).toEqual(Float64Array.of(0, net.T));
  });

  it("a layer boundary within round-off of a save time moves onto it: no step of ~1e-17", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [-1, -0.5, -1, 0.2, -1], b: 0, dt: 0.1 });
    expect(3 * 0.1).not.toBe(0.3);
    const tl = resolveTimeline(net, [0.3, 0.5]);
    expect(Array.from(tl.saveAt)).toEqual([0.3, 0.5]);
    for (const s of tl.segments) expect(s.t1 - s.t0).toBeGreaterThan(0.09);
    expect(tl.segments.map((s) => s.layer)).toEqual([0, 1, 2, 3, 4]);
  });

  it("layerIndexAt (and network layerAt) count a time within round-off below a boundary as the boundary", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [1, 2, 3, 4], b: 0, dt: 0.1 });
    expect(layerIndexAt(net, 0.3)).toBe(3); // 0.3 < 3 · 0.1 by one ulp
    expect(layerIndexAt(net, 0.29)).toBe(2);
    expect(layerIndexAt(net, -1)).toBe(0);
    expect(layerIndexAt(net, 99)).toBe(3);
    expect(layerAt(net, 0.3)).toBe(3);
  });

  it("tSpan start t0 > 0: segments start in the layer acting at t0", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: [1, 2, 3], b: 0, T: 3 });
    const tl = resolveTimeline(net, [1.5, 2.5], { t0: 1.2, tEnd: 4 });
    expect(tl.segments.map((s) => [s.layer, s.t0, s.t1])).toEqual([
      [1, 1.2, 1.5],
      [1, 1.5, 2],
      [2, 2, 2.5],
      [2, 2.5, 4],
    ]);
  });

  it("evenly spaced save times as the CLI builds them always resolve, for many (T, layers) pairs", () => {
    let pairs = 0;
    let roundedPast = 0;
    for (let i = 1; i <= 60; i++) {
      const T = i * 0.0173 + (i % 7) * 0.1;
      for (let L = 1; L <= 40; L++) {
        const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T, nLayers: L });
        for (const nSave of [2, L + 1]) {
          const times = cliSaveTimes(net.T, L, nSave);
          if (times[times.length - 1]! > net.T) roundedPast++;
          const tl = resolveTimeline(net, times);
          expect(tl.saveAt[tl.saveAt.length - 1]).toBe(net.T);
          expect(tl.saveAt.length).toBe(nSave);
          pairs++;
        }
      }
    }
    expect(pairs).toBe(4800);
    // the rule matters: a few percent of these save times round past T
    expect(roundedPast).toBeGreaterThan(0);
  });

  it("simulate --T 0.1 --layers 3: ODE and SDE accept the CLI's save times", () => {
    const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.2, T: 0.1, nLayers: 3, K: 0.3 });
    const times = cliSaveTimes(net.T, 3, 4);
    const x0 = Float64Array.of(-1, 0, 1);
    const ode = solveOde(net, x0, { method: "euler", saveAt: times });
    const sde = solveSde(net, x0, { saveAt: times, seed: 1 });
    expect(ode.status).toBe("success");
    expect(sde.status).toBe("success");
    expect(ode.saveAt).toEqual(resolveTimeline(net, times).saveAt);
    expect(sde.saveAt).toEqual(ode.saveAt);
    // the last save is the final state
    expect(ode.saved.subarray(9, 12)).toEqual(ode.x);
  });

  it("2-D networks and bad params", () => {
    const net = createNetwork({
      sigma: "identity",
      d: 2,
      T: 1,
      W: [
        [-1, 0, 0, -1],
        [-2, 0, 0, -2],
      ],
      b: [
        [0, 0],
        [0, 0],
      ],
    });
    expect(resolveTimeline(net, 3).segments.map((s) => s.layer)).toEqual([0, 1]);
    expectKineticError(() => resolveTimeline(null as never, 3), "INVALID_ARGUMENT");
  });
});
