import type { Options } from "tsup";

/**
 * The build every library package shares: ESM for ES2022 with declaration files and source maps,
 * `dist/` cleaned first. A package's `tsup.config.ts` spreads it and names its entry points.
 */
export const libraryBuild = {
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
} satisfies Options;
