import { describe, expect, it } from "vitest";
import { niceStep, originNormalized, parseTyped, stepValue, toDb } from "../src/components/format";

describe("format helpers", () => {
  it("picks 1-2-5 steps near a hundredth of the range, or the parameter's own step", () => {
    expect(niceStep({ min: -24, max: 24 })).toBe(0.5);
    expect(niceStep({ min: -60, max: 12 })).toBe(0.5);
    expect(niceStep({ min: -100, max: 100 })).toBe(2);
    expect(niceStep({ min: 0, max: 200 })).toBe(2);
    expect(niceStep({ min: 0, max: 2, step: 1 })).toBe(1);
  });

  it("steps on the grid, clamped, without float noise", () => {
    expect(stepValue({ min: -24, max: 24 }, 0.1, 0.1, 2)).toBe(0.3);
    expect(stepValue({ min: -24, max: 24 }, 0.26, 0.5, 1)).toBe(0.5);
    expect(stepValue({ min: -24, max: 24 }, 23.9, 0.5, 10)).toBe(24);
    expect(stepValue({ min: -24, max: 24 }, -23.9, 0.5, -10)).toBe(-24);
  });

  it("reads typed values with or without their unit", () => {
    expect(parseTyped("-6")).toBe(-6);
    expect(parseTyped(" -6 dB")).toBe(-6);
    expect(parseTyped("+3.5dB")).toBe(3.5);
    expect(parseTyped("50%")).toBe(50);
    expect(parseTyped("0,25")).toBe(0.25);
    expect(parseTyped(".5")).toBe(0.5);
    expect(parseTyped("dB")).toBeNull();
    expect(parseTyped("")).toBeNull();
  });

  it("starts bipolar arcs at zero", () => {
    expect(originNormalized({ min: -100, max: 100 })).toBe(0.5);
    expect(originNormalized({ min: 0, max: 200 })).toBe(0);
    expect(originNormalized({ min: -60, max: 0 })).toBe(0);
  });

  it("converts amplitude to dBFS", () => {
    expect(toDb(1)).toBe(0);
    expect(toDb(0.5)).toBeCloseTo(-6.0206);
    expect(toDb(0)).toBe(-Infinity);
  });
});

describe("stepValue with 32-bit plugin values", () => {
  it("treats a float32 grid value as on the grid", () => {
    const f32 = Math.fround(0.1);
    expect(stepValue({ min: -1, max: 1 }, f32, 0.1, 1)).toBe(0.2);
    expect(stepValue({ min: -1, max: 1 }, Math.fround(0.3), 0.1, -1)).toBe(0.2);
    expect(stepValue({ min: -24, max: 24 }, 0.26, 0.5, -1)).toBe(0);
  });
});
