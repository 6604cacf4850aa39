//! The protocol's payload types: what requests carry and what results and notifications contain.
//!
//! Defined once here; the TypeScript in `ui/src/protocol/` is generated from these types (see
//! `typescript.rs`). Field names are camelCase on the wire.

use serde::{Deserialize, Serialize};

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
    /// The transport this client is connected through, e.g. `websocket`, `pipe`, `editor`.
    pub transport: String,
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
pub struct BrowserLink {
    /// The page's address with the instance's token, e.g. `http://127.0.0.1:43121/?token=…`.
    pub url: String,
    /// The UI's dev server page pointed at this instance (hot reload in the browser), when the
    /// host's environment names one (`WEBSTRIP_UI_URL`), e.g.
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
    /// RMS over the plugin's window (300 ms for Webstrip).
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

/// Method names, as sent in `method`.
pub mod method {
    /// `getAllParameters` → [`super::AllParameters`].
    pub const GET_ALL_PARAMETERS: &str = "getAllParameters";
    /// `getParameter {id}` → [`super::ParamValue`].
    pub const GET_PARAMETER: &str = "getParameter";
    /// `setParameter {id, value | normalized | text}` → [`super::ParamValue`].
    pub const SET_PARAMETER: &str = "setParameter";
    /// `beginGesture {id}` → `{}`.
    pub const BEGIN_GESTURE: &str = "beginGesture";
    /// `endGesture {id}` → `{}`.
    pub const END_GESTURE: &str = "endGesture";
    /// `getMeterFrame` → [`super::MeterFrame`].
    pub const GET_METER_FRAME: &str = "getMeterFrame";
    /// `subscribeMeters {hz}` → `{hz}`.
    pub const SUBSCRIBE_METERS: &str = "subscribeMeters";
    /// `ping` → `{pong: true}`.
    pub const PING: &str = "ping";
    /// `getInfo` → [`super::Info`].
    pub const GET_INFO: &str = "getInfo";
    /// `requestResize {width, height}` → `{accepted}`.
    pub const REQUEST_RESIZE: &str = "requestResize";
    /// `openInBrowser` → `{url}`: starts the instance's browser bridge (editor page only).
    pub const OPEN_IN_BROWSER: &str = "openInBrowser";
    /// Notification: a parameter changed.
    pub const PARAMETER_CHANGED: &str = "parameterChanged";
    /// Notification: a meter frame.
    pub const METER_FRAME: &str = "meterFrame";
    /// Notification: the host loaded state (or the client fell behind); refetch.
    pub const PARAMETERS_RESET: &str = "parametersReset";
    /// Notification: the host named the instance's track.
    pub const TRACK_NAME_CHANGED: &str = "trackNameChanged";
}
