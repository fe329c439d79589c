import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Tests run on the TypeScript sources of every workspace package: no build step is needed.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@kinetic-nde\/core\/(wasm|node|webgpu)$/,
        replacement: `${root}packages/core/src/$1/index.ts`,
      },
      {
        find: /^@kinetic-nde\/core\/(testing|validate)$/,
        replacement: `${root}packages/core/src/$1.ts`,
      },
      {
        find: /^@kinetic-nde\/experiments\/plot$/,
        replacement: `${root}packages/experiments/src/plot/index.ts`,
      },
      {
        find: /^@kinetic-nde\/mean-field\/fluxes$/,
        replacement: `${root}packages/mean-field/src/fluxes.ts`,
      },
      {
        find: /^@kinetic-nde\/(core|datasets|mean-field|fokker-planck|moments|experiments)$/,
        replacement: `${root}packages/$1/src/index.ts`,
      },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "apps/cli/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
