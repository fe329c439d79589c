/** The home page's figure: class densities pulled apart by a trained ResNet (see `scripts/figures.ts`). */
import { type FiguresData, loadFigures } from "./scripts/load-figures.js";

declare const data: FiguresData;
export { data };

export default {
  load(): Promise<FiguresData> {
    return loadFigures(["classification/densities-1d"]);
  },
};
