/**
 * Multi-core particle solves for Node: a pool of `worker_threads` that splits an ensemble into
 * contiguous chunks and solves each with the single-thread solver. Particles evolve independently
 * under fixed-step methods and each particle draws its noise from its own random stream, so the
 * results are bit-identical to `solveOde` / `solveSde` on the whole ensemble (tested), for any
 * number of threads.
 * @packageDocumentation
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { KineticError } from "../errors.js";
import type { NetworkParams } from "../network.js";
import { solveOde, solveOdeInto, type OdeOptions, type OdeResult } from "../ode.js";
import { solveSde, type SdeOptions, type SdeResult } from "../sde.js";
import { requireInteger } from "../validate.js";
import { paramsToData, solveChunk, type ChunkResult, type ParamsData } from "./chunk.js";

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Threads in total, the calling thread included (it solves one chunk itself) [`os.availableParallelism()`]. */
  readonly threads?: number;
  /** Fewest particles per chunk; smaller ensembles use fewer threads [4096]. */
  readonly minChunk?: number;
  /**
   * The worker script, for applications bundled into one file, where the library's `worker.js` no
   * longer lies next to the code that starts the workers: a file URL or an absolute path of
   * `@kinetic-nde/core/node/worker`, bundled or copied beside the application (see the README)
   * [the `worker.js` next to this module].
   */
  readonly workerFile?: URL | string;
}

/** A pool of worker threads for particle solves; see {@link createWorkerPool}. */
export interface WorkerPool {
  /** Threads in total (workers + the calling thread). */
  readonly threads: number;
  /** Resolves when every worker has loaded the library (call before timing). Solves on one pool run one at a time; concurrent calls queue. */
  ready(): Promise<void>;
  /**
   * {@link solveOde} split over the pool; bit-identical to it. Adaptive `dopri5` (one step size for
   * the whole ensemble) and user-defined activations run on the calling thread.
   */
  solveOde(params: NetworkParams, x0: Float64Array, options?: OdeOptions): Promise<OdeResult>;
  /**
   * {@link solveOdeInto} split over the pool: the result is written into `out` (which may be `x0`
   * itself), with no fresh arrays for the ensemble; `null` allocates like {@link WorkerPool.solveOde}.
   */
  solveOdeInto(params: NetworkParams, x0: Float64Array, out: Float64Array | null, options?: OdeOptions): Promise<OdeResult>;
  /**
   * {@link solveSde} split over the pool (chunk k uses the streams of its particles); bit-identical to
   * it. Given Brownian increments, noise models defined by functions and user-defined activations run
   * on the calling thread.
   */
  solveSde(params: NetworkParams, x0: Float64Array, options?: SdeOptions): Promise<SdeResult>;
  /** Stop the workers. The pool cannot be used afterwards. */
  close(): Promise<void>;
}

interface Pending {
  resolve(v: ChunkResult | undefined): void;
  reject(e: unknown): void;
}

/** The worker script: the given file, else the built `worker.js` next to this file, or in a TypeScript checkout the source through tsx. */
function spawnWorker(workerFile: URL | string | undefined): Worker {
  if (workerFile !== undefined) return new Worker(workerFile);
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    // Development and tests run on the sources: load the TypeScript worker through tsx's loader.
    const req = createRequire(here);
    const api = pathToFileURL(req.resolve("tsx/package.json").replace(/package\.json$/, "dist/esm/api/index.mjs")).href;
    const target = new URL("./worker.ts", here).href;
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL("./worker.js", here));
}

/**
 * Create a pool of worker threads for multi-core particle solves (Node only; import from
 * `@kinetic-nde/core/node`). The workers are unreferenced while idle, so an open pool does not keep
 * the process alive.
 * @param options - thread count (default: the machine's available parallelism), smallest chunk and,
 *   in a bundled application, the worker script
 * @returns the pool
 * @throws KineticError INVALID_ARGUMENT for a thread count that is not an integer in [1, 256], or a
 *   `workerFile` that is neither a URL nor a non-empty string
 * @remarks Cost: one chunk per thread, copied to and from its worker (about 1 ms per 10⁶ values);
 *   worth it from about 10⁵ particle-steps per thread. Results do not depend on the thread count.
 * @example
 * ```ts
 * const pool = createWorkerPool();
 * const r = await pool.solveOde(net, x0, { method: "euler" });
 * await pool.close();
 * ```
 */
export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const threads =
    options.threads === undefined ? Math.max(1, availableParallelism()) : requireInteger("options.threads", options.threads, 1, 256);
  const minChunk = options.minChunk === undefined ? 4096 : requireInteger("options.minChunk", options.minChunk, 1);
  const workerFile = options.workerFile;
  if (workerFile !== undefined && !(workerFile instanceof URL) && !(typeof workerFile === "string" && workerFile !== "")) {
    throw new KineticError(
      "INVALID_ARGUMENT",
      `invalid argument: \`options.workerFile\` must be a URL or a non-empty path; got ${String(workerFile)}`,
    );
  }
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  let busy = 0;

  const onMessage = (m: {
    id: number;
    ok: boolean;
    res?: ChunkResult;
    error?: { name?: string; message: string; code?: unknown };
  }): void => {
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (--busy === 0) for (const w of workers) w.unref();
    if (m.ok) p.resolve(m.res);
    else if (typeof m.error?.code === "string") p.reject(new KineticError(m.error.code as never, m.error.message));
    else p.reject(new KineticError("SOLVER_FAILED", `worker failed: ${m.error?.message ?? "unknown error"}`));
  };
  let broken: string | null = null;
  const onError = (e: unknown): void => {
    // A worker that throws outside a request has stopped: fail what is pending and every later call.
    broken = e instanceof Error ? e.message : String(e);
    for (const p of pending.values())
      p.reject(new KineticError("SOLVER_FAILED", `worker failed: ${e instanceof Error ? e.message : String(e)}`));
    pending.clear();
  };
  for (let i = 0; i < threads - 1; i++) {
    const w = spawnWorker(workerFile);
    w.on("message", onMessage);
    w.on("error", onError);
    w.unref();
    workers.push(w);
  }
  const call = (w: Worker, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<ChunkResult | undefined> => {
    if (closed) return Promise.reject(new KineticError("INVALID_ARGUMENT", "invalid argument: the worker pool is closed"));
    if (broken !== null) return Promise.reject(new KineticError("SOLVER_FAILED", `a worker of this pool failed: ${broken}`));
    const id = nextId++;
    if (busy++ === 0) for (const x of workers) x.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ ...msg, id }, transfer);
    });
  };

  // One shared scratch buffer per worker, reused across calls (grown as needed): an ODE chunk is
  // copied in, solved in place by the worker, and copied out.
  const scratch: (SharedArrayBuffer | null)[] = workers.map(() => null);
  const scratchView = (w: number, n: number): Float64Array => {
    let b = scratch[w] ?? null;
    if (b === null || b.byteLength < 8 * n) scratch[w] = b = new SharedArrayBuffer(8 * n);
    return new Float64Array(b, 0, n);
  };

  let ownScratch = new Float64Array(0);

  /**
   * ODE over the pool: every chunk is solved in a reused scratch buffer (chunk 0 on the calling
   * thread, the others in shared memory by the workers) and copied into `x` only when every chunk
   * succeeded, so `x0` is intact for a single-thread replay even when `x` is `x0`.
   */
  async function runOde(
    params: NetworkParams,
    x0: Float64Array,
    x: Float64Array,
    options: OdeOptions,
    data: ParamsData,
  ): Promise<{ parts: ChunkResult[]; bounds: number[] } | null> {
    const d = params.d;
    const bounds = split(x0.length / d);
    const k = bounds.length - 1;
    const views: Float64Array[] = [];
    const jobs: Promise<ChunkResult | undefined>[] = [];
    for (let c = 1; c < k; c++) {
      const v = scratchView(c - 1, (bounds[c + 1]! - bounds[c]!) * d);
      v.set(x0.subarray(bounds[c]! * d, bounds[c + 1]! * d));
      views.push(v);
      jobs.push(call(workers[c - 1]!, { kind: "ode-shared", params: data, buffer: v.buffer, n: v.length, options }));
    }
    const n0 = bounds[1]! * d;
    if (ownScratch.length < n0) ownScratch = new Float64Array(n0);
    const mine = ownScratch.subarray(0, n0);
    let own: OdeResult;
    try {
      own = solveOdeInto(params, x0.subarray(0, n0), mine, options);
    } catch (e) {
      await Promise.allSettled(jobs); // the workers fail the same way; wait for them, report once
      throw e;
    }
    const rest = (await Promise.all(jobs)) as ChunkResult[];
    const ownPart: ChunkResult = {
      x: mine,
      saved: own.saved,
      t: own.t,
      h: 0,
      saveAt: own.saveAt,
      status: own.status,
      failedParticle: own.failedParticle,
      stats: { ...own.stats },
    };
    const parts = [ownPart, ...rest];
    if (parts.some((p) => p.status !== "success")) return null;
    x.set(mine, 0);
    views.forEach((v, i) => x.set(v, bounds[i + 1]! * d));
    return { parts, bounds };
  }

  // Solves run one after another (the scratch buffers are shared): concurrent calls queue up.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(f: () => Promise<T>): Promise<T> => {
    const r = queue.then(f, f);
    queue = r.catch(() => undefined);
    return r;
  };

  /** Chunk boundaries (particle indices) for M particles. */
  const split = (M: number): number[] => {
    const k = Math.max(1, Math.min(threads, Math.floor(M / minChunk)));
    return Array.from({ length: k + 1 }, (_, i) => Math.round((i * M) / k));
  };

  /** SDE over the pool: chunk c (its particles' streams) by worker c - 1, chunk 0 on the calling thread. */
  async function runSde(
    params: NetworkParams,
    x0: Float64Array,
    options: SdeOptions,
    data: ParamsData,
  ): Promise<{ parts: ChunkResult[]; bounds: number[] }> {
    const d = params.d;
    const M = Math.floor(x0.length / d);
    const bounds = split(M);
    const k = bounds.length - 1;
    const jobs: Promise<ChunkResult | undefined>[] = [];
    for (let c = 1; c < k; c++) {
      const chunk = x0.slice(bounds[c]! * d, bounds[c + 1]! * d);
      const opts = { ...options, firstStream: (options.firstStream ?? 0) + bounds[c]! };
      jobs.push(call(workers[c - 1]!, { kind: "sde", params: data, x0: chunk, options: opts }, [chunk.buffer]));
    }
    // The calling thread solves chunk 0 meanwhile.
    let own: ChunkResult;
    try {
      own = solveChunk({ id: 0, kind: "sde", params: data, x0: x0.subarray(0, bounds[1]! * d), options });
    } catch (e) {
      await Promise.allSettled(jobs); // the workers fail the same way; wait for them, report once
      throw e;
    }
    const rest = await Promise.all(jobs);
    return { parts: [own, ...(rest as ChunkResult[])], bounds };
  }

  /** Concatenate the chunks' save slots. */
  const mergeSaved = (parts: ChunkResult[], bounds: number[], d: number): Float64Array => {
    const n = bounds[bounds.length - 1]! * d;
    const nSave = parts[0]!.saveAt.length;
    const saved = new Float64Array(nSave * n);
    if (nSave === 0) return saved;
    parts.forEach((p, c) => {
      const off = bounds[c]! * d;
      const len = (bounds[c + 1]! - bounds[c]!) * d;
      for (let s = 0; s < nSave; s++) saved.set(p.saved.subarray(s * len, (s + 1) * len), s * n + off);
    });
    return saved;
  };

  /** Concatenate chunk results (x and every save slot). */
  const merge = (parts: ChunkResult[], bounds: number[], d: number): { x: Float64Array; saved: Float64Array } => {
    const x = new Float64Array(bounds[bounds.length - 1]! * d);
    parts.forEach((p, c) => x.set(p.x, bounds[c]! * d));
    return { x, saved: mergeSaved(parts, bounds, d) };
  };

  /** Whether to split: otherwise (bad input included: its errors come from the single-thread solver) solve here. */
  const splittable = (x0: Float64Array, d: number): boolean => {
    if (workers.length === 0 || !(x0 instanceof Float64Array) || x0.length === 0 || x0.length % d !== 0) return false;
    for (let i = 0; i < x0.length; i++) if (!Number.isFinite(x0[i])) return false;
    return split(x0.length / d).length > 2;
  };

  async function odeInto(params: NetworkParams, x0: Float64Array, out: Float64Array | null, options: OdeOptions): Promise<OdeResult> {
    const data = paramsToData(params);
    const method = options.method ?? "dopri5";
    const single = (): OdeResult => (out === null ? solveOde(params, x0, options) : solveOdeInto(params, x0, out, options));
    if (
      data === null ||
      method === "dopri5" ||
      !splittable(x0, params.d) ||
      (out !== null && (!(out instanceof Float64Array) || out.length !== x0.length))
    )
      return single();
    const x = out ?? new Float64Array(x0.length);
    const r = await runOde(params, x0, x, options, data);
    // A blow-up stops the whole ensemble at its step in the single-thread solver: redo it there
    // (x0 is still intact).
    if (r === null) return out === null ? solveOde(params, x0, options) : solveOdeInto(params, x0, out, options);
    const { parts, bounds } = r;
    const saved = mergeSaved(parts, bounds, params.d);
    const base = parts[0]!;
    return { x, t: base.t, saveAt: base.saveAt, saved, status: "success", stats: { ...base.stats }, failedParticle: -1 };
  }

  async function sde(params: NetworkParams, x0: Float64Array, options: SdeOptions): Promise<SdeResult> {
    const data = paramsToData(params);
    if (data === null || options.brownian !== undefined || !splittable(x0, params.d)) return solveSde(params, x0, options);
    const { parts, bounds } = await runSde(params, x0, options, data);
    const { x, saved } = merge(parts, bounds, params.d);
    // Earliest failing step; among equal steps the lowest particle index (the single-thread rule).
    let fail = -1;
    let t = parts[0]!.t;
    parts.forEach((p, c) => {
      if (p.failedParticle >= 0 && (fail < 0 || p.t < t)) {
        fail = bounds[c]! + p.failedParticle;
        t = p.t;
      }
    });
    const ref = parts[0]!;
    return {
      x,
      t: fail >= 0 ? t : ref.t,
      h: ref.h,
      saveAt: ref.saveAt,
      saved,
      status: fail >= 0 ? "non-finite" : "success",
      stats: { ...ref.stats, blownUp: countBlownUp(x, params.d) },
      failedParticle: fail,
    };
  }

  return {
    threads,
    async ready(): Promise<void> {
      await Promise.all(workers.map((w) => call(w, { kind: "ping" })));
    },
    solveOde(params, x0, options = {}) {
      return exclusive(() => odeInto(params, x0, null, options));
    },
    solveOdeInto(params, x0, out, options = {}) {
      return exclusive(() => odeInto(params, x0, out, options));
    },
    solveSde(params, x0, options = {}) {
      return exclusive(() => sde(params, x0, options));
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Particles of an SDE ensemble that blew up (NaN, as `solveSde` leaves them). */
function countBlownUp(x: Float64Array, d: number): number {
  let c = 0;
  for (let p = 0; p < x.length; p += d) if (x[p] !== x[p]) c++;
  return c;
}
