/**
 * The building blocks of the WebAssembly SIMD kernels: a minimal assembler and a bit-exact f64x2 tanh.
 * @module @kinetic-nde/core/wasm
 */
export * from "@kinetic-nde/core/wasm";
