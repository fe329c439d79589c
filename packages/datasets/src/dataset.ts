/**
 * The one labelled/regression data-set type of kinetic-nde and its validating constructor.
 * @packageDocumentation
 */
import { invalidArgument, requireFiniteArray, requireInteger, requireOptions, shapeMismatch } from "@kinetic-nde/core/validate";

/** Provenance of a data set. */
export interface DatasetMeta {
  /** Generator or source name, e.g. `"moons"`, `"iris"`, `"csv"`. */
  readonly name: string;
  /** The parameters it was generated with (after defaults). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Seed of the generator used, or null for real or parsed data. */
  readonly seed: number | null;
  /** Where real data come from (citation). */
  readonly source?: string;
  /** Licence of real data. */
  readonly license?: string;
}

/**
 * A data set: M points in R^d (row-major, `x[i*d + j]`), with class labels and/or real targets.
 */
export interface Dataset {
  /** M·d input values, row-major. */
  readonly x: Float64Array;
  /** Dimension of each point. */
  readonly d: number;
  /** Class of each point, in [0, nClasses) (classification). */
  readonly labels?: Int32Array;
  /** Real target of each point (regression). */
  readonly targets?: Float64Array;
  /** Number of classes (present with `labels`). */
  readonly nClasses?: number;
  /** Names of the d input columns. */
  readonly featureNames?: readonly string[];
  /** Names of the classes, index = label. */
  readonly classNames?: readonly string[];
  /** Provenance. */
  readonly meta: DatasetMeta;
}

/** Input of {@link createDataset}: like {@link Dataset}, with plain arrays accepted. */
export interface DatasetInput {
  /** M·d input values, row-major. */
  readonly x: ArrayLike<number>;
  /** Dimension (integer ≥ 1). */
  readonly d: number;
  /** Labels, M non-negative integers. */
  readonly labels?: ArrayLike<number>;
  /** Targets, M finite numbers. */
  readonly targets?: ArrayLike<number>;
  /** Number of classes (default: max label + 1). */
  readonly nClasses?: number;
  /** d column names. */
  readonly featureNames?: readonly string[];
  /** Class names (length nClasses). */
  readonly classNames?: readonly string[];
  /** Provenance (default `{ name: "custom", params: {}, seed: null }`). */
  readonly meta?: DatasetMeta;
}

/**
 * Validate and copy a data set.
 * @param input - points, dimension, optional labels/targets/names and provenance
 * @returns a fresh {@link Dataset} (all arrays copied)
 * @throws KineticError INVALID_ARGUMENT (non-finite values, negative or non-integer labels,
 * labels ≥ nClasses, empty) or SHAPE_MISMATCH (x not a multiple of d, labels/targets/names of
 * the wrong length)
 * @remarks O(M·d). Every generator and parser of this package returns through it.
 * @example
 * ```ts
 * const ds = createDataset({ x: [0, 0, 1, 1], d: 2, labels: [0, 1] });
 * ```
 */
export function createDataset(input: DatasetInput): Dataset {
  if (typeof input !== "object" || input === null) throw invalidArgument("dataset", "an object { x, d, ... }", input);
  requireOptions("dataset", input, ["x", "d", "labels", "targets", "nClasses", "featureNames", "classNames", "meta"]);
  const d = requireInteger("d", input.d, 1);
  const x = requireFiniteArray("x", input.x);
  if (x.length % d !== 0) throw shapeMismatch("x", `a multiple of d = ${d} values`, x.length);
  const m = x.length / d;
  let labels: Int32Array | undefined;
  let nClasses: number | undefined;
  if (input.labels !== undefined) {
    const l = input.labels;
    if (l.length !== m) throw shapeMismatch("labels", `one label per point (${m})`, l.length);
    labels = new Int32Array(m);
    let max = -1;
    for (let i = 0; i < m; i++) {
      const v = l[i];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 2147483647) {
        throw invalidArgument(`labels[${i}]`, "a non-negative integer", v);
      }
      labels[i] = v;
      if (v > max) max = v;
    }
    nClasses = input.nClasses === undefined ? max + 1 : requireInteger("nClasses", input.nClasses, 1);
    if (max >= nClasses) throw invalidArgument("labels", `labels below nClasses = ${nClasses}`, max);
  } else if (input.nClasses !== undefined) {
    throw invalidArgument("nClasses", "absent when there are no labels", input.nClasses);
  }
  const targets = input.targets === undefined ? undefined : requireFiniteArray("targets", input.targets, m);
  if (input.featureNames !== undefined && input.featureNames.length !== d) {
    throw shapeMismatch("featureNames", `d = ${d} names`, input.featureNames.length);
  }
  if (input.classNames !== undefined) {
    if (nClasses === undefined) throw invalidArgument("classNames", "absent when there are no labels", input.classNames);
    if (input.classNames.length !== nClasses) throw shapeMismatch("classNames", `nClasses = ${nClasses} names`, input.classNames.length);
  }
  return {
    x,
    d,
    ...(labels !== undefined ? { labels } : {}),
    ...(targets !== undefined ? { targets } : {}),
    ...(nClasses !== undefined ? { nClasses } : {}),
    ...(input.featureNames !== undefined ? { featureNames: [...input.featureNames] } : {}),
    ...(input.classNames !== undefined ? { classNames: [...input.classNames] } : {}),
    meta: input.meta ?? { name: "custom", params: {}, seed: null },
  };
}

/**
 * The feature names of a data set: its `featureNames`, or `x0, x1, …` (zero-based, as CSV files written by
 * {@link toCsv} and headerless files read by `parseCsv` name them), so every output names a column alike.
 * @param ds - a data set
 * @returns d names
 * @example
 * ```ts
 * datasetFeatureNames(makeMoons({ nSamples: 10 })); // ["x0", "x1"]
 * ```
 */
export function datasetFeatureNames(ds: Dataset): string[] {
  return ds.featureNames ? [...ds.featureNames] : Array.from({ length: ds.d }, (_, j) => `x${j}`);
}

/**
 * Number of points M of a data set (x.length / d).
 * @param ds - a data set
 * @returns M
 * @remarks O(1).
 * @example
 * ```ts
 * datasetSize(makeMoons({ nSamples: 100 })); // 100
 * ```
 */
export function datasetSize(ds: Dataset): number {
  return ds.x.length / ds.d;
}

/**
 * The sub-dataset of the given rows, in the given order.
 * @param ds - a data set
 * @param indices - row indices in [0, M) (repeats allowed)
 * @returns a fresh {@link Dataset} with the same names and provenance
 * @throws KineticError INVALID_ARGUMENT for an index out of range or not an integer
 * @remarks O(len·d).
 * @example
 * ```ts
 * const firstTen = subsetDataset(ds, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const m = datasetSize(ds);
  const k = indices.length;
  const d = ds.d;
  const x = new Float64Array(k * d);
  const labels = ds.labels ? new Int32Array(k) : undefined;
  const targets = ds.targets ? new Float64Array(k) : undefined;
  for (let r = 0; r < k; r++) {
    const i = indices[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= m) throw invalidArgument(`indices[${r}]`, `an integer in [0, ${m - 1}]`, i);
    for (let j = 0; j < d; j++) x[r * d + j] = ds.x[i * d + j]!;
    if (labels) labels[r] = ds.labels![i]!;
    if (targets) targets[r] = ds.targets![i]!;
  }
  return {
    ...ds,
    x,
    ...(labels ? { labels } : {}),
    ...(targets ? { targets } : {}),
  };
}
