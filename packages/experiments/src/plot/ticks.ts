/** Tick values and labels shared by the axes and the colour bar of every figure. */

const SUPERSCRIPT: Readonly<Record<string, string>> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * A power of ten as `10⁻³` (`1` and `10` plain).
 * @param k - the exponent (an integer)
 * @returns the label
 * @example
 * ```ts
 * powerOfTenLabel(-3); // "10⁻³"
 * ```
 */
export function powerOfTenLabel(k: number): string {
  if (k === 0) return "1";
  if (k === 1) return "10";
  return "10" + String(k).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

/**
 * Round "nice" ticks (steps 1, 2 or 5 × 10^k) inside [lo, hi].
 * @param lo - lower end
 * @param hi - upper end (≥ lo)
 * @param target - about how many ticks (default 5)
 * @returns the tick values in increasing order and the step between them
 * @example
 * ```ts
 * niceTicks(0.13, 0.87).step; // 0.1
 * ```
 */
export function niceTicks(lo: number, hi: number, target = 5): { ticks: number[]; step: number } {
  if (!(hi > lo)) return { ticks: Number.isFinite(lo) ? [lo] : [], step: 1 };
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last; k++) ticks.push(k === 0 ? 0 : k * step);
  return { ticks, step };
}

/**
 * A short label for a linear tick: plain decimals for moderate magnitudes, `2·10⁻⁵` otherwise.
 * @param v - the tick value
 * @param step - the spacing of the ticks (sets the number of decimals)
 * @returns the label
 * @example
 * ```ts
 * linearTickLabel(0.25, 0.05); // "0.25"
 * ```
 */
export function linearTickLabel(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-12);
    const m = Number((v / 10 ** e).toPrecision(3));
    return m === 1 ? powerOfTenLabel(e) : m === -1 ? `−${powerOfTenLabel(e)}` : `${String(m).replace("-", "−")}·${powerOfTenLabel(e)}`;
  }
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals).replace("-", "−");
}

/**
 * The tick labels of a log axis over data in [lo, hi]: over two decades or more only powers of ten
 * are labelled (`10⁻³`; every n-th past `maxLabels` decades), the other ticks stay as unlabelled minor
 * ticks; over a narrower range the
 * 1, 2 and 5 multiples are labelled as plain numbers.
 * @param lo - smallest positive value on the axis
 * @param hi - largest value on the axis
 * @param maxLabels - at most about this many powers of ten get a label (default 12)
 * @returns a tick formatter (empty string: unlabelled tick)
 * @example
 * ```ts
 * logTickFormat(1e-4, 1)(1e-3); // "10⁻³"
 * logTickFormat(1e-4, 1)(2e-3); // ""
 * ```
 */
export function logTickFormat(lo: number, hi: number, maxLabels = 12): (d: number) => string {
  const wide = hi / lo >= 100;
  // Past `maxLabels` decades, every second (third, ...) power of ten so that labels never collide.
  const stride = Math.max(1, Math.ceil((Math.log10(hi) - Math.log10(lo)) / Math.max(1, maxLabels)));
  return (d: number): string => {
    if (!(d > 0)) return "";
    const e = Math.floor(Math.log10(d) + 1e-9);
    const m = Math.round(d / 10 ** e);
    if (Math.abs(d / 10 ** e - m) > 1e-6) return "";
    if (wide) return m === 1 && e % stride === 0 ? powerOfTenLabel(e) : "";
    if (m !== 1 && m !== 2 && m !== 5) return "";
    return e >= -3 && e <= 4 ? String(Number(d.toPrecision(6))) : m === 1 ? powerOfTenLabel(e) : `${m}·${powerOfTenLabel(e)}`;
  };
}

/**
 * The ticks of a log axis over [lo, hi]: every 1…9 multiple of each power of ten inside the range
 * (only the powers of ten past a dozen decades), for {@link logTickFormat} to label.
 * @param lo - smallest positive value on the axis
 * @param hi - largest value on the axis
 * @returns tick values in increasing order
 * @example
 * ```ts
 * logTicks(0.5, 3); // [0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3]
 * ```
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) return [];
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  const multiples = e1 - e0 > 12 ? [1] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const out: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of multiples) {
      // Division by a positive power keeps 0.3 exact where 3 × 10⁻¹ would not.
      const v = e < 0 ? m / 10 ** -e : m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}
