/**
 * For kinetic-nde's own packages (not a stable API): the one mechanism that defines the WebAssembly
 * SIMD kernels (named locals, compiled once, one switch for every kernel).
 * @module @kinetic-nde/core/wasm
 */
export * from "@kinetic-nde/core/wasm";
