/**
 * Seeded synthetic data sets with scikit-learn-like parameters: two Gaussians (1-D), blobs, two
 * moons, concentric circles, spirals, XOR/quadrants, and 1-D/2-D regression sets y = g(x) + noise.
 * @packageDocumentation
 */
import type { Rng } from "@kinetic-nde/core";
import { createRng } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFiniteArray,
  requireFits,
  requireInteger,
  requireOneOf,
  requireOptions,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import type { Dataset } from "./dataset.js";
import { createDataset } from "./dataset.js";
import { checkRng, nonNegativeOr, positiveOr } from "./internal/check.js";

/**
 * Options every generator accepts. Unknown keys are rejected (INVALID_ARGUMENT listing the known
 * ones); the scikit-learn spellings of {@link SKLEARN_OPTION_ALIASES} (`n_samples`,
 * `random_state`, `n_features`, `cluster_std`, `center_box`, `n_classes`) are accepted as aliases.
 */
export interface GeneratorOptions {
  /** Number of points M (integer ≥ 1; each generator documents its default). */
  readonly nSamples?: number;
  /** Seed of the generator (default 0); ignored when `rng` is given. */
  readonly seed?: number;
  /** A generator to draw from (its state advances); `meta.seed` records `rng.seed`. */
  readonly rng?: Rng;
  /** Shuffle the points (default true); otherwise they come class by class. */
  readonly shuffle?: boolean;
}

/**
 * scikit-learn spellings accepted by the generators (and by `makeDataset`) as aliases of this
 * package's option names: `n_samples` → `nSamples`, `random_state` → `seed`, `n_features` → `d`,
 * `cluster_std` → `clusterStd`, `center_box` → `centerBox`, `n_classes` → `nClasses`. `noise`,
 * `centers`, `factor` and `shuffle` are spelled the same. An alias is accepted only by a generator
 * that has the option (`n_features` only by {@link makeBlobs}); giving both spellings is an error.
 * @example
 * ```ts
 * makeBlobs({ n_samples: 100, n_features: 3, random_state: 0 }); // = makeBlobs({ nSamples: 100, d: 3, seed: 0 })
 * ```
 */
export const SKLEARN_OPTION_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  n_samples: "nSamples",
  random_state: "seed",
  n_features: "d",
  cluster_std: "clusterStd",
  center_box: "centerBox",
  n_classes: "nClasses",
});

const GENERATOR_KEYS = ["nSamples", "seed", "rng", "shuffle"] as const;

/** The options object with aliases resolved; unknown keys are INVALID_ARGUMENT naming the known ones. */
function generatorOptions<T extends GeneratorOptions>(options: T | undefined, keys: readonly string[]): T {
  return requireOptions<T>("options", options, [...GENERATOR_KEYS, ...keys], SKLEARN_OPTION_ALIASES);
}

interface Common {
  readonly n: number;
  readonly rng: Rng;
  readonly seed: number;
  readonly shuffle: boolean;
}

/**
 * Resolve the options shared by every generator. `bytesPerPoint` is the memory of one point (its
 * coordinates, label and target), so that sizes that cannot fit are refused before any work.
 */
function common(o: GeneratorOptions, defaultN: number, bytesPerPoint: number, minN = 1): Common {
  const n = requireInteger("nSamples", o.nSamples ?? defaultN, minN);
  requireFits("nSamples", n, bytesPerPoint);
  const rng = o.rng !== undefined ? checkRng("rng", o.rng) : createRng(o.seed ?? 0);
  if (o.shuffle !== undefined && typeof o.shuffle !== "boolean") throw invalidArgument("shuffle", "a boolean", o.shuffle);
  return { n, rng, seed: rng.seed, shuffle: o.shuffle ?? true };
}

/** Fisher–Yates permutation of x (rows of d), labels and targets in place. */
function shuffleRows(rng: Rng, x: Float64Array, d: number, labels?: Int32Array, targets?: Float64Array): void {
  const m = x.length / d;
  for (let i = m - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    if (k === i) continue;
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j]!;
      x[i * d + j] = x[k * d + j]!;
      x[k * d + j] = t;
    }
    if (labels) {
      const t = labels[i]!;
      labels[i] = labels[k]!;
      labels[k] = t;
    }
    if (targets) {
      const t = targets[i]!;
      targets[i] = targets[k]!;
      targets[k] = t;
    }
  }
}

function finish(
  name: string,
  params: Record<string, unknown>,
  c: Common,
  x: Float64Array,
  d: number,
  labels: Int32Array | undefined,
  nClasses: number | undefined,
  targets?: Float64Array,
): Dataset {
  if (c.shuffle) shuffleRows(c.rng, x, d, labels, targets);
  return createDataset({
    x,
    d,
    ...(labels !== undefined ? { labels } : {}),
    ...(nClasses !== undefined ? { nClasses } : {}),
    ...(targets !== undefined ? { targets } : {}),
    meta: { name, params: { ...params, nSamples: c.n, shuffle: c.shuffle }, seed: c.seed },
  });
}

/** Sizes of `k` groups splitting n as evenly as possible (the first n mod k get one more). */
function evenSplit(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------

/** Options of {@link makeTwoGaussians1D}. */
export interface TwoGaussians1DOptions extends GeneratorOptions {
  /** Means of class 0 and class 1 (default [-1, 1]). */
  readonly means?: readonly [number, number];
  /** Standard deviation of both classes, or one per class (default 0.5). */
  readonly std?: number | readonly [number, number];
}

/**
 * A 1-D two-class set: class c ~ N(means[c], std[c]²), ⌊M/2⌋ points of class 0 and the rest of class 1.
 * @param options - `nSamples` (default 200), `means` (default [-1, 1]), `std` (default 0.5), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 1, labels, nClasses = 2
 * @throws KineticError INVALID_ARGUMENT for bad sizes, means or standard deviations, or an unknown
 *   option; TOO_LARGE when nSamples points cannot fit in memory (the message names the largest)
 * @remarks M normal draws (+ M - 1 uniforms when shuffling).
 * @example
 * ```ts
 * const ds = makeTwoGaussians1D({ nSamples: 400, means: [-1, 1], std: 0.4, seed: 7 });
 * ```
 */
export function makeTwoGaussians1D(options: TwoGaussians1DOptions = {}): Dataset {
  const o = generatorOptions(options, ["means", "std"]);
  const c = common(o, 200, 8 + 4, 2);
  const means = requireFiniteArray("means", o.means ?? [-1, 1], 2);
  const stdIn = o.std ?? 0.5;
  const std = typeof stdIn === "number" ? [stdIn, stdIn] : Array.from(requireFiniteArray("std", stdIn, 2));
  std.forEach((s, i) => positiveOr(`std[${i}]`, s, 1));
  const n0 = evenSplit(c.n, 2)[0]!;
  const x = new Float64Array(c.n);
  const labels = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const k = i < n0 ? 0 : 1;
    labels[i] = k;
    x[i] = means[k]! + std[k]! * c.rng.normal();
  }
  return finish("two-gaussians-1d", { means: Array.from(means), std }, c, x, 1, labels, 2);
}

/** Options of {@link makeBlobs}. */
export interface BlobsOptions extends GeneratorOptions {
  /** Number of centres drawn uniformly in `centerBox`, or the centres themselves (default 3). */
  readonly centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every cluster, or one per cluster (default 1). */
  readonly clusterStd?: number | readonly number[];
  /** Box [lo, hi] in every coordinate for random centres (default [-10, 10]). */
  readonly centerBox?: readonly [number, number];
  /** Dimension when `centers` is a number (default 2). */
  readonly d?: number;
}

/**
 * Isotropic Gaussian blobs (scikit-learn `make_blobs`): M points split evenly over the clusters.
 * @param options - `nSamples` (default 300), `centers` (default 3), `clusterStd` (default 1),
 * `centerBox` (default [-10, 10]), `d` (default 2), `seed`/`rng`, `shuffle`; scikit-learn's
 * `n_samples`, `n_features`, `cluster_std`, `center_box`, `random_state` are aliases
 * @returns a {@link Dataset} with labels = cluster index
 * @throws KineticError INVALID_ARGUMENT or SHAPE_MISMATCH for inconsistent centres and spreads or an
 *   unknown option; TOO_LARGE when the points or centres cannot fit in memory
 * @remarks Random centres use k·d uniforms first, then M·d normals.
 * @example
 * ```ts
 * const ds = makeBlobs({ nSamples: 300, centers: [[-2, 0], [2, 0]], clusterStd: 0.5, seed: 1 });
 * const sk = makeBlobs({ n_samples: 100, n_features: 3, random_state: 0 }); // 100 points, d = 3
 * ```
 */
export function makeBlobs(options: BlobsOptions = {}): Dataset {
  const o = generatorOptions(options, ["centers", "clusterStd", "centerBox", "d"]);
  const c = common(o, 300, 4);
  const box = requireFiniteArray("centerBox", o.centerBox ?? [-10, 10], 2);
  if (!(box[1]! > box[0]!)) throw invalidArgument("centerBox", "[lo, hi] with lo < hi", Array.from(box));
  let centers: Float64Array;
  let k: number;
  let d: number;
  const cin = o.centers ?? 3;
  if (typeof cin === "number") {
    k = requireInteger("centers", cin, 1);
    d = requireInteger("d", o.d ?? 2, 1);
    requireFits("centers", k, 8 * d);
    centers = new Float64Array(k * d);
    for (let i = 0; i < k * d; i++) centers[i] = box[0]! + (box[1]! - box[0]!) * c.rng.uniform();
  } else {
    if (!Array.isArray(cin) || cin.length === 0) throw invalidArgument("centers", "a positive integer or a non-empty array of points", cin);
    k = cin.length;
    d = (cin[0] as readonly number[]).length;
    if (o.d !== undefined && o.d !== d) throw shapeMismatch("centers[0]", `d = ${o.d} coordinates`, d);
    centers = new Float64Array(k * d);
    cin.forEach((p, i) => centers.set(requireFiniteArray(`centers[${i}]`, p, d), i * d));
  }
  const sIn = o.clusterStd ?? 1;
  const std = typeof sIn === "number" ? new Float64Array(k).fill(sIn) : requireFiniteArray("clusterStd", sIn, k);
  std.forEach((s, i) => nonNegativeOr(`clusterStd[${i}]`, s, 1));
  requireFits("nSamples", c.n, 8 * d + 4);
  const sizes = evenSplit(c.n, k);
  const x = new Float64Array(c.n * d);
  const labels = new Int32Array(c.n);
  let r = 0;
  for (let g = 0; g < k; g++) {
    for (let t = 0; t < sizes[g]!; t++, r++) {
      labels[r] = g;
      for (let j = 0; j < d; j++) x[r * d + j] = centers[g * d + j]! + std[g]! * c.rng.normal();
    }
  }
  const centerRows = Array.from({ length: k }, (_, g) => Array.from(centers.subarray(g * d, (g + 1) * d)));
  return finish("blobs", { centers: centerRows, clusterStd: Array.from(std), centerBox: Array.from(box), d }, c, x, d, labels, k);
}

/**
 * The layout of the two-class 2-D generators: ⌊n/2⌋ points of class 0 (rows 0..nOut-1), then nIn of
 * class 1; coordinates (n·2, row-major) to fill and labels with class 1 still to set.
 */
function twoClassPoints(n: number): { nOut: number; nIn: number; x: Float64Array; labels: Int32Array } {
  const nOut = Math.floor(n / 2);
  return { nOut, nIn: n - nOut, x: new Float64Array(2 * n), labels: new Int32Array(n) };
}

/** x_i ← x_i + noise·N(0, 1) for every value in order, one normal each; nothing drawn when noise = 0. */
function addNoise(x: Float64Array, noise: number, rng: Rng): void {
  if (noise > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise * rng.normal();
}

/** Options of {@link makeMoons}. */
export interface MoonsOptions extends GeneratorOptions {
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  readonly noise?: number;
}

/**
 * Two interleaving half circles (scikit-learn `make_moons`): ⌊M/2⌋ points on the outer moon
 * (cos t, sin t), label 0, the rest on the inner moon (1 - cos t, 1/2 - sin t), label 1, with
 * t evenly spaced on [0, π].
 * @param options - `nSamples` (default 200), `noise` (default 0), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 2, nClasses = 2
 * @throws KineticError INVALID_ARGUMENT for bad sizes, negative noise or an unknown option;
 *   TOO_LARGE when nSamples points cannot fit in memory
 * @remarks 2M normals when noise > 0.
 * @example
 * ```ts
 * const ds = makeMoons({ nSamples: 500, noise: 0.1, seed: 0 });
 * ```
 */
export function makeMoons(options: MoonsOptions = {}): Dataset {
  const o = generatorOptions(options, ["noise"]);
  const c = common(o, 200, 16 + 4, 2);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const { nOut, nIn, x, labels } = twoClassPoints(c.n);
  for (let i = 0; i < nOut; i++) {
    const t = nOut === 1 ? 0 : (Math.PI * i) / (nOut - 1);
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = nIn === 1 ? 0 : (Math.PI * i) / (nIn - 1);
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(t);
    x[2 * r + 1] = 1 - Math.sin(t) - 0.5;
    labels[r] = 1;
  }
  addNoise(x, noise, c.rng);
  return finish("moons", { noise }, c, x, 2, labels, 2);
}

/** Options of {@link makeCircles}. */
export interface CirclesOptions extends GeneratorOptions {
  /** Radius of the inner circle relative to the outer one, in (0, 1) (default 0.8). */
  readonly factor?: number;
  /** Standard deviation of Gaussian noise (default 0). */
  readonly noise?: number;
}

/**
 * Two concentric circles (scikit-learn `make_circles`): ⌊M/2⌋ points on the unit circle (label
 * 0), the rest on the circle of radius `factor` (label 1), angles evenly spaced on [0, 2π).
 * @param options - `nSamples` (default 200), `factor` (default 0.8), `noise` (default 0), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 2, nClasses = 2
 * @throws KineticError INVALID_ARGUMENT for factor outside (0, 1), negative noise or an unknown
 *   option; TOO_LARGE when nSamples points cannot fit in memory
 * @remarks 2M normals when noise > 0.
 * @example
 * ```ts
 * const ds = makeCircles({ nSamples: 400, factor: 0.5, noise: 0.05, seed: 2 });
 * ```
 */
export function makeCircles(options: CirclesOptions = {}): Dataset {
  const o = generatorOptions(options, ["factor", "noise"]);
  const c = common(o, 200, 16 + 4, 2);
  const factor = o.factor ?? 0.8;
  if (typeof factor !== "number" || !(factor > 0 && factor < 1)) throw invalidArgument("factor", "a number in (0, 1)", factor);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const { nOut, nIn, x, labels } = twoClassPoints(c.n);
  for (let i = 0; i < nOut; i++) {
    const t = (2 * Math.PI * i) / nOut;
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = (2 * Math.PI * i) / nIn;
    const r = nOut + i;
    x[2 * r] = factor * Math.cos(t);
    x[2 * r + 1] = factor * Math.sin(t);
    labels[r] = 1;
  }
  addNoise(x, noise, c.rng);
  return finish("circles", { factor, noise }, c, x, 2, labels, 2);
}

/** Options of {@link makeSpirals}. */
export interface SpiralsOptions extends GeneratorOptions {
  /** Number of interleaved arms = classes (integer ≥ 2, default 2). */
  readonly nClasses?: number;
  /** Turns of each arm (default 1). */
  readonly turns?: number;
  /** Standard deviation of Gaussian noise (default 0). */
  readonly noise?: number;
}

/**
 * Interleaved spiral arms: point k of arm c has radius r = (k + 1/2)/n_c and angle
 * 2π·turns·r + 2πc/nClasses, so the arms start at the origin and end on the unit circle.
 * @param options - `nSamples` (default 200), `nClasses` (default 2), `turns` (default 1), `noise` (default 0), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 2 and labels = arm index
 * @throws KineticError INVALID_ARGUMENT for bad sizes, turns ≤ 0, negative noise or an unknown
 *   option; TOO_LARGE when nSamples points cannot fit in memory
 * @remarks Arms get M split evenly; 2M normals when noise > 0.
 * @example
 * ```ts
 * const ds = makeSpirals({ nSamples: 300, nClasses: 3, turns: 1.5, noise: 0.02, seed: 4 });
 * ```
 */
export function makeSpirals(options: SpiralsOptions = {}): Dataset {
  const o = generatorOptions(options, ["nClasses", "turns", "noise"]);
  const k = requireInteger("nClasses", o.nClasses ?? 2, 2);
  const c = common(o, 200, 16 + 4, k);
  const turns = positiveOr("turns", o.turns, 1);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const sizes = evenSplit(c.n, k);
  const x = new Float64Array(2 * c.n);
  const labels = new Int32Array(c.n);
  let r = 0;
  for (let g = 0; g < k; g++) {
    for (let t = 0; t < sizes[g]!; t++, r++) {
      const rad = (t + 0.5) / sizes[g]!;
      const ang = 2 * Math.PI * turns * rad + (2 * Math.PI * g) / k;
      x[2 * r] = rad * Math.cos(ang);
      x[2 * r + 1] = rad * Math.sin(ang);
      labels[r] = g;
    }
  }
  addNoise(x, noise, c.rng);
  return finish("spirals", { nClasses: k, turns, noise }, c, x, 2, labels, k);
}

/** Options of {@link makeXor}. */
export interface XorOptions extends GeneratorOptions {
  /** 2 (XOR: label 1 when x₁x₂ > 0) or 4 (quadrant index 0..3 counter-clockwise from x₁, x₂ > 0); default 2. */
  readonly nClasses?: 2 | 4;
  /** Half-width h of the square [-h, h]² the points are drawn from (default 1). */
  readonly halfWidth?: number;
  /** Standard deviation of Gaussian noise added after labelling (default 0). */
  readonly noise?: number;
}

/**
 * XOR / quadrant classification: points uniform in [-h, h]², labelled by the signs of their
 * coordinates before noise is added (the labels of workload W4 for nClasses = 2).
 * @param options - `nSamples` (default 200), `nClasses` 2 | 4 (default 2), `halfWidth` (default 1), `noise` (default 0), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 2
 * @throws KineticError INVALID_ARGUMENT for bad sizes, nClasses ∉ {2, 4}, halfWidth ≤ 0, negative
 *   noise or an unknown option; TOO_LARGE when nSamples points cannot fit in memory
 * @remarks 2M uniforms (+ 2M normals when noise > 0). Points are generated i.i.d., so `shuffle`
 * only reorders them.
 * @example
 * ```ts
 * const ds = makeXor({ nSamples: 1000, nClasses: 4, seed: 3 });
 * ```
 */
export function makeXor(options: XorOptions = {}): Dataset {
  const o = generatorOptions(options, ["nClasses", "halfWidth", "noise"]);
  const c = common(o, 200, 16 + 4);
  const k = o.nClasses ?? 2;
  if (k !== 2 && k !== 4) throw invalidArgument("nClasses", "2 or 4", k);
  const h = positiveOr("halfWidth", o.halfWidth, 1);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const x = new Float64Array(2 * c.n);
  const labels = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const a = h * (2 * c.rng.uniform() - 1);
    const b = h * (2 * c.rng.uniform() - 1);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    labels[i] = k === 2 ? (a * b > 0 ? 1 : 0) : a >= 0 ? (b >= 0 ? 0 : 3) : b >= 0 ? 1 : 2;
  }
  addNoise(x, noise, c.rng);
  return finish("xor", { nClasses: k, halfWidth: h, noise }, c, x, 2, labels, k);
}

// ---------------------------------------------------------------------------------------------
// Regression

/** A named regression function of one variable. */
export interface RegressionFunction1D {
  /** The formula in words. */
  readonly formula: string;
  /** Whether g is monotone on R. */
  readonly monotone: boolean;
  /** g(x). */
  readonly g: (x: number) => number;
}

/** A named regression function of two variables. */
export interface RegressionFunction2D {
  /** The formula in words. */
  readonly formula: string;
  /** Whether g is monotone in each coordinate. */
  readonly monotone: boolean;
  /** g(x₁, x₂). */
  readonly g: (x1: number, x2: number) => number;
}

/** The named 1-D regression functions of {@link makeRegression1D}. */
export const REGRESSION_FUNCTIONS_1D: Readonly<Record<"linear" | "tanh" | "cubic" | "sine" | "quadratic" | "bump", RegressionFunction1D>> =
  {
    linear: { formula: "x", monotone: true, g: (x) => x },
    tanh: { formula: "tanh(2x)", monotone: true, g: (x) => Math.tanh(2 * x) },
    cubic: { formula: "x^3/4 + x/2", monotone: true, g: (x) => 0.25 * x * x * x + 0.5 * x },
    sine: { formula: "sin(pi x)", monotone: false, g: (x) => Math.sin(Math.PI * x) },
    quadratic: { formula: "x^2", monotone: false, g: (x) => x * x },
    bump: { formula: "exp(-2 x^2)", monotone: false, g: (x) => Math.exp(-2 * x * x) },
  };

/** The named 2-D regression functions of {@link makeRegression2D}. */
export const REGRESSION_FUNCTIONS_2D: Readonly<Record<"plane" | "tanh-ridge" | "saddle" | "bump" | "sine-product", RegressionFunction2D>> =
  {
    plane: { formula: "x1 + x2/2", monotone: true, g: (a, b) => a + 0.5 * b },
    "tanh-ridge": { formula: "tanh(x1 + x2)", monotone: true, g: (a, b) => Math.tanh(a + b) },
    saddle: { formula: "x1 x2", monotone: false, g: (a, b) => a * b },
    bump: { formula: "exp(-(x1^2 + x2^2))", monotone: false, g: (a, b) => Math.exp(-(a * a + b * b)) },
    "sine-product": { formula: "sin(pi x1) sin(pi x2)", monotone: false, g: (a, b) => Math.sin(Math.PI * a) * Math.sin(Math.PI * b) },
  };

/** A user function (named "custom") or a table entry looked up by name (INVALID_ARGUMENT if unknown). */
function regressionFunction<G extends (...x: number[]) => number>(
  fn: string | G,
  table: Readonly<Record<string, { readonly g: G }>>,
): { g: G; fnName: string } {
  if (typeof fn === "function") return { g: fn, fnName: "custom" };
  const fnName = requireOneOf("fn", fn, Object.keys(table));
  return { g: table[fnName]!.g, fnName };
}

/** Names of {@link REGRESSION_FUNCTIONS_1D}. */
export type RegressionFunction1DName = keyof typeof REGRESSION_FUNCTIONS_1D;
/** Names of {@link REGRESSION_FUNCTIONS_2D}. */
export type RegressionFunction2DName = keyof typeof REGRESSION_FUNCTIONS_2D;

/** Options of {@link makeRegression1D}. */
export interface Regression1DOptions extends GeneratorOptions {
  /** A name of {@link REGRESSION_FUNCTIONS_1D} or a function (default "tanh"). */
  readonly fn?: RegressionFunction1DName | ((x: number) => number);
  /** Interval of the inputs (default [-2, 2]). */
  readonly xRange?: readonly [number, number];
  /** Standard deviation of Gaussian noise on the targets (default 0). */
  readonly noise?: number;
  /** `"uniform"` random inputs (default) or an evenly spaced `"grid"` of cell midpoints. */
  readonly sampling?: "uniform" | "grid";
}

function checkRange(name: string, r: unknown, fallback: readonly [number, number]): [number, number] {
  const a = requireFiniteArray(name, r ?? fallback, 2);
  if (!(a[1]! > a[0]!)) throw invalidArgument(name, "[lo, hi] with lo < hi", Array.from(a));
  return [a[0]!, a[1]!];
}

/**
 * A 1-D regression set y = g(x) + noise·ξ.
 * @param options - `nSamples` (default 200), `fn` (default "tanh"), `xRange` (default [-2, 2]),
 * `noise` (default 0), `sampling` (default "uniform"), `seed`/`rng`, `shuffle` (default true; a
 * grid is kept in order unless shuffle is given as true explicitly)
 * @returns a {@link Dataset} with d = 1 and `targets`
 * @throws KineticError INVALID_ARGUMENT (unknown fn name, bad range, noise < 0, non-finite g, an
 *   unknown option); TOO_LARGE when nSamples points cannot fit in memory
 * @remarks M uniforms (uniform sampling) and M normals when noise > 0. A custom `fn` is recorded
 * as `"custom"` in `meta.params`.
 * @example
 * ```ts
 * const ds = makeRegression1D({ fn: "sine", nSamples: 100, noise: 0.05, seed: 9 });
 * ```
 */
export function makeRegression1D(options: Regression1DOptions = {}): Dataset {
  const o = generatorOptions(options, ["fn", "xRange", "noise", "sampling"]);
  const sampling = requireOneOf("sampling", o.sampling ?? "uniform", ["uniform", "grid"] as const);
  const c = common({ ...o, shuffle: o.shuffle ?? sampling === "uniform" }, 200, 8 + 8);
  const fnIn = o.fn ?? "tanh";
  const { g, fnName } = regressionFunction(fnIn, REGRESSION_FUNCTIONS_1D);
  const [lo, hi] = checkRange("xRange", o.xRange, [-2, 2]);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const x = new Float64Array(c.n);
  const targets = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) x[i] = sampling === "grid" ? lo + ((hi - lo) * (i + 0.5)) / c.n : lo + (hi - lo) * c.rng.uniform();
  for (let i = 0; i < c.n; i++) {
    const y = g(x[i]!);
    if (!Number.isFinite(y)) throw invalidArgument("fn", `a function with finite values (fn(${x[i]}) = ${y})`, fnName);
    targets[i] = noise > 0 ? y + noise * c.rng.normal() : y;
  }
  return finish("regression-1d", { fn: fnName, xRange: [lo, hi], noise, sampling }, c, x, 1, undefined, undefined, targets);
}

/** Options of {@link makeRegression2D}. */
export interface Regression2DOptions extends GeneratorOptions {
  /** A name of {@link REGRESSION_FUNCTIONS_2D} or a function (default "plane"). */
  readonly fn?: RegressionFunction2DName | ((x1: number, x2: number) => number);
  /** Interval of both inputs (default [-2, 2]). */
  readonly xRange?: readonly [number, number];
  /** Standard deviation of Gaussian noise on the targets (default 0). */
  readonly noise?: number;
}

/**
 * A 2-D regression set y = g(x₁, x₂) + noise·ξ with inputs uniform in xRange².
 * @param options - `nSamples` (default 400), `fn` (default "plane"), `xRange` (default [-2, 2]), `noise` (default 0), `seed`/`rng`, `shuffle`
 * @returns a {@link Dataset} with d = 2 and `targets`
 * @throws KineticError INVALID_ARGUMENT (unknown fn name, bad range, noise < 0, non-finite g, an
 *   unknown option); TOO_LARGE when nSamples points cannot fit in memory
 * @remarks 2M uniforms and M normals when noise > 0.
 * @example
 * ```ts
 * const ds = makeRegression2D({ fn: "saddle", nSamples: 500, seed: 5 });
 * ```
 */
export function makeRegression2D(options: Regression2DOptions = {}): Dataset {
  const o = generatorOptions(options, ["fn", "xRange", "noise"]);
  const c = common(o, 400, 16 + 8);
  const fnIn = o.fn ?? "plane";
  const { g, fnName } = regressionFunction(fnIn, REGRESSION_FUNCTIONS_2D);
  const [lo, hi] = checkRange("xRange", o.xRange, [-2, 2]);
  const noise = nonNegativeOr("noise", o.noise, 0);
  const x = new Float64Array(2 * c.n);
  const targets = new Float64Array(c.n);
  for (let i = 0; i < 2 * c.n; i++) x[i] = lo + (hi - lo) * c.rng.uniform();
  for (let i = 0; i < c.n; i++) {
    const y = g(x[2 * i]!, x[2 * i + 1]!);
    if (!Number.isFinite(y)) throw invalidArgument("fn", `a function with finite values (got ${y})`, fnName);
    targets[i] = noise > 0 ? y + noise * c.rng.normal() : y;
  }
  return finish("regression-2d", { fn: fnName, xRange: [lo, hi], noise }, c, x, 2, undefined, undefined, targets);
}
