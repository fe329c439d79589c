#!/usr/bin/env node
// Browser bundle sizes: bundle small entry snippets with esbuild (platform browser, ESM, minified,
// from the TypeScript sources through the `source` export condition, so no build is needed), gzip
// them (level 9) and print a table. Every library's browser entries (main and subpaths; the Node-only
// `./node*` subpaths of core are left out) are measured as `export * from "<entry>"`, plus two
// application-shaped snippets of @kinetic-nde/experiments with budgets:
//   - "experiments: listExperiments"  (list the catalogue)              < 40 KiB gzipped
//   - "experiments: one experiment"   (import moments-linear, run it)   < 60 KiB gzipped
// Exits 1 when a budget is exceeded. Usage: node scripts/bundle-size.mjs [--markdown]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const LIBS = ["core", "datasets", "mean-field", "fokker-planck", "moments", "experiments"];
const KiB = 1024;

/** Absolute source file of a package export (its `source` condition). */
function sourceOf(lib, subpath) {
  const dir = join(root, "packages", lib);
  const exp = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).exports[subpath];
  return join(dir, exp.source);
}

const entries = [];
for (const lib of LIBS) {
  const dir = join(root, "packages", lib);
  const { name, exports } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const [subpath, exp] of Object.entries(exports)) {
    if (typeof exp !== "object" || exp.source === undefined || /^\.\/node(\/|$)/.test(subpath)) continue;
    const label = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
    entries.push({ label, code: `export * from ${JSON.stringify(sourceOf(lib, subpath))};` });
  }
}
const experiments = JSON.stringify(sourceOf("experiments", "."));
const BUDGETS = [
  {
    label: "experiments: listExperiments",
    code: `import { listExperiments } from ${experiments};\nconsole.log(listExperiments());`,
    budget: 40 * KiB,
  },
  {
    label: "experiments: one experiment",
    code: `import { momentsLinear, runDefinition } from ${experiments};\nrunDefinition(momentsLinear, {}, { quick: true }).then((r) => console.log(r.summary));`,
    budget: 60 * KiB,
  },
];

async function measure(code) {
  const out = await build({
    stdin: { contents: code, resolveDir: root, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    platform: "browser",
    conditions: ["source"],
    target: "es2022",
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const rows = [];
let failed = false;
for (const e of [...entries, ...BUDGETS]) {
  const { min, gzip } = await measure(e.code);
  const over = e.budget !== undefined && gzip > e.budget;
  if (over) failed = true;
  rows.push({
    entry: e.label,
    min: (min / KiB).toFixed(1),
    gzip: (gzip / KiB).toFixed(1),
    budget: e.budget === undefined ? "" : `< ${e.budget / KiB}${over ? " EXCEEDED" : ""}`,
  });
}

const head = ["entry", "minified KiB", "gzipped KiB", "budget (gzipped KiB)"];
const cells = rows.map((r) => [r.entry, r.min, r.gzip, r.budget]);
if (process.argv.includes("--markdown")) {
  console.log(`| ${head.join(" | ")} |\n|---|---:|---:|---:|`);
  for (const c of cells) console.log(`| ${c.join(" | ")} |`);
} else {
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  console.log(line(head));
  for (const c of cells) console.log(line(c));
}
if (failed) {
  console.error("bundle-size: a budget of @kinetic-nde/experiments is exceeded");
  process.exit(1);
}
