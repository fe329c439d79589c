import { describe, expect, it } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { FIGURE_FONT, renderFigureSvg } from "../src/render/svg.js";
import { svgToPng } from "../src/render/png.js";

const series = {
  s: { columns: ["t", "y"], data: { t: [0, 1, 2, 3], y: [1, 0.1, 0.01, 0.001] } },
};

describe("SVG files", () => {
  it("draws title, axis labels, legend entries and escapes text", () => {
    const svg = renderFigureSvg(
      {
        id: "f",
        title: "A < B & C",
        xLabel: "time t",
        yLabel: "value",
        layers: [{ kind: "line", series: "s", x: "t", y: "y", label: "y(t)" }],
      },
      { series },
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain(`font-family="${FIGURE_FONT}"`);
    expect(svg).toContain("A &lt; B &amp; C");
    expect(svg).toContain(">time t<");
    expect(svg).toContain(">y(t)<");
    expect(svg).toContain('<path d="M');
    expect(svg).not.toContain("foreignObject");
  });

  it("log axes label decades and skip non-positive values", () => {
    const svg = renderFigureSvg(
      {
        id: "f",
        title: "log",
        xLabel: "t",
        yLabel: "y",
        logY: true,
        layers: [{ kind: "scatter", series: "s", x: "t", y: "y", label: "y" }],
      },
      { series: { s: { columns: ["t", "y"], data: { t: [0, 1, 2, 3], y: [1, 0.1, 0, 0.001] } } } },
    );
    expect(svg).toContain("10⁻³");
    expect((svg.match(/<circle /g) ?? []).length).toBe(3 + 1); // three positive points and the legend marker
  });

  it("heatmaps get a colour bar labelled with the field's quantity", () => {
    const field = { x: [0, 1, 2], y: [0, 1], values: [-1, 0, 1, 2, -2, 0.5], description: "f(t, x)" };
    const svg = renderFigureSvg({ id: "h", title: "heat", xLabel: "x", yLabel: "t", heatmap: "f" }, { series: {}, fields: { f: field } });
    expect(svg).toContain('aria-label="colour legend"');
    expect(svg).toContain(">f(t, x)</text>");
    expect(svg).toContain('shape-rendering="crispEdges"');
  });

  it("the SVG parses in resvg and rasterises to PNG with text", () => {
    const svg = renderFigureSvg(
      { id: "f", title: "t", xLabel: "x", yLabel: "y", layers: [{ kind: "line", series: "s", x: "t", y: "y", label: "y" }] },
      { series },
    );
    const png = svgToPng(svg);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    // resvg parses the document at its intrinsic size.
    const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } });
    expect(r.width).toBe(860);
  });
});
