/**
 * zod schemas of every command's config (also published as JSON Schema by `kinetic-nde schema`). The
 * commands register the schemas of their tools (`@kinetic-nde/experiments`), extended by file inputs.
 */
import { toJsonSchema } from "@kinetic-nde/experiments";
import * as z from "zod";
import { CliError, EXIT } from "./exit-codes.js";

/** Every command's config schema, by command name. */
export const COMMAND_SCHEMAS: Record<string, z.ZodType> = {};

/**
 * JSON Schema of a command's config.
 * @param name - a key of {@link COMMAND_SCHEMAS}
 */
export function commandJsonSchema(name: string): Record<string, unknown> {
  const s = COMMAND_SCHEMAS[name];
  if (s === undefined) {
    throw new CliError(
      EXIT.USAGE,
      `invalid argument: \`command\` must be one of ${Object.keys(COMMAND_SCHEMAS)
        .map((k) => JSON.stringify(k))
        .join(", ")} or experiment:<id>; got ${JSON.stringify(name)}`,
    );
  }
  return toJsonSchema(s, `kinetic-nde ${name} config`);
}

export { z };
