/**
 * The WebGPU compute backend (f32): the fused ResNet forward pass and fixed-step ODE solves, fused
 * Euler–Maruyama with a counter-based generator, particle histograms, and grid steps (upwind and
 * MUSCL advection, explicit Chang–Cooper Fokker–Planck), on any WebGPU device (a
 * browser's `navigator.gpu`, or Dawn through the `webgpu` package in Node). Opt-in: the f64 CPU
 * solvers of the package stay the default.
 * @packageDocumentation
 */
import { activationInfo } from "../activations.js";
import { KineticError, type SolveStatus } from "../errors.js";
import { checkNetwork, type NetworkParams } from "../network.js";
import type { OdeStats } from "../ode.js";
import { checkEnsemble } from "../particles.js";
import { compensatedSum } from "../summation.js";
import type { SdeStats } from "../sde.js";
import { invalidArgument, requireFits, requireInteger, requireOneOf, requireOptions, requirePositive, shapeMismatch } from "../validate.js";
import {
  BUFFER_USAGE,
  type GpuAdapterInfoLike,
  type GpuAdapterLike,
  type GpuBufferLike,
  type GpuComputePipelineLike,
  type GpuDeviceLike,
  type GpuLike,
  MAP_MODE_READ,
} from "./gpu-types.js";
import {
  fokkerPlanckKernel,
  fokkerPlanckKernel2D,
  type GpuActivationKind,
  type GpuLimiter,
  type GpuOdeMethod,
  type GpuTimeStepper,
  histogramKernel,
  musclKernel,
  odeKernel,
  sdeKernel,
  upwindKernel,
} from "./wgsl.js";

/** Options of {@link createWebGpuBackend}. All optional. */
export interface WebGpuBackendOptions {
  /** The `navigator.gpu` object to ask for an adapter [`globalThis.navigator.gpu`]; in Node, `create([])` of the `webgpu` package. */
  readonly gpu?: GpuLike;
  /** An adapter to open a device on [requested from `gpu`]. */
  readonly adapter?: GpuAdapterLike;
  /** A device to run on [opened on `adapter` with its largest storage-buffer limits]. */
  readonly device?: GpuDeviceLike;
  /** Invocations per workgroup, a power of two in [1, 256] [64]. Results do not depend on it. */
  readonly workgroupSize?: number;
  /** Most particles per dispatch [all]. Results do not depend on it. */
  readonly particlesPerDispatch?: number;
  /**
   * Most particle-coordinate steps per dispatch (M·d·steps) [2^28]: long solves are split into several
   * dispatches so that none runs long enough to trip a GPU watchdog. Results do not depend on it.
   */
  readonly workPerDispatch?: number;
}

/** What the adapter says about itself. */
export interface GpuAdapterSummary {
  /** Vendor, e.g. `"nvidia"`, `"google"` ("" when not reported). */
  readonly vendor: string;
  /** Architecture, e.g. `"swiftshader"` for the software adapter. */
  readonly architecture: string;
  /** Device name ("" when not reported). */
  readonly device: string;
  /** Driver description ("" when not reported). */
  readonly description: string;
  /** True for a software (fallback) adapter where the adapter says so. */
  readonly isFallbackAdapter: boolean;
}

/** Options of {@link WebGpuBackend.solveOde}. All optional; defaults in brackets. */
export interface GpuOdeOptions {
  /** Fixed-step integrator [`"euler"`]. */
  readonly method?: GpuOdeMethod;
  /** Steps per layer, h = Δt / stepsPerLayer [1]. */
  readonly stepsPerLayer?: number;
  /** End time, a positive multiple of h [`params.T`]; beyond T the last layer keeps acting. */
  readonly tEnd?: number;
}

/** Options of {@link WebGpuBackend.solveSde}. All optional; defaults in brackets. */
export interface GpuSdeOptions {
  /** Steps per layer, h = Δt / stepsPerLayer [1]. */
  readonly stepsPerLayer?: number;
  /** End time, a positive multiple of h [`params.T`]. */
  readonly tEnd?: number;
  /** Seed of the Philox key, integer in [0, 2^53 - 1] [0]. */
  readonly seed?: number;
  /** Index of particle 0 in the Philox counter (for ensembles split across calls) [0]. */
  readonly firstParticle?: number;
}

/** Result of the ODE methods of {@link WebGpuBackend}: the fields of the CPU `OdeResult` without saves. */
export interface GpuOdeResult {
  /** The ensemble at time `t`, M·d values row-major (f32 values widened to f64; fresh). */
  readonly x: Float64Array;
  /** tEnd on success; with "non-finite", the last time at which the whole ensemble was finite (`x` holds that state). */
  readonly t: number;
  /** `"success"` or `"non-finite"` (a component non-finite or beyond 1e30, where f32 is about to overflow). */
  readonly status: SolveStatus;
  /** Steps, rejected steps (0) and velocity evaluations of the ensemble. */
  readonly stats: OdeStats;
  /** The lowest particle that fails first (status "non-finite"), otherwise -1. */
  readonly failedParticle: number;
  /** Always `"f32"`: the arithmetic of the kernels. */
  readonly precision: "f32";
  /** The adapter that ran the kernels. */
  readonly adapter: GpuAdapterSummary;
}

/** Result of {@link WebGpuBackend.solveSde}: the fields of the CPU `SdeResult` without saves. */
export interface GpuSdeResult {
  /** Final ensemble, M·d values (fresh); particles that blew up are NaN. */
  readonly x: Float64Array;
  /** tEnd on success; with "non-finite", the start time of the earliest failing step. */
  readonly t: number;
  /** The step h = Δt / stepsPerLayer. */
  readonly h: number;
  /** `"success"` or `"non-finite"`. */
  readonly status: SolveStatus;
  /** Steps, rejected (0), drift evaluations and the number of particles that blew up. */
  readonly stats: SdeStats;
  /** The lowest-index particle among those that failed earliest, or -1. */
  readonly failedParticle: number;
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernels. */
  readonly adapter: GpuAdapterSummary;
}

/** A uniform grid for {@link WebGpuBackend.histogram}: the shape of the `Grid1D` / `Grid2D` of `@kinetic-nde/datasets`. */
export type GpuHistogramGrid =
  | { readonly kind: "1d"; readonly xMin: number; readonly dx: number; readonly n: number }
  | {
      readonly kind: "2d";
      readonly xMin: number;
      readonly yMin: number;
      readonly dx: number;
      readonly dy: number;
      readonly nx: number;
      readonly ny: number;
    };

/** Result of {@link WebGpuBackend.histogram}. */
export interface GpuHistogramResult {
  /** Cell averages count·(1/M)/(cell volume), one per cell (2-D: index a·ny + b); fresh. */
  readonly f: Float64Array;
  /** Particle counts per cell (exact integers). */
  readonly counts: Uint32Array;
  /** Fraction of the particles inside the domain (Σ f · cell volume). */
  readonly mass: number;
  /** Always `"f32"` (the particle coordinates are rounded to f32 before binning). */
  readonly precision: "f32";
  /** The adapter that ran the kernel. */
  readonly adapter: GpuAdapterSummary;
}

/**
 * Upwind face coefficients (the layout of `FaceCoefficients1D` / `FaceCoefficients2D` of
 * `@kinetic-nde/mean-field/fluxes`): the flux through a face is ap·(value left) + am·(value right),
 * ap ≥ 0 ≥ am, with the boundary condition baked in. 1-D: n + 1 faces for n cells. 2-D: x-faces
 * `axp/axm[i*ny + j]`, i = 0..nx ((nx+1)·ny values), y-faces `ayp/aym[i*(ny+1) + j]`, j = 0..ny.
 */
export type GpuFaceCoefficients =
  | { readonly ap: ArrayLike<number>; readonly am: ArrayLike<number> }
  | {
      readonly nx: number;
      readonly ny: number;
      readonly axp: ArrayLike<number>;
      readonly axm: ArrayLike<number>;
      readonly ayp: ArrayLike<number>;
      readonly aym: ArrayLike<number>;
    };

/** Options of {@link WebGpuBackend.advectUpwind}. */
export interface GpuAdvectOptions {
  /** Number of steps, integer ≥ 1. */
  readonly steps: number;
  /** Δt/Δx (1-D), or [Δt/Δx, Δt/Δy] (2-D). */
  readonly lambda: number | readonly [number, number];
  /** Neighbours wrap around (periodic boundary) [false]. */
  readonly periodic?: boolean;
  /** Cell volume Δx (1-D) or Δx·Δy (2-D) by which the reported masses are Σ f · cellVolume [1]. */
  readonly cellVolume?: number;
}

/** Options of {@link WebGpuBackend.advectMuscl}: those of the upwind kernel plus the limiter and time stepper. */
export interface GpuMusclOptions extends GpuAdvectOptions {
  /** Slope limiter [`"van-leer"`] (as `solveVlasov`). */
  readonly limiter?: GpuLimiter;
  /** Time stepper [`"ssp-rk3"`] (as `solveVlasov` with MUSCL). */
  readonly timeStepper?: GpuTimeStepper;
}

/** Result of {@link WebGpuBackend.advectUpwind} and {@link WebGpuBackend.advectMuscl}. */
export interface GpuAdvectResult {
  /** The cell averages after the steps (fresh; 2-D index i·ny + j). */
  readonly f: Float64Array;
  /** `"success"`, or `"non-finite"` when a cell is not finite at the end. */
  readonly status: SolveStatus;
  /**
   * Steps taken, stages evaluated (steps × stages of the time stepper) and the CFL number
   * λ·max_cell(outflow rate) (≤ 1 for upwind, ≤ 1/2 for MUSCL keeps f ≥ 0 up to f32 rounding).
   */
  readonly stats: { readonly steps: number; readonly rhsEvals: number; readonly cfl: number };
  /** Σ f · cellVolume of the input, summed in f64 from its f32 rounding. */
  readonly initialMass: number;
  /** Σ f · cellVolume after the steps, summed in f64 (the mass that left through outflow walls is the difference). */
  readonly mass: number;
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernel. */
  readonly adapter: GpuAdapterSummary;
}

/** A WebGPU device with the kernels of the package; see {@link createWebGpuBackend}. */
export interface WebGpuBackend {
  /** The adapter (or, for a given device, what is known of it). */
  readonly adapter: GpuAdapterSummary;
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The device the kernels run on. */
  readonly device: GpuDeviceLike;
  /**
   * The ResNet forward pass x ← x + Δt σ(W^k x + b^k), k = 0..L-1 (Euler, one step per layer), fused
   * across layers; the f32 twin of `forwardResnet`.
   * @param params - network parameters (d ≤ 8, a built-in activation; W, b representable in f32)
   * @param x0 - inputs, M·d values row-major; not modified
   * @returns the outputs, status, stats, `precision: "f32"` and the adapter
   * @throws KineticError INVALID_ARGUMENT / SHAPE_MISMATCH (bad input), UNSUPPORTED (d > 8, user
   *   activation), TOO_LARGE (beyond the device's buffer limit), SOLVER_FAILED (the device reported an error)
   */
  forwardResnet(params: NetworkParams, x0: Float64Array): Promise<GpuOdeResult>;
  /**
   * Fixed-step ODE solve (euler, heun, rk4) from 0 to tEnd, fused across layers; the f32 twin of
   * `solveOde` without `saveAt`.
   * @param params - network parameters
   * @param x0 - initial ensemble, M·d values row-major; not modified
   * @param options - method [`"euler"`], stepsPerLayer [1], tEnd [T] (a multiple of the step)
   * @returns the final ensemble (or the last finite one), status, stats, precision and adapter
   * @throws KineticError as {@link WebGpuBackend.forwardResnet}; INVALID_ARGUMENT for a bad or unknown option
   */
  solveOde(params: NetworkParams, x0: Float64Array, options?: GpuOdeOptions): Promise<GpuOdeResult>;
  /**
   * Euler–Maruyama x ← x + h σ(Wx + b) + √h K ξ with constant noise K and Philox4x32-10 normals
   * (see `philoxNormals`); the f32 twin of `solveSde` without `saveAt`.
   * @param params - network parameters with `noise: { kind: "constant", K }`
   * @param x0 - initial ensemble, M·d values row-major; not modified
   * @param options - stepsPerLayer [1], tEnd [T], seed [0], firstParticle [0]
   * @returns the final ensemble (blown-up particles NaN), status, stats, precision and adapter
   * @throws KineticError as {@link WebGpuBackend.forwardResnet}; INVALID_ARGUMENT without noise;
   *   UNSUPPORTED for noise other than constant
   */
  solveSde(params: NetworkParams, x0: Float64Array, options?: GpuSdeOptions): Promise<GpuSdeResult>;
  /**
   * Nearest-cell histogram with u32 atomic counts, normalised to cell averages with weights 1/M; the
   * f32 twin of `depositHistogram`.
   * @param x - particles, M·d values row-major (d = 1 or 2, as the grid)
   * @param grid - a uniform 1-D or 2-D grid (a `Grid1D` / `Grid2D` of `@kinetic-nde/datasets` works)
   * @returns cell averages, counts, the mass inside the domain, precision and adapter
   * @throws KineticError INVALID_ARGUMENT (bad grid, non-finite particles), SHAPE_MISMATCH, TOO_LARGE
   */
  histogram(x: Float64Array, grid: GpuHistogramGrid): Promise<GpuHistogramResult>;
  /**
   * First-order upwind + forward-Euler steps of ∂ₜf + ∇·(a f) = 0 with given face coefficients, 1-D or
   * 2-D (unsplit); the f32 twin of repeated `advectionStage1D` / `advectionStage2D` of
   * `@kinetic-nde/mean-field/fluxes`.
   * @param f - cell averages (n values, or nx·ny with index i·ny + j); not modified
   * @param coefficients - face coefficients (see {@link GpuFaceCoefficients})
   * @param options - steps, lambda (Δt/Δx, or [Δt/Δx, Δt/Δy]), periodic [false]
   * @returns the cell averages after the steps, status, stats (steps, CFL number), precision and adapter
   * @throws KineticError UNSTABLE (CFL number above 1), INVALID_ARGUMENT, SHAPE_MISMATCH, TOO_LARGE
   */
  advectUpwind(f: Float64Array, coefficients: GpuFaceCoefficients, options: GpuAdvectOptions): Promise<GpuAdvectResult>;
  /**
   * MUSCL (limited linear reconstruction, upwind face fluxes) steps of ∂ₜf + ∇·(a f) = 0 with given
   * face coefficients, 1-D or 2-D (unsplit), with forward Euler, SSP-RK2 or SSP-RK3 stages; the f32 twin
   * of the MUSCL scheme of `solveVlasov` (repeated `stridedSlopes` + `advectionStage1D` /
   * `advectionStage2D` of `@kinetic-nde/mean-field/fluxes`). Every stage is one dispatch; many steps
   * are encoded per submission.
   * @param f - cell averages (n values, or nx·ny with index i·ny + j); not modified
   * @param coefficients - face coefficients (see {@link GpuFaceCoefficients}; zero-flux and outflow walls are
   *   baked in, periodic is `options.periodic`)
   * @param options - steps, lambda (Δt/Δx, or [Δt/Δx, Δt/Δy]), periodic [false], limiter [`"van-leer"`],
   *   timeStepper [`"ssp-rk3"`], cellVolume [1]
   * @returns the cell averages after the steps, status, stats (steps, rhsEvals, CFL number), the initial
   *   and final mass, precision and adapter
   * @throws KineticError UNSTABLE (CFL number above 1/2, the positivity bound of MUSCL), INVALID_ARGUMENT,
   *   SHAPE_MISMATCH, TOO_LARGE, SOLVER_FAILED (the device reported an error)
   * @remarks f32 arithmetic; the limiters are evaluated on f32 differences. Against the f64 CPU scheme
   *   the L1 difference stays within 16·(stages·steps + 1)·2⁻²⁴·‖f0‖₁ in the tests (see the README).
   */
  advectMuscl(f: Float64Array, coefficients: GpuFaceCoefficients, options: GpuMusclOptions): Promise<GpuAdvectResult>;
  /**
   * Explicit Euler steps of the 1-D Fokker–Planck equation ∂ₜf + ∂ₓ(a f) = ∂ₓₓ(D f) with given
   * Chang–Cooper coefficients: f_i ← f_i + Δt/Δx² (α_i f_{i-1} - (α_{i+1} + β_i) f_i + β_{i+1} f_{i+1});
   * the f32 twin of the `"explicit-euler"` method of `solveFokkerPlanck` within one layer. In 2-D
   * (coefficients `{ nx, ny, alphaX, betaX, alphaY, betaY }`, options with `dy`) the unsplit step
   * f ← f + Δt/Δx² (x-part) + Δt/Δy² (y-part) with the Chang–Cooper coefficients of every grid line.
   * @param f - n cell averages (2-D: nx·ny with index i·ny + j); not modified
   * @param coefficients - `{ alpha, beta }`, n + 1 non-negative values each, the walls baked in (as
   *   `changCooperCoefficients` of `@kinetic-nde/fokker-planck` returns them); 2-D: see
   *   {@link GpuChangCooperCoefficients2D}
   * @param options - steps, dt, dx (and dy in 2-D)
   * @returns the cell averages after the steps, status, stats (steps, CFL number Δt·max_i(α_{i+1} + β_i)/Δx²,
   *   in 2-D the largest sum of both directions' rates), the initial and final mass Σ f·Δx (·Δy), the
   *   mass that left through the walls, precision and adapter
   * @throws KineticError UNSTABLE (CFL number above 1, the positivity bound), INVALID_ARGUMENT,
   *   SHAPE_MISMATCH, TOO_LARGE, SOLVER_FAILED
   * @remarks f32 arithmetic. Under the bound each step is a non-negative matrix with column sums ≤ 1
   *   (L1-nonexpansive), so rounding errors add up: L1 difference to f64 ≤ 16·(steps + 1)·2⁻²⁴·‖f0‖₁.
   */
  fokkerPlanckExplicit(
    f: Float64Array,
    coefficients: GpuChangCooperCoefficients | GpuChangCooperCoefficients2D,
    options: GpuFokkerPlanckOptions,
  ): Promise<GpuFokkerPlanckResult>;
  /** Release the buffers and pipelines (and the device when the backend opened it). */
  destroy(): void;
}

/** Chang–Cooper flux weights of a 1-D grid of n cells (the `alpha`, `beta` of `ChangCooperCoefficients`). */
export interface GpuChangCooperCoefficients {
  /** n + 1 non-negative weights of the cell left of each face (alpha[n] > 0 only for an open right wall). */
  readonly alpha: ArrayLike<number>;
  /** n + 1 non-negative weights of the cell right of each face (beta[0] > 0 only for an open left wall). */
  readonly beta: ArrayLike<number>;
}

/**
 * Chang–Cooper flux weights of every line of a 2-D grid of nx × ny cells (each line's coefficients as
 * `changCooperCoefficients` of `@kinetic-nde/fokker-planck` returns them for the velocity and D along it).
 * x-face i (between cells i − 1 and i) of row j at index i·ny + j, i = 0..nx ((nx + 1)·ny values);
 * y-face j of column i at index i·(ny + 1) + j, j = 0..ny (nx·(ny + 1) values).
 */
export interface GpuChangCooperCoefficients2D {
  readonly nx: number;
  readonly ny: number;
  readonly alphaX: ArrayLike<number>;
  readonly betaX: ArrayLike<number>;
  readonly alphaY: ArrayLike<number>;
  readonly betaY: ArrayLike<number>;
}

/** Options of {@link WebGpuBackend.fokkerPlanckExplicit}. */
export interface GpuFokkerPlanckOptions {
  /** Number of steps, integer ≥ 1. */
  readonly steps: number;
  /** Time step Δt > 0. */
  readonly dt: number;
  /** Cell width Δx > 0. */
  readonly dx: number;
  /** Cell height Δy > 0 (2-D only, required there). */
  readonly dy?: number;
}

/** Result of {@link WebGpuBackend.fokkerPlanckExplicit}. */
export interface GpuFokkerPlanckResult {
  /** The cell averages after the steps (fresh). */
  readonly f: Float64Array;
  /** `"success"`, or `"non-finite"` when a cell or the outflow is not finite at the end. */
  readonly status: SolveStatus;
  /** Steps taken and the CFL number Δt·max_i(α_{i+1} + β_i)/Δx² (≤ 1: positive). */
  readonly stats: { readonly steps: number; readonly cfl: number };
  /** Σ f·Δx of the input (f64 sum of its f32 rounding). */
  readonly initialMass: number;
  /** Σ f·Δx after the steps (f64 sum). */
  readonly mass: number;
  /** Mass that left through the walls, Σ_steps Δt (α_n f_{n-1} + β_0 f_0)/Δx (an f32 compensated sum on the device). */
  readonly massLost: number;
  /** Always `"f32"`. */
  readonly precision: "f32";
  /** The adapter that ran the kernel. */
  readonly adapter: GpuAdapterSummary;
}

/** Largest dimension of the kernels (the state lives in registers). */
export const GPU_MAX_DIMENSION = 8;

/** Largest finite f32. */
const F32_MAX = 3.4028234663852886e38;
const NONE = 0xffffffff;
const BACKEND_OPTION_KEYS = ["gpu", "adapter", "device", "workgroupSize", "particlesPerDispatch", "workPerDispatch"] as const;
const ODE_OPTION_KEYS = ["method", "stepsPerLayer", "tEnd"] as const;
const SDE_OPTION_KEYS = ["stepsPerLayer", "tEnd", "seed", "firstParticle"] as const;
const ADVECT_OPTION_KEYS = ["steps", "lambda", "periodic", "cellVolume"] as const;
const MUSCL_OPTION_KEYS = [...ADVECT_OPTION_KEYS, "limiter", "timeStepper"] as const;
const FP_OPTION_KEYS = ["steps", "dt", "dx", "dy"] as const;
const LIMITERS: readonly GpuLimiter[] = ["minmod", "mc", "van-leer"];
const TIME_STEPPERS: readonly GpuTimeStepper[] = ["euler", "ssp-rk2", "ssp-rk3"];
/** Stage dispatches encoded per submission of the grid steps (whole steps, at least one). */
const DISPATCHES_PER_SUBMIT = 256;
const ODE_METHODS: readonly GpuOdeMethod[] = ["euler", "heun", "rk4"];
const STAGES: Readonly<Record<GpuOdeMethod, number>> = { euler: 1, heun: 2, rk4: 4 };

function summarize(adapter: GpuAdapterLike | undefined, device: GpuDeviceLike): GpuAdapterSummary {
  // a device given alone may still say where it runs (`GPUDevice.adapterInfo`)
  const info = adapter?.info ?? (device as { adapterInfo?: GpuAdapterInfoLike }).adapterInfo ?? {};
  return Object.freeze({
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: adapter?.isFallbackAdapter === true,
  });
}

function unsupported(message: string, details: Record<string, unknown> = {}): KineticError {
  return new KineticError("UNSUPPORTED", message, { details });
}

/**
 * Open the WebGPU backend: its methods mirror the CPU solvers and return their fields plus
 * `precision: "f32"` and the adapter.
 * @param options - `gpu`, `adapter` or `device` to use (else `navigator.gpu` is asked), `workgroupSize`
 *   [64], `particlesPerDispatch` [all], `workPerDispatch` [2^28] (see {@link WebGpuBackendOptions})
 * @returns the backend (call `destroy()` when done)
 * @throws KineticError UNSUPPORTED when there is no WebGPU (no `navigator.gpu`, no adapter, or the
 *   device cannot be opened); INVALID_ARGUMENT for a bad or unknown option
 * @remarks Accuracy: every kernel computes in f32 (unit round-off u = 2^-24 ≈ 6e-8; W and b are rounded
 * to f32). For a contractive network a fixed-step solve of n steps agrees with the f64 CPU solve to
 * about c·n·u·max|x| per coordinate with c a small constant (the tests use c = 16 with the growth factor
 * e^{T·Lip(σ)·‖W‖}); moments inherit that relative error. Activations are evaluated with overflow-free
 * f32 formulas (tanh, sigmoid, softplus within a few ulps plus 1e-7 absolute). The kernels never replace
 * the f64 path: use them where f32 is enough, e.g. large ensembles and histograms.
 * @example
 * ```ts no-run
 * const gpu = await createWebGpuBackend();
 * const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, T: 1, nLayers: 100 });
 * const r = await gpu.forwardResnet(net, linspaceEnsemble(1_000_000, -3, 3));
 * console.log(r.status, r.adapter.vendor);
 * gpu.destroy();
 * ```
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const o = requireOptions<WebGpuBackendOptions>("options", options, BACKEND_OPTION_KEYS);
  const wg = o.workgroupSize === undefined ? 64 : requireInteger("options.workgroupSize", o.workgroupSize, 1, 256);
  if ((wg & (wg - 1)) !== 0) throw invalidArgument("options.workgroupSize", "a power of two in [1, 256]", wg);
  const perDispatch =
    o.particlesPerDispatch === undefined ? Infinity : requireInteger("options.particlesPerDispatch", o.particlesPerDispatch, 1);
  const workPerDispatch = o.workPerDispatch === undefined ? 2 ** 28 : requirePositive("options.workPerDispatch", o.workPerDispatch);
  let device = o.device;
  let adapter = o.adapter;
  const owned = device === undefined;
  if (device === undefined) {
    if (adapter === undefined) {
      const gpu = o.gpu ?? (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
      if (gpu === undefined || gpu === null || typeof gpu.requestAdapter !== "function") {
        throw unsupported(
          "WebGPU is not available: no `navigator.gpu` here (in Node, pass `gpu: create([])` of the optional `webgpu` package; in a browser, serve the page from a secure context)",
        );
      }
      adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) ?? undefined;
      if (adapter === undefined) throw unsupported("WebGPU is available but `requestAdapter()` found no adapter");
    }
    const lim = adapter.limits;
    try {
      device = await adapter.requestDevice({
        requiredLimits: { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize },
      });
    } catch (e) {
      throw new KineticError("UNSUPPORTED", `the WebGPU adapter could not open a device: ${String(e)}`, { cause: e });
    }
  }
  if (wg > device.limits.maxComputeInvocationsPerWorkgroup || wg > device.limits.maxComputeWorkgroupSizeX) {
    throw invalidArgument("options.workgroupSize", `at most ${device.limits.maxComputeInvocationsPerWorkgroup} on this device`, wg);
  }
  return new Backend(device, summarize(adapter, device), owned, wg, perDispatch, workPerDispatch);
}

interface Dispatch {
  first: number;
  end: number;
}

/** The uniform bytes of one stage kind for one cell block. */
type UniformData = (kind: number, part: Dispatch) => ArrayBuffer;

/**
 * The stages of one time step over `states` state buffers, from the buffer `cur` holding the state:
 * each stage is [uniform kind, src, base, dst]; `next` holds the new state.
 */
interface StepPlan {
  readonly states: number;
  readonly stages: number;
  step(cur: number): { stages: readonly (readonly [number, number, number, number])[]; next: number };
}

/** Forward Euler: src → the other buffer. */
const EULER_PLAN: StepPlan = { states: 2, stages: 1, step: (cur) => ({ stages: [[0, cur, cur, 1 - cur]], next: 1 - cur }) };

/**
 * Shu–Osher plans over three buffers (u, a, b): SSP-RK2 u → a, ½u + ½(a - h∇·F(a)) → b; SSP-RK3
 * u → a, ¾u + ¼(a - h∇·F(a)) → b, ⅓u + ⅔(b - h∇·F(b)) → a (as `solveVlasov`).
 */
const SSP_PLANS: Readonly<Record<GpuTimeStepper, StepPlan>> = {
  euler: EULER_PLAN,
  "ssp-rk2": {
    states: 3,
    stages: 2,
    step: (cur) => {
      const a = (cur + 1) % 3;
      const b = (cur + 2) % 3;
      return {
        stages: [
          [0, cur, cur, a],
          [1, a, cur, b],
        ],
        next: b,
      };
    },
  },
  "ssp-rk3": {
    states: 3,
    stages: 3,
    step: (cur) => {
      const a = (cur + 1) % 3;
      const b = (cur + 2) % 3;
      return {
        stages: [
          [0, cur, cur, a],
          [1, a, cur, b],
          [2, b, cur, a],
        ],
        next: a,
      };
    },
  },
};

/** (c0, w) per stage kind: dst = c0·base + (1 - c0)·src - w·λ·ΔF, w = 1 - c0. */
const SSP_WEIGHTS: Readonly<Record<GpuTimeStepper, readonly (readonly [number, number])[]>> = {
  euler: [[0, 1]],
  "ssp-rk2": [
    [0, 1],
    [0.5, 0.5],
  ],
  "ssp-rk3": [
    [0, 1],
    [0.75, 0.25],
    [1 / 3, 2 / 3],
  ],
};

/** A validated advection problem. */
interface FaceProblem {
  two: boolean;
  nx: number;
  ny: number;
  arrays: Float32Array[];
  lx: number;
  ly: number;
  cfl: number;
  steps: number;
  periodic: boolean;
  cellVolume: number;
  f32: Float32Array;
}

class Backend implements WebGpuBackend {
  readonly precision = "f32" as const;
  private readonly pipelines = new Map<string, GpuComputePipelineLike>();
  private destroyed = false;

  constructor(
    readonly device: GpuDeviceLike,
    readonly adapter: GpuAdapterSummary,
    private readonly owned: boolean,
    private readonly wg: number,
    private readonly perDispatch: number,
    private readonly workPerDispatch: number,
  ) {}

  destroy(): void {
    this.destroyed = true;
    this.pipelines.clear();
    if (this.owned) this.device.destroy();
  }

  forwardResnet(params: NetworkParams, x0: Float64Array): Promise<GpuOdeResult> {
    return this.solveOde(params, x0, { method: "euler", stepsPerLayer: 1 });
  }

  async solveOde(params: NetworkParams, x0: Float64Array, options: GpuOdeOptions = {}): Promise<GpuOdeResult> {
    this.requireOpen();
    const { d, kind, M } = this.checkProblem(params, x0);
    const o = requireOptions<GpuOdeOptions>("options", options, ODE_OPTION_KEYS);
    const method = o.method === undefined ? "euler" : requireOneOf("options.method", o.method, ODE_METHODS);
    const { spl, h, nSteps } = stepGrid(params, o.stepsPerLayer, o.tEnd);
    const n = M * d;
    this.requireBuffer("x0", M, d, 3);
    const pipe = this.pipeline(`ode|${d}|${kind}|${method}`, () => odeKernel(d, kind, method, this.wg));
    const dev = this.device;
    dev.pushErrorScope("validation");
    dev.pushErrorScope("out-of-memory");
    const wb = this.upload(layerBuffer(params));
    const xInit = this.upload(Float32Array.from(x0));
    const bufs = [this.storage(n * 4), this.storage(n * 4)];
    const flags = this.storage(8);
    const uniform = dev.createBuffer({ size: 48, usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST });
    const all = [wb, xInit, bufs[0]!, bufs[1]!, flags, uniform];
    try {
      dev.queue.writeBuffer(flags, 0, new Uint32Array([NONE, NONE]));
      const run = (steps: number, probe: boolean): GpuBufferLike => {
        const chunk = Math.max(1, Math.floor(this.workPerDispatch / (M * d * STAGES[method])));
        let src = xInit;
        let dst = bufs[0]!;
        let k0 = 0;
        let c = 0;
        do {
          const ks = Math.min(chunk, steps - k0);
          const last = k0 + ks >= steps;
          dst = bufs[c % 2]!;
          for (const part of this.parts(M)) {
            const u = new ArrayBuffer(48);
            new Uint32Array(u, 0, 8).set([part.first, part.end, k0, ks, spl, params.nLayers, probe && last ? 1 : 0, 0]);
            new Float32Array(u, 32, 4).set([h, activationInfo(params.sigma).alpha, 0, 0]);
            this.dispatch(pipe, uniform, u, [wb, src, dst, flags], part);
          }
          src = dst;
          k0 += ks;
          c++;
        } while (k0 < steps);
        return dst;
      };
      let out = run(nSteps, false);
      let [failStep] = await this.readU32(flags, 1);
      let failedParticle = -1;
      let status: SolveStatus = "success";
      let stepsTaken = nSteps;
      if (failStep !== NONE) {
        // replay from x0 to the last step at which every particle was finite, then find the culprit
        stepsTaken = failStep!;
        out = run(stepsTaken, true);
        const f = await this.readU32(flags, 2);
        failStep = f[0];
        failedParticle = f[1] === NONE ? -1 : f[1]!;
        status = "non-finite";
      }
      const x = await this.readF64(out, n);
      await this.checkErrors();
      const stats: OdeStats = { steps: stepsTaken, rejected: 0, rhsEvals: stepsTaken * STAGES[method] };
      return { x, t: stepsTaken * h, status, stats, failedParticle, precision: "f32", adapter: this.adapter };
    } finally {
      for (const b of all) b.destroy();
    }
  }

  async solveSde(params: NetworkParams, x0: Float64Array, options: GpuSdeOptions = {}): Promise<GpuSdeResult> {
    this.requireOpen();
    const { d, kind, M } = this.checkProblem(params, x0);
    const o = requireOptions<GpuSdeOptions>("options", options, SDE_OPTION_KEYS);
    const noise = params.noise;
    if (noise === undefined) throw invalidArgument("params.noise", "a noise model (K) for the stochastic ResNet", undefined);
    if (noise.kind !== "constant") {
      throw unsupported(`the WebGPU Euler–Maruyama kernel supports constant noise K only; got ${noise.kind} noise`, { noise: noise.kind });
    }
    const { spl, h, nSteps } = stepGrid(params, o.stepsPerLayer, o.tEnd);
    const seed = o.seed === undefined ? 0 : requireInteger("options.seed", o.seed, 0, Number.MAX_SAFE_INTEGER);
    const firstParticle = o.firstParticle === undefined ? 0 : requireInteger("options.firstParticle", o.firstParticle, 0, NONE);
    if (firstParticle + M - 1 > NONE) throw invalidArgument("options.firstParticle", `at most 2^32 - M = ${NONE + 1 - M}`, firstParticle);
    requireF32("params.noise.K", noise.K);
    const n = M * d;
    this.requireBuffer("x0", M, d, 4);
    const pipe = this.pipeline(`sde|${d}|${kind}`, () => sdeKernel(d, kind, this.wg));
    const dev = this.device;
    dev.pushErrorScope("validation");
    dev.pushErrorScope("out-of-memory");
    const layers = layerBuffer(params);
    const wbData = new Float32Array(layers.length + d * d);
    wbData.set(layers);
    wbData.set(noise.K, layers.length);
    const wb = this.upload(wbData);
    const bufs = [this.upload(Float32Array.from(x0)), this.storage(n * 4)];
    const flags = this.storage(8);
    const failStep = this.storage(M * 4);
    const uniform = dev.createBuffer({ size: 48, usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST });
    const all = [wb, bufs[0]!, bufs[1]!, flags, failStep, uniform];
    try {
      dev.queue.writeBuffer(flags, 0, new Uint32Array([NONE, 0]));
      const chunk = Math.max(1, Math.floor(this.workPerDispatch / (M * d)));
      const seedLo = seed >>> 0;
      const seedHi = Math.floor(seed / 4294967296) >>> 0;
      let k0 = 0;
      let c = 0;
      do {
        const ks = Math.min(chunk, nSteps - k0);
        for (const part of this.parts(M)) {
          const u = new ArrayBuffer(48);
          new Uint32Array(u, 0, 8).set([part.first, part.end, k0, ks, spl, params.nLayers, seedLo, seedHi]);
          new Float32Array(u, 32, 3).set([h, activationInfo(params.sigma).alpha, Math.sqrt(h)]);
          // the Philox counter uses the global particle index firstParticle + i
          new Uint32Array(u, 44, 1)[0] = firstParticle;
          this.dispatch(pipe, uniform, u, [wb, bufs[c % 2]!, bufs[(c + 1) % 2]!, flags, failStep], part);
        }
        k0 += ks;
        c++;
      } while (k0 < nSteps);
      const out = bufs[c % 2]!;
      const [first, blownUp] = await this.readU32(flags, 2);
      const x = await this.readF64(out, n);
      let failedParticle = -1;
      if (first !== NONE) {
        // particles that blew up are NaN from their failing step on (as in the CPU solveSde)
        const steps = await this.readU32(failStep, M);
        for (let i = 0; i < M; i++) {
          if (steps[i] === 0) continue;
          if (failedParticle < 0 && steps[i] === first! + 1) failedParticle = i;
          x.fill(Number.NaN, i * d, (i + 1) * d);
        }
      }
      await this.checkErrors();
      const failed = first !== NONE;
      return {
        x,
        t: failed ? first! * h : nSteps * h,
        h,
        status: failed ? "non-finite" : "success",
        stats: { steps: nSteps, rejected: 0, rhsEvals: nSteps, blownUp: blownUp! },
        failedParticle,
        precision: "f32",
        adapter: this.adapter,
      };
    } finally {
      for (const b of all) b.destroy();
    }
  }

  async histogram(x: Float64Array, grid: GpuHistogramGrid): Promise<GpuHistogramResult> {
    this.requireOpen();
    if (typeof grid !== "object" || grid === null || (grid.kind !== "1d" && grid.kind !== "2d")) {
      throw invalidArgument("grid", "a 1-D or 2-D uniform grid ({ kind, xMin, dx, n } or { kind, xMin, yMin, dx, dy, nx, ny })", grid);
    }
    const d = grid.kind === "1d" ? 1 : 2;
    const nx = requireInteger(
      d === 1 ? "grid.n" : "grid.nx",
      d === 1 ? (grid as { n: number }).n : (grid as { nx: number }).nx,
      1,
      2 ** 24,
    );
    const ny = d === 1 ? 1 : requireInteger("grid.ny", (grid as { ny: number }).ny, 1, 2 ** 24);
    requireFits("grid", nx * ny, 4, this.device.limits.maxStorageBufferBindingSize);
    const xMin = requireF32Number("grid.xMin", grid.xMin);
    const dx = requirePositive("grid.dx", grid.dx);
    const yMin = d === 1 ? 0 : requireF32Number("grid.yMin", (grid as { yMin: number }).yMin);
    const dy = d === 1 ? 1 : requirePositive("grid.dy", (grid as { dy: number }).dy);
    const M = checkEnsemble(x, d, "x");
    this.requireBuffer("x", M, d, 1);
    requireF32("x", x);
    const pipe = this.pipeline(`hist|${d}`, () => histogramKernel(d, this.wg));
    const dev = this.device;
    dev.pushErrorScope("validation");
    dev.pushErrorScope("out-of-memory");
    const xb = this.upload(Float32Array.from(x));
    const counts = this.storage(nx * ny * 4);
    const uniform = dev.createBuffer({ size: 32, usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST });
    try {
      for (const part of this.parts(M)) {
        const u = new ArrayBuffer(32);
        new Uint32Array(u, 0, 4).set([part.first, part.end, nx, ny]);
        new Float32Array(u, 16, 4).set([xMin, 1 / dx, yMin, 1 / dy]);
        this.dispatch(pipe, uniform, u, [xb, counts], part);
      }
      const c = await this.readU32(counts, nx * ny);
      await this.checkErrors();
      const f = new Float64Array(nx * ny);
      const scale = 1 / (M * dx * dy);
      let inside = 0;
      for (let i = 0; i < c.length; i++) {
        f[i] = c[i]! * scale;
        inside += c[i]!;
      }
      return { f, counts: c, mass: inside / M, precision: "f32", adapter: this.adapter };
    } finally {
      xb.destroy();
      counts.destroy();
      uniform.destroy();
    }
  }

  async advectUpwind(f: Float64Array, coefficients: GpuFaceCoefficients, options: GpuAdvectOptions): Promise<GpuAdvectResult> {
    this.requireOpen();
    const o = requireOptions<GpuAdvectOptions>("options", options, ADVECT_OPTION_KEYS);
    const q = this.faceProblem(f, coefficients, o, 1, "upwind");
    const pipe = this.pipeline(`upwind|${q.two ? 2 : 1}`, () => upwindKernel(q.two ? 2 : 1, this.wg));
    const uniform = (_kind: number, part: Dispatch): ArrayBuffer => {
      const data = new ArrayBuffer(32);
      new Uint32Array(data, 0, 6).set([part.first, part.end, q.nx, q.ny, q.periodic ? 1 : 0, 0]);
      new Float32Array(data, 24, 2).set([q.lx, q.ly]);
      return data;
    };
    return this.advect(q, pipe, [uniform], (src, _base, dst, c) => [c[0]!, c[1]!, src, dst, ...(q.two ? [c[2]!, c[3]!] : [])], EULER_PLAN);
  }

  async advectMuscl(f: Float64Array, coefficients: GpuFaceCoefficients, options: GpuMusclOptions): Promise<GpuAdvectResult> {
    this.requireOpen();
    const o = requireOptions<GpuMusclOptions>("options", options, MUSCL_OPTION_KEYS);
    const limiter = o.limiter === undefined ? "van-leer" : requireOneOf("options.limiter", o.limiter, LIMITERS);
    const stepper = o.timeStepper === undefined ? "ssp-rk3" : requireOneOf("options.timeStepper", o.timeStepper, TIME_STEPPERS);
    const q = this.faceProblem(f, coefficients, o, 0.5, "MUSCL");
    const d = q.two ? 2 : 1;
    const pipe = this.pipeline(`muscl|${d}|${limiter}`, () => musclKernel(d, limiter, this.wg));
    // each stage: dst = src + c0·(base - src) - w·(λx ΔFx + λy ΔFy) as (c0, w), the Shu–Osher forms of solveVlasov
    const weights = SSP_WEIGHTS[stepper];
    const uniforms = weights.map(([c0, w]) => (_kind: number, part: Dispatch): ArrayBuffer => {
      const data = new ArrayBuffer(48);
      new Uint32Array(data, 0, 8).set([part.first, part.end, q.nx, q.ny, q.periodic ? 1 : 0, 0, 0, 0]);
      new Float32Array(data, 32, 4).set([c0, 0, w * q.lx, w * q.ly]);
      return data;
    });
    return this.advect(q, pipe, uniforms, (src, base, dst, c) => [src, base, dst, ...c], SSP_PLANS[stepper]);
  }

  async fokkerPlanckExplicit(
    f: Float64Array,
    coefficients: GpuChangCooperCoefficients | GpuChangCooperCoefficients2D,
    options: GpuFokkerPlanckOptions,
  ): Promise<GpuFokkerPlanckResult> {
    this.requireOpen();
    if (typeof coefficients !== "object" || coefficients === null) {
      throw invalidArgument(
        "coefficients",
        "Chang–Cooper coefficients { alpha, beta } (n + 1 values each) or { nx, ny, alphaX, betaX, alphaY, betaY }",
        coefficients,
      );
    }
    const o = requireOptions<GpuFokkerPlanckOptions>("options", options, FP_OPTION_KEYS);
    const steps = requireInteger("options.steps", o.steps, 1, 2 ** 31);
    const dt = requirePositive("options.dt", o.dt);
    const dx = requirePositive("options.dx", o.dx);
    if (!(f instanceof Float64Array) || f.length === 0) throw invalidArgument("f", "a non-empty Float64Array of cell averages", f);
    requireF32("f", f);
    const two = "alphaX" in coefficients;
    if (!two && o.dy !== undefined) throw invalidArgument("options.dy", "absent for 1-D coefficients { alpha, beta }", o.dy);
    const dy = two ? requirePositive("options.dy", o.dy) : 1;
    let nx: number;
    let ny = 1;
    let arrays: Float32Array[];
    let cfl = 0;
    const rx = dt / (dx * dx);
    const ry = two ? dt / (dy * dy) : 0;
    if (two) {
      const c = coefficients as GpuChangCooperCoefficients2D;
      nx = requireInteger("coefficients.nx", c.nx, 1, 2 ** 24);
      ny = requireInteger("coefficients.ny", c.ny, 1, 2 ** 24);
      if (f.length !== nx * ny) throw shapeMismatch("f", `nx·ny = ${nx * ny} values`, f.length);
      arrays = [
        faceArray("coefficients.alphaX", c.alphaX, (nx + 1) * ny, 1),
        faceArray("coefficients.betaX", c.betaX, (nx + 1) * ny, 1),
        faceArray("coefficients.alphaY", c.alphaY, nx * (ny + 1), 1),
        faceArray("coefficients.betaY", c.betaY, nx * (ny + 1), 1),
      ];
      const [ax, bx, ay, by] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
      for (let i = 0; i < nx; i++)
        for (let j = 0; j < ny; j++) {
          const outX = ax[(i + 1) * ny + j]! + bx[i * ny + j]!;
          const outY = ay[i * (ny + 1) + j + 1]! + by[i * (ny + 1) + j]!;
          cfl = Math.max(cfl, rx * outX + ry * outY);
        }
    } else {
      const c = coefficients as GpuChangCooperCoefficients;
      nx = f.length;
      arrays = [faceArray("coefficients.alpha", c.alpha, nx + 1, 1), faceArray("coefficients.beta", c.beta, nx + 1, 1)];
      const [alpha, beta] = arrays as [Float32Array, Float32Array];
      for (let i = 0; i < nx; i++) cfl = Math.max(cfl, rx * (alpha[i + 1]! + beta[i]!));
    }
    const n = f.length;
    if (!(Math.fround(rx) < Infinity)) throw invalidArgument("options.dt", `Δt/Δx² representable in f32 (Δx = ${dx})`, dt);
    if (!(Math.fround(ry) < Infinity)) throw invalidArgument("options.dt", `Δt/Δy² representable in f32 (Δy = ${dy})`, dt);
    if (!(cfl <= 1)) {
      const rate = two ? "max over cells of Δt(α_{i+1} + β_i)/Δx² + Δt(α_{j+1} + β_j)/Δy²" : "Δt·max_i(α_{i+1} + β_i)/Δx²";
      throw new KineticError(
        "UNSTABLE",
        `unstable: explicit Euler needs ${rate} ≤ 1 (positivity and stability); got ${cfl.toPrecision(4)}: take options.dt at most ${(dt / cfl).toPrecision(4)}`,
        { details: { cfl } },
      );
    }
    requireFits("f", n, 4 * 2, Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize));
    const pipe = two ? this.pipeline("fp2", () => fokkerPlanckKernel2D(this.wg)) : this.pipeline("fp", () => fokkerPlanckKernel(this.wg));
    const dev = this.device;
    dev.pushErrorScope("validation");
    dev.pushErrorScope("out-of-memory");
    const f32 = Float32Array.from(f);
    const coeff = arrays.map((a) => this.upload(a));
    const acc = this.upload(new Float32Array(2));
    // 2-D: the wall sums only when a wall lets mass out (zero-flux walls have zero weights there)
    let open = false;
    if (two) {
      const [ax, bx, ay, by] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
      for (let j = 0; j < ny && !open; j++) open = ax[nx * ny + j]! > 0 || bx[j]! > 0;
      for (let i = 0; i < nx && !open; i++) open = ay[i * (ny + 1) + ny]! > 0 || by[i * (ny + 1)]! > 0;
    }
    try {
      const uniform = (_kind: number, part: Dispatch): ArrayBuffer => {
        if (two) {
          const data = new ArrayBuffer(48);
          new Uint32Array(data, 0, 4).set([part.first, part.end, nx, ny]);
          new Float32Array(data, 16, 4).set([rx, ry, dy / dx, dx / dy]);
          new Uint32Array(data, 32, 4).set([open ? 1 : 0, 0, 0, 0]);
          return data;
        }
        const data = new ArrayBuffer(32);
        new Uint32Array(data, 0, 4).set([part.first, part.end, n, 0]);
        new Float32Array(data, 16, 1)[0] = rx;
        return data;
      };
      const y = await this.gridSteps(pipe, f32, [uniform], (src, _base, dst) => [...coeff, src, dst, acc], EULER_PLAN, steps);
      const [sum] = await this.readF64(acc, 1);
      await this.checkErrors();
      // 1-D: Σ (α_n f + β_0 f)·Δt/Δx; 2-D: the kernel already weighted the walls by Δy/Δx, Δx/Δy
      const massLost = two ? sum! * dt : (sum! * dt) / dx;
      const volume = two ? dx * dy : dx;
      const mass = compensatedSum(y) * volume;
      const finite = Number.isFinite(mass) && Number.isFinite(massLost) && y.every(Number.isFinite);
      return {
        f: y,
        status: finite ? "success" : "non-finite",
        stats: { steps, cfl },
        initialMass: compensatedSum(f32) * volume,
        mass,
        massLost,
        precision: "f32",
        adapter: this.adapter,
      };
    } finally {
      for (const b of [...coeff, acc]) b.destroy();
    }
  }

  /** Validate the input of an advection kernel: f, face coefficients (1-D or 2-D), steps, λ, CFL ≤ `cflMax`. */
  private faceProblem(
    f: Float64Array,
    coefficients: GpuFaceCoefficients,
    o: GpuAdvectOptions,
    cflMax: number,
    scheme: string,
  ): FaceProblem {
    if (typeof coefficients !== "object" || coefficients === null) {
      throw invalidArgument("coefficients", "face coefficients { ap, am } (1-D) or { nx, ny, axp, axm, ayp, aym } (2-D)", coefficients);
    }
    const steps = requireInteger("options.steps", o.steps, 1, 2 ** 31);
    const periodic = o.periodic === undefined ? false : o.periodic;
    if (typeof periodic !== "boolean") throw invalidArgument("options.periodic", "a boolean", periodic);
    const cellVolume = o.cellVolume === undefined ? 1 : requirePositive("options.cellVolume", o.cellVolume);
    if (!(f instanceof Float64Array) || f.length === 0) throw invalidArgument("f", "a non-empty Float64Array of cell averages", f);
    requireF32("f", f);
    const two = "axp" in coefficients;
    let nx: number;
    let ny = 1;
    let arrays: Float32Array[];
    let lx: number;
    let ly = 0;
    if (two) {
      const c = coefficients;
      nx = requireInteger("coefficients.nx", c.nx, 1, 2 ** 24);
      ny = requireInteger("coefficients.ny", c.ny, 1, 2 ** 24);
      if (f.length !== nx * ny) throw shapeMismatch("f", `nx·ny = ${nx * ny} values`, f.length);
      arrays = [
        faceArray("coefficients.axp", c.axp, (nx + 1) * ny, 1),
        faceArray("coefficients.axm", c.axm, (nx + 1) * ny, -1),
        faceArray("coefficients.ayp", c.ayp, nx * (ny + 1), 1),
        faceArray("coefficients.aym", c.aym, nx * (ny + 1), -1),
      ];
      if (!Array.isArray(o.lambda) || o.lambda.length !== 2)
        throw invalidArgument("options.lambda", "[Δt/Δx, Δt/Δy] for a 2-D grid", o.lambda);
      lx = requirePositive("options.lambda[0]", o.lambda[0]);
      ly = requirePositive("options.lambda[1]", o.lambda[1]);
    } else {
      nx = f.length;
      arrays = [faceArray("coefficients.ap", coefficients.ap, nx + 1, 1), faceArray("coefficients.am", coefficients.am, nx + 1, -1)];
      lx = requirePositive("options.lambda", o.lambda);
    }
    // CFL: λ times the largest outflow rate of a cell (the scheme is a convex combination when ≤ 1)
    let cfl = 0;
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const id = i * ny + j;
        let out = lx * ((arrays[0]![id + (two ? ny : 1)] ?? 0) - arrays[1]![id]!);
        if (two) out += ly * (arrays[2]![i * (ny + 1) + j + 1]! - arrays[3]![i * (ny + 1) + j]!);
        if (out > cfl) cfl = out;
      }
    }
    if (!(cfl <= cflMax)) {
      throw new KineticError(
        "UNSTABLE",
        `unstable: the ${scheme} CFL number λ·max(outflow rate) = ${cfl.toPrecision(4)} exceeds ${cflMax}; take options.lambda (Δt) at most ${(cflMax / cfl).toPrecision(4)} times as large`,
        { details: { cfl, limit: cflMax } },
      );
    }
    requireFits("f", nx * ny, 4 * 2, Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize));
    return { two, nx, ny, arrays, lx, ly, cfl, steps, periodic, cellVolume, f32: Float32Array.from(f) };
  }

  /** Run an advection kernel (coefficients uploaded here) and assemble its result. */
  private async advect(
    q: FaceProblem,
    pipe: GpuComputePipelineLike,
    uniforms: readonly UniformData[],
    bind: (src: GpuBufferLike, base: GpuBufferLike, dst: GpuBufferLike, coeff: readonly GpuBufferLike[]) => GpuBufferLike[],
    plan: StepPlan,
  ): Promise<GpuAdvectResult> {
    const dev = this.device;
    dev.pushErrorScope("validation");
    dev.pushErrorScope("out-of-memory");
    const coeff = q.arrays.map((a) => this.upload(a));
    try {
      const out = await this.gridSteps(pipe, q.f32, uniforms, (src, base, dst) => bind(src, base, dst, coeff), plan, q.steps);
      await this.checkErrors();
      const mass = compensatedSum(out) * q.cellVolume;
      const finite = Number.isFinite(mass) && out.every(Number.isFinite);
      return {
        f: out,
        status: finite ? "success" : "non-finite",
        stats: { steps: q.steps, rhsEvals: q.steps * plan.stages, cfl: q.cfl },
        initialMass: compensatedSum(q.f32) * q.cellVolume,
        mass,
        precision: "f32",
        adapter: this.adapter,
      };
    } finally {
      for (const b of coeff) b.destroy();
    }
  }

  /**
   * `steps` time steps of a one-invocation-per-cell kernel over the state `f0`: each step runs the
   * stages of `plan` (one dispatch per stage and cell block, src/base/dst among `plan.states` state
   * buffers), DISPATCHES_PER_SUBMIT dispatches per submission. Returns the final state.
   */
  private async gridSteps(
    pipe: GpuComputePipelineLike,
    f0: Float32Array,
    uniforms: readonly UniformData[],
    bind: (src: GpuBufferLike, base: GpuBufferLike, dst: GpuBufferLike) => GpuBufferLike[],
    plan: StepPlan,
    steps: number,
  ): Promise<Float64Array> {
    const dev = this.device;
    const n = f0.length;
    const bufs = [this.upload(f0)];
    for (let s = 1; s < plan.states; s++) bufs.push(this.storage(n * 4));
    const parts = [...this.parts(n)];
    const ubufs: GpuBufferLike[][] = [];
    try {
      for (const data of uniforms) {
        ubufs.push(
          parts.map((part) => {
            const d = data(0, part);
            const u = dev.createBuffer({ size: d.byteLength, usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST });
            dev.queue.writeBuffer(u, 0, d);
            return u;
          }),
        );
      }
      // one bind group per (stage, src, base, dst, cell block): a few, reused for every step
      const groups = new Map<string, unknown>();
      const group = (kind: number, src: number, base: number, dst: number, q: number): unknown => {
        const key = `${kind}|${src}|${base}|${dst}|${q}`;
        let g = groups.get(key);
        if (g === undefined) {
          const entries = [ubufs[kind]![q]!, ...bind(bufs[src]!, bufs[base]!, bufs[dst]!)].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          }));
          g = dev.createBindGroup({ layout: pipe.getBindGroupLayout(0) as never, entries });
          groups.set(key, g);
        }
        return g;
      };
      const lim = dev.limits.maxComputeWorkgroupsPerDimension;
      const perSubmit = Math.max(1, Math.floor(DISPATCHES_PER_SUBMIT / (plan.stages * parts.length)));
      let cur = 0;
      for (let k0 = 0; k0 < steps; k0 += perSubmit) {
        const enc = dev.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipe);
        for (let k = k0; k < Math.min(steps, k0 + perSubmit); k++) {
          const step = plan.step(cur);
          for (const [kind, src, base, dst] of step.stages) {
            parts.forEach((part, q) => {
              pass.setBindGroup(0, group(kind, src, base, dst, q));
              const g = Math.ceil((part.end - part.first) / this.wg);
              const gx = Math.min(g, lim);
              pass.dispatchWorkgroups(gx, Math.ceil(g / gx));
            });
          }
          cur = step.next;
        }
        pass.end();
        dev.queue.submit([enc.finish()]);
      }
      return await this.readF64(bufs[cur]!, n);
    } finally {
      for (const b of [...bufs, ...ubufs.flat()]) b.destroy();
    }
  }

  private requireOpen(): void {
    if (this.destroyed) throw invalidArgument("backend", "a backend not yet destroyed", "destroyed");
  }

  private checkProblem(params: NetworkParams, x0: Float64Array): { d: number; kind: GpuActivationKind; M: number } {
    checkNetwork(params);
    const d = params.d;
    if (d > GPU_MAX_DIMENSION) throw unsupported(`the WebGPU kernels support d ≤ ${GPU_MAX_DIMENSION}; got d = ${d}`, { d });
    const info = activationInfo(params.sigma);
    if (info.kind === "custom") {
      throw unsupported(
        `the WebGPU kernels support the built-in activations only; got the user activation ${JSON.stringify(params.sigma.name)}`,
        {
          activation: params.sigma.name,
        },
      );
    }
    requireF32("params.W", params.W);
    requireF32("params.b", params.b);
    const M = checkEnsemble(x0, d, "x0");
    requireF32("x0", x0);
    if (M > NONE) throw new KineticError("TOO_LARGE", `too large: \`x0\` has ${M} particles; the WebGPU kernels index at most 2^32 - 1`);
    return { d, kind: info.kind, M };
  }

  /** Refuse ensembles whose f32 buffers exceed the device's storage-binding limit (`copies` buffers of M·d·4 bytes). */
  private requireBuffer(name: string, M: number, d: number, copies: number): void {
    const lim = Math.min(this.device.limits.maxStorageBufferBindingSize, this.device.limits.maxBufferSize);
    requireFits(name, M, 4 * d, lim);
    requireFits(name, M, 4 * d * copies, 2 ** 34);
  }

  private pipeline(key: string, code: () => string): GpuComputePipelineLike {
    const k = `${key}|${this.wg}`;
    let p = this.pipelines.get(k);
    if (p === undefined) {
      const module = this.device.createShaderModule({ code: code(), label: k });
      p = this.device.createComputePipeline({ layout: "auto", compute: { module: module as never, entryPoint: "main" }, label: k });
      this.pipelines.set(k, p);
    }
    return p;
  }

  private *parts(M: number): Generator<Dispatch> {
    const step = Math.min(M, this.perDispatch);
    for (let first = 0; first < M; first += step) yield { first, end: Math.min(M, first + step) };
  }

  /** One dispatch over particles [first, end): a 2-D grid of workgroups (each dimension ≤ the device limit). */
  private dispatch(
    pipe: GpuComputePipelineLike,
    uniform: GpuBufferLike,
    params: ArrayBuffer,
    buffers: readonly GpuBufferLike[],
    part: Dispatch,
  ): void {
    const dev = this.device;
    dev.queue.writeBuffer(uniform, 0, params);
    const entries = [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = dev.createBindGroup({ layout: pipe.getBindGroupLayout(0) as never, entries });
    const groups = Math.ceil((part.end - part.first) / this.wg);
    const gx = Math.min(groups, dev.limits.maxComputeWorkgroupsPerDimension);
    const gy = Math.ceil(groups / gx);
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    dev.queue.submit([enc.finish()]);
  }

  private upload(data: Float32Array): GpuBufferLike {
    const b = this.storage(Math.max(4, data.byteLength));
    this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  private storage(bytes: number): GpuBufferLike {
    return this.device.createBuffer({
      size: Math.ceil(Math.max(4, bytes) / 4) * 4,
      usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST,
    });
  }

  private async readBack(src: GpuBufferLike, bytes: number): Promise<ArrayBuffer> {
    const dev = this.device;
    const staging = dev.createBuffer({ size: bytes, usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST });
    try {
      const enc = dev.createCommandEncoder();
      enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
      dev.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_MODE_READ);
      const copy = staging.getMappedRange().slice(0);
      staging.unmap();
      return copy;
    } finally {
      staging.destroy();
    }
  }

  private async readU32(src: GpuBufferLike, count: number): Promise<Uint32Array> {
    return new Uint32Array(await this.readBack(src, count * 4));
  }

  private async readF64(src: GpuBufferLike, count: number): Promise<Float64Array> {
    return Float64Array.from(new Float32Array(await this.readBack(src, count * 4)));
  }

  private async checkErrors(): Promise<void> {
    const oom = await this.device.popErrorScope();
    const validation = await this.device.popErrorScope();
    const e = oom ?? validation;
    if (e !== null)
      throw new KineticError("SOLVER_FAILED", `the WebGPU device reported an error: ${e.message}`, { details: { gpuError: e.message } });
  }
}

/** Step grid of a fixed-step solve: h = Δt / spl and the number of steps to tEnd (a multiple of h). */
function stepGrid(
  params: NetworkParams,
  stepsPerLayer: number | undefined,
  tEndIn: number | undefined,
): { spl: number; h: number; nSteps: number } {
  const spl = stepsPerLayer === undefined ? 1 : requireInteger("options.stepsPerLayer", stepsPerLayer, 1, 2 ** 20);
  const h = params.dt / spl;
  const tEnd = tEndIn === undefined ? params.T : requirePositive("options.tEnd", tEndIn);
  const nSteps = Math.round(tEnd / h);
  if (nSteps < 1 || Math.abs(nSteps * h - tEnd) > 1e-9 * Math.max(1, tEnd)) {
    throw invalidArgument("options.tEnd", `a positive multiple of the step h = ${h}`, tEnd);
  }
  requireFits("options.tEnd", nSteps, 1, 2 ** 31, "steps");
  return { spl, h, nSteps };
}

/** W and b interleaved per layer (d·d weights, then d biases) in f32. */
function layerBuffer(params: NetworkParams): Float32Array {
  const { d, nLayers, W, b } = params;
  const out = new Float32Array(nLayers * (d * d + d));
  for (let k = 0; k < nLayers; k++) {
    out.set(W.subarray(k * d * d, (k + 1) * d * d), k * (d * d + d));
    out.set(b.subarray(k * d, (k + 1) * d), k * (d * d + d) + d * d);
  }
  return out;
}

/** Face coefficients as f32: `length` values, finite, of the given sign (ap ≥ 0, am ≤ 0). */
function faceArray(name: string, a: ArrayLike<number>, length: number, sign: 1 | -1): Float32Array {
  if (a === null || typeof a !== "object" || typeof a.length !== "number") throw invalidArgument(name, `an array of ${length} numbers`, a);
  if (a.length !== length) throw shapeMismatch(name, `${length} values`, a.length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = a[i]!;
    if (!(Math.abs(v) <= F32_MAX) || v * sign < 0)
      throw invalidArgument(`${name}[${i}]`, `a finite ${sign > 0 ? "non-negative" : "non-positive"} number`, v);
    out[i] = v;
  }
  return out;
}

/** Every value must be a finite f32 (|v| ≤ 3.4e38), or it would become ±Infinity on the device. */
function requireF32(name: string, v: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    if (!(Math.abs(v[i]!) <= F32_MAX)) throw invalidArgument(`${name}[${i}]`, "a number representable in f32 (|v| ≤ 3.4e38)", v[i]);
  }
}

function requireF32Number(name: string, v: unknown): number {
  if (typeof v !== "number" || !(Math.abs(v) <= F32_MAX)) throw invalidArgument(name, "a finite number representable in f32", v);
  return v;
}
