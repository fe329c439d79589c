/**
 * Prints, as one JSON line, every method registry the packages export: any exported array (or
 * record) of objects with a string `name` and a numeric `order` (STYLE: every method declares
 * `{ name, order, adaptive, stochastic }`). Used at build time by `guide/methods.data.ts`; run with
 * `node --conditions=source --import tsx scripts/methods.ts`.
 */
import type { MethodRow } from "../guide/methods.data.js";

const PACKAGES = ["core", "datasets", "mean-field", "fokker-planck", "moments"] as const;

function isMethod(v: unknown): v is { name: string; order: number } & Record<string, unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { name?: unknown }).name === "string" &&
    typeof (v as { order?: unknown }).order === "number"
  );
}

const rows: MethodRow[] = [];
const errors: Record<string, string> = {};
for (const pkg of PACKAGES) {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(`@kinetic-nde/${pkg}`)) as Record<string, unknown>;
  } catch (e) {
    errors[pkg] = String((e as Error).message).split("\n")[0] ?? "import failed";
    continue;
  }
  for (const [registry, value] of Object.entries(mod)) {
    const items = Array.isArray(value)
      ? value
      : typeof value === "object" && value !== null && !ArrayBuffer.isView(value)
        ? Object.values(value)
        : [];
    const methods = items.filter(isMethod);
    if (methods.length === 0 || methods.length !== items.length) continue;
    for (const m of methods) {
      const extra: Record<string, string | number | boolean> = {};
      for (const [k, v] of Object.entries(m)) {
        if (["name", "order", "adaptive", "stochastic", "description"].includes(k)) continue;
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") extra[k] = v;
      }
      rows.push({
        pkg,
        registry,
        name: m.name,
        order: m.order,
        ...(typeof m["adaptive"] === "boolean" ? { adaptive: m["adaptive"] } : {}),
        ...(typeof m["stochastic"] === "boolean" ? { stochastic: m["stochastic"] } : {}),
        ...(typeof m["description"] === "string" ? { description: m["description"] } : {}),
        extra,
      });
    }
  }
}
process.stdout.write(JSON.stringify({ rows, errors }) + "\n");
