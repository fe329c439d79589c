import { createRng } from "@kinetic-nde/core";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { createGrid1D, createGrid2D, type Grid1D, type Grid2D } from "@kinetic-nde/datasets";
import { describe, expect, it } from "vitest";
import {
  classificationDensityLoss,
  klDensityLoss,
  l2DensityLoss,
  momentDensityLoss,
  slicedW1DensityLoss,
  w1DensityLoss,
} from "./density-losses.js";
import { wasserstein1Grid } from "./wasserstein.js";
import type { DensityObjective } from "./objective.js";

const g1 = createGrid1D(-2, 3, 12);
const g2 = createGrid2D([-1, 1], [0, 2], 5, 4);

function randomDensity(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = 0.1 + rng.uniform();
  return f;
}

/**
 * Central differences of J in every f_{m,i} and θ_k, against the returned gradients. The smooth losses
 * have an O(h²) ≈ 1e-12 relative truncation error at h = 1e-6; the W1 losses are piecewise linear in f,
 * and at random data no kink lies within h, so the difference is exact up to rounding (≈ 1e-16/h).
 */
function checkGradient(obj: DensityObjective, f: Float64Array[], grid: Grid1D | Grid2D, theta = new Float64Array(obj.nParams)): void {
  const gradF = f.map((fm) => new Float64Array(fm.length).fill(Number.NaN));
  const gradTheta = new Float64Array(obj.nParams).fill(Number.NaN);
  const J = obj.evaluate(f, grid, theta, gradF, gradTheta);
  expect(Number.isFinite(J)).toBe(true);
  const h = 1e-6;
  const scale = Math.max(...gradF.flatMap((g) => Array.from(g, Math.abs)), ...Array.from(gradTheta, Math.abs));
  for (let m = 0; m < f.length; m++) {
    const fd = new Float64Array(f[m]!.length);
    for (let i = 0; i < fd.length; i++) {
      const fp = f.map((x) => x.slice()),
        fm = f.map((x) => x.slice());
      fp[m]![i] = fp[m]![i]! + h;
      fm[m]![i] = fm[m]![i]! - h;
      fd[i] = (obj.evaluate(fp, grid, theta, null, null) - obj.evaluate(fm, grid, theta, null, null)) / (2 * h);
    }
    expectAllClose(gradF[m]!, fd, { rtol: 1e-7, atol: 1e-7 * scale, label: `∂J/∂f[${m}]` });
  }
  if (obj.nParams > 0) {
    const fd = new Float64Array(obj.nParams);
    for (let k = 0; k < obj.nParams; k++) {
      const tp = theta.slice(),
        tm = theta.slice();
      tp[k] = tp[k]! + h;
      tm[k] = tm[k]! - h;
      fd[k] = (obj.evaluate(f, grid, tp, null, null) - obj.evaluate(f, grid, tm, null, null)) / (2 * h);
    }
    expectAllClose(gradTheta, fd, { rtol: 1e-7, atol: 1e-7 * scale, label: "∂J/∂θ_head" });
  }
}

describe("density losses", () => {
  it("L²: value by hand, gradient by central differences, shared and per-density targets", () => {
    const grid = createGrid1D(0, 1, 4);
    expect(
      l2DensityLoss(new Float64Array([1, 1, 1, 1])).evaluate([new Float64Array([2, 1, 1, 0])], grid, new Float64Array(0), null, null),
    ).toBe(0.25);
    checkGradient(l2DensityLoss(randomDensity(12, 1)), [randomDensity(12, 2), randomDensity(12, 3)], g1);
    checkGradient(l2DensityLoss([randomDensity(20, 1), randomDensity(20, 4)]), [randomDensity(20, 2), randomDensity(20, 3)], g2);
    expect(() =>
      l2DensityLoss([randomDensity(20, 1), randomDensity(20, 4)]).evaluate([randomDensity(12, 1)], g1, new Float64Array(0), null, null),
    ).toThrow(/target/);
  });

  it("KL(g‖f): zero at f = g, positive otherwise, exact gradient; a zero target cell uses the floor", () => {
    const g = randomDensity(12, 5);
    const loss = klDensityLoss(g, { floor: 1e-9 });
    expectAllClose(loss.evaluate([g], g1, new Float64Array(0), null, null), 0, { atol: 1e-15 });
    expect(loss.evaluate([randomDensity(12, 6)], g1, new Float64Array(0), null, null)).toBeGreaterThan(0);
    g[3] = 0;
    checkGradient(klDensityLoss(g, { floor: 1e-3 }), [randomDensity(12, 6)], g1);
    expect(() => klDensityLoss(g, { floor: 0 })).toThrow(/options.floor/);
    expect(() => klDensityLoss(new Float64Array([1, -1]))).toThrow(/target\[1\]/);
  });

  it("W1 in 1-D: the distance a unit mass is moved, the crossing-cell formula, exact subgradient", () => {
    const grid = createGrid1D(0, 4, 4);
    const at = (i: number) => {
      const f = new Float64Array(4);
      f[i] = 1;
      return f;
    };
    // A unit mass moved by k cells of width 1: W1 = k.
    for (let k = 1; k < 4; k++)
      expectAllClose(w1DensityLoss(at(0)).evaluate([at(k)], grid, new Float64Array(0), null, null), k, { rtol: 1e-15 });
    // F − G runs 0 → ½ → −½ → 0 → 0 at the nodes: two triangles of area ¼ and, in cell 1, a sign
    // change inside the cell: two triangles of height ½ and base ½ ⇒ ¼.
    const f = new Float64Array([0.5, 0, 0.5, 0]),
      t = new Float64Array([0, 1, 0, 0]);
    expectAllClose(w1DensityLoss(t).evaluate([f], grid, new Float64Array(0), null, null), 3 * 0.25, { rtol: 1e-15 });
    checkGradient(w1DensityLoss(randomDensity(12, 7)), [randomDensity(12, 8), randomDensity(12, 9)], g1);
    // For unit masses it is the W1 of the CDF-based distance between grid densities.
    const unit = (v: Float64Array) => v.map((x) => x / (v.reduce((a, b) => a + b, 0) * g1.dx));
    const a = unit(randomDensity(12, 30)),
      b = unit(randomDensity(12, 31));
    expectAllClose(w1DensityLoss(b).evaluate([a], g1, new Float64Array(0), null, null), wasserstein1Grid(g1, a, g1, b), { rtol: 1e-12 });
    expect(() => w1DensityLoss(randomDensity(20, 1)).evaluate([randomDensity(20, 2)], g2, new Float64Array(0), null, null)).toThrow(
      /1-D grid/,
    );
  });

  it("sliced W1 in 2-D: exact along an axis, exact subgradient with seeded and given directions", () => {
    const grid = createGrid2D([0, 1], [0, 1], 2, 2);
    const loss = slicedW1DensityLoss(new Float64Array([4, 0, 0, 0]), { directions: [1, 0] });
    expectAllClose(loss.evaluate([new Float64Array([0, 0, 4, 0])], grid, new Float64Array(0), null, null), 0.5, { rtol: 1e-15 });
    // Along y the two cells are at the same x: the direction (0, 2) (normalised) sees no difference.
    expectAllClose(
      slicedW1DensityLoss(new Float64Array([4, 0, 0, 0]), { directions: [0, 2] }).evaluate(
        [new Float64Array([0, 0, 4, 0])],
        grid,
        new Float64Array(0),
        null,
        null,
      ),
      0,
      { atol: 1e-15 },
    );
    checkGradient(slicedW1DensityLoss(randomDensity(20, 10), { nDirections: 7, seed: 3 }), [randomDensity(20, 11)], g2);
    checkGradient(
      slicedW1DensityLoss(randomDensity(20, 10), { directions: [1, 0.3, -0.2, 1] }),
      [randomDensity(20, 11), randomDensity(20, 12)],
      g2,
    );
    expect(() => slicedW1DensityLoss(randomDensity(20, 10), { directions: [0, 0] })).toThrow(/non-zero direction/);
  });

  it("moments: mean by hand, exact gradient of mean and covariance terms in 1-D and 2-D", () => {
    const grid = createGrid1D(0, 2, 2);
    expectAllClose(momentDensityLoss({ mean: [1] }).evaluate([new Float64Array([1, 0])], grid, new Float64Array(0), null, null), 0.125, {
      rtol: 1e-15,
    });
    checkGradient(momentDensityLoss({ mean: [0.3], covariance: [0.8], covarianceWeight: 2 }), [randomDensity(12, 13)], g1);
    checkGradient(
      momentDensityLoss([
        { mean: [0.1, 0.9], covariance: [0.2, 0.05, 0.05, 0.3] },
        { covariance: [0.5, -0.1, -0.1, 0.4], meanWeight: 0 },
      ]),
      [randomDensity(20, 14), randomDensity(20, 15)],
      g2,
    );
    expect(() => momentDensityLoss({ mean: [0, 0] }).evaluate([randomDensity(12, 1)], g1, new Float64Array(0), null, null)).toThrow(
      /targets.mean/,
    );
    expect(() => momentDensityLoss({})).toThrow(/mean or a covariance/);
  });

  it("classification: log C at a zero read-out, exact ∂J/∂f and ∂J/∂θ_head for both losses", () => {
    const loss = classificationDensityLoss({ nClasses: 2, dimension: 1 });
    const f = [randomDensity(12, 16), randomDensity(12, 17)];
    const mass = f.reduce((s, fm) => s + fm.reduce((a, b) => a + b, 0) * g1.dx, 0);
    expectAllClose(loss.evaluate(f, g1, new Float64Array(loss.nParams), null, null), mass * Math.log(2), { rtol: 1e-14 });
    const theta = randomDensity(4, 18).map((v) => v - 0.6);
    checkGradient(loss, f, g1, theta);
    checkGradient(classificationDensityLoss({ nClasses: 2, dimension: 1, loss: "squared" }), f, g1, theta);
    const three = classificationDensityLoss({ nClasses: 3, dimension: 2 });
    expect(three.nParams).toBe(9);
    checkGradient(
      three,
      [randomDensity(20, 19), randomDensity(20, 20), randomDensity(20, 21)],
      g2,
      randomDensity(9, 22).map((v) => 2 * v - 1.2),
    );
    expect(() => three.evaluate([randomDensity(20, 19)], g2, new Float64Array(9), null, null)).toThrow(/3 densities/);
    expect(() => classificationDensityLoss({ nClasses: 2, dimension: 1, loss: "hinge" as "squared" })).toThrow(/options.loss/);
  });
});
