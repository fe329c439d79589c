/**
 * The one categorical palette of every figure: the catalogue picks its colours from it, the
 * renderer falls back to it for layers without a colour, so the CLI files and the docs site agree.
 */

/**
 * Okabe–Ito first (colour-blind safe, the order the catalogue relies on), then distinct extras so
 * that up to 13 curves never share a colour.
 * @example
 * ```ts
 * import { FIGURE_PALETTE } from "@kinetic-nde/experiments/plot";
 * FIGURE_PALETTE[0]; // "#0072B2"
 * ```
 */
export const FIGURE_PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
  "#F0E442",
  "#9467BD",
  "#8C564B",
  "#7F7F7F",
  "#BCBD22",
  "#17BECF",
] as const;
