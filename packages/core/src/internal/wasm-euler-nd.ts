/**
 * WebAssembly SIMD (f64x2) kernel generator for the fixed-step methods (Euler — the ResNet update —,
 * Heun and RK4) of dx/dt = tanh(W x + b) in d = 3…8 dimensions, for a batch of steps. Two particles
 * share a v128 (particle A in lane 0, particle B in lane 1), so the matrix–vector product needs no
 * horizontal adds and each lane performs exactly the IEEE-754 operations of the TypeScript path
 * (`velocityEnsembleInto`, then the stepper's combination in `ode.ts`): z_r = ((0 + W_r0 y_0) +
 * W_r1 y_1 + … + W_r,d-1 y_d-1) + b_r, then `tanhFast`, then e.g. x_r + h·tanh(z_r) for Euler. The
 * results are bit-identical to that path.
 *
 * A pair of particles stays in registers for every step of the batch (the ensemble is read and
 * written once per batch); each step reads its coefficients, splatted from memory, through a
 * schedule of 32-byte entries: the step size h (f64, offset 0), the byte address of its layer's
 * parameters (i32, offset 8), which hold W row-major (d² values) followed by b (d values), and h/2,
 * h/6 (f64, offsets 16 and 24). The rows' tanh evaluations are interleaved step by step so that the
 * processor always has independent work; in low dimensions two pairs go through the steps together
 * for the same reason.
 *
 * One module per method and dimension, assembled and compiled on first use of that pair (7–11 KB for
 * Euler, 42 KB for RK4 in d = 8; the d ≤ 2 module stays small). Memory of each: bytes [0, 28808) the
 * tanh table; [32768, 98304) the schedule (up to {@link WASM_BATCH_STEPS} entries); the particles
 * from byte 98304 on; behind them the parameters of up to 24 KiB of layers (one pass). Not exported
 * from the package.
 * @packageDocumentation
 */
import { ensureMemory, inlineConstants, op, unrolledLoops, type WasmFunction } from "../wasm/assembler.js";
import { defineKernelModule, kernelFunction } from "../wasm/kernel.js";
import { declareTanhLanes, interleavedTanh, writeTanhTable } from "../wasm/tanh.js";
import { tanhFast } from "./tanh.js";
import { WASM_BATCH_STEPS } from "./wasm-euler.js";

/** Smallest dimension with a kernel here (d = 1, 2 have their own in `wasm-euler.ts`). */
export const ND_MIN = 3;
/** Largest dimension with a kernel (d² coefficient loads per pair and step; beyond it the TypeScript path). */
export const ND_MAX = 8;

/**
 * Pairs of particles that go through the steps together: enough independent tanh evaluations
 * (U·d) to hide their latency without crowding the 16 vector registers of x86-64 beyond repair.
 * Measured (M = 10⁵, L = 20, CPU time, particle-steps/s): two pairs instead of one give d = 3 7.3e7
 * against 5.8e7, d = 4 5.0e7 against 4.4e7, d = 5 3.8e7 against 3.1–3.3e7; from d = 6 on no
 * difference (d = 6, 7, 8: 2.7e7, 2.2e7, 1.8e7 either way), three or four pairs are slower.
 */
export function ndPairsPerIteration(d: number): number {
  return d <= 5 ? 2 : 1;
}

/**
 * tanh evaluations interleaved step by step (more spill registers, fewer leave the processor idle);
 * measured: 2, 3, 4, 6, 8 or all give the same rates within the noise, 4 is kept.
 */
const TANH_GROUP = 4;

/** The fixed-step methods with a kernel, and the velocity evaluations (stages) of one step. */
export const ND_METHODS = { euler: 1, heun: 2, rk4: 4 } as const;
/** A fixed-step method with a kernel. */
export type NdMethod = keyof typeof ND_METHODS;

/**
 * The kernel `n${d}` of one method: params (sched, nSteps, ptr, nPairs) — the schedule address and
 * its step count, the address of the first particle and the number of particle pairs (2·d values
 * each, row-major) — runs every step of the schedule on every pair in place and returns Σ|x| over
 * the final values (NaN or huge when some value blew up). Each step performs, per lane, the
 * operations of the TypeScript path with v = tanh(W y + b): Euler x + h·v(x); Heun
 * x + h2·(k1 + k2) with k2 = v(x + h·k1); RK4 x + h6·(k1 + 2·(k2 + k3) + k4) with the stages at
 * x + h2·k1, x + h2·k2, x + h·k3 — where h2 = h/2 and h6 = h/6 come from the schedule.
 * @param d - dimension in [3, 8]
 * @param method - the fixed-step method
 * @returns the function
 */
export function fixedStepTanhNdKernel(d: number, method: NdMethod = "euler"): WasmFunction {
  const U = ndPairsPerIteration(d);
  const pairBytes = 16 * d;
  const signature = {
    params: { sched: "i32", nSteps: "i32", ptr: "i32", nPairs: "i32" },
    results: ["f64"],
    locals: { end: "i32", p: "i32", sp: "i32", se: "i32", wp: "i32", acc: "v128", hv: "v128", h2v: "v128", h6v: "v128" },
  } as const;
  return kernelFunction(`n${d}`, signature, ({ sched, nSteps, ptr, nPairs, end, p, sp, se, wp, acc, hv, h2v, h6v }, more) => {
    const vectors = (name: string): number[] => Array.from({ length: U * d }, (_, i) => more.add(`${name}${i}`, "v128"));
    const X = vectors("x");
    const stages = ND_METHODS[method];
    const Y = stages > 1 ? vectors("y") : X; // the stage argument
    const K1 = stages > 1 ? vectors("k1") : [];
    const K2 = stages > 2 ? vectors("k2") : [];
    const K3 = stages > 2 ? vectors("k3") : [];
    const { T } = declareTanhLanes(more, U * d, "z");
    const K = inlineConstants; // measured: a ConstantPool gives the same rates
    const ld = (i: number): number[] => op.v128Load64Splat(8 * i); // coefficient i of the layer, in both lanes
    /** T(u·d + r).q ← tanh((0 + Σ_j W_rj·src_j) + b_r) for the `count` pairs (the order of `velocityEnsembleInto`). */
    const velocity = (count: number, src: readonly number[]): number[] => {
      const c: number[] = [];
      const e = count * d;
      for (let r = 0; r < d; r++)
        for (let u = 0; u < count; u++) {
          c.push(...K.get(0));
          for (let j = 0; j < d; j++) c.push(...op.get(wp), ...ld(r * d + j), ...op.get(src[u * d + j]!), ...op.f64x2Mul, ...op.f64x2Add);
          c.push(...op.get(wp), ...ld(d * d + r), ...op.f64x2Add, ...op.set(T(u * d + r).z));
        }
      for (let g = 0; g < e; g += TANH_GROUP)
        c.push(
          ...interleavedTanh(
            Array.from({ length: Math.min(TANH_GROUP, e - g) }, (_, i) => T(g + i)),
            0,
            K,
          ),
        );
      return c;
    };
    /** dst_i ← a_i + s·b_i for i < e (a, dst: vector locals; s: a v128 local; b_i: code pushing it). */
    const axpy = (e: number, dst: readonly number[], a: readonly number[], s: number, b: (i: number) => number[]): number[] => {
      const c: number[] = [];
      for (let i = 0; i < e; i++) c.push(...op.get(a[i]!), ...op.get(s), ...b(i), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(dst[i]!));
      return c;
    };
    const q = (i: number): number[] => op.get(T(i).q);
    const copyQ = (e: number, dst: readonly number[]): number[] =>
      Array.from({ length: e }, (_, i) => [...q(i), ...op.set(dst[i]!)]).flat();
    const step = (count: number): number[] => {
      const e = count * d;
      if (method === "euler") return [...velocity(count, X), ...axpy(e, X, X, hv, q)];
      if (method === "heun")
        return [
          ...velocity(count, X),
          ...copyQ(e, K1),
          ...axpy(e, Y, X, hv, (i) => op.get(K1[i]!)),
          ...velocity(count, Y),
          ...axpy(e, X, X, h2v, (i) => [...op.get(K1[i]!), ...q(i), ...op.f64x2Add]),
        ];
      return [
        ...velocity(count, X),
        ...copyQ(e, K1),
        ...axpy(e, Y, X, h2v, (i) => op.get(K1[i]!)),
        ...velocity(count, Y),
        ...copyQ(e, K2),
        ...axpy(e, Y, X, h2v, (i) => op.get(K2[i]!)),
        ...velocity(count, Y),
        ...copyQ(e, K3),
        ...axpy(e, Y, X, hv, (i) => op.get(K3[i]!)),
        ...velocity(count, Y),
        // x + h6·(k1 + 2·(k2 + k3) + k4)
        ...axpy(e, X, X, h6v, (i) => [
          ...op.get(K1[i]!),
          ...K.get(2),
          ...op.get(K2[i]!),
          ...op.get(K3[i]!),
          ...op.f64x2Add,
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...q(i),
          ...op.f64x2Add,
        ]),
      ];
    };
    const pairs = (count: number): number[] => {
      const c: number[] = [];
      // lane 0 ← particle A's coordinate j, lane 1 ← particle B's
      for (let u = 0; u < count; u++)
        for (let j = 0; j < d; j++)
          c.push(
            ...op.get(p),
            ...op.get(p),
            ...op.v128Load64Zero(pairBytes * u + 8 * j),
            ...op.v128Load64Lane(pairBytes * u + 8 * (d + j), 1),
            ...op.set(X[u * d + j]!),
          );
      // for each step of the schedule (32-byte entries: h, parameter address, h/2, h/6)
      c.push(...op.get(sched), ...op.set(sp));
      c.push(...op.block, ...op.loop, ...op.get(sp), ...op.get(se), ...op.i32GeU, ...op.brIf(1));
      c.push(...op.get(sp), ...op.v128Load64Splat(0), ...op.set(hv), ...op.get(sp), ...op.i32Load(8), ...op.set(wp));
      if (method !== "euler") c.push(...op.get(sp), ...op.v128Load64Splat(16), ...op.set(h2v));
      if (method === "rk4") c.push(...op.get(sp), ...op.v128Load64Splat(24), ...op.set(h6v));
      for (const byte of step(count)) c.push(byte); // tens of kilobytes for RK4: not spread into a call
      c.push(...op.get(sp), ...op.i32(SCHED_ENTRY), ...op.i32Add, ...op.set(sp), ...op.br(0), ...op.end, ...op.end);
      // store both lanes back; acc += |x|
      for (let u = 0; u < count; u++)
        for (let j = 0; j < d; j++) {
          const x = X[u * d + j]!;
          c.push(...op.get(p), ...op.get(x), ...op.v128Store64Lane(pairBytes * u + 8 * j, 0));
          c.push(...op.get(p), ...op.get(x), ...op.v128Store64Lane(pairBytes * u + 8 * (d + j), 1));
          c.push(...op.get(acc), ...op.get(x), ...op.f64x2Abs, ...op.f64x2Add, ...op.set(acc));
        }
      return c;
    };
    return [
      // se = sched + SCHED_ENTRY·nSteps; end = ptr + nPairs·16d
      ...op.get(sched),
      ...op.get(nSteps),
      ...op.i32(SCHED_ENTRY),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.set(se),
      ...op.get(ptr),
      ...op.get(nPairs),
      ...op.i32(pairBytes),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.set(end),
      ...op.get(ptr),
      ...op.set(p),
      ...unrolledLoops(p, end, pairBytes, U, pairs),
      ...op.get(acc),
      ...op.f64x2Extract(0),
      ...op.get(acc),
      ...op.f64x2Extract(1),
      ...op.f64Add,
    ];
  });
}

/** Bytes of one schedule entry: h (f64), the layer's parameter address (i32), h/2, h/6 (f64). */
const SCHED_ENTRY = 32;
const SCHED = 32768;
const DATA = SCHED + SCHED_ENTRY * WASM_BATCH_STEPS;
/** Bytes of layer parameters one pass reads for every pair (kept in the L1 cache). */
const PARAM_BYTES = 24576;
/** Bytes of one layer's parameters: W (d², row-major), then b (d). */
const stride = (d: number): number => 8 * (d * d + d);
/** Layers per pass. */
const slots = (d: number): number => Math.max(1, Math.floor(PARAM_BYTES / stride(d)));
/** Where the layer parameters start: after the n particle values (16-byte aligned). */
const paramBase = (n: number): number => (DATA + 8 * n + 15) & ~15;
/** Particle pairs per call (several calls let V8 swap in its optimised code between them). */
const CALL_PAIRS = 256;

interface NdKernels {
  readonly mem: WebAssembly.Memory;
  readonly [kernel: `n${number}`]: (sched: number, nSteps: number, ptr: number, nPairs: number) => number;
}

/** One module per method and dimension, built on first use; the tanh table in each instance's memory. */
const MODULES = new Map(
  (Object.keys(ND_METHODS) as NdMethod[]).flatMap((method) =>
    Array.from({ length: ND_MAX - ND_MIN + 1 }, (_, i) => {
      const d = ND_MIN + i;
      const module = defineKernelModule<NdKernels>({
        memoryPages: Math.ceil(DATA / 65536) + 1,
        functions: () => [fixedStepTanhNdKernel(d, method)],
        setup: (k) => writeTanhTable(k.mem, 0),
      });
      return [`${method}${d}`, module] as const;
    }),
  ),
);

const moduleOf = (d: number, method: NdMethod): ReturnType<typeof defineKernelModule<NdKernels>> | undefined =>
  MODULES.get(`${method}${d}`);

/**
 * The assembled module of dimension d and a method (for tests).
 * @returns the bytes
 */
export function wasmEulerNdModuleBytes(d: number, method: NdMethod = "euler"): Uint8Array<ArrayBuffer> {
  return moduleOf(d, method)!.bytes();
}

/**
 * A working buffer of n = M·d doubles inside the memory of the kernel of dimension d and `method`
 * (grown as needed, with room for the layer parameters behind it; valid until the next call), or
 * null when the WebAssembly kernels are unavailable or switched off, or d is outside [3, 8].
 */
export function wasmNdWorkBuffer(n: number, d: number, method: NdMethod = "euler"): Float64Array | null {
  const k = moduleOf(d, method)?.instance() ?? null;
  if (k === null || !ensureMemory(k.mem, paramBase(n) + slots(d) * stride(d))) return null;
  return new Float64Array(k.mem.buffer, DATA, n);
}

/** True when `x` is a buffer returned by {@link wasmNdWorkBuffer} for d and `method` (and still attached). */
export function isWasmNdBuffer(x: Float64Array, d: number, method: NdMethod = "euler"): boolean {
  const k = moduleOf(d, method)?.created() ?? null;
  return k !== null && x.buffer === k.mem.buffer && x.byteOffset === DATA;
}

/**
 * A batch of in-place steps of `method` for dx/dt = tanh(W x + b) (layer `layers[i]`, size `hs[i]`,
 * i < count ≤ {@link WASM_BATCH_STEPS}) on a {@link wasmNdWorkBuffer} of n = M·d values, d = 3…8.
 * The steps are taken in passes: each pass writes the parameters of at most {@link slots} distinct
 * consecutive layers behind the particles and the schedule, then runs its steps on every pair. An
 * odd last particle takes the TypeScript twin. Bit-identical to the TypeScript path.
 * @returns -1 when every final value is finite and ≤ 1e150 in magnitude, otherwise 0 — the caller
 *   then replays the steps one by one to locate the failure
 */
export function wasmNdTanhBatch(
  method: NdMethod,
  d: number,
  W: Float64Array,
  b: Float64Array,
  layers: Int32Array,
  hs: Float64Array,
  count: number,
  x: Float64Array,
  n: number,
): number {
  const k = moduleOf(d, method)!.created()!;
  const f = k[`n${d}`];
  const M = n / d;
  const pairs = M >> 1;
  const base = paramBase(n);
  const sb = stride(d);
  const maxSlots = slots(d);
  const f64 = new Float64Array(k.mem.buffer);
  const i32 = new Int32Array(k.mem.buffer);
  const dd = d * d;
  let acc = 0;
  for (let i = 0; i < count; ) {
    let used = 0;
    let prev = -1;
    let j = i;
    for (; j < count; j++) {
      const l = layers[j]!;
      if (l !== prev) {
        if (used === maxSlots) break;
        const at = (base + used * sb) / 8;
        f64.set(W.subarray(l * dd, (l + 1) * dd), at);
        f64.set(b.subarray(l * d, (l + 1) * d), at + dd);
        used++;
        prev = l;
      }
      const e = SCHED + SCHED_ENTRY * (j - i);
      const h = hs[j]!;
      f64[e / 8] = h;
      i32[e / 4 + 2] = base + (used - 1) * sb;
      f64[e / 8 + 2] = h / 2; // as the TypeScript steppers compute them
      f64[e / 8 + 3] = h / 6;
    }
    for (let p = 0; p < pairs; p += CALL_PAIRS) acc += f(SCHED, j - i, DATA + 16 * d * p, Math.min(CALL_PAIRS, pairs - p));
    i = j;
  }
  if (2 * pairs < M) for (let s = 0; s < count; s++) acc += stepOne(method, d, W, b, layers[s]!, hs[s]!, x, 2 * pairs * d);
  return acc <= 1e150 ? -1 : 0;
}

const oneLayer = new Int32Array(1);
const oneH = new Float64Array(1);

/**
 * One in-place step of `method` with layer `layer` on a {@link wasmNdWorkBuffer} (d = 3…8).
 * @returns -1 when every result is finite and ≤ 1e150 in magnitude, otherwise 0 (caller scans)
 */
export function wasmNdTanhStep(
  method: NdMethod,
  d: number,
  W: Float64Array,
  b: Float64Array,
  layer: number,
  h: number,
  x: Float64Array,
  n: number,
): number {
  oneLayer[0] = layer;
  oneH[0] = h;
  return wasmNdTanhBatch(method, d, W, b, oneLayer, oneH, 1, x, n);
}

const k1 = new Float64Array(ND_MAX);
const k2 = new Float64Array(ND_MAX);
const k3 = new Float64Array(ND_MAX);
const k4 = new Float64Array(ND_MAX);
const tmp = new Float64Array(ND_MAX);

/** out[r] = tanh((Σ_j W_rj y_j) + b_r) for one particle y = src[off…off+d): `velocityEnsembleInto`'s operations. */
function velocityOne(d: number, W: Float64Array, b: Float64Array, layer: number, src: Float64Array, off: number, out: Float64Array): void {
  const wo = layer * d * d;
  const bo = layer * d;
  for (let r = 0; r < d; r++) {
    let z = 0;
    const row = wo + r * d;
    for (let j = 0; j < d; j++) z += W[row + j]! * src[off + j]!;
    out[r] = tanhFast(z + b[bo + r]!);
  }
}

/**
 * One step of `method` for the particle at x[off…off+d), in place, with the operations of the
 * TypeScript steppers in `ode.ts`; returns Σ|x| of its new coordinates.
 */
function stepOne(
  method: NdMethod,
  d: number,
  W: Float64Array,
  b: Float64Array,
  layer: number,
  h: number,
  x: Float64Array,
  off: number,
): number {
  velocityOne(d, W, b, layer, x, off, k1);
  if (method === "heun") {
    for (let r = 0; r < d; r++) tmp[r] = x[off + r]! + h * k1[r]!;
    velocityOne(d, W, b, layer, tmp, 0, k2);
  } else if (method === "rk4") {
    const h2 = h / 2;
    for (let r = 0; r < d; r++) tmp[r] = x[off + r]! + h2 * k1[r]!;
    velocityOne(d, W, b, layer, tmp, 0, k2);
    for (let r = 0; r < d; r++) tmp[r] = x[off + r]! + h2 * k2[r]!;
    velocityOne(d, W, b, layer, tmp, 0, k3);
    for (let r = 0; r < d; r++) tmp[r] = x[off + r]! + h * k3[r]!;
    velocityOne(d, W, b, layer, tmp, 0, k4);
  }
  let acc = 0;
  const h2 = h / 2;
  const h6 = h / 6;
  for (let r = 0; r < d; r++) {
    const xr = x[off + r]!;
    const v =
      method === "euler"
        ? xr + h * k1[r]!
        : method === "heun"
          ? xr + h2 * (k1[r]! + k2[r]!)
          : xr + h6 * (k1[r]! + 2 * (k2[r]! + k3[r]!) + k4[r]!);
    x[off + r] = v;
    acc += Math.abs(v);
  }
  return acc;
}
