/** The reproduction report: one Markdown and one self-contained HTML file. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Check, type ExperimentResult, checkFailed } from "@kinetic-nde/experiments";
import type { WrittenFiles } from "./results.js";

/** One experiment's entry in the report. */
export interface ReportEntry {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly result?: ExperimentResult;
  readonly files?: WrittenFiles;
  /** Error message when the run failed. */
  readonly error?: string;
  readonly seconds?: number;
}

/** The whole report. */
export interface ReportInput {
  readonly entries: readonly ReportEntry[];
  readonly seed: number;
  readonly quick: boolean;
  /** Ids that were requested but not run (interrupted). */
  readonly notRun: readonly string[];
  readonly interrupted: boolean;
  readonly version: string;
  /** The run has not finished (the report is rewritten after every experiment). */
  readonly inProgress?: boolean;
  /** The signal that interrupted the run, if any. */
  readonly signal?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function mdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function fmtDigits(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

function fmt(v: number | string | boolean): string {
  if (typeof v !== "number") return String(v);
  return fmtDigits(v, 6);
}

/**
 * Observed and expected values of a check with as many significant digits as it takes for two
 * different numbers to print differently (6 at least, 17 at most).
 */
function fmtPair(observed: number, expected: number): [string, string] {
  for (let digits = 6; digits < 17; digits++) {
    const a = fmtDigits(observed, digits),
      b = fmtDigits(expected, digits);
    if (a !== b || observed === expected) return [a, b];
  }
  return [fmtDigits(observed, 17), fmtDigits(expected, 17)];
}

/** Banner of a report that is not complete, or undefined for a complete one. */
function partialNote(input: ReportInput): string | undefined {
  const by = input.signal !== undefined ? `${input.signal === "SIGINT" ? "Ctrl-C / SIGINT" : input.signal}` : "Ctrl-C";
  if (input.inProgress === true)
    return `**Partial**: the run had not finished when this report was written${input.interrupted ? ` (interrupted by ${by})` : ""}; the experiments listed as not run have no results.`;
  if (input.interrupted) return `**Interrupted** (${by}): this report is partial; the experiments listed as not run were skipped.`;
  return undefined;
}

/** A check outside its regime at the run's settings: neither evidence for nor against the claim. */
function notApplicable(c: Check): boolean {
  return c.status === "not-applicable";
}

/** The outcome of a check as the report prints it: "pass", "FAIL" or "n/a — <reason>". */
function outcomeText(c: Check): string {
  if (notApplicable(c)) return `n/a — ${c.reason ?? "outside the claim's regime at these settings"}`;
  return checkFailed(c) ? "FAIL" : "pass";
}

/** Checks of one result: passed, failed and not applicable. */
function checkCounts(checks: readonly Check[]): { passed: number; failed: number; na: number } {
  let passed = 0,
    failed = 0,
    na = 0;
  for (const c of checks) {
    if (notApplicable(c)) na++;
    else if (checkFailed(c)) failed++;
    else passed++;
  }
  return { passed, failed, na };
}

function counts(input: ReportInput): { passed: number; failed: number; na: number; errors: number } {
  let passed = 0,
    failed = 0,
    na = 0,
    errors = 0;
  for (const e of input.entries) {
    if (e.error !== undefined) errors++;
    const k = checkCounts(e.result?.checks ?? []);
    passed += k.passed;
    failed += k.failed;
    na += k.na;
  }
  return { passed, failed, na, errors };
}

/** "3/4 (1 n/a)": passed of the applicable checks, and the not-applicable ones. */
function checksCell(checks: readonly Check[]): string {
  const k = checkCounts(checks);
  return `${k.passed}/${k.passed + k.failed}${k.na > 0 ? ` (${k.na} n/a)` : ""}`;
}

/** Observed, expected and tolerance as printed, or dashes for a not-applicable check (never NaN). */
function checkValues(c: Check): [string, string, string] {
  if (notApplicable(c)) return ["–", "–", "–"];
  const [o, x] = fmtPair(c.observed, c.expected);
  return [o, x, fmt(c.tolerance)];
}

/** Render the Markdown report (figures referenced by relative path). */
export function reportMarkdown(input: ReportInput): string {
  const c = counts(input);
  const L: string[] = [];
  L.push(`# kinetic-nde reproduction report`, "");
  L.push(`- kinetic-nde ${input.version}; seed ${input.seed}; preset ${input.quick ? "quick" : "default"}`);
  L.push(`- experiments run: ${input.entries.length}${input.notRun.length > 0 ? `; not run: ${input.notRun.join(", ")}` : ""}`);
  L.push(
    `- checks: ${c.passed} passed, ${c.failed} failed, ${c.na} not applicable (outside the claim's regime at these settings)${c.errors > 0 ? `; ${c.errors} experiment(s) raised an error` : ""}`,
  );
  const note = partialNote(input);
  if (note !== undefined) L.push("", `> ${note}`);
  L.push("", "| experiment | checks | outcome |", "|---|---|---|");
  for (const e of input.entries) {
    const checks = e.result?.checks ?? [];
    const failed = checkCounts(checks).failed;
    L.push(`| [${e.id}](#${e.id}) | ${checksCell(checks)} | ${e.error !== undefined ? "error" : failed === 0 ? "pass" : "FAIL"} |`);
  }
  for (const id of input.notRun) L.push(`| ${id} | – | not run |`);
  for (const e of input.entries) {
    L.push("", `## ${e.id}`, "", `**${e.title}**${e.seconds !== undefined ? ` (${e.seconds.toFixed(1)} s)` : ""}`, "", e.description, "");
    if (e.error !== undefined) {
      L.push("```", e.error, "```");
      continue;
    }
    const r = e.result!;
    L.push("### Configuration", "", "```json", JSON.stringify(r.config, null, 2), "```", "");
    L.push("### Summary", "", "| quantity | value |", "|---|---|");
    for (const [k, v] of Object.entries(r.summary)) L.push(`| ${mdCell(k)} | ${mdCell(fmt(v))} |`);
    L.push("", "### Checks", "", "| check | claim | observed | expected | tolerance | outcome |", "|---|---|---|---|---|---|");
    for (const ch of r.checks) {
      const [o, x, t] = checkValues(ch);
      const out = outcomeText(ch);
      L.push(`| ${mdCell(ch.name)} | ${mdCell(ch.claim)} | ${o} | ${x} | ${t} | ${mdCell(out === "FAIL" ? "**FAIL**" : out)} |`);
    }
    L.push("", "### Figures", "");
    for (const f of e.files?.figures ?? []) {
      L.push(`![${f.title}](${e.id}/${f.png ?? f.svg})`, "");
      if (f.caption !== undefined) L.push(`*${f.caption}*`, "");
    }
    L.push(`Data: ${(e.files?.data ?? []).map((d) => `[${d}](${e.id}/${d})`).join(", ")}`);
  }
  return L.join("\n") + "\n";
}

/** Render the self-contained HTML report (SVG figures inlined). */
export function reportHtml(input: ReportInput, outDir: string): string {
  const c = counts(input);
  const H: string[] = [];
  H.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kinetic-nde reproduction report</title>`);
  H.push(`<meta name="viewport" content="width=device-width, initial-scale=1">`);
  H.push(`<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.pass{color:#0a7a2f;font-weight:600}.na{color:#555;font-style:italic}.fail{color:#b00020;font-weight:700}figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#555}pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:.85rem}.banner{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem}
</style></head><body>`);
  H.push(`<h1>kinetic-nde reproduction report</h1>`);
  H.push(
    `<p>kinetic-nde ${esc(input.version)}; seed ${input.seed}; preset ${input.quick ? "quick" : "default"}. Checks: <span class="pass">${c.passed} passed</span>, <span class="${c.failed > 0 ? "fail" : ""}">${c.failed} failed</span>, <span class="na">${c.na} not applicable</span> (outside the claim's regime at these settings)${c.errors > 0 ? `; <span class="fail">${c.errors} experiment(s) raised an error</span>` : ""}.</p>`,
  );
  const note = partialNote(input);
  if (note !== undefined)
    H.push(
      `<p class="banner">${esc(note).replace(/\*\*([^*]+)\*\*/, "<strong>$1</strong>")} Not run: ${esc(input.notRun.join(", ") || "none")}.</p>`,
    );
  H.push(`<table><tr><th>experiment</th><th>checks</th><th>outcome</th></tr>`);
  for (const e of input.entries) {
    const checks = e.result?.checks ?? [];
    const outcome =
      e.error !== undefined
        ? `<span class="fail">error</span>`
        : checkCounts(checks).failed === 0
          ? `<span class="pass">pass</span>`
          : `<span class="fail">FAIL</span>`;
    H.push(`<tr><td><a href="#${e.id}">${e.id}</a></td><td>${esc(checksCell(checks))}</td><td>${outcome}</td></tr>`);
  }
  for (const id of input.notRun) H.push(`<tr><td>${esc(id)}</td><td>–</td><td>not run</td></tr>`);
  H.push(`</table>`);
  for (const e of input.entries) {
    H.push(
      `<h2 id="${e.id}">${esc(e.id)}: ${esc(e.title)}</h2><p>${esc(e.description)}${e.seconds !== undefined ? ` <em>(${e.seconds.toFixed(1)} s)</em>` : ""}</p>`,
    );
    if (e.error !== undefined) {
      H.push(`<pre class="fail">${esc(e.error)}</pre>`);
      continue;
    }
    const r = e.result!;
    H.push(`<h3>Summary</h3><table><tr><th>quantity</th><th>value</th></tr>`);
    for (const [k, v] of Object.entries(r.summary)) H.push(`<tr><td>${esc(k)}</td><td>${esc(fmt(v))}</td></tr>`);
    H.push(
      `</table><h3>Checks</h3><table><tr><th>check</th><th>claim</th><th>observed</th><th>expected</th><th>tolerance</th><th>outcome</th></tr>`,
    );
    for (const ch of r.checks) {
      const [o, x, t] = checkValues(ch);
      const cls = notApplicable(ch) ? "na" : checkFailed(ch) ? "fail" : "pass";
      H.push(
        `<tr><td>${esc(ch.name)}</td><td>${esc(ch.claim)}</td><td>${o}</td><td>${x}</td><td>${t}</td><td class="${cls}">${esc(outcomeText(ch))}</td></tr>`,
      );
    }
    H.push(`</table><h3>Figures</h3>`);
    for (const f of e.files?.figures ?? []) {
      let svg = "";
      try {
        svg = readFileSync(join(outDir, e.id, f.svg), "utf8")
          .replace(/<clipPath id="plot">/, `<clipPath id="plot-${e.id}-${f.id}">`)
          .replace(/url\(#plot\)/, `url(#plot-${e.id}-${f.id})`);
      } catch {
        svg = `<p>figure file missing</p>`;
      }
      H.push(`<figure>${svg}${f.caption !== undefined ? `<figcaption>${esc(f.caption)}</figcaption>` : ""}</figure>`);
    }
    H.push(`<h3>Configuration</h3><pre>${esc(JSON.stringify(r.config, null, 2))}</pre>`);
    H.push(`<p>Data: ${(e.files?.data ?? []).map((d) => `<a href="${e.id}/${d}">${esc(d)}</a>`).join(", ")}</p>`);
  }
  H.push(`</body></html>`);
  return H.join("\n") + "\n";
}
