export {
  autoDomain,
  autoGrid1D,
  autoGrid2D,
  type AutoDomainOptions,
  type AutoDomainSource,
  type Box,
  type InitialDensity,
  type InitialDensity1D,
  type InitialDensity2D,
} from "./initial.js";
export * from "./fluxes.js";
export * from "./vlasov.js";
export * from "./exact.js";
export * from "./particle-grid.js";
export * from "./wasserstein.js";
export * from "./steady-states.js";
export * from "./sensitivity.js";
