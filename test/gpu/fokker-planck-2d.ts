/**
 * The f64 side of the 2-D explicit Fokker–Planck checks (the WebGPU suite and `scripts/bench-gpu.ts`
 * row FP2): the Chang–Cooper coefficients of every grid line of a 2-D tanh layer, assembled here with
 * `changCooperCoefficients` line by line (independently of the solvers under test), in the GPU layout,
 * and the unsplit explicit Euler steps on them in flux form.
 */
// relative imports: the benchmark scripts import this file outside vitest's package aliases
import { createGrid1D, type Grid2D } from "../../packages/datasets/src/index.js";
import { type Boundary, changCooperCoefficients } from "../../packages/fokker-planck/src/chang-cooper.js";

/**
 * The coefficients of every grid line in the layout of the GPU kernel: x-face i of row j at
 * i·ny + j ((nx + 1)·ny values), y-face j of column i at i·(ny + 1) + j (nx·(ny + 1) values).
 */
export interface Fp2Coefficients {
  readonly nx: number;
  readonly ny: number;
  readonly alphaX: Float64Array;
  readonly betaX: Float64Array;
  readonly alphaY: Float64Array;
  readonly betaY: Float64Array;
}

/**
 * The coefficients of the layer tanh(W x + b) (W row-major [W₀₀, W₀₁, W₁₀, W₁₁]) with constant D =
 * [D_x, D_y] and one wall on all four sides, or [x-sides, y-sides]: x-lines carry tanh(W₀₀x + W₀₁y_j + b₀) with D_x,
 * y-lines tanh(W₁₀x_i + W₁₁y + b₁) with D_y. `rate` is the largest outgoing rate of a cell,
 * max (α_{i+1} + β_i)/Δx² + (α_{j+1} + β_j)/Δy²: explicit Euler is positive for Δt·rate ≤ 1.
 */
export function fp2Coefficients(
  grid: Grid2D,
  W: readonly number[],
  b: readonly number[],
  D: readonly [number, number],
  boundary: Boundary | readonly [Boundary, Boundary],
): { coefficients: Fp2Coefficients; rate: number } {
  const { nx, ny, dx, dy } = grid;
  const [bx, by] = typeof boundary === "string" ? [boundary, boundary] : boundary;
  const gx = createGrid1D(grid.xMin, grid.xMax, nx);
  const gy = createGrid1D(grid.yMin, grid.yMax, ny);
  const alphaX = new Float64Array((nx + 1) * ny);
  const betaX = new Float64Array((nx + 1) * ny);
  const alphaY = new Float64Array(nx * (ny + 1));
  const betaY = new Float64Array(nx * (ny + 1));
  for (let j = 0; j < ny; j++) {
    const y = grid.yMin + (j + 0.5) * dy;
    const cc = changCooperCoefficients(gx, (x) => Math.tanh(W[0]! * x + W[1]! * y + b[0]!), D[0], bx, bx);
    for (let i = 0; i <= nx; i++) {
      alphaX[i * ny + j] = cc.alpha[i]!;
      betaX[i * ny + j] = cc.beta[i]!;
    }
  }
  for (let i = 0; i < nx; i++) {
    const x = grid.xMin + (i + 0.5) * dx;
    const cc = changCooperCoefficients(gy, (y) => Math.tanh(W[2]! * x + W[3]! * y + b[1]!), D[1], by, by);
    alphaY.set(cc.alpha, i * (ny + 1));
    betaY.set(cc.beta, i * (ny + 1));
  }
  let rate = 0;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      rate = Math.max(
        rate,
        (alphaX[(i + 1) * ny + j]! + betaX[i * ny + j]!) / (dx * dx) +
          (alphaY[i * (ny + 1) + j + 1]! + betaY[i * (ny + 1) + j]!) / (dy * dy),
      );
  return { coefficients: { nx, ny, alphaX, betaX, alphaY, betaY }, rate };
}

/** Coefficients as JSON for the test page. */
export function fp2Json(c: Fp2Coefficients) {
  const { nx, ny, alphaX, betaX, alphaY, betaY } = c;
  return { nx, ny, alphaX: Array.from(alphaX), betaX: Array.from(betaX), alphaY: Array.from(alphaY), betaY: Array.from(betaY) };
}

/**
 * The f64 reference: `steps` unsplit explicit steps in flux form, and the mass that left through the
 * walls (a cell outside the grid counts as empty, so the wall faces carry only the outgoing part).
 */
export function fp2Reference(
  grid: Grid2D,
  c: Fp2Coefficients,
  f0: Float64Array,
  dt: number,
  steps: number,
): { f: Float64Array; massLost: number } {
  const { nx, ny, dx, dy } = grid;
  const { alphaX: aX, betaX: bX, alphaY: aY, betaY: bY } = c;
  const rx = dt / (dx * dx);
  const ry = dt / (dy * dy);
  let y = Float64Array.from(f0);
  let z = new Float64Array(nx * ny);
  let massLost = 0;
  for (let s = 0; s < steps; s++) {
    for (let j = 0; j < ny; j++) massLost += dt * (aX[nx * ny + j]! * y[(nx - 1) * ny + j]! + bX[j]! * y[j]!) * (dy / dx);
    for (let i = 0; i < nx; i++)
      massLost += dt * (aY[i * (ny + 1) + ny]! * y[i * ny + ny - 1]! + bY[i * (ny + 1)]! * y[i * ny]!) * (dx / dy);
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) {
        const k = i * ny + j;
        const fc = y[k]!;
        const fl = i > 0 ? y[k - ny]! : 0;
        const fr = i < nx - 1 ? y[k + ny]! : 0;
        const fd = j > 0 ? y[k - 1]! : 0;
        const fu = j < ny - 1 ? y[k + 1]! : 0;
        // fluxes through the left/right x-faces i, i + 1 and the lower/upper y-faces j, j + 1
        const left = aX[k]! * fl - bX[k]! * fc;
        const right = aX[k + ny]! * fc - bX[k + ny]! * fr;
        const o = i * (ny + 1) + j;
        const down = aY[o]! * fd - bY[o]! * fc;
        const up = aY[o + 1]! * fc - bY[o + 1]! * fu;
        z[k] = fc - rx * (right - left) - ry * (up - down);
      }
    [y, z] = [z, y];
  }
  return { f: y, massLost };
}
