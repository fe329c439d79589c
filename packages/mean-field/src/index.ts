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
// The flux kernels are the `@kinetic-nde/mean-field/fluxes` entry; the option types stay here.
export type { AdvectionBoundary, Limiter, SpatialScheme } from "./fluxes.js";
export {
  DEFAULT_MAX_CELL_UPDATES,
  type MethodInfo,
  type Resolved,
  solveVlasov,
  TIME_STEPPERS,
  type TimeStepper,
  VLASOV_SCHEMES,
  type VlasovOptions,
  type VlasovProblem,
  type VlasovResult,
  type VlasovStats,
} from "./vlasov.js";
export { solveVlasovWebGpu, type VlasovWebGpuBackend, type VlasovWebGpuResult } from "./vlasov-webgpu.js";
export * from "./exact.js";
export * from "./particle-grid.js";
export * from "./wasserstein.js";
export * from "./steady-states.js";
export * from "./sensitivity.js";
export * from "./sensitivity-2d.js";
export type { DensityObjective, ObjectiveTime, SaveTimeLoss } from "./objective.js";
export { saveTimeLoss } from "./objective.js";
export * from "./adjoint.js";
export * from "./density-losses.js";
export * from "./train-density.js";
