/** Reading the self-checks of a result: status per check and one summary line for the reader. */
import type { Check } from "@kinetic-nde/experiments";

/** Status of a check ("pass", "fail" or "not-applicable"); results without `status` fall back to `passed`. */
export type CheckStatus = "pass" | "fail" | "not-applicable";

/** The status of one check (older results carry only `passed`). */
export function checkStatus(c: Check): CheckStatus {
  return c.status ?? (c.passed ? "pass" : "fail");
}

/** Counts per status and a sentence: "5 of 6 checks passed; 1 is outside its regime at these settings." */
export function checkSummary(checks: readonly Check[]): { pass: number; fail: number; notApplicable: number; text: string } {
  let pass = 0;
  let fail = 0;
  let notApplicable = 0;
  for (const c of checks) {
    const s = checkStatus(c);
    if (s === "pass") pass += 1;
    else if (s === "fail") fail += 1;
    else notApplicable += 1;
  }
  const tested = pass + fail;
  const parts = [`${pass} of ${tested} ${tested === 1 ? "check" : "checks"} passed`];
  if (fail > 0) parts.push(`${fail} failed`);
  if (notApplicable > 0)
    parts.push(
      `${notApplicable} ${notApplicable === 1 ? "is" : "are"} outside ${notApplicable === 1 ? "its" : "their"} regime at these settings and not tested`,
    );
  return { pass, fail, notApplicable, text: `${parts.join("; ")}.` };
}
