/**
 * The Gauss–Legendre rules on [-1, 1] used for point-value initial data, the automatic domain and
 * the exact solver's cell averages (datasets caches each rule; these are the same arrays).
 */
import { gaussLegendre } from "@kinetic-nde/datasets";

export const { nodes: GL4_X, weights: GL4_W } = gaussLegendre(4);
export const { nodes: GL8_X, weights: GL8_W } = gaussLegendre(8);
