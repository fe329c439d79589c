/**
 * Exact characteristics of the neural ODE (MODEL.md §3): the 1-D flows of dx/dt = σ(w x + b) for
 * constant w, b in closed form, their Jacobians, the backward characteristics the exact Vlasov
 * solution needs (f(t, x) = f0(x0(x)) |∂x0/∂x|), compositions through piecewise-constant layers, and
 * the d-dimensional linear flow (σ = identity) by a matrix exponential.
 * @packageDocumentation
 */
import type { Activation } from "./activations.js";
import { activationInfo, resolveActivation } from "./activations.js";
import { KineticError } from "./errors.js";
import { expmDense } from "./internal/dense.js";
import { ACT_IDENTITY, ACT_LEAKY, ACT_RELU, ACT_TANH, type ActivationKernel } from "./internal/kernels.js";
import type { NetworkParams } from "./network.js";
import { checkEnsemble } from "./particles.js";
import { invalidArgument, requireFinite, requireFiniteArray, shapeMismatch } from "./validate.js";

const LN2 = Math.LN2;

/** φ(w, t) = (e^{wt} - 1) / w, with φ(0, t) = t; accurate for small |w t|. */
function phi(w: number, t: number): number {
  return w === 0 ? t : Math.expm1(w * t) / w;
}

/** log cosh z without overflow. */
function logCosh(z: number): number {
  const a = Math.abs(z);
  return a + Math.log1p(Math.exp(-2 * a)) - LN2;
}

/** log σ(z) for the logistic σ: -softplus(-z). */
function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/**
 * W0(e^y): the principal Lambert W of e^y, i.e. the u > 0 with u + ln u = y, by Newton's method
 * on that equation (concave and increasing in u, so the iterates approach the root monotonically
 * after the first step; a halving safeguard keeps them positive). Works for every finite y,
 * including those where e^y over- or underflows.
 */
function lambertWExp(y: number): number {
  if (y < -36) return Math.exp(y); // W(s) = s - s² + …, s < 2.4e-16: s is exact to rounding
  let u: number;
  if (y > 1) u = y - Math.log(y);
  else {
    const s = Math.exp(y);
    u = s / (1 + s * 0.5);
  }
  for (let it = 0; it < 100; it++) {
    let un = u - (u * (u + Math.log(u) - y)) / (u + 1);
    if (!(un > 0)) un = u / 2;
    if (Math.abs(un - u) <= 2e-16 * un) {
      u = un;
      break;
    }
    u = un;
  }
  return u;
}

/** Which closed form applies; throws UNSUPPORTED for activations without one. */
function kernelFor(sigma: Activation): ActivationKernel {
  const k = activationInfo(sigma);
  if (k.closedFormCharacteristic) return k;
  throw new KineticError(
    "UNSUPPORTED",
    `no closed-form characteristic for activation ${JSON.stringify(sigma.name)}; closed forms exist for identity, tanh, sigmoid, relu and leaky-relu (integrate numerically with solveOde instead)`,
    { details: { sigma: sigma.name } },
  );
}

/**
 * Taylor series in t of the trajectory, used when |w t| < 1e-5, where recovering x from z (a division
 * by w) would lose digits: x(t) = x0 + v t + w σ' v t²/2 + w² v (σ'' v + σ'²) t³/6 with v = σ(z0).
 * The next term is O((w t)³ t |v|), below rounding at that threshold.
 */
function smallWt(sigma: Activation, w: number, z0: number, x0: number, t: number): number {
  const v = sigma.sigma(z0);
  const s1 = sigma.dsigma(z0);
  const s2 = sigma.d2sigma(z0);
  return x0 + t * (v + t * ((w * s1 * v) / 2 + (t * w * w * v * (s2 * v + s1 * s1)) / 6));
}

/** Forward flow for a validated kernel; t may be negative (backward in time). */
function flowScalar(k: ActivationKernel, sigma: Activation, w: number, b: number, x0: number, t: number): number {
  const z0 = w * x0 + b;
  if (w === 0) return x0 + sigma.sigma(b) * t;
  switch (k.code) {
    case ACT_IDENTITY:
      return x0 + z0 * phi(w, t);
    case ACT_RELU:
      return z0 > 0 ? x0 + z0 * phi(w, t) : x0;
    case ACT_LEAKY:
      return z0 > 0 ? x0 + z0 * phi(w, t) : x0 + k.alpha * z0 * phi(k.alpha * w, t);
    case ACT_TANH: {
      if (z0 === 0) return x0;
      if (Math.abs(w * t) < 1e-5) return smallWt(sigma, w, z0, x0, t);
      // log|sinh z(t)| = log|sinh z0| + w t, then |z| = asinh(e^a), all without overflow.
      const a0 = Math.abs(z0);
      const logSinh0 = a0 > 1 ? a0 + Math.log1p(-Math.exp(-2 * a0)) - LN2 : Math.log(Math.sinh(a0));
      const a = logSinh0 + w * t;
      const absZ = a > 20 ? a + LN2 : Math.asinh(Math.exp(a));
      const z = z0 > 0 ? absZ : -absZ;
      return x0 + (z - z0) / w;
    }
    default: {
      // sigmoid: z - e^{-z} = z0 - e^{-z0} + w t. With y = -(right-hand side), u = W0(e^y) solves
      // u + ln u = y and z = -ln u = u - y: the first form for u > 1 (z < 0), the second otherwise.
      if (z0 < -700) return x0 + Math.exp(z0) * t; // velocity below 1e-304: the point does not move
      if (Math.abs(w * t) < 1e-5) return smallWt(sigma, w, z0, x0, t);
      const y = Math.exp(-z0) - z0 - w * t;
      const u = lambertWExp(y);
      const z = u > 1 ? -Math.log(u) : u - y;
      return x0 + (z - z0) / w;
    }
  }
}

/** ∂x(t)/∂x0 for a validated kernel. */
function jacobianScalar(k: ActivationKernel, sigma: Activation, w: number, b: number, x0: number, t: number): number {
  if (w === 0) return 1;
  const z0 = w * x0 + b;
  switch (k.code) {
    case ACT_IDENTITY:
      return Math.exp(w * t);
    case ACT_RELU:
      return z0 > 0 ? Math.exp(w * t) : 1;
    case ACT_LEAKY:
      return Math.exp((z0 > 0 ? w : k.alpha * w) * t);
    case ACT_TANH: {
      const x = flowScalar(k, sigma, w, b, x0, t);
      return Math.exp(w * t + logCosh(z0) - logCosh(w * x + b));
    }
    default: {
      if (z0 < -700) return 1;
      const x = flowScalar(k, sigma, w, b, x0, t);
      return Math.exp(logSigmoid(w * x + b) - logSigmoid(z0));
    }
  }
}

function checkScalarArgs(w: number, b: number, x: number, t: number, xName: string): void {
  requireFinite("w", w);
  requireFinite("b", b);
  requireFinite(xName, x);
  requireFinite("t", t);
}

/**
 * The exact characteristic x(t) of dx/dt = σ(w x + b) through x(0) = x0 (MODEL.md §3).
 *
 * @param sigma - activation (name or object): identity, tanh, sigmoid, relu or leaky-relu(α)
 * @param w - weight (any real; w = 0 gives x0 + σ(b) t)
 * @param b - bias
 * @param x0 - starting point
 * @param t - time; negative t runs the flow backward (the field is autonomous)
 * @returns x(t)
 * @throws KineticError INVALID_ARGUMENT for non-finite arguments, NOT_FOUND for an unknown name,
 *   UNSUPPORTED for softplus and user activations (no closed form; use `solveOde`)
 * @remarks
 * Closed forms with z = w x + b: identity x0 + z0 (e^{wt} - 1)/w; ReLU the same where z0 > 0 and
 * x0 otherwise; leaky ReLU the same with slope α w where z0 < 0; tanh sinh z(t) = sinh z0 e^{wt}
 * (evaluated in log form, no overflow); sigmoid z - e^{-z} = z0 - e^{-z0} + wt solved through the
 * Lambert W function of e^y by a safeguarded Newton iteration (converges for every finite input).
 * Accuracy: a few ulps relative to the scale of x, except that recovering x from z divides by w, so
 * for tiny |w| the absolute error grows like ε|z|/|w|. Identity can overflow to ±Infinity for
 * w t > 709 — a genuine blow-up of the flow.
 * @example
 * ```ts
 * characteristic1D("tanh", -1, 0.5, 2, 1.5); // the point 2 after time 1.5
 * ```
 */
export function characteristic1D(sigma: string | Activation, w: number, b: number, x0: number, t: number): number {
  const s = resolveActivation(sigma);
  checkScalarArgs(w, b, x0, t, "x0");
  return flowScalar(kernelFor(s), s, w, b, x0, t);
}

/**
 * The Jacobian ∂x(t)/∂x0 of the exact 1-D characteristic (always positive: 1-D flows preserve order).
 * @param sigma - activation: identity, tanh, sigmoid, relu or leaky-relu(α)
 * @param w - weight
 * @param b - bias
 * @param x0 - starting point
 * @param t - time (negative: backward)
 * @returns ∂x(t)/∂x0 = σ(z(t)) / σ(z0) where σ(z0) ≠ 0, e^{σ'(z*) w t} at a rest point
 * @throws KineticError INVALID_ARGUMENT / NOT_FOUND / UNSUPPORTED as {@link characteristic1D}
 * @remarks For ReLU at z0 = 0 the left derivative convention of the activations applies (Jacobian 1).
 * @example
 * ```ts
 * characteristicJacobian1D("identity", -1, 0, 3, 2); // e^{-2}
 * ```
 */
export function characteristicJacobian1D(sigma: string | Activation, w: number, b: number, x0: number, t: number): number {
  const s = resolveActivation(sigma);
  checkScalarArgs(w, b, x0, t, "x0");
  return jacobianScalar(kernelFor(s), s, w, b, x0, t);
}

/**
 * The backward characteristic: the starting point x0 whose trajectory is at x at time t.
 * @param sigma - activation: identity, tanh, sigmoid, relu or leaky-relu(α)
 * @param w - weight
 * @param b - bias
 * @param x - end point at time t
 * @param t - elapsed time
 * @returns x0 (the forward flow run for time -t)
 * @throws KineticError INVALID_ARGUMENT / NOT_FOUND / UNSUPPORTED as {@link characteristic1D}
 * @example
 * ```ts
 * const x0 = backwardCharacteristic1D("tanh", 2, 0, 0.7, 1); // characteristic1D("tanh", 2, 0, x0, 1) ≈ 0.7
 * ```
 */
export function backwardCharacteristic1D(sigma: string | Activation, w: number, b: number, x: number, t: number): number {
  const s = resolveActivation(sigma);
  checkScalarArgs(w, b, x, t, "x");
  return flowScalar(kernelFor(s), s, w, b, x, -t);
}

/**
 * The Jacobian ∂x0/∂x of the backward characteristic, the factor in the exact Vlasov solution
 * f(t, x) = f0(x0(x)) |∂x0/∂x|.
 * @param sigma - activation: identity, tanh, sigmoid, relu or leaky-relu(α)
 * @param w - weight
 * @param b - bias
 * @param x - end point at time t
 * @param t - elapsed time
 * @returns ∂x0/∂x (positive)
 * @throws KineticError INVALID_ARGUMENT / NOT_FOUND / UNSUPPORTED as {@link characteristic1D}
 * @example
 * ```ts
 * backwardJacobian1D("identity", -1, 0, 0.5, 1); // e^{1}: mass concentrates, densities grow
 * ```
 */
export function backwardJacobian1D(sigma: string | Activation, w: number, b: number, x: number, t: number): number {
  const s = resolveActivation(sigma);
  checkScalarArgs(w, b, x, t, "x");
  return jacobianScalar(kernelFor(s), s, w, b, x, -t);
}

/** A point and the Jacobian of the map that produced it. */
export interface FlowPoint1D {
  /** The mapped point. */
  readonly x: number;
  /** Derivative of the map at the input point. */
  readonly jacobian: number;
}

function checkNetwork1D(params: NetworkParams): ActivationKernel {
  if (typeof params !== "object" || params === null || !(params.W instanceof Float64Array)) {
    throw invalidArgument("params", "network parameters (createNetwork)", params);
  }
  if (params.d !== 1) throw shapeMismatch("params.d", "d = 1 (a 1-D network)", params.d);
  return kernelFor(params.sigma);
}

function checkTime(params: NetworkParams, t: number | undefined): number {
  const tt = t ?? params.T;
  requireFinite("t", tt);
  if (tt < 0) throw invalidArgument("t", "a non-negative finite number", tt);
  return tt;
}

/**
 * The exact flow of a 1-D network (piecewise-constant layers, MODEL.md §1) from time 0 to t:
 * the composition of the exact characteristics layer by layer, with its Jacobian.
 * @param params - network parameters with d = 1 (activation with a closed form)
 * @param x0 - starting point at time 0
 * @param t - end time ≥ 0 (default T; beyond T the last layer continues)
 * @returns `{ x: x(t), jacobian: ∂x(t)/∂x0 }`
 * @throws KineticError SHAPE_MISMATCH (d ≠ 1), INVALID_ARGUMENT, UNSUPPORTED (no closed form)
 * @remarks Cost O(number of layers crossed). The oracle for the layered integrator tests.
 * @example
 * ```ts
 * const net = createScalarNetwork({ sigma: "tanh", w: [-1, 2, -0.5], b: [0, 0.3, 0], T: 3 });
 * const { x, jacobian } = flow1D(net, 0.4);
 * ```
 */
export function flow1D(params: NetworkParams, x0: number, t?: number): FlowPoint1D {
  const k = checkNetwork1D(params);
  requireFinite("x0", x0);
  const tEnd = checkTime(params, t);
  let x = x0;
  let jac = 1;
  const { nLayers, dt, W, b, sigma } = params;
  for (let l = 0; l < nLayers; l++) {
    const a = l * dt;
    if (a >= tEnd) break;
    const e = l === nLayers - 1 ? tEnd : Math.min((l + 1) * dt, tEnd);
    const h = e - a;
    jac *= jacobianScalar(k, sigma, W[l]!, b[l]!, x, h);
    x = flowScalar(k, sigma, W[l]!, b[l]!, x, h);
  }
  return { x, jacobian: jac };
}

/**
 * The backward flow of a 1-D network: the starting point x0 that reaches x at time t, and ∂x0/∂x
 * (layers are undone in reverse order).
 * @param params - network parameters with d = 1 (activation with a closed form)
 * @param x - end point at time t
 * @param t - time ≥ 0 (default T)
 * @returns `{ x: x0, jacobian: ∂x0/∂x }`
 * @throws KineticError SHAPE_MISMATCH (d ≠ 1), INVALID_ARGUMENT, UNSUPPORTED (no closed form)
 * @remarks The exact Vlasov density is f(t, x) = f0(x0) · jacobian.
 * @example
 * ```ts
 * const back = backwardFlow1D(net, 0.1); // f(T, 0.1) = f0(back.x) * back.jacobian
 * ```
 */
export function backwardFlow1D(params: NetworkParams, x: number, t?: number): FlowPoint1D {
  const k = checkNetwork1D(params);
  requireFinite("x", x);
  const tEnd = checkTime(params, t);
  const { nLayers, dt, W, b, sigma } = params;
  let y = x;
  let jac = 1;
  for (let l = nLayers - 1; l >= 0; l--) {
    const a = l * dt;
    if (a >= tEnd) continue;
    const e = l === nLayers - 1 ? tEnd : Math.min((l + 1) * dt, tEnd);
    const h = e - a;
    jac *= jacobianScalar(k, sigma, W[l]!, b[l]!, y, -h);
    y = flowScalar(k, sigma, W[l]!, b[l]!, y, -h);
  }
  return { x: y, jacobian: jac };
}

/**
 * The matrix exponential e^A of an n×n matrix.
 * @param A - n·n values, row-major
 * @param n - dimension (default √(A.length))
 * @returns a fresh n·n Float64Array, row-major
 * @throws KineticError INVALID_ARGUMENT (non-finite entries), SHAPE_MISMATCH (length ≠ n²),
 *   SOLVER_FAILED (the Padé denominator is singular — only for overflowing input), UNSTABLE (e^A
 *   overflows the double range: never returned as Infinity/NaN)
 * @remarks Scaling and squaring with the [13/13] Padé approximant (Higham 2005): backward error at
 * the level of double rounding for any A; cost about (6 + ⌈log2(‖A‖₁/5.37)⌉) n³ multiplications.
 * @example
 * ```ts
 * matrixExponential([0, 1, -1, 0]); // rotation by 1 radian: [cos 1, sin 1, -sin 1, cos 1]
 * ```
 */
export function matrixExponential(A: ArrayLike<number>, n?: number): Float64Array {
  const a = requireFiniteArray("A", A);
  const nn = n ?? Math.round(Math.sqrt(a.length));
  if (!Number.isInteger(nn) || nn < 1) throw invalidArgument("n", "a positive integer", n);
  if (nn * nn !== a.length) throw shapeMismatch("A", `n*n = ${nn * nn} values`, a.length);
  const E = expmDense(a, nn);
  if (E === null) throw new KineticError("SOLVER_FAILED", "matrix exponential failed: the Padé denominator is singular (input too large)");
  requireFiniteExp(E, "e^A", a);
  return E;
}

/** e^A must be representable: an overflow (entries ±Infinity or NaN) is an UNSTABLE error, never returned. */
function requireFiniteExp(E: Float64Array, what: string, A: Float64Array): void {
  for (let i = 0; i < E.length; i++) {
    if (!Number.isFinite(E[i]!)) {
      let norm = 0;
      for (let j = 0; j < A.length; j++) norm = Math.max(norm, Math.abs(A[j]!));
      throw new KineticError(
        "UNSTABLE",
        `overflow: ${what} exceeds the double range (entry ${i} is ${E[i]}; largest |entry| of the exponent ${norm.toPrecision(4)}, e^x overflows above x ≈ 709.8)`,
        { details: { entry: i, value: E[i], maxAbsExponent: norm } },
      );
    }
  }
}

/** The affine map x ↦ Φ x + c of the linear flow over time t. */
export interface LinearFlowMap {
  /** Dimension d. */
  readonly d: number;
  /** Φ = e^{W t}, d·d row-major. */
  readonly Phi: Float64Array;
  /** c = ∫_0^t e^{W s} ds b, d values. */
  readonly c: Float64Array;
}

/**
 * The flow map of dx/dt = W x + b over time t: x(t) = Φ x0 + c with Φ = e^{Wt} and
 * c = ∫_0^t e^{Ws} ds b, both read off one exponential of the augmented (d+1)×(d+1) matrix
 * [[W, b], [0, 0]] t — valid for singular W (where x* = -W⁻¹b does not exist).
 * @param W - d·d values, row-major
 * @param b - d values (d is taken from its length)
 * @param t - time (any finite real; negative runs backward)
 * @returns `{ d, Phi, c }` (fresh buffers)
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / SOLVER_FAILED / UNSTABLE (the map overflows)
 * @remarks Cost one (d+1)×(d+1) matrix exponential.
 * @example
 * ```ts
 * const { Phi, c } = linearFlowMap([-1, 0.5, -0.5, -1], [0.2, -0.1], 1);
 * ```
 */
export function linearFlowMap(W: ArrayLike<number>, b: ArrayLike<number>, t: number): LinearFlowMap {
  const bb = requireFiniteArray("b", b);
  const d = bb.length;
  const WW = requireFiniteArray("W", W, d * d);
  requireFinite("t", t);
  const n = d + 1;
  const A = new Float64Array(n * n);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) A[i * n + j] = WW[i * d + j]! * t;
    A[i * n + d] = bb[i]! * t;
  }
  const E = expmDense(A, n);
  if (E === null) throw new KineticError("SOLVER_FAILED", "matrix exponential failed: the Padé denominator is singular (W t too large)");
  requireFiniteExp(E, "the flow map e^{Wt}", A);
  const Phi = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) Phi[i * d + j] = E[i * n + j]!;
    c[i] = E[i * n + d]!;
  }
  return { d, Phi, c };
}

/**
 * The exact d-dimensional flow for σ = identity: x(t) = x* + e^{Wt}(x0 - x*) (x* = -W⁻¹b when W is
 * invertible; the singular case is covered through the augmented exponential, see
 * {@link linearFlowMap}), applied to every particle of an ensemble.
 * @param W - d·d values, row-major
 * @param b - d values
 * @param x0 - ensemble, M·d values row-major (`x0[i*d + j]`)
 * @param t - time
 * @returns a fresh M·d Float64Array of x(t)
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / SOLVER_FAILED / UNSTABLE (the flow map
 *   overflows)
 * @remarks Exact up to rounding (relative error a few ε times the condition of e^{Wt}).
 * @example
 * ```ts
 * const x = linearFlow([-1, 0.5, -0.5, -1], [0.2, -0.1], new Float64Array([1, 0, 0, 1]), 2);
 * ```
 */
export function linearFlow(W: ArrayLike<number>, b: ArrayLike<number>, x0: Float64Array, t: number): Float64Array {
  const { d, Phi, c } = linearFlowMap(W, b, t);
  const M = checkEnsemble(x0, d, "x0");
  const out = new Float64Array(M * d);
  for (let p = 0; p < M * d; p += d) {
    for (let i = 0; i < d; i++) {
      let s = c[i]!;
      for (let j = 0; j < d; j++) s += Phi[i * d + j]! * x0[p + j]!;
      out[p + i] = s;
    }
  }
  return out;
}
