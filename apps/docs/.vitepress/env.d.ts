declare module "*.vue" {
  import type { DefineComponent } from "vue";
  const component: DefineComponent<Record<string, unknown>, Record<string, unknown>, unknown>;
  export default component;
}

/** The packages' version, from packages/core/package.json (defined at build time in config.ts). */
declare const __KN_VERSION__: string;
