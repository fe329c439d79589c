/**
 * Steady states of the Vlasov equation with constant parameters (MODEL.md §4): critical points
 * x* = -W⁻¹b and their stability from the eigenvalues of W, the ReLU invariant set, and the absence of
 * steady probability measures for positive activations.
 * @packageDocumentation
 */
import { activationInfo } from "@kinetic-nde/core";
import { type Activation, type NetworkParams, resolveActivation } from "@kinetic-nde/core";
import { invalidArgument, requireFiniteArray, requireInteger, shapeMismatch } from "@kinetic-nde/core/validate";

/** Input of {@link analyzeSteadyStates}: network parameters, or σ with one layer's W (d×d) and b (d). */
export type SteadyStateInput =
  | NetworkParams
  | { readonly sigma: string | Activation; readonly W: number | ArrayLike<number>; readonly b: number | ArrayLike<number> };

/** Kind of steady states. */
export type SteadyStateKind =
  /** δ at the critical point x* (σ(0) = 0, σ increasing). */
  | "point"
  /** any density supported in the invariant set {x : (Wx + b)_j ≤ 0 ∀j} (ReLU). */
  | "invariant-set"
  /** no steady probability measure (σ > 0: every component increases for ever; or a constant drift). */
  | "none"
  /** the velocity vanishes everywhere: every density is steady. */
  | "everything";

/** Stability of the critical point. */
export type Stability = "stable" | "unstable" | "saddle" | "marginal" | "not-applicable";

/** Result of {@link analyzeSteadyStates}. */
export interface SteadyStateAnalysis {
  readonly d: number;
  readonly activation: string;
  readonly kind: SteadyStateKind;
  /** x* = -W⁻¹b when W is invertible (also for ReLU and positive σ, where it is only the zero of Wx + b). */
  readonly point: Float64Array | null;
  /** Eigenvalues of W (real and imaginary parts, sorted by real part descending). */
  readonly eigenvalues: { readonly re: Float64Array; readonly im: Float64Array };
  /** max Re λ(W). */
  readonly spectralAbscissa: number;
  readonly stability: Stability;
  /** Rate of contraction near a stable x*: σ'(0) · |spectral abscissa| (1-D: σ'(0)|w|), else null. */
  readonly contractionRate: number | null;
  /** ReLU: the invariant set {x : W x + b ≤ 0 componentwise}, as (W, b). */
  readonly invariantSet: { readonly W: Float64Array; readonly b: Float64Array } | null;
  /** Plain-language description of the long-time behaviour. */
  readonly behaviour: string;
  /** Which layer of the network was analysed (0 for a single layer). */
  readonly layer: number;
}

/** Options of {@link analyzeSteadyStates}. */
export interface SteadyStateAnalysisOptions {
  /** Layer of a layered network to analyse, default the last one (the dynamics as t → ∞ with the last layer extended). */
  readonly layer?: number;
}

/**
 * Eigenvalues of a real d×d matrix (row-major): closed form for d ≤ 2, otherwise the roots of the
 * characteristic polynomial (Faddeev–LeVerrier) by the Durand–Kerner iteration (fine for small d).
 * @param W - d·d values
 * @param d - dimension
 * @returns `{ re, im }` sorted by real part, descending
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH
 * @example
 * ```ts
 * eigenvalues(new Float64Array([0, 1, -1, 0]), 2); // ±i
 * ```
 */
export function eigenvalues(W: ArrayLike<number>, d: number): { re: Float64Array; im: Float64Array } {
  requireInteger("d", d, 1, 64);
  const A = requireFiniteArray("W", W, d * d);
  let pairs: [number, number][];
  if (d === 1) pairs = [[A[0]!, 0]];
  else if (d === 2) {
    const tr = A[0]! + A[3]!,
      det = A[0]! * A[3]! - A[1]! * A[2]!;
    const disc = (tr * tr) / 4 - det;
    if (disc >= 0) {
      const s = Math.sqrt(disc);
      // avoid cancellation: the larger-magnitude root first, the other from the product
      const r1 = tr / 2 + (tr >= 0 ? s : -s);
      const r2 = r1 !== 0 ? det / r1 : tr / 2 - (tr >= 0 ? s : -s);
      pairs = [
        [r1, 0],
        [r2, 0],
      ];
    } else
      pairs = [
        [tr / 2, Math.sqrt(-disc)],
        [tr / 2, -Math.sqrt(-disc)],
      ];
  } else {
    // characteristic polynomial p(λ) = λ^d + c1 λ^{d-1} + ... + cd (Faddeev–LeVerrier)
    const c = new Float64Array(d + 1);
    c[0] = 1;
    let Mk = new Float64Array(d * d);
    for (let k = 1; k <= d; k++) {
      const AM = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let l = 0; l < d; l++) s += A[i * d + l]! * Mk[l * d + j]!;
          AM[i * d + j] = s;
        }
      // M_k = A M_{k-1} + c_{k-1} I; c_k = -tr(A M_k)/k
      const Mnew = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) Mnew[i] = AM[i]!;
      for (let i = 0; i < d; i++) Mnew[i * d + i] = Mnew[i * d + i]! + c[k - 1]!;
      let tr = 0;
      for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) tr += A[i * d + l]! * Mnew[l * d + i]!;
      c[k] = -tr / k;
      Mk = Mnew;
    }
    const re = new Float64Array(d),
      im = new Float64Array(d);
    let R = 1;
    for (let k = 1; k <= d; k++) R = Math.max(R, Math.abs(c[k]!) ** (1 / k) * 2);
    for (let k = 0; k < d; k++) (re[k] = R * Math.cos((2 * Math.PI * k) / d + 0.4)), (im[k] = R * Math.sin((2 * Math.PI * k) / d + 0.4));
    for (let it = 0; it < 2000; it++) {
      let change = 0;
      for (let k = 0; k < d; k++) {
        // p(z)
        let pr = 1,
          pi = 0;
        for (let j = 1; j <= d; j++) {
          const nr = pr * re[k]! - pi * im[k]! + c[j]!;
          pi = pr * im[k]! + pi * re[k]!;
          pr = nr;
        }
        let qr = 1,
          qi = 0;
        for (let j = 0; j < d; j++) {
          if (j === k) continue;
          const ar = re[k]! - re[j]!,
            ai = im[k]! - im[j]!;
          const nr = qr * ar - qi * ai;
          qi = qr * ai + qi * ar;
          qr = nr;
        }
        const den = qr * qr + qi * qi;
        const dr = (pr * qr + pi * qi) / den,
          di = (pi * qr - pr * qi) / den;
        re[k] = re[k]! - dr;
        im[k] = im[k]! - di;
        change = Math.max(change, Math.hypot(dr, di));
      }
      if (change < 1e-15 * R) break;
    }
    pairs = [];
    for (let k = 0; k < d; k++) pairs.push([re[k]!, Math.abs(im[k]!) < 1e-12 * R ? 0 : im[k]!]);
  }
  pairs.sort((p, q) => q[0] - p[0] || q[1] - p[1]);
  return { re: Float64Array.from(pairs, (p) => p[0]), im: Float64Array.from(pairs, (p) => p[1]) };
}

/** Solve W x = -b by Gaussian elimination with partial pivoting; null when W is (numerically) singular. */
function criticalPoint(W: Float64Array, b: Float64Array, d: number): Float64Array | null {
  const A = Float64Array.from(W),
    r = Float64Array.from(b, (v) => -v);
  let scale = 0;
  for (let i = 0; i < d * d; i++) scale = Math.max(scale, Math.abs(A[i]!));
  if (scale === 0) return null;
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (Math.abs(A[i * d + k]!) > Math.abs(A[p * d + k]!)) p = i;
    if (Math.abs(A[p * d + k]!) <= 1e-13 * scale) return null;
    if (p !== k) {
      for (let j = 0; j < d; j++) [A[k * d + j], A[p * d + j]] = [A[p * d + j]!, A[k * d + j]!];
      [r[k], r[p]] = [r[p]!, r[k]!];
    }
    for (let i = k + 1; i < d; i++) {
      const m = A[i * d + k]! / A[k * d + k]!;
      for (let j = k; j < d; j++) A[i * d + j] = A[i * d + j]! - m * A[k * d + j]!;
      r[i] = r[i]! - m * r[k]!;
    }
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = r[i]!;
    for (let j = i + 1; j < d; j++) s -= A[i * d + j]! * x[j]!;
    x[i] = s / A[i * d + i]!;
  }
  return x;
}

/**
 * Classify the steady states of ∂_t f + ∇·(σ(Wx + b) f) = 0 with constant W, b (MODEL.md §4).
 * - σ(0) = 0, σ increasing (identity, tanh, leaky ReLU): δ at x* = -W⁻¹b; stable when every eigenvalue
 *   of W has negative real part (contraction rate σ'(0)·|max Re λ|), unstable/saddle otherwise (1-D w > 0:
 *   mass splits at x* and escapes to ±∞). Leaky ReLU is piecewise linear: classified by W (exact in 1-D).
 * - ReLU: every density supported in {Wx + b ≤ 0} is steady; 1-D w < 0: mass with wx + b > 0 approaches
 *   x* only as t → ∞; w > 0: it escapes to +∞.
 * - σ > 0 (sigmoid, softplus): no steady probability measure; every component increases for ever.
 * @param input - NetworkParams (layer `options.layer`, default the last) or `{ sigma, W, b }` (W: number in 1-D or d·d values)
 * @param options - layer
 * @returns a {@link SteadyStateAnalysis}
 * @throws KineticError INVALID_ARGUMENT, SHAPE_MISMATCH, NOT_FOUND (unknown activation name)
 * @remarks Eigenvalues in closed form for d ≤ 2, Durand–Kerner on the characteristic polynomial otherwise (small d).
 * @example
 * ```ts
 * const a = analyzeSteadyStates({ sigma: "tanh", W: -1, b: 0.5 });
 * a.kind; // "point", a.point = [0.5], a.stability = "stable"
 * ```
 */
export function analyzeSteadyStates(input: SteadyStateInput, options: SteadyStateAnalysisOptions = {}): SteadyStateAnalysis {
  if (typeof input !== "object" || input === null) throw invalidArgument("input", "NetworkParams or { sigma, W, b }", input);
  let sigma: Activation,
    W: Float64Array,
    b: Float64Array,
    d: number,
    layer = 0;
  if ("nLayers" in input && input.W instanceof Float64Array) {
    d = input.d;
    layer = requireInteger("layer", options.layer ?? input.nLayers - 1, 0, input.nLayers - 1);
    sigma = input.sigma;
    W = input.W.slice(layer * d * d, (layer + 1) * d * d);
    b = input.b.slice(layer * d, (layer + 1) * d);
  } else {
    sigma = resolveActivation(input.sigma);
    W = typeof input.W === "number" ? requireFiniteArray("W", [input.W]) : requireFiniteArray("W", input.W);
    b = typeof input.b === "number" ? requireFiniteArray("b", [input.b]) : requireFiniteArray("b", input.b);
    d = b.length;
    if (W.length !== d * d) throw shapeMismatch("W", `d·d = ${d * d} values (d = b.length)`, W.length);
  }
  const eig = eigenvalues(W, d);
  const sa = eig.re[0]!;
  const point = criticalPoint(W, b, d);
  const name = sigma.name;
  const s0 = sigma.sigma(0),
    ds0 = sigma.dsigma(0);
  const positive = sigma.properties.positive;
  const { kind: actKind } = activationInfo(sigma);
  const isRelu = actKind === "relu";
  let kind: SteadyStateKind,
    stability: Stability = "not-applicable",
    rate: number | null = null,
    behaviour: string;
  let invariantSet: SteadyStateAnalysis["invariantSet"] = null;
  const allZeroW = W.every((v) => v === 0);
  const minRe = eig.re[d - 1]!;
  const fmt = (x: Float64Array | null) => (x ? `(${Array.from(x, (v) => +v.toPrecision(6)).join(", ")})` : "none");
  if (allZeroW) {
    const v = Array.from(b, (bj) => sigma.sigma(bj));
    if (v.every((vj) => vj === 0)) {
      kind = "everything";
      behaviour = "W = 0 and σ(b) = 0: the velocity vanishes, every density is steady";
    } else {
      kind = "none";
      behaviour = `W = 0: constant drift σ(b) = (${v.map((x) => +x.toPrecision(6)).join(", ")}); the density translates for ever`;
    }
  } else if (positive) {
    kind = "none";
    behaviour = `σ = ${name} is positive: every component of x increases for all time (drift to +∞); no steady probability measure`;
  } else if (isRelu) {
    kind = "invariant-set";
    invariantSet = { W: Float64Array.from(W), b: Float64Array.from(b) };
    if (d === 1) {
      const w = W[0]!,
        xs = -b[0]! / w;
      behaviour =
        w < 0
          ? `ReLU, w < 0: every density on {x ≥ ${+xs.toPrecision(6)}} is steady; mass with wx + b > 0 (x < x*) approaches x* = ${+xs.toPrecision(6)} only as t → ∞ (rate |w| = ${+(-w).toPrecision(6)})`
          : `ReLU, w > 0: every density on {x ≤ ${+xs.toPrecision(6)}} is steady; mass with wx + b > 0 (x > x*) escapes to +∞ at rate w = ${+w.toPrecision(6)}`;
      stability = w < 0 ? "stable" : "unstable";
      if (w < 0) rate = -w;
    } else {
      behaviour = `ReLU: every density supported in {x : (Wx + b)_j ≤ 0 for all j} is steady; elsewhere the field is linear in the active components`;
      stability = sa < 0 ? "stable" : minRe > 0 ? "unstable" : sa > 0 ? "saddle" : "marginal";
      if (sa < 0) rate = -sa;
    }
  } else if (s0 === 0 && ds0 > 0) {
    kind = point ? "point" : "none";
    if (!point) {
      behaviour = "W is singular: no isolated critical point (a line or plane of them, or none)";
      stability = "marginal";
    } else {
      stability = sa < 0 ? "stable" : minRe > 0 ? "unstable" : sa > 0 ? "saddle" : "marginal";
      if (sa < 0) rate = ds0 * -sa;
      const pl = actKind === "leaky-relu" ? " (piecewise linear: classified by W, exact in 1-D)" : "";
      if (stability === "stable")
        behaviour = `all mass concentrates at x* = ${fmt(point)}: δ_{x*} is the stable steady state, contraction rate ${+(rate ?? 0).toPrecision(6)}${pl}`;
      else if (stability === "unstable")
        behaviour =
          d === 1
            ? `w > 0: x* = ${fmt(point)} repels; mass splits at x* and escapes to ±∞${pl}`
            : `x* = ${fmt(point)} repels in every direction; mass escapes to infinity${pl}`;
      else if (stability === "saddle")
        behaviour = `x* = ${fmt(point)} is a saddle: mass collapses onto the unstable manifold and escapes along it${pl}`;
      else behaviour = `x* = ${fmt(point)} is marginal (eigenvalues on the imaginary axis): no contraction${pl}`;
    }
  } else {
    kind = "none";
    behaviour = `σ = ${name} with σ(0) = ${s0}: not classified by the table (no zero of σ at 0 or not increasing there)`;
  }
  return {
    d,
    activation: name,
    kind,
    point,
    eigenvalues: eig,
    spectralAbscissa: sa,
    stability,
    contractionRate: rate,
    invariantSet,
    behaviour,
    layer,
  };
}

/**
 * A printable multi-line report of a steady-state analysis.
 * @param a - from {@link analyzeSteadyStates}
 * @returns text (no trailing newline)
 * @example
 * ```ts
 * formatSteadyStateReport(analyzeSteadyStates({ sigma: "identity", W: [-1, 0, 0, -2], b: [0, 1] }));
 * ```
 */
export function formatSteadyStateReport(a: SteadyStateAnalysis): string {
  const num = (v: number) => +v.toPrecision(6);
  const eig = Array.from(a.eigenvalues.re, (re, i) => {
    const im = a.eigenvalues.im[i]!;
    return im === 0 ? `${num(re)}` : `${num(re)} ${im < 0 ? "-" : "+"} ${num(Math.abs(im))}i`;
  }).join(", ");
  const lines = [
    `Steady states (σ = ${a.activation}, d = ${a.d}${a.layer > 0 ? `, layer ${a.layer}` : ""})`,
    `  kind:               ${a.kind}`,
    `  critical point x*:  ${a.point ? `(${Array.from(a.point, num).join(", ")})` : "none"}`,
    `  eigenvalues of W:   ${eig}`,
    `  spectral abscissa:  ${num(a.spectralAbscissa)}`,
    `  stability:          ${a.stability}`,
    `  contraction rate:   ${a.contractionRate === null ? "—" : num(a.contractionRate)}`,
  ];
  if (a.invariantSet) lines.push(`  invariant set:      {x : W x + b ≤ 0 componentwise}`);
  lines.push(`  behaviour:          ${a.behaviour}`);
  return lines.join("\n");
}
