/**
 * Deterministic integrators of the neural ODE dx/dt = σ(W(t) x + b(t)) over a particle ensemble
 * (MODEL.md §1): forward Euler (one step per layer is exactly the ResNet), Heun, classical RK4 and
 * the adaptive Dormand–Prince 5(4) pair with PI step control and dense output. Every method steps
 * exactly onto the layer boundaries t_k = kΔt, where the field jumps, and never across them.
 * @packageDocumentation
 */
import { activationInfo, type Activation } from "./activations.js";
import type { SolveStatus } from "./errors.js";
import {
  ACT_TANH,
  ACT_USER,
  eulerFused1D,
  eulerFused2D,
  eulerTanh1D,
  eulerTanh2D,
  type ActivationKernel,
  velocityEnsembleInto,
} from "./internal/kernels.js";
import { lookupMethod } from "./internal/method-lookup.js";
import { checkNetwork, type NetworkParams } from "./network.js";
import { checkEnsemble } from "./particles.js";
import { resolveTimeline } from "./timeline.js";
import { isWasmBuffer, WASM_BATCH_STEPS, wasmEulerTanhBatch, wasmEulerTanhStep, wasmWorkBuffer } from "./internal/wasm-euler.js";
import { isWasmNdBuffer, ND_MAX, ND_METHODS, wasmNdTanhBatch, wasmNdTanhStep, wasmNdWorkBuffer } from "./internal/wasm-euler-nd.js";
import {
  invalidArgument,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requirePositive,
  shapeMismatch,
} from "./validate.js";

/** Names of the deterministic integrators. */
export type OdeMethodName = "euler" | "heun" | "rk4" | "dopri5";

/** Metadata of an integrator (the registries of ODE and SDE methods share this shape). */
export interface OdeMethodInfo {
  /** Registry name. */
  readonly name: OdeMethodName;
  /** Order of convergence (global error O(h^order)). */
  readonly order: number;
  /** True for step-size control by an error estimate. */
  readonly adaptive: boolean;
  /** Always false here (see `SDE_METHODS`). */
  readonly stochastic: false;
  /** Velocity evaluations of the ensemble per step (dopri5: 6 thanks to first-same-as-last). */
  readonly stages: number;
  /** One-line description. */
  readonly description: string;
}

/**
 * The registry of deterministic integrators with their metadata; tests and front ends loop over it.
 * @example
 * ```ts
 * for (const m of ODE_METHODS) console.log(m.name, m.order, m.adaptive);
 * ```
 */
export const ODE_METHODS: readonly OdeMethodInfo[] = Object.freeze([
  Object.freeze({
    name: "euler",
    order: 1,
    adaptive: false,
    stochastic: false,
    stages: 1,
    description: "forward Euler; one step per layer is the ResNet update",
  } as const),
  Object.freeze({
    name: "heun",
    order: 2,
    adaptive: false,
    stochastic: false,
    stages: 2,
    description: "Heun's method (explicit trapezoid, RK2)",
  } as const),
  Object.freeze({
    name: "rk4",
    order: 4,
    adaptive: false,
    stochastic: false,
    stages: 4,
    description: "classical fourth-order Runge–Kutta",
  } as const),
  Object.freeze({
    name: "dopri5",
    order: 5,
    adaptive: true,
    stochastic: false,
    stages: 6,
    description: "Dormand–Prince 5(4), PI step control, 4th-order dense output",
  } as const),
]);

const ODE_METHOD_NAMES: readonly OdeMethodName[] = ODE_METHODS.map((m) => m.name);

/**
 * Look up an integrator's metadata by name.
 * @param name - a registry name
 * @returns the metadata
 * @throws KineticError NOT_FOUND for an unknown name
 * @example
 * ```ts
 * getOdeMethod("rk4").order; // 4
 * ```
 */
export function getOdeMethod(name: string): OdeMethodInfo {
  return lookupMethod(ODE_METHODS, ODE_METHOD_NAMES, name, "ODE");
}

/** Options of {@link solveOde}. All optional; defaults in brackets. */
export interface OdeOptions {
  /** Integrator [`"dopri5"`]. */
  readonly method?: OdeMethodName;
  /**
   * End time, > 0 [`params.T`]. Beyond T the last layer keeps acting; fixed-step methods shorten
   * their last step to land on tEnd.
   */
  readonly tEnd?: number;
  /** Fixed-step methods: steps per layer, h = Δt / stepsPerLayer [1]. */
  readonly stepsPerLayer?: number;
  /** dopri5: relative tolerance [1e-6]. */
  readonly rtol?: number;
  /** dopri5: absolute tolerance [1e-9]. */
  readonly atol?: number;
  /** dopri5: first trial step [chosen automatically from the field, Hairer's `hinit`]. */
  readonly h0?: number;
  /** dopri5: smallest step the controller may propose before giving up [1e-12 · max(1, tEnd)]. */
  readonly minStep?: number;
  /** Largest number of attempted steps (accepted + rejected) [100 000]. */
  readonly maxSteps?: number;
  /**
   * Times in [0, tEnd], non-decreasing (equal times allowed), at which to record the ensemble, or a count
   * of evenly spaced times from 0 to tEnd [none]. Resolved by {@link resolveTimeline}: times within
   * 16 ulps of 0, tEnd or a layer boundary are set to that point.
   */
  readonly saveAt?: ArrayLike<number> | number;
}

/** Counters of a solve. */
export interface OdeStats {
  /** Accepted steps. */
  steps: number;
  /** Rejected steps (adaptive methods). */
  rejected: number;
  /** Velocity evaluations of the whole ensemble (each is M·d activations). */
  rhsEvals: number;
}

/** Result of {@link solveOde}. */
export interface OdeResult {
  /** The ensemble at time `t`, M·d values row-major (fresh, or the caller's `out` for `…Into`). */
  readonly x: Float64Array;
  /**
   * Time reached: tEnd on success; otherwise the last time at which the whole ensemble was finite
   * (and below 1e150 in magnitude) — `x` holds that state.
   */
  readonly t: number;
  /** The save times as resolved by {@link resolveTimeline} (fresh). */
  readonly saveAt: Float64Array;
  /** nSave·M·d values: `saved[s*M*d + i*d + j]`; NaN for save times not reached. */
  readonly saved: Float64Array;
  /** `"success"`, `"non-finite"` (blow-up), `"max-steps"`, `"step-too-small"`. */
  readonly status: SolveStatus;
  /** Counters. */
  readonly stats: OdeStats;
  /** Index of a particle that blew up (status `"non-finite"`), otherwise -1. */
  readonly failedParticle: number;
}

/**
 * Magnitude above which a state counts as a blow-up (status "non-finite") in `solveOde` and `solveSde`.
 * @example
 * ```ts
 * if (Math.abs(v) > BLOW_UP_THRESHOLD) console.log("diverged");
 * ```
 */
export const BLOW_UP_THRESHOLD = 1e150;

interface Resolved {
  readonly method: OdeMethodName;
  readonly tEnd: number;
  readonly spl: number;
  readonly rtol: number;
  readonly atol: number;
  readonly h0: number | undefined;
  readonly minStep: number;
  readonly maxSteps: number;
  readonly saveAt: Float64Array;
}

function checkParams(params: NetworkParams): void {
  checkNetwork(params);
}

const ODE_OPTION_KEYS = ["method", "tEnd", "stepsPerLayer", "rtol", "atol", "h0", "minStep", "maxSteps", "saveAt"] as const;

function resolveOptions(params: NetworkParams, options: OdeOptions, n: number): Resolved {
  options = requireOptions<OdeOptions>("options", options, ODE_OPTION_KEYS);
  const method = options.method === undefined ? "dopri5" : requireOneOf("options.method", options.method, ODE_METHOD_NAMES);
  const tEnd = options.tEnd === undefined ? params.T : requirePositive("options.tEnd", options.tEnd);
  const spl = options.stepsPerLayer === undefined ? 1 : requireInteger("options.stepsPerLayer", options.stepsPerLayer, 1);
  const rtol = options.rtol === undefined ? 1e-6 : requirePositive("options.rtol", options.rtol);
  const atol = options.atol === undefined ? 1e-9 : requireNonNegative("options.atol", options.atol);
  const h0 = options.h0 === undefined ? undefined : requirePositive("options.h0", options.h0);
  const minStep = options.minStep === undefined ? 1e-12 * Math.max(1, tEnd) : requireNonNegative("options.minStep", options.minStep);
  const maxSteps = options.maxSteps === undefined ? 100_000 : requireInteger("options.maxSteps", options.maxSteps, 1);
  const saveAt = resolveTimeline(params, options.saveAt, { tEnd, name: "options.saveAt", stateSize: n }).saveAt;
  return { method, tEnd, spl, rtol, atol, h0, minStep, maxSteps, saveAt };
}

/** Working state shared by the steppers. */
interface Ctx {
  readonly sigma: Activation;
  readonly kern: ActivationKernel;
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly d: number;
  readonly M: number;
  readonly n: number;
  readonly stats: OdeStats;
}

function rhs(c: Ctx, layer: number, x: Float64Array, out: Float64Array): void {
  velocityEnsembleInto(c.sigma, c.kern, c.W, c.b, c.d, layer, x, c.M, out);
  c.stats.rhsEvals++;
}

/**
 * One fixed step of `method` from `x` over `h` with layer `layer` into `target` (may be `x`).
 * Returns the index of the first element that is non-finite or beyond the blow-up threshold, or -1.
 */
function fixedStep(
  c: Ctx,
  method: OdeMethodName,
  layer: number,
  h: number,
  x: Float64Array,
  target: Float64Array,
  k1: Float64Array,
  k2: Float64Array,
  k3: Float64Array,
  k4: Float64Array,
  tmp: Float64Array,
): number {
  const n = c.n;
  let bad = -1;
  if (method !== "dopri5" && c.kern.code === ACT_TANH && c.d > 2 && x === target && isWasmNdBuffer(x, c.d, method)) {
    // WebAssembly SIMD for d = 3…8, bit-identical to the TypeScript paths below.
    c.stats.rhsEvals += ND_METHODS[method];
    bad = wasmNdTanhStep(method, c.d, c.W, c.b, layer, h, x, n);
    return bad < 0 ? -1 : firstBad(target, n);
  }
  if (method === "euler") {
    const code = c.kern.code;
    if (code !== ACT_USER && c.d <= 2) {
      // Fused ResNet update: one pass, the activation inlined (no closure per element).
      c.stats.rhsEvals++;
      if (code === ACT_TANH && x === target && isWasmBuffer(x)) {
        // WebAssembly SIMD, bit-identical to the JavaScript kernels below.
        bad = wasmEulerTanhStep(c.d, c.W, c.b, layer, h, x, n);
      } else if (code === ACT_TANH) {
        bad = c.d === 1 ? eulerTanh1D(c.W[layer], c.b[layer], h, x, target, n) : eulerTanh2D(c.W, c.b, layer, h, x, target, n);
      } else {
        bad =
          c.d === 1
            ? eulerFused1D(code, c.kern.alpha, c.W[layer], c.b[layer], h, x, target, n)
            : eulerFused2D(code, c.kern.alpha, c.W, c.b, layer, h, x, target, n);
      }
      return bad < 0 ? -1 : firstBad(target, n);
    }
    rhs(c, layer, x, k1);
    for (let i = 0; i < n; i++) {
      const v = x[i] + h * k1[i];
      target[i] = v;
      if (!(Math.abs(v) <= BLOW_UP_THRESHOLD)) bad = i;
    }
  } else if (method === "heun") {
    rhs(c, layer, x, k1);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + h * k1[i];
    rhs(c, layer, tmp, k2);
    const h2 = h / 2;
    for (let i = 0; i < n; i++) {
      const v = x[i] + h2 * (k1[i] + k2[i]);
      target[i] = v;
      if (!(Math.abs(v) <= BLOW_UP_THRESHOLD)) bad = i;
    }
  } else {
    // rk4 (dopri5 never comes here)
    const h2 = h / 2;
    rhs(c, layer, x, k1);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + h2 * k1[i];
    rhs(c, layer, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + h2 * k2[i];
    rhs(c, layer, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + h * k3[i];
    rhs(c, layer, tmp, k4);
    const h6 = h / 6;
    for (let i = 0; i < n; i++) {
      const v = x[i] + h6 * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]);
      target[i] = v;
      if (!(Math.abs(v) <= BLOW_UP_THRESHOLD)) bad = i;
    }
  }
  return bad < 0 ? -1 : firstBad(target, n);
}

function firstBad(v: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) if (!(Math.abs(v[i]) <= BLOW_UP_THRESHOLD)) return i;
  return -1;
}

/** Start of layer l's interval, and its end (the last layer extends to +∞). */
function layerEnd(params: NetworkParams, l: number): number {
  return l === params.nLayers - 1 ? Infinity : (l + 1) * params.dt;
}

interface RunOut {
  t: number;
  status: SolveStatus;
  failedParticle: number;
}

function runFixed(params: NetworkParams, c: Ctx, o: Resolved, out: Float64Array, saved: Float64Array): RunOut {
  const n = c.n;
  const { saveAt, tEnd, spl } = o;
  const nSave = saveAt.length;
  const h = params.dt / spl;
  // Euler with tanh in d ≤ 8, and Heun and RK4 with tanh in d = 3…8, run in a working buffer inside
  // the WebAssembly kernels' memory when they are available (same results bit for bit); `out`
  // receives the state at the end.
  const method = o.method as Exclude<OdeMethodName, "dopri5">; // runFixed never gets dopri5
  const work =
    c.kern.code === ACT_TANH && c.d <= ND_MAX && n >= 64
      ? c.d <= 2
        ? method === "euler"
          ? wasmWorkBuffer(n)
          : null
        : wasmNdWorkBuffer(n, c.d, method)
      : null;
  // With the d = 3…8 kernels the stage buffers serve only off-grid save times (TypeScript path).
  const typed = c.d <= 2 || work === null || nSave > 0;
  const needStages = typed && (o.method !== "euler" || c.kern.code === ACT_USER || c.d > 2);
  const k1 = new Float64Array(needStages ? n : 0);
  const k2 = new Float64Array(o.method === "euler" || !typed ? 0 : n);
  const k3 = new Float64Array(o.method === "rk4" && typed ? n : 0);
  const k4 = new Float64Array(o.method === "rk4" && typed ? n : 0);
  const tmp = new Float64Array(o.method === "euler" || !typed ? 0 : n);
  // Steps update in place (no second state buffer streamed through memory every step). A blow-up
  // is rare: the initial state is kept and, on failure, the solve is replayed deterministically up
  // to the last finite step so that `out` holds that state. With the working buffer, `out` itself
  // keeps the initial state until the end (no copy: fresh pages cost as much as the arithmetic).
  const initial = work !== null ? out : Float64Array.from(out);

  // Batching (WebAssembly tanh kernels only): consecutive steps between save points are queued and run
  // by one tiled kernel call; BATCH_FAILED reports a blow-up somewhere in a batch (then the caller
  // replays step by step, which locates it — the arithmetic is the same).
  const BATCH_FAILED = -2;
  const qLayers = new Int32Array(WASM_BATCH_STEPS);
  const qH = new Float64Array(WASM_BATCH_STEPS);
  let queued = 0;
  const flush = (x: Float64Array): boolean => {
    if (queued === 0) return true;
    c.stats.rhsEvals += queued * ND_METHODS[method];
    const ok =
      (c.d <= 2
        ? wasmEulerTanhBatch(c.d, c.W, c.b, qLayers, qH, queued, x, n)
        : wasmNdTanhBatch(method, c.d, c.W, c.b, qLayers, qH, queued, x, n)) < 0;
    queued = 0;
    return ok;
  };

  /**
   * Take at most `limit` steps from time 0; returns the step count and the failing index (or -1, or
   * BATCH_FAILED when `batch` is set).
   */
  const march = (x: Float64Array, limit: number, withSaves: boolean, batch = false): { t: number; steps: number; bad: number } => {
    let s = 0;
    let t = 0;
    let steps = 0;
    for (let l = 0; ; l++) {
      const base = l * params.dt;
      const lastLayer = l >= params.nLayers - 1;
      const layer = lastLayer ? params.nLayers - 1 : l;
      // Beyond the last layer's end the last layer continues; its sub-steps keep the same size h.
      for (let j = 0; lastLayer || j < spl; j++) {
        if (t >= tEnd) break;
        if (steps >= limit) {
          if (batch && !flush(x)) return { t, steps, bad: BATCH_FAILED };
          return { t, steps, bad: -1 };
        }
        const tNext0 = j < spl - 1 ? base + (j + 1) * h : j === spl - 1 ? (l + 1) * params.dt : (l + 1) * params.dt + (j + 1 - spl) * h;
        const tNext = tNext0 > tEnd ? tEnd : tNext0;
        // The nominal h (not tNext - t, which rounds) so that Euler with one step per layer is
        // bit-for-bit the ResNet update; only the final step to tEnd is shortened.
        const hStep = tNext0 > tEnd ? tEnd - t : h;
        if (withSaves && s < nSave && saveAt[s] < tNext) {
          if (batch && !flush(x)) return { t, steps, bad: BATCH_FAILED };
          while (s < nSave && saveAt[s] === t) saved.set(x, s++ * n);
          while (s < nSave && saveAt[s] < tNext) {
            // Off-grid save time: one partial step of the same method from the current grid point.
            const slot = saved.subarray(s * n, (s + 1) * n);
            fixedStep(c, o.method, layer, saveAt[s] - t, x, slot, k1, k2, k3, k4, tmp);
            s++;
          }
        }
        if (batch) {
          qLayers[queued] = layer;
          qH[queued++] = hStep;
          if (queued === WASM_BATCH_STEPS && !flush(x)) return { t, steps, bad: BATCH_FAILED };
        } else {
          const bad = fixedStep(c, o.method, layer, hStep, x, x, k1, k2, k3, k4, tmp);
          if (bad >= 0) return { t, steps, bad };
        }
        steps++;
        t = tNext;
      }
      if (t >= tEnd) break;
    }
    if (batch && !flush(x)) return { t, steps, bad: BATCH_FAILED };
    if (withSaves) while (s < nSave && saveAt[s] <= t) saved.set(x, s++ * n);
    return { t, steps, bad: -1 };
  };

  const x = work ?? out;
  if (work !== null) work.set(out);
  const evals0 = c.stats.rhsEvals;
  let r = march(x, o.maxSteps, true, work !== null);
  if (r.bad === BATCH_FAILED) {
    // A blow-up inside a batch: start again step by step (same arithmetic) to find where.
    x.set(initial);
    c.stats.rhsEvals = evals0;
    r = march(x, o.maxSteps, true);
  }
  c.stats.steps += r.steps;
  if (r.bad >= 0) {
    x.set(initial);
    march(x, r.steps, false);
    if (work !== null) out.set(work);
    return { t: r.t, status: "non-finite", failedParticle: Math.floor(r.bad / c.d) };
  }
  if (work !== null) out.set(work);
  if (r.t < tEnd) return { t: r.t, status: "max-steps", failedParticle: -1 };
  return { t: r.t, status: "success", failedParticle: -1 };
}

// Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, DOPRI5).
const A21 = 1 / 5;
const A31 = 3 / 40,
  A32 = 9 / 40;
const A41 = 44 / 45,
  A42 = -56 / 15,
  A43 = 32 / 9;
const A51 = 19372 / 6561,
  A52 = -25360 / 2187,
  A53 = 64448 / 6561,
  A54 = -212 / 729;
const A61 = 9017 / 3168,
  A62 = -355 / 33,
  A63 = 46732 / 5247,
  A64 = 49 / 176,
  A65 = -5103 / 18656;
const A71 = 35 / 384,
  A73 = 500 / 1113,
  A74 = 125 / 192,
  A75 = -2187 / 6784,
  A76 = 11 / 84;
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40;
const D1 = -12715105075 / 11282082432,
  D3 = 87487479700 / 32700410799,
  D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632,
  D6 = -1453857185 / 822651844,
  D7 = 69997945 / 29380423;

function rmsNorm(v: Float64Array, x: Float64Array, atol: number, rtol: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = v[i] / (atol + rtol * Math.abs(x[i]));
    s += q * q;
  }
  return Math.sqrt(s / n);
}

function runDopri(params: NetworkParams, c: Ctx, o: Resolved, xIn: Float64Array, saved: Float64Array): RunOut & { x: Float64Array } {
  const n = c.n;
  let x = xIn;
  let xn: Float64Array = new Float64Array(n);
  const k1 = new Float64Array(n),
    k2 = new Float64Array(n),
    k3 = new Float64Array(n);
  const k4 = new Float64Array(n),
    k5 = new Float64Array(n),
    k6 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const k7 = k2; // k2 is dead once the solution is formed: FSAL stage goes into its buffer
  const { rtol, atol, tEnd, saveAt } = o;
  const nSave = saveAt.length;
  let s = 0;
  while (s < nSave && saveAt[s] === 0) saved.set(x, s++ * n);

  let t = 0;
  let layer = 0;
  rhs(c, layer, x, k1);
  // Initial step (Hairer's hinit) on the RMS norm of the whole ensemble.
  let h: number;
  if (o.h0 !== undefined) h = o.h0;
  else {
    const dnf = rmsNorm(k1, x, atol, rtol, n);
    const dny = rmsNorm(x, x, atol, rtol, n);
    h = dnf <= 1e-5 || dny <= 1e-5 ? 1e-6 : 0.01 * (dny / dnf);
    h = Math.min(h, tEnd, params.dt);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + h * k1[i];
    rhs(c, layer, tmp, k2);
    for (let i = 0; i < n; i++) k3[i] = k2[i] - k1[i];
    const der2 = rmsNorm(k3, x, atol, rtol, n) / h;
    const der12 = Math.max(der2, dnf);
    const h1 = der12 <= 1e-15 ? Math.max(1e-6, h * 1e-3) : Math.pow(0.01 / der12, 1 / 5);
    h = Math.min(100 * h, h1, tEnd);
    if (!(h > 0) || !Number.isFinite(h)) h = Math.min(1e-6, tEnd);
  }
  let errOld = 1e-4;
  let lastRejected = false;
  let attempts = 0;
  let fsal = true; // k1 holds f(t, x) of the current layer

  while (t < tEnd) {
    if (attempts >= o.maxSteps) return { x, t, status: "max-steps", failedParticle: -1 };
    if (h < o.minStep) return { x, t, status: "step-too-small", failedParticle: -1 };
    // Never step across a layer boundary: clip to min(boundary, tEnd).
    const boundary = Math.min(layerEnd(params, layer), tEnd);
    const clipped = t + h >= boundary;
    const hs = clipped ? boundary - t : h;
    const tNew = clipped ? boundary : t + hs;
    attempts++;
    if (!fsal) {
      rhs(c, layer, x, k1);
      fsal = true;
    }
    for (let i = 0; i < n; i++) tmp[i] = x[i] + hs * A21 * k1[i];
    rhs(c, layer, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + hs * (A31 * k1[i] + A32 * k2[i]);
    rhs(c, layer, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + hs * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    rhs(c, layer, tmp, k4);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + hs * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    rhs(c, layer, tmp, k5);
    for (let i = 0; i < n; i++) tmp[i] = x[i] + hs * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    rhs(c, layer, tmp, k6);
    for (let i = 0; i < n; i++) xn[i] = x[i] + hs * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    rhs(c, layer, xn, k7);
    // Error estimate: RMS over all M·d components (one shared step size for the ensemble).
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const e = hs * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const sk = atol + rtol * Math.max(Math.abs(x[i]), Math.abs(xn[i]));
      const q = e / sk;
      acc += q * q;
    }
    const err = Math.sqrt(acc / n);
    if (!Number.isFinite(err)) {
      // A trial that overflowed: shrink hard and retry (a genuine blow-up ends in step-too-small or
      // in the magnitude test below).
      c.stats.rejected++;
      h = hs * 0.2;
      lastRejected = true;
      continue;
    }
    const fac11 = Math.pow(err, 0.2 - 0.04 * 0.75);
    if (err <= 1) {
      const bad = firstBad(xn, n);
      if (bad >= 0) return { x, t, status: "non-finite", failedParticle: Math.floor(bad / c.d) };
      let fac = fac11 / Math.pow(errOld, 0.04);
      fac = Math.max(0.1, Math.min(5, fac / 0.9));
      let hNew = hs / fac;
      if (lastRejected) hNew = Math.min(hNew, hs);
      if (clipped) hNew = Math.max(hNew, h); // a step shortened to hit a boundary says nothing against h
      errOld = Math.max(err, 1e-4);
      lastRejected = false;
      // Dense output for save times in (t, tNew].
      while (s < nSave && saveAt[s] <= tNew) {
        if (saveAt[s] === tNew) {
          saved.set(xn, s++ * n);
          continue;
        }
        const theta = (saveAt[s] - t) / hs;
        const th1 = 1 - theta;
        const off = s * n;
        for (let i = 0; i < n; i++) {
          const y0 = x[i];
          const ydiff = xn[i] - y0;
          const bspl = hs * k1[i] - ydiff;
          const r4 = ydiff - hs * k7[i] - bspl;
          const r5 = hs * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
          saved[off + i] = y0 + theta * (ydiff + th1 * (bspl + theta * (r4 + th1 * r5)));
        }
        s++;
      }
      const swap = x;
      x = xn;
      xn = swap;
      t = tNew;
      c.stats.steps++;
      // FSAL: k7 = f(x_new) of this layer; at a layer boundary the next layer needs a fresh k1.
      if (clipped && boundary === layerEnd(params, layer) && t < tEnd) {
        layer++;
        fsal = false;
      } else {
        k1.set(k7);
      }
      h = hNew;
    } else {
      c.stats.rejected++;
      h = hs / Math.min(5, fac11 / 0.9);
      lastRejected = true;
    }
  }
  return { x, t, status: "success", failedParticle: -1 };
}

/**
 * Integrate dx/dt = σ(W(t) x + b(t)) for every particle from t = 0 to tEnd, writing into `out`.
 *
 * @param params - network parameters (any d, activation, layers)
 * @param x0 - initial ensemble, M·d values row-major (`x0[i*d + j]`); not modified
 * @param out - receives the final ensemble, M·d values (may be `x0` itself for an in-place solve)
 * @param options - see {@link OdeOptions}
 * @returns the result with `x === out`
 * @throws KineticError INVALID_ARGUMENT (bad options, non-finite x0), SHAPE_MISMATCH (x0/out lengths)
 * @remarks Same methods, guarantees and cost as {@link solveOde}. Allocation per solve: the stage
 * buffers of the method (none for Euler with a built-in activation in d ≤ 2, or for a fixed-step
 * method with tanh in d = 3…8 without save times) and one copy of x0, from which a blow-up is
 * replayed to its last finite state; nothing is allocated per step. Euler with tanh in d ≤ 8, and
 * Heun and RK4 with tanh in d = 3…8, work in the WebAssembly kernels' memory, which grows to the
 * largest M·d seen (8 bytes per value, kept for reuse) and gives bit-identical results.
 * @example
 * ```ts
 * const out = new Float64Array(x0.length);
 * solveOdeInto(net, x0, out, { method: "rk4", stepsPerLayer: 4 });
 * ```
 */
export function solveOdeInto(params: NetworkParams, x0: Float64Array, out: Float64Array, options: OdeOptions = {}): OdeResult {
  checkParams(params);
  const d = params.d;
  const M = checkEnsemble(x0, d, "x0");
  if (!(out instanceof Float64Array)) throw invalidArgument("out", "a Float64Array", out);
  if (out.length !== x0.length) throw shapeMismatch("out", `length M*d = ${x0.length}`, out.length);
  const n = M * d;
  const o = resolveOptions(params, options, n);
  const stats: OdeStats = { steps: 0, rejected: 0, rhsEvals: 0 };
  const c: Ctx = { sigma: params.sigma, kern: activationInfo(params.sigma), W: params.W, b: params.b, d, M, n, stats };
  const saved = new Float64Array(o.saveAt.length * n);
  if (out !== x0) out.set(x0);
  let r: RunOut;
  if (o.method === "dopri5") {
    const res = runDopri(params, c, o, Float64Array.from(out), saved);
    out.set(res.x);
    r = res;
  } else {
    r = runFixed(params, c, o, out, saved);
  }
  if (r.status !== "success") {
    // Save times never reached carry NaN (the status says why).
    for (let s = 0; s < o.saveAt.length; s++) if (o.saveAt[s]! > r.t) saved.fill(NaN, s * n, (s + 1) * n);
  }
  return { x: out, t: r.t, saveAt: o.saveAt, saved, status: r.status, stats, failedParticle: r.failedParticle };
}

/**
 * Integrate the neural ODE dx/dt = σ(W(t) x + b(t)) (MODEL.md §1) for an ensemble of particles.
 *
 * @param params - network parameters (any d, activation, layers; W, b piecewise constant per layer)
 * @param x0 - initial ensemble, M·d values row-major (`x0[i*d + j]`); not modified
 * @param options - method [`"dopri5"`], tEnd [T], stepsPerLayer [1], rtol [1e-6], atol [1e-9], h0,
 *   minStep, maxSteps [1e5], saveAt (see {@link OdeOptions})
 * @returns `{ x, t, saveAt, saved, status, stats, failedParticle }` with fresh buffers
 * @throws KineticError INVALID_ARGUMENT (bad option, non-finite or empty x0), SHAPE_MISMATCH
 *   (x0 length not a multiple of d)
 * @remarks
 * - Orders: euler 1, heun 2, rk4 4 (fixed h = Δt/stepsPerLayer), dopri5 5 with a 4th-order error
 *   estimate, Hairer's PI controller (β = 0.04, safety 0.9, step ratio in [0.2, 10]) and the 4th-order
 *   continuous extension for `saveAt`.
 * - Layer boundaries t_k = kΔt are always step end points (the field jumps there): no method steps
 *   across one, so the orders hold for layered networks. Euler with stepsPerLayer = 1 is exactly the
 *   ResNet x ← x + Δt σ(W x + b), with z = (Σ_j W_ij x_j) + b_i summed in that order.
 * - dopri5 uses ONE step size for the whole ensemble: the error norm is the RMS over all M·d
 *   components of err / (atol + rtol·max(|x|, |x_new|)). Particles in stiff regions therefore set the
 *   step for all; split the ensemble if that matters.
 * - Fixed-step save times between grid points are filled by one partial step of the same method from
 *   the preceding grid point (same order; the trajectory itself is unchanged).
 * - Once started, failures are statuses, never exceptions: `"non-finite"` when any component
 *   becomes NaN/±Infinity or exceeds 1e150 in magnitude (`x` then holds the last finite state at time
 *   `t`, `failedParticle` names a culprit); `"max-steps"`; `"step-too-small"` (dopri5).
 * - Cost: (stages per step) × M·d activations per step; memory: a few M·d buffers (dopri5: 9).
 * - `params.noise` is ignored here (the deterministic flow); see `solveSde` for the stochastic ResNet.
 * @example
 * ```ts
 * const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2, nLayers: 20 });
 * const x0 = linspaceEnsemble(1000, -3, 3);
 * const r = solveOde(net, x0, { method: "dopri5", rtol: 1e-8, saveAt: [0.5, 1, 2] });
 * if (r.status === "success") console.log(r.x[0], r.stats.steps);
 * ```
 */
export function solveOde(params: NetworkParams, x0: Float64Array, options: OdeOptions = {}): OdeResult {
  checkParams(params);
  const M = checkEnsemble(x0, params.d, "x0");
  return solveOdeInto(params, x0, new Float64Array(M * params.d), options);
}

/**
 * The plain ResNet forward pass x^{k+1} = x^k + Δt σ(W^k x^k + b^k), k = 0..L-1 (forward Euler with
 * one step per layer).
 * @param params - network parameters
 * @param x0 - inputs, M·d values row-major; not modified
 * @returns the result of {@link solveOde} with method "euler" and stepsPerLayer 1; `x` is the output
 *   x^L, fresh
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH
 * @remarks Cost L·M·d activations; fused single pass for built-in activations in d ≤ 2; with tanh
 * in d ≤ 8 the pass runs in a WebAssembly SIMD kernel where the runtime has one (Node, current
 * browsers), bit-identical to the JavaScript path used elsewhere. A blow-up
 * (|x| > 1e150 or non-finite) gives status "non-finite" with the last finite layer output.
 * @example
 * ```ts
 * const net = createNetwork({ sigma: "tanh", d: 2, T: 1, W: [[-1, 0.5, -0.5, -1]], b: [[0.1, 0]] });
 * const { x } = forwardResnet(net, new Float64Array([1, 0, 0, 1]));
 * ```
 */
export function forwardResnet(params: NetworkParams, x0: Float64Array): OdeResult {
  return solveOde(params, x0, { method: "euler", stepsPerLayer: 1 });
}

/**
 * In-place form of {@link forwardResnet}: writes x^L into `out` (which may be `x0`).
 * @param params - network parameters
 * @param x0 - inputs, M·d values
 * @param out - receives the outputs, M·d values
 * @returns the result with `x === out`
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH
 * @remarks Updates in place; for built-in activations in d ≤ 2 the only allocation is one copy of
 * x0 (kept to replay a blow-up to its last finite layer).
 * @example
 * ```ts
 * const out = new Float64Array(x0.length);
 * forwardResnetInto(net, x0, out);
 * ```
 */
export function forwardResnetInto(params: NetworkParams, x0: Float64Array, out: Float64Array): OdeResult {
  return solveOdeInto(params, x0, out, { method: "euler", stepsPerLayer: 1 });
}
