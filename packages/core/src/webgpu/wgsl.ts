/**
 * WGSL sources of the WebGPU kernels, generated per dimension d, activation, method and workgroup
 * size. Each particle is one invocation that keeps its state in registers for all layers and steps;
 * W and b live in one storage buffer (per layer: d·d weights row-major, then d biases). Not exported
 * from the package.
 * @packageDocumentation
 */
import type { ActivationKind } from "../activations.js";

/** Fixed-step methods the ODE kernel implements. */
export type GpuOdeMethod = "euler" | "heun" | "rk4";

/** Activation kinds the kernels implement (every built-in; user activations run only on the CPU). */
export type GpuActivationKind = Exclude<ActivationKind, "custom">;

/** Magnitude above which an f32 state counts as a blow-up (f32 overflows at 3.4e38). */
export const GPU_BLOW_UP_THRESHOLD = 1e30;

/** σ(z) in f32, with forms that neither overflow nor lose the sign (the GPU's tanh may be sinh/cosh). */
function activationWgsl(kind: GpuActivationKind): string {
  switch (kind) {
    case "identity":
      return "return z;";
    case "tanh":
      // small |z|: odd Taylor polynomial (relative error < 4e-9 for |z| < 1/16); else (1 - e)/(1 + e)
      // with e = exp(-2|z|) ∈ (0, 1], which never overflows
      return `let a = abs(z);
  if (a < 0.0625) { let z2 = z * z; return z * (1.0 + z2 * (-0.33333333 + z2 * 0.13333333)); }
  let e = exp(-2.0 * a);
  return sign(z) * ((1.0 - e) / (1.0 + e));`;
    case "sigmoid":
      return `if (z >= 0.0) { return 1.0 / (1.0 + exp(-z)); }
  let e = exp(z);
  return e / (1.0 + e);`;
    case "relu":
      return "return select(z, 0.0, z < 0.0);";
    case "leaky-relu":
      return "return select(z, p.alpha * z, z < 0.0);";
    case "softplus":
      return "return max(z, 0.0) + log(1.0 + exp(-abs(z)));";
  }
}

/** `f(0), f(1), …, f(n - 1)` joined by `sep`: the generator unrolls every loop over coordinates. */
function each(n: number, f: (j: number) => string, sep = ", "): string {
  return Array.from({ length: n }, (_, j) => f(j)).join(sep);
}

/**
 * Shared declarations: the state as a struct of d scalars (no dynamic indexing, which some compilers,
 * SwiftShader among them, spill to memory), parameters, activation, velocity of one layer, blow-up test.
 */
function common(d: number, kind: GpuActivationKind, paramsStruct: string): string {
  const z = (r: number) => `${each(d, (j) => `wb[o + ${r * d + j}u] * y.c${j}`, " + ")} + wb[o + ${d * d + r}u]`;
  return `const D: u32 = ${d}u;
const LAYER: u32 = ${d * d + d}u;
struct Vec { ${each(d, (j) => `c${j}: f32`)} };
${paramsStruct}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> wb: array<f32>;

fn act(z: f32) -> f32 {
  ${activationWgsl(kind)}
}

fn vel(l: u32, y: Vec) -> Vec {
  let o = l * LAYER;
  return Vec(${each(d, (r) => `act(${z(r)})`, ",\n    ")});
}

// Non-finite or beyond the blow-up threshold. The exponent bits are tested directly: a shader
// compiler may assume finite arithmetic and fold comparisons with NaN away.
fn isBad(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u || abs(v) > ${GPU_BLOW_UP_THRESHOLD.toExponential()};
}

fn anyBad(v: Vec) -> bool {
  return ${each(d, (j) => `isBad(v.c${j})`, " || ")};
}

fn axpy(x: Vec, a: f32, v: Vec) -> Vec {
  return Vec(${each(d, (j) => `x.c${j} + a * v.c${j}`)});
}

fn add(x: Vec, v: Vec) -> Vec {
  return Vec(${each(d, (j) => `x.c${j} + v.c${j}`)});
}

fn load(i: u32) -> Vec {
  return Vec(${each(d, (j) => `xin[i * D + ${j}u]`)});
}

fn store(i: u32, v: Vec) {
  ${each(d, (j) => `xout[i * D + ${j}u] = v.c${j};`, "\n  ")}
}
`;
}

function stepWgsl(method: GpuOdeMethod): string {
  switch (method) {
    case "euler":
      return "return axpy(y, h, vel(l, y));";
    case "heun":
      return `let k1 = vel(l, y);
  let k2 = vel(l, axpy(y, h, k1));
  return axpy(y, 0.5 * h, add(k1, k2));`;
    case "rk4":
      return `let k1 = vel(l, y);
  let k2 = vel(l, axpy(y, 0.5 * h, k1));
  let k3 = vel(l, axpy(y, 0.5 * h, k2));
  let k4 = vel(l, axpy(y, h, k3));
  return axpy(y, h / 6.0, axpy(add(k1, k4), 2.0, add(k2, k3)));`;
  }
}

const INDEX = `let i = p.first + (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.end) { return; }`;

/**
 * The fused fixed-step ODE kernel: particles [first, end) each take steps k0 … k0 + nSteps - 1 (layer
 * min(⌊k / spl⌋, L - 1) at step k) from `xin` into `xout`. The first failing step goes to `flags[0]`
 * (atomic min); with `probe` set, the lowest particle that fails at step k0 + nSteps goes to `flags[1]`.
 */
export function odeKernel(d: number, kind: GpuActivationKind, method: GpuOdeMethod, wg: number): string {
  return `${common(
    d,
    kind,
    "struct Params { first: u32, end: u32, k0: u32, nSteps: u32, spl: u32, nLayers: u32, probe: u32, pad: u32, h: f32, alpha: f32, pad2: f32, pad3: f32 };",
  )}
const WG: u32 = ${wg}u;
@group(0) @binding(2) var<storage, read> xin: array<f32>;
@group(0) @binding(3) var<storage, read_write> xout: array<f32>;
@group(0) @binding(4) var<storage, read_write> flags: array<atomic<u32>, 2>;
fn step(l: u32, h: f32, y: Vec) -> Vec {
  ${stepWgsl(method)}
}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${INDEX}
  var s = load(i);
  var failed = false;
  for (var k = p.k0; k < p.k0 + p.nSteps; k++) {
    let next = step(min(k / p.spl, p.nLayers - 1u), p.h, s);
    if (anyBad(next)) { atomicMin(&flags[0], k); failed = true; break; }
    s = next;
  }
  let kp = p.k0 + p.nSteps;
  if (p.probe != 0u && !failed) {
    if (anyBad(step(min(kp / p.spl, p.nLayers - 1u), p.h, s))) { atomicMin(&flags[1], i); }
  }
  store(i, s);
}
`;
}

/** Philox4x32-10 and Box–Muller in WGSL (the twin of `philox.ts`). */
const PHILOX = `fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}

fn philox(ctr: vec4u, key: vec2u) -> vec4u {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    if (r > 0u) { k = k + vec2u(0x9e3779b9u, 0xbb67ae85u); }
    let hi0 = mulhi(0xd2511f53u, c.x); let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi(0xcd9e8d57u, c.z); let lo1 = 0xcd9e8d57u * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}

// (cos 2πu, sin 2πu) for u = w·2^-32 from the top 24 bits of w: quadrant from the top two bits, then
// Taylor polynomials on [0, π/2) (error < 1e-8), so the result does not depend on the GPU's sin/cos.
fn sincos2pi(w: u32) -> vec2f {
  let q = w >> 30u;
  let t = f32((w >> 8u) & 0x3fffffu) * (6.2831853071795865 / 16777216.0);
  let t2 = t * t;
  let c = 1.0 + t2 * (-0.5 + t2 * (4.1666667e-2 + t2 * (-1.3888889e-3 + t2 * (2.4801587e-5 + t2 * (-2.7557319e-7 + t2 * 2.0876757e-9)))));
  let s = t * (1.0 + t2 * (-0.16666667 + t2 * (8.3333333e-3 + t2 * (-1.9841270e-4 + t2 * (2.7557319e-6 + t2 * (-2.5052108e-8 + t2 * 1.6059044e-10))))));
  if (q == 0u) { return vec2f(c, s); }
  if (q == 1u) { return vec2f(-s, c); }
  if (q == 2u) { return vec2f(-c, -s); }
  return vec2f(s, -c);
}

fn boxMuller(w0: u32, w1: u32) -> vec2f {
  let u = (f32(w0 >> 8u) + 0.5) * (1.0 / 16777216.0);
  return sqrt(-2.0 * log(u)) * sincos2pi(w1);
}
`;

/**
 * The fused Euler–Maruyama kernel with constant noise K (stored after the layers in `wb`): particle i
 * at step k draws its normals from Philox4x32-10 with counter (k, i + pOff, block, 0) and key (seedLo,
 * seedHi). A particle that blows up at step k stops: `failStep[i]` = k + 1 (0: never failed; the host
 * sets such particles to NaN), `flags[0]` = the earliest such k (atomic min), `flags[1]` counts them.
 */
export function sdeKernel(d: number, kind: GpuActivationKind, wg: number): string {
  let draws = "";
  for (let blk = 0; 4 * blk < d; blk++) {
    draws += `    let w${blk} = philox(vec4u(k, i + p.pOff, ${blk}u, 0u), key);
    let p${2 * blk} = boxMuller(w${blk}.x, w${blk}.y);
`;
    if (4 * blk + 2 < d) draws += `    let p${2 * blk + 1} = boxMuller(w${blk}.z, w${blk}.w);\n`;
  }
  // normal j is component j % 2 of pair ⌊j / 2⌋
  const xi = (j: number) => `p${Math.floor(j / 2)}.${j % 2 === 0 ? "x" : "y"}`;
  const noise = (r: number) => each(d, (j) => `wb[ko + ${r * d + j}u] * ${xi(j)}`, " + ");
  return `${common(
    d,
    kind,
    "struct Params { first: u32, end: u32, k0: u32, nSteps: u32, spl: u32, nLayers: u32, seedLo: u32, seedHi: u32, h: f32, alpha: f32, sqrtH: f32, pOff: u32 };",
  )}
const WG: u32 = ${wg}u;
@group(0) @binding(2) var<storage, read> xin: array<f32>;
@group(0) @binding(3) var<storage, read_write> xout: array<f32>;
@group(0) @binding(4) var<storage, read_write> flags: array<atomic<u32>, 2>;
@group(0) @binding(5) var<storage, read_write> failStep: array<u32>;
${PHILOX}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${INDEX}
  if (failStep[i] != 0u) { return; } // failed in an earlier dispatch (set to NaN on readback)
  let key = vec2u(p.seedLo, p.seedHi);
  let ko = p.nLayers * LAYER;
  var s = load(i);
  var fail = 0xffffffffu;
  for (var k = p.k0; k < p.k0 + p.nSteps; k++) {
    let a = vel(min(k / p.spl, p.nLayers - 1u), s);
${draws}    let next = Vec(${each(d, (r) => `s.c${r} + p.h * a.c${r} + p.sqrtH * (${noise(r)})`, ",\n      ")});
    if (anyBad(next)) { fail = k; atomicMin(&flags[0], k); atomicAdd(&flags[1], 1u); break; }
    s = next;
  }
  if (fail != 0xffffffffu) { failStep[i] = fail + 1u; }
  store(i, s);
}
`;
}

/**
 * Histogram kernel: particle i adds 1 (u32 atomic) to the count of the cell that contains it; particles
 * outside [xMin, xMin + nx·dx] (× [yMin, yMin + ny·dy] in 2-D) are dropped. Cell index a·ny + b in 2-D.
 */
export function histogramKernel(d: 1 | 2, wg: number): string {
  const locate =
    d === 1
      ? `let u = (x[i] - p.xMin) * p.invDx;
  if (!(u >= 0.0 && u <= f32(p.nx))) { return; }
  let c = min(u32(floor(u)), p.nx - 1u);`
      : `let u = (x[2u * i] - p.xMin) * p.invDx;
  let v = (x[2u * i + 1u] - p.yMin) * p.invDy;
  if (!(u >= 0.0 && u <= f32(p.nx) && v >= 0.0 && v <= f32(p.ny))) { return; }
  let c = min(u32(floor(u)), p.nx - 1u) * p.ny + min(u32(floor(v)), p.ny - 1u);`;
  return `struct Params { first: u32, end: u32, nx: u32, ny: u32, xMin: f32, invDx: f32, yMin: f32, invDy: f32 };
const WG: u32 = ${wg}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${INDEX}
  ${locate}
  atomicAdd(&counts[c], 1u);
}
`;
}

/**
 * One first-order upwind + forward-Euler step of ∂_t f + ∇·(a f) = 0 on a uniform grid, one invocation
 * per cell: dst = src - λx (Fx_{i+1/2} - Fx_{i-1/2}) [- λy (Fy_{j+1/2} - Fy_{j-1/2})], with the face
 * flux F = ap·(value left) + am·(value right) and the boundary baked into the coefficients (the layout
 * of `@kinetic-nde/mean-field/fluxes`; neighbours wrap around when `periodic` is set).
 */
export function upwindKernel(d: 1 | 2, wg: number): string {
  const body =
    d === 1
      ? `let n = p.nx;
  let jl = select(j - 1u, select(0u, n - 1u, p.periodic != 0u), j == 0u);
  let jr = select(j + 1u, select(n - 1u, 0u, p.periodic != 0u), j == n - 1u);
  let fl = ap[j] * src[jl] + am[j] * src[j];
  let fr = ap[j + 1u] * src[j] + am[j + 1u] * src[jr];
  dst[j] = src[j] - p.lx * (fr - fl);`
      : `let nx = p.nx;
  let ny = p.ny;
  let i = j / ny;
  let c = j % ny;
  let wrap = p.periodic != 0u;
  let il = select(i - 1u, select(0u, nx - 1u, wrap), i == 0u);
  let ir = select(i + 1u, select(nx - 1u, 0u, wrap), i == nx - 1u);
  let cl = select(c - 1u, select(0u, ny - 1u, wrap), c == 0u);
  let cr = select(c + 1u, select(ny - 1u, 0u, wrap), c == ny - 1u);
  let u = src[j];
  let fxl = ap[j] * src[il * ny + c] + am[j] * u;
  let fxr = ap[j + ny] * u + am[j + ny] * src[ir * ny + c];
  let y = i * (ny + 1u) + c;
  let fyl = ayp[y] * src[i * ny + cl] + aym[y] * u;
  let fyr = ayp[y + 1u] * u + aym[y + 1u] * src[i * ny + cr];
  dst[j] = u - p.lx * (fxr - fxl) - p.ly * (fyr - fyl);`;
  return `struct Params { first: u32, end: u32, nx: u32, ny: u32, periodic: u32, pad: u32, lx: f32, ly: f32 };
const WG: u32 = ${wg}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ap: array<f32>;
@group(0) @binding(2) var<storage, read> am: array<f32>;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
${d === 2 ? "@group(0) @binding(5) var<storage, read> ayp: array<f32>;\n@group(0) @binding(6) var<storage, read> aym: array<f32>;" : ""}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = p.first + (wid.y * nwg.x + wid.x) * WG + lid;
  if (j >= p.end) { return; }
  ${body}
}
`;
}

/** Slope limiters of the MUSCL kernels (those of `@kinetic-nde/mean-field/fluxes`). */
export type GpuLimiter = "minmod" | "mc" | "van-leer";

/** Explicit SSP time steppers of the MUSCL kernels (Shu–Osher form, as the CPU Vlasov solver). */
export type GpuTimeStepper = "euler" | "ssp-rk2" | "ssp-rk3";

/**
 * φ(a, b) for the differences a = u_c - u_{c-1}, b = u_{c+1} - u_c: 0 unless a and b have the same
 * strict sign (tested on the signs, so that a·b cannot underflow or overflow in f32), else minmod,
 * MC = sign·min(2|a|, 2|b|, |a + b|/2) or van Leer 2ab/(a + b) written as 2a·(b/(a + b)) (|b/(a + b)| < 1).
 */
function limiterWgsl(limiter: GpuLimiter): string {
  const body =
    limiter === "minmod"
      ? "return select(b, a, abs(a) < abs(b));"
      : limiter === "mc"
        ? `let m = min(min(2.0 * abs(a), 2.0 * abs(b)), abs(0.5 * a + 0.5 * b));
  return select(-m, m, a > 0.0);`
        : "return 2.0 * a * (b / (a + b));";
  return `fn lim(a: f32, b: f32) -> f32 {
  if (sign(a) * sign(b) <= 0.0) { return 0.0; }
  ${body}
}`;
}

/**
 * One MUSCL finite-volume stage of ∂_t f + ∇·(a f) = 0, one invocation per cell (the f32 twin of
 * `advectionStage1D` / `advectionStage2D` with limited slopes):
 * dst = src + c0·(base - src) - cx (Fx_{i+1/2} - Fx_{i-1/2}) [- cy (Fy_{j+1/2} - Fy_{j-1/2})] (the
 * combination c0·base + (1 - c0)·src in a form whose weights sum to 1 exactly although c0 = 1/3 is
 * rounded to f32, so that SSP-RK3 does not drift the mass by u/2 per step), face flux
 * F = ap·(u_L + s_L/2) + am·(u_R - s_R/2) with limited slopes s recomputed per cell from `src` (the
 * slope of a cell at a non-periodic end of its line is 0; neighbours wrap around when `periodic`).
 * Bindings: 0 params, 1 src, 2 base, 3 dst, 4/5 x-face ap/am, 6/7 y-face ap/am (2-D).
 */
export function musclKernel(d: 1 | 2, limiter: GpuLimiter, wg: number): string {
  const body =
    d === 1
      ? `let n = p.nx;
  let jl = prev(j, n);
  let jr = next(j, n);
  let u = src[j];
  let s = slope(j, j, n, 1u);
  let fl = flux(axp[j], axm[j], src[jl], slope(jl, jl, n, 1u), u, s);
  let fr = flux(axp[j + 1u], axm[j + 1u], u, s, src[jr], slope(jr, jr, n, 1u));
  dst[j] = u + p.c0 * (base[j] - u) - p.cx * (fr - fl);`
      : `let nx = p.nx;
  let ny = p.ny;
  let i = j / ny;
  let c = j % ny;
  let il = prev(i, nx);
  let ir = next(i, nx);
  let cl = prev(c, ny);
  let cr = next(c, ny);
  let u = src[j];
  let sx = slope(j, i, nx, ny);
  let sy = slope(j, c, ny, 1u);
  let jxl = il * ny + c;
  let jxr = ir * ny + c;
  let fxl = flux(axp[j], axm[j], src[jxl], slope(jxl, il, nx, ny), u, sx);
  let fxr = flux(axp[j + ny], axm[j + ny], u, sx, src[jxr], slope(jxr, ir, nx, ny));
  let jyl = i * ny + cl;
  let jyr = i * ny + cr;
  let y = i * (ny + 1u) + c;
  let fyl = flux(ayp[y], aym[y], src[jyl], slope(jyl, cl, ny, 1u), u, sy);
  let fyr = flux(ayp[y + 1u], aym[y + 1u], u, sy, src[jyr], slope(jyr, cr, ny, 1u));
  dst[j] = u + p.c0 * (base[j] - u) - p.cx * (fxr - fxl) - p.cy * (fyr - fyl);`;
  return `struct Params { first: u32, end: u32, nx: u32, ny: u32, periodic: u32, pad0: u32, pad1: u32, pad2: u32, c0: f32, pad3: f32, cx: f32, cy: f32 };
const WG: u32 = ${wg}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> base: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<storage, read> axp: array<f32>;
@group(0) @binding(5) var<storage, read> axm: array<f32>;
${d === 2 ? "@group(0) @binding(6) var<storage, read> ayp: array<f32>;\n@group(0) @binding(7) var<storage, read> aym: array<f32>;" : ""}

${limiterWgsl(limiter)}

// the neighbours of cell c on a line of len cells: wrap around when periodic, else the end cell itself
fn prev(c: u32, len: u32) -> u32 {
  return select(c - 1u, select(0u, len - 1u, p.periodic != 0u), c == 0u);
}

fn next(c: u32, len: u32) -> u32 {
  return select(c + 1u, select(len - 1u, 0u, p.periodic != 0u), c == len - 1u);
}

// limited slope of the value at index k, cell c of its line (len cells, index step st); 0 at the ends
// of a non-periodic line, where the neighbour is the cell itself and one difference is 0
fn slope(k: u32, c: u32, len: u32, st: u32) -> f32 {
  let o = k - c * st;
  let u = src[k];
  return lim(u - src[o + prev(c, len) * st], src[o + next(c, len) * st] - u);
}

fn flux(ap: f32, am: f32, uL: f32, sL: f32, uR: f32, sR: f32) -> f32 {
  return ap * (uL + 0.5 * sL) + am * (uR - 0.5 * sR);
}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = p.first + (wid.y * nwg.x + wid.x) * WG + lid;
  if (j >= p.end) { return; }
  ${body}
}
`;
}

/**
 * One explicit Euler step of the 1-D Chang–Cooper Fokker–Planck operator, one invocation per cell
 * (the f32 twin of `applyExplicit` of `@kinetic-nde/fokker-planck`):
 * dst_i = f_i + r (α_i f_{i-1} - (α_{i+1} + β_i) f_i + β_{i+1} f_{i+1}) with r = Δt/Δx² and no
 * neighbours beyond the ends, evaluated in flux form f_i - r (J_{i+1} - J_i), J_f = α_f f_{f-1} - β_f f_f
 * (the diagonal α_{i+1} + β_i rounded once in f32 would make the columns sum to 1 ± u: a mass drift). Cell 0 also adds the wall outflow α_n f_{n-1} + β_0 f_0 of `src` to a
 * compensated (Kahan) running sum in `acc` (dispatches run in order, and only cell 0 writes it).
 * Bindings: 0 params, 1 α, 2 β, 3 src, 4 dst, 5 acc.
 */
export function fokkerPlanckKernel(wg: number): string {
  return `struct Params { first: u32, end: u32, n: u32, pad: u32, r: f32, pad1: f32, pad2: f32, pad3: f32 };
const WG: u32 = ${wg}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> alpha: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
@group(0) @binding(5) var<storage, read_write> acc: array<f32, 2>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = p.first + (wid.y * nwg.x + wid.x) * WG + lid;
  if (j >= p.end) { return; }
  let n = p.n;
  let fj = src[j];
  // face fluxes J_f = α_f f_{f-1} - β_f f_f (no cell beyond the ends), each computed alike by both
  // neighbours: the f32 steps conserve mass up to the unbiased rounding of the updates
  let jl = select(alpha[j] * src[max(j, 1u) - 1u], 0.0, j == 0u) - beta[j] * fj;
  let jr = alpha[j + 1u] * fj - select(beta[j + 1u] * src[min(j + 1u, n - 1u)], 0.0, j + 1u == n);
  dst[j] = fj - p.r * (jr - jl);
  if (j == 0u) {
    let q = alpha[n] * src[n - 1u] + beta[0] * fj - acc[1];
    let t = acc[0] + q;
    acc[1] = (t - acc[0]) - q;
    acc[0] = t;
  }
}
`;
}

/**
 * One explicit Euler step of the 2-D Chang–Cooper Fokker–Planck operator (unsplit), one invocation
 * per cell k = i·ny + j: dst = f − rx (Jx_{i+1} − Jx_i) − ry (Jy_{j+1} − Jy_j), with the face fluxes
 * Jx_i = αx_i f_{i−1,j} − βx_i f_{i,j} (x-face i of row j at index i·ny + j, i = 0..nx) and
 * Jy_j = αy_j f_{i,j−1} − βy_j f_{i,j} (y-face j of column i at i·(ny + 1) + j, j = 0..ny), none beyond
 * the ends. In flux form as the 1-D kernel, so the f32 steps conserve mass up to unbiased rounding.
 * When `open` is set, cell 0 adds the outflow through the four walls of `src`,
 * wx Σ_j (αx_{nx} f_{nx−1,j} + βx_0 f_{0,j}) + wy Σ_i (αy_{ny} f_{i,ny−1} + βy_0 f_{i,0}) with
 * wx = Δy/Δx, wy = Δx/Δy, to a compensated running sum in `acc`.
 * Bindings: 0 params, 1 αx, 2 βx, 3 αy, 4 βy, 5 src, 6 dst, 7 acc.
 */
export function fokkerPlanckKernel2D(wg: number): string {
  return `struct Params { first: u32, end: u32, nx: u32, ny: u32, rx: f32, ry: f32, wx: f32, wy: f32, open: u32, pad0: u32, pad1: u32, pad2: u32 };
const WG: u32 = ${wg}u;
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> ax: array<f32>;
@group(0) @binding(2) var<storage, read> bx: array<f32>;
@group(0) @binding(3) var<storage, read> ay: array<f32>;
@group(0) @binding(4) var<storage, read> by: array<f32>;
@group(0) @binding(5) var<storage, read> src: array<f32>;
@group(0) @binding(6) var<storage, read_write> dst: array<f32>;
@group(0) @binding(7) var<storage, read_write> acc: array<f32, 2>;

fn kahan(q: f32) {
  let y = q - acc[1];
  let t = acc[0] + y;
  acc[1] = (t - acc[0]) - y;
  acc[0] = t;
}

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let k = p.first + (wid.y * nwg.x + wid.x) * WG + lid;
  if (k >= p.end) { return; }
  let nx = p.nx;
  let ny = p.ny;
  let i = k / ny;
  let j = k - i * ny;
  let fk = src[k];
  // x-faces i and i + 1 of row j; y-faces j and j + 1 of column i (each flux computed alike by both neighbours)
  let fl = i * ny + j;
  let jxl = select(ax[fl] * src[max(k, ny) - ny], 0.0, i == 0u) - bx[fl] * fk;
  let jxr = ax[fl + ny] * fk - select(bx[fl + ny] * src[min(k + ny, nx * ny - 1u)], 0.0, i + 1u == nx);
  let fb = i * (ny + 1u) + j;
  let jyl = select(ay[fb] * src[max(k, 1u) - 1u], 0.0, j == 0u) - by[fb] * fk;
  let jyr = ay[fb + 1u] * fk - select(by[fb + 1u] * src[min(k + 1u, nx * ny - 1u)], 0.0, j + 1u == ny);
  dst[k] = fk - p.rx * (jxr - jxl) - p.ry * (jyr - jyl);
  if (k == 0u && p.open != 0u) {
    for (var r: u32 = 0u; r < ny; r++) {
      kahan(p.wx * (ax[nx * ny + r] * src[(nx - 1u) * ny + r] + bx[r] * src[r]));
    }
    for (var c: u32 = 0u; c < nx; c++) {
      kahan(p.wy * (ay[c * (ny + 1u) + ny] * src[c * ny + ny - 1u] + by[c * (ny + 1u)] * src[c * ny]));
    }
  }
}
`;
}
