/**
 * Preprocessing: seeded (stratified) train/test split, standardisation, one-hot encoding.
 * @packageDocumentation
 */
import type { Rng } from "@kinetic-nde/core";
import { checkEnsemble, createRng } from "@kinetic-nde/core";
import { invalidArgument, requireFits, requireInteger, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";
import type { Dataset } from "./dataset.js";
import { datasetSize, subsetDataset } from "./dataset.js";
import { checkRng, compensatedSum } from "./internal/check.js";

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** Fraction of points in the test set, in (0, 1) (default 0.25); the test size is ⌈M·f⌉. */
  readonly testFraction?: number;
  /** Seed (default 0); ignored when `rng` is given. */
  readonly seed?: number;
  /** Generator to draw from. */
  readonly rng?: Rng;
  /** Keep the class proportions in both parts (needs labels; default false). */
  readonly stratify?: boolean;
  /** Shuffle before splitting (default true; must be true when stratifying). */
  readonly shuffle?: boolean;
}

/** Result of {@link trainTestSplit}. */
export interface SplitResult {
  /** Training part. */
  readonly train: Dataset;
  /** Test part. */
  readonly test: Dataset;
  /** Rows of the original data set in `train`, in order. */
  readonly trainIndex: Int32Array;
  /** Rows of the original data set in `test`, in order. */
  readonly testIndex: Int32Array;
}

function permutation(m: number, rng: Rng): Int32Array {
  const p = new Int32Array(m);
  for (let i = 0; i < m; i++) p[i] = i;
  for (let i = m - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[k]!;
    p[k] = t;
  }
  return p;
}

/**
 * Split a data set into a training and a test part.
 * @param ds - the data set (M ≥ 2)
 * @param options - `testFraction` (default 0.25), `seed`/`rng`, `stratify` (default false), `shuffle` (default true)
 * @returns both parts and the row indices of each
 * @throws KineticError INVALID_ARGUMENT (fraction outside (0, 1), a part would be empty,
 * stratify without labels or without shuffle)
 * @remarks One permutation of the rows (M - 1 uniforms). Stratified: each class c contributes
 * ⌊n_c·f⌋ test points plus one for the classes with the largest remainders (ties to the lower
 * class) until the test set has ⌈M·f⌉ points; the test rows of a class are its first ones in the
 * permuted order. The parts keep the permuted order.
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(makeMoons({ nSamples: 200 }), { testFraction: 0.2, stratify: true, seed: 1 });
 * ```
 */
export function trainTestSplit(ds: Dataset, options: SplitOptions = {}): SplitResult {
  const o = requireOptions<SplitOptions>("options", options, ["testFraction", "seed", "rng", "stratify", "shuffle"]);
  const m = datasetSize(ds);
  const f = o.testFraction ?? 0.25;
  if (typeof f !== "number" || !(f > 0 && f < 1)) throw invalidArgument("testFraction", "a number in (0, 1)", f);
  const nTest = Math.ceil(m * f);
  if (nTest >= m) throw invalidArgument("testFraction", `a fraction that leaves training points (M = ${m})`, f);
  const stratify = o.stratify ?? false;
  const shuffle = o.shuffle ?? true;
  if (stratify && !ds.labels) throw invalidArgument("stratify", "false for a data set without labels", stratify);
  if (stratify && !shuffle) throw invalidArgument("shuffle", "true when stratify is true", shuffle);
  const rng = o.rng !== undefined ? checkRng("rng", o.rng) : createRng(o.seed ?? 0);
  let order: Int32Array;
  if (shuffle) order = permutation(m, rng);
  else {
    order = new Int32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
  }
  const isTest = new Uint8Array(m);
  if (!stratify) {
    for (let r = m - nTest; r < m; r++) isTest[order[r]!] = 1;
  } else {
    const labels = ds.labels!;
    const k = ds.nClasses ?? 1;
    const counts = new Float64Array(k);
    for (let i = 0; i < m; i++) counts[labels[i]!]!++;
    const quota = new Int32Array(k);
    let assigned = 0;
    for (let c = 0; c < k; c++) {
      quota[c] = Math.floor(counts[c]! * f);
      assigned += quota[c]!;
    }
    const byRemainder = Array.from({ length: k }, (_, c) => c).sort(
      (a, b) => counts[b]! * f - quota[b]! - (counts[a]! * f - quota[a]!) || a - b,
    );
    for (let t = 0; assigned < nTest && t < k; t++) {
      const c = byRemainder[t]!;
      if (quota[c]! < counts[c]!) {
        quota[c]!++;
        assigned++;
      }
    }
    const taken = new Int32Array(k);
    for (let r = 0; r < m; r++) {
      const i = order[r]!;
      const c = labels[i]!;
      if (taken[c]! < quota[c]!) {
        taken[c]!++;
        isTest[i] = 1;
      }
    }
  }
  const trainIndex: number[] = [];
  const testIndex: number[] = [];
  for (let r = 0; r < m; r++) (isTest[order[r]!] ? testIndex : trainIndex).push(order[r]!);
  if (trainIndex.length === 0 || testIndex.length === 0) {
    throw invalidArgument("testFraction", `a fraction giving two non-empty parts (M = ${m})`, f);
  }
  return {
    train: subsetDataset(ds, trainIndex),
    test: subsetDataset(ds, testIndex),
    trainIndex: Int32Array.from(trainIndex),
    testIndex: Int32Array.from(testIndex),
  };
}

/** A fitted per-coordinate affine standardisation z = (x - mean) / scale. */
export interface Standardizer {
  /** Dimension. */
  readonly d: number;
  /** Per-coordinate mean (length d). */
  readonly mean: Float64Array;
  /** Per-coordinate population standard deviation (1 where it is 0), length d. */
  readonly scale: Float64Array;
  /**
   * Standardise M·d values (row-major).
   * @param x - M·d values
   * @returns a fresh array (x - mean) / scale
   */
  transform(x: Float64Array): Float64Array;
  /**
   * Undo {@link Standardizer.transform}.
   * @param z - M·d values
   * @returns a fresh array z·scale + mean
   */
  inverseTransform(z: Float64Array): Float64Array;
}

/**
 * Fit a standardisation (zero mean, unit population variance per coordinate).
 * @param x - M·d values, row-major (M ≥ 1)
 * @param d - dimension
 * @returns a {@link Standardizer}; a constant coordinate gets scale 1 (it is only centred)
 * @throws KineticError INVALID_ARGUMENT (not a Float64Array, empty, non-finite, a column whose mean
 *   or spread overflows) or SHAPE_MISMATCH; `transform`/`inverseTransform` throw INVALID_ARGUMENT
 *   for non-finite values
 * @remarks Two passes with compensated sums (O(M·d)); `transform` and `inverseTransform` are
 * O(M·d), allocate their result only, and are inverse to within a few ulps.
 * @example
 * ```ts
 * const s = fitStandardizer(ds.x, ds.d);
 * const z = s.transform(ds.x);
 * ```
 */
export function fitStandardizer(x: Float64Array, d: number): Standardizer {
  requireInteger("d", d, 1);
  const m = checkEnsemble(x, d, "x");
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const col = new Float64Array(m);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < m; i++) col[i] = x[i * d + j]!;
    const mu = compensatedSum(col) / m;
    for (let i = 0; i < m; i++) {
      const t = col[i]! - mu;
      col[i] = t * t;
    }
    const sd = Math.sqrt(compensatedSum(col) / m);
    // values near ±1.8e308 overflow the mean or the variance: refuse rather than return NaN later
    if (!Number.isFinite(mu) || !Number.isFinite(sd)) {
      throw invalidArgument(`x (column ${j})`, "values whose mean and standard deviation are finite in double precision", {
        mean: mu,
        std: sd,
      });
    }
    mean[j] = mu;
    scale[j] = sd > 0 ? sd : 1;
  }
  const check = (name: string, v: Float64Array): void => {
    if (!(v instanceof Float64Array)) throw invalidArgument(name, "a Float64Array of M×d values", v);
    if (v.length % d !== 0) throw shapeMismatch(name, `a multiple of d = ${d} values`, v.length);
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw invalidArgument(`${name}[${i}]`, "a finite number", v[i]);
  };
  return {
    d,
    mean,
    scale,
    transform: (v) => {
      check("x", v);
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = (v[i]! - mean[i % d]!) / scale[i % d]!;
      return out;
    },
    inverseTransform: (z) => {
      check("z", z);
      const out = new Float64Array(z.length);
      for (let i = 0; i < z.length; i++) out[i] = z[i]! * scale[i % d]! + mean[i % d]!;
      return out;
    },
  };
}

/**
 * One-hot encoding of class labels.
 * @param labels - M labels in [0, nClasses)
 * @param nClasses - number of classes (default max label + 1)
 * @returns a fresh Float64Array of M·nClasses values, row-major, with a single 1 per row
 * @throws KineticError INVALID_ARGUMENT for a negative, non-integer or too large label; TOO_LARGE
 *   when the M·nClasses values cannot fit in memory
 * @remarks O(M·nClasses).
 * @example
 * ```ts
 * oneHot(Int32Array.of(0, 2, 1)); // [1,0,0, 0,0,1, 0,1,0]
 * ```
 */
export function oneHot(labels: ArrayLike<number>, nClasses?: number): Float64Array {
  const m = labels.length;
  let max = -1;
  for (let i = 0; i < m; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw invalidArgument(`labels[${i}]`, "a non-negative integer", v);
    if (v > max) max = v;
  }
  const k = nClasses === undefined ? max + 1 : requireInteger("nClasses", nClasses, 1);
  if (max >= k) throw invalidArgument("labels", `labels below nClasses = ${k}`, max);
  requireFits("nClasses", k, 8 * Math.max(m, 1));
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) out[i * k + labels[i]!] = 1;
  return out;
}
