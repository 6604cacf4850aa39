import { memo, useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { Edit } from "../ipc/bridge";
import { useParameter } from "../ipc/hooks";
import { niceStep, originNormalized, parseTyped, stepValue } from "./format";
import { useBurstEdit } from "./useBurstEdit";

/** Pixels of vertical drag for the whole range (ten times more with Shift). */
const DRAG_PIXELS = 200;
const FINE = 10;
/** Wheel travel per step (a mouse notch is 100 px in Chromium, 53 in some others). */
const WHEEL_PIXELS = 50;
const SWEEP = 135; // degrees either side of straight up

interface DragState {
  pointerId: number;
  lastY: number;
  normalized: number;
  edit: Edit | null;
}

/** A rotary control for a float or int parameter. */
export const Knob = memo(function Knob({ id }: { id: string }) {
  const { param, current, set, reset, beginEdit } = useParameter(id);
  const drag = useRef<DragState | null>(null);
  const burst = useBurstEdit(beginEdit);
  const [entry, setEntryState] = useState<string | null>(null);
  const entryClosed = useRef(false);
  const setEntry = (text: string | null) => {
    if (text !== null) entryClosed.current = false;
    setEntryState(text);
  };
  const labelId = useId();
  const dial = useRef<HTMLDivElement>(null);
  const wheel = useRef({ acc: 0 });
  const latestWheel = useRef<((event: WheelEvent) => void) | null>(null);

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

  if (!param) return null;
  const step = niceStep(param);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    // No preventDefault: the browser focuses the dial as for any click (without a focus ring).
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = {
      pointerId: event.pointerId,
      lastY: event.clientY,
      normalized: param.normalized,
      edit: null,
    };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const state = drag.current;
    if (state?.pointerId !== event.pointerId) return;
    const dy = event.clientY - state.lastY;
    state.lastY = event.clientY;
    if (dy === 0) return;
    const pixels = DRAG_PIXELS * (event.shiftKey ? FINE : 1);
    state.normalized = Math.min(1, Math.max(0, state.normalized - dy / pixels));
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
    const fine = event.shiftKey ? FINE : 1;
    const by = (steps: number) => {
      burst.step({ value: stepValue(param, current()?.value ?? param.value, step / fine, steps) });
    };
    switch (event.key) {
      case "ArrowUp":
      case "ArrowRight":
        by(1);
        break;
      case "ArrowDown":
      case "ArrowLeft":
        by(-1);
        break;
      case "PageUp":
        by(10);
        break;
      case "PageDown":
        by(-10);
        break;
      case "Home":
        burst.step({ value: param.min });
        break;
      case "End":
        burst.step({ value: param.max });
        break;
      case "Enter":
        setEntry(String(param.value));
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
    const fine = event.shiftKey ? FINE : 1;
    burst.step({ value: stepValue(param, current()?.value ?? param.value, step / fine, steps) });
  };
  latestWheel.current = onWheel;

  /** Ends typed entry; with `commit`, sets the typed value. Focus goes back to the dial. */
  const closeEntry = (commit: boolean) => {
    // Focusing the dial blurs the field, which would close it a second time: once is enough.
    if (entry === null || entryClosed.current) return;
    entryClosed.current = true;
    setEntry(null);
    dial.current?.focus();
    if (!commit) return;
    const typed = parseTyped(entry);
    if (typed === null) return;
    set({ value: Math.min(param.max, Math.max(param.min, typed)) });
  };

  const angle = (n: number) => -SWEEP + n * 2 * SWEEP;
  const origin = originNormalized(param);
  const valueAngle = angle(param.normalized);

  return (
    <div className={`knob${param.editing ? " is-editing" : ""}`} data-param={param.id}>
      <div className="control-label" id={labelId}>
        {param.name}
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
        aria-valuetext={param.text}
        aria-orientation="vertical"
        title={`${param.name}: drag, wheel or arrow keys (Shift: fine); double-click: default; Enter: type a value`}
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
          <path className="knob-track" d={arc(angle(0), angle(1))} />
          <path className="knob-fill" d={arc(Math.min(angle(origin), valueAngle), Math.max(angle(origin), valueAngle))} />
          <circle className="knob-cap" cx="50" cy="50" r="27" />
          <line
            className="knob-pointer"
            x1="50"
            y1="50"
            x2="50"
            y2="27"
            transform={`rotate(${valueAngle.toFixed(2)} 50 50)`}
          />
        </svg>
      </div>
      {entry === null ? (
        <button
          type="button"
          className="control-value"
          aria-label={`${param.name} value: ${param.text}. Click to type a value`}
          onClick={() => {
            setEntry(String(param.value));
          }}
        >
          {param.text}
        </button>
      ) : (
        <input
          className="control-value control-entry"
          aria-label={`${param.name} value (${param.unit || "number"})`}
          autoFocus
          value={entry}
          onFocus={(event) => {
            event.currentTarget.select();
          }}
          onChange={(event) => {
            setEntry(event.currentTarget.value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter") closeEntry(true);
            if (event.key === "Escape") closeEntry(false);
          }}
          onBlur={() => {
            closeEntry(true);
          }}
        />
      )}
    </div>
  );
});

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
