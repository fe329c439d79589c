/**
 * Live-page controls that several experiments offer with the same key, label and range: one record
 * each. An experiment whose range differs writes its own control.
 * @packageDocumentation
 */
import { BUILTIN_ACTIVATIONS } from "@kinetic-nde/core";
import type { ControlSpec } from "../types.js";

/** The shared controls: activation σ (every built-in), weight w, bias b and final time T. */
export const CONTROLS = {
  sigma: { key: "sigma", label: "activation σ", kind: "select", options: BUILTIN_ACTIVATIONS },
  w: { key: "w", label: "weight w", kind: "range", min: -3, max: 1, step: 0.1 },
  b: { key: "b", label: "bias b", kind: "range", min: -2, max: 2, step: 0.1 },
  T: { key: "T", label: "final time T", kind: "range", min: 0.5, max: 10, step: 0.5 },
} as const satisfies Record<string, ControlSpec>;
