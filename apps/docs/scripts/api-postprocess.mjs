/**
 * Finishes the API reference that TypeDoc wrote to `api/` (run by `docs:api` after typedoc):
 *   - the TeX-style scripts in the TSDoc prose (`e^{wt}`, `α_{i+1/2}`) become `<sup>`/`<sub>`, so
 *     the pages show no raw TeX (code blocks and inline code are left alone);
 *   - every `#anchor` that typedoc-plugin-markdown links to but VitePress names differently is
 *     rewritten to the id the page really has. The plugin slugs `m1_0` as `m1-0` in links while its
 *     own `<a id>` keeps `m1_0`, and it numbers a heading `-1` when a hidden reflection shares its name.
 *
 *   node scripts/api-postprocess.mjs [dir]     (default: api/ beside this folder)
 *
 * Prints what it rewrote; an anchor it cannot resolve is left for the link test to report.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { markdownScripts } from "./tex.mjs";

const apiDir = resolve(process.argv[2] ?? fileURLToPath(new URL("../api/", import.meta.url)));

/** VitePress's heading slugger (`@mdit-vue/shared` slugify, the default of VitePress 1.6). */
const rControl = /[\u0000-\u001f]/g;
const rSpecial = /[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g;
const rCombining = /[\u0300-\u036F]/g;
export const slugify = (str) =>
  str
    .normalize("NFKD")
    .replace(rCombining, "")
    .replace(rControl, "")
    .replace(rSpecial, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^(\d)/, "_$1")
    .toLowerCase();

/** The text a Markdown heading renders to (links, emphasis, code marks, HTML and escapes removed). */
function headingText(source) {
  return source
    .replace(/<[^>]+>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .replace(/~~|\*\*|(?<![\w\\])\*|\*(?!\w)/g, "")
    .replace(/\\(.)/g, "$1")
    .trim();
}

/** The element ids a generated page will have: headings (numbered as markdown-it-anchor does) and `<a id>`. */
function anchorsOf(markdown) {
  const ids = new Set();
  let fence = null;
  for (const line of markdown.split("\n")) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (f !== null && f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      continue;
    }
    if (f !== null) {
      fence = f[1];
      continue;
    }
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h !== null) {
      const base = slugify(headingText(h[1]));
      let id = base;
      for (let k = 1; ids.has(id); k += 1) id = `${base}-${k}`;
      ids.add(id);
    }
    for (const m of line.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
  }
  return ids;
}

/** `property-m1_0-1` and `property-m1-0-1` compare equal. */
const canonical = (id) => id.toLowerCase().replace(/[_-]+/g, "-");

/** The id on the page that a broken anchor meant, or `undefined` when none is unambiguous. */
function repair(anchor, ids) {
  const same = [...ids].filter((id) => canonical(id) === canonical(anchor));
  if (same.length === 1) return same[0];
  const stripped = anchor.replace(/-\d+$/, "");
  if (stripped !== anchor) {
    if (ids.has(stripped)) return stripped;
    const near = [...ids].filter((id) => canonical(id) === canonical(stripped));
    if (near.length === 1) return near[0];
  }
  return undefined;
}

function listMarkdown(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listMarkdown(full));
    else if (name.endsWith(".md")) out.push(full);
  }
  return out.sort();
}

const files = listMarkdown(apiDir);
const text = new Map(files.map((f) => [f, markdownScripts(readFileSync(f, "utf8"))]));
const anchors = new Map(files.map((f) => [f, anchorsOf(text.get(f))]));

const rewritten = [];
const unresolved = [];
for (const file of files) {
  const page = relative(apiDir, file).split(sep).join("/");
  const fixed = text.get(file).replace(/\]\(([^()\s#]*)#([^()\s]+)\)/g, (whole, target, anchor) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return whole; // another site
    const targetFile = target === "" ? file : resolve(dirname(file), target.endsWith(".md") ? target : `${target}.md`);
    const ids = anchors.get(targetFile);
    if (ids === undefined || ids.has(anchor)) return whole;
    const id = repair(anchor, ids);
    if (id === undefined) {
      unresolved.push(`${page}: ${target}#${anchor}`);
      return whole;
    }
    rewritten.push(`${page}: ${target}#${anchor} → #${id}`);
    return `](${target}#${id})`;
  });
  writeFileSync(file, fixed);
}
const summary = [...new Set(rewritten)];
console.log(`api-postprocess: ${files.length} pages; ${rewritten.length} anchors rewritten${summary.length > 0 ? `:\n  ${summary.join("\n  ")}` : ""}`);
if (unresolved.length > 0) console.log(`  unresolved (left as they are):\n  ${[...new Set(unresolved)].join("\n  ")}`);
