/**
 * Internal: WebAssembly SIMD (f64x2) kernels of the loss gradient of forward-Euler tanh ResNets with
 * d = 2 (workload W4) and d = 1. `fwd` / `fwd1`: the forward sweep of a block of samples, storing the
 * layer inputs x^k and σ'(z^k) = 1 - tanh²(z^k); `bwd` / `bwd1`: the backward adjoint sweep of a block,
 * accumulating ∂J/∂W^k and ∂J/∂b^k; `mse` (d = 2): a whole evaluation for the mean-square loss
 * (copy-in, forward, loss head, backward, block by block) in one call. Other losses run their head in
 * JavaScript between the sweeps. d = 2: one sample per v128, its two coordinates in the two lanes;
 * d = 1: two samples per v128.
 *
 * Every lane performs exactly the IEEE-754 operations of the JavaScript block kernels in `kernel.ts`
 * (the same products and sums in the same order, the same gradient sums, the loss head of
 * `LossHead.sample`, and the shared `tanhF64x2`, which is bit-identical to the scalar `tanhFast`);
 * WebAssembly has no fused multiply-add, so both paths return bit-identical losses and gradients
 * (tested). The d = 1 kernels also reproduce the generic kernel's operations exactly.
 *
 * Memory: [0, 28808) the tanh table; θ (W then b) from byte 32768; the W, b part of the gradient; the
 * block workspace: x^0..x^L (L + 1 rows of `GRAD_BLOCK` samples), σ' (L rows), the adjoints p (one
 * row); then the mse kernel's inputs (P, and x, y, w of the batch). The module is assembled and
 * compiled on first use and shared by all evaluators (evaluations are synchronous and never
 * interleave); its memory grows to the largest batch seen. Not exported from the package.
 * @packageDocumentation
 */
import { ConstantPool, ensureMemory, op, unrolledLoops, type Constants, type WasmFunction } from "../wasm/assembler.js";
import { defineKernelModule, kernelFunction, type LocalDeclarations } from "../wasm/kernel.js";
import { declareTanhLanes, interleavedTanh, writeTanhTable, type TanhLocals } from "../wasm/tanh.js";

/** Samples per block, shared with the JavaScript block kernel (the gradient's partial sums are per block). */
export const GRAD_BLOCK = 128;
/** Byte offset of θ in the kernel memory. */
export const THETA_OFFSET = 32768;
const ROW = 16 * GRAD_BLOCK;

/** `count` samples: their inputs, their tanh evaluations interleaved, their outputs. */
function samples(
  count: number,
  start: (j: number) => number[],
  finish: (j: number) => number[],
  T: (j: number) => TanhLocals,
  K: Constants,
): number[] {
  const all = Array.from({ length: count }, (_, j) => j);
  return [...all.flatMap(start), ...interleavedTanh(all.map(T), 0, K), ...all.flatMap(finish)];
}
/** Samples per iteration of the forward sweep (independent tanh evaluations for the processor to overlap). */
const UNROLL = 4;

const dup0 = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7];
const dup1 = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const lo = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const hi = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/** Locals of the frame of a forward kernel (see {@link forwardSweep}). */
interface ForwardFrame {
  readonly dt: number;
  readonly L: number;
  readonly k: number;
  readonly p: number;
  readonly dp: number;
  readonly end: number;
  readonly hv: number;
}

/**
 * The body of both forward kernels: hv = (dt, dt); for k = 0..L-1: the layer's code (its coefficients;
 * p = u + k·ROW, dp = dd + k·ROW and `end` past the block's last sample), then the samples of the block
 * from p to end, `unroll` per iteration while that many remain (independent work for the processor to
 * overlap), then one at a time, each `start`, its tanh, `finish`. `build` receives the per-sample locals
 * and the constant pool.
 */
function forwardSweep(
  f: ForwardFrame,
  more: LocalDeclarations,
  unroll: number,
  build: (
    X: (j: number) => number,
    T: (j: number) => TanhLocals,
    K: Constants,
  ) => { layer: number[]; start: (j: number) => number[]; finish: (j: number) => number[] },
): number[] {
  // per unrolled sample j: its x (X(j)) and its tanh scratch set (T(j); tanh(z) lands in T.q)
  const { V: X, T } = declareTanhLanes(more, unroll, "x");
  const pool = new ConstantPool(more);
  const K: Constants = pool;
  const { layer, start, finish } = build(X, T, K);
  const { p, dp } = f;
  const advance = (bytes: number): number[] => [
    ...op.get(p),
    ...op.i32(bytes),
    ...op.i32Add,
    ...op.set(p),
    ...op.get(dp),
    ...op.i32(bytes),
    ...op.i32Add,
    ...op.set(dp),
  ];
  const c: number[] = [];
  c.push(...op.get(f.dt), ...op.f64x2Splat, ...op.set(f.hv), ...op.i32(0), ...op.set(f.k));
  c.push(...op.block, ...op.loop);
  c.push(...op.get(f.k), ...op.get(f.L), ...op.i32GeU, ...op.brIf(1));
  c.push(...layer);
  c.push(...unrolledLoops(p, f.end, 16, unroll, (count) => samples(count, start, finish, T, K), advance));
  c.push(...op.get(f.k), ...op.i32(1), ...op.i32Add, ...op.set(f.k), ...op.br(0), ...op.end, ...op.end);
  return [...pool.init(), ...c];
}

/**
 * forward(th, L, dt, u, dd, n): for k = 0..L-1 and each sample r < n of the block:
 * z = (w00, w10)·x0 + (w01, w11)·x1 + (b0, b1); t = tanh z; σ'[k][r] = 1 - t·t; x[k+1][r] = x[k][r] + dt·t.
 * θ at `th` (W: 32 bytes per layer, b after the L·32 bytes of W); rows of `ROW` bytes at u and dd.
 */
function forwardKernel(unroll: number): WasmFunction {
  const signature = {
    params: { th: "i32", L: "i32", dt: "f64", u: "i32", dd: "i32", n: "i32" },
    locals: { k: "i32", p: "i32", dp: "i32", end: "i32", c0: "v128", c1: "v128", bv: "v128", hv: "v128", colA: "v128", colB: "v128" },
  } as const;
  return kernelFunction("fwd", signature, ({ th, L, dt, u, dd, n, k, p, dp, end, c0, c1, bv, hv, colA, colB }, more) =>
    forwardSweep({ dt, L, k, p, dp, end, hv }, more, unroll, (X, T, K) => {
      const layer = [
        // the layer's coefficients: colA = (w00, w01), colB = (w10, w11) → c0 = (w00, w10), c1 = (w01, w11)
        ...op.get(th),
        ...op.get(k),
        ...op.i32(5),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.tee(p),
        ...op.v128Load(0),
        ...op.set(colA),
        ...op.get(p),
        ...op.v128Load(16),
        ...op.set(colB),
        ...op.get(colA),
        ...op.get(colB),
        ...op.shuffle(lo),
        ...op.set(c0),
        ...op.get(colA),
        ...op.get(colB),
        ...op.shuffle(hi),
        ...op.set(c1),
        ...op.get(th),
        ...op.get(L),
        ...op.i32(5),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.get(k),
        ...op.i32(4),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.v128Load(0),
        ...op.set(bv),
        // p = u + k·ROW, dp = dd + k·ROW, end = p + n·16
        ...op.get(k),
        ...op.i32(ROW),
        ...op.i32Mul,
        ...op.tee(p),
        ...op.get(dd),
        ...op.i32Add,
        ...op.set(dp),
        ...op.get(p),
        ...op.get(u),
        ...op.i32Add,
        ...op.tee(p),
        ...op.get(n),
        ...op.i32(4),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.set(end),
      ];
      const start = (j: number): number[] => [
        ...op.get(p),
        ...op.v128Load(16 * j),
        ...op.tee(X(j)),
        ...op.get(X(j)),
        ...op.shuffle(dup0),
        ...op.get(c0),
        ...op.f64x2Mul,
        ...op.get(X(j)),
        ...op.get(X(j)),
        ...op.shuffle(dup1),
        ...op.get(c1),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.get(bv),
        ...op.f64x2Add,
        ...op.set(T(j).z),
      ];
      const finish = (j: number): number[] => [
        ...op.get(dp),
        ...K.get(1),
        ...op.get(T(j).q),
        ...op.get(T(j).q),
        ...op.f64x2Mul,
        ...op.f64x2Sub,
        ...op.v128Store(16 * j),
        ...op.get(p),
        ...op.get(X(j)),
        ...op.get(hv),
        ...op.get(T(j).q),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.v128Store(ROW + 16 * j),
      ];
      return { layer, start, finish };
    }),
  );
}

/**
 * backward(th, L, dt, u, dd, pp, n, gw): for k = L-1..0: for each sample r < n of the block,
 * g = (dt·σ'[k][r])·p[r]; A0 += g·x0, A1 += g·x1, C += g (A0 = (a00, a10), A1 = (a01, a11),
 * C = (c0, c1)) in two interleaved partial sums, one over the even samples and one over the odd ones
 * (an odd block's last sample joins the even sums), so that the additions of consecutive samples do
 * not wait on each other; p[r] += (w00, w01)·g0 + (w10, w11)·g1. Then ∂J/∂W^k += (even + odd) sums as
 * rows (a00, a01 | a10, a11), ∂J/∂b^k += (even + odd) C, at gw (the W part, 32 bytes per layer, then b).
 */
function backwardKernel(): WasmFunction {
  const signature = {
    params: { th: "i32", L: "i32", dt: "f64", u: "i32", dd: "i32", pp: "i32", n: "i32", gw: "i32" },
    locals: { k: "i32", p: "i32", dp: "i32", q: "i32", end: "i32", hv: "v128", colA: "v128", colB: "v128" },
  } as const;
  return kernelFunction("bwd", signature, ({ th, L, dt, u, dd, pp, n, gw, k, p, dp, q, end, hv, colA, colB }, more) => {
    // per partial sum s = 0 (even samples), 1 (odd): a0, a1, ca, and the sample's g, p, x
    const sums = [0, 1].map((s) => ({
      a0: more.add(`a0.${s}`, "v128"),
      a1: more.add(`a1.${s}`, "v128"),
      ca: more.add(`ca.${s}`, "v128"),
      g: more.add(`g.${s}`, "v128"),
      pv: more.add(`pv.${s}`, "v128"),
      xv: more.add(`xv.${s}`, "v128"),
    }));
    const a0 = (s: number): number => sums[s]!.a0;
    const a1 = (s: number): number => sums[s]!.a1;
    const ca = (s: number): number => sums[s]!.ca;
    const g = (s: number): number => sums[s]!.g;
    const pv = (s: number): number => sums[s]!.pv;
    const xv = (s: number): number => sums[s]!.xv;
    const sample = (s: number, off: number): number[] => [
      // g = (dt·σ')·p
      ...op.get(hv),
      ...op.get(dp),
      ...op.v128Load(off),
      ...op.f64x2Mul,
      ...op.get(q),
      ...op.v128Load(off),
      ...op.tee(pv(s)),
      ...op.f64x2Mul,
      ...op.set(g(s)),
      ...op.get(p),
      ...op.v128Load(off),
      ...op.set(xv(s)),
      ...op.get(a0(s)),
      ...op.get(g(s)),
      ...op.get(xv(s)),
      ...op.get(xv(s)),
      ...op.shuffle(dup0),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.set(a0(s)),
      ...op.get(a1(s)),
      ...op.get(g(s)),
      ...op.get(xv(s)),
      ...op.get(xv(s)),
      ...op.shuffle(dup1),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.set(a1(s)),
      ...op.get(ca(s)),
      ...op.get(g(s)),
      ...op.f64x2Add,
      ...op.set(ca(s)),
      // p ← p + colA·g0 + colB·g1
      ...op.get(q),
      ...op.get(pv(s)),
      ...op.get(colA),
      ...op.get(g(s)),
      ...op.get(g(s)),
      ...op.shuffle(dup0),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.get(colB),
      ...op.get(g(s)),
      ...op.get(g(s)),
      ...op.shuffle(dup1),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.v128Store(off),
    ];
    const advance = (bytes: number): number[] => [
      ...op.get(p),
      ...op.i32(bytes),
      ...op.i32Add,
      ...op.set(p),
      ...op.get(dp),
      ...op.i32(bytes),
      ...op.i32Add,
      ...op.set(dp),
      ...op.get(q),
      ...op.i32(bytes),
      ...op.i32Add,
      ...op.set(q),
    ];
    const c: number[] = [];
    c.push(...op.get(dt), ...op.f64x2Splat, ...op.set(hv), ...op.get(L), ...op.set(k));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(k), ...op.i32Eqz, ...op.brIf(1));
    c.push(...op.get(k), ...op.i32(1), ...op.i32Sub, ...op.set(k));
    c.push(...op.get(th), ...op.get(k), ...op.i32(5), ...op.i32Shl, ...op.i32Add, ...op.tee(p), ...op.v128Load(0), ...op.set(colA));
    c.push(...op.get(p), ...op.v128Load(16), ...op.set(colB));
    c.push(...op.v128Splat(0), ...op.tee(a0(0)), ...op.tee(a1(0)), ...op.tee(ca(0)), ...op.tee(a0(1)), ...op.tee(a1(1)), ...op.set(ca(1)));
    c.push(...op.get(k), ...op.i32(ROW), ...op.i32Mul, ...op.tee(p), ...op.get(dd), ...op.i32Add, ...op.set(dp));
    c.push(...op.get(p), ...op.get(u), ...op.i32Add, ...op.set(p));
    c.push(...op.get(pp), ...op.tee(q), ...op.get(n), ...op.i32(4), ...op.i32Shl, ...op.i32Add, ...op.set(end));
    // pairs: the even sample into sums 0, the odd one into sums 1
    c.push(...op.block, ...op.loop);
    c.push(...op.get(end), ...op.get(q), ...op.i32Sub, ...op.i32(32), ...op.i32LtU, ...op.brIf(1));
    c.push(...sample(0, 0), ...sample(1, 16), ...advance(32));
    c.push(...op.br(0), ...op.end, ...op.end);
    // an odd block's last sample
    c.push(...op.get(q), ...op.get(end), ...op.i32LtU, ...op.if, ...sample(0, 0), ...op.end);
    // sums 0 += sums 1; gradient rows: W row 0 += (a00, a01) = lo(A0, A1), row 1 += (a10, a11) = hi(A0, A1); b += C
    c.push(...op.get(a0(0)), ...op.get(a0(1)), ...op.f64x2Add, ...op.set(a0(0)));
    c.push(...op.get(a1(0)), ...op.get(a1(1)), ...op.f64x2Add, ...op.set(a1(0)));
    c.push(...op.get(ca(0)), ...op.get(ca(1)), ...op.f64x2Add, ...op.set(ca(0)));
    c.push(...op.get(gw), ...op.get(k), ...op.i32(5), ...op.i32Shl, ...op.i32Add, ...op.tee(p));
    c.push(...op.get(p), ...op.v128Load(0), ...op.get(a0(0)), ...op.get(a1(0)), ...op.shuffle(lo), ...op.f64x2Add, ...op.v128Store(0));
    c.push(
      ...op.get(p),
      ...op.get(p),
      ...op.v128Load(16),
      ...op.get(a0(0)),
      ...op.get(a1(0)),
      ...op.shuffle(hi),
      ...op.f64x2Add,
      ...op.v128Store(16),
    );
    c.push(
      ...op.get(gw),
      ...op.get(L),
      ...op.i32(5),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.get(k),
      ...op.i32(4),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.tee(p),
    );
    c.push(...op.get(p), ...op.v128Load(0), ...op.get(ca(0)), ...op.f64x2Add, ...op.v128Store(0));
    c.push(...op.br(0), ...op.end, ...op.end);
    return c;
  });
}

/**
 * forward1(th, L, dt, u, dd, n), d = 1: two samples per v128 (rows of `GRAD_BLOCK` doubles at u, dd),
 * ⌈n/2⌉ pairs (an odd block's last lane is a padding sample, computed and ignored):
 * z = w·x + b; t = tanh z; σ' = 1 - t·t; x ← x + dt·(0 + t) (the operations of the generic kernel,
 * whose Runge–Kutta sum starts at 0). θ at `th`: W (L values) then b (L values).
 */
function forwardKernel1(unroll: number): WasmFunction {
  const signature = {
    params: { th: "i32", L: "i32", dt: "f64", u: "i32", dd: "i32", n: "i32" },
    locals: { k: "i32", p: "i32", dp: "i32", end: "i32", wv: "v128", bv: "v128", hv: "v128" },
  } as const;
  return kernelFunction("fwd1", signature, ({ th, L, dt, u, dd, n, k, p, dp, end, wv, bv, hv }, more) =>
    forwardSweep({ dt, L, k, p, dp, end, hv }, more, unroll, (X, T, K) => {
      const layer = [
        ...op.get(th),
        ...op.get(k),
        ...op.i32(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.tee(p),
        ...op.f64Load(0),
        ...op.f64x2Splat,
        ...op.set(wv),
        ...op.get(p),
        ...op.get(L),
        ...op.i32(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.f64Load(0),
        ...op.f64x2Splat,
        ...op.set(bv),
        ...op.get(k),
        ...op.i32(ROW),
        ...op.i32Mul,
        ...op.tee(p),
        ...op.get(dd),
        ...op.i32Add,
        ...op.set(dp),
        // end = p + ⌈n/2⌉·16
        ...op.get(p),
        ...op.get(u),
        ...op.i32Add,
        ...op.tee(p),
        ...op.get(n),
        ...op.i32(1),
        ...op.i32Add,
        ...op.i32(1),
        ...op.i32ShrU,
        ...op.i32(4),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.set(end),
      ];
      const start = (j: number): number[] => [
        ...op.get(wv),
        ...op.get(p),
        ...op.v128Load(16 * j),
        ...op.tee(X(j)),
        ...op.f64x2Mul,
        ...op.get(bv),
        ...op.f64x2Add,
        ...op.set(T(j).z),
      ];
      const finish = (j: number): number[] => [
        ...op.get(dp),
        ...K.get(1),
        ...op.get(T(j).q),
        ...op.get(T(j).q),
        ...op.f64x2Mul,
        ...op.f64x2Sub,
        ...op.v128Store(16 * j),
        ...op.get(p),
        ...op.get(X(j)),
        ...op.get(hv),
        ...K.get(0),
        ...op.get(T(j).q),
        ...op.f64x2Add,
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.v128Store(ROW + 16 * j),
      ];
      return { layer, start, finish };
    }),
  );
}

/**
 * backward1(th, L, dt, u, dd, pp, n, gw), d = 1, the operations of the generic kernel: for
 * k = L-1..0 and each sample r < n in order, g = σ'·(dt·p), ∂J/∂W^k += g·x, ∂J/∂b^k += g (sequential
 * sums in sample order, directly on the gradient at gw), p ← p + (0 + w·g). Two samples per v128 for
 * the products; the sums are scalar.
 */
function backwardKernel1(): WasmFunction {
  const signature = {
    params: { th: "i32", L: "i32", dt: "f64", u: "i32", dd: "i32", pp: "i32", n: "i32", gw: "i32" },
    locals: {
      k: "i32",
      p: "i32",
      dp: "i32",
      q: "i32",
      end: "i32",
      gwk: "i32",
      gbk: "i32",
      w: "f64",
      gs: "f64",
      ps: "f64",
      aw: "f64",
      ab: "f64",
      hv: "v128",
      wv: "v128",
      g: "v128",
      pv: "v128",
      gx: "v128",
    },
  } as const;
  return kernelFunction(
    "bwd1",
    signature,
    ({ th, L, dt, u, dd, pp, n, gw, k, p, dp, q, end, gwk, gbk, w, gs, ps, aw, ab, hv, wv, g, pv, gx }) => {
      const c: number[] = [];
      c.push(...op.get(dt), ...op.f64x2Splat, ...op.set(hv), ...op.get(L), ...op.set(k));
      c.push(...op.block, ...op.loop);
      c.push(...op.get(k), ...op.i32Eqz, ...op.brIf(1));
      c.push(...op.get(k), ...op.i32(1), ...op.i32Sub, ...op.set(k));
      c.push(
        ...op.get(th),
        ...op.get(k),
        ...op.i32(3),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.f64Load(0),
        ...op.tee(w),
        ...op.f64x2Splat,
        ...op.set(wv),
      );
      // aw, ab: the gradient entries of layer k, updated in place
      c.push(...op.get(gw), ...op.get(k), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.tee(gwk), ...op.f64Load(0), ...op.set(aw));
      c.push(...op.get(gwk), ...op.get(L), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.tee(gbk), ...op.f64Load(0), ...op.set(ab));
      c.push(...op.get(k), ...op.i32(ROW), ...op.i32Mul, ...op.tee(p), ...op.get(dd), ...op.i32Add, ...op.set(dp));
      c.push(...op.get(p), ...op.get(u), ...op.i32Add, ...op.set(p));
      c.push(
        ...op.get(pp),
        ...op.tee(q),
        ...op.get(n),
        ...op.i32(1),
        ...op.i32ShrU,
        ...op.i32(4),
        ...op.i32Shl,
        ...op.i32Add,
        ...op.set(end),
      );
      c.push(...op.block, ...op.loop);
      c.push(...op.get(q), ...op.get(end), ...op.i32GeU, ...op.brIf(1));
      // g = σ'·(dt·p); gx = g·x
      c.push(
        ...op.get(dp),
        ...op.v128Load(0),
        ...op.get(hv),
        ...op.get(q),
        ...op.v128Load(0),
        ...op.tee(pv),
        ...op.f64x2Mul,
        ...op.f64x2Mul,
        ...op.tee(g),
      );
      c.push(...op.get(p), ...op.v128Load(0), ...op.f64x2Mul, ...op.set(gx));
      c.push(
        ...op.get(ab),
        ...op.get(g),
        ...op.f64x2Extract(0),
        ...op.f64Add,
        ...op.get(g),
        ...op.f64x2Extract(1),
        ...op.f64Add,
        ...op.set(ab),
      );
      c.push(
        ...op.get(aw),
        ...op.get(gx),
        ...op.f64x2Extract(0),
        ...op.f64Add,
        ...op.get(gx),
        ...op.f64x2Extract(1),
        ...op.f64Add,
        ...op.set(aw),
      );
      c.push(
        ...op.get(q),
        ...op.get(pv),
        ...op.v128Splat(0),
        ...op.get(wv),
        ...op.get(g),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.f64x2Add,
        ...op.v128Store(0),
      );
      c.push(
        ...op.get(p),
        ...op.i32(16),
        ...op.i32Add,
        ...op.set(p),
        ...op.get(dp),
        ...op.i32(16),
        ...op.i32Add,
        ...op.set(dp),
        ...op.get(q),
        ...op.i32(16),
        ...op.i32Add,
        ...op.set(q),
      );
      c.push(...op.br(0), ...op.end, ...op.end);
      // the odd block's last sample
      c.push(...op.get(n), ...op.i32(1), ...op.i32And, ...op.if);
      c.push(
        ...op.get(dp),
        ...op.f64Load(0),
        ...op.get(dt),
        ...op.get(q),
        ...op.f64Load(0),
        ...op.tee(ps),
        ...op.f64Mul,
        ...op.f64Mul,
        ...op.set(gs),
      );
      c.push(...op.get(ab), ...op.get(gs), ...op.f64Add, ...op.set(ab));
      c.push(...op.get(aw), ...op.get(gs), ...op.get(p), ...op.f64Load(0), ...op.f64Mul, ...op.f64Add, ...op.set(aw));
      c.push(
        ...op.get(q),
        ...op.get(ps),
        ...op.f64(0),
        ...op.get(w),
        ...op.get(gs),
        ...op.f64Mul,
        ...op.f64Add,
        ...op.f64Add,
        ...op.f64Store(0),
      );
      c.push(...op.end);
      c.push(...op.get(gwk), ...op.get(aw), ...op.f64Store(0), ...op.get(gbk), ...op.get(ab), ...op.f64Store(0));
      c.push(...op.br(0), ...op.end, ...op.end);
      return c;
    },
  );
}

/**
 * mse(th, L, dt, u, dd, pp, gw, X, Y, Wt, count, m, P, wsum, grad) → J: the whole evaluation for the
 * mean-square loss, block by block: copy the block's inputs from X (2 values per sample) into row 0,
 * forward sweep, the loss head of every sample (the operations of `LossHead.sample`: with a projection
 * P (m×2 at P ≠ 0) r_a = (-y_a + P_a0 x0) + P_a1 x1, l = Σ r_a², p_j = scale · Σ_a P_aj r_a; without
 * one e = x - y, l = e0² + e1², p = scale · e; scale = w_i / wsum, w_i = 1 when Wt = 0;
 * J += (0.5 · scale) · l in sample order), then the backward sweep when grad ≠ 0.
 */
function mseKernel(): WasmFunction {
  const signature = {
    params: {
      th: "i32",
      L: "i32",
      dt: "f64",
      u: "i32",
      dd: "i32",
      pp: "i32",
      gw: "i32",
      X: "i32",
      Y: "i32",
      Wt: "i32",
      count: "i32",
      m: "i32",
      P: "i32",
      wsum: "f64",
      grad: "i32",
    },
    results: ["f64"],
    locals: {
      s0: "i32",
      n: "i32",
      r: "i32",
      a: "i32",
      gi: "i32",
      xo: "i32",
      J: "f64",
      scale: "f64",
      l: "f64",
      ra: "f64",
      xv: "v128",
      pv: "v128",
      row: "v128",
      e: "v128",
    },
  } as const;
  return kernelFunction("mse", signature, (v) => {
    const { th, L, dt, u, dd, pp, gw, X, Y, Wt, count, m, P, wsum, grad, s0, n, r, a, gi, xo, J, scale, l, ra, xv, pv, row, e } = v;
    const c: number[] = [];
    c.push(...op.f64(0), ...op.set(J), ...op.i32(0), ...op.set(s0));
    // xo = u + L·ROW: the block's outputs x^L
    c.push(...op.get(u), ...op.get(L), ...op.i32(ROW), ...op.i32Mul, ...op.i32Add, ...op.set(xo));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(s0), ...op.get(count), ...op.i32GeU, ...op.brIf(1));
    // n = min(count - s0, BLOCK)
    c.push(
      ...op.get(count),
      ...op.get(s0),
      ...op.i32Sub,
      ...op.tee(n),
      ...op.i32(GRAD_BLOCK),
      ...op.get(n),
      ...op.i32(GRAD_BLOCK),
      ...op.i32LtU,
      ...op.select,
      ...op.set(n),
    );
    // row 0 ← X[s0 .. s0 + n)
    c.push(...op.i32(0), ...op.set(r), ...op.block, ...op.loop, ...op.get(r), ...op.get(n), ...op.i32GeU, ...op.brIf(1));
    c.push(...op.get(u), ...op.get(r), ...op.i32(4), ...op.i32Shl, ...op.i32Add);
    c.push(
      ...op.get(X),
      ...op.get(s0),
      ...op.get(r),
      ...op.i32Add,
      ...op.i32(4),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.v128Load(0),
      ...op.v128Store(0),
    );
    c.push(...op.get(r), ...op.i32(1), ...op.i32Add, ...op.set(r), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(th), ...op.get(L), ...op.get(dt), ...op.get(u), ...op.get(dd), ...op.get(n), ...call("fwd"));
    // the loss head
    c.push(...op.i32(0), ...op.set(r), ...op.block, ...op.loop, ...op.get(r), ...op.get(n), ...op.i32GeU, ...op.brIf(1));
    c.push(...op.get(s0), ...op.get(r), ...op.i32Add, ...op.set(gi));
    // scale = (Wt ? Wt[gi] : 1) / wsum
    c.push(
      ...op.get(Wt),
      ...op.get(gi),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.f64Load(0),
      ...op.f64(1),
      ...op.get(Wt),
      ...op.select,
      ...op.get(wsum),
      ...op.f64Div,
      ...op.set(scale),
    );
    c.push(...op.get(xo), ...op.get(r), ...op.i32(4), ...op.i32Shl, ...op.i32Add, ...op.v128Load(0), ...op.set(xv));
    c.push(...op.get(P), ...op.i32Eqz, ...op.if);
    // identity: e = x - y
    c.push(
      ...op.get(xv),
      ...op.get(Y),
      ...op.get(gi),
      ...op.i32(4),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.v128Load(0),
      ...op.f64x2Sub,
      ...op.set(e),
    );
    c.push(...op.f64(0), ...op.get(e), ...op.f64x2Extract(0), ...op.get(e), ...op.f64x2Extract(0), ...op.f64Mul, ...op.f64Add);
    c.push(...op.get(e), ...op.f64x2Extract(1), ...op.get(e), ...op.f64x2Extract(1), ...op.f64Mul, ...op.f64Add, ...op.set(l));
    c.push(...op.get(scale), ...op.f64x2Splat, ...op.get(e), ...op.f64x2Mul, ...op.set(pv));
    c.push(...op.else);
    // projection: for a < m: row = P_a, r_a = (-y_a + P_a0 x0) + P_a1 x1, l += r_a², pv += row · r_a
    c.push(...op.f64(0), ...op.set(l), ...op.v128Splat(0), ...op.set(pv), ...op.i32(0), ...op.set(a));
    c.push(...op.block, ...op.loop, ...op.get(a), ...op.get(m), ...op.i32GeU, ...op.brIf(1));
    c.push(
      ...op.get(P),
      ...op.get(a),
      ...op.i32(4),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.v128Load(0),
      ...op.tee(row),
      ...op.get(xv),
      ...op.f64x2Mul,
      ...op.set(e),
    );
    c.push(
      ...op.get(Y),
      ...op.get(gi),
      ...op.get(m),
      ...op.i32Mul,
      ...op.get(a),
      ...op.i32Add,
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.f64Load(0),
      ...op.f64Neg,
    );
    c.push(...op.get(e), ...op.f64x2Extract(0), ...op.f64Add, ...op.get(e), ...op.f64x2Extract(1), ...op.f64Add, ...op.tee(ra));
    c.push(...op.get(ra), ...op.f64Mul, ...op.get(l), ...op.f64Add, ...op.set(l));
    c.push(...op.get(pv), ...op.get(row), ...op.get(ra), ...op.f64x2Splat, ...op.f64x2Mul, ...op.f64x2Add, ...op.set(pv));
    c.push(...op.get(a), ...op.i32(1), ...op.i32Add, ...op.set(a), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(scale), ...op.f64x2Splat, ...op.get(pv), ...op.f64x2Mul, ...op.set(pv));
    c.push(...op.end);
    c.push(...op.get(pp), ...op.get(r), ...op.i32(4), ...op.i32Shl, ...op.i32Add, ...op.get(pv), ...op.v128Store(0));
    c.push(...op.get(J), ...op.f64(0.5), ...op.get(scale), ...op.f64Mul, ...op.get(l), ...op.f64Mul, ...op.f64Add, ...op.set(J));
    c.push(...op.get(r), ...op.i32(1), ...op.i32Add, ...op.set(r), ...op.br(0), ...op.end, ...op.end);
    c.push(
      ...op.get(grad),
      ...op.if,
      ...op.get(th),
      ...op.get(L),
      ...op.get(dt),
      ...op.get(u),
      ...op.get(dd),
      ...op.get(pp),
      ...op.get(n),
      ...op.get(gw),
      ...call("bwd"),
      ...op.end,
    );
    c.push(...op.get(s0), ...op.i32(GRAD_BLOCK), ...op.i32Add, ...op.set(s0), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(J));
    return c;
  });
}

/** The exports of the module (addresses in bytes; see {@link GradLayout}). */
export interface GradKernels {
  readonly mem: WebAssembly.Memory;
  readonly fwd: (th: number, L: number, dt: number, u: number, dd: number, n: number) => void;
  readonly bwd: (th: number, L: number, dt: number, u: number, dd: number, pp: number, n: number, gw: number) => void;
  readonly fwd1: (th: number, L: number, dt: number, u: number, dd: number, n: number) => void;
  readonly bwd1: (th: number, L: number, dt: number, u: number, dd: number, pp: number, n: number, gw: number) => void;
  readonly mse: (
    th: number,
    L: number,
    dt: number,
    u: number,
    dd: number,
    pp: number,
    gw: number,
    X: number,
    Y: number,
    Wt: number,
    count: number,
    m: number,
    P: number,
    wsum: number,
    grad: number,
  ) => number;
}

/** The functions of the module in index order (`mse` calls `fwd` and `bwd` by name). */
const FUNCTIONS = ["fwd", "bwd", "mse", "fwd1", "bwd1"] as const;
const call = (name: (typeof FUNCTIONS)[number]): number[] => op.call(FUNCTIONS.indexOf(name));

/** The module: the tanh table written into its memory. */
const GRADIENT = defineKernelModule<GradKernels>({
  memoryPages: 2,
  functions: () => {
    const fs = [forwardKernel(UNROLL), backwardKernel(), mseKernel(), forwardKernel1(UNROLL), backwardKernel1()];
    if (fs.some((f, i) => f.name !== FUNCTIONS[i])) throw new Error("wasm-gradient: functions out of order");
    return fs;
  },
  setup: (k) => writeTanhTable(k.mem, 0),
});

/** The assembled module (for tests). */
export function wasmGradientModuleBytes(): Uint8Array<ArrayBuffer> {
  return GRADIENT.bytes();
}

/** Byte addresses in the kernel memory for L layers. */
export interface GradLayout {
  /** θ: W (L·d·d values), then b (L·d values); room for d = 2. */
  readonly th: number;
  /** The W, b part of the gradient, laid out like θ. */
  readonly gw: number;
  /** Layer inputs x^0..x^L of a block: L + 1 rows of `GRAD_BLOCK` · 16 bytes. */
  readonly u: number;
  /** σ'(z^k) of a block: L rows. */
  readonly dd: number;
  /** Adjoints p of a block: one row. */
  readonly pp: number;
  /** End of the workspace (where the mse kernel's inputs start). */
  readonly bytes: number;
}

/** @internal Layout of the kernel memory for L layers. */
export function gradLayout(L: number): GradLayout {
  const th = THETA_OFFSET;
  const gw = th + 48 * L;
  const u = gw + 48 * L;
  const dd = u + (L + 1) * ROW;
  const pp = dd + L * ROW;
  return { th, gw, u, dd, pp, bytes: pp + ROW };
}

/** The kernels, their memory layout for `L` layers, and a Float64Array view of the memory. */
export interface GradientKernels {
  readonly k: GradKernels;
  f64: Float64Array;
  L: number;
  layout: GradLayout;
}
let state: GradientKernels | null = null;

/**
 * The kernels with their memory grown for `L` layers and a current view of it, or null (then the
 * caller runs its JavaScript path). The returned object is shared and updated in place.
 */
export function gradientKernels(L: number, extraBytes = 0): GradientKernels | null {
  const k = GRADIENT.instance();
  if (k === null) return null;
  if (state === null) state = { k, f64: new Float64Array(k.mem.buffer), L, layout: gradLayout(L) };
  if (state.L !== L) {
    state.L = L;
    state.layout = gradLayout(L);
  }
  if (!ensureMemory(k.mem, state.layout.bytes + extraBytes)) return null;
  if (state.f64.buffer !== k.mem.buffer) state.f64 = new Float64Array(k.mem.buffer);
  return state;
}
