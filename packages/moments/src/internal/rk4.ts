/**
 * The classical RK4 step shared by the moment solvers (hierarchy, mean and covariance).
 * @packageDocumentation
 */

/** Work arrays of {@link rk4Advance}: the four stages and the stage argument, each of the state's length. */
export interface Rk4Work {
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly k3: Float64Array;
  readonly k4: Float64Array;
  readonly tmp: Float64Array;
}

/** Work arrays for a state of n values. @internal */
export function createRk4Work(n: number): Rk4Work {
  return { k1: new Float64Array(n), k2: new Float64Array(n), k3: new Float64Array(n), k4: new Float64Array(n), tmp: new Float64Array(n) };
}

/**
 * `steps` classical RK4 steps of size h of y' = F(y), in place; `deriv(s, out)` writes F(s) into
 * `out`. Allocation-free. @internal
 */
export function rk4Advance(
  deriv: (s: Float64Array, out: Float64Array) => void,
  y: Float64Array,
  h: number,
  steps: number,
  work: Rk4Work,
): void {
  const { k1, k2, k3, k4, tmp } = work;
  const n = y.length;
  for (let st = 0; st < steps; st++) {
    deriv(y, k1);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + 0.5 * h * k1[i]!;
    deriv(tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + 0.5 * h * k2[i]!;
    deriv(tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + h * k3[i]!;
    deriv(tmp, k4);
    for (let i = 0; i < n; i++) y[i] = y[i]! + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
  }
}

/** Whether every value of y is finite. @internal */
export function allFinite(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i]!)) return false;
  return true;
}
