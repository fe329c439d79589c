/**
 * Internal: forward pass with stored stages and the discrete adjoint of explicit Runge–Kutta ResNets.
 * Allocation-free after construction; the parameter vector θ = [W (L·d·d) | b (L·d) | read-out].
 * @packageDocumentation
 */
import { type Activation, activationInfo } from "../activations.js";
import { ACT_IDENTITY, ACT_LEAKY, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH } from "../internal/activation-codes.js";
import { LOSS_MSE, type CompiledData, type LossHead } from "./losses.js";
// The one inlinable tanh of the package (within 3 ulp of Math.tanh, exactly odd), shared with the
// particle solvers and the built-in activation.
import { tanhFast as fastTanh } from "../internal/tanh.js";
import { GRAD_BLOCK, gradientKernels, type GradientKernels } from "./wasm-gradient.js";

/** Fixed-step schemes of the training forward pass (each layer is one step of the scheme). */
export type TrainingScheme = "euler" | "heun" | "rk4";

/** Metadata of a training scheme. */
export interface TrainingSchemeInfo {
  /** Name. */
  readonly name: TrainingScheme;
  /** Order of the scheme as an ODE integrator. */
  readonly order: number;
  /** Stages (evaluations of σ(W x + b) per layer and sample). */
  readonly stages: number;
  /** Always false: one step per layer. */
  readonly adaptive: false;
  /** Always false. */
  readonly stochastic: false;
}

/** The registry of training schemes: forward Euler (the ResNet of MODEL.md §1), Heun, classical RK4. */
export const TRAINING_SCHEMES: readonly TrainingSchemeInfo[] = Object.freeze([
  { name: "euler", order: 1, stages: 1, adaptive: false, stochastic: false },
  { name: "heun", order: 2, stages: 2, adaptive: false, stochastic: false },
  { name: "rk4", order: 4, stages: 4, adaptive: false, stochastic: false },
]);

/** @internal Butcher tableau (A strictly lower triangular, S×S row-major; B weights). */
export function tableau(scheme: TrainingScheme): { S: number; A: Float64Array; B: Float64Array } {
  switch (scheme) {
    case "euler":
      return { S: 1, A: new Float64Array(1), B: Float64Array.of(1) };
    case "heun":
      return { S: 2, A: Float64Array.of(0, 0, 1, 0), B: Float64Array.of(0.5, 0.5) };
    case "rk4":
      return {
        S: 4,
        A: Float64Array.of(0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1, 0),
        B: Float64Array.of(1 / 6, 1 / 3, 1 / 3, 1 / 6),
      };
  }
}

/**
 * Samples per block of the d = 2 fast path (its workspace, about 45 KB at L = 20, stays in cache);
 * the WebAssembly kernels use the same blocks, so their per-block gradient partial sums are the same.
 */
const BLOCK = GRAD_BLOCK;

/**
 * @internal σ(z), writing σ'(z) into dOut[di]. Built-ins are inlined by the switch; user activations
 * go through their functions.
 */
export function actInto(code: number, alpha: number, user: Activation, z: number, dOut: Float64Array, di: number): number {
  switch (code) {
    case ACT_IDENTITY:
      dOut[di] = 1;
      return z;
    case ACT_TANH: {
      const t = fastTanh(z);
      dOut[di] = 1 - t * t;
      return t;
    }
    case ACT_SIGMOID: {
      let s: number;
      if (z >= 0) s = 1 / (1 + Math.exp(-z));
      else {
        const e = Math.exp(z);
        s = e / (1 + e);
      }
      dOut[di] = s * (1 - s);
      return s;
    }
    case ACT_RELU:
      if (z > 0) {
        dOut[di] = 1;
        return z;
      }
      dOut[di] = 0;
      return 0;
    case ACT_LEAKY:
      if (z > 0) {
        dOut[di] = 1;
        return z;
      }
      dOut[di] = alpha;
      return alpha * z;
    case ACT_SOFTPLUS: {
      const e = Math.exp(-Math.abs(z));
      dOut[di] = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      return (z > 0 ? z : 0) + Math.log1p(e);
    }
    default:
      dOut[di] = user.dsigma(z);
      return user.sigma(z);
  }
}

/**
 * @internal The evaluator: loss, gradient (discrete adjoint), forward outputs and directional
 * derivatives (forward mode) of a ResNet with a fixed scheme on a bound data set.
 */
export class ResNetKernel {
  readonly d: number;
  readonly L: number;
  readonly dt: number;
  readonly S: number;
  readonly nW: number;
  readonly nB: number;
  readonly ro: number;
  readonly nParams: number;
  readonly sigma: Activation;
  readonly head: LossHead;
  lambda: number;
  private readonly code: number;
  private readonly alpha: number;
  private readonly A: Float64Array;
  private readonly B: Float64Array;
  private readonly U: Float64Array;
  private readonly DS: Float64Array;
  private readonly Kst: Float64Array;
  private readonly ubar: Float64Array;
  private readonly xv: Float64Array;
  private readonly pv: Float64Array;
  private readonly gv: Float64Array;
  // forward mode
  private readonly xd: Float64Array;
  private readonly Kd: Float64Array;
  private readonly ud: Float64Array;
  private readonly roGrad: Float64Array;
  private readonly bU0: Float64Array;
  private readonly bU1: Float64Array;
  private readonly bD0: Float64Array;
  private readonly bD1: Float64Array;
  private readonly bP0: Float64Array;
  private readonly bP1: Float64Array;
  data: CompiledData | null = null;

  constructor(d: number, L: number, dt: number, sigma: Activation, scheme: TrainingScheme, head: LossHead, lambda: number) {
    this.d = d;
    this.L = L;
    this.dt = dt;
    this.sigma = sigma;
    this.head = head;
    this.lambda = lambda;
    const info = activationInfo(sigma);
    this.code = info.code;
    this.alpha = info.alpha;
    const tb = tableau(scheme);
    this.S = tb.S;
    this.A = tb.A;
    this.B = tb.B;
    this.nW = L * d * d;
    this.nB = L * d;
    this.ro = this.nW + this.nB;
    this.nParams = this.ro + head.nReadout;
    this.U = new Float64Array(L * this.S * d);
    this.DS = new Float64Array(L * this.S * d);
    this.Kst = new Float64Array(this.S * d);
    this.ubar = new Float64Array(this.S * d);
    this.xv = new Float64Array(d);
    this.pv = new Float64Array(d);
    this.gv = new Float64Array(d);
    this.xd = new Float64Array(d);
    this.Kd = new Float64Array(this.S * d);
    this.ud = new Float64Array(d);
    this.roGrad = new Float64Array(this.nParams);
    const blocked = (d === 1 || d === 2) && this.S === 1 && this.code === ACT_TANH;
    const two = blocked && d === 2;
    this.bU0 = new Float64Array(blocked ? (L + 1) * BLOCK : 0);
    this.bU1 = new Float64Array(two ? (L + 1) * BLOCK : 0);
    this.bD0 = new Float64Array(blocked ? L * BLOCK : 0);
    this.bD1 = new Float64Array(two ? L * BLOCK : 0);
    this.bP0 = new Float64Array(blocked ? BLOCK : 0);
    this.bP1 = new Float64Array(two ? BLOCK : 0);
  }

  bind(data: CompiledData): void {
    this.data = data;
    this.head.bind(data);
  }

  /** Σ of weights over the batch (or the batch size when unweighted). */
  private batchWeight(idx: Int32Array | null, start: number, count: number): number {
    const w = this.data!.weights;
    if (w === null) return count;
    let s = 0;
    for (let r = 0; r < count; r++) s += w[idx === null ? start + r : idx[start + r]!]!;
    return s;
  }

  /**
   * J(θ) on samples idx[start..start+count) (all samples when idx is null: start..start+count);
   * writes ∇J into grad when given (overwritten). Returns J (NaN/Infinity if the pass blew up).
   */
  evaluate(theta: Float64Array, grad: Float64Array | null, idx: Int32Array | null, start: number, count: number): number {
    const data = this.data!;
    const wsum = this.batchWeight(idx, start, count);
    if (grad !== null) grad.fill(0);
    let J: number;
    if (this.d === 2 && this.S === 1 && this.code === ACT_TANH) J = this.evalEulerTanh2(theta, grad, idx, start, count, wsum, data);
    else if (this.d === 1 && this.S === 1 && this.code === ACT_TANH) J = this.evalEulerTanh1(theta, grad, idx, start, count, wsum, data);
    else J = this.evalGeneric(theta, grad, idx, start, count, wsum, data);
    const lam = this.lambda;
    if (lam > 0) {
      let r = 0;
      const n = this.ro;
      for (let q = 0; q < n; q++) {
        const v = theta[q]!;
        r += v * v;
        if (grad !== null) grad[q] += lam * v;
      }
      J += 0.5 * lam * r;
    }
    return J;
  }

  /** Forward one sample from x0 (at xo in X0): stores stage inputs and σ' in U, DS; leaves x^L in xv. */
  private forwardSample(theta: Float64Array, X0: Float64Array, xo: number): void {
    const { d, L, S, dt, A, B, U, DS, Kst, code, alpha, sigma } = this;
    const x = this.xv;
    for (let j = 0; j < d; j++) x[j] = X0[xo + j]!;
    const nW = this.nW;
    for (let k = 0; k < L; k++) {
      const wo = k * d * d;
      const bo = nW + k * d;
      for (let s = 0; s < S; s++) {
        const uo = (k * S + s) * d;
        for (let j = 0; j < d; j++) {
          let u = x[j]!;
          for (let r = 0; r < s; r++) {
            const a = A[s * S + r]!;
            if (a !== 0) u += dt * a * Kst[r * d + j]!;
          }
          U[uo + j] = u;
        }
        for (let i = 0; i < d; i++) {
          let z = theta[bo + i]!;
          const wr = wo + i * d;
          for (let j = 0; j < d; j++) z += theta[wr + j]! * U[uo + j]!;
          Kst[s * d + i] = actInto(code, alpha, sigma, z, DS, uo + i);
        }
      }
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let s = 0; s < S; s++) v += B[s]! * Kst[s * d + j]!;
        x[j] += dt * v;
      }
    }
  }

  private evalGeneric(
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const { d, L, S, dt, A, B, U, DS, ubar, head, nW, ro } = this;
    const X0 = data.x;
    const w = data.weights;
    const p = this.pv;
    const g = this.gv;
    let J = 0;
    for (let r = 0; r < count; r++) {
      const i = idx === null ? start + r : idx[start + r]!;
      const scale = (w === null ? 1 : w[i]!) / wsum;
      this.forwardSample(theta, X0, i * d);
      J += head.sample(i, this.xv, theta, ro, grad, scale, p);
      if (grad === null || scale === 0) continue;
      for (let k = L - 1; k >= 0; k--) {
        const wo = k * d * d;
        const bo = nW + k * d;
        for (let s = S - 1; s >= 0; s--) {
          const uo = (k * S + s) * d;
          const bs = dt * B[s]!;
          for (let j = 0; j < d; j++) {
            let kb = bs * p[j]!;
            for (let q = s + 1; q < S; q++) {
              const a = A[q * S + s]!;
              if (a !== 0) kb += dt * a * ubar[q * d + j]!;
            }
            g[j] = DS[uo + j]! * kb;
          }
          for (let ii = 0; ii < d; ii++) {
            const gi = g[ii]!;
            grad[bo + ii] += gi;
            const wr = wo + ii * d;
            for (let j = 0; j < d; j++) grad[wr + j] += gi * U[uo + j]!;
          }
          for (let j = 0; j < d; j++) {
            let v = 0;
            for (let ii = 0; ii < d; ii++) v += theta[wo + ii * d + j]! * g[ii]!;
            ubar[s * d + j] = v;
          }
        }
        for (let j = 0; j < d; j++) {
          let v = p[j]!;
          for (let s = 0; s < S; s++) v += ubar[s * d + j]!;
          p[j] = v;
        }
      }
    }
    return J;
  }

  /**
   * The d = 2, forward-Euler, tanh fast path (the ResNet of MODEL.md §1; workload W4). Samples are
   * processed in blocks of `BLOCK`, layer by layer inside a block, so that the independent
   * samples overlap in the CPU instead of waiting on one sample's chain of layers; each layer's
   * gradient is summed per block in two interleaved partial sums (even and odd samples). Runs on the
   * WebAssembly SIMD kernels when they are available (`evalMseWasm` for the mse loss,
   * `evalEulerTanh2Wasm` for the others), which perform the same operations in the same order.
   */
  private evalEulerTanh2(
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const mse = this.head.kind === LOSS_MSE;
    const m = this.head.m;
    // room for the mse kernel's inputs: P (m rows of 16 bytes), x (16 bytes), y (8m bytes) and w (8 bytes) per sample
    const wk = gradientKernels(this.L, mse ? 16 * m + count * (24 + 8 * m) + 16 : 0);
    if (wk !== null)
      return mse
        ? this.evalMseWasm(wk, theta, grad, idx, start, count, wsum, data)
        : this.evalEulerTanh2Wasm(wk, theta, grad, idx, start, count, wsum, data);
    const L = this.L;
    const dt = this.dt;
    const nW = this.nW;
    const ro = this.ro;
    const head = this.head;
    const X0 = data.x;
    const w = data.weights;
    const xv = this.xv;
    const pv = this.pv;
    const U0 = this.bU0;
    const U1 = this.bU1;
    const D0 = this.bD0;
    const D1 = this.bD1;
    const P0 = this.bP0;
    const P1 = this.bP1;
    let J = 0;
    for (let s0 = 0; s0 < count; s0 += BLOCK) {
      const n = count - s0 < BLOCK ? count - s0 : BLOCK;
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        U0[r] = X0[2 * i]!;
        U1[r] = X0[2 * i + 1]!;
      }
      for (let k = 0; k < L; k++) {
        const wo = 4 * k;
        const bo = nW + 2 * k;
        const w00 = theta[wo]!;
        const w01 = theta[wo + 1]!;
        const w10 = theta[wo + 2]!;
        const w11 = theta[wo + 3]!;
        const b0 = theta[bo]!;
        const b1 = theta[bo + 1]!;
        const o = k * BLOCK;
        const o2 = o + BLOCK;
        for (let r = 0; r < n; r++) {
          const x0 = U0[o + r]!;
          const x1 = U1[o + r]!;
          const t0 = fastTanh(w00 * x0 + w01 * x1 + b0);
          const t1 = fastTanh(w10 * x0 + w11 * x1 + b1);
          D0[o + r] = 1 - t0 * t0;
          D1[o + r] = 1 - t1 * t1;
          U0[o2 + r] = x0 + dt * t0;
          U1[o2 + r] = x1 + dt * t1;
        }
      }
      const oL = L * BLOCK;
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        const scale = (w === null ? 1 : w[i]!) / wsum;
        xv[0] = U0[oL + r]!;
        xv[1] = U1[oL + r]!;
        J += head.sample(i, xv, theta, ro, grad, scale, pv);
        P0[r] = pv[0]!;
        P1[r] = pv[1]!;
      }
      if (grad === null) continue;
      for (let k = L - 1; k >= 0; k--) {
        const wo = 4 * k;
        const bo = nW + 2 * k;
        const w00 = theta[wo]!;
        const w01 = theta[wo + 1]!;
        const w10 = theta[wo + 2]!;
        const w11 = theta[wo + 3]!;
        const o = k * BLOCK;
        // two interleaved partial sums: even samples (a, c) and odd samples (e, f); an odd block's
        // last sample joins the even sums (the order of the WebAssembly kernel)
        let a00 = 0;
        let a01 = 0;
        let a10 = 0;
        let a11 = 0;
        let c0 = 0;
        let c1 = 0;
        let e00 = 0;
        let e01 = 0;
        let e10 = 0;
        let e11 = 0;
        let f0 = 0;
        let f1 = 0;
        let r = 0;
        for (; r + 1 < n; r += 2) {
          const p0 = P0[r]!;
          const p1 = P1[r]!;
          const g0 = dt * D0[o + r]! * p0;
          const g1 = dt * D1[o + r]! * p1;
          const u0 = U0[o + r]!;
          const u1 = U1[o + r]!;
          a00 += g0 * u0;
          a01 += g0 * u1;
          a10 += g1 * u0;
          a11 += g1 * u1;
          c0 += g0;
          c1 += g1;
          P0[r] = p0 + w00 * g0 + w10 * g1;
          P1[r] = p1 + w01 * g0 + w11 * g1;
          const q0 = P0[r + 1]!;
          const q1 = P1[r + 1]!;
          const h0 = dt * D0[o + r + 1]! * q0;
          const h1 = dt * D1[o + r + 1]! * q1;
          const v0 = U0[o + r + 1]!;
          const v1 = U1[o + r + 1]!;
          e00 += h0 * v0;
          e01 += h0 * v1;
          e10 += h1 * v0;
          e11 += h1 * v1;
          f0 += h0;
          f1 += h1;
          P0[r + 1] = q0 + w00 * h0 + w10 * h1;
          P1[r + 1] = q1 + w01 * h0 + w11 * h1;
        }
        if (r < n) {
          const p0 = P0[r]!;
          const p1 = P1[r]!;
          const g0 = dt * D0[o + r]! * p0;
          const g1 = dt * D1[o + r]! * p1;
          const u0 = U0[o + r]!;
          const u1 = U1[o + r]!;
          a00 += g0 * u0;
          a01 += g0 * u1;
          a10 += g1 * u0;
          a11 += g1 * u1;
          c0 += g0;
          c1 += g1;
          P0[r] = p0 + w00 * g0 + w10 * g1;
          P1[r] = p1 + w01 * g0 + w11 * g1;
        }
        a00 += e00;
        a01 += e01;
        a10 += e10;
        a11 += e11;
        c0 += f0;
        c1 += f1;
        grad[wo] += a00;
        grad[wo + 1] += a01;
        grad[wo + 2] += a10;
        grad[wo + 3] += a11;
        grad[bo] += c0;
        grad[bo + 1] += c1;
      }
    }
    return J;
  }

  /**
   * {@link evalEulerTanh2} on the WebAssembly SIMD kernels (bit-identical): the same blocks, the same
   * operations per sample and layer; the loss head runs here in JavaScript between the two sweeps.
   */
  private evalEulerTanh2Wasm(
    wk: GradientKernels,
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const L = this.L;
    const dt = this.dt;
    const ro = this.ro;
    const head = this.head;
    const X0 = data.x;
    const w = data.weights;
    const xv = this.xv;
    const pv = this.pv;
    const { k, f64, layout } = wk;
    const { th, gw, u, dd, pp } = layout;
    const thE = th >> 3;
    const gwE = gw >> 3;
    const uE = u >> 3;
    const oL = uE + 2 * L * BLOCK;
    const ppE = pp >> 3;
    for (let q = 0; q < ro; q++) f64[thE + q] = theta[q]!;
    if (grad !== null) f64.fill(0, gwE, gwE + ro);
    let J = 0;
    for (let s0 = 0; s0 < count; s0 += BLOCK) {
      const n = count - s0 < BLOCK ? count - s0 : BLOCK;
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        f64[uE + 2 * r] = X0[2 * i]!;
        f64[uE + 2 * r + 1] = X0[2 * i + 1]!;
      }
      k.fwd(th, L, dt, u, dd, n);
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        const scale = (w === null ? 1 : w[i]!) / wsum;
        xv[0] = f64[oL + 2 * r]!;
        xv[1] = f64[oL + 2 * r + 1]!;
        J += head.sample(i, xv, theta, ro, grad, scale, pv);
        f64[ppE + 2 * r] = pv[0]!;
        f64[ppE + 2 * r + 1] = pv[1]!;
      }
      if (grad !== null) k.bwd(th, L, dt, u, dd, pp, n, gw);
    }
    if (grad !== null) for (let q = 0; q < ro; q++) grad[q] = f64[gwE + q]!;
    return J;
  }

  /**
   * The mse loss entirely on the WebAssembly kernels (forward sweep, loss head, backward sweep, block
   * by block; bit-identical to {@link evalEulerTanh2}): here only the samples of the batch are copied in.
   */
  private evalMseWasm(
    wk: GradientKernels,
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const L = this.L;
    const ro = this.ro;
    const head = this.head;
    const m = head.m;
    const P = head.P;
    const X0 = data.x;
    const Y0 = data.targets!;
    const w = data.weights;
    const { k, f64, layout } = wk;
    const { th, gw } = layout;
    const thE = th >> 3;
    const gwE = gw >> 3;
    const pb = layout.bytes;
    const xb = pb + 16 * m;
    const yb = xb + 16 * count;
    const wb = (yb + 8 * m * count + 15) & ~15;
    for (let q = 0; q < ro; q++) f64[thE + q] = theta[q]!;
    if (grad !== null) f64.fill(0, gwE, gwE + ro);
    if (P !== null) f64.set(P, pb >> 3);
    if (idx === null && start === 0 && count === data.M) {
      // the whole data set: block copies (no views allocated)
      f64.set(X0, xb >> 3);
      f64.set(Y0, yb >> 3);
      if (w !== null) f64.set(w, wb >> 3);
    } else {
      const xE = xb >> 3;
      const yE = yb >> 3;
      const wE = wb >> 3;
      for (let r = 0; r < count; r++) {
        const i = idx === null ? start + r : idx[start + r]!;
        f64[xE + 2 * r] = X0[2 * i]!;
        f64[xE + 2 * r + 1] = X0[2 * i + 1]!;
        for (let a = 0; a < m; a++) f64[yE + m * r + a] = Y0[m * i + a]!;
        if (w !== null) f64[wE + r] = w[i]!;
      }
    }
    const J = k.mse(
      th,
      L,
      this.dt,
      layout.u,
      layout.dd,
      layout.pp,
      gw,
      xb,
      yb,
      w === null ? 0 : wb,
      count,
      m,
      P === null ? 0 : pb,
      wsum,
      grad === null ? 0 : 1,
    );
    if (grad !== null) for (let q = 0; q < ro; q++) grad[q] = f64[gwE + q]!;
    return J;
  }

  /**
   * The d = 1, forward-Euler, tanh fast path: blocks of `BLOCK` samples, layer by layer, performing
   * exactly the operations of {@link evalGeneric} for this case (x ← x + Δt·(0 + t); g = σ'·(Δt·p);
   * the gradient summed in sample order; p ← p + (0 + w·g)), so its results are bit-identical to the
   * generic kernel's. Runs on the WebAssembly kernels when they are available (bit-identical too).
   */
  private evalEulerTanh1(
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const wk = gradientKernels(this.L);
    if (wk !== null) return this.evalEulerTanh1Wasm(wk, theta, grad, idx, start, count, wsum, data);
    const L = this.L;
    const dt = this.dt;
    const nW = this.nW;
    const ro = this.ro;
    const head = this.head;
    const X0 = data.x;
    const w = data.weights;
    const xv = this.xv;
    const pv = this.pv;
    const U = this.bU0;
    const D = this.bD0;
    const P = this.bP0;
    let J = 0;
    for (let s0 = 0; s0 < count; s0 += BLOCK) {
      const n = count - s0 < BLOCK ? count - s0 : BLOCK;
      for (let r = 0; r < n; r++) U[r] = X0[idx === null ? start + s0 + r : idx[start + s0 + r]!]!;
      for (let k = 0; k < L; k++) {
        const wk1 = theta[k]!;
        const bk = theta[nW + k]!;
        const o = k * BLOCK;
        const o2 = o + BLOCK;
        for (let r = 0; r < n; r++) {
          const x = U[o + r]!;
          const t = fastTanh(wk1 * x + bk);
          D[o + r] = 1 - t * t;
          U[o2 + r] = x + dt * (0 + t);
        }
      }
      const oL = L * BLOCK;
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        const scale = (w === null ? 1 : w[i]!) / wsum;
        xv[0] = U[oL + r]!;
        J += head.sample(i, xv, theta, ro, grad, scale, pv);
        P[r] = pv[0]!;
      }
      if (grad === null) continue;
      for (let k = L - 1; k >= 0; k--) {
        const wk1 = theta[k]!;
        const o = k * BLOCK;
        let aw = grad[k]!;
        let ab = grad[nW + k]!;
        for (let r = 0; r < n; r++) {
          const p = P[r]!;
          const g = D[o + r]! * (dt * p);
          ab += g;
          aw += g * U[o + r]!;
          P[r] = p + (0 + wk1 * g);
        }
        grad[k] = aw;
        grad[nW + k] = ab;
      }
    }
    return J;
  }

  /** {@link evalEulerTanh1} on the WebAssembly kernels (bit-identical); the loss head runs here. */
  private evalEulerTanh1Wasm(
    wk: GradientKernels,
    theta: Float64Array,
    grad: Float64Array | null,
    idx: Int32Array | null,
    start: number,
    count: number,
    wsum: number,
    data: CompiledData,
  ): number {
    const L = this.L;
    const dt = this.dt;
    const ro = this.ro;
    const head = this.head;
    const X0 = data.x;
    const w = data.weights;
    const xv = this.xv;
    const pv = this.pv;
    const { k, f64, layout } = wk;
    const { th, gw, u, dd, pp } = layout;
    const thE = th >> 3;
    const gwE = gw >> 3;
    const uE = u >> 3;
    const oL = uE + 2 * L * BLOCK; // rows are 2·BLOCK doubles
    const ppE = pp >> 3;
    for (let q = 0; q < ro; q++) f64[thE + q] = theta[q]!;
    if (grad !== null) f64.fill(0, gwE, gwE + ro);
    let J = 0;
    for (let s0 = 0; s0 < count; s0 += BLOCK) {
      const n = count - s0 < BLOCK ? count - s0 : BLOCK;
      for (let r = 0; r < n; r++) f64[uE + r] = X0[idx === null ? start + s0 + r : idx[start + s0 + r]!]!;
      if (n & 1) f64[uE + n] = 0; // the padding lane of the last pair
      k.fwd1(th, L, dt, u, dd, n);
      for (let r = 0; r < n; r++) {
        const i = idx === null ? start + s0 + r : idx[start + s0 + r]!;
        const scale = (w === null ? 1 : w[i]!) / wsum;
        xv[0] = f64[oL + r]!;
        J += head.sample(i, xv, theta, ro, grad, scale, pv);
        f64[ppE + r] = pv[0]!;
      }
      if (grad !== null) k.bwd1(th, L, dt, u, dd, pp, n, gw);
    }
    if (grad !== null) for (let q = 0; q < ro; q++) grad[q] = f64[gwE + q]!;
    return J;
  }

  /** Outputs x^L of samples 0..M-1 into out (M·d). */
  forwardAll(theta: Float64Array, X0: Float64Array, M: number, out: Float64Array): void {
    const d = this.d;
    for (let i = 0; i < M; i++) {
      this.forwardSample(theta, X0, i * d);
      for (let j = 0; j < d; j++) out[i * d + j] = this.xv[j]!;
    }
  }

  /**
   * Directional derivative dJ(θ)·v over all bound samples by forward-mode (tangent) propagation.
   */
  directional(theta: Float64Array, v: Float64Array): number {
    const { d, L, S, dt, A, B, U, DS, Kst, Kd, xd, ud, code, alpha, sigma, head, nW, ro } = this;
    const data = this.data!;
    const M = data.M;
    const wsum = this.batchWeight(null, 0, M);
    const x = this.xv;
    const p = this.pv;
    const roGrad = this.roGrad;
    const hasRo = head.nReadout > 0;
    if (hasRo) roGrad.fill(0);
    let dJ = 0;
    for (let i = 0; i < M; i++) {
      const scale = (data.weights === null ? 1 : data.weights[i]!) / wsum;
      for (let j = 0; j < d; j++) {
        x[j] = data.x[i * d + j]!;
        xd[j] = 0;
      }
      for (let k = 0; k < L; k++) {
        const wo = k * d * d;
        const bo = nW + k * d;
        for (let s = 0; s < S; s++) {
          const uo = (k * S + s) * d;
          for (let j = 0; j < d; j++) {
            let u = x[j]!;
            let du = xd[j]!;
            for (let r = 0; r < s; r++) {
              const a = A[s * S + r]!;
              if (a !== 0) {
                u += dt * a * Kst[r * d + j]!;
                du += dt * a * Kd[r * d + j]!;
              }
            }
            U[uo + j] = u;
            ud[j] = du;
          }
          for (let ii = 0; ii < d; ii++) {
            let z = theta[bo + ii]!;
            let dz = v[bo + ii]!;
            const wr = wo + ii * d;
            for (let j = 0; j < d; j++) {
              z += theta[wr + j]! * U[uo + j]!;
              dz += v[wr + j]! * U[uo + j]! + theta[wr + j]! * ud[j]!;
            }
            Kst[s * d + ii] = actInto(code, alpha, sigma, z, DS, uo + ii);
            Kd[s * d + ii] = DS[uo + ii]! * dz;
          }
        }
        for (let j = 0; j < d; j++) {
          let a = 0;
          let b = 0;
          for (let s = 0; s < S; s++) {
            a += B[s]! * Kst[s * d + j]!;
            b += B[s]! * Kd[s * d + j]!;
          }
          x[j] += dt * a;
          xd[j] += dt * b;
        }
      }
      head.sample(i, x, theta, ro, hasRo ? roGrad : null, scale, p);
      for (let j = 0; j < d; j++) dJ += p[j]! * xd[j]!;
    }
    for (let q = ro; q < this.nParams; q++) dJ += roGrad[q]! * v[q]!;
    if (this.lambda > 0) for (let q = 0; q < ro; q++) dJ += this.lambda * theta[q]! * v[q]!;
    return dJ;
  }
}
