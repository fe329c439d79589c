/** SVG → PNG with resvg (system fonts; DejaVu/Liberation on Linux). */
import { Resvg } from "@resvg/resvg-js";

/**
 * Rasterise an SVG document.
 * @param svg - SVG text
 * @param scale - zoom factor (default 1.5 for crisp text)
 * @returns PNG bytes
 */
export function svgToPng(svg: string, scale = 1.5): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    background: "white",
  });
  return r.render().asPng();
}
