/**
 * Runs `scripts/figures.ts` in a child Node process (the packages' TypeScript source, through tsx) and
 * returns its figures; shared by the build-time data loaders of the gallery, the guides and the home page.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BuiltFigure } from "./figures.js";

export type { BuiltFigure } from "./figures.js";

export interface FiguresData {
  figures: Record<string, BuiltFigure>;
  errors: Record<string, string>;
}

export async function loadFigures(keys: readonly string[]): Promise<FiguresData> {
  const script = fileURLToPath(new URL("./figures.ts", import.meta.url));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--conditions=source", "--import", "tsx", script, ...keys], {
      cwd: fileURLToPath(new URL("../", import.meta.url)),
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const parsed = JSON.parse(stdout.trim().split("\n").pop() ?? "") as { figures: BuiltFigure[]; errors: Record<string, string> };
    return { figures: Object.fromEntries(parsed.figures.map((f) => [f.key, f])), errors: parsed.errors };
  } catch (e) {
    return { figures: {}, errors: { all: String((e as Error).message ?? e).split("\n")[0] ?? "" } };
  }
}
