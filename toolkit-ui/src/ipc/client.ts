import type {
  AllParameters,
  AnyNotification,
  Info,
  MeterFrame,
  Methods,
  ParamInfo,
  ParamValue,
  ParameterChanged,
  Request,
  RpcError as RpcErrorBody,
  TrackNameChanged,
} from "../protocol";
import { fromNormalized, snap, toNormalized, type ParamInfoWithLaw } from "../lib/law";
import { decodeStreamFrame, type StreamFrame } from "../lib/streamFrame";
import { DisconnectedError, RequestTimeoutError, RpcError } from "./errors";
import { Listeners, type Transport, type TransportKind, type TransportState, type Unsubscribe } from "./transport";

type Params<M extends keyof Methods> = Methods[M]["params"];
type Result<M extends keyof Methods> = Methods[M]["result"];
/** Methods whose params may be left out. */
type ParamArgs<M extends keyof Methods> = undefined extends Params<M>
  ? [params?: Params<M>]
  : [params: Params<M>];

/** A parameter as the UI shows it: the plugin's value, or the local edit in progress. */
export interface ParameterState extends ParamInfo {
  /** True while this page is editing it (a drag, a burst of wheel or key steps, a set in flight). */
  editing: boolean;
}

/** Where the connection stands, for the status display. */
export interface ConnectionSnapshot {
  kind: TransportKind;
  endpoint: string;
  state: TransportState;
  /** True once the parameters were fetched on the current connection. */
  synced: boolean;
  /** `getInfo` of the current connection. */
  info: Info | null;
  /** The last resync (reconnect, state load, missed changes) that changed values, if any. */
  resync: ResyncNotice | null;
}

/** Values that a resync found changed (the page showed something else before it). */
export interface ResyncNotice {
  /** Names of the parameters whose values changed, in the plugin's order. */
  names: string[];
  /** Counts notices, so the same names twice still show twice. */
  serial: number;
}

/** The applied value of a `setParameter`; `clamped` when the plugin clamped typed text to its range. */
export type SetResult = ParamValue;

/** A target for `setParameter`: plain `value` or `normalized`. */
export type SetTarget = { value: number } | { normalized: number };

/** Counters for diagnostics (and the end-to-end test's frame budget). */
export interface BridgeStats {
  /** `meterFrame` notifications received. */
  meterFrames: number;
  /** Frames the sampler produced that were merged away before reaching us, judged by `t`. */
  meterFramesMissed: number;
  /** `t` of the newest frame. */
  lastMeterT: number;
  /** Full refetches (`getAllParameters`) done. */
  refetches: number;
  /** Sequence gaps seen in `parameterChanged`. */
  seqGaps: number;
  /** Binary stream frames received (of every stream). */
  streamFrames: number;
  /** Stream frames skipped before reaching us (gaps in their `seq`), or undecodable. */
  streamFramesMissed: number;
}

/** One stream's listeners, and what the plugin told us of it. */
interface StreamEntry {
  readonly name: string;
  /** Each listener with the rate it asked for; the subscription is the highest. */
  readonly listeners: Map<(frame: StreamFrame) => void, number>;
  /** The rate asked of the plugin (0: none). */
  hz: number;
  /** The `seq` of the newest frame, to count gaps. */
  lastSeq: number | null;
}

export interface BridgeClientOptions {
  /** Rejects a request with no answer after this long (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Meter rate asked for while anything listens (default 60). */
  meterHz?: number;
  /** How long a local value is kept after an edit if its echo never comes (default 500 ms). */
  settleMs?: number;
  /** Called with errors nobody awaited (failed sets): default `console.warn`. */
  onError?: (error: unknown) => void;
  /** A `ping` is sent this often while connected (default 15000 ms; 0: never). The WebSocket
   * server may close a session silent for 45 s to make room when full: this keeps a live but idle
   * page from ever being that session. */
  heartbeatMs?: number;
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Override {
  value: number;
  normalized: number;
  text: string;
  /** Whether an edit is still active (the override then ignores echoes). */
  active: boolean;
  settleTimer: ReturnType<typeof setTimeout> | null;
}

const METER_HZ_DEFAULT = 60;

/**
 * The page's one connection to the plugin: typed JSON-RPC requests over a {@link Transport},
 * the notifications, and one external store (parameters and connection) that the React hooks
 * read with `useSyncExternalStore`. Meter frames bypass the store: they go straight to
 * {@link onMeterFrame} listeners so 60 Hz meters never re-render React.
 */
export class BridgeClient {
  readonly transport: Transport;
  readonly stats: BridgeStats = {
    meterFrames: 0,
    meterFramesMissed: 0,
    lastMeterT: 0,
    refetches: 0,
    seqGaps: 0,
    streamFrames: 0,
    streamFramesMissed: 0,
  };
  private readonly requestTimeoutMs: number;
  private readonly meterHz: number;
  private readonly settleMs: number;
  private readonly heartbeatMs: number;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly reportError: (error: unknown) => void;

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly storeListeners = new Set<() => void>();
  private readonly meterListeners = new Listeners<MeterFrame>();
  private readonly streams = new Map<string, StreamEntry>();
  /** Streams by the id their frames carry, as `subscribeStream` answered (ids are per plugin). */
  private readonly streamIds: (StreamEntry | undefined)[] = [];
  private readonly unsubscribeTransport: Unsubscribe[] = [];

  /** Plugin-side values by id, in the plugin's order. */
  private server = new Map<string, ParamInfo>();
  private readonly overrides = new Map<string, Override>();
  private readonly edits = new Map<string, Edit>();
  private views = new Map<string, ParameterState>();
  private list: readonly ParameterState[] = [];
  private ids: readonly string[] = [];
  private connection: ConnectionSnapshot;

  /** `seq` the store includes; null until fetched on this connection. */
  private seq: number | null = null;
  /** The epoch of the fetch in flight, if any. */
  private fetchingEpoch: number | null = null;
  private fetchAgain = false;
  /** Notifications received while a fetch is in flight, replayed over its snapshot. */
  private buffered: ParameterChanged[] = [];
  /** Counts connections, so edits notice a reconnect. */
  epoch = 0;
  private disposed = false;

  constructor(transport: Transport, options: BridgeClientOptions = {}) {
    this.transport = transport;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.meterHz = options.meterHz ?? METER_HZ_DEFAULT;
    this.settleMs = options.settleMs ?? 500;
    this.heartbeatMs = options.heartbeatMs ?? 15000;
    this.reportError =
      options.onError ??
      ((error) => {
        console.warn("[ipc bridge]", error);
      });
    this.connection = {
      kind: transport.kind,
      endpoint: transport.endpoint,
      state: transport.state,
      synced: false,
      info: null,
      resync: null,
    };
    this.unsubscribeTransport.push(
      transport.onMessage((text) => {
        this.receive(text);
      }),
      transport.onFrame((bytes) => {
        this.receiveFrame(bytes);
      }),
      transport.onState((state) => {
        this.stateChanged(state);
      }),
    );
  }

  /** Starts the transport (and, once connected, the first sync). */
  start(): this {
    this.transport.start();
    if (this.transport.state.phase === "connected" && this.epoch === 0) {
      this.stateChanged(this.transport.state);
    }
    return this;
  }

  /** Closes the transport and rejects whatever is pending. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopHeartbeat();
    for (const off of this.unsubscribeTransport) off();
    this.rejectAll("the bridge was closed");
    this.transport.close();
  }

  // ---- requests ---------------------------------------------------------------------------

  /** Sends a request; resolves with its result, rejects with an {@link RpcError}, a
   * {@link DisconnectedError} or a {@link RequestTimeoutError}. */
  request<M extends keyof Methods>(method: M, ...args: ParamArgs<M>): Promise<Result<M>> {
    const params = args[0];
    return new Promise<Result<M>>((resolve, reject) => {
      const id = this.nextId++;
      const message: Request<M> = { jsonrpc: "2.0", id, method };
      if (params !== undefined) message.params = params;
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new RequestTimeoutError(method, this.requestTimeoutMs));
      }, this.requestTimeoutMs);
      this.pending.set(id, {
        method,
        resolve: resolve as (result: unknown) => void,
        reject,
        timer,
      });
      if (!this.transport.send(JSON.stringify(message))) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new DisconnectedError(method, describeOffline(this.transport.state)));
      }
    });
  }

  // ---- store (useSyncExternalStore) ---------------------------------------------------------

  subscribe = (listener: () => void): Unsubscribe => {
    this.storeListeners.add(listener);
    return () => {
      this.storeListeners.delete(listener);
    };
  };

  getConnection = (): ConnectionSnapshot => this.connection;
  getParameters = (): readonly ParameterState[] => this.list;
  getParameterIds = (): readonly string[] => this.ids;
  getParameter = (id: string): ParameterState | undefined => this.views.get(id);

  // ---- meters -------------------------------------------------------------------------------

  /** Calls `listener` with every meter frame; subscribes to frames while anyone listens. */
  onMeterFrame(listener: (frame: MeterFrame) => void): Unsubscribe {
    const first = this.meterListeners.size === 0;
    const off = this.meterListeners.add(listener);
    if (first && this.transport.state.phase === "connected") this.subscribeMeters(this.meterHz);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      if (this.meterListeners.size === 0 && this.transport.state.phase === "connected") {
        this.subscribeMeters(0);
      }
    };
  }

  private subscribeMeters(hz: number): void {
    this.request("subscribeMeters", { hz }).catch((error: unknown) => {
      this.reportError(error);
    });
  }

  // ---- streams ------------------------------------------------------------------------------

  /**
   * Calls `listener` with every binary frame of the plugin's stream `name` (`getStreams`),
   * subscribing at `hz` (1…60; the plugin caps it) while anyone listens, and again after every
   * reconnect. Listeners of one stream share one subscription at the highest rate any asked for.
   * `frame.values` is valid only during the call (the native transport reuses its buffer): copy
   * what you keep.
   */
  onStream(name: string, hz: number, listener: (frame: StreamFrame) => void): Unsubscribe {
    let entry = this.streams.get(name);
    if (!entry) {
      entry = { name, listeners: new Map(), hz: 0, lastSeq: null };
      this.streams.set(name, entry);
    }
    const stream = entry;
    stream.listeners.set(listener, hz);
    this.resubscribeStream(stream);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      stream.listeners.delete(listener);
      this.resubscribeStream(stream);
    };
  }

  /** Asks the plugin for the rate `entry`'s listeners want, if it differs from the one asked. */
  private resubscribeStream(entry: StreamEntry, force = false): void {
    let hz = 0;
    for (const rate of entry.listeners.values()) hz = Math.max(hz, rate);
    if ((!force && hz === entry.hz) || this.transport.state.phase !== "connected") {
      entry.hz = hz;
      return;
    }
    entry.hz = hz;
    if (force && hz === 0) return;
    this.request("subscribeStream", { stream: entry.name, hz })
      .then((result) => {
        this.streamIds[result.id] = entry;
      })
      .catch((error: unknown) => {
        this.reportError(error);
      });
  }

  private receiveFrame(bytes: Uint8Array): void {
    let frame: StreamFrame;
    try {
      frame = decodeStreamFrame(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      this.stats.streamFramesMissed += 1;
      return;
    }
    this.stats.streamFrames += 1;
    const entry = this.streamIds[frame.stream];
    // Frames of a stream nobody here listens to any more, or before the subscription's answer.
    if (!entry) return;
    if (entry.lastSeq !== null) {
      const gap = (frame.seq - entry.lastSeq - 1) >>> 0;
      if (gap < 0x8000_0000) this.stats.streamFramesMissed += gap;
    }
    entry.lastSeq = frame.seq;
    for (const listener of entry.listeners.keys()) listener(frame);
  }

  // ---- parameter edits ----------------------------------------------------------------------

  /**
   * Starts (or joins) an edit of `id`: one `beginGesture` now, `setParameter`s as the value
   * moves (at most one in flight, the newest value wins), one `endGesture` when the last holder
   * calls `end()`.
   */
  beginEdit(id: string): Edit {
    const existing = this.edits.get(id);
    if (existing && !existing.ended) {
      existing.holders += 1;
      return existing;
    }
    const edit = new Edit(this, id);
    this.edits.set(id, edit);
    return edit;
  }

  /** Sets a value outside any drag: the host sees one complete gesture (begin, set, end). */
  async setParameter(id: string, target: SetTarget): Promise<ParamValue | undefined> {
    const edit = this.edits.get(id);
    if (edit && !edit.ended) {
      edit.set(target);
      return undefined;
    }
    this.showLocal(id, target, true);
    try {
      const result = await this.request("setParameter", { id, ...target });
      this.applied(id, result);
      return result;
    } catch (error) {
      this.dropOverride(id);
      this.reportError(error);
      return undefined;
    } finally {
      this.settle(id);
    }
  }

  /**
   * Sets a value from text the user typed: the plugin parses it (`"30L"`, `"-inf"`, `"mono"`).
   * Resolves with the applied value (`clamped` when it was out of range); rejects with the
   * plugin's {@link RpcError} (e.g. −32602 "not a value for Pan") when it is not a value, and
   * then nothing changed.
   */
  async setText(id: string, text: string): Promise<SetResult> {
    const edit = this.edits.get(id);
    if (edit && !edit.ended) await edit.end();
    const result: SetResult = await this.request("setParameter", { id, text });
    this.showLocal(id, { value: result.value }, false);
    this.applied(id, result);
    this.settle(id);
    return result;
  }

  /** @internal Shows a local value at once, before the plugin answers. */
  showLocal(id: string, target: SetTarget, active: boolean): void {
    const info = this.server.get(id);
    if (!info) return;
    const { value, normalized } = estimate(info, target);
    const previous = this.overrides.get(id);
    if (previous?.settleTimer) clearTimeout(previous.settleTimer);
    const text = previous?.text ?? info.text;
    this.overrides.set(id, { value, normalized, text, active, settleTimer: null });
    this.refresh([id]);
  }

  /** @internal The plugin applied a set: show its exact value and text (only the text when a
   * newer local value is already waiting to be sent). */
  applied(id: string, result: ParamValue, textOnly = false): void {
    const override = this.overrides.get(id);
    if (!override) return;
    if (!textOnly) {
      override.value = result.value;
      override.normalized = result.normalized;
    }
    override.text = result.text;
    this.refresh([id]);
  }

  /** @internal The edit is over: keep the local value until its echo arrives (or a while). */
  settle(id: string): void {
    const override = this.overrides.get(id);
    if (!override) return;
    override.active = false;
    if (override.settleTimer) clearTimeout(override.settleTimer);
    const server = this.server.get(id);
    if (server && sameValue(server.normalized, override.normalized)) {
      this.dropOverride(id);
      return;
    }
    override.settleTimer = setTimeout(() => {
      this.dropOverride(id);
    }, this.settleMs);
  }

  /** @internal */
  dropOverride(id: string): void {
    const override = this.overrides.get(id);
    if (!override) return;
    if (override.settleTimer) clearTimeout(override.settleTimer);
    this.overrides.delete(id);
    this.refresh([id]);
  }

  /** @internal */
  editEnded(edit: Edit): void {
    if (this.edits.get(edit.id) === edit) this.edits.delete(edit.id);
  }

  /** @internal */
  report(error: unknown): void {
    this.reportError(error);
  }

  // ---- incoming -----------------------------------------------------------------------------

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.reportError(new Error(`unreadable message from the plugin: ${text.slice(0, 120)}`));
      return;
    }
    if (Array.isArray(message)) {
      for (const item of message) this.receiveOne(item);
    } else {
      this.receiveOne(message);
    }
  }

  private receiveOne(message: unknown): void {
    if (typeof message !== "object" || message === null) return;
    const m = message as {
      id?: unknown;
      method?: unknown;
      params?: unknown;
      result?: unknown;
      error?: RpcErrorBody;
    };
    if (typeof m.method === "string" && m.id === undefined) {
      // Unknown methods (a newer plugin's) fall through the switch.
      this.notification(m as AnyNotification);
      return;
    }
    if (typeof m.id !== "number") {
      if (m.error) this.reportError(new RpcError("request", m.error));
      return;
    }
    const pending = this.pending.get(m.id);
    if (!pending) return; // timed out or rejected on disconnect: too late
    this.pending.delete(m.id);
    clearTimeout(pending.timer);
    if (m.error) pending.reject(new RpcError(pending.method, m.error));
    else pending.resolve(m.result);
  }

  private notification(message: AnyNotification): void {
    switch (message.method) {
      case "meterFrame":
        this.meterFrame(message.params);
        break;
      case "parameterChanged":
        this.parameterChanged(message.params);
        break;
      case "parametersReset":
        // Also what a client that fell behind gets: anything it missed may have changed.
        void this.refetch();
        this.fetchInfo();
        break;
      case "trackNameChanged":
        this.trackNameChanged(message.params);
        break;
      default:
        break;
    }
  }

  private trackNameChanged({ trackName }: TrackNameChanged): void {
    const info = this.connection.info;
    if (info) this.setConnection({ info: { ...info, trackName } });
  }

  private meterFrame(frame: MeterFrame): void {
    const stats = this.stats;
    if (stats.meterFrames > 0 && frame.t > stats.lastMeterT) {
      const periods = Math.round((frame.t - stats.lastMeterT) * this.meterHz);
      if (periods > 1) stats.meterFramesMissed += periods - 1;
    }
    stats.meterFrames += 1;
    stats.lastMeterT = frame.t;
    this.meterListeners.emit(frame);
  }

  private parameterChanged(change: ParameterChanged): void {
    if (this.fetchingEpoch !== null || this.seq === null) {
      this.buffered.push(change);
      this.applyChange(change);
      return;
    }
    if (change.seq <= this.seq) return; // already in the snapshot
    const gap = change.seq > this.seq + 1;
    this.seq = change.seq;
    this.applyChange(change);
    if (gap) {
      this.stats.seqGaps += 1;
      void this.refetch();
    }
  }

  private applyChange(change: ParameterChanged): void {
    const info = this.server.get(change.id);
    if (!info) return;
    this.server.set(change.id, {
      ...info,
      value: change.value,
      normalized: change.normalized,
      text: change.text,
    });
    const override = this.overrides.get(change.id);
    if (override && !override.active && sameValue(override.normalized, change.normalized)) {
      if (override.settleTimer) clearTimeout(override.settleTimer);
      this.overrides.delete(change.id);
    }
    this.refresh([change.id]);
  }

  // ---- sync ---------------------------------------------------------------------------------

  private stateChanged(state: TransportState): void {
    const wasConnected = this.connection.state.phase === "connected";
    if (state.phase === "connected") {
      this.epoch += 1;
      this.setConnection({ state, synced: false, info: null });
      this.seq = null;
      void this.refetch();
      this.fetchInfo();
      if (this.meterListeners.size > 0) this.subscribeMeters(this.meterHz);
      this.streamIds.length = 0;
      for (const entry of this.streams.values()) {
        entry.lastSeq = null;
        this.resubscribeStream(entry, true);
      }
      this.startHeartbeat();
      return;
    }
    this.stopHeartbeat();
    if (wasConnected || this.pending.size > 0) {
      const why = state.phase === "connecting" ? "" : `: ${state.reason}`;
      this.rejectAll(`connection lost before the answer arrived${why}`);
    }
    this.seq = null;
    this.fetchingEpoch = null;
    this.fetchAgain = false;
    this.setConnection({ state, synced: false });
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.heartbeatMs <= 0) return;
    this.heartbeat = setInterval(() => {
      // A lost answer shows up as the transport's own disconnect; nothing to report here.
      this.request("ping").catch(() => undefined);
    }, this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Fetches `getInfo` for the current connection. */
  private fetchInfo(): void {
    const epoch = this.epoch;
    this.request("getInfo")
      .then((info) => {
        if (this.epoch === epoch) this.setConnection({ info });
      })
      .catch((error: unknown) => {
        this.reportError(error);
      });
  }

  /** Fetches every parameter and replays what arrived meanwhile. */
  private async refetch(): Promise<void> {
    if (this.fetchingEpoch === this.epoch) {
      this.fetchAgain = true;
      return;
    }
    const epoch = this.epoch;
    this.fetchingEpoch = epoch;
    this.takeFetchAgain();
    this.buffered = [];
    let all: AllParameters | null = null;
    try {
      all = await this.request("getAllParameters");
    } catch (error) {
      if (!(error instanceof DisconnectedError)) this.reportError(error);
    }
    if (this.epoch !== epoch || this.transport.state.phase !== "connected") return;
    this.fetchingEpoch = null;
    if (!all) {
      // Timed out or failed while still connected: try again shortly.
      setTimeout(() => {
        if (this.epoch === epoch) void this.refetch();
      }, 1000);
      return;
    }
    this.stats.refetches += 1;
    this.applySnapshot(all);
    if (this.takeFetchAgain()) void this.refetch();
  }

  /** Whether a refetch was asked for while one was in flight; clears the request. */
  private takeFetchAgain(): boolean {
    const again = this.fetchAgain;
    this.fetchAgain = false;
    return again;
  }

  private applySnapshot(all: AllParameters): void {
    const changedIds = new Set<string>([...this.server.keys()]);
    const before = this.server;
    this.server = new Map(all.parameters.map((p) => [p.id, p]));
    for (const id of this.server.keys()) changedIds.add(id);
    this.seq = all.seq;
    const replay = this.buffered.filter((c) => c.seq > all.seq).sort((a, b) => a.seq - b.seq);
    this.buffered = [];
    let gap = false;
    for (const change of replay) {
      if (change.seq !== this.seq + 1) gap = true;
      this.seq = change.seq;
      this.applyChange(change);
    }
    const structure = all.parameters.map((p) => p.id);
    if (structure.join("\u0000") !== this.ids.join("\u0000")) this.ids = structure;
    const changedNames = [...this.server.values()]
      .filter((p) => {
        const old = before.get(p.id);
        return old !== undefined && !sameValue(old.value, p.value) && !this.overrides.has(p.id);
      })
      .map((p) => p.name);
    const resync =
      changedNames.length > 0
        ? { names: changedNames, serial: (this.connection.resync?.serial ?? 0) + 1 }
        : this.connection.resync;
    this.setConnection({ synced: true, resync });
    this.refresh([...changedIds]);
    if (gap) {
      this.stats.seqGaps += 1;
      void this.refetch();
    }
  }

  // ---- store internals ----------------------------------------------------------------------

  private refresh(ids: Iterable<string>): void {
    let changed = false;
    const views = new Map(this.views);
    for (const id of ids) {
      const info = this.server.get(id);
      if (!info) {
        changed = views.delete(id) || changed;
        continue;
      }
      const override = this.overrides.get(id);
      const edit = this.edits.get(id);
      const editing = override !== undefined || (edit !== undefined && !edit.ended);
      const next: ParameterState = override
        ? { ...info, value: override.value, normalized: override.normalized, text: override.text, editing }
        : { ...info, editing };
      const previous = views.get(id);
      if (previous && sameState(previous, next)) continue;
      views.set(id, next);
      changed = true;
    }
    if (!changed) return;
    this.views = views;
    this.list = this.ids.map((id) => views.get(id)).filter((v): v is ParameterState => v !== undefined);
    this.emit();
  }

  private setConnection(patch: Partial<ConnectionSnapshot>): void {
    this.connection = { ...this.connection, ...patch };
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.storeListeners]) listener();
  }

  private rejectAll(detail: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new DisconnectedError(p.method, detail));
    }
  }
}

/**
 * One continuous edit of a parameter (a drag, a burst of wheel or key steps): exactly one
 * `beginGesture`/`endGesture` pair around its sets. Created by {@link BridgeClient.beginEdit}.
 */
export class Edit {
  readonly id: string;
  /** How many inputs hold this edit (pointer and wheel may overlap); it ends at 0. */
  holders = 1;
  ended = false;
  private readonly bridge: BridgeClient;
  private gestureEpoch = -1;
  private inFlight = false;
  private next: SetTarget | null = null;
  private finished: Promise<void> | null = null;
  private resolveFinished: (() => void) | null = null;

  constructor(bridge: BridgeClient, id: string) {
    this.bridge = bridge;
    this.id = id;
    this.ensureGesture();
  }

  /** Moves the value (shown at once; sent when the previous set was answered). */
  set(target: SetTarget): void {
    if (this.ended) return;
    this.bridge.showLocal(this.id, target, true);
    this.next = target;
    this.pump();
  }

  /** Releases this holder; the last one ends the gesture after the last set is answered. */
  end(): Promise<void> {
    if (this.ended) return this.finished ?? Promise.resolve();
    this.holders -= 1;
    if (this.holders > 0) return Promise.resolve();
    this.ended = true;
    this.finished = new Promise<void>((resolve) => {
      this.resolveFinished = resolve;
    });
    this.pump();
    return this.finished;
  }

  private ensureGesture(): void {
    // After a reconnect the server has ended our gesture: open a new one on this connection.
    if (this.gestureEpoch === this.bridge.epoch) return;
    this.gestureEpoch = this.bridge.epoch;
    this.bridge.request("beginGesture", { id: this.id }).catch((error: unknown) => {
      this.bridge.report(error);
    });
  }

  private pump(): void {
    if (this.inFlight) return;
    const target = this.next;
    if (target) {
      this.next = null;
      this.inFlight = true;
      this.ensureGesture();
      this.bridge
        .request("setParameter", { id: this.id, ...target })
        .then((result) => {
          this.bridge.applied(this.id, result, this.next !== null);
        })
        .catch((error: unknown) => {
          this.bridge.report(error);
        })
        .finally(() => {
          this.inFlight = false;
          this.pump();
        });
      return;
    }
    if (!this.ended || !this.resolveFinished) return;
    const resolve = this.resolveFinished;
    this.resolveFinished = null;
    this.bridge.editEnded(this);
    const done = () => {
      this.bridge.settle(this.id);
      resolve();
    };
    if (this.gestureEpoch !== this.bridge.epoch) {
      done(); // the connection that held the gesture is gone, and with it the gesture
      return;
    }
    this.bridge
      .request("endGesture", { id: this.id })
      .catch((error: unknown) => {
        this.bridge.report(error);
      })
      .finally(done);
  }
}

/**
 * The value a set will land on, shown until the plugin answers: by the parameter's own range law
 * (`ParamInfo.law`; linear when a plugin does not send one) and its step, as the plugin snaps it.
 * The text stays the plugin's until its answer.
 */
export function estimate(info: ParamInfoWithLaw, target: SetTarget): { value: number; normalized: number } {
  if ("normalized" in target) {
    const normalized = Math.min(1, Math.max(0, target.normalized));
    const raw = fromNormalized(info, normalized);
    // Discrete parameters land on a step, and so does their position; floats keep the pointer's.
    if (info.step) {
      const value = snap(info, raw);
      return { value, normalized: toNormalized(info, value) };
    }
    const value = info.stepSize ? snap(info, raw) : raw;
    return { value, normalized };
  }
  const value = snap(info, target.value);
  return { value, normalized: toNormalized(info, value) };
}

function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}

function sameState(a: ParameterState, b: ParameterState): boolean {
  return (
    a.value === b.value &&
    a.normalized === b.normalized &&
    a.text === b.text &&
    a.editing === b.editing &&
    a.name === b.name &&
    a.min === b.min &&
    a.max === b.max &&
    a.default === b.default &&
    a.kind === b.kind
  );
}

function describeOffline(state: TransportState): string {
  switch (state.phase) {
    case "connecting":
      return "not connected yet";
    case "reconnecting":
      return `not connected (${state.reason})`;
    case "disconnected":
      return `disconnected (${state.reason})`;
    default:
      return "not connected";
  }
}
