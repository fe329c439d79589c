/**
 * Gradients by forward-mode sensitivities and by the continuous adjoint (Pontryagin).
 * @packageDocumentation
 */
import { requireInteger } from "../validate.js";
import { compileProblem, type GradientOptions, type GradientResult, gradientResult, type TrainingProblem } from "./gradient.js";
import { activationInfo } from "../activations.js";
import { actInto } from "./kernel.js";

/**
 * Loss and gradient by forward-mode sensitivities: one tangent pass per parameter.
 * @param problem - as for {@link computeGradient}
 * @param options - scheme (default `"euler"`)
 * @returns J and the gradient (identical to the discrete adjoint up to round-off)
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / UNSUPPORTED / NOT_FOUND
 * @remarks Propagates ẋ = ∂x/∂θ_j through the stages of the scheme (d/dθ of u_s, z_s = W u_s + b,
 * k_s = σ(z_s)); exact for the discrete map like the adjoint, but costs P tangent passes (P the
 * number of parameters), so it is meant for small parameter counts and as an independent check.
 * @example
 * ```ts
 * const g = forwardSensitivityGradient({ x, targets, loss: "mse", network: net });
 * ```
 */
export function forwardSensitivityGradient(problem: TrainingProblem, options: GradientOptions = {}): GradientResult {
  const c = compileProblem(problem, options);
  const k = c.kernel;
  const P = k.nParams;
  const g = new Float64Array(P);
  const v = new Float64Array(P);
  for (let q = 0; q < P; q++) {
    v[q] = 1;
    g[q] = k.directional(c.theta0, v);
    v[q] = 0;
  }
  const J = k.evaluate(c.theta0, null, null, 0, c.data.M);
  return gradientResult(c, J, g, P + 1, `forward-sensitivity-${c.scheme}`);
}

/** Options of {@link continuousAdjointGradient}. */
export interface ContinuousAdjointOptions {
  /** Classical RK4 steps per layer for the state and the costate (default 16). */
  readonly substeps?: number;
  /** Seed of default initialisations (default 0). */
  readonly seed?: number;
}

/**
 * Gradient of the continuous-time loss by the continuous adjoint (Pontryagin's costate):
 * the state x(t) of dx/dt = σ(W(t)x + b(t)) forward, the costate p backward,
 * dp/dt = -W(t)^T [σ'(W(t)x + b(t)) ⊙ p], p(T) = ∇ℓ(x(T)) / M, and the parameter gradient by
 * quadrature, ∂J/∂W^k = ∫_{t_k}^{t_{k+1}} [σ' ⊙ p] x^T dt, ∂J/∂b^k = ∫ σ' ⊙ p dt (+ λ W^k, λ b^k).
 * @param problem - as for {@link computeGradient}; the layers are read as the piecewise-constant
 *   parameters W(t), b(t) of the neural ODE on [0, T]
 * @param options - RK4 substeps per layer (default 16)
 * @returns J of the continuous model (computed with the fine forward solve) and its gradient
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH / UNSUPPORTED / NOT_FOUND
 * @remarks This is the gradient of the ODE model, not of the ResNet: it agrees with the discrete
 * adjoint of a scheme only up to that scheme's discretisation error (first order in Δt for the Euler
 * ResNet), and converges to it as the steps are refined. The fine solve is classical RK4 with
 * `substeps` steps per layer; the backward sweep integrates (p, ∂J/∂W, ∂J/∂b) with RK4 and takes the
 * state at the half steps from cubic Hermite interpolation, so the result has error O((Δt/substeps)^4)
 * against the exact continuous gradient (for smooth σ; ReLU kinks lower it). Memory O(L·substeps·d)
 * per sample, cost about 3× a forward pass.
 * @example
 * ```ts
 * const g = continuousAdjointGradient({ x, targets, loss: "mse", network: net }, { substeps: 32 });
 * ```
 */
export function continuousAdjointGradient(problem: TrainingProblem, options: ContinuousAdjointOptions = {}): GradientResult {
  const c = compileProblem(problem, options.seed !== undefined ? { seed: options.seed } : {});
  const n = requireInteger("options.substeps", options.substeps ?? 16, 1, 1 << 16);
  const k = c.kernel;
  const { d, L, nW, ro } = k;
  const theta = c.theta0;
  const sigma = c.params.sigma;
  const { code, alpha } = activationInfo(sigma);
  const h = c.params.dt / n;
  const N = L * n;
  const data = c.data;
  const M = data.M;
  let wsum = M;
  if (data.weights !== null) {
    wsum = 0;
    for (let i = 0; i < M; i++) wsum += data.weights[i]!;
  }
  const X = new Float64Array((N + 1) * d);
  const grad = new Float64Array(k.nParams);
  const f0 = new Float64Array(d);
  const f1 = new Float64Array(d);
  const ds = new Float64Array(d);
  const xs = new Float64Array(d);
  const xm = new Float64Array(d);
  const st = new Float64Array(d);
  const k1 = new Float64Array(d);
  const k2 = new Float64Array(d);
  const k3 = new Float64Array(d);
  const k4 = new Float64Array(d);
  const p = new Float64Array(d);
  const pt = new Float64Array(d);
  const xL = new Float64Array(d);

  // f(x) = σ(W^k x + b^k) into out (σ' into ds)
  const field = (layer: number, x: Float64Array, xo: number, out: Float64Array): void => {
    const wo = layer * d * d;
    const bo = nW + layer * d;
    for (let i = 0; i < d; i++) {
      let z = theta[bo + i]!;
      for (let j = 0; j < d; j++) z += theta[wo + i * d + j]! * x[xo + j]!;
      out[i] = actInto(code, alpha, sigma, z, ds, i);
    }
  };
  // costate rate W^T (σ' ⊙ p) at state x into out; adds weight·(σ' ⊙ p) x^T and weight·(σ' ⊙ p) to grad
  const costate = (layer: number, x: Float64Array, pp: Float64Array, out: Float64Array, weight: number): void => {
    field(layer, x, 0, st);
    const wo = layer * d * d;
    const bo = nW + layer * d;
    for (let j = 0; j < d; j++) out[j] = 0;
    for (let i = 0; i < d; i++) {
      const gi = ds[i]! * pp[i]!;
      grad[bo + i] += weight * gi;
      for (let j = 0; j < d; j++) {
        grad[wo + i * d + j] += weight * gi * x[j]!;
        out[j] += theta[wo + i * d + j]! * gi;
      }
    }
  };

  let J = 0;
  for (let i = 0; i < M; i++) {
    const scale = (data.weights === null ? 1 : data.weights[i]!) / wsum;
    for (let j = 0; j < d; j++) X[j] = data.x[i * d + j]!;
    for (let m = 0; m < N; m++) {
      const layer = Math.floor(m / n);
      const o = m * d;
      field(layer, X, o, k1);
      for (let j = 0; j < d; j++) xs[j] = X[o + j]! + 0.5 * h * k1[j]!;
      field(layer, xs, 0, k2);
      for (let j = 0; j < d; j++) xs[j] = X[o + j]! + 0.5 * h * k2[j]!;
      field(layer, xs, 0, k3);
      for (let j = 0; j < d; j++) xs[j] = X[o + j]! + h * k3[j]!;
      field(layer, xs, 0, k4);
      for (let j = 0; j < d; j++) X[o + d + j] = X[o + j]! + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    }
    for (let j = 0; j < d; j++) xL[j] = X[N * d + j]!;
    J += c.kernel.head.sample(i, xL, theta, ro, grad, scale, p);
    if (scale === 0) continue;
    // backward in τ = T - t: dp/dτ = W^T(σ' ⊙ p), dG/dτ = (σ' ⊙ p) x^T
    for (let m = N - 1; m >= 0; m--) {
      const layer = Math.floor(m / n);
      const o = m * d;
      field(layer, X, o, f0);
      field(layer, X, o + d, f1);
      for (let j = 0; j < d; j++) {
        xm[j] = 0.5 * (X[o + j]! + X[o + d + j]!) + (h / 8) * (f0[j]! - f1[j]!);
        xs[j] = X[o + d + j]!;
      }
      costate(layer, xs, p, k1, h / 6);
      for (let j = 0; j < d; j++) pt[j] = p[j]! + 0.5 * h * k1[j]!;
      costate(layer, xm, pt, k2, h / 3);
      for (let j = 0; j < d; j++) pt[j] = p[j]! + 0.5 * h * k2[j]!;
      costate(layer, xm, pt, k3, h / 3);
      for (let j = 0; j < d; j++) {
        pt[j] = p[j]! + h * k3[j]!;
        xs[j] = X[o + j]!;
      }
      costate(layer, xs, pt, k4, h / 6);
      for (let j = 0; j < d; j++) p[j] += (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    }
  }
  if (c.lambda > 0) {
    let r = 0;
    for (let q = 0; q < ro; q++) {
      r += theta[q]! * theta[q]!;
      grad[q] += c.lambda * theta[q]!;
    }
    J += 0.5 * c.lambda * r;
  }
  return gradientResult(c, J, grad, 3 * M, `continuous-adjoint-rk4x${n}`);
}
