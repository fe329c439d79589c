/**
 * Build-time data of the gallery: one figure per experiment (its quick run) and one per guide topic,
 * each with the page it belongs to and a script that reproduces it (see `scripts/figures.ts`).
 */
import { EXPERIMENT_FIGURES, experimentScript, GUIDE_FIGURES, RESNET_SCRIPT } from "./gallery-scripts.js";
import { type BuiltFigure, loadFigures } from "./scripts/load-figures.js";

export interface GalleryItem {
  /** Section: "experiment" or "guide". */
  kind: "experiment" | "guide";
  /** The live or guide page the picture belongs to. */
  link: string;
  figure: BuiltFigure;
  /** A TypeScript script, using the public API, that prints the picture's SVG. */
  script: string;
}
export interface GalleryData {
  items: GalleryItem[];
  errors: Record<string, string>;
}

declare const data: GalleryData;
export { data };

export default {
  async load(): Promise<GalleryData> {
    const keys = [...EXPERIMENT_FIGURES, ...GUIDE_FIGURES.map(([, k]) => k)];
    const { figures, errors } = await loadFigures(keys);
    const items: GalleryItem[] = [];
    for (const key of EXPERIMENT_FIGURES) {
      const figure = figures[key];
      if (figure !== undefined) items.push({ kind: "experiment", link: `/experiments/${figure.source}`, figure, script: experimentScript(key) });
    }
    for (const [link, key] of GUIDE_FIGURES) {
      const figure = figures[key];
      if (figure !== undefined) items.push({ kind: "guide", link, figure, script: key === "resnet-layers" ? RESNET_SCRIPT : experimentScript(key) });
    }
    return { items, errors };
  },
};
