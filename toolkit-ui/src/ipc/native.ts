import { TransportBase } from "./transport";

/**
 * The native webview contract (see ui/README.md, "Native IPC contract"):
 *
 * - page → plugin: `window.ipc.postMessage(text)`, one JSON-RPC message per call (wry's IPC
 *   handler receives the text unchanged).
 * - plugin → page: the host runs `window.__webui_receive(text)` with `evaluate_script`, one
 *   JSON-RPC message (or batch) per call, `text` being a JS string literal holding the JSON; and
 *   `window.__webui_receive_frame(base64)`, one binary stream frame per call.
 *
 * The page defines `__webui_receive` before it sends its first request, so every answer finds
 * it; the host may drop what it has to send before that (nothing has been asked yet).
 */
export interface NativeIpc {
  postMessage(text: string): void;
}

export type NativeReceiver = (text: string) => void;

/** The part of `Uint8Array` the newer engines add (TC39 "Uint8Array to/from base64"). */
interface Base64Target {
  setFromBase64?(text: string): { read: number; written: number };
}

declare global {
  interface Window {
    /** Injected by wry in the native editor. */
    ipc?: NativeIpc;
    /** Defined by this page; the native host calls it with each message for the page. */
    __webui_receive?: NativeReceiver;
    /** Defined by this page; the native host calls it with each stream frame, in base64. */
    __webui_receive_frame?: NativeReceiver;
  }
}

/** Whether this page runs in the plugin's native webview. */
export function hasNativeIpc(target: Window = window): boolean {
  return typeof target.ipc?.postMessage === "function";
}

/** JSON-RPC over the native webview's IPC. It is connected as long as the page lives. */
export class NativeTransport extends TransportBase {
  readonly kind = "native" as const;
  readonly endpoint = "native IPC";
  private readonly target: Window;
  /** The decoded frame; reused (it grows to the largest frame seen). */
  private frame = new Uint8Array(4096);

  constructor(target: Window = window) {
    super();
    this.target = target;
  }

  start(): void {
    if (this.state.phase !== "connecting") return;
    if (!hasNativeIpc(this.target)) {
      this.setState({ phase: "disconnected", reason: "window.ipc is missing" });
      return;
    }
    this.target.__webui_receive = (text: string) => {
      if (typeof text === "string") this.receive(text);
    };
    this.target.__webui_receive_frame = (base64: string) => {
      if (typeof base64 !== "string") return;
      const length = this.decodeFrame(base64);
      if (length > 0) this.receiveFrame(this.frame.subarray(0, length));
    };
    this.setState({ phase: "connected" });
  }

  send(text: string): boolean {
    if (this.state.phase !== "connected") return false;
    this.target.ipc?.postMessage(text);
    return true;
  }

  retryNow(): void {
    // Nothing to retry: the host owns the connection.
  }

  close(): void {
    if (this.state.phase === "disconnected") return;
    delete this.target.__webui_receive;
    delete this.target.__webui_receive_frame;
    this.setState({ phase: "disconnected", reason: "closed by the page" });
  }

  /** Decodes `base64` into {@link frame}; returns its length (0: not base64). */
  private decodeFrame(base64: string): number {
    const needed = Math.floor((base64.length * 3) / 4);
    if (this.frame.length < needed) this.frame = new Uint8Array(needed);
    const target = this.frame as Uint8Array & Base64Target;
    try {
      if (typeof target.setFromBase64 === "function") return target.setFromBase64(base64).written;
      const binary = atob(base64);
      for (let i = 0; i < binary.length; i++) target[i] = binary.charCodeAt(i);
      return binary.length;
    } catch {
      return 0;
    }
  }
}
