/** `kinetic-nde moments` — the closed moment hierarchy of the linear network (σ = id). */
import { createScalarNetwork } from "@kinetic-nde/core";
import { gaussianRawMoments, solveMomentHierarchy } from "@kinetic-nde/moments";
import type { Command } from "commander";
import { buildConfig, flagValue } from "../common.js";
import { finish, outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS, z } from "../schemas.js";

const numOrList = z.union([z.number(), z.array(z.number()).min(1)]);

/** Config of `moments`. */
export const momentsSchema = z
  .object({
    w: numOrList.default(-1).describe("weight w, or one per layer"),
    b: numOrList.default(0).describe("bias b, or one per layer"),
    T: z.number().positive().max(1000).default(2).describe("final time T"),
    layers: z.number().int().min(1).max(100000).default(1).describe("number of layers when w and b are scalars"),
    D: z.number().min(0).default(0).describe("diffusion coefficient D = K²/2 (0: Vlasov)"),
    mean0: z.number().default(0.5).describe("initial mean (Gaussian initial density)"),
    var0: z.number().min(0).default(0.25).describe("initial variance"),
    order: z.number().int().min(2).max(12).default(4).describe("highest moment order K"),
    nTimes: z.number().int().min(2).max(100001).default(101).describe("number of output times"),
    method: z.enum(["exact", "rk4"]).default("exact").describe("hierarchy solver"),
  })
  .strict();
COMMAND_SCHEMAS["moments"] = momentsSchema;

interface Flags extends OutputFlags {
  config?: string;
  w?: string; b?: string; T?: string; layers?: string; D?: string; mean0?: string; var0?: string; order?: string; nTimes?: string; method?: string;
}

/** Register the command. */
export function registerMoments(program: Command): void {
  program
    .command("moments")
    .description("solve the closed moment hierarchy dm_k/dt = k w m_k + k b m_{k-1} + k(k-1) D m_{k-2} (σ = id, d = 1)")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--w <w>", "weight w, or a JSON list per layer, e.g. [-1,-0.5]")
    .option("--b <b>", "bias b, or a JSON list per layer")
    .option("--T <T>", "final time")
    .option("--layers <L>", "number of layers when w, b are scalars")
    .option("--D <D>", "diffusion D = K²/2")
    .option("--mean0 <m>", "initial mean")
    .option("--var0 <v>", "initial variance")
    .option("--order <K>", "highest moment order")
    .option("--n-times <n>", "number of output times")
    .option("--method <name>", "exact | rk4")
    .option("--out <dir>", "output directory (default ./out/moments-linear)")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .addHelpText("after", `
Examples:
  $ kinetic-nde moments --w -1 --b 1 --T 3
  $ kinetic-nde moments --w -1 --D 0.125 --T 10 --order 6
  $ kinetic-nde moments --w "[-1,-0.5,-2]" --b "[0,1,0]" --T 3 --method rk4
${OUTPUT_HELP}`)
    .action((flags: Flags) => {
      const fields: Record<string, unknown> = {};
      for (const k of ["w", "b", "T", "layers", "D", "mean0", "var0", "order", "nTimes", "method"] as const) {
        if (flags[k] !== undefined) fields[k] = flagValue(flags[k]!);
      }
      const cfg = buildConfig(momentsSchema, flags.config, fields);
      const out = outDirFor(flags, "moments", "linear");
      const params = createScalarNetwork({
        sigma: "identity",
        w: cfg.w,
        b: cfg.b,
        T: cfg.T,
        ...(typeof cfg.w === "number" && typeof cfg.b === "number" ? { nLayers: cfg.layers } : {}),
      });
      const t = Array.from({ length: cfg.nTimes }, (_, i) => (cfg.T * i) / (cfg.nTimes - 1));
      const r = solveMomentHierarchy({ params, m0: gaussianRawMoments(cfg.mean0, cfg.var0, cfg.order), D: cfg.D }, { method: cfg.method, saveAt: t });
      const K = r.order;
      const data: Record<string, Float64Array> = { t: r.t };
      for (let k = 0; k <= K; k++) data[`m${k}`] = Float64Array.from({ length: r.t.length }, (_, s) => r.m[s * (K + 1) + k]!);
      data["mean"] = r.mean;
      data["variance"] = r.variance;
      const last = r.t.length - 1;
      process.exitCode = finish(out, {
        id: "moments",
        config: cfg,
        seed: 0,
        series: { moments: { columns: Object.keys(data), data, units: { t: "time t" }, description: "raw moments m_k(t), mean and variance" } },
        summary: { status: r.status, T: cfg.T, mean_T: r.mean[last]!, variance_T: r.variance[last]!, ...(cfg.D > 0 && typeof cfg.w === "number" && cfg.w < 0 ? { stationary_variance: cfg.D / Math.abs(cfg.w) } : {}) },
        checks: [],
        figures: [
          {
            id: "moments",
            title: `Moments, σ = id${cfg.D > 0 ? `, D = ${cfg.D}` : ""}`,
            xLabel: "time t",
            yLabel: "value",
            layers: [
              { kind: "line", series: "moments", x: "t", y: "m1", label: "m₁ (mean)" },
              { kind: "line", series: "moments", x: "t", y: "m2", label: "m₂" },
              { kind: "line", series: "moments", x: "t", y: "variance", label: "Var", dashed: true },
            ],
            caption: "Raw moments from the closed hierarchy; the variance from its own equation V' = 2wV + 2D.",
          },
        ],
      }, [r.status], flags);
    });
}
