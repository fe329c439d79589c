/**
 * Figures of a live page as files: a standalone SVG (title, caption, the page's colours and font
 * written into it, so it looks the same outside the page) and a PNG drawn from that SVG on a canvas
 * at twice its size. Used by each figure's download buttons and by "download all".
 */
import type { ExperimentResult, FigureSpec } from "@kinetic-nde/experiments";

/** A serialized SVG and its size in CSS pixels. */
export interface SvgFile {
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

/** The colours and font the page shows around `el` (resolved values, no CSS variables). */
function themeOf(el: Element): { color: string; background: string; fontFamily: string } {
  const css = getComputedStyle(el);
  const root = getComputedStyle(document.documentElement);
  const background = root.getPropertyValue("--vp-c-bg").trim() || getComputedStyle(document.body).backgroundColor || "#ffffff";
  return { color: css.color || "#000000", background, fontFamily: css.fontFamily || "system-ui, sans-serif" };
}

/**
 * One figure as a standalone SVG document, drawn by the page's renderer with its title and caption,
 * the page's text colour, background and font set on the elements. It is as wide as on the page but
 * at least as wide as the command line draws it (720 px), so that a title never overflows a narrow file.
 */
export async function figureSvg(figure: FigureSpec, result: ExperimentResult, themeEl: Element, pageWidth: number): Promise<SvgFile> {
  const { renderFigure } = await import("@kinetic-nde/experiments/plot");
  const theme = themeOf(themeEl);
  const width = Math.max(720, Math.round(pageWidth));
  const svg = renderFigure(figure, result, {
    document,
    width,
    height: Math.round(Math.min(420, Math.max(240, width * 0.55))),
    title: true,
    caption: true,
    fontFamily: theme.fontFamily,
    background: theme.background,
    style: `color: ${theme.color}; background: ${theme.background}; overflow: visible;`,
  });
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  svg.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  const w = Number(svg.getAttribute("width")) || Math.round(width);
  const h = Number(svg.getAttribute("height")) || Number(svg.getAttribute("viewBox")?.split(/\s+/)[3]) || Math.round(width * 0.6);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(h));
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
  return { text, width: w, height: h };
}

/** Rasterizes an SVG file on a canvas at `scale` × its size; resolves to the PNG's bytes. */
export async function svgToPng(file: SvgFile, scale = 2): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([file.text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.decoding = "sync";
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the SVG could not be drawn as an image"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(file.width * scale);
    canvas.height = Math.round(file.height * scale);
    const ctx = canvas.getContext("2d");
    if (ctx === null) throw new Error("this browser has no 2D canvas");
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    if (blob === null) throw new Error("the canvas could not be encoded as PNG");
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers `data` to the reader as a file named `name`. */
export function saveFile(data: BlobPart, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name made of safe characters: "fw" → "fw", "a b/c" → "a-b-c". */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "figure";
}
