/**
 * Losses on transported densities, each a {@link DensityObjective} with its exact derivative ∂J/∂f with
 * respect to the cell averages (and ∂J/∂θ_head for the classification read-out). Integrals are
 * midpoint sums over the cells: ∫ φ f ≈ Σ_i φ(x_i) f_i |cell|, x_i the cell centre.
 * @packageDocumentation
 */
import { createRng } from "@kinetic-nde/core";
import {
  invalidArgument,
  requireFinite,
  requireFiniteArray,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  shapeMismatch,
} from "@kinetic-nde/core/validate";
import type { Grid1D, Grid2D } from "@kinetic-nde/datasets";
import type { DensityObjective } from "./objective.js";

type Grid = Grid1D | Grid2D;

function cellCount(grid: Grid): number {
  return grid.kind === "1d" ? grid.n : grid.nx * grid.ny;
}

function cellMeasure(grid: Grid): number {
  return grid.kind === "1d" ? grid.dx : grid.dx * grid.dy;
}

/** Cell centres, d·N values row-major (d = 1 or 2). */
function cellCentres(grid: Grid): Float64Array {
  if (grid.kind === "1d") {
    const x = new Float64Array(grid.n);
    for (let i = 0; i < grid.n; i++) x[i] = grid.xMin + (i + 0.5) * grid.dx;
    return x;
  }
  const x = new Float64Array(2 * grid.nx * grid.ny);
  for (let i = 0; i < grid.nx; i++)
    for (let j = 0; j < grid.ny; j++) {
      const k = i * grid.ny + j;
      x[2 * k] = grid.xMin + (i + 0.5) * grid.dx;
      x[2 * k + 1] = grid.yMin + (j + 0.5) * grid.dy;
    }
  return x;
}

/** Check the densities handed to `evaluate`: count and lengths. */
function checkDensities(f: readonly Float64Array[], grid: Grid, count: number | null): void {
  if (count !== null && f.length !== count) throw shapeMismatch("f", `${count} densities`, f.length);
  if (f.length === 0) throw invalidArgument("f", "at least one density", f.length);
  const n = cellCount(grid);
  for (let m = 0; m < f.length; m++) if (f[m]!.length !== n) throw shapeMismatch(`f[${m}]`, `${n} cell averages`, f[m]!.length);
}

/** Validate targets: one array, or one per density; returns the list. */
function toTargets(name: string, target: ArrayLike<number> | readonly ArrayLike<number>[]): Float64Array[] {
  const list =
    Array.isArray(target) && typeof target[0] !== "number" ? (target as readonly ArrayLike<number>[]) : [target as ArrayLike<number>];
  if (list.length === 0) throw invalidArgument(name, "at least one target density", list.length);
  return list.map((t, m) => requireFiniteArray(list.length === 1 ? name : `${name}[${m}]`, t));
}

/** The target for density m: the m-th, or the single shared one; checked against the grid. */
function targetFor(targets: Float64Array[], m: number, grid: Grid, name: string): Float64Array {
  if (targets.length !== 1 && targets.length <= m) throw shapeMismatch(name, "one target per density", targets.length);
  const g = targets.length === 1 ? targets[0]! : targets[m]!;
  const n = cellCount(grid);
  if (g.length !== n) throw shapeMismatch(name, `${n} cell averages (the grid's cells)`, g.length);
  return g;
}

function zeroGrads(gradF: Float64Array[] | null): void {
  if (gradF) for (const g of gradF) g.fill(0);
}

/**
 * L² loss to target densities: J = ½ Σ_m Σ_i (f_{m,i} − g_{m,i})² |cell|; ∂J/∂f_{m,i} = (f_{m,i} − g_{m,i}) |cell|.
 *
 * @param target - One target density (cell averages on the evaluation grid), shared by every transported
 *   density, or one per density.
 * @returns The objective (no parameters of its own).
 * @throws {KineticError} INVALID_ARGUMENT when a target holds a non-finite value.
 * @example
 * ```ts
 * import { l2DensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(0, 1, 4);
 * const loss = l2DensityLoss(new Float64Array([1, 1, 1, 1]));
 * loss.evaluate([new Float64Array([2, 1, 1, 0])], grid, new Float64Array(0), null, null); // 0.25
 * ```
 */
export function l2DensityLoss(target: ArrayLike<number> | readonly ArrayLike<number>[]): DensityObjective {
  const targets = toTargets("target", target);
  return {
    nParams: 0,
    evaluate(f, grid, _theta, gradF) {
      checkDensities(f, grid, null);
      const h = cellMeasure(grid);
      let J = 0;
      for (let m = 0; m < f.length; m++) {
        const fm = f[m]!,
          g = targetFor(targets, m, grid, "target");
        const out = gradF ? gradF[m]! : null;
        for (let i = 0; i < fm.length; i++) {
          const r = fm[i]! - g[i]!;
          J += 0.5 * r * r * h;
          if (out) out[i] = r * h;
        }
      }
      return J;
    },
    residuals(f, grid) {
      checkDensities(f, grid, null);
      const w = Math.sqrt(cellMeasure(grid));
      let size = 0;
      for (const fm of f) size += fm.length;
      const r = new Float64Array(size);
      let o = 0;
      for (let m = 0; m < f.length; m++) {
        const fm = f[m]!,
          g = targetFor(targets, m, grid, "target");
        for (let i = 0; i < fm.length; i++) r[o++] = (fm[i]! - g[i]!) * w;
      }
      return r;
    },
  };
}

/** Options of {@link klDensityLoss}. */
export interface KlDensityLossOptions {
  /** The floor ε added to both densities inside the logarithm (default 1e-12). */
  readonly floor?: number;
}

/**
 * Kullback–Leibler divergence KL(g‖f) of a target g from the transported density f, in its generalised
 * form for densities of any mass and with a floor ε inside the logarithm:
 * J = Σ_m Σ_i [g log((g + ε)/(f + ε)) + f − g]_{m,i} |cell|, so ∂J/∂f_{m,i} = (1 − g/(f + ε)) |cell|.
 * For unit masses and ε → 0 it is KL(g‖f); the floor keeps it finite and smooth where f vanishes.
 *
 * @param target - One non-negative target density shared by every transported density, or one per density.
 * @param options - {@link KlDensityLossOptions}.
 * @returns The objective (no parameters of its own).
 * @throws {KineticError} INVALID_ARGUMENT when a target value is negative or not finite, the floor is not
 *   positive, or an option is unknown.
 * @example
 * ```ts
 * import { klDensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(0, 1, 2);
 * const loss = klDensityLoss(new Float64Array([1, 1]), { floor: 1e-9 });
 * loss.evaluate([new Float64Array([1, 1])], grid, new Float64Array(0), null, null); // 0
 * ```
 */
export function klDensityLoss(
  target: ArrayLike<number> | readonly ArrayLike<number>[],
  options: KlDensityLossOptions = {},
): DensityObjective {
  requireOptions("options", options, ["floor"]);
  const targets = toTargets("target", target);
  targets.forEach((t, m) => {
    for (let i = 0; i < t.length; i++)
      if (t[i]! < 0) throw invalidArgument(`target${targets.length > 1 ? `[${m}]` : ""}[${i}]`, "non-negative", t[i]);
  });
  const eps = options.floor ?? 1e-12;
  requireFinite("options.floor", eps);
  if (!(eps > 0)) throw invalidArgument("options.floor", "positive", eps);
  return {
    nParams: 0,
    evaluate(f, grid, _theta, gradF) {
      checkDensities(f, grid, null);
      const h = cellMeasure(grid);
      let J = 0;
      for (let m = 0; m < f.length; m++) {
        const fm = f[m]!,
          g = targetFor(targets, m, grid, "target");
        const out = gradF ? gradF[m]! : null;
        for (let i = 0; i < fm.length; i++) {
          const fi = fm[i]!,
            gi = g[i]!;
          const log = gi > 0 ? gi * Math.log((gi + eps) / (fi + eps)) : 0;
          J += (log + fi - gi) * h;
          if (out) out[i] = (1 - gi / (fi + eps)) * h;
        }
      }
      return J;
    },
  };
}

/** ∫ over one cell of |d(t)|, d linear from d0 to d1, per unit width; and its partials. */
function absLinear(d0: number, d1: number): [number, number, number] {
  if (d0 * d1 >= 0) return [0.5 * (Math.abs(d0) + Math.abs(d1)), 0.5 * Math.sign(d0), 0.5 * Math.sign(d1)];
  const s = Math.abs(d0) + Math.abs(d1);
  const q = d0 * d0 + d1 * d1;
  const v = q / (2 * s);
  return [v, (2 * d0 * s - q * Math.sign(d0)) / (2 * s * s), (2 * d1 * s - q * Math.sign(d1)) / (2 * s * s)];
}

/**
 * Wasserstein-1 loss in 1-D through the CDFs: J = Σ_m ∫ |F_m − G_m| dx, F, G the cumulative masses of
 * f and the target (piecewise linear for cell averages), integrated exactly cell by cell. The masses are
 * not normalised: for densities of equal unit mass J is W1; transport conserves mass, so give a target
 * of the initial mass. J is piecewise smooth; where F − G changes sign at a node the returned ∂J/∂f is
 * the subgradient with sign(0) = 0.
 *
 * @param target - One target density shared by every transported density, or one per density (1-D grid).
 * @returns The objective (no parameters of its own).
 * @throws {KineticError} INVALID_ARGUMENT when a target value is not finite, or (at evaluation) when the
 *   grid is not 1-D.
 * @example
 * ```ts
 * import { w1DensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(0, 2, 2);
 * const loss = w1DensityLoss(new Float64Array([0, 1]));
 * loss.evaluate([new Float64Array([1, 0])], grid, new Float64Array(0), null, null); // 1: unit mass moved by 1
 * ```
 */
export function w1DensityLoss(target: ArrayLike<number> | readonly ArrayLike<number>[]): DensityObjective {
  const targets = toTargets("target", target);
  return {
    nParams: 0,
    evaluate(f, grid, _theta, gradF) {
      if (grid.kind !== "1d") throw invalidArgument("grid", "a 1-D grid (use slicedW1DensityLoss in 2-D)", grid.kind);
      checkDensities(f, grid, null);
      const n = grid.n,
        dx = grid.dx;
      let J = 0;
      const dJdD = new Float64Array(n + 1);
      for (let m = 0; m < f.length; m++) {
        const fm = f[m]!,
          g = targetFor(targets, m, grid, "target");
        dJdD.fill(0);
        let d0 = 0;
        for (let i = 0; i < n; i++) {
          const d1 = d0 + (fm[i]! - g[i]!) * dx;
          const [v, a, b] = absLinear(d0, d1);
          J += v * dx;
          dJdD[i] = dJdD[i]! + a * dx;
          dJdD[i + 1] = dJdD[i + 1]! + b * dx;
          d0 = d1;
        }
        if (gradF) {
          // D_k = Σ_{i<k} (f_i − g_i) dx, so ∂J/∂f_i = dx Σ_{k>i} ∂J/∂D_k.
          const out = gradF[m]!;
          let acc = 0;
          for (let i = n - 1; i >= 0; i--) {
            acc += dJdD[i + 1]!;
            out[i] = acc * dx;
          }
        }
      }
      return J;
    },
  };
}

/** Options of {@link slicedW1DensityLoss}. */
export interface SlicedW1DensityLossOptions {
  /** Given directions, 2·K values (normalised here); overrides `nDirections` / `seed`. */
  readonly directions?: ArrayLike<number>;
  /** Number of seeded random directions (default 16). */
  readonly nDirections?: number;
  /** Seed of the random directions (default 0). */
  readonly seed?: number;
}

/**
 * Sliced Wasserstein-1 loss in 2-D: the mean over fixed unit directions θ_k of the 1-D W1 between the
 * projections of f and the target, each cell's mass f_i |cell| sitting at the projected cell centre
 * θ_k · x_i (an O(Δx) approximation of the cell's spread). Along a direction with the centres sorted,
 * W1 = Σ_j (p_{j+1} − p_j) |S_j|, S_j the cumulative mass difference; ∂J/∂f is its subgradient with
 * sign(0) = 0. Masses are not normalised (see {@link w1DensityLoss}).
 *
 * @param target - One target density shared by every transported density, or one per density (2-D grid).
 * @param options - {@link SlicedW1DensityLossOptions}.
 * @returns The objective (no parameters of its own).
 * @throws {KineticError} INVALID_ARGUMENT for a non-finite target, a zero direction, a bad count or seed,
 *   an unknown option, or (at evaluation) a grid that is not 2-D.
 * @example
 * ```ts
 * import { slicedW1DensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid2D } from "@kinetic-nde/datasets";
 * const grid = createGrid2D([0, 1], [0, 1], 2, 2);
 * const loss = slicedW1DensityLoss(new Float64Array([4, 0, 0, 0]), { directions: [1, 0] });
 * loss.evaluate([new Float64Array([0, 0, 4, 0])], grid, new Float64Array(0), null, null); // 0.5
 * ```
 */
export function slicedW1DensityLoss(
  target: ArrayLike<number> | readonly ArrayLike<number>[],
  options: SlicedW1DensityLossOptions = {},
): DensityObjective {
  requireOptions("options", options, ["directions", "nDirections", "seed"]);
  const targets = toTargets("target", target);
  let dirs: Float64Array;
  if (options.directions !== undefined) {
    const given = requireFiniteArray("options.directions", options.directions);
    if (given.length === 0 || given.length % 2 !== 0) throw shapeMismatch("options.directions", "2·K values (K ≥ 1)", given.length);
    dirs = new Float64Array(given.length);
    for (let k = 0; k < given.length / 2; k++) {
      const a = given[2 * k]!,
        b = given[2 * k + 1]!;
      const r = Math.hypot(a, b);
      if (!(r > 0)) throw invalidArgument(`options.directions[${2 * k}..${2 * k + 1}]`, "a non-zero direction", [a, b]);
      dirs[2 * k] = a / r;
      dirs[2 * k + 1] = b / r;
    }
  } else {
    const K = requireInteger("options.nDirections", options.nDirections ?? 16, 1, 4096);
    const rng = createRng(options.seed ?? 0);
    dirs = new Float64Array(2 * K);
    for (let k = 0; k < K; k++) {
      const t = 2 * Math.PI * rng.uniform();
      dirs[2 * k] = Math.cos(t);
      dirs[2 * k + 1] = Math.sin(t);
    }
  }
  const K = dirs.length / 2;
  let cache: { grid: Grid2D; order: Uint32Array[]; gaps: Float64Array[] } | null = null;
  const sorted = (grid: Grid2D) => {
    if (cache && cache.grid === grid) return cache;
    const x = cellCentres(grid);
    const N = grid.nx * grid.ny;
    const order: Uint32Array[] = [],
      gaps: Float64Array[] = [];
    for (let k = 0; k < K; k++) {
      const p = new Float64Array(N);
      for (let i = 0; i < N; i++) p[i] = dirs[2 * k]! * x[2 * i]! + dirs[2 * k + 1]! * x[2 * i + 1]!;
      const o = new Uint32Array(N);
      for (let i = 0; i < N; i++) o[i] = i;
      o.sort((a, b) => p[a]! - p[b]!);
      const gap = new Float64Array(N);
      for (let j = 0; j + 1 < N; j++) gap[j] = p[o[j + 1]!]! - p[o[j]!]!;
      order.push(o);
      gaps.push(gap);
    }
    cache = { grid, order, gaps };
    return cache;
  };
  return {
    nParams: 0,
    evaluate(f, grid, _theta, gradF) {
      if (grid.kind !== "2d") throw invalidArgument("grid", "a 2-D grid (use w1DensityLoss in 1-D)", grid.kind);
      checkDensities(f, grid, null);
      const { order, gaps } = sorted(grid);
      const h = cellMeasure(grid);
      const N = grid.nx * grid.ny;
      const sgn = new Float64Array(N);
      zeroGrads(gradF);
      let J = 0;
      for (let m = 0; m < f.length; m++) {
        const fm = f[m]!,
          g = targetFor(targets, m, grid, "target");
        for (let k = 0; k < K; k++) {
          const o = order[k]!,
            gap = gaps[k]!;
          let S = 0;
          for (let j = 0; j < N; j++) {
            const c = o[j]!;
            S += (fm[c]! - g[c]!) * h;
            J += (gap[j]! * Math.abs(S)) / K;
            sgn[j] = (gap[j]! * Math.sign(S)) / K;
          }
          if (gradF) {
            // S_j = Σ_{l≤j} w_{o_l}: ∂J/∂w_{o_l} = Σ_{j≥l} gap_j sign(S_j) / K.
            const out = gradF[m]!;
            let acc = 0;
            for (let j = N - 1; j >= 0; j--) {
              acc += sgn[j]!;
              out[o[j]!] = out[o[j]!]! + acc * h;
            }
          }
        }
      }
      return J;
    },
  };
}

/** Targets of {@link momentDensityLoss}: a mean and/or a covariance (d×d row-major), with weights. */
export interface MomentTargets {
  /** Target mean, d values. */
  readonly mean?: ArrayLike<number>;
  /** Target covariance, d·d values row-major. */
  readonly covariance?: ArrayLike<number>;
  /** Weight of the mean term (default 1). */
  readonly meanWeight?: number;
  /** Weight of the covariance term (default 1). */
  readonly covarianceWeight?: number;
}

/**
 * Moment loss: for each transported density, with mass m = ∫ f, mean μ = ∫ x f / m and covariance
 * C = ∫ (x − μ)(x − μ)ᵀ f / m (midpoint sums at the cell centres),
 * J = Σ_densities ½ w_μ |μ − μ*|² + ½ w_C ‖C − C*‖²_F, with its exact ∂J/∂f.
 *
 * @param targets - {@link MomentTargets}: shared by every density, or one per density.
 * @returns The objective (no parameters of its own).
 * @throws {KineticError} INVALID_ARGUMENT when neither a mean nor a covariance is given, a value is not
 *   finite, a weight is negative, or a key is unknown; (at evaluation) SHAPE_MISMATCH when a target's
 *   size does not fit the grid's dimension, INVALID_ARGUMENT when a density has no positive mass.
 * @example
 * ```ts
 * import { momentDensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(0, 2, 2); // centres 0.5 and 1.5
 * const loss = momentDensityLoss({ mean: [1] });
 * loss.evaluate([new Float64Array([1, 0])], grid, new Float64Array(0), null, null); // ½ (0.5 − 1)² = 0.125
 * ```
 */
export function momentDensityLoss(targets: MomentTargets | readonly MomentTargets[]): DensityObjective {
  const list = (Array.isArray(targets) ? targets : [targets]) as readonly MomentTargets[];
  if (list.length === 0) throw invalidArgument("targets", "at least one set of moment targets", list.length);
  const checked = list.map((t, m) => {
    const name = list.length === 1 ? "targets" : `targets[${m}]`;
    requireOptions(name, t, ["mean", "covariance", "meanWeight", "covarianceWeight"]);
    if (t.mean === undefined && t.covariance === undefined) throw invalidArgument(name, "a mean or a covariance target", t);
    return {
      mean: t.mean === undefined ? null : requireFiniteArray(`${name}.mean`, t.mean),
      cov: t.covariance === undefined ? null : requireFiniteArray(`${name}.covariance`, t.covariance),
      wm: requireNonNegative(`${name}.meanWeight`, t.meanWeight ?? 1),
      wc: requireNonNegative(`${name}.covarianceWeight`, t.covarianceWeight ?? 1),
    };
  });
  return {
    nParams: 0,
    evaluate(f, grid, _theta, gradF) {
      checkDensities(f, grid, null);
      const d = grid.kind === "1d" ? 1 : 2;
      const x = cellCentres(grid);
      const h = cellMeasure(grid);
      const N = cellCount(grid);
      let J = 0;
      for (let m = 0; m < f.length; m++) {
        if (checked.length !== 1 && checked.length <= m) throw shapeMismatch("targets", "one set of targets per density", checked.length);
        const t = checked.length === 1 ? checked[0]! : checked[m]!;
        const name = checked.length === 1 ? "targets" : `targets[${m}]`;
        if (t.mean && t.mean.length !== d) throw shapeMismatch(`${name}.mean`, `${d} values (the grid's dimension)`, t.mean.length);
        if (t.cov && t.cov.length !== d * d) throw shapeMismatch(`${name}.covariance`, `${d * d} values`, t.cov.length);
        const fm = f[m]!;
        let mass = 0;
        const mu = new Float64Array(d);
        for (let i = 0; i < N; i++) {
          const a = fm[i]! * h;
          mass += a;
          for (let p = 0; p < d; p++) mu[p] = mu[p]! + a * x[i * d + p]!;
        }
        if (!(mass > 0)) throw invalidArgument(`f[${m}]`, "a density with positive mass", mass);
        for (let p = 0; p < d; p++) mu[p] = mu[p]! / mass;
        const C = new Float64Array(d * d);
        for (let i = 0; i < N; i++) {
          const a = fm[i]! * h;
          for (let p = 0; p < d; p++)
            for (let q = 0; q < d; q++) C[p * d + q] = C[p * d + q]! + a * (x[i * d + p]! - mu[p]!) * (x[i * d + q]! - mu[q]!);
        }
        for (let p = 0; p < d * d; p++) C[p] = C[p]! / mass;
        // Residuals: r = w_μ (μ − μ*), W = w_C (C − C*) (J = ½ r·(μ−μ*) + ½ W:(C − C*)).
        const r = new Float64Array(d);
        const W = new Float64Array(d * d);
        if (t.mean)
          for (let p = 0; p < d; p++) {
            const e = mu[p]! - t.mean[p]!;
            J += 0.5 * t.wm * e * e;
            r[p] = t.wm * e;
          }
        if (t.cov)
          for (let p = 0; p < d * d; p++) {
            const e = C[p]! - t.cov[p]!;
            J += 0.5 * t.wc * e * e;
            W[p] = t.wc * e;
          }
        if (gradF) {
          // ∂μ/∂a_i = (x_i − μ)/m; ∂C/∂a_i = ((x_i − μ)(x_i − μ)ᵀ − C)/m (the μ-dependence drops out
          // since Σ a (x − μ) = 0). a_i = f_i |cell|.
          let WC = 0;
          for (let p = 0; p < d * d; p++) WC += 0.5 * (W[p]! + W[(p % d) * d + Math.floor(p / d)]!) * C[p]!;
          const out = gradF[m]!;
          for (let i = 0; i < N; i++) {
            let v = -WC;
            for (let p = 0; p < d; p++) {
              const ep = x[i * d + p]! - mu[p]!;
              v += r[p]! * ep;
              for (let q = 0; q < d; q++) v += W[p * d + q]! * ep * (x[i * d + q]! - mu[q]!);
            }
            out[i] = (v / mass) * h;
          }
        }
      }
      return J;
    },
  };
}

/** Options of {@link classificationDensityLoss}. */
export interface ClassificationDensityLossOptions {
  /** Number of classes C = number of transported class densities (≥ 2). */
  readonly nClasses: number;
  /** Dimension d of the state (1 or 2). */
  readonly dimension: number;
  /** `cross-entropy` (default): −log softmax(A x + c)_class; `squared`: ½|A x + c − e_class|². */
  readonly loss?: "cross-entropy" | "squared";
  /** Initial read-out θ_head = (A row-major C×d, then c), C·d + C values (default A = 0, c = 0). */
  readonly initialTheta?: ArrayLike<number>;
}

/** Names of the classification density losses. */
export const CLASSIFICATION_DENSITY_LOSSES = ["cross-entropy", "squared"] as const;

/**
 * Classification loss on class densities transported together: with a linear read-out s(x) = A x + c
 * (θ_head = A row-major C×d, then c; A, c as core's `Readout`), J = Σ_k ∫ f_k(x) ℓ(s(x), k) dx, ℓ the
 * cross-entropy −log softmax(s)_k or the squared error ½|s − e_k|². Each class density enters with its
 * own mass, so class densities whose masses are the class proportions give the expected loss.
 *
 * @param options - {@link ClassificationDensityLossOptions}.
 * @returns The objective; its `nParams` is C·d + C.
 * @throws {KineticError} INVALID_ARGUMENT for a bad class count, dimension or loss name, an unknown
 *   option, or an initial read-out of the wrong length; (at evaluation) SHAPE_MISMATCH when the number
 *   of densities is not C or the grid's dimension is not d.
 * @example
 * ```ts
 * import { classificationDensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * const grid = createGrid1D(-1, 1, 2);
 * const loss = classificationDensityLoss({ nClasses: 2, dimension: 1 });
 * const theta = new Float64Array(loss.nParams); // A = 0, c = 0
 * loss.evaluate([new Float64Array([1, 0]), new Float64Array([0, 1])], grid, theta, null, null); // 2 log 2: ℓ = log 2 on a total mass of 2
 * ```
 */
export function classificationDensityLoss(options: ClassificationDensityLossOptions): DensityObjective {
  requireOptions("options", options, ["nClasses", "dimension", "loss", "initialTheta"]);
  const C = requireInteger("options.nClasses", options.nClasses, 2, 1024);
  const d = requireInteger("options.dimension", options.dimension, 1, 2);
  const kind = requireOneOf("options.loss", options.loss ?? "cross-entropy", CLASSIFICATION_DENSITY_LOSSES);
  const nParams = C * d + C;
  const initialTheta =
    options.initialTheta === undefined
      ? new Float64Array(nParams)
      : requireFiniteArray("options.initialTheta", options.initialTheta, nParams);
  return {
    nParams,
    initialTheta,
    evaluate(f, grid, theta, gradF, gradTheta) {
      checkDensities(f, grid, C);
      const dg = grid.kind === "1d" ? 1 : 2;
      if (dg !== d) throw shapeMismatch("grid", `a ${d}-D grid (options.dimension)`, `${dg}-D`);
      if (theta.length !== nParams) throw shapeMismatch("theta", `${nParams} read-out values`, theta.length);
      const x = cellCentres(grid);
      const h = cellMeasure(grid);
      const N = cellCount(grid);
      if (gradTheta) gradTheta.fill(0);
      const s = new Float64Array(C),
        ds = new Float64Array(C);
      let J = 0;
      for (let i = 0; i < N; i++) {
        for (let k = 0; k < C; k++) {
          let v = theta[C * d + k]!;
          for (let p = 0; p < d; p++) v += theta[k * d + p]! * x[i * d + p]!;
          s[k] = v;
        }
        let lse = 0;
        if (kind === "cross-entropy") {
          let mx = -Infinity;
          for (let k = 0; k < C; k++) mx = Math.max(mx, s[k]!);
          let z = 0;
          for (let k = 0; k < C; k++) z += Math.exp(s[k]! - mx);
          lse = mx + Math.log(z);
        }
        ds.fill(0);
        for (let c = 0; c < C; c++) {
          const a = f[c]![i]! * h;
          let ell: number;
          if (kind === "cross-entropy") {
            ell = lse - s[c]!;
            // ∂ℓ/∂s_k = softmax_k − [k = c], weighted by a.
            for (let k = 0; k < C; k++) ds[k] = ds[k]! + a * (Math.exp(s[k]! - lse) - (k === c ? 1 : 0));
          } else {
            ell = 0;
            for (let k = 0; k < C; k++) {
              const e = s[k]! - (k === c ? 1 : 0);
              ell += 0.5 * e * e;
              ds[k] = ds[k]! + a * e;
            }
          }
          J += a * ell;
          if (gradF) gradF[c]![i] = ell * h;
        }
        if (gradTheta)
          for (let k = 0; k < C; k++) {
            gradTheta[C * d + k] = gradTheta[C * d + k]! + ds[k]!;
            for (let p = 0; p < d; p++) gradTheta[k * d + p] = gradTheta[k * d + p]! + ds[k]! * x[i * d + p]!;
          }
      }
      return J;
    },
  };
}

/** Options of {@link regressionDensityLoss}. */
export interface RegressionDensityLossOptions {
  /** Dimension d of the state (1 or 2). */
  readonly dimension: number;
  /**
   * The read-out P, an m×d matrix row-major (m = 1 or 2 outputs; default the identity, m = d), as the
   * `projection` of core's mse loss: the prediction of a state x is P x.
   */
  readonly projection?: ArrayLike<number>;
}

/**
 * Regression through the joint density of (x, y), y carried unchanged: J = ½ ∫∫ |P x − y|² f(x, y) dx dy,
 * core's mse loss ½|P x(T) − y|² in expectation over the data.
 *
 * The network moves x and leaves y alone, so every fibre y = const of the joint density is transported
 * by the same Vlasov equation, which is linear: the y-moments F₀ = ∫ f dy, F_a^± = ∫ y_a^± f dy
 * (positive and negative parts, so that every transported density is non-negative) and F₂ = ∫ |y|² f dy
 * are transported exactly as densities of x. Expanding the square,
 * J = Σ_i |cell| [ ½ |P x_i|² F₀ᵢ − Σ_a (P x_i)_a (F_a⁺ − F_a⁻)ᵢ + ½ F₂ᵢ ], which needs no grid in y.
 * The transported densities are, in this order, F₀, F₁⁺, F₁⁻, …, F_m⁺, F_m⁻, F₂ (2m + 2 densities);
 * {@link regressionDensities} builds them from samples.
 *
 * @param options - {@link RegressionDensityLossOptions}.
 * @returns The objective (no parameters of its own: the read-out P is fixed, as in core's mse loss).
 * @throws {KineticError} INVALID_ARGUMENT for a bad dimension, an unknown option or a projection whose
 *   length is not m·d (m = 1 or 2) or that holds a non-finite value; (at evaluation) SHAPE_MISMATCH when
 *   the number of densities is not 2m + 2 or the grid's dimension is not d.
 * @remarks With the upwind scheme (linear in f) transporting the moments is exactly the transport of the
 * joint density discretised in y, fibre by fibre; MUSCL's limiter is not linear, and its moment
 * transport differs from the fibre-wise one by the scheme's own discretisation error. The F₂ term does
 * not depend on the parameters while no mass leaves the grid; it is transported so that J is the loss.
 * @example
 * ```ts
 * import { regressionDensityLoss } from "@kinetic-nde/mean-field";
 * import { createGrid1D } from "@kinetic-nde/datasets";
 * // one sample (x, y) = (0.25, 1) on a cell [0, 0.5]: F₀ = 2 (mass 1), F₁⁺ = 2, F₁⁻ = 0, F₂ = 2
 * const grid = createGrid1D(0, 0.5, 1);
 * const loss = regressionDensityLoss({ dimension: 1 });
 * const f = [2, 2, 0, 2].map((v) => Float64Array.of(v));
 * loss.evaluate(f, grid, new Float64Array(0), null, null); // ½ (0.25 − 1)² = 0.28125
 * ```
 */
export function regressionDensityLoss(options: RegressionDensityLossOptions): DensityObjective {
  if (typeof options !== "object" || options === null) throw invalidArgument("options", "an object", options);
  requireOptions("options", options, ["dimension", "projection"]);
  const d = requireInteger("options.dimension", options.dimension, 1, 2);
  let P: Float64Array;
  if (options.projection === undefined) P = d === 1 ? Float64Array.of(1) : Float64Array.of(1, 0, 0, 1);
  else {
    P = requireFiniteArray("options.projection", options.projection);
    if (P.length === 0 || P.length % d !== 0 || P.length / d > 2)
      throw invalidArgument("options.projection", `an m×d read-out, m·${d} values with m = 1 or 2`, `${P.length} values`);
  }
  const m = P.length / d;
  const count = 2 * m + 2;
  return {
    nParams: 0,
    evaluate(f, grid, theta, gradF) {
      checkDensities(f, grid, count);
      const dg = grid.kind === "1d" ? 1 : 2;
      if (dg !== d) throw shapeMismatch("grid", `a ${d}-D grid (options.dimension)`, `${dg}-D`);
      if (theta.length !== 0) throw shapeMismatch("theta", "no parameters (the read-out is fixed)", theta.length);
      const x = cellCentres(grid);
      const h = cellMeasure(grid);
      const N = cellCount(grid);
      const F0 = f[0]!,
        F2 = f[count - 1]!;
      let J = 0;
      for (let i = 0; i < N; i++) {
        let q = 0;
        let lin = 0;
        for (let a = 0; a < m; a++) {
          let px = 0;
          for (let p = 0; p < d; p++) px += P[a * d + p]! * x[i * d + p]!;
          q += px * px;
          lin += px * (f[1 + 2 * a]![i]! - f[2 + 2 * a]![i]!);
          if (gradF) {
            gradF[1 + 2 * a]![i] = -px * h;
            gradF[2 + 2 * a]![i] = px * h;
          }
        }
        J += h * (0.5 * q * F0[i]! - lin + 0.5 * F2[i]!);
        if (gradF) {
          gradF[0]![i] = 0.5 * q * h;
          gradF[count - 1]![i] = 0.5 * h;
        }
      }
      return J;
    },
  };
}
