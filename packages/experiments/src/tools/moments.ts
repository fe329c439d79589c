/**
 * Tool `moments`: the closed moment hierarchy of the linear network (σ = id, d = 1).
 * @packageDocumentation
 */
import { createScalarNetwork } from "@kinetic-nde/core";
import { requireFits } from "@kinetic-nde/core/validate";
import { gaussianRawMoments, solveMomentHierarchy } from "@kinetic-nde/moments";
import * as z from "zod";
import { defineExperiment } from "../internal/define.js";
import { CONTROLS } from "../internal/controls.js";
import { linspace, stages, table } from "../internal/util.js";
import { numOrList } from "./shared.js";

/** Config schema of the tool (zod; defaults and limits; unknown keys are errors). */
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

/** Config of the `moments` tool (defaults applied). */
export type MomentsConfig = z.output<typeof momentsSchema>;

/**
 * The `moments` tool: dm_k/dt = k w m_k + k b m_{k-1} + k(k-1) D m_{k-2} from Gaussian initial
 * moments, exactly (matrix exponential per layer) or by RK4; raw moments, mean and variance over time.
 * @remarks Memory: (order + 4) doubles per output time, at most 100 001 times (a few MiB).
 */
export const momentsTool = defineExperiment({
  id: "moments",
  title: "Moment hierarchy of the linear network",
  summary:
    "For σ = id the moments of the density obey a closed linear hierarchy dmₖ/dt = k w mₖ + k b mₖ₋₁ + k(k-1) D mₖ₋₂: the raw moments, the mean and the variance over time, with and without diffusion.",
  schema: momentsSchema,
  quick: {},
  controls: [
    CONTROLS.w,
    CONTROLS.b,
    { key: "D", label: "diffusion D", kind: "range", min: 0, max: 1, step: 0.025 },
    CONTROLS.T,
    { key: "mean0", label: "initial mean", kind: "range", min: -2, max: 2, step: 0.1 },
    { key: "var0", label: "initial variance", kind: "range", min: 0, max: 2, step: 0.05 },
    { key: "method", label: "solver", kind: "select", options: ["exact", "rk4"] },
  ],
  async run(cfg, ctx) {
    requireFits("nTimes", cfg.nTimes, 8 * (2 * cfg.order + 8));
    const st = stages(ctx, [1, 1]);
    await st.stage("solving the hierarchy");
    const params = createScalarNetwork({
      sigma: "identity",
      w: cfg.w,
      b: cfg.b,
      T: cfg.T,
      ...(typeof cfg.w === "number" && typeof cfg.b === "number" ? { nLayers: cfg.layers } : {}),
    });
    const t = linspace(0, cfg.T, cfg.nTimes);
    const r = solveMomentHierarchy(
      { params, m0: gaussianRawMoments(cfg.mean0, cfg.var0, cfg.order), D: cfg.D },
      { method: cfg.method, saveAt: t },
    );
    await st.stage("outputs");
    const K = r.order;
    const data: Record<string, Float64Array> = { t: r.t };
    for (let k = 0; k <= K; k++) data[`m${k}`] = Float64Array.from({ length: r.t.length }, (_, s) => r.m[s * (K + 1) + k]!);
    data["mean"] = r.mean;
    data["variance"] = r.variance;
    const last = r.t.length - 1;
    st.done();
    return {
      id: "moments",
      config: cfg,
      seed: ctx.seed,
      series: { moments: table(data, { t: "time t" }, "raw moments m_k(t), mean and variance") },
      summary: {
        status: r.status,
        T: cfg.T,
        mean_T: r.mean[last]!,
        variance_T: r.variance[last]!,
        ...(cfg.D > 0 && typeof cfg.w === "number" && cfg.w < 0 ? { stationary_variance: cfg.D / Math.abs(cfg.w) } : {}),
      },
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
    };
  },
});
