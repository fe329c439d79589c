/**
 * WebAssembly kernels for repeated implicit steps with one factorised tridiagonal matrix: both
 * factorisations (`factorTridiagonal`), the first elimination, the last substitution and the fused
 * sweeps of `implicitStepsInPlace` (`numerics.ts`). Each fused sweep finishes one step (a substitution) and
 * eliminates the next in the same direction, two rows per iteration with paired recurrences, so the
 * two serial dependency chains advance two rows per multiply–add (see `pairedDown` / `pairedUp` in
 * `numerics.ts`, the JavaScript path that performs the same IEEE-754 operations in the same order:
 * WebAssembly has no fused multiply-add, so both paths give bit-identical results).
 *
 * Scalar f64 code only (no SIMD): the gain over JavaScript is that the loop runs compiled from the
 * first call (no warm-up, no deoptimisation) and without bounds checks, and that the matrix and
 * its factors live in the module's memory, which persists between solves (no fresh allocation per
 * solve). Memory: the last value of the finished step at byte 0, the vector from byte 64, then the
 * downward and the upward tables (five doubles per row) and the diagonals lower, diag, upper.
 * Compiled synchronously on first use; where WebAssembly is unavailable the callers keep the
 * JavaScript path. Works the same in Node, browsers and Web Workers.
 * Not exported from the package.
 * @packageDocumentation
 */
import { defineKernelModule, ensureMemory, kernelFunction, op, type KernelVars, type WasmFunction } from "@kinetic-nde/core/wasm";

/** Doubles per table row: (c, c·c_next, pivot, w, w·w_next). */
export const TABLE_ROW = 5;
const RB = 8 * TABLE_ROW;
/** Byte address of the vector. */
const PX = 64;
/** Largest n served from WebAssembly memory (14n doubles, about 117 MB; the memory never shrinks). */
const MAX_ROWS = 1 << 20;

/** The exports of the module. */
export interface TridiagonalKernels {
  readonly mem: WebAssembly.Memory;
  /** Downward fused sweep on n rows of the vector at px with the table at pt; returns Σ of the finished step. */
  down(n: number, px: number, pt: number): number;
  /** Upward fused sweep; returns Σ of the finished step. */
  up(n: number, px: number, pt: number): number;
  /** LU elimination sweep (upward) with the upward table. */
  luElim(n: number, px: number, pu: number): void;
  /** LU substitution (downward) with the downward table; returns Σ of the solution. */
  subDown(n: number, px: number, pd: number): number;
  /** UL substitution (upward) with the upward table; returns Σ of the solution. */
  subUp(n: number, px: number, pu: number): number;
  /** Both factorisations of the matrix (lower, diag, upper at pl, pg, pq) into the two tables. */
  factor(n: number, pl: number, pg: number, pq: number, pd: number, pu: number): void;
}

/** Signature of the fused sweeps: n rows of the vector at px with the table at pt. */
const SWEEP = {
  params: { n: "i32", px: "i32", pt: "i32" },
  results: ["f64"],
  locals: { xe: "i32", a: "f64", b: "f64", s: "f64", x0: "f64", x1: "f64", a0: "f64", a1: "f64", t: "f64" },
} as const;
type SweepVars = KernelVars<(typeof SWEEP)["params"], (typeof SWEEP)["locals"]>;
const load = (p: number, off: number): number[] => [...op.get(p), ...op.f64Load(off)];

/**
 * The single row left after the paired loop, if any (P ≠ XE), in direction `dir` (+1 upward, -1
 * downward): a = x - cl·a; x ← a·inv - lw·b; s += a.
 */
function lastRow(v: SweepVars, dir: 1 | -1): number[] {
  const { px: P, pt: T, xe: XE, a: A, b: B, s: S } = v;
  const [from, to] = dir > 0 ? [XE, P] : [P, XE];
  return [
    ...op.get(from),
    ...op.get(to),
    ...op.i32Sub,
    ...op.if,
    ...op.get(P),
    ...op.i32(8 * dir),
    ...op.i32Add,
    ...op.set(P),
    ...op.get(T),
    ...op.i32(RB * dir),
    ...op.i32Add,
    ...op.set(T),
    ...load(P, 0),
    ...load(T, 0),
    ...op.get(A),
    ...op.f64Mul,
    ...op.f64Sub,
    ...op.set(A),
    ...op.get(P),
    ...op.get(A),
    ...load(T, 16),
    ...op.f64Mul,
    ...load(T, 24),
    ...op.get(B),
    ...op.f64Mul,
    ...op.f64Sub,
    ...op.f64Store(0),
    ...op.get(S),
    ...op.get(A),
    ...op.f64Add,
    ...op.set(S),
    ...op.end,
  ];
}

/**
 * Downward sweep. Table row i: (cp_i, cp_i·cp_{i+1}, invU_i, uw_i, uw_i·uw_{i+1}). Per pair of rows
 * (j+1, j) below the finished row: a1 = x_{j+1} - cp_{j+1}·a; a0 = (x_j - cp_j·x_{j+1}) + cc_j·a;
 * t = a1·invU_{j+1}; x_{j+1} ← t - uw_{j+1}·b; b = (a0·invU_j - uw_j·t) + uu_j·b; x_j ← b; s += a1 + a0.
 */
function downKernel(): WasmFunction {
  return kernelFunction("down", SWEEP, (v) => {
    const { n: N, px: P, pt: T, xe: XE, a: A, b: B, s: S, x0: X0, x1: X1, a0: A0, a1: A1, t: TT } = v;
    return [
      // xe = start; px, pt at row n-1
      ...op.get(P),
      ...op.set(XE),
      ...op.get(P),
      ...op.get(N),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.set(P),
      ...op.get(T),
      ...op.get(N),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.i32(RB),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.set(T),
      // a = x_{n-1}; b = a·invU_{n-1}; x_{n-1} ← b; s = a
      ...load(P, 0),
      ...op.set(A),
      ...op.get(P),
      ...op.get(A),
      ...load(T, 16),
      ...op.f64Mul,
      ...op.tee(B),
      ...op.f64Store(0),
      ...op.get(A),
      ...op.set(S),
      ...op.block,
      ...op.loop,
      ...op.get(P),
      ...op.get(XE),
      ...op.i32Sub,
      ...op.i32(16),
      ...op.i32LtS,
      ...op.brIf(1),
      ...op.get(P),
      ...op.i32(-16),
      ...op.i32Add,
      ...op.set(P),
      ...op.get(T),
      ...op.i32(-2 * RB),
      ...op.i32Add,
      ...op.set(T),
      ...load(P, 8),
      ...op.set(X1),
      ...load(P, 0),
      ...op.set(X0),
      ...op.get(X1),
      ...load(T, RB),
      ...op.get(A),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.set(A1),
      ...op.get(X0),
      ...load(T, 0),
      ...op.get(X1),
      ...op.f64Mul,
      ...op.f64Sub,
      ...load(T, 8),
      ...op.get(A),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.tee(A0),
      ...op.set(A),
      ...op.get(P),
      ...op.get(A1),
      ...load(T, RB + 16),
      ...op.f64Mul,
      ...op.tee(TT),
      ...load(T, RB + 24),
      ...op.get(B),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.f64Store(8),
      ...op.get(A0),
      ...load(T, 16),
      ...op.f64Mul,
      ...load(T, 24),
      ...op.get(TT),
      ...op.f64Mul,
      ...op.f64Sub,
      ...load(T, 32),
      ...op.get(B),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.set(B),
      ...op.get(P),
      ...op.get(B),
      ...op.f64Store(0),
      ...op.get(S),
      ...op.get(A1),
      ...op.get(A0),
      ...op.f64Add,
      ...op.f64Add,
      ...op.set(S),
      ...op.br(0),
      ...op.end,
      ...op.end,
      // one row left (row 0) when the count below row n-1 is odd
      ...lastRow(v, -1),
      ...op.i32(0),
      ...op.get(A),
      ...op.f64Store(0),
      ...op.get(S),
    ];
  });
}

/**
 * Upward sweep. Table row i: (cl_i, cl_i·cl_{i-1}, inv_i, lw_i, lw_i·lw_{i-1}). Per pair of rows
 * (j, j+1) above the finished row: a0 = x_j - cl_j·a; a1 = (x_{j+1} - cl_{j+1}·x_j) + ll_{j+1}·a;
 * t = a0·inv_j; x_j ← t - lw_j·b; b = (a1·inv_{j+1} - lw_{j+1}·t) + ww_{j+1}·b; x_{j+1} ← b; s += a0 + a1.
 */
function upKernel(): WasmFunction {
  return kernelFunction("up", SWEEP, (v) => {
    const { n: N, px: P, pt: T, xe: XE, a: A, b: B, s: S, x0: X0, x1: X1, a0: A0, a1: A1, t: TT } = v;
    return [
      // xe = address of row n-1
      ...op.get(P),
      ...op.get(N),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.set(XE),
      ...load(P, 0),
      ...op.set(A),
      ...op.get(P),
      ...op.get(A),
      ...load(T, 16),
      ...op.f64Mul,
      ...op.tee(B),
      ...op.f64Store(0),
      ...op.get(A),
      ...op.set(S),
      ...op.block,
      ...op.loop,
      ...op.get(XE),
      ...op.get(P),
      ...op.i32Sub,
      ...op.i32(16),
      ...op.i32LtS,
      ...op.brIf(1),
      ...load(P, 8),
      ...op.set(X0),
      ...load(P, 16),
      ...op.set(X1),
      ...op.get(X0),
      ...load(T, RB),
      ...op.get(A),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.set(A0),
      ...op.get(X1),
      ...load(T, 2 * RB),
      ...op.get(X0),
      ...op.f64Mul,
      ...op.f64Sub,
      ...load(T, 2 * RB + 8),
      ...op.get(A),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.tee(A1),
      ...op.set(A),
      ...op.get(P),
      ...op.get(A0),
      ...load(T, RB + 16),
      ...op.f64Mul,
      ...op.tee(TT),
      ...load(T, RB + 24),
      ...op.get(B),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.f64Store(8),
      ...op.get(A1),
      ...load(T, 2 * RB + 16),
      ...op.f64Mul,
      ...load(T, 2 * RB + 24),
      ...op.get(TT),
      ...op.f64Mul,
      ...op.f64Sub,
      ...load(T, 2 * RB + 32),
      ...op.get(B),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.set(B),
      ...op.get(P),
      ...op.get(B),
      ...op.f64Store(16),
      ...op.get(S),
      ...op.get(A0),
      ...op.get(A1),
      ...op.f64Add,
      ...op.f64Add,
      ...op.set(S),
      ...op.get(P),
      ...op.i32(16),
      ...op.i32Add,
      ...op.set(P),
      ...op.get(T),
      ...op.i32(2 * RB),
      ...op.i32Add,
      ...op.set(T),
      ...op.br(0),
      ...op.end,
      ...op.end,
      // one row left (row n-1)
      ...lastRow(v, 1),
      ...op.i32(0),
      ...op.get(A),
      ...op.f64Store(0),
      ...op.get(S),
    ];
  });
}

/** i32 local ← local + delta. */
const bump = (l: number, delta: number): number[] => [...op.get(l), ...op.i32(delta), ...op.i32Add, ...op.set(l)];
/** f64 load from local + byte offset (offset may be negative). */
const loadAt = (p: number, off: number): number[] =>
  off >= 0 ? load(p, off) : [...op.get(p), ...op.i32(-off), ...op.i32Sub, ...op.f64Load(0)];
/** Store the value computed by `value` at local + byte offset (offset ≥ 0). */
const storeAt = (p: number, off: number, value: number[]): number[] => [...op.get(p), ...value, ...op.f64Store(off)];
/** Loop that exits when i32 local `cnt` is 0, decrementing it each iteration, around `body`. */
const countdown = (cnt: number, body: number[]): number[] => [
  ...op.block,
  ...op.loop,
  ...op.get(cnt),
  ...op.i32Eqz,
  ...op.brIf(1),
  ...bump(cnt, -1),
  ...body,
  ...op.br(0),
  ...op.end,
  ...op.end,
];
const ZERO = op.f64(0);

/** LU elimination: y_0 = x_0·inv_0, y_i = x_i·inv_i - lw_i·y_{i-1} (params n, px, pu; locals cnt, y). */
function luElimKernel(): WasmFunction {
  const signature = { params: { n: "i32", px: "i32", pu: "i32" }, locals: { cnt: "i32", y: "f64" } } as const;
  return kernelFunction("luElim", signature, ({ n: N, px: P, pu: T, cnt: CNT, y: Y }) => [
    ...load(P, 0),
    ...load(T, 16),
    ...op.f64Mul,
    ...op.set(Y),
    ...storeAt(P, 0, op.get(Y)),
    ...op.get(N),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.set(CNT),
    ...countdown(CNT, [
      ...bump(P, 8),
      ...bump(T, RB),
      ...load(P, 0),
      ...load(T, 16),
      ...op.f64Mul,
      ...load(T, 24),
      ...op.get(Y),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.set(Y),
      ...storeAt(P, 0, op.get(Y)),
    ]),
  ]);
}

/**
 * Substitution x_i = y_i - c_i·x_{i∓1} with c at offset 0 of the table rows, downward from row n-1
 * (`subDown`, table down: cp) or upward from row 0 (`subUp`, table up: cl); returns the plain sum.
 */
function subKernel(downward: boolean): WasmFunction {
  const signature = { params: { n: "i32", px: "i32", pt: "i32" }, results: ["f64"], locals: { cnt: "i32", y: "f64", sum: "f64" } } as const;
  return kernelFunction(downward ? "subDown" : "subUp", signature, ({ n: N, px: P, pt: T, cnt: CNT, y: Y, sum: SUM }) => {
    const step = downward ? -1 : 1;
    const body: number[] = [];
    if (downward) {
      body.push(
        ...op.get(P),
        ...op.get(N),
        ...op.i32(1),
        ...op.i32Sub,
        ...op.i32(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.set(P),
        ...op.get(T),
        ...op.get(N),
        ...op.i32(1),
        ...op.i32Sub,
        ...op.i32(RB),
        ...op.i32Mul,
        ...op.i32Add,
        ...op.set(T),
      );
    }
    body.push(
      ...load(P, 0),
      ...op.tee(Y),
      ...op.set(SUM),
      ...op.get(N),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.set(CNT),
      ...countdown(CNT, [
        ...bump(P, 8 * step),
        ...bump(T, RB * step),
        ...load(P, 0),
        ...load(T, 0),
        ...op.get(Y),
        ...op.f64Mul,
        ...op.f64Sub,
        ...op.set(Y),
        ...storeAt(P, 0, op.get(Y)),
        ...op.get(SUM),
        ...op.get(Y),
        ...op.f64Add,
        ...op.set(SUM),
      ]),
      ...op.get(SUM),
    );
    return body;
  });
}

/**
 * Both factorisations, the same operations as `factorTridiagonal` in `numerics.ts` (params n, pl, pg,
 * pq — lower, diag, upper — and pd, pu — the tables; locals cnt, p).
 */
function factorKernel(): WasmFunction {
  const signature = {
    params: { n: "i32", pl: "i32", pg: "i32", pq: "i32", td: "i32", tu: "i32" },
    locals: { cnt: "i32", pv: "f64" },
  } as const;
  return kernelFunction("factor", signature, ({ n, pl, pg, pq, td, tu, cnt: CNT, pv: PV }) => {
    const one = op.f64(1);
    const advance = (sign: number): number[] => [
      ...bump(pl, 8 * sign),
      ...bump(pg, 8 * sign),
      ...bump(pq, 8 * sign),
      ...bump(td, RB * sign),
      ...bump(tu, RB * sign),
    ];
    const body: number[] = [
      // LU, upward
      ...one,
      ...load(pg, 0),
      ...op.f64Div,
      ...op.set(PV),
      ...storeAt(tu, 16, op.get(PV)),
      ...storeAt(td, 0, [...load(pq, 0), ...op.get(PV), ...op.f64Mul]),
      ...storeAt(tu, 24, ZERO),
      ...op.get(n),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.set(CNT),
      ...countdown(CNT, [
        ...advance(1),
        ...one,
        ...load(pg, 0),
        ...load(pl, 0),
        ...loadAt(td, -RB),
        ...op.f64Mul,
        ...op.f64Sub,
        ...op.f64Div,
        ...op.set(PV),
        ...storeAt(tu, 16, op.get(PV)),
        ...storeAt(td, 0, [...load(pq, 0), ...op.get(PV), ...op.f64Mul]),
        ...storeAt(tu, 24, [...load(pl, 0), ...op.get(PV), ...op.f64Mul]),
      ]),
      // UL, downward from row n-1 (where the pointers are now)
      ...one,
      ...load(pg, 0),
      ...op.f64Div,
      ...op.set(PV),
      ...storeAt(td, 16, op.get(PV)),
      ...storeAt(tu, 0, [...load(pl, 0), ...op.get(PV), ...op.f64Mul]),
      ...storeAt(td, 24, ZERO),
      ...op.get(n),
      ...op.i32(2),
      ...op.i32Sub,
      ...op.set(CNT),
      ...countdown(CNT, [
        ...advance(-1),
        ...one,
        ...load(pg, 0),
        ...load(pq, 0),
        ...load(tu, RB),
        ...op.f64Mul,
        ...op.f64Sub,
        ...op.f64Div,
        ...op.set(PV),
        ...storeAt(td, 16, op.get(PV)),
        ...storeAt(tu, 0, [...load(pl, 0), ...op.get(PV), ...op.f64Mul]),
        ...storeAt(td, 24, [...load(pq, 0), ...op.get(PV), ...op.f64Mul]),
      ]),
      ...advance(-1),
      ...one,
      ...load(pg, 0),
      ...load(pq, 0),
      ...load(tu, RB),
      ...op.f64Mul,
      ...op.f64Sub,
      ...op.f64Div,
      ...op.set(PV),
      ...storeAt(td, 16, op.get(PV)),
      ...storeAt(tu, 0, ZERO),
      ...storeAt(td, 24, [...load(pq, 0), ...op.get(PV), ...op.f64Mul]),
      // products (pointers at row 0)
      ...storeAt(tu, 8, ZERO),
      ...storeAt(tu, 32, ZERO),
      ...op.get(n),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.set(CNT),
      ...countdown(CNT, [
        ...storeAt(td, 8, [...load(td, 0), ...load(td, RB), ...op.f64Mul]),
        ...storeAt(td, 32, [...load(td, 24), ...load(td, RB + 24), ...op.f64Mul]),
        ...bump(td, RB),
        ...bump(tu, RB),
        ...storeAt(tu, 8, [...load(tu, 0), ...loadAt(tu, -RB), ...op.f64Mul]),
        ...storeAt(tu, 32, [...load(tu, 24), ...loadAt(tu, 24 - RB), ...op.f64Mul]),
      ]),
      ...storeAt(td, 8, ZERO),
      ...storeAt(td, 32, ZERO),
    ];
    return body;
  });
}

const TRIDIAGONAL = defineKernelModule<TridiagonalKernels>({
  memoryPages: 1,
  functions: () => [downKernel(), upKernel(), luElimKernel(), subKernel(true), subKernel(false), factorKernel()],
});

/**
 * The assembled module (for tests).
 * @returns the bytes
 */
export function tridiagonalModuleBytes(): Uint8Array<ArrayBuffer> {
  return TRIDIAGONAL.bytes();
}

/**
 * Byte addresses in the kernels' memory for n rows: the vector (n doubles), the downward and the
 * upward tables (5n each) and the matrix diagonals lower, diag, upper (n each).
 */
export interface TridiagonalRegion {
  readonly kernels: TridiagonalKernels;
  readonly px: number;
  readonly pd: number;
  readonly pu: number;
  readonly pl: number;
  readonly pdg: number;
  readonly pup: number;
}

/**
 * The kernels with memory for n rows (grown as needed; the region starts at the same address for
 * every n, so one factorisation lives there at a time: callers fill and factorise right before the
 * steps, with no user code in between), or null when WebAssembly is unavailable or disabled, n is
 * above 2^20, or the memory cannot grow: the caller then uses the JavaScript path.
 */
export function reserveTridiagonal(n: number): TridiagonalRegion | null {
  if (n > MAX_ROWS) return null;
  const kernels = TRIDIAGONAL.instance();
  if (kernels === null) return null;
  const pd = PX + 8 * n;
  const pu = pd + RB * n;
  const pl = pu + RB * n;
  const pdg = pl + 8 * n;
  const pup = pdg + 8 * n;
  if (!ensureMemory(kernels.mem, pup + 8 * n)) return null;
  return { kernels, px: PX, pd, pu, pl, pdg, pup };
}
