/**
 * @module @kinetic-nde/mean-field
 */
export * from "@kinetic-nde/mean-field";
