/**
 * The `kinetic-nde` command line: reproduce the experiment catalogue, simulate networks, solve the
 * Vlasov and Fokker–Planck equations, compute moments, train, fit distributions, handle data sets.
 */
import { Command, CommanderError, type Help, type Option } from "commander";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes.js";
import { VERSION, setActiveCommand, toExit } from "./common.js";
import { commitOutputs, discardOutputs, setOutIsDefault } from "./io.js";
import { installSignalHandlers } from "./signals.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerList } from "./commands/list.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerSolve } from "./commands/solve.js";
import { registerMoments } from "./commands/moments.js";
import { registerTrain } from "./commands/train.js";
import { registerFit } from "./commands/fit.js";
import { registerDataset } from "./commands/dataset.js";
import { COMMAND_SCHEMAS } from "./schemas.js";
import type * as z from "zod";

/** Defaults found in the command schemas for options that declare none, filled in by {@link fillSchemaDefaults}. */
const schemaDefaults = new WeakMap<Option, string>();

function showDefault(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const kind = (v as Record<string, unknown>)["kind"];
    return typeof kind === "string" ? JSON.stringify(kind) : undefined;
  }
  return JSON.stringify(v);
}

/** Field defaults of a zod object schema, flattened to dotted paths (nested objects included). */
function flatDefaults(schema: z.ZodType): Map<string, { value?: unknown; description?: string }> {
  const out = new Map<string, { value?: unknown; description?: string }>();
  const walk = (s: z.ZodType, prefix: string): void => {
    const shape = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (shape === undefined) return;
    for (const [key, field] of Object.entries(shape)) {
      const path = prefix + key;
      const r = field.safeParse(undefined);
      const entry: { value?: unknown; description?: string } = {};
      if (r.success && r.data !== undefined) entry.value = r.data;
      if (field.description !== undefined) entry.description = field.description;
      out.set(path, entry);
      // Step through wrappers (default, optional) to nested objects.
      let inner: z.ZodType | undefined = field;
      for (let i = 0; i < 4 && inner !== undefined && (inner as unknown as { shape?: unknown }).shape === undefined; i++) {
        const def: { innerType?: z.ZodType } | undefined = (inner as unknown as { def?: { innerType?: z.ZodType } }).def;
        inner = def?.innerType;
      }
      if (inner !== undefined) walk(inner, `${path}.`);
      // A nested default object supplies its fields' defaults too.
      if (r.success && r.data !== null && typeof r.data === "object" && !Array.isArray(r.data)) {
        for (const [k, v] of Object.entries(r.data as Record<string, unknown>)) {
          const p = `${path}.${k}`;
          const e = out.get(p) ?? {};
          if (e.value === undefined) out.set(p, { ...e, value: v });
        }
      }
    }
  };
  walk(schema, "");
  return out;
}

/**
 * For every option that shows no default, find one in the command's config schema (a field named
 * like the option, at the top level or the only nested one of that name) so `--help` lists every
 * option's default; works for any command registered in COMMAND_SCHEMAS.
 */
function fillSchemaDefaults(program: Command): void {
  const visit = (cmd: Command, path: string[]): void => {
    const schema = COMMAND_SCHEMAS[path.join("-")];
    const defaults = schema !== undefined ? flatDefaults(schema) : undefined;
    for (const opt of cmd.options) {
      if (opt.defaultValue !== undefined || defaults === undefined) continue;
      const key = opt.attributeName();
      let entry = defaults.get(key);
      if (entry === undefined) {
        const nested = [...defaults.entries()].filter(([p]) => p.endsWith(`.${key}`));
        if (nested.length === 1) entry = nested[0]![1];
      }
      if (entry === undefined) continue;
      const shown = showDefault(entry.value) ?? /\((default[^)]*)\)/.exec(entry.description ?? "")?.[1]?.replace(/^default:?\s*/, "");
      if (shown !== undefined) schemaDefaults.set(opt, shown);
    }
    for (const sub of cmd.commands) visit(sub, [...path, sub.name()]);
  };
  for (const sub of program.commands) visit(sub, [sub.name()]);
}

/** Option descriptions with exactly one default each: the option's own, the schema's, or "none"/"off". */
function optionDescription(this: Help, option: Option): string {
  const extra: string[] = [];
  if (option.argChoices !== undefined) extra.push(`choices: ${option.argChoices.map((c) => JSON.stringify(c)).join(", ")}`);
  const own = /\(default\b/i.test(option.description);
  if (!own && option.long !== "--help" && option.long !== "--version") {
    if (option.isBoolean() || option.negate) extra.push("default: off");
    else if (option.defaultValue !== undefined)
      extra.push(`default: ${option.defaultValueDescription ?? JSON.stringify(option.defaultValue)}`);
    else extra.push(`default: ${schemaDefaults.get(option) ?? "none"}`);
  }
  if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
  return extra.length > 0 ? `${option.description} (${extra.join(", ")})` : option.description;
}

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
    .configureHelp({ optionDescription })
    .addHelpText(
      "after",
      `
Examples:
  $ kinetic-nde reproduce --all --quick
  $ kinetic-nde simulate --sigma tanh --w -1 --b 0.5 --T 2 --particles 10000
  $ kinetic-nde solve vlasov --sigma tanh --w -1 --b 0.5 --T 2
  $ kinetic-nde list experiments
${EXIT_CODES_HELP}`,
    );
  program.hook("preAction", (_root, action) => {
    setActiveCommand(action);
    setOutIsDefault(action.options.some((o) => o.long === "--out") && action.getOptionValueSource("out") !== "cli");
  });
  registerReproduce(program);
  registerSimulate(program);
  registerSolve(program);
  registerMoments(program);
  registerTrain(program);
  registerFit(program);
  registerDataset(program);
  registerList(program);
  fillSchemaDefaults(program);
  return program;
}

/** `help <a> <b>` naming a command that does not exist: the command path that fails, or undefined. */
function unknownHelpTarget(program: Command, args: readonly string[]): string | undefined {
  if (args[0] !== "help") return undefined;
  let cmd = program;
  for (const name of args.slice(1)) {
    if (name.startsWith("-")) break;
    const sub = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (sub === undefined) return name;
    cmd = sub;
  }
  return undefined;
}

async function main(): Promise<void> {
  installSignalHandlers();
  const program = buildProgram();
  const bad = unknownHelpTarget(program, process.argv.slice(2));
  if (bad !== undefined) {
    process.stderr.write(`error: unknown command '${bad}'\n(run with --help for usage)\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }
  try {
    await program.parseAsync(process.argv);
    // The command finished (its exit code may still say a check failed or it was interrupted after
    // writing a partial report): move staged results into place.
    commitOutputs();
  } catch (e) {
    discardOutputs();
    if (e instanceof CommanderError) {
      // Commander's own exit code is 0 for --help, `help <cmd>` and --version; every other parse
      // error (and a command group called without a subcommand) is a usage error.
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    const { code, message } = toExit(e);
    process.stderr.write(message + "\n");
    process.exitCode = code;
  }
}

await main();
