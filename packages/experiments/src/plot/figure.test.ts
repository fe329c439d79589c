import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { expectKineticError } from "@kinetic-nde/core/testing";
import { PALETTE } from "../internal/define.js";
import type { FigureSpec } from "../types.js";
import { FIGURE_PALETTE, figurePlotOptions, renderFigure, type FigureData } from "./index.js";

const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>") as unknown as { document: Document };

function draw(figure: FigureSpec, data: FigureData): SVGSVGElement {
  return renderFigure(figure, data, { document, width: 800 });
}

/** Texts of the `<text>` elements under groups with the given aria-label. */
function texts(svg: Element, label: string): string[] {
  return Array.from(svg.querySelectorAll(`[aria-label="${label}"] text`)).map((t) => t.textContent ?? "");
}

const t = Float64Array.from({ length: 21 }, (_, i) => i / 10);
const lineData: FigureData = {
  series: {
    s: {
      columns: ["t", "exact", "pde", "particles"],
      data: { t, exact: t.map((v) => Math.exp(-v)), pde: t.map((v) => Math.exp(-v) * 1.001), particles: t.map((v) => Math.exp(-v) * 0.99) },
    },
  },
};
const lineFigure: FigureSpec = {
  id: "decay",
  title: "Decay of m1",
  xLabel: "time t",
  yLabel: "mean m1(t)",
  caption: "Exact (solid), PDE (dashed), particles (markers).",
  layers: [
    { kind: "line", series: "s", x: "t", y: "exact", label: "exact" },
    { kind: "line", series: "s", x: "t", y: "pde", label: "PDE", dashed: true },
    { kind: "scatter", series: "s", x: "t", y: "particles", label: "particles", color: "#123456" },
  ],
};

describe("figure renderer", () => {
  it("line figure: one path per line layer, dashed reference, dots, legend, axis labels, title and caption", () => {
    const svg = draw(lineFigure, lineData);
    const lines = Array.from(svg.querySelectorAll('[aria-label="line"]'));
    expect(lines.length).toBe(2);
    expect(lines.map((g) => g.querySelectorAll("path").length)).toEqual([1, 1]);
    expect(lines[0]!.getAttribute("stroke")).toBe(FIGURE_PALETTE[0]);
    expect(lines[0]!.getAttribute("stroke-dasharray")).toBeNull();
    expect(lines[1]!.getAttribute("stroke")).toBe(FIGURE_PALETTE[1]);
    expect(lines[1]!.getAttribute("stroke-dasharray")).toBe("6,4");
    const dots = svg.querySelector('[aria-label="dot"]')!;
    expect(dots.querySelectorAll("circle").length).toBe(21);
    expect(dots.getAttribute("fill")).toBe("#123456");
    const legend = Array.from(svg.querySelectorAll('[aria-label="legend entry"]'));
    expect(legend.map((g) => g.querySelector("text")!.textContent)).toEqual(["exact", "PDE", "particles"]);
    expect(legend[1]!.querySelector("line")!.getAttribute("stroke-dasharray")).toBe("6,4");
    expect(legend[2]!.querySelector("circle")!.getAttribute("fill")).toBe("#123456");
    expect(texts(svg, "x-axis label")).toEqual(["time t"]);
    expect(texts(svg, "y-axis label")).toEqual(["mean m1(t)"]);
    const deco = texts(svg, "figure decorations");
    expect(deco[0]).toBe("Decay of m1");
    expect(deco.join(" ")).toContain("Exact (solid), PDE (dashed), particles (markers).");
    expect(svg.outerHTML).not.toContain("foreignObject");
  });

  it("every labelled element has a role that allows its label (valid ARIA for screen readers)", () => {
    const svg = draw(lineFigure, lineData);
    expect(svg.getAttribute("role")).toBe("img");
    const labelled = Array.from(svg.querySelectorAll("[aria-label]"));
    expect(labelled.length).toBeGreaterThan(3);
    expect(labelled.filter((n) => !n.hasAttribute("role")).map((n) => n.getAttribute("aria-label"))).toEqual([]);
  });

  it("title and caption can be left to the page", () => {
    const svg = renderFigure(lineFigure, lineData, { document, width: 600, title: false, caption: false });
    const deco = texts(svg, "figure decorations");
    expect(deco).toEqual(["exact", "PDE", "particles"]);
  });

  it("log–log figure: decades labelled as powers of ten, minor ticks unlabelled, non-positive values dropped", () => {
    const h = [1e-4, 1e-3, 1e-2, 1e-1, 0];
    const data: FigureData = { series: { e: { columns: ["h", "err"], data: { h, err: h.map((v) => v * v) } } } };
    const fig: FigureSpec = {
      id: "order",
      title: "order",
      xLabel: "step h",
      yLabel: "error",
      logX: true,
      logY: true,
      layers: [{ kind: "line", series: "e", x: "h", y: "err", label: "error" }],
    };
    const svg = draw(fig, data);
    const x = texts(svg, "x-axis tick label");
    expect(x.filter((s) => s !== "")).toEqual(["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"]);
    expect(x.length).toBe(28); // 1…9 × 10⁻⁴ … 10⁻² and 10⁻¹
    const y = texts(svg, "y-axis tick label").filter((s) => s !== "");
    expect(y).toEqual(["10⁻⁸", "10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²"]);
    const path = svg.querySelector('[aria-label="line"] path')!.getAttribute("d")!;
    expect(path.split("L").length).toBe(4); // four positive points
  });

  it("heatmap: one cell per grid value, diverging colour bar around 0 labelled with the field's quantity", () => {
    const nx = 4;
    const ny = 3;
    const values = Float64Array.from({ length: nx * ny }, (_, k) => k - 5);
    const data: FigureData = { series: {}, fields: { f: { x: [0, 1, 2, 3], y: [0, 0.5, 1], values, description: "π₁f₁ − π₀f₀" } } };
    const fig: FigureSpec = { id: "h", title: "densities", xLabel: "x₁", yLabel: "x₂", heatmap: "f" };
    const svg = draw(fig, data);
    const cells = svg.querySelector('[aria-label="rect"]')!.querySelectorAll("rect");
    expect(cells.length).toBe(nx * ny);
    const bar = svg.querySelector('[aria-label="colour legend"]')!;
    const labels = Array.from(bar.querySelectorAll("text")).map((e) => e.textContent);
    expect(labels[labels.length - 1]).toBe("π₁f₁ − π₀f₀");
    expect(labels).toContain("0");
    expect(labels).toContain("−6"); // symmetric domain [−6, 6]
    expect(labels).toContain("6");
    expect(texts(svg, "x-axis label")).toEqual(["x₁"]);
    // Cells span half a grid step beyond the first and last centres.
    const opts = figurePlotOptions(fig, data, { document });
    expect((opts.x as { domain: number[] }).domain).toEqual([-0.5, 3.5]);
    expect((opts.y as { domain: number[] }).domain).toEqual([-0.25, 1.25]);
    const labelled = draw({ ...fig, colorLabel: "density difference" }, data);
    const last = Array.from(labelled.querySelectorAll('[aria-label="colour legend"] text')).pop()!;
    expect(last.textContent).toBe("density difference");
  });

  it("large fields are averaged over blocks", () => {
    const nx = 480;
    const ny = 10;
    const values = new Float64Array(nx * ny).fill(2);
    const svg = draw(
      { id: "h", title: "big", xLabel: "x", yLabel: "t", heatmap: "f" },
      {
        series: {},
        fields: { f: { x: Float64Array.from({ length: nx }, (_, i) => i), y: Float64Array.from({ length: ny }, (_, i) => i), values } },
      },
    );
    expect(svg.querySelector('[aria-label="rect"]')!.querySelectorAll("rect").length).toBe(240 * 10);
  });

  it("missing data is an INVALID_ARGUMENT error naming the figure and the column", () => {
    const fig: FigureSpec = { ...lineFigure, layers: [{ kind: "line", series: "s", x: "t", y: "nope", label: "x" }] };
    expectKineticError(() => draw(fig, lineData), "INVALID_ARGUMENT", "nope");
    expect(() => draw(fig, lineData)).toThrow(/figure `decay`.*`nope`/);
    expectKineticError(
      () => draw({ ...lineFigure, layers: [{ kind: "line", series: "none", x: "t", y: "y", label: "x" }] }, lineData),
      "INVALID_ARGUMENT",
      "series `none`",
    );
    expectKineticError(
      () => draw({ id: "h", title: "h", xLabel: "x", yLabel: "y", heatmap: "g" }, lineData),
      "INVALID_ARGUMENT",
      "field `g`",
    );
  });

  it("the catalogue draws its colours from the one palette", () => {
    expect(PALETTE).toBe(FIGURE_PALETTE);
  });
});
