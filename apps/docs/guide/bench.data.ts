/**
 * Build-time data for "Performance against peers": the benchmark harness's JSON output
 * (`bench-results/bench.json` at the repository root, or the file named by `KN_BENCH_JSON`), or
 * `null` when it has not been run.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface PeerRow {
  impl: string;
  rate: number;
  /** Ours (one thread) / peer. */
  ratio: number;
  /** Ours / peer for every kinetic-nde configuration, keyed by its impl name. */
  ratios?: Record<string, number>;
  [k: string]: unknown;
}
export interface BenchRow {
  workload: string;
  rate_unit?: string;
  ours: { rate: number; rate_unit: string; [k: string]: unknown };
  /** Further kinetic-nde configurations (e.g. the Node worker pool "kinetic-nde-2t"). */
  variants?: { impl: string; rate: number; [k: string]: unknown }[];
  peers: PeerRow[];
}
export interface BenchData {
  date?: string;
  machine?: unknown;
  rows: BenchRow[];
}

declare const data: BenchData | null;
export { data };

// KN_BENCH_JSON points at another results file (e.g. to preview the page with a saved run).
const file = process.env["KN_BENCH_JSON"] ?? fileURLToPath(new URL("../../../bench-results/bench.json", import.meta.url));

// No `watch` list: the file lives outside the site, and globbing for it there is not worth it;
// restart the dev server after a new benchmark run.
export default {
  load(): BenchData | null {
    if (!existsSync(file)) return null;
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as BenchData;
      return Array.isArray(parsed.rows) ? parsed : null;
    } catch {
      return null;
    }
  },
};
