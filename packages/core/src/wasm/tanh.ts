/**
 * tanh on both lanes of an f64x2, performing exactly the IEEE-754 operations of the scalar
 * `tanhFast` used by the built-in `tanh` activation (the same expm1 table, the same polynomial,
 * products, sums and divide in the same order), so a WebAssembly kernel built on it is
 * bit-identical to the JavaScript kernels. The table of expm1(k·ln2/64), k = 0..3529, must be written
 * into the kernel's memory with {@link writeTanhTable}.
 * @packageDocumentation
 */
import { op, type Constants } from "./assembler.js";
import type { LocalDeclarations } from "./kernel.js";

const H = Math.LN2 / 64;
const K_MAX = 3529;
const MAGIC = 6755399441055744;
const INDEX_MASK = 4095; // ≥ K_MAX

/** Bytes occupied by the tanh table. */
export const TANH_TABLE_BYTES = 8 * (K_MAX + 1);

/**
 * Write the expm1 table used by {@link tanhF64x2} into a kernel memory.
 * @param mem - the kernel memory
 * @param byteOffset - where the table starts (a multiple of 8)
 * @example
 * writeTanhTable(kernels.mem, 0);
 */
export function writeTanhTable(mem: WebAssembly.Memory, byteOffset: number): void {
  const table = new Float64Array(mem.buffer, byteOffset, K_MAX + 1);
  for (let k = 0; k <= K_MAX; k++) table[k] = Math.expm1(k * H);
}

/** The v128 scratch locals of one tanh evaluation (indices); `z` holds the argument, `q` receives tanh(z). */
export interface TanhLocals {
  readonly z: number;
  readonly a: number;
  readonly x: number;
  readonly kf: number;
  readonly r: number;
  readonly r2: number;
  readonly q: number;
  readonly em: number;
  readonly e: number;
  readonly ki: number;
}

/**
 * Declare the ten v128 scratch locals of one tanh evaluation, named `<prefix>.z`, `<prefix>.a`, ….
 * @param locals - where to declare them
 * @param prefix - distinguishes the sets of one function
 * @returns the set
 * @example
 * const T = declareTanhLocals(more, "t0");
 */
export function declareTanhLocals(locals: LocalDeclarations, prefix: string): TanhLocals {
  const at = (n: string): number => locals.add(`${prefix}.${n}`, "v128");
  return { z: at("z"), a: at("a"), x: at("x"), kf: at("kf"), r: at("r"), r2: at("r2"), q: at("q"), em: at("em"), e: at("e"), ki: at("ki") };
}

/**
 * The locals of `count` independent tanh evaluations of an unrolled loop: evaluation j's value
 * V(j) (a v128 named `${valuePrefix}${j}`) and its scratch set T(j) (named `t${j}`), declared in
 * that order.
 * @example
 * const { V, T } = declareTanhLanes(more, 4, "v");
 */
export function declareTanhLanes(
  locals: LocalDeclarations,
  count: number,
  valuePrefix: string,
): { V: (j: number) => number; T: (j: number) => TanhLocals } {
  const vs: number[] = [];
  const ts: TanhLocals[] = [];
  for (let j = 0; j < count; j++) {
    vs.push(locals.add(`${valuePrefix}${j}`, "v128"));
    ts.push(declareTanhLocals(locals, `t${j}`));
  }
  return { V: (j) => vs[j]!, T: (j) => ts[j]! };
}

/** The low 12 bits of each 64-bit lane (the bits of a subnormal double) for the table index. */
const LOW12 = INDEX_MASK * Number.MIN_VALUE;

/**
 * tanh of both lanes of `T.z` into `T.q`, as a list of stack-neutral steps, so that the steps of
 * several independent evaluations can be interleaved ({@link interleavedTanh}): the processor then
 * always has ready work. The operations are those of the scalar `tanhFast`: a = min(|z|, 19.1), the
 * expm1 table indexed by the low bits of the rounding sum 2a/H + 1.5·2^52 (masked to 12 bits: a NaN
 * lane reads inside the table's first 32 KiB and its result is NaN anyway), the same polynomial,
 * t = e/(e + 2), then the sign bit of z (tanh(-0) = -0).
 * @param T - scratch locals (all v128)
 * @param tableOffset - byte address of the table written by {@link writeTanhTable}
 * @param k - where constants come from
 * @returns the steps (each a self-contained instruction sequence)
 * @example
 * const steps = tanhSteps(declareTanhLocals(more, "t"), 0, inlineConstants);
 */
export function tanhSteps(T: TanhLocals, tableOffset: number, k: Constants): number[][] {
  return [
    [...op.get(T.z), ...op.f64x2Abs, ...op.set(T.a)],
    // pmin(a, 19.1) is exactly the scalar `a > 19.1 ? 19.1 : a` (NaN stays NaN); x = 2a
    [...op.get(T.a), ...k.get(19.1), ...op.f64x2Pmin, ...op.tee(T.x), ...op.get(T.x), ...op.f64x2Add, ...op.set(T.x)],
    // x/H + 1.5·2^52 holds round(x/H) in its low bits (ulp 1); subtracting the constant gives kf
    [...op.get(T.x), ...k.get(1 / H), ...op.f64x2Mul, ...k.get(MAGIC), ...op.f64x2Add, ...op.set(T.ki)],
    [...op.get(T.ki), ...k.get(MAGIC), ...op.f64x2Sub, ...op.set(T.kf)],
    [...op.get(T.ki), ...k.get(LOW12), ...op.and, ...op.set(T.ki)],
    [...op.get(T.x), ...op.get(T.kf), ...k.get(H), ...op.f64x2Mul, ...op.f64x2Sub, ...op.set(T.r)],
    // em = (EM1[k0], EM1[k1])
    [
      ...op.get(T.ki),
      ...op.i32x4ExtractLane(2),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.get(T.ki),
      ...op.i32x4ExtractLane(0),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.v128Load64Zero(tableOffset),
      ...op.v128Load64Lane(tableOffset, 1),
      ...op.set(T.em),
    ],
    [...op.get(T.r), ...op.get(T.r), ...op.f64x2Mul, ...op.set(T.r2)],
    // q = r · ((1 + 0.5 r) + r2 · ((1/6 + r/24) + r2 · (1/120 + r/720)))
    [...k.get(1 / 120), ...op.get(T.r), ...k.get(1 / 720), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.q)],
    [...k.get(1 / 6), ...op.get(T.r), ...k.get(1 / 24), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.e)],
    [...op.get(T.e), ...op.get(T.r2), ...op.get(T.q), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.q)],
    [...k.get(1), ...k.get(0.5), ...op.get(T.r), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.e)],
    [...op.get(T.e), ...op.get(T.r2), ...op.get(T.q), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.q)],
    [...op.get(T.r), ...op.get(T.q), ...op.f64x2Mul, ...op.set(T.q)],
    // e = em + (1 + em) · q; t = e / (e + 2)
    [...op.get(T.em), ...k.get(1), ...op.get(T.em), ...op.f64x2Add, ...op.get(T.q), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(T.e)],
    [...op.get(T.e), ...op.get(T.e), ...k.get(2), ...op.f64x2Add, ...op.f64x2Div, ...op.set(T.q)],
    [...op.get(T.q), ...op.get(T.z), ...k.get(-0), ...op.and, ...op.xor, ...op.set(T.q)],
  ];
}

/**
 * The steps of several tanh evaluations ({@link tanhSteps}), interleaved step by step: each
 * `Ts[j].q` receives tanh(`Ts[j].z`).
 * @param Ts - one set of scratch locals per evaluation
 * @param tableOffset - byte address of the table
 * @param k - where constants come from
 * @returns the instruction bytes (stack-neutral)
 * @example
 * body.push(...interleavedTanh([declareTanhLocals(more, "t0"), declareTanhLocals(more, "t1")], 0, inlineConstants));
 */
export function interleavedTanh(Ts: readonly TanhLocals[], tableOffset: number, k: Constants): number[] {
  const steps = Ts.map((T) => tanhSteps(T, tableOffset, k));
  const c: number[] = [];
  for (let s = 0; s < steps[0]!.length; s++) for (const st of steps) c.push(...st[s]!);
  return c;
}

/**
 * Code that reads the v128 local `L.z` and leaves tanh(z) (both lanes) on the stack (also in `L.q`).
 * @param L - scratch locals (all v128)
 * @param tableOffset - byte address of the table written by {@link writeTanhTable}
 * @param k - where constants come from (`inlineConstants` or a `ConstantPool` of the function)
 * @returns the instruction bytes
 * @example
 * body.push(...op.get(x), ...tanhF64x2(L, 0, inlineConstants), ...op.f64x2Add);
 */
export function tanhF64x2(L: TanhLocals, tableOffset: number, k: Constants): number[] {
  return [...interleavedTanh([L], tableOffset, k), ...op.get(L.q)];
}
