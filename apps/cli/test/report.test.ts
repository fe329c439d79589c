import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ExperimentResult, makeBoundCheck, makeCheck, makeNotApplicableCheck } from "@kinetic-nde/experiments";
import { afterAll, describe, expect, it } from "vitest";
import { type ReportInput, reportHtml, reportMarkdown } from "../src/report.js";

const dir = mkdtempSync(join(tmpdir(), "kinetic-nde-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function input(checks: ExperimentResult["checks"]): ReportInput {
  const result: ExperimentResult = { id: "demo", config: { w: -1 }, seed: 1, series: {}, summary: { x: 1 }, checks, figures: [] };
  return {
    entries: [{ id: "demo", title: "Demo", description: "A demo experiment.", result, seconds: 0.5 }],
    seed: 1,
    quick: true,
    notRun: [],
    interrupted: false,
    version: "0.0.0",
  };
}

const na = makeNotApplicableCheck("order", "upwind is first order", "T = 0.5 is too short to resolve the order");
const pass = makeCheck("mean", "the mean is 1", 1.001, 1, 0.01);
const fail = makeBoundCheck("mass", "mass defect below 1e-12", 1e-9, 1e-12);

describe("the reproduction report: not-applicable checks", () => {
  it("Markdown: a not-applicable check reads n/a with its reason, no NaN, counted separately", () => {
    const md = reportMarkdown(input([pass, na]));
    expect(md).toContain("n/a — T = 0.5 is too short to resolve the order");
    expect(md).not.toContain("NaN");
    expect(md).toContain("- checks: 1 passed, 0 failed, 1 not applicable");
    expect(md).toContain("| [demo](#demo) | 1/1 (1 n/a) | pass |");
    const row = md.split("\n").find((l) => l.startsWith("| order |"))!;
    expect(row).toContain("| – | – | – |");
    expect(row).not.toContain("pass");
  });

  it("Markdown: a failed check still fails the experiment next to a not-applicable one", () => {
    const md = reportMarkdown(input([pass, na, fail]));
    expect(md).toContain("- checks: 1 passed, 1 failed, 1 not applicable");
    expect(md).toContain("| [demo](#demo) | 1/2 (1 n/a) | FAIL |");
    expect(md).toContain("**FAIL**");
  });

  it("HTML: n/a with its reason in its own style, counted separately, no NaN", () => {
    const html = reportHtml(input([pass, na, fail]), dir);
    expect(html).toContain('<td class="na">n/a — T = 0.5 is too short to resolve the order</td>');
    expect(html).toContain('<span class="na">1 not applicable</span>');
    expect(html).toContain("<td>1/2 (1 n/a)</td>");
    expect(html).not.toContain("NaN");
    expect(html).toContain('<td class="fail">FAIL</td>');
  });

  it("a report without not-applicable checks counts zero of them", () => {
    const md = reportMarkdown(input([pass]));
    expect(md).toContain("- checks: 1 passed, 0 failed, 0 not applicable");
    expect(md).toContain("| [demo](#demo) | 1/1 | pass |");
  });
});
