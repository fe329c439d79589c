/**
 * Runs experiments of the catalogue (quick preset, seed 1), one after the other, and prints one
 * JSON line per experiment as soon as it finishes:
 * `{ id, status, seconds, title?, checks?, summary?, result?, error? }`.
 * Used at build time by `guide/verification.data.ts`; run with
 * `node --conditions=source --import tsx scripts/verify-one.ts <id>... [--full]`.
 */
import * as experiments from "@kinetic-nde/experiments";

const api = experiments as unknown as Record<string, unknown>;
const ids = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const full = process.argv.includes("--full");

function out(record: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(record) + "\n");
}

async function runOne(id: string): Promise<void> {
  const getExperiment = api["getExperiment"] as ((id: string) => { title: string }) | undefined;
  const runExperiment = api["runExperiment"] as
    | ((id: string, o: Record<string, unknown>, opts: { seed: number; quick: boolean }) => Promise<Record<string, unknown>>)
    | undefined;
  const toPlainJson = (api["toPlainJson"] as ((r: unknown) => unknown) | undefined) ?? ((r: unknown) => r);
  let title: string;
  try {
    if (getExperiment === undefined || runExperiment === undefined) throw new Error("no registry");
    title = getExperiment(id).title;
  } catch {
    out({ id, status: "missing" });
    return;
  }
  const t0 = performance.now();
  try {
    const result = (await runExperiment(id, {}, { seed: 1, quick: !full })) as {
      checks: unknown[];
      summary: unknown;
      config: unknown;
    };
    const seconds = (performance.now() - t0) / 1000;
    out({
      id,
      title,
      status: "ok",
      seconds,
      quick: !full,
      config: toPlainJson(result.config),
      checks: toPlainJson(result.checks),
      summary: toPlainJson(result.summary),
      ...(id === "convergence" ? { result: toPlainJson(result) } : {}),
    });
  } catch (e) {
    out({ id, title, status: "failed", seconds: (performance.now() - t0) / 1000, error: String((e as Error)?.message ?? e) });
  }
}

for (const id of ids) await runOne(id);
