import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BridgeClient } from "../src/ipc/client";
import { DisconnectedError, RequestTimeoutError, RpcError } from "../src/ipc/errors";
import type { ParamInfo } from "../src/protocol";
import { FakePlugin, FakeTransport, boolParam, enumParam, floatParam, flush } from "../testing";

/** A plugin's parameters: floats on a skewed and a linear law, in dB, % and plain; a bool; an enum. */
function params(): ParamInfo[] {
  const skewed = { law: { type: "symmetricalSkewed", factor: 0.5, center: 0, reversed: false } } as const;
  return [
    floatParam("trim", "Trim", 0, -24, 24, "dB", skewed),
    floatParam("gain", "Gain", 0, -60, 12, "dB", skewed),
    floatParam("balance", "Balance", 0, -100, 100, ""),
    floatParam("width", "Width", 100, 0, 200, "%"),
    boolParam("mute", "Mute"),
    enumParam("mode", "Mode", ["A", "B", "C"]),
    floatParam("level", "Level", -18, -60, 0, "dB"),
  ];
}

function setup(options: ConstructorParameters<typeof BridgeClient>[1] = {}) {
  const transport = new FakeTransport();
  const plugin = new FakePlugin(transport, params());
  plugin.identity = { name: "Test", version: "2.1.0", vendor: "Tests" };
  const errors: unknown[] = [];
  const bridge = new BridgeClient(transport, { onError: (e) => errors.push(e), ...options }).start();
  return { transport, plugin, bridge, errors };
}

async function connected(options: ConstructorParameters<typeof BridgeClient>[1] = {}) {
  const s = setup(options);
  s.transport.connect();
  await flush();
  return s;
}

describe("BridgeClient sync and store", () => {
  it("fetches every parameter and the info once connected", async () => {
    const { bridge, transport } = await connected();
    expect(transport.methods()).toEqual(["getAllParameters", "getInfo"]);
    expect(bridge.getParameterIds()).toEqual(["trim", "gain", "balance", "width", "mute", "mode", "level"]);
    expect(bridge.getParameter("width")).toMatchObject({ value: 100, text: "100 %", editing: false });
    expect(bridge.getConnection()).toMatchObject({ synced: true, info: { version: "2.1.0" } });
  });

  it("updates the store from parameterChanged and tells subscribers", async () => {
    const { bridge, plugin } = await connected();
    const listener = vi.fn();
    bridge.subscribe(listener);
    const before = bridge.getParameter("balance");
    const untouched = bridge.getParameter("width");
    plugin.change("balance", -25);
    expect(listener).toHaveBeenCalled();
    expect(bridge.getParameter("balance")).toMatchObject({ value: -25, normalized: 0.375, text: "-25" });
    expect(bridge.getParameter("balance")).not.toBe(before);
    // Other parameters keep their snapshot object: their components do not re-render.
    expect(bridge.getParameter("width")).toBe(untouched);
    expect(bridge.getParameters().find((p) => p.id === "balance")?.value).toBe(-25);
  });

  it("ignores notifications older than the snapshot", async () => {
    const { bridge, plugin, transport } = await connected();
    plugin.change("balance", 10); // seq 1
    transport.deliver({
      jsonrpc: "2.0",
      method: "parameterChanged",
      params: { id: "balance", value: 50, normalized: 0.75, text: "50.00 %", seq: 1 },
    });
    expect(bridge.getParameter("balance")?.value).toBe(10);
  });

  it("refetches everything when a seq is missing", async () => {
    const { bridge, plugin, transport } = await connected();
    plugin.change("gain", -6); // seq 1, seen
    plugin.change("trim", 3, false); // seq 2, lost
    plugin.change("balance", 20); // seq 3: gap
    expect(bridge.stats.seqGaps).toBe(1);
    await flush();
    expect(transport.methods().filter((m) => m === "getAllParameters")).toHaveLength(2);
    expect(bridge.getParameter("trim")?.value).toBe(3);
    expect(bridge.getParameter("balance")?.value).toBe(20);
    plugin.change("width", 50); // seq 4: in order again, no refetch
    await flush();
    expect(transport.methods().filter((m) => m === "getAllParameters")).toHaveLength(2);
    expect(bridge.getParameter("width")?.value).toBe(50);
  });

  it("refetches on parametersReset", async () => {
    const { bridge, plugin, transport } = await connected();
    plugin.change("mute", 1, false);
    plugin.seq += 1;
    transport.deliver({ jsonrpc: "2.0", method: "parametersReset", params: { seq: plugin.seq } });
    await flush();
    expect(transport.methods().filter((m) => m === "getAllParameters")).toHaveLength(2);
    expect(bridge.getParameter("mute")?.value).toBe(1);
  });

  it("replays changes that arrive while a fetch is in flight over its snapshot", async () => {
    const { bridge, plugin, transport } = setup();
    plugin.silent.add("getAllParameters");
    transport.connect();
    await flush();
    const request = transport.requests().find((r) => r.method === "getAllParameters");
    if (!request) throw new Error("no getAllParameters");
    // The snapshot is taken at seq 0; a change (seq 1) overtakes its answer.
    const snapshot = { parameters: structuredClone(plugin.params), seq: 0 };
    plugin.change("gain", -12);
    transport.deliver({ jsonrpc: "2.0", id: request.id, result: snapshot });
    await flush();
    expect(bridge.getParameter("gain")?.value).toBe(-12);
  });

  it("resyncs after a reconnect: refetch, meters re-subscribed, exact values", async () => {
    const { bridge, plugin, transport } = await connected();
    const frames: number[] = [];
    bridge.onMeterFrame((f) => frames.push(f.t));
    await flush();
    expect(plugin.meterHz).toBe(60);
    transport.drop();
    expect(bridge.getConnection()).toMatchObject({ synced: false, state: { phase: "reconnecting" } });
    // The plugin restarted and changed meanwhile (seq starts over).
    plugin.meterHz = 0;
    plugin.seq = 0;
    plugin.param("width").value = 150;
    plugin.param("width").text = "150.00 %";
    transport.sent.length = 0;
    transport.connect();
    await flush();
    expect(transport.methods()).toEqual(["getAllParameters", "getInfo", "subscribeMeters"]);
    expect(plugin.meterHz).toBe(60);
    expect(bridge.getParameter("width")).toMatchObject({ value: 150, text: "150.00 %" });
    expect(bridge.getConnection().synced).toBe(true);
    plugin.change("balance", 5); // seq 1 on the new connection is in order
    expect(bridge.getParameter("balance")?.value).toBe(5);
    expect(bridge.stats.seqGaps).toBe(0);
  });

  it("sends meter frames to listeners without touching the store", async () => {
    const { bridge, plugin } = await connected();
    const listener = vi.fn();
    bridge.subscribe(listener);
    const frames: number[] = [];
    const off = bridge.onMeterFrame((f) => frames.push(f.channels[0]?.peak ?? -1));
    plugin.meter({ t: 1, channels: [{ peak: 0.5, rms: 0.3, clip: false }], input: [], correlation: null });
    plugin.meter({ t: 1 + 3 / 60, channels: [{ peak: 0.25, rms: 0.3, clip: false }], input: [], correlation: null });
    expect(frames).toEqual([0.5, 0.25]);
    expect(bridge.stats).toMatchObject({ meterFrames: 2, meterFramesMissed: 2 });
    await flush();
    expect(listener).not.toHaveBeenCalled();
    off();
    await flush();
    expect(plugin.meterHz).toBe(0);
  });
});

describe("BridgeClient requests", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("rejects pending requests with a clear error on disconnect", async () => {
    const { bridge, plugin, transport } = await connected();
    plugin.silent.add("ping");
    const pending = bridge.request("ping");
    transport.drop("connection closed: code 1006");
    await expect(pending).rejects.toBeInstanceOf(DisconnectedError);
    await expect(pending).rejects.toThrow("ping: connection lost before the answer arrived: connection closed: code 1006");
  });

  it("sends a ping every heartbeat while connected, and none while disconnected", async () => {
    const { bridge, transport } = await connected({ heartbeatMs: 1000 });
    const pings = () => transport.methods().filter((m) => m === "ping").length;
    expect(pings()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(pings()).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(pings()).toBe(3);
    transport.drop("connection closed: code 1006");
    vi.advanceTimersByTime(5000);
    expect(pings()).toBe(3);
    transport.connect();
    await vi.advanceTimersByTimeAsync(1000);
    expect(pings()).toBe(4);
    bridge.dispose();
    vi.advanceTimersByTime(5000);
    expect(pings()).toBe(4);
  });

  it("rejects a request made while disconnected at once", async () => {
    const { bridge, transport } = await connected();
    transport.drop("cannot connect: code 1006");
    await expect(bridge.request("ping")).rejects.toThrow(/ping: not connected/);
  });

  it("times out a request that gets no answer, and ignores the late answer", async () => {
    const { bridge, plugin, transport } = await connected({ requestTimeoutMs: 1000 });
    plugin.silent.add("getParameter");
    const pending = bridge.request("getParameter", { id: "balance" });
    const rejected = expect(pending).rejects.toBeInstanceOf(RequestTimeoutError);
    vi.advanceTimersByTime(1000);
    await rejected;
    await expect(pending).rejects.toThrow("getParameter: no answer within 1000 ms");
    const id = transport.requests().at(-1)?.id;
    transport.deliver({ jsonrpc: "2.0", id, result: { id: "balance", value: 0, normalized: 0.5, text: "" } });
  });

  it("rejects with the plugin's error", async () => {
    const { bridge } = await connected();
    const answer = bridge.request("requestResize", { width: 1, height: 1 });
    await expect(answer).rejects.toBeInstanceOf(RpcError);
    await expect(answer).rejects.toMatchObject({ code: -32601 });
  });
});

describe("BridgeClient edits", () => {
  it("wraps a drag in exactly one beginGesture/endGesture pair", async () => {
    const { bridge, plugin } = await connected();
    const edit = bridge.beginEdit("balance");
    for (let i = 1; i <= 20; i++) edit.set({ normalized: 0.5 + i / 100 });
    expect(bridge.getParameter("balance")).toMatchObject({ normalized: 0.7, editing: true });
    await flush(50);
    for (let i = 21; i <= 30; i++) edit.set({ normalized: 0.5 + i / 100 });
    await edit.end();
    await flush(50);
    const gestureLog = plugin.log.filter((m) => m.endsWith(":balance"));
    expect(gestureLog[0]).toBe("beginGesture:balance");
    expect(gestureLog.at(-1)).toBe("endGesture:balance");
    expect(gestureLog.filter((m) => m === "beginGesture:balance")).toHaveLength(1);
    expect(gestureLog.filter((m) => m === "endGesture:balance")).toHaveLength(1);
    // Sets are coalesced (one in flight, newest wins) and the last one is the final value.
    const sets = gestureLog.filter((m) => m === "setParameter:balance").length;
    expect(sets).toBeGreaterThanOrEqual(2);
    expect(sets).toBeLessThan(30);
    expect(plugin.param("balance").normalized).toBeCloseTo(0.8);
    expect(bridge.getParameter("balance")).toMatchObject({ editing: false });
    expect(bridge.getParameter("balance")?.normalized).toBeCloseTo(0.8);
  });

  it("shares one gesture between overlapping holders", async () => {
    const { bridge, plugin } = await connected();
    const drag = bridge.beginEdit("width");
    const wheel = bridge.beginEdit("width");
    expect(wheel).toBe(drag);
    drag.set({ value: 120 });
    await wheel.end();
    drag.set({ value: 130 });
    await drag.end();
    await flush(20);
    expect(plugin.log.filter((m) => m.endsWith("Gesture:width"))).toEqual(["beginGesture:width", "endGesture:width"]);
    expect(plugin.param("width").value).toBe(130);
  });

  it("keeps the dragged value while older echoes arrive", async () => {
    const { bridge, plugin } = await connected();
    const edit = bridge.beginEdit("gain");
    edit.set({ value: -10 });
    await flush(20);
    edit.set({ value: -20 });
    plugin.change("gain", -10); // a late echo of the first set
    expect(bridge.getParameter("gain")?.value).toBe(-20);
    await edit.end();
    await flush(20);
    expect(bridge.getParameter("gain")).toMatchObject({ value: -20, editing: false });
  });

  it("a single set is a complete set with the applied text shown", async () => {
    const { bridge, plugin } = await connected();
    await bridge.setParameter("level", { value: -6 });
    await flush(20);
    expect(plugin.log).toContain("setParameter:level");
    expect(plugin.log.some((m) => m.includes("Gesture"))).toBe(false);
    expect(bridge.getParameter("level")).toMatchObject({ value: -6, text: "-6.0 dB", editing: false });
  });

  it("opens a new gesture for a drag that outlives its connection", async () => {
    const { bridge, plugin, transport } = await connected();
    const edit = bridge.beginEdit("balance");
    edit.set({ normalized: 0.6 });
    await flush(20);
    transport.drop();
    transport.connect();
    await flush(20);
    edit.set({ normalized: 0.7 });
    await edit.end();
    await flush(20);
    const log = plugin.log.filter((m) => m.endsWith(":balance"));
    expect(log).toEqual(["beginGesture:balance", "setParameter:balance", "beginGesture:balance", "setParameter:balance", "endGesture:balance"]);
  });
});
