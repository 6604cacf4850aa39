import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TransportState } from "../src/ipc/transport";
import { WebSocketTransport, maskToken } from "../src/ipc/websocket";
import { FakeWebSocket } from "../testing";

function transport(options: ConstructorParameters<typeof WebSocketTransport>[1] = {}) {
  return new WebSocketTransport("ws://127.0.0.1:9000/ws", {
    createSocket: (url) => new FakeWebSocket(url),
    ...options,
  });
}

describe("WebSocketTransport", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reconnects on the capped exponential schedule 250 ms → 5 s", () => {
    const t = transport({ connectTimeoutMs: 60_000 });
    const states: TransportState[] = [];
    t.onState((s) => states.push(s));
    t.start();
    expect(t.state.phase).toBe("connecting");
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = FakeWebSocket.instances.length;
      FakeWebSocket.latest().fail();
      expect(t.state.phase).toBe("reconnecting");
      // Measure how long until the next socket is created.
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    const last = states.at(-1);
    expect(last?.phase).toBe("reconnecting");
    if (last?.phase === "reconnecting") expect(last.attempt).toBe(8);
  });

  it("never gives up while the page is open", () => {
    const t = transport({ connectTimeoutMs: 60_000 });
    t.start();
    for (let i = 0; i < 200; i++) {
      FakeWebSocket.latest().fail();
      vi.advanceTimersByTime(5000);
    }
    expect(FakeWebSocket.instances.length).toBe(201);
    expect(t.state.phase).toBe("reconnecting");
    FakeWebSocket.latest().open();
    expect(t.state.phase).toBe("connected");
  });

  it("reports the time of the next attempt for the countdown", () => {
    vi.setSystemTime(1_000_000);
    const t = transport();
    t.start();
    FakeWebSocket.latest().fail(1006);
    expect(t.state).toMatchObject({ phase: "reconnecting", retryAt: 1_000_250, attempt: 1 });
  });

  it("starts the schedule over after a connection that held", () => {
    const t = transport({ stableMs: 2000 });
    t.start();
    FakeWebSocket.latest().fail();
    vi.advanceTimersByTime(250);
    FakeWebSocket.latest().fail();
    vi.advanceTimersByTime(500);
    FakeWebSocket.latest().open();
    expect(t.state.phase).toBe("connected");
    vi.advanceTimersByTime(3000);
    FakeWebSocket.latest().fail(1001, "going away");
    expect(t.state).toMatchObject({ phase: "reconnecting", attempt: 1 });
    if (t.state.phase === "reconnecting") {
      expect(t.state.retryAt - Date.now()).toBe(250);
      expect(t.state.reason).toContain("going away");
    }
  });

  it("keeps backing off when connections drop at once", () => {
    const t = transport({ stableMs: 2000 });
    t.start();
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().fail();
    vi.advanceTimersByTime(250);
    FakeWebSocket.latest().open();
    FakeWebSocket.latest().fail();
    if (t.state.phase !== "reconnecting") throw new Error("expected reconnecting");
    expect(t.state.retryAt - Date.now()).toBe(500);
  });

  it("abandons an attempt that hangs and retries", () => {
    const t = transport({ connectTimeoutMs: 4000 });
    t.start();
    vi.advanceTimersByTime(4000);
    expect(FakeWebSocket.instances[0]?.closedByClient).toBe(true);
    expect(t.state).toMatchObject({ phase: "reconnecting", reason: "connection attempt timed out" });
    vi.advanceTimersByTime(250);
    expect(FakeWebSocket.instances.length).toBe(2);
  });

  it("retries at once on retryNow", () => {
    const t = transport();
    t.start();
    FakeWebSocket.latest().fail();
    t.retryNow();
    expect(FakeWebSocket.instances.length).toBe(2);
  });

  it("sends only while connected and passes text frames on", () => {
    const t = transport();
    const received: string[] = [];
    t.onMessage((m) => received.push(m));
    t.start();
    expect(t.send("early")).toBe(false);
    FakeWebSocket.latest().open();
    expect(t.send("hello")).toBe(true);
    expect(FakeWebSocket.latest().sent).toEqual(["hello"]);
    FakeWebSocket.latest().receive("{}");
    FakeWebSocket.latest().onmessage?.({ data: new ArrayBuffer(2) });
    expect(received).toEqual(["{}"]);
  });

  it("stops for good on close()", () => {
    const t = transport();
    t.start();
    FakeWebSocket.latest().open();
    t.close();
    expect(t.state.phase).toBe("disconnected");
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances.length).toBe(1);
    expect(t.send("x")).toBe(false);
  });
});

describe("the endpoint shown to the user", () => {
  it("masks the token but connects with it", () => {
    const token = "0123456789abcdef0123456789abcdef";
    FakeWebSocket.instances = [];
    const t = new WebSocketTransport(`ws://127.0.0.1:43121/ws?token=${token}`, {
      createSocket: (url) => new FakeWebSocket(url),
    });
    expect(t.endpoint).toBe("ws://127.0.0.1:43121/ws?token=…");
    expect(t.endpoint).not.toContain(token);
    t.start();
    expect(FakeWebSocket.latest().url).toBe(`ws://127.0.0.1:43121/ws?token=${token}`);
    t.close();
  });

  it("leaves URLs without a token (or unparsable ones) as they are", () => {
    expect(maskToken("ws://127.0.0.1:9000/ws")).toBe("ws://127.0.0.1:9000/ws");
    expect(maskToken("ws://h:1/ws?a=1&token=x&b=2")).toBe("ws://h:1/ws?a=1&token=…&b=2");
    expect(maskToken("not a url")).toBe("not a url");
  });
});
