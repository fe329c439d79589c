/**
 * Specialised kernels of the particle solvers: hot loops switch on the activation's kernel code
 * (from its record, `activationInfo`) instead of calling `sigma.sigma` per element. Not exported
 * from the package.
 * @packageDocumentation
 */
import { tanhFast } from "./tanh.js";
import type { Activation } from "../activations.js";
import { ACT_IDENTITY, ACT_LEAKY, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH } from "./activation-codes.js";

export { ACT_IDENTITY, ACT_LEAKY, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH, ACT_USER } from "./activation-codes.js";

/** The part of an activation's record the kernels read: its code and the leaky-ReLU slope. */
export interface ActivationKernel {
  readonly code: number;
  readonly alpha: number;
}

/** The logistic function for z < 0, written exactly as in `activations.ts` (bit-identical results). */
function logisticNeg(z: number): number {
  const e = Math.exp(z);
  return e / (1 + e);
}

/** σ(z) for a built-in code (USER is handled by the caller). Small enough for V8 to inline. */
export function actValue(code: number, alpha: number, z: number): number {
  switch (code) {
    case ACT_IDENTITY:
      return z;
    case ACT_TANH:
      return tanhFast(z);
    case ACT_SIGMOID:
      return z >= 0 ? 1 / (1 + Math.exp(-z)) : logisticNeg(z);
    case ACT_RELU:
      return z < 0 ? 0 : z; // exactly the expressions of activations.ts (NaN propagates)
    case ACT_LEAKY:
      return z < 0 ? alpha * z : z;
    default:
      return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }
}

/**
 * Apply σ in place to `z[0..n)` (the second pass of a velocity evaluation).
 */
export function applyActivationInPlace(a: Activation, k: ActivationKernel, z: Float64Array, n: number): void {
  switch (k.code) {
    case ACT_IDENTITY:
      return;
    case ACT_TANH:
      for (let i = 0; i < n; i++) z[i] = tanhFast(z[i]);
      return;
    case ACT_SIGMOID:
      for (let i = 0; i < n; i++) {
        const v = z[i];
        z[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : logisticNeg(v);
      }
      return;
    case ACT_RELU:
      for (let i = 0; i < n; i++) if (z[i] < 0) z[i] = 0;
      return;
    case ACT_LEAKY: {
      const al = k.alpha;
      for (let i = 0; i < n; i++) {
        const v = z[i];
        if (v < 0) z[i] = al * v;
      }
      return;
    }
    case ACT_SOFTPLUS:
      for (let i = 0; i < n; i++) {
        const v = z[i];
        z[i] = (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return;
    default: {
      const s = a.sigma;
      for (let i = 0; i < n; i++) z[i] = s(z[i]);
    }
  }
}

/**
 * Velocities of layer `k` for an ensemble: out[i*d + r] = σ((W^k x_i)_r + b^k_r) for i < M.
 * Two passes (affine map with 1-D/2-D fast paths, then σ in place); allocation-free.
 */
export function velocityEnsembleInto(
  a: Activation,
  kern: ActivationKernel,
  W: Float64Array,
  b: Float64Array,
  d: number,
  layer: number,
  x: Float64Array,
  M: number,
  out: Float64Array,
): void {
  const n = M * d;
  if (d === 1) {
    const w = W[layer];
    const c = b[layer];
    for (let i = 0; i < n; i++) out[i] = w * x[i] + c;
  } else if (d === 2) {
    const o = layer * 4;
    const w00 = W[o],
      w01 = W[o + 1],
      w10 = W[o + 2],
      w11 = W[o + 3];
    const b0 = b[layer * 2],
      b1 = b[layer * 2 + 1];
    for (let i = 0; i < n; i += 2) {
      const x0 = x[i];
      const x1 = x[i + 1];
      out[i] = w00 * x0 + w01 * x1 + b0;
      out[i + 1] = w10 * x0 + w11 * x1 + b1;
    }
  } else {
    const wo = layer * d * d;
    const bo = layer * d;
    for (let p = 0; p < n; p += d) {
      for (let r = 0; r < d; r++) {
        let z = 0;
        const row = wo + r * d;
        for (let j = 0; j < d; j++) z += W[row + j] * x[p + j];
        out[p + r] = z + b[bo + r]; // (Σ_j W_rj x_j) + b_r, the same order as the d ≤ 2 paths
      }
    }
  }
  applyActivationInPlace(a, kern, out, n);
}

/** Blow-up threshold shared by the integrators. */
export const BIG = 1e150;

/**
 * Fused 1-D Euler step target[i] = x[i] + h σ(w x[i] + b) for a built-in code (target may be x).
 * Separate small functions per dimension keep each loop monomorphic for the optimiser.
 * @returns -1 when every element is finite and at most 1e150 in magnitude; otherwise 0 (the
 *   caller scans `target` for the element)
 */
export function eulerFused1D(
  code: number,
  alpha: number,
  w: number,
  b: number,
  h: number,
  x: Float64Array,
  target: Float64Array,
  n: number,
): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const v = xi + h * actValue(code, alpha, w * xi + b);
    target[i] = v;
    acc += Math.abs(v);
  }
  // Σ|v| is NaN, infinite or > 1e150 whenever one element is (no false negatives); the caller
  // locates the element. A running sum costs less than a compare and branch per element.
  return acc <= BIG ? -1 : 0;
}

/** Fused 2-D Euler step with z = (W x) + b per particle; see {@link eulerFused1D}. */
export function eulerFused2D(
  code: number,
  alpha: number,
  W: Float64Array,
  b: Float64Array,
  layer: number,
  h: number,
  x: Float64Array,
  target: Float64Array,
  n: number,
): number {
  const o = layer * 4;
  const w00 = W[o],
    w01 = W[o + 1],
    w10 = W[o + 2],
    w11 = W[o + 3];
  const b0 = b[layer * 2],
    b1 = b[layer * 2 + 1];
  let acc = 0;
  for (let i = 0; i < n; i += 2) {
    const x0 = x[i];
    const x1 = x[i + 1];
    const v0 = x0 + h * actValue(code, alpha, w00 * x0 + w01 * x1 + b0);
    const v1 = x1 + h * actValue(code, alpha, w10 * x0 + w11 * x1 + b1);
    target[i] = v0;
    target[i + 1] = v1;
    acc += Math.abs(v0) + Math.abs(v1);
  }
  return acc <= BIG ? -1 : 0;
}

/**
 * {@link eulerFused1D} specialised to tanh (the common case): a loop with one inlined callee keeps
 * V8's code small and branch-free besides the blow-up test. Bit-identical to the generic kernel.
 */
export function eulerTanh1D(w: number, b: number, h: number, x: Float64Array, target: Float64Array, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const v = xi + h * tanhFast(w * xi + b);
    target[i] = v;
    acc += Math.abs(v);
  }
  // Σ|v| is NaN, infinite or > 1e150 whenever one element is (no false negatives); the caller
  // locates the element. A running sum costs less than a compare and branch per element.
  return acc <= BIG ? -1 : 0;
}

/** {@link eulerFused2D} specialised to tanh; bit-identical to it. */
export function eulerTanh2D(
  W: Float64Array,
  b: Float64Array,
  layer: number,
  h: number,
  x: Float64Array,
  target: Float64Array,
  n: number,
): number {
  const o = layer * 4;
  const w00 = W[o],
    w01 = W[o + 1],
    w10 = W[o + 2],
    w11 = W[o + 3];
  const b0 = b[layer * 2],
    b1 = b[layer * 2 + 1];
  let acc = 0;
  for (let i = 0; i < n; i += 2) {
    const x0 = x[i];
    const x1 = x[i + 1];
    const v0 = x0 + h * tanhFast(w00 * x0 + w01 * x1 + b0);
    const v1 = x1 + h * tanhFast(w10 * x0 + w11 * x1 + b1);
    target[i] = v0;
    target[i + 1] = v1;
    acc += Math.abs(v0) + Math.abs(v1);
  }
  return acc <= BIG ? -1 : 0;
}
