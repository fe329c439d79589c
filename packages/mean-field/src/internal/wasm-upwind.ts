/**
 * WebAssembly SIMD (f64x2) kernels for many first-order upwind forward-Euler steps of the Vlasov
 * solver, in 1-D and unsplit 2-D, with the densities, the face coefficients and the per-step boundary
 * fluxes resident in the kernel memory for the whole solve.
 *
 * Each lane performs exactly the IEEE-754 operations of the JavaScript stages `advectionStage1D` /
 * `advectionStage2D` (first order, c0 = 0, c1 = 1): the same products, sums and differences in the
 * same order (WebAssembly has no fused multiply-add), so the two paths are bit-identical; the tests
 * compare them bit for bit. The module is assembled at run time from `@kinetic-nde/core/wasm` opcodes,
 * compiled on first use and used only where WebAssembly SIMD validates; it runs unchanged in Node,
 * browsers and Web Workers. Not exported from the package.
 *
 * Memory (bytes): [per-step boundary fluxes][face coefficients][state buffers], laid out by
 * {@link openUpwindArena}; 1-D state buffers carry one ghost cell on each side (set by the kernel
 * every step from the boundary condition) and eight padding cells, so the vector loop needs no
 * scalar remainder.
 * @packageDocumentation
 */
import { defineKernelModule, ensureMemory, kernelFunction, op, wasmKernelsEnabled, type WasmFunction } from "@kinetic-nde/core/wasm";

// ---------------------------------------------------------------- shuffle patterns
/** Shuffle taking lane 1 of the first operand and lane 0 of the second: (a.hi, b.lo). */
const HI_LO = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];

const load = (offset = 0): number[] => op.v128Load(offset);
const store = (offset = 0): number[] => op.v128Store(offset);
const add32 = (a: number[], b: number[]): number[] => [...a, ...b, ...op.i32Add];

/**
 * up1(ap, am, src, dst, n, c2, steps, periodic, lost): `steps` upwind Euler steps of n cells,
 * alternating src → dst → src …; byte pointers to cell 0 (state buffers need a ghost cell before cell 0
 * and eight padding cells after cell n-1; ap/am need 8 padding faces after face n, all finite).
 * lost[s] = F_n - F_0 of step s. `U` vectors (2U cells) per loop iteration; the loop is bound by the
 * floating-point pipes (3 multiplies, 3 adds/subtracts and one shuffle per two cells), so U = 2 and
 * U = 4 measured the same, and two steps per sweep (the second step one vector behind the first, its
 * input in registers) measured 10 % slower: its shifted input costs a shuffle where the first step
 * loads it.
 */
export function up1(U = 2): WasmFunction {
  const signature = {
    params: { ap: "i32", am: "i32", src: "i32", dst: "i32", n: "i32", c2: "f64", steps: "i32", periodic: "i32", lost: "i32" },
    locals: { s: "i32", o: "i32", end: "i32", t: "i32", f0: "f64", fn: "f64", c2v: "v128", prev: "v128" },
  } as const;
  return kernelFunction("up1", signature, (v, more) => {
    const { ap: AP, am: AM, src: SRC, dst: DST, n: N, c2: C2, steps: STEPS, periodic: PER, lost: LOST } = v;
    const { s: S, o: O, end: END, t: T, f0: F0, fn: FN, c2v: C2V, prev: PREV } = v;
    // per vector u of an iteration: its cells (Av) and its right-face fluxes (Fv)
    const Av: number[] = [],
      Fv: number[] = [];
    for (let u = 0; u < U; u++) {
      Av.push(more.add(`cells${u}`, "v128"));
      Fv.push(more.add(`flux${u}`, "v128"));
    }
    const c: number[] = [];
    c.push(...op.get(C2), ...op.f64x2Splat, ...op.set(C2V));
    c.push(...op.get(N), ...op.i32(3), ...op.i32Shl, ...op.set(END));
    c.push(...op.i32(0), ...op.set(S));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(S), ...op.get(STEPS), ...op.i32GeS, ...op.brIf(1));
    // ghosts: src[-1] = src[periodic ? n-1 : 0], src[n] = src[periodic ? 0 : n-1]
    const last = add32(op.get(SRC), [...op.get(END), ...op.i32(8), ...op.i32Sub]);
    c.push(...op.get(SRC), ...op.i32(8), ...op.i32Sub);
    c.push(...last, ...op.get(SRC), ...op.get(PER), ...op.select, ...op.f64Load(), ...op.f64Store());
    c.push(...add32(op.get(SRC), op.get(END)));
    c.push(...op.get(SRC), ...last, ...op.get(PER), ...op.select, ...op.f64Load(), ...op.f64Store());
    // F0 = ap[0]·src[-1] + am[0]·src[0]
    c.push(...op.get(AP), ...op.f64Load(), ...op.get(SRC), ...op.i32(8), ...op.i32Sub, ...op.f64Load(), ...op.f64Mul);
    c.push(...op.get(AM), ...op.f64Load(), ...op.get(SRC), ...op.f64Load(), ...op.f64Mul, ...op.f64Add, ...op.set(F0));
    // FN = ap[n]·src[n-1] + am[n]·src[n]
    c.push(...add32(op.get(AP), op.get(END)), ...op.f64Load(), ...last, ...op.f64Load(), ...op.f64Mul);
    c.push(
      ...add32(op.get(AM), op.get(END)),
      ...op.f64Load(),
      ...add32(op.get(SRC), op.get(END)),
      ...op.f64Load(),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.set(FN),
    );
    // lost[s] = FN - F0
    c.push(
      ...op.get(LOST),
      ...op.get(S),
      ...op.i32(3),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.get(FN),
      ...op.get(F0),
      ...op.f64Sub,
      ...op.f64Store(),
    );
    c.push(...op.get(F0), ...op.f64x2Splat, ...op.set(PREV));
    // U vectors (2U cells from j on) per iteration, o = 8j bytes
    c.push(...op.i32(0), ...op.set(O));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(O), ...op.get(END), ...op.i32GeS, ...op.brIf(1));
    for (let u = 0; u < U; u++) {
      const a = Av[u]!,
        f = Fv[u]!,
        off = 16 * u;
      c.push(...add32(op.get(SRC), op.get(O)), ...load(off), ...op.set(a));
      // F = ap[j+1..j+2]·src[j..j+1] + am[j+1..j+2]·src[j+1..j+2]
      c.push(...add32(op.get(AP), op.get(O)), ...load(off + 8), ...op.get(a), ...op.f64x2Mul);
      c.push(
        ...add32(op.get(AM), op.get(O)),
        ...load(off + 8),
        ...add32(op.get(SRC), op.get(O)),
        ...load(off + 8),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.set(f),
      );
    }
    for (let u = 0; u < U; u++) {
      const a = Av[u]!,
        f = Fv[u]!,
        prev = u === 0 ? PREV : Fv[u - 1]!,
        off = 16 * u;
      // dst = src - c2·(F_right - F_left), F_left = (prev.hi, F.lo)
      c.push(
        ...add32(op.get(DST), op.get(O)),
        ...op.get(a),
        ...op.get(C2V),
        ...op.get(f),
        ...op.get(prev),
        ...op.get(f),
        ...op.shuffle(HI_LO),
      );
      c.push(...op.f64x2Sub, ...op.f64x2Mul, ...op.f64x2Sub, ...store(off));
    }
    c.push(...op.get(Fv[U - 1]!), ...op.set(PREV));
    c.push(...op.get(O), ...op.i32(16 * U), ...op.i32Add, ...op.set(O), ...op.br(0), ...op.end, ...op.end);
    // swap buffers, next step
    c.push(...op.get(SRC), ...op.set(T), ...op.get(DST), ...op.set(SRC), ...op.get(T), ...op.set(DST));
    c.push(...op.get(S), ...op.i32(1), ...op.i32Add, ...op.set(S), ...op.br(0), ...op.end, ...op.end);
    return c;
  });
}

/**
 * up2(axp, axm, ayp, aym, src, dst, row, nx, ny, cx, cy, dx, dy, steps, periodic, lost): `steps`
 * unsplit upwind Euler steps on nx·ny cells (index i*ny + j), alternating src → dst → src …; `row` is
 * a scratch of ny doubles (the x-face fluxes of the previous face row). lost[s] is the net outward
 * boundary flux of step s, Δx Σ_i (Fy_{i,ny} - Fy_{i,0}) + Δy Σ_j (Fx_{nx,j} - Fx_{0,j}), summed as in
 * `advectionStage2D`.
 */
export function up2(): WasmFunction {
  const signature = {
    params: {
      axp: "i32",
      axm: "i32",
      ayp: "i32",
      aym: "i32",
      src: "i32",
      dst: "i32",
      row: "i32",
      nx: "i32",
      ny: "i32",
      cx: "f64",
      cy: "f64",
      dx: "f64",
      dy: "f64",
      steps: "i32",
      periodic: "i32",
      lost: "i32",
    },
    // t: the swap temporary, and the dst row within a step
    locals: {
      s: "i32",
      i: "i32",
      j: "i32",
      rb: "i32",
      rr: "i32",
      fx: "i32",
      yr: "i32",
      nyb: "i32",
      t: "i32",
      lim1: "i32",
      lim2: "i32",
      jw: "i32",
      jwr: "i32",
      sum0: "f64",
      sumN: "f64",
      out: "f64",
      fy0: "f64",
      fyL: "f64",
      fyR: "f64",
      fxR: "f64",
      cxv: "v128",
      cyv: "v128",
      prev: "v128",
      a: "v128",
      fy: "v128",
      fxv: "v128",
      a2: "v128",
      fy2: "v128",
      fxv2: "v128",
    },
  } as const;
  return kernelFunction("up2", signature, (v) => {
    const {
      axp: AXP,
      axm: AXM,
      ayp: AYP,
      aym: AYM,
      src: SRC,
      dst: DST,
      row: ROW,
      nx: NX,
      ny: NY,
      cx: CX,
      cy: CY,
      dx: DX,
      dy: DY,
      steps: STEPS,
      periodic: PER,
      lost: LOST,
    } = v;
    const { s: S, i: I, j: J, rb: RB, rr: RR, fx: FX, yr: YR, nyb: NYB, t: T, lim1: LIM1, lim2: LIM2, jw: JW, jwr: JWR } = v;
    const { sum0: SUM0, sumN: SUMN, out: OUT, fy0: FY0, fyL: FYL, fyR: FYR, fxR: FXR } = v;
    const { cxv: CXV, cyv: CYV, prev: PREV, a: A, fy: FY, fxv: FXV, a2: A2, fy2: FY2, fxv2: FXV2 } = v;
    const c: number[] = [];
    const addr = (base: number, off: number): number[] => add32(op.get(base), op.get(off));
    c.push(...op.get(CX), ...op.f64x2Splat, ...op.set(CXV), ...op.get(CY), ...op.f64x2Splat, ...op.set(CYV));
    c.push(...op.get(NY), ...op.i32(3), ...op.i32Shl, ...op.set(NYB));
    // vector loops run while the right y-face of the last cell is interior: j + 4 ≤ ny - 1, j + 2 ≤ ny - 1 (bytes)
    c.push(...op.get(NYB), ...op.i32(40), ...op.i32Sub, ...op.set(LIM1));
    c.push(...op.get(NYB), ...op.i32(24), ...op.i32Sub, ...op.set(LIM2));
    // y-ghost byte offsets within a row: jw = periodic ? ny-1 : 0, jwr = periodic ? 0 : ny-1
    c.push(...op.get(NYB), ...op.i32(8), ...op.i32Sub, ...op.i32(0), ...op.get(PER), ...op.select, ...op.set(JW));
    c.push(...op.i32(0), ...op.get(NYB), ...op.i32(8), ...op.i32Sub, ...op.get(PER), ...op.select, ...op.set(JWR));
    c.push(...op.i32(0), ...op.set(S));
    c.push(...op.block, ...op.loop);
    c.push(...op.get(S), ...op.get(STEPS), ...op.i32GeS, ...op.brIf(1));
    // x-face 0: row[j] = axp[j]·src[iw, j] + axm[j]·src[0, j], iw = periodic ? nx-1 : 0; sum0 = Σ row (in order)
    c.push(...op.get(NX), ...op.i32(1), ...op.i32Sub, ...op.get(NYB), ...op.i32Mul, ...op.get(SRC), ...op.i32Add);
    c.push(...op.get(SRC), ...op.get(PER), ...op.select, ...op.set(RR)); // RR = address of row iw
    c.push(...op.f64(0), ...op.set(SUM0), ...op.i32(0), ...op.set(J));
    c.push(...op.block, ...op.loop, ...op.get(J), ...op.get(NYB), ...op.i32GeS, ...op.brIf(1));
    c.push(...addr(ROW, J), ...addr(AXP, J), ...op.f64Load(), ...addr(RR, J), ...op.f64Load(), ...op.f64Mul);
    c.push(
      ...addr(AXM, J),
      ...op.f64Load(),
      ...addr(SRC, J),
      ...op.f64Load(),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.tee(FXR),
      ...op.f64Store(),
    );
    c.push(...op.get(SUM0), ...op.get(FXR), ...op.f64Add, ...op.set(SUM0));
    c.push(...op.get(J), ...op.i32(8), ...op.i32Add, ...op.set(J), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.f64(0), ...op.set(OUT));
    // rows: RB = src row i, RR = src row i+1 (or the ghost row), FX = axp/axm offset of x-face row i+1, YR = ayp/aym offset of row i
    c.push(...op.i32(0), ...op.set(I), ...op.get(SRC), ...op.set(RB), ...op.i32(0), ...op.set(YR));
    c.push(...op.block, ...op.loop, ...op.get(I), ...op.get(NX), ...op.i32GeS, ...op.brIf(1));
    // RR = i < nx-1 ? RB + ny : (periodic ? src : RB)
    c.push(...op.get(RB), ...op.get(NYB), ...op.i32Add, ...op.get(SRC), ...op.get(RB), ...op.get(PER), ...op.select);
    c.push(...op.get(I), ...op.get(NX), ...op.i32(1), ...op.i32Sub, ...op.i32LtS, ...op.select, ...op.set(RR));
    c.push(...op.get(RB), ...op.get(SRC), ...op.i32Sub, ...op.tee(FX), ...op.get(DST), ...op.i32Add, ...op.set(T)); // T = dst row i
    c.push(...op.get(FX), ...op.get(NYB), ...op.i32Add, ...op.set(FX));
    // Fy0 = ayp[yr]·src[row + jw] + aym[yr]·src[row]
    c.push(...op.get(AYP), ...op.get(YR), ...op.i32Add, ...op.f64Load(), ...addr(RB, JW), ...op.f64Load(), ...op.f64Mul);
    c.push(
      ...op.get(AYM),
      ...op.get(YR),
      ...op.i32Add,
      ...op.f64Load(),
      ...op.get(RB),
      ...op.f64Load(),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.tee(FY0),
      ...op.f64x2Splat,
      ...op.set(PREV),
    );
    c.push(...op.i32(0), ...op.set(J));
    // one vector (cells j, j+1 at byte offset `off` from j): x-fluxes, y-fluxes, update
    const vec = (a: number, fy: number, fxv: number, prev: number, off: number): number[] => {
      const v: number[] = [];
      const fxo = [...op.get(FX), ...op.get(J), ...op.i32Add]; // x-face row i+1, column j
      const yo = [...op.get(YR), ...op.get(J), ...op.i32Add]; // y-face row i, face j
      v.push(...addr(RB, J), ...load(off), ...op.set(a));
      // FxR = axp·src[i, j] + axm·src[i+1, j]
      v.push(...op.get(AXP), ...fxo, ...op.i32Add, ...load(off), ...op.get(a), ...op.f64x2Mul);
      v.push(
        ...op.get(AXM),
        ...fxo,
        ...op.i32Add,
        ...load(off),
        ...addr(RR, J),
        ...load(off),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.set(fxv),
      );
      // FyR = ayp[yr+j+1]·src[i, j] + aym[yr+j+1]·src[i, j+1]
      v.push(...op.get(AYP), ...yo, ...op.i32Add, ...load(off + 8), ...op.get(a), ...op.f64x2Mul);
      v.push(
        ...op.get(AYM),
        ...yo,
        ...op.i32Add,
        ...load(off + 8),
        ...addr(RB, J),
        ...load(off + 8),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.set(fy),
      );
      // dst = (src - cx·(FxR - FxL)) - cy·(FyR - FyL); row[j] = FxR
      v.push(
        ...addr(T, J),
        ...op.get(a),
        ...op.get(CXV),
        ...op.get(fxv),
        ...addr(ROW, J),
        ...load(off),
        ...op.f64x2Sub,
        ...op.f64x2Mul,
        ...op.f64x2Sub,
      );
      v.push(
        ...op.get(CYV),
        ...op.get(fy),
        ...op.get(prev),
        ...op.get(fy),
        ...op.shuffle(HI_LO),
        ...op.f64x2Sub,
        ...op.f64x2Mul,
        ...op.f64x2Sub,
        ...store(off),
      );
      v.push(...addr(ROW, J), ...op.get(fxv), ...store(off));
      return v;
    };
    // two vectors per iteration, then one, then scalar cells
    c.push(...op.block, ...op.loop, ...op.get(J), ...op.get(LIM1), ...op.i32GtS, ...op.brIf(1));
    c.push(...vec(A, FY, FXV, PREV, 0), ...vec(A2, FY2, FXV2, FY, 16), ...op.get(FY2), ...op.set(PREV));
    c.push(...op.get(J), ...op.i32(32), ...op.i32Add, ...op.set(J), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.block, ...op.loop, ...op.get(J), ...op.get(LIM2), ...op.i32GtS, ...op.brIf(1));
    c.push(...vec(A, FY, FXV, PREV, 0), ...op.get(FY), ...op.set(PREV));
    c.push(...op.get(J), ...op.i32(16), ...op.i32Add, ...op.set(J), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(PREV), ...op.f64x2Extract(1), ...op.set(FYL));
    // scalar cells j .. ny-1 (one or two; the last one takes the boundary y-face with its ghost)
    c.push(...op.block, ...op.loop, ...op.get(J), ...op.get(NYB), ...op.i32GeS, ...op.brIf(1));
    const fxo = [...op.get(FX), ...op.get(J), ...op.i32Add];
    c.push(...op.get(AXP), ...fxo, ...op.i32Add, ...op.f64Load(), ...addr(RB, J), ...op.f64Load(), ...op.f64Mul);
    c.push(
      ...op.get(AXM),
      ...fxo,
      ...op.i32Add,
      ...op.f64Load(),
      ...addr(RR, J),
      ...op.f64Load(),
      ...op.f64Mul,
      ...op.f64Add,
      ...op.set(FXR),
    );
    // FyR: interior face j+1, or the boundary face ny with src[row + jwr]
    c.push(
      ...op.get(AYP),
      ...op.get(YR),
      ...op.i32Add,
      ...op.get(J),
      ...op.i32Add,
      ...op.f64Load(8),
      ...addr(RB, J),
      ...op.f64Load(),
      ...op.f64Mul,
    );
    c.push(...op.get(AYM), ...op.get(YR), ...op.i32Add, ...op.get(J), ...op.i32Add, ...op.f64Load(8));
    c.push(
      ...addr(RB, J),
      ...op.i32(8),
      ...op.i32Add,
      ...addr(RB, JWR),
      ...op.get(J),
      ...op.get(NYB),
      ...op.i32(8),
      ...op.i32Sub,
      ...op.i32LtS,
      ...op.select,
    );
    c.push(...op.f64Load(), ...op.f64Mul, ...op.f64Add, ...op.set(FYR));
    c.push(
      ...addr(T, J),
      ...addr(RB, J),
      ...op.f64Load(),
      ...op.get(CX),
      ...op.get(FXR),
      ...addr(ROW, J),
      ...op.f64Load(),
      ...op.f64Sub,
      ...op.f64Mul,
      ...op.f64Sub,
    );
    c.push(...op.get(CY), ...op.get(FYR), ...op.get(FYL), ...op.f64Sub, ...op.f64Mul, ...op.f64Sub, ...op.f64Store());
    c.push(...addr(ROW, J), ...op.get(FXR), ...op.f64Store(), ...op.get(FYR), ...op.set(FYL));
    c.push(...op.get(J), ...op.i32(8), ...op.i32Add, ...op.set(J), ...op.br(0), ...op.end, ...op.end);
    // out += dx·(FyN - Fy0)
    c.push(...op.get(OUT), ...op.get(DX), ...op.get(FYL), ...op.get(FY0), ...op.f64Sub, ...op.f64Mul, ...op.f64Add, ...op.set(OUT));
    c.push(...op.get(I), ...op.i32(1), ...op.i32Add, ...op.set(I), ...op.get(RB), ...op.get(NYB), ...op.i32Add, ...op.set(RB));
    c.push(...op.get(YR), ...op.get(NYB), ...op.i32Add, ...op.i32(8), ...op.i32Add, ...op.set(YR), ...op.br(0), ...op.end, ...op.end);
    // sumN = Σ row (the x-face nx fluxes, in order); lost[s] = out + dy·(sumN - sum0)
    c.push(...op.f64(0), ...op.set(SUMN), ...op.i32(0), ...op.set(J));
    c.push(...op.block, ...op.loop, ...op.get(J), ...op.get(NYB), ...op.i32GeS, ...op.brIf(1));
    c.push(...op.get(SUMN), ...addr(ROW, J), ...op.f64Load(), ...op.f64Add, ...op.set(SUMN));
    c.push(...op.get(J), ...op.i32(8), ...op.i32Add, ...op.set(J), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(LOST), ...op.get(S), ...op.i32(3), ...op.i32Shl, ...op.i32Add);
    c.push(...op.get(OUT), ...op.get(DY), ...op.get(SUMN), ...op.get(SUM0), ...op.f64Sub, ...op.f64Mul, ...op.f64Add, ...op.f64Store());
    c.push(...op.get(SRC), ...op.set(T), ...op.get(DST), ...op.set(SRC), ...op.get(T), ...op.set(DST));
    c.push(...op.get(S), ...op.i32(1), ...op.i32Add, ...op.set(S), ...op.br(0), ...op.end, ...op.end);
    return c;
  });
}

/**
 * scan(ptr, n, out): one pass over n doubles; out[0] = min(0, values), out[1] = max(0, values) (the
 * comparisons `v < min`, `v > max` of the JavaScript clean-up, so NaN never enters), out[2] = Σ (v - v),
 * which is NaN exactly when some value is ±Infinity or NaN.
 */
function scan(): WasmFunction {
  const signature = {
    params: { ptr: "i32", n: "i32", out: "i32" },
    locals: { end: "i32", min: "f64", max: "f64", bad: "f64", v: "f64" },
  } as const;
  return kernelFunction("scan", signature, ({ ptr: PTR, n: N, out: OUT, end: END, min: MIN, max: MAX, bad: BAD, v: V }) => {
    const c: number[] = [];
    c.push(...op.get(PTR), ...op.get(N), ...op.i32(3), ...op.i32Shl, ...op.i32Add, ...op.set(END));
    c.push(...op.f64(0), ...op.set(MIN), ...op.f64(0), ...op.set(MAX), ...op.f64(0), ...op.set(BAD));
    c.push(...op.block, ...op.loop, ...op.get(PTR), ...op.get(END), ...op.i32GeS, ...op.brIf(1));
    c.push(...op.get(PTR), ...op.f64Load(), ...op.set(V));
    c.push(...op.get(V), ...op.get(MIN), ...op.get(V), ...op.get(MIN), ...op.f64Lt, ...op.select, ...op.set(MIN));
    c.push(...op.get(V), ...op.get(MAX), ...op.get(MAX), ...op.get(V), ...op.f64Lt, ...op.select, ...op.set(MAX));
    c.push(...op.get(BAD), ...op.get(V), ...op.get(V), ...op.f64Sub, ...op.f64Add, ...op.set(BAD));
    c.push(...op.get(PTR), ...op.i32(8), ...op.i32Add, ...op.set(PTR), ...op.br(0), ...op.end, ...op.end);
    c.push(...op.get(OUT), ...op.get(MIN), ...op.f64Store(0), ...op.get(OUT), ...op.get(MAX), ...op.f64Store(8));
    c.push(...op.get(OUT), ...op.get(BAD), ...op.f64Store(16));
    return c;
  });
}

/** The exports of one instance of the kernel module. */
export interface Kernels {
  readonly mem: WebAssembly.Memory;
  readonly up1: (
    ap: number,
    am: number,
    src: number,
    dst: number,
    n: number,
    c2: number,
    steps: number,
    periodic: number,
    lost: number,
  ) => void;
  readonly up2: (
    axp: number,
    axm: number,
    ayp: number,
    aym: number,
    src: number,
    dst: number,
    row: number,
    nx: number,
    ny: number,
    cx: number,
    cy: number,
    dx: number,
    dy: number,
    steps: number,
    periodic: number,
    lost: number,
  ) => void;
  readonly scan: (ptr: number, n: number, out: number) => void;
}

/** The module; solves that fit share one instance, others get their own. */
const UPWIND = defineKernelModule<Kernels>({ memoryPages: 1, functions: () => [up1(), up2(), scan()] });

/**
 * The assembled module (for tests).
 * @returns the bytes
 */
export function upwindModuleBytes(): Uint8Array<ArrayBuffer> {
  return UPWIND.bytes();
}

/** The instance kept for solves whose arrays fit in {@link SHARED_BYTES}; its memory is reused. */
let shared: Kernels | null = null;
let sharedBusy = false;
/**
 * Largest kernel memory kept between solves (32 MiB: a 1-D grid of up to ~10⁶ cells or a 2-D grid of
 * up to ~830² cells with one density). Larger solves get an instance of their own, released with it.
 */
const SHARED_BYTES = 32 * 2 ** 20;

/** True when the WebAssembly upwind kernels are available here (and switched on). */
export function upwindWasmAvailable(): boolean {
  return UPWIND.available();
}

/**
 * Views into the kernel memory for one solve: face coefficients, two state buffers per density and
 * the per-step boundary fluxes. Valid until {@link UpwindArena.close}. Solves that fit share one
 * instance (and its memory) one at a time; a nested solve or a larger one gets an instance of its own.
 */
export interface UpwindArena {
  /** 1-D: ap, am (n + 1 faces). 2-D: axp, axm, ayp, aym and a scratch row of ny values. */
  readonly faces: Float64Array[];
  /** Two state buffers per density: [u_0, s_0, u_1, s_1, …]. */
  readonly states: Float64Array[];
  /** Per-step boundary fluxes of the last kernel call, `chunk` per density. */
  readonly lost: Float64Array;
  /** Largest number of steps per kernel call. */
  readonly chunk: number;
  /**
   * One pass over a view of the arena: min(0, f), max(0, f) (NaN ignored) and whether every value is
   * finite — the scan `solveVlasov` does on its input and on its result, in the kernel.
   */
  scan(f: Float64Array): { min: number; max: number; finite: boolean };
  /** Release the arena (the views must not be used afterwards). */
  close(): void;
  /** The kernels of this arena's instance. */
  readonly kernels: Kernels;
}

/**
 * Open an arena for `nd` densities on a 1-D grid of n cells or a 2-D grid of nx × ny cells, or return
 * null (kernels unavailable or disabled, or memory cannot grow that far).
 * @param dims - [n] or [nx, ny]
 * @param nd - number of densities
 * @param chunk - steps per kernel call (≥ 1)
 */
export function openUpwindArena(dims: readonly [number] | readonly [number, number], nd: number, chunk: number): UpwindArena | null {
  if (!wasmKernelsEnabled()) return null;
  const align = (b: number): number => (b + 15) & ~15;
  const sizes: number[] = []; // doubles per region, in order
  let firstState: number;
  if (dims.length === 1) {
    const n = dims[0];
    sizes.push(nd * chunk + 4, n + 1 + 8, n + 1 + 8);
    firstState = sizes.length;
    for (let q = 0; q < 2 * nd; q++) sizes.push(2 + n + 8); // 2 leading slots: ghost at index 1
  } else {
    const [nx, ny] = dims;
    sizes.push(nd * chunk + 4, (nx + 1) * ny, (nx + 1) * ny, nx * (ny + 1), nx * (ny + 1), ny);
    firstState = sizes.length;
    for (let q = 0; q < 2 * nd; q++) sizes.push(nx * ny);
  }
  const offsets: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    offsets.push(bytes);
    bytes = align(bytes + 8 * s);
  }
  if (bytes > 2 ** 31) return null;
  const own = sharedBusy || bytes > SHARED_BYTES;
  if (!own && shared === null) shared = UPWIND.newInstance();
  const k = own ? UPWIND.newInstance() : shared;
  if (k === null || !ensureMemory(k.mem, bytes)) return null;
  const buf = k.mem.buffer;
  const view = (r: number, from: number, len: number): Float64Array => new Float64Array(buf, offsets[r]! + 8 * from, len);
  if (dims.length === 1) {
    // the padding the vector loop reads past face n and cell n-1 (and the ghost slots) must be finite;
    // everything else is written before it is read
    const n = dims[0];
    for (let r = 1; r < sizes.length; r++)
      view(r, 0, sizes[r]!)
        .fill(0, r < firstState ? n + 1 : 2 + n)
        .fill(0, 0, r < firstState ? 0 : 2);
  }
  const lost = view(0, 0, nd * chunk);
  const scanOut = view(0, nd * chunk, 3);
  let faces: Float64Array[], states: Float64Array[];
  if (dims.length === 1) {
    const n = dims[0];
    faces = [view(1, 0, n + 1), view(2, 0, n + 1)];
    states = [];
    for (let q = 0; q < 2 * nd; q++) states.push(view(firstState + q, 2, n));
  } else {
    const [nx, ny] = dims;
    faces = [view(1, 0, (nx + 1) * ny), view(2, 0, (nx + 1) * ny), view(3, 0, nx * (ny + 1)), view(4, 0, nx * (ny + 1)), view(5, 0, ny)];
    states = [];
    for (let q = 0; q < 2 * nd; q++) states.push(view(firstState + q, 0, nx * ny));
  }
  if (!own) sharedBusy = true;
  let open = true;
  return {
    faces,
    states,
    lost,
    chunk,
    kernels: k,
    scan(f: Float64Array) {
      k.scan(f.byteOffset, f.length, scanOut.byteOffset);
      return { min: scanOut[0]!, max: scanOut[1]!, finite: scanOut[2] === 0 };
    },
    close() {
      if (open && !own) sharedBusy = false;
      open = false;
    },
  };
}

/**
 * `steps` upwind Euler steps of one 1-D density in the kernel: src → dst → src … (views of an open
 * arena). Writes F_n - F_0 of each step to `lost[at + s]`.
 * @returns true when the final state is in `dst` (odd `steps`)
 */
export function wasmUpwindSteps1D(
  arena: UpwindArena,
  src: Float64Array,
  dst: Float64Array,
  c2: number,
  steps: number,
  periodic: boolean,
  at: number,
): boolean {
  const f = arena.faces;
  arena.kernels.up1(
    f[0]!.byteOffset,
    f[1]!.byteOffset,
    src.byteOffset,
    dst.byteOffset,
    src.length,
    c2,
    steps,
    periodic ? 1 : 0,
    arena.lost.byteOffset + 8 * at,
  );
  return (steps & 1) === 1;
}

/**
 * `steps` unsplit upwind Euler steps of one 2-D density in the kernel (see {@link wasmUpwindSteps1D});
 * writes the net outward boundary flux of each step (as `advectionStage2D` returns it) to `lost[at + s]`.
 * @returns true when the final state is in `dst`
 */
export function wasmUpwindSteps2D(
  arena: UpwindArena,
  nx: number,
  ny: number,
  dx: number,
  dy: number,
  src: Float64Array,
  dst: Float64Array,
  cx: number,
  cy: number,
  steps: number,
  periodic: boolean,
  at: number,
): boolean {
  const f = arena.faces;
  arena.kernels.up2(
    f[0]!.byteOffset,
    f[1]!.byteOffset,
    f[2]!.byteOffset,
    f[3]!.byteOffset,
    src.byteOffset,
    dst.byteOffset,
    f[4]!.byteOffset,
    nx,
    ny,
    cx,
    cy,
    dx,
    dy,
    steps,
    periodic ? 1 : 0,
    arena.lost.byteOffset + 8 * at,
  );
  return (steps & 1) === 1;
}
