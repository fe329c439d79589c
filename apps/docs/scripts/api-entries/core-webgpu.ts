/**
 * An opt-in WebGPU compute backend in f32 (browsers, or Node with the optional `webgpu` package): the
 * fused ResNet forward pass and fixed-step ODE solves, Euler–Maruyama with Philox4x32-10 normals and
 * particle histograms, plus the CPU twin of its random numbers.
 * @module @kinetic-nde/core/webgpu
 */
export * from "@kinetic-nde/core/webgpu";
