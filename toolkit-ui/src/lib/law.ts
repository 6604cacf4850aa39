import type { Law, ParamInfo } from "../protocol";

/**
 * A parameter's normalized ↔ plain mapping, as the protocol's `ParamInfo.law` carries it
 * (nice-plug's `FloatRange`). Int, bool and enum parameters are linear with `step` 1.
 */
export type RangeLaw = Law | { type: "linear"; reversed?: boolean };

/** What the maths below needs of a parameter (a `ParamInfo`, or a subset of one). */
export interface LawInfo {
  min: number;
  max: number;
  /** Discrete parameters: distance between plain values (1). */
  step?: number | undefined;
  /** Float parameters: the plugin's snapping step in plain units. */
  stepSize?: number | undefined;
  law?: RangeLaw | undefined;
}

/** A parameter with its law (kept as a name for the components). */
export type ParamInfoWithLaw = ParamInfo;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Plain value → normalized (0…1) by the parameter's law. */
export function toNormalized(info: LawInfo, value: number): number {
  const span = info.max - info.min;
  if (!(span > 0)) return 0;
  const p = clamp((value - info.min) / span, 0, 1);
  const law = info.law ?? { type: "linear" };
  let n: number;
  switch (law.type) {
    case "skewed":
      n = p ** law.factor;
      break;
    case "symmetricalSkewed": {
      const cp = clamp((law.center - info.min) / span, 0, 1);
      if (p > cp) n = 0.5 + 0.5 * ((p - cp) / (1 - cp)) ** law.factor;
      else n = cp > 0 ? 0.5 - 0.5 * ((cp - p) / cp) ** law.factor : 0.5;
      break;
    }
    default:
      n = p;
  }
  return law.reversed ? 1 - n : n;
}

/** Normalized (0…1) → plain value by the parameter's law (not snapped). */
export function fromNormalized(info: LawInfo, normalized: number): number {
  const span = info.max - info.min;
  const law = info.law ?? { type: "linear" };
  let n = clamp(normalized, 0, 1);
  if (law.reversed) n = 1 - n;
  let p: number;
  switch (law.type) {
    case "skewed":
      p = n ** (1 / law.factor);
      break;
    case "symmetricalSkewed": {
      const cp = clamp((law.center - info.min) / span, 0, 1);
      if (n > 0.5) p = cp + (1 - cp) * (2 * (n - 0.5)) ** (1 / law.factor);
      else p = cp * (1 - (2 * (0.5 - n)) ** (1 / law.factor));
      break;
    }
    default:
      p = n;
  }
  return info.min + span * p;
}

/** The plain grid a parameter snaps to: `step` (discrete) or `stepSize` (float), if any. */
export function gridOf(info: LawInfo): number | undefined {
  const grid = info.step ?? info.stepSize;
  return grid !== undefined && grid > 0 ? grid : undefined;
}

/** `value` on the parameter's grid (nice-plug rounds to a multiple of the step), in range. */
export function snap(info: LawInfo, value: number): number {
  const grid = gridOf(info);
  let v = value;
  if (grid !== undefined) v = Number((Math.round(v / grid) * grid).toPrecision(12));
  return clamp(v, info.min, info.max);
}

/** Coarse keyboard/wheel step in normalized units (nice-plug's host-side default). */
export const COARSE_NORMALIZED = 0.02;
/** Fine step in normalized units for a float without a `stepSize`. */
export const FINE_NORMALIZED = 0.005;
/** PageUp/PageDown: five coarse steps, a tenth of the travel. */
export const PAGE_NORMALIZED = 0.1;

export type StepSize = "fine" | "coarse" | "page";

/**
 * `value` moved by `steps` (signed) keyboard or wheel steps of `size`:
 * - coarse: 0.02 of the travel (normalized), snapped to the grid but at least one grid step;
 * - fine: one grid step (`stepSize`/`step`), or 0.005 normalized when there is none;
 * - page: 0.1 of the travel, snapped, at least one grid step.
 * Discrete parameters (int, bool, enum) always move by whole steps.
 */
export function stepBy(info: LawInfo, value: number, steps: number, size: StepSize): number {
  if (steps === 0) return value;
  const grid = gridOf(info);
  const dir = Math.sign(steps);
  let v = value;
  for (let i = 0; i < Math.abs(steps); i++) {
    v = stepOnce(info, v, dir, size, grid);
  }
  return v;
}

function stepOnce(info: LawInfo, value: number, dir: number, size: StepSize, grid: number | undefined): number {
  // Discrete parameters: one whole step per step, and the travel's share for a page.
  if (info.step !== undefined && info.step > 0 && size !== "page") {
    return snap(info, value + dir * info.step);
  }
  if (size === "fine" && grid !== undefined) {
    return snap(info, onGrid(value, grid, dir) + dir * grid);
  }
  const by = size === "fine" ? FINE_NORMALIZED : size === "page" ? PAGE_NORMALIZED : COARSE_NORMALIZED;
  const n = toNormalized(info, value);
  const target = fromNormalized(info, n + dir * by);
  let next = snap(info, target);
  if (grid !== undefined && dir * (next - value) < grid * (1 - 1e-6)) {
    next = snap(info, onGrid(value, grid, dir) + dir * grid);
  }
  return next;
}

/** An off-grid value first goes to the grid point behind it in the step's direction. */
function onGrid(value: number, grid: number, dir: number): number {
  const ratio = value / grid;
  // The plugin's values are 32-bit floats: tolerate their rounding.
  const base = dir > 0 ? Math.floor(ratio + 1e-4) : Math.ceil(ratio - 1e-4);
  return base * grid;
}

/** Where the value arc of a knob starts: at plain 0 for ranges across 0, else at the bottom. */
export function originNormalized(info: LawInfo): number {
  if (info.min < 0 && info.max > 0) return toNormalized(info, 0);
  return 0;
}
