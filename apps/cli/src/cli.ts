/**
 * The `kinetic-nde` command line: reproduce the experiment catalogue, simulate networks, solve the
 * Vlasov and Fokker–Planck equations, compute moments, train, fit distributions, handle data sets.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes.js";
import { VERSION, toExit } from "./common.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerList } from "./commands/list.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerSolve } from "./commands/solve.js";
import { registerMoments } from "./commands/moments.js";
import { registerTrain } from "./commands/train.js";
import { registerFit } from "./commands/fit.js";
import { registerDataset } from "./commands/dataset.js";

void Option;

/** Build the program (exported for tests and docs). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("kinetic-nde")
    .description("Mean-field and kinetic theory of residual neural networks: reproduce, simulate, solve, fit.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .addHelpText("after", `
Examples:
  $ kinetic-nde reproduce --all --quick
  $ kinetic-nde simulate --sigma tanh --w -1 --b 0.5 --T 2 --particles 10000
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 2
  $ kinetic-nde list experiments
${EXIT_CODES_HELP}`);
  registerReproduce(program);
  registerSimulate(program);
  registerSolve(program);
  registerMoments(program);
  registerTrain(program);
  registerFit(program);
  registerDataset(program);
  registerList(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other parse error is a usage error.
      // Commander's own exit code is 0 for --help, `help <cmd>` and --version; a command group called
      // without a subcommand shows its help with exit code 1 — a usage error here.
      const ok = e.exitCode === 0;
      process.exitCode = ok ? EXIT.OK : EXIT.USAGE;
      return;
    }
    const { code, message } = toExit(e);
    process.stderr.write(message + "\n");
    process.exitCode = code;
  }
}

await main();
