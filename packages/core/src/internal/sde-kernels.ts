/**
 * Fused particle kernels of `solveSde`. Not exported from the package.
 * @packageDocumentation
 */
import { ACT_TANH, actValue } from "./kernels.js";
import { tanhFast } from "./tanh.js";
import { normalSlow, ZIG_QS, ZIG_XS } from "./ziggurat.js";

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 1 / 9007199254740992;
const BIG = 1e150;

/** Result slots of {@link eulerMaruyamaPaths1D}: the earliest failing step and its lowest particle. */
export interface FailRecord {
  step: number;
  particle: number;
}

/**
 * Euler–Maruyama for d = 1, constant K and a built-in activation on a block of m particles, step by
 * step: x ← x + h σ(w_s x + b_s) + kS ξ with ξ from stream p (the ziggurat fast path of `normalAt`
 * inlined; its rare cases go through `normalSlow` with the state written back). Particles are the
 * inner loop: their updates are independent, so the long latency of one update (tanh, the divide)
 * overlaps with the next particles'. Bit-identical to `NormalStreams.normal(p)` draws.
 *
 * @param ws - per-step weight w_s (nSteps values); bs - per-step bias
 * @param st - xoshiro states of the m streams (4 words each), advanced in place
 * @param xs - the m particles, updated in place (NaN once a particle blows up)
 * @param saveStep - sorted step indices at which to record the block into
 *   `saved[s * n + offset .. + m]`
 * @param fail - updated with the earliest failure (step, then lowest particle index + offset)
 */
export function eulerMaruyamaPaths1D(
  code: number,
  alpha: number,
  ws: Float64Array,
  bs: Float64Array,
  nSteps: number,
  h: number,
  kS: number,
  st: Uint32Array,
  xs: Float64Array,
  m: number,
  saveStep: Int32Array,
  saved: Float64Array,
  n: number,
  offset: number,
  fail: FailRecord,
): void {
  const nSave = saveStep.length;
  // Module bindings read once into locals: V8 re-reads (and hole-checks) imported bindings in loops.
  const QS = ZIG_QS;
  const XS = ZIG_XS;
  const slow = normalSlow;
  let sv = 0;
  for (let step = 0; step < nSteps; step++) {
    while (sv < nSave && saveStep[sv] === step) saved.set(xs.subarray(0, m), (sv++) * n + offset);
    const w = ws[step];
    const c = bs[step];
    let bad = -1;
    for (let p = 0; p < m; p++) {
      const x = xs[p];
      const drift = code === ACT_TANH ? tanhFast(w * x + c) : actValue(code, alpha, w * x + c);
      const o = 4 * p;
      let s0 = st[o] | 0;
      let s1 = st[o + 1] | 0;
      let s2 = st[o + 2] | 0;
      let s3 = st[o + 3] | 0;
      // Two xoshiro128** outputs (a, then b), exactly as normalAt.
      let t = Math.imul(s1, 5);
      const a = Math.imul((t << 7) | (t >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      t = Math.imul(s1, 5);
      const b = Math.imul((t << 7) | (t >>> 25), 9) >>> 0;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      st[o] = s0;
      st[o + 1] = s1;
      st[o + 2] = s2;
      st[o + 3] = (s3 << 11) | (s3 >>> 21);
      const j = a & 511;
      const u = ((a >>> 11) * TWO_POW_32 + b) * TWO_POW_M53;
      const xi = u < QS[j] ? u * XS[j] : slow(st, o, j & 255, u, a & 256);
      const y = x + h * drift + kS * xi;
      if (Math.abs(y) <= BIG) xs[p] = y;
      else {
        xs[p] = NaN;
        if (bad < 0 && x === x) bad = p; // a new blow-up (dead particles stay NaN)
      }
    }
    if (bad >= 0 && step < fail.step) {
      fail.step = step;
      fail.particle = offset + bad;
    }
  }
  while (sv < nSave && saveStep[sv] === nSteps) saved.set(xs.subarray(0, m), (sv++) * n + offset);
}
