import type { ParamInfo } from "../protocol";

/** A "nice" keyboard/wheel step for a parameter's plain range (1-2-5 series, ~1/100 of it). */
export function niceStep(info: Pick<ParamInfo, "min" | "max" | "step">): number {
  if (info.step) return info.step;
  const raw = (info.max - info.min) / 100;
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  const nice = mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10;
  return nice * power;
}

/**
 * `value` moved by `steps` grid points of `step` (an off-grid value first goes to the next grid
 * point in that direction), clamped to the range.
 */
export function stepValue(info: Pick<ParamInfo, "min" | "max">, value: number, step: number, steps: number): number {
  // The plugin's values are 32-bit floats: tolerate their rounding when finding the grid point.
  const ratio = value / step;
  const base = steps >= 0 ? Math.floor(ratio + 1e-6) : Math.ceil(ratio - 1e-6);
  const moved = (base + steps) * step;
  // Round away float noise such as 0.30000000000000004.
  const clean = Number(moved.toPrecision(12));
  return Math.min(info.max, Math.max(info.min, clean));
}

/**
 * Reads a typed value: a number, optionally followed by the unit (`-6`, `-6 dB`, `-6dB`, `+3.5`,
 * `50%`). Returns null when there is no number in it.
 */
export function parseTyped(text: string): number | null {
  const match = /^\s*([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?)/i.exec(text);
  if (!match?.[1]) return null;
  const value = Number(match[1].replace(",", "."));
  return Number.isFinite(value) ? value : null;
}

/** Where the value arc of a knob starts: 0 for bipolar ranges, else the bottom. */
export function originNormalized(info: Pick<ParamInfo, "min" | "max">): number {
  if (info.min < 0 && info.max > 0) return -info.min / (info.max - info.min);
  return 0;
}

/** Linear amplitude → dBFS, −∞ as −Infinity. */
export function toDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}
