/**
 * Resolving the 1-D Fokker–Planck problem: drift of a layer, diffusion from the noise model.
 * @packageDocumentation
 */
import { invalidArgument, KineticError, type NetworkParams, requireFiniteArray } from "@kinetic-nde/core";
import { type Grid1D, cellAverages1D, requireGrid1D as requireGrid } from "@kinetic-nde/datasets";
import type { Diffusion1D } from "./chang-cooper.js";

/**
 * Diffusion D(x) = K(x)²/2 of a 1-D network's noise model.
 * @param network - a network with d = 1 and a noise model
 * @returns the constant D or a function D(x)
 * @throws KineticError INVALID_ARGUMENT when the network has no noise model or d ≠ 1
 * @remarks constant K → D = K²/2; diagonal k(x, 0) → D(x) = k(x, 0)²/2; matrix K(x) → D = K₀₀(x)²/2.
 * @example
 * ```ts
 * diffusionFromNetwork(createScalarNetwork({ sigma: "identity", w: -1, b: 0, T: 1, K: 0.5 })); // 0.125
 * ```
 */
export function diffusionFromNetwork(network: NetworkParams): Diffusion1D {
  if (network.d !== 1) throw invalidArgument("network.d", "1 for the 1-D Fokker–Planck solver", network.d);
  const noise = network.noise;
  if (noise === undefined) {
    throw invalidArgument("D", "given, or the network must have a noise model (K)", undefined);
  }
  switch (noise.kind) {
    case "constant": {
      const K = noise.K[0]!;
      return 0.5 * K * K;
    }
    case "diagonal": {
      const k = noise.k;
      return (x: number) => {
        const v = k(x, 0);
        return 0.5 * v * v;
      };
    }
    case "matrix": {
      const K = noise.K;
      const xs = new Float64Array(1);
      const out = new Float64Array(1);
      return (x: number) => {
        xs[0] = x;
        K(xs, out);
        return 0.5 * out[0]! * out[0]!;
      };
    }
  }
}

/**
 * Validate a user diffusion (constant > 0 or function).
 * @internal
 */
export function validateDiffusion(D: unknown, name = "D"): Diffusion1D {
  if (typeof D === "number") {
    if (!(D > 0) || !Number.isFinite(D)) throw invalidArgument(name, "a positive finite number or a function x => D(x) > 0", D);
    return D;
  }
  if (typeof D === "function") return D as (x: number) => number;
  throw invalidArgument(name, "a positive finite number or a function x => D(x) > 0", D);
}

/**
 * Validate an initial density: n cell averages ≥ 0 or a function (→ cell averages).
 * @internal
 */
export function resolveInitialDensity(grid: Grid1D, f0: unknown, name = "f0"): Float64Array {
  let f: Float64Array;
  if (typeof f0 === "function") f = cellAverages1D(f0 as (x: number) => number, grid);
  else f = requireFiniteArray(name, f0, grid.n);
  for (let i = 0; i < f.length; i++) {
    if (f[i]! < 0) throw invalidArgument(`${name}[${i}]`, "a non-negative density value", f[i]);
  }
  return f;
}

/**
 * Check that a grid object is a 1-D grid.
 * @internal
 */
export function requireGrid1D(grid: unknown, name = "grid"): Grid1D {
  const g = requireGrid(name, grid);
  if (g.n < 2) throw invalidArgument(`${name}.n`, "at least 2 cells", g.n);
  return g;
}

/**
 * Check that a network is a 1-D network.
 * @internal
 */
export function requireNetwork1D(network: unknown): NetworkParams {
  const p = network as NetworkParams | null;
  if (typeof p !== "object" || p === null || !(p.W instanceof Float64Array) || typeof p.sigma?.sigma !== "function") {
    throw invalidArgument("network", "network parameters from createNetwork / createScalarNetwork", network);
  }
  if (p.d !== 1) throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`network.d\` must be 1 for the 1-D solver; got ${p.d}`);
  return p;
}
