/**
 * Small helpers shared by the experiments (not exported from the package).
 * @packageDocumentation
 */
import type { DataTable, Progress, RunContext } from "../types.js";

/** n evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return out;
}

/** Throw the standard AbortError when the run was cancelled. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof Error) throw reason;
    const e = new Error("the experiment was aborted");
    e.name = "AbortError";
    throw e;
  }
}

/**
 * Progress over a known number of stages: `stage(msg)` reports the fraction done before the stage,
 * checks the abort signal and yields to the event loop so a worker can receive messages.
 * `total` is a stage count, or one relative cost per stage (so the fraction tracks the work).
 */
export function stages(ctx: RunContext, total: number | readonly number[]): { stage(message: string): Promise<void>; done(): void } {
  const weights = typeof total === "number" ? new Array<number>(total).fill(1) : total;
  const sum = weights.reduce((a, w) => a + w, 0) || 1;
  let k = 0;
  let acc = 0;
  return {
    async stage(message: string) {
      throwIfAborted(ctx.signal);
      const p: Progress = { fraction: Math.min(1, acc / sum), message };
      acc += weights[k] ?? 0;
      k++;
      ctx.onProgress?.(p);
      await new Promise<void>((r) => setTimeout(r, 0));
      throwIfAborted(ctx.signal);
    },
    done() {
      ctx.onProgress?.({ fraction: 1, message: "done" });
    },
  };
}

/** Build a {@link DataTable} (columns in the order of `data`'s keys). */
export function table(data: Record<string, ArrayLike<number>>, units?: Record<string, string>, description?: string): DataTable {
  return {
    columns: Object.keys(data),
    data,
    ...(units !== undefined ? { units } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}

/** Compensated (Kahan–Babuška) sum. */
export function ksum(v: ArrayLike<number>): number {
  let s = 0,
    c = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

/** Least-squares slope of y against x. */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
    sxx += x[i]! * x[i]!;
    sxy += x[i]! * y[i]!;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/** Least-squares slope of log y against log x (observed order / rate exponent). */
export function logLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return slope(Array.from(x, Math.log), Array.from(y, Math.log));
}

/** Max absolute difference of two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Round for summaries (keeps 6 significant digits). */
export function r6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** Mean and (population) variance of an array. */
export function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2;
  return { mean: m, variance: v / n };
}

/**
 * Running mean and variance of many quantities at once, merged chunk by chunk (Chan, Golub &
 * LeVeque's pairwise update), so ensembles can be reduced without keeping every sample. Quantity q
 * of a chunk is `values[q * stride ... ]` as laid out by the caller through `addChunk`.
 */
export class MomentAccumulator {
  readonly count: Float64Array;
  readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(nQuantities: number) {
    this.count = new Float64Array(nQuantities);
    this.mean = new Float64Array(nQuantities);
    this.m2 = new Float64Array(nQuantities);
  }

  /** Merge a chunk's count, mean and sum of squared deviations into quantity q. */
  merge(q: number, n: number, mean: number, m2: number): void {
    const na = this.count[q]!;
    if (n === 0) return;
    if (na === 0) {
      this.count[q] = n;
      this.mean[q] = mean;
      this.m2[q] = m2;
      return;
    }
    const nt = na + n;
    const delta = mean - this.mean[q]!;
    this.mean[q] = this.mean[q]! + (delta * n) / nt;
    this.m2[q] = this.m2[q]! + m2 + (delta * delta * na * n) / nt;
    this.count[q] = nt;
  }

  /** Population variance of quantity q. */
  variance(q: number): number {
    return this.m2[q]! / this.count[q]!;
  }
}
