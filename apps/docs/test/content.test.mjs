/**
 * Checks of the site's build-time content in `.vitepress/dist` (built beforehand by `docs:build`):
 * every gallery item has a picture with a text alternative, a link to a page that exists and a script;
 * every theory guide shows at least one figure computed by the library; the changelog lists every
 * pending changeset; the home page has its figure. Run: `node test/content.test.mjs`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHTML } from "linkedom";

const appDir = fileURLToPath(new URL("../", import.meta.url));
const repoRoot = join(appDir, "..", "..");
const dist = join(appDir, ".vitepress", "dist");
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

if (!existsSync(dist)) {
  console.error(`content.test: ${dist} does not exist; run docs:build first`);
  process.exit(1);
}
const page = (route) => {
  const file = join(dist, `${route.replace(/^\//, "")}.html`);
  return existsSync(file) ? parseHTML(readFileSync(file, "utf8")).document : undefined;
};
const pageExists = (link) => {
  const route = link.replace(/[#?].*$/, "").replace(/\/$/, "/index");
  return existsSync(join(dist, `${route.replace(/^\//, "")}.html`));
};

// Gallery: one item per experiment and per guide topic, each complete.
const gallery = page("/gallery");
check(gallery !== undefined, "gallery.html missing");
if (gallery !== undefined) {
  const items = [...gallery.querySelectorAll(".kn-gallery-item")];
  const experimentPages = readdirSync(join(appDir, "experiments")).length;
  check(items.length >= 9 + 7, `gallery has ${items.length} items, expected at least 16 (9 experiments, 7 guide topics)`);
  check(experimentPages > 0, "no experiment pages");
  check(gallery.querySelector(".kn-gallery-errors") === null, "gallery reports figures not drawn at build time");
  for (const item of items) {
    const key = item.getAttribute("data-key");
    const svg = item.querySelector("svg");
    check(svg !== null, `gallery ${key}: no svg`);
    check(svg?.getAttribute("role") === "img", `gallery ${key}: svg without role="img"`);
    check((svg?.getAttribute("aria-label") ?? "").length > 10, `gallery ${key}: svg without aria-label`);
    const links = [...item.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"));
    check(links.length > 0 && links.every(pageExists), `gallery ${key}: links ${JSON.stringify(links)} do not all exist`);
    const script = item.querySelector("details code")?.textContent ?? "";
    check(/from "@kinetic-nde\/experiments\/plot"/.test(script) && /renderFigure\(/.test(script), `gallery ${key}: no script that renders the figure`);
  }
}

// Theory guides: at least one build-time figure each, drawn (not the error caption).
for (const guide of ["resnet-neural-ode", "mean-field", "steady-states", "moments", "fokker-planck", "fitting-distributions", "numerical-schemes"]) {
  const doc = page(`/guide/${guide}`);
  check(doc !== undefined, `guide ${guide}: page missing`);
  const figures = doc === undefined ? [] : [...doc.querySelectorAll(".kn-guide-figure")];
  check(figures.length >= 1, `guide ${guide}: no figure`);
  for (const f of figures) {
    const svg = f.querySelector("svg[role=img][aria-label]");
    check(svg !== null, `guide ${guide}: figure ${f.getAttribute("data-figure")} not drawn`);
  }
}

// Changelog: every pending changeset appears.
const changelog = page("/changelog");
check(changelog !== undefined, "changelog.html missing");
if (changelog !== undefined) {
  const listed = new Set([...changelog.querySelectorAll("[data-changeset]")].map((e) => e.getAttribute("data-changeset")));
  const pending = readdirSync(join(repoRoot, ".changeset")).filter((f) => f.endsWith(".md") && f.toLowerCase() !== "readme.md");
  check(pending.length > 0, "no pending changesets found");
  for (const f of pending) check(listed.has(f.replace(/\.md$/, "")), `changelog: changeset ${f} not listed`);
}

// Home page: the figure, with its text alternative and caption.
const home = page("/index");
const hero = home?.querySelector(".kn-hero-figure");
check(hero?.querySelector("svg[role=img][aria-label]") != null, "home: no hero figure with aria-label");
check((hero?.querySelector("figcaption")?.textContent ?? "").length > 40, "home: hero figure without a caption");

if (failures.length > 0) {
  for (const f of failures) console.error(`content.test: ${f}`);
  process.exit(1);
}
console.log("content.test: gallery, guide figures, changelog and home figure ok");
