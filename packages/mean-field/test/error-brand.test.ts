import * as core from "@kinetic-nde/core";
import { describe, expect, it, vi } from "vitest";
import { createGrid1D } from "@kinetic-nde/datasets";

describe("errors of mean-field and a second loaded copy of core", () => {
  it("a separately loaded copy of core recognises mean-field's KineticError by its brand, not by instanceof", async () => {
    let thrown: unknown;
    try {
      createGrid1D(1, -1, 10);
    } catch (e) {
      thrown = e;
    }
    expect(core.isKineticError(thrown, "INVALID_ARGUMENT")).toBe(true);
    vi.resetModules();
    const copy = (await import("@kinetic-nde/core")) as typeof core;
    // A fresh module instance: its class is not the one mean-field threw with.
    expect(copy.KineticError).not.toBe(core.KineticError);
    expect(thrown instanceof copy.KineticError).toBe(false);
    expect(copy.isKineticError(thrown)).toBe(true);
    expect(copy.isKineticError(thrown, "INVALID_ARGUMENT")).toBe(true);
    expect(copy.isKineticError(thrown, "SHAPE_MISMATCH")).toBe(false);
    expect(copy.isKineticError(new Error("invalid argument"))).toBe(false);
    // And the other way round: an error of the copy is recognised by the core mean-field uses.
    expect(core.isKineticError(new copy.KineticError("UNSTABLE", "blow-up"), "UNSTABLE")).toBe(true);
  });
});
