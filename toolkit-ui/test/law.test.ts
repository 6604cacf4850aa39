import { describe, expect, it } from "vitest";
import { fromNormalized, originNormalized, snap, stepBy, toNormalized, type LawInfo } from "../src/lib/law";
import { estimate } from "../src/ipc/client";
import { floatParam } from "../testing";

const lin = (min: number, max: number, extra: Partial<LawInfo> = {}): LawInfo => ({
  min,
  max,
  law: { type: "linear", reversed: false },
  ...extra,
});
const gain = (min: number, max: number): LawInfo => ({
  min,
  max,
  stepSize: 0.1,
  law: { type: "symmetricalSkewed", factor: 0.5, center: 0, reversed: false },
});
const pan = lin(-100, 100, { stepSize: 1 });
const width = lin(0, 200, { stepSize: 1 });

describe("range laws (nice-plug's FloatRange)", () => {
  it("linear", () => {
    expect(toNormalized(pan, 0)).toBe(0.5);
    expect(toNormalized(pan, -100)).toBe(0);
    expect(fromNormalized(pan, 0.75)).toBe(50);
  });

  it("skewed: n = p^factor, and back", () => {
    const info: LawInfo = { min: 0, max: 100, law: { type: "skewed", factor: 0.5, reversed: false } };
    expect(toNormalized(info, 25)).toBeCloseTo(0.5);
    expect(fromNormalized(info, 0.5)).toBeCloseTo(25);
  });

  it("symmetrical skew puts the centre at the top and is finer around it", () => {
    const output = gain(-60, 12);
    expect(toNormalized(output, 0)).toBe(0.5);
    // A quarter of the way from the centre is a sixteenth of that side (params.rs: +0.75/−3.75 dB).
    expect(fromNormalized(output, 0.625)).toBeCloseTo(0.75);
    expect(fromNormalized(output, 0.375)).toBeCloseTo(-3.75);
    expect(fromNormalized(output, 1)).toBeCloseTo(12);
    expect(fromNormalized(output, 0)).toBeCloseTo(-60);
    for (const v of [-60, -30, -3.7, 0, 0.4, 6, 12]) expect(fromNormalized(output, toNormalized(output, v))).toBeCloseTo(v, 9);
  });

  it("reversed mirrors the normalized value", () => {
    const info: LawInfo = { min: 0, max: 10, law: { type: "linear", reversed: true } };
    expect(toNormalized(info, 0)).toBe(1);
    expect(fromNormalized(info, 0.25)).toBe(7.5);
  });

  it("starts a knob's arc at 0 for ranges across 0 (by the law), else at the bottom", () => {
    expect(originNormalized(pan)).toBe(0.5);
    expect(originNormalized(gain(-60, 12))).toBe(0.5);
    expect(originNormalized(width)).toBe(0);
    expect(originNormalized(lin(-60, 0))).toBe(0);
  });
});

describe("stepping (coarse 0.02 normalized on the grid, fine one grid step)", () => {
  it("fine steps move Pan and Width by one from anywhere (they used to stick at 6 % and 106 %)", () => {
    expect(stepBy(pan, 6, 1, "fine")).toBe(7);
    expect(stepBy(pan, 6, -1, "fine")).toBe(5);
    expect(stepBy(width, 106, 1, "fine")).toBe(107);
    expect(stepBy(width, 106, 3, "fine")).toBe(109);
    expect(stepBy(gain(-24, 24), 0, 1, "fine")).toBe(0.1);
    expect(stepBy(gain(-24, 24), 0.1, 2, "fine")).toBe(0.3);
    expect(stepBy(gain(-24, 24), Math.fround(0.3), -1, "fine")).toBe(0.2);
  });

  it("coarse steps are 0.02 of the travel, snapped, and never less than one grid step", () => {
    expect(stepBy(pan, 6, 1, "coarse")).toBe(10);
    expect(stepBy(width, 100, -1, "coarse")).toBe(96);
    // Output near 0 dB: the skew makes 0.02 of the travel tiny; one 0.1 dB step at least.
    const output = gain(-60, 12);
    const up = stepBy(output, 0, 1, "coarse");
    expect(up).toBe(0.1);
    const down = stepBy(output, -20, -1, "coarse");
    expect(down).toBeLessThan(-20);
    expect(Math.round(down * 10) / 10).toBe(down);
  });

  it("PageUp is a tenth of the travel from where the value is (6 % → 26 %, not 24 %)", () => {
    expect(stepBy(pan, 6, 1, "page")).toBe(26);
    expect(stepBy(pan, 95, 1, "page")).toBe(100);
  });

  it("discrete parameters move by whole steps, floats without a grid by 0.005", () => {
    const tone: LawInfo = { ...lin(0, 2), step: 1 };
    expect(stepBy(tone, 0, 1, "coarse")).toBe(1);
    expect(stepBy(tone, 2, 1, "fine")).toBe(2);
    expect(stepBy(lin(0, 1), 0.5, 1, "fine")).toBeCloseTo(0.505);
  });

  it("snaps as nice-plug does, within the range", () => {
    expect(snap(gain(-24, 24), 1.2345)).toBe(1.2);
    expect(snap(pan, 130)).toBe(100);
  });
});

describe("estimate (the value shown before the plugin answers)", () => {
  const output = floatParam("output", "Output", 0, -60, 12, "dB", {
    law: { type: "symmetricalSkewed", factor: 0.5, center: 0, reversed: false },
  });

  it("maps a drag's normalized value by the law, not linearly", () => {
    // Linear would say −24 dB at the middle; the skewed law puts 0 dB there.
    expect(estimate(output, { normalized: 0.5 }).value).toBe(0);
    expect(Math.abs(estimate(output, { normalized: 0.625 }).value - 0.75)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it("places a plain value by the law", () => {
    expect(estimate(output, { value: 0 }).normalized).toBe(0.5);
    expect(estimate(output, { value: 99 }).value).toBe(12);
  });
});
