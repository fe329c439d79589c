import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "wasm/index": "src/wasm/index.ts", "node/index": "src/node/index.ts", "node/worker": "src/node/worker.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
});
