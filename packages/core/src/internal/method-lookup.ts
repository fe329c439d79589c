import { KineticError } from "../errors.js";

/**
 * The entry named `name` of a method registry whose names are `known`; NOT_FOUND naming the kind of
 * method (`"ODE"`, `"SDE"`) and the known names otherwise. @internal
 */
export function lookupMethod<M extends { readonly name: string }>(
  registry: readonly M[],
  known: readonly string[],
  name: string,
  kind: string,
): M {
  const m = registry.find((x) => x.name === name);
  if (!m) {
    throw new KineticError("NOT_FOUND", `unknown ${kind} method ${JSON.stringify(name)}; known: ${known.join(", ")}`, {
      details: { name, known },
    });
  }
  return m;
}
