/** Kolmogorov–Smirnov statistic D = sup |F_n - F| of a sample against a CDF. */
export function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The asymptotic 1% critical value of D for n draws. */
export function ksCritical1Percent(n: number): number {
  return 1.63 / Math.sqrt(n);
}

/** Sample mean, variance (divisor n) and the standard error of the variance estimate. */
export function moments(x: Float64Array): { mean: number; variance: number; varianceSE: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const t = (x[i]! - m) ** 2;
    m2 += t;
    m4 += t * t;
  }
  m2 /= n;
  m4 /= n;
  return { mean: m, variance: m2, varianceSE: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}
