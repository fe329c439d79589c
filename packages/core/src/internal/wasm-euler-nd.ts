/**
 * WebAssembly SIMD (f64x2) kernel generator for the ResNet/Euler update with tanh in d = 3…8
 * dimensions: x ← x + h·tanh(W x + b) for a batch of steps. Two particles share a v128 (particle A in
 * lane 0, particle B in lane 1), so the matrix–vector product needs no horizontal adds and each
 * lane performs exactly the IEEE-754 operations of the TypeScript path (`velocityEnsembleInto`
 * followed by the Euler update): z_r = ((0 + W_r0 x_0) + W_r1 x_1 + … + W_r,d-1 x_d-1) + b_r, then
 * `tanhFast`, then x_r + h·tanh(z_r). The results are bit-identical to that path.
 *
 * A pair of particles stays in registers for every step of the batch (the ensemble is read and
 * written once per batch); each step reads its coefficients, splatted from memory, through a
 * schedule of 16-byte entries: the step size h (f64, offset 0) and the byte address of its layer's
 * parameters (i32, offset 8), which hold W row-major (d² values) followed by b (d values). The rows'
 * tanh evaluations are interleaved step by step so that the processor always has independent work;
 * in low dimensions several pairs go through the steps together for the same reason.
 *
 * One module per dimension, assembled and compiled on first use of that dimension (each is about
 * 10 KB; the d ≤ 2 module stays small). Memory of each: bytes [0, 28808) the tanh table;
 * [32768, 65536) the schedule (up to {@link WASM_BATCH_STEPS} steps of 16 bytes); the particles from
 * byte 65536 on; behind them the parameters of up to 24 KiB of layers (one pass). Not exported from
 * the package.
 * @packageDocumentation
 */
import { ensureMemory, inlineConstants, op, unrolledLoops, type WasmFunction } from "../wasm/assembler.js";
import { defineKernelModule, kernelFunction } from "../wasm/kernel.js";
import { declareTanhLanes, interleavedTanh, writeTanhTable } from "../wasm/tanh.js";
import { tanhFast } from "./tanh.js";
import { WASM_BATCH_STEPS } from "./wasm-euler.js";

/** Smallest and largest dimension with a kernel. */
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

/**
 * The kernel `n${d}`: params (sched, nSteps, ptr, nPairs) — the schedule address and its step count,
 * the address of the first particle and the number of particle pairs (2·d values each, row-major) —
 * runs every step of the schedule on every pair in place and returns Σ|x| over the final values
 * (NaN or huge when some value blew up).
 * @param d - dimension in [3, 8]
 * @returns the function
 */
export function eulerTanhNdKernel(d: number): WasmFunction {
  const U = ndPairsPerIteration(d);
  const pairBytes = 16 * d;
  const signature = {
    params: { sched: "i32", nSteps: "i32", ptr: "i32", nPairs: "i32" },
    results: ["f64"],
    locals: { end: "i32", p: "i32", sp: "i32", se: "i32", wp: "i32", acc: "v128", hv: "v128" },
  } as const;
  return kernelFunction(`n${d}`, signature, ({ sched, nSteps, ptr, nPairs, end, p, sp, se, wp, acc, hv }, more) => {
    const X: number[] = [];
    for (let i = 0; i < U * d; i++) X.push(more.add(`x${i}`, "v128"));
    const { T } = declareTanhLanes(more, U * d, "z");
    const K = inlineConstants; // measured: a ConstantPool gives the same rates
    const ld = (i: number): number[] => op.v128Load64Splat(8 * i); // coefficient i of the layer, in both lanes
    const pairs = (count: number): number[] => {
      const c: number[] = [];
      const e = count * d; // evaluations: e = u·d + r
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
      // for each step of the schedule
      c.push(...op.get(sched), ...op.set(sp));
      c.push(...op.block, ...op.loop, ...op.get(sp), ...op.get(se), ...op.i32GeU, ...op.brIf(1));
      c.push(...op.get(sp), ...op.v128Load64Splat(0), ...op.set(hv), ...op.get(sp), ...op.i32Load(8), ...op.set(wp));
      for (let r = 0; r < d; r++)
        for (let u = 0; u < count; u++) {
          c.push(...K.get(0));
          for (let j = 0; j < d; j++) c.push(...op.get(wp), ...ld(r * d + j), ...op.get(X[u * d + j]!), ...op.f64x2Mul, ...op.f64x2Add);
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
      for (let i = 0; i < e; i++)
        c.push(...op.get(X[i]!), ...op.get(hv), ...op.get(T(i).q), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(X[i]!));
      c.push(...op.get(sp), ...op.i32(16), ...op.i32Add, ...op.set(sp), ...op.br(0), ...op.end, ...op.end);
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
      // se = sched + 16·nSteps; end = ptr + nPairs·16d
      ...op.get(sched),
      ...op.get(nSteps),
      ...op.i32(4),
      ...op.i32Shl,
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

const SCHED = 32768;
const DATA = SCHED + 16 * WASM_BATCH_STEPS;
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

/** The module of each dimension (index d), the tanh table written into each instance's memory. */
const MODULES = Array.from({ length: ND_MAX + 1 }, (_, d) =>
  d < ND_MIN
    ? null
    : defineKernelModule<NdKernels>({
        memoryPages: DATA / 65536 + 1,
        functions: () => [eulerTanhNdKernel(d)],
        setup: (k) => writeTanhTable(k.mem, 0),
      }),
);

/**
 * The assembled module of dimension d (for tests).
 * @returns the bytes
 */
export function wasmEulerNdModuleBytes(d: number): Uint8Array<ArrayBuffer> {
  return MODULES[d]!.bytes();
}

/**
 * A working buffer of n = M·d doubles inside the memory of dimension d's kernel (grown as needed,
 * with room for the layer parameters behind it; valid until the next call), or null when the
 * WebAssembly kernels are unavailable or switched off, or d is outside [3, 8].
 */
export function wasmNdWorkBuffer(n: number, d: number): Float64Array | null {
  const k = d >= ND_MIN && d <= ND_MAX ? MODULES[d]!.instance() : null;
  if (k === null || !ensureMemory(k.mem, paramBase(n) + slots(d) * stride(d))) return null;
  return new Float64Array(k.mem.buffer, DATA, n);
}

/** True when `x` is a buffer returned by {@link wasmNdWorkBuffer} for d (and still attached). */
export function isWasmNdBuffer(x: Float64Array, d: number): boolean {
  const k = d >= ND_MIN && d <= ND_MAX ? MODULES[d]!.created() : null;
  return k !== null && x.buffer === k.mem.buffer && x.byteOffset === DATA;
}

/**
 * A batch of in-place Euler/tanh steps x ← x + h·tanh(W x + b) (layer `layers[i]`, size `hs[i]`,
 * i < count ≤ {@link WASM_BATCH_STEPS}) on a {@link wasmNdWorkBuffer} of n = M·d values, d = 3…8.
 * The steps are taken in passes: each pass writes the parameters of at most {@link slots} distinct
 * consecutive layers behind the particles and the schedule, then runs its steps on every pair. An
 * odd last particle takes the TypeScript twin. Bit-identical to the TypeScript path.
 * @returns -1 when every final value is finite and ≤ 1e150 in magnitude, otherwise 0 — the caller
 *   then replays the steps one by one to locate the failure
 */
export function wasmNdEulerTanhBatch(
  d: number,
  W: Float64Array,
  b: Float64Array,
  layers: Int32Array,
  hs: Float64Array,
  count: number,
  x: Float64Array,
  n: number,
): number {
  const k = MODULES[d]!.created()!;
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
      const e = SCHED + 16 * (j - i);
      f64[e / 8] = hs[j]!;
      i32[e / 4 + 2] = base + (used - 1) * sb;
    }
    for (let p = 0; p < pairs; p += CALL_PAIRS) acc += f(SCHED, j - i, DATA + 16 * d * p, Math.min(CALL_PAIRS, pairs - p));
    i = j;
  }
  if (2 * pairs < M) for (let s = 0; s < count; s++) acc += eulerTanhNdOne(d, W, b, layers[s]!, hs[s]!, x, 2 * pairs * d);
  return acc <= 1e150 ? -1 : 0;
}

const oneLayer = new Int32Array(1);
const oneH = new Float64Array(1);

/**
 * One in-place Euler/tanh step with layer `layer` on a {@link wasmNdWorkBuffer} (d = 3…8).
 * @returns -1 when every result is finite and ≤ 1e150 in magnitude, otherwise 0 (caller scans)
 */
export function wasmNdEulerTanhStep(
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
  return wasmNdEulerTanhBatch(d, W, b, oneLayer, oneH, 1, x, n);
}

const scratch = new Float64Array(ND_MAX);

/**
 * One Euler/tanh step of the particle at x[off…off+d) with the operations of the TypeScript path
 * (`velocityEnsembleInto`, then x + h·v); returns Σ|x| of its new coordinates.
 */
function eulerTanhNdOne(d: number, W: Float64Array, b: Float64Array, layer: number, h: number, x: Float64Array, off: number): number {
  const wo = layer * d * d;
  const bo = layer * d;
  for (let r = 0; r < d; r++) {
    let z = 0;
    const row = wo + r * d;
    for (let j = 0; j < d; j++) z += W[row + j]! * x[off + j]!;
    scratch[r] = tanhFast(z + b[bo + r]!);
  }
  let acc = 0;
  for (let r = 0; r < d; r++) {
    const v = x[off + r]! + h * scratch[r]!;
    x[off + r] = v;
    acc += Math.abs(v);
  }
  return acc;
}
