/**
 * regression — fit y = g(x) with a ResNet; the PDE carries the input density to the output density,
 * compared with the push-forward of the input density by the target g.
 */
import { createNamedRng, deriveSeed, forwardResnet, initNetwork, solveOde, train } from "@kinetic-nde/core";
import { cellCenters, createGrid1D, type Grid1D, makeRegression1D, REGRESSION_FUNCTIONS_1D } from "@kinetic-nde/datasets";
import { solveVlasov, wasserstein1Grid, wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import * as z from "zod";
import { makeBoundCheck, makeCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { clampRoundoff, histogram } from "../internal/grids.js";
import { linspace, meanVar, r6, stages, table } from "../internal/util.js";

const schema = z
  .object({
    fn: z.enum(["cubic", "tanh", "linear"]).default("cubic").describe("target g (monotone: a 1-D flow map is increasing)"),
    xRange: z.tuple([z.number(), z.number()]).default([-2, 2]).describe("input range; inputs are uniform on it"),
    noise: z.number().min(0).max(1).default(0.05).describe("noise of the training targets"),
    nTrain: z.number().int().min(20).max(20_000).default(200).describe("training points"),
    sigma: z.enum(["tanh", "relu", "leaky-relu", "softplus", "sigmoid", "identity"]).default("tanh").describe("activation σ"),
    layers: z.number().int().min(1).max(100).default(20).describe("ResNet depth L"),
    T: z.number().positive().max(10).default(2).describe("horizon T"),
    epochs: z.number().int().min(10).max(10_000).default(1500).describe("Adam epochs (full batch)"),
    learningRate: z.number().positive().max(1).default(0.03).describe("Adam learning rate"),
    cells: z.number().int().min(100).max(8000).default(800).describe("PDE cells"),
    particles: z.number().int().min(1000).max(1_000_000).default(100_000).describe("particles for the push-forward"),
  })
  .strict()
  .refine((c) => c.xRange[1] > c.xRange[0], { message: "xRange must be increasing", path: ["xRange"] });

/** Histogram on bins `factor` cells wide, expanded back to the grid's cells (less sampling noise). */
function coarseHistogram(grid: Grid1D, x: Float64Array, factor: number): Float64Array {
  const coarse = createGrid1D(grid.xMin, grid.xMax, Math.max(2, Math.floor(grid.n / factor))) as Grid1D;
  const h = histogram(coarse, x);
  const xc = cellCenters(grid);
  return Float64Array.from(xc, (v) => h[Math.min(coarse.n - 1, Math.max(0, Math.floor((v - coarse.xMin) / coarse.dx)))]!);
}

/** The regression experiment. */
export const regression = defineExperiment({
  id: "regression",
  title: "Regression and the push-forward of the input density",
  summary:
    "A 1-D ResNet is trained to fit y = g(x) for a monotone g (a 1-D flow map is increasing, so only monotone targets can be matched). The Vlasov equation with the trained parameters carries the uniform input density to an output density, which is compared with g's push-forward of the input density: by the coupling argument W1 ≤ E|x(T) - g(x)|, the fit error bounds the distance.",
  schema,
  quick: { epochs: 600, particles: 20_000, cells: 400 },
  controls: [
    { key: "fn", label: "target g", kind: "select", options: ["cubic", "tanh", "linear"] },
    { key: "layers", label: "depth L", kind: "range", min: 2, max: 40, step: 1 },
    { key: "epochs", label: "epochs", kind: "number", min: 50, max: 5000, step: 50 },
    { key: "noise", label: "target noise", kind: "range", min: 0, max: 0.3, step: 0.01 },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 3);
    const [a, bnd] = config.xRange;
    const g = REGRESSION_FUNCTIONS_1D[config.fn].g;
    await st.stage("training");
    const ds = makeRegression1D({
      nSamples: config.nTrain,
      seed: deriveSeed(ctx.seed, "data"),
      fn: config.fn,
      xRange: [a, bnd],
      noise: config.noise,
    });
    const network = initNetwork({
      sigma: config.sigma,
      d: 1,
      nLayers: config.layers,
      T: config.T,
      init: "random",
      scale: 0.1,
      seed: deriveSeed(ctx.seed, "init"),
    });
    const tr = train(
      { x: ds.x, targets: ds.targets!, loss: "mse", network },
      {
        optimizer: "adam",
        learningRate: config.learningRate,
        epochs: config.epochs,
        seed: deriveSeed(ctx.seed, "batches"),
        earlyStopping: false,
      },
    );
    const params = tr.params;

    await st.stage("PDE transport of the input density");
    const F0 = (x: number) => (x <= a ? 0 : x >= bnd ? 1 : (x - a) / (bnd - a));
    const probe = solveOde(params, Float64Array.from([a, bnd]), { method: "rk4", stepsPerLayer: 8 }).x;
    const lo = Math.min(probe[0]!, g(a), a) - 0.5,
      hi = Math.max(probe[1]!, g(bnd), bnd) + 0.5;
    const grid = createGrid1D(lo, hi, config.cells) as Grid1D;
    const pde = solveVlasov({ params, f0: { cdf: F0 }, grid });
    // Exact push-forward of the uniform input by g (increasing): F_Y(y) = F0(g^(-1)(y)).
    const ginv = (y: number) => {
      let l = a - 10,
        h = bnd + 10;
      for (let k = 0; k < 200; k++) {
        const m = 0.5 * (l + h);
        if (g(m) < y) l = m;
        else h = m;
      }
      return 0.5 * (l + h);
    };
    const target = new Float64Array(grid.n);
    let Fprev = F0(ginv(grid.xMin));
    for (let i = 0; i < grid.n; i++) {
      const Fnext = F0(ginv(grid.xMin + (i + 1) * grid.dx));
      target[i] = (Fnext - Fprev) / grid.dx;
      Fprev = Fnext;
    }

    await st.stage("particles");
    const M = config.particles;
    const rng = createNamedRng(ctx.seed, "initial");
    const x0 = new Float64Array(M);
    for (let i = 0; i < M; i++) x0[i] = a + (bnd - a) * rng.uniform();
    const flow = solveOde(params, x0, { method: "rk4", stepsPerLayer: 8 }).x;
    let fitL1 = 0;
    for (let i = 0; i < M; i++) fitL1 += Math.abs(flow[i]! - g(x0[i]!));
    fitL1 /= M;
    // MUSCL can leave round-off negatives (~1e-89) in empty cells; the distances require f ≥ 0.
    const fT = clampRoundoff(pde.f);
    const w1PdeTarget = wasserstein1Grid(grid, fT, grid, target);
    const w1PdeParticles = wasserstein1GridSamples(grid, fT, flow);
    // Test error of the ResNet itself (Euler, one step per layer) on fresh noise-free points.
    const xt = linspace(a, bnd, 401);
    const yNet = forwardResnet(params, xt).x;
    const e2 = Float64Array.from(xt, (x, i) => (yNet[i]! - g(x)) ** 2);
    const mse = meanVar(e2).mean;
    // The same error on the training inputs: they are uniform samples of the same interval, so the
    // two agree within the sampling error of a mean of nTrain values of e², 4·sd(e²)/√n, plus the
    // optimism of a least-squares fit to noisy targets, 2pσ²/n for p fitted parameters (a linear
    // model's bound; the network's p = L(d² + d)).
    const yTrain = forwardResnet(params, ds.x).x;
    let mseTrain = 0;
    for (let i = 0; i < ds.x.length; i++) mseTrain += (yTrain[i]! - g(ds.x[i]!)) ** 2;
    mseTrain /= ds.x.length;
    const nParams = params.W.length + params.b.length;
    const genTol = (4 * Math.sqrt(meanVar(e2).variance)) / Math.sqrt(config.nTrain) + (2 * nParams * config.noise ** 2) / config.nTrain;
    st.done();
    const xc = cellCenters(grid);
    return {
      id: "regression",
      config,
      seed: ctx.seed,
      series: {
        data: table(
          { x: ds.x, y: ds.targets! },
          { x: "x", y: "y" },
          `training data y = ${REGRESSION_FUNCTIONS_1D[config.fn].formula} + noise`,
        ),
        fit: table({ x: xt, target: Float64Array.from(xt, g), resnet: yNet }, { x: "x" }, "target g and the trained ResNet's output"),
        densities: table(
          { y: xc, pde: pde.f, target: target, particles: coarseHistogram(grid, flow, 4) },
          { y: "y" },
          "output densities (particle histogram on 4× wider bins)",
        ),
        loss: table({ epoch: Float64Array.from(tr.history.loss, (_, i) => i), loss: tr.history.loss }),
      },
      summary: {
        train_loss_final: r6(tr.stats.finalLoss),
        test_mse_noise_free: r6(mse),
        train_inputs_mse_noise_free: r6(mseTrain),
        flow_fit_l1: r6(fitL1),
        w1_pde_vs_target: r6(w1PdeTarget),
        w1_pde_vs_particles: r6(w1PdeParticles),
        pde_status: pde.status,
        train_status: tr.status,
      },
      checks: [
        makeBoundCheck(
          "training",
          "training reduces the loss: final / initial training loss (Adam, exact gradients)",
          tr.stats.finalLoss / tr.stats.initialLoss,
          1,
        ),
        makeCheck(
          "generalization",
          "the trained ResNet's noise-free error on its training inputs equals that on fresh test points (tol 4·sd(e²)/√n + 2pσ²/n: sampling and fit optimism)",
          mseTrain,
          mse,
          genTol,
        ),
        makeBoundCheck(
          "w1-target",
          "W1(PDE output density, g's push-forward) ≤ E|x(T) - g(x)| + W1(PDE, particles) + 3/√M (coupling and triangle inequality)",
          w1PdeTarget,
          fitL1 + w1PdeParticles + 3 / Math.sqrt(M),
        ),
        makeBoundCheck(
          "w1-particles",
          "the PDE output density agrees with the particles: W1 (bound 3/√M + Δx)",
          w1PdeParticles,
          3 / Math.sqrt(M) + grid.dx,
        ),
      ],
      figures: [
        {
          id: "fit",
          title: `Regression: y = ${REGRESSION_FUNCTIONS_1D[config.fn].formula}`,
          xLabel: "input x",
          yLabel: "output y",
          layers: [
            { kind: "scatter", series: "data", x: "x", y: "y", label: "training data", color: "#aaaaaa" },
            { kind: "line", series: "fit", x: "x", y: "target", label: "target g(x)", color: PALETTE[0]!, dashed: true },
            { kind: "line", series: "fit", x: "x", y: "resnet", label: "trained ResNet x(T)", color: PALETTE[1]! },
          ],
          caption: `L = ${config.layers} layers, σ = ${config.sigma}, Adam for ${config.epochs} epochs.`,
        },
        {
          id: "densities",
          title: "Output density: PDE vs the push-forward by g",
          xLabel: "output y",
          yLabel: "density",
          layers: [
            {
              kind: "line",
              series: "densities",
              x: "y",
              y: "target",
              label: "target: g pushes f0 forward",
              color: PALETTE[0]!,
              dashed: true,
            },
            { kind: "line", series: "densities", x: "y", y: "pde", label: "Vlasov PDE, trained network", color: PALETTE[1]! },
            { kind: "step", series: "densities", x: "y", y: "particles", label: "particles (histogram)", color: PALETTE[2]! },
          ],
          caption: `The uniform input density on [${a}, ${bnd}] carried by the trained network; W1 to the target push-forward ${r6(w1PdeTarget)}.`,
        },
        {
          id: "loss",
          title: "Training loss (MSE)",
          xLabel: "epoch",
          yLabel: "loss",
          logY: true,
          layers: [{ kind: "line", series: "loss", x: "epoch", y: "loss", label: "loss" }],
        },
      ],
    };
  },
});
