/**
 * Characteristics of the 1-D field dx/dt = σ(w x + b) with constant w, b, composed over the layers of a
 * network between any two times. The closed forms (MODEL.md §3: identity, tanh, sigmoid, relu,
 * leaky-relu) are core's `characteristic1D`; activations without one (softplus, user activations) are
 * integrated here by RK4 with fine substeps. The field is autonomous within a layer, so the backward
 * characteristic is the flow with t < 0.
 */
import { type Activation, type NetworkParams, activationInfo, characteristic1D } from "@kinetic-nde/core";

/** RK4 with substeps for activations without a closed-form flow. */
function rk4Flow(sigma: (z: number) => number, w: number, b: number, x: number, t: number): number {
  const n = Math.max(16, Math.ceil(Math.abs(t) * (Math.abs(w) + 1) * 400));
  const h = t / n;
  for (let i = 0; i < n; i++) {
    const k1 = sigma(w * x + b);
    const k2 = sigma(w * (x + 0.5 * h * k1) + b);
    const k3 = sigma(w * (x + 0.5 * h * k2) + b);
    const k4 = sigma(w * (x + h * k3) + b);
    x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return x;
}

/**
 * Flow of dx/dt = σ(w x + b) for time t (t may be negative: backward characteristic).
 * Closed forms (core `characteristic1D`) for identity, tanh, sigmoid, relu, leaky-relu; RK4 otherwise.
 * A non-finite point (a flow that has already blown up) is returned unchanged.
 */
export function flow1D(sigma: Activation, w: number, b: number, x: number, t: number): number {
  if (t === 0 || !Number.isFinite(x)) return x;
  if (activationInfo(sigma).closedFormCharacteristic) return characteristic1D(sigma, w, b, x, t);
  if (w === 0) return x + sigma.sigma(b) * t;
  return rk4Flow(sigma.sigma, w, b, x, t);
}

/**
 * Flow of a 1-D layered network from time t0 to t1 (either order), exact per layer.
 * Layer k acts on [kΔt, (k+1)Δt); the last layer extends beyond T and the first before 0.
 */
export function flowNetwork1D(params: NetworkParams, x: number, t0: number, t1: number): number {
  if (t0 === t1) return x;
  const { dt, nLayers, W, b, sigma } = params;
  const layerOf = (t: number, forward: boolean) => {
    // the layer acting just after t (forward) or just before t (backward)
    let k = forward ? Math.floor(t / dt + 1e-12) : Math.ceil(t / dt - 1e-12) - 1;
    if (k < 0) k = 0;
    if (k > nLayers - 1) k = nLayers - 1;
    return k;
  };
  const forward = t1 > t0;
  let t = t0;
  while (forward ? t < t1 : t > t1) {
    const k = layerOf(t, forward);
    let edge: number;
    if (forward) edge = k === nLayers - 1 ? t1 : Math.min(t1, (k + 1) * dt);
    else edge = k === 0 ? t1 : Math.max(t1, k * dt);
    x = flow1D(sigma, W[k]!, b[k]!, x, edge - t);
    t = edge;
  }
  return x;
}
