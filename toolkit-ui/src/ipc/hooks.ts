import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import type { MeterFrame } from "../protocol";
import type { ConnectionSnapshot, Edit, BridgeClient, ParameterState, SetResult, SetTarget } from "./client";

export const BridgeClientContext = createContext<BridgeClient | null>(null);

export function useBridgeClient(): BridgeClient {
  const bridge = useContext(BridgeClientContext);
  if (!bridge) throw new Error("useBridgeClient: no <BridgeClientContext.Provider> above this component");
  return bridge;
}

/** Every parameter, in the plugin's order (a new array whenever any value changes). */
export function useAllParameters(): readonly ParameterState[] {
  const bridge = useBridgeClient();
  return useSyncExternalStore(bridge.subscribe, bridge.getParameters);
}

/** The parameter ids, in the plugin's order (changes only when the set of parameters does). */
export function useParameterIds(): readonly string[] {
  const bridge = useBridgeClient();
  return useSyncExternalStore(bridge.subscribe, bridge.getParameterIds);
}

export interface ParameterHandle {
  /** The parameter as shown (undefined until fetched). */
  param: ParameterState | undefined;
  /** Its plain value and the plugin's text for it (during an edit: the local value). */
  value: number | undefined;
  text: string | undefined;
  /** The parameter as shown right now (for event handlers that run before the next render). */
  current: () => ParameterState | undefined;
  /** A complete set (one gesture as the host sees it): clicks, typed values, default. */
  set: (target: SetTarget) => void;
  /** Back to the default value (one complete set). */
  reset: () => void;
  /** A typed value, parsed by the plugin: the applied value, or a rejection when it is not one. */
  setText: (text: string) => Promise<SetResult>;
  /**
   * Starts a continuous edit: the returned handle's `set` moves the value, its `end` finishes;
   * the host sees exactly one gesture around it however many values are sent.
   */
  beginEdit: () => Edit;
}

/** One parameter: its value and the setters that edit it. */
export function useParameter(id: string): ParameterHandle {
  const bridge = useBridgeClient();
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
  const setText = useCallback((text: string) => bridge.setText(id, text), [bridge, id]);
  return useMemo(
    () => ({ param, value: param?.value, text: param?.text, current: getSnapshot, set, reset, setText, beginEdit }),
    [param, getSnapshot, set, reset, setText, beginEdit],
  );
}

export type ConnectionPhase = "connecting" | "connected" | "reconnecting" | "disconnected";

export interface ConnectionStatus extends ConnectionSnapshot {
  /** `connected` only once the values are synced (before that: `connecting`). */
  phase: ConnectionPhase;
  /** While reconnecting: whole seconds until the next attempt (0: under way). */
  retryInSeconds: number | null;
  /** What to show, e.g. "Reconnecting in 3 s". */
  label: string;
}

/** What the status says for a connection, e.g. "Reconnecting in 3 s". */
export function describeConnection(connection: ConnectionSnapshot, retryInSeconds: number | null): string {
  const { state } = connection;
  switch (state.phase) {
    case "connecting":
      return "Connecting…";
    case "connected":
      return connection.synced ? "Connected" : "Syncing…";
    case "reconnecting":
      return retryInSeconds ? `Reconnecting in ${retryInSeconds} s` : "Reconnecting…";
    case "disconnected":
      return "Disconnected";
  }
}

/** Whole seconds until `deadline` (epoch ms), ticking while it lies ahead; null without one. */
function useSecondsUntil(deadline: number | null): number | null {
  const subscribe = useCallback(
    (tick: () => void) => {
      if (deadline === null) return () => undefined;
      const timer = setInterval(tick, 200);
      return () => {
        clearInterval(timer);
      };
    },
    [deadline],
  );
  const read = useCallback(
    () => (deadline === null ? null : Math.max(0, Math.ceil((deadline - Date.now()) / 1000))),
    [deadline],
  );
  return useSyncExternalStore(subscribe, read);
}

/**
 * The connection: phase (connecting, connected, reconnecting in n s, disconnected), transport
 * kind, endpoint, plugin info. Re-renders every 200 ms only while a reconnect countdown runs.
 */
export function useConnectionStatus(): ConnectionStatus {
  const bridge = useBridgeClient();
  const connection = useSyncExternalStore(bridge.subscribe, bridge.getConnection);
  const { state } = connection;
  const retryInSeconds = useSecondsUntil(state.phase === "reconnecting" ? state.retryAt : null);
  return useMemo(
    () => ({
      ...connection,
      phase: state.phase === "connected" && !connection.synced ? "connecting" : state.phase,
      retryInSeconds,
      label: describeConnection(connection, retryInSeconds),
    }),
    [connection, state.phase, retryInSeconds],
  );
}

/**
 * Calls `onFrame` with every meter frame (60 Hz) outside React: draw into refs or a canvas from
 * it; nothing re-renders. Subscribes to the plugin's meters while mounted.
 */
export function useMeters(onFrame: (frame: MeterFrame) => void): void {
  const bridge = useBridgeClient();
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
