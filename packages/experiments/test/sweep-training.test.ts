import { SWEEP_B } from "./sweep-points.js";
import { sweepExperiments } from "./sweep-run.js";

sweepExperiments(SWEEP_B);
