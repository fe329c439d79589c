/**
 * `@kinetic-nde/core/wasm`: the building blocks of the WebAssembly SIMD kernels of kinetic-nde (a
 * minimal assembler and a bit-exact f64x2 tanh). The solvers use them internally; they are exported
 * for the sibling packages and for users who write their own kernels. Low-level: no validation.
 * @packageDocumentation
 */
export * from "./assembler.js";
export * from "./tanh.js";
