import { advectionStage1D, advectionStage2D, type FaceCoefficients1D, type FaceCoefficients2D } from "../fluxes.js";
import type { Grid2D } from "@kinetic-nde/datasets";

/**
 * Two forward-Euler upwind steps of equal size in one sweep (non-periodic boundaries only, n ≥ 3):
 * bitwise the same as two calls of advectionStage1D(c, ·, null, false, 0, ·, 1, c2, ·), with half the
 * memory traffic — the intermediate state lives in registers. Writes the two steps' net boundary
 * fluxes F_{n+1/2} - F_{1/2} to lost[at] and lost[at + 1].
 */
export function upwindEulerTwoSteps1D(
  c: FaceCoefficients1D,
  src: Float64Array,
  c2: number,
  dst: Float64Array,
  lost: Float64Array,
  at: number,
): void {
  const { ap, am } = c;
  const n = src.length;
  let s0 = src[0]!;
  const F01 = ap[0]! * s0 + am[0]! * s0;
  let Fl1 = F01;
  const s1 = src[1]!;
  const Fr0 = ap[1]! * s0 + am[1]! * s1;
  let v0 = s0 - c2 * (Fr0 - Fl1);
  Fl1 = Fr0;
  s0 = s1;
  const F02 = ap[0]! * v0 + am[0]! * v0;
  let Fl2 = F02;
  for (let j = 1; j < n - 1; j++) {
    const sn = src[j + 1]!;
    const Fr = ap[j + 1]! * s0 + am[j + 1]! * sn;
    const v1 = s0 - c2 * (Fr - Fl1);
    Fl1 = Fr;
    s0 = sn;
    const F2 = ap[j]! * v0 + am[j]! * v1;
    dst[j - 1] = v0 - c2 * (F2 - Fl2);
    Fl2 = F2;
    v0 = v1;
  }
  const FN1 = ap[n]! * s0 + am[n]! * s0;
  const vl = s0 - c2 * (FN1 - Fl1);
  const F2 = ap[n - 1]! * v0 + am[n - 1]! * vl;
  dst[n - 2] = v0 - c2 * (F2 - Fl2);
  const FN2 = ap[n]! * vl + am[n]! * vl;
  dst[n - 1] = vl - c2 * (FN2 - F2);
  lost[at] = FN1 - F01;
  lost[at + 1] = FN2 - F02;
}

/**
 * The JavaScript path of `wasmUpwindSteps1D`: `steps` first-order upwind Euler steps alternating between
 * `src` and `dst` (two steps per sweep where the boundary allows), bit-identical to single
 * advectionStage1D steps. Writes F_n - F_0 of step s to lost[at + s].
 * @returns true when the final state is in `dst`
 */
export function jsUpwindSteps1D(
  c: FaceCoefficients1D,
  src: Float64Array,
  dst: Float64Array,
  c2: number,
  steps: number,
  periodic: boolean,
  lost: Float64Array,
  at: number,
): boolean {
  let a = src,
    b = dst;
  const pairs = !periodic && src.length >= 3;
  for (let s = 0; s < steps; ) {
    if (pairs && s + 1 < steps) {
      upwindEulerTwoSteps1D(c, a, c2, b, lost, at + s);
      s += 2;
    } else {
      lost[at + s] = advectionStage1D(c, a, null, periodic, 0, a, 1, c2, b);
      s++;
    }
    const t = a;
    a = b;
    b = t;
  }
  return a === dst;
}

/**
 * The JavaScript path of `wasmUpwindSteps2D`: `steps` unsplit first-order upwind Euler steps
 * (advectionStage2D) alternating between `src` and `dst`; the net outward boundary flux of step s goes
 * to lost[at + s].
 * @returns true when the final state is in `dst`
 */
export function jsUpwindSteps2D(
  grid: Grid2D,
  c: FaceCoefficients2D,
  src: Float64Array,
  dst: Float64Array,
  cx: number,
  cy: number,
  steps: number,
  periodic: boolean,
  lost: Float64Array,
  at: number,
  rowL: Float64Array,
  rowR: Float64Array,
): boolean {
  let a = src,
    b = dst;
  for (let s = 0; s < steps; s++) {
    lost[at + s] = advectionStage2D(grid, c, a, null, null, periodic, 0, a, 1, cx, cy, b, rowL, rowR);
    const t = a;
    a = b;
    b = t;
  }
  return a === dst;
}
