import { memo, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { Edit } from "../ipc/client";
import { RpcError } from "../ipc/errors";
import { useParameter } from "../ipc/hooks";
import { originNormalized, stepBy, toNormalized, type ParamInfoWithLaw, type StepSize } from "../lib/law";
import { typeset } from "../lib/typeset";
import { useContextMenu } from "./ContextMenu";
import { useBurstEdit } from "./useBurstEdit";

/** Pixels of drag (up or right) for the whole travel; ten times more with Shift. */
const DRAG_PIXELS = 200;
const FINE = 10;
/** Wheel travel per step (a mouse notch is 100 px in Chromium, 53 in some others). */
const WHEEL_PIXELS = 50;
const SWEEP = 135; // degrees either side of straight up
/** Ticks on the ring, evenly spaced over the travel. */
const TICKS = 11;
/** How long "clamped to …" stays under the readout. */
const NOTE_MS = 2500;

interface DragState {
  pointerId: number;
  lastX: number;
  lastY: number;
  normalized: number;
  edit: Edit | null;
}

interface Entry {
  text: string;
  /** The plugin refused the text: its reason, shown in place. */
  error: string | null;
  busy: boolean;
}

/**
 * A rotary control for a float or int parameter. Drag up/right to raise (Shift: fine), wheel,
 * arrows (Shift: fine), PageUp/PageDown, Home/End; double-click or Delete: default; Enter or a
 * click on the readout: type a value (the plugin parses it); right-click: menu. One tab stop.
 */
export const Knob = memo(function Knob({
  id,
  size = "large",
  caption,
}: {
  id: string;
  size?: "large" | "small";
  /** The label over the dial (defaults to the parameter's name). */
  caption?: string;
}) {
  const { param, current, reset, setText, beginEdit } = useParameter(id);
  const drag = useRef<DragState | null>(null);
  const burst = useBurstEdit(beginEdit);
  const [entry, setEntry] = useState<Entry | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const entryClosed = useRef(false);
  const labelId = useId();
  const noteId = useId();
  const dial = useRef<HTMLDivElement>(null);
  const wheel = useRef({ acc: 0 });
  const latestWheel = useRef<((event: WheelEvent) => void) | null>(null);

  const openEntry = useCallback(() => {
    const p = current();
    if (!p) return;
    entryClosed.current = false;
    setEntry({ text: p.text, error: null, busy: false });
  }, [current]);
  const menu = useContextMenu(
    useCallback(
      () => [
        { label: "Reset to default", action: reset },
        { label: "Type a value…", action: openEntry },
      ],
      [reset, openEntry],
    ),
  );

  // React's wheel listeners are passive (no preventDefault): listen natively.
  const shown = param !== undefined;
  useEffect(() => {
    const el = dial.current;
    if (!el) return;
    const listener = (event: WheelEvent) => {
      latestWheel.current?.(event);
    };
    el.addEventListener("wheel", listener, { passive: false });
    return () => {
      el.removeEventListener("wheel", listener);
    };
  }, [shown]);

  useEffect(() => {
    if (note === null) return;
    const timer = setTimeout(() => {
      setNote(null);
    }, NOTE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [note]);

  if (!param) return null;
  const info = param as ParamInfoWithLaw;

  const stepFrom = (steps: number, sizeOfStep: StepSize) => {
    const now = current() ?? param;
    burst.step({ value: stepBy(info, now.value, steps, sizeOfStep) });
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    // No preventDefault: the browser focuses the dial as for any click (without a focus ring).
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = {
      pointerId: event.pointerId,
      lastX: event.clientX,
      lastY: event.clientY,
      normalized: param.normalized,
      edit: null,
    };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const state = drag.current;
    if (state?.pointerId !== event.pointerId) return;
    // Up and right raise the value: vertical and horizontal drags both work.
    const moved = event.clientX - state.lastX - (event.clientY - state.lastY);
    state.lastX = event.clientX;
    state.lastY = event.clientY;
    if (moved === 0) return;
    const pixels = DRAG_PIXELS * (event.shiftKey ? FINE : 1);
    state.normalized = Math.min(1, Math.max(0, state.normalized + moved / pixels));
    // The gesture starts with the first movement: a click or double-click sends nothing.
    state.edit ??= beginEdit();
    state.edit.set({ normalized: state.normalized });
  };
  const endDrag = (event: PointerEvent<HTMLDivElement>) => {
    const state = drag.current;
    if (state?.pointerId !== event.pointerId) return;
    drag.current = null;
    if (state.edit) void state.edit.end();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const fine: StepSize = event.shiftKey ? "fine" : "coarse";
    switch (event.key) {
      case "ArrowUp":
      case "ArrowRight":
        stepFrom(1, fine);
        break;
      case "ArrowDown":
      case "ArrowLeft":
        stepFrom(-1, fine);
        break;
      case "PageUp":
        stepFrom(1, "page");
        break;
      case "PageDown":
        stepFrom(-1, "page");
        break;
      case "Home":
        burst.step({ value: param.min });
        break;
      case "End":
        burst.step({ value: param.max });
        break;
      case "Enter":
        openEntry();
        break;
      case "Delete":
      case "Backspace":
        reset();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const onWheel = (event: WheelEvent) => {
    event.preventDefault(); // the wheel turns the knob, it does not scroll the editor
    const pixels = event.deltaMode === 0 ? event.deltaY : event.deltaY * 40;
    wheel.current.acc -= pixels;
    const steps = Math.trunc(wheel.current.acc / WHEEL_PIXELS);
    if (steps === 0) return;
    wheel.current.acc -= steps * WHEEL_PIXELS;
    stepFrom(steps, event.shiftKey ? "fine" : "coarse");
  };
  latestWheel.current = onWheel;

  /** Ends typed entry; with `commit`, the plugin parses the text. Invalid text stays, flagged. */
  const closeEntry = (commit: boolean) => {
    if (entry === null || entryClosed.current || entry.busy) return;
    const done = () => {
      entryClosed.current = true;
      setEntry(null);
      dial.current?.focus();
    };
    const typed = entry.text.trim();
    if (!commit || typed === "" || typed === param.text) {
      done();
      return;
    }
    setEntry({ ...entry, busy: true });
    setText(typed).then(
      (result) => {
        done();
        setNote(result.clamped ? `Clamped to ${typeset(result.text)}` : null);
      },
      (error: unknown) => {
        setEntry({ text: entry.text, busy: false, error: describeRefusal(error, param.name) });
      },
    );
  };

  const angle = (n: number) => -SWEEP + n * 2 * SWEEP;
  const origin = originNormalized(info);
  const valueAngle = angle(param.normalized);
  const unityAngle = angle(toNormalized(info, param.default));

  return (
    <div
      className={`knob knob-${size}${param.editing ? " is-editing" : ""}`}
      data-param={param.id}
      onContextMenu={menu.onContextMenu}
    >
      <div className="control-label" id={labelId}>
        {caption ?? param.name}
      </div>
      <div
        ref={dial}
        className="knob-dial"
        role="slider"
        tabIndex={0}
        aria-label={param.name}
        aria-valuemin={param.min}
        aria-valuemax={param.max}
        aria-valuenow={param.value}
        aria-valuetext={typeset(param.text)}
        aria-describedby={note ? noteId : undefined}
        title={`${param.name}: drag or wheel (Shift: fine); double-click: default; right-click: menu`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onLostPointerCapture={endDrag}
        onDoubleClick={reset}
        onKeyDown={onKeyDown}
        onKeyUp={burst.finish}
        onBlur={burst.finish}
      >
        <svg viewBox="0 0 100 100" aria-hidden="true">
          <g className="knob-ticks">
            {Array.from({ length: TICKS }, (_, i) => {
              const a = angle(i / (TICKS - 1));
              return <line key={i} x1="50" y1="3.5" x2="50" y2="8" transform={`rotate(${a.toFixed(2)} 50 50)`} />;
            })}
          </g>
          <path className="knob-unity" d="M 50 9 L 46.6 2.6 L 53.4 2.6 Z" transform={`rotate(${unityAngle.toFixed(2)} 50 50)`} />
          <path className="knob-track" d={arc(angle(0), angle(1))} />
          <path className="knob-fill" d={arc(Math.min(angle(origin), valueAngle), Math.max(angle(origin), valueAngle))} />
          <circle className="knob-cap" cx="50" cy="50" r="29" />
          <line
            className="knob-pointer"
            x1="50"
            y1="44"
            x2="50"
            y2="25"
            transform={`rotate(${valueAngle.toFixed(2)} 50 50)`}
          />
        </svg>
      </div>
      {entry === null ? (
        <div
          className="control-value"
          aria-hidden="true"
          title="Click to type a value"
          onClick={openEntry}
        >
          {typeset(param.text)}
        </div>
      ) : (
        <div className="entry-wrap">
          <input
            className={`control-entry${entry.error ? " is-invalid" : ""}`}
            aria-label={`${param.name}: type a value`}
            aria-invalid={entry.error !== null}
            aria-errormessage={entry.error ? noteId : undefined}
            autoFocus
            spellCheck={false}
            value={entry.text}
            onFocus={(event) => {
              event.currentTarget.select();
            }}
            onChange={(event) => {
              setEntry({ text: event.currentTarget.value, error: null, busy: false });
            }}
            onKeyDown={(event) => {
              event.stopPropagation();
              if (event.key === "Enter") closeEntry(true);
              if (event.key === "Escape") closeEntry(false);
            }}
            onBlur={() => {
              // An invalid value stays flagged until it is fixed or cancelled.
              if (entry.error === null) closeEntry(true);
            }}
          />
          {entry.error && (
            <div className="control-note is-error" id={noteId} role="alert">
              {entry.error}
            </div>
          )}
        </div>
      )}
      {note && entry === null && (
        <div className="control-note" id={noteId} role="status">
          {note}
        </div>
      )}
      {menu.menu}
    </div>
  );
});

/** What to show under a refused entry: the plugin's reason, in a sentence. */
function describeRefusal(error: unknown, name: string): string {
  if (error instanceof RpcError) {
    const text = error.detail.trim();
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : `Not a value for ${name}`;
  }
  return "Not sent: the plugin is not connected";
}

/** An SVG arc on the knob's ring between two angles (degrees, 0 = up, clockwise). */
function arc(from: number, to: number): string {
  const r = 40;
  const point = (deg: number) => {
    const rad = ((deg - 90) * Math.PI) / 180;
    return `${(50 + r * Math.cos(rad)).toFixed(3)} ${(50 + r * Math.sin(rad)).toFixed(3)}`;
  };
  if (to - from < 0.01) return `M ${point(from)}`;
  const large = to - from > 180 ? 1 : 0;
  return `M ${point(from)} A ${r} ${r} 0 ${large} 1 ${point(to)}`;
}
