import { describe, expect, it } from "vitest";
import { isKineticError, KineticError, SOLVE_STATUSES } from "./errors.js";

describe("KineticError", () => {
  it("carries code, name, details and cause", () => {
    const cause = new Error("inner");
    const e = new KineticError("SOLVER_FAILED", "boom", { cause, details: { a: 1 } });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.message]).toEqual(["KineticError", "SOLVER_FAILED", "boom"]);
    expect(e.details).toEqual({ a: 1 });
    expect(e.cause).toBe(cause);
    expect(new KineticError("NOT_FOUND", "x").cause).toBeUndefined();
  });
  it("isKineticError checks class and code", () => {
    const e = new KineticError("UNSTABLE", "x");
    expect(isKineticError(e)).toBe(true);
    expect(isKineticError(e, "UNSTABLE")).toBe(true);
    expect(isKineticError(e, "NOT_FOUND")).toBe(false);
    expect(isKineticError(new Error("x"))).toBe(false);
    expect(isKineticError("UNSTABLE")).toBe(false);
  });
  it("recognises an error thrown by a second copy of the package (brand, not instanceof)", () => {
    class OtherCopy extends Error {
      readonly code = "INVALID_ARGUMENT";
      constructor() {
        super("from another copy");
        Object.defineProperty(this, Symbol.for("@kinetic-nde/core.KineticError"), { value: true });
      }
    }
    expect(isKineticError(new OtherCopy(), "INVALID_ARGUMENT")).toBe(true);
    expect(isKineticError({ code: "INVALID_ARGUMENT" })).toBe(false);
  });
  it("lists every solve status", () => {
    expect(SOLVE_STATUSES).toEqual(["success", "max-steps", "step-too-small", "non-finite", "mass-lost", "unstable", "under-resolved"]);
  });
});
