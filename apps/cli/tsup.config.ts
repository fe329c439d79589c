import { defineConfig } from "tsup";

// One self-contained ESM file with a shebang. Workspace packages are bundled from their TypeScript
// source (the "source" export condition), so the CLI runs without building the libraries first;
// npm dependencies (commander, yaml, zod, resvg) stay external.
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  sourcemap: true,
  clean: true,
  dts: false,
  banner: { js: "#!/usr/bin/env node" },
  noExternal: [/^@kinetic-nde\//],
  esbuildOptions(options) {
    options.conditions = ["source", "import", "default"];
  },
});
