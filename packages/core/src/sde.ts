/**
 * Stochastic integrators of the stochastic ResNet dx = σ(W(t) x + b(t)) dt + K(x) dB (Itô,
 * MODEL.md §2): Euler–Maruyama (one step per layer is exactly the stochastic ResNet), Milstein for
 * diagonal noise, and Platen's explicit weak order 2.0 scheme for additive noise. Each particle draws
 * its noise from its own random stream, so results do not depend on batch size or chunking.
 * @packageDocumentation
 */
import { activationInfo } from "./activations.js";
import { KineticError, type SolveStatus } from "./errors.js";
import { ACT_USER, velocityEnsembleInto } from "./internal/kernels.js";
import { lookupMethod } from "./internal/method-lookup.js";
import { checkNetwork, type NetworkParams, type NoiseModel } from "./network.js";
import { resolveTimeline } from "./timeline.js";
import { checkEnsemble } from "./particles.js";
import { NormalStreams } from "./internal/normal-streams.js";
import { eulerMaruyamaPaths1D, type FailRecord } from "./internal/sde-kernels.js";
import { RngStreams, seedStateInto } from "./rng.js";
import { invalidArgument, requireFits, requireInteger, requireOneOf, requireOptions, requirePositive } from "./validate.js";

/** Names of the stochastic integrators. */
export type SdeMethodName = "euler-maruyama" | "milstein" | "platen-weak2";

/** Metadata of a stochastic integrator. */
export interface SdeMethodInfo {
  /** Registry name. */
  readonly name: SdeMethodName;
  /** Strong order for the noise kinds it supports in general (Euler–Maruyama: 0.5). */
  readonly order: number;
  /** Strong order (mean-square error of the paths, O(h^strongOrder)). */
  readonly strongOrder: number;
  /** Strong order when the noise is additive (constant K). */
  readonly strongOrderAdditive: number;
  /** Weak order (error of expectations of smooth functions). */
  readonly weakOrder: number;
  /** Always false: fixed steps. */
  readonly adaptive: false;
  /** Always true. */
  readonly stochastic: true;
  /** Noise kinds the method accepts. */
  readonly noise: readonly NoiseModel["kind"][];
  /** One-line description. */
  readonly description: string;
}

/**
 * The registry of stochastic integrators with strong and weak orders; tests loop over it.
 * @example
 * ```ts
 * SDE_METHODS.map((m) => `${m.name}: strong ${m.strongOrder}, weak ${m.weakOrder}`);
 * ```
 */
export const SDE_METHODS: readonly SdeMethodInfo[] = Object.freeze([
  Object.freeze({
    name: "euler-maruyama",
    order: 0.5,
    strongOrder: 0.5,
    strongOrderAdditive: 1,
    weakOrder: 1,
    adaptive: false,
    stochastic: true,
    noise: ["constant", "diagonal", "matrix"],
    description: "Euler–Maruyama; one step per layer is the stochastic ResNet",
  } as const),
  Object.freeze({
    name: "milstein",
    order: 1,
    strongOrder: 1,
    strongOrderAdditive: 1,
    weakOrder: 1,
    adaptive: false,
    stochastic: true,
    noise: ["constant", "diagonal"],
    description: "Milstein for diagonal noise (uses noise.dk); equals Euler–Maruyama for constant K",
  } as const),
  Object.freeze({
    name: "platen-weak2",
    order: 1,
    strongOrder: 1,
    strongOrderAdditive: 1,
    weakOrder: 2,
    adaptive: false,
    stochastic: true,
    noise: ["constant"],
    description: "Platen's explicit weak order 2.0 scheme (stochastic Heun) for additive noise",
  } as const),
]);

const SDE_METHOD_NAMES: readonly SdeMethodName[] = SDE_METHODS.map((m) => m.name);

/**
 * Look up a stochastic integrator's metadata by name.
 * @param name - a registry name
 * @returns the metadata
 * @throws KineticError NOT_FOUND for an unknown name
 * @example
 * ```ts
 * getSdeMethod("milstein").strongOrder; // 1
 * ```
 */
export function getSdeMethod(name: string): SdeMethodInfo {
  return lookupMethod(SDE_METHODS, SDE_METHOD_NAMES, name, "SDE");
}

/**
 * A given Brownian path: fill `out` (M·d values, `out[i*d + j]`) with the increments
 * ΔW = W((step+1) h) - W(step h) of every particle for step `step`. Called once per step, in order.
 */
export type BrownianIncrements = (step: number, h: number, out: Float64Array) => void;

/** Options of {@link solveSde}. All optional; defaults in brackets. */
export interface SdeOptions {
  /** Integrator [`"euler-maruyama"`]. */
  readonly method?: SdeMethodName;
  /** Steps per layer; the step is h = Δt / stepsPerLayer [1]. */
  readonly stepsPerLayer?: number;
  /** End time, a multiple of h [`params.T`]; beyond T the last layer keeps acting. */
  readonly tEnd?: number;
  /** Seed of the random streams, integer in [0, 2^53 - 1] [0]. */
  readonly seed?: number;
  /** Stream of particle 0: particle i uses stream firstStream + i (for workers) [0]. */
  readonly firstStream?: number;
  /**
   * Save times, multiples of h in [0, tEnd], non-decreasing (equal times allowed), or a count of evenly
   * spaced times from 0 to tEnd [none]; resolved by {@link resolveTimeline} (times within 16 ulps of 0,
   * tEnd or a layer boundary are set to that point).
   */
  readonly saveAt?: ArrayLike<number> | number;
  /**
   * A given Brownian path instead of the random streams (strong-convergence studies: build coarse
   * increments by summing fine ones). `seed`/`firstStream` are then ignored.
   */
  readonly brownian?: BrownianIncrements;
}

/** Counters of an SDE solve. */
export interface SdeStats {
  /** Steps taken (per particle). */
  steps: number;
  /** Always 0 (fixed steps). */
  rejected: number;
  /** Drift evaluations of the whole ensemble. */
  rhsEvals: number;
  /** Particles that blew up (NaN in `x` from their failing step on). */
  blownUp: number;
}

/** Result of {@link solveSde}. */
export interface SdeResult {
  /** Final ensemble, M·d values row-major (fresh). Particles that blew up are NaN. */
  readonly x: Float64Array;
  /** tEnd on success; with status "non-finite", the start time of the earliest failing step. */
  readonly t: number;
  /** The step size h = Δt / stepsPerLayer. */
  readonly h: number;
  /** The save times (fresh copy). */
  readonly saveAt: Float64Array;
  /** nSave·M·d values, `saved[s*M*d + i*d + j]`; NaN for particles that had blown up. */
  readonly saved: Float64Array;
  /** `"success"` or `"non-finite"`. */
  readonly status: SolveStatus;
  /** Counters. */
  readonly stats: SdeStats;
  /** The first particle (lowest index among the earliest) that blew up, or -1. */
  readonly failedParticle: number;
}

/**
 * Work limit of {@link solveSde}: 1e12 particle-coordinate steps (M·d × steps, about an hour); a larger
 * solve is refused with TOO_LARGE naming `options.stepsPerLayer` and the largest that fits.
 */
export const MAX_SDE_WORK = 1e12;

const SDE_OPTION_KEYS = ["method", "stepsPerLayer", "tEnd", "seed", "firstStream", "saveAt", "brownian"] as const;
const BIG = 1e150;
const CHUNK = 1024;

function noiseKindName(noise: NoiseModel | undefined): string {
  return noise === undefined ? "none" : noise.kind;
}

/**
 * Simulate the stochastic ResNet / neural SDE dx = σ(W(t) x + b(t)) dt + K(x) dB (Itô) for an
 * ensemble, with one random stream per particle.
 *
 * @param params - network parameters with a `noise` model (constant, diagonal or matrix K)
 * @param x0 - initial ensemble, M·d values row-major; not modified
 * @param options - method [`"euler-maruyama"`], stepsPerLayer [1], tEnd [T], seed [0],
 *   firstStream [0], saveAt, brownian (see {@link SdeOptions})
 * @returns `{ x, t, h, saveAt, saved, status, stats, failedParticle }`, fresh buffers
 * @throws KineticError INVALID_ARGUMENT (no noise model, bad or unknown option, tEnd or saveAt not on the step
 *   grid, non-finite x0), SHAPE_MISMATCH (x0 length), TOO_LARGE (more than {@link MAX_SDE_WORK}
 *   particle-coordinate steps, or saves beyond the memory budget), UNSUPPORTED (Milstein with matrix noise or
 *   without `noise.dk`; platen-weak2 with non-constant noise)
 * @remarks
 * - Steps: h = Δt / stepsPerLayer, so layer boundaries are step boundaries; Euler–Maruyama with one
 *   step per layer is x ← x + Δt σ(Wx + b) + √Δt K(x) ξ, the stochastic ResNet of MODEL.md §2.
 * - Orders (strong / weak): Euler–Maruyama 0.5 / 1 (strong 1 for additive noise); Milstein 1 / 1
 *   (diagonal noise x_j += a_j h + k_j ΔW_j + ½ k_j k_j' (ΔW_j² - h)); platen-weak2 1 / 2 for additive
 *   noise: ȳ = x + a(x) h + K ΔW, x ← x + ½(a(x) + a(ȳ)) h + K ΔW.
 * - Randomness: particle i draws d standard normals per step (coordinates in order) from stream
 *   `createRng(seed, firstStream + i)`; any split of the ensemble into blocks with matching
 *   `firstStream` gives bit-identical results.
 * - Blow-up (|x| > 1e150 or non-finite, e.g. identity with w > 0 and large noise): that particle is
 *   set to NaN and stays NaN (in `x` and in later saves; its path has no meaningful last state, unlike
 *   the deterministic `solveOde`), the others run to tEnd, status "non-finite", `t` the earliest
 *   failure, `stats.blownUp` the number of such particles.
 * - Cost: M·d normals and (1 or 2) drift evaluations per step; particles are processed in blocks of
 *   1024 so the random states stay in cache.
 * @example
 * ```ts
 * const net = createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 2, nLayers: 200, K: 0.5 });
 * const r = solveSde(net, new Float64Array(10000).fill(1), { seed: 7, saveAt: [1, 2] });
 * ```
 */
export function solveSde(params: NetworkParams, x0: Float64Array, options: SdeOptions = {}): SdeResult {
  checkNetwork(params);
  const d = params.d;
  const M = checkEnsemble(x0, d, "x0");
  options = requireOptions<SdeOptions>("options", options, SDE_OPTION_KEYS);
  const noise = params.noise;
  if (noise === undefined) throw invalidArgument("params.noise", "a noise model (K) for the stochastic ResNet", undefined);
  const method = options.method === undefined ? "euler-maruyama" : requireOneOf("options.method", options.method, SDE_METHOD_NAMES);
  const info = getSdeMethod(method);
  if (!info.noise.includes(noise.kind)) {
    throw new KineticError(
      "UNSUPPORTED",
      `method ${JSON.stringify(method)} does not support ${noiseKindName(noise)} noise; it supports ${info.noise.join(", ")}`,
      {
        details: { method, noise: noise.kind },
      },
    );
  }
  if (method === "milstein" && noise.kind === "diagonal" && noise.dk === undefined) {
    throw new KineticError("UNSUPPORTED", "milstein needs the derivative `noise.dk` of a diagonal noise model", { details: { method } });
  }
  const spl = options.stepsPerLayer === undefined ? 1 : requireInteger("options.stepsPerLayer", options.stepsPerLayer, 1);
  const h = params.dt / spl;
  const tEnd = options.tEnd === undefined ? params.T : requirePositive("options.tEnd", options.tEnd);
  const nSteps = Math.round(tEnd / h);
  if (nSteps < 1 || Math.abs(nSteps * h - tEnd) > 1e-9 * Math.max(1, tEnd)) {
    throw invalidArgument("options.tEnd", `a positive multiple of the step h = ${h}`, tEnd);
  }
  // work limit, refused before any work: steps × particle coordinates
  requireFits("options.stepsPerLayer", spl, (nSteps / spl) * M * d, MAX_SDE_WORK, "particle-coordinate steps");
  const seed = options.seed ?? 0;
  const firstStream = options.firstStream ?? 0;
  // Validate seed and stream now (RngStreams checks them too, but only when a block is created).
  new RngStreams(seed, 0, firstStream);
  const saveAt = resolveTimeline(params, options.saveAt, { tEnd, name: "options.saveAt", stateSize: M * d }).saveAt;
  const saveStep = new Int32Array(saveAt.length);
  for (let s = 0; s < saveAt.length; s++) {
    const k = Math.round(saveAt[s]! / h);
    if (Math.abs(k * h - saveAt[s]!) > 1e-9 * Math.max(1, tEnd)) {
      throw invalidArgument(`saveAt[${s}]`, `a multiple of the step h = ${h}`, saveAt[s]);
    }
    saveStep[s] = k;
  }
  const brownian = options.brownian;
  if (brownian !== undefined && typeof brownian !== "function")
    throw invalidArgument("options.brownian", "a function (step, h, out) => void", brownian);

  const n = M * d;
  const x = Float64Array.from(x0);
  const saved = new Float64Array(saveAt.length * n);
  const stats: SdeStats = { steps: nSteps, rejected: 0, rhsEvals: 0, blownUp: 0 };
  const kern = activationInfo(params.sigma);
  const sqrtH = Math.sqrt(h);
  const L = params.nLayers;
  const { W, b, sigma } = params;
  let failStep = Infinity;
  let failParticle = -1;

  const chunk = brownian !== undefined ? M : Math.min(CHUNK, M);
  const a = new Float64Array(chunk * d);
  const a2 = new Float64Array(method === "platen-weak2" ? chunk * d : 0);
  const ybar = new Float64Array(method === "platen-weak2" ? chunk * d : 0);
  const dw = new Float64Array(chunk * d);
  const g = new Float64Array(d);
  const Kbuf = new Float64Array(d * d);
  const xp = new Float64Array(d);
  const dead = new Uint8Array(chunk);
  const fast = brownian === undefined && d === 1 && noise.kind === "constant" && method !== "platen-weak2" && kern.code !== ACT_USER;
  if (fast) {
    // Fused 1-D Euler–Maruyama / Milstein (identical for constant K): each particle runs its whole
    // path with its random state and position in registers (see eulerMaruyamaPaths1D).
    const ws = new Float64Array(nSteps);
    const bs = new Float64Array(nSteps);
    for (let step = 0; step < nSteps; step++) {
      const layer = Math.min(Math.floor(step / spl), L - 1);
      ws[step] = W[layer]!;
      bs[step] = b[layer]!;
    }
    const st = new Uint32Array(4 * chunk);
    const fail: FailRecord = { step: Infinity, particle: -1 };
    const kS = noise.K[0]! * sqrtH;
    for (let start = 0; start < M; start += chunk) {
      const m = Math.min(chunk, M - start);
      for (let i = 0; i < m; i++) seedStateInto(seed, firstStream + start + i, st, 4 * i);
      eulerMaruyamaPaths1D(
        kern.code,
        kern.alpha,
        ws,
        bs,
        nSteps,
        h,
        kS,
        st,
        x.subarray(start, start + m),
        m,
        saveStep,
        saved,
        n,
        start,
        fail,
      );
    }
    stats.rhsEvals = nSteps;
    failStep = fail.step;
    failParticle = fail.particle;
  }

  for (let start = 0; !fast && start < M; start += chunk) {
    const m = Math.min(chunk, M - start);
    const xs = x.subarray(start * d, (start + m) * d);
    const nn = m * d;
    const streams = brownian === undefined ? new NormalStreams(seed, m, firstStream + start) : null;
    dead.fill(0);
    let s = 0;
    for (let step = 0; step < nSteps; step++) {
      while (s < saveAt.length && saveStep[s] === step) saved.set(xs, s++ * n + start * d);
      const layer = Math.min(Math.floor(step / spl), L - 1);
      if (brownian !== undefined) brownian(step, h, dw);
      else {
        const rs = streams!;
        for (let p = 0; p < m; p++) for (let j = 0; j < d; j++) dw[p * d + j] = sqrtH * rs.normal(p);
      }
      velocityEnsembleInto(sigma, kern, W, b, d, layer, xs, m, a);
      if (start === 0) stats.rhsEvals++;
      if (method === "platen-weak2") {
        // Additive noise only: K dW into dw (in place, per particle), then the Heun-type update.
        const K = (noise as { K: Float64Array }).K;
        for (let p = 0; p < nn; p += d) {
          for (let r = 0; r < d; r++) {
            let z = 0;
            for (let j = 0; j < d; j++) z += K[r * d + j]! * dw[p + j]!;
            g[r] = z;
          }
          for (let r = 0; r < d; r++) dw[p + r] = g[r]!;
        }
        for (let i = 0; i < nn; i++) ybar[i] = xs[i]! + a[i]! * h + dw[i]!;
        velocityEnsembleInto(sigma, kern, W, b, d, layer, ybar, m, a2);
        if (start === 0) stats.rhsEvals++;
        for (let i = 0; i < nn; i++) xs[i] = xs[i]! + 0.5 * (a[i]! + a2[i]!) * h + dw[i]!;
      } else {
        for (let p = 0; p < nn; p += d) {
          if (noise.kind === "constant") {
            const K = noise.K;
            for (let r = 0; r < d; r++) {
              let z = 0;
              for (let j = 0; j < d; j++) z += K[r * d + j]! * dw[p + j]!;
              g[r] = z;
            }
          } else if (noise.kind === "diagonal") {
            for (let r = 0; r < d; r++) {
              const xr = xs[p + r]!;
              const kr = noise.k(xr, r);
              let z = kr * dw[p + r]!;
              if (method === "milstein") {
                const dwr = dw[p + r]!;
                z += 0.5 * kr * noise.dk!(xr, r) * (dwr * dwr - h);
              }
              g[r] = z;
            }
          } else {
            for (let j = 0; j < d; j++) xp[j] = xs[p + j]!;
            noise.K(xp, Kbuf);
            for (let r = 0; r < d; r++) {
              let z = 0;
              for (let j = 0; j < d; j++) z += Kbuf[r * d + j]! * dw[p + j]!;
              g[r] = z;
            }
          }
          for (let r = 0; r < d; r++) xs[p + r] = xs[p + r]! + a[p + r]! * h + g[r]!;
        }
      }
      // Blow-up: the particle becomes NaN for good; remember the earliest failure.
      for (let p = 0, q = 0; p < nn; p += d, q++) {
        if (dead[q] === 1) continue;
        let ok = true;
        for (let r = 0; r < d; r++) if (!(Math.abs(xs[p + r]!) <= BIG)) ok = false;
        if (!ok) {
          dead[q] = 1;
          for (let r = 0; r < d; r++) xs[p + r] = NaN;
          if (step < failStep) {
            failStep = step;
            failParticle = start + q;
          }
        }
      }
    }
    while (s < saveAt.length && saveStep[s] === nSteps) saved.set(xs, s++ * n + start * d);
  }
  const failed = failParticle >= 0;
  if (failed) {
    for (let p = 0; p < n; p += d) if (x[p] !== x[p]) stats.blownUp++;
  }
  return {
    x,
    t: failed ? failStep * h : nSteps * h,
    h,
    saveAt,
    saved,
    status: failed ? "non-finite" : "success",
    stats,
    failedParticle: failParticle,
  };
}
