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
 * Not exported from the package.
 * @packageDocumentation
 */
import { inlineConstants, op, unrolledLoops, type WasmFunction } from "../wasm/assembler.js";
import { kernelFunction } from "../wasm/kernel.js";
import { declareTanhLanes, interleavedTanh } from "../wasm/tanh.js";

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
    const K = inlineConstants;
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
