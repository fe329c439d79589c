/**
 * @module @kinetic-nde/moments
 */
export * from "@kinetic-nde/moments";
