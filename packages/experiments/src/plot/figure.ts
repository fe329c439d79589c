/**
 * One renderer for every figure: a {@link FigureSpec} and the result's data become Observable Plot
 * options (scales, marks, legend, colour bar, title and caption drawn as SVG), so the docs site (real
 * DOM) and the CLI (a light DOM in Node, then PNG) draw the same picture. Nothing here touches a
 * global DOM: the caller passes the `document` to build the SVG in.
 */
import * as Plot from "@observablehq/plot";
import { KineticError } from "@kinetic-nde/core";
import type { DataTable, FigureLayer, FigureSpec, GridField } from "../types.js";
import { FIGURE_PALETTE } from "./palette.js";
import { linearTickLabel, logTickFormat, logTicks, niceTicks } from "./ticks.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** The data a figure draws from: the series and grid fields of an experiment result. */
export interface FigureData {
  readonly series: Readonly<Record<string, DataTable>>;
  readonly fields?: Readonly<Record<string, GridField>> | undefined;
}

/** Layout and styling of {@link renderFigure} and {@link figurePlotOptions}. */
export interface FigureRenderOptions {
  /** The document the SVG elements are created in (the page's, or a light DOM's in Node). */
  readonly document: Document;
  /** Total width in px (default 720). */
  readonly width?: number;
  /** Height in px of the chart (frame and axes) without title, legend and caption (default 0.55 × width, clamped to [260, 440]). */
  readonly height?: number;
  /** Draw the title inside the SVG (default true). */
  readonly title?: boolean;
  /** Draw the caption under the chart inside the SVG (default true). */
  readonly caption?: boolean;
  /** Font family of all text (default: Plot's `system-ui, sans-serif`). */
  readonly fontFamily?: string;
  /** Font size in px of tick labels and legend (default 12). */
  readonly fontSize?: number;
  /** Fill of a rectangle behind everything, drawn by {@link renderFigure} (default none: transparent). */
  readonly background?: string;
  /** Inline CSS of the root `<svg>` (e.g. a text colour for dark themes). */
  readonly style?: string;
}

/** One legend entry: a label and the symbols of the layers that carry it. */
interface LegendEntry {
  readonly label: string;
  readonly color: string;
  line: boolean;
  dashed: boolean;
  dot: boolean;
  area: boolean;
}

/** Finite (and, on log axes, positive) points of one layer. */
interface LayerPoints {
  readonly layer: FigureLayer;
  readonly color: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

const DASH = "6,4";
const MAX_DOTS = 3000;
const MAX_CELLS_X = 240;
const MAX_CELLS_Y = 160;

function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

function wrapText(s: string, maxWidth: number, size: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of s.split(/\s+/)) {
    if (word === "") continue;
    const next = cur === "" ? word : `${cur} ${word}`;
    if (cur !== "" && textWidth(next, size) > maxWidth) {
      lines.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur !== "") lines.push(cur);
  return lines;
}

function missing(figure: FigureSpec, what: string): KineticError {
  return new KineticError("INVALID_ARGUMENT", `invalid argument: figure \`${figure.id}\` ${what}`);
}

function layerPoints(figure: FigureSpec, data: FigureData): LayerPoints[] {
  const out: LayerPoints[] = [];
  (figure.layers ?? []).forEach((layer, i) => {
    const table = data.series[layer.series];
    if (table === undefined) throw missing(figure, `draws the series \`${layer.series}\`, which the result lacks`);
    const xs = table.data[layer.x];
    const ys = table.data[layer.y];
    if (xs === undefined || ys === undefined) {
      const col = xs === undefined ? layer.x : layer.y;
      throw missing(
        figure,
        `draws the column \`${col}\` of the series \`${layer.series}\`, which lacks it (columns: ${table.columns.join(", ")})`,
      );
    }
    const n = Math.min(xs.length, ys.length);
    const stride = layer.kind === "scatter" ? Math.max(1, Math.ceil(n / MAX_DOTS)) : 1;
    const x: number[] = [];
    const y: number[] = [];
    for (let k = 0; k < n; k += stride) {
      const xv = Number(xs[k]);
      const yv = Number(ys[k]);
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
      if ((figure.logX === true && xv <= 0) || (figure.logY === true && yv <= 0)) continue;
      x.push(xv);
      y.push(yv);
    }
    out.push({ layer, color: layer.color ?? FIGURE_PALETTE[i % FIGURE_PALETTE.length]!, x: Float64Array.from(x), y: Float64Array.from(y) });
  });
  return out;
}

function legendEntries(points: readonly LayerPoints[]): LegendEntry[] {
  const byLabel = new Map<string, LegendEntry>();
  for (const p of points) {
    let e = byLabel.get(p.layer.label);
    if (e === undefined) {
      e = { label: p.layer.label, color: p.color, line: false, dashed: false, dot: false, area: false };
      byLabel.set(p.layer.label, e);
    }
    if (p.layer.kind === "scatter") e.dot = true;
    else {
      e.line = true;
      if (p.layer.dashed === true) e.dashed = true;
      if (p.layer.kind === "area") e.area = true;
    }
  }
  return [...byLabel.values()];
}

function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function positiveExtent(points: readonly LayerPoints[], axis: "x" | "y"): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    const [a, b] = extent(p[axis]);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  return Number.isFinite(lo) ? [lo, hi] : [1, 10];
}

/** Cell edges of a grid coordinate: midpoints between centres, half a cell beyond the ends. */
function cellEdges(c: ArrayLike<number>): Float64Array {
  const n = c.length;
  const e = new Float64Array(n + 1);
  if (n === 1) {
    e[0] = Number(c[0]) - 0.5;
    e[1] = Number(c[0]) + 0.5;
    return e;
  }
  for (let i = 1; i < n; i++) e[i] = (Number(c[i - 1]) + Number(c[i])) / 2;
  e[0] = Number(c[0]) - (e[1]! - Number(c[0]));
  e[n] = Number(c[n - 1]) + (Number(c[n - 1]) - e[n - 1]!);
  return e;
}

interface Cells {
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly y1: Float64Array;
  readonly y2: Float64Array;
  readonly v: Float64Array;
}

/** The field as rectangles, averaged over blocks so that at most 240 × 160 cells are drawn. */
function fieldCells(field: GridField): Cells {
  const nx = field.x.length;
  const ny = field.y.length;
  const ex = cellEdges(field.x);
  const ey = cellEdges(field.y);
  const bx = Math.max(1, Math.ceil(nx / MAX_CELLS_X));
  const by = Math.max(1, Math.ceil(ny / MAX_CELLS_Y));
  const mx = Math.ceil(nx / bx);
  const my = Math.ceil(ny / by);
  const x1: number[] = [];
  const x2: number[] = [];
  const y1: number[] = [];
  const y2: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < my; j++) {
    const ja = j * by;
    const jb = Math.min(ny, ja + by);
    for (let i = 0; i < mx; i++) {
      const ia = i * bx;
      const ib = Math.min(nx, ia + bx);
      let s = 0;
      let c = 0;
      for (let a = ja; a < jb; a++) {
        for (let b = ia; b < ib; b++) {
          const val = Number(field.values[a * nx + b]);
          if (Number.isFinite(val)) {
            s += val;
            c++;
          }
        }
      }
      if (c === 0) continue;
      x1.push(ex[ia]!);
      x2.push(ex[ib]!);
      y1.push(ey[ja]!);
      y2.push(ey[jb]!);
      v.push(s / c);
    }
  }
  return {
    x1: Float64Array.from(x1),
    x2: Float64Array.from(x2),
    y1: Float64Array.from(y1),
    y2: Float64Array.from(y2),
    v: Float64Array.from(v),
  };
}

function svgEl(document: Document, tag: string, attrs: Readonly<Record<string, string | number>>, text?: string): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, typeof v === "number" ? String(Math.round(v * 100) / 100) : v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Legend rows: entries flow left to right and wrap at the available width. */
function legendLayout(entries: readonly LegendEntry[], x0: number, maxWidth: number, size: number): { x: number; row: number }[] {
  const pos: { x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const e of entries) {
    const w = 30 + textWidth(e.label, size) + 18;
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      row++;
    }
    pos.push({ x: x0 + x, row });
    x += w;
  }
  return pos;
}

/**
 * The Observable Plot options that draw a figure: axes with their labels (log axes labelled in
 * powers of ten), one mark per layer in the layer's colour (the shared {@link FIGURE_PALETTE}
 * otherwise), dashed reference curves, a legend with the layers' symbols, heatmaps as cells with a
 * labelled colour bar (diverging around 0 for signed fields), and title and caption — all as plain
 * SVG (no `foreignObject`), so the result also rasterises outside a browser.
 * @param figure - the figure description
 * @param data - the result's series and fields (`result` itself fits)
 * @param options - the document to draw in, size and styling
 * @returns options for `Plot.plot`
 * @throws KineticError `INVALID_ARGUMENT` when a layer names a series or column, or the heatmap a
 *   field, that `data` lacks
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { figurePlotOptions } from "@kinetic-nde/experiments/plot";
 * const series = { s: { columns: ["t", "y"], data: { t: [0, 1, 2], y: [1, 0.5, 0.25] } } };
 * const figure = { id: "f", title: "decay", xLabel: "time t", yLabel: "y(t)", layers: [{ kind: "line" as const, series: "s", x: "t", y: "y", label: "y" }] };
 * const svg = Plot.plot(figurePlotOptions(figure, { series }, { document }));
 * ```
 */
export function figurePlotOptions(figure: FigureSpec, data: FigureData, options: FigureRenderOptions): Plot.PlotOptions {
  const { document } = options;
  const width = Math.max(280, Math.round(options.width ?? 720));
  const chartHeight = Math.round(options.height ?? Math.min(440, Math.max(260, width * 0.55)));
  const size = options.fontSize ?? 12;
  const pad = 8;
  const isHeat = figure.heatmap !== undefined;

  let field: GridField | undefined;
  if (figure.heatmap !== undefined) {
    field = data.fields?.[figure.heatmap];
    if (field === undefined) throw missing(figure, `draws the field \`${figure.heatmap}\`, which the result lacks`);
    if (field.x.length === 0 || field.y.length === 0 || field.values.length !== field.x.length * field.y.length) {
      throw new KineticError(
        "SHAPE_MISMATCH",
        `invalid argument: the field \`${figure.heatmap}\` of figure \`${figure.id}\` must hold x.length × y.length = ${field.x.length} × ${field.y.length} values; got ${field.values.length}`,
      );
    }
  }
  const points = isHeat ? [] : layerPoints(figure, data);
  const entries = legendEntries(points);

  const marginLeft = 72;
  const marginRight = isHeat ? 108 : 24;
  const titleH = options.title !== false && figure.title !== "" ? size + 14 : 0;
  const legendPos = legendLayout(entries, marginLeft, width - marginLeft - marginRight, size);
  const legendRows = legendPos.length === 0 ? 0 : legendPos[legendPos.length - 1]!.row + 1;
  const rowH = size + 6;
  const legendH = legendRows * rowH;
  const captionLines = options.caption !== false && figure.caption !== undefined ? wrapText(figure.caption, width - 2 * pad, size) : [];
  const captionH = captionLines.length === 0 ? 0 : captionLines.length * (size + 4) + 10;
  const marginTop = pad + titleH + legendH + 12;
  const marginBottom = 46 + captionH;
  const height = chartHeight + titleH + legendH + captionH;

  const marks: Plot.Markish[] = [];

  let color: Plot.ScaleOptions | undefined;
  let colorDomain: [number, number] = [0, 1];
  let x: Plot.ScaleOptions;
  let y: Plot.ScaleOptions;
  // Five to eight labelled ticks on a linear axis read better in print than Plot's denser default.
  const axis = { labelAnchor: "center", labelArrow: "none", tickSize: 5 } as const;
  const xAxis = { ...axis, tickSpacing: 90 } as const;
  const yAxis = { ...axis, tickSpacing: 50 } as const;
  if (field !== undefined) {
    const cells = fieldCells(field);
    const ex = cellEdges(field.x);
    const ey = cellEdges(field.y);
    let [lo, hi] = extent(cells.v);
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    const signed = lo < 0 && hi > 0;
    if (signed) {
      const m = Math.max(-lo, hi);
      colorDomain = [-m, m];
    } else colorDomain = hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
    color = { type: "linear", scheme: signed ? "burd" : "viridis", domain: colorDomain };
    x = { ...xAxis, label: figure.xLabel, domain: [ex[0]!, ex[ex.length - 1]!], labelOffset: 36 };
    y = { ...yAxis, label: figure.yLabel, domain: [ey[0]!, ey[ey.length - 1]!], labelOffset: 54 };
    marks.push(
      Plot.rect(
        { length: cells.v.length },
        { x1: cells.x1, x2: cells.x2, y1: cells.y1, y2: cells.y2, fill: cells.v, shapeRendering: "crispEdges" },
      ),
    );
  } else {
    const logScale = (log: boolean | undefined, which: "x" | "y"): Plot.ScaleOptions => {
      if (log !== true) return { type: "linear", nice: true, grid: true, inset: 6 };
      const [lo, hi] = positiveExtent(points, which);
      // Over two decades or more, grid lines at the powers of ten only (the minor ticks stay on the axis).
      const wide = hi / lo >= 100;
      if (wide) {
        const decades: number[] = [];
        for (let k = Math.floor(Math.log10(lo) + 1e-9); k <= Math.ceil(Math.log10(hi) - 1e-9); k++) decades.push(10 ** k);
        marks.push(which === "x" ? Plot.gridX(decades, { strokeOpacity: 0.1 }) : Plot.gridY(decades, { strokeOpacity: 0.1 }));
      }
      // Decades when wide (Plot's `nice`), the data's extent otherwise; our ticks and labels on it.
      const [a, b] = wide ? [10 ** Math.floor(Math.log10(lo) + 1e-9), 10 ** Math.ceil(Math.log10(hi) - 1e-9)] : [lo, hi];
      // Room for a label every ~1.7 lines of text vertically, every ~3.5 ems horizontally.
      const room = which === "x" ? (width - marginLeft - marginRight) / (size * 3.5) : (chartHeight - 60) / (size * 1.7);
      return {
        type: "log",
        domain: [a, b],
        grid: !wide,
        inset: 6,
        ticks: logTicks(a, b),
        tickFormat: logTickFormat(lo, hi, Math.floor(room)),
      };
    };
    x = { ...xAxis, ...logScale(figure.logX, "x"), label: figure.xLabel, labelOffset: 36 };
    y = { ...yAxis, ...logScale(figure.logY, "y"), label: figure.yLabel, labelOffset: 54 };
    for (const p of points) {
      if (p.x.length === 0) continue;
      const channels = { x: p.x, y: p.y };
      const stroke = { stroke: p.color, ...(p.layer.dashed === true ? { strokeDasharray: DASH } : {}) };
      const d = { length: p.x.length };
      switch (p.layer.kind) {
        case "scatter":
          marks.push(Plot.dot(d, { ...channels, r: 2.8, fill: p.color, fillOpacity: 0.85, stroke: "white", strokeWidth: 0.5 }));
          break;
        case "area":
          // On a log axis the area stands on the smallest value drawn instead of on 0.
          marks.push(
            Plot.areaY(d, {
              x: p.x,
              y1: figure.logY === true ? positiveExtent(points, "y")[0] : 0,
              y2: p.y,
              fill: p.color,
              fillOpacity: 0.22,
            }),
          );
          marks.push(Plot.line(d, { ...channels, ...stroke, strokeWidth: 1.6 }));
          break;
        case "step":
          marks.push(Plot.line(d, { ...channels, ...stroke, curve: "step", strokeWidth: 1.8 }));
          break;
        default:
          marks.push(Plot.line(d, { ...channels, ...stroke, strokeWidth: p.layer.dashed === true ? 1.8 : 2.2, strokeLinejoin: "round" }));
      }
    }
  }
  marks.push(Plot.frame({ stroke: "currentColor", strokeOpacity: 0.75 }));

  // Title, legend, colour bar and caption: plain SVG in the margins, drawn with the same document.
  const colorLabel = figure.colorLabel ?? field?.description ?? figure.title;
  const title = titleH > 0 ? figure.title : undefined;
  marks.push((_index, scales, _values, dims) => {
    const g = svgEl(document, "g", { "aria-label": "figure decorations", fill: "currentColor", stroke: "none" });
    if (title !== undefined) {
      g.appendChild(
        svgEl(
          document,
          "text",
          { x: width / 2, y: pad + size + 3, "text-anchor": "middle", "font-size": size + 3, "font-weight": "bold" },
          title,
        ),
      );
    }
    const legendTop = pad + titleH;
    entries.forEach((e, k) => {
      const pos = legendPos[k]!;
      const cy = legendTop + pos.row * rowH + rowH / 2;
      const item = svgEl(document, "g", { "aria-label": "legend entry" });
      if (e.area)
        item.appendChild(svgEl(document, "rect", { x: pos.x, y: cy - 5, width: 24, height: 10, fill: e.color, "fill-opacity": 0.22 }));
      if (e.line) {
        item.appendChild(
          svgEl(document, "line", {
            x1: pos.x,
            x2: pos.x + 24,
            y1: cy,
            y2: cy,
            stroke: e.color,
            "stroke-width": 2.2,
            ...(e.dashed ? { "stroke-dasharray": DASH } : {}),
          }),
        );
      }
      if (e.dot)
        item.appendChild(svgEl(document, "circle", { cx: pos.x + 12, cy, r: 3.4, fill: e.color, stroke: "white", "stroke-width": 0.5 }));
      item.appendChild(svgEl(document, "text", { x: pos.x + 30, y: cy + size * 0.35, "font-size": size, "text-anchor": "start" }, e.label));
      g.appendChild(item);
    });
    if (isHeat && scales.color !== undefined) {
      const scale = scales.color;
      const bx = dims.width - dims.marginRight + 16;
      const bw = 12;
      const top = dims.marginTop;
      const bottom = dims.height - dims.marginBottom;
      const bar = svgEl(document, "g", { "aria-label": "colour legend" });
      const steps = 96;
      const [lo, hi] = colorDomain;
      for (let k = 0; k < steps; k++) {
        const y0 = bottom - ((k + 1) * (bottom - top)) / steps;
        bar.appendChild(
          svgEl(document, "rect", {
            x: bx,
            y: y0,
            width: bw,
            height: (bottom - top) / steps + 0.6,
            fill: String(scale(lo + ((k + 0.5) / steps) * (hi - lo))),
            "shape-rendering": "crispEdges",
          }),
        );
      }
      bar.appendChild(
        svgEl(document, "rect", {
          x: bx,
          y: top,
          width: bw,
          height: bottom - top,
          fill: "none",
          stroke: "currentColor",
          "stroke-opacity": 0.75,
        }),
      );
      const t = niceTicks(lo, hi, 5);
      for (const v of t.ticks) {
        const ty = bottom - ((v - lo) / (hi - lo)) * (bottom - top);
        bar.appendChild(svgEl(document, "line", { x1: bx + bw, x2: bx + bw + 4, y1: ty, y2: ty, stroke: "currentColor" }));
        bar.appendChild(
          svgEl(
            document,
            "text",
            { x: bx + bw + 7, y: ty + size * 0.35, "font-size": size - 1, "text-anchor": "start", "font-variant": "tabular-nums" },
            linearTickLabel(v, t.step),
          ),
        );
      }
      const lx = dims.width - 8;
      const ly = (top + bottom) / 2;
      bar.appendChild(
        svgEl(
          document,
          "text",
          { x: lx, y: ly, "font-size": size, "text-anchor": "middle", transform: `rotate(-90 ${lx} ${ly})` },
          colorLabel,
        ),
      );
      g.appendChild(bar);
    }
    captionLines.forEach((line, k) => {
      g.appendChild(
        svgEl(
          document,
          "text",
          {
            x: pad,
            y: height - captionH + 10 + (k + 1) * (size + 4) - 4,
            "font-size": size,
            "font-style": "italic",
            "fill-opacity": 0.85,
            "text-anchor": "start",
          },
          line,
        ),
      );
    });
    return g;
  });

  return {
    document,
    width,
    height,
    marginTop,
    marginRight,
    marginBottom,
    marginLeft,
    x,
    y,
    ...(color !== undefined ? { color } : {}),
    ...(options.style !== undefined ? { style: options.style } : {}),
    marks,
  };
}

/**
 * Render a figure to an SVG element with Observable Plot (see {@link figurePlotOptions} for what is
 * drawn). The element belongs to `options.document`; it is not attached anywhere.
 * @param figure - the figure description
 * @param data - the result's series and fields (`result` itself fits)
 * @param options - the document to draw in, size and styling
 * @returns the root `<svg>` element, with `font-family` and `font-size` set on it
 * @throws KineticError `INVALID_ARGUMENT` when a layer or the heatmap refers to data that `data` lacks
 * @example
 * ```ts
 * import { renderFigure } from "@kinetic-nde/experiments/plot";
 * const series = { s: { columns: ["t", "y"], data: { t: [0, 1, 2], y: [1, 0.5, 0.25] } } };
 * const figure = { id: "f", title: "decay", xLabel: "time t", yLabel: "y(t)", layers: [{ kind: "line" as const, series: "s", x: "t", y: "y", label: "y" }] };
 * document.body.append(renderFigure(figure, { series }, { document, width: 640 }));
 * ```
 */
export function renderFigure(figure: FigureSpec, data: FigureData, options: FigureRenderOptions): SVGSVGElement {
  const el = Plot.plot(figurePlotOptions(figure, data, options)) as unknown as SVGSVGElement;
  if (options.background !== undefined) {
    // Behind Plot's axes, which come before the marks in the SVG.
    const back = svgEl(options.document, "rect", { width: "100%", height: "100%", fill: options.background, "aria-hidden": "true" });
    el.insertBefore(back, el.querySelector("style")?.nextSibling ?? el.firstChild);
  }
  el.setAttribute("font-size", String(options.fontSize ?? 12));
  if (options.fontFamily !== undefined) el.setAttribute("font-family", options.fontFamily);
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", figure.title);
  // Plot labels its mark groups (`aria-label="line"`, …) without a role, which ARIA prohibits: name
  // them as groups (or, for a single element, as an image) so the labels stay valid.
  for (const node of Array.from(el.querySelectorAll("[aria-label]:not([role])")))
    node.setAttribute("role", node.tagName.toLowerCase() === "g" ? "group" : "img");
  return el;
}
