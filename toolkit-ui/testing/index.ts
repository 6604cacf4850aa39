// Test doubles for pages built on the package: a fake DOM WebSocket, a fake transport, a fake
// plugin that answers the protocol for the parameters a test gives it, and builders for those
// parameters. For tests only (`webui-toolkit/testing`); never imported by a page.
import { ErrorCode, type AllParameters, type Info, type MeterFrame, type ParamInfo, type RpcError } from "../src/protocol";
import { TransportBase } from "../src/ipc/transport";
import type { WebSocketLike } from "../src/ipc/websocket";
import { fromNormalized, snap, toNormalized } from "../src/lib/law";
import { STREAM_FRAME_MAGIC, STREAM_FRAME_VERSION } from "../src/protocol/streamFrame";

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  binaryType = "blob";
  readonly sent: string[] = [];
  closedByClient = false;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket was created");
    return socket;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(data);
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  /** The server accepts. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** The connection fails or the server goes away. */
  fail(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason });
  }

  receive(text: string): void {
    this.onmessage?.({ data: text });
  }

  /** A binary message (as with `binaryType = "arraybuffer"`). */
  receiveBinary(bytes: ArrayBuffer): void {
    this.onmessage?.({ data: bytes });
  }
}

/** A transport the test drives by hand. */
export class FakeTransport extends TransportBase {
  readonly kind = "websocket" as const;
  readonly endpoint = "fake://plugin";
  readonly sent: string[] = [];
  /** Called with each sent message (the fake plugin hooks in here). */
  onSend: ((text: string) => void) | null = null;
  retries = 0;

  start(): void {
    // The test calls connect().
  }
  send(text: string): boolean {
    if (this.state.phase !== "connected") return false;
    this.sent.push(text);
    this.onSend?.(text);
    return true;
  }
  retryNow(): void {
    this.retries += 1;
  }
  close(): void {
    this.setState({ phase: "disconnected", reason: "closed by the page" });
  }

  connect(): void {
    this.setState({ phase: "connected" });
  }
  drop(reason = "connection closed: code 1006"): void {
    this.setState({ phase: "reconnecting", attempt: 1, retryAt: Date.now() + 250, reason });
  }
  deliver(message: unknown): void {
    this.receive(typeof message === "string" ? message : JSON.stringify(message));
  }
  /** A binary stream frame from the plugin. */
  deliverFrame(bytes: Uint8Array): void {
    this.receiveFrame(bytes);
  }
  /** The requests sent, decoded. */
  requests(): { id: number; method: string; params?: Record<string, unknown> }[] {
    return this.sent.map((text) => JSON.parse(text) as { id: number; method: string; params?: Record<string, unknown> });
  }
  methods(): string[] {
    return this.requests().map((r) => r.method);
  }
}

/** How a fake plugin writes and reads its parameters' values (the real plugin's own rules). */
export interface Texts {
  format(p: ParamInfo, value: number): string;
  /** The value typed `text` means, or null when it is not one (the plugin refuses it). */
  parse(p: ParamInfo, text: string): number | null;
}

/**
 * Plain texts: On/Off, the enum's variant, dB with a sign and one decimal ("+1.5 dB", "0.0 dB",
 * "-inf dB"), anything else rounded with its unit ("100 %"); numbers with or without the unit
 * read back (an ASCII or a typeset minus).
 */
export const plainTexts: Texts = {
  format(p, value) {
    if (p.kind === "bool") return value >= 0.5 ? "On" : "Off";
    if (p.kind === "enum") return p.variants?.[Math.round(value)] ?? String(value);
    if (p.unit === "dB") {
      if (value === -Infinity) return "-inf dB";
      const r = Math.round(value * 10) / 10;
      return r === 0 ? "0.0 dB" : r > 0 ? `+${r.toFixed(1)} dB` : `-${(-r).toFixed(1)} dB`;
    }
    const r = Math.round(value);
    return p.unit ? `${r} ${p.unit}` : String(r);
  },
  parse(_p, text) {
    const t = text.trim().toLowerCase().replace("\u2212", "-");
    const m = /^([+-]?\d+(?:\.\d*)?)\s*(db|%)?$/.exec(t);
    return m ? Number(m[1]) : null;
  },
};

const LINEAR = { type: "linear", reversed: false } as const;

/** A float parameter at `value` (also its default), with its normalized value and text. */
export function floatParam(
  id: string,
  name: string,
  value: number,
  min: number,
  max: number,
  unit: string,
  options: { law?: ParamInfo["law"]; stepSize?: number; texts?: Texts } = {},
): ParamInfo {
  const p: ParamInfo = {
    id,
    name,
    kind: "float",
    value,
    normalized: 0,
    default: value,
    min,
    max,
    law: options.law ?? LINEAR,
    stepSize: options.stepSize ?? (unit === "dB" ? 0.1 : 1),
    unit,
    text: "",
  };
  p.normalized = toNormalized(p, value);
  p.text = (options.texts ?? plainTexts).format(p, value);
  return p;
}

/** A bool parameter, off. */
export function boolParam(id: string, name: string): ParamInfo {
  return { id, name, kind: "bool", value: 0, normalized: 0, default: 0, min: 0, max: 1, step: 1, law: LINEAR, unit: "", text: "Off" };
}

/** An enum parameter on its first variant. */
export function enumParam(id: string, name: string, variants: string[]): ParamInfo {
  return {
    id,
    name,
    kind: "enum",
    value: 0,
    normalized: 0,
    default: 0,
    min: 0,
    max: variants.length - 1,
    step: 1,
    law: LINEAR,
    unit: "",
    text: variants[0] ?? "",
    variants,
  };
}

/**
 * A plugin behind a {@link FakeTransport}: answers requests asynchronously (as a real connection
 * does), applies sets and echoes them as `parameterChanged` with `seq`, logs gestures.
 */
export class FakePlugin {
  seq = 0;
  /** Methods whose requests are swallowed without an answer. */
  readonly silent = new Set<string>();
  /** Whether sets are echoed as notifications. */
  echo = true;
  readonly log: string[] = [];
  meterHz = 0;
  /** The streams it offers, by id (their index). */
  streamNames: string[] = [];
  /** The subscribed rate of each stream, by name. */
  readonly streamHz = new Map<string, number>();
  private readonly streamSeq = new Map<string, number>();
  /** Who `getInfo` says the plugin is. */
  identity = { name: "Fake Plugin", version: "1.0.0", vendor: "Tests" };
  /** Changes to the `getInfo` answer (e.g. `canOpenInBrowser: true`, as for the editor's page). */
  info: Partial<Info> = {};
  /** The `openInBrowser` answer: a link or an error (null: the method is unavailable here). */
  browser: { url: string; devUrl?: string } | { error: RpcError } | null = null;

  /** `params`: the plugin's parameters, in its order (the fake changes them as it is told). */
  constructor(
    readonly transport: FakeTransport,
    public params: ParamInfo[],
    readonly texts: Texts = plainTexts,
  ) {
    transport.onSend = (text) => {
      const request = JSON.parse(text) as { id: number; method: string; params?: Record<string, unknown> };
      if (this.silent.has(request.method)) return;
      queueMicrotask(() => {
        this.handle(request);
      });
    };
  }

  param(id: string): ParamInfo {
    const found = this.params.find((p) => p.id === id);
    if (!found) throw new Error(`no parameter ${id}`);
    return found;
  }

  /** A change made by the host (automation, another client). */
  change(id: string, value: number, notify = true): void {
    const p = this.param(id);
    p.value = value;
    p.normalized = toNormalized(p, value);
    p.text = this.texts.format(p, value);
    this.seq += 1;
    if (notify) {
      this.transport.deliver({
        jsonrpc: "2.0",
        method: "parameterChanged",
        params: { id, value: p.value, normalized: p.normalized, text: p.text, seq: this.seq },
      });
    }
  }

  /** The host (re)named the instance's track: `getInfo` answers it from now on, and clients hear it. */
  renameTrack(trackName: string | null, notify = true): void {
    this.info = { ...this.info, trackName };
    if (notify) this.transport.deliver({ jsonrpc: "2.0", method: "trackNameChanged", params: { trackName } });
  }

  /** A `parametersReset` (the host loaded state, or this client fell behind). */
  reset(): void {
    this.transport.deliver({ jsonrpc: "2.0", method: "parametersReset", params: { seq: this.seq } });
  }

  meter(frame: MeterFrame): void {
    this.transport.deliver({ jsonrpc: "2.0", method: "meterFrame", params: frame });
  }

  /** A frame of stream `name` with `values` (its `seq` counts up per stream). */
  stream(name: string, values: ArrayLike<number>, t = 0): void {
    const id = this.streamNames.indexOf(name);
    if (id < 0) throw new Error(`no stream ${name}`);
    const seq = (this.streamSeq.get(name) ?? 0) + 1;
    this.streamSeq.set(name, seq);
    this.transport.deliverFrame(encodeStreamFrame(id, seq, t, values));
  }

  private answer(id: number, result: unknown): void {
    if (this.transport.state.phase !== "connected") return;
    this.transport.deliver({ jsonrpc: "2.0", id, result });
  }

  private handle(request: { id: number; method: string; params?: Record<string, unknown> }): void {
    const { id, method, params } = request;
    this.log.push(method === "setParameter" || method.endsWith("Gesture") ? `${method}:${String(params?.id)}` : method);
    switch (method) {
      case "getAllParameters": {
        const all: AllParameters = { parameters: structuredClone(this.params), seq: this.seq };
        this.answer(id, all);
        break;
      }
      case "getInfo": {
        const info: Info = {
          ...this.identity,
          protocol: 1,
          transport: "websocket",
          canOpenInBrowser: false,
          trackName: null,
          ...this.info,
        };
        this.answer(id, info);
        break;
      }
      case "openInBrowser": {
        const outcome = this.browser ?? { error: { code: ErrorCode.Unavailable, message: "no browser server here" } };
        if ("url" in outcome) this.answer(id, { url: outcome.url, devUrl: outcome.devUrl ?? null });
        else this.transport.deliver({ jsonrpc: "2.0", id, error: outcome.error });
        break;
      }
      case "subscribeMeters":
        this.meterHz = Math.min(60, Number(params?.hz));
        this.answer(id, { hz: this.meterHz });
        break;
      case "subscribeStream": {
        const name = String(params?.stream);
        const streamId = this.streamNames.indexOf(name);
        if (streamId < 0) {
          this.transport.deliver({ jsonrpc: "2.0", id, error: { code: -32602, message: "no such stream" } });
          break;
        }
        const hz = Math.min(60, Number(params?.hz));
        this.streamHz.set(name, hz);
        this.answer(id, { stream: name, id: streamId, hz });
        break;
      }
      case "beginGesture":
      case "endGesture":
        this.answer(id, {});
        break;
      case "setParameter": {
        const p = this.param(String(params?.id));
        let clamped = false;
        let value: number;
        if (typeof params?.text === "string") {
          const parsed = this.texts.parse(p, params.text);
          if (parsed === null) {
            this.transport.deliver({
              jsonrpc: "2.0",
              id,
              error: { code: -32602, message: `not a value for ${p.name}`, data: { text: params.text } },
            });
            break;
          }
          value = snap(p, parsed);
          clamped = value !== snap({ ...p, min: -Infinity, max: Infinity }, parsed);
        } else {
          value = typeof params?.value === "number" ? params.value : snap(p, fromNormalized(p, Number(params?.normalized)));
        }
        const text = this.texts.format(p, value);
        this.answer(id, { id: p.id, value, normalized: toNormalized(p, value), text, ...(clamped ? { clamped } : {}) });
        if (this.echo && value !== p.value) {
          queueMicrotask(() => {
            this.change(p.id, value);
          });
        }
        break;
      }
      case "ping":
        this.answer(id, { pong: true });
        break;
      default:
        this.transport.deliver({ jsonrpc: "2.0", id, error: { code: -32601, message: "method not found" } });
    }
  }
}

/** The bytes of a stream frame (`bridge/src/stream_frame.rs`'s encoding), for a test to deliver. */
export function encodeStreamFrame(stream: number, seq: number, t: number, values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(24 + 4 * values.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, STREAM_FRAME_MAGIC, true);
  view.setUint16(4, STREAM_FRAME_VERSION, true);
  view.setUint16(6, stream, true);
  view.setUint32(8, seq >>> 0, true);
  view.setUint32(12, values.length, true);
  view.setFloat64(16, t, true);
  for (let i = 0; i < values.length; i++) view.setFloat32(24 + 4 * i, values[i] ?? 0, true);
  return bytes;
}

/** Lets queued microtasks (fake answers) run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
