import { describe, expect, it } from "vitest";
import { typeset } from "../src/lib/typeset";

describe("typeset", () => {
  it("shows the plugin's ASCII minus as a true minus and -inf as −∞", () => {
    expect(typeset("-6.0 dB")).toBe("\u22126.0 dB");
    expect(typeset("-inf dB")).toBe("\u2212\u221e dB");
    expect(typeset("-inf")).toBe("\u2212\u221e");
    expect(typeset("Clamped to -24.0 dB")).toBe("Clamped to \u221224.0 dB");
  });
  it("leaves everything else alone", () => {
    for (const text of ["+1.5 dB", "0.0 dB", "30L", "C", "100 %", "Sine 1 kHz", "Pink noise", "Swap L/R", "a-b", "-x"]) {
      expect(typeset(text)).toBe(text);
    }
  });
});
