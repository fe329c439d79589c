/**
 * The one figure renderer of the CLI report and the docs site (Observable Plot, given a `document`).
 * @module @kinetic-nde/experiments/plot
 */
export * from "@kinetic-nde/experiments/plot";
