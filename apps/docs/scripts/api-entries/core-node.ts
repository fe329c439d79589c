/**
 * Node-only additions to `@kinetic-nde/core`: multi-core particle solves with `worker_threads`,
 * bit-identical to the single-thread solvers.
 * @module @kinetic-nde/core/node
 */
export * from "@kinetic-nde/core/node";
