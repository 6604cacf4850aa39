import { useBridge, useConnectionStatus } from "../ipc/hooks";

/**
 * The connection's state for a browser page: hidden in the native editor (its connection is the
 * editor itself). While reconnecting, "Retry now" skips the wait.
 */
export function ConnectionStatus() {
  const bridge = useBridge();
  const connection = useConnectionStatus();
  const { state, phase, label } = connection;

  if (connection.kind === "native") return null;
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
