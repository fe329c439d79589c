import type { ExperimentDefinition } from "../types.js";
import { fitTool } from "./fit.js";
import { momentsTool } from "./moments.js";
import { simulateTool } from "./simulate.js";
import { solveFokkerPlanckTool, solveVlasovTool } from "./solve.js";
import { solveVlasov2DTool } from "./solve-2d.js";
import { trainTool } from "./train.js";

/** The tools in the order of the CLI commands. */
export const TOOL_LIST: readonly ExperimentDefinition[] = Object.freeze(
  [simulateTool, solveVlasovTool, solveVlasov2DTool, solveFokkerPlanckTool, momentsTool, fitTool, trainTool].map(
    (e) => e as unknown as ExperimentDefinition,
  ),
);

export { fitTool, momentsTool, simulateTool, solveFokkerPlanckTool, solveVlasov2DTool, solveVlasovTool, trainTool };
