/**
 * The part of the WebGPU API this backend uses, declared structurally so that the package needs
 * neither the DOM's WebGPU declarations nor `@webgpu/types`: a browser's `navigator.gpu`, Dawn's
 * `webgpu` package for Node and their adapters and devices all satisfy these interfaces.
 * @packageDocumentation
 */

/** Buffer usage flags (the values of the WebGPU `GPUBufferUsage` namespace). */
export const BUFFER_USAGE = Object.freeze({
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
});

/** `GPUMapMode.READ`. */
export const MAP_MODE_READ = 0x0001;

/** A `GPUBuffer`. */
export interface GpuBufferLike {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<unknown>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** A `GPUComputePassEncoder`. */
export interface GpuComputePassLike {
  setPipeline(pipeline: unknown): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A `GPUCommandEncoder`. */
export interface GpuCommandEncoderLike {
  beginComputePass(descriptor?: object): GpuComputePassLike;
  copyBufferToBuffer(
    source: GpuBufferLike,
    sourceOffset: number,
    destination: GpuBufferLike,
    destinationOffset: number,
    size: number,
  ): void;
  clearBuffer(buffer: GpuBufferLike, offset?: number, size?: number): void;
  finish(): unknown;
}

/** A `GPUComputePipeline`. */
export interface GpuComputePipelineLike {
  getBindGroupLayout(index: number): unknown;
}

/** The limits this backend reads (a subset of `GPUSupportedLimits`). */
export interface GpuLimitsLike {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
}

/** A `GPUError` as returned by `popErrorScope`. */
export interface GpuErrorLike {
  readonly message: string;
}

/** A `GPUDevice`. */
export interface GpuDeviceLike {
  readonly limits: GpuLimitsLike;
  readonly queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: ArrayBufferView | ArrayBuffer): void;
    submit(commands: readonly unknown[]): void;
    onSubmittedWorkDone(): Promise<unknown>;
  };
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): GpuBufferLike;
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: {
    layout: "auto";
    compute: { module: never; entryPoint: string };
    label?: string;
  }): GpuComputePipelineLike;
  createBindGroup(descriptor: {
    layout: never;
    entries: readonly { binding: number; resource: { buffer: GpuBufferLike; offset?: number; size?: number } }[];
  }): unknown;
  createCommandEncoder(descriptor?: object): GpuCommandEncoderLike;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<GpuErrorLike | null>;
  destroy(): void;
}

/** Adapter information (`GPUAdapterInfo`). */
export interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}

/** A `GPUAdapter`. */
export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly limits: GpuLimitsLike;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; label?: string }): Promise<GpuDeviceLike>;
}

/** The `navigator.gpu` object (`GPU`). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: "low-power" | "high-performance" }): Promise<GpuAdapterLike | null>;
}
