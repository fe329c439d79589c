/**
 * @module @kinetic-nde/core
 */
export * from "@kinetic-nde/core";
