import { describe, expect, it } from "vitest";
import { expectAllClose } from "@kinetic-nde/core/testing";
import { linearTickLabel, logTickFormat, logTicks, niceTicks, powerOfTenLabel } from "./ticks.js";

describe("ticks", () => {
  it("nice ticks have round steps inside the range", () => {
    const t = niceTicks(0.13, 0.87);
    expect(t.step).toBe(0.1);
    expectAllClose(t.ticks, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], { rtol: 1e-12, atol: 0 });
    expect(niceTicks(-6, 6).ticks).toEqual([-6, -4, -2, 0, 2, 4, 6]);
  });

  it("linear labels: decimals from the step, powers of ten for tiny or huge values", () => {
    expect(linearTickLabel(0.25, 0.05)).toBe("0.25");
    expect(linearTickLabel(-2, 1)).toBe("−2");
    expect(linearTickLabel(2e-5, 1e-5)).toBe("2·10⁻⁵");
    expect(linearTickLabel(1e6, 1e5)).toBe("10⁶");
  });

  it("log ticks: every 1…9 multiple inside the range, exact decimals", () => {
    expect(logTicks(0.5, 3)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3]);
    expect(logTicks(1e-20, 1).length).toBe(21);
    expect(logTicks(0, 1)).toEqual([]);
  });

  it("log labels: powers of ten over wide ranges, 1-2-5 over narrow ones", () => {
    const wide = logTickFormat(1e-4, 1);
    expect([1e-4, 2e-4, 1e-3, 1].map(wide)).toEqual(["10⁻⁴", "", "10⁻³", "1"]);
    const narrow = logTickFormat(0.015, 0.13);
    expect([0.02, 0.03, 0.05, 0.1].map(narrow)).toEqual(["0.02", "", "0.05", "0.1"]);
    const huge = logTickFormat(1e-24, 1);
    expect([1e-24, 1e-23, 1e-22].map(huge)).toEqual(["10⁻²⁴", "", "10⁻²²"]);
    const tight = logTickFormat(1e-12, 1, 4);
    expect([1e-12, 1e-9, 1e-8, 1e-6, 1].map(tight)).toEqual(["10⁻¹²", "10⁻⁹", "", "10⁻⁶", "1"]);
    expect(powerOfTenLabel(-12)).toBe("10⁻¹²");
  });
});
