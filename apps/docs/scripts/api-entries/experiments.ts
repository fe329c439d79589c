/**
 * @module @kinetic-nde/experiments
 */
export * from "@kinetic-nde/experiments";
