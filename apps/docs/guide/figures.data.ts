/** Build-time figures of the theory guides, computed by the library (see `scripts/figures.ts`). */
import { type FiguresData, loadFigures } from "../scripts/load-figures.js";

/** The figure each guide shows, by guide. */
export const GUIDE_FIGURES = {
  "resnet-neural-ode": "resnet-layers",
  "mean-field": "mean-field-limit/density",
  "steady-states": "steady-states/profile-tanh",
  moments: "moments-linear/moments-left",
  "fokker-planck": "stochastic-resnet/densities",
  "fitting-distributions": "fit-distribution/fit-tanh",
  "numerical-schemes": "convergence/orders-ode",
} as const;

declare const data: FiguresData;
export { data };

export default {
  load(): Promise<FiguresData> {
    return loadFigures(Object.values(GUIDE_FIGURES));
  },
};
