export { LOSS_KINDS, lossClassCount, type LossSpec, type Readout, type TrainingData } from "./losses.js";
export { initNetwork, type NetworkInit } from "./init.js";
export { TRAINING_SCHEMES, type TrainingScheme, type TrainingSchemeInfo } from "./kernel.js";
export {
  accuracy,
  computeGradient,
  createGradientEvaluator,
  predict,
  type GradientEvaluator,
  type GradientOptions,
  type GradientResult,
  type ParameterLayout,
  type Prediction,
  type TrainedModel,
  type TrainingProblem,
} from "./gradient.js";
export { continuousAdjointGradient, forwardSensitivityGradient, type ContinuousAdjointOptions } from "./sensitivities.js";
export {
  train,
  type LearningRateSchedule,
  type OptimizerSpec,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
  type TrainingHistory,
} from "./train.js";
export {
  minimize,
  type MinimizeObjective,
  type MinimizeOptions,
  type MinimizeResult,
  type StopReason,
} from "./minimize.js";
export {
  ensembleKalmanMinimize,
  type EnsembleKalmanOptions,
  type EnsembleKalmanResult,
  trainEki,
  type EkiOptions,
  type EkiResult,
} from "./eki.js";
export { loadModel, MODEL_SCHEMA_VERSION, saveModel, type ModelJson } from "./serialize.js";
