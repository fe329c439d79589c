/**
 * Fokker–Planck solvers for the stochastic ResNet and fitting distributions with their steady
 * states (MODEL.md §2, §6, §7).
 * @packageDocumentation
 */
export {
  BOUNDARIES,
  bernoulli,
  ccDelta,
  changCooperCoefficients,
  type Boundary,
  type ChangCooperCoefficients,
  type Diffusion1D,
} from "./chang-cooper.js";
export {
  histogramOnGrid,
  klDivergence,
  l1Distance,
  l2Distance,
} from "./densities.js";
export { diffusionFromNetwork } from "./problem.js";
export {
  fokkerPlanckGradient,
  type FokkerPlanckGradientOptions,
  type FokkerPlanckGradientResult,
} from "./adjoint.js";
export {
  fokkerPlanckGradient2D,
  type FokkerPlanckGradientOptions2D,
  type FokkerPlanckGradientResult2D,
} from "./adjoint-2d.js";
export {
  FOKKER_PLANCK_METHODS,
  solveFokkerPlanck,
  type FokkerPlanckMethod,
  type FokkerPlanckMethodInfo,
  type FokkerPlanckOptions,
  type FokkerPlanckProblem,
  type FokkerPlanckResult,
  type FokkerPlanckStats,
} from "./solve-1d.js";
export { type FokkerPlanckWebGpuBackend, type FokkerPlanckWebGpuResult, solveFokkerPlanckWebGpu } from "./solve-1d-webgpu.js";
export {
  solveSteadyState,
  stationaryDensity,
  steadyStateExists,
  type StationaryDensity,
  type SteadyStateExistence,
  type SteadyStateMethod,
  type SteadyStateOptions,
  type SteadyStateProblem,
  type SteadyStateResult,
} from "./steady-state.js";
export {
  steadyStateSensitivity,
  type SteadyStateLoss,
  type SteadyStateSensitivityOptions,
  type SteadyStateSensitivityResult,
} from "./steady-state-gradient.js";
export {
  solveFokkerPlanck2D,
  type FokkerPlanckOptions2D,
  type FokkerPlanckProblem2D,
  type FokkerPlanckResult2D,
} from "./solve-2d.js";
export {
  type FokkerPlanckWebGpuOptions2D,
  type FokkerPlanckWebGpuResult2D,
  solveFokkerPlanck2DWebGpu,
} from "./solve-2d-webgpu.js";
export {
  solveFokkerPlanck2DSensitivity,
  type FokkerPlanckSensitivityOptions2D,
  type FokkerPlanckSensitivityResult2D,
} from "./sensitivity-2d.js";
export {
  fitFiniteHorizon,
  fitSteadyState,
  type FitFamily,
  type FitLoss,
  type FitMethod,
  type FitOptions,
  type FitResult,
  type FitTarget,
  type FittedParameters,
} from "./fit.js";
export {
  trainFokkerPlanck,
  trainFokkerPlanck2D,
  type FokkerPlanckInitialDensity,
  type FokkerPlanckInitialDensity2D,
  type FokkerPlanckSolverOptions,
  type FokkerPlanckSolverOptions2D,
  type FokkerPlanckTrainingProblem,
  type FokkerPlanckTrainingProblem2D,
  type FokkerPlanckTrainOptions,
  type FokkerPlanckTrainOptions2D,
  type FokkerPlanckTrainResult,
  type FokkerPlanckTrainResult2D,
  type NoiseTrainingOptions,
} from "./train-fokker-planck.js";
export {
  compareWithParticles,
  type CompareWithParticlesOptions,
  type CompareWithParticlesResult,
} from "./particles.js";
