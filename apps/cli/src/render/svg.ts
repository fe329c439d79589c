/**
 * Figures as standalone SVG files: the shared renderer of `@kinetic-nde/experiments/plot`
 * (Observable Plot) run on a light DOM, serialised with the SVG namespace and fonts resvg finds.
 */
import type { ExperimentResult, FigureSpec } from "@kinetic-nde/experiments";
import { renderFigure, type FigureData } from "@kinetic-nde/experiments/plot";
import { parseHTML } from "linkedom";

export type { FigureData } from "@kinetic-nde/experiments/plot";

/** Fonts resvg loads from the system (see png.ts); the first one found is used. */
export const FIGURE_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/** Layout options of {@link renderFigureSvg}. */
export interface SvgOptions {
  /** Width in px (default 860). */
  readonly width?: number;
  /** Height in px of the chart without title, legend and caption (default 0.55 × width, at most 440). */
  readonly height?: number;
}

let lightDocument: Document | undefined;

function figureDocument(): Document {
  lightDocument ??= parseHTML("<!DOCTYPE html><html><body></body></html>").document as unknown as Document;
  return lightDocument;
}

/**
 * Render one figure as a standalone SVG document (white background, title and caption inside).
 * @param fig - the figure description
 * @param data - the result's series and fields
 * @param options - size in px
 * @returns SVG text
 * @example
 * ```ts
 * const svg = renderFigureSvg(result.figures[0]!, result);
 * ```
 */
export function renderFigureSvg(fig: FigureSpec, data: FigureData, options: SvgOptions = {}): string {
  const svg = renderFigure(fig, data, {
    document: figureDocument(),
    width: options.width ?? 860,
    ...(options.height !== undefined ? { height: options.height } : {}),
    fontFamily: FIGURE_FONT,
    background: "white",
  });
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  // Plot's style sheet only sets browser layout (display, max-width); text colour comes from `color`.
  svg.setAttribute("color", "#222222");
  return `${svg.outerHTML}\n`;
}

/**
 * Render every figure of a result.
 * @param result - the experiment result
 * @returns `[figureId, svgText]` pairs in order
 * @example
 * ```ts
 * for (const [id, svg] of renderResultSvgs(result)) console.log(id, svg.length);
 * ```
 */
export function renderResultSvgs(result: Pick<ExperimentResult, "figures" | "series" | "fields">): [string, string][] {
  return result.figures.map((f) => [f.id, renderFigureSvg(f, { series: result.series, fields: result.fields })]);
}
