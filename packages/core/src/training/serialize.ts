/**
 * Save and load trained models as JSON (activation by name, a schema version, validated on load).
 * @packageDocumentation
 */
import { KineticError } from "../errors.js";
import { createNetwork } from "../network.js";
import { invalidArgument, requireOneOf } from "../validate.js";
import { checkAugment, type TrainedModel } from "./gradient.js";
import { TRAINING_SCHEMES } from "./kernel.js";
import { type LossSpec, type Readout, resolveLoss, checkReadout, readoutOut } from "./losses.js";

/**
 * Newest version of the JSON model format: {@link saveModel} writes 2 for an augmented model (the
 * `augment` field) and 1 otherwise, so that readers of version 1, which would ignore `augment`, refuse
 * augmented models instead of misreading them; {@link loadModel} reads both.
 */
export const MODEL_SCHEMA_VERSION = 2;

/** The JSON document of a saved model (version 1, or 2 with augmentation). */
export interface ModelJson {
  /** Format version: 2 when `augment` is present, else 1. */
  readonly schemaVersion: 1 | 2;
  /** Always `"kinetic-nde/resnet"`. */
  readonly kind: "kinetic-nde/resnet";
  /** Registered activation name, e.g. `"tanh"` or `"leaky-relu(0.1)"`. */
  readonly sigma: string;
  /** Dimension d (the state dimension: data features + augment). */
  readonly d: number;
  /** Augmentation k ≥ 1 (version 2 only): inputs have d - k features, padded with k zeros. */
  readonly augment?: number;
  /** Number of layers L. */
  readonly nLayers: number;
  /** Layer step Δt. */
  readonly dt: number;
  /** Scheme of each layer. */
  readonly scheme: string;
  /** Weights, L·d·d numbers, row-major per layer. */
  readonly W: number[];
  /** Biases, L·d numbers. */
  readonly b: number[];
  /** Read-out of a classification loss. */
  readonly readout?: { readonly nOut: number; readonly weights: number[]; readonly bias: number[] };
  /** The loss the model was trained with. */
  readonly loss?: { readonly kind: string; readonly projection?: number[]; readonly nClasses?: number; readonly classTargets?: number[] };
}

function lossJson(loss: LossSpec): NonNullable<ModelJson["loss"]> {
  switch (loss.kind) {
    case "mse":
      return loss.projection ? { kind: "mse", projection: Array.from(loss.projection) } : { kind: "mse" };
    case "logistic":
      return { kind: "logistic" };
    case "softmax":
      return { kind: "softmax", nClasses: loss.nClasses };
    case "class-targets":
      return { kind: "class-targets", classTargets: Array.from(loss.classTargets) };
  }
}

/**
 * Serialise a model (parameters, read-out, scheme and loss) to a JSON string.
 * @param model - a trained model (e.g. `{ ...trainResult, scheme, loss }`)
 * @returns JSON text with `schemaVersion` 1 (2 for an augmented model); numbers round-trip exactly
 * @throws KineticError INVALID_ARGUMENT when the activation has no registered name (a user
 *   activation must be registered with `registerActivation` to be saved and loaded), or the model is malformed
 * @remarks Noise models of the stochastic ResNet are not saved. Cost O(number of parameters).
 * @example
 * ```ts
 * const text = saveModel({ params: res.params, readout: res.readout, loss: { kind: "logistic" } });
 * const back = loadModel(text);
 * ```
 */
export function saveModel(model: TrainedModel): string {
  if (typeof model !== "object" || model === null || typeof model.params !== "object" || model.params === null) {
    throw invalidArgument("model", "an object with params", model);
  }
  const p = model.params;
  if (typeof p.sigma?.name !== "string") throw invalidArgument("model.params.sigma", "an activation with a name", p.sigma);
  let registered = false;
  try {
    createNetwork({ sigma: p.sigma.name, d: 1, W: [0], b: [0], dt: 1 });
    registered = true;
  } catch {
    registered = false;
  }
  if (!registered) throw invalidArgument("model.params.sigma", "a registered activation (call registerActivation first)", p.sigma.name);
  const scheme = requireOneOf(
    "model.scheme",
    model.scheme ?? "euler",
    TRAINING_SCHEMES.map((s) => s.name),
  );
  const augment = checkAugment("model.augment", model.augment, p.d);
  const json: ModelJson = {
    schemaVersion: augment > 0 ? 2 : 1,
    kind: "kinetic-nde/resnet",
    sigma: p.sigma.name,
    d: p.d,
    ...(augment > 0 ? { augment } : {}),
    nLayers: p.nLayers,
    dt: p.dt,
    scheme,
    W: Array.from(p.W),
    b: Array.from(p.b),
    ...(model.readout !== undefined
      ? { readout: { nOut: model.readout.nOut, weights: Array.from(model.readout.weights), bias: Array.from(model.readout.bias) } }
      : {}),
    ...(model.loss !== undefined ? { loss: lossJson(model.loss) } : {}),
  };
  return JSON.stringify(json);
}

function field<T>(obj: Record<string, unknown>, name: string, check: (v: unknown) => v is T, rule: string): T {
  const v = obj[name];
  if (!check(v)) throw invalidArgument(`model.${name}`, rule, v);
  return v;
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

/**
 * Load a model saved by {@link saveModel} and validate every field.
 * @param json - JSON text or an already parsed object
 * @returns the model: validated network parameters (fresh buffers), read-out, scheme and loss
 * @throws KineticError PARSE_ERROR (not JSON / not an object), UNSUPPORTED (unknown schemaVersion
 *   or kind), INVALID_ARGUMENT / SHAPE_MISMATCH (bad fields), NOT_FOUND (unknown activation name)
 * @remarks The activation is looked up by name in the registry; user activations must be registered
 * before loading. Cost O(number of parameters).
 * @example
 * ```ts
 * const model = loadModel(text);
 * const { classes } = predict(model, xTest);
 * ```
 */
export function loadModel(json: string | object): TrainedModel {
  let obj: unknown = json;
  if (typeof json === "string") {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new KineticError("PARSE_ERROR", `model JSON could not be parsed: ${(e as Error).message}`, { cause: e });
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new KineticError("PARSE_ERROR", "model JSON must be an object");
  const o = obj as Record<string, unknown>;
  const version = o["schemaVersion"];
  if (version !== 1 && version !== 2) {
    throw new KineticError(
      "UNSUPPORTED",
      `model schemaVersion ${JSON.stringify(version)} is not supported (this version reads 1 to ${MODEL_SCHEMA_VERSION})`,
      {
        details: { schemaVersion: o["schemaVersion"] },
      },
    );
  }
  if (o["kind"] !== "kinetic-nde/resnet")
    throw new KineticError("UNSUPPORTED", `model kind ${JSON.stringify(o["kind"])} is not supported; expected "kinetic-nde/resnet"`);
  const sigma = field(o, "sigma", (v): v is string => typeof v === "string", "an activation name");
  const d = field(o, "d", (v): v is number => typeof v === "number", "a positive integer");
  const nLayers = field(o, "nLayers", (v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1, "a positive integer");
  const dt = field(o, "dt", (v): v is number => typeof v === "number", "a positive number");
  const W = field(o, "W", isNumberArray, "an array of numbers");
  const b = field(o, "b", isNumberArray, "an array of numbers");
  const params = createNetwork({ sigma, d, W, b, dt });
  if (params.nLayers !== nLayers)
    throw new KineticError("SHAPE_MISMATCH", `shape mismatch: \`model.W\` must have nLayers = ${nLayers} layers; got ${params.nLayers}`);
  const scheme = requireOneOf(
    "model.scheme",
    o["scheme"] ?? "euler",
    TRAINING_SCHEMES.map((s) => s.name),
  );
  if (version === 1 && o["augment"] !== undefined)
    throw invalidArgument("model.augment", "absent in schemaVersion 1 (augmented models are version 2)", o["augment"]);
  if (version === 2 && o["augment"] === undefined)
    throw invalidArgument("model.augment", "given in schemaVersion 2 (an integer ≥ 1)", undefined);
  const augment = checkAugment("model.augment", o["augment"], params.d);
  if (version === 2 && augment < 1) throw invalidArgument("model.augment", "an integer ≥ 1 in schemaVersion 2", augment);
  let loss: LossSpec | undefined;
  if (o["loss"] !== undefined) loss = resolveLoss(o["loss"] as LossSpec, d);
  let readout: Readout | undefined;
  if (o["readout"] !== undefined) {
    const r = o["readout"] as Record<string, unknown>;
    if (typeof r !== "object" || r === null) throw invalidArgument("model.readout", "an object", r);
    const spec: LossSpec = loss ?? (r["nOut"] === 1 ? { kind: "logistic" } : { kind: "softmax", nClasses: Number(r["nOut"]) });
    if (readoutOut(spec) === 0) throw invalidArgument("model.readout", `absent for the ${spec.kind} loss`, r);
    readout = checkReadout(r as unknown as Readout, spec, d);
    if (loss === undefined) loss = spec;
  }
  return {
    params,
    scheme,
    ...(readout !== undefined ? { readout } : {}),
    ...(loss !== undefined ? { loss } : {}),
    ...(augment > 0 ? { augment } : {}),
  };
}
