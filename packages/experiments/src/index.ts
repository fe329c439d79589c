export * from "./types.js";
export * from "./checks.js";
export * from "./config.js";
export * from "./serialize.js";
export * from "./registry.js";
export * from "./tools.js";
export * from "./experiments.js";
