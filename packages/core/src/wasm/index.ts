/**
 * `@kinetic-nde/core/wasm`: for kinetic-nde's own packages, not a public API (it may change in any
 * release). The one mechanism by which every package defines its WebAssembly kernels — functions
 * with named, typed locals (`kernelFunction`), modules compiled once on first use
 * (`defineKernelModule`), one switch for every kernel (`setWasmKernelsEnabled`) — with the
 * instruction encoders (`op`) and `ensureMemory` the kernel bodies need. The assembler itself stays
 * inside core.
 * @internal
 * @packageDocumentation
 */
export { ensureMemory, op, type WasmFunction } from "./assembler.js";
export {
  defineKernelModule,
  kernelFunction,
  setWasmKernelsEnabled,
  wasmKernelsAvailable,
  wasmKernelsEnabled,
  type KernelModule,
  type KernelModuleSpec,
  type KernelSignature,
  type KernelVars,
  type LocalDeclarations,
  type ValueType,
} from "./kernel.js";
