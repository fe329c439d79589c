/**
 * `@kinetic-nde/experiments/plot`: the one figure renderer of the CLI and the docs site (Observable
 * Plot), kept out of the main entry so that importing the catalogue does not load Plot.
 * @packageDocumentation
 */
export * from "./figure.js";
export * from "./palette.js";
export * from "./ticks.js";
