//! A minimal, strict CLAP host on `clack-host` for tests: it loads a `.clap` bundle, creates a
//! plugin instance and drives it through the real CLAP ABI.
//!
//! ```no_run
//! use clap_test_host::{Bundle, ParamEvent};
//!
//! let bundle = Bundle::load("target/bundled/Gain.clap")?;
//! let mut plugin = bundle.instantiate("com.example.gain")?;
//! let input = plugin.param_by_name("Gain").expect("a Gain parameter");
//! plugin.activate(48_000.0, 1, 512)?;
//! plugin.start_processing()?;
//! let (left, right) = (vec![0.5f32; 512], vec![0.5f32; 512]);
//! let (mut out_l, mut out_r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
//! plugin.process(
//!     &[&left, &right],
//!     &mut [&mut out_l, &mut out_r],
//!     &[ParamEvent::value(0, input.id, 0.25)],
//! )?;
//! plugin.deactivate()?;
//! # Ok::<(), clap_test_host::Error>(())
//! ```
//!
//! Editors (`clap.gui`, X11): [`ParentWindow`] is a window of the host's own on `$DISPLAY`;
//! [`Instance::gui_create`], [`Instance::gui_set_parent`], [`Instance::gui_set_size`] and
//! [`Instance::gui_destroy`] drive the plugin's editor in it, and [`ParentWindow::capture`] reads
//! back what it shows.
//!
//! Threads: the audio processor is driven from the thread that owns the [`Instance`]. The host's
//! `clap.thread-check` answers "audio thread, not main thread" while the host is inside an
//! audio-thread call (`start_processing`, `process`, `stop_processing`, active `flush`), so the
//! plugin sees the same thread roles as in a real host. Main-thread callbacks the plugin requests
//! (`request_callback`) are run by [`Instance::run_main_thread_callbacks`], which the host calls
//! after every main-thread operation.

mod audio;
mod gui;
mod handlers;
mod params;

use std::ffi::CString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use clack_extensions::audio_ports::{AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_extensions::track_info::PluginTrackInfo;
use clack_host::events::io::EventBuffer;
use clack_host::prelude::*;

pub use audio::{ActiveConfig, PortConfig, PortInfo};
pub use clack_extensions::log::LogSeverity;
pub use clack_extensions::params::{ParamInfoFlags, ParamRescanFlags};
pub use clack_host::prelude::ProcessStatus;
pub use gui::{Capture, ParentWindow};
pub use handlers::{HostRecord, LogEntry};
pub use params::{ParamEvent, ParamInfo};

use audio::Engine;
use handlers::{MainThread, Shared, TestHost};

/// What can go wrong while hosting.
#[derive(Debug)]
pub enum Error {
    /// The bundle could not be loaded or has no plugin factory.
    Load(String),
    /// A CLAP call failed (instantiation, activation, processing, …).
    Plugin(PluginInstanceError),
    /// The plugin lacks an extension this operation needs.
    MissingExtension(&'static str),
    /// The host was asked to do something CLAP forbids in the current state, or with arguments
    /// that do not fit the activated configuration.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Load(msg) => write!(f, "could not load the CLAP bundle: {msg}"),
            Self::Plugin(err) => write!(f, "CLAP call failed: {err}"),
            Self::MissingExtension(ext) => write!(f, "the plugin does not implement {ext}"),
            Self::Usage(msg) => write!(f, "invalid host operation: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<PluginInstanceError> for Error {
    fn from(err: PluginInstanceError) -> Self {
        Self::Plugin(err)
    }
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

/// A plugin as the bundle's factory describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginDescription {
    /// The CLAP plugin id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor name.
    pub vendor: String,
    /// Version string.
    pub version: String,
    /// CLAP feature strings (`audio-effect`, `stereo`, …).
    pub features: Vec<String>,
}

/// A loaded `.clap` bundle (its entry initialised).
pub struct Bundle {
    entry: PluginEntry,
    path: PathBuf,
}

/// Entries of bundles loaded with [`Bundle::load`]: kept so that they are never deinitialised and
/// unloaded before the process exits.
static KEEP_LOADED: Mutex<Vec<(PathBuf, PluginEntry)>> = Mutex::new(Vec::new());

impl Bundle {
    /// Loads the bundle at `path`, initialises its entry and keeps it loaded until the process
    /// exits, as most DAWs do.
    ///
    /// Why pinned: a Rust plugin's own copy of `std` registers pthread TSD destructors in every
    /// thread that runs plugin code; if the library is unloaded while such a thread still lives,
    /// that thread crashes when it exits (seen with a nice-plug plugin: SIGSEGV in
    /// `__nptl_deallocate_tsd` when tests load and unload the bundle in parallel). Use
    /// [`load_transient`](Self::load_transient) to test unloading on purpose.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let bundle = Self::load_transient(path)?;
        let mut kept = KEEP_LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        if !kept.iter().any(|(p, _)| *p == bundle.path) {
            kept.push((bundle.path.clone(), bundle.entry.clone()));
        }
        Ok(bundle)
    }

    /// Loads the bundle at `path` and initialises its entry; it is deinitialised and unloaded
    /// when the last [`Bundle`] and [`Instance`] from it are dropped (unless it is also loaded
    /// with [`load`](Self::load)).
    pub fn load_transient(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(Error::Load(format!("{} is not a file", path.display())));
        }
        // SAFETY: loading a CLAP bundle runs its code; that is the point of this host. The bundle
        // is trusted test input.
        let entry = unsafe { PluginEntry::load(&path) }
            .map_err(|err| Error::Load(format!("{}: {err}", path.display())))?;
        Ok(Self { entry, path })
    }

    /// The path the bundle was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every plugin the bundle's factory offers.
    pub fn plugins(&self) -> Result<Vec<PluginDescription>, Error> {
        let factory = self
            .entry
            .get_plugin_factory()
            .ok_or_else(|| Error::Load("the bundle has no plugin factory".into()))?;
        let text = |s: Option<&std::ffi::CStr>| {
            s.map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        Ok(factory
            .plugin_descriptors()
            .map(|d| PluginDescription {
                id: text(d.id()),
                name: text(d.name()),
                vendor: text(d.vendor()),
                version: text(d.version()),
                features: d
                    .features()
                    .map(|f| f.to_string_lossy().into_owned())
                    .collect(),
            })
            .collect())
    }

    /// Creates and initialises an instance of the plugin with CLAP id `plugin_id`.
    pub fn instantiate(&self, plugin_id: &str) -> Result<Instance, Error> {
        Instance::new(&self.entry, plugin_id, None)
    }

    /// Like [`instantiate`](Self::instantiate), on a track the host's `track-info` names
    /// `track_name` from the start (the plugin may read it during `init()`).
    pub fn instantiate_on_track(
        &self,
        plugin_id: &str,
        track_name: &str,
    ) -> Result<Instance, Error> {
        Instance::new(&self.entry, plugin_id, Some(track_name))
    }
}

/// The plugin-side extensions, queried once after `init()`.
#[derive(Clone, Copy)]
struct PluginExtensions {
    params: Option<PluginParams>,
    state: Option<PluginState>,
    audio_ports: Option<PluginAudioPorts>,
    audio_ports_config: Option<PluginAudioPortsConfig>,
    track_info: Option<PluginTrackInfo>,
}

/// One plugin instance and everything the host keeps for it.
///
/// Lifecycle: [`activate`](Self::activate) → [`start_processing`](Self::start_processing) →
/// [`process`](Self::process)… → [`stop_processing`](Self::stop_processing) →
/// [`deactivate`](Self::deactivate). Dropping an active instance stops and deactivates it first.
pub struct Instance {
    processor: Option<PluginAudioProcessor<TestHost>>,
    engine: Option<Engine>,
    plugin: PluginInstance<TestHost>,
    ext: PluginExtensions,
    record: Arc<HostRecord>,
    output_events: Vec<ParamEvent>,
}

impl Instance {
    fn new(entry: &PluginEntry, plugin_id: &str, track_name: Option<&str>) -> Result<Self, Error> {
        let host_info = HostInfo::new(
            "clap-test-host",
            "webui-toolkit",
            "https://crates.io/crates/nice-plug",
            env!("CARGO_PKG_VERSION"),
        )
        .map_err(|err| usage(err.to_string()))?;
        let id = CString::new(plugin_id).map_err(|err| usage(err.to_string()))?;
        let record = Arc::new(HostRecord::new(track_name));
        let shared_record = record.clone();
        let plugin = PluginInstance::<TestHost>::new(
            move |_| Shared {
                record: shared_record,
            },
            MainThread::new,
            entry,
            &id,
            &host_info,
        )?;
        let handle = plugin.plugin_shared_handle();
        let ext = PluginExtensions {
            params: handle.get_extension(),
            state: handle.get_extension(),
            audio_ports: handle.get_extension(),
            audio_ports_config: handle.get_extension(),
            track_info: handle.get_extension(),
        };
        let mut instance = Self {
            processor: None,
            engine: None,
            plugin,
            ext,
            record,
            output_events: Vec::new(),
        };
        instance.run_main_thread_callbacks();
        Ok(instance)
    }

    /// What the plugin asked of the host so far (logs, rescans, restart requests, …).
    pub fn record(&self) -> &HostRecord {
        &self.record
    }

    /// Every line the plugin logged through `clap.log` so far.
    pub fn logs(&self) -> Vec<LogEntry> {
        self.record.logs()
    }

    /// Runs the plugin's `on_main_thread()` while it keeps requesting callbacks (at most 16 times
    /// in a row). Returns whether it ran at all.
    pub fn run_main_thread_callbacks(&mut self) -> bool {
        let mut ran = false;
        for _ in 0..16 {
            if !self.record.take_callback_request() {
                break;
            }
            self.plugin.call_on_main_thread_callback();
            ran = true;
        }
        ran
    }

    /// Whether the plugin returns an implementation for extension `id` (e.g. `"clap.gui"`).
    pub fn has_extension(&self, id: &str) -> bool {
        let Ok(id) = CString::new(id) else {
            return false;
        };
        let raw = self.plugin.raw_instance();
        let Some(get_extension) = raw.get_extension else {
            return false;
        };
        // SAFETY: `raw` is the live plugin instance this host created; `get_extension` is
        // callable from any thread and `id` outlives the call.
        !unsafe { get_extension(raw, id.as_ptr()) }.is_null()
    }

    /// Names (or renames; `None`: no information) the instance's track, as a host does when the
    /// user renames it: `track-info` answers with it from now on, and the plugin is told through
    /// its `track_info.changed()`. Returns whether the plugin implements `clap.track-info`.
    pub fn set_track_name(&mut self, name: Option<&str>) -> bool {
        self.record.set_track_name(name);
        let Some(track_info) = self.ext.track_info else {
            return false;
        };
        track_info.changed(&self.plugin.plugin_handle());
        self.run_main_thread_callbacks();
        true
    }

    // ----- parameters -------------------------------------------------------------------------

    fn params_ext(&self) -> Result<PluginParams, Error> {
        self.ext
            .params
            .ok_or(Error::MissingExtension("clap.params"))
    }

    /// Number of parameters (0 without `clap.params`).
    pub fn param_count(&mut self) -> u32 {
        match self.ext.params {
            Some(params) => params.count(&self.plugin.plugin_handle()),
            None => 0,
        }
    }

    /// The description of every parameter, in the plugin's order.
    pub fn param_infos(&mut self) -> Result<Vec<ParamInfo>, Error> {
        let params = self.params_ext()?;
        let count = params.count(&self.plugin.plugin_handle());
        let mut buffer = ParamInfoBuffer::new();
        (0..count)
            .map(|index| {
                let info = params
                    .get_info(&self.plugin.plugin_handle(), index, &mut buffer)
                    .ok_or_else(|| usage(format!("get_info({index}) failed")))?;
                Ok(ParamInfo {
                    id: info.id.get(),
                    name: String::from_utf8_lossy(info.name).into_owned(),
                    module: String::from_utf8_lossy(info.module).into_owned(),
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                    flags: info.flags,
                })
            })
            .collect()
    }

    /// `params.get_info(index)` as the host calls it: `None` when the plugin answers false (e.g.
    /// for an index past the last parameter).
    pub fn param_info_at(&mut self, index: u32) -> Option<u32> {
        let params = self.params_ext().ok()?;
        let mut buffer = ParamInfoBuffer::new();
        params
            .get_info(&self.plugin.plugin_handle(), index, &mut buffer)
            .map(|info| info.id.get())
    }

    /// The parameter whose display name is `name`, if any.
    pub fn param_by_name(&mut self, name: &str) -> Option<ParamInfo> {
        self.param_infos()
            .ok()?
            .into_iter()
            .find(|p| p.name == name)
    }

    /// The parameter's current CLAP value (`clap_plugin_params.get_value`).
    pub fn param_value(&mut self, id: u32) -> Option<f64> {
        let params = self.ext.params?;
        params.get_value(&self.plugin.plugin_handle(), ClapId::from_raw(id)?)
    }

    /// The plugin's text for CLAP value `value` of parameter `id`.
    pub fn value_to_text(&mut self, id: u32, value: f64) -> Option<String> {
        let params = self.ext.params?;
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(
                &self.plugin.plugin_handle(),
                ClapId::from_raw(id)?,
                value,
                &mut buffer,
            )
            .ok()?;
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// The CLAP value the plugin parses from `text` for parameter `id`.
    pub fn text_to_value(&mut self, id: u32, text: &str) -> Option<f64> {
        let params = self.ext.params?;
        let text = CString::new(text).ok()?;
        params.text_to_value(&self.plugin.plugin_handle(), ClapId::from_raw(id)?, &text)
    }

    /// Sends `events` through `clap_plugin_params.flush()` and returns what the plugin emitted.
    ///
    /// Inactive: a main-thread call. Active: an audio-thread call between two
    /// [`process`](Self::process) calls (while processing, events normally go through
    /// `process`).
    pub fn flush(&mut self, events: &[ParamEvent]) -> Result<Vec<ParamEvent>, Error> {
        let params = self.params_ext()?;
        let mut input = EventBuffer::with_capacity(events.len());
        for event in events {
            event.push_to(&mut input);
        }
        input.sort();
        let mut output = EventBuffer::with_capacity(64);
        match self.processor.as_mut() {
            None => {
                let mut handle = self
                    .plugin
                    .inactive_plugin_handle()
                    .ok_or_else(|| usage("plugin is active without a processor"))?;
                params.flush(&mut handle, &input.as_input(), &mut output.as_output());
            }
            Some(processor) => {
                self.record.set_audio_context(true);
                params.flush_active(
                    &mut processor.plugin_handle(),
                    &input.as_input(),
                    &mut output.as_output(),
                );
                self.record.set_audio_context(false);
            }
        }
        self.run_main_thread_callbacks();
        Ok(output.iter().filter_map(ParamEvent::from_clap).collect())
    }

    /// Removes and returns the parameter events the plugin emitted from `process()` calls.
    pub fn take_output_events(&mut self) -> Vec<ParamEvent> {
        std::mem::take(&mut self.output_events)
    }

    // ----- state ------------------------------------------------------------------------------

    /// The plugin's state, as `clap_plugin_state.save()` writes it.
    pub fn save_state(&mut self) -> Result<Vec<u8>, Error> {
        let state = self
            .ext
            .state
            .ok_or(Error::MissingExtension("clap.state"))?;
        let mut bytes = Vec::new();
        state
            .save(&self.plugin.plugin_handle(), &mut bytes)
            .map_err(|err| usage(err.to_string()))?;
        Ok(bytes)
    }

    /// Offers `bytes` to `clap_plugin_state.load()`; returns whether the plugin accepted them.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<bool, Error> {
        let state = self
            .ext
            .state
            .ok_or(Error::MissingExtension("clap.state"))?;
        let mut reader = bytes;
        let accepted = state
            .load(&self.plugin.plugin_handle(), &mut reader)
            .is_ok();
        self.run_main_thread_callbacks();
        Ok(accepted)
    }

    // ----- audio ports ------------------------------------------------------------------------

    /// The current input (`is_input`) or output audio ports.
    pub fn audio_ports(&mut self, is_input: bool) -> Vec<PortInfo> {
        let Some(ports) = self.ext.audio_ports else {
            return Vec::new();
        };
        let count = ports.count(&self.plugin.plugin_handle(), is_input);
        let mut buffer = AudioPortInfoBuffer::new();
        (0..count)
            .filter_map(|index| {
                ports
                    .get(&self.plugin.plugin_handle(), index, is_input, &mut buffer)
                    .map(|info| PortInfo::from_clap(&info))
            })
            .collect()
    }

    /// The layouts offered through `clap.audio-ports-config` (empty without the extension).
    pub fn port_configs(&mut self) -> Vec<PortConfig> {
        let Some(configs) = self.ext.audio_ports_config else {
            return Vec::new();
        };
        let count = configs.count(&self.plugin.plugin_handle());
        let mut buffer = AudioPortsConfigBuffer::new();
        (0..count)
            .filter_map(|index| {
                configs
                    .get(&self.plugin.plugin_handle(), index, &mut buffer)
                    .map(|config| PortConfig::from_clap(&config))
            })
            .collect()
    }

    /// Asks the plugin to switch to layout `id`; returns whether it accepted. Only while
    /// inactive, as CLAP requires.
    pub fn select_port_config(&mut self, id: u32) -> Result<bool, Error> {
        let configs = self
            .ext
            .audio_ports_config
            .ok_or(Error::MissingExtension("clap.audio-ports-config"))?;
        if self.is_active() {
            return Err(usage("select a port config only while inactive"));
        }
        let id = ClapId::from_raw(id).ok_or_else(|| usage("CLAP_INVALID_ID"))?;
        Ok(configs.select(&self.plugin.plugin_handle(), id).is_ok())
    }

    /// Channels of the main port of a direction, from `clap.audio-ports`.
    fn main_channels(&mut self, is_input: bool) -> Result<usize, Error> {
        let ports = self.audio_ports(is_input);
        match ports.as_slice() {
            [] => Ok(0),
            [port] => Ok(port.channel_count as usize),
            _ => Err(usage(format!(
                "{} {} ports: only a single main port is supported",
                ports.len(),
                if is_input { "input" } else { "output" }
            ))),
        }
    }

    // ----- processing -------------------------------------------------------------------------

    /// Activates the plugin for `sample_rate` and blocks of `min_frames..=max_frames` samples,
    /// with the channel layout its audio ports report now.
    pub fn activate(
        &mut self,
        sample_rate: f64,
        min_frames: u32,
        max_frames: u32,
    ) -> Result<(), Error> {
        if self.is_active() {
            return Err(usage("already active"));
        }
        if min_frames == 0 || min_frames > max_frames {
            return Err(usage(format!(
                "invalid block range {min_frames}..={max_frames}"
            )));
        }
        let config = ActiveConfig {
            sample_rate,
            min_frames,
            max_frames,
            input_channels: self.main_channels(true)?,
            output_channels: self.main_channels(false)?,
        };
        let processor = self.plugin.activate(
            |_, _| (),
            PluginAudioConfiguration {
                sample_rate,
                min_frames_count: min_frames,
                max_frames_count: max_frames,
            },
        )?;
        self.processor = Some(processor.into());
        self.engine = Some(Engine::new(config));
        self.run_main_thread_callbacks();
        Ok(())
    }

    /// Whether the plugin is active.
    pub fn is_active(&self) -> bool {
        self.processor.is_some()
    }

    /// The configuration of the current activation.
    pub fn active_config(&self) -> Option<ActiveConfig> {
        self.engine.as_ref().map(|e| e.config)
    }

    fn processor_mut(&mut self) -> Result<&mut PluginAudioProcessor<TestHost>, Error> {
        self.processor.as_mut().ok_or_else(|| usage("not active"))
    }

    /// `clap_plugin.start_processing()` (audio-thread role).
    pub fn start_processing(&mut self) -> Result<(), Error> {
        let record = self.record.clone();
        let processor = self.processor_mut()?;
        record.set_audio_context(true);
        let result = processor.start_processing().map(|_| ());
        record.set_audio_context(false);
        Ok(result?)
    }

    /// `clap_plugin.stop_processing()` (audio-thread role).
    pub fn stop_processing(&mut self) -> Result<(), Error> {
        let record = self.record.clone();
        let processor = self.processor_mut()?;
        record.set_audio_context(true);
        let result = processor.stop_processing().map(|_| ());
        record.set_audio_context(false);
        self.run_main_thread_callbacks();
        Ok(result?)
    }

    /// `clap_plugin.reset()` (audio-thread role).
    pub fn reset(&mut self) -> Result<(), Error> {
        let record = self.record.clone();
        let processor = self.processor_mut()?;
        record.set_audio_context(true);
        processor.reset();
        record.set_audio_context(false);
        Ok(())
    }

    /// Processes one block: `inputs`/`outputs` hold one slice per channel of the activated
    /// layout, all the same length (1..=max_frames); `events` are delivered with their sample
    /// offsets (sorted by time here; each must be < the block length). Parameter events the
    /// plugin emits are kept for [`take_output_events`](Self::take_output_events).
    pub fn process(
        &mut self,
        inputs: &[&[f32]],
        outputs: &mut [&mut [f32]],
        events: &[ParamEvent],
    ) -> Result<ProcessStatus, Error> {
        let record = self.record.clone();
        let (Some(processor), Some(engine)) = (self.processor.as_mut(), self.engine.as_mut())
        else {
            return Err(usage("not active"));
        };
        let started = processor
            .as_started_mut()
            .map_err(|_| usage("processing is not started"))?;
        let config = engine.config;
        if inputs.len() != config.input_channels || outputs.len() != config.output_channels {
            return Err(usage(format!(
                "{} in / {} out channels given, the layout has {} / {}",
                inputs.len(),
                outputs.len(),
                config.input_channels,
                config.output_channels
            )));
        }
        let frames = inputs
            .first()
            .map(|c| c.len())
            .or_else(|| outputs.first().map(|c| c.len()))
            .unwrap_or(0);
        if frames == 0 || frames > config.max_frames as usize {
            return Err(usage(format!(
                "block of {frames} frames outside 1..={}",
                config.max_frames
            )));
        }
        if inputs.iter().any(|c| c.len() != frames) || outputs.iter().any(|c| c.len() != frames) {
            return Err(usage("channel slices differ in length"));
        }
        if let Some(event) = events.iter().find(|e| e.time() as usize >= frames) {
            return Err(usage(format!(
                "event at sample {} in a block of {frames}",
                event.time()
            )));
        }

        let Engine {
            inputs: in_bufs,
            outputs: out_bufs,
            input_ports,
            output_ports,
            input_events,
            output_events,
            steady_time,
            ..
        } = engine;
        for (buffer, src) in in_bufs.iter_mut().zip(inputs) {
            buffer[..frames].copy_from_slice(src);
        }
        input_events.clear();
        for event in events {
            event.push_to(input_events);
        }
        input_events.sort();
        output_events.clear();

        let status = {
            let input_audio = input_ports.with_input_buffers((!in_bufs.is_empty()).then(|| {
                AudioPortBuffer {
                    latency: 0,
                    channels: AudioPortBufferType::f32_input_only(
                        in_bufs
                            .iter_mut()
                            .map(|b| InputChannel::variable(&mut b[..frames])),
                    ),
                }
            }));
            let mut output_audio =
                output_ports.with_output_buffers((!out_bufs.is_empty()).then(|| AudioPortBuffer {
                    latency: 0,
                    channels: AudioPortBufferType::f32_output_only(
                        out_bufs.iter_mut().map(|b| &mut b[..frames]),
                    ),
                }));
            record.set_audio_context(true);
            let status = started.process(
                &input_audio,
                &mut output_audio,
                &input_events.as_input(),
                &mut output_events.as_output(),
                Some(*steady_time),
                None,
            );
            record.set_audio_context(false);
            status?
        };
        *steady_time += frames as u64;

        for (dst, buffer) in outputs.iter_mut().zip(out_bufs.iter()) {
            dst.copy_from_slice(&buffer[..frames]);
        }
        self.output_events
            .extend(output_events.iter().filter_map(ParamEvent::from_clap));
        Ok(status)
    }

    /// Stops processing if needed and deactivates the plugin.
    pub fn deactivate(&mut self) -> Result<(), Error> {
        let mut processor = self.processor.take().ok_or_else(|| usage("not active"))?;
        if processor.is_started() {
            self.record.set_audio_context(true);
            processor.ensure_processing_stopped();
            self.record.set_audio_context(false);
        }
        self.plugin.deactivate(processor.into_stopped());
        self.engine = None;
        self.run_main_thread_callbacks();
        Ok(())
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if self.is_active() {
            let _ = self.deactivate();
        }
    }
}
