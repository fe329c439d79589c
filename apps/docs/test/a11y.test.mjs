/**
 * Accessibility test of the built site: axe-core (injected into Chromium) on the home page, a guide
 * with formulas, an API page and a live experiment page (after its run has finished), each in the
 * light and the dark appearance. Fails on any violation of impact "serious" or "critical", listing
 * the rule, the elements and axe's summary.
 * Run: `node test/a11y.test.mjs` (needs `docs:build`); `KN_A11Y_PAGES=<regexp>` restricts the pages.
 *
 * Observable Plot puts `aria-label` on `<g>`/`<rect>` marks without a role; the renderer gives them
 * one, so this test fails on them too. `KN_A11Y_FIGURES=lenient` reports such marks without failing
 * (for a figure renderer under repair). Every other serious or critical violation fails.
 */
import { createRequire } from "node:module";
import { assert, reporter, startSite, waitForExperiment } from "./browser.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const FIGURES_STRICT = process.env.KN_A11Y_FIGURES !== "lenient";
const PAGES = ["/", "/guide/mean-field", "/api/core", "/experiments/moments-linear"].filter((p) => new RegExp(process.env.KN_A11Y_PAGES ?? ".").test(p));

const site = await startSite();
const { test, finish } = reporter();

for (const appearance of ["light", "dark"]) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: appearance });
  await context.addInitScript((a) => localStorage.setItem("vitepress-theme-appearance", a), appearance);
  for (const path of PAGES) {
    await test(`axe: no serious or critical violation on ${path} (${appearance})`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(site.origin + path, { waitUntil: "load" });
        const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
        assert(dark === (appearance === "dark"), `the page is not in the ${appearance} appearance`);
        if (path.startsWith("/experiments/") && path !== "/experiments/") {
          const state = await waitForExperiment(page);
          assert(state === "done", `the live experiment did not finish: ${state}`);
        }
        await page.waitForTimeout(500); // client-only components, fonts
        await page.addScriptTag({ path: axePath });
        const { violations, figureMarks } = await page.evaluate(async (strict) => {
          const r = await window.axe.run(document, { resultTypes: ["violations"], elementRef: true });
          /** An ARIA attribute on a mark inside a plot's SVG (Observable Plot's markup). */
          const plotMark = (v, n) => !strict && v.id === "aria-prohibited-attr" && n.element?.closest?.('svg[class^="plot-"], .kn-plot svg') != null;
          const serious = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
          const describe = (v, nodes) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
          });
          return {
            violations: serious.map((v) => describe(v, v.nodes.filter((n) => !plotMark(v, n)))).filter((v) => v.nodes.length > 0),
            figureMarks: serious.flatMap((v) => v.nodes.filter((n) => plotMark(v, n))).length,
          };
        }, FIGURES_STRICT);
        if (figureMarks > 0) console.log(`      (known: ${figureMarks} plot marks with aria-label and no role — reported only: KN_A11Y_FIGURES=lenient)`);
        const report = violations.map(
          (v) =>
            `${v.id} (${v.impact}, ${v.nodes.length} elements): ${v.help}\n` +
            v.nodes
              .slice(0, 4)
              .map((n) => `  ${n.target}: ${n.summary.split("\n").slice(1, 2).join(" ").trim()}`)
              .join("\n"),
        );
        assert(violations.length === 0, report.join("\n"));
      } finally {
        await page.close();
      }
    });
  }
  await context.close();
}

await site.close();
finish();
