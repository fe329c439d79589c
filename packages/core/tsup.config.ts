import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base.js";

// The public types name `WebAssembly.Memory`, which TypeScript declares only in its DOM library; a
// consumer compiling with `lib: ["es2022"]` (Node, no DOM) would not find it. Each declaration file
// therefore declares the two members used, exactly as the DOM library does, so the declarations
// merge where the DOM library is present too (`export {}` keeps every file a module).
const webAssemblyTypes = `
export {};
declare global {
  namespace WebAssembly {
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
  }
}
`;

export default defineConfig({
  ...libraryBuild,
  entry: {
    index: "src/index.ts",
    testing: "src/testing.ts",
    validate: "src/validate.ts",
    "wasm/index": "src/wasm/index.ts",
    "webgpu/index": "src/webgpu/index.ts",
    "node/index": "src/node/index.ts",
    "node/worker": "src/node/worker.ts",
  },
  dts: { footer: webAssemblyTypes },
});
