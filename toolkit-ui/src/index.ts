// The toolkit's UI package: everything a plugin's page needs to talk to its plugin (transports,
// the bridge and its store, React hooks), the protocol's generated types, and generic controls
// that know parameters only by the id they are given.

// The protocol (generated from the plugin side's Rust types; never edited by hand).
export * from "./protocol";

// Transports and the bridge.
export { getTransport, resolveWebSocketUrl, DEV_DEFAULT_WS, type WebSocketUrlInputs } from "./ipc/factory";
export { NativeTransport, hasNativeIpc, type NativeIpc, type NativeReceiver } from "./ipc/native";
export {
  WebSocketTransport,
  maskToken,
  type WebSocketLike,
  type WebSocketFactory,
  type WebSocketTransportOptions,
} from "./ipc/websocket";
export {
  TransportBase,
  Listeners,
  type Transport as ClientTransport,
  type TransportKind,
  type TransportState,
  type Unsubscribe,
} from "./ipc/transport";
export { Backoff, type BackoffOptions } from "./ipc/backoff";
export {
  BridgeClient,
  Edit,
  estimate,
  type BridgeStats,
  type ConnectionSnapshot,
  type BridgeClientOptions,
  type ParameterState,
  type ResyncNotice as ResyncSummary,
  type SetResult,
  type SetTarget,
} from "./ipc/client";
// `RpcError` is the error class (the protocol's error body is `RpcErrorBody`).
export { RpcError, DisconnectedError, RequestTimeoutError } from "./ipc/errors";
export type { RpcError as RpcErrorBody } from "./protocol";

// React hooks on the bridge.
export {
  BridgeClientContext,
  useBridgeClient,
  useAllParameters,
  useParameterIds,
  useParameter,
  useConnectionStatus,
  useMeters,
  describeConnection,
  type ConnectionPhase,
  type ConnectionStatus as ConnectionStatusInfo,
  type ParameterHandle,
} from "./ipc/hooks";

// Value laws, meter arithmetic, typesetting.
export * from "./lib/law";
export * from "./lib/meterMath";
export * from "./lib/streamFrame";
export { typeset } from "./lib/typeset";

// Generic controls.
export { Knob } from "./components/Knob";
export { Toggle, type Accent } from "./components/Toggle";
export { Selector } from "./components/Selector";
export { LevelMeter, CorrelationMeter, METER_MIN_DB, METER_MAX_DB } from "./components/Meters";
export { useContextMenu, type MenuItem } from "./components/ContextMenu";
export { ConnectionStatus, OfflineOverlay, ResyncNotice, useOffline } from "./components/ConnectionStatus";
export { OpenInBrowser, describeFailure } from "./components/OpenInBrowser";
export { onAnimationFrame } from "./components/animation";
export { useBurstEdit } from "./components/useBurstEdit";
