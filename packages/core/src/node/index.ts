/**
 * `@kinetic-nde/core/node`: Node-only additions to `@kinetic-nde/core` — multi-core particle solves
 * with `worker_threads`, bit-identical to the single-thread solvers. The browser build never imports
 * this entry.
 * @packageDocumentation
 */
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from "./parallel.js";
