#!/usr/bin/env node
// Install the packages as a user gets them: build, `pnpm pack` every library and the CLI, install the
// tarballs into fresh npm projects and use them there.
//
//   1. the packed manifests: no `source` export condition, no `workspace:` ranges, no TypeScript
//      sources, a `default` condition on every export, repository/homepage/bugs;
//   2. publint and @arethetypeswrong/cli on every tarball (profiles esm-only and node16 from
//      CommonJS; on Node >= 20.19 `require()` of our ESM works, so that one rule is ignored);
//   3. an example importing all six libraries from ESM and one requiring them from CommonJS, run by
//      Node and type-checked by tsc --strict against the installed declarations with `lib: es2022`
//      (no DOM), plus a check with `customConditions: ["source"]` that proves the development
//      condition is not published;
//   4. a KineticError thrown by mean-field recognised by a second, separately loaded copy of core;
//   5. an example bundled by esbuild for the browser and run in Chromium;
//   6. the worker pool inside an application bundled by `esbuild --bundle --platform=node`;
//   7. `npx @kinetic-nde/cli reproduce --quick` and `simulate --threads` (the same files for 1 and 3
//      threads) from a project that installed only the CLI tarball.
//
// Usage: node scripts/pack-install.mjs [--skip-build] [--keep]   (npm may fetch third-party
// dependencies such as zod from the registry; our own packages come only from the tarballs)
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = new Set(process.argv.slice(2));
const require = createRequire(join(root, "package.json"));
const bin = (name) => join(root, "node_modules", ".bin", name);
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const LIBS = ["core", "datasets", "mean-field", "fokker-planck", "moments", "experiments"];
const PACKAGE_DIRS = [...LIBS.map((n) => `packages/${n}`), "apps/cli"];

const started = performance.now();
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(1);
async function step(name, fn) {
  const t = performance.now();
  process.stdout.write(`pack-install: ${name} …\n`);
  const r = await fn();
  process.stdout.write(`pack-install: ${name} ok (${seconds(t)} s)\n`);
  return r;
}

/** Run a command; reject with its output when it fails. */
function sh(cmd, argv, { cwd = root, env = {}, quiet = true, check = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0 || !check) resolve(out);
      else reject(new Error(`${cmd} ${argv.join(" ")} (in ${cwd}) exited with ${code}:\n${out.slice(-6000)}`));
    });
  });
}
const node = (argv, opts) => sh(process.execPath, argv, opts);

/** pnpm: the one running this script when there is one, else pnpm on PATH. */
function pnpm(argv, opts) {
  const exec = process.env.npm_execpath;
  if (exec && /pnpm/.test(exec)) return node([exec, ...argv], opts);
  return sh("pnpm", argv, opts);
}
const npm = (argv, opts) => sh("npm", ["--no-audit", "--no-fund", "--loglevel=error", ...argv], opts);

function assert(ok, message) {
  if (!ok) throw new Error(`pack-install: ${message}`);
}

/** Run async tasks at most `n` at a time. */
async function pool(n, tasks) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

const work = mkdtempSync(join(tmpdir(), "kinetic-nde-pack-"));
const tarballs = join(work, "tarballs");
const app = join(work, "app");
const cliApp = join(work, "cli");
mkdirSync(tarballs);
mkdirSync(app);
mkdirSync(cliApp);

try {
  if (!args.has("--skip-build")) {
    await step("build", () =>
      sh(bin("turbo"), ["run", "build", "--filter=./packages/*", "--filter=@kinetic-nde/cli", "--output-logs=errors-only"]),
    );
  }

  const packed = await step("pnpm pack", () =>
    pool(
      2,
      PACKAGE_DIRS.map((dir) => async () => {
        const { name, version } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
        await pnpm(["pack", "--pack-destination", tarballs], { cwd: join(root, dir) });
        const file = join(tarballs, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
        assert(existsSync(file), `pnpm pack wrote no ${file} for ${dir}`);
        return { dir, file };
      }),
    ),
  );
  const libTarballs = packed.filter((p) => p.dir.startsWith("packages/")).map((p) => p.file);
  const cliTarball = packed.find((p) => p.dir === "apps/cli").file;

  // Start the installs now; the manifest checks and the linters run meanwhile.
  const installs = (async () => {
    await Promise.all([npm(["init", "-y"], { cwd: app }), npm(["init", "-y"], { cwd: cliApp })]);
    await npm(["pkg", "set", "type=module"], { cwd: app });
    await Promise.all([npm(["install", ...libTarballs], { cwd: app }), npm(["install", cliTarball], { cwd: cliApp })]);
  })();
  installs.catch(() => {});

  await step("packed manifests and files", async () => {
    for (const { dir, file } of packed) {
      const list = (await sh("tar", ["-tzf", file])).split("\n").filter(Boolean);
      const pkg = JSON.parse(await sh("tar", ["-xzOf", file, "package/package.json"]));
      const where = `${pkg.name} (${dir})`;
      assert(!pkg.private, `${where} is private`);
      for (const field of ["repository", "homepage", "bugs", "license"]) assert(pkg[field] !== undefined, `${where} has no "${field}"`);
      const ts = list.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.(ts|mts|cts)$/.test(f));
      assert(ts.length === 0, `${where} ships TypeScript sources: ${ts.slice(0, 5).join(", ")}`);
      assert(!list.some((f) => f.startsWith("package/src/")), `${where} ships src/`);
      for (const kind of ["dependencies", "peerDependencies", "optionalDependencies"]) {
        for (const [name, range] of Object.entries(pkg[kind] ?? {}))
          assert(!String(range).startsWith("workspace:"), `${where} ${kind}.${name} is ${range}`);
      }
      const walk = (cond, path) => {
        if (typeof cond === "string") return;
        assert(!("source" in cond), `${where} publishes the "source" condition at ${path}`);
        if (path !== "exports./package.json" && !Object.values(cond).some((v) => typeof v === "object")) {
          assert("default" in cond, `${where} has no "default" condition at ${path}`);
        }
        for (const [k, v] of Object.entries(cond)) walk(v, `${path}.${k}`);
      };
      if (pkg.exports) for (const [sub, cond] of Object.entries(pkg.exports)) walk(cond, `exports.${sub}`);
      if (dir === "apps/cli") {
        const deps = Object.keys(pkg.dependencies ?? {});
        assert(!deps.some((d) => d.startsWith("@kinetic-nde/")), `${where} depends on workspace libraries it bundles: ${deps.join(", ")}`);
        // Every bare import left in the bundle is a dependency (or a Node built-in).
        const bundle = await sh("tar", ["-xzOf", file, "package/dist/cli.js"]);
        const imported = new Set(
          [...bundle.matchAll(/\bfrom\s*"([^".][^"]*)"|\bimport\s*\(\s*"([^".][^"]*)"\s*\)/g)].map((m) => m[1] ?? m[2]),
        );
        for (const spec of imported) {
          const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
          if (spec.startsWith("node:") || require("node:module").builtinModules.includes(name)) continue;
          assert(deps.includes(name), `${where} imports "${spec}" at run time but does not depend on "${name}"`);
        }
      }
    }
  });

  await step("publint and attw", () =>
    pool(
      2,
      packed.map(({ dir, file }) => async () => {
        await sh(bin("publint"), ["run", file, "--strict"]);
        if (dir === "apps/cli") return; // no types: a command
        // One run, judged under two profiles: esm-only (resolution from ESM and bundlers) and node16
        // from CommonJS, where "CJS resolves to ESM" is expected: Node >= 20.19 require()s ES modules
        // (tested below) and TypeScript types it with `module: node20`.
        const out = await sh(bin("attw"), [file, "--format", "json"], { check: false });
        const { analysis } = JSON.parse(out);
        const problems = analysis.problems ?? [];
        const esmOnly = problems.filter((p) => p.resolutionKind !== "node10" && p.resolutionKind !== "node16-cjs");
        const node16Cjs = problems.filter((p) => p.resolutionKind === "node16-cjs" && p.kind !== "CJSResolvesToESM");
        assert(
          esmOnly.length === 0 && node16Cjs.length === 0,
          `attw found problems in ${dir}: ${JSON.stringify([...esmOnly, ...node16Cjs])}`,
        );
      }),
    ),
  );

  await step("npm install of the tarballs", () => installs);

  writeExamples();

  await step("type-check the examples (tsc --strict, lib es2022, no DOM)", async () => {
    const [, , listed] = await Promise.all([
      node([tsc, "-p", "tsconfig.json"], { cwd: app }),
      node([tsc, "-p", "tsconfig.cjs.json"], { cwd: app }),
      // A consumer resolving with the "source" condition still gets the published declarations.
      node([tsc, "-p", "tsconfig.source.json", "--listFiles"], { cwd: app }),
    ]);
    const ours = listed.split("\n").filter((f) => f.includes("/node_modules/@kinetic-nde/"));
    assert(
      ours.length > 0 && ours.every((f) => f.endsWith(".d.ts")),
      `with customConditions ["source"] tsc read: ${ours.filter((f) => !f.endsWith(".d.ts")).join(", ")}`,
    );
  });

  await step("run the examples from ESM and CommonJS", async () => {
    // Node runs JavaScript: esbuild strips the types, nothing else.
    const esbuild = require("esbuild");
    for (const [from, to, format] of [
      ["example.mts", "example.mjs", "esm"],
      ["example.cts", "example.cjs", "cjs"],
    ]) {
      const r = await esbuild.transform(readFileSync(join(app, from), "utf8"), { loader: "ts", format, target: "node20" });
      writeFileSync(join(app, to), r.code);
    }
    const esm = await node(["example.mjs"], { cwd: app });
    assert(esm.includes("esm example: ok"), `the ESM example printed:\n${esm}`);
    const cjs = await node(["example.cjs"], { cwd: app });
    assert(cjs.includes("cjs example: ok"), `the CommonJS example printed:\n${cjs}`);
  });

  await step("a second copy of core recognises mean-field's errors", async () => {
    cpSync(join(app, "node_modules", "@kinetic-nde", "core"), join(app, "core-copy"), { recursive: true, dereference: true });
    const out = await node(["brand.mjs"], { cwd: app });
    assert(out.includes("brand: ok"), `brand check printed:\n${out}`);
  });

  await step("bundle for the browser and run it in Chromium", async () => {
    const esbuild = require("esbuild");
    const outdir = join(work, "browser");
    await esbuild.build({
      entryPoints: [join(app, "browser.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outfile: join(outdir, "main.js"),
      absWorkingDir: app,
      logLevel: "error",
    });
    writeFileSync(
      join(outdir, "index.html"),
      `<!doctype html><meta charset="utf-8"><title>kinetic-nde</title><script type="module" src="./main.js"></script>\n`,
    );
    const server = createServer((req, res) => {
      const name = req.url === "/" ? "index.html" : req.url.slice(1);
      if (!/^[\w.-]+$/.test(name) || !existsSync(join(outdir, name))) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": name.endsWith(".js") ? "text/javascript" : "text/html" }).end(readFileSync(join(outdir, name)));
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const { chromium } = require("playwright-core");
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      const result = await page.waitForFunction(() => globalThis.__kineticResult, null, { timeout: 60_000 }).then((h) => h.jsonValue());
      assert(errors.length === 0, `the page threw: ${errors.join("; ")}`);
      assert(result.ok === true, `the browser example failed: ${JSON.stringify(result)}`);
    } finally {
      await browser.close();
      server.close();
    }
  });

  await step("worker pool in an application bundled with esbuild --platform=node", async () => {
    const esbuild = require("esbuild");
    const outdir = join(work, "bundled"); // outside the project: nothing to resolve from node_modules
    await esbuild.build({
      entryPoints: [join(app, "pool.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: join(outdir, "app.mjs"),
      absWorkingDir: app,
      logLevel: "error",
    });
    await esbuild.build({
      entryPoints: [join(app, "node_modules/@kinetic-nde/core/dist/node/worker.js")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: join(outdir, "kinetic-worker.mjs"),
      logLevel: "error",
    });
    const out = await node(["app.mjs"], { cwd: outdir });
    assert(out.includes("pool: ok"), `the bundled worker-pool example printed:\n${out}`);
  });

  await step("npx @kinetic-nde/cli reproduce --quick, simulate --threads (only the CLI tarball installed)", async () => {
    const out = join(work, "reproduce");
    await sh("npx", ["--no", "@kinetic-nde/cli", "reproduce", "moments-linear", "fit-distribution", "--quick", "--out", out], {
      cwd: cliApp,
    });
    assert(existsSync(join(out, "report.md")), "reproduce wrote no report.md");
    const report = readFileSync(join(out, "report.md"), "utf8");
    assert(/moments-linear/.test(report) && /fit-distribution/.test(report), "report.md does not list both experiments");
    // The CLI's own worker threads (dist/worker.js beside the bundle): same files for 1 and 3 threads.
    const sim = (threads) =>
      sh(
        "npx",
        [
          "--no",
          "kinetic-nde",
          "simulate",
          "--sigma",
          "tanh",
          "--w",
          "-1",
          "--b",
          "0.5",
          "--T",
          "2",
          "--layers",
          "20",
          "--particles",
          "30000",
          "--threads",
          String(threads),
          "--no-png",
          "--out",
          join(work, `simulate-${threads}`),
        ],
        { cwd: cliApp },
      );
    await sim(1);
    await sim(3);
    const data = readdirSync(join(work, "simulate-1", "data"));
    assert(data.length > 0, "simulate wrote no data files");
    for (const f of data)
      assert(
        readFileSync(join(work, "simulate-1", "data", f)).equals(readFileSync(join(work, "simulate-3", "data", f))),
        `simulate --threads 3 differs from --threads 1 in data/${f}`,
      );
  });

  console.log(`pack-install: all checks passed in ${seconds(started)} s`);
} finally {
  if (args.has("--keep")) console.log(`pack-install: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

function writeExamples() {
  const types = join(root, "node_modules", "@types");
  const base = {
    strict: true,
    target: "es2022",
    lib: ["es2022"],
    types: ["node"],
    typeRoots: [types],
    noEmit: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
  };
  const tsconfig = (compilerOptions, files) => JSON.stringify({ compilerOptions: { ...base, ...compilerOptions }, files }, null, 2);
  writeFileSync(
    join(app, "tsconfig.json"),
    tsconfig({ module: "nodenext", moduleResolution: "nodenext" }, ["example.mts", "pool.ts", "browser.ts"]),
  );
  // The declarations themselves are checked once (skipLibCheck: false above); the other two
  // configurations check only how the examples resolve and type.
  writeFileSync(
    join(app, "tsconfig.cjs.json"),
    tsconfig({ module: "node20", moduleResolution: "node16", skipLibCheck: true }, ["example.cts"]),
  );
  writeFileSync(
    join(app, "tsconfig.source.json"),
    tsconfig({ module: "esnext", moduleResolution: "bundler", customConditions: ["source"], skipLibCheck: true }, [
      "example.mts",
      "pool.ts",
      "browser.ts",
    ]),
  );
  // The project is ESM ("type": "module"); example.cts is CommonJS by its extension.

  writeFileSync(
    join(app, "example.mts"),
    `import { createScalarNetwork, forwardResnet, isKineticError, linspaceEnsemble, solveOde } from "@kinetic-nde/core";
import { defineKernelModule } from "@kinetic-nde/core/wasm";
import { createWebGpuBackend, philoxNormals } from "@kinetic-nde/core/webgpu";
import { createGrid1D, makeDataset, massOf } from "@kinetic-nde/datasets";
import { runExperiment } from "@kinetic-nde/experiments";
import { solveSteadyState } from "@kinetic-nde/fokker-planck";
import { solveVlasov } from "@kinetic-nde/mean-field";
import { gaussianRawMoments, solveMomentHierarchy } from "@kinetic-nde/moments";

const fail = (what: string): never => { throw new Error(what); };
const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, nLayers: 50, T: 2 });
const x = forwardResnet(net, linspaceEnsemble(10_000, -3, 3)).x;
const ode = solveOde(net, linspaceEnsemble(10_000, -3, 3), { method: "euler" });
if (!x.every((v, i) => v === ode.x[i])) fail("forwardResnet and Euler disagree");
const grid = createGrid1D(-4, 4, 400);
const res = solveVlasov({ params: net, grid, f0: (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
if (res.status !== "success" || Math.abs(massOf(grid, res.f) - 1) > 1e-3) fail(\`vlasov: \${res.status} \${massOf(grid, res.f)}\`);
const steady = solveSteadyState({ grid, sigma: "tanh", w: -1, b: 0.5, D: 0.18 });
if (Math.abs(massOf(grid, steady.f) - 1) > 1e-9) fail("steady state mass");
const lin = createScalarNetwork({ sigma: "identity", w: -1, b: 1, T: 5, nLayers: 50 });
const m = solveMomentHierarchy({ params: lin, m0: gaussianRawMoments(0.5, 0.25, 4) });
if (!(Math.abs(m.mean.at(-1)! - 1) < 0.01)) fail(\`moments: mean \${m.mean.at(-1)}\`);
const moons = makeDataset("moons", { nSamples: 100, noise: 0.1, seed: 1 });
if (moons.x.length !== 100 * moons.d || moons.labels?.length !== 100) fail("dataset size");
const r = await runExperiment("moments-linear", {}, { seed: 7, quick: true });
if (!r.checks.every((c) => c.passed)) fail("experiment checks failed");
try {
  createGrid1D(1, -1, 10);
  fail("no error");
} catch (e) {
  if (!isKineticError(e, "INVALID_ARGUMENT")) throw e;
}
const k = defineKernelModule<{ readonly mem: WebAssembly.Memory }>({ memoryPages: 1, functions: () => [] }).instance();
if (k !== null && k.mem.buffer.byteLength !== 65536) fail("wasm memory");
// the WebGPU entry resolves; Node without the optional \`webgpu\` package has no navigator.gpu
if (!Number.isFinite(philoxNormals(1, 0, 0, new Float64Array(2))[1]!)) fail("philox normals");
try {
  await createWebGpuBackend();
  fail("a WebGPU backend without navigator.gpu");
} catch (e) {
  if (!isKineticError(e, "UNSUPPORTED")) throw e;
}
console.log("esm example: ok");
`,
  );

  writeFileSync(
    join(app, "example.cts"),
    `import core = require("@kinetic-nde/core");
import datasets = require("@kinetic-nde/datasets");
import meanField = require("@kinetic-nde/mean-field");
import experiments = require("@kinetic-nde/experiments");
import nodeEntry = require("@kinetic-nde/core/node");

const net = core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, nLayers: 20, T: 2 });
const grid = datasets.createGrid1D(-4, 4, 200);
const res = meanField.solveVlasov({ params: net, grid, f0: (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
if (res.status !== "success") throw new Error(res.status);
if (experiments.listExperiments().length === 0) throw new Error("no experiments");
if (typeof nodeEntry.createWorkerPool !== "function") throw new Error("no worker pool");
console.log("cjs example: ok");
`,
  );

  writeFileSync(
    join(app, "brand.mjs"),
    `import * as core from "@kinetic-nde/core";
import { solveVlasov } from "@kinetic-nde/mean-field";
const copy = await import("./core-copy/dist/index.js");
let thrown;
try { solveVlasov({ params: core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, T: 1 }), f0: () => 1 }, { cfl: -1 }); } catch (e) { thrown = e; }
if (copy.KineticError === core.KineticError) throw new Error("not a second copy");
if (thrown instanceof copy.KineticError) throw new Error("instanceof across copies should be false");
if (!copy.isKineticError(thrown, "INVALID_ARGUMENT")) throw new Error("the copy does not recognise mean-field's error");
if (!core.isKineticError(new copy.KineticError("UNSTABLE", "blow-up"), "UNSTABLE")) throw new Error("core does not recognise the copy's error");
console.log("brand: ok");
`,
  );

  writeFileSync(
    join(app, "browser.ts"),
    `import { createScalarNetwork, solveOde, linspaceEnsemble } from "@kinetic-nde/core";
import { createGrid1D, massOf } from "@kinetic-nde/datasets";
import { runExperiment } from "@kinetic-nde/experiments";
import { solveVlasov } from "@kinetic-nde/mean-field";

async function main(): Promise<{ ok: boolean; detail: string }> {
  const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, nLayers: 20, T: 2 });
  const grid = createGrid1D(-4, 4, 400);
  const pde = solveVlasov({ params: net, grid, f0: (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) });
  const ode = solveOde(net, linspaceEnsemble(1000, -3, 3), { method: "rk4" });
  const exp = await runExperiment("moments-linear", {}, { seed: 7, quick: true });
  const ok = pde.status === "success" && Math.abs(massOf(grid, pde.f) - 1) < 1e-3 && ode.status === "success" && exp.checks.every((c) => c.passed);
  return { ok, detail: \`\${pde.status} \${ode.status} \${exp.checks.filter((c) => !c.passed).map((c) => c.message).join("; ")}\` };
}
main().then(
  (r) => { (globalThis as { __kineticResult?: unknown }).__kineticResult = r; },
  (e: unknown) => { (globalThis as { __kineticResult?: unknown }).__kineticResult = { ok: false, detail: String(e) }; },
);
`,
  );

  writeFileSync(
    join(app, "pool.ts"),
    `import { createScalarNetwork, solveOde } from "@kinetic-nde/core";
import { createWorkerPool } from "@kinetic-nde/core/node";

const net = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.1, T: 1, nLayers: 16 });
const x0 = Float64Array.from({ length: 50_000 }, (_, i) => -3 + (6 * i) / 50_000);
const pool = createWorkerPool({ threads: 3, minChunk: 1000, workerFile: new URL("./kinetic-worker.mjs", import.meta.url) });
try {
  const r = await pool.solveOde(net, x0, { method: "rk4" });
  const ref = solveOde(net, x0, { method: "rk4" });
  if (!r.x.every((v, i) => v === ref.x[i])) throw new Error("the pool's result differs from solveOde");
} finally {
  await pool.close();
}
console.log("pool: ok");
`,
  );
}
