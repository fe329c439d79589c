/**
 * Build-time data of the changelog page: the pending changesets (`.changeset/*.md`) grouped by package
 * and bump type, and the released history from each package's CHANGELOG.md where one exists.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { createMarkdownRenderer } from "vitepress";

export interface PendingChange {
  /** The changeset's file name without `.md`. */
  name: string;
  /** The change, rendered to HTML. */
  html: string;
}
export interface PackageChanges {
  pkg: string;
  /** Pending changes by bump type, major first. */
  bumps: { bump: string; changes: PendingChange[] }[];
  /** The package's CHANGELOG.md rendered to HTML, or "" when it has none. */
  released: string;
}
export interface ChangelogData {
  packages: PackageChanges[];
  /** Every pending changeset's name. */
  changesets: string[];
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const BUMPS = ["major", "minor", "patch"];
const PACKAGE_DIRS: Record<string, string> = {
  "@kinetic-nde/core": "packages/core",
  "@kinetic-nde/datasets": "packages/datasets",
  "@kinetic-nde/mean-field": "packages/mean-field",
  "@kinetic-nde/fokker-planck": "packages/fokker-planck",
  "@kinetic-nde/moments": "packages/moments",
  "@kinetic-nde/experiments": "packages/experiments",
  "@kinetic-nde/cli": "apps/cli",
};

/** Splits a changeset into its `package: bump` pairs and its summary. */
function parseChangeset(text: string): { releases: [string, string][]; summary: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (m === null) return { releases: [], summary: text.trim() };
  const releases: [string, string][] = [];
  for (const line of (m[1] ?? "").split(/\r?\n/)) {
    const r = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
    if (r !== null) releases.push([r[1] ?? "", r[2] ?? ""]);
  }
  return { releases, summary: (m[2] ?? "").trim() };
}

declare const data: ChangelogData;
export { data };

export default {
  watch: ["../../.changeset/*.md"],
  async load(files: string[]): Promise<ChangelogData> {
    const md = await createMarkdownRenderer(fileURLToPath(new URL("./", import.meta.url)));
    const byPackage = new Map<string, Map<string, PendingChange[]>>();
    const changesets: string[] = [];
    for (const file of [...files].sort()) {
      const name = basename(file, ".md");
      if (name.toLowerCase() === "readme") continue;
      const { releases, summary } = parseChangeset(readFileSync(file, "utf8"));
      changesets.push(name);
      const html = md.render(summary);
      for (const [pkg, bump] of releases) {
        const bumps = byPackage.get(pkg) ?? new Map<string, PendingChange[]>();
        byPackage.set(pkg, bumps);
        bumps.set(bump, [...(bumps.get(bump) ?? []), { name, html }]);
      }
    }
    const names = [...new Set([...Object.keys(PACKAGE_DIRS), ...byPackage.keys()])];
    const packages = names.map((pkg): PackageChanges => {
      const dir = PACKAGE_DIRS[pkg];
      const changelog = dir !== undefined ? `${root}${dir}/CHANGELOG.md` : "";
      const released = changelog !== "" && existsSync(changelog) ? md.render(readFileSync(changelog, "utf8").replace(/^# .*\n/, "")) : "";
      const bumps = byPackage.get(pkg) ?? new Map<string, PendingChange[]>();
      return { pkg, bumps: BUMPS.filter((b) => bumps.has(b)).map((bump) => ({ bump, changes: bumps.get(bump) ?? [] })), released };
    });
    return { packages: packages.filter((p) => p.bumps.length > 0 || p.released !== ""), changesets };
  },
};
