/**
 * The root benchmark: runs workloads W1–W7 (bench/WORKLOADS.md of the shared benchmark definitions) with
 * kinetic-nde and, where this machine has them, with the peer implementations (NumPy/SciPy, PyTorch, C,
 * plain JavaScript), alternating runs, and prints per workload our rate, each peer's rate, the ratio
 * ours/peer and the checksums side by side. A checksum mismatch is an error (exit code 1).
 *
 * A workload of ours may return several records: the first is kinetic-nde on one thread (the code path
 * browsers run), further ones are variants such as the Node worker pool ("kinetic-nde-2t"); each peer's
 * ratio is given for every variant.
 *
 * Usage: pnpm bench [--size-scale S] [--repeats R] [--only W1,W5] [--peers DIR] [--no-peers] [--out DIR]
 * Writes DIR/bench.json, DIR/bench.md and DIR/ours.jsonl (peer format, for the peers' compare.py).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type Rec = Record<string, unknown> & { workload: string; impl: string; seconds: number; rate: number; rate_unit?: string };
type WorkloadFn = (opts: { sizeScale: number }) => Rec | Rec[] | Promise<Rec | Rec[]>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const sizeScale = Number(opt("--size-scale") ?? "1");
const repeats = Math.max(1, Number(opt("--repeats") ?? "3") | 0);
const only = opt("--only")
  ?.split(",")
  .map((s) => s.trim().toLowerCase());
const outDir = resolve(root, opt("--out") ?? "bench-results");
const peersDir = args.includes("--no-peers")
  ? undefined
  : resolve(root, opt("--peers") ?? process.env.KINETIC_NDE_PEERS ?? "../shared/peers");
const python = process.env.PEERS_PYTHON ?? "/usr/bin/python3";
if (!(sizeScale > 0)) {
  console.error(`invalid argument: --size-scale must be a positive number; got ${opt("--size-scale")}`);
  process.exit(2);
}

/** Checksum fields per workload (as the peers name them) and the relative tolerance of agreement. */
const CHECKS: Record<string, { fields: string[]; rtol: number; statistical?: boolean }> = {
  W1: { fields: ["mean", "var"], rtol: 1e-10 },
  W2: { fields: ["mean", "cov"], rtol: 1e-10 },
  W3: { fields: ["mean", "var"], rtol: 0, statistical: true },
  W4: { fields: ["J", "grad_norm"], rtol: 1e-10 },
  W5: { fields: ["mass", "mean"], rtol: 1e-10 },
  W6: { fields: ["mass", "mean"], rtol: 1e-10 },
  W7: { fields: ["mass", "l1_error"], rtol: 1e-7 },
};

function flat(v: unknown, prefix = ""): Record<string, number> {
  if (Array.isArray(v)) return Object.assign({}, ...v.map((e, i) => flat(e, `${prefix}[${i}]`)));
  return typeof v === "number" ? { [prefix]: v } : {};
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

async function loadOurWorkloads(): Promise<Map<string, WorkloadFn>> {
  const found = new Map<string, WorkloadFn>();
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dir = join(root, "packages", pkg, "bench");
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => /^workloads.*\.ts$/.test(f))) {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as { workloads?: Record<string, WorkloadFn> };
      for (const [k, fn] of Object.entries(mod.workloads ?? {})) found.set(k, fn);
    }
  }
  return found;
}

interface Peer {
  impl: string;
  workloads: string[];
  run: (wl: string) => Rec | undefined;
}

function parseLine(out: string): Rec | undefined {
  const line = out.split("\n").find((l) => l.trim().startsWith("{"));
  return line ? (JSON.parse(line) as Rec) : undefined;
}

function discoverPeers(): Peer[] {
  if (!peersDir || !existsSync(peersDir)) {
    console.error(`# no peers directory${peersDir ? ` at ${peersDir}` : ""}: ours only`);
    return [];
  }
  const peers: Peer[] = [];
  const scaleArgs = ["--size-scale", String(sizeScale), "--repeats", "1"];
  const py = (mod: string) => spawnSync(python, ["-c", `import ${mod}`]).status === 0;
  const runPy = (script: string, wl: string, extra: string[] = []) => {
    const r = spawnSync(python, [join(peersDir, script), wl, ...scaleArgs, ...extra], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`# ${script} ${wl} failed: ${r.stderr.trim().split("\n").pop()}`);
      return undefined;
    }
    return parseLine(r.stdout);
  };
  if (existsSync(python) && py("numpy") && py("scipy")) {
    peers.push({ impl: "numpy", workloads: ["W1", "W2", "W3", "W4", "W5", "W6", "W7"], run: (wl) => runPy("numpy_peers.py", wl) });
  } else console.error("# NumPy/SciPy peer skipped (apt-get install -y python3-numpy python3-scipy)");
  if (existsSync(python) && py("torch")) {
    peers.push({ impl: "torch", workloads: ["W1", "W2", "W3", "W4"], run: (wl) => runPy("torch_peers.py", wl) });
  } else console.error("# PyTorch peer skipped (apt-get install -y python3-torch)");
  const gcc = spawnSync("gcc", ["--version"]).status === 0;
  if (gcc) {
    const bin = join(tmpdir(), "kinetic-nde-bench");
    mkdirSync(bin, { recursive: true });
    for (const [impl, flags] of [
      ["c", []],
      ["c-fastmath", ["-ffast-math"]],
    ] as const) {
      const exe = join(bin, impl);
      const r = spawnSync("gcc", ["-O3", "-march=native", ...flags, "-o", exe, join(peersDir, "c_peers.c"), "-lm"], { encoding: "utf8" });
      if (r.status !== 0) {
        console.error(`# C peer ${impl} did not compile: ${r.stderr.slice(0, 200)}`);
        continue;
      }
      peers.push({
        impl,
        workloads: ["W1", "W2", "W5", "W7"],
        run: (wl) => {
          const o = spawnSync(exe, [wl, ...scaleArgs], { encoding: "utf8" });
          return o.status === 0 ? parseLine(o.stdout) : undefined;
        },
      });
    }
  } else console.error("# C peer skipped (no gcc)");
  peers.push({
    impl: "js-plain",
    workloads: ["W1"],
    run: (wl) => {
      const o = spawnSync(process.execPath, [join(peersDir, "js_plain_peers.mjs"), wl, ...scaleArgs], { encoding: "utf8" });
      return o.status === 0 ? parseLine(o.stdout) : undefined;
    },
  });
  return peers;
}

function agree(wl: string, ours: Rec, peer: Rec): { ok: boolean; detail: string } {
  const spec = CHECKS[wl];
  if (!spec) return { ok: true, detail: "" };
  const bad: string[] = [];
  for (const field of spec.fields) {
    const a = flat(ours[field], field);
    const b = flat(peer[field], field);
    for (const [k, va] of Object.entries(a)) {
      const vb = b[k];
      if (vb === undefined) continue;
      if (spec.statistical) {
        const M = Number(ours.M ?? 1);
        const v = Number(ours.var ?? 1);
        const tol = k === "mean" ? 4 * Math.sqrt((2 * v) / M) : (8 / Math.sqrt(M)) * Math.abs(vb);
        if (Math.abs(va - vb) > tol) bad.push(`${k}: ${va} vs ${vb} (tol ${tol.toExponential(2)})`);
      } else {
        const tol = spec.rtol * Math.max(Math.abs(vb), wl === "W7" && k === "l1_error" ? 0 : 1e-300) + (k.startsWith("mean") ? 1e-14 : 0);
        if (Math.abs(va - vb) > tol) bad.push(`${k}: ${va} vs ${vb}`);
      }
    }
  }
  return { ok: bad.length === 0, detail: bad.join("; ") };
}

async function main(): Promise<void> {
  const ours = await loadOurWorkloads();
  const peers = discoverPeers();
  const wls = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", ...[...ours.keys()].filter((k) => !/^W[1-7]$/.test(k))].filter(
    (w) => (!only || only.includes(w.toLowerCase())) && (ours.has(w) || peers.some((p) => p.workloads.includes(w))),
  );
  mkdirSync(outDir, { recursive: true });
  const rows: unknown[] = [];
  const lines: string[] = [];
  let mismatches = 0;
  let peakRss = process.memoryUsage().rss;
  for (const wl of wls) {
    const ourRuns = new Map<string, Rec[]>();
    const peerRuns = new Map<string, Rec[]>();
    for (let r = 0; r < repeats; r++) {
      const fn = ours.get(wl);
      if (fn) {
        const out = await fn({ sizeScale });
        for (const rec of Array.isArray(out) ? out : [out]) ourRuns.set(rec.impl, [...(ourRuns.get(rec.impl) ?? []), rec]);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      for (const p of peers.filter((q) => q.workloads.includes(wl))) {
        const rec = p.run(wl);
        if (rec) peerRuns.set(rec.impl, [...(peerRuns.get(rec.impl) ?? []), rec]);
      }
    }
    const summarise = (runs: Rec[]) => {
      if (runs.length === 0) return undefined;
      const secs = runs.map((x) => x.seconds);
      const sec = median(secs);
      const last = runs[runs.length - 1]!;
      const work = last.rate * last.seconds;
      return { ...last, seconds: sec, rate: work / sec, runs: secs };
    };
    const variants = [...ourRuns.entries()].map(([impl, runs]) => ({ impl, rec: summarise(runs)! }));
    const our = variants[0]?.rec;
    const peerSummaries = [...peerRuns.entries()].map(([impl, runs]) => ({ impl, rec: summarise(runs)! }));
    for (const v of variants) lines.push(JSON.stringify(v.rec));
    const checks = (rec: Rec) => Object.fromEntries((CHECKS[wl]?.fields ?? []).map((f) => [f, rec[f]]));
    const peerRows = peerSummaries.map(({ impl, rec }) => {
      let ok = true;
      const details: string[] = [];
      for (const v of variants) {
        const a = agree(wl, v.rec, rec);
        if (!a.ok) {
          ok = false;
          mismatches++;
          details.push(`${v.impl}: ${a.detail}`);
          console.error(`CHECKSUM MISMATCH ${wl} ${v.impl} vs ${impl}: ${a.detail}`);
        }
      }
      const ratios = Object.fromEntries(variants.map((v) => [v.impl, v.rec.rate / rec.rate]));
      return {
        impl,
        rate: rec.rate,
        seconds: rec.seconds,
        ratio: our ? our.rate / rec.rate : null,
        ratios,
        agrees: ok,
        mismatch: details.join("; ") || undefined,
        checksums: checks(rec),
      };
    });
    const row = {
      workload: wl,
      rate_unit: our?.rate_unit ?? peerSummaries[0]?.rec.rate_unit,
      ours: our ? { rate: our.rate, seconds: our.seconds, runs: our.runs, checksums: checks(our), extra: our } : null,
      variants: variants
        .slice(1)
        .map((v) => ({ impl: v.impl, rate: v.rec.rate, seconds: v.rec.seconds, runs: v.rec.runs, checksums: checks(v.rec) })),
      peers: peerRows,
    };
    rows.push(row);
    const fmt = (x: number) => x.toExponential(2);
    console.log(
      `${wl.padEnd(10)} ours ${variants.length ? variants.map((v) => `${v.impl === "kinetic-nde" ? "" : `${v.impl} `}${fmt(v.rec.rate)}`).join(" / ") : "   —    "} ${row.rate_unit ?? ""}` +
        peerRows
          .map(
            (p) =>
              `  | ${p.impl} ${fmt(p.rate)} (ours/peer ${
                Object.values(p.ratios)
                  .map((r) => r.toFixed(2))
                  .join(" / ") || "—"
              }${p.agrees ? "" : ", MISMATCH"})`,
          )
          .join(""),
    );
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
  };
  const report = { date: new Date().toISOString(), machine, sizeScale, repeats, peakRssMiB: +(peakRss / 2 ** 20).toFixed(0), rows };
  writeFileSync(join(outDir, "bench.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(outDir, "ours.jsonl"), lines.join("\n") + "\n");
  const cols = ["numpy", "numpy-adjoint", "numpy-gtsv", "torch-2t", "c", "c-fastmath", "js-plain"];
  const md = [`| workload | unit | kinetic-nde | kinetic-nde workers | ${cols.join(" | ")} |`, `|${" --- |".repeat(4 + cols.length)}`];
  type Row = {
    workload: string;
    rate_unit?: string;
    ours: { rate: number } | null;
    variants: { impl: string; rate: number }[];
    peers: { impl: string; rate: number; ratios: Record<string, number>; agrees: boolean }[];
  };
  for (const r of rows as Row[]) {
    const cell = (impl: string) => {
      const p = r.peers.find((q) => q.impl === impl || (impl === "torch-2t" && q.impl.startsWith("torch")));
      const ratios = p
        ? Object.values(p.ratios)
            .map((x) => `×${x.toFixed(2)}`)
            .join(" · ")
        : "";
      return p ? `${p.rate.toExponential(2)} (${ratios || "—"})${p.agrees ? "" : " ⚠"}` : "—";
    };
    const mt = r.variants.map((v) => `${v.rate.toExponential(2)} (${v.impl.replace("kinetic-nde-", "")})`).join(", ") || "—";
    md.push(
      `| ${r.workload} | ${r.rate_unit ?? ""} | ${r.ours ? r.ours.rate.toExponential(2) : "—"} | ${mt} | ${cols.map(cell).join(" | ")} |`,
    );
  }
  md.push(
    "",
    `Rates are medians of ${repeats} alternating runs at size scale ${sizeScale}; (×r) is ours / peer (above 1: we are faster); where two ratios are given, the first is kinetic-nde on one thread (the code path browsers run) and the second the Node worker pool. ${machine.cpus} × ${machine.cpu}, Node ${machine.node}. Peak RSS of the kinetic-nde process: ${report.peakRssMiB} MiB.`,
  );
  writeFileSync(join(outDir, "bench.md"), md.join("\n") + "\n");
  console.log(`\nwrote ${join(outDir, "bench.json")}, bench.md, ours.jsonl; peak RSS ${report.peakRssMiB} MiB`);
  if (mismatches > 0) {
    console.error(`${mismatches} checksum mismatch(es)`);
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
