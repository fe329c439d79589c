import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "plot/index": "src/plot/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
});
