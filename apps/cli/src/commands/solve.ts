/**
 * `kinetic-nde solve vlasov|vlasov-2d|fokker-planck` — the mean-field PDEs on a 1-D grid, and the Vlasov
 * equation of a d = 2 network on a square grid (the `solve-*` tools).
 */
import {
  solveFokkerPlanckSchema,
  solveFokkerPlanckTool,
  solveVlasov2DSchema,
  solveVlasov2DTool,
  solveVlasovSchema,
  solveVlasovTool,
} from "@kinetic-nde/experiments";
import type { Command } from "commander";
import { buildConfig, fieldsFromFlags, noteFlagPath } from "../common.js";
import { outDirFor, OUTPUT_HELP, type OutputFlags } from "../output.js";
import { COMMAND_SCHEMAS } from "../schemas.js";
import { runToolCommand, writeToolResult } from "./run-tool.js";

/** Config of `solve vlasov` (the tool's schema). */
export const vlasovSchema = solveVlasovSchema;
COMMAND_SCHEMAS["solve-vlasov"] = vlasovSchema;

/** Config of `solve vlasov-2d` (the tool's schema). */
export const vlasov2DSchema = solveVlasov2DSchema;
COMMAND_SCHEMAS["solve-vlasov-2d"] = vlasov2DSchema;

/** Config of `solve fokker-planck` (the tool's schema). */
export const fokkerPlanckSchema = solveFokkerPlanckSchema;
COMMAND_SCHEMAS["solve-fokker-planck"] = fokkerPlanckSchema;

const COMMON_FLAGS = {
  sigma: "sigma",
  w: "w",
  b: "b",
  T: "T",
  layers: "layers",
  initial: "initial.kind",
  mean: "initial.mean",
  std: "initial.std",
  low: "initial.low",
  high: "initial.high",
  xMin: "grid.xMin",
  xMax: "grid.xMax",
  n: "grid.n",
  cells: "cells",
  nSave: "nSave",
  boundary: "boundary",
};

type Flags = Record<string, unknown> & OutputFlags & { config?: string; quiet?: boolean };

function addCommon(c: Command): Command {
  return c
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--sigma <name>", "activation: identity, tanh, sigmoid, relu, leaky-relu, softplus")
    .option("--w <w>", "weight, or a JSON list per layer")
    .option("--b <b>", "bias, or a JSON list per layer")
    .option("--T <T>", "final time")
    .option("--layers <L>", "layers (constant w, b)")
    .option("--initial <kind>", "normal | uniform")
    .option("--mean <m>", "normal initial mean")
    .option("--std <s>", "normal initial standard deviation")
    .option("--low <a>", "uniform initial lower end")
    .option("--high <b>", "uniform initial upper end")
    .option("--x-min <x>", "grid left end (with --x-max)")
    .option("--x-max <x>", "grid right end")
    .option("--n <n>", "grid cells (with --x-min/--x-max)")
    .option("--cells <n>", "cells of the automatic grid")
    .option("--n-save <n>", "number of output times")
    .option("--boundary <kind>", "boundary condition")
    .option("--out <dir>", "output directory")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .option("--quiet", "no progress output");
}

/** Register `solve vlasov`, `solve vlasov-2d` and `solve fokker-planck`. */
export function registerSolve(program: Command): void {
  const solve = program
    .command("solve")
    .description("solve the Vlasov or Fokker–Planck equation of the mean-field limit (1-D; Vlasov also 2-D)");
  solve.addHelpText(
    "after",
    `
Examples:
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 4
  $ kinetic-nde solve vlasov-2d --sigma tanh --w -1 --spin 1 --b 0.5 --cells 256
  $ kinetic-nde solve fokker-planck --sigma identity --w -1 --b 0 --D 0.125 --T 5`,
  );

  addCommon(
    solve
      .command("vlasov")
      .description("∂_t f + ∂_x(σ(w x + b) f) = 0 by finite volumes (upwind or MUSCL)")
      .option("--scheme <name>", "upwind | muscl")
      .option("--limiter <name>", "minmod | mc | van-leer")
      .option("--time-stepper <name>", "euler | ssp-rk2 | ssp-rk3")
      .option("--cfl <c>", "CFL number"),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 4
  $ kinetic-nde solve vlasov --sigma relu --w 1 --b 0 --x-min -6 --x-max 12 --n 1200 --boundary outflow
  $ kinetic-nde solve vlasov --config vlasov.yaml --scheme upwind
${OUTPUT_HELP}`,
    )
    .action(async (flags: Flags) => {
      const cfg = buildConfig(
        vlasovSchema,
        flags.config,
        fieldsFromFlags(flags, { ...COMMON_FLAGS, scheme: "scheme", limiter: "limiter", timeStepper: "timeStepper", cfl: "cfl" }),
      );
      const out = outDirFor(flags, "solve", `vlasov-${cfg.sigma}`);
      const result = await runToolCommand(solveVlasovTool, cfg, { seed: 0, label: "solve vlasov", quiet: flags.quiet ?? false });
      process.exitCode = writeToolResult(out, result, result.config, flags);
    });

  solve
    .command("vlasov-2d")
    .description("∂_t f + ∇·(σ(W x + b) f) = 0 for a d = 2 network on a cells × cells grid (upwind or MUSCL)")
    .option("--config <file>", "JSON/YAML config file (flags override it)")
    .option("--sigma <name>", "activation: identity, tanh, sigmoid, relu, leaky-relu, softplus")
    .option("--w <w>", "a number w (W = [[w, -spin], [spin, w]]), or W row-major as a JSON list of 4 values (per layer)")
    .option("--spin <s>", "rotation of W when --w is a number (0 when W is a list)")
    .option("--b <b>", "a number (both components), or a JSON list of 2 values (per layer)")
    .option("--T <T>", "final time")
    .option("--layers <L>", "layers (constant W, b)")
    .option("--mean-x <m>", "normal initial mean of x (default 0)")
    .option("--std-x <s>", "normal initial standard deviation of x (default 1)")
    .option("--mean-y <m>", "normal initial mean of y (default 0)")
    .option("--std-y <s>", "normal initial standard deviation of y (default 1)")
    .option("--cells <n>", "cells per side of the automatic grid")
    .option("--n-save <n>", "number of output times")
    .option("--scheme <name>", "upwind | muscl")
    .option("--limiter <name>", "minmod | mc | van-leer")
    .option("--time-stepper <name>", "euler | ssp-rk2 | ssp-rk3")
    .option("--cfl <c>", "CFL number")
    .option("--boundary <kind>", "boundary condition")
    .option("--out <dir>", "output directory")
    .option("--force", "overwrite a non-empty output directory")
    .option("--no-png", "SVG figures only")
    .option("--quiet", "no progress output")
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde solve vlasov-2d --sigma tanh --w -1 --spin 1 --b 0.5 --T 2 --cells 256
  $ kinetic-nde solve vlasov-2d --w '[-1, 0.5, -0.5, -1]' --spin 0 --b '[0.2, 0]' --scheme upwind
${OUTPUT_HELP}`,
    )
    .action(async (flags: Flags) => {
      const cfg = buildConfig(
        vlasov2DSchema,
        flags.config,
        fieldsFromFlags(flags, {
          sigma: "sigma",
          w: "w",
          spin: "spin",
          b: "b",
          T: "T",
          layers: "layers",
          meanX: "initial.x.mean",
          stdX: "initial.x.std",
          meanY: "initial.y.mean",
          stdY: "initial.y.std",
          cells: "cells",
          nSave: "nSave",
          scheme: "scheme",
          limiter: "limiter",
          timeStepper: "timeStepper",
          cfl: "cfl",
          boundary: "boundary",
        }),
      );
      const out = outDirFor(flags, "solve", `vlasov-2d-${cfg.sigma}`);
      const result = await runToolCommand(solveVlasov2DTool, cfg, { seed: 0, label: "solve vlasov-2d", quiet: flags.quiet ?? false });
      process.exitCode = writeToolResult(out, result, result.config, flags);
    });

  addCommon(
    solve
      .command("fokker-planck")
      .description("∂_t f + ∂_x(σ(w x + b) f) = ∂_xx(D f) by Chang–Cooper fluxes (implicit Euler / Crank–Nicolson)")
      .option("--D <D>", "diffusion coefficient")
      .option("--method <name>", "implicit-euler | crank-nicolson | explicit-euler")
      .option("--dt <dt>", "time step")
      .option("--no-steady-state", "skip the steady state"),
  )
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde solve fokker-planck --sigma identity --w -1 --b 0 --D 0.125 --T 5
  $ kinetic-nde solve fokker-planck --sigma tanh --w -2 --b 1 --D 0.2 --method crank-nicolson --dt 0.01
${OUTPUT_HELP}`,
    )
    .action(async (flags: Flags & { steadyState?: boolean }) => {
      const mapped = fieldsFromFlags(flags, { ...COMMON_FLAGS, D: "D", method: "method", dt: "dt" });
      if (flags.steadyState === false) {
        mapped["steadyState"] = false;
        noteFlagPath("steadyState", "steadyState");
      }
      const cfg = buildConfig(fokkerPlanckSchema, flags.config, mapped);
      const out = outDirFor(flags, "solve", `fokker-planck-${cfg.sigma}`);
      const result = await runToolCommand(solveFokkerPlanckTool, cfg, {
        seed: 0,
        label: "solve fokker-planck",
        quiet: flags.quiet ?? false,
      });
      process.exitCode = writeToolResult(out, result, result.config, flags);
    });
}
