/** Meter maths and number formatting (no DOM here). */

/** Linear amplitude → dBFS, −∞ as −Infinity. */
export function toDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}

const MINUS = "\u2212";

/**
 * A level readout in dBFS as a mixing engineer reads it: one decimal, a real minus sign, "+" above
 * 0 dBFS ("+0.4"), "0.0" at 0, "−∞" for silence or anything below `floorDb`.
 */
export function formatDb(db: number, floorDb = -100): string {
  if (!Number.isFinite(db) || db < floorDb) return `${MINUS}\u221e`;
  const rounded = Math.round(db * 10) / 10;
  if (rounded === 0) return "0.0";
  const text = Math.abs(rounded).toFixed(1);
  return rounded > 0 ? `+${text}` : `${MINUS}${text}`;
}

/** A correlation readout: "+1.00", "−0.50", "0.00"; "—" without a value (mono). */
export function formatCorrelation(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "\u2014";
  const rounded = Math.round(Math.min(1, Math.max(-1, value)) * 100) / 100;
  if (rounded === 0) return "0.00";
  const text = Math.abs(rounded).toFixed(2);
  return rounded > 0 ? `+${text}` : `${MINUS}${text}`;
}

/** A scale label: "+6", "0", "−12". */
export function formatTick(db: number): string {
  if (db === 0) return "0";
  return db > 0 ? `+${db}` : `${MINUS}${Math.abs(db)}`;
}

/** Position of a level on a meter from `minDb` (0) to `maxDb` (1), clamped. */
export function meterPosition(db: number, minDb: number, maxDb: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db - minDb) / (maxDb - minDb)));
}

/** Position of a correlation (−1…+1) on its meter, 0…1; the middle without a value. */
export function correlationPosition(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0.5;
  return (Math.min(1, Math.max(-1, value)) + 1) / 2;
}

/**
 * The ballistics of one channel's display: the bar falls at `fallDbPerS`, the hold marker stays
 * `holdMs` at the highest peak, then falls. Pure state, advanced per animation frame.
 */
export interface Ballistics {
  peakDb: number;
  holdDb: number;
  holdUntil: number;
}

export function freshBallistics(): Ballistics {
  return { peakDb: -Infinity, holdDb: -Infinity, holdUntil: 0 };
}

export function advance(
  state: Ballistics,
  incomingDb: number,
  now: number,
  dt: number,
  opts: { holdMs: number; fallDbPerS: number; floorDb: number },
): void {
  const fallen = state.peakDb - opts.fallDbPerS * dt;
  state.peakDb = Math.max(incomingDb, fallen, opts.floorDb - 1);
  if (incomingDb >= state.holdDb) {
    state.holdDb = incomingDb;
    state.holdUntil = now + opts.holdMs;
  } else if (now > state.holdUntil) {
    state.holdDb = Math.max(incomingDb, state.holdDb - opts.fallDbPerS * dt);
  }
  if (state.holdDb < opts.floorDb - 1) state.holdDb = -Infinity;
}
