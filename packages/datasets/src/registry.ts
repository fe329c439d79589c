/**
 * Data sets by name, so that the CLI and the experiments can refer to them in configuration.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { invalidArgument, requireOptions } from "@kinetic-nde/core/validate";
import type { Dataset } from "./dataset.js";
import { loadIris } from "./iris.js";
import {
  makeBlobs,
  makeCircles,
  makeMoons,
  makeRegression1D,
  makeRegression2D,
  makeSpirals,
  makeTwoGaussians1D,
  makeXor,
  SKLEARN_OPTION_ALIASES,
} from "./synthetic.js";

/** A registered data set. */
export interface DatasetEntry {
  /** Registry name (kebab-case). */
  readonly name: string;
  /** One line for listings. */
  readonly description: string;
  /** Kind of supervision. */
  readonly task: "classification" | "regression";
  /** Input dimension with the default parameters. */
  readonly d: number;
  /** The parameters accepted, with their defaults (`seed` and `rng` are always accepted by generators). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Build the data set from (validated) parameters. */
  readonly make: (params: Readonly<Record<string, unknown>>) => Dataset;
}

/** What {@link listDatasets} reports about an entry. */
export type DatasetInfo = Omit<DatasetEntry, "make">;

const GENERATOR_KEYS = { nSamples: undefined, seed: 0, rng: undefined, shuffle: true } as const;

const registry = new Map<string, DatasetEntry>();

function add(entry: DatasetEntry): void {
  registry.set(entry.name, entry);
}

add({
  name: "two-gaussians-1d",
  description: "1-D two classes, N(-1, 0.5²) and N(1, 0.5²)",
  task: "classification",
  d: 1,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, means: [-1, 1], std: 0.5 },
  make: (p) => makeTwoGaussians1D(p),
});
add({
  name: "blobs",
  description: "isotropic Gaussian blobs (make_blobs)",
  task: "classification",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 300, centers: 3, clusterStd: 1, centerBox: [-10, 10], d: 2 },
  make: (p) => makeBlobs(p),
});
add({
  name: "moons",
  description: "two interleaving half circles (make_moons)",
  task: "classification",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, noise: 0 },
  make: (p) => makeMoons(p),
});
add({
  name: "circles",
  description: "two concentric circles (make_circles)",
  task: "classification",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, factor: 0.8, noise: 0 },
  make: (p) => makeCircles(p),
});
add({
  name: "spirals",
  description: "interleaved spiral arms",
  task: "classification",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, nClasses: 2, turns: 1, noise: 0 },
  make: (p) => makeSpirals(p),
});
add({
  name: "xor",
  description: "XOR (2 classes) or quadrants (4 classes) on a square",
  task: "classification",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, nClasses: 2, halfWidth: 1, noise: 0 },
  make: (p) => makeXor(p),
});
add({
  name: "regression-1d",
  description: "y = g(x) + noise for named monotone / non-monotone g",
  task: "regression",
  d: 1,
  defaults: { ...GENERATOR_KEYS, nSamples: 200, fn: "tanh", xRange: [-2, 2], noise: 0, sampling: "uniform" },
  make: (p) => makeRegression1D(p),
});
add({
  name: "regression-2d",
  description: "y = g(x1, x2) + noise for named g",
  task: "regression",
  d: 2,
  defaults: { ...GENERATOR_KEYS, nSamples: 400, fn: "plane", xRange: [-2, 2], noise: 0 },
  make: (p) => makeRegression2D(p),
});
add({
  name: "iris",
  description: "Fisher's iris flowers: 150 points, 4 features (cm), 3 species",
  task: "classification",
  d: 4,
  defaults: { features: ["sepal-length", "sepal-width", "petal-length", "petal-width"] },
  make: (p) => loadIris(p),
});

/**
 * The registered data sets, in registration order.
 * @returns name, description, task, default dimension and accepted parameters of each
 * @remarks Built-ins: two-gaussians-1d, blobs, moons, circles, spirals, xor, regression-1d,
 * regression-2d, iris.
 * @example
 * ```ts
 * listDatasets().map((e) => e.name);
 * ```
 */
export function listDatasets(): DatasetInfo[] {
  return [...registry.values()].map(({ make: _make, ...info }) => info);
}

/**
 * Build a registered data set by name.
 * @param name - a name from {@link listDatasets}
 * @param params - parameters (a subset of the entry's `defaults` keys; others are rejected with the
 *   list of known ones); the scikit-learn spellings of {@link SKLEARN_OPTION_ALIASES} are aliases
 * @returns the data set
 * @throws KineticError NOT_FOUND for an unknown name, INVALID_ARGUMENT for an unknown parameter
 * or a bad value (from the generator), TOO_LARGE for a size that cannot fit in memory
 * @remarks Same name, parameters and seed ⇒ the same data.
 * @example
 * ```ts
 * const ds = makeDataset("moons", { nSamples: 500, noise: 0.1, seed: 42 });
 * ```
 */
export function makeDataset(name: string, params: Readonly<Record<string, unknown>> = {}): Dataset {
  const entry = registry.get(name);
  if (!entry) {
    throw new KineticError("NOT_FOUND", `data set ${JSON.stringify(name)} is not registered; known: ${[...registry.keys()].join(", ")}`, {
      details: { name },
    });
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw invalidArgument("params", "a parameter object", params);
  for (const key of Object.keys(params)) {
    const canonical = Object.hasOwn(SKLEARN_OPTION_ALIASES, key) ? SKLEARN_OPTION_ALIASES[key]! : key;
    if (!(canonical in entry.defaults)) {
      throw invalidArgument(`params.${key}`, `one of the parameters of "${name}": ${Object.keys(entry.defaults).join(", ")}`, params[key]);
    }
  }
  return entry.make(requireOptions("params", params, Object.keys(entry.defaults), SKLEARN_OPTION_ALIASES));
}

/**
 * Register a data set under a new name (e.g. a CSV shipped with an application).
 * @param entry - name, description, task, d, defaults and `make`
 * @returns nothing
 * @throws KineticError INVALID_ARGUMENT when the name is empty or already registered
 * @remarks The registry is process-wide, like the activation registry of core.
 * @example
 * ```ts
 * registerDataset({ name: "my-data", description: "...", task: "regression", d: 1, defaults: {}, make: () => parseCsv(text, { target: "y" }) });
 * ```
 */
export function registerDataset(entry: DatasetEntry): void {
  if (typeof entry !== "object" || entry === null || typeof entry.make !== "function") {
    throw invalidArgument("entry", "an object { name, description, task, d, defaults, make }", entry);
  }
  if (typeof entry.name !== "string" || entry.name === "") throw invalidArgument("entry.name", "a non-empty string", entry.name);
  if (registry.has(entry.name)) throw invalidArgument("entry.name", "a name not yet registered", entry.name);
  registry.set(entry.name, entry);
}
