/**
 * @module @kinetic-nde/fokker-planck
 */
export * from "@kinetic-nde/fokker-planck";
