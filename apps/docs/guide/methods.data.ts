/**
 * Build-time data for "Numerical schemes and their guarantees": the method registries exported by
 * the packages (name, declared order, adaptivity, positivity, description), read from the packages'
 * TypeScript source in a child Node process.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

export interface MethodRow {
  pkg: string;
  registry: string;
  name: string;
  order: number;
  adaptive?: boolean;
  stochastic?: boolean;
  description?: string;
  extra: Record<string, string | number | boolean>;
}
export interface MethodsData {
  rows: MethodRow[];
  errors: Record<string, string>;
}

declare const data: MethodsData;
export { data };

export default {
  async load(): Promise<MethodsData> {
    const script = fileURLToPath(new URL("../scripts/methods.ts", import.meta.url));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--conditions=source", "--import", "tsx", script], {
        cwd: fileURLToPath(new URL("../", import.meta.url)),
        encoding: "utf8",
        timeout: 60_000,
      });
      return JSON.parse(stdout.trim().split("\n").pop() ?? "") as MethodsData;
    } catch (e) {
      return { rows: [], errors: { all: String((e as Error).message ?? e).split("\n")[0] ?? "" } };
    }
  },
};
