/**
 * Memory kept between gradients. Memory that is new to the process costs a page fault per 4 KiB page on
 * its first touch (on the benchmark machine, filling 80 MiB took 220 ms the first time and 3 ms the
 * second), and a trajectory is written once and read once: fresh memory for it was the largest part of
 * a 2-D gradient. A training loop calls the gradient again and again with the same sizes, so the
 * trajectory and the per-layer face cache are taken from buffers kept for the next call, one per
 * purpose, each up to {@link RETAIN_BYTES}. `releaseGradientWorkspace` (adjoint.ts) drops them.
 * Not reentrant by design: a gradient started while a buffer is lent (from inside an objective) gets
 * fresh memory. Not exported from the package.
 * @packageDocumentation
 */

/** Largest buffer kept per purpose (512 MiB); larger ones are allocated per call and not kept. */
export const RETAIN_BYTES = 512 * 2 ** 20;

/** What a kept buffer is for. */
export type WorkspacePurpose = "trajectory" | "faces";

/** A buffer lent to one gradient: `data` (not zeroed; the caller writes before it reads) and `release`. */
export interface Workspace {
  readonly data: Float64Array;
  release(): void;
}

const kept = new Map<WorkspacePurpose, Float64Array>();
const lent = new Set<WorkspacePurpose>();

/**
 * Lend `doubles` values for `purpose`: the kept buffer when it is free and large enough, else a new one
 * (kept for the next call when it fits in {@link RETAIN_BYTES}).
 */
export function borrowWorkspace(purpose: WorkspacePurpose, doubles: number): Workspace {
  if (lent.has(purpose) || 8 * doubles > RETAIN_BYTES) return { data: new Float64Array(doubles), release() {} };
  let buf = kept.get(purpose);
  if (buf === undefined || buf.length < doubles) {
    kept.delete(purpose); // the old buffer can be collected before the new one is touched
    buf = new Float64Array(doubles);
    kept.set(purpose, buf);
  }
  lent.add(purpose);
  let open = true;
  return {
    data: buf.subarray(0, doubles),
    release() {
      if (open) lent.delete(purpose);
      open = false;
    },
  };
}

/** Drop the kept buffers (those lent now stay valid for their borrower and are not kept). */
export function dropWorkspaces(): void {
  kept.clear();
}
