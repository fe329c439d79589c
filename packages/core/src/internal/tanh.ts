/**
 * An accurate tanh that V8 can inline (`Math.tanh` is a call into the runtime and dominates the
 * cost of tanh networks). Not exported from the package; the built-in `tanh` activation uses it.
 *
 * Algorithm, on a = |z| (the result is exactly odd): tanh a = e / (e + 2) with e = expm1(2a).
 * expm1 by table-driven range reduction: 2a = k·H + r with H = ln2/64 (as a double), k = round(2a/H),
 * |r| ≤ H/2; the subtraction r = 2a - fl(k·H) is exact (Sterbenz) and the table holds
 * E_k = expm1(fl(k·H)) for the same products, so e^{2a} = (1 + E_k) e^r exactly in real arithmetic
 * and e = E_k + (1 + E_k)·expm1(r) with a degree-6 Taylor polynomial for expm1(r) (truncation
 * below 3e-18 relative). a is clamped to 19.1, where the formula gives exactly 1 (tanh a rounds to 1
 * from a ≈ 18.7 on); this also maps ±Infinity to ±1. No other branch: the same arithmetic runs in
 * the WebAssembly SIMD kernels (`../wasm/tanh.ts`), bit for bit. Tested against Math.tanh over a
 * dense range (including subnormal arguments): a few ulps at most.
 * @packageDocumentation
 */

const H = Math.LN2 / 64;
const INV_H = 1 / H;
const K_MAX = 3529; // round(2 · 19.1 / H)
const MAGIC = 6755399441055744; // 1.5 · 2^52: adding and subtracting it rounds to the nearest integer
const EM1 = new Float64Array(K_MAX + 1);
const EP = new Float64Array(K_MAX + 1);
for (let k = 0; k <= K_MAX; k++) {
  EM1[k] = Math.expm1(k * H);
  EP[k] = 1 + EM1[k]!;
}

/** tanh(z) within a few ulps of the correctly rounded value; NaN for NaN. */
export function tanhFast(z: number): number {
  const a0 = z < 0 ? -z : z;
  const a = a0 > 19.1 ? 19.1 : a0; // NaN stays NaN
  const x = a + a;
  const kf = x * INV_H + MAGIC - MAGIC;
  const r = x - kf * H;
  const k = kf | 0;
  const r2 = r * r;
  const q = r * (1 + 0.5 * r + r2 * (1 / 6 + r * (1 / 24) + r2 * (1 / 120 + r * (1 / 720))));
  const e = EM1[k]! + EP[k]! * q;
  const t = e / (e + 2);
  return z < 0 ? -t : z === 0 ? z : t; // odd, with tanh(-0) = -0
}
