//! Audio port descriptions and the preallocated buffers the host processes with.

use clack_extensions::audio_ports::{AudioPortFlags, AudioPortInfo};
use clack_extensions::audio_ports_config::AudioPortsConfiguration;
use clack_host::events::io::EventBuffer;
use clack_host::prelude::*;

/// An audio port as `clap_plugin_audio_ports.get()` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortInfo {
    /// Stable port id.
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Number of channels.
    pub channel_count: u32,
    /// `"mono"`, `"stereo"`, … or empty if the plugin gave no type.
    pub port_type: String,
    /// Whether this is the main port of its direction.
    pub is_main: bool,
    /// The port id of the in-place partner port, if any.
    pub in_place_pair: Option<u32>,
}

impl PortInfo {
    pub(crate) fn from_clap(info: &AudioPortInfo<'_>) -> Self {
        Self {
            id: info.id.get(),
            name: String::from_utf8_lossy(info.name).into_owned(),
            channel_count: info.channel_count,
            port_type: info
                .port_type
                .map(|t| t.0.to_string_lossy().into_owned())
                .unwrap_or_default(),
            is_main: info.flags.contains(AudioPortFlags::IS_MAIN),
            in_place_pair: info.in_place_pair.map(ClapId::get),
        }
    }
}

/// One layout the plugin offers through `clap_plugin_audio_ports_config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortConfig {
    /// The id to pass to [`Instance::select_port_config`](crate::Instance::select_port_config).
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Number of input ports.
    pub input_port_count: u32,
    /// Number of output ports.
    pub output_port_count: u32,
    /// Channels of the main input, if there is one.
    pub main_input_channels: Option<u32>,
    /// Channels of the main output, if there is one.
    pub main_output_channels: Option<u32>,
}

impl PortConfig {
    pub(crate) fn from_clap(config: &AudioPortsConfiguration<'_>) -> Self {
        Self {
            id: config.id.get(),
            name: String::from_utf8_lossy(config.name).into_owned(),
            input_port_count: config.input_port_count,
            output_port_count: config.output_port_count,
            main_input_channels: config.main_input.as_ref().map(|p| p.channel_count),
            main_output_channels: config.main_output.as_ref().map(|p| p.channel_count),
        }
    }
}

/// The processing configuration the instance was activated with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActiveConfig {
    /// Sample rate in Hz.
    pub sample_rate: f64,
    /// Smallest block the host promised.
    pub min_frames: u32,
    /// Largest block the host promised.
    pub max_frames: u32,
    /// Channels of the main input port (0 if none).
    pub input_channels: usize,
    /// Channels of the main output port (0 if none).
    pub output_channels: usize,
}

/// Buffers allocated at activation so that processing a block allocates nothing on the host
/// side either.
pub(crate) struct Engine {
    pub(crate) config: ActiveConfig,
    pub(crate) inputs: Vec<Vec<f32>>,
    pub(crate) outputs: Vec<Vec<f32>>,
    pub(crate) input_ports: AudioPorts,
    pub(crate) output_ports: AudioPorts,
    pub(crate) input_events: EventBuffer,
    pub(crate) output_events: EventBuffer,
    pub(crate) steady_time: u64,
}

impl Engine {
    pub(crate) fn new(config: ActiveConfig) -> Self {
        let frames = config.max_frames as usize;
        Self {
            config,
            inputs: vec![vec![0.0; frames]; config.input_channels],
            outputs: vec![vec![0.0; frames]; config.output_channels],
            input_ports: AudioPorts::with_capacity(config.input_channels, 1),
            output_ports: AudioPorts::with_capacity(config.output_channels, 1),
            input_events: EventBuffer::with_capacity(1024),
            output_events: EventBuffer::with_capacity(1024),
            steady_time: 0,
        }
    }
}
