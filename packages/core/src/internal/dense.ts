/**
 * Small dense linear algebra (row-major n×n Float64Arrays) for the matrix exponential.
 * Not exported from the package.
 * @packageDocumentation
 */

/** C = A B for n×n row-major matrices (C must not alias A or B). */
export function matmul(A: Float64Array, B: Float64Array, n: number, C: Float64Array): Float64Array {
  C.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
    }
  }
  return C;
}

/** 1-norm (largest absolute column sum). */
export function norm1(A: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(A[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/**
 * Solve A X = B in place for n×n A and n×m B (B is overwritten by X) by LU with partial pivoting.
 * @returns false when A is numerically singular
 */
export function solveInPlace(A: Float64Array, B: Float64Array, n: number, m: number): boolean {
  const a = Float64Array.from(A);
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(a[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(a[r * n + c]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (best === 0 || !Number.isFinite(best)) return false;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = a[c * n + j];
        a[c * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      for (let j = 0; j < m; j++) {
        const t = B[c * m + j];
        B[c * m + j] = B[p * m + j];
        B[p * m + j] = t;
      }
    }
    const piv = a[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      for (let j = 0; j < m; j++) B[r * m + j] -= f * B[c * m + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    const piv = a[c * n + c];
    for (let j = 0; j < m; j++) {
      let s = B[c * m + j];
      for (let k = c + 1; k < n; k++) s -= a[c * n + k] * B[k * m + j];
      B[c * m + j] = s / piv;
    }
  }
  return true;
}

const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600, 670442572800, 33522128640,
  1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;

/**
 * Matrix exponential e^A by scaling and squaring with the [13/13] Padé approximant (Higham 2005).
 * @returns a fresh n×n matrix, or null when the Padé denominator is singular (non-finite input)
 */
export function expmDense(A: Float64Array, n: number): Float64Array | null {
  const nrm = norm1(A, n);
  if (!Number.isFinite(nrm)) return null;
  let s = 0;
  if (nrm > THETA13) s = Math.max(0, Math.ceil(Math.log2(nrm / THETA13)));
  const scale = 2 ** -s;
  const nn = n * n;
  const As = new Float64Array(nn);
  for (let i = 0; i < nn; i++) As[i] = A[i] * scale;
  const A2 = matmul(As, As, n, new Float64Array(nn));
  const A4 = matmul(A2, A2, n, new Float64Array(nn));
  const A6 = matmul(A4, A2, n, new Float64Array(nn));
  const b = PADE13;
  const t1 = new Float64Array(nn);
  const t2 = new Float64Array(nn);
  // U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I]
  for (let i = 0; i < nn; i++) t1[i] = b[13] * A6[i] + b[11] * A4[i] + b[9] * A2[i];
  matmul(A6, t1, n, t2);
  for (let i = 0; i < nn; i++) t2[i] += b[7] * A6[i] + b[5] * A4[i] + b[3] * A2[i];
  for (let i = 0; i < n; i++) t2[i * n + i] += b[1];
  const U = matmul(As, t2, n, new Float64Array(nn));
  // V = A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I
  for (let i = 0; i < nn; i++) t1[i] = b[12] * A6[i] + b[10] * A4[i] + b[8] * A2[i];
  const V = matmul(A6, t1, n, new Float64Array(nn));
  for (let i = 0; i < nn; i++) V[i] += b[6] * A6[i] + b[4] * A4[i] + b[2] * A2[i];
  for (let i = 0; i < n; i++) V[i * n + i] += b[0];
  const P = new Float64Array(nn);
  const Q = new Float64Array(nn);
  for (let i = 0; i < nn; i++) {
    P[i] = V[i] + U[i];
    Q[i] = V[i] - U[i];
  }
  if (!solveInPlace(Q, P, n, n)) return null;
  let X = P;
  let Y = new Float64Array(nn);
  for (let k = 0; k < s; k++) {
    matmul(X, X, n, Y);
    const tmp = X;
    X = Y;
    Y = tmp;
  }
  return X;
}
