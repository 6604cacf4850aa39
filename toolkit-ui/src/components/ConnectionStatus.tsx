import { useEffect, useState } from "react";
import { useBridgeClient, useConnectionStatus } from "../ipc/hooks";

/** Technical details for a tooltip: where the page connects and why it is not connected. */
function details(connection: ReturnType<typeof useConnectionStatus>): string {
  const { state } = connection;
  const lines = [`Address: ${connection.endpoint}`];
  if (state.phase === "reconnecting" || state.phase === "disconnected") lines.push(`Last error: ${state.reason}`);
  if (connection.info) lines.push(`${connection.info.name} ${connection.info.version} over ${connection.info.transport}`);
  return lines.join("\n");
}

/**
 * The connection's state for a browser page, small, in the top bar: a dot and one word; the
 * address and any error only in the tooltip. Hidden in the native editor (its connection is the
 * editor itself).
 */
export function ConnectionStatus() {
  const connection = useConnectionStatus();
  if (connection.kind === "native") return null;
  const word = connection.phase === "connected" ? "Live" : connection.phase === "connecting" ? "Connecting" : "Offline";
  return (
    <div className="connection" data-phase={connection.phase} role="status" aria-live="polite" title={details(connection)}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{word}</span>
    </div>
  );
}

/**
 * The whole window while there is no connection: what happened in plain words, when the next
 * try is, "Try now", and the technical details in a tooltip. `show` is decided by the caller.
 */
export function OfflineOverlay() {
  const bridge = useBridgeClient();
  const connection = useConnectionStatus();
  const { phase, retryInSeconds } = connection;
  // The plugin's own name once it has answered `getInfo` (kept over a reconnect).
  const name = connection.info?.name ?? "The plugin";
  const title = phase === "connecting" ? `Connecting to ${name}…` : `${name} is not connected`;
  const body =
    phase === "connecting"
      ? "Waiting for the plugin to answer."
      : phase === "disconnected"
        ? "The connection to the plugin was closed. Reload the page to connect again."
        : `The plugin or app this page controls cannot be reached. The controls are locked until it is back. ${
            retryInSeconds ? `Trying again in ${retryInSeconds} s.` : "Trying again now…"
          }`;
  return (
    <div className="offline" role="alertdialog" aria-modal="true" aria-labelledby="offline-title" data-phase={phase}>
      <div className="offline-card">
        <div className="offline-icon" aria-hidden="true" />
        <h1 className="offline-title" id="offline-title">
          {title}
        </h1>
        <p className="offline-body">{body}</p>
        <div className="offline-actions">
          {phase === "reconnecting" && (
            <button
              type="button"
              className="offline-retry"
              onClick={() => {
                bridge.transport.retryNow();
              }}
            >
              Try now
            </button>
          )}
          <span className="offline-details" tabIndex={0} title={details(connection)}>
            Details
          </span>
        </div>
      </div>
    </div>
  );
}

/** A short note after a resync changed values the page was showing (reconnect, state load). */
export function ResyncNotice() {
  const { resync } = useConnectionStatus();
  const [dismissed, setDismissed] = useState(0);
  useEffect(() => {
    if (!resync) return;
    const timer = setTimeout(() => {
      setDismissed(resync.serial);
    }, 4000);
    return () => {
      clearTimeout(timer);
    };
  }, [resync]);
  if (!resync || resync.serial === dismissed) return null;
  const { names } = resync;
  const list = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
  return (
    <div className="resync-notice" role="status" key={resync.serial}>
      Updated from the plugin: {list}
    </div>
  );
}

/** Offline for longer than a moment (the first connect usually takes a few milliseconds). */
export function useOffline(online: boolean): boolean {
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (online) return;
    const timer = setTimeout(() => {
      setLate(true);
    }, 600);
    return () => {
      clearTimeout(timer);
      setLate(false);
    };
  }, [online]);
  return !online && late;
}
