/**
 * Layout test of the built site at a desktop (1280×800) and a phone (390×844) viewport:
 *   - no page scrolls sideways (a wide table scrolls inside its own container instead);
 *   - no table cell is cut off: a cell that reaches past its clipping ancestor has an ancestor that
 *     scrolls, and no cell's content overflows the cell; at the desktop width the guides' tables fit
 *     without scrolling (the API reference's long type signatures may scroll);
 *   - package and API names in the first column of a table stay on one line.
 * Screenshots of a few pages are written to test/screenshots/ (`layout-<page>-<width>.png`).
 * Run: `node test/layout.test.mjs` (needs `docs:build`); `KN_LAYOUT_PAGES=<regexp>` restricts the pages.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { appDir, assert, reporter, startSite, waitForExperiment } from "./browser.mjs";

const shots = join(appDir, "test", "screenshots");
mkdirSync(shots, { recursive: true });
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const PAGES = [
  "/",
  "/guide/getting-started",
  "/guide/performance",
  "/guide/numerical-schemes",
  "/guide/verification",
  "/cite",
  "/api/core",
  "/api/moments",
  "/experiments/moments-linear",
].filter((p) => new RegExp(process.env.KN_LAYOUT_PAGES ?? ".").test(p));
const SCREENSHOTS = new Set(["/guide/performance", "/guide/numerical-schemes", "/cite", "/api/moments", "/guide/getting-started"]);

const site = await startSite();
const { test, finish } = reporter();

for (const viewport of VIEWPORTS) {
  const context = await site.browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  for (const path of PAGES) {
    await test(`layout of ${path} at ${viewport.width}×${viewport.height}`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(site.origin + path, { waitUntil: "load" });
        if (path.startsWith("/experiments/") && path !== "/experiments/") await waitForExperiment(page);
        await page.waitForTimeout(500);
        const found = await page.evaluate((desktop) => {
          const problems = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > doc.clientWidth + 1) {
            // Name the widest element that sticks out, to say what to fix.
            let widest = null;
            for (const el of document.querySelectorAll("body *")) {
              const r = el.getBoundingClientRect();
              if (r.right > doc.clientWidth + 1 && (widest === null || r.right > widest.r)) {
                let clipped = false;
                for (let a = el.parentElement; a !== null && a !== document.body; a = a.parentElement) {
                  if (getComputedStyle(a).overflowX !== "visible") clipped = true;
                }
                if (!clipped) widest = { r: r.right, what: `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` };
              }
            }
            problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${doc.clientWidth} px viewport${widest ? ` (${widest.what} reaches ${Math.round(widest.r)} px)` : ""}`);
          }
          const cells = [...document.querySelectorAll(".vp-doc td, .vp-doc th")];
          for (const cell of cells) {
            const text = (cell.textContent ?? "").trim().slice(0, 40);
            const r = cell.getBoundingClientRect();
            if (r.width === 0) continue;
            // The content of the cell fits it (nothing spills over the next cell or is hidden).
            if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`cell "${text}" overflows: content ${cell.scrollWidth} px in ${cell.clientWidth} px`);
            // Past the edge of its clipping ancestor, the cell must be reachable by scrolling that ancestor.
            for (let a = cell.parentElement; a !== null && a !== document.body; a = a.parentElement) {
              const ox = getComputedStyle(a).overflowX;
              if (ox === "visible") continue;
              const box = a.getBoundingClientRect();
              const scrolls = (ox === "auto" || ox === "scroll") && a.scrollWidth > a.clientWidth;
              if (r.right > box.right + 1 + (scrolls ? a.scrollWidth - a.clientWidth - a.scrollLeft : 0)) {
                problems.push(`cell "${text}" is cut off by ${a.tagName.toLowerCase()}.${[...a.classList].join(".")} (overflow-x: ${ox})`);
              } else if (desktop && r.right > box.right + 1) {
                // On a desktop screen a table fits the page: no column hides behind a scroll edge.
                problems.push(`cell "${text}" is hidden past the right edge of ${a.tagName.toLowerCase()}.${[...a.classList].join(".")} at ${Math.round(box.right)} px (scroll needed)`);
              }
              break;
            }
          }
          // Names (package names, API names) in the first column of a table stay on one line.
          for (const code of document.querySelectorAll(".vp-doc td:first-child code")) {
            const lines = new Set([...code.getClientRects()].map((q) => Math.round(q.top)));
            if (lines.size > 1) problems.push(`the name "${code.textContent}" is broken over ${lines.size} lines`);
          }
          return { problems, tables: document.querySelectorAll(".vp-doc table").length };
        }, viewport.width >= 1200 && !path.startsWith("/api/"));
        if (SCREENSHOTS.has(path)) {
          const name = path.replace(/^\/|\/$/g, "").replace(/\//g, "-") || "home";
          await page.screenshot({ path: join(shots, `layout-${name}-${viewport.width}.png`), fullPage: path !== "/api/moments" });
        }
        assert(found.problems.length === 0, [...new Set(found.problems)].slice(0, 12).join("\n"));
      } finally {
        await page.close();
      }
    });
  }
  await context.close();
}

await site.close();
finish();
