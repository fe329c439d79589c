/**
 * The stochastic ResNet as particles (Euler–Maruyama, MODEL.md §2) compared with the Fokker–Planck
 * solution over time by the Wasserstein-1 distance.
 * @packageDocumentation
 */
import { createScalarNetwork, type NetworkParams, type NoiseModel, resolveTimeline, RngStreams, solveSde } from "@kinetic-nde/core";
import { invalidArgument, requireFits, requireInteger, requireNonNegative, requireOptions } from "@kinetic-nde/core/validate";
import { wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import type { Diffusion1D } from "./chang-cooper.js";
import { compensatedSum } from "./internal/numerics.js";
import { diffusionFromNetwork, requireGrid1D, requireNetwork1D, resolveInitialDensity, validateDiffusion } from "./problem.js";
import { type FokkerPlanckProblem, solveFokkerPlanck } from "./solve-1d.js";

/** Options of {@link compareWithParticles}. */
export interface CompareWithParticlesOptions {
  /** Number of particles (default 20 000). */
  readonly M?: number;
  /** Seed; particle i uses stream i (default 0). */
  readonly seed?: number;
  /** Euler–Maruyama sub-steps per layer (default 1: exactly the stochastic ResNet). */
  readonly substeps?: number;
  /** PDE time step (default: the particle step). */
  readonly dt?: number;
}

/** Result of {@link compareWithParticles}. */
export interface CompareWithParticlesResult {
  /** Comparison times: the end of every layer (k+1)Δt ≤ T. */
  readonly times: readonly number[];
  /** W1(particles, PDE) at each time. */
  readonly w1: readonly number[];
  /** Particle positions at T (M values). */
  readonly particles: Float64Array;
  /** PDE density at each time (cell averages). */
  readonly densities: readonly Float64Array[];
  /** Particle mean and variance at each time, and the PDE's. */
  readonly moments: {
    readonly particleMean: readonly number[];
    readonly particleVariance: readonly number[];
    readonly pdeMean: readonly number[];
    readonly pdeVariance: readonly number[];
  };
}

/**
 * Run the stochastic ResNet x ← x + Δt σ(w_k x + b_k) + √Δt K(x) ξ (Itô, Euler–Maruyama through
 * core's `solveSde`; K = √(2D)) on particles drawn from f0 and the Fokker–Planck solver on the same
 * problem, and compare them at the end of every layer by the Wasserstein-1 distance (mean-field's
 * `wasserstein1GridSamples`).
 * @param problem - as {@link solveFokkerPlanck} (zero-flux walls; particles live on R)
 * @param options - `M`, `seed`, `substeps`, `dt`
 * @returns times, W1 distances, the particles at T, the PDE densities and both sets of moments
 * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH as the solver
 * @remarks W1 ≈ statistical error O(M^{-1/2}) + the Euler–Maruyama weak error O(Δt) + the PDE's
 *   discretisation error; keep the grid wide enough that particles rarely leave it. Particles are
 *   drawn from the piecewise-constant f0 by inversion; particle i uses RNG stream i, so the result
 *   does not depend on batching.
 * @example
 * ```ts
 * const network = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 2, nLayers: 20, K: 0.6 });
 * const cmp = compareWithParticles({ network, grid: createGrid1D(-5, 5, 400), f0: (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
 * cmp.w1; // O(1e-2) for M = 20 000
 * ```
 */
export function compareWithParticles(problem: FokkerPlanckProblem, options: CompareWithParticlesOptions = {}): CompareWithParticlesResult {
  if (typeof problem !== "object" || problem === null) throw invalidArgument("problem", "an object", problem);
  const network = requireNetwork1D(problem.network);
  const grid = requireGrid1D(problem.grid);
  const D: Diffusion1D = problem.D !== undefined ? validateDiffusion(problem.D) : diffusionFromNetwork(network);
  options = requireOptions<CompareWithParticlesOptions>("options", options, ["M", "seed", "substeps", "dt"]);
  const M = requireInteger("M", options.M ?? 20_000);
  requireFits("M", M, 8 * 3);
  const seed = requireNonNegative("seed", options.seed ?? 0);
  const substeps = requireInteger("substeps", options.substeps ?? 1);
  const f0 = resolveInitialDensity(grid, problem.f0);
  const T = problem.T ?? network.T;
  const h = network.dt / substeps;
  // the layer boundaries in (0, T] and T, from core's one timeline
  const times = Array.from(resolveTimeline(network, undefined, { tEnd: T, defaultSaveAt: "layers" }).saveAt.subarray(1));
  const pde = solveFokkerPlanck({ ...problem, T: times[times.length - 1]! }, { saveAt: times, dt: options.dt ?? h });
  // sample f0 by inversion of its piecewise-linear CDF
  const cum = new Float64Array(grid.n + 1);
  for (let i = 0; i < grid.n; i++) cum[i + 1] = cum[i]! + f0[i]!;
  const total = cum[grid.n]!;
  if (!(total > 0)) throw invalidArgument("f0", "a density with positive mass", total);
  // initial positions from streams M..2M-1, independent of the SDE's noise streams 0..M-1
  const rng = new RngStreams(seed, M, M);
  const x = new Float64Array(M);
  for (let p = 0; p < M; p++) {
    const u = rng.uniform(p) * total;
    let lo = 0;
    let hi = grid.n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! <= u) lo = mid;
      else hi = mid;
    }
    const frac = f0[lo]! > 0 ? (u - cum[lo]!) / f0[lo]! : 0.5;
    x[p] = grid.xMin + (lo + Math.min(1, Math.max(0, frac))) * grid.dx;
  }
  // The SDE needs the noise as K(x) = √(2 D(x)); reuse the network's own noise model when D is not given.
  const sdeNetwork: NetworkParams =
    problem.D === undefined
      ? network
      : createScalarNetwork({
          sigma: network.sigma,
          w: network.W,
          b: network.b,
          dt: network.dt,
          K: noiseOf(D),
        });
  const sde = solveSde(sdeNetwork, x, {
    method: "euler-maruyama",
    stepsPerLayer: substeps,
    seed,
    saveAt: times,
    tEnd: times[times.length - 1]!,
  });
  const w1: number[] = [];
  const particleMean: number[] = [];
  const particleVariance: number[] = [];
  const pdeMean: number[] = [];
  const pdeVariance: number[] = [];
  const xc = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) xc[i] = grid.xMin + (i + 0.5) * grid.dx;
  const tmp = new Float64Array(Math.max(M, grid.n));
  for (let k = 0; k < times.length; k++) {
    const xk = sde.saved.subarray(k * M, (k + 1) * M);
    const fk = pde.saved[k]!;
    w1.push(wasserstein1GridSamples(grid, fk, xk));
    const pm = compensatedSum(xk) / M;
    for (let p = 0; p < M; p++) tmp[p] = (xk[p]! - pm) ** 2;
    particleMean.push(pm);
    particleVariance.push(compensatedSum(tmp.subarray(0, M)) / M);
    const mass = compensatedSum(fk) * grid.dx;
    for (let i = 0; i < grid.n; i++) tmp[i] = xc[i]! * fk[i]!;
    const m1 = (compensatedSum(tmp.subarray(0, grid.n)) * grid.dx) / mass;
    for (let i = 0; i < grid.n; i++) tmp[i] = (xc[i]! - m1) ** 2 * fk[i]!;
    pdeMean.push(m1);
    pdeVariance.push((compensatedSum(tmp.subarray(0, grid.n)) * grid.dx) / mass);
  }
  return { times, w1, particles: sde.x, densities: pde.saved, moments: { particleMean, particleVariance, pdeMean, pdeVariance } };
}

function noiseOf(D: Diffusion1D): NoiseModel {
  if (typeof D === "number") return { kind: "constant", K: new Float64Array([Math.sqrt(2 * D)]) };
  return { kind: "diagonal", k: (x: number) => Math.sqrt(2 * D(x)) };
}
