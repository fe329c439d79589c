/**
 * A minimal WebAssembly assembler for the numerical kernels of kinetic-nde: opcodes as byte arrays
 * and a module builder (one memory, functions, exports). Internal to core: the packages define their
 * kernels through `kernel.ts` (named locals, compiled once, one switch), which uses this. The
 * kernels are assembled at run time from these pieces, so no binary blobs ship with the packages and
 * no build step is needed; they run the same in Node, in browsers and in Web Workers.
 *
 * WebAssembly floating-point arithmetic is IEEE-754 with round-to-nearest and no fused multiply-add,
 * so a kernel that performs the same operations in the same order as a JavaScript loop returns
 * bit-identical results; every kernel in kinetic-nde is tested that way against its JavaScript path.
 * @packageDocumentation
 */
import type { LocalDeclarations } from "./kernel.js";

/** Value type bytes. */
export const I32 = 0x7f;
/** Value type byte of i64. */
export const I64 = 0x7e;
/** Value type byte of f64. */
export const F64 = 0x7c;
/** Value type byte of v128. */
export const V128 = 0x7b;

/**
 * Unsigned LEB128 encoding of a non-negative integer.
 * @param v - integer in [0, 2^32)
 * @returns the bytes
 * @example
 * uleb(624485); // [0xe5, 0x8e, 0x26]
 */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/**
 * Signed LEB128 encoding of a 32-bit integer.
 * @param v - integer in [-2^31, 2^31)
 * @returns the bytes
 * @example
 * sleb(-1); // [0x7f]
 */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/**
 * The eight little-endian bytes of a float64.
 * @param v - any number
 * @returns the bytes
 * @example
 * f64Bytes(1); // [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]
 */
export function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/**
 * Instruction encoders. Each returns the bytes of one instruction; concatenate them into a body.
 * Loads and stores take a byte offset that is added to the address on the stack.
 */
export const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  return: [0x0f],
  call: (f: number): number[] => [0x10, ...uleb(f)],
  drop: [0x1a],
  /** select (untyped: i32 or f64 operands). */
  select: [0x1b],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  f64: (v: number): number[] => [0x44, ...f64Bytes(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32And: [0x71],
  i32Eqz: [0x45],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32Load: (offset = 0): number[] => [0x28, ...memarg(2, offset)],
  f64Load: (offset = 0): number[] => [0x2b, ...memarg(3, offset)],
  f64Store: (offset = 0): number[] => [0x39, ...memarg(3, offset)],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f64Abs: [0x99],
  f64Neg: [0x9a],
  f64Lt: [0x63],
  f64Le: [0x65],
  f64Ge: [0x66],
  /** v128 with both f64 lanes equal to v. */
  v128Splat: (v: number): number[] => [0xfd, 0x0c, ...f64Bytes(v), ...f64Bytes(v)],
  /** v128 with f64 lanes (a, b). */
  v128Const: (a: number, b: number): number[] => [0xfd, 0x0c, ...f64Bytes(a), ...f64Bytes(b)],
  v128Load: (offset = 0): number[] => [...simd(0x00), ...memarg(4, offset)],
  v128Store: (offset = 0): number[] => [...simd(0x0b), ...memarg(4, offset)],
  /** v128.load64_zero: lane 0 from memory, lane 1 zero. */
  v128Load64Zero: (offset = 0): number[] => [...simd(0x5d), ...memarg(3, offset)],
  /** v128.load64_splat: both lanes from one f64 in memory. */
  v128Load64Splat: (offset = 0): number[] => [...simd(0x0a), ...memarg(3, offset)],
  /** v128.store64_lane: store one 64-bit lane of the v128 on the stack (address below it). */
  v128Store64Lane: (offset: number, lane: number): number[] => [...simd(0x5b), ...memarg(3, offset), lane],
  /** v128.load64_lane: replace one 64-bit lane of the v128 on the stack with a value from memory. */
  v128Load64Lane: (offset: number, lane: number): number[] => [...simd(0x57), ...memarg(3, offset), lane],
  /** i8x16.shuffle with 16 lane indices into the concatenation of the two operands. */
  shuffle: (lanes: readonly number[]): number[] => [...simd(0x0d), ...lanes],
  and: simd(0x4e),
  or: simd(0x50),
  xor: simd(0x51),
  bitselect: simd(0x52),
  f64x2Splat: simd(0x14),
  f64x2Extract: (lane: number): number[] => [...simd(0x21), lane],
  f64x2Replace: (lane: number): number[] => [...simd(0x22), lane],
  f64x2Lt: simd(0x49),
  f64x2Gt: simd(0x4a),
  f64x2Le: simd(0x4b),
  f64x2Ge: simd(0x4c),
  f64x2Abs: simd(0xec),
  f64x2Neg: simd(0xed),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  f64x2Min: simd(0xf4),
  f64x2Max: simd(0xf5),
  /** f64x2.pmin: b < a ? b : a lane-wise (no NaN or signed-zero special cases, like a JS ternary). */
  f64x2Pmin: simd(0xf6),
  /** f64x2.pmax: a < b ? b : a lane-wise. */
  f64x2Pmax: simd(0xf7),
  i32x4TruncSatF64x2Zero: simd(0xfc),
  i32x4ExtractLane: (lane: number): number[] => [...simd(0x1b), lane],
} as const;

/** One function of a module: signature, extra locals, body (without the final `end`) and export name. */
export interface WasmFunction {
  /** Export name. */
  readonly name: string;
  /** Parameter types (I32, I64, F64, V128). */
  readonly params: readonly number[];
  /** Result types (zero or one). */
  readonly results: readonly number[];
  /** Types of the locals after the parameters, in index order. */
  readonly locals: readonly number[];
  /** Instructions; the assembler appends the closing `end`. */
  readonly body: readonly number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function utf8Name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/**
 * Assemble a module with one exported memory `mem` (initial size in 64 KiB pages) and the given
 * functions, each exported under its name.
 * @param memoryPages - initial memory size in pages (≥ 1)
 * @param functions - the functions, in index order (function i may call function j by index)
 * @returns the module bytes
 * @example
 * const bytes = assembleModule(1, [{ name: "one", params: [], results: [F64], locals: [], body: op.f64(1) }]);
 */
export function assembleModule(memoryPages: number, functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types: number[] = [];
  for (const f of functions) types.push(0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results);
  const codes: number[] = [];
  for (const f of functions) {
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const decl = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n!), t!])];
    // a body may be tens of kilobytes: copied by a loop, not spread into a call's arguments
    for (const part of [uleb(decl.length + f.body.length + 1), decl, f.body, [0x0b]]) for (const byte of part) codes.push(byte);
  }
  const exports: number[] = [...utf8Name("mem"), 0x02, 0];
  functions.forEach((f, i) => exports.push(...utf8Name(f.name), 0x00, ...uleb(i)));
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(functions.length), ...types]),
    ...section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))]),
    ...section(5, [1, 0x00, ...uleb(memoryPages)]),
    ...section(7, [...uleb(functions.length + 1), ...exports]),
    ...section(10, [...uleb(functions.length), ...codes]),
  ];
  return new Uint8Array(bytes);
}

/**
 * Grow a kernel memory so that it holds at least `bytes` bytes.
 * @param mem - the memory
 * @param bytes - the required size in bytes
 * @returns false when the memory cannot grow that far
 * @example
 * ensureMemory(k.mem, 1 << 20);
 */
export function ensureMemory(mem: WebAssembly.Memory, bytes: number): boolean {
  const have = mem.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    mem.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** A source of splatted f64x2 constants for generated code. */
export interface Constants {
  /**
   * Code that pushes splat(v).
   * @param v - the constant
   * @returns the instruction bytes
   */
  get(v: number): number[];
}

/**
 * Constants as `v128.const` immediates at each use. With many constants in a loop this usually
 * beats {@link ConstantPool}: the pool's locals stay live across the loop and crowd the 16 vector
 * registers of x86-64, while V8 materialises immediates cheaply.
 */
export const inlineConstants: Constants = { get: (v: number): number[] => op.v128Splat(v) };

/**
 * Splatted f64x2 constants held in v128 locals: {@link ConstantPool.get} returns a `local.get` of
 * the constant's local (declared on first use, named after the constant); {@link ConstantPool.init}
 * returns the code that sets them, to be placed at the start of the function body. Keeps 16-byte
 * immediates out of hot loops.
 */
export class ConstantPool implements Constants {
  private readonly index = new Map<number, number>();
  /**
   * @param locals - where the pool declares its v128 locals
   */
  constructor(private readonly locals: LocalDeclarations) {}
  /**
   * `local.get` of the local holding splat(v).
   * @param v - the constant (−0 and 0 are distinct)
   * @returns the instruction bytes
   */
  get(v: number): number[] {
    const key = Object.is(v, -0) ? -Infinity : v;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.locals.add(`const ${Object.is(v, -0) ? "-0" : String(v)}`, "v128");
      this.index.set(key, i);
    }
    return op.get(i);
  }
  /** Number of locals used so far. */
  get size(): number {
    return this.index.size;
  }
  /** The initialisation code (call after the body has been generated). */
  init(): number[] {
    const c: number[] = [];
    for (const [key, i] of this.index) c.push(...op.v128Splat(key === -Infinity ? -0 : key), ...op.set(i));
    return c;
  }
}

/**
 * Two loops over the items at addresses [`p`, `end`) (i32 locals, `p` advanced): `unroll` items per
 * iteration while that many remain, then one at a time — the usual shape of a SIMD kernel whose
 * unrolled body interleaves independent work.
 * @param p - i32 local holding the current address (advanced by `advance`)
 * @param end - i32 local holding the end address
 * @param itemBytes - bytes per item
 * @param unroll - items per iteration of the first loop (≥ 1)
 * @param body - code for `count` items at the current address
 * @param advance - code that moves past `bytes` bytes (default: p += bytes)
 * @returns the instruction bytes
 * @example
 * c.push(...unrolledLoops(p, end, 16, 4, (count) => update(count)));
 */
export function unrolledLoops(
  p: number,
  end: number,
  itemBytes: number,
  unroll: number,
  body: (count: number) => number[],
  advance: (bytes: number) => number[] = (bytes) => [...op.get(p), ...op.i32(bytes), ...op.i32Add, ...op.set(p)],
): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...op.get(end),
    ...op.get(p),
    ...op.i32Sub,
    ...op.i32(itemBytes * unroll),
    ...op.i32LtU,
    ...op.brIf(1),
    ...body(unroll),
    ...advance(itemBytes * unroll),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.block,
    ...op.loop,
    ...op.get(p),
    ...op.get(end),
    ...op.i32GeU,
    ...op.brIf(1),
    ...body(1),
    ...advance(itemBytes),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}
