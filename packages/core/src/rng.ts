/**
 * Seeded random numbers with independent streams.
 *
 * Algorithm (documented because changing a stream's output is a breaking change):
 * - Generator: xoshiro128** (Blackman & Vigna), 128-bit state, period 2^128 - 1, 32-bit outputs.
 * - Named streams: {@link deriveSeed} hashes (seed, name) into a fresh 53-bit seed, so the initial
 *   draw, the noise and the data splits of one run each have their own generator.
 * - Stream seeding: the 53-bit integer `seed` and the stream index are combined by four rounds of the
 *   `lowbias32` integer hash, and the four state words are the hashes of that key plus 1..4 times the
 *   golden-ratio constant 0x9E3779B9 (a SplitMix32-style expansion). Stream `i` of seed `s` is the
 *   same sequence whichever object draws it, so particle `i` sees the same noise for any batch size,
 *   worker count or ordering.
 * - Uniforms: 53 random bits from two outputs, `(a >>> 5) * 2^26 + (b >>> 6)` divided by 2^53, in [0, 1).
 * - Normals: the ziggurat method (Marsaglia & Tsang, 256 layers, Doornik's fix): each draw takes two
 *   outputs (8 bits pick the layer, 1 bit the sign, 53 bits the uniform); about 0.7% of draws take
 *   more (wedge or tail test, or a redraw). No state besides the xoshiro words, so `normal()` calls may
 *   be freely interleaved with the other draws. (Earlier versions used the polar method.)
 * @packageDocumentation
 */
import { normalAt } from "./internal/ziggurat.js";
import { invalidArgument } from "./validate.js";

/** A seeded stream of random numbers. */
export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number;
  /** The stream index. */
  readonly stream: number;
  /** Next 32-bit unsigned integer. */
  uint32(): number;
  /** Next uniform variate in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Next standard normal variate. */
  normal(): number;
  /** Fill `out` with standard normal variates, in order; returns `out`. */
  normalInto(out: Float64Array): Float64Array;
  /** Fill `out` with uniform variates in [0, 1), in order; returns `out`. */
  uniformInto(out: Float64Array): Float64Array;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** An independent generator for sub-stream `index` of this stream (deterministic). */
  split(index: number): Rng;
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_26 = 67108864;
const TWO_POW_M53 = 1 / 9007199254740992;

/** lowbias32 integer hash (Chris Wellons), a bijection on 32-bit words. */
function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function splitHiLo(v: number): [number, number] {
  const lo = v >>> 0;
  const hi = Math.floor(v / 4294967296) >>> 0;
  return [lo, hi];
}

/**
 * Write the initial xoshiro128** state of stream `stream` of `seed` into `state[offset..offset+3]`.
 * @internal
 */
export function seedStateInto(seed: number, stream: number, state: Uint32Array, offset: number): void {
  const [sLo, sHi] = splitHiLo(seed);
  const [tLo, tHi] = splitHiLo(stream);
  let k = hash32(sLo ^ GOLDEN);
  k = hash32(k ^ sHi);
  k = hash32(k ^ tLo);
  k = hash32((k ^ tHi) + 0x6a09e667);
  let any = 0;
  for (let j = 0; j < 4; j++) {
    const v = hash32((k + Math.imul(j + 1, GOLDEN)) >>> 0);
    state[offset + j] = v;
    any |= v;
  }
  if (any === 0) state[offset] = 1; // the all-zero state is the one fixed point of xoshiro
}

/**
 * Advance the xoshiro128** state at `state[o..o+3]` and return the next 32-bit output.
 * @internal
 */
export function nextUint32At(state: Uint32Array, o: number): number {
  const s0 = state[o]!;
  const s1 = state[o + 1]!;
  const s2 = state[o + 2]!;
  const s3 = state[o + 3]!;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  state[o] = n0;
  state[o + 1] = n1;
  state[o + 2] = n2 ^ t;
  state[o + 3] = rotl(n3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkSeed(name: string, seed: unknown): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw invalidArgument(name, "an integer in [0, 2^53 - 1]", seed);
  }
  return seed;
}

class Xoshiro implements Rng {
  readonly seed: number;
  readonly stream: number;
  private readonly s = new Uint32Array(4);

  constructor(seed: number, stream: number) {
    this.seed = seed;
    this.stream = stream;
    seedStateInto(seed, stream, this.s, 0);
  }

  uint32(): number {
    return nextUint32At(this.s, 0);
  }

  uniform(): number {
    const a = nextUint32At(this.s, 0) >>> 5;
    const b = nextUint32At(this.s, 0) >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  normal(): number {
    return normalAt(this.s, 0);
  }

  normalInto(out: Float64Array): Float64Array {
    const s = this.s;
    for (let i = 0; i < out.length; i++) out[i] = normalAt(s, 0);
    return out;
  }

  uniformInto(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
    return out;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw invalidArgument("n", "an integer in [1, 2^32]", n);
    // 53 random bits scaled to n <= 2^32: the bias is below 2^-21 relative, far under sampling noise.
    return Math.floor(this.uniform() * n);
  }

  split(index: number): Rng {
    checkSeed("index", index);
    // A sub-stream is addressed by hashing (stream, index) into a fresh stream number.
    const hi = hash32(hash32((this.stream >>> 0) ^ GOLDEN) ^ Math.floor(this.stream / 4294967296)) >>> 11; // 21 bits
    const lo = hash32(hash32(index >>> 0) ^ Math.floor(index / 4294967296) ^ 0x5bd1e995);
    const sub = hi * 4294967296 + lo; // < 2^53
    return new Xoshiro(this.seed, sub);
  }
}

/**
 * Create a seeded random stream.
 * @param seed - integer in [0, 2^53 - 1]
 * @param stream - stream index (default 0); streams of one seed are independent
 * @returns a generator; the same (seed, stream) always yields the same sequence
 * @throws KineticError INVALID_ARGUMENT for a non-integer or negative seed or stream
 * @example
 * ```ts
 * const rng = createRng(42);
 * const z = rng.normal();
 * const particle7 = createRng(42, 7); // independent stream for particle 7
 * ```
 */
export function createRng(seed: number, stream = 0): Rng {
  return new Xoshiro(checkSeed("seed", seed), checkSeed("stream", stream));
}

/**
 * Derive the seed of a named random stream from a user seed, so that each purpose of a run (the
 * initial draw, the SDE noise, a data split, ...) draws from its own generator and no two purposes
 * share numbers.
 *
 * Algorithm (stable; changing it changes every named stream): two 32-bit lanes are initialised from
 * the low and high words of `seed` with the `lowbias32` hash, then each UTF-16 code unit `c` of
 * `name` is absorbed as `h1 = hash32(h1 ^ c)`, `h2 = hash32((h2 + c·0x9E3779B9) ^ 0x27D4EB2F)`;
 * the name length is absorbed last and the lanes are cross-mixed. The result is
 * `(h1 >>> 11) · 2^32 + h2`, an integer in [0, 2^53 - 1] usable as a seed of {@link createRng}.
 * @param seed - the user's seed, integer in [0, 2^53 - 1]
 * @param name - the purpose, a non-empty string, e.g. `"initial"`, `"noise"`, `"data-split"`
 * @returns the derived seed; the same (seed, name) always gives the same value
 * @throws KineticError INVALID_ARGUMENT for a bad seed or an empty or non-string name
 * @remarks Streams derived from different names (or different seeds) are statistically independent
 *   for all practical purposes (distinct 53-bit keys expanded by the generator's own seeding); a
 *   named stream never coincides with `createRng(seed, i)` of the user seed unless the 53-bit hashes
 *   collide.
 * @example
 * ```ts
 * const x0 = createRng(deriveSeed(7, "initial"));   // initial particles
 * const noise = deriveSeed(7, "noise");             // seed of solveSde's per-particle streams
 * ```
 */
export function deriveSeed(seed: number, name: string): number {
  checkSeed("seed", seed);
  if (typeof name !== "string" || name.length === 0) throw invalidArgument("name", "a non-empty string", name);
  const [lo, hi] = splitHiLo(seed);
  let h1 = hash32(hash32(lo ^ 0x85ebca6b) ^ hi);
  let h2 = hash32(hash32(hi ^ 0xc2b2ae35) ^ lo);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    h1 = hash32(h1 ^ c);
    h2 = hash32(((h2 + Math.imul(c, GOLDEN)) >>> 0) ^ 0x27d4eb2f);
  }
  h1 = hash32(h1 ^ name.length);
  h2 = hash32(h2 ^ h1);
  h1 = hash32(h1 ^ h2);
  return (h1 >>> 11) * 4294967296 + h2;
}

/**
 * A generator of the named stream `name` of `seed`: `createRng(deriveSeed(seed, name), stream)`.
 * @param seed - the user's seed, integer in [0, 2^53 - 1]
 * @param name - the purpose, e.g. `"initial"` or `"data-split"`
 * @param stream - sub-stream index within the named stream (default 0)
 * @returns the generator
 * @throws KineticError INVALID_ARGUMENT for a bad seed, name or stream
 * @example
 * ```ts
 * const rng = createNamedRng(3, "initial");
 * rng.normal();
 * ```
 */
export function createNamedRng(seed: number, name: string, stream = 0): Rng {
  return createRng(deriveSeed(seed, name), stream);
}

/**
 * Many independent streams in flat typed arrays: stream `i` produces exactly the sequence of
 * `createRng(seed, firstStream + i)`. Used for one stream per particle without one object per particle.
 */
export class RngStreams {
  /** The seed. */
  readonly seed: number;
  /** Index of the first stream. */
  readonly firstStream: number;
  /** Number of streams. */
  readonly count: number;
  /** xoshiro128** states, 4 words per stream. */
  private readonly state: Uint32Array;

  /**
   * @param seed - integer in [0, 2^53 - 1]
   * @param count - number of streams
   * @param firstStream - index of stream 0 (default 0), e.g. a worker's first particle
   * @throws KineticError INVALID_ARGUMENT
   */
  constructor(seed: number, count: number, firstStream = 0) {
    this.seed = checkSeed("seed", seed);
    if (!Number.isInteger(count) || count < 0) throw invalidArgument("count", "a non-negative integer", count);
    this.firstStream = checkSeed("firstStream", firstStream);
    this.count = count;
    this.state = new Uint32Array(4 * count);
    for (let i = 0; i < count; i++) seedStateInto(seed, firstStream + i, this.state, 4 * i);
  }

  /** Next uniform in [0, 1) of stream `i` (0-based within this block). */
  uniform(i: number): number {
    const a = nextUint32At(this.state, 4 * i) >>> 5;
    const b = nextUint32At(this.state, 4 * i) >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  /** Next standard normal of stream `i` (0-based within this block). */
  normal(i: number): number {
    return normalAt(this.state, 4 * i);
  }
}
