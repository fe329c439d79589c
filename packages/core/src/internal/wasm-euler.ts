/**
 * WebAssembly SIMD (f64x2) kernels for the ResNet/Euler update with tanh in one and two dimensions,
 * built with the project's assembler (`../wasm`). Each lane performs exactly the IEEE-754 operations
 * of the JavaScript kernels (`eulerTanh1D`, `eulerTanh2D` and `tanhFast`), so results are
 * bit-identical to the JavaScript path; WebAssembly arithmetic is deterministic, unlike a native fused
 * multiply-add.
 *
 * Four vectors per loop iteration with their tanh evaluations interleaved step by step (see UNROLL).
 * Two kernels per dimension: a single step over all particles (`s1`, `s2`), and a batch of steps
 * (`m1`, `m2`) that runs tile by tile — a tile of 2048 values (16 KiB, resident in the L1 cache) goes
 * through every step of the batch before the next tile is loaded, so a 100-layer network streams the
 * ensemble through memory once instead of 100 times. Particles are independent, so the tiled order
 * gives the same numbers as the step-by-step order.
 *
 * The module is compiled synchronously on first use and used only where WebAssembly with SIMD
 * validates; otherwise callers keep the JavaScript kernels. It works the same in Node and in browsers
 * (including Web Workers). Memory: bytes [0, 28808) the tanh table; [32768, 163840) the batch
 * schedule (up to {@link WASM_BATCH_STEPS} steps of 64 bytes); particles from byte 163840 on.
 * Not exported from the package.
 * @packageDocumentation
 */
import { ConstantPool, ensureMemory, op, unrolledLoops, type Constants, type WasmFunction } from "../wasm/assembler.js";
import { defineKernelModule, kernelFunction } from "../wasm/kernel.js";
import { declareTanhLanes, interleavedTanh, writeTanhTable, type TanhLocals } from "../wasm/tanh.js";
import { eulerTanh1D, eulerTanh2D } from "./kernels.js";
import { tanhFast } from "./tanh.js";

const SCHED = 32768;
/** Most steps one batch call takes. */
export const WASM_BATCH_STEPS = 2048;
const DATA = SCHED + 64 * WASM_BATCH_STEPS;
const TILE_BYTES = 16384;
/** Values per call of a batch kernel (8 tiles). */
const CALL_VALUES = 8 * (TILE_BYTES / 8);

const dup0 = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7];
const dup1 = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * Vectors per loop iteration: their tanh evaluations are interleaved step by step, so the processor
 * always has independent work. Measured (W1, W2 per particle-step): 1 vector 2.9 / 6.3 ns, 2 vectors
 * 2.6–2.8 / 5.4–6.1 ns, 4 vectors 2.0–2.1 / 4.4–4.7 ns, 8 vectors 2.7 / 5.5 ns (register spills).
 */
const UNROLL = 4;

/**
 * The Euler/tanh update of the `U` vectors at `p`, `p + 16`, … (2 values each in 1-D, 1 particle in
 * 2-D), with coefficients in v128 locals: 1-D c0 = w, bv = b; 2-D c0 = (w00, w10), c1 = (w01, w11),
 * bv = (b0, b1); hv = h. Vector j uses the locals v = V(j) and the tanh set T(j).
 */
function update(
  kind: 1 | 2,
  U: number,
  p: number,
  V: (j: number) => number,
  T: (j: number) => TanhLocals,
  c0: number,
  c1: number,
  bv: number,
  hv: number,
  k: Constants,
): number[] {
  const c: number[] = [];
  for (let j = 0; j < U; j++) {
    const v = V(j);
    c.push(...op.get(p), ...op.v128Load(16 * j), ...op.set(v));
    if (kind === 1) {
      c.push(...op.get(c0), ...op.get(v), ...op.f64x2Mul, ...op.get(bv), ...op.f64x2Add, ...op.set(T(j).z));
    } else {
      c.push(...op.get(c0), ...op.get(v), ...op.get(v), ...op.shuffle(dup0), ...op.f64x2Mul);
      c.push(
        ...op.get(c1),
        ...op.get(v),
        ...op.get(v),
        ...op.shuffle(dup1),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.get(bv),
        ...op.f64x2Add,
        ...op.set(T(j).z),
      );
    }
  }
  c.push(
    ...interleavedTanh(
      Array.from({ length: U }, (_, j) => T(j)),
      0,
      k,
    ),
  );
  for (let j = 0; j < U; j++)
    c.push(...op.get(p), ...op.get(V(j)), ...op.get(hv), ...op.get(T(j).q), ...op.f64x2Mul, ...op.f64x2Add, ...op.v128Store(16 * j));
  return c;
}

/** acc += |v| for the vectors from `from` to `to` (locals, byte addresses). */
function absSum(from: number, to: number, p: number, acc: number): number[] {
  return [
    ...op.get(from),
    ...op.set(p),
    ...op.block,
    ...op.loop,
    ...op.get(p),
    ...op.get(to),
    ...op.i32GeU,
    ...op.brIf(1),
    ...op.get(acc),
    ...op.get(p),
    ...op.v128Load(0),
    ...op.f64x2Abs,
    ...op.f64x2Add,
    ...op.set(acc),
    ...op.get(p),
    ...op.i32(16),
    ...op.i32Add,
    ...op.set(p),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** Lanes of `acc` summed, in lane order, left on the stack. */
const laneSum = (acc: number): number[] => [...op.get(acc), ...op.f64x2Extract(0), ...op.get(acc), ...op.f64x2Extract(1), ...op.f64Add];

/**
 * A kernel: params (sched, nSteps, ptr, n) — the schedule address, its step count (the single-step
 * kernel reads step 0), the particle address and the value count (a multiple of 2) — and the
 * locals i32 end, tEnd, p, s, sp; v128 acc, c0, c1, bv, hv, the vectors with their tanh scratch
 * sets, and the constant pool.
 */
function kernel(kind: 1 | 2, batch: boolean): WasmFunction {
  const signature = {
    params: { sched: "i32", nSteps: "i32", ptr: "i32", n: "i32" },
    results: ["f64"],
    locals: { end: "i32", tEnd: "i32", p: "i32", s: "i32", sp: "i32", acc: "v128", c0: "v128", c1: "v128", bv: "v128", hv: "v128" },
  } as const;
  return kernelFunction(
    `${batch ? "m" : "s"}${kind}`,
    signature,
    ({ sched, nSteps, ptr, n, end, tEnd, p, s, sp, acc, c0, c1, bv, hv }, more) => {
      const { V, T } = declareTanhLanes(more, UNROLL, "v"); // vector j's value V(j) and its tanh set T(j)
      const pool = new ConstantPool(more);
      const K: Constants = pool;
      const loadStep = (): number[] => {
        // coefficients of the step at sp: 1-D (w, b, h) splatted; 2-D v128 loads of the stored pairs
        if (kind === 1)
          return [
            ...op.get(sp),
            ...op.f64Load(0),
            ...op.f64x2Splat,
            ...op.set(c0),
            ...op.get(sp),
            ...op.f64Load(8),
            ...op.f64x2Splat,
            ...op.set(bv),
            ...op.get(sp),
            ...op.f64Load(16),
            ...op.f64x2Splat,
            ...op.set(hv),
          ];
        return [
          ...op.get(sp),
          ...op.v128Load(0),
          ...op.set(c0),
          ...op.get(sp),
          ...op.v128Load(16),
          ...op.set(c1),
          ...op.get(sp),
          ...op.v128Load(32),
          ...op.set(bv),
          ...op.get(sp),
          ...op.v128Load(48),
          ...op.set(hv),
        ];
      };
      // UNROLL vectors per iteration while that many remain, then one at a time
      const sweep = (from: number, to: number): number[] => [
        ...op.get(from),
        ...op.set(p),
        ...unrolledLoops(p, to, 16, UNROLL, (count) => update(kind, count, p, V, T, c0, c1, bv, hv, K)),
      ];
      const c: number[] = [];
      // end = ptr + n·8
      c.push(...op.get(ptr), ...op.get(n), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.set(end));
      if (!batch) {
        c.push(...op.get(sched), ...op.set(sp), ...loadStep(), ...sweep(ptr, end), ...absSum(ptr, end, p, acc));
      } else {
        // for each tile [ptr, tEnd): for each step s: sweep the tile; then acc += |tile|
        c.push(...op.block, ...op.loop);
        c.push(...op.get(ptr), ...op.get(end), ...op.i32GeU, ...op.brIf(1));
        c.push(...op.get(ptr), ...op.i32(TILE_BYTES), ...op.i32Add, ...op.tee(tEnd), ...op.get(end), ...op.i32GtS, ...op.if);
        c.push(...op.get(end), ...op.set(tEnd), ...op.end);
        c.push(...op.get(sched), ...op.set(sp), ...op.i32(0), ...op.set(s));
        c.push(...op.block, ...op.loop);
        c.push(...op.get(s), ...op.get(nSteps), ...op.i32GeU, ...op.brIf(1));
        c.push(...loadStep(), ...sweep(ptr, tEnd));
        c.push(...op.get(sp), ...op.i32(64), ...op.i32Add, ...op.set(sp), ...op.get(s), ...op.i32(1), ...op.i32Add, ...op.set(s));
        c.push(...op.br(0), ...op.end, ...op.end);
        c.push(...absSum(ptr, tEnd, p, acc));
        c.push(...op.get(tEnd), ...op.set(ptr));
        c.push(...op.br(0), ...op.end, ...op.end);
      }
      c.push(...laneSum(acc));
      return [...pool.init(), ...c];
    },
  );
}

/**
 * em(x, y, xi, n, w, c, h, kS): one Euler–Maruyama step with tanh drift for n values (even):
 * y = (x + h·tanh(w·x + c)) + kS·ξ, the operations of the JavaScript SDE kernel; returns Σ|y| (the
 * blow-up probe). Four vectors per iteration with interleaved tanh, like the Euler kernels.
 */
function emKernel(): WasmFunction {
  const signature = {
    params: { x: "i32", y: "i32", xi: "i32", n: "i32", w: "f64", c: "f64", h: "f64", ks: "f64" },
    results: ["f64"],
    locals: { end: "i32", acc: "v128", wv: "v128", cv: "v128", hv: "v128", kv: "v128" },
  } as const;
  return kernelFunction("em", signature, ({ x, y, xi, n, w, c, h, ks, end, acc, wv, cv, hv, kv }, more) => {
    const { V, T } = declareTanhLanes(more, UNROLL, "v"); // vector j's value V(j) and its tanh set T(j)
    const pool = new ConstantPool(more);
    const update = (count: number): number[] => {
      const b: number[] = [];
      for (let j = 0; j < count; j++) {
        b.push(...op.get(x), ...op.v128Load(16 * j), ...op.set(V(j)));
        b.push(...op.get(wv), ...op.get(V(j)), ...op.f64x2Mul, ...op.get(cv), ...op.f64x2Add, ...op.set(T(j).z));
      }
      b.push(
        ...interleavedTanh(
          Array.from({ length: count }, (_, j) => T(j)),
          0,
          pool,
        ),
      );
      for (let j = 0; j < count; j++) {
        b.push(...op.get(y), ...op.get(V(j)), ...op.get(hv), ...op.get(T(j).q), ...op.f64x2Mul, ...op.f64x2Add);
        b.push(
          ...op.get(kv),
          ...op.get(xi),
          ...op.v128Load(16 * j),
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...op.tee(T(j).e),
          ...op.v128Store(16 * j),
        );
        b.push(...op.get(acc), ...op.get(T(j).e), ...op.f64x2Abs, ...op.f64x2Add, ...op.set(acc));
      }
      return b;
    };
    const advance = (bytes: number): number[] => [x, y, xi].flatMap((l) => [...op.get(l), ...op.i32(bytes), ...op.i32Add, ...op.set(l)]);
    const body = [
      ...op.get(w),
      ...op.f64x2Splat,
      ...op.set(wv),
      ...op.get(c),
      ...op.f64x2Splat,
      ...op.set(cv),
      ...op.get(h),
      ...op.f64x2Splat,
      ...op.set(hv),
      ...op.get(ks),
      ...op.f64x2Splat,
      ...op.set(kv),
      ...op.get(x),
      ...op.get(n),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.set(end),
      ...unrolledLoops(x, end, 16, UNROLL, update, advance),
      ...laneSum(acc),
    ];
    return [...pool.init(), ...body];
  });
}

interface Kernels {
  readonly mem: WebAssembly.Memory;
  readonly s1: (sched: number, nSteps: number, ptr: number, n: number) => number;
  readonly s2: (sched: number, nSteps: number, ptr: number, n: number) => number;
  readonly m1: (sched: number, nSteps: number, ptr: number, n: number) => number;
  readonly m2: (sched: number, nSteps: number, ptr: number, n: number) => number;
  readonly em: (x: number, y: number, xi: number, n: number, w: number, c: number, h: number, kS: number) => number;
}

/** The module: the tanh table written into each instance's memory. */
const EULER = defineKernelModule<Kernels>({
  memoryPages: Math.ceil(DATA / 65536) + 1,
  functions: () => [kernel(1, false), kernel(2, false), kernel(1, true), kernel(2, true), emKernel()],
  setup: (k) => writeTanhTable(k.mem, 0),
});

/**
 * The assembled module's bytes (for tests).
 * @returns the bytes
 */
export function wasmEulerModuleBytes(): Uint8Array<ArrayBuffer> {
  return EULER.bytes();
}

/**
 * A working buffer of n doubles inside the kernels' memory (grown as needed; valid until the next
 * call), or null when the WebAssembly kernels are unavailable.
 */
export function wasmWorkBuffer(n: number): Float64Array | null {
  const k = EULER.instance();
  if (k === null || !ensureMemory(k.mem, DATA + 8 * (n + 2))) return null;
  return new Float64Array(k.mem.buffer, DATA, n);
}

/** True when `x` is a buffer returned by {@link wasmWorkBuffer} (and still attached). */
export function isWasmBuffer(x: Float64Array): boolean {
  const k = EULER.created();
  return k !== null && x.buffer === k.mem.buffer && x.byteOffset === DATA;
}

/** Write step `i` of a schedule (1-D: w, b, h; 2-D: (w00, w10), (w01, w11), (b0, b1), (h, h)). */
function writeStep(d: number, W: Float64Array, b: Float64Array, layer: number, h: number, i: number): void {
  const m = new Float64Array(EULER.created()!.mem.buffer, SCHED + 64 * i, 8);
  if (d === 1) {
    m[0] = W[layer]!;
    m[1] = b[layer]!;
    m[2] = h;
  } else {
    const o = 4 * layer;
    m[0] = W[o]!;
    m[1] = W[o + 2]!;
    m[2] = W[o + 1]!;
    m[3] = W[o + 3]!;
    m[4] = b[2 * layer]!;
    m[5] = b[2 * layer + 1]!;
    m[6] = h;
    m[7] = h;
  }
}

/**
 * In-place Euler/tanh step on a {@link wasmWorkBuffer} of n values: x ← x + h tanh(W x + b) with
 * layer `layer` (d = 1 or 2).
 * @returns -1 when every result is finite and ≤ 1e150 in magnitude, otherwise 0 (caller scans)
 */
export function wasmEulerTanhStep(
  d: number,
  W: Float64Array,
  b: Float64Array,
  layer: number,
  h: number,
  x: Float64Array,
  n: number,
): number {
  writeStep(d, W, b, layer, h, 0);
  const main = n - (n & 1); // one vector (2 values) per iteration
  const k = EULER.created()!;
  let acc = main > 0 ? (d === 1 ? k.s1 : k.s2)(SCHED, 1, DATA, main) : 0;
  if (main < n) {
    const tail = x.subarray(main, n);
    const bad = d === 1 ? eulerTanh1D(W[layer]!, b[layer]!, h, tail, tail, n - main) : eulerTanh2D(W, b, layer, h, tail, tail, n - main);
    if (bad >= 0) acc = Infinity;
  }
  return acc <= 1e150 ? -1 : 0;
}

/**
 * A batch of in-place Euler/tanh steps (layer `layers[i]`, size `hs[i]`, i < count ≤
 * {@link WASM_BATCH_STEPS}) on a {@link wasmWorkBuffer}, tile by tile. Bit-identical to `count`
 * calls of {@link wasmEulerTanhStep} when no value overflows.
 * @returns -1 when every final value is finite and ≤ 1e150 in magnitude, otherwise 0 — the caller
 *   then replays the steps one by one to locate the failure (the batch gives no intermediate states)
 */
export function wasmEulerTanhBatch(
  d: number,
  W: Float64Array,
  b: Float64Array,
  layers: Int32Array,
  hs: Float64Array,
  count: number,
  x: Float64Array,
  n: number,
): number {
  for (let i = 0; i < count; i++) writeStep(d, W, b, layers[i]!, hs[i]!, i);
  const main = n - (n & 1);
  const k = EULER.created()!;
  const f = d === 1 ? k.m1 : k.m2;
  // Several calls of CALL_VALUES values rather than one: V8 first runs a WebAssembly function with
  // its baseline compiler and swaps in the optimised code only between calls (measured: a single call
  // over 10⁶ values ran at 5.6 ns per step instead of 2.1).
  let acc = 0;
  for (let i = 0; i < main; i += CALL_VALUES) acc += f(SCHED, count, DATA + 8 * i, Math.min(CALL_VALUES, main - i));
  if (main < n) {
    const tail = x.subarray(main, n);
    for (let i = 0; i < count; i++) {
      const bad =
        d === 1
          ? eulerTanh1D(W[layers[i]!]!, b[layers[i]!]!, hs[i]!, tail, tail, n - main)
          : eulerTanh2D(W, b, layers[i]!, hs[i]!, tail, tail, n - main);
      if (bad >= 0) acc = Infinity;
    }
  }
  return acc <= 1e150 ? -1 : 0;
}

/** Most particles per call of {@link wasmEulerMaruyamaTanh} (three buffers of this size fit the schedule region). */
export const WASM_SDE_BLOCK = 4096;

/**
 * Three buffers of m ≤ {@link WASM_SDE_BLOCK} doubles in the kernels' memory for
 * {@link wasmEulerMaruyamaTanh} (in the schedule region: SDE and ODE solves never interleave), or null
 * when the WebAssembly kernels are unavailable or disabled.
 */
export function wasmSdeBuffers(m: number): [Float64Array, Float64Array, Float64Array] | null {
  if (m > WASM_SDE_BLOCK) return null;
  const k = EULER.instance();
  if (k === null) return null;
  return [0, 1, 2].map((i) => new Float64Array(k.mem.buffer, SCHED + 8 * WASM_SDE_BLOCK * i, m)) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
}

/**
 * One Euler–Maruyama step with tanh drift on buffers from {@link wasmSdeBuffers}:
 * y = x + h·tanh(w·x + c) + kS·ξ (exactly the JavaScript kernel's operations) for m values.
 * @returns Σ|y| (NaN or > 1e150 when some value blew up)
 */
export function wasmEulerMaruyamaTanh(
  x: Float64Array,
  y: Float64Array,
  xi: Float64Array,
  m: number,
  w: number,
  c: number,
  h: number,
  kS: number,
): number {
  const main = m - (m & 1);
  let acc = main > 0 ? EULER.created()!.em(x.byteOffset, y.byteOffset, xi.byteOffset, main, w, c, h, kS) : 0;
  if (main < m) {
    const v = x[main]!;
    const r = v + h * tanhFast(w * v + c) + kS * xi[main]!;
    y[main] = r;
    acc += Math.abs(r);
  }
  return acc;
}
