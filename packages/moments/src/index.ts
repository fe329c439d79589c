export * from "./methods.js";
export * from "./hierarchy.js";
export * from "./covariance.js";
export * from "./empirical.js";
export * from "./design.js";
export * from "./quadrature.js";
export * from "./closure.js";
export * from "./long-time.js";
