/**
 * A transport carries JSON-RPC text between this page and the plugin. It never interprets the
 * messages: the {@link BridgeClient} does. Implementations: {@link WebSocketTransport} (browser,
 * `npm run dev`, the standalone's dev server) and {@link NativeTransport} (the plugin's webview).
 */

export type TransportKind = "native" | "websocket";

/** Where a transport stands. */
export type TransportState =
  /** First connection attempt under way. */
  | { phase: "connecting" }
  /** Open: messages flow. */
  | { phase: "connected" }
  /**
   * The connection was lost (or never made): the next attempt starts at `retryAt`
   * (epoch ms, `Date.now()` clock); `attempt` counts attempts since the last good connection.
   * While an attempt is under way `retryAt` is in the past.
   */
  | { phase: "reconnecting"; attempt: number; retryAt: number; reason: string }
  /** Closed for good (the page closed it, or there is no way to reach the plugin). */
  | { phase: "disconnected"; reason: string };

export type Unsubscribe = () => void;

export interface Transport {
  readonly kind: TransportKind;
  /** Human readable endpoint, e.g. the WebSocket URL or `native IPC`. */
  readonly endpoint: string;
  /** The current state; {@link onState} reports every change. */
  readonly state: TransportState;
  /** Starts connecting. Idempotent. */
  start(): void;
  /** Sends one message; returns false (and sends nothing) unless connected. */
  send(text: string): boolean;
  /** Called with every received text message. */
  onMessage(listener: (text: string) => void): Unsubscribe;
  /**
   * Called with every received binary stream frame (see `lib/streamFrame.ts`). The bytes are
   * valid only during the call: a transport may reuse their buffer for the next frame.
   */
  onFrame(listener: (bytes: Uint8Array) => void): Unsubscribe;
  /** Called on every state change. */
  onState(listener: (state: TransportState) => void): Unsubscribe;
  /** Skips the wait of a pending reconnect (e.g. the user clicked "retry now"). */
  retryNow(): void;
  /** Closes for good. */
  close(): void;
}

/** A tiny listener set. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Unsubscribe {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }

  /**
   * Like {@link emit} without copying the set first (no allocation: for the per-frame path). A
   * listener added during the call may be called in it.
   */
  emitLive(value: T): void {
    for (const listener of this.set) listener(value);
  }

  get size(): number {
    return this.set.size;
  }
}

/**
 * What every transport keeps the same way: its state, the listeners of its states and messages.
 * Subclasses move the state with {@link setState} and hand received text to {@link receive},
 * binary stream frames to {@link receiveFrame}.
 */
export abstract class TransportBase implements Transport {
  abstract readonly kind: TransportKind;
  abstract readonly endpoint: string;
  private readonly messages = new Listeners<string>();
  private readonly frames = new Listeners<Uint8Array>();
  private readonly states = new Listeners<TransportState>();
  private current: TransportState = { phase: "connecting" };

  get state(): TransportState {
    return this.current;
  }

  abstract start(): void;
  abstract send(text: string): boolean;
  abstract retryNow(): void;
  abstract close(): void;

  onMessage(listener: (text: string) => void): Unsubscribe {
    return this.messages.add(listener);
  }

  onFrame(listener: (bytes: Uint8Array) => void): Unsubscribe {
    return this.frames.add(listener);
  }

  onState(listener: (state: TransportState) => void): Unsubscribe {
    return this.states.add(listener);
  }

  /** Moves to `state` and tells the state listeners. */
  protected setState(state: TransportState): void {
    this.current = state;
    this.states.emit(state);
  }

  /** Hands one received text message to the message listeners. */
  protected receive(text: string): void {
    this.messages.emit(text);
  }

  /** Hands one received binary frame to the frame listeners. */
  protected receiveFrame(bytes: Uint8Array): void {
    this.frames.emitLive(bytes);
  }
}
