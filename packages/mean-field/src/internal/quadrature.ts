/** Gauss–Legendre rules on [-1, 1] (nodes, weights), used for cell averages and CDF integrals. */
export const GL4_X = new Float64Array([-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526]);
export const GL4_W = new Float64Array([0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538]);
export const GL8_X = new Float64Array([
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498,
  0.525532409916329, 0.7966664774136267, 0.9602898564975363,
]);
export const GL8_W = new Float64Array([
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362,
  0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
]);

/** ∫_a^b g by composite 8-point Gauss–Legendre on `parts` equal sub-intervals. */
export function integrate(g: (x: number) => number, a: number, b: number, parts: number): number {
  const h = (b - a) / parts;
  let s = 0;
  for (let p = 0; p < parts; p++) {
    const c = a + (p + 0.5) * h;
    let q = 0;
    for (let k = 0; k < 8; k++) q += GL8_W[k]! * g(c + 0.5 * h * GL8_X[k]!);
    s += 0.5 * h * q;
  }
  return s;
}
