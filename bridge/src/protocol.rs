//! The protocol, defined once: its methods and notifications (the tables at the end of this file)
//! and the payload types they carry.
//!
//! The tables are the single source of the dispatcher's routing (`dispatch.rs` implements
//! `Handler`, whose functions the method table declares), of [`METHODS`] and [`NOTIFICATIONS`]
//! (names and a check of a message against its type, e.g. for the examples in
//! `docs/PROTOCOL.md`), of the TypeScript in `toolkit-ui/src/protocol/` (`typescript.rs`) and of the
//! method and notification tables in `docs/PROTOCOL.md` (`protocol_doc.rs`). Field names are
//! camelCase on the wire.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::jsonrpc::{ErrorCode, RpcError};

/// The protocol version reported by `getInfo`.
pub const PROTOCOL_VERSION: u32 = 1;

/// How a parameter's plain value is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    /// A continuous value between `min` and `max`.
    Float,
    /// A whole number between `min` and `max`.
    Int,
    /// `0` (off) or `1` (on).
    Bool,
    /// The index of one of `variants`.
    Enum,
}

/// How a parameter's normalized value maps to its plain value: nice-plug's `FloatRange`, so a
/// page maps a drag exactly as the plugin (and the host's automation lane) will.
///
/// With `p = (plain − min) / (max − min)`: `linear` is `n = p`; `skewed` is `n = p^factor`;
/// `symmetricalSkewed` skews each side of `center` (which sits at `n = 0.5`) by `factor`.
/// Integers, booleans and enums are `linear`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Law {
    /// Evenly spread.
    Linear {
        /// `n' = 1 − n` (the range runs from `max` to `min`).
        reversed: bool,
    },
    /// `n = p^factor`.
    Skewed {
        /// Below 1 widens the start of the range, above 1 its end.
        factor: f32,
        /// As for `linear`.
        reversed: bool,
    },
    /// Each side of `center` skewed by `factor` towards it (below 1: finer near the centre).
    #[serde(rename_all = "camelCase")]
    SymmetricalSkewed {
        /// The skew of each half.
        factor: f32,
        /// The plain value at `n = 0.5`.
        center: f32,
        /// As for `linear`.
        reversed: bool,
    },
}

/// The transport a client is connected through, as `getInfo` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Transport {
    /// The Linux editor helper's pipe: the editor's own page in the plugin's window.
    Pipe,
    /// A WebSocket connection: a browser on the standalone's server or on an instance's in-host
    /// browser server.
    Websocket,
    /// A client in the plugin's own process that hands the bridge its messages itself (tests,
    /// benchmarks).
    InProcess,
}

impl Transport {
    /// Every transport.
    pub const ALL: [Transport; 3] = [Transport::Pipe, Transport::Websocket, Transport::InProcess];
}

/// Everything a UI needs to draw one parameter (`getAllParameters`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParamInfo {
    /// Stable parameter id (never renamed: saved sessions use it).
    pub id: String,
    /// Human readable name.
    pub name: String,
    /// How to read `value`.
    pub kind: ParamKind,
    /// The plain value: a number in `min..=max` (bool: 0/1, enum: variant index).
    pub value: f32,
    /// The value as the host sees it, 0..=1.
    pub normalized: f32,
    /// The plain default value.
    pub default: f32,
    /// The smallest plain value.
    pub min: f32,
    /// The largest plain value.
    pub max: f32,
    /// Distance between discrete plain values, when the parameter is discrete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub step: Option<f32>,
    /// How `normalized` maps to `value`.
    pub law: Law,
    /// The plain step a float parameter's value snaps to (e.g. 0.1 for a dB value shown with one
    /// decimal); keyboard steps are whole multiples of it. Absent when it does not snap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub step_size: Option<f32>,
    /// Unit without leading space, e.g. `dB`; empty when none.
    pub unit: String,
    /// The value as the plugin formats it, unit included.
    pub text: String,
    /// Names of the enum's variants, by index (enums only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub variants: Option<Vec<String>>,
    /// The group the parameter belongs to, when not top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub group: Option<String>,
}

/// One parameter's current value (`getParameter`, `setParameter`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParamValue {
    /// Parameter id.
    pub id: String,
    /// Plain value.
    pub value: f32,
    /// Normalized value, 0..=1.
    pub normalized: f32,
    /// Formatted value, unit included.
    pub text: String,
    /// In a `setParameter {text}` result: the text named a value outside the range, and the
    /// parameter took the nearest end. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub clamped: Option<bool>,
}

/// Result of `getAllParameters`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AllParameters {
    /// Every parameter, in the plugin's order.
    pub parameters: Vec<ParamInfo>,
    /// The change counter these values include: notifications with a larger `seq` are newer.
    #[cfg_attr(test, ts(type = "number"))]
    pub seq: u64,
}

/// Params of `getParameter`, `beginGesture` and `endGesture`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParamRef {
    /// Parameter id.
    pub id: String,
}

/// Params of `setParameter`: exactly one of `value` (plain), `normalized` and `text`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetParameter {
    /// Parameter id.
    pub id: String,
    /// Plain value in `min..=max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub value: Option<f64>,
    /// Normalized value in `0..=1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub normalized: Option<f64>,
    /// What a user typed, read by the plugin's own parser (as the host's generic UI does), e.g.
    /// `"30L"`, `"-3"`, `"-inf"`; a value beyond the range is clamped (`clamped` in the result).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub text: Option<String>,
}

/// Params and result of `subscribeMeters`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeterSubscription {
    /// Frames per second: 0 stops; capped at 60 (the result carries the applied rate).
    pub hz: f64,
}

/// One stream of `getStreams`: binary frames (`docs/PROTOCOL.md`, "Stream frames") of up to
/// `maxValues` `f32`s, laid out as `layout` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StreamInfo {
    /// The id its frames carry (its index in `getStreams`).
    pub id: u16,
    /// The name a client subscribes with.
    pub name: String,
    /// What the values are, in order.
    pub layout: String,
    /// The most values one frame carries.
    pub max_values: u32,
}

/// Result of `getStreams`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StreamList {
    /// The plugin's streams (none: it offers no stream).
    pub streams: Vec<StreamInfo>,
}

/// Params of `subscribeStream`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StreamSubscription {
    /// The stream's name (`getStreams`).
    pub stream: String,
    /// Frames per second: 0 stops; 1…60, higher rates capped.
    pub hz: f64,
}

/// Result of `subscribeStream`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StreamSubscribed {
    /// The stream's name.
    pub stream: String,
    /// The id its binary frames carry.
    pub id: u16,
    /// The applied rate.
    pub hz: f64,
}

/// Params of `requestResize`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResizeRequest {
    /// Requested width in physical pixels.
    pub width: u32,
    /// Requested height in physical pixels.
    pub height: u32,
}

/// Result of `requestResize`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ResizeResult {
    /// Whether the host took the new size.
    pub accepted: bool,
}

/// Result of `ping`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Pong {
    /// Always `true`.
    pub pong: bool,
}

/// Result of `beginGesture` and `endGesture`: an empty object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Empty {}

/// Result of `getInfo`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// Plugin name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Plugin vendor.
    pub vendor: String,
    /// Protocol version ([`PROTOCOL_VERSION`]).
    pub protocol: u32,
    /// The transport this client is connected through.
    pub transport: Transport,
    /// Whether `openInBrowser` works for this client: the editor's own page, in a host.
    pub can_open_in_browser: bool,
    /// The name of the host's track this instance is on, when the host gives one (CLAP
    /// `track-info`, VST3 channel context); else `null`. Changes arrive as `trackNameChanged`.
    pub track_name: Option<String>,
}

/// Result of `openInBrowser`: where a browser reaches this instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BrowserAddress {
    /// The page's address with the instance's token, e.g. `http://127.0.0.1:43121/?token=…`.
    pub url: String,
    /// The UI's dev server page pointed at this instance (hot reload in the browser), when the
    /// host's environment names one (`WEBUI_DEV_URL`), e.g.
    /// `http://localhost:5173/?ws=ws://127.0.0.1:43121/ws&token=…`; else `null`.
    pub dev_url: Option<String>,
}

/// One channel of a meter frame; linear amplitude.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChannelMeter {
    /// Largest `|x|` since the previous frame.
    pub peak: f32,
    /// RMS over the plugin's own window (e.g. 300 ms).
    pub rms: f32,
    /// Whether the signal reached full scale since the previous frame.
    pub clip: bool,
}

/// A meter frame (`getMeterFrame` result and `meterFrame` notification params).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MeterFrame {
    /// Seconds since the bridge started, when the frame was read.
    pub t: f64,
    /// The output: one entry per active output channel.
    pub channels: Vec<ChannelMeter>,
    /// The input as the host hands it over (before the test tone and any processing): one entry
    /// per active input channel; empty when the plugin meters no input.
    pub input: Vec<ChannelMeter>,
    /// The output's left/right correlation over the RMS window, −1 (opposite polarity) … +1
    /// (mono); 0 when both channels are silent; `null` when there is no channel pair.
    pub correlation: Option<f32>,
}

/// Result of `getLoudness`: the output's loudness per ITU-R BS.1770-4 / EBU R128. `null`: no
/// value (silence, nothing above the gates yet, or a range not measured yet).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LoudnessReading {
    /// Momentary loudness (400 ms), LUFS.
    pub momentary: Option<f32>,
    /// Short-term loudness (3 s), LUFS.
    pub short_term: Option<f32>,
    /// Integrated loudness since the last reset (gated: −70 LUFS, −10 LU), LUFS.
    pub integrated: Option<f32>,
    /// Loudness range since the last reset (EBU Tech 3342), LU.
    pub range: Option<f32>,
    /// Per active output channel, the largest true peak since the last reset, dBTP.
    pub true_peak: Vec<Option<f32>>,
    /// The largest of `truePeak`, dBTP.
    pub true_peak_max: Option<f32>,
}

/// Params of the `parameterChanged` notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParameterChanged {
    /// Parameter id.
    pub id: String,
    /// Plain value.
    pub value: f32,
    /// Normalized value.
    pub normalized: f32,
    /// Formatted value, unit included.
    pub text: String,
    /// This change's number: one more than the previous change of this instance.
    #[cfg_attr(test, ts(type = "number"))]
    pub seq: u64,
}

/// Params of the `parametersReset` notification: refetch everything with `getAllParameters`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParametersReset {
    /// This change's number.
    #[cfg_attr(test, ts(type = "number"))]
    pub seq: u64,
}

/// Notification `trackNameChanged`: the host named (or renamed) the instance's track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TrackNameChanged {
    /// The track's name; `null` when the host no longer gives one.
    pub track_name: Option<String>,
}

/// Params of a method that takes none: the request's `params` absent, `{}` or `[]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(type = "Record<string, never> | undefined")
)]
pub struct NoParams {}

/// How a method's params are read from a request's `params` member.
pub trait Params: Sized {
    /// Reads `params` (`None`: the request has no `params` member).
    fn from_params(params: Option<Value>) -> Result<Self, RpcError>;
}

impl Params for NoParams {
    fn from_params(params: Option<Value>) -> Result<Self, RpcError> {
        match params {
            None => Ok(NoParams {}),
            Some(Value::Object(o)) if o.is_empty() => Ok(NoParams {}),
            Some(Value::Array(a)) if a.is_empty() => Ok(NoParams {}),
            Some(_) => Err(RpcError::new(
                ErrorCode::InvalidParams,
                "this method takes no params",
            )),
        }
    }
}

/// Params by name: an object, decoded into the type (positional arrays are refused).
impl<T: DeserializeOwned> Params for T {
    fn from_params(params: Option<Value>) -> Result<Self, RpcError> {
        match params {
            Some(params @ Value::Object(_)) => serde_json::from_value(params)
                .map_err(|e| RpcError::new(ErrorCode::InvalidParams, e.to_string())),
            _ => Err(RpcError::new(
                ErrorCode::InvalidParams,
                "params must be an object with named members",
            )),
        }
    }
}

/// A notification the plugin sends: the type of its params, and its name on the wire.
pub trait Notification: Serialize {
    /// The name on the wire (`method`).
    const NAME: &'static str;
}

/// One method of the table, for code that reads the protocol rather than serves it (the checks
/// of `docs/PROTOCOL.md`'s examples, tools).
#[derive(Clone, Copy, Debug)]
pub struct MethodInfo {
    /// The name on the wire.
    pub name: &'static str,
    /// What it does: the table's doc comment.
    pub doc: &'static str,
    /// Reads `params` as the dispatcher does and writes them back: members its type does not have
    /// are gone (or refused), absent optional members stay absent or come back as `null`.
    pub params: fn(Option<Value>) -> Result<Value, RpcError>,
    /// Reads a result of this method into its type and writes it back, likewise.
    pub result: fn(Value) -> Result<Value, String>,
}

/// One notification of the table (see [`MethodInfo`]).
#[derive(Clone, Copy, Debug)]
pub struct NotificationInfo {
    /// The name on the wire.
    pub name: &'static str,
    /// When it is sent: the table's doc comment.
    pub doc: &'static str,
    /// Reads its params into their type and writes them back.
    pub params: fn(Value) -> Result<Value, String>,
}

/// `value` as the wire carries it: written as text (32-bit floats in their shortest form, e.g.
/// `0.8333333`) and read back.
fn as_sent<T: Serialize>(value: &T) -> Result<Value, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn reread_params<P: Params + Serialize>(params: Option<Value>) -> Result<Value, RpcError> {
    as_sent(&P::from_params(params)?).map_err(|e| RpcError::new(ErrorCode::Internal, e))
}

fn reread<T: Serialize + DeserializeOwned>(value: Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    as_sent(&typed)
}

fn to_raw<T: Serialize>(result: &T) -> Result<Box<RawValue>, RpcError> {
    serde_json::value::to_raw_value(result)
        .map_err(|e| RpcError::new(ErrorCode::Internal, e.to_string()))
}

/// Declares the methods: the [`Handler`] trait the dispatcher implements (one function per method,
/// typed by the row), [`route`], [`METHODS`] and, for the generated TypeScript and docs, their
/// TypeScript types.
macro_rules! methods {
    ($($(#[doc = $doc:literal])+ $name:literal => $handler:ident($params:ty) -> $result:ty;)+) => {
        /// Serves the protocol's requests: one function per method of the table, typed by it.
        pub(crate) trait Handler {
            $($(#[doc = $doc])+ fn $handler(&mut self, params: $params) -> Result<$result, RpcError>;)+
        }

        /// Reads `params` for `method`, calls its function of `handler` and writes its result;
        /// `None` when the table has no method of that name.
        pub(crate) fn route(
            handler: &mut impl Handler,
            method: &str,
            params: Option<Value>,
        ) -> Option<Result<Box<RawValue>, RpcError>> {
            Some(match method {
                $($name => <$params as Params>::from_params(params)
                    .and_then(|params| handler.$handler(params))
                    .and_then(|result| to_raw(&result)),)+
                _ => return None,
            })
        }

        /// Every method, in the table's order.
        pub const METHODS: &[MethodInfo] = &[$(MethodInfo {
            name: $name,
            doc: concat!($($doc, "\n"),+),
            params: reread_params::<$params>,
            result: reread::<$result>,
        },)+];

        /// Every method's params and result types, in the table's order.
        #[cfg(test)]
        pub(crate) fn method_types() -> Vec<(&'static str, crate::typescript::TsType, crate::typescript::TsType)> {
            use crate::typescript::TsType;
            vec![$(($name, TsType::of::<$params>(), TsType::of::<$result>()),)+]
        }
    };
}

/// Declares the notifications: [`Notification`] for each params type, [`NOTIFICATIONS`] and their
/// TypeScript types.
macro_rules! notifications {
    ($($(#[doc = $doc:literal])+ $name:literal => $params:ty;)+) => {
        $(impl Notification for $params {
            const NAME: &'static str = $name;
        })+

        /// Every notification, in the table's order.
        pub const NOTIFICATIONS: &[NotificationInfo] = &[$(NotificationInfo {
            name: $name,
            doc: concat!($($doc, "\n"),+),
            params: reread::<$params>,
        },)+];

        /// Every notification's params type, in the table's order.
        #[cfg(test)]
        pub(crate) fn notification_types() -> Vec<(&'static str, crate::typescript::TsType)> {
            vec![$(($name, crate::typescript::TsType::of::<$params>()),)+]
        }
    };
}

// The requests (client → plugin). Each row: the name on the wire => the dispatcher's function
// (params type) -> result type. The doc comment is the method's line in `docs/PROTOCOL.md`.
methods! {
    /// Every parameter, in the plugin's order, and the `seq` the snapshot includes.
    "getAllParameters" => get_all_parameters(NoParams) -> AllParameters;
    /// One parameter's current value.
    "getParameter" => get_parameter(ParamRef) -> ParamValue;
    /// Sets one parameter by exactly one of `value`, `normalized` and `text`; the result is the
    /// applied value (`clamped` when typed text was beyond the range).
    "setParameter" => set_parameter(SetParameter) -> ParamValue;
    /// Starts this client's gesture (a drag) on a parameter.
    "beginGesture" => begin_gesture(ParamRef) -> Empty;
    /// Ends this client's gesture on a parameter.
    "endGesture" => end_gesture(ParamRef) -> Empty;
    /// The newest meter frame.
    "getMeterFrame" => get_meter_frame(NoParams) -> MeterFrame;
    /// Starts (1…60 Hz), changes or stops (0) this client's `meterFrame` notifications; the
    /// result is the applied rate.
    "subscribeMeters" => subscribe_meters(MeterSubscription) -> MeterSubscription;
    /// The output's loudness now (momentary, short-term, integrated, range, true peaks), when the
    /// plugin measures it (else −32003).
    "getLoudness" => get_loudness(NoParams) -> LoudnessReading;
    /// Restarts the integrated loudness, the range and the true peaks (at the audio thread's next
    /// block), when the plugin measures loudness (else −32003).
    "resetLoudness" => reset_loudness(NoParams) -> Empty;
    /// The plugin's streams: binary frames at a subscribed rate (e.g. a scope's points).
    "getStreams" => get_streams(NoParams) -> StreamList;
    /// Starts (1…60 Hz), changes or stops (0) this client's binary frames of one stream; the
    /// result is the applied rate and the id its frames carry.
    "subscribeStream" => subscribe_stream(StreamSubscription) -> StreamSubscribed;
    /// Answers `{"pong": true}`.
    "ping" => ping(NoParams) -> Pong;
    /// The plugin, the protocol version, this client's transport, the host's track name.
    "getInfo" => get_info(NoParams) -> Info;
    /// Asks the host for a new editor size (the editor's own page only).
    "requestResize" => request_resize(ResizeRequest) -> ResizeResult;
    /// Starts (or finds running) the instance's browser server and returns its address (the
    /// editor's own page in a host only).
    "openInBrowser" => open_in_browser(NoParams) -> BrowserAddress;
}

// The notifications (plugin → client). Each row: the name on the wire => the params type.
notifications! {
    /// The host applied a change: host automation, a client's set (every client, the sender
    /// included), a host-side edit.
    "parameterChanged" => ParameterChanged;
    /// At the client's subscribed rate.
    "meterFrame" => MeterFrame;
    /// The host loaded state or a preset: refetch with `getAllParameters`. Also sent instead of a
    /// backlog to a client that fell 1024 notifications behind (which may also have missed a
    /// `trackNameChanged`: read `getInfo` again too).
    "parametersReset" => ParametersReset;
    /// The host named or renamed the instance's track (`null`: an empty name); once per change;
    /// no `seq` (not a parameter change).
    "trackNameChanged" => TrackNameChanged;
}
