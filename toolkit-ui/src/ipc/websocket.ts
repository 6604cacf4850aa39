import { Backoff, type BackoffOptions } from "./backoff";
import { TransportBase } from "./transport";

/** The part of the DOM `WebSocket` this transport uses (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Set to `"arraybuffer"`: binary messages (stream frames) arrive as `ArrayBuffer`s. */
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** Reconnect schedule (default 250 ms doubling up to 5 s). */
  backoff?: BackoffOptions;
  /** An attempt still not open after this long is abandoned and retried (default 4000 ms). */
  connectTimeoutMs?: number;
  /**
   * A connection that stayed open at least this long resets the backoff schedule (default
   * 2000 ms), so a server that accepts and drops at once is not hammered every 250 ms.
   */
  stableMs?: number;
  /** Creates the socket (default: the DOM `WebSocket`). */
  createSocket?: WebSocketFactory;
}

const OPEN = 1;

/**
 * JSON-RPC over one WebSocket, one message per text frame; stream frames as binary messages. Reconnects with capped exponential
 * backoff for as long as the page is open; the {@link BridgeClient} resynchronises after each
 * reconnect.
 */
export class WebSocketTransport extends TransportBase {
  readonly kind = "websocket" as const;
  /** The URL shown to the user: the token, a secret, is masked. */
  readonly endpoint: string;
  private readonly url: string;
  private readonly backoff: Backoff;
  private readonly connectTimeoutMs: number;
  private readonly stableMs: number;
  private readonly createSocket: WebSocketFactory;
  private socket: WebSocketLike | null = null;
  private started = false;
  private closed = false;
  private openedAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(url: string, options: WebSocketTransportOptions = {}) {
    super();
    this.url = url;
    this.endpoint = maskToken(url);
    this.backoff = new Backoff(options.backoff);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 4000;
    this.stableMs = options.stableMs ?? 2000;
    this.createSocket =
      options.createSocket ?? ((target) => new WebSocket(target) as unknown as WebSocketLike);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.connect();
  }

  send(text: string): boolean {
    const socket = this.socket;
    if (this.state.phase !== "connected" || !socket || socket.readyState !== OPEN) return false;
    socket.send(text);
    return true;
  }

  retryNow(): void {
    if (this.closed || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, "page closed");
    }
    this.setState({ phase: "disconnected", reason: "closed by the page" });
  }

  private connect(): void {
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch (error) {
      // An invalid URL throws synchronously: keep retrying (the server may come up later, and
      // the status shows why in the meantime).
      this.lost(`cannot connect: ${String(error)}`);
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.socket !== socket) return;
      detach(socket);
      socket.close();
      this.socket = null;
      this.lost("connection attempt timed out");
    }, this.connectTimeoutMs);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.clearConnectTimer();
      this.openedAt = Date.now();
      this.setState({ phase: "connected" });
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      if (typeof event.data === "string") this.receive(event.data);
      else if (event.data instanceof ArrayBuffer) this.receiveFrame(new Uint8Array(event.data));
    };
    socket.onerror = () => {
      // A close event always follows; the reconnect is handled there.
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      detach(socket);
      this.socket = null;
      this.clearConnectTimer();
      const wasOpen = this.state.phase === "connected";
      if (wasOpen && Date.now() - this.openedAt >= this.stableMs) this.backoff.reset();
      const why = event.reason ? `${event.reason} (${event.code})` : `code ${event.code}`;
      this.lost(wasOpen ? `connection closed: ${why}` : `cannot connect: ${why}`);
    };
  }

  /** Schedules the next attempt. */
  private lost(reason: string): void {
    if (this.closed) return;
    const delay = this.backoff.next();
    this.setState({
      phase: "reconnecting",
      attempt: this.backoff.attempts,
      retryAt: Date.now() + delay,
      reason,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }


  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  private clearTimers(): void {
    this.clearConnectTimer();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onclose = null;
  socket.onerror = null;
  socket.onmessage = null;
}

/** `url` with the value of its `token` query parameter replaced by `…` (for display). */
export function maskToken(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has("token")) return url;
    parsed.searchParams.set("token", "…");
    return parsed.toString().replace(encodeURIComponent("…"), "…");
  } catch {
    return url;
  }
}
