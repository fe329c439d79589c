/**
 * The experiment definitions one by one, for bundles that need a single experiment: pass one to
 * {@link runDefinition} instead of calling `runExperiment(id)`, which reaches the whole catalogue.
 * @packageDocumentation
 */
export { classification } from "./catalogue/classification.js";
export { convergence } from "./catalogue/convergence.js";
export { fitDistribution } from "./catalogue/fit-distribution.js";
export { meanFieldLimit } from "./catalogue/mean-field-limit.js";
export { meanFieldTraining } from "./catalogue/mean-field-training.js";
export { momentsLinear } from "./catalogue/moments-linear.js";
export { regression } from "./catalogue/regression.js";
export { sensitivity } from "./catalogue/sensitivity.js";
export { steadyStates } from "./catalogue/steady-states.js";
export { stochasticResnet } from "./catalogue/stochastic-resnet.js";
