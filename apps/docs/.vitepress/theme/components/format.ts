/** Compact, readable numbers for tables: 4 significant digits, exponent form outside [1e-3, 1e5). */
export function fmt(v: unknown): string {
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(3).replace("e+", "e");
}

/** Rates with SI prefixes: 2.1e8 → "210 M", 5300 → "5.3 k". */
export function fmtRate(v: unknown): string {
  if (typeof v !== "number" || !Number.isFinite(v)) return fmt(v);
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [scale, prefix] of units) if (Math.abs(v) >= scale) return `${Number((v / scale).toPrecision(3))} ${prefix}`;
  return String(Number(v.toPrecision(3)));
}
