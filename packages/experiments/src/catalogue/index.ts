import type { ExperimentDefinition } from "../types.js";
import { momentsLinear } from "./moments-linear.js";
import { steadyStates } from "./steady-states.js";
import { stochasticResnet } from "./stochastic-resnet.js";
import { meanFieldLimit } from "./mean-field-limit.js";
import { sensitivity } from "./sensitivity.js";
import { classification } from "./classification.js";
import { regression } from "./regression.js";
import { convergence } from "./convergence.js";
import { fitDistribution } from "./fit-distribution.js";
import { meanFieldTraining } from "./mean-field-training.js";

/** The catalogue in the order of the experiment table. */
export const CATALOGUE: readonly ExperimentDefinition[] = Object.freeze(
  [
    momentsLinear,
    steadyStates,
    sensitivity,
    meanFieldLimit,
    classification,
    regression,
    stochasticResnet,
    fitDistribution,
    convergence,
    meanFieldTraining,
  ].map((e) => e as unknown as ExperimentDefinition),
);
