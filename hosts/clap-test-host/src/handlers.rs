//! The host side of the CLAP contract: callbacks the plugin may call, all recorded in a
//! [`HostRecord`] that the owning [`Instance`](crate::Instance) reads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

use clack_extensions::audio_ports::{AudioPortRescanFlags, HostAudioPorts, HostAudioPortsImpl};
use clack_extensions::audio_ports_config::{HostAudioPortsConfig, HostAudioPortsConfigImpl};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamRescanFlags,
};
use clack_extensions::state::{HostState, HostStateImpl};
use clack_extensions::thread_check::{HostThreadCheck, HostThreadCheckImpl};
use clack_extensions::track_info::{
    HostTrackInfo, HostTrackInfoImpl, TrackInfo, TrackInfoFlags, TrackInfoWriter,
};
use clack_host::prelude::*;

/// One line the plugin logged through the host's `clap.log` extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The severity the plugin gave.
    pub severity: LogSeverity,
    /// The message text.
    pub message: String,
}

/// Everything the plugin asked of the host, in the order it asked.
///
/// Shared between the host callbacks (which may run on any thread) and the
/// [`Instance`](crate::Instance) that reads it.
#[derive(Debug)]
pub struct HostRecord {
    main_thread: ThreadId,
    in_audio_context: AtomicBool,
    logs: Mutex<Vec<LogEntry>>,
    param_rescans: Mutex<Vec<ParamRescanFlags>>,
    param_clears: Mutex<Vec<(u32, ParamClearFlags)>>,
    audio_ports_rescans: Mutex<Vec<AudioPortRescanFlags>>,
    audio_ports_config_rescans: AtomicUsize,
    dirty_marks: AtomicUsize,
    restart_requested: AtomicBool,
    process_requested: AtomicBool,
    callback_requested: AtomicBool,
    flush_requested: AtomicBool,
    /// Leaked: clack's `track-info` writer wants the name borrowed as long as the host itself (a
    /// few bytes per rename, in a test host).
    track_name: Mutex<Option<&'static str>>,
    pub(crate) gui: crate::gui::GuiRecord,
}

fn leak(name: &str) -> &'static str {
    Box::leak(name.into())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HostRecord {
    /// A record whose main thread is the calling thread, on a track named `track_name` (none: the
    /// host's `track-info` answers that it has no information).
    pub(crate) fn new(track_name: Option<&str>) -> Self {
        Self {
            main_thread: thread::current().id(),
            in_audio_context: AtomicBool::new(false),
            logs: Mutex::default(),
            param_rescans: Mutex::default(),
            param_clears: Mutex::default(),
            audio_ports_rescans: Mutex::default(),
            audio_ports_config_rescans: AtomicUsize::new(0),
            dirty_marks: AtomicUsize::new(0),
            restart_requested: AtomicBool::new(false),
            process_requested: AtomicBool::new(false),
            callback_requested: AtomicBool::new(false),
            flush_requested: AtomicBool::new(false),
            track_name: Mutex::new(track_name.map(leak)),
            gui: crate::gui::GuiRecord::default(),
        }
    }

    /// Marks the start/end of a call the host makes in its audio-thread role. The test host
    /// drives the audio processor from the main OS thread, so `clap.thread-check` answers from
    /// this flag: inside such a call the thread is the audio thread and not the main thread.
    pub(crate) fn set_audio_context(&self, active: bool) {
        self.in_audio_context.store(active, Ordering::SeqCst);
    }

    fn on_main_thread(&self) -> bool {
        !self.in_audio_context.load(Ordering::SeqCst) && thread::current().id() == self.main_thread
    }

    /// A copy of every log line so far.
    pub fn logs(&self) -> Vec<LogEntry> {
        lock(&self.logs).clone()
    }

    /// Removes and returns every log line so far.
    pub fn take_logs(&self) -> Vec<LogEntry> {
        std::mem::take(&mut *lock(&self.logs))
    }

    /// Every `clap_host_params.rescan()` call so far, with its flags.
    pub fn param_rescans(&self) -> Vec<ParamRescanFlags> {
        lock(&self.param_rescans).clone()
    }

    /// Every `clap_host_params.clear()` call so far: `(param_id, flags)`.
    pub fn param_clears(&self) -> Vec<(u32, ParamClearFlags)> {
        lock(&self.param_clears).clone()
    }

    /// Every `clap_host_audio_ports.rescan()` call so far.
    pub fn audio_ports_rescans(&self) -> Vec<AudioPortRescanFlags> {
        lock(&self.audio_ports_rescans).clone()
    }

    /// How often the plugin called `clap_host_audio_ports_config.rescan()`.
    pub fn audio_ports_config_rescans(&self) -> usize {
        self.audio_ports_config_rescans.load(Ordering::SeqCst)
    }

    /// How often the plugin called `clap_host_state.mark_dirty()`.
    pub fn dirty_marks(&self) -> usize {
        self.dirty_marks.load(Ordering::SeqCst)
    }

    /// Whether the plugin asked for a restart (deactivate + activate) since the last call.
    pub fn take_restart_request(&self) -> bool {
        self.restart_requested.swap(false, Ordering::SeqCst)
    }

    /// Whether the plugin asked to be processed since the last call.
    pub fn take_process_request(&self) -> bool {
        self.process_requested.swap(false, Ordering::SeqCst)
    }

    /// Whether the plugin asked for a parameter flush since the last call.
    pub fn take_flush_request(&self) -> bool {
        self.flush_requested.swap(false, Ordering::SeqCst)
    }

    /// The track name the host's `track-info` gives (see [`crate::Instance::set_track_name`]).
    pub fn track_name(&self) -> Option<String> {
        lock(&self.track_name).map(str::to_owned)
    }

    pub(crate) fn set_track_name(&self, name: Option<&str>) {
        *lock(&self.track_name) = name.map(leak);
    }

    pub(crate) fn take_callback_request(&self) -> bool {
        self.callback_requested.swap(false, Ordering::SeqCst)
    }
}

/// The [`HostHandlers`] type of the test host.
pub(crate) struct TestHost;

/// Thread-safe host callbacks.
pub(crate) struct Shared {
    pub(crate) record: Arc<HostRecord>,
}

/// Main-thread host callbacks.
pub(crate) struct MainThread {
    record: Arc<HostRecord>,
}

impl MainThread {
    pub(crate) fn new(shared: &Shared) -> Self {
        Self {
            record: shared.record.clone(),
        }
    }
}

impl HostHandlers for TestHost {
    type Shared<'a> = Shared;
    type MainThread<'a> = MainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostLog>()
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostAudioPorts>()
            .register::<HostAudioPortsConfig>()
            .register::<HostThreadCheck>()
            .register::<HostTrackInfo>()
            .register::<clack_extensions::gui::HostGui>();
    }
}

impl SharedHandler<'_> for Shared {
    fn request_restart(&self) {
        self.record.restart_requested.store(true, Ordering::SeqCst);
    }

    fn request_process(&self) {
        self.record.process_requested.store(true, Ordering::SeqCst);
    }

    fn request_callback(&self) {
        self.record.callback_requested.store(true, Ordering::SeqCst);
    }
}

impl MainThreadHandler<'_> for MainThread {}

impl HostLogImpl for Shared {
    fn log(&self, severity: LogSeverity, message: &str) {
        lock(&self.record.logs).push(LogEntry {
            severity,
            message: message.to_owned(),
        });
    }
}

impl HostParamsImplShared for Shared {
    fn request_flush(&self) {
        self.record.flush_requested.store(true, Ordering::SeqCst);
    }
}

impl HostParamsImplMainThread for MainThread {
    fn rescan(&self, flags: ParamRescanFlags) {
        lock(&self.record.param_rescans).push(flags);
    }

    fn clear(&self, param_id: ClapId, flags: ParamClearFlags) {
        lock(&self.record.param_clears).push((param_id.get(), flags));
    }
}

impl HostStateImpl for MainThread {
    fn mark_dirty(&self) {
        self.record.dirty_marks.fetch_add(1, Ordering::SeqCst);
    }
}

impl HostAudioPortsImpl for MainThread {
    fn is_rescan_flag_supported(&self, _flag: AudioPortRescanFlags) -> bool {
        true
    }

    fn rescan(&self, flags: AudioPortRescanFlags) {
        lock(&self.record.audio_ports_rescans).push(flags);
    }
}

impl HostAudioPortsConfigImpl for MainThread {
    fn rescan(&self) {
        self.record
            .audio_ports_config_rescans
            .fetch_add(1, Ordering::SeqCst);
    }
}

impl HostThreadCheckImpl for Shared {
    fn is_main_thread(&self) -> bool {
        self.record.on_main_thread()
    }

    fn is_audio_thread(&self) -> bool {
        self.record.in_audio_context.load(Ordering::SeqCst)
    }
}

impl HostTrackInfoImpl for MainThread {
    fn get<'a>(&'a self, writer: &mut TrackInfoWriter<'_, 'a>) {
        let name = *lock(&self.record.track_name);
        if let Some(name) = name {
            writer.set(
                &TrackInfo::new()
                    .with_flags(TrackInfoFlags::HAS_TRACK_NAME)
                    .with_name(Some(name.as_bytes())),
            );
        }
    }
}
