/**
 * Small dense linear algebra for moment equations (d×d matrices, row-major). Internal.
 * @packageDocumentation
 */

/** C = A·B for n×n row-major matrices (fresh result). */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j]!;
    }
  }
  return c;
}

/** Transpose of an n×n matrix. */
export function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    if (s > best) best = s;
  }
  return best;
}

/**
 * Matrix exponential e^A by scaling and squaring with a Taylor series: A is scaled by 2^-s so that
 * ‖A‖₁ ≤ 1/2, the series is summed until the terms fall below 1e-18 of the sum (at most 30 terms),
 * and the result is squared s times. Accurate to a few ulps in norm for the small matrices here.
 */
export function expm(a: Float64Array, n: number): Float64Array {
  const nrm = norm1(a, n);
  let s = 0;
  if (nrm > 0.5) s = Math.ceil(Math.log2(nrm / 0.5));
  const scale = 2 ** -s;
  const as = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) as[i] = a[i]! * scale;
  const result = new Float64Array(n * n);
  for (let i = 0; i < n; i++) result[i * n + i] = 1;
  let term: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) term[i * n + i] = 1;
  for (let k = 1; k <= 30; k++) {
    term = matMul(term, as, n);
    const inv = 1 / k;
    let tn = 0;
    for (let i = 0; i < n * n; i++) {
      term[i] = term[i]! * inv;
      result[i] += term[i]!;
      tn += Math.abs(term[i]!);
    }
    if (tn <= 1e-18 * norm1(result, n)) break;
  }
  let r: Float64Array = result;
  for (let i = 0; i < s; i++) r = matMul(r, r, n);
  return r;
}

/**
 * Solve A x = b (n×n, row-major) by Gaussian elimination with partial pivoting.
 * @returns x, or null when A is singular to working precision
 */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]!));
  if (scale === 0) return null;
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(m[c * n + c]!);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(m[r * n + c]!);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (best <= 1e-14 * scale) return null;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = m[c * n + j]!;
        m[c * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    const piv = m[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j] -= f * m[c * n + j]!;
      x[r] -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let j = r + 1; j < n; j++) s -= m[r * n + j]! * x[j]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** True when the symmetric n×n matrix is positive definite (Cholesky succeeds). */
export function isPositiveDefinite(a: Float64Array, n: number): boolean {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return false;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return true;
}

/**
 * Solve the Lyapunov equation A X + X Aᵀ + Q = 0 (n×n) through its Kronecker form
 * (I ⊗ A + A ⊗ I) vec X = -vec Q. Cost O(n⁶): meant for n ≲ 10.
 * @returns X (symmetrised), or null when A has two eigenvalues summing to zero
 */
export function solveLyapunov(a: Float64Array, q: Float64Array, n: number): Float64Array | null {
  const N = n * n;
  const big = new Float64Array(N * N);
  // Row (i, j) of vec X (index i*n + j): Σ_k A[i,k] X[k,j] + Σ_k X[i,k] A[j,k].
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const row = (i * n + j) * N;
      for (let k = 0; k < n; k++) {
        big[row + k * n + j] += a[i * n + k]!;
        big[row + i * n + k] += a[j * n + k]!;
      }
    }
  }
  const rhs = new Float64Array(N);
  for (let i = 0; i < N; i++) rhs[i] = -q[i]!;
  const x = solveLinear(big, rhs, N);
  if (x === null) return null;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (x[i * n + j]! + x[j * n + i]!);
      x[i * n + j] = s;
      x[j * n + i] = s;
    }
  }
  return x;
}
