/**
 * How the cost of kinetic-nde's solvers grows with the particle count M, the dimension d, the depth L and
 * the grid size, from measurements (not formulas), plus the peak memory of the two sizes the performance
 * requirements name: 10⁶ particles in d = 2 and a 1024² grid. Each size runs in a fresh child process so
 * that its peak resident memory is its own.
 *
 * The timed region of a grid case includes the set-up of the initial cell averages (quadrature per cell).
 *
 * Usage: pnpm bench:scaling [--out DIR] [--only TEXT] [--repeat N] [--typescript]
 * (writes DIR/scaling.json and DIR/scaling.md; default bench-results; --only runs the groups whose
 * title contains TEXT, e.g.
 * `--only "vs d"`; --repeat runs every size N times, each in a fresh process, and keeps the fastest,
 * for machines shared with other work; --typescript switches the WebAssembly kernels off, which
 * measures the fallback path). Every row also gives the rate per CPU second of the process
 * (all its threads), which load from other processes disturbs less than the wall-clock rate.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createNetwork, forwardResnet } from "../packages/core/src/index.js";
import { createWorkerPool } from "../packages/core/src/node/index.js";
import { setWasmKernelsEnabled } from "../packages/core/src/wasm/index.js";
import { createGrid1D, createGrid2D } from "../packages/datasets/src/index.js";
import { solveVlasov } from "../packages/mean-field/src/index.js";

interface Case {
  readonly kind: "particles" | "vlasov-1d" | "vlasov-2d";
  readonly M?: number;
  readonly d?: number;
  readonly L?: number;
  readonly n?: number;
  /** Threads of a worker pool (particles only; absent: the single-thread solver). */
  readonly threads?: number;
  /** false: the TypeScript paths only (the fallback where WebAssembly SIMD is missing). */
  readonly wasm?: boolean;
}

/** CPU seconds (all threads of this process) of the last timed region closed by {@link elapsed}. */
let lastCpuSeconds = 0;
/** Start a timed region. */
function start(): { wall: number; cpu: NodeJS.CpuUsage } {
  return { wall: performance.now(), cpu: process.cpuUsage() };
}
/** Close a timed region: wall-clock seconds (its CPU seconds go to lastCpuSeconds). */
function elapsed(t0: { wall: number; cpu: NodeJS.CpuUsage }): number {
  const seconds = (performance.now() - t0.wall) / 1000;
  const cpu = process.cpuUsage(t0.cpu);
  lastCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return seconds;
}

/** Run one case in this process; returns seconds, work units and the unit. */
async function runCase(c: Case): Promise<{ seconds: number; work: number; unit: string }> {
  if (c.wasm === false) setWasmKernelsEnabled(false);
  if (c.kind === "particles") {
    const { M = 1, d = 1, L = 1 } = c;
    const W: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < L; k++) {
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++) W.push(i === j ? -1 + 0.3 * Math.sin(k + i) : (0.5 * Math.cos(k + i - j)) / d);
      for (let i = 0; i < d; i++) b.push(0.1 * Math.sin(k + i));
    }
    const net = createNetwork({ sigma: "tanh", d, W, b, T: 1 });
    const x = new Float64Array(M * d);
    for (let i = 0; i < M * d; i++) x[i] = -3 + (6 * (i + 0.5)) / (M * d);
    forwardResnet(net, x.subarray(0, Math.min(x.length, 1000 * d))); // warm-up
    if (c.threads !== undefined) {
      const pool = createWorkerPool({ threads: c.threads });
      await pool.ready(); // start-up of the workers is set-up, not timed
      const t0 = start();
      await pool.solveOde(net, x, { method: "euler" });
      const seconds = elapsed(t0);
      await pool.close();
      return { seconds, work: M * L, unit: "particle-steps" };
    }
    const t0 = start();
    forwardResnet(net, x);
    return { seconds: elapsed(t0), work: M * L, unit: "particle-steps" };
  }
  const n = c.n ?? 2;
  if (c.kind === "vlasov-1d") {
    const grid = createGrid1D(-4, 4, n);
    const net = createNetwork({ sigma: "tanh", d: 1, W: [-1], b: [0.5], T: 2 });
    const f0 = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    solveVlasov({ params: net, grid: createGrid1D(-4, 4, 64), f0 }, { scheme: "upwind", timeStepper: "euler" }); // warm-up
    const t0 = start();
    const r = solveVlasov({ params: net, grid, f0 }, { scheme: "upwind", timeStepper: "euler" });
    return { seconds: elapsed(t0), work: n * r.stats.steps, unit: "cell-updates" };
  }
  const grid = createGrid2D([-4, 4], [-4, 4], n, n);
  const net = createNetwork({ sigma: "tanh", d: 2, W: [-1, 0.5, -0.5, -1], b: [0.2, -0.1], T: 0.5 });
  const f0 = (x: number, y: number) => Math.exp(-0.5 * (x * x + y * y)) / (2 * Math.PI);
  solveVlasov({ params: net, grid: createGrid2D([-4, 4], [-4, 4], 32, 32), f0 }, { scheme: "upwind", timeStepper: "euler" }); // warm-up
  const t0 = start();
  const r = solveVlasov({ params: net, grid, f0 }, { scheme: "upwind", timeStepper: "euler" });
  return { seconds: elapsed(t0), work: n * n * r.stats.steps, unit: "cell-updates" };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === "--case") {
  const c = JSON.parse(process.argv[3]!) as Case;
  const r = await runCase(c);
  const peak = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  process.stdout.write(
    JSON.stringify({ ...c, ...r, rate: r.work / r.seconds, cpuSeconds: lastCpuSeconds, peakRssMiB: Math.round(peak) }) + "\n",
  );
} else {
  const root = resolve(dirname(self), "..");
  const i = process.argv.indexOf("--out");
  const outDir = resolve(root, i >= 0 ? process.argv[i + 1]! : "bench-results");
  const groups: { title: string; vary: string; cases: Case[] }[] = [
    { title: "particles vs M (d = 1, L = 100)", vary: "M", cases: [1e4, 1e5, 1e6].map((M) => ({ kind: "particles", M, d: 1, L: 100 })) },
    {
      title: "particles vs d (M = 10⁵, L = 20)",
      vary: "d",
      cases: [1, 2, 3, 4, 6, 8].map((d) => ({ kind: "particles", M: 1e5, d, L: 20 })),
    },
    { title: "particles vs L (M = 10⁵, d = 1)", vary: "L", cases: [25, 50, 100, 200].map((L) => ({ kind: "particles", M: 1e5, d: 1, L })) },
    {
      title: "particles vs threads (worker pool; M = 10⁶, d = 1, L = 100)",
      vary: "threads",
      cases: [1, 2, 4].map((threads) => ({ kind: "particles", M: 1e6, d: 1, L: 100, threads })),
    },
    { title: "10⁶ particles in d = 2 (L = 20)", vary: "M", cases: [{ kind: "particles", M: 1e6, d: 2, L: 20 }] },
    { title: "Vlasov 1-D upwind vs cells N (T = 2)", vary: "n", cases: [1000, 2000, 4000, 8000].map((n) => ({ kind: "vlasov-1d", n })) },
    {
      title: "Vlasov 2-D upwind vs cells per side (T = 0.5)",
      vary: "n",
      cases: [128, 256, 512, 1024].map((n) => ({ kind: "vlasov-2d", n })),
    },
  ];
  const j = process.argv.indexOf("--only");
  const only = j >= 0 ? process.argv[j + 1]! : "";
  const typescript = process.argv.includes("--typescript");
  const k = process.argv.indexOf("--repeat");
  const repeat = k >= 0 ? Math.max(1, Math.floor(Number(process.argv[k + 1]))) : 1;
  const results: unknown[] = [];
  const md: string[] = ["| case | size | seconds | rate | rate per CPU second | peak RSS (MiB) |", "| --- | --- | --- | --- | --- | --- |"];
  type Rec = { seconds: number; cpuSeconds: number; work: number; rate: number; unit: string; peakRssMiB: number } & Case;
  for (const g of groups.filter((g) => g.title.includes(only))) {
    for (const c of g.cases) {
      let rec: Rec | undefined;
      for (let run = 0; run < repeat; run++) {
        const arg = JSON.stringify(typescript ? { ...c, wasm: false } : c);
        const r = spawnSync(process.execPath, [...process.execArgv, self, "--case", arg], { encoding: "utf8" });
        if (r.status !== 0) {
          console.error(`case ${JSON.stringify(c)} failed: ${r.stderr}`);
          process.exit(1);
        }
        const one = JSON.parse(r.stdout.trim().split("\n").pop()!) as Rec;
        if (rec === undefined || one.seconds < rec.seconds) rec = one; // the fastest of the runs
      }
      if (rec === undefined) continue;
      results.push({ group: g.title, runs: repeat, ...rec });
      const size =
        g.vary === "n"
          ? rec.kind === "vlasov-2d"
            ? `${rec.n}²`
            : String(rec.n)
          : `M=${rec.M}, d=${rec.d}, L=${rec.L}${rec.threads !== undefined ? `, ${rec.threads} thread${rec.threads > 1 ? "s" : ""}` : ""}`;
      const cpuRate = (rec.work / rec.cpuSeconds).toExponential(2);
      const line = `| ${g.title} | ${size} | ${rec.seconds.toFixed(3)} | ${rec.rate.toExponential(2)} ${rec.unit}/s | ${cpuRate} | ${rec.peakRssMiB} |`;
      md.push(line);
      console.log(line);
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "scaling.json"),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + "\n",
  );
  writeFileSync(join(outDir, "scaling.md"), md.join("\n") + "\n");
  console.log(`wrote ${join(outDir, "scaling.json")} and scaling.md`);
}
