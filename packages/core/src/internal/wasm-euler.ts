/**
 * WebAssembly SIMD (f64x2) kernels for the ResNet/Euler update with tanh in one and two dimensions.
 * Each lane performs exactly the IEEE-754 operations of the JavaScript kernels (`eulerTanh1D`,
 * `eulerTanh2D` and `tanhFast`: the same products, sums and divide in the same order, the same
 * expm1 table), so results are bit-identical to the JavaScript path; WebAssembly arithmetic is
 * deterministic, unlike a native fused multiply-add. Two particle coordinates per instruction.
 *
 * The module (about 2 KB) is assembled here from its opcodes, compiled synchronously on first use
 * and used only where WebAssembly with SIMD validates; otherwise callers keep the JavaScript kernels.
 * It works the same in Node and in browsers (including Web Workers). Layout of its memory:
 * bytes [0, 28808) the table expm1(k·ln2/64), k = 0..3600; particles from byte 32768 on.
 * Not exported from the package.
 * @packageDocumentation
 */
import { eulerTanh2D } from "./kernels.js";
import { tanhFast as tanhScalar } from "./tanh.js";

const H = Math.LN2 / 64;
const K_MAX = 3600;
const DATA = 32768;

// ---------------------------------------------------------------- a minimal assembler
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}
function sleb(v: number): number[] {
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
function f64bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const constBytes = (v: number): number[] => [0xfd, 0x0c, ...f64bytes(v), ...f64bytes(v)];
/** Constants of the loop body live in v128 locals set once before the loop (see `body`). */
let constLocals: Map<number, number> | null = null;
const splatConst = (v: number): number[] => {
  if (constLocals === null) return constBytes(v);
  const key = Object.is(v, -0) ? -Infinity : v;
  let idx = constLocals.get(key);
  if (idx === undefined) {
    idx = constBase + constLocals.size;
    constLocals.set(key, idx);
  }
  return [0x20, ...uleb(idx)];
};
let constBase = 0;
const getL = (i: number): number[] => [0x20, ...uleb(i)];
const setL = (i: number): number[] => [0x21, ...uleb(i)];
const teeL = (i: number): number[] => [0x22, ...uleb(i)];
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const ADD = simd(0xf0), SUB = simd(0xf1), MUL = simd(0xf2), DIV = simd(0xf3), MIN = simd(0xf4), ABS = simd(0xec);
const LT = simd(0x49), GE = simd(0x4c), AND = simd(0x4e), XOR = simd(0x51), BITSELECT = simd(0x52);
const SPLAT = simd(0x14);
const TRUNC = simd(0xfc); // i32x4.trunc_sat_f64x2_s_zero

/**
 * Code that reads the v128 local `z`, leaves tanh(z) (both lanes) on the stack; uses locals
 * a, x, kf, r, r2, q, em, e, ki (all v128) given by index.
 */
function tanhCode(L: { z: number; a: number; x: number; kf: number; r: number; r2: number; q: number; em: number; e: number; ki: number }): number[] {
  const c: number[] = [];
  c.push(...getL(L.z), ...ABS, ...teeL(L.a), ...getL(L.a), ...ADD, ...setL(L.x)); // a = |z|, x = a + a
  // kf = x * INV_H + MAGIC - MAGIC
  c.push(...getL(L.x), ...splatConst(1 / H), ...MUL, ...splatConst(6755399441055744), ...ADD, ...splatConst(6755399441055744), ...SUB, ...setL(L.kf));
  // r = x - kf * H
  c.push(...getL(L.x), ...getL(L.kf), ...splatConst(H), ...MUL, ...SUB, ...teeL(L.r));
  c.push(...getL(L.r), ...MUL, ...setL(L.r2));
  // ki = trunc(min(kf, K_MAX)) (NaN → 0; never read past the table)
  c.push(...getL(L.kf), ...splatConst(K_MAX), ...MIN, ...TRUNC, ...setL(L.ki));
  // q = r * (((1 + 0.5 r) + r2 * ((1/6 + r·(1/24)) + r2 * (1/120 + r·(1/720)))))
  c.push(...getL(L.r));
  c.push(...splatConst(1), ...splatConst(0.5), ...getL(L.r), ...MUL, ...ADD);
  c.push(...getL(L.r2));
  c.push(...splatConst(1 / 6), ...getL(L.r), ...splatConst(1 / 24), ...MUL, ...ADD);
  c.push(...getL(L.r2), ...splatConst(1 / 120), ...getL(L.r), ...splatConst(1 / 720), ...MUL, ...ADD, ...MUL);
  c.push(...ADD, ...MUL, ...ADD, ...MUL, ...setL(L.q));
  // em = (EM1[ki0], EM1[ki1])
  c.push(...getL(L.ki), ...simd(0x1b), 0, 0x41, 3, 0x74, 0x2b, 3, 0, ...SPLAT); // f64.load (ki0 << 3)
  c.push(...getL(L.ki), ...simd(0x1b), 1, 0x41, 3, 0x74, 0x2b, 3, 0, ...simd(0x22), 1, ...teeL(L.em)); // replace lane 1
  // e = em + (1 + em) * q
  c.push(...splatConst(1), ...getL(L.em), ...ADD, ...getL(L.q), ...MUL, ...ADD, ...teeL(L.e));
  // t = e / (e + 2), with the sign of z
  c.push(...getL(L.e), ...splatConst(2), ...ADD, ...DIV);
  c.push(...getL(L.z), ...splatConst(-0), ...AND, ...teeL(L.e), ...XOR); // e := sign bits of z
  // |z| ≥ 19.1 → ±1; |z| < 2^-27 → z
  c.push(...setL(L.q));
  c.push(...splatConst(1), ...getL(L.e), ...XOR, ...getL(L.q), ...getL(L.a), ...splatConst(19.1), ...GE, ...BITSELECT);
  c.push(...setL(L.q), ...getL(L.z), ...getL(L.q), ...getL(L.a), ...splatConst(7.450580596923828e-9), ...LT, ...BITSELECT);
  return c;
}

function body(params: number, kind: 1 | 2): number[] {
  // Locals after the params: end (i32), then v128: acc, v, z, a, x, kf, r, r2, q, em, e, ki, s0, s1, c0, c1, hv, bv
  const P = params; // index of the first local
  const end = P, acc = P + 1, v = P + 2, z = P + 3;
  const T = { z, a: P + 4, x: P + 5, kf: P + 6, r: P + 7, r2: P + 8, q: P + 9, em: P + 10, e: P + 11, ki: P + 12 };
  const c0 = P + 13, c1 = P + 14, hv = P + 15, bv = P + 16;
  const ptr = params - 2, n = params - 1;
  // A second register set: two vectors per iteration give the processor independent work to overlap.
  const v2 = P + 17;
  const T2 = { z: P + 18, a: P + 19, x: P + 20, kf: P + 21, r: P + 22, r2: P + 23, q: P + 24, em: P + 25, e: P + 26, ki: P + 27 };
  const c: number[] = [];
  constBase = P + 28;
  constLocals = new Map();
  if (kind === 1) {
    // params: w, b, h, ptr, n
    c.push(...getL(0), ...SPLAT, ...setL(c0), ...getL(1), ...SPLAT, ...setL(bv), ...getL(2), ...SPLAT, ...setL(hv));
  } else {
    // params: w00, w01, w10, w11, b0, b1, h, ptr, n: columns c0 = (w00, w10), c1 = (w01, w11), bv = (b0, b1)
    c.push(...getL(0), ...SPLAT, ...getL(2), ...simd(0x22), 1, ...setL(c0));
    c.push(...getL(1), ...SPLAT, ...getL(3), ...simd(0x22), 1, ...setL(c1));
    c.push(...getL(4), ...SPLAT, ...getL(5), ...simd(0x22), 1, ...setL(bv));
    c.push(...getL(6), ...SPLAT, ...setL(hv));
  }
  // end = ptr + n * (8 or 16)
  c.push(...getL(ptr), ...getL(n), 0x41, ...sleb(kind === 1 ? 3 : 4), 0x74, 0x6a, ...setL(end));
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop
  c.push(...getL(ptr), ...getL(end), 0x4f, 0x0d, 1); // ptr >= end → exit
  for (const [vv, TT, off] of [[v, T, 0], [v2, T2, 16]] as const) {
    c.push(...getL(ptr), ...simd(0x00), 4, off, ...setL(vv)); // vv = load(ptr + off)
    if (kind === 1) {
      c.push(...getL(c0), ...getL(vv), ...MUL, ...getL(bv), ...ADD, ...setL(TT.z)); // z = w·x + b
    } else {
      const dup0 = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7];
      const dup1 = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
      c.push(...getL(c0), ...getL(vv), ...getL(vv), ...simd(0x0d), ...dup0, ...MUL);
      c.push(...getL(c1), ...getL(vv), ...getL(vv), ...simd(0x0d), ...dup1, ...MUL, ...ADD, ...getL(bv), ...ADD, ...setL(TT.z));
    }
  }
  for (const [vv, TT, off] of [[v, T, 0], [v2, T2, 16]] as const) {
    c.push(...getL(ptr), ...getL(vv), ...getL(hv), ...tanhCode(TT), ...MUL, ...ADD, ...teeL(vv)); // x + h·tanh(z)
    c.push(...simd(0x0b), 4, off); // store at ptr + off
    c.push(...getL(acc), ...getL(vv), ...ABS, ...ADD, ...setL(acc));
  }
  c.push(...getL(ptr), 0x41, ...sleb(32), 0x6a, ...setL(ptr));
  c.push(0x0c, 0, 0x0b, 0x0b); // br loop; end loop; end block
  c.push(...getL(acc), ...simd(0x21), 0, ...getL(acc), ...simd(0x21), 1, 0xa0); // acc0 + acc1
  const consts = constLocals;
  constLocals = null;
  const init: number[] = [];
  for (const [key, idx] of consts) init.push(...constBytes(key === -Infinity ? -0 : key), ...setL(idx));
  const localDecl = [2, 1, I32, ...uleb(28 + consts.size), V128];
  const code = [...localDecl, ...init, ...c, 0x0b];
  return [...uleb(code.length), ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const t1 = [0x60, 5, F64, F64, F64, I32, I32, 1, F64];
  const t2 = [0x60, 9, F64, F64, F64, F64, F64, F64, F64, I32, I32, 1, F64];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...t1, ...t2]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name("mem"), 0x02, 0, ...name("e1"), 0x00, 0, ...name("e2"), 0x00, 1]),
    ...section(10, [2, ...body(5, 1), ...body(9, 2)]),
  ];
  return new Uint8Array(bytes);
}

interface Kernels {
  readonly mem: WebAssembly.Memory;
  readonly e1: (w: number, b: number, h: number, ptr: number, n: number) => number;
  readonly e2: (w00: number, w01: number, w10: number, w11: number, b0: number, b1: number, h: number, ptr: number, n: number) => number;
}

let kernels: Kernels | null | undefined;

function load(): Kernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  try {
    if (typeof WebAssembly !== "object") return null;
    const bytes = moduleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const ex = inst.exports as unknown as Kernels;
    const table = new Float64Array(ex.mem.buffer, 0, K_MAX + 1);
    for (let k = 0; k <= K_MAX; k++) table[k] = Math.expm1(k * H); // exactly the table of tanhFast
    kernels = ex;
  } catch {
    kernels = null;
  }
  return kernels;
}

let disabled = false;

/** Disable (true) or re-enable the WebAssembly kernels; for tests comparing both paths. */
export function setWasmKernelsDisabled(value: boolean): void {
  disabled = value;
}

/**
 * A working buffer of n doubles inside the kernels' memory (grown as needed; valid until the next
 * call), or null when the WebAssembly kernels are unavailable.
 */
export function wasmWorkBuffer(n: number): Float64Array | null {
  if (disabled) return null;
  const k = load();
  if (k === null) return null;
  const bytesNeeded = DATA + 8 * (n + 2);
  const have = k.mem.buffer.byteLength;
  if (bytesNeeded > have) {
    try {
      k.mem.grow(Math.ceil((bytesNeeded - have) / 65536));
    } catch {
      return null;
    }
  }
  return new Float64Array(k.mem.buffer, DATA, n);
}

/** True when `x` is a buffer returned by {@link wasmWorkBuffer} (and still attached). */
export function isWasmBuffer(x: Float64Array): boolean {
  return kernels != null && x.buffer === kernels.mem.buffer && x.byteOffset === DATA;
}

/**
 * In-place Euler/tanh step on a {@link wasmWorkBuffer} of n values (d = 1): x ← x + h tanh(w x + b).
 * @returns -1 when every result is finite and ≤ 1e150 in magnitude, otherwise 0 (caller scans)
 */
export function wasmEulerTanh1D(w: number, b: number, h: number, x: Float64Array, n: number): number {
  const k = kernels!;
  const main = n - (n & 3); // the kernel takes two vectors (4 values) per iteration
  let acc = main > 0 ? k.e1(w, b, h, DATA, main) : 0;
  for (let i = main; i < n; i++) {
    // The last 0–3 values in JavaScript (same arithmetic).
    const xi = x[i];
    const v = xi + h * tanhScalar(w * xi + b);
    x[i] = v;
    acc += Math.abs(v);
  }
  return acc <= 1e150 ? -1 : 0;
}

/** In-place Euler/tanh step for d = 2 on n = 2M values (layer `layer` of W, b); see {@link wasmEulerTanh1D}. */
export function wasmEulerTanh2D(W: Float64Array, b: Float64Array, layer: number, h: number, x: Float64Array, n: number): number {
  const o = layer * 4;
  const particles = n >> 1;
  const main = particles - (particles & 1); // two particles per iteration
  let acc = main > 0 ? kernels!.e2(W[o], W[o + 1], W[o + 2], W[o + 3], b[2 * layer], b[2 * layer + 1], h, DATA, main) : 0;
  if (main < particles) {
    const last = x.subarray(2 * main, n);
    if (eulerTanh2D(W, b, layer, h, last, last, 2) >= 0) acc = Infinity;
  }
  return acc <= 1e150 ? -1 : 0;
}

