/**
 * Activation functions σ with their derivatives, a registry users can extend, and one identity and
 * capability record per activation ({@link activationInfo}): its kind, kernel code, boundedness,
 * whether a closed-form characteristic exists and its steady-state family. Solvers ask the record,
 * never the name.
 * @packageDocumentation
 */
import { KineticError } from "./errors.js";
import { ACT_IDENTITY, ACT_LEAKY, ACT_RELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH, ACT_USER } from "./internal/activation-codes.js";
import { tanhFast } from "./internal/tanh.js";
import { invalidArgument, requireFinite } from "./validate.js";

/** Qualitative properties used by the steady-state analysis (MODEL.md §4) and by solvers. */
export interface ActivationProperties {
  /** σ(0) = 0 (identity, tanh, ReLU, leaky ReLU). */
  readonly zeroAtZero: boolean;
  /** σ(z) > 0 for all z (sigmoid, softplus): no steady states among probability measures. */
  readonly positive: boolean;
  /** σ is non-decreasing. */
  readonly monotone: boolean;
  /** sup |σ| < ∞ (tanh, sigmoid): velocities are bounded, so no blow-up in finite time. */
  readonly bounded: boolean;
  /** Lipschitz constant of σ (sup |σ'|). */
  readonly lipschitz: number;
  /** σ' is continuous (false for ReLU and leaky ReLU). */
  readonly smooth: boolean;
}

/** An activation σ with σ', σ'' and in-place vector forms. */
export interface Activation {
  /** Registry name, e.g. `"tanh"`. */
  readonly name: string;
  /** Human-readable formula, e.g. `"tanh(z)"`. */
  readonly formula: string;
  /** σ(z). */
  readonly sigma: (z: number) => number;
  /** σ'(z) (for ReLU at 0: 0, the one-sided derivative from the left). */
  readonly dsigma: (z: number) => number;
  /** σ''(z) (0 where it is a Dirac mass, i.e. for ReLU at 0). */
  readonly d2sigma: (z: number) => number;
  /** Qualitative properties. */
  readonly properties: ActivationProperties;
  /** Parameters of a parameterised family (e.g. `{ alpha: 0.01 }` for leaky ReLU). */
  readonly params?: Readonly<Record<string, number>>;
}

/** Kind of an activation: one of the built-ins, or `"custom"` for every user activation. */
export type ActivationKind = "identity" | "tanh" | "sigmoid" | "relu" | "leaky-relu" | "softplus" | "custom";

/**
 * Steady-state family of the 1-D Fokker–Planck equation ∂_x(σ(wx+b) f) = D ∂_xx f on R (MODEL.md §7):
 * `"gaussian"` (identity: N(-b/w, D/|w|) when w < 0), `"sech-power"` (tanh: C sech(wx+b)^{1/(|w|D)}
 * when w < 0), `"restoring"` (leaky ReLU: a steady state exists exactly when w < 0, no closed form),
 * `"none"` (sigmoid, softplus, ReLU: never integrable) and `"numeric"` (custom: decided from σ far out).
 */
export type SteadyStateFamily = "gaussian" | "sech-power" | "restoring" | "none" | "numeric";

/** The identity and capability record of an activation; see {@link activationInfo}. */
export interface ActivationInfo {
  /** Built-in kind, or `"custom"`. */
  readonly kind: ActivationKind;
  /** Kernel code of the specialised loops (the user code calls `sigma.sigma`). Internal numbering. */
  readonly code: number;
  /** Leaky-ReLU slope α (0 for every other kind). */
  readonly alpha: number;
  /** sup |σ| < ∞: velocities are bounded (no blow-up in finite time). */
  readonly bounded: boolean;
  /** Whether `characteristic1D` has a closed form for σ (identity, tanh, sigmoid, relu, leaky-relu). */
  readonly closedFormCharacteristic: boolean;
  /** Family of the closed-form Fokker–Planck steady states. */
  readonly steadyState: SteadyStateFamily;
}

/**
 * The record lives on the activation object under a registered symbol, non-enumerable: an object
 * spread (`{ ...tanh }`) drops it, and copies of the package loaded twice recognise each other's
 * activations.
 */
const INFO: unique symbol = Symbol.for("@kinetic-nde/core.ActivationInfo") as never;

type BuiltinKind = Exclude<ActivationKind, "custom">;
const BUILTIN_INFO: Readonly<Record<BuiltinKind, Omit<ActivationInfo, "alpha">>> = {
  identity: { kind: "identity", code: ACT_IDENTITY, bounded: false, closedFormCharacteristic: true, steadyState: "gaussian" },
  tanh: { kind: "tanh", code: ACT_TANH, bounded: true, closedFormCharacteristic: true, steadyState: "sech-power" },
  sigmoid: { kind: "sigmoid", code: ACT_SIGMOID, bounded: true, closedFormCharacteristic: true, steadyState: "none" },
  relu: { kind: "relu", code: ACT_RELU, bounded: false, closedFormCharacteristic: true, steadyState: "none" },
  "leaky-relu": { kind: "leaky-relu", code: ACT_LEAKY, bounded: false, closedFormCharacteristic: true, steadyState: "restoring" },
  softplus: { kind: "softplus", code: ACT_SOFTPLUS, bounded: false, closedFormCharacteristic: false, steadyState: "none" },
};

/** Attach a record (non-enumerable) and freeze. */
function withInfo(a: Omit<Activation, never>, info: ActivationInfo): Activation {
  Object.defineProperty(a, INFO, { value: Object.freeze(info), enumerable: false, writable: false, configurable: false });
  return Object.freeze(a);
}

/** Every record has the same key order (one object shape for the solvers' property reads). */
function record(base: Omit<ActivationInfo, "alpha">, alpha: number): ActivationInfo {
  return {
    kind: base.kind,
    code: base.code,
    alpha,
    bounded: base.bounded,
    closedFormCharacteristic: base.closedFormCharacteristic,
    steadyState: base.steadyState,
  };
}

function builtin(kind: BuiltinKind, a: Activation, alpha = 0): Activation {
  // leaky ReLU with α = 0 is ReLU: zero drift on a half-line, no integrable steady state
  const base = kind === "leaky-relu" && alpha === 0 ? { ...BUILTIN_INFO[kind], steadyState: "none" as const } : BUILTIN_INFO[kind];
  return withInfo(a, record(base, alpha));
}

function customInfo(a: Activation): ActivationInfo {
  const base = {
    kind: "custom",
    code: ACT_USER,
    bounded: a.properties?.bounded === true,
    closedFormCharacteristic: false,
    steadyState: "numeric",
  } as const;
  return Object.freeze(record(base, 0));
}

/** True for the names the built-ins own: their registry names and every `leaky-relu(α)`. */
function isBuiltinName(name: unknown): boolean {
  return typeof name === "string" && ((BUILTIN_ACTIVATIONS as readonly string[]).includes(name) || name.startsWith("leaky-relu("));
}

/** Records of unregistered user objects, computed once per object. */
const customRecords = new WeakMap<object, ActivationInfo>();

/**
 * The identity and capability record of an activation: its kind, kernel code, leaky-ReLU slope,
 * boundedness, whether a closed-form characteristic exists and its steady-state family. The one
 * lookup every solver uses instead of comparing names.
 * @param activation - a built-in, a registered or any other user activation
 * @returns the record (frozen)
 * @throws KineticError INVALID_ARGUMENT for a non-object, and for an object that is not the
 *   registered built-in but reuses a built-in name (`{ name: "tanh", sigma: … }`): such an object
 *   would take the built-in's closed forms and kernels without being it
 * @example
 * ```ts
 * activationInfo(tanh); // { kind: "tanh", bounded: true, closedFormCharacteristic: true, steadyState: "sech-power", … }
 * activationInfo(createLeakyRelu(0.2)).alpha; // 0.2
 * ```
 */
export function activationInfo(activation: Activation): ActivationInfo {
  if (typeof activation !== "object" || activation === null) throw invalidArgument("sigma", "an Activation object", activation);
  if (Object.hasOwn(activation, INFO)) return (activation as unknown as Record<typeof INFO, ActivationInfo>)[INFO];
  let info = customRecords.get(activation);
  if (info === undefined) {
    if (isBuiltinName(activation.name)) {
      throw invalidArgument(
        "sigma",
        `the built-in activation ${JSON.stringify(activation.name)} itself (getActivation(${JSON.stringify(activation.name)})), not a hand-built object with its name; register a user activation under a new name`,
        `an unregistered object named ${JSON.stringify(activation.name)}`,
      );
    }
    info = customInfo(activation);
    customRecords.set(activation, info);
  }
  return info;
}

function softplus(z: number): number {
  // log(1 + e^z) without overflow: max(z, 0) + log1p(e^{-|z|})
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

function logistic(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** σ(z) = z. */
export const identity: Activation = builtin("identity", {
  name: "identity",
  formula: "z",
  sigma: (z: number) => z,
  dsigma: (_z: number) => 1,
  d2sigma: (_z: number) => 0,
  properties: { zeroAtZero: true, positive: false, monotone: true, bounded: false, lipschitz: 1, smooth: true },
});

/**
 * σ(z) = tanh z. Evaluated by an inlinable table-driven form (within a few ulps of `Math.tanh`,
 * exactly odd) because `Math.tanh` is a runtime call that dominated the cost of tanh networks.
 */
export const tanh: Activation = builtin("tanh", {
  name: "tanh",
  formula: "tanh(z)",
  sigma: tanhFast,
  dsigma: (z: number) => {
    const t = tanhFast(z);
    return 1 - t * t;
  },
  d2sigma: (z: number) => {
    const t = tanhFast(z);
    return -2 * t * (1 - t * t);
  },
  properties: { zeroAtZero: true, positive: false, monotone: true, bounded: true, lipschitz: 1, smooth: true },
});

/** σ(z) = 1 / (1 + e^{-z}). */
export const sigmoid: Activation = builtin("sigmoid", {
  name: "sigmoid",
  formula: "1/(1+exp(-z))",
  sigma: logistic,
  dsigma: (z: number) => {
    const s = logistic(z);
    return s * (1 - s);
  },
  d2sigma: (z: number) => {
    const s = logistic(z);
    return s * (1 - s) * (1 - 2 * s);
  },
  properties: { zeroAtZero: false, positive: true, monotone: true, bounded: true, lipschitz: 0.25, smooth: true },
});

/** σ(z) = max(z, 0). */
export const relu: Activation = builtin("relu", {
  name: "relu",
  formula: "max(z,0)",
  sigma: (z: number) => (z < 0 ? 0 : z), // NaN propagates (a blow-up is never hidden as 0)
  dsigma: (z: number) => (z > 0 ? 1 : 0),
  d2sigma: (_z: number) => 0,
  properties: { zeroAtZero: true, positive: false, monotone: true, bounded: false, lipschitz: 1, smooth: false },
});

/**
 * Leaky ReLU σ(z) = z for z > 0, αz otherwise.
 * @param alpha - slope for z ≤ 0, in [0, 1)
 * @returns the activation, named `leaky-relu` (α = 0.01) or `leaky-relu(α)`
 * @throws KineticError INVALID_ARGUMENT when α is not in [0, 1)
 */
export function createLeakyRelu(alpha: number): Activation {
  requireFinite("alpha", alpha);
  if (alpha < 0 || alpha >= 1) throw invalidArgument("alpha", "a number in [0, 1)", alpha);
  return builtin(
    "leaky-relu",
    {
      name: alpha === 0.01 ? "leaky-relu" : `leaky-relu(${alpha})`,
      formula: `z>0 ? z : ${alpha}z`,
      sigma: (z: number) => (z < 0 ? alpha * z : z),
      dsigma: (z: number) => (z > 0 ? 1 : alpha),
      d2sigma: (_z: number) => 0,
      properties: { zeroAtZero: true, positive: false, monotone: true, bounded: false, lipschitz: 1, smooth: false },
      params: { alpha },
    },
    alpha,
  );
}

/** Leaky ReLU with α = 0.01. */
export const leakyRelu: Activation = createLeakyRelu(0.01);

/** σ(z) = log(1 + e^z). */
export const softplusActivation: Activation = builtin("softplus", {
  name: "softplus",
  formula: "log(1+exp(z))",
  sigma: softplus,
  dsigma: logistic,
  d2sigma: (z: number) => {
    const s = logistic(z);
    return s * (1 - s);
  },
  properties: { zeroAtZero: false, positive: true, monotone: true, bounded: false, lipschitz: 1, smooth: true },
});

const registry = new Map<string, Activation>();
for (const a of [identity, tanh, sigmoid, relu, leakyRelu, softplusActivation]) registry.set(a.name, a);

/** Names of the built-in activations. */
export const BUILTIN_ACTIVATIONS = ["identity", "tanh", "sigmoid", "relu", "leaky-relu", "softplus"] as const;

/** Name of a built-in activation. */
export type BuiltinActivationName = (typeof BUILTIN_ACTIVATIONS)[number];

/**
 * Register a user-defined activation so it can be referred to by name everywhere
 * (network parameters, configuration files, the CLI).
 * @param activation - the activation; `sigma`, `dsigma` and `d2sigma` must be functions
 * @param options - `replace: true` to overwrite an existing name (built-ins cannot be replaced)
 * @returns the registered activation
 * @throws KineticError INVALID_ARGUMENT for a bad definition or an existing name
 * @example
 * ```ts
 * registerActivation({ name: "cube", formula: "z^3", sigma: (z) => z ** 3, dsigma: (z) => 3 * z * z,
 *   d2sigma: (z) => 6 * z, properties: { zeroAtZero: true, positive: false, monotone: true,
 *   bounded: false, lipschitz: Infinity, smooth: true } });
 * ```
 */
export function registerActivation(activation: Activation, options: { readonly replace?: boolean } = {}): Activation {
  if (typeof activation !== "object" || activation === null) throw invalidArgument("activation", "an object", activation);
  if (typeof activation.name !== "string" || !/^[a-z][a-z0-9().-]*$/i.test(activation.name)) {
    throw invalidArgument("activation.name", "a name of letters, digits, '-', '.', '(' and ')'", activation.name);
  }
  for (const key of ["sigma", "dsigma", "d2sigma"] as const) {
    if (typeof activation[key] !== "function") throw invalidArgument(`activation.${key}`, "a function", activation[key]);
  }
  if (isBuiltinName(activation.name)) {
    throw invalidArgument("activation.name", "not the name of a built-in activation (nor leaky-relu(α))", activation.name);
  }
  if (registry.has(activation.name) && options.replace !== true) {
    throw invalidArgument("activation.name", "a name not yet registered (pass { replace: true } to overwrite)", activation.name);
  }
  const copy = { ...activation };
  const frozen = withInfo(copy, customInfo(copy));
  registry.set(activation.name, frozen);
  return frozen;
}

/**
 * Look up an activation by name. `leaky-relu(α)` creates a leaky ReLU with slope α.
 * @param name - a registered name
 * @returns the activation
 * @throws KineticError NOT_FOUND for an unknown name
 */
export function getActivation(name: string): Activation {
  const found = registry.get(name);
  if (found) return found;
  const m = /^leaky-relu\(([0-9.eE+-]+)\)$/.exec(name);
  if (m) return createLeakyRelu(Number(m[1]));
  throw new KineticError("NOT_FOUND", `unknown activation ${JSON.stringify(name)}; known: ${[...registry.keys()].join(", ")}`, {
    details: { name, known: [...registry.keys()] },
  });
}

/**
 * Resolve an activation given by name or object.
 * @param sigma - a name or an {@link Activation}
 * @returns the activation object
 * @throws KineticError NOT_FOUND for an unknown name; INVALID_ARGUMENT for anything else than a name
 *   or an activation, and for a hand-built object that reuses a built-in name (see {@link activationInfo})
 * @example
 * ```ts
 * resolveActivation("tanh") === tanh; // true
 * ```
 */
export function resolveActivation(sigma: string | Activation): Activation {
  if (typeof sigma === "string") return getActivation(sigma);
  if (typeof sigma === "object" && sigma !== null && typeof sigma.sigma === "function") {
    activationInfo(sigma); // refuses a hand-built object that reuses a built-in name
    return sigma;
  }
  throw invalidArgument("sigma", "an activation name or an Activation object", sigma);
}

/**
 * All registered activations (built-ins first).
 * @returns the activations in registration order
 */
export function listActivations(): Activation[] {
  return [...registry.values()];
}
