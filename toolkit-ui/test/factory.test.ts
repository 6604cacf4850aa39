import { describe, expect, it } from "vitest";
import { DEV_DEFAULT_WS, resolveWebSocketUrl } from "../src/ipc/factory";

describe("resolveWebSocketUrl", () => {
  it("uses the page's own origin in the built page", () => {
    expect(resolveWebSocketUrl({ href: "http://127.0.0.1:9000/", dev: false })).toBe("ws://127.0.0.1:9000/ws");
    expect(resolveWebSocketUrl({ href: "https://strip.local/x/", dev: false })).toBe("wss://strip.local/ws");
  });

  it("passes ?token= on", () => {
    expect(resolveWebSocketUrl({ href: "http://127.0.0.1:9000/?token=s3cr%20t", dev: false })).toBe(
      "ws://127.0.0.1:9000/ws?token=s3cr+t",
    );
  });

  it("talks to the standalone's dev server under npm run dev", () => {
    expect(resolveWebSocketUrl({ href: "http://localhost:5173/", dev: true })).toBe(DEV_DEFAULT_WS);
  });

  it("prefers ?ws= over VITE_WEBUI_WS over the default", () => {
    const env = "ws://10.0.0.1:9100/ws";
    expect(resolveWebSocketUrl({ href: "http://localhost:5173/", dev: true, envUrl: env })).toBe(env);
    expect(
      resolveWebSocketUrl({ href: "http://localhost:5173/?ws=ws://127.0.0.1:9200/ws", dev: true, envUrl: env }),
    ).toBe("ws://127.0.0.1:9200/ws");
  });

  it("accepts http(s) URLs and keeps a token already in ?ws=", () => {
    expect(
      resolveWebSocketUrl({ href: "http://localhost:5173/?ws=http://127.0.0.1:9000/ws%3Ftoken%3Da&token=b", dev: true }),
    ).toBe("ws://127.0.0.1:9000/ws?token=a");
  });
});
