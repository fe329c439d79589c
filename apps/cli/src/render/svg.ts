/**
 * A small SVG renderer for FigureSpecs: axes with ticks and labels, legend, title, log axes,
 * line/scatter/area/step layers, and heatmaps with a colour bar.
 */
import type { DataTable, ExperimentResult, FigureSpec, GridField } from "@kinetic-nde/experiments";

const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/** The data a figure draws from. */
export interface FigureData {
  readonly series: Readonly<Record<string, DataTable>>;
  readonly fields?: Readonly<Record<string, GridField>> | undefined;
}

/** Layout options of {@link renderFigureSvg}. */
export interface SvgOptions {
  readonly width?: number;
  readonly height?: number;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmtTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a));
    const m = v / 10 ** e;
    const ms = Math.abs(m - Math.round(m)) < 1e-9 ? String(Math.round(m)) : m.toFixed(1);
    return ms === "1" ? `1e${e}` : `${ms}e${e}`;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 6));
}

/** "Nice" linear ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): { ticks: number[]; step: number; lo: number; hi: number } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  const nlo = Math.floor(lo / step + 1e-9) * step;
  const nhi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = nlo; v <= nhi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { ticks, step, lo: nlo, hi: nhi };
}

function logTicks(lo: number, hi: number): { ticks: number[]; lo: number; hi: number; minor: boolean } {
  // Tight domain padded by a factor 1.15 on each side; decade ticks inside, and 2×/5× ticks when
  // the range holds fewer than two decades.
  const dlo = lo / 1.15, dhi = hi * 1.15;
  const a = Math.ceil(Math.log10(dlo) - 1e-9), b = Math.floor(Math.log10(dhi) + 1e-9);
  const stride = Math.max(1, Math.ceil((b - a + 1) / 8));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += stride) ticks.push(10 ** e);
  let minor = false;
  if (ticks.length < 2) {
    minor = true;
    ticks.length = 0;
    for (let e = Math.floor(Math.log10(dlo)); e <= Math.ceil(Math.log10(dhi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= dlo && v <= dhi) ticks.push(v);
      }
    }
  }
  return { ticks, lo: dlo, hi: dhi, minor };
}

function superscript(e: number): string {
  const map: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  return String(e).split("").map((c) => map[c] ?? c).join("");
}

interface Axis {
  map(v: number): number;
  ticks: number[];
  label(v: number): string;
}

function makeAxis(lo: number, hi: number, log: boolean, p0: number, p1: number): Axis {
  if (log) {
    const t = logTicks(lo, hi);
    const l0 = Math.log10(t.lo), l1 = Math.log10(t.hi);
    return {
      map: (v) => p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0),
      ticks: t.ticks,
      label: (v) => {
        const e = Math.floor(Math.log10(v) + 1e-9);
        const m = Math.round(v / 10 ** e);
        return m === 1 ? `10${superscript(e)}` : `${m}·10${superscript(e)}`;
      },
    };
  }
  // Tight domain (matplotlib-like); nice ticks inside it.
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const t = niceTicks(lo, hi);
  const eps = (hi - lo) * 1e-9;
  return { map: (v) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0), ticks: t.ticks.filter((v) => v >= lo - eps && v <= hi + eps), label: (v) => fmtTick(v, t.step) };
}

/** Diverging blue–white–red map for signed fields, u in [0, 1] with 0.5 ↦ white. */
export function diverging(u: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0.5));
  const lo = [33, 102, 172], mid = [247, 247, 247], hi = [178, 24, 43];
  const [a, b, f] = x < 0.5 ? [lo, mid, x / 0.5] : [mid, hi, (x - 0.5) / 0.5];
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Viridis colour map (piecewise linear through 9 stops). */
export function viridis(u: number): string {
  const stops = [
    [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i]!.map((v, k) => Math.round(v + (stops[i + 1]![k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function textEl(x: number, y: number, s: string, opts: { size?: number; anchor?: string; weight?: string; rotate?: boolean; fill?: string } = {}): string {
  const tr = opts.rotate ? ` transform="rotate(-90 ${x.toFixed(1)} ${y.toFixed(1)})"` : "";
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FONT}" font-size="${opts.size ?? 13}" text-anchor="${opts.anchor ?? "start"}"${opts.weight ? ` font-weight="${opts.weight}"` : ""} fill="${opts.fill ?? "#222"}"${tr}>${esc(s)}</text>`;
}

function wrap(s: string, maxChars: number): string[] {
  const words = s.split(/\s+/);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if ((cur + " " + w).trim().length > maxChars && cur.length > 0) {
      lines.push(cur);
      cur = w;
    } else cur = (cur + " " + w).trim();
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

/**
 * Render one figure as a standalone SVG document.
 * @param fig - the figure description
 * @param data - the result's series and fields
 * @param options - size in px (default 860 × 520)
 * @returns SVG text
 */
export function renderFigureSvg(fig: FigureSpec, data: FigureData, options: SvgOptions = {}): string {
  const W = options.width ?? 860;
  const H = options.height ?? 520;
  const isHeat = fig.heatmap !== undefined;
  const layers = fig.layers ?? [];
  const legendW = isHeat ? 90 : layers.length > 0 ? Math.min(300, 44 + 7 * Math.min(36, Math.max(...layers.map((l) => l.label.length)))) : 0;
  const left = 78, top = 48, bottom = 62;
  const right = 18 + legendW;
  const px0 = left, px1 = W - right, py0 = H - bottom, py1 = top;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  out.push(textEl(W / 2, 28, fig.title, { size: 17, anchor: "middle", weight: "bold" }));

  // Data extents.
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  const take = (v: number, isX: boolean) => {
    if (!Number.isFinite(v)) return;
    if (isX ? fig.logX && v <= 0 : fig.logY && v <= 0) return;
    if (isX) { if (v < xlo) xlo = v; if (v > xhi) xhi = v; } else { if (v < ylo) ylo = v; if (v > yhi) yhi = v; }
  };
  let field: GridField | undefined;
  if (isHeat) {
    field = data.fields?.[fig.heatmap!];
    if (field) {
      for (let i = 0; i < field.x.length; i++) take(field.x[i]!, true);
      for (let i = 0; i < field.y.length; i++) take(field.y[i]!, false);
    }
  }
  for (const l of layers) {
    const s = data.series[l.series];
    const xs = s?.data[l.x], ys = s?.data[l.y];
    if (!xs || !ys) continue;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(ys[i]!) || (fig.logY && ys[i]! <= 0) || (fig.logX && xs[i]! <= 0)) continue;
      take(xs[i]!, true);
      take(ys[i]!, false);
    }
    if (l.kind === "area" && !fig.logY) take(0, false);
  }
  if (!Number.isFinite(xlo)) { xlo = fig.logX ? 1 : 0; xhi = fig.logX ? 10 : 1; }
  if (!Number.isFinite(ylo)) { ylo = fig.logY ? 1 : 0; yhi = fig.logY ? 10 : 1; }
  if (!isHeat && !fig.logX && xhi > xlo && layers.some((l) => l.kind === "scatter")) {
    // Markers have a radius: keep them inside the frame.
    const pad = 0.02 * (xhi - xlo);
    xlo -= pad;
    xhi += pad;
  }
  if (!isHeat && !fig.logY && yhi > ylo) {
    // Breathing room so curves do not run along the frame.
    const pad = 0.04 * (yhi - ylo);
    // Non-negative data (densities, errors) keep 0 as the lower end.
    ylo = ylo >= 0 && ylo - pad < 0 ? 0 : ylo - pad;
    yhi += pad;
  }
  if (isHeat && field) {
    // Cells are centred on the given coordinates: extend by half a cell.
    const hx = field.x.length > 1 ? (field.x[1]! - field.x[0]!) / 2 : 0.5;
    const hy = field.y.length > 1 ? (field.y[1]! - field.y[0]!) / 2 : 0.5;
    xlo -= hx; xhi += hx; ylo -= hy; yhi += hy;
  }
  const ax = isHeat
    ? { map: (v: number) => px0 + ((v - xlo) / (xhi - xlo)) * (px1 - px0), ticks: niceTicks(xlo, xhi).ticks.filter((v) => v >= xlo - 1e-12 && v <= xhi + 1e-12), label: (v: number) => fmtTick(v, niceTicks(xlo, xhi).step) }
    : makeAxis(xlo, xhi, fig.logX ?? false, px0, px1);
  const ay = isHeat
    ? { map: (v: number) => py0 + ((v - ylo) / (yhi - ylo)) * (py1 - py0), ticks: niceTicks(ylo, yhi).ticks.filter((v) => v >= ylo - 1e-12 && v <= yhi + 1e-12), label: (v: number) => fmtTick(v, niceTicks(ylo, yhi).step) }
    : makeAxis(ylo, yhi, fig.logY ?? false, py0, py1);

  // Grid lines and ticks.
  out.push(`<g stroke="#e6e6e6" stroke-width="1">`);
  for (const t of ax.ticks) out.push(`<line x1="${ax.map(t).toFixed(1)}" y1="${py0}" x2="${ax.map(t).toFixed(1)}" y2="${py1}"/>`);
  for (const t of ay.ticks) out.push(`<line x1="${px0}" y1="${ay.map(t).toFixed(1)}" x2="${px1}" y2="${ay.map(t).toFixed(1)}"/>`);
  out.push(`</g>`);

  // Heatmap cells.
  if (isHeat && field) {
    const nx = field.x.length, ny = field.y.length;
    let vmin = Infinity, vmax = -Infinity;
    for (let i = 0; i < field.values.length; i++) {
      const v = field.values[i]!;
      if (Number.isFinite(v)) { if (v < vmin) vmin = v; if (v > vmax) vmax = v; }
    }
    if (!(vmax > vmin)) vmax = vmin + 1;
    // Signed fields get a diverging map centred on 0.
    const signed = vmin < 0 && vmax > 0;
    if (signed) {
      const m = Math.max(-vmin, vmax);
      vmin = -m;
      vmax = m;
    }
    const cmap = signed ? diverging : viridis;
    // Aggregate to at most 240 × 160 blocks to keep the SVG small.
    const bx = Math.max(1, Math.ceil(nx / 240)), by = Math.max(1, Math.ceil(ny / 160));
    const hx = nx > 1 ? (field.x[1]! - field.x[0]!) / 2 : 0.5;
    const hy = ny > 1 ? (field.y[1]! - field.y[0]!) / 2 : 0.5;
    out.push(`<g shape-rendering="crispEdges">`);
    for (let jy = 0; jy < ny; jy += by) {
      for (let ix = 0; ix < nx; ix += bx) {
        let s = 0, c = 0;
        for (let a = jy; a < Math.min(ny, jy + by); a++) for (let b = ix; b < Math.min(nx, ix + bx); b++) {
          const v = field.values[a * nx + b]!;
          if (Number.isFinite(v)) { s += v; c++; }
        }
        const v = c > 0 ? s / c : vmin;
        const xa = ax.map(field.x[ix]! - hx), xb = ax.map(field.x[Math.min(nx, ix + bx) - 1]! + hx);
        const ya = ay.map(field.y[jy]! - hy), yb = ay.map(field.y[Math.min(ny, jy + by) - 1]! + hy);
        out.push(`<rect x="${Math.min(xa, xb).toFixed(2)}" y="${Math.min(ya, yb).toFixed(2)}" width="${(Math.abs(xb - xa) + 0.4).toFixed(2)}" height="${(Math.abs(yb - ya) + 0.4).toFixed(2)}" fill="${cmap((v - vmin) / (vmax - vmin))}"/>`);
      }
    }
    out.push(`</g>`);
    // Colour bar.
    const cbx = px1 + 22, cbw = 16;
    for (let k = 0; k < 64; k++) {
      const y = py0 + ((py1 - py0) * k) / 64;
      out.push(`<rect x="${cbx}" y="${(y + (py1 - py0) / 64).toFixed(2)}" width="${cbw}" height="${(Math.abs(py1 - py0) / 64 + 0.5).toFixed(2)}" fill="${cmap((k + 0.5) / 64)}"/>`);
    }
    out.push(`<rect x="${cbx}" y="${py1}" width="${cbw}" height="${py0 - py1}" fill="none" stroke="#444"/>`);
    const ct = niceTicks(vmin, vmax, 5);
    for (const t of ct.ticks) {
      if (t < vmin - 1e-12 || t > vmax + 1e-12) continue;
      const y = py0 + ((t - vmin) / (vmax - vmin)) * (py1 - py0);
      out.push(`<line x1="${cbx + cbw}" y1="${y.toFixed(1)}" x2="${cbx + cbw + 4}" y2="${y.toFixed(1)}" stroke="#444"/>`);
      out.push(textEl(cbx + cbw + 6, y + 4, fmtTick(t, ct.step), { size: 11 }));
    }
    if (field.description) out.push(textEl(cbx + cbw / 2, py1 - 8, field.description.length > 14 ? "value" : field.description, { size: 11, anchor: "middle" }));
  }

  // Layers.
  out.push(`<defs><clipPath id="plot"><rect x="${px0}" y="${py1}" width="${px1 - px0}" height="${py0 - py1}"/></clipPath></defs>`);
  out.push(`<g clip-path="url(#plot)">`);
  const legend: { label: string; color: string; kind: string; dashed: boolean }[] = [];
  layers.forEach((l, i) => {
    const color = l.color ?? PALETTE[i % PALETTE.length]!;
    const s = data.series[l.series];
    const xs = s?.data[l.x], ys = s?.data[l.y];
    legend.push({ label: l.label, color, kind: l.kind, dashed: l.dashed ?? false });
    if (!xs || !ys) return;
    const pts: [number, number][] = [];
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!, y = ys[k]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || (fig.logX && x <= 0) || (fig.logY && y <= 0)) continue;
      pts.push([ax.map(x), ay.map(y)]);
    }
    if (pts.length === 0) return;
    const dash = l.dashed ? ` stroke-dasharray="7 5"` : "";
    if (l.kind === "scatter") {
      const stride = Math.max(1, Math.ceil(pts.length / 400));
      out.push(`<g fill="${color}" fill-opacity="0.85" stroke="white" stroke-width="0.6">`);
      for (let k = 0; k < pts.length; k += stride) out.push(`<circle cx="${pts[k]![0].toFixed(1)}" cy="${pts[k]![1].toFixed(1)}" r="3.6"/>`);
      out.push(`</g>`);
    } else if (l.kind === "step") {
      let d = `M${pts[0]![0].toFixed(1)},${pts[0]![1].toFixed(1)}`;
      for (let k = 1; k < pts.length; k++) d += `H${pts[k]![0].toFixed(1)}V${pts[k]![1].toFixed(1)}`;
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    } else {
      const d = pts.map((p, k) => `${k === 0 ? "M" : "L"}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join("");
      if (l.kind === "area") {
        const base = fig.logY ? py0 : ay.map(0);
        out.push(`<path d="${d}L${pts[pts.length - 1]![0].toFixed(1)},${base.toFixed(1)}L${pts[0]![0].toFixed(1)},${base.toFixed(1)}Z" fill="${color}" fill-opacity="0.25" stroke="none"/>`);
      }
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"${dash}/>`);
    }
  });
  out.push(`</g>`);

  // Axes frame, ticks and labels.
  out.push(`<rect x="${px0}" y="${py1}" width="${px1 - px0}" height="${py0 - py1}" fill="none" stroke="#444" stroke-width="1.2"/>`);
  for (const t of ax.ticks) {
    const x = ax.map(t);
    if (x < px0 - 0.5 || x > px1 + 0.5) continue;
    out.push(`<line x1="${x.toFixed(1)}" y1="${py0}" x2="${x.toFixed(1)}" y2="${py0 + 5}" stroke="#444"/>`);
    out.push(textEl(x, py0 + 20, ax.label(t), { size: 12, anchor: "middle" }));
  }
  for (const t of ay.ticks) {
    const y = ay.map(t);
    if (y > py0 + 0.5 || y < py1 - 0.5) continue;
    out.push(`<line x1="${px0 - 5}" y1="${y.toFixed(1)}" x2="${px0}" y2="${y.toFixed(1)}" stroke="#444"/>`);
    out.push(textEl(px0 - 8, y + 4, ay.label(t), { size: 12, anchor: "end" }));
  }
  out.push(textEl((px0 + px1) / 2, H - 18, fig.xLabel, { size: 14, anchor: "middle" }));
  out.push(textEl(20, (py0 + py1) / 2, fig.yLabel, { size: 14, anchor: "middle", rotate: true }));

  // Legend (outside the plot, to the right).
  if (legend.length > 0) {
    const lx = px1 + 14;
    let ly = py1 + 4;
    const rowH = 19;
    const maxRows = Math.floor((py0 - py1) / rowH);
    out.push(`<rect x="${lx - 6}" y="${ly - 4}" width="${legendW - 14}" height="${Math.min(legend.length, maxRows) * rowH + 6}" fill="white" stroke="#ccc"/>`);
    for (const [k, e] of legend.entries()) {
      if (k >= maxRows) break;
      const cy = ly + rowH / 2;
      if (e.kind === "scatter") out.push(`<circle cx="${lx + 12}" cy="${cy.toFixed(1)}" r="4" fill="${e.color}"/>`);
      else out.push(`<line x1="${lx}" y1="${cy.toFixed(1)}" x2="${lx + 24}" y2="${cy.toFixed(1)}" stroke="${e.color}" stroke-width="2.4"${e.dashed ? ` stroke-dasharray="6 4"` : ""}/>`);
      out.push(textEl(lx + 30, cy + 4.5, e.label.length > 36 ? `${e.label.slice(0, 35)}…` : e.label, { size: 12 }));
      ly += rowH;
    }
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/**
 * Render every figure of a result.
 * @param result - the experiment result
 * @returns `[figureId, svgText]` pairs in order
 */
export function renderResultSvgs(result: Pick<ExperimentResult, "figures" | "series" | "fields">): [string, string][] {
  return result.figures.map((f) => [f.id, renderFigureSvg(f, { series: result.series, fields: result.fields })]);
}

export { wrap };
