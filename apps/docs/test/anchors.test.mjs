/**
 * Checks every in-site link of the built site (`.vitepress/dist`, built beforehand by `docs:build`):
 * each `href` that stays on the site names a page that exists, and each `#anchor` in it names an
 * element id on that page. No browser: the HTML files are parsed with linkedom.
 * Run: `node test/anchors.test.mjs`. Exits non-zero listing every broken link (page → href).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";
import { resolveFile } from "../scripts/static-server.mjs";

const appDir = fileURLToPath(new URL("../", import.meta.url));
const dist = join(appDir, ".vitepress", "dist");

if (!existsSync(join(dist, "index.html"))) {
  console.error("anchors.test: the site has not been built; run docs:build first");
  process.exit(1);
}

/** Every built page as its URL path (`/guide/x`, `/api/`), 404.html and assets left out. */
function listPages(dir = dist) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "assets") out.push(...listPages(full));
    } else if (name.endsWith(".html") && !(dir === dist && name === "404.html")) {
      const rel = relative(dist, full).split(sep).join("/");
      out.push(`/${rel.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`);
    }
  }
  return out.sort();
}

const documents = new Map();
/** The parsed page behind a file path (cached). */
function documentOf(file) {
  let doc = documents.get(file);
  if (doc === undefined) {
    doc = parseHTML(readFileSync(file, "utf8")).document;
    documents.set(file, doc);
  }
  return doc;
}
/** The ids of the elements on a page (cached with the page). */
const idSets = new Map();
function idsOf(file) {
  let ids = idSets.get(file);
  if (ids === undefined) {
    ids = new Set([...documentOf(file).querySelectorAll("[id]")].map((el) => el.getAttribute("id")));
    idSets.set(file, ids);
  }
  return ids;
}

const pages = listPages();
const broken = [];
let links = 0;
let anchored = 0;
for (const path of pages) {
  const file = resolveFile(dist, path);
  const base = new URL(path, "http://site.invalid");
  // Only the page's own content and navigation: the search index and scripts are not links.
  for (const a of documentOf(file).querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue; // another site, mailto:, data:
    const url = new URL(href, base);
    links += 1;
    const target = resolveFile(dist, url.pathname);
    if (target === null || !existsSync(target) || target.endsWith(`${sep}404.html`)) {
      broken.push(`${path} → ${href} (no such page)`);
      continue;
    }
    if (url.hash.length <= 1) continue;
    anchored += 1;
    const id = decodeURIComponent(url.hash.slice(1));
    if (!idsOf(target).has(id)) broken.push(`${path} → ${href} (no element with id "${id}" on ${url.pathname})`);
  }
}

const unique = [...new Set(broken)];
if (unique.length > 0) {
  console.log(`✗ ${unique.length} broken in-site links:\n  ${unique.join("\n  ")}`);
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}
console.log(`✓ ${links} in-site links on ${pages.length} pages resolve (${anchored} with an anchor)`);
console.log(`1 passed, 0 failed`);
