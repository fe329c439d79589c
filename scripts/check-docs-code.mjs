#!/usr/bin/env node
// Every TypeScript example in the documentation compiles and runs.
//
// Extracts each ```ts (or ```typescript) block of the root README, the package READMEs, the CLI
// README and the guides (apps/docs/guide/*.md), type-checks all of them with the repository's strict
// compiler settings, and runs each one with tsx. The workspace packages resolve to their TypeScript
// sources through `paths`, so no build is needed.
//
// Conventions for writers:
// - Each block is a self-contained module: it imports what it uses and defines its inputs.
// - A block that must not run (it needs files, a bundler or a server that the example only
//   describes) is fenced as ```ts no-run; it is still type-checked. Keep these few.
// - A block that is not TypeScript at all (a shell session, a YAML file) uses its own language.
// - What an example prints is shown in a ```text output block after it (before the next ```ts
//   block). The check compares it with what the example really prints (trailing spaces ignored), so
//   a shown output can never go stale. `--write-output` rewrites the shown outputs of the given
//   files from a fresh run; `--add-output` also adds one after every example that prints and has none.
//
// Usage: node scripts/check-docs-code.mjs [--no-run] [--keep] [--write-output] [--add-output] [files…]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const only = argv.filter((a) => !a.startsWith("--"));
const work = join(root, ".docs-code");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const RUN_TIMEOUT_MS = 120_000;
const started = performance.now();
const rewrite = flags.has("--write-output") || flags.has("--add-output");
/** Output as compared: trailing spaces and trailing blank lines dropped. */
const normalise = (text) =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n+$/, "");

function markdownFiles() {
  if (only.length > 0) return only.map((f) => join(root, f));
  const list = [join(root, "README.md"), join(root, "apps", "cli", "README.md")];
  for (const dir of readdirSync(join(root, "packages")).sort()) {
    const f = join(root, "packages", dir, "README.md");
    if (existsSync(f)) list.push(f);
  }
  const guide = join(root, "apps", "docs", "guide");
  for (const f of readdirSync(guide).sort()) if (f.endsWith(".md")) list.push(join(guide, f));
  return list.filter((f) => existsSync(f));
}

/** The ```ts blocks of one markdown file, with their line numbers and fence attributes. */
function extractBlocks(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const out = /^(\s*)(`{3,}|~{3,})text\s+output\s*$/.exec(lines[i]);
    if (out !== null) {
      let j = i + 1;
      while (j < lines.length && lines[j].trim() !== out[2]) j++;
      const owner = blocks[blocks.length - 1];
      if (owner !== undefined && owner.output === undefined)
        owner.output = {
          from: i + 1,
          to: j,
          text: lines
            .slice(i + 1, j)
            .map((l) => l.slice(out[1].length))
            .join("\n"),
        };
      i = j;
      continue;
    }
    const open = /^(\s*)(`{3,}|~{3,})(ts|typescript)(?:\s+(.*))?\s*$/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, , info = ""] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trimStart().startsWith(fence) && lines[j].trim() === lines[j].trim().replace(/[^`~]/g, "")) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({ file, line: i + 1, end: j + 1, indent, attrs: new Set(info.split(/[\s,]+/).filter(Boolean)), code: body.join("\n") });
    i = j;
  }
  return blocks;
}

/** tsconfig `paths` for every export of every workspace library: its "source" condition. */
function workspacePaths() {
  const paths = {};
  for (const dir of readdirSync(join(root, "packages"))) {
    const file = join(root, "packages", dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    for (const [sub, cond] of Object.entries(pkg.exports ?? {})) {
      if (typeof cond !== "object" || typeof cond.source !== "string") continue;
      paths[sub === "." ? pkg.name : `${pkg.name}/${sub.slice(2)}`] = [relative(work, join(root, "packages", dir, cond.source))];
    }
  }
  return paths;
}

function run(cmd, args, { cwd, timeout }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stdout = "";
    child.stdout.on("data", (d) => {
      out += d;
      stdout += d;
    });
    child.stderr.on("data", (d) => (out += d));
    const timer = timeout
      ? setTimeout(() => {
          out += `\n(killed after ${timeout / 1000} s)`;
          child.kill("SIGKILL");
        }, timeout)
      : null;
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, out, stdout });
    });
  });
}

/** The gallery's reproduction scripts (apps/docs/gallery-scripts.ts): checked like the examples. */
async function galleryBlocks() {
  const { code, stdout, out } = await run(
    process.execPath,
    ["--import", "tsx", join("apps", "docs", "scripts", "print-gallery-scripts.ts")],
    {
      cwd: root,
      timeout: RUN_TIMEOUT_MS,
    },
  );
  if (code !== 0) throw new Error(`check-docs-code: could not list the gallery's scripts:\n${out}`);
  const file = join(root, "apps", "docs", "gallery.md");
  return JSON.parse(stdout).map((s, i) => ({
    file,
    line: i + 1,
    end: i + 1,
    indent: "",
    attrs: new Set(),
    code: s.code,
    generated: s.key,
  }));
}

const blocks = [...markdownFiles().flatMap(extractBlocks), ...(only.length === 0 ? await galleryBlocks() : [])];
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const names = new Map();
for (const b of blocks) {
  const slug = relative(root, b.file)
    .replace(/\.md$/, "")
    .replace(/[^\w]+/g, "-")
    .toLowerCase();
  b.name = `${slug}-L${b.line}.ts`;
  names.set(b.name, b);
  // `export {}` makes every block a module (top-level await, no clashes between blocks).
  writeFileSync(join(work, b.name), `${b.code}\nexport {};\n`);
}
writeFileSync(
  join(work, "tsconfig.json"),
  JSON.stringify(
    {
      extends: "../tsconfig.base.json",
      compilerOptions: { noEmit: true, types: ["node"], paths: workspacePaths() },
      include: ["*.ts"],
    },
    null,
    2,
  ),
);

let failed = 0;
const where = (b) => (b.generated !== undefined ? `gallery script ${b.generated}` : `${relative(root, b.file)}:${b.line}`);
console.log(`check-docs-code: ${blocks.length} TypeScript blocks in ${new Set(blocks.map((b) => b.file)).size} files`);

// Type-check all blocks at once; map the errors back to the markdown lines.
{
  const t = performance.now();
  const { code, out } = await run(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: work });
  if (code !== 0) {
    for (const line of out.split("\n").filter(Boolean)) {
      const m = /^([^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
      const b = m ? names.get(m[1]) : undefined;
      if (b) {
        failed++;
        console.error(`${relative(root, b.file)}:${b.line + Number(m[2])}:${m[3]}  ${m[4]}`);
      } else console.error(line);
    }
    if (failed === 0) failed++;
  }
  console.log(`check-docs-code: type-check ${code === 0 ? "ok" : "FAILED"} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

// Run every block that may run, two at a time.
if (!flags.has("--no-run")) {
  const runnable = blocks.filter((b) => !b.attrs.has("no-run"));
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < runnable.length) {
        const b = runnable[next++];
        const t = performance.now();
        const { code, out, stdout } = await run(process.execPath, ["--import", "tsx", b.name], { cwd: work, timeout: RUN_TIMEOUT_MS });
        const s = ((performance.now() - t) / 1000).toFixed(1);
        b.stdout = normalise(stdout);
        if (code === 0 && b.output !== undefined && !rewrite && normalise(b.output.text) !== b.stdout) {
          failed++;
          console.error(
            `check-docs-code: ${where(b)} prints something else than its output block (lines ${b.output.from + 1}–${b.output.to}):\n` +
              `--- shown\n${normalise(b.output.text)}\n--- printed\n${b.stdout}\n(node scripts/check-docs-code.mjs --write-output ${relative(root, b.file)} updates it)`,
          );
        } else if (code === 0) console.log(`check-docs-code: ran ${where(b)} (${s} s)`);
        else {
          failed++;
          console.error(`check-docs-code: ${where(b)} FAILED (exit ${code}, ${s} s)\n${out.trim().split("\n").slice(-25).join("\n")}`);
        }
      }
    }),
  );
  const skipped = blocks.length - runnable.length;
  if (skipped > 0)
    console.log(
      `check-docs-code: ${skipped} block(s) marked no-run: ${blocks
        .filter((b) => b.attrs.has("no-run"))
        .map(where)
        .join(", ")}`,
    );
}

// --write-output / --add-output: put what each example printed into its output block.
if (rewrite && failed === 0) {
  const byFile = new Map();
  for (const b of blocks)
    if (b.generated === undefined && b.stdout !== undefined && (b.output !== undefined || (flags.has("--add-output") && b.stdout !== "")))
      byFile.set(b.file, [...(byFile.get(b.file) ?? []), b]);
  for (const [file, list] of byFile) {
    const lines = readFileSync(file, "utf8").split("\n");
    // bottom-up, so earlier line numbers stay valid
    for (const b of [...list].sort((p, q) => q.line - p.line)) {
      const shown = b.stdout.split("\n").map((l) => (l === "" ? l : b.indent + l));
      if (b.output !== undefined) lines.splice(b.output.from, b.output.to - b.output.from, ...shown);
      else lines.splice(b.end, 0, "", `${b.indent}Output:`, "", `${b.indent}\`\`\`text output`, ...shown, `${b.indent}\`\`\``);
    }
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, lines.join("\n"));
    renameSync(tmp, file);
    console.log(`check-docs-code: wrote ${list.length} output block(s) in ${relative(root, file)}`);
  }
}

if (!flags.has("--keep")) rmSync(work, { recursive: true, force: true });
console.log(
  `check-docs-code: ${failed === 0 ? "all blocks ok" : `${failed} problem(s)`} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
process.exit(failed === 0 ? 0 : 1);
