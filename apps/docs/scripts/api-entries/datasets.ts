/**
 * @module @kinetic-nde/datasets
 */
export * from "@kinetic-nde/datasets";
