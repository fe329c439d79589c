/**
 * mean-field-training — the same ResNet trained on the class densities (the optimal-control problem of
 * the Vlasov equation, exact discrete-adjoint gradients) and on M particles, in 1-D and on 2-D blobs;
 * they agree to the grid and sampling error.
 */
import { createNetwork, createRng, initNetwork, type NetworkParams, predict, train } from "@kinetic-nde/core";
import { cellCenters, createGrid1D, createGrid2D, type Grid1D } from "@kinetic-nde/datasets";
import { classificationDensityLoss, trainDensity, vlasovGradient } from "@kinetic-nde/mean-field";
import * as z from "zod";
import { makeBoundCheck } from "../checks.js";
import { PALETTE, defineExperiment } from "../internal/define.js";
import { histogram } from "../internal/grids.js";
import { r6, stages, table } from "../internal/util.js";

const schema = z
  .object({
    sigma: z.enum(["tanh", "sigmoid", "softplus", "identity"]).default("tanh").describe("activation σ"),
    layers: z.number().int().min(1).max(10).default(3).describe("depth L"),
    T: z.number().positive().max(4).default(1).describe("horizon T (Δt = T/L)"),
    separation: z.number().min(0).max(3).default(1).describe("class means ∓separation"),
    std: z.number().min(0.2).max(2).default(0.6).describe("class standard deviation"),
    cells: z.number().int().min(50).max(4000).default(400).describe("cells of the density grid"),
    particles: z.number().int().min(1000).max(200_000).default(10_000).describe("particles M per particle run"),
    epochs: z.number().int().min(1).max(500).default(40).describe("epochs of both trainings"),
    optimizer: z.enum(["gd", "adam", "lbfgs"]).default("gd").describe("optimiser of both trainings"),
    learningRate: z.number().positive().max(10).default(0.2).describe("learning rate"),
    cells2d: z
      .number()
      .int()
      .min(16)
      .max(160)
      .default(64)
      .describe("cells per side of the 2-D grid (blobs case; the coarse grid has half)"),
  })
  .strict();

/** The two-class experiment problem: densities, grid, initial network and read-out. */
interface Setup {
  readonly network: NetworkParams;
  readonly head0: number[];
  readonly f0: ((x: number) => number)[];
  readonly lo: number;
  readonly hi: number;
}

/** Density loss J_n at (params, head) on n cells, with the adjoint gradient. */
function densityLoss(s: Setup, params: NetworkParams, head: ArrayLike<number>, n: number, dt?: number) {
  const grid = createGrid1D(s.lo, s.hi, n);
  const loss = classificationDensityLoss({ nClasses: 2, dimension: 1 });
  return vlasovGradient({ params, grid, f0: s.f0 }, loss, { theta: Float64Array.from(head), ...(dt !== undefined ? { dt } : {}) });
}

/**
 * A fixed step with CFL number 0.4 for every layer of `params` on the n-cell grid. The adjoint holds
 * the step sequence fixed; the CFL rule would make the steps depend on θ, so finite differences of
 * the solve are taken with this fixed step.
 */
function fixedStep(s: Setup, params: NetworkParams, n: number): number {
  const dx = (s.hi - s.lo) / n;
  let vMax = 0;
  for (let k = 0; k < params.W.length; k++)
    for (let j = 0; j <= n; j++) vMax = Math.max(vMax, Math.abs(params.sigma.sigma(params.W[k]! * (s.lo + j * dx) + params.b[k]!)));
  return vMax > 0 ? (0.4 * dx) / vMax : params.T;
}

/** Mean and standard deviation of the per-sample cross-entropy of the particles (rk4 layers). */
function particleLoss(params: NetworkParams, head: ArrayLike<number>, x: Float64Array, labels: Int32Array) {
  const out = predict({ params, scheme: "rk4" }, x).outputs;
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const a = head[0]! * out[i]! + head[2]!,
      b = head[1]! * out[i]! + head[3]!;
    const mx = Math.max(a, b);
    const l = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx)) - (labels[i] === 0 ? a : b);
    s1 += l;
    s2 += l * l;
  }
  const mean = s1 / x.length;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / x.length - mean * mean)), out };
}

const thetaOf = (p: NetworkParams, head: ArrayLike<number>) => [...p.W, ...p.b, ...Array.from(head)];
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

/** Mean, standard deviation and final states of the per-sample cross-entropy in 2-D (rk4 layers; read-out A 2×2 row-major, then c). */
function particleLoss2D(params: NetworkParams, head: ArrayLike<number>, x: Float64Array, labels: Int32Array) {
  const out = predict({ params, scheme: "rk4" }, x).outputs;
  const M = labels.length;
  let s1 = 0,
    s2 = 0;
  for (let i = 0; i < M; i++) {
    const u = out[2 * i]!,
      v = out[2 * i + 1]!;
    const a = head[0]! * u + head[1]! * v + head[4]!,
      b = head[2]! * u + head[3]! * v + head[5]!;
    const mx = Math.max(a, b);
    const l = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx)) - (labels[i] === 0 ? a : b);
    s1 += l;
    s2 += l * l;
  }
  const mean = s1 / M;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / M - mean * mean)), out };
}

/**
 * The 2-D case: blobs N((∓m, ∓m/2), sd² I) of mass ½ each, the same σ, depth, horizon and optimiser
 * as the 1-D case; density training on n² and (n/2)² cells against particle training on two samples.
 */
function blobs2D(config: z.output<typeof schema>, seed: number, opts: Record<string, unknown>) {
  const { sigma, layers: L, T, separation: m, std: sd, particles: M } = config;
  const c = [
    [-m, -m / 2],
    [m, m / 2],
  ] as const;
  const blob = (k: number) => (x: number, y: number) =>
    (0.5 * Math.exp(-((x - c[k]![0]) ** 2 + (y - c[k]![1]) ** 2) / (2 * sd * sd))) / (2 * Math.PI * sd * sd);
  const f0 = [blob(0), blob(1)];
  const reach = sigma === "tanh" || sigma === "sigmoid" ? T : 2 * T + 2;
  const hx = m + 5 * sd + reach,
    hy = m / 2 + 5 * sd + reach;
  const network = initNetwork({ sigma, d: 2, nLayers: L, T, init: "random", scale: 1, seed });
  const head0 = [0.5, 0, -0.5, 0, 0, 0];
  const n = config.cells2d,
    nh = Math.max(8, Math.round(n / 2));
  const ny = (k: number) => Math.max(8, Math.round((k * hy) / hx));
  const run = (k: number) =>
    trainDensity(
      {
        network,
        f0,
        grid: createGrid2D([-hx, hx], [-hy, hy], k, ny(k)),
        loss: classificationDensityLoss({ nClasses: 2, dimension: 2, initialTheta: head0 }),
      },
      opts,
    );
  const dens = run(n);
  const dens2 = run(nh);
  const readout = { nOut: 2, weights: Float64Array.of(0.5, 0, -0.5, 0), bias: Float64Array.of(0, 0) };
  const runs = [0, 1].map((k) => {
    const rng = createRng(seed, 20 + k);
    const x = new Float64Array(2 * M);
    const labels = new Int32Array(M);
    for (let i = 0; i < M; i++) {
      const q = i % 2;
      labels[i] = q;
      x[2 * i] = c[q]![0] + sd * rng.normal();
      x[2 * i + 1] = c[q]![1] + sd * rng.normal();
    }
    const r = train({ x, labels, loss: { kind: "softmax", nClasses: 2 }, network, readout }, { ...opts, scheme: "rk4" });
    return { r, x, labels, head: [...r.readout!.weights, ...r.readout!.bias] };
  });
  const [p, q] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const fin = particleLoss2D(p.r.params, p.head, p.x, p.labels);
  const gridJ = 2 * Math.abs(dens.stats.finalLoss - dens2.stats.finalLoss);
  // eight RK4 steps per layer against one: the particles' time-stepping error (the density level
  // transports with each layer's exact flow, to the grid error)
  const refine = (w: NetworkParams) =>
    createNetwork({
      sigma,
      d: 2,
      W: Array.from({ length: 8 * L }, (_, i) => Array.from(w.W.subarray(4 * Math.floor(i / 8), 4 * Math.floor(i / 8) + 4))),
      b: Array.from({ length: 8 * L }, (_, i) => Array.from(w.b.subarray(2 * Math.floor(i / 8), 2 * Math.floor(i / 8) + 2))),
      T,
    });
  const timeJ = 2 * Math.abs(fin.mean - particleLoss2D(refine(p.r.params), p.head, p.x, p.labels).mean);
  const runJ = 2 * Math.abs(fin.mean - particleLoss2D(q.r.params, q.head, q.x, q.labels).mean);
  const tolJ = gridJ + timeJ + runJ + (4 * fin.sd) / Math.sqrt(M);
  const dJ = Math.abs(fin.mean - dens.stats.finalLoss);
  const td = thetaOf(dens.params, dens.head);
  const tp = thetaOf(p.r.params, p.head),
    tq = thetaOf(q.r.params, q.head);
  const spread = dist(tp, tq);
  const dTheta = dist(
    td,
    tp.map((v, i) => 0.5 * (v + tq[i]!)),
  );
  const tolTheta = 2 * spread + 2 * dist(thetaOf(dens2.params, dens2.head), td);
  // figure data: loss curves, up to 300 particles per class at T, class means at T
  const E = Math.max(dens.history.loss.length, p.r.history.loss.length);
  const pad = (h: Float64Array) => Float64Array.from({ length: E }, (_, i) => (i < h.length ? h[i]! : Number.NaN));
  const points = [0, 1].map((k) => {
    const xs: number[] = [],
      ys: number[] = [];
    for (let i = k; i < M && xs.length < 300; i += 2) {
      xs.push(fin.out[2 * i]!);
      ys.push(fin.out[2 * i + 1]!);
    }
    return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
  });
  const g = createGrid2D([-hx, hx], [-hy, hy], n, ny(n));
  const mx: number[] = [],
    my: number[] = [];
  for (const f of dens.f) {
    let w = 0,
      sx = 0,
      sy = 0;
    for (let i = 0; i < g.nx; i++)
      for (let j = 0; j < g.ny; j++) {
        const v = f[i * g.ny + j]!;
        w += v;
        sx += v * (g.xMin + (i + 0.5) * g.dx);
        sy += v * (g.yMin + (j + 0.5) * g.dy);
      }
    mx.push(sx / w);
    my.push(sy / w);
  }
  for (let k = 0; k < 2; k++) {
    let sx = 0,
      sy = 0,
      cnt = 0;
    for (let i = k; i < M; i += 2, cnt++) {
      sx += fin.out[2 * i]!;
      sy += fin.out[2 * i + 1]!;
    }
    mx.push(sx / cnt);
    my.push(sy / cnt);
  }
  return {
    dens,
    statusParticles: p.r.status === "success" && q.r.status === "success" ? "success" : p.r.status !== "success" ? p.r.status : q.r.status,
    fin,
    tolJ,
    dJ,
    dTheta,
    tolTheta,
    epoch: Float64Array.from({ length: E }, (_, i) => i + 1),
    lossDensity: pad(dens.history.loss),
    lossParticles: pad(p.r.history.loss),
    points,
    means: { x: Float64Array.from(mx), y: Float64Array.from(my) },
  };
}

/** The mean-field-training experiment. */
export const meanFieldTraining = defineExperiment({
  id: "mean-field-training",
  title: "Training at the density level",
  summary:
    "Training as optimal control of the Vlasov equation: a ResNet is trained on two class densities (1-D Gaussians, cross-entropy of a softmax read-out) with exact discrete-adjoint gradients, and the same network is trained on M particles from the same initialisation; the same comparison is made in 2-D on two Gaussian blobs. The adjoint gradient is checked against central finite differences at the start; the losses and parameters of the two trainings agree to the grid error (n vs n/2 cells) plus the sampling error (k/√M and the spread of two particle runs).",
  schema,
  quick: { cells: 200, particles: 4000, epochs: 25, cells2d: 32 },
  controls: [
    { key: "sigma", label: "activation σ", kind: "select", options: ["tanh", "sigmoid", "softplus", "identity"] },
    { key: "layers", label: "layers L", kind: "range", min: 1, max: 6, step: 1 },
    { key: "separation", label: "class separation", kind: "range", min: 0, max: 2, step: 0.1 },
    { key: "epochs", label: "epochs", kind: "range", min: 5, max: 100, step: 5 },
    { key: "particles", label: "particles M", kind: "range", min: 1000, max: 40_000, step: 1000 },
  ],
  async run(config, ctx) {
    const { sigma, layers, T, separation: m, std: sd, cells, particles: M } = config;
    const st = stages(ctx, [1, 3, 6, 2, 4]);
    // The grid error of the n-cell result is at most |J_n − J_{n/2}| for a scheme of order ≥ 1 (it is
    // |J_n − J_{n/2}| / (2^p − 1)); the tolerances below take twice that.
    const half = Math.max(25, Math.round(cells / 2));
    await st.stage("finite-difference check of the adjoint gradient");
    const gauss = (mu: number) => (x: number) => (0.5 * Math.exp(-((x - mu) ** 2) / (2 * sd * sd))) / (sd * Math.sqrt(2 * Math.PI));
    // Domain: 6 standard deviations around the classes plus the largest displacement |σ| T (≤ T·max|σ|
    // on the domain; identity and softplus grow with |x|, so a margin of 2T + 2).
    const reach = sigma === "tanh" || sigma === "sigmoid" ? T : 2 * T + 2;
    const s: Setup = {
      network: initNetwork({ sigma, d: 1, nLayers: layers, T, init: "random", scale: 1, seed: ctx.seed }),
      head0: [0.5, -0.5, 0, 0],
      f0: [gauss(-m), gauss(m)],
      lo: -m - 6 * sd - reach,
      hi: m + 6 * sd + reach,
    };
    const L = layers;
    // Central differences of J_n in every parameter against the adjoint (ε = 1e-5: truncation ~1e-10,
    // round-off ~1e-11 relative); the scale is the gradient's largest entry.
    const dtFd = fixedStep(s, s.network, cells);
    const g0 = densityLoss(s, s.network, s.head0, cells, dtFd);
    const grad0 = [...g0.gradW, ...g0.gradB, ...g0.gradTheta];
    const th0 = thetaOf(s.network, s.head0);
    const eps = 1e-5;
    let fdErr = 0;
    const gScale = Math.max(...grad0.map(Math.abs));
    const at = (q: number, e: number) => {
      const t = th0.slice();
      t[q]! += e;
      const p = createNetwork({ sigma, d: 1, W: t.slice(0, L), b: t.slice(L, 2 * L), T });
      return densityLoss(s, p, t.slice(2 * L), cells, dtFd).loss;
    };
    for (let q = 0; q < th0.length; q++) fdErr = Math.max(fdErr, Math.abs((at(q, eps) - at(q, -eps)) / (2 * eps) - grad0[q]!) / gScale);

    await st.stage(`density training on ${cells} and ${half} cells`);
    const opts = {
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      epochs: config.epochs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    };
    const dloss = () => classificationDensityLoss({ nClasses: 2, dimension: 1, initialTheta: s.head0 });
    const dens = trainDensity({ network: s.network, grid: createGrid1D(s.lo, s.hi, cells), f0: s.f0, loss: dloss() }, opts);
    const dens2 = trainDensity({ network: s.network, grid: createGrid1D(s.lo, s.hi, half), f0: s.f0, loss: dloss() }, opts);

    await st.stage(`particle training, M = ${M}, two independent samples`);
    const readout = { nOut: 2, weights: Float64Array.of(0.5, -0.5), bias: Float64Array.of(0, 0) };
    const runs = [0, 1].map((k) => {
      const rng = createRng(ctx.seed, 10 + k);
      const x = new Float64Array(M);
      const labels = new Int32Array(M);
      for (let i = 0; i < M; i++) {
        labels[i] = i % 2;
        x[i] = (i % 2 ? m : -m) + sd * rng.normal();
      }
      const r = train({ x, labels, loss: { kind: "softmax", nClasses: 2 }, network: s.network, readout }, { ...opts, scheme: "rk4" });
      return { r, x, labels, head: [...r.readout!.weights, ...r.readout!.bias] };
    });
    const p = runs[0]!;

    await st.stage("agreement");
    const init = particleLoss(s.network, s.head0, p.x, p.labels);
    const fin = particleLoss(p.r.params, p.head, p.x, p.labels);
    const gridJ = 2 * Math.abs(dens.stats.finalLoss - dens2.stats.finalLoss);
    // The particles take one RK4 step per layer, the density the exact flow of each layer (to the grid
    // error): the difference of J between one and eight RK4 steps per layer bounds that model error.
    const refine = (q: NetworkParams) =>
      createNetwork({
        sigma,
        d: 1,
        W: Array.from({ length: 8 * L }, (_, i) => q.W[Math.floor(i / 8)]!),
        b: Array.from({ length: 8 * L }, (_, i) => q.b[Math.floor(i / 8)]!),
        T,
      });
    const timeJ = 2 * Math.abs(fin.mean - particleLoss(refine(p.r.params), p.head, p.x, p.labels).mean);
    // The trained particle loss varies from sample to sample through the training as well (not only
    // through the Monte Carlo error at fixed θ): the difference of two independent runs measures it.
    const r1 = runs[1]!;
    const runJ = 2 * Math.abs(fin.mean - particleLoss(r1.r.params, r1.head, r1.x, r1.labels).mean);
    const tolJ = gridJ + timeJ + runJ + (4 * fin.sd) / Math.sqrt(M);
    const dJ = Math.abs(fin.mean - dens.stats.finalLoss);
    const Jdp = densityLoss(s, p.r.params, p.head, cells).loss;
    const dJdp = Math.abs(Jdp - dens.stats.finalLoss);
    const td = thetaOf(dens.params, dens.head);
    const spread = dist(thetaOf(p.r.params, p.head), thetaOf(runs[1]!.r.params, runs[1]!.head));
    const gridTheta = dist(thetaOf(dens2.params, dens2.head), td);
    const tp = thetaOf(p.r.params, p.head),
      tp2 = thetaOf(runs[1]!.r.params, runs[1]!.head);
    const dTheta = dist(
      td,
      tp.map((v, i) => 0.5 * (v + tp2[i]!)),
    );
    // The mean of the two particle runs has sampling noise σ/√2 per parameter, their difference √2 σ: the
    // distance density ↔ mean is about spread/2 (times a ratio of χ variables with ~2L + 2 degrees of
    // freedom, below 4 with probability > 99.9 %), plus the grid effect.
    const tolTheta = 2 * spread + 2 * gridTheta;

    await st.stage(`2-D blobs: density training on ${config.cells2d}² and ${Math.round(config.cells2d / 2)}² cells, particles`);
    const b2 = blobs2D(config, ctx.seed, opts);
    // Series: loss curves, the trained field of every layer, class densities at 0 and T.
    const E = Math.max(dens.history.loss.length, p.r.history.loss.length);
    const epoch = Float64Array.from({ length: E }, (_, i) => i + 1);
    const pad = (h: Float64Array) => Float64Array.from({ length: E }, (_, i) => (i < h.length ? h[i]! : Number.NaN));
    const grid = createGrid1D(s.lo, s.hi, cells) as Grid1D;
    const xc = cellCenters(grid);
    const field: Record<string, ArrayLike<number>> = { x: xc };
    for (let k = 0; k < L; k++) {
      field[`density_${k + 1}`] = Float64Array.from(xc, (x) => dens.params.sigma.sigma(dens.params.W[k]! * x + dens.params.b[k]!));
      field[`particles_${k + 1}`] = Float64Array.from(xc, (x) => p.r.params.sigma.sigma(p.r.params.W[k]! * x + p.r.params.b[k]!));
    }
    const hgrid = createGrid1D(s.lo, s.hi, Math.min(cells, 200));
    const expand = (h: Float64Array) =>
      Float64Array.from(xc, (x) => 0.5 * h[Math.min(hgrid.n - 1, Math.max(0, Math.floor((x - hgrid.xMin) / hgrid.dx)))]!);
    const densities = {
      x: xc,
      f0_class0: Float64Array.from(xc, s.f0[0]!),
      f0_class1: Float64Array.from(xc, s.f0[1]!),
      fT_class0: dens.f[0]!,
      fT_class1: dens.f[1]!,
      particles_class0: expand(histogram(hgrid, fin.out, 2, 0)),
      particles_class1: expand(histogram(hgrid, fin.out, 2, 1)),
    };
    st.done();
    const palette = (k: number) => PALETTE[k % PALETTE.length]!;
    return {
      id: "mean-field-training",
      config,
      seed: ctx.seed,
      series: {
        history: table(
          { epoch, density: pad(dens.history.loss), particles: pad(p.r.history.loss) },
          { epoch: "epoch" },
          "training loss per epoch: density level (n cells) and particles (M samples)",
        ),
        field: table(field, { x: "x" }, "trained velocity σ(W_k x + b_k) of every layer k, density- and particle-trained"),
        densities: table(
          densities,
          { x: "x" },
          "class densities at t = 0 and at T (density-trained network), and particle histograms at T (particle-trained)",
        ),
        history2d: table(
          { epoch: b2.epoch, density: b2.lossDensity, particles: b2.lossParticles },
          { epoch: "epoch" },
          "2-D blobs: training loss per epoch, density level (n² cells) and particles (M samples)",
        ),
        particles2d_0: table(
          b2.points[0]!,
          { x: "x₁", y: "x₂" },
          "2-D blobs: particles of class 0 at T (particle-trained network; at most 300)",
        ),
        particles2d_1: table(
          b2.points[1]!,
          { x: "x₁", y: "x₂" },
          "2-D blobs: particles of class 1 at T (particle-trained network; at most 300)",
        ),
        means2d: table(b2.means, { x: "x₁", y: "x₂" }, "2-D blobs: class means at T, density level (rows 0, 1) and particles (rows 2, 3)"),
      },
      summary: {
        status_density: dens.status,
        status_particles: p.r.status,
        loss_initial_density: r6(g0.loss),
        loss_initial_particles: r6(init.mean),
        loss_final_density: r6(dens.stats.finalLoss),
        loss_final_particles: r6(fin.mean),
        loss_tolerance: r6(tolJ),
        parameter_distance: r6(dTheta),
        parameter_spread_particles: r6(spread),
        parameter_tolerance: r6(tolTheta),
        fd_gradient_error: fdErr,
        status_density_2d: b2.dens.status,
        loss_final_density_2d: r6(b2.dens.stats.finalLoss),
        loss_final_particles_2d: r6(b2.fin.mean),
        loss_tolerance_2d: r6(b2.tolJ),
        parameter_distance_2d: r6(b2.dTheta),
        parameter_tolerance_2d: r6(b2.tolTheta),
      },
      checks: [
        makeBoundCheck(
          "fd-gradient",
          "the adjoint gradient of the density loss at the start matches central differences (max error / max |∇J|)",
          fdErr,
          1e-6,
        ),
        makeBoundCheck(
          "trained",
          "both trainings end in success and lower the loss: J_final / J_initial (density level)",
          dens.status === "success" && p.r.status === "success" ? dens.stats.finalLoss / g0.loss : Number.NaN,
          0.9,
        ),
        makeBoundCheck(
          "loss-agreement",
          "particle loss at the particle-trained parameters vs density loss at the density-trained ones: |ΔJ| ≤ 2|J_n − J_m| + 2|J_rk4 − J_rk4×8| + 2|J_run1 − J_run2| + 4 sd/√M (m = n/2 cells; rk4×8: eight RK4 steps per layer; two independent particle runs)",
          dJ,
          tolJ,
        ),
        makeBoundCheck(
          "density-loss-at-particle-parameters",
          "the density loss at the particle-trained parameters is within the same tolerance of the density-trained loss",
          dJdp,
          tolJ,
        ),
        makeBoundCheck(
          "parameter-agreement",
          "|θ_density − mean of two particle runs| ≤ 2 (their distance + |θ_n − θ_m|), m = n/2 cells",
          dTheta,
          tolTheta,
        ),
        makeBoundCheck(
          "trained-2d",
          "2-D blobs: both trainings end in success and lower the loss: J_final / J_initial (density level)",
          b2.dens.status === "success" && b2.statusParticles === "success"
            ? b2.dens.stats.finalLoss / b2.dens.stats.initialLoss
            : Number.NaN,
          0.9,
        ),
        makeBoundCheck(
          "loss-agreement-2d",
          "2-D blobs: |J_particles − J_density| at the trained parameters ≤ 2|J_n − J_m| + 2|J_rk4 − J_rk4×8| + 2|J_run1 − J_run2| + 4 sd/√M (n², m² = (n/2)² cells)",
          b2.dJ,
          b2.tolJ,
        ),
        makeBoundCheck(
          "parameter-agreement-2d",
          "2-D blobs: |θ_density − mean of two particle runs| ≤ 2 (their distance + |θ_n − θ_m|)",
          b2.dTheta,
          b2.tolTheta,
        ),
      ],
      figures: [
        {
          id: "loss",
          title: `Training loss: densities (${cells} cells) and particles (M = ${M})`,
          xLabel: "epoch",
          yLabel: "cross-entropy",
          logY: true,
          layers: [
            { kind: "line", series: "history", x: "epoch", y: "density", label: "density level", color: PALETTE[0]! },
            { kind: "line", series: "history", x: "epoch", y: "particles", label: "particles", color: PALETTE[1]!, dashed: true },
          ],
          caption: `Final losses ${r6(dens.stats.finalLoss)} (density) and ${r6(fin.mean)} (particles); tolerance ${r6(tolJ)}.`,
        },
        {
          id: "field",
          title: "Trained vector field σ(W_k x + b_k), layer by layer",
          xLabel: "x",
          yLabel: "velocity",
          layers: Array.from({ length: L }, (_, k) => [
            { kind: "line" as const, series: "field", x: "x", y: `density_${k + 1}`, label: `layer ${k + 1}, density`, color: palette(k) },
            {
              kind: "line" as const,
              series: "field",
              x: "x",
              y: `particles_${k + 1}`,
              label: `layer ${k + 1}, particles`,
              color: palette(k),
              dashed: true,
            },
          ]).flat(),
          caption: `Parameter distance ${r6(dTheta)} (tolerance ${r6(tolTheta)}); two particle runs differ by ${r6(spread)}.`,
        },
        {
          id: "densities",
          title: `Class densities at t = 0 and T = ${T}`,
          xLabel: "x",
          yLabel: "density",
          layers: [
            { kind: "line", series: "densities", x: "x", y: "f0_class0", label: "class 0, t = 0", color: PALETTE[0]!, dashed: true },
            { kind: "line", series: "densities", x: "x", y: "f0_class1", label: "class 1, t = 0", color: PALETTE[1]!, dashed: true },
            { kind: "line", series: "densities", x: "x", y: "fT_class0", label: "class 0 at T (density level)", color: PALETTE[0]! },
            { kind: "line", series: "densities", x: "x", y: "fT_class1", label: "class 1 at T (density level)", color: PALETTE[1]! },
            { kind: "step", series: "densities", x: "x", y: "particles_class0", label: "class 0 at T (particles)", color: PALETTE[2]! },
            { kind: "step", series: "densities", x: "x", y: "particles_class1", label: "class 1 at T (particles)", color: PALETTE[3]! },
          ],
          caption: "The trained flow pulls the classes apart; the particle histograms follow the transported densities.",
        },
        {
          id: "blobs-2d",
          title: `2-D blobs at T: particles and class means (density ${config.cells2d}², particles M = ${M})`,
          xLabel: "x₁",
          yLabel: "x₂",
          layers: [
            { kind: "scatter", series: "particles2d_0", x: "x", y: "y", label: "class 0, particles", color: "#9ec5e8" },
            { kind: "scatter", series: "particles2d_1", x: "x", y: "y", label: "class 1, particles", color: "#f3b995" },
            {
              kind: "scatter",
              series: "means2d",
              x: "x",
              y: "y",
              label: "class means: density (0, 1), particles (2, 3)",
              color: PALETTE[2]!,
            },
          ],
          caption: `Final losses ${r6(b2.dens.stats.finalLoss)} (density) and ${r6(b2.fin.mean)} (particles), tolerance ${r6(b2.tolJ)}; parameter distance ${r6(b2.dTheta)} (tolerance ${r6(b2.tolTheta)}).`,
        },
      ],
    };
  },
});
