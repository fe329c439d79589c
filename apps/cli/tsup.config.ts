import { defineConfig } from "tsup";

// One self-contained ESM file with a shebang. Workspace packages are bundled from their TypeScript
// source (the "source" export condition), so the CLI runs without building the libraries first;
// npm dependencies (commander, yaml, zod, resvg) stay external.
export default defineConfig({
  // worker.js: the worker-thread entry of `@kinetic-nde/core/node`, which looks for it next to the
  // module that starts the workers (here the bundled cli.js).
  entry: { cli: "src/cli.ts", worker: "../../packages/core/src/node/worker.ts" },
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
