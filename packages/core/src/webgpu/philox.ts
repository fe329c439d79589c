/**
 * Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
 * the counter-based generator of the WebGPU stochastic kernels, and the TypeScript twin of their
 * normal draws. A counter-based generator needs no state per particle: the numbers of particle i at
 * step k are a pure function of (seed, i, k), so they do not depend on how particles are grouped into
 * workgroups or dispatches.
 * @packageDocumentation
 */
import { invalidArgument, requireInteger } from "../validate.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (written with 16-bit halves, as in the shader). */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * One Philox4x32-10 block: ten rounds of the counter `c0..c3` under the key `k0, k1`.
 * @param counter - four u32 counter words
 * @param key - two u32 key words
 * @param out - receives the four u32 outputs (may be `counter`)
 * @returns `out`
 * @throws KineticError INVALID_ARGUMENT when a word is not an integer in [0, 2^32)
 * @example
 * ```ts
 * philox4x32(new Uint32Array(4), new Uint32Array(2), new Uint32Array(4));
 * // [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] (the Random123 known-answer vector)
 * ```
 */
export function philox4x32(counter: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array): Uint32Array {
  if (counter.length !== 4) throw invalidArgument("counter", "four u32 words", counter.length);
  if (key.length !== 2) throw invalidArgument("key", "two u32 words", key.length);
  for (let i = 0; i < 4; i++) requireInteger(`counter[${i}]`, counter[i], 0, 0xffffffff);
  for (let i = 0; i < 2; i++) requireInteger(`key[${i}]`, key[i], 0, 0xffffffff);
  philoxInto(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
  return out;
}

/** Philox4x32-10 without checks (inputs are u32). @internal */
export function philoxInto(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

const TWO_PI = 2 * Math.PI;

/**
 * The standard normals of the WebGPU Euler–Maruyama kernel for one particle and step, in f64: block j
 * (normals 4j..4j+3) is Philox4x32-10 of counter (step, particle, j, 0) under key (seed mod 2^32,
 * ⌊seed / 2^32⌋), turned into two pairs by Box–Muller from the top 24 bits of each word
 * (u = (w >> 8 + ½)·2^-24 ∈ (0, 1); radius √(-2 ln u₁), angle 2π u₂). The shader evaluates the same
 * formulas in f32 (its own sine/cosine polynomial), so its draws agree with these to f32 rounding.
 * @param seed - integer in [0, 2^53 - 1]
 * @param particle - particle index, integer in [0, 2^32)
 * @param step - step index, integer in [0, 2^32)
 * @param out - receives the normals (its length d, at most 8)
 * @returns `out`
 * @throws KineticError INVALID_ARGUMENT for a bad seed, index or length
 * @example
 * ```ts
 * const xi = philoxNormals(7, 0, 0, new Float64Array(2)); // the two normals of particle 0, step 0
 * ```
 */
export function philoxNormals(seed: number, particle: number, step: number, out: Float64Array): Float64Array {
  requireInteger("seed", seed, 0, Number.MAX_SAFE_INTEGER);
  requireInteger("particle", particle, 0, 0xffffffff);
  requireInteger("step", step, 0, 0xffffffff);
  if (!(out instanceof Float64Array) || out.length < 1 || out.length > 8)
    throw invalidArgument("out", "a Float64Array of 1 to 8 values", out);
  const k0 = seed >>> 0;
  const k1 = Math.floor(seed / 4294967296) >>> 0;
  const w = new Uint32Array(4);
  for (let j = 0; 4 * j < out.length; j++) {
    philoxInto(step, particle, j, 0, k0, k1, w);
    for (let p = 0; p < 2 && 4 * j + 2 * p < out.length; p++) {
      const u1 = ((w[2 * p]! >>> 8) + 0.5) * 2 ** -24;
      const u2 = (w[2 * p + 1]! >>> 8) * 2 ** -24;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[4 * j + 2 * p] = r * Math.cos(TWO_PI * u2);
      if (4 * j + 2 * p + 1 < out.length) out[4 * j + 2 * p + 1] = r * Math.sin(TWO_PI * u2);
    }
  }
  return out;
}
