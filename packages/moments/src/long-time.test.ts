import { createConstantNetwork, createNetwork, createScalarNetwork } from "@kinetic-nde/core";
import { expectAllClose, expectKineticError } from "@kinetic-nde/core/testing";
import { describe, expect, it } from "vitest";
import { describeLongTime } from "./long-time.js";

describe("describeLongTime", () => {
  it("1-D aggregation without noise: δ at x* = -b/w, rates w and 2w", () => {
    const r = describeLongTime(createScalarNetwork({ sigma: "identity", w: -2, b: 1, T: 1 }));
    expect(r.regime).toBe("aggregation");
    expect(r.meanRate).toBe(-2);
    expect(r.varianceRate).toBe(-4);
    expectAllClose(r.limitMean, [0.5], { rtol: 1e-15 });
    expectAllClose(r.limitCovariance, [0], { atol: 0 });
    expect(r.steadyState.kind).toBe("delta");
    expectAllClose(r.halfLife, Math.LN2 / 2, { rtol: 1e-15 });
    expect(r.summary).toMatch(/aggregation/);
    expect(r.summary).toMatch(/point mass/);
  });

  it("1-D Ornstein–Uhlenbeck: variance → D/|w|", () => {
    const r = describeLongTime(createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 1, K: 0.5 }));
    expectAllClose(r.limitCovariance, [0.125], { rtol: 1e-14 });
    expect(r.steadyState.kind).toBe("gaussian");
    expect(r.summary).toMatch(/D\/\|w\|/);
  });

  it("1-D spreading: the mean escapes on the side of mean0", () => {
    const p = createScalarNetwork({ sigma: "identity", w: 0.5, b: -1, T: 1 });
    expect(describeLongTime(p, { mean0: [3] }).limitMean[0]).toBe(Infinity);
    expect(describeLongTime(p, { mean0: [1] }).limitMean[0]).toBe(-Infinity);
    const r = describeLongTime(p);
    expect(r.regime).toBe("spreading");
    expectAllClose(r.fixedPoint!, [2], { rtol: 1e-15 });
    expect(r.steadyState.kind).toBe("none");
    expect(r.limitCovariance[0]).toBe(Infinity);
  });

  it("translation (w = 0) and the last layer of a layered network", () => {
    const t = describeLongTime(createScalarNetwork({ sigma: "identity", w: 0, b: 1, T: 1 }));
    expect(t.regime).toBe("translation");
    expect(t.limitMean[0]).toBe(Infinity);
    const l = describeLongTime(createScalarNetwork({ sigma: "identity", w: [1, -1], b: [0, 2], T: 1 }));
    expect(l.basedOn).toBe("last-layer");
    expectAllClose(l.limitMean, [2], { rtol: 1e-15 });
  });

  it("2-D: spectral abscissa of a rotation-contraction and the Lyapunov covariance", () => {
    const D = [0.1, 0, 0, 0.1];
    const r = describeLongTime(createConstantNetwork({ sigma: "identity", W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 1 }), { D });
    expect(r.regime).toBe("aggregation");
    expectAllClose(r.meanRate, -1, { rtol: 1e-15 });
    // W = -I + skew: C∞ = D·I (the skew part commutes), 2·(-1)·C + 0.2 = 0 → C = 0.1 I.
    expectAllClose(r.limitCovariance, [0.1, 0, 0, 0.1], { rtol: 1e-13, atol: 1e-16 });
  });

  it("d = 3: spectral abscissa by bisection matches a block-diagonal matrix", () => {
    const W = [-0.3, 2, 0, -2, -0.3, 0, 0, 0, -1.5]; // eigenvalues -0.3 ± 2i, -1.5
    const r = describeLongTime(createNetwork({ sigma: "identity", d: 3, W, b: [1, 0, 0], T: 1 }));
    expectAllClose(r.meanRate, -0.3, { rtol: 1e-9 });
    expect(r.regime).toBe("aggregation");
    const s = describeLongTime(createNetwork({ sigma: "identity", d: 3, W: [0.2, 2, 0, -2, 0.2, 0, 0, 0, -1.5], b: [0, 0, 0], T: 1 }));
    expect(s.regime).toBe("spreading");
    expectAllClose(s.meanRate, 0.2, { rtol: 1e-9 });
  });

  it("refuses nonlinear activations", () => {
    expectKineticError(() => describeLongTime(createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 })), "UNSUPPORTED");
  });
});
