/**
 * WebAssembly SIMD (f64x2) kernel for the transpose of a first-order upwind forward-Euler step of the
 * Vlasov solver along one grid direction (the backward sweep of `vlasovGradient`, 1-D and 2-D), with the
 * forward steps of `wasm-upwind.ts` in the same module, so that the trajectory, the face coefficients,
 * the adjoints and the face-velocity adjoints of one gradient live in one memory and are stepped and
 * transposed where they are stored.
 *
 * Each lane performs exactly the IEEE-754 operations of the TypeScript transpose (`stageVjpAlong`,
 * upwind): the same products, sums and differences in the same order, so the two paths are
 * bit-identical (the tests compare them bit for bit). The kernel covers the interior cells of each line;
 * the caller does the end cells and the boundary faces in TypeScript. Not exported from the package.
 * @packageDocumentation
 */
import { defineKernelModule, ensureMemory, kernelFunction, op, wasmKernelsEnabled, type WasmFunction } from "@kinetic-nde/core/wasm";
import { WORKSPACE_RETAIN_BYTES } from "@kinetic-nde/core/validate";
import { type Kernels, up1, up2 } from "./wasm-upwind.js";

/**
 * adj(ap, am, gv, u, ld, ls, lines, count, stride, cellLine, faceLine, c2, w): along one direction, for
 * `count` consecutive interior cells of each of `lines` lines (byte pointers to the first cell of line
 * 0 and to its left face; a line's cells and its faces advance by 8 bytes per cell, the neighbours
 * along the direction lie `stride` bytes away, and so does the right face from the left one; the next
 * line starts `cellLine` / `faceLine` bytes further), with gl = c2(ld_i − ld_{i−S}),
 * gr = c2(ld_{i+S} − ld_i): ls_i += (w·ld_i + gr·ap_R) + gl·am_L and gv_R += gr·(ap_R > 0 ? u_i : u_{i+S}).
 * Two cells per vector, a last odd cell in scalar code with the same operations.
 */
function adj(): WasmFunction {
  const signature = {
    params: {
      ap: "i32",
      am: "i32",
      gv: "i32",
      u: "i32",
      ld: "i32",
      ls: "i32",
      lines: "i32",
      count: "i32",
      stride: "i32",
      cellLine: "i32",
      faceLine: "i32",
      c2: "f64",
      w: "f64",
    },
    locals: {
      line: "i32",
      o: "i32",
      end: "i32",
      endV: "i32",
      cell: "i32",
      face: "i32",
      c2v: "v128",
      wv: "v128",
      zv: "v128",
      l0: "v128",
      gr: "v128",
      a: "v128",
      s0: "f64",
      sgr: "f64",
      sa: "f64",
    },
  } as const;
  return kernelFunction("adj", signature, (v) => {
    const { ap: AP, am: AM, gv: GV, u: U, ld: LD, ls: LS, lines: LINES, count: COUNT, stride: S } = v;
    const { cellLine: CL, faceLine: FL, c2: C2, w: W, line: LINE, o: O, end: END, endV: ENDV } = v;
    const { cell: CELL, face: FACE, c2v: C2V, wv: WV, zv: ZV } = v;
    const { l0: L0, gr: GR, a: A, s0: S0, sgr: SGR, sa: SA } = v;
    // address: base pointer + line offset (cell or face) + o
    const cellAt = (base: number, shift: number | null = null): number[] => {
      const c = [...op.get(base), ...op.get(CELL), ...op.i32Add, ...op.get(O), ...op.i32Add];
      if (shift !== null) c.push(...op.get(shift), ...op.i32Add);
      return c;
    };
    const cellMinus = (base: number): number[] => [...cellAt(base), ...op.get(S), ...op.i32Sub];
    const faceAt = (base: number, right: boolean): number[] => {
      const c = [...op.get(base), ...op.get(FACE), ...op.i32Add, ...op.get(O), ...op.i32Add];
      if (right) c.push(...op.get(S), ...op.i32Add);
      return c;
    };
    /** One vector (two cells) or one scalar cell at offset o. */
    const body = (vec: boolean): number[] => {
      const ld = vec ? op.v128Load(0) : op.f64Load(0);
      const st = vec ? op.v128Store(0) : op.f64Store(0);
      const sub = vec ? op.f64x2Sub : op.f64Sub,
        mul = vec ? op.f64x2Mul : op.f64Mul,
        add = vec ? op.f64x2Add : op.f64Add;
      const l0 = vec ? L0 : S0,
        gr = vec ? GR : SGR,
        a = vec ? A : SA;
      const c2 = vec ? op.get(C2V) : op.get(C2),
        w = vec ? op.get(WV) : op.get(W);
      const c: number[] = [];
      c.push(...cellAt(LD), ...ld, ...op.set(l0));
      // gr = c2·(ld_{i+S} − l0); a = ap_R
      c.push(...c2, ...cellAt(LD, S), ...ld, ...op.get(l0), ...sub, ...mul, ...op.set(gr));
      c.push(...faceAt(AP, true), ...ld, ...op.set(a));
      // ls_i = ls_i + ((w·l0 + gr·a) + gl·am_L), gl = c2·(l0 − ld_{i−S})
      c.push(...cellAt(LS), ...cellAt(LS), ...ld, ...w, ...op.get(l0), ...mul, ...op.get(gr), ...op.get(a), ...mul, ...add);
      c.push(...c2, ...op.get(l0), ...cellMinus(LD), ...ld, ...sub, ...mul, ...faceAt(AM, false), ...ld, ...mul);
      c.push(...add, ...add, ...st);
      // gv_R += gr·(a > 0 ? u_i : u_{i+S})
      c.push(...faceAt(GV, true), ...faceAt(GV, true), ...ld, ...op.get(gr));
      c.push(...cellAt(U), ...ld, ...cellAt(U, S), ...ld);
      if (vec) c.push(...op.get(ZV), ...op.get(a), ...op.f64x2Lt, ...op.bitselect);
      else c.push(...op.f64(0), ...op.get(a), ...op.f64Lt, ...op.select);
      c.push(...mul, ...add, ...st);
      return c;
    };
    const c: number[] = [];
    c.push(...op.get(C2), ...op.f64x2Splat, ...op.set(C2V));
    c.push(...op.get(W), ...op.f64x2Splat, ...op.set(WV));
    c.push(...op.f64(0), ...op.f64x2Splat, ...op.set(ZV));
    c.push(...op.get(COUNT), ...op.i32(3), ...op.i32Shl, ...op.set(END));
    c.push(...op.get(END), ...op.i32(16), ...op.i32Sub, ...op.set(ENDV)); // vectors while o ≤ end − 16
    c.push(...op.i32(0), ...op.set(LINE), ...op.i32(0), ...op.set(CELL), ...op.i32(0), ...op.set(FACE));
    c.push(...op.block, ...op.loop, ...op.get(LINE), ...op.get(LINES), ...op.i32GeS, ...op.brIf(1));
    c.push(...op.i32(0), ...op.set(O));
    c.push(...op.block, ...op.loop, ...op.get(O), ...op.get(ENDV), ...op.i32GtS, ...op.brIf(1));
    c.push(...body(true));
    c.push(...op.get(O), ...op.i32(16), ...op.i32Add, ...op.set(O), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.block, ...op.get(O), ...op.get(END), ...op.i32GeS, ...op.brIf(0), ...body(false), ...op.end);
    c.push(...op.get(CELL), ...op.get(CL), ...op.i32Add, ...op.set(CELL));
    c.push(...op.get(FACE), ...op.get(FL), ...op.i32Add, ...op.set(FACE));
    c.push(...op.get(LINE), ...op.i32(1), ...op.i32Add, ...op.set(LINE), ...op.br(0), ...op.end, ...op.end);
    return c;
  });
}

/** The exports of one instance. */
interface AdjointKernels extends Kernels {
  readonly adj: (
    ap: number,
    am: number,
    gv: number,
    u: number,
    ld: number,
    ls: number,
    lines: number,
    count: number,
    stride: number,
    cellLine: number,
    faceLine: number,
    c2: number,
    w: number,
  ) => void;
}

const ADJOINT = defineKernelModule<AdjointKernels>({ memoryPages: 1, functions: () => [up1(), up2(), adj()] });

/**
 * One direction of the grid as the transpose sees it (the layout of `Direction` in adjoint.ts): `lines`
 * lines of `len` cells, cell c of line l at l·lineStride + c·stride, face f at l·faceLineStride + f·faceStride.
 */
export interface KernelDirection {
  readonly len: number;
  readonly stride: number;
  readonly lines: number;
  readonly lineStride: number;
  readonly faceStride: number;
  readonly faceLineStride: number;
  readonly ap: Float64Array;
  readonly am: Float64Array;
  readonly gv: Float64Array;
}

/**
 * Views into the memory of a kernel instance for one upwind-Euler gradient: the face coefficients and
 * their adjoints (1-D: `faces` = [ap, am, gv], n + 1 faces; 2-D: [axp, axm, gvx, ayp, aym, gvy] in the
 * layouts of FaceCoefficients2D), `lam`: adjoint arrays, and state slots, each with the ghost and padding
 * cells the forward kernels need around it.
 */
export interface UpwindAdjointArena {
  readonly faces: Float64Array[];
  readonly lam: Float64Array[];
  /** State slot i, 0 ≤ i < slots. */
  slot(i: number): Float64Array;
  /**
   * One forward Euler step src → dst (state slots), bit-identical to `advectionStage1D` / `advectionStage2D`:
   * c = [h/Δx] in 1-D, [h/Δx, h/Δy] in 2-D.
   */
  step(src: Float64Array, dst: Float64Array, cx: number, cy: number, periodic: boolean): void;
  /**
   * The interior cells (1 … len − 2 of every line) of the transposed step along D at the state `u` (a
   * state slot): lamSrc += w·lamDst + (∂F/∂u)ᵀ gF, D.gv += gF·∂F/∂v, as `stageVjpAlong`.
   */
  transpose(D: KernelDirection, u: Float64Array, lamDst: Float64Array, lamSrc: Float64Array, c2: number, w: number): void;
  /** Release the arena (its views must not be used afterwards). */
  close(): void;
}

/**
 * The instance kept between gradients whose arenas fit in WORKSPACE_RETAIN_BYTES (its memory is reused: memory
 * new to the process costs a page fault per page on first touch; see core's `borrowWorkspace`).
 */
let shared: AdjointKernels | null = null;
let sharedBusy = false;

/** Drop the kept instance (an arena open now stays valid; the instance is not kept after it). */
export function dropSharedAdjointInstance(): void {
  shared = null;
}

/**
 * Open an arena for a gradient on a 1-D grid of n cells or a 2-D grid of nx × ny cells, with `count`
 * adjoint arrays and `slots` state slots, or null (kernels switched off or unavailable, fewer than 4
 * cells along a direction, or beyond 2 GiB).
 */
export function openUpwindAdjointArena(
  dims: readonly [number] | readonly [number, number],
  count: number,
  slots: number,
): UpwindAdjointArena | null {
  if (!wasmKernelsEnabled() || dims.some((d) => d < 4)) return null;
  const align = (b: number): number => (b + 15) & ~15;
  const one = dims.length === 1;
  const cells = one ? dims[0] : dims[0] * dims[1];
  // doubles per region: lost (2); the faces (1-D: 8 padding faces each); 2-D: the scratch row; the
  // adjoints; the state slots (1-D: 2 leading cells, the ghost at 1, and 8 padding cells)
  const faceSizes = one
    ? [0, 0, 0].map(() => dims[0] + 9)
    : [0, 0, 0, 1, 1, 1].map((r) => (r === 0 ? (dims[0] + 1) * dims[1]! : dims[0] * (dims[1]! + 1)));
  const lead = one ? 2 : 0;
  const stride = align(8 * (one ? cells + 10 : cells)) / 8;
  const sizes = [2, ...faceSizes, one ? 0 : dims[1]!, ...Array.from({ length: count }, () => cells), slots * stride];
  const offsets: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    offsets.push(bytes);
    bytes = align(bytes + 8 * s);
  }
  if (bytes > 2 ** 31) return null;
  const own = sharedBusy || bytes > WORKSPACE_RETAIN_BYTES;
  if (!own && shared === null) shared = ADJOINT.newInstance();
  const k = own ? ADJOINT.newInstance() : shared;
  if (k === null || !ensureMemory(k.mem, bytes)) return null;
  const view = (r: number, from: number, len: number): Float64Array => new Float64Array(k.mem.buffer, offsets[r]! + 8 * from, len);
  const nf = faceSizes.length;
  const faces = faceSizes.map((s, r) => view(1 + r, 0, one ? dims[0] + 1 : s));
  const row = view(1 + nf, 0, one ? 0 : dims[1]!);
  const lam = Array.from({ length: count }, (_, q) => view(2 + nf + q, 0, cells));
  const states = 2 + nf + count;
  const lost = offsets[0]!;
  // a reused memory holds the last gradient's numbers: the accumulators start at 0, and the padding the
  // 1-D vector loop reads (ghost slots, cells past n − 1, faces past n) is made finite
  for (const f of faces) f.fill(0);
  for (const l of lam) l.fill(0);
  if (one) {
    const n = dims[0];
    for (let r = 0; r < 3; r++) view(1 + r, n + 1, 8).fill(0);
    for (let i = 0; i < slots; i++) {
      view(states, i * stride, 2).fill(0);
      view(states, i * stride + 2 + n, 8).fill(0);
    }
  }
  if (!own) sharedBusy = true;
  let open = true;
  const f = faces.map((a) => a.byteOffset);
  return {
    faces,
    lam,
    slot: (i) => view(states, i * stride + lead, cells),
    step(src, dst, cx, cy, periodic) {
      const p = periodic ? 1 : 0;
      if (one) k.up1(f[0]!, f[1]!, src.byteOffset, dst.byteOffset, cells, cx, 1, p, lost);
      else {
        const [nx, ny] = dims as readonly [number, number];
        // dx, dy only scale the reported boundary flux, which the gradient does not use
        k.up2(f[0]!, f[1]!, f[3]!, f[4]!, src.byteOffset, dst.byteOffset, row.byteOffset, nx, ny, cx, cy, 1, 1, 1, p, lost);
      }
    },
    transpose(D, u, lamDst, lamSrc, c2, w) {
      // lines whose cells are not contiguous (the 2-D x-direction): the interior of all lines is one
      // contiguous block, transposed as a single line whose neighbours lie `stride` cells away
      const flat = D.stride !== 1;
      const lines = flat ? 1 : D.lines;
      const count = flat ? (D.len - 2) * D.lines : D.len - 2;
      const c0 = D.stride,
        f0 = D.faceStride;
      k.adj(
        D.ap.byteOffset + 8 * f0,
        D.am.byteOffset + 8 * f0,
        D.gv.byteOffset + 8 * f0,
        u.byteOffset + 8 * c0,
        lamDst.byteOffset + 8 * c0,
        lamSrc.byteOffset + 8 * c0,
        lines,
        count,
        8 * D.stride,
        8 * D.lineStride,
        8 * D.faceLineStride,
        c2,
        w,
      );
    },
    close() {
      if (open && !own) sharedBusy = false;
      open = false;
    },
  };
}
