/**
 * `@kinetic-nde/core/webgpu`: an opt-in WebGPU compute backend in f32 for large particle ensembles
 * (fused ResNet forward pass and fixed-step ODE solves, Euler–Maruyama with Philox4x32-10 normals,
 * histograms, upwind and MUSCL advection steps, explicit Chang–Cooper Fokker–Planck steps), plus the
 * CPU twin of its random numbers. The f64 CPU solvers remain the default.
 * @packageDocumentation
 */
export {
  createWebGpuBackend,
  GPU_MAX_DIMENSION,
  type GpuAdapterSummary,
  type GpuAdvectOptions,
  type GpuAdvectResult,
  type GpuChangCooperCoefficients,
  type GpuChangCooperCoefficients2D,
  type GpuFaceCoefficients,
  type GpuFokkerPlanckOptions,
  type GpuFokkerPlanckResult,
  type GpuHistogramGrid,
  type GpuHistogramResult,
  type GpuMusclOptions,
  type GpuOdeOptions,
  type GpuOdeResult,
  type GpuSdeOptions,
  type GpuSdeResult,
  type WebGpuBackend,
  type WebGpuBackendOptions,
} from "./backend.js";
export type {
  GpuAdapterInfoLike,
  GpuAdapterLike,
  GpuBufferLike,
  GpuCommandEncoderLike,
  GpuComputePassLike,
  GpuComputePipelineLike,
  GpuDeviceLike,
  GpuErrorLike,
  GpuLike,
  GpuLimitsLike,
} from "./gpu-types.js";
export { philox4x32, philoxNormals } from "./philox.js";
export {
  GPU_BLOW_UP_THRESHOLD,
  type GpuActivationKind,
  type GpuLimiter,
  type GpuOdeMethod,
  type GpuTimeStepper,
} from "./wgsl.js";
