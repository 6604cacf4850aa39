import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import type { MeterFrame } from "../protocol";
import type { ConnectionSnapshot, Edit, IpcBridge, ParameterState, SetTarget } from "./bridge";

export const BridgeContext = createContext<IpcBridge | null>(null);

export function useBridge(): IpcBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error("useBridge: no <BridgeContext.Provider> above this component");
  return bridge;
}

/** Every parameter, in the plugin's order (a new array whenever any value changes). */
export function useAllParameters(): readonly ParameterState[] {
  const bridge = useBridge();
  return useSyncExternalStore(bridge.subscribe, bridge.getParameters);
}

/** The parameter ids, in the plugin's order (changes only when the set of parameters does). */
export function useParameterIds(): readonly string[] {
  const bridge = useBridge();
  return useSyncExternalStore(bridge.subscribe, bridge.getParameterIds);
}

export interface ParameterHandle {
  /** The parameter as shown (undefined until fetched). */
  param: ParameterState | undefined;
  /** The parameter as shown right now (for event handlers that run before the next render). */
  current: () => ParameterState | undefined;
  /** A complete set (one gesture as the host sees it): clicks, typed values, default. */
  set: (target: SetTarget) => void;
  /** Back to the default value (one complete set). */
  reset: () => void;
  /**
   * Starts a continuous edit: the returned handle's `set` moves the value, its `end` finishes;
   * the host sees exactly one gesture around it however many values are sent.
   */
  beginEdit: () => Edit;
}

/** One parameter: its value and the setters that edit it. */
export function useParameter(id: string): ParameterHandle {
  const bridge = useBridge();
  const getSnapshot = useCallback(() => bridge.getParameter(id), [bridge, id]);
  const param = useSyncExternalStore(bridge.subscribe, getSnapshot);
  const set = useCallback(
    (target: SetTarget) => {
      void bridge.setParameter(id, target);
    },
    [bridge, id],
  );
  const reset = useCallback(() => {
    const info = bridge.getParameter(id);
    if (info) void bridge.setParameter(id, { value: info.default });
  }, [bridge, id]);
  const beginEdit = useCallback(() => bridge.beginEdit(id), [bridge, id]);
  return useMemo(
    () => ({ param, current: getSnapshot, set, reset, beginEdit }),
    [param, getSnapshot, set, reset, beginEdit],
  );
}

/** The connection: state, transport kind, endpoint and whether the values are synced. */
export function useConnectionStatus(): ConnectionSnapshot {
  const bridge = useBridge();
  return useSyncExternalStore(bridge.subscribe, bridge.getConnection);
}

/**
 * Calls `onFrame` with every meter frame (60 Hz) outside React: draw into refs or a canvas from
 * it; nothing re-renders. Subscribes to the plugin's meters while mounted.
 */
export function useMeters(onFrame: (frame: MeterFrame) => void): void {
  const bridge = useBridge();
  const callback = useRef(onFrame);
  useEffect(() => {
    callback.current = onFrame;
  });
  useEffect(
    () =>
      bridge.onMeterFrame((frame) => {
        callback.current(frame);
      }),
    [bridge],
  );
}
