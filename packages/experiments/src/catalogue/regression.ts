/**
 * regression — fit y = g(x) with a ResNet; the PDE carries the input density to the output density,
 * compared with the push-forward of the input density by the target g. A second case fits the
 * non-monotone g(x) = x² on [-1, 1] with d = 1 and with the state augmented by zero coordinates.
 */
import { createNamedRng, deriveSeed, forwardResnet, initNetwork, predict, solveOde, train } from "@kinetic-nde/core";
import { cellCenters, createGrid1D, type Grid1D, makeRegression1D, REGRESSION_FUNCTIONS_1D } from "@kinetic-nde/datasets";
import { solveVlasov, wasserstein1Grid, wasserstein1GridSamples } from "@kinetic-nde/mean-field";
import * as z from "zod";
import { makeBoundCheck, makeCheck, makeNotApplicableCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { clampRoundoff, histogram } from "../internal/grids.js";
import { monotoneFloor } from "../internal/isotonic.js";
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
    squareEpochs: z
      .number()
      .int()
      .min(10)
      .max(10_000)
      .default(1500)
      .describe("Adam epochs of the two x² fits on [-1, 1] (d = 1 and augmented; depth, horizon, σ and learning rate as above)"),
    augment: z
      .number()
      .int()
      .min(1)
      .max(4)
      .default(1)
      .describe("zero coordinates appended to each input of the augmented x² fit (state dimension 1 + augment)"),
  })
  .strict()
  .refine((c) => c.xRange[1] > c.xRange[0], { message: "xRange must be increasing", path: ["xRange"] });

type RegressionConfig = z.output<typeof schema>;

/** Inputs of the x² case: cell midpoints of [-1, 1] (symmetric about 0, increasing). */
const SQUARE_SAMPLES = 200;

/**
 * Largest loss of the augmented x² fit that counts as a fit. Over 20 seeds at each depth L = 2, 3, 5, 10,
 * 21, 40 (T = 2, tanh, Adam 0.03, 600 and 1500 epochs, augment 1; augment 2–4 at L = 2 and 21, 10 seeds)
 * the augmented loss was at most 3.8e-3, reached at L = 2 (Δt = 1: two layers); at most 1.3e-3 for
 * L ≥ 3. The floor of any monotone predictor is 0.0281; 5e-3 is an RMS error of 0.1 on a target in [0, 1].
 */
const SQUARE_FIT_BOUND = 5e-3;

/** ½·mean (f_i - y_i)², the mse training loss. */
function halfMse(f: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (f[i]! - y[i]!) ** 2;
  return s / (2 * y.length);
}

/** Whether values at increasing inputs are finite and non-decreasing or non-increasing. */
function isMonotone(f: ArrayLike<number>): boolean {
  let up = true;
  let down = true;
  for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i]!)) return false;
  for (let i = 1; i < f.length; i++) {
    if (f[i]! < f[i - 1]!) up = false;
    if (f[i]! > f[i - 1]!) down = false;
  }
  return up || down;
}

/**
 * The non-monotone case: x² on [-1, 1] (noise-free, {@link SQUARE_SAMPLES} symmetric inputs) fitted by a
 * d = 1 ResNet and by one whose state is augmented to d = 1 + k (inputs (x, 0, …, 0), output the first
 * coordinate), both with the depth, horizon, σ and learning rate of the config; and the floor of every
 * monotone predictor, by isotonic regression.
 */
function fitSquare(config: RegressionConfig, seed: number) {
  const n = SQUARE_SAMPLES;
  const x = Float64Array.from({ length: n }, (_, i) => -1 + (2 * (i + 0.5)) / n);
  const y = Float64Array.from(x, (v) => v * v);
  const floor = monotoneFloor(y);
  const network = (d: number, name: string) =>
    initNetwork({ sigma: config.sigma, d, nLayers: config.layers, T: config.T, init: "random", scale: 0.1, seed: deriveSeed(seed, name) });
  const options = {
    optimizer: "adam",
    learningRate: config.learningRate,
    epochs: config.squareEpochs,
    seed: deriveSeed(seed, "batches"),
    earlyStopping: false,
  } as const;
  const flat = train({ x, targets: y, loss: "mse", network: network(1, "init-square") }, options);
  const aug = train(
    { x, targets: y, loss: "mse", augment: config.augment, network: network(1 + config.augment, "init-augmented") },
    options,
  );
  const flatFit = predict(flat, x).values!;
  const augFit = predict(aug, x).values!;
  // the neural ODE whose forward-Euler discretisation is the d = 1 ResNet: a flow of R, increasing
  const odeFit = solveOde(flat.params, x, { method: "rk4", stepsPerLayer: 8 }).x;
  // an Euler layer x + Δt σ(w x + b) is increasing when Δt·max(0, -w) < 1 (every built-in σ' ≤ 1)
  let stepGain = 0;
  for (const w of flat.params.W) stepGain = Math.max(stepGain, flat.params.dt * Math.max(0, -w));
  return {
    x,
    y,
    floor,
    flat,
    aug,
    flatFit,
    augFit,
    odeFit,
    stepGain,
    flatLoss: halfMse(flatFit, y),
    augLoss: halfMse(augFit, y),
    odeLoss: halfMse(odeFit, y),
    flatMonotone: isMonotone(flatFit),
    odeMonotone: isMonotone(odeFit),
  };
}

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
    "A 1-D ResNet is trained to fit y = g(x) for a monotone g (a 1-D flow map is increasing, so only monotone targets can be matched). The Vlasov equation with the trained parameters carries the uniform input density to an output density, which is compared with g's push-forward of the input density: by the coupling argument W1 ≤ E|x(T) - g(x)|, the fit error bounds the distance. A second case fits the non-monotone x² on [-1, 1]: with d = 1 no flow beats the best monotone fit (isotonic regression, loss 0.028), while the network augmented with a zero coordinate (state (x, 0), output its first coordinate) fits it.",
  schema,
  quick: { epochs: 600, particles: 20_000, cells: 400, squareEpochs: 600 },
  controls: [
    { key: "fn", label: "target g", kind: "select", options: ["cubic", "tanh", "linear"] },
    { key: "layers", label: "depth L", kind: "range", min: 2, max: 40, step: 1 },
    { key: "epochs", label: "epochs", kind: "number", min: 50, max: 5000, step: 50 },
    { key: "noise", label: "target noise", kind: "range", min: 0, max: 0.3, step: 0.01 },
  ],
  async run(config, ctx) {
    const st = stages(ctx, 4);
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

    await st.stage("x² on [-1, 1]: d = 1 and augmented");
    const sq = fitSquare(config, ctx.seed);
    const D = 1 + config.augment;
    const floorTol = 1e-12 * sq.floor.loss;
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
        square: table(
          { x: sq.x, target: sq.y, best_monotone: sq.floor.fit, d1: sq.flatFit, d1_ode: sq.odeFit, augmented: sq.augFit },
          { x: "x" },
          `x² on [-1, 1]: the best monotone fit (isotonic regression), the d = 1 ResNet, the neural ODE of its parameters, and the ResNet augmented to d = ${D} (first coordinate)`,
        ),
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
        square_monotone_floor: r6(sq.floor.loss),
        square_d1_loss: r6(sq.flatLoss),
        square_d1_monotone: sq.flatMonotone ? "yes" : "no (the Euler layers fold)",
        square_d1_step_gain: r6(sq.stepGain),
        square_d1_ode_loss: r6(sq.odeLoss),
        square_augmented_loss: r6(sq.augLoss),
        square_state_dimension: D,
        square_status: sq.flat.status === "success" && sq.aug.status === "success" ? "success" : "non-finite",
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
        !Number.isFinite(sq.flatLoss)
          ? makeBoundCheck("square-d1-floor", "x² on [-1, 1], d = 1: training ended with a finite loss", sq.flatLoss, sq.floor.loss)
          : sq.flatMonotone
            ? makeBoundCheck(
                "square-d1-floor",
                "x² on [-1, 1], d = 1: the ResNet's outputs are monotone in x, so no loss below the isotonic floor (best monotone fit, pool-adjacent-violators): floor ≤ d = 1 loss (tol 1e-12 relative)",
                sq.floor.loss,
                sq.flatLoss + floorTol,
              )
            : makeNotApplicableCheck(
                "square-d1-floor",
                "x² on [-1, 1], d = 1: the ResNet's loss is at least the isotonic floor",
                `the trained Euler layers fold (max Δt·max(0, -w_k) = ${r6(sq.stepGain)} ≥ 1 at Δt = T/L = ${r6(sq.flat.params.dt)}): this ResNet is not a flow, its outputs are not monotone and its loss ${r6(sq.flatLoss)} may undercut the floor ${r6(sq.floor.loss)}; the neural ODE of the same parameters cannot (next check)`,
              ),
        !Number.isFinite(sq.odeLoss)
          ? makeBoundCheck("square-d1-ode-floor", "x² on [-1, 1], d = 1: the neural ODE's outputs are finite", sq.odeLoss, sq.floor.loss)
          : sq.odeMonotone
            ? makeBoundCheck(
                "square-d1-ode-floor",
                "x² on [-1, 1], d = 1: the neural ODE (flow of R, RK4 with 8 steps per layer) of the trained parameters is increasing, so its loss is at least the isotonic floor (tol 1e-12 relative)",
                sq.floor.loss,
                sq.odeLoss + floorTol,
              )
            : makeNotApplicableCheck(
                "square-d1-ode-floor",
                "x² on [-1, 1], d = 1: the neural ODE's loss is at least the isotonic floor",
                "the RK4 solution is not monotone in x: 8 steps per layer do not resolve the flow of these weights",
              ),
        makeBoundCheck(
          "square-augmented-fit",
          `x² on [-1, 1], augmented to d = ${D}: the loss is small, ≤ ${SQUARE_FIT_BOUND} (largest of 20 seeds × depths 2–40 was 3.8e-3)`,
          sq.augLoss,
          SQUARE_FIT_BOUND,
        ),
        makeBoundCheck(
          "square-augmented-beats-floor",
          `x² on [-1, 1], augmented to d = ${D}: the loss is at most a quarter of the floor of every monotone predictor`,
          sq.augLoss,
          sq.floor.loss / 4,
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
          id: "square",
          title: "A non-monotone target: x² with d = 1 and augmented",
          xLabel: "input x",
          yLabel: "output y",
          layers: [
            { kind: "scatter", series: "square", x: "x", y: "target", label: "data y = x²", color: "#aaaaaa" },
            {
              kind: "line",
              series: "square",
              x: "x",
              y: "best_monotone",
              label: "best monotone fit (floor)",
              color: PALETTE[0]!,
              dashed: true,
            },
            { kind: "line", series: "square", x: "x", y: "d1", label: "ResNet, d = 1", color: PALETTE[1]! },
            {
              kind: "line",
              series: "square",
              x: "x",
              y: "d1_ode",
              label: "neural ODE, d = 1 parameters",
              color: PALETTE[3]!,
              dashed: true,
            },
            { kind: "line", series: "square", x: "x", y: "augmented", label: `ResNet augmented to d = ${D}`, color: PALETTE[2]! },
          ],
          caption: `A 1-D flow is increasing, so no d = 1 network that is a flow beats the best monotone fit of x² (loss ${r6(sq.floor.loss)}); the d = 1 ResNet reaches ${r6(sq.flatLoss)}${sq.flatMonotone ? "" : " by folding (its Euler steps are too large to be a flow)"}. Padding each input with ${config.augment} zero${config.augment > 1 ? "s" : ""} and reading the first coordinate, the flow of R${"⁰¹²³⁴⁵⁶⁷⁸⁹"[D] ?? `^${D}`} bends the line and reaches ${r6(sq.augLoss)}. L = ${config.layers}, Adam for ${config.squareEpochs} epochs.`,
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
