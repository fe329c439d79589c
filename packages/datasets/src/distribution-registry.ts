/**
 * Distributions by name, so that configurations (CLI, experiments) can name an input or target
 * distribution as `{ name, params }`.
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { invalidArgument } from "@kinetic-nde/core/validate";
import type { Distribution1D, DistributionND } from "./distribution-types.js";
import { createBeta, createGamma, createLaplace, createNormal, createTanhSteadyState, createUniform } from "./distributions.js";
import type { BetaParams, GammaParams, TanhSteadyStateParams } from "./distributions.js";
import { createMultivariateNormal } from "./multivariate.js";
import type { MultivariateNormalParams } from "./multivariate.js";

/** A named distribution family. */
export interface DistributionFamily {
  /** Registry name. */
  readonly name: string;
  /** The formula in words. */
  readonly description: string;
  /** Accepted parameters with their defaults (`undefined` = required). */
  readonly params: Readonly<Record<string, unknown>>;
}

const FAMILIES: readonly (DistributionFamily & { make: (p: Record<string, unknown>) => Distribution1D | DistributionND })[] = [
  { name: "normal", description: "N(mean, std²)", params: { mean: 0, std: 1 }, make: (p) => createNormal(p) },
  { name: "uniform", description: "uniform on [lower, upper]", params: { lower: 0, upper: 1 }, make: (p) => createUniform(p) },
  {
    name: "beta",
    description: "Beta(alpha, beta) on [lower, upper]",
    params: { alpha: undefined, beta: undefined, lower: 0, upper: 1 },
    make: (p) => createBeta(p as unknown as BetaParams),
  },
  {
    name: "gamma",
    description: "Gamma(shape, scale)",
    params: { shape: undefined, scale: 1 },
    make: (p) => createGamma(p as unknown as GammaParams),
  },
  { name: "laplace", description: "Laplace(mean, scale)", params: { mean: 0, scale: 1 }, make: (p) => createLaplace(p) },
  {
    name: "tanh-steady-state",
    description: "∝ sech(wx + b)^{1/(|w|D)}",
    params: { w: undefined, b: 0, D: undefined },
    make: (p) => createTanhSteadyState(p as unknown as TanhSteadyStateParams),
  },
  {
    name: "multivariate-normal",
    description: "N(mean, covariance) in d dimensions",
    params: { mean: undefined, covariance: undefined },
    make: (p) => createMultivariateNormal(p as unknown as MultivariateNormalParams),
  },
];

/**
 * The distribution families that {@link makeDistribution} knows.
 * @returns name, description and parameters (with defaults; `undefined` marks a required one)
 * @remarks Mixtures and empirical distributions are built from their parts with
 * `createMixture` / `createEmpirical`.
 * @example
 * ```ts
 * listDistributions().map((f) => f.name); // ["normal", "uniform", "beta", ...]
 * ```
 */
export function listDistributions(): DistributionFamily[] {
  return FAMILIES.map(({ name, description, params }) => ({ name, description, params }));
}

/**
 * Create a distribution from its family name and parameters.
 * @param name - a name from {@link listDistributions}
 * @param params - the family's parameters (unknown keys are rejected)
 * @returns the distribution
 * @throws KineticError NOT_FOUND (unknown family) or INVALID_ARGUMENT (unknown or bad parameter)
 * @remarks Same as calling the family's `create*` function.
 * @example
 * ```ts
 * const g = makeDistribution("tanh-steady-state", { w: -1, b: 0.5, D: 0.25 });
 * ```
 */
export function makeDistribution(name: string, params: Readonly<Record<string, unknown>> = {}): Distribution1D | DistributionND {
  const fam = FAMILIES.find((f) => f.name === name);
  if (!fam) {
    throw new KineticError(
      "NOT_FOUND",
      `distribution ${JSON.stringify(name)} is not known; known: ${FAMILIES.map((f) => f.name).join(", ")}`,
      {
        details: { name },
      },
    );
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw invalidArgument("params", "a parameter object", params);
  for (const key of Object.keys(params)) {
    if (!(key in fam.params))
      throw invalidArgument(`params.${key}`, `one of the parameters of "${name}": ${Object.keys(fam.params).join(", ")}`, params[key]);
  }
  return fam.make({ ...params });
}
