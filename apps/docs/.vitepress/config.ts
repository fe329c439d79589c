import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type DefaultTheme } from "vitepress";
import { accessibleMath } from "../scripts/math-a11y";
import { CATALOGUE } from "./catalogue";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The packages' shared version and repository, read from the core manifest at build time. */
const coreManifest = JSON.parse(readFileSync(new URL("../../../packages/core/package.json", import.meta.url), "utf8")) as {
  version: string;
  repository?: string | { url?: string };
};
const version = coreManifest.version;
const repositoryField = typeof coreManifest.repository === "string" ? coreManifest.repository : coreManifest.repository?.url;
/** `https://github.com/<owner>/<name>` when the manifest names a GitHub repository; otherwise no links to one. */
const repositoryUrl = /github\.com[/:]([^/]+\/[^/.#]+)/.exec(repositoryField ?? "")?.[1];
const repository = repositoryUrl !== undefined ? `https://github.com/${repositoryUrl}` : undefined;

/** The TypeDoc sidebar (written by `docs:api`); an empty list until the reference has been generated. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = new URL("../api/typedoc-sidebar.json", import.meta.url);
  if (!existsSync(file)) return [];
  const items = JSON.parse(readFileSync(file, "utf8")) as DefaultTheme.SidebarItem[];
  // TypeDoc writes links with a `.md` suffix; VitePress resolves clean links.
  return items.map((item) => ({ ...item, ...(item.link !== undefined ? { link: item.link.replace(/\.md$/, "") } : {}) }));
}

/** Drops Rollup's notice about comment positions inside a dependency (zod); keeps every other warning. */
// (Vite hands the worker bundle's warnings to this handler too.)
function quietWarnings(warning: { code?: string | undefined; message: string }, warn: (w: typeof warning) => void): void {
  if (warning.code === "INVALID_ANNOTATION" && /node_modules/.test(warning.message)) return;
  warn(warning);
}

const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: "Introduction",
    items: [
      { text: "Getting started", link: "/guide/getting-started" },
      { text: "ResNets as neural ODEs", link: "/guide/resnet-neural-ode" },
    ],
  },
  {
    text: "Kinetic theory",
    items: [
      { text: "The mean-field limit", link: "/guide/mean-field" },
      { text: "Steady states and sensitivity", link: "/guide/steady-states" },
      { text: "Moments", link: "/guide/moments" },
      { text: "Stochastic network and Fokker–Planck", link: "/guide/fokker-planck" },
      { text: "Fitting distributions", link: "/guide/fitting-distributions" },
      { text: "Training on densities", link: "/guide/training-densities" },
    ],
  },
  {
    text: "Numerics",
    items: [
      { text: "Schemes and guarantees", link: "/guide/numerical-schemes" },
      { text: "How we know it is right", link: "/guide/verification" },
      { text: "Performance against peers", link: "/guide/performance" },
    ],
  },
];

const experimentSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: "Live experiments",
    items: [{ text: "Overview", link: "/experiments/" }, ...CATALOGUE.map((e) => ({ text: e.title, link: `/experiments/${e.id}` }))],
  },
  {
    text: "Live tools (the CLI commands)",
    items: [
      { text: "Simulate particles", link: "/experiments/simulate" },
      { text: "Solve the Vlasov equation", link: "/experiments/solve-vlasov" },
      { text: "Solve the Vlasov equation in 2-D", link: "/experiments/solve-vlasov-2d" },
      { text: "Solve the Fokker–Planck equation", link: "/experiments/solve-fokker-planck" },
      { text: "Moment hierarchy", link: "/experiments/moments" },
    ],
  },
];

export default defineConfig({
  title: "kinetic-nde",
  description: "Mean-field and kinetic theory of residual neural networks, in TypeScript.",
  lang: "en-GB",
  cleanUrls: true,
  lastUpdated: false,
  appearance: true,
  srcExclude: ["scripts/**", "test/**", "README.md"],
  markdown: {
    math: true,
    // Every formula carries its MathML for screen readers (the SVG alone is an unnamed image).
    config: accessibleMath,
    // Code colours that keep a 4.5:1 contrast on the code-block background in both appearances.
    theme: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" },
  },
  head: [["link", { rel: "icon", href: "data:," }]],
  themeConfig: {
    nav: [
      { text: "Guide", link: "/guide/getting-started", activeMatch: "^/guide/" },
      { text: "Experiments", link: "/experiments/", activeMatch: "^/experiments/" },
      { text: "Gallery", link: "/gallery", activeMatch: "^/gallery" },
      { text: "API", link: "/api/", activeMatch: "^/api/" },
      { text: "Changelog", link: "/changelog", activeMatch: "^/changelog" },
      { text: "Cite", link: "/cite", activeMatch: "^/cite" },
    ],
    sidebar: {
      "/guide/": guideSidebar,
      "/experiments/": experimentSidebar,
      "/api/": [{ text: "API reference", items: [{ text: "Overview", link: "/api/" }, ...apiSidebar()] }],
    },
    outline: { level: [2, 3] },
    search: { provider: "local" },
    footer: { message: `kinetic-nde ${version}. Released under the MIT licence.` },
    ...(repository !== undefined
      ? {
          socialLinks: [{ icon: "github", link: repository }],
          editLink: { pattern: `${repository}/edit/main/apps/docs/:path`, text: "Edit this page" },
        }
      : {}),
  },
  transformPageData(pageData) {
    // The API reference is generated from the packages' TSDoc: it is edited there, not here.
    if (pageData.relativePath.startsWith("api/")) pageData.frontmatter["editLink"] = false;
  },
  vite: {
    define: {
      __KN_VERSION__: JSON.stringify(version),
    },
    resolve: {
      alias: [
        {
          // Workspace packages resolve to their TypeScript source: no package build is needed.
          find: /^@kinetic-nde\/(core|datasets|mean-field|fokker-planck|moments|experiments)$/,
          replacement: `${repoRoot}packages/$1/src/index.ts`,
        },
        { find: /^@kinetic-nde\/experiments\/plot$/, replacement: `${repoRoot}packages/experiments/src/plot/index.ts` },
        { find: /^@kinetic-nde\/core\/wasm$/, replacement: `${repoRoot}packages/core/src/wasm/index.ts` },
        { find: /^@kinetic-nde\/core\/webgpu$/, replacement: `${repoRoot}packages/core/src/webgpu/index.ts` },
        { find: /^@kinetic-nde\/core\/(testing|validate)$/, replacement: `${repoRoot}packages/core/src/$1.ts` },
        { find: /^@kinetic-nde\/mean-field\/fluxes$/, replacement: `${repoRoot}packages/mean-field/src/fluxes.ts` },
      ],
    },
    worker: {
      // Experiments are split into chunks; only ES-module workers support that.
      format: "es",
    },
    build: {
      chunkSizeWarningLimit: 2000,
      rollupOptions: { onwarn: quietWarnings },
    },
    server: {
      // Local only unless asked: `pnpm docs:dev --host 0.0.0.0` (or KN_DOCS_HOST) exposes the dev server.
      // This config would override the command line's `--host`, so it steps aside when one is given.
      ...(process.argv.some((a) => a === "--host" || a.startsWith("--host=")) ? {} : { host: process.env.KN_DOCS_HOST ?? "127.0.0.1" }),
      fs: { allow: [repoRoot] },
    },
  },
});
