export {
  betaIncomplete,
  betaIncompleteInverse,
  erf,
  erfc,
  gammaP,
  gammaPInverse,
  gammaQ,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  trigamma,
} from "./special.js";
export { gaussLegendre, integrateGaussLegendre, type QuadratureRule } from "./quadrature.js";
export * from "./grid.js";
export * from "./distribution-types.js";
export * from "./distributions.js";
export * from "./multivariate.js";
export * from "./empirical.js";
export * from "./distribution-registry.js";
export * from "./grid-evaluation.js";
export * from "./dataset.js";
export * from "./synthetic.js";
export * from "./iris.js";
export * from "./preprocess.js";
export * from "./csv.js";
export * from "./npy.js";
export * from "./json.js";
export * from "./registry.js";
