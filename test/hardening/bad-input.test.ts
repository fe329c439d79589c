/**
 * Bad input at every public entry point: each case must end in a KineticError with a code and a message
 * naming the argument (a `backticked` name, or the quoted unknown name), or in a result whose status is not
 * "success" — never a RangeError/TypeError, a hang, or a silent NaN reported as success.
 * The table is the reliability claim of the README: its length is counted there.
 */
import { describe, expect, it } from "vitest";
import * as core from "@kinetic-nde/core";
import * as datasets from "@kinetic-nde/datasets";
import * as mf from "@kinetic-nde/mean-field";
import * as fp from "@kinetic-nde/fokker-planck";
import * as mom from "@kinetic-nde/moments";
import * as exps from "@kinetic-nde/experiments";

type Call = () => unknown;
interface Case {
  readonly name: string;
  readonly call: Call;
  /** Expected code; omitted: any KineticError code. */
  readonly code?: core.KineticErrorCode;
}

const net1 = () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0.5, nLayers: 4, T: 1 });
const net2 = () => core.createConstantNetwork({ sigma: "tanh", d: 2, W: [-1, 0, 0, -1], b: [0, 0], T: 1, nLayers: 2 });
const g1 = () => datasets.createGrid1D(-4, 4, 64);
const g2 = () => datasets.createGrid2D([-3, 3], [-3, 3], 16, 16);
const gauss = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
const x1 = () => core.linspaceEnsemble(10, -1, 1);
const rng = () => core.createRng(1);
const bad = [NaN, Infinity, -Infinity] as const;

const cases: Case[] = [];
const add = (name: string, call: Call, code?: core.KineticErrorCode) =>
  cases.push(code === undefined ? { name, call } : { name, call, code });

// ---- core: networks -------------------------------------------------------------------------
add("createScalarNetwork(null)", () => core.createScalarNetwork(null as never));
add("createScalarNetwork(undefined)", () => core.createScalarNetwork(undefined as never));
add("createScalarNetwork nLayers 1e10", () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 1e10, T: 1 }));
add("createScalarNetwork nLayers 0", () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 0, T: 1 }));
add("createScalarNetwork nLayers 2.5", () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 2.5, T: 1 }));
for (const v of bad) add(`createScalarNetwork w ${v}`, () => core.createScalarNetwork({ sigma: "tanh", w: v, b: 0, nLayers: 2, T: 1 }));
for (const v of bad) add(`createScalarNetwork b ${v}`, () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: v, nLayers: 2, T: 1 }));
add("createScalarNetwork T -1", () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 2, T: -1 }));
add("createScalarNetwork T NaN", () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 2, T: NaN }));
add("createScalarNetwork unknown sigma", () => core.createScalarNetwork({ sigma: "tahn", w: -1, b: 0, nLayers: 2, T: 1 }), "NOT_FOUND");
add("createScalarNetwork unknown key", () =>
  core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 2, T: 1, layers: 3 } as never),
);
add("createScalarNetwork w array length mismatch", () =>
  core.createScalarNetwork({ sigma: "tanh", w: [1, 2, 3], b: [0, 0], nLayers: 3, T: 1 }),
);
add("createNetwork d 0", () => core.createNetwork({ sigma: "tanh", d: 0, W: [], b: [], T: 1 }));
add("createNetwork d -1", () => core.createNetwork({ sigma: "tanh", d: -1, W: [1], b: [1], T: 1 }));
add("createNetwork W wrong size", () => core.createNetwork({ sigma: "tanh", d: 2, W: [1, 2, 3], b: [0, 0], T: 1 }));
add("createNetwork W NaN", () => core.createNetwork({ sigma: "tanh", d: 1, W: [NaN], b: [0], T: 1 }));
add("createNetwork null", () => core.createNetwork(null as never));
add("createConstantNetwork nLayers -3", () => core.createConstantNetwork({ sigma: "tanh", W: -1, b: 0, T: 1, nLayers: -3 }));
add("createConstantNetwork T 0", () => core.createConstantNetwork({ sigma: "tanh", W: -1, b: 0, T: 0 }));
add("createConstantNetwork d 1e9", () => core.createConstantNetwork({ sigma: "tanh", d: 1e9, W: -1, b: 0, T: 1 }));
// ---- core: activations ------------------------------------------------------------------------
add("getActivation unknown", () => core.getActivation("nope"), "NOT_FOUND");
add("createLeakyRelu(2)", () => core.createLeakyRelu(2));
add("createLeakyRelu(NaN)", () => core.createLeakyRelu(NaN));
add("registerActivation null", () => core.registerActivation(null as never));
add("registerActivation over a built-in", () => core.registerActivation({ ...core.tanh, name: "tanh" }));
add("hand-built object named like a built-in", () =>
  core.createScalarNetwork({ sigma: { ...core.identity, name: "tanh" }, w: -1, b: 0, nLayers: 1, T: 1 }),
);
// ---- core: particles ----------------------------------------------------------------------------
add("linspaceEnsemble(-1, 0, 1)", () => core.linspaceEnsemble(-1, 0, 1));
add("linspaceEnsemble(0, 0, 1)", () => core.linspaceEnsemble(0, 0, 1));
add("linspaceEnsemble(4, NaN, 1)", () => core.linspaceEnsemble(4, NaN, 1));
add("linspaceEnsemble(4, 0, Infinity)", () => core.linspaceEnsemble(4, 0, Infinity));
add("linspaceEnsemble(1e12, 0, 1)", () => core.linspaceEnsemble(1e12, 0, 1));
add("linspaceEnsemble(2.5, 0, 1)", () => core.linspaceEnsemble(2.5, 0, 1));
add("ensembleFromPoints(null)", () => core.ensembleFromPoints(null as never));
add("ensembleFromPoints ragged", () => core.ensembleFromPoints([[1, 2], [3]]));
add("ensembleFromPoints NaN", () => core.ensembleFromPoints([NaN]));
// ---- core: rng ------------------------------------------------------------------------------------
add("createRng(-1)", () => core.createRng(-1));
add("createRng(NaN)", () => core.createRng(NaN));
add("createRng(1.5)", () => core.createRng(1.5));
add("createRng(1, -1)", () => core.createRng(1, -1));
// ---- core: ODE --------------------------------------------------------------------------------------
add("solveOde d -1 (hang)", () => core.solveOde({ ...net1(), d: -1 } as never, x1()));
add("solveOde d 0", () => core.solveOde({ ...net1(), d: 0 } as never, x1()));
add("solveOde x0 NaN", () => core.solveOde(net1(), new Float64Array([NaN])));
add("solveOde x0 empty", () => core.solveOde(net1(), new Float64Array(0)));
add("solveOde x0 shape (d=2, 3 values)", () => core.solveOde(net2(), new Float64Array(3)));
add("solveOde unknown method", () => core.solveOde(net1(), x1(), { method: "rk5" as never }));
add("solveOde stepsPerLayer 0", () => core.solveOde(net1(), x1(), { stepsPerLayer: 0 }));
add("solveOde euler stepsPerLayer 1e12", () => core.solveOde(net1(), x1(), { method: "euler", stepsPerLayer: 1e12 }));
add("solveOde rtol -1", () => core.solveOde(net1(), x1(), { method: "dopri5", rtol: -1 }));
add("solveOde maxSteps 0", () => core.solveOde(net1(), x1(), { method: "dopri5", maxSteps: 0 }));
add("solveOde saveAt NaN", () => core.solveOde(net1(), x1(), { saveAt: [NaN] }));
add("solveOde saveAt beyond T", () => core.solveOde(net1(), x1(), { saveAt: [0, 5] }));
add("solveOde saveAt unsorted", () => core.solveOde(net1(), x1(), { saveAt: [0.5, 0.2] }));
add(
  "solveOde saveAt huge output",
  () => core.solveOde(net1(), core.linspaceEnsemble(1_000_000, -1, 1), { saveAt: Array.from({ length: 10001 }, (_, i) => i / 10000) }),
  "TOO_LARGE",
);
add("solveOde tEnd negative", () => core.solveOde(net1(), x1(), { tEnd: -1 }));
add("solveOde unknown option", () => core.solveOde(net1(), x1(), { step: 0.1 } as never));
add("solveOde params null", () => core.solveOde(null as never, x1()));
add("forwardResnet x0 not array", () => core.forwardResnet(net1(), [1, 2] as never));
add("solveOdeInto out too short", () => core.solveOdeInto(net1(), x1(), new Float64Array(3)));
// ---- core: SDE --------------------------------------------------------------------------------------
const sdeNet = () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 4, T: 1, K: 0.5 });
add("solveSde unknown method", () => core.solveSde(sdeNet(), x1(), { method: "heun" as never }));
add("solveSde seed -1", () => core.solveSde(sdeNet(), x1(), { seed: -1 }));
add("solveSde seed NaN", () => core.solveSde(sdeNet(), x1(), { seed: NaN }));
add("solveSde stepsPerLayer -2", () => core.solveSde(sdeNet(), x1(), { stepsPerLayer: -2 }));
add("solveSde stepsPerLayer 1e12", () => core.solveSde(sdeNet(), x1(), { stepsPerLayer: 1e12 }));
add("solveSde x0 Infinity", () => core.solveSde(sdeNet(), new Float64Array([Infinity])));
add("solveSde unknown option", () => core.solveSde(sdeNet(), x1(), { noise: 1 } as never));
add("solveSde firstStream -1", () => core.solveSde(sdeNet(), x1(), { firstStream: -1 }));
// ---- core: characteristics ---------------------------------------------------------------------------
add("characteristic1D unknown sigma", () => core.characteristic1D("nope", -1, 0, 0, 1), "NOT_FOUND");
add("characteristic1D t NaN", () => core.characteristic1D("tanh", -1, 0, 0, NaN));
add("characteristic1D x0 Infinity", () => core.characteristic1D("tanh", -1, 0, Infinity, 1));
add("matrixExponential NaN", () => core.matrixExponential([NaN]));
add("matrixExponential shape", () => core.matrixExponential([1, 2, 3]));
add("matrixExponential overflow", () => core.matrixExponential([1e6]));
add("linearFlow shape", () => core.linearFlow([1, 0, 0, 1], [0], new Float64Array(2), 1));
add("linearFlow t NaN", () => core.linearFlow([-1], [0], new Float64Array(1), NaN));
add("flow1D on d = 2", () => core.flow1D(net2(), 0));
// ---- core: training ------------------------------------------------------------------------------------
const tp = () => ({ params: net1(), data: { x: x1(), y: x1() }, loss: "mse" as const });
add("train epochs 0", () => core.train(tp(), { epochs: 0 }));
add("train epochs NaN", () => core.train(tp(), { epochs: NaN }));
add("train unknown optimizer", () => core.train(tp(), { optimizer: "sgd2" as never }));
add("train learningRate -1", () => core.train(tp(), { learningRate: -1 }));
add("train unknown option", () => core.train(tp(), { epoch: 3 } as never));
add("train data y shape", () => core.train({ ...tp(), data: { x: x1(), y: new Float64Array(3) } }));
add("train data x NaN", () => core.train({ ...tp(), data: { x: new Float64Array([NaN]), y: new Float64Array([0]) } }));
add("computeGradient unknown loss", () => core.computeGradient({ ...tp(), loss: "hinge" as never }));
add("loadModel bad JSON", () => core.loadModel("{nope"), "PARSE_ERROR");
add("loadModel wrong shape", () => core.loadModel({ version: 1 }));
add("predict x NaN", () => core.predict(core.loadModel(core.saveModel({ params: net1() } as never)), new Float64Array([NaN])));
add("trajectorySensitivities substeps 1e12 (hang)", () => mf.trajectorySensitivities(net1(), x1(), { substeps: 1e12 }));
add("trajectorySensitivities substeps 0", () => mf.trajectorySensitivities(net1(), x1(), { substeps: 0 }));
// ---- datasets: distributions and special functions ------------------------------------------------------
add("makeDistribution unknown", () => datasets.makeDistribution("cauchy2"), "NOT_FOUND");
add("makeDistribution normal std -1", () => datasets.makeDistribution("normal", { std: -1 }));
add("makeDistribution normal unknown key", () => datasets.makeDistribution("normal", { sd: 1 }));
add("createNormal std 0", () => datasets.createNormal({ std: 0 }));
add("createNormal mean NaN", () => datasets.createNormal({ mean: NaN }));
add("createNormal unknown key", () => datasets.createNormal({ sigma: 1 } as never));
add("createUniform a > b", () => datasets.createUniform({ a: 1, b: 0 } as never));
add("createGamma shape -1", () => datasets.createGamma({ shape: -1 } as never));
add("createBeta alpha 0", () => datasets.createBeta({ alpha: 0, beta: 1 }));
add("createBeta quantile(2)", () => datasets.createBeta({ alpha: 2, beta: 2 }).quantile(2));
add("createNormal quantile NaN", () => datasets.createNormal().quantile(NaN));
add("createNormal sample n -1", () => datasets.createNormal().sample(-1, rng()));
add("createNormal sample n 1e12", () => datasets.createNormal().sample(1e12, rng()));
add("createNormal sample no rng", () => datasets.createNormal().sample(10, undefined as never));
add("createMixture weights negative", () => datasets.createMixture({ components: [datasets.createNormal()], weights: [-1] } as never));
add("createMixture empty", () => datasets.createMixture({ components: [], weights: [] } as never));
add("createMultivariateNormal non-SPD", () => datasets.createMultivariateNormal({ mean: [0, 0], covariance: [1, 2, 2, 1] } as never));
add("createEmpirical empty", () => datasets.createEmpirical([]));
add("createEmpirical NaN", () => datasets.createEmpirical([1, NaN]));
add("normalQuantile(2)", () => datasets.normalQuantile(2));
add("normalQuantile(NaN)", () => datasets.normalQuantile(NaN));
add("gammaP(-1, 1)", () => datasets.gammaP(-1, 1));
add("gammaP(1, -1)", () => datasets.gammaP(1, -1));
add("gammaPInverse(2, 1)", () => datasets.gammaPInverse(2, 1));
add("betaIncomplete(2, 1, 1)", () => datasets.betaIncomplete(2, 1, 1));
add("betaIncompleteInverse(0.5, -1, 1)", () => datasets.betaIncompleteInverse(0.5, -1, 1));
add("gammaPInverse(0.5, -1)", () => datasets.gammaPInverse(0.5, -1));
add("gaussLegendre(0)", () => datasets.gaussLegendre(0));
add("gaussLegendre(1e9)", () => datasets.gaussLegendre(1e9));
// ---- datasets: data sets --------------------------------------------------------------------------------------
add("makeDataset unknown", () => datasets.makeDataset("moons2"), "NOT_FOUND");
add("makeDataset moons nSamples 1e12", () => datasets.makeDataset("moons", { nSamples: 1e12 }));
add("makeDataset moons nSamples -5", () => datasets.makeDataset("moons", { nSamples: -5 }));
add("makeDataset moons unknown key", () => datasets.makeDataset("moons", { samples: 5 }));
add("makeBlobs n_samples n_features must not be ignored", () => {
  const ds = datasets.makeBlobs({ n_samples: 100, n_features: 3 } as never);
  // accepted as documented aliases: then the result must honour them
  if (datasets.datasetSize(ds) !== 100 || ds.d !== 3) throw new Error("scikit-learn names were ignored");
  throw new core.KineticError("INVALID_ARGUMENT", "aliases honoured (`n_samples`)");
});
add("makeMoons noise -1", () => datasets.makeMoons({ noise: -1 }));
add("makeMoons unknown key", () => datasets.makeMoons({ noize: 0.1 } as never));
add("makeCircles factor 2", () => datasets.makeCircles({ factor: 2 }));
add("makeSpirals nSamples 0", () => datasets.makeSpirals({ nSamples: 0 }));
add("makeXor unknown key", () => datasets.makeXor({ foo: 1 } as never));
add("makeRegression1D nSamples 1e12", () => datasets.makeRegression1D({ nSamples: 1e12 }));
add("makeTwoGaussians1D unknown key", () => datasets.makeTwoGaussians1D({ separation: 1 } as never));
add("loadIris unknown key", () => datasets.loadIris({ species: 1 } as never));
add("createDataset shape", () => datasets.createDataset({ x: new Float64Array(3), d: 2 } as never));
add("createDataset labels length", () => datasets.createDataset({ x: new Float64Array(4), d: 2, labels: [0] } as never));
add("createDataset NaN", () => datasets.createDataset({ x: new Float64Array([NaN, 1]), d: 2 } as never));
add("subsetDataset index out of range", () => datasets.subsetDataset(datasets.makeMoons({ nSamples: 10 }), [20]));
add("trainTestSplit testFraction 2", () => datasets.trainTestSplit(datasets.makeMoons({ nSamples: 10 }), { testFraction: 2 }));
add("oneHot negative label", () => datasets.oneHot([-1]));
add("fitStandardizer shape", () => datasets.fitStandardizer(new Float64Array(3), 2));
add("parseCsv empty", () => datasets.parseCsv(""), "PARSE_ERROR");
add("parseCsv ragged", () => datasets.parseCsv("a,b\n1,2\n3\n"), "PARSE_ERROR");
add("parseCsv non-number", () => datasets.parseCsv("a,b\n1,2\n3,x\n"), "PARSE_ERROR");
add("parseCsv unknown option", () => datasets.parseCsv("a\n1\n", { sep: ";" } as never));
add("parseJson bad", () => datasets.parseJson("{"), "PARSE_ERROR");
add("parseJson wrong shape", () => datasets.parseJson("[1,2]"), "PARSE_ERROR");
add("registerDataset null", () => datasets.registerDataset(null as never));
// ---- grids (L1) and cell averages ---------------------------------------------------------------------------------
add("createGrid1D n 0", () => datasets.createGrid1D(-1, 1, 0));
add("createGrid1D n 2**28", () => datasets.createGrid1D(-4, 4, 2 ** 28));
add("createGrid1D xMin > xMax", () => datasets.createGrid1D(1, -1, 10));
add("createGrid1D NaN", () => datasets.createGrid1D(NaN, 1, 10));
add("createGrid2D 1e6 x 1e6", () => datasets.createGrid2D([-1, 1], [-1, 1], 1e6, 1e6));
add("createGrid2D ny 0", () => datasets.createGrid2D([-1, 1], [-1, 1], 4, 0));
add("cellAverages1D (datasets) 1e12 cells", () =>
  datasets.cellAverages1D(datasets.createNormal(), { xMin: -1, xMax: 1, n: 1e12, dx: 2e-12 } as never),
);
add("sampleFromGrid 1e12 particles", () => mf.sampleFromGrid(g1(), new Float64Array(64).fill(1 / 8), 1e12, { seed: 1 } as never));
add("sampleFromGrid f negative", () => mf.sampleFromGrid(g1(), new Float64Array(64).fill(-1), 10, { seed: 1 } as never));
add("sampleFromGrid f shape", () => mf.sampleFromGrid(g1(), new Float64Array(3), 10, { seed: 1 } as never));
add("depositHistogram shape (2-D grid, odd x)", () => mf.depositHistogram(new Float64Array(3), g2()));
add("kernelDensityEstimate bandwidth -1", () => mf.kernelDensityEstimate(x1(), g1(), { bandwidth: -1 }));
add("wasserstein1Samples empty", () => mf.wasserstein1Samples(new Float64Array(0), new Float64Array(1)));
add("wasserstein1Grid shape", () => mf.wasserstein1Grid(g1(), new Float64Array(3), g1(), new Float64Array(64)));
add("massOf shape", () => datasets.massOf(g1(), new Float64Array(3)));
// ---- mean-field: Vlasov ------------------------------------------------------------------------------------
add("solveVlasov no grid and no f0", () => mf.solveVlasov({ params: net1() } as never));
add("solveVlasov f0 NaN everywhere", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: () => NaN }));
add("solveVlasov f0 negative", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: () => -1 }));
add("solveVlasov n 1e6 cells (work)", () => mf.solveVlasov({ params: net1(), f0: gauss }, { n: 1_000_000 }), "TOO_LARGE");
add("solveVlasov cfl 5", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { cfl: 5 }));
add("solveVlasov cfl NaN", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { cfl: NaN }));
add("solveVlasov dt -1", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { dt: -1 }));
add("solveVlasov unknown scheme", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { scheme: "weno" as never }));
add("solveVlasov unknown limiter", () =>
  mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { scheme: "muscl", limiter: "superbee2" as never }),
);
add("solveVlasov unknown boundary", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { boundary: "wall" as never }));
add("solveVlasov saveAt beyond T", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { saveAt: [0, 3] }));
add(
  "solveVlasov saveAt huge output",
  () => mf.solveVlasov({ params: net1(), f0: gauss }, { n: 2000, saveAt: Array.from({ length: 100001 }, (_, i) => i / 100000) }),
  "TOO_LARGE",
);
add("solveVlasov unknown option", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss }, { steps: 10 } as never));
add("solveVlasov grid/d mismatch", () => mf.solveVlasov({ params: net2(), grid: g1(), f0: gauss } as never));
add("solveVlasov tSpan reversed", () => mf.solveVlasov({ params: net1(), grid: g1(), f0: gauss, tSpan: [1, 0] }));
add("solveVlasovExact f0 NaN", () => {
  const r = mf.solveVlasovExact({ params: net1(), grid: g1(), f0: () => NaN } as never);
  if (r.status === "success") throw new Error("success with NaN");
  throw new core.KineticError("SOLVER_FAILED", `status ${r.status} (\`f0\`)`);
});
add("solveVlasovSensitivity unknown parameter", () =>
  mf.solveVlasovSensitivity({ params: net1(), grid: g1(), f0: gauss, parameter: "q" } as never),
);
add("analyzeSteadyStates NaN", () => mf.analyzeSteadyStates({ sigma: "tanh", w: NaN, b: 0 } as never));
add("autoGrid1D n 0", () => mf.autoGrid1D(net1(), { mean: 0, std: 1 } as never, 0));
add("eigenvalues shape", () => mf.eigenvalues([1, 2, 3], 2));
// ---- fokker-planck -----------------------------------------------------------------------------------------------
const fpNet = () => core.createScalarNetwork({ sigma: "tanh", w: -1, b: 0, nLayers: 2, T: 1, K: 0.5 });
add("solveFokkerPlanck dt 1e-12 (hang)", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { dt: 1e-12 }));
add("solveFokkerPlanck dt -1", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { dt: -1 }));
add("solveFokkerPlanck D negative", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss, D: -1 }));
add("solveFokkerPlanck D 1e300", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss, D: 1e300 }));
add(
  "solveFokkerPlanck D per layer, wrong count",
  () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss, D: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] }),
  "SHAPE_MISMATCH",
);
add("solveFokkerPlanck D per layer, NaN entry", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss, D: [0.1, NaN] }));
add("solveFokkerPlanck f0 shape", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: [1, 2, 3] }));
add("solveFokkerPlanck f0 NaN", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: () => NaN }));
add("solveFokkerPlanck unknown method", () =>
  fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { method: "rk4" as never }),
);
add("solveFokkerPlanck unknown boundary", () =>
  fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { boundary: "wall" as never }),
);
add("solveFokkerPlanck saveAt beyond T", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { saveAt: [2] }));
add("solveFokkerPlanck unknown option", () => fp.solveFokkerPlanck({ network: fpNet(), grid: g1(), f0: gauss }, { steps: 3 } as never));
add("solveFokkerPlanck network null", () => fp.solveFokkerPlanck({ network: null, grid: g1(), f0: gauss } as never));
add("solveFokkerPlanck2D grid 1-D", () => fp.solveFokkerPlanck2D({ network: net2(), grid: g1(), f0: gauss } as never));
add("solveFokkerPlanck2D dt 0", () =>
  fp.solveFokkerPlanck2D({ network: net2(), grid: g2(), f0: (x: number, y: number) => gauss(x) * gauss(y) }, { dt: 0 }),
);
add("solveSteadyState D 0", () => fp.solveSteadyState({ sigma: "tanh", w: -1, b: 0, D: 0, grid: g1() } as never));
add(
  "solveSteadyState w > 0 with requireIntegrableOnR",
  () => fp.solveSteadyState({ sigma: "identity", w: 1, b: 0, D: 1, grid: g1() } as never, { requireIntegrableOnR: true } as never),
  "NO_SOLUTION",
);
add("stationaryDensity unknown sigma", () => fp.stationaryDensity("nope", -1, 0, 1), "NOT_FOUND");
add("fitSteadyState unknown family", () =>
  fp.fitSteadyState({ kind: "samples", samples: [1, 2, 3] } as never, { family: "weird" } as never),
);
add("fitSteadyState constant samples", () => fp.fitSteadyState({ kind: "samples", samples: [1, 1, 1, 1] } as never));
add("fitSteadyState std 1e-300", () => fp.fitSteadyState({ kind: "normal", mean: 0, std: 1e-300 } as never));
add("klDivergence shape", () => fp.klDivergence(g1(), new Float64Array(3), new Float64Array(64)));
// ---- moments --------------------------------------------------------------------------------------------------------
const idNet = (w: number, T = 1, K = 0) => core.createScalarNetwork({ sigma: "identity", w, b: 0, nLayers: 1, T, K });
add("solveMomentHierarchy m0 [1] (too short)", () => mom.solveMomentHierarchy({ params: idNet(-1), m0: [1] }));
add("solveMomentHierarchy m0 NaN", () => mom.solveMomentHierarchy({ params: idNet(-1), m0: [1, NaN, 1] }));
add("solveMomentHierarchy tanh (not closed)", () => mom.solveMomentHierarchy({ params: net1(), m0: [1, 0, 1] }));
add("solveMomentHierarchy rk4 w=-300 unstable", () => {
  // 64 fixed steps per layer at w = −300: h·|2w| = 9.4, far outside RK4's stability region.
  return mom.solveMomentHierarchy({ params: idNet(-300, 1, 1), m0: [1, 0, 1] }, { method: "rk4", stepsPerLayer: 64 });
});
add("solveMomentHierarchy unknown method", () =>
  mom.solveMomentHierarchy({ params: idNet(-1), m0: [1, 0, 1] }, { method: "bdf" as never }),
);
add("solveMomentHierarchy unknown option", () => mom.solveMomentHierarchy({ params: idNet(-1), m0: [1, 0, 1] }, { steps: 4 } as never));
add("solveMeanCovariance shape", () => mom.solveMeanCovariance({ params: net2(), mean: [0], covariance: [1, 0, 0, 1] } as never));
add("solveGaussianClosure variance negative", () => mom.solveGaussianClosure({ params: net1(), mean: 0, variance: -1 } as never));
add("computeEnsembleMoments([1]) (d ambiguity)", () => mom.computeEnsembleMoments(new Float64Array([1]), { d: 2 } as never));
add("computeEnsembleMoments not an array", () => mom.computeEnsembleMoments([1] as never));
add("computeEnsembleMoments NaN", () => mom.computeEnsembleMoments(new Float64Array([1, NaN])));
add("computeDensityMoments shape", () => mom.computeDensityMoments(new Float64Array(3), g1()));
add("designLinearNetwork variance negative", () =>
  mom.designLinearNetwork({ from: { mean: 0, variance: 1 }, to: { mean: 0, variance: -1 }, T: 1 } as never),
);
add("designFromMoments null", () => mom.designFromMoments(null as never));
add("gaussHermite(0)", () => mom.gaussHermite(0));
add("gaussianRawMoments variance -1", () => mom.gaussianRawMoments(0, -1, 4));
add("closedFormMeanVariance t NaN", () => mom.closedFormMeanVariance({ w: -1, b: 0, K: 0, mean0: 0, variance0: 1 } as never, [NaN]));
add("describeLongTime null", () => mom.describeLongTime(null as never));
// ---- experiments --------------------------------------------------------------------------------------------------------
add("getExperiment unknown", () => exps.getExperiment("nope"), "NOT_FOUND");
add("resolveConfig unknown key", () => exps.resolveConfig("moments-linear", { bogus: 1 }));
add("resolveConfig wrong type", () => exps.resolveConfig("moments-linear", { T: "x" }));
add("resolveConfig NaN", () => exps.resolveConfig("moments-linear", { T: NaN }));
add("resolveConfig negative size", () => exps.resolveConfig("mean-field-limit", { particles: -1 }));

// ---- density gradients, losses and training ------------------------------------------------------------------------------
/** A loss J = ½ Σ f², with a non-finite value or gradient on request. */
const sq = (mode: "ok" | "nan-value" | "nan-grad" = "ok"): mf.DensityObjective => ({
  nParams: 0,
  evaluate(f, _g, _t, gradF) {
    let J = 0;
    f[0]!.forEach((v, i) => {
      J += 0.5 * v * v;
      if (gradF) gradF[0]![i] = mode === "nan-grad" ? NaN : v;
    });
    return mode === "nan-value" ? NaN : J;
  },
});
const vp = () => ({ params: net1(), grid: g1(), f0: gauss });
add("vlasovGradient objective null", () => mf.vlasovGradient(vp(), null as never));
add("vlasovGradient objective without evaluate", () => mf.vlasovGradient(vp(), { nParams: 0 } as never));
add("vlasovGradient problem null", () => mf.vlasovGradient(null as never, sq()));
add("vlasovGradient options null", () => mf.vlasovGradient(vp(), sq(), null as never));
add("vlasovGradient f0 NaN", () => mf.vlasovGradient({ ...vp(), f0: () => NaN }, sq()));
add("vlasovGradient f0 wrong length", () => mf.vlasovGradient({ ...vp(), f0: new Float64Array(3) } as never, sq()));
add("vlasovGradient theta wrong length", () => mf.vlasovGradient(vp(), sq(), { theta: new Float64Array(2) }));
add("vlasovGradient theta not an array", () => mf.vlasovGradient(vp(), sq(), { theta: [1] as never }));
add("vlasovGradient objective nParams -1", () => mf.vlasovGradient(vp(), { ...sq(), nParams: -1 }));
add("vlasovGradient objective nParams NaN", () => mf.vlasovGradient(vp(), { ...sq(), nParams: NaN }));
add("vlasovGradient memoryBudget -1", () => mf.vlasovGradient(vp(), sq(), { memoryBudget: -1 }));
add("vlasovGradient memoryBudget NaN", () => mf.vlasovGradient(vp(), sq(), { memoryBudget: NaN }));
add("vlasovGradient memoryBudget 100 bytes", () => mf.vlasovGradient(vp(), sq(), { memoryBudget: 100 }), "TOO_LARGE");
add("vlasovGradient saveAt beyond T", () => mf.vlasovGradient(vp(), sq(), { saveAt: [0.5, 7] }));
add("vlasovGradient unknown option", () => mf.vlasovGradient(vp(), sq(), { steps: 3 } as never));
add("vlasovGradient cfl NaN", () => mf.vlasovGradient(vp(), sq(), { cfl: NaN }));
add("vlasovGradient dt -1", () => mf.vlasovGradient(vp(), sq(), { dt: -1 }));
add("vlasovGradient dt beyond CFL", () => mf.vlasovGradient(vp(), sq(), { dt: 10 }));
add(
  "vlasovGradient n 1e6 cells (work)",
  () => mf.vlasovGradient({ params: net1(), f0: gauss }, sq(), { n: 1_000_000 } as never),
  "TOO_LARGE",
);
add(
  "vlasovGradient d = 3",
  () =>
    mf.vlasovGradient(
      {
        params: core.createConstantNetwork({ sigma: "tanh", d: 3, W: [-1, 0, 0, 0, -1, 0, 0, 0, -1], b: [0, 0, 0], T: 1, nLayers: 1 }),
        grid: g2(),
        f0: (x: number, y: number) => gauss(x) * gauss(y),
      } as never,
      sq(),
    ),
  "UNSUPPORTED",
);
add("vlasovGradient objective value NaN", () => mf.vlasovGradient(vp(), sq("nan-value")));
add("vlasovGradient objective gradient NaN", () => mf.vlasovGradient(vp(), sq("nan-grad")));
const tgt = () => new Float64Array(64).fill(1 / 8);
add("l2DensityLoss target NaN", () => mf.l2DensityLoss([NaN, 1]));
add("l2DensityLoss target empty", () => mf.l2DensityLoss([]));
add("l2DensityLoss target null", () => mf.l2DensityLoss(null as never));
add("l2DensityLoss target wrong length (at evaluation)", () =>
  mf.l2DensityLoss([1, 2, 3]).evaluate([new Float64Array(64)], g1(), new Float64Array(0), null, null),
);
add("klDensityLoss target negative", () => mf.klDensityLoss([-1, 1]));
add("klDensityLoss target Infinity", () => mf.klDensityLoss([Infinity, 1]));
add("klDensityLoss unknown option", () => mf.klDensityLoss(tgt(), { eps: 1 } as never));
add("klDensityLoss floor -1", () => mf.klDensityLoss(tgt(), { floor: -1 } as never));
add("w1DensityLoss target empty", () => mf.w1DensityLoss([]));
add("w1DensityLoss target NaN", () => mf.w1DensityLoss([NaN]));
add("w1DensityLoss target wrong length (at evaluation)", () =>
  mf.w1DensityLoss([1, 2, 3]).evaluate([new Float64Array(64)], g1(), new Float64Array(0), null, null),
);
add("slicedW1DensityLoss target empty", () => mf.slicedW1DensityLoss([]));
add("slicedW1DensityLoss unknown option", () => mf.slicedW1DensityLoss(tgt(), { slices: 4 } as never));
add("slicedW1DensityLoss nDirections 1e12", () => mf.slicedW1DensityLoss(tgt(), { nDirections: 1e12 } as never));
add("slicedW1DensityLoss nDirections -1", () => mf.slicedW1DensityLoss(tgt(), { nDirections: -1 } as never));
add("momentDensityLoss no targets", () => mf.momentDensityLoss({}));
add("momentDensityLoss mean NaN", () => mf.momentDensityLoss({ mean: [NaN] }));
add("momentDensityLoss weight -1", () => mf.momentDensityLoss({ mean: [0], meanWeight: -1 }));
add("momentDensityLoss unknown key", () => mf.momentDensityLoss({ mean: [0], average: 1 } as never));
add("momentDensityLoss null", () => mf.momentDensityLoss(null as never));
add("momentDensityLoss empty list", () => mf.momentDensityLoss([]));
add("momentDensityLoss mean wrong length (at evaluation)", () =>
  mf.momentDensityLoss({ mean: [0, 0] }).evaluate([tgt()], g1(), new Float64Array(0), null, null),
);
add("momentDensityLoss zero mass (at evaluation)", () =>
  mf.momentDensityLoss({ mean: [0] }).evaluate([new Float64Array(64)], g1(), new Float64Array(0), null, null),
);
add("classificationDensityLoss nClasses 1", () => mf.classificationDensityLoss({ nClasses: 1, dimension: 1 }));
add("classificationDensityLoss nClasses 1e9", () => mf.classificationDensityLoss({ nClasses: 1e9, dimension: 1 }));
add("classificationDensityLoss nClasses NaN", () => mf.classificationDensityLoss({ nClasses: NaN, dimension: 1 }));
add("classificationDensityLoss dimension 3", () => mf.classificationDensityLoss({ nClasses: 2, dimension: 3 }));
add("classificationDensityLoss unknown loss", () => mf.classificationDensityLoss({ nClasses: 2, dimension: 1, loss: "hinge" as never }));
add("classificationDensityLoss unknown key", () => mf.classificationDensityLoss({ nClasses: 2, dimension: 1, classes: 2 } as never));
add("classificationDensityLoss initialTheta wrong length", () =>
  mf.classificationDensityLoss({ nClasses: 2, dimension: 1, initialTheta: [1] }),
);
add("classificationDensityLoss null", () => mf.classificationDensityLoss(null as never));
add("classificationDensityLoss wrong number of densities (at evaluation)", () =>
  mf.classificationDensityLoss({ nClasses: 2, dimension: 1 }).evaluate([tgt()], g1(), new Float64Array(4), null, null),
);
add("regressionDensityLoss null", () => mf.regressionDensityLoss(null as never));
add("regressionDensityLoss dimension 0", () => mf.regressionDensityLoss({ dimension: 0 }));
add("regressionDensityLoss projection wrong length", () => mf.regressionDensityLoss({ dimension: 2, projection: [1, 2, 3] }));
add("regressionDensityLoss projection NaN", () => mf.regressionDensityLoss({ dimension: 1, projection: [NaN] }));
add("regressionDensityLoss unknown key", () => mf.regressionDensityLoss({ dimension: 1, outputs: 1 } as never));
add("regressionDensityLoss wrong number of densities (at evaluation)", () =>
  mf.regressionDensityLoss({ dimension: 1 }).evaluate([tgt()], g1(), new Float64Array(0), null, null),
);
add("regressionDensities input outside the grid", () => mf.regressionDensities(Float64Array.of(0, 9), [1, 2], g1()));
add("regressionDensities targets wrong length", () => mf.regressionDensities(Float64Array.of(0, 1), [1, 2, 3], g1()));
add("regressionDensities targets Infinity", () => mf.regressionDensities(Float64Array.of(0, 1), [1, Infinity], g1()));
add("regressionDensities x not Float64Array", () => mf.regressionDensities([0, 1] as never, [1, 2], g1()));
add("regressionDensities x empty", () => mf.regressionDensities(new Float64Array(0), [], g1()));
add("regressionDensities unknown method", () => mf.regressionDensities(Float64Array.of(0, 1), [1, 2], g1(), { method: "spline" as never }));
const dp = () => ({ network: net1(), grid: g1(), f0: gauss, loss: mf.l2DensityLoss(tgt()) });
add("trainDensity problem null", () => mf.trainDensity(null as never));
add("trainDensity loss missing", () => mf.trainDensity({ ...dp(), loss: undefined } as never));
add("trainDensity grid 2-D", () => mf.trainDensity({ ...dp(), grid: g2() } as never));
add("trainDensity network missing", () => mf.trainDensity({ ...dp(), network: undefined } as never));
add("trainDensity network null", () => mf.trainDensity({ ...dp(), network: null } as never));
add("trainDensity network d = 2", () => mf.trainDensity({ ...dp(), network: net2() }));
add("trainDensity lambda -1", () => mf.trainDensity({ ...dp(), lambda: -1 }));
add("trainDensity lambda NaN", () => mf.trainDensity({ ...dp(), lambda: NaN }));
add("trainDensity unknown problem key", () => mf.trainDensity({ ...dp(), target: 1 } as never));
add("trainDensity unknown option", () => mf.trainDensity(dp(), { epoch: 3 } as never));
add("trainDensity batchSize (no mini-batches)", () => mf.trainDensity(dp(), { batchSize: 2 } as never));
add("trainDensity epochs 0", () => mf.trainDensity(dp(), { epochs: 0 }));
add("trainDensity epochs 1e12", () => mf.trainDensity(dp(), { epochs: 1e12 }));
add("trainDensity learningRate NaN", () => mf.trainDensity(dp(), { learningRate: NaN }));
add("trainDensity seed -1", () => mf.trainDensity(dp(), { seed: -1 }));
add("trainDensity f0 NaN", () => mf.trainDensity({ ...dp(), f0: () => NaN }));
add("trainDensity f0 wrong length", () => mf.trainDensity({ ...dp(), f0: new Float64Array(3) } as never));
add("trainDensity f0 empty list", () => mf.trainDensity({ ...dp(), f0: [] } as never));
add("trainDensity n 1e6 cells", () => mf.trainDensity(dp(), { n: 1_000_000 } as never));
add("trainDensity loss value NaN", () => mf.trainDensity({ ...dp(), loss: sq("nan-value") }, { epochs: 2 }));
add("trainDensity loss gradient NaN", () => mf.trainDensity({ ...dp(), loss: sq("nan-grad") }, { epochs: 2 }));
const fpt = () => ({ network: net1(), K: 0.5, grid: g1(), f0: gauss, loss: mf.l2DensityLoss(tgt()) });
add("trainFokkerPlanck problem null", () => fp.trainFokkerPlanck(null as never));
add("trainFokkerPlanck loss missing", () => fp.trainFokkerPlanck({ ...fpt(), loss: undefined } as never));
add("trainFokkerPlanck noisePerLayer, K of the wrong length", () =>
  fp.trainFokkerPlanck({ ...fpt(), K: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] } as never, { noisePerLayer: true }),
);
add("trainFokkerPlanck grid 2-D", () => fp.trainFokkerPlanck({ ...fpt(), grid: g2() } as never));
add("trainFokkerPlanck network missing", () => fp.trainFokkerPlanck({ ...fpt(), network: undefined } as never));
add("trainFokkerPlanck network d = 2", () => fp.trainFokkerPlanck({ ...fpt(), network: net2() }), "UNSUPPORTED");
add("trainFokkerPlanck no noise to learn", () => fp.trainFokkerPlanck({ ...fpt(), K: undefined }));
add("trainFokkerPlanck K 0", () => fp.trainFokkerPlanck({ ...fpt(), K: 0 }));
add("trainFokkerPlanck K NaN", () => fp.trainFokkerPlanck({ ...fpt(), K: NaN }));
add("trainFokkerPlanck K below minNoise", () => fp.trainFokkerPlanck({ ...fpt(), K: 1e-3 }, { minNoise: 0.01 }));
add("trainFokkerPlanck minNoise -1", () => fp.trainFokkerPlanck(fpt(), { minNoise: -1 }));
add("trainFokkerPlanck learnNoise not a boolean", () => fp.trainFokkerPlanck(fpt(), { learnNoise: 1 } as never));
add("trainFokkerPlanck lambda -1", () => fp.trainFokkerPlanck({ ...fpt(), lambda: -1 }));
add("trainFokkerPlanck unknown problem key", () => fp.trainFokkerPlanck({ ...fpt(), D: 1 } as never));
add("trainFokkerPlanck unknown option", () => fp.trainFokkerPlanck(fpt(), { saveAt: [0.5] } as never));
add("trainFokkerPlanck batchSize (no mini-batches)", () => fp.trainFokkerPlanck(fpt(), { batchSize: 2 } as never));
add("trainFokkerPlanck epochs 0", () => fp.trainFokkerPlanck(fpt(), { epochs: 0 }));
add("trainFokkerPlanck f0 NaN", () => fp.trainFokkerPlanck({ ...fpt(), f0: () => NaN }));
add("trainFokkerPlanck f0 empty list", () => fp.trainFokkerPlanck({ ...fpt(), f0: [] }));
add("trainFokkerPlanck dt 1e-12 (hang)", () => fp.trainFokkerPlanck(fpt(), { dt: 1e-12 }), "TOO_LARGE");
add("trainFokkerPlanck loss value NaN", () => fp.trainFokkerPlanck({ ...fpt(), loss: sq("nan-value") }, { epochs: 2 }));
add("trainFokkerPlanck loss gradient NaN", () => fp.trainFokkerPlanck({ ...fpt(), loss: sq("nan-grad") }, { epochs: 2 }));
add("trainFokkerPlanck mass lost through an outflow wall", () =>
  fp.trainFokkerPlanck({ ...fpt(), grid: datasets.createGrid1D(-1, 1, 64) }, { boundary: "absorbing", massLossTolerance: 1e-6, epochs: 2 }),
);
const fpt2 = () => ({
  network: net2(),
  K: 0.5,
  grid: g2(),
  f0: (x: number, y: number) => gauss(x) * gauss(y),
  loss: mf.l2DensityLoss(new Float64Array(256)),
});
add("trainFokkerPlanck2D problem null", () => fp.trainFokkerPlanck2D(null as never));
add("trainFokkerPlanck2D grid 1-D", () => fp.trainFokkerPlanck2D({ ...fpt2(), grid: g1() } as never));
add("trainFokkerPlanck2D network d = 1", () => fp.trainFokkerPlanck2D({ ...fpt2(), network: net1() }), "UNSUPPORTED");
add("trainFokkerPlanck2D K pair with a negative entry", () => fp.trainFokkerPlanck2D({ ...fpt2(), K: [0.5, -1] }));
add("trainFokkerPlanck2D K of length 3", () => fp.trainFokkerPlanck2D({ ...fpt2(), K: [0.5, 0.5, 0.5] } as never));
add("trainFokkerPlanck2D no noise to learn", () => fp.trainFokkerPlanck2D({ ...fpt2(), K: undefined }));
add("trainFokkerPlanck2D 1-D option method", () => fp.trainFokkerPlanck2D(fpt2(), { method: "crank-nicolson" } as never));
add("trainFokkerPlanck2D loss value NaN", () => fp.trainFokkerPlanck2D({ ...fpt2(), loss: sq("nan-value") }, { epochs: 2 }));
add("densityModel null", () => mf.densityModel(null as never));
add("densityModel not a result", () => mf.densityModel({ params: net1() } as never));
add("densityModel nClasses 0", () =>
  mf.densityModel({ params: net1(), head: new Float64Array(4), history: {}, status: "success", f: [], stats: {} } as never, 0),
);
add("densityModel nClasses NaN", () =>
  mf.densityModel({ params: net1(), head: new Float64Array(4), history: {}, status: "success", f: [], stats: {} } as never, NaN),
);
add("densityModel head length does not fit nClasses", () =>
  mf.densityModel({ params: net1(), head: new Float64Array(5), history: {}, status: "success", f: [], stats: {} } as never, 2),
);
// ---- fokker-planck: gradients and sensitivities ---------------------------------------------------------------------------
const fpp = () => ({ network: fpNet(), grid: g1(), f0: gauss });
add("fokkerPlanckGradient objective null", () => fp.fokkerPlanckGradient(fpp(), null as never));
add("fokkerPlanckGradient problem null", () => fp.fokkerPlanckGradient(null as never, sq()));
add("fokkerPlanckGradient options null", () => fp.fokkerPlanckGradient(fpp(), sq(), null as never));
add("fokkerPlanckGradient f0 NaN", () => fp.fokkerPlanckGradient({ ...fpp(), f0: () => NaN }, sq()));
add("fokkerPlanckGradient f0 wrong length", () => fp.fokkerPlanckGradient({ ...fpp(), f0: [1, 2, 3] }, sq()));
add("fokkerPlanckGradient f0 empty", () => fp.fokkerPlanckGradient({ ...fpp(), f0: [] }, sq()));
add("fokkerPlanckGradient D negative", () => fp.fokkerPlanckGradient({ ...fpp(), D: -1 }, sq()));
add("fokkerPlanckGradient D NaN", () => fp.fokkerPlanckGradient({ ...fpp(), D: NaN }, sq()));
add("fokkerPlanckGradient theta wrong length", () => fp.fokkerPlanckGradient(fpp(), sq(), { theta: new Float64Array(1) }));
add("fokkerPlanckGradient objective nParams -1", () => fp.fokkerPlanckGradient(fpp(), { ...sq(), nParams: -1 }));
add("fokkerPlanckGradient memoryBudget 0", () => fp.fokkerPlanckGradient(fpp(), sq(), { memoryBudget: 0 }));
add("fokkerPlanckGradient memoryBudget 100 bytes", () => fp.fokkerPlanckGradient(fpp(), sq(), { memoryBudget: 100 }), "TOO_LARGE");
add("fokkerPlanckGradient dt 1e-12 (hang)", () => fp.fokkerPlanckGradient(fpp(), sq(), { dt: 1e-12 }), "TOO_LARGE");
add("fokkerPlanckGradient dt NaN", () => fp.fokkerPlanckGradient(fpp(), sq(), { dt: NaN }));
add("fokkerPlanckGradient unknown method", () => fp.fokkerPlanckGradient(fpp(), sq(), { method: "rk4" as never }));
add("fokkerPlanckGradient saveAt beyond T", () => fp.fokkerPlanckGradient(fpp(), sq(), { saveAt: [0.5, 7] }));
add("fokkerPlanckGradient unknown option", () => fp.fokkerPlanckGradient(fpp(), sq(), { steps: 3 } as never));
add("fokkerPlanckGradient grid 2-D", () => fp.fokkerPlanckGradient({ ...fpp(), grid: g2() } as never, sq()));
add("fokkerPlanckGradient dD not an array", () => fp.fokkerPlanckGradient(fpp(), sq(), { dD: (() => 1) as never }));
add("fokkerPlanckGradient dD entry not a function", () => fp.fokkerPlanckGradient(fpp(), sq(), { dD: [0.5 as never] }));
add("fokkerPlanckGradient dD NaN", () => fp.fokkerPlanckGradient(fpp(), sq(), { dD: [() => NaN] }));
add("fokkerPlanckGradient objective value NaN", () => fp.fokkerPlanckGradient(fpp(), sq("nan-value")));
add("fokkerPlanckGradient objective gradient NaN", () => fp.fokkerPlanckGradient(fpp(), sq("nan-grad")));
const f2 = (x: number, y: number) => gauss(x) * gauss(y);
const fpp2 = () => ({ network: net2(), grid: g2(), f0: f2, D: [0.2, 0.3] as [number, number] });
add("fokkerPlanckGradient2D objective null", () => fp.fokkerPlanckGradient2D(fpp2(), null as never));
add("fokkerPlanckGradient2D problem null", () => fp.fokkerPlanckGradient2D(null as never, sq()));
add("fokkerPlanckGradient2D grid 1-D", () => fp.fokkerPlanckGradient2D({ ...fpp2(), grid: g1() } as never, sq()));
add("fokkerPlanckGradient2D network d = 1", () => fp.fokkerPlanckGradient2D({ ...fpp2(), network: net1() }, sq()));
add("fokkerPlanckGradient2D f0 NaN", () => fp.fokkerPlanckGradient2D({ ...fpp2(), f0: () => NaN }, sq()));
add("fokkerPlanckGradient2D f0 wrong length", () => fp.fokkerPlanckGradient2D({ ...fpp2(), f0: [1, 2, 3] } as never, sq()));
add("fokkerPlanckGradient2D D negative", () => fp.fokkerPlanckGradient2D({ ...fpp2(), D: [-1, 1] } as never, sq()));
add("fokkerPlanckGradient2D D wrong length", () => fp.fokkerPlanckGradient2D({ ...fpp2(), D: [1, 1, 1] } as never, sq()));
add("fokkerPlanckGradient2D theta wrong length", () => fp.fokkerPlanckGradient2D(fpp2(), sq(), { theta: new Float64Array(2) }));
add("fokkerPlanckGradient2D memoryBudget 100 bytes", () => fp.fokkerPlanckGradient2D(fpp2(), sq(), { memoryBudget: 100 }), "TOO_LARGE");
add("fokkerPlanckGradient2D dt 1e-12 (hang)", () => fp.fokkerPlanckGradient2D(fpp2(), sq(), { dt: 1e-12 }), "TOO_LARGE");
add("fokkerPlanckGradient2D dt 0", () => fp.fokkerPlanckGradient2D(fpp2(), sq(), { dt: 0 }));
add("fokkerPlanckGradient2D unknown option", () => fp.fokkerPlanckGradient2D(fpp2(), sq(), { steps: 3 } as never));
add("fokkerPlanckGradient2D grid 1e6 x 1e6", () =>
  fp.fokkerPlanckGradient2D({ ...fpp2(), grid: { ...g2(), nx: 1e6, ny: 1e6 } } as never, sq()),
);
add("fokkerPlanckGradient2D objective value NaN", () => fp.fokkerPlanckGradient2D(fpp2(), sq("nan-value")));
add("fokkerPlanckGradient2D objective gradient NaN", () => fp.fokkerPlanckGradient2D(fpp2(), sq("nan-grad")));
const ssp = () => ({ grid: g1(), sigma: "tanh", w: -1, b: 0.3, D: 0.4 });
add("steadyStateSensitivity problem null", () => fp.steadyStateSensitivity(null as never));
add("steadyStateSensitivity w NaN", () => fp.steadyStateSensitivity({ ...ssp(), w: NaN }));
add("steadyStateSensitivity b Infinity", () => fp.steadyStateSensitivity({ ...ssp(), b: Infinity }));
add("steadyStateSensitivity D 0", () => fp.steadyStateSensitivity({ ...ssp(), D: 0 }));
add("steadyStateSensitivity D function negative", () => fp.steadyStateSensitivity({ ...ssp(), D: () => -1 }));
add("steadyStateSensitivity D function NaN", () => fp.steadyStateSensitivity({ ...ssp(), D: () => NaN }));
add("steadyStateSensitivity unknown sigma", () => fp.steadyStateSensitivity({ ...ssp(), sigma: "nope" }), "NOT_FOUND");
add("steadyStateSensitivity grid missing", () => fp.steadyStateSensitivity({ ...ssp(), grid: undefined } as never));
add("steadyStateSensitivity unknown option", () => fp.steadyStateSensitivity(ssp(), { targets: [] } as never));
add("steadyStateSensitivity dD with constant D", () => fp.steadyStateSensitivity(ssp(), { dD: [() => 1] }));
add("steadyStateSensitivity dD not functions", () => fp.steadyStateSensitivity({ ...ssp(), D: () => 1 }, { dD: [1] } as never));
add("steadyStateSensitivity dD returns NaN", () => fp.steadyStateSensitivity({ ...ssp(), D: () => 1 }, { dD: [() => NaN] }));
add("steadyStateSensitivity target wrong length", () => fp.steadyStateSensitivity(ssp(), { target: [1, 2, 3] }));
add("steadyStateSensitivity target NaN", () => fp.steadyStateSensitivity(ssp(), { target: new Float64Array(64).fill(NaN) }));
add("steadyStateSensitivity target empty", () => fp.steadyStateSensitivity(ssp(), { target: [] }));
add("steadyStateSensitivity unknown loss", () => fp.steadyStateSensitivity(ssp(), { target: tgt(), loss: "l1" as never }));
add("steadyStateSensitivity loss without target", () => fp.steadyStateSensitivity(ssp(), { loss: "l2" }));
const sp2 = () => ({ network: net2(), grid: g2(), f0: f2, D: [0.2, 0.2] as [number, number] });
add("solveFokkerPlanck2DSensitivity problem null", () => fp.solveFokkerPlanck2DSensitivity(null as never));
add("solveFokkerPlanck2DSensitivity grid 1-D", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), grid: g1() } as never));
add("solveFokkerPlanck2DSensitivity network d = 1", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), network: net1() }));
add("solveFokkerPlanck2DSensitivity f0 NaN", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), f0: () => NaN }));
add("solveFokkerPlanck2DSensitivity f0 wrong length", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), f0: [1, 2] } as never));
add("solveFokkerPlanck2DSensitivity D NaN", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), D: [NaN, 1] } as never));
add("solveFokkerPlanck2DSensitivity T -1", () => fp.solveFokkerPlanck2DSensitivity({ ...sp2(), T: -1 } as never));
add("solveFokkerPlanck2DSensitivity dt -1", () => fp.solveFokkerPlanck2DSensitivity(sp2(), { dt: -1 }));
add("solveFokkerPlanck2DSensitivity dt 1e-12 (hang)", () => fp.solveFokkerPlanck2DSensitivity(sp2(), { dt: 1e-12 }), "TOO_LARGE");
add("solveFokkerPlanck2DSensitivity maxSteps 0", () => fp.solveFokkerPlanck2DSensitivity(sp2(), { maxSteps: 0 }));
add("solveFokkerPlanck2DSensitivity unknown option", () => fp.solveFokkerPlanck2DSensitivity(sp2(), { steps: 2 } as never));
add("solveFokkerPlanck2DSensitivity grid 1e6 x 1e6", () =>
  fp.solveFokkerPlanck2DSensitivity({ ...sp2(), grid: { ...g2(), nx: 1e6, ny: 1e6 } } as never),
);
const fitT = () => ({ kind: "samples", samples: [0.1, -0.3, 0.5, 0.2, -0.1, 0.05, 0.4, -0.6] }) as never;
add("fitSteadyState unknown method", () => fp.fitSteadyState(fitT(), { method: "bfgs" as never }));
add("fitSteadyState restarts -1", () => fp.fitSteadyState(fitT(), { restarts: -1 }));
add("fitSteadyState restarts 2.5", () => fp.fitSteadyState(fitT(), { restarts: 2.5 }));
add("fitSteadyState restarts 1e12", () => fp.fitSteadyState(fitT(), { restarts: 1e12 }));
add("fitFiniteHorizon diffusionPerLayer not boolean", () =>
  fp.fitFiniteHorizon(gauss, fitT(), 1, { family: "layerwise", diffusionPerLayer: "yes" as never }),
);
add("fitFiniteHorizon basisCentres with tanh", () => fp.fitFiniteHorizon(gauss, fitT(), 1, { family: "tanh", basisCentres: [0, 1] }));
add("fitFiniteHorizon restarts 1e12", () => fp.fitFiniteHorizon(gauss, fitT(), 1, { restarts: 1e12 }));
add("fitSteadyState restarts NaN", () => fp.fitSteadyState(fitT(), { restarts: NaN }));
add("fitSteadyState seed -1", () => fp.fitSteadyState(fitT(), { seed: -1 }));
add("fitSteadyState seed NaN", () => fp.fitSteadyState(fitT(), { seed: NaN }));
add("fitSteadyState seed 1.5", () => fp.fitSteadyState(fitT(), { seed: 1.5 }));
add("fitSteadyState method null", () => fp.fitSteadyState(fitT(), { method: null as never }));
add("fitSteadyState maxEvaluations 0", () => fp.fitSteadyState(fitT(), { maxEvaluations: 0 }));
add("fitSteadyState samples empty", () => fp.fitSteadyState({ kind: "samples", samples: [] } as never));
add("fitSteadyState samples NaN", () => fp.fitSteadyState({ kind: "samples", samples: [1, NaN, 2] } as never));
// ---- core: minimize ---------------------------------------------------------------------------------------------------------
const quad = (theta: Float64Array, grad: Float64Array | null) => {
  let J = 0;
  theta.forEach((v, i) => {
    J += 0.5 * (v - 1) ** 2;
    if (grad) grad[i] = v - 1;
  });
  return J;
};
add("minimize objective null", () => core.minimize(null as never, new Float64Array(2)));
add("minimize objective without evaluate", () => core.minimize({} as never, new Float64Array(2)));
add("minimize theta0 not a Float64Array", () => core.minimize(quad, [1, 2] as never));
add("minimize theta0 NaN", () => core.minimize(quad, new Float64Array([NaN])));
add("minimize theta0 Infinity", () => core.minimize(quad, new Float64Array([1, Infinity])));
add("minimize options null", () => core.minimize(quad, new Float64Array(2), null as never));
add("minimize unknown option", () => core.minimize(quad, new Float64Array(2), { epoch: 3 } as never));
add("minimize unknown optimizer", () => core.minimize(quad, new Float64Array(2), { optimizer: "sgd" as never }));
add("minimize epochs 0", () => core.minimize(quad, new Float64Array(2), { epochs: 0 }));
add("minimize epochs 1e12", () => core.minimize(quad, new Float64Array(2), { epochs: 1e12 }));
add("minimize epochs NaN", () => core.minimize(quad, new Float64Array(2), { epochs: NaN }));
add("minimize learningRate -1", () => core.minimize(quad, new Float64Array(2), { learningRate: -1 }));
add("minimize learningRate Infinity", () => core.minimize(quad, new Float64Array(2), { learningRate: Infinity }));
add("minimize seed -1", () => core.minimize(quad, new Float64Array(2), { seed: -1 }));
add("minimize seed NaN", () => core.minimize(quad, new Float64Array(2), { seed: NaN }));
add("minimize momentum 1", () => core.minimize(quad, new Float64Array(2), { optimizer: { kind: "gd", momentum: 1 } }));
add("minimize lbfgs memory 0", () => core.minimize(quad, new Float64Array(2), { optimizer: { kind: "lbfgs", memory: 0 } }));
add("minimize lbfgs memory 1e9", () => core.minimize(quad, new Float64Array(2), { optimizer: { kind: "lbfgs", memory: 1e9 } }));
add("minimize unknown schedule", () => core.minimize(quad, new Float64Array(2), { schedule: { kind: "linear" } as never }));
add("minimize gradTolerance NaN", () => core.minimize(quad, new Float64Array(2), { gradTolerance: NaN }));
add("minimize onProgress not a function", () => core.minimize(quad, new Float64Array(2), { onProgress: 1 as never }));
add("minimize batchSize without evaluateBatch", () =>
  core.minimize({ evaluate: quad, nSamples: 10 }, new Float64Array(2), { batchSize: 2 }),
);
add("minimize nSamples -1", () => core.minimize({ evaluate: quad, nSamples: -1 }, new Float64Array(2)));
add("minimize objective returns NaN", () => core.minimize(() => NaN, new Float64Array(2)));
add("minimize objective gradient NaN", () =>
  core.minimize((t, g) => {
    if (g) g.fill(NaN);
    return quad(t, null);
  }, new Float64Array(2)),
);
add("minimize lbfgs objective gradient NaN", () =>
  core.minimize(
    (t, g) => {
      if (g) g.fill(NaN);
      return quad(t, null);
    },
    new Float64Array(2),
    { optimizer: "lbfgs" },
  ),
);
add("minimize objective returns a string", () => core.minimize(() => "1" as never, new Float64Array(2)));
add("minimize objective becomes NaN after a step", () =>
  core.minimize((t, g) => (t[0]! > 0.5 ? NaN : quad(t, g)), new Float64Array(2), { optimizer: "gd", learningRate: 1 }),
);

describe("bad input at every public entry point", () => {
  it(`has at least 150 distinct cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
  for (const c of cases) {
    it(c.name, () => {
      let thrown: unknown;
      let returned: unknown;
      try {
        returned = c.call();
      } catch (e) {
        thrown = e;
      }
      if (thrown === undefined) {
        // A solve that started may end in a status instead; then it must not claim success.
        const status = (returned as { status?: unknown } | undefined)?.status;
        expect(status, `${c.name}: returned instead of refusing`).toBeDefined();
        expect(status, `${c.name}: returned status "success"`).not.toBe("success");
        return;
      }
      expect(core.isKineticError(thrown), `${c.name}: threw ${String(thrown)}`).toBe(true);
      const e = thrown as core.KineticError;
      if (c.code !== undefined) expect(e.code, e.message).toBe(c.code);
      // The message names the argument (backticked) or the unknown name (quoted), and never leaks a
      // schema library's or the runtime's wording.
      // Argument errors name the argument; the other codes describe the situation (unsupported
      // combination, overflow, unknown name, parse position) in a sentence.
      if (e.code === "INVALID_ARGUMENT" || e.code === "SHAPE_MISMATCH" || e.code === "TOO_LARGE") expect(e.message).toMatch(/`[^`]+`/);
      else if (e.code === "NOT_FOUND") expect(e.message).toMatch(/`[^`]+`|"[^"]+"/);
      else expect(e.message.length).toBeGreaterThan(20);
      expect(e.message).not.toMatch(/Invalid input|is not a function|is not iterable|Cannot read prop/);
    });
  }
});
