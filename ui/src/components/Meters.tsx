import { memo, useCallback, useEffect, useRef, useState } from "react";
import type { MeterFrame } from "../protocol";
import { useConnectionStatus, useMeters } from "../ipc/hooks";
import { toDb } from "./format";

/** Meter scale, dBFS. */
export const METER_MIN_DB = -60;
export const METER_MAX_DB = 6;
const TICKS = [6, 0, -6, -12, -18, -24, -36, -48, -60];
/** Peak hold time and fall rate of the peak bar and the hold marker. */
const HOLD_MS = 1500;
const FALL_DB_PER_S = 24;
const READOUT_MS = 100;

/** Position of a level on the meter, 0 (bottom) … 1 (top). */
export function meterPosition(db: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db - METER_MIN_DB) / (METER_MAX_DB - METER_MIN_DB)));
}

interface ChannelDisplay {
  /** Newest values not drawn yet. */
  pendingPeak: number;
  rms: number;
  /** Displayed peak (falls smoothly), dB. */
  peakDb: number;
  holdDb: number;
  holdUntil: number;
  clip: boolean;
}

interface ChannelRefs {
  peak: HTMLDivElement | null;
  rms: HTMLDivElement | null;
  hold: HTMLDivElement | null;
  readout: HTMLSpanElement | null;
  clip: HTMLButtonElement | null;
}

const CHANNEL_NAMES = ["L", "R"];

function freshChannel(): ChannelDisplay {
  return { pendingPeak: 0, rms: 0, peakDb: -Infinity, holdDb: -Infinity, holdUntil: 0, clip: false };
}

/**
 * Output meters: peak (falling) and RMS bars, peak hold with readout, clip indicator. Frames go
 * straight from the bridge into the DOM through refs on each animation frame: React renders this
 * component only when the channel count changes.
 */
export const Meters = memo(function Meters() {
  const [count, setCount] = useState(2);
  const channels = useRef<ChannelDisplay[]>([freshChannel(), freshChannel()]);
  const refs = useRef<ChannelRefs[]>([]);

  useMeters((frame: MeterFrame) => {
    const list = channels.current;
    if (frame.channels.length !== list.length) {
      channels.current = frame.channels.map(() => freshChannel());
      setCount(frame.channels.length);
    }
    frame.channels.forEach((meter, i) => {
      const display = channels.current[i];
      if (!display) return;
      display.pendingPeak = Math.max(display.pendingPeak, meter.peak);
      display.rms = meter.rms;
      display.clip ||= meter.clip;
    });
  });

  useEffect(() => {
    let raf = 0;
    let last = performance.now();
    let lastReadout = 0;
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      const dt = Math.min(0.25, (now - last) / 1000);
      last = now;
      const updateText = now - lastReadout >= READOUT_MS;
      if (updateText) lastReadout = now;
      channels.current.forEach((ch, i) => {
        const el = refs.current[i];
        if (!el) return;
        const incoming = toDb(ch.pendingPeak);
        ch.pendingPeak = 0;
        const fallen = ch.peakDb - FALL_DB_PER_S * dt;
        ch.peakDb = Math.max(incoming, fallen, METER_MIN_DB - 1);
        if (incoming >= ch.holdDb || now > ch.holdUntil) {
          if (incoming >= ch.holdDb) {
            ch.holdDb = incoming;
            ch.holdUntil = now + HOLD_MS;
          } else {
            ch.holdDb = Math.max(incoming, ch.holdDb - FALL_DB_PER_S * dt);
          }
        }
        // Only what changed is written: no style work at all while the meters rest.
        // Transforms only: the compositor moves cached layers, nothing is laid out or repainted.
        reveal(el.peak, meterPosition(ch.peakDb));
        reveal(el.rms, meterPosition(toDb(ch.rms)));
        const hold = meterPosition(ch.holdDb);
        write(el.hold, "transform", `translateY(${((1 - hold) * 100).toFixed(2)}%)`);
        write(el.hold, "opacity", hold > 0 ? "1" : "0");
        if (el.clip && el.clip.classList.contains("is-on") !== ch.clip) el.clip.classList.toggle("is-on", ch.clip);
        if (updateText && el.readout) {
          const text = ch.holdDb > METER_MIN_DB ? ch.holdDb.toFixed(1) : "-inf";
          if (el.readout.textContent !== text) el.readout.textContent = text;
          const hot = ch.holdDb >= 0;
          if (el.readout.classList.contains("is-hot") !== hot) el.readout.classList.toggle("is-hot", hot);
        }
      });
    };
    raf = requestAnimationFrame(draw);
    return () => {
      cancelAnimationFrame(raf);
    };
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

  const names = count === 2 ? CHANNEL_NAMES : Array.from({ length: count }, (_, i) => String(i + 1));

  return (
    <div className="meters" role="group" aria-label="Output meters">
      <div className="meter-channels">
        {names.map((name, i) => (
          <div className="meter-channel" key={name} data-channel={i}>
            <button
              type="button"
              className="clip-led"
              aria-label={`Clip ${name} (click to reset peaks and clips)`}
              title="Clip: click to reset"
              ref={(el) => {
                (refs.current[i] ??= emptyRefs()).clip = el;
              }}
              onClick={resetPeaks}
            />
            <div
              className="meter-bar"
              onClick={resetPeaks}
              title="Click to reset peak hold and clip"
            >
              <div
                className="meter-window meter-peak"
                ref={(el) => {
                  (refs.current[i] ??= emptyRefs()).peak = el;
                }}
              >
                <div className="meter-gradient" />
              </div>
              <div
                className="meter-window meter-rms"
                ref={(el) => {
                  (refs.current[i] ??= emptyRefs()).rms = el;
                }}
              >
                <div className="meter-gradient" />
              </div>
              <div
                className="meter-hold"
                ref={(el) => {
                  (refs.current[i] ??= emptyRefs()).hold = el;
                }}
              />
            </div>
            <span
              className="meter-readout"
              aria-label={`Peak hold ${name}, dBFS`}
              ref={(el) => {
                (refs.current[i] ??= emptyRefs()).readout = el;
              }}
            >
              -inf
            </span>
            <span className="meter-name">{name}</span>
          </div>
        ))}
        <div className="meter-scale" aria-hidden="true">
          {TICKS.map((db) => (
            <span key={db} style={{ bottom: `${(meterPosition(db) * 100).toFixed(2)}%` }}>
              {db > 0 ? `+${db}` : db}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
});

function write(el: HTMLElement | null, property: "transform" | "opacity", value: string): void {
  if (el && el.style[property] !== value) el.style[property] = value;
}

/** Shows the bottom `position` (0…1) of a level bar: the window slides down, its gradient up. */
function reveal(windowEl: HTMLElement | null, position: number): void {
  if (!windowEl) return;
  // Empty: slide past the edge, so no antialiased sliver of colour shows at the bottom.
  const shift = position > 0 ? ((1 - position) * 100).toFixed(2) : "101";
  write(windowEl, "transform", `translateY(${shift}%)`);
  write(windowEl.firstElementChild as HTMLElement | null, "transform", `translateY(-${shift}%)`);
}

function emptyRefs(): ChannelRefs {
  return { peak: null, rms: null, hold: null, readout: null, clip: null };
}
