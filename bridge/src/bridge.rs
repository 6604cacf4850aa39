//! The bridge of one plugin instance: the public API the plugin glue and the transports use.
//!
//! - The plugin glue creates it with [`Bridge::start`] when the editor opens, forwards nice-plug's
//!   editor-handle callbacks ([`Bridge::param_value_changed`], [`Bridge::state_changed`]) and calls
//!   [`Bridge::shutdown`] when the editor closes.
//! - A transport calls [`Bridge::connect`] per connection, hands every received text to
//!   [`Client::handle`] (sending back what it returns) and sends what [`Client::try_next`] /
//!   [`Client::next_timeout`] yield. Dropping the [`Client`] disconnects it and ends its gestures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::Params;
use parking_lot::Mutex;

use crate::host_calls::{HostCalls, HostOp};
use crate::jsonrpc::notification;
use crate::outbox::{Next, Outbox, Outgoing, Waker};
use crate::param_table::ParamTable;
use crate::protocol::{
    LoudnessReading, MeterFrame, ParameterChanged, ParametersReset, TrackNameChanged, Transport,
};
use crate::registry::{ClientId, Registry};
use crate::sampler::Sampler;
use crate::streams::StreamSpec;
use crate::watcher::Watcher;

/// Where the meter sampler reads the instance's meters. Only the bridge's sampler calls it, so
/// "peak since the last read" is never split between readers.
pub trait MeterSource: Send + Sync + 'static {
    /// Replaces `frame`'s readings (`channels`, `input`, `correlation`) with new ones; the
    /// sampler sets `t`. Reusing the frame's vectors keeps the sampler from allocating.
    fn read_into(&self, frame: &mut MeterFrame);

    /// The plugin's loudness now (`getLoudness`), if it measures any. Reading it consumes
    /// nothing, so it may be called from any client's thread, beside the sampler.
    fn loudness(&self) -> Option<LoudnessReading> {
        None
    }

    /// Asks the plugin to restart its integrated loudness values (`resetLoudness`); `false` if
    /// it measures no loudness.
    fn reset_loudness(&self) -> bool {
        false
    }

    /// The streams the plugin offers (`getStreams`), asked once when a bridge starts; a
    /// stream's id is its index here.
    fn streams(&self) -> Vec<StreamSpec> {
        Vec::new()
    }

    /// Replaces `values` with a reading of stream `id` (at most its `max_values`; more are cut).
    /// Only the sampler calls it, and only when a subscriber's frame is due, so a stream that
    /// hands out "what arrived since the last reading" (a scope's samples) is never split between
    /// readers. Reusing `values` keeps the sampler from allocating.
    fn read_stream(&self, id: u16, values: &mut Vec<f32>) {
        let _ = id;
        values.clear();
    }
}

/// Asks the host to call [`Bridge::on_main_thread`] soon on its main (GUI) thread (nice-plug's
/// `HostMainThreadCaller`). It may be called from any thread, never with a bridge lock held.
pub type MainThreadRequest = Box<dyn Fn() + Send + Sync>;

/// Asks the host for a new editor size (physical pixels); returns whether it was accepted.
pub type ResizeHandler = Box<dyn Fn(u32, u32) -> bool + Send + Sync>;

/// Starts (or finds running) the instance's browser server; returns where a browser reaches it, or
/// why it could not start. Called for `openInBrowser`, on the calling client's thread.
pub type BrowserHandler =
    Box<dyn Fn() -> Result<crate::protocol::BrowserAddress, String> + Send + Sync>;

/// What `getInfo` reports about the plugin.
#[derive(Clone, Debug)]
pub struct PluginInfo {
    /// Plugin name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Plugin vendor.
    pub vendor: String,
}

/// How a transport describes a new client.
pub struct ClientOptions {
    /// The transport the client comes through, as `getInfo` reports it.
    pub transport: Transport,
    /// Whether this is the editor's own page: only its `requestResize` reaches the host, and only
    /// it may `openInBrowser`.
    pub editor_page: bool,
    /// Called whenever the client has something new to send.
    pub waker: Option<Waker>,
}

impl ClientOptions {
    /// A client of `transport` that may not resize the editor and is polled without a waker.
    pub fn new(transport: Transport) -> Self {
        Self {
            transport,
            editor_page: false,
            waker: None,
        }
    }
}

/// The state shared by the bridge, its clients and its sampler.
pub(crate) struct Shared {
    pub params: ParamTable,
    /// The instance's GUI context (closed after shutdown). Also serializes every command.
    /// Lock order: `gui`, then `registry`, then an outbox; host callbacks take only `registry`,
    /// so a callback arriving while a command runs cannot deadlock.
    pub gui: Mutex<HostCalls>,
    pub main_thread: Option<MainThreadRequest>,
    pub registry: Mutex<Registry>,
    pub sampler: Sampler,
    pub watcher: Watcher,
    pub info: PluginInfo,
    pub resize: Mutex<Option<ResizeHandler>>,
    pub browser: Mutex<Option<BrowserHandler>>,
    /// The host's name for the instance's track (`getInfo`). Taken before `registry` when both
    /// are held.
    pub track_name: Mutex<Option<String>>,
    pub started: Instant,
}

/// The bridge of one plugin instance. Cloning gives another handle to the same bridge.
#[derive(Clone)]
pub struct Bridge {
    shared: Arc<Shared>,
}

impl Bridge {
    /// Starts the bridge of an instance whose editor just opened with `gui`.
    ///
    /// With `main_thread`, calls into `gui` wait for [`Bridge::on_main_thread`], which the editor
    /// calls from the host's main thread as nice-plug's `GuiContext` requires; without it (the
    /// standalone, whose context may be used from any thread) they run at once on the caller's
    /// thread.
    pub fn start(
        params: Arc<dyn Params>,
        gui: GuiContext,
        meters: Arc<dyn MeterSource>,
        info: PluginInfo,
        main_thread: Option<MainThreadRequest>,
    ) -> Self {
        let params = ParamTable::new(params);
        let sampler = Sampler::new(meters);
        let mut registry = Registry::new(params.len(), sampler.stream_count());
        for index in 0..params.len() {
            registry.set_announced(index, params.value(index).normalized);
        }
        let shared = Arc::new(Shared {
            params,
            gui: Mutex::new(HostCalls::new(gui, main_thread.is_some())),
            main_thread,
            registry: Mutex::new(registry),
            sampler,
            watcher: Watcher::default(),
            info,
            resize: Mutex::new(None),
            browser: Mutex::new(None),
            track_name: Mutex::new(None),
            started: Instant::now(),
        });
        Sampler::spawn_thread(&shared);
        Self { shared }
    }

    /// Sets what `requestResize` calls for clients connected with `editor_page`.
    pub fn set_resize_handler(&self, handler: Option<ResizeHandler>) {
        *self.shared.resize.lock() = handler;
    }

    /// Sets what `openInBrowser` calls for the editor's page (none: the method is unavailable).
    pub fn set_browser_handler(&self, handler: Option<BrowserHandler>) {
        *self.shared.browser.lock() = handler;
    }

    /// Also notices parameter changes nobody reports to the bridge, by reading the parameters at
    /// 60 Hz while clients are connected: with no editor open, nice-plug tells no one of host
    /// automation. Each change is still announced once (see [`Bridge::param_value_changed`]).
    pub fn watch_parameters(&self) {
        Watcher::start(&self.shared);
    }

    /// Registers a new client; `None` once the bridge has shut down.
    pub fn connect(&self, options: ClientOptions) -> Option<Client> {
        // Holding `gui` keeps a concurrent `shutdown` from missing this client.
        let gui = self.shared.gui.lock();
        if !gui.is_open() {
            return None;
        }
        let outbox = Arc::new(Outbox::new(
            options.waker,
            self.shared.sampler.stream_count(),
        ));
        let id =
            self.shared
                .registry
                .lock()
                .add(outbox.clone(), options.transport, options.editor_page);
        drop(gui);
        Some(Client {
            shared: self.shared.clone(),
            id,
            outbox,
        })
    }

    /// nice-plug's `EditorHandle::param_value_changed`: the host applied a change (host automation,
    /// or the echo of a client's set). Sends exactly one `parameterChanged` to every client; a
    /// value already announced (the parameter watcher saw it first, or a set to the current value)
    /// is not announced again.
    pub fn param_value_changed(&self, id: &str) {
        let Ok(index) = self.shared.params.index(id) else {
            return;
        };
        self.shared.announce(index);
    }

    /// nice-plug's `EditorHandle::state_changed`: the host loaded state or a preset. Sends one
    /// `parametersReset` to every client.
    pub fn state_changed(&self) {
        let mut registry = self.shared.registry.lock();
        for index in 0..self.shared.params.len() {
            registry.set_announced(index, self.shared.params.value(index).normalized);
        }
        let seq = registry.next_seq();
        let text: Arc<str> = notification(&ParametersReset { seq }).into();
        registry.broadcast(&text, seq);
    }

    /// The host named (or renamed) the instance's track: `getInfo` reports `name` from now on, and
    /// every client gets one `trackNameChanged` when it differs from the name known so far. An
    /// empty name counts as none. Any thread.
    pub fn set_track_name(&self, name: Option<&str>) {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        // Held until the broadcast: two renames reach every client in the order they were made.
        let mut known = self.shared.track_name.lock();
        if known.as_deref() == name {
            return;
        }
        *known = name.map(str::to_owned);
        let text: Arc<str> = notification(&TrackNameChanged {
            track_name: name.map(str::to_owned),
        })
        .into();
        // Not a parameter change: no new seq. A client whose queue overflows gets
        // `parametersReset` instead, after which it reads `getInfo` again.
        let registry = self.shared.registry.lock();
        registry.broadcast(&text, registry.seq());
    }

    /// Reads the meters now and sends the frame to every subscriber at once, whatever its rate
    /// (each rate's schedule restarts from now): e.g. to refresh meters as soon as the editor is
    /// shown. Otherwise the sampler sends frames at the subscribed rates by itself.
    pub fn send_meter_frame_now(&self) {
        let tick = Duration::from_secs_f64(1.0 / crate::sampler::MAX_METER_HZ);
        self.shared.sampler.sample(&self.shared, tick, true);
    }

    /// The number of changes so far (the `seq` of the newest notification).
    pub fn seq(&self) -> u64 {
        self.shared.registry.lock().seq()
    }

    /// Number of connected clients.
    pub fn client_count(&self) -> usize {
        self.shared.registry.lock().len()
    }

    /// nice-plug's `EditorHandle::host_main_thread_callback`: makes the calls into the
    /// `GuiContext` that clients' requests queued, in order. Call it on the host's main thread.
    pub fn on_main_thread(&self) {
        self.shared.gui.lock().run_pending();
    }

    /// Makes the queued calls, ends every gesture (the host sees the ends), closes every client
    /// and stops (joins) the sampler and the watcher. The GUI context is not used afterwards. Call it when the editor
    /// closes, on the host's main thread.
    pub fn shutdown(&self) {
        let mut gui = self.shared.gui.lock();
        if !gui.is_open() {
            return;
        }
        let owned = self.shared.registry.lock().close_all();
        let params = &self.shared.params;
        gui.close(owned.into_iter().map(|i| HostOp::End(params.entry(i).ptr)));
        drop(gui);
        self.shared.sampler.stop();
        self.shared.watcher.stop();
    }

    /// Like [`Bridge::shutdown`], but without calling the host: for a bridge that outlives its
    /// editor, when the instance itself is destroyed. Any thread.
    pub fn detach(&self) {
        let mut gui = self.shared.gui.lock();
        if !gui.is_open() {
            return;
        }
        self.shared.registry.lock().close_all();
        gui.abandon();
        drop(gui);
        self.shared.sampler.stop();
        self.shared.watcher.stop();
    }
}

/// One connected client, owned by its transport. Dropping it disconnects the client: the gestures
/// it owns end (the host sees the end) and its meter subscription stops.
pub struct Client {
    shared: Arc<Shared>,
    id: ClientId,
    outbox: Arc<Outbox>,
}

impl Client {
    /// This client's id within its bridge.
    pub fn id(&self) -> ClientId {
        self.id
    }

    /// Handles one received message (UTF-8 JSON text). Returns the text to send back, or `None`
    /// when nothing is to be sent (notifications, batches of notifications).
    pub fn handle(&self, text: &str) -> Option<String> {
        crate::dispatch::handle(&self.shared, self.id, text)
    }

    /// Handles one received message as raw bytes (e.g. a line read from a pipe): text that is not
    /// UTF-8 is answered with a parse error (−32700).
    pub fn handle_bytes(&self, bytes: &[u8]) -> Option<String> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.handle(text),
            Err(_) => Some(crate::dispatch::parse_error()),
        }
    }

    /// The next message to send, if one is waiting.
    pub fn try_next(&self) -> Option<Outgoing> {
        self.outbox.try_next()
    }

    /// Waits up to `timeout` for the next message to send.
    pub fn next_timeout(&self, timeout: Duration) -> Next {
        self.outbox.next_timeout(timeout)
    }

    /// Whether the bridge has shut down (the transport should close the connection).
    pub fn is_closed(&self) -> bool {
        self.outbox.is_closed()
    }

    /// Whether this client ever fell more than [`crate::QUEUE_LIMIT`] notifications behind, so
    /// that changes were dropped for it (it was sent one `parametersReset` instead). A transport
    /// may close such a client rather than keep a connection that cannot keep up.
    pub fn has_overflowed(&self) -> bool {
        self.outbox.has_overflowed()
    }

    /// The page behind this client started over (e.g. the editor's page reloaded): the gestures
    /// it owned end (the host sees the ends) and its meter subscription stops, as on a
    /// disconnect, but the client stays connected for the new page.
    pub fn restart(&self) {
        self.release(|registry, id| registry.release(id));
    }

    fn release(&self, release: impl FnOnce(&mut Registry, ClientId) -> Vec<usize>) {
        let mut gui = self.shared.gui.lock();
        let owned = release(&mut self.shared.registry.lock(), self.id);
        let mut request = false;
        for index in owned {
            request |= gui.send(HostOp::End(self.shared.params.entry(index).ptr));
        }
        drop(gui);
        if request {
            self.shared.request_main_thread();
        }
        self.shared.sampler.rate_changed(&self.shared);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.release(|registry, id| registry.remove(id));
    }
}

impl Shared {
    /// Sends one `parameterChanged` for parameter `index` to every client, unless its current
    /// value is the one announced last.
    pub fn announce(&self, index: usize) {
        let mut registry = self.registry.lock();
        let value = self.params.value(index);
        if !registry.set_announced(index, value.normalized) {
            return;
        }
        let seq = registry.next_seq();
        let text: Arc<str> = notification(&ParameterChanged {
            id: value.id,
            value: value.value,
            normalized: value.normalized,
            text: value.text,
            seq,
        })
        .into();
        registry.broadcast(&text, seq);
    }

    /// Asks the host for a main-thread call (after a [`HostCalls::send`] said so).
    pub fn request_main_thread(&self) {
        if let Some(request) = &self.main_thread {
            request();
        }
    }
}
