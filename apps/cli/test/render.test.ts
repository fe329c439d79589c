import { describe, expect, it } from "vitest";
import { niceTicks, renderFigureSvg, viridis, diverging } from "../src/render/svg.js";
import { svgToPng } from "../src/render/png.js";

const series = {
  s: { columns: ["t", "y"], data: { t: [0, 1, 2, 3], y: [1, 0.1, 0.01, 0.001] } },
};

describe("SVG renderer", () => {
  it("nice ticks cover the range with round steps", () => {
    const t = niceTicks(0.13, 0.87);
    expect(t.step).toBe(0.1);
    expect(t.ticks[0]).toBeLessThanOrEqual(0.13);
    expect(t.ticks[t.ticks.length - 1]).toBeGreaterThanOrEqual(0.87);
  });

  it("draws title, axis labels, legend entries and escapes text", () => {
    const svg = renderFigureSvg(
      { id: "f", title: "A < B & C", xLabel: "time t", yLabel: "value", layers: [{ kind: "line", series: "s", x: "t", y: "y", label: "y(t)" }] },
      { series },
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("A &lt; B &amp; C");
    expect(svg).toContain(">time t<");
    expect(svg).toContain(">y(t)<");
    expect(svg).toContain("<path d=\"M");
  });

  it("log axes label decades and skip non-positive values", () => {
    const svg = renderFigureSvg(
      { id: "f", title: "log", xLabel: "t", yLabel: "y", logY: true, layers: [{ kind: "scatter", series: "s", x: "t", y: "y", label: "y" }] },
      { series: { s: { columns: ["t", "y"], data: { t: [0, 1, 2, 3], y: [1, 0.1, 0, 0.001] } } } },
    );
    expect(svg).toContain("10⁻³");
    expect((svg.match(/<circle cx/g) ?? []).length).toBe(3 + 1); // three positive points and the legend marker
  });

  it("heatmaps get a colour bar; signed fields a diverging map", () => {
    const field = { x: [0, 1, 2], y: [0, 1], values: [-1, 0, 1, 2, -2, 0.5] };
    const svg = renderFigureSvg({ id: "h", title: "heat", xLabel: "x", yLabel: "t", heatmap: "f" }, { series: {}, fields: { f: field } });
    expect(svg).toContain(diverging(0.5));
    expect(svg).toContain("shape-rendering=\"crispEdges\"");
    expect(viridis(0)).toBe("rgb(68,1,84)");
  });

  it("rasterises to PNG", () => {
    const png = svgToPng(renderFigureSvg({ id: "f", title: "t", xLabel: "x", yLabel: "y", layers: [{ kind: "line", series: "s", x: "t", y: "y", label: "y" }] }, { series }));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });
});
