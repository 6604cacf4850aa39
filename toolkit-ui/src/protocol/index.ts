// Generated from bridge/src/protocol.rs by bridge/src/typescript.rs: do not edit.
// Regenerate with `WEBUI_BLESS=1 cargo test -p bridge generated`.

/**
 * Params of a method that takes none: the request's `params` absent, `{}` or `[]`.
 */
export type NoParams = Record<string, never> | undefined;

/**
 * How a parameter's normalized value maps to its plain value: nice-plug's `FloatRange`, so a
 * page maps a drag exactly as the plugin (and the host's automation lane) will.
 *
 * With `p = (plain − min) / (max − min)`: `linear` is `n = p`; `skewed` is `n = p^factor`;
 * `symmetricalSkewed` skews each side of `center` (which sits at `n = 0.5`) by `factor`.
 * Integers, booleans and enums are `linear`.
 */
export type Law = { "type": "linear", 
/**
 * `n' = 1 − n` (the range runs from `max` to `min`).
 */
reversed: boolean, } | { "type": "skewed", 
/**
 * Below 1 widens the start of the range, above 1 its end.
 */
factor: number, 
/**
 * As for `linear`.
 */
reversed: boolean, } | { "type": "symmetricalSkewed", 
/**
 * The skew of each half.
 */
factor: number, 
/**
 * The plain value at `n = 0.5`.
 */
center: number, 
/**
 * As for `linear`.
 */
reversed: boolean, };

/**
 * How a parameter's plain value is to be read.
 */
export type ParamKind = "float" | "int" | "bool" | "enum";

/**
 * Everything a UI needs to draw one parameter (`getAllParameters`).
 */
export type ParamInfo = { 
/**
 * Stable parameter id (never renamed: saved sessions use it).
 */
id: string, 
/**
 * Human readable name.
 */
name: string, 
/**
 * How to read `value`.
 */
kind: ParamKind, 
/**
 * The plain value: a number in `min..=max` (bool: 0/1, enum: variant index).
 */
value: number, 
/**
 * The value as the host sees it, 0..=1.
 */
normalized: number, 
/**
 * The plain default value.
 */
default: number, 
/**
 * The smallest plain value.
 */
min: number, 
/**
 * The largest plain value.
 */
max: number, 
/**
 * Distance between discrete plain values, when the parameter is discrete.
 */
step?: number, 
/**
 * How `normalized` maps to `value`.
 */
law: Law, 
/**
 * The plain step a float parameter's value snaps to (e.g. 0.1 for a dB value shown with one
 * decimal); keyboard steps are whole multiples of it. Absent when it does not snap.
 */
stepSize?: number, 
/**
 * Unit without leading space, e.g. `dB`; empty when none.
 */
unit: string, 
/**
 * The value as the plugin formats it, unit included.
 */
text: string, 
/**
 * Names of the enum's variants, by index (enums only).
 */
variants?: Array<string>, 
/**
 * The group the parameter belongs to, when not top level.
 */
group?: string, };

/**
 * Result of `getAllParameters`.
 */
export type AllParameters = { 
/**
 * Every parameter, in the plugin's order.
 */
parameters: Array<ParamInfo>, 
/**
 * The change counter these values include: notifications with a larger `seq` are newer.
 */
seq: number, };

/**
 * Params of `getParameter`, `beginGesture` and `endGesture`.
 */
export type ParamRef = { 
/**
 * Parameter id.
 */
id: string, };

/**
 * One parameter's current value (`getParameter`, `setParameter`).
 */
export type ParamValue = { 
/**
 * Parameter id.
 */
id: string, 
/**
 * Plain value.
 */
value: number, 
/**
 * Normalized value, 0..=1.
 */
normalized: number, 
/**
 * Formatted value, unit included.
 */
text: string, 
/**
 * In a `setParameter {text}` result: the text named a value outside the range, and the
 * parameter took the nearest end. Absent otherwise.
 */
clamped?: boolean, };

/**
 * Params of `setParameter`: exactly one of `value` (plain), `normalized` and `text`.
 */
export type SetParameter = { 
/**
 * Parameter id.
 */
id: string, 
/**
 * Plain value in `min..=max`.
 */
value?: number, 
/**
 * Normalized value in `0..=1`.
 */
normalized?: number, 
/**
 * What a user typed, read by the plugin's own parser (as the host's generic UI does), e.g.
 * `"30L"`, `"-3"`, `"-inf"`; a value beyond the range is clamped (`clamped` in the result).
 */
text?: string, };

/**
 * Result of `beginGesture` and `endGesture`: an empty object.
 */
export type Empty = Record<string, never>;

/**
 * One channel of a meter frame; linear amplitude.
 */
export type ChannelMeter = { 
/**
 * Largest `|x|` since the previous frame.
 */
peak: number, 
/**
 * RMS over the plugin's own window (e.g. 300 ms).
 */
rms: number, 
/**
 * Whether the signal reached full scale since the previous frame.
 */
clip: boolean, };

/**
 * A meter frame (`getMeterFrame` result and `meterFrame` notification params).
 */
export type MeterFrame = { 
/**
 * Seconds since the bridge started, when the frame was read.
 */
t: number, 
/**
 * The output: one entry per active output channel.
 */
channels: Array<ChannelMeter>, 
/**
 * The input as the host hands it over (before the test tone and any processing): one entry
 * per active input channel; empty when the plugin meters no input.
 */
input: Array<ChannelMeter>, 
/**
 * The output's left/right correlation over the RMS window, −1 (opposite polarity) … +1
 * (mono); 0 when both channels are silent; `null` when there is no channel pair.
 */
correlation: number | null, };

/**
 * Params and result of `subscribeMeters`.
 */
export type MeterSubscription = { 
/**
 * Frames per second: 0 stops; capped at 60 (the result carries the applied rate).
 */
hz: number, };

/**
 * Result of `getLoudness`: the output's loudness per ITU-R BS.1770-4 / EBU R128. `null`: no
 * value (silence, nothing above the gates yet, or a range not measured yet).
 */
export type LoudnessReading = { 
/**
 * Momentary loudness (400 ms), LUFS.
 */
momentary: number | null, 
/**
 * Short-term loudness (3 s), LUFS.
 */
shortTerm: number | null, 
/**
 * Integrated loudness since the last reset (gated: −70 LUFS, −10 LU), LUFS.
 */
integrated: number | null, 
/**
 * Loudness range since the last reset (EBU Tech 3342), LU.
 */
range: number | null, 
/**
 * Per active output channel, the largest true peak since the last reset, dBTP.
 */
truePeak: Array<number | null>, 
/**
 * The largest of `truePeak`, dBTP.
 */
truePeakMax: number | null, };

/**
 * One stream of `getStreams`: binary frames (`docs/PROTOCOL.md`, "Stream frames") of up to
 * `maxValues` `f32`s, laid out as `layout` says.
 */
export type StreamInfo = { 
/**
 * The id its frames carry (its index in `getStreams`).
 */
id: number, 
/**
 * The name a client subscribes with.
 */
name: string, 
/**
 * What the values are, in order.
 */
layout: string, 
/**
 * The most values one frame carries.
 */
maxValues: number, };

/**
 * Result of `getStreams`.
 */
export type StreamList = { 
/**
 * The plugin's streams (none: it offers no stream).
 */
streams: Array<StreamInfo>, };

/**
 * Params of `subscribeStream`.
 */
export type StreamSubscription = { 
/**
 * The stream's name (`getStreams`).
 */
stream: string, 
/**
 * Frames per second: 0 stops; 1…60, higher rates capped.
 */
hz: number, };

/**
 * Result of `subscribeStream`.
 */
export type StreamSubscribed = { 
/**
 * The stream's name.
 */
stream: string, 
/**
 * The id its binary frames carry.
 */
id: number, 
/**
 * The applied rate.
 */
hz: number, };

/**
 * Result of `ping`.
 */
export type Pong = { 
/**
 * Always `true`.
 */
pong: boolean, };

/**
 * The transport a client is connected through, as `getInfo` reports it.
 */
export type Transport = "pipe" | "websocket" | "inProcess";

/**
 * Result of `getInfo`.
 */
export type Info = { 
/**
 * Plugin name.
 */
name: string, 
/**
 * Plugin version.
 */
version: string, 
/**
 * Plugin vendor.
 */
vendor: string, 
/**
 * Protocol version ([`PROTOCOL_VERSION`]).
 */
protocol: number, 
/**
 * The transport this client is connected through.
 */
transport: Transport, 
/**
 * Whether `openInBrowser` works for this client: the editor's own page, in a host.
 */
canOpenInBrowser: boolean, 
/**
 * The name of the host's track this instance is on, when the host gives one (CLAP
 * `track-info`, VST3 channel context); else `null`. Changes arrive as `trackNameChanged`.
 */
trackName: string | null, };

/**
 * Params of `requestResize`.
 */
export type ResizeRequest = { 
/**
 * Requested width in physical pixels.
 */
width: number, 
/**
 * Requested height in physical pixels.
 */
height: number, };

/**
 * Result of `requestResize`.
 */
export type ResizeResult = { 
/**
 * Whether the host took the new size.
 */
accepted: boolean, };

/**
 * Result of `openInBrowser`: where a browser reaches this instance.
 */
export type BrowserAddress = { 
/**
 * The page's address with the instance's token, e.g. `http://127.0.0.1:43121/?token=…`.
 */
url: string, 
/**
 * The UI's dev server page pointed at this instance (hot reload in the browser), when the
 * host's environment names one (`WEBUI_DEV_URL`), e.g.
 * `http://localhost:5173/?ws=ws://127.0.0.1:43121/ws&token=…`; else `null`.
 */
devUrl: string | null, };

/**
 * Params of the `parameterChanged` notification.
 */
export type ParameterChanged = { 
/**
 * Parameter id.
 */
id: string, 
/**
 * Plain value.
 */
value: number, 
/**
 * Normalized value.
 */
normalized: number, 
/**
 * Formatted value, unit included.
 */
text: string, 
/**
 * This change's number: one more than the previous change of this instance.
 */
seq: number, };

/**
 * Params of the `parametersReset` notification: refetch everything with `getAllParameters`.
 */
export type ParametersReset = { 
/**
 * This change's number.
 */
seq: number, };

/**
 * Notification `trackNameChanged`: the host named (or renamed) the instance's track.
 */
export type TrackNameChanged = { 
/**
 * The track's name; `null` when the host no longer gives one.
 */
trackName: string | null, };

/** The protocol version `getInfo` reports. */
export const PROTOCOL_VERSION = 1;

/** Every request: its params and its result. */
export interface Methods {
  getAllParameters: { params: NoParams; result: AllParameters };
  getParameter: { params: ParamRef; result: ParamValue };
  setParameter: { params: SetParameter; result: ParamValue };
  beginGesture: { params: ParamRef; result: Empty };
  endGesture: { params: ParamRef; result: Empty };
  getMeterFrame: { params: NoParams; result: MeterFrame };
  subscribeMeters: { params: MeterSubscription; result: MeterSubscription };
  getLoudness: { params: NoParams; result: LoudnessReading };
  resetLoudness: { params: NoParams; result: Empty };
  getStreams: { params: NoParams; result: StreamList };
  subscribeStream: { params: StreamSubscription; result: StreamSubscribed };
  ping: { params: NoParams; result: Pong };
  getInfo: { params: NoParams; result: Info };
  requestResize: { params: ResizeRequest; result: ResizeResult };
  openInBrowser: { params: NoParams; result: BrowserAddress };
}

/** Every notification the plugin sends: its params. */
export interface Notifications {
  parameterChanged: ParameterChanged;
  meterFrame: MeterFrame;
  parametersReset: ParametersReset;
  trackNameChanged: TrackNameChanged;
}

/** Every error code the plugin answers with. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  UnknownParameter: -32000,
  OutOfRange: -32001,
  GestureOwned: -32002,
  Unavailable: -32003,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A request id. */
export type RequestId = string | number | null;

/** A request for method `M`. */
export type Request<M extends keyof Methods = keyof Methods> = {
  jsonrpc: "2.0";
  id: RequestId;
  method: M;
  params?: Methods[M]["params"];
};

/** An error answer. */
export type RpcError = { code: ErrorCode | number; message: string; data?: unknown };

/** The answer to a request for method `M`. */
export type Response<M extends keyof Methods = keyof Methods> =
  | { jsonrpc: "2.0"; id: RequestId; result: Methods[M]["result"] }
  | { jsonrpc: "2.0"; id: RequestId; error: RpcError };

/** A notification from the plugin. */
export type Notification<N extends keyof Notifications = keyof Notifications> = {
  jsonrpc: "2.0";
  method: N;
  params: Notifications[N];
};

/** Any notification from the plugin, told apart by `method` (a `switch` narrows `params`). */
export type AnyNotification = { [N in keyof Notifications]: Notification<N> }[keyof Notifications];
