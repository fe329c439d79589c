import type { FaceCoefficients1D } from "../fluxes.js";

/**
 * Two forward-Euler upwind steps of equal size in one sweep (non-periodic boundaries only):
 * bitwise the same as two calls of advectionStage1D(c, ·, null, false, 0, ·, 1, c2, ·), with half the
 * memory traffic — the intermediate state lives in registers. Returns the sum of the two steps'
 * net boundary fluxes (F_{n+1/2} - F_{1/2}).
 */
export function upwindEulerTwoSteps1D(c: FaceCoefficients1D, src: Float64Array, c2: number, dst: Float64Array): number {
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
  return FN1 - F01 + (FN2 - F02);
}

