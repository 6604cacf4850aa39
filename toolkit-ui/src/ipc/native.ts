import { TransportBase } from "./transport";

/**
 * The native webview contract (see ui/README.md, "Native IPC contract"):
 *
 * - page → plugin: `window.ipc.postMessage(text)`, one JSON-RPC message per call (wry's IPC
 *   handler receives the text unchanged).
 * - plugin → page: the host runs `window.__webui_receive(text)` with `evaluate_script`, one
 *   JSON-RPC message (or batch) per call, `text` being a JS string literal holding the JSON.
 *
 * The page defines `__webui_receive` before it sends its first request, so every answer finds
 * it; the host may drop what it has to send before that (nothing has been asked yet).
 */
export interface NativeIpc {
  postMessage(text: string): void;
}

export type NativeReceiver = (text: string) => void;

declare global {
  interface Window {
    /** Injected by wry in the native editor. */
    ipc?: NativeIpc;
    /** Defined by this page; the native host calls it with each message for the page. */
    __webui_receive?: NativeReceiver;
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
    this.setState({ phase: "disconnected", reason: "closed by the page" });
  }

}
