/**
 * The contract between experiment definitions and the two apps that run them (CLI and docs site).
 * An experiment is a pure function of a validated config, a seed and a progress callback; it
 * returns data series, summary numbers, self-checks and figure descriptions — never files or DOM.
 * @packageDocumentation
 */
import type { NetworkParams, OdeOptions, OdeResult, SdeOptions, SdeResult } from "@kinetic-nde/core";
import type { FokkerPlanckOptions, FokkerPlanckProblem, FokkerPlanckResult } from "@kinetic-nde/fokker-planck";
import type { VlasovOptions, VlasovProblem, VlasovResult } from "@kinetic-nde/mean-field";
import type * as z from "zod";

/** A column-oriented table of numbers: every column has the same length. */
export interface DataTable {
  /** Column names in order, e.g. `["t", "m1_exact", "m1_pde"]`. */
  readonly columns: readonly string[];
  /** Column values by name. */
  readonly data: Readonly<Record<string, ArrayLike<number>>>;
  /** Optional units or symbols per column, e.g. `{ t: "time t" }`. */
  readonly units?: Readonly<Record<string, string>>;
  /** One-line description. */
  readonly description?: string;
}

/** A 2-D field on a regular grid (for heatmaps), row-major `values[iy * nx + ix]`. */
export interface GridField {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly description?: string;
}

/** One self-check of a claim, so a reproduction is evidence and not only pictures. */
export interface Check {
  /** Short identifier, e.g. `"variance-rate"`. */
  readonly name: string;
  /** The claim in words, e.g. "variance decays like e^(2wt)". */
  readonly claim: string;
  /** The observed value. */
  readonly observed: number;
  /** The expected value. */
  readonly expected: number;
  /** Allowed |observed - expected| (absolute). */
  readonly tolerance: number;
  /** Whether the check did not fail: |observed - expected| ≤ tolerance, or not applicable. */
  readonly passed: boolean;
  /**
   * "pass", "fail", or "not-applicable" when the run's settings lie outside the regime the claim
   * is about (then `reason` says why in one line); absent means "pass"/"fail" from `passed`.
   */
  readonly status?: "pass" | "fail" | "not-applicable";
  /** Why a check is not applicable at these settings (one line, shown to the reader). */
  readonly reason?: string;
  /** A printable sentence: "variance decays like e^(2wt): observed rate -1.998 vs -2 (tol 0.01)". */
  readonly message: string;
}

/** A line/scatter layer of a figure, referring to columns of a series. */
export interface FigureLayer {
  readonly kind: "line" | "scatter" | "area" | "step";
  /** Key in {@link ExperimentResult.series}. */
  readonly series: string;
  readonly x: string;
  readonly y: string;
  /** Legend label. */
  readonly label: string;
  /** Optional dash pattern for reference curves (e.g. exact solutions). */
  readonly dashed?: boolean;
  /** Optional CSS colour (e.g. `"#1f77b4"`), so related layers (exact/PDE/particles of one quantity) share a colour. */
  readonly color?: string;
}

/** A figure description, rendered by the CLI (SVG/PNG) and the docs site (Observable Plot). */
export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Line/scatter layers, or a heatmap of a grid field. */
  readonly layers?: readonly FigureLayer[];
  /** Key in {@link ExperimentResult.fields} for a heatmap figure. */
  readonly heatmap?: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Label of a heatmap's colour legend: the field's quantity with units (default: the field's `description`). */
  readonly colorLabel?: string;
  /** A caption a reader understands without the code. */
  readonly caption?: string;
}

/** Progress report of a running experiment. */
export interface Progress {
  /** Completed fraction in [0, 1]. */
  readonly fraction: number;
  /** What is being done now. */
  readonly message: string;
}

/** Context passed to {@link ExperimentDefinition.run}. */
export interface RunContext {
  /** Seed of every random draw of the run. */
  readonly seed: number;
  /** Called with progress now and then (cheap; may be omitted). */
  readonly onProgress?: (p: Progress) => void;
  /** Aborts the run cooperatively (checked between stages). */
  readonly signal?: AbortSignal;
  /**
   * Particle solver to use instead of the single-thread `solveOde` / `solveSde` of core, e.g. a Node
   * worker pool (`createWorkerPool` of `@kinetic-nde/core/node`); it must give the same numbers.
   */
  readonly particleSolver?: ParticleSolver;
  /**
   * Grid solver to use instead of mean-field's `solveVlasov` (and, where it has one, fokker-planck's
   * explicit-Euler `solveFokkerPlanck`), e.g. `solveVlasovWebGpu` / `solveFokkerPlanckWebGpu` on a
   * WebGPU backend (f32; the result then says `precision: "f32"`).
   */
  readonly gridSolver?: GridSolver;
}

/**
 * The grid solves a run may hand to another implementation (the signatures of mean-field's
 * `solveVlasov`, one density, and of fokker-planck's `solveFokkerPlanck`).
 */
export interface GridSolver {
  solveVlasov(
    problem: VlasovProblem,
    options?: VlasovOptions,
  ): Promise<VlasovResult<Float64Array> & { readonly precision?: string }> | VlasovResult<Float64Array>;
  /**
   * The 1-D Fokker–Planck solve; optional. Tools hand it only `method: "explicit-euler"` solves (the
   * method a GPU kernel has) and compute the others with `solveFokkerPlanck` on the CPU.
   */
  solveFokkerPlanck?(
    problem: FokkerPlanckProblem,
    options?: FokkerPlanckOptions,
  ): Promise<FokkerPlanckResult & { readonly precision?: string }> | (FokkerPlanckResult & { readonly precision?: string });
}

/** The particle solves a run may hand to another implementation (same signatures as core's). */
export interface ParticleSolver {
  solveOde(params: NetworkParams, x0: Float64Array, options?: OdeOptions): Promise<OdeResult> | OdeResult;
  solveSde(params: NetworkParams, x0: Float64Array, options?: SdeOptions): Promise<SdeResult> | SdeResult;
}

/**
 * A particle ensemble returned as bulk data: it is never serialised into JSON (see
 * {@link toPlainJson}); the CLI streams it to CSV files and the docs site may plot a sample.
 */
export interface Ensemble {
  /** M·d values, row-major: coordinate j of particle i is `x[i * d + j]`. */
  readonly x: Float64Array;
  /** Dimension d. */
  readonly d: number;
  /** One column name per coordinate, e.g. `["x"]` or `["x1", "x2"]`. */
  readonly columns: readonly string[];
  /** One-line description, e.g. "particles at t = T". */
  readonly description?: string;
}

/** What an experiment returns. */
export interface ExperimentResult {
  readonly id: string;
  /** The resolved config (defaults applied). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly series: Readonly<Record<string, DataTable>>;
  readonly fields?: Readonly<Record<string, GridField>>;
  /** Particle ensembles (bulk data, kept out of JSON), e.g. `{ initial, final }` of `simulate`. */
  readonly ensembles?: Readonly<Record<string, Ensemble>>;
  /**
   * Text files a run produces besides its data, by file name (e.g. `"model.json"` of `train`,
   * `"fit.json"` of `fit`); the CLI writes them into the output directory. Kept out of JSON.
   */
  readonly artifacts?: Readonly<Record<string, string>>;
  readonly summary: Readonly<Record<string, number | string | boolean>>;
  readonly checks: readonly Check[];
  readonly figures: readonly FigureSpec[];
}

/** A user control for the docs site's live page (derived from the config schema). */
export interface ControlSpec {
  /** Config key. */
  readonly key: string;
  readonly label: string;
  readonly kind: "range" | "select" | "number";
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly options?: readonly string[];
}

/** An experiment of the catalogue, defined once and run by both apps. */
export interface ExperimentDefinition<C extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly title: string;
  /** One paragraph: what it shows. */
  readonly summary: string;
  /** Config schema with defaults (zod); `schema.parse({})` gives the default config. */
  readonly schema: z.ZodType<C>;
  /** Overrides that make the run fast enough for CI (`--quick`) and for live pages. */
  readonly quick: Partial<C>;
  /** Controls for the live docs page. */
  readonly controls: readonly ControlSpec[];
  /** Run the experiment. */
  run(config: C, ctx: RunContext): Promise<ExperimentResult>;
}
