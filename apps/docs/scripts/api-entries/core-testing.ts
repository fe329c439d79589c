/**
 * Numerical comparison helpers: elementwise closeness with a report of the worst element, observed
 * convergence orders, and a check that a call throws a given `KineticError` code.
 * @module @kinetic-nde/core/testing
 */
export * from "@kinetic-nde/core/testing";
