import { describe, expect, it } from "vitest";
import {
  advance,
  correlationPosition,
  formatCorrelation,
  formatDb,
  formatTick,
  freshBallistics,
  meterPosition,
  toDb,
} from "../src/lib/meterMath";

describe("meter numbers", () => {
  it("dBFS with one decimal, a true minus, + above 0 and −∞ for silence", () => {
    expect(formatDb(-12.04)).toBe("\u221212.0");
    expect(formatDb(-0.04)).toBe("0.0");
    expect(formatDb(0)).toBe("0.0");
    expect(formatDb(0.36)).toBe("+0.4");
    expect(formatDb(-Infinity)).toBe("\u2212\u221e");
    expect(formatDb(-75, -60)).toBe("\u2212\u221e");
  });

  it("correlation with two decimals; a dash without a value", () => {
    expect(formatCorrelation(1)).toBe("+1.00");
    expect(formatCorrelation(-1)).toBe("\u22121.00");
    expect(formatCorrelation(0.001)).toBe("0.00");
    expect(formatCorrelation(null)).toBe("\u2014");
    expect(correlationPosition(-1)).toBe(0);
    expect(correlationPosition(1)).toBe(1);
    expect(correlationPosition(null)).toBe(0.5);
  });

  it("scale labels and positions", () => {
    expect(formatTick(6)).toBe("+6");
    expect(formatTick(0)).toBe("0");
    expect(formatTick(-12)).toBe("\u221212");
    expect(meterPosition(0, -60, 6)).toBeCloseTo(60 / 66);
    expect(meterPosition(-Infinity, -60, 6)).toBe(0);
    expect(meterPosition(20, -60, 6)).toBe(1);
    expect(toDb(0.5)).toBeCloseTo(-6.0206);
    expect(toDb(0)).toBe(-Infinity);
  });

  it("holds the peak, then lets it fall", () => {
    const b = freshBallistics();
    const opts = { holdMs: 1000, fallDbPerS: 20, floorDb: -60 };
    advance(b, -6, 0, 0.016, opts);
    expect(b.holdDb).toBe(-6);
    advance(b, -30, 500, 0.5, opts);
    expect(b.holdDb).toBe(-6);
    expect(b.peakDb).toBeCloseTo(-16);
    advance(b, -30, 1500, 0.5, opts);
    expect(b.holdDb).toBeCloseTo(-16);
  });
});
