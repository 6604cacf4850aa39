import { NativeTransport, hasNativeIpc } from "./native";
import type { Transport } from "./transport";
import { WebSocketTransport } from "./websocket";

/** Where `npm run dev` looks for the plugin: the standalone's dev server. */
export const DEV_DEFAULT_WS = "ws://127.0.0.1:9000/ws";

export interface WebSocketUrlInputs {
  /** The page's URL. */
  href: string;
  /** `VITE_WEBUI_WS` at build time, if set. */
  envUrl?: string;
  /** Whether this is Vite's dev server (`npm run dev`). */
  dev: boolean;
}

/**
 * Which WebSocket the page talks to:
 * 1. `?ws=` in the page URL;
 * 2. `VITE_WEBUI_WS`;
 * 3. in `npm run dev`, {@link DEV_DEFAULT_WS};
 * 4. otherwise the page's own origin, path `/ws` (the standalone serves the page and the socket).
 * A `?token=` in the page URL is passed on unless the chosen URL already has one.
 */
export function resolveWebSocketUrl({ href, envUrl, dev }: WebSocketUrlInputs): string {
  const page = new URL(href);
  let target: string;
  const fromQuery = page.searchParams.get("ws");
  if (fromQuery) {
    target = fromQuery;
  } else if (envUrl) {
    target = envUrl;
  } else if (dev || !(page.protocol === "http:" || page.protocol === "https:")) {
    target = DEV_DEFAULT_WS;
  } else {
    target = `${page.protocol === "https:" ? "wss:" : "ws:"}//${page.host}/ws`;
  }
  const url = new URL(target, page);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  const token = page.searchParams.get("token");
  if (token !== null && !url.searchParams.has("token")) url.searchParams.set("token", token);
  return url.toString();
}

let chosen: Transport | null = null;

/**
 * The page's one transport, picked once by environment: the native webview's IPC when
 * `window.ipc` exists, else a WebSocket.
 */
export function getTransport(): Transport {
  if (chosen) return chosen;
  if (hasNativeIpc(window)) {
    chosen = new NativeTransport(window);
  } else {
    const env = import.meta.env as ImportMetaEnv & { VITE_WEBUI_WS?: string };
    chosen = new WebSocketTransport(
      resolveWebSocketUrl({
        href: window.location.href,
        envUrl: env.VITE_WEBUI_WS,
        dev: env.DEV,
      }),
    );
  }
  return chosen;
}
