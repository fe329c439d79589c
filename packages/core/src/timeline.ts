/**
 * The one timeline of every solver: layer segments, the forced step points at layer boundaries and
 * the save times, resolved with one rounding rule.
 * @packageDocumentation
 */
import type { NetworkParams } from "./network.js";
import { invalidArgument, requireFinite, requireFits, requireInteger } from "./validate.js";

/**
 * Relative tolerance of the timeline's rounding rule, in units of the time scale max(|t0|, |tEnd|):
 * 16 ulps. A save time that close to t0 or tEnd is that point, a layer boundary that close to a save
 * time moves onto it; farther outside [t0, tEnd] a save time is an error.
 */
export const TIMELINE_ULPS = 16;

/** A piece of the timeline inside one layer, between two consecutive step points. */
export interface TimelineSegment {
  /** Index of the layer acting on (t0, t1) (the last layer keeps acting past the network's T). */
  readonly layer: number;
  /** Start time. */
  readonly t0: number;
  /** End time (> t0). */
  readonly t1: number;
  /** Save indices `saveFrom` ≤ s < `saveTo` are recorded at t1 (none when equal). */
  readonly saveFrom: number;
  /** One past the last save index recorded at t1. */
  readonly saveTo: number;
}

/** The resolved timeline of a solve from t0 to tEnd. */
export interface Timeline {
  /** Start time. */
  readonly t0: number;
  /** End time. */
  readonly tEnd: number;
  /** Save times, non-decreasing, within [t0, tEnd], after the rounding rule (fresh array). */
  readonly saveAt: Float64Array;
  /** Number of save indices at t0 (0 ≤ s < initialSaves are recorded before the first step). */
  readonly initialSaves: number;
  /**
   * Layer boundaries k·Δt strictly inside (t0, tEnd): points every solver must step onto (a boundary
   * within round-off of a save time is that save time).
   */
  readonly boundaries: Float64Array;
  /** Consecutive segments covering [t0, tEnd], each inside one layer, ending at every save time and boundary. */
  readonly segments: readonly TimelineSegment[];
}

/** Options of {@link resolveTimeline}. */
export interface TimelineOptions {
  /** End time > t0 (or = t0) [`params.T`]; past T the last layer keeps acting. */
  readonly tEnd?: number;
  /** Start time [0]. */
  readonly t0?: number;
  /** Argument name of the save times in messages [`"saveAt"`]. */
  readonly name?: string;
  /** Save times when `saveAt` is undefined: none, or the layer boundaries t0, …, tEnd [`"none"`]. */
  readonly defaultSaveAt?: "none" | "layers";
  /**
   * Values stored per save time (e.g. M·d); when given, nSave × stateSize × 8 bytes must fit the memory
   * budget (TOO_LARGE otherwise, naming the save times).
   */
  readonly stateSize?: number;
}

/**
 * Layer index acting just after time t: k with kΔt ≤ t < (k+1)Δt, where t within the timeline
 * tolerance below a boundary counts as the boundary; clamped to [0, L - 1] (t ≥ T uses the last layer).
 * @param params - network parameters
 * @param t - time
 * @returns the layer index
 * @example
 * ```ts
 * layerIndexAt(createScalarNetwork({ sigma: "tanh", w: [1, 2, 3], b: 0, T: 0.3 }), 0.2); // 2
 * ```
 */
export function layerIndexAt(params: NetworkParams, t: number): number {
  const L = params.nLayers;
  const dt = params.dt;
  let k = Math.floor(t / dt);
  if (!(k >= 0)) return 0;
  if (k >= L - 1) return L - 1;
  // (k + 1)·Δt rounds onto t or just above it: t is that boundary
  if ((k + 1) * dt - t <= TIMELINE_ULPS * Number.EPSILON * Math.max(Math.abs(t), dt)) k++;
  return k >= L - 1 ? L - 1 : k;
}

function isTimeArray(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Resolve the timeline of a solve: the layer segments, the forced step points at layer boundaries and
 * the save times, with one rounding rule shared by every solver.
 *
 * @param params - network parameters (Δt, L; layer k acts on [kΔt, (k+1)Δt), the last one past T)
 * @param saveAt - save times (array or Float64Array, non-decreasing), or a count n ≥ 1 of evenly spaced
 *   times t0 + (tEnd - t0)·i/(n - 1) (n = 1: tEnd alone), or undefined (see `defaultSaveAt`)
 * @param options - `tEnd` [T], `t0` [0], `name` ["saveAt"], `defaultSaveAt` ["none"], `stateSize`
 * @returns `{ t0, tEnd, saveAt, initialSaves, boundaries, segments }` (fresh arrays)
 * @throws KineticError INVALID_ARGUMENT naming `saveAt` (non-finite, outside [t0, tEnd] beyond the
 *   rounding rule, decreasing, not an array or count) or `tEnd`/`t0`; TOO_LARGE (nSave × stateSize
 *   values do not fit)
 * @remarks Rounding rule: with tol = 16 ulps of max(|t0|, |tEnd|), a save time within tol of t0 or
 * tEnd is set to that point (and one within tol of the previous save time to that time); a save time
 * farther outside [t0, tEnd] is an error. A layer boundary k·Δt within tol of a save time is moved onto
 * the save time (the save time is reported as given, e.g. 0.3 for the boundary 3 · 0.1).
 * Unsorted times are an error (never sorted silently); equal times are allowed, each index gets its own
 * copy. Segments end at every distinct save time, at every layer boundary strictly inside (t0, tEnd) and
 * at tEnd, so each lies in one layer and has positive length. Cost O(L + nSave).
 * @example
 * ```ts
 * const net = createScalarNetwork({ sigma: "tanh", w: [-1, -2], b: 0, T: 1 });
 * const tl = resolveTimeline(net, [0, 0.25, 1]);
 * tl.segments.map((s) => [s.layer, s.t0, s.t1]); // [[0, 0, 0.25], [0, 0.25, 0.5], [1, 0.5, 1]]
 * ```
 */
export function resolveTimeline(
  params: NetworkParams,
  saveAt: ArrayLike<number> | number | undefined,
  options: TimelineOptions = {},
): Timeline {
  if (typeof params !== "object" || params === null || typeof params.dt !== "number" || !Number.isInteger(params.nLayers)) {
    throw invalidArgument("params", "network parameters (createNetwork / createScalarNetwork)", params);
  }
  const name = options.name ?? "saveAt";
  const t0 = options.t0 === undefined ? 0 : requireFinite("t0", options.t0);
  const tEnd = options.tEnd === undefined ? params.T : requireFinite("tEnd", options.tEnd);
  if (!(tEnd >= t0)) throw invalidArgument("tEnd", `at least the start time t0 = ${t0}`, tEnd);
  const { dt, nLayers: L } = params;
  const tol = TIMELINE_ULPS * Number.EPSILON * Math.max(Math.abs(t0), Math.abs(tEnd));

  // layer boundaries strictly inside (t0, tEnd), beyond the rounding tolerance of both ends
  const bounds: number[] = [];
  for (let k = 1; k < L; k++) {
    const tk = k * dt;
    if (tk > t0 + tol && tk < tEnd - tol) bounds.push(tk);
  }

  let raw: ArrayLike<number>;
  if (saveAt === undefined) {
    raw = options.defaultSaveAt === "layers" ? [t0, ...bounds, tEnd] : [];
  } else if (typeof saveAt === "number") {
    const n = requireInteger(name, saveAt, 1);
    if (options.stateSize !== undefined) requireFits(name, n, 8 * options.stateSize);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = i === n - 1 ? tEnd : t0 + ((tEnd - t0) * i) / (n - 1);
    raw = r;
  } else if (isTimeArray(saveAt)) {
    raw = saveAt;
  } else {
    throw invalidArgument(name, "an array of times (or a count of evenly spaced times)", saveAt);
  }
  const nSave = raw.length;
  if (options.stateSize !== undefined) requireFits(name, nSave, 8 * options.stateSize);
  const out = new Float64Array(nSave);
  let bi = 0;
  for (let i = 0; i < nSave; i++) {
    let t = raw[i];
    if (typeof t !== "number" || !Number.isFinite(t)) throw invalidArgument(`${name}[${i}]`, "a finite time", t);
    if (Math.abs(t - t0) <= tol) t = t0;
    else if (Math.abs(t - tEnd) <= tol) t = tEnd;
    else if (t < t0 || t > tEnd) throw invalidArgument(`${name}[${i}]`, `a time in [${t0}, ${tEnd}]`, raw[i]);
    else if (i > 0 && Math.abs(t - out[i - 1]!) <= tol) t = out[i - 1]!;
    else {
      // a layer boundary within round-off of a save time moves onto it (no step of ~1e-17)
      while (bi < bounds.length && bounds[bi]! < t - tol) bi++;
      if (bi < bounds.length && Math.abs(bounds[bi]! - t) <= tol) bounds[bi] = t;
    }
    if (i > 0 && t < out[i - 1]!)
      throw invalidArgument(`${name}[${i}]`, `non-decreasing (after ${name}[${i - 1}] = ${raw[i - 1]})`, raw[i]);
    out[i] = t;
  }

  let initialSaves = 0;
  while (initialSaves < nSave && out[initialSaves] === t0) initialSaves++;
  const segments: TimelineSegment[] = [];
  let t = t0;
  let s = initialSaves;
  let b = 0;
  let layer = layerIndexAt(params, t0);
  while (t < tEnd) {
    const nextBound = b < bounds.length ? bounds[b]! : Infinity;
    const nextSave = s < nSave ? out[s]! : Infinity;
    const t1 = Math.min(nextBound, nextSave, tEnd);
    const from = s;
    while (s < nSave && out[s] === t1) s++;
    segments.push({ layer, t0: t, t1, saveFrom: from, saveTo: s });
    if (t1 === nextBound) {
      b++;
      layer = Math.min(layer + 1, L - 1);
    }
    t = t1;
  }
  return { t0, tEnd, saveAt: out, initialSaves, boundaries: Float64Array.from(bounds), segments };
}
