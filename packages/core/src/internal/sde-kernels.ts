/**
 * Fused particle kernels of `solveSde`. Not exported from the package.
 * @packageDocumentation
 */
import { ACT_TANH, actValue } from "./kernels.js";
import { tanhFast } from "./tanh.js";
import { normalAt } from "./ziggurat.js";
import { wasmEulerMaruyamaTanh, wasmSdeBuffers } from "./wasm-euler.js";

const BIG = 1e150;

/** Result slots of {@link eulerMaruyamaPaths1D}: the earliest failing step and its lowest particle. */
export interface FailRecord {
  step: number;
  particle: number;
}

/**
 * One standard normal per stream for streams 0..m-1 into `xi` (`normalAt`, which V8 inlines into this
 * loop). Bit-identical to `NormalStreams.normal(p)` draws.
 */
function drawNormals(st: Uint32Array, m: number, xi: Float64Array): void {
  for (let p = 0; p < m; p++) xi[p] = normalAt(st, 4 * p);
}

/**
 * Euler–Maruyama for d = 1, constant K and a built-in activation on a block of m particles, step by
 * step: x ← x + h σ(w_s x + b_s) + kS ξ with ξ from stream p. Each step draws the block's normals
 * first (one pass, {@link drawNormals}) and then updates the block: with tanh in a WebAssembly SIMD
 * kernel where available (the same operations, so the same bits), otherwise in JavaScript.
 * Particles are the inner loop: their updates are independent, so the long latency of one update
 * (tanh, the divide) overlaps with the next particles'.
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
  const wasm = code === ACT_TANH ? wasmSdeBuffers(m) : null;
  // WebAssembly: the block alternates between two buffers (the old values decide whether a blow-up
  // is new); JavaScript: in place.
  let cur = wasm !== null ? wasm[0] : xs;
  let nxt = wasm !== null ? wasm[1] : xs;
  const xi = wasm !== null ? wasm[2] : new Float64Array(m);
  if (wasm !== null) cur.set(xs.subarray(0, m));
  let sv = 0;
  for (let step = 0; step < nSteps; step++) {
    while (sv < nSave && saveStep[sv] === step) saved.set(cur.subarray(0, m), sv++ * n + offset);
    const w = ws[step];
    const c = bs[step];
    drawNormals(st, m, xi);
    let bad = -1;
    if (wasm !== null) {
      if (!(wasmEulerMaruyamaTanh(cur, nxt, xi, m, w, c, h, kS) <= BIG)) {
        for (let p = 0; p < m; p++) {
          if (!(Math.abs(nxt[p]) <= BIG)) {
            nxt[p] = NaN;
            if (bad < 0 && cur[p] === cur[p]) bad = p; // a new blow-up (dead particles stay NaN)
          }
        }
      }
      const t = cur;
      cur = nxt;
      nxt = t;
    } else {
      for (let p = 0; p < m; p++) {
        const x = xs[p];
        const drift = code === ACT_TANH ? tanhFast(w * x + c) : actValue(code, alpha, w * x + c);
        const y = x + h * drift + kS * xi[p];
        if (Math.abs(y) <= BIG) xs[p] = y;
        else {
          xs[p] = NaN;
          if (bad < 0 && x === x) bad = p; // a new blow-up (dead particles stay NaN)
        }
      }
    }
    if (bad >= 0 && step < fail.step) {
      fail.step = step;
      fail.particle = offset + bad;
    }
  }
  while (sv < nSave && saveStep[sv] === nSteps) saved.set(cur.subarray(0, m), sv++ * n + offset);
  if (wasm !== null) xs.set(cur.subarray(0, m));
}
