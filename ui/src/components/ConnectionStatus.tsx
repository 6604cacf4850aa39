import { useCallback, useSyncExternalStore } from "react";
import { useBridge, useConnectionStatus } from "../ipc/hooks";
import type { ConnectionSnapshot } from "../ipc/bridge";

/** What the status says, e.g. "Reconnecting in 3 s" (`seconds`: until the next attempt). */
export function describeConnection(connection: ConnectionSnapshot, seconds: number): string {
  const { state } = connection;
  switch (state.phase) {
    case "connecting":
      return "Connecting…";
    case "connected":
      return connection.synced ? "Connected" : "Syncing…";
    case "reconnecting": {
      return seconds > 0 ? `Reconnecting in ${seconds} s` : "Reconnecting…";
    }
    case "disconnected":
      return "Disconnected";
  }
}

/** Whole seconds until `deadline` (epoch ms), ticking while mounted; null without a deadline. */
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
 * The connection's state for a browser page: hidden in the native editor (its connection is the
 * editor itself). While reconnecting, "Retry now" skips the wait.
 */
export function ConnectionStatus() {
  const bridge = useBridge();
  const connection = useConnectionStatus();
  const { state } = connection;
  const seconds = useSecondsUntil(state.phase === "reconnecting" ? state.retryAt : null);

  if (connection.kind === "native") return null;
  const label = describeConnection(connection, seconds ?? 0);
  const phase = state.phase === "connected" && !connection.synced ? "connecting" : state.phase;
  const detail =
    state.phase === "reconnecting" || state.phase === "disconnected"
      ? state.reason
      : connection.info
        ? `${connection.info.name} ${connection.info.version} over ${connection.info.transport}`
        : "";

  return (
    <div className="connection" data-phase={phase} role="status" aria-live="polite" title={detail}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{label}</span>
      <span className="connection-endpoint">{connection.endpoint}</span>
      {state.phase === "reconnecting" && (
        <button
          type="button"
          className="connection-retry"
          onClick={() => {
            bridge.transport.retryNow();
          }}
        >
          Retry now
        </button>
      )}
    </div>
  );
}
