/**
 * WebAssembly SIMD (f64x2) kernel for the transpose of a first-order upwind forward-Euler step of the
 * 1-D Vlasov solver (the backward sweep of `vlasovGradient`), with the forward step of `wasm-upwind.ts`
 * in the same module, so that the states, the face coefficients, the adjoints and the face-velocity
 * adjoints of one gradient live in one memory.
 *
 * Each lane performs exactly the IEEE-754 operations of the TypeScript transpose (`stageVjpAlong` for
 * upwind, Euler): the same products, sums and differences in the same order, so the two paths are
 * bit-identical (the tests compare them bit for bit). The kernel covers the interior cells in pairs;
 * the caller does the remaining cells and the boundary faces in TypeScript. Not exported from the package.
 * @packageDocumentation
 */
import { defineKernelModule, ensureMemory, kernelFunction, op, wasmKernelsEnabled, type WasmFunction } from "@kinetic-nde/core/wasm";
import { type Kernels, up1 } from "./wasm-upwind.js";

const load = (offset = 0): number[] => op.v128Load(offset);
const store = (offset = 0): number[] => op.v128Store(offset);
const add32 = (a: number[], b: number[]): number[] => [...a, ...b, ...op.i32Add];

/**
 * ad1(ap, am, u, ld, ls, gv, pairs, c2): for the interior cells i = 1 … 2·pairs (byte pointers to
 * cell/face 0), with gl = c2(ld_i − ld_{i−1}), gr = c2(ld_{i+1} − ld_i):
 * ls_i = 0 + ((ld_i + gr·ap_{i+1}) + gl·am_i) (overwritten) and gv_{i+1} += gr·(ap_{i+1} > 0 ? u_i : u_{i+1}).
 */
function ad1(): WasmFunction {
  const signature = {
    params: { ap: "i32", am: "i32", u: "i32", ld: "i32", ls: "i32", gv: "i32", pairs: "i32", c2: "f64" },
    locals: { o: "i32", end: "i32", c2v: "v128", zero: "v128", l0: "v128", gr: "v128", a: "v128" },
  } as const;
  return kernelFunction("ad1", signature, (v) => {
    const { ap: AP, am: AM, u: U, ld: LD, ls: LS, gv: GV, pairs: PAIRS, c2: C2 } = v;
    const { o: O, end: END, c2v: C2V, zero: ZERO, l0: L0, gr: GR, a: A } = v;
    const at = (base: number): number[] => add32(op.get(base), op.get(O)); // address of cell/face i−1
    const c: number[] = [];
    c.push(...op.get(C2), ...op.f64x2Splat, ...op.set(C2V));
    c.push(...op.f64(0), ...op.f64x2Splat, ...op.set(ZERO));
    c.push(...op.get(PAIRS), ...op.i32(4), ...op.i32Shl, ...op.set(END));
    c.push(...op.i32(0), ...op.set(O));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(O), ...op.get(END), ...op.i32GeS, ...op.brIf(1));
    c.push(...at(LD), ...load(8), ...op.set(L0));
    // gr = c2·(ld_{i+1} − ld_i); a = ap_{i+1}
    c.push(...op.get(C2V), ...at(LD), ...load(16), ...op.get(L0), ...op.f64x2Sub, ...op.f64x2Mul, ...op.set(GR));
    c.push(...at(AP), ...load(16), ...op.set(A));
    // ls_i = 0 + ((l0 + gr·a) + gl·am_i), gl = c2·(l0 − ld_{i−1})
    c.push(...at(LS), ...op.get(ZERO), ...op.get(L0), ...op.get(GR), ...op.get(A), ...op.f64x2Mul, ...op.f64x2Add);
    c.push(...op.get(C2V), ...op.get(L0), ...at(LD), ...load(0), ...op.f64x2Sub, ...op.f64x2Mul, ...at(AM), ...load(8), ...op.f64x2Mul);
    c.push(...op.f64x2Add, ...op.f64x2Add, ...store(8));
    // gv_{i+1} += gr·(a > 0 ? u_i : u_{i+1})
    c.push(...at(GV), ...at(GV), ...load(16), ...op.get(GR));
    c.push(...at(U), ...load(8), ...at(U), ...load(16), ...op.get(A), ...op.get(ZERO), ...op.f64x2Gt, ...op.bitselect);
    c.push(...op.f64x2Mul, ...op.f64x2Add, ...store(16));
    c.push(...op.get(O), ...op.i32(16), ...op.i32Add, ...op.set(O), ...op.br(0), ...op.end, ...op.end);
    return c;
  });
}

/** The exports of one instance. */
interface AdjointKernels extends Kernels {
  readonly ad1: (ap: number, am: number, u: number, ld: number, ls: number, gv: number, pairs: number, c2: number) => void;
}

const ADJOINT = defineKernelModule<AdjointKernels>({ memoryPages: 1, functions: () => [up1(), ad1()] });

/**
 * Views into the memory of an instance of its own for one 1-D upwind-Euler gradient: face coefficients
 * `ap`, `am` and their adjoints `gv` (n + 1 faces), `lam`: adjoint arrays of n cells, and state slots of
 * n cells, each with the ghost and padding cells the forward kernel needs around it (so that the
 * trajectory is stepped and transposed where it is stored, without copies).
 */
export interface UpwindAdjointArena {
  readonly ap: Float64Array;
  readonly am: Float64Array;
  readonly gv: Float64Array;
  readonly lam: Float64Array[];
  /** State slot i (n cells), 0 ≤ i < slots. */
  slot(i: number): Float64Array;
  /** One forward Euler step src → dst (state slots) with c2 = h/Δx, bit-identical to `advectionStage1D`. */
  step(src: Float64Array, dst: Float64Array, c2: number, periodic: boolean): void;
  /**
   * The interior part of the transposed step at the state `u` (a state slot; see ad1).
   * @returns the number of interior cells done (2·pairs)
   */
  transpose(u: Float64Array, lamDst: Float64Array, lamSrc: Float64Array, c2: number): number;
  /** Release the arena (its views must not be used afterwards). */
  close(): void;
}

/** The instance kept between gradients whose arenas fit in SHARED_BYTES (its memory is reused). */
let shared: AdjointKernels | null = null;
let sharedBusy = false;
/** Largest kernel memory kept between gradients (64 MiB: ~4000 states of 2000 cells); larger ones get their own. */
const SHARED_BYTES = 64 * 2 ** 20;

/**
 * Open an arena for a 1-D gradient of n cells with `count` adjoint arrays and `slots` state slots, or
 * null (kernels switched off or unavailable, n < 4, or beyond 2 GiB).
 */
export function openUpwindAdjointArena(n: number, count: number, slots: number): UpwindAdjointArena | null {
  if (!wasmKernelsEnabled() || n < 4) return null;
  const align = (b: number): number => (b + 15) & ~15;
  // doubles per region: lost (2), ap, am, gv (n + 1 + 8 padding), the adjoints, the state slots (each:
  // 2 leading cells, the ghost at 1; n cells; 8 padding cells)
  const stride = n + 10;
  const sizes = [2, n + 9, n + 9, n + 9, ...Array.from({ length: count }, () => n), slots * stride];
  const offsets: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    offsets.push(bytes);
    bytes = align(bytes + 8 * s);
  }
  if (bytes > 2 ** 31) return null;
  const own = sharedBusy || bytes > SHARED_BYTES;
  if (!own && shared === null) shared = ADJOINT.newInstance();
  const k = own ? ADJOINT.newInstance() : shared;
  if (k === null || !ensureMemory(k.mem, bytes)) return null;
  const view = (r: number, from: number, len: number): Float64Array => new Float64Array(k.mem.buffer, offsets[r]! + 8 * from, len);
  const ap = view(1, 0, n + 1),
    am = view(2, 0, n + 1),
    gv = view(3, 0, n + 1);
  const lam = Array.from({ length: count }, (_, q) => view(4 + q, 0, n));
  const states = 4 + count;
  const lost = offsets[0]!;
  const pairs = (n - 2) >> 1;
  // a reused memory holds the last gradient's numbers: the accumulators start at 0, and the padding the
  // vector loops read (ghost slots, cells past n − 1, faces past n) is made finite
  gv.fill(0);
  for (const l of lam) l.fill(0);
  view(1, n + 1, 8).fill(0);
  view(2, n + 1, 8).fill(0);
  for (let i = 0; i < slots; i++) {
    view(states, i * stride, 2).fill(0);
    view(states, i * stride + 2 + n, 8).fill(0);
  }
  if (!own) sharedBusy = true;
  let open = true;
  return {
    ap,
    am,
    gv,
    lam,
    slot: (i) => view(states, i * stride + 2, n),
    step(src, dst, c2, periodic) {
      k.up1(ap.byteOffset, am.byteOffset, src.byteOffset, dst.byteOffset, n, c2, 1, periodic ? 1 : 0, lost);
    },
    transpose(u, lamDst, lamSrc, c2) {
      k.ad1(ap.byteOffset, am.byteOffset, u.byteOffset, lamDst.byteOffset, lamSrc.byteOffset, gv.byteOffset, pairs, c2);
      return 2 * pairs;
    },
    close() {
      if (open && !own) sharedBusy = false;
      open = false;
    },
  };
}
