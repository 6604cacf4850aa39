import { memo, useCallback, useEffect, useRef, useState } from "react";
import type { ChannelMeter, MeterFrame } from "../protocol";
import { useConnectionStatus, useMeters } from "../ipc/hooks";
import {
  advance,
  correlationPosition,
  formatCorrelation,
  formatDb,
  formatTick,
  freshBallistics,
  meterPosition,
  toDb,
  type Ballistics,
} from "../lib/meterMath";
import { onAnimationFrame } from "./animation";

/** Meter scale, dBFS. */
export const METER_MIN_DB = -60;
export const METER_MAX_DB = 6;
const TICKS = [6, 0, -6, -12, -18, -24, -36, -48, -60];
/** Peak hold time and fall rate of the peak bar and the hold marker. */
const BALLISTICS = { holdMs: 1500, fallDbPerS: 24, floorDb: METER_MIN_DB };
/** Readouts change at most this often (numbers faster than this cannot be read). */
const READOUT_MS = 100;

const position = (db: number) => meterPosition(db, METER_MIN_DB, METER_MAX_DB);

interface ChannelDisplay extends Ballistics {
  /** Newest values not drawn yet. */
  pendingPeak: number;
  rms: number;
  clip: boolean;
}

interface ChannelRefs {
  peak: HTMLDivElement | null;
  rms: HTMLDivElement | null;
  hold: HTMLDivElement | null;
  peakText: HTMLSpanElement | null;
  rmsText: HTMLSpanElement | null;
  clip: HTMLButtonElement | null;
}

function freshChannel(): ChannelDisplay {
  return { ...freshBallistics(), pendingPeak: 0, rms: 0, clip: false };
}

function emptyRefs(): ChannelRefs {
  return { peak: null, rms: null, hold: null, peakText: null, rmsText: null, clip: null };
}

/** Channel names: L and R for two, else numbers. */
function channelNames(count: number): string[] {
  return count === 2 ? ["L", "R"] : Array.from({ length: count }, (_, i) => String(i + 1));
}

/**
 * Peak and RMS meters for the channels `pick` takes from each frame: falling peak bar, RMS bar,
 * a peak-hold marker, labelled "Peak" and "RMS" readouts, a 0 dBFS line, ticks, and a clip latch
 * per channel (click it, or the bars, to reset peaks and clips). Frames go straight into the DOM
 * through refs on animation frames: React renders this only when the channel count changes.
 */
export const LevelMeter = memo(function LevelMeter({
  label,
  pick,
}: {
  /** The group's name, e.g. "In" or "Out" (also its ARIA label). */
  label: string;
  /** The channels this meter shows, from a frame (undefined: none in this frame). */
  pick: (frame: MeterFrame) => readonly ChannelMeter[] | undefined;
}) {
  const [count, setCount] = useState(2);
  const channels = useRef<ChannelDisplay[]>([freshChannel(), freshChannel()]);
  const refs = useRef<ChannelRefs[]>([]);

  useMeters((frame: MeterFrame) => {
    const list = pick(frame);
    if (!list) return;
    if (list.length !== channels.current.length) {
      channels.current = list.map(() => freshChannel());
      setCount(list.length);
    }
    list.forEach((meter, i) => {
      const display = channels.current[i];
      if (!display) return;
      display.pendingPeak = Math.max(display.pendingPeak, meter.peak);
      display.rms = meter.rms;
      display.clip ||= meter.clip;
    });
  });

  useEffect(() => {
    let lastReadout = 0;
    return onAnimationFrame((now, dt) => {
      const updateText = now - lastReadout >= READOUT_MS;
      if (updateText) lastReadout = now;
      channels.current.forEach((ch, i) => {
        const el = refs.current[i];
        if (!el) return;
        const incoming = toDb(ch.pendingPeak);
        ch.pendingPeak = 0;
        advance(ch, incoming, now, dt, BALLISTICS);
        // Only what changed is written: no style work at all while the meters rest.
        // Transforms only: the compositor moves cached layers, nothing is laid out or repainted.
        reveal(el.peak, position(ch.peakDb));
        reveal(el.rms, position(toDb(ch.rms)));
        const hold = position(ch.holdDb);
        write(el.hold, "transform", `translateY(${((1 - hold) * 100).toFixed(2)}%)`);
        write(el.hold, "opacity", hold > 0 ? "1" : "0");
        if (el.clip && el.clip.classList.contains("is-on") !== ch.clip) {
          el.clip.classList.toggle("is-on", ch.clip);
          el.clip.setAttribute("aria-pressed", String(ch.clip));
        }
        if (updateText) {
          text(el.peakText, formatDb(ch.holdDb, METER_MIN_DB), ch.holdDb >= 0);
          text(el.rmsText, formatDb(toDb(ch.rms), METER_MIN_DB), false);
        }
      });
    });
  }, []);

  // Without a connection there is no signal to show: let the bars fall.
  const online = useConnectionStatus().phase === "connected";
  useEffect(() => {
    if (online) return;
    for (const ch of channels.current) {
      ch.pendingPeak = 0;
      ch.rms = 0;
    }
  }, [online]);

  const resetPeaks = useCallback(() => {
    for (const ch of channels.current) {
      ch.clip = false;
      ch.holdDb = -Infinity;
      ch.holdUntil = 0;
    }
  }, []);

  const names = channelNames(count);
  const ref = (i: number) => (refs.current[i] ??= emptyRefs());
  const bar = (name: string, i: number) => (
    <div className="meter-bar" key={name} data-channel={i} onClick={resetPeaks} title="Click to reset peak hold and clip">
      <div className="meter-window meter-peak" ref={(el) => void (ref(i).peak = el)}>
        <div className="meter-gradient" />
      </div>
      <div className="meter-window meter-rms" ref={(el) => void (ref(i).rms = el)}>
        <div className="meter-gradient" />
      </div>
      <div className="meter-hold" ref={(el) => void (ref(i).hold = el)} />
      <div className="meter-zero" style={{ bottom: `${(position(0) * 100).toFixed(2)}%` }} />
    </div>
  );
  // Stereo: L bar | scale | R bar; other counts: the bars, then the scale.
  const scale = (
    <div className="meter-scale" aria-hidden="true" key="scale">
      {TICKS.map((db) => (
        <span key={db} className={db === 0 ? "is-zero" : undefined} style={{ bottom: `${(position(db) * 100).toFixed(2)}%` }}>
          {formatTick(db)}
        </span>
      ))}
    </div>
  );
  const columns = count === 2 ? [bar("L", 0), scale, bar("R", 1)] : [...names.map(bar), scale];
  const cells = count === 2 ? ["L", "", "R"] : [...names, ""];

  return (
    <div className="level-meter" role="group" aria-label={`${label} meters`} data-meter={label.toLowerCase()}>
      <div className="meter-title">{label}</div>
      <div className="meter-grid" style={{ gridTemplateColumns: `repeat(${cells.length}, auto)` }}>
        {cells.map((name, col) =>
          name === "" ? (
            <span key={`c${col}`} className="meter-clip-label" aria-hidden="true">
              clip
            </span>
          ) : (
            <button
              key={`c${col}`}
              type="button"
              className="clip-led"
              aria-label={`${label} ${name} clip: click to reset peaks and clips`}
              aria-pressed="false"
              title="Clip (latched): click to reset"
              ref={(el) => void (ref(names.indexOf(name)).clip = el)}
              onClick={resetPeaks}
            >
              {name}
            </button>
          ),
        )}
        {columns.map((column, col) => (
          <div className="meter-column" key={`b${col}`}>
            {column}
          </div>
        ))}
        {cells.map((name, col) =>
          name === "" ? (
            <span key={`p${col}`} className="meter-row-label">
              Peak
            </span>
          ) : (
            <span
              key={`p${col}`}
              className="meter-readout"
              aria-label={`${label} ${name} peak hold, dBFS`}
              ref={(el) => void (ref(names.indexOf(name)).peakText = el)}
            >
              {"\u2212\u221e"}
            </span>
          ),
        )}
        {cells.map((name, col) =>
          name === "" ? (
            <span key={`r${col}`} className="meter-row-label">
              RMS
            </span>
          ) : (
            <span
              key={`r${col}`}
              className="meter-readout meter-readout-rms"
              aria-label={`${label} ${name} RMS, dBFS`}
              ref={(el) => void (ref(names.indexOf(name)).rmsText = el)}
            >
              {"\u2212\u221e"}
            </span>
          ),
        )}
      </div>
    </div>
  );
});

/**
 * A correlation meter, −1 (out of phase) … 0 … +1 (mono), from the value `pick` takes from each
 * frame (null: no stereo signal to correlate, shown as "—").
 */
export const CorrelationMeter = memo(function CorrelationMeter({
  pick,
}: {
  pick: (frame: MeterFrame) => number | null | undefined;
}) {
  const needle = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLSpanElement>(null);
  const latest = useRef<number | null>(null);
  const [available, setAvailable] = useState(true);

  useMeters((frame: MeterFrame) => {
    const value = pick(frame);
    latest.current = value ?? null;
    const has = value !== null && value !== undefined;
    if (has !== available) setAvailable(has);
  });

  const online = useConnectionStatus().phase === "connected";
  useEffect(() => {
    if (!online) latest.current = null;
  }, [online]);

  useEffect(() => {
    let lastReadout = 0;
    return onAnimationFrame((now) => {
      const value = latest.current;
      write(needle.current, "transform", `translateX(${(correlationPosition(value) * 100).toFixed(2)}%)`);
      if (now - lastReadout >= READOUT_MS) {
        lastReadout = now;
        text(readout.current, formatCorrelation(value), value !== null && value < 0);
      }
    });
  }, []);

  return (
    <div className={`correlation${available ? "" : " is-unavailable"}`} role="group" aria-label="Correlation">
      <div className="correlation-head">
        <span className="correlation-title">Correlation</span>
        <span className="correlation-readout" ref={readout} aria-label="Correlation value">
          {"\u2014"}
        </span>
      </div>
      <div className="correlation-track">
        <div className="correlation-needle-wrap" ref={needle}>
          <div className="correlation-needle" />
        </div>
      </div>
      <div className="correlation-scale" aria-hidden="true">
        <span>{"\u22121"}</span>
        <span>0</span>
        <span>+1</span>
      </div>
    </div>
  );
});

function write(el: HTMLElement | null, property: "transform" | "opacity", value: string): void {
  if (el && el.style[property] !== value) el.style[property] = value;
}

function text(el: HTMLElement | null, value: string, hot: boolean): void {
  if (!el) return;
  if (el.textContent !== value) el.textContent = value;
  if (el.classList.contains("is-hot") !== hot) el.classList.toggle("is-hot", hot);
}

/** Shows the bottom `position` (0…1) of a level bar: the window slides down, its gradient up. */
function reveal(windowEl: HTMLElement | null, position: number): void {
  if (!windowEl) return;
  // Empty: slide past the edge, so no antialiased sliver of colour shows at the bottom.
  const shift = position > 0 ? ((1 - position) * 100).toFixed(2) : "101";
  write(windowEl, "transform", `translateY(${shift}%)`);
  write(windowEl.firstElementChild as HTMLElement | null, "transform", `translateY(-${shift}%)`);
}
