// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/App";
import { BridgeClientContext, BridgeClient, NativeTransport, hasNativeIpc } from "webui-toolkit";
import { flush } from "webui-toolkit/testing";
import { webstripParams } from "./webstrip";

afterEach(() => {
  cleanup();
  delete window.ipc;
  delete window.__webui_receive;
});

/** A host on the other side of wry's IPC: answers through window.__webui_receive. */
function installHost() {
  const posted: string[] = [];
  window.ipc = {
    postMessage(text: string) {
      posted.push(text);
      const request = JSON.parse(text) as { id: number; method: string };
      const results: Record<string, unknown> = {
        getAllParameters: { parameters: webstripParams(), seq: 0 },
        getInfo: { name: "Webstrip", version: "0.3.0", vendor: "Webstrip", protocol: 1, transport: "pipe" },
        subscribeMeters: { hz: 60 },
      };
      queueMicrotask(() => {
        window.__webui_receive?.(JSON.stringify({ jsonrpc: "2.0", id: request.id, result: results[request.method] ?? {} }));
      });
    },
  };
  return posted;
}

describe("NativeTransport", () => {
  it("is picked when window.ipc exists, and carries text both ways", async () => {
    expect(hasNativeIpc(window)).toBe(false);
    const posted = installHost();
    expect(hasNativeIpc(window)).toBe(true);
    const transport = new NativeTransport(window);
    const received: string[] = [];
    transport.onMessage((m) => received.push(m));
    expect(window.__webui_receive).toBeUndefined();
    transport.start();
    expect(transport.state.phase).toBe("connected");
    expect(typeof window.__webui_receive).toBe("function");
    expect(transport.send('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toBe(true);
    expect(posted).toEqual(['{"jsonrpc":"2.0","id":1,"method":"ping"}']);
    await flush();
    expect(received).toEqual(['{"jsonrpc":"2.0","id":1,"result":{}}']);
    transport.close();
    expect(transport.state.phase).toBe("disconnected");
    expect(transport.send("x")).toBe(false);
  });

  it("is disconnected without window.ipc", () => {
    const transport = new NativeTransport(window);
    transport.start();
    expect(transport.state).toEqual({ phase: "disconnected", reason: "window.ipc is missing" });
  });

  it("runs the strip with the connection status hidden", async () => {
    installHost();
    const bridge = new BridgeClient(new NativeTransport(window));
    render(
      <BridgeClientContext.Provider value={bridge}>
        <App />
      </BridgeClientContext.Provider>,
    );
    await act(async () => {
      bridge.start();
      await flush(20);
    });
    expect(screen.getByRole("slider", { name: "Width" }).getAttribute("aria-valuenow")).toBe("100");
    expect(screen.queryByRole("status")).toBeNull();
    expect(bridge.getConnection()).toMatchObject({ kind: "native", synced: true, info: { transport: "pipe" } });
  });
});
