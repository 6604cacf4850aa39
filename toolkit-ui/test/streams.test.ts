import { describe, expect, it } from "vitest";
import { BridgeClient } from "../src/ipc/client";
import { NativeTransport } from "../src/ipc/native";
import { WebSocketTransport } from "../src/ipc/websocket";
import type { StreamFrame } from "../src/lib/streamFrame";
import { FakePlugin, FakeTransport, FakeWebSocket, encodeStreamFrame, flush } from "../testing";

async function connected() {
  const transport = new FakeTransport();
  const plugin = new FakePlugin(transport, []);
  plugin.streamNames = ["scope", "loudness"];
  const errors: unknown[] = [];
  const bridge = new BridgeClient(transport, { onError: (e) => errors.push(e) }).start();
  transport.connect();
  await flush();
  return { transport, plugin, bridge, errors };
}

/** The values of each frame a listener got (copied: they are valid only during the call). */
function recorder() {
  const got: number[][] = [];
  const listener = (frame: StreamFrame) => got.push([...frame.values]);
  return { got, listener };
}

describe("BridgeClient streams", () => {
  it("subscribes while anyone listens, at the highest rate asked, and routes frames by id", async () => {
    const { bridge, plugin } = await connected();
    const scope = recorder();
    const slow = recorder();
    const offScope = bridge.onStream("loudness", 10, slow.listener);
    const offFast = bridge.onStream("scope", 60, scope.listener);
    const offSlowScope = bridge.onStream("scope", 20, () => {});
    await flush();
    expect(plugin.streamHz).toEqual(new Map([["loudness", 10], ["scope", 60]]));
    plugin.stream("scope", [1, 0.5, -0.5]);
    plugin.stream("loudness", [-23, -23.5]);
    expect(scope.got).toEqual([[1, 0.5, -0.5]]);
    expect(slow.got).toEqual([[-23, -23.5]]);
    expect(bridge.stats).toMatchObject({ streamFrames: 2, streamFramesMissed: 0 });

    offFast();
    await flush();
    expect(plugin.streamHz.get("scope")).toBe(20);
    offSlowScope();
    offScope();
    await flush();
    expect(plugin.streamHz).toEqual(new Map([["loudness", 0], ["scope", 0]]));
    plugin.stream("scope", [2]);
    expect(scope.got).toHaveLength(1);
  });

  it("counts frames skipped on the way (gaps in seq) and ignores undecodable ones", async () => {
    const { bridge, plugin, transport } = await connected();
    bridge.onStream("scope", 60, () => {});
    await flush();
    plugin.stream("scope", [1]);
    transport.deliverFrame(encodeStreamFrame(0, 5, 0, [1]));
    expect(bridge.stats.streamFramesMissed).toBe(3);
    transport.deliverFrame(new Uint8Array([1, 2, 3]));
    expect(bridge.stats.streamFramesMissed).toBe(4);
  });

  it("subscribes again after a reconnect", async () => {
    const { bridge, plugin, transport } = await connected();
    const scope = recorder();
    bridge.onStream("scope", 30, scope.listener);
    await flush();
    transport.drop();
    plugin.streamHz.clear();
    transport.connect();
    await flush();
    expect(plugin.streamHz.get("scope")).toBe(30);
    plugin.stream("scope", [7]);
    expect(scope.got).toEqual([[7]]);
  });

  it("reports an unknown stream as an error", async () => {
    const { bridge, errors } = await connected();
    bridge.onStream("nope", 60, () => {});
    await flush();
    expect(errors).toHaveLength(1);
  });
});

describe("stream frames on the transports", () => {
  it("arrive over WebSocket as binary messages", () => {
    FakeWebSocket.instances = [];
    const transport = new WebSocketTransport("ws://127.0.0.1:9000/ws", {
      createSocket: (url) => new FakeWebSocket(url),
    });
    const frames: number[][] = [];
    transport.onFrame((bytes) => frames.push([...bytes]));
    transport.start();
    const socket = FakeWebSocket.latest();
    expect(socket.binaryType).toBe("arraybuffer");
    socket.open();
    socket.receiveBinary(new Uint8Array([1, 2, 3]).buffer);
    expect(frames).toEqual([[1, 2, 3]]);
  });

  it("arrive in the native webview as base64, decoded into a reused buffer", () => {
    const target = { ipc: { postMessage: () => {} } } as unknown as Window;
    const transport = new NativeTransport(target);
    const frames: Uint8Array[] = [];
    const copies: number[][] = [];
    transport.onFrame((bytes) => {
      frames.push(bytes);
      copies.push([...bytes]);
    });
    transport.start();
    const bytes = encodeStreamFrame(1, 2, 0.5, [0.25, -1]);
    const base64 = btoa(String.fromCharCode(...bytes));
    target.__webui_receive_frame?.(base64);
    target.__webui_receive_frame?.(base64);
    target.__webui_receive_frame?.("not base64!");
    expect(copies).toEqual([[...bytes], [...bytes]]);
    expect(frames[0]?.buffer).toBe(frames[1]?.buffer);
  });
});
