/**
 * Build-time data for "How we know it is right": runs every experiment of the catalogue (quick
 * preset, seed 1) in a child Node process on the packages' TypeScript source, and collects the
 * checks and the full `convergence` result. Nothing on the page is typed by hand.
 *
 * Environment: `KN_VERIFY=off` skips the runs (fast local previews); `KN_VERIFY_BUDGET` is the
 * time budget in seconds (default 240); experiments not finished by then are reported as timed out.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CATALOGUE } from "../.vitepress/catalogue";

export interface CheckRecord {
  name: string;
  claim: string;
  observed: number | string;
  expected: number | string;
  tolerance: number | string;
  passed: boolean;
  /** "not-applicable": outside the claim's regime at these settings (`passed` is then true but nothing was tested). */
  status?: "pass" | "fail" | "not-applicable";
  /** Why a not-applicable check was not tested. */
  reason?: string;
  message: string;
}

export interface ExperimentRecord {
  id: string;
  title: string;
  status: "ok" | "failed" | "missing" | "timeout" | "skipped";
  seconds?: number;
  quick?: boolean;
  checks?: CheckRecord[];
  summary?: Record<string, unknown>;
  config?: Record<string, unknown>;
  result?: unknown;
  error?: string;
}

export interface VerificationData {
  generatedAt: string;
  node: string;
  experiments: ExperimentRecord[];
}

declare const data: VerificationData;
export { data };

const appRoot = fileURLToPath(new URL("../", import.meta.url));
const script = fileURLToPath(new URL("../scripts/verify.ts", import.meta.url));

/** Runs the experiments in one child process; resolves with every record printed before the budget ran out. */
function runAll(ids: readonly string[], budgetMs: number): Promise<{ records: Map<string, Partial<ExperimentRecord>>; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", script, ...ids], {
      cwd: appRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const records = new Map<string, Partial<ExperimentRecord>>();
    let buffer = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, budgetMs);
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as Partial<ExperimentRecord>;
          if (typeof rec.id === "string") records.set(rec.id, rec);
        } catch {
          // not a record (stray output): ignore
        }
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ records, stderr, timedOut });
    });
  });
}

export default {
  async load(): Promise<VerificationData> {
    const skip = process.env["KN_VERIFY"] === "off";
    const budgetMs = Number(process.env["KN_VERIFY_BUDGET"] ?? 240) * 1000;
    // The convergence study first: it is the page's centrepiece.
    const ids = [...CATALOGUE.map((e) => e.id)].sort((a, b) => Number(b === "convergence") - Number(a === "convergence"));
    const { records, stderr, timedOut } = skip
      ? { records: new Map<string, Partial<ExperimentRecord>>(), stderr: "", timedOut: false }
      : await runAll(ids, budgetMs);
    const crash = stderr.split("\n").find((l) => /error/i.test(l))?.slice(0, 300);
    const experiments: ExperimentRecord[] = CATALOGUE.map((entry) => {
      const rec = records.get(entry.id);
      if (rec === undefined) {
        if (skip) return { id: entry.id, title: entry.title, status: "skipped" };
        return {
          id: entry.id,
          title: entry.title,
          status: timedOut ? "timeout" : "failed",
          ...(timedOut ? {} : { error: crash ?? "the run ended without a result" }),
        };
      }
      return { ...rec, id: entry.id, title: rec.title ?? entry.title, status: rec.status ?? "failed" } as ExperimentRecord;
    });
    return { generatedAt: new Date().toISOString(), node: process.version, experiments };
  },
};
