//! The bridge on the real nice-plug CLAP wrapper, in process: a small CLAP host (clack-host) loads
//! this crate's own `clap_entry`, opens the editor through `clap.gui` (so the wrapper spawns the
//! editor with its real `GuiContext`), and clients talk to the bridge the editor started.
//!
//! Checked: a client's set is applied by the wrapper and audible at the output; it comes back as
//! exactly one `parameterChanged` per client; host automation likewise; a client's gesture reaches
//! the host as gesture events and ends when the client goes away; a state load is one
//! `parametersReset`; meters reach subscribers; closing the editor closes the clients.

use std::collections::HashMap;
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use bridge::protocol::Transport;
use bridge::{Bridge, ClientOptions, Next};
use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiSize, HostGui, HostGuiImpl, PluginGui,
};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamInfoBuffer,
    ParamRescanFlags, PluginParams,
};
use clack_extensions::state::{HostState, HostStateImpl, PluginState};
use clack_extensions::thread_check::{HostThreadCheck, HostThreadCheckImpl};
use clack_host::entry::EntryDescriptor;
use clack_host::events::Pckn;
use clack_host::events::event_types::{
    ParamGestureBeginEvent, ParamGestureEndEvent, ParamValueEvent,
};
use clack_host::events::io::EventBuffer;
use clack_host::prelude::*;
use gui_test::ParamView;
use serde_json::{Value, json};
use webstrip_tests::rpc::{changed, notifications, ok};

// ----- the host ------------------------------------------------------------------------------

struct Record {
    main_thread: ThreadId,
    audio_context: AtomicBool,
    callback_requested: AtomicBool,
    flush_requested: AtomicBool,
}

impl Record {
    fn on_main_thread(&self) -> bool {
        !self.audio_context.load(Ordering::SeqCst) && thread::current().id() == self.main_thread
    }
}

struct TestHost;

struct Shared {
    record: Arc<Record>,
}

struct MainThread;

impl HostHandlers for TestHost {
    type Shared<'a> = Shared;
    type MainThread<'a> = MainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostThreadCheck>()
            .register::<HostGui>();
    }
}

impl SharedHandler<'_> for Shared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {
        self.record.callback_requested.store(true, Ordering::SeqCst);
    }
}

impl MainThreadHandler<'_> for MainThread {}

impl HostParamsImplShared for Shared {
    fn request_flush(&self) {
        self.record.flush_requested.store(true, Ordering::SeqCst);
    }
}

impl HostParamsImplMainThread for MainThread {
    fn rescan(&self, _flags: ParamRescanFlags) {}
    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {}
}

impl HostStateImpl for MainThread {
    fn mark_dirty(&self) {}
}

impl HostThreadCheckImpl for Shared {
    fn is_main_thread(&self) -> bool {
        self.record.on_main_thread()
    }
    fn is_audio_thread(&self) -> bool {
        self.record.audio_context.load(Ordering::SeqCst)
    }
}

impl HostGuiImpl for Shared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, _new_size: GuiSize) -> Result<(), HostError> {
        Err(HostError::Message("fixed size"))
    }
    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

/// A parameter event the plugin emitted or the host sends.
#[derive(Clone, Debug, PartialEq)]
enum Event {
    Value(u32, f64),
    Begin(u32),
    End(u32),
}

fn read_events(buffer: &EventBuffer) -> Vec<Event> {
    buffer
        .iter()
        .filter_map(|e| {
            if let Some(e) = e.as_event::<ParamValueEvent>() {
                return Some(Event::Value(e.param_id()?.get(), e.value()));
            }
            if let Some(e) = e.as_event::<ParamGestureBeginEvent>() {
                return Some(Event::Begin(e.param_id()?.get()));
            }
            if let Some(e) = e.as_event::<ParamGestureEndEvent>() {
                return Some(Event::End(e.param_id()?.get()));
            }
            None
        })
        .collect()
}

const FRAMES: usize = 256;

/// One in-process Webstrip instance hosted through the CLAP ABI.
struct Host {
    plugin: PluginInstance<TestHost>,
    record: Arc<Record>,
    params: PluginParams,
    gui: PluginGui,
    state: PluginState,
    processor: Option<StartedPluginAudioProcessor<TestHost>>,
    steady_time: u64,
}

impl Host {
    fn new(entry: &PluginEntry) -> Self {
        let record = Arc::new(Record {
            main_thread: thread::current().id(),
            audio_context: AtomicBool::new(false),
            callback_requested: AtomicBool::new(false),
            flush_requested: AtomicBool::new(false),
        });
        let shared_record = record.clone();
        let info = HostInfo::new("bridge-test", "Webstrip", "", "0").unwrap();
        let plugin = PluginInstance::<TestHost>::new(
            move |_| Shared {
                record: shared_record,
            },
            |_| MainThread,
            entry,
            c"org.webstrip.webstrip",
            &info,
        )
        .unwrap();
        let handle = plugin.plugin_shared_handle();
        let (params, gui, state) = (
            handle.get_extension().unwrap(),
            handle.get_extension().unwrap(),
            handle.get_extension().unwrap(),
        );
        let mut host = Self {
            plugin,
            record,
            params,
            gui,
            state,
            processor: None,
            steady_time: 0,
        };
        host.main_thread_callbacks();
        host
    }

    fn main_thread_callbacks(&mut self) {
        while self.record.callback_requested.swap(false, Ordering::SeqCst) {
            self.plugin.call_on_main_thread_callback();
        }
    }

    /// CLAP id of the parameter named `name`.
    fn param_id(&mut self, name: &str) -> u32 {
        let count = self.params.count(&self.plugin.plugin_handle());
        let mut buffer = ParamInfoBuffer::new();
        (0..count)
            .find_map(|i| {
                let info = self
                    .params
                    .get_info(&self.plugin.plugin_handle(), i, &mut buffer)?;
                (info.name == name.as_bytes()).then(|| info.id.get())
            })
            .unwrap()
    }

    fn open_editor(&mut self) {
        let config = GuiConfiguration {
            api_type: GuiApiType::X11,
            is_floating: false,
        };
        self.gui
            .create(&self.plugin.plugin_handle(), config)
            .unwrap();
    }

    fn close_editor(&mut self) {
        self.gui.destroy(&self.plugin.plugin_handle());
    }

    /// `clap_plugin_params.flush` while inactive (main thread): returns what the plugin emitted.
    fn flush_inactive(&mut self) -> Vec<Event> {
        self.main_thread_callbacks();
        let input = EventBuffer::new();
        let mut output = EventBuffer::with_capacity(4096);
        let mut handle = self.plugin.inactive_plugin_handle().unwrap();
        self.params
            .flush(&mut handle, &input.as_input(), &mut output.as_output());
        self.main_thread_callbacks();
        read_events(&output)
    }

    fn start(&mut self) {
        let config = PluginAudioConfiguration {
            sample_rate: 48_000.0,
            min_frames_count: 1,
            max_frames_count: FRAMES as u32,
        };
        let processor = self.plugin.activate(|_, _| (), config).unwrap();
        self.record.audio_context.store(true, Ordering::SeqCst);
        self.processor = Some(processor.start_processing().unwrap());
        self.record.audio_context.store(false, Ordering::SeqCst);
        self.main_thread_callbacks();
    }

    fn stop(&mut self) {
        let processor = self.processor.take().unwrap();
        self.record.audio_context.store(true, Ordering::SeqCst);
        let stopped = processor.stop_processing();
        self.record.audio_context.store(false, Ordering::SeqCst);
        self.plugin.deactivate(stopped);
        self.main_thread_callbacks();
    }

    /// Processes one stereo block of constant `level` with `events`; returns the output and the
    /// parameter events the plugin emitted.
    ///
    /// The host's main thread runs the callbacks the plugin asked for before and after the block.
    fn process(&mut self, level: f32, events: &[Event]) -> ([Vec<f32>; 2], Vec<Event>) {
        self.main_thread_callbacks();
        let mut inputs = [vec![level; FRAMES], vec![level; FRAMES]];
        let mut outputs = [vec![0.0f32; FRAMES], vec![0.0f32; FRAMES]];
        let mut input_events = EventBuffer::with_capacity(16);
        for event in events {
            match *event {
                Event::Value(id, v) => input_events.push(&ParamValueEvent::new(
                    0,
                    ClapId::new(id),
                    Pckn::match_all(),
                    v,
                )),
                Event::Begin(id) => {
                    input_events.push(&ParamGestureBeginEvent::new(0, ClapId::new(id)))
                }
                Event::End(id) => input_events.push(&ParamGestureEndEvent::new(0, ClapId::new(id))),
            }
        }
        // Room for everything nice-plug may emit in one block (its queue holds 2048), so the host
        // never reallocates inside `process()`.
        let mut output_events = EventBuffer::with_capacity(4096);
        let mut input_ports = AudioPorts::with_capacity(2, 1);
        let mut output_ports = AudioPorts::with_capacity(2, 1);
        let input_audio = input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                inputs
                    .iter_mut()
                    .map(|b| InputChannel::variable(&mut b[..])),
            ),
        }]);
        let [out_l, out_r] = &mut outputs;
        let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [&mut out_l[..], &mut out_r[..]].into_iter(),
            ),
        }]);
        let processor = self.processor.as_mut().unwrap();
        self.record.audio_context.store(true, Ordering::SeqCst);
        processor
            .process(
                &input_audio,
                &mut output_audio,
                &input_events.as_input(),
                &mut output_events.as_output(),
                Some(self.steady_time),
                None,
            )
            .unwrap();
        self.record.audio_context.store(false, Ordering::SeqCst);
        self.steady_time += FRAMES as u64;
        self.main_thread_callbacks();
        (outputs, read_events(&output_events))
    }

    fn save_state(&mut self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.state
            .save(&self.plugin.plugin_handle(), &mut bytes)
            .unwrap();
        bytes
    }

    fn load_state(&mut self, bytes: &[u8]) {
        let mut reader = bytes;
        self.state
            .load(&self.plugin.plugin_handle(), &mut reader)
            .unwrap();
        self.main_thread_callbacks();
    }
}

/// Bridges the editor started, newest last (one hook for the whole test binary).
static OPENED: Mutex<Vec<Bridge>> = Mutex::new(Vec::new());
/// Tests run one at a time: the hook and the bridges it collects are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

/// The crate's own CLAP entry, loaded once; and the lock that keeps tests apart.
fn entry() -> (MutexGuard<'static, ()>, &'static PluginEntry) {
    static ENTRY: OnceLock<PluginEntry> = OnceLock::new();
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let entry = ENTRY.get_or_init(|| {
        webui_toolkit::editor::on_open(|session| {
            OPENED.lock().unwrap().push(session.bridge().clone());
            Box::new(())
        });
        // SAFETY: `clap_entry` is this crate's CLAP entry (the same the `.clap` exports), and
        // the nice-plug and clack `clap_plugin_entry` types are the same C struct.
        let descriptor: &'static EntryDescriptor =
            unsafe { &*(&raw const webstrip::clap_entry).cast::<EntryDescriptor>() };
        let path: &CStr = c"/in-process/Webstrip.clap";
        unsafe { PluginEntry::load_from_raw(descriptor, path) }.unwrap()
    });
    (guard, entry)
}

/// Opens the editor through `clap.gui`; returns the bridge it started.
fn open_bridge(host: &mut Host) -> Bridge {
    host.open_editor();
    OPENED
        .lock()
        .unwrap()
        .pop()
        .expect("the editor started a bridge")
}

// ----- the clients ---------------------------------------------------------------------------

#[test]
fn the_bridge_on_nice_plugs_clap_wrapper() {
    let (_serial, entry) = entry();
    let mut host = Host::new(entry);
    let output_id = host.param_id("Output");
    let input_id = host.param_id("Input");
    let bridge = open_bridge(&mut host);
    let a = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    let b = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    assert_eq!(ok(&a, "getInfo", json!({}))["name"], "Webstrip");
    assert_eq!(
        ok(&a, "getAllParameters", json!({}))["parameters"]
            .as_array()
            .unwrap()
            .len(),
        13
    );

    // Inactive: a set is a complete gesture for the host, applied on flush, echoed exactly once.
    // Sent from another thread, as transports do (on the main thread nice-plug runs the calls at
    // once).
    let applied = thread::scope(|s| {
        s.spawn(|| ok(&a, "setParameter", json!({ "id": "output", "value": -6.0 })))
            .join()
            .unwrap()
    });
    assert_eq!(applied["value"], -6.0);
    assert!(
        notifications(&a).is_empty(),
        "nothing before the host applies it"
    );
    assert!(
        !host.record.flush_requested.load(Ordering::SeqCst),
        "GuiContext calls wait for the host's main thread"
    );
    host.main_thread_callbacks();
    assert!(
        host.record.flush_requested.swap(false, Ordering::SeqCst),
        "the wrapper asked for a flush"
    );
    let emitted = host.flush_inactive();
    assert_eq!(emitted.len(), 3, "{emitted:?}");
    assert_eq!(
        (emitted[0].clone(), emitted[2].clone()),
        (Event::Begin(output_id), Event::End(output_id))
    );
    for client in [&a, &b] {
        let notes = notifications(client);
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "output", 1);
        assert_eq!(notes[0]["params"]["value"], -6.0);
    }

    // Processing: the set is audible, and echoed exactly once.
    host.start();
    let (out, _) = host.process(0.5, &[]);
    assert!(
        (out[0][FRAMES - 1] - 0.25).abs() < 0.01,
        "−6 dB of 0.5: {}",
        out[0][FRAMES - 1]
    );
    ok(&b, "setParameter", json!({ "id": "output", "value": 0.0 }));
    let (_, emitted) = host.process(0.5, &[]);
    assert_eq!(emitted.len(), 3, "{emitted:?}");
    let mut last = 0.0;
    for _ in 0..40 {
        last = host.process(0.5, &[]).0[1][FRAMES - 1];
    }
    assert!(
        (last - 0.5).abs() < 1e-3,
        "0 dB of 0.5 once the ramp ends: {last}"
    );
    for client in [&a, &b] {
        let notes = notifications(client);
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "output", 2);
    }

    // Host automation: one notification per client, none for a repeated value.
    host.process(0.5, &[Event::Value(input_id, 0.25)]);
    host.process(0.5, &[Event::Value(input_id, 0.25)]);
    for client in [&a, &b] {
        let notes = notifications(client);
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "input", 3);
        // 0.25 on the skewed law: a sixteenth of the lower half, −6 dB.
        assert_eq!(notes[0]["params"]["value"], -6.0);
    }

    // A client's gesture: the host sees begin … end, and the end when the client goes away.
    ok(&a, "beginGesture", json!({ "id": "output" }));
    ok(&a, "setParameter", json!({ "id": "output", "value": -3.0 }));
    let (_, emitted) = host.process(0.5, &[]);
    assert_eq!(
        emitted.first(),
        Some(&Event::Begin(output_id)),
        "{emitted:?}"
    );
    assert!(!emitted.contains(&Event::End(output_id)));
    drop(a);
    let (_, emitted) = host.process(0.5, &[]);
    assert_eq!(emitted, [Event::End(output_id)]);
    let notes = notifications(&b);
    assert_eq!(notes.len(), 1, "{notes:?}");
    changed(&notes[0], "output", 4);

    // Meters: the subscriber gets frames with the output's level.
    ok(&b, "subscribeMeters", json!({ "hz": 60 }));
    let start = Instant::now();
    let mut peak = 0.0;
    while start.elapsed() < Duration::from_millis(300) {
        host.process(0.5, &[]);
        while let Some(message) = b.try_next() {
            let frame: Value = serde_json::from_str(message.as_text().unwrap()).unwrap();
            peak = frame["params"]["channels"][0]["peak"].as_f64().unwrap();
        }
        thread::sleep(Duration::from_millis(5));
    }
    let expected = 0.5 * 10f64.powf(-9.0 / 20.0); // input −6 dB, output −3 dB
    assert!(
        (peak - expected).abs() < 0.01,
        "meter peak {peak}, expected {expected}"
    );
    ok(&b, "subscribeMeters", json!({ "hz": 0 }));
    host.stop();

    // A state load: one parametersReset, and the values are the loaded ones.
    let saved = host.save_state();
    let c = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    ok(&c, "setParameter", json!({ "id": "width", "value": 50 }));
    host.flush_inactive();
    changed(&notifications(&c)[0], "width", 5);
    notifications(&b);
    host.load_state(&saved);
    for client in [&b, &c] {
        let notes = notifications(client);
        assert_eq!(
            notes,
            [json!({ "jsonrpc": "2.0", "method": "parametersReset", "params": { "seq": 6 } })]
        );
    }
    let width = ok(&c, "getParameter", json!({ "id": "width" }));
    assert_eq!(width["value"], 100.0);

    // Closing the editor closes the clients.
    host.close_editor();
    assert_eq!(b.next_timeout(Duration::from_millis(100)), Next::Closed);
    assert_eq!(bridge.client_count(), 0);
}

/// The value of every parameter as the host reads it (`clap_plugin_params.get_value`), as
/// normalized values by display name.
fn host_values(host: &mut Host) -> HashMap<String, f32> {
    let count = host.params.count(&host.plugin.plugin_handle());
    let mut buffer = ParamInfoBuffer::new();
    (0..count)
        .map(|i| {
            let info = host
                .params
                .get_info(&host.plugin.plugin_handle(), i, &mut buffer)
                .unwrap();
            let (id, max, name) = (
                info.id,
                info.max_value,
                String::from_utf8_lossy(info.name).into_owned(),
            );
            let value = host
                .params
                .get_value(&host.plugin.plugin_handle(), id)
                .unwrap();
            (name, (value / max) as f32)
        })
        .collect()
}

/// 64 clients set random values (plain sets and gestures) for 3 s while the host processes audio
/// and automates: afterwards every client's view equals what the host reads from the plugin.
#[test]
fn sixty_four_clients_converge_on_the_real_wrapper() {
    let (_serial, entry) = entry();
    let mut host = Host::new(entry);
    let bridge = open_bridge(&mut host);
    let input_id = host.param_id("Input");
    host.start();
    let ids = [
        "input",
        "output",
        "pan",
        "width",
        "invert_l",
        "mute",
        "tone",
        "tone_level",
    ];
    let deadline = Instant::now() + Duration::from_secs(3);
    let workers: Vec<_> = (0..64u64)
        .map(|i| {
            let client = bridge.connect(ClientOptions::new(Transport::InProcess)).unwrap();
            thread::spawn(move || {
                let mut state = 0x9e37_79b9_7f4a_7c15 ^ (i + 1);
                let mut rng = move || {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state
                };
                let mut view = ParamView::new(&ok(&client, "getAllParameters", json!({})));
                let mut sets = 0u32;
                while Instant::now() < deadline {
                    let id = ids[(rng() % ids.len() as u64) as usize];
                    let normalized = (rng() % 1001) as f64 / 1000.0;
                    let gesture = rng().is_multiple_of(4);
                    let request = |method: &str, params: Value| {
                        let text = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
                        serde_json::from_str::<Value>(&client.handle(&text.to_string()).unwrap()).unwrap()
                    };
                    if !gesture || request("beginGesture", json!({ "id": id })).get("error").is_none() {
                        let response = request("setParameter", json!({ "id": id, "normalized": normalized }));
                        match response["error"]["code"].as_i64() {
                            None => sets += 1,
                            Some(-32002) => {}
                            Some(code) => panic!("error {code}: {response}"),
                        }
                        if gesture {
                            request("endGesture", json!({ "id": id }));
                        }
                    }
                    view.apply(notifications(&client), || {
                        ok(&client, "getAllParameters", json!({}))
                    });
                    thread::sleep(Duration::from_millis(1 + rng() % 3));
                }
                (client, view, sets)
            })
        })
        .collect();
    let mut blocks = 0u64;
    while Instant::now() < deadline {
        let automation = blocks
            .is_multiple_of(50)
            .then(|| Event::Value(input_id, (blocks % 7) as f64 / 7.0));
        host.process(0.1, automation.as_slice());
        blocks += 1;
        thread::sleep(Duration::from_millis(1));
    }
    let results: Vec<_> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    for _ in 0..4 {
        host.process(0.1, &[]);
    }
    let expected = host_values(&mut host);
    let mut sets = 0;
    for (client, mut view, s) in results {
        view.apply(notifications(&client), || {
            ok(&client, "getAllParameters", json!({}))
        });
        assert_eq!(
            view.by_name(),
            expected,
            "a client's view differs from the host's"
        );
        assert_eq!(view.seq, bridge.seq());
        sets += s;
    }
    eprintln!(
        "64 clients, 3 s on the CLAP wrapper: {sets} sets, {blocks} blocks, {} changes",
        bridge.seq()
    );
    assert!(sets > 1000 && bridge.seq() > 100);
    host.stop();
    host.close_editor();
}

// ----- the editor's "Open in browser" ---------------------------------------------------------

/// Reads from a WebSocket until the answer to request `id` arrives.
fn ws_call(
    socket: &mut tungstenite::WebSocket<std::net::TcpStream>,
    host: &mut Host,
    id: u64,
    method: &str,
    params: Value,
) -> Value {
    let request = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
    socket
        .send(tungstenite::Message::text(request.to_string()))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        host.main_thread_callbacks();
        match socket.read() {
            Ok(tungstenite::Message::Text(text)) => {
                let message: Value = serde_json::from_str(&text).unwrap();
                if message["id"] == json!(id) {
                    assert!(message.get("error").is_none(), "{method}: {message}");
                    return message["result"].clone();
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(err))
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(err) => panic!("{method}: {err}"),
        }
    }
    panic!("no answer to {method}");
}

#[test]
fn the_editor_page_opens_a_browser_server_that_outlives_the_editor() {
    let (_serial, entry) = entry();
    let mut host = Host::new(entry);
    let width_id = host.param_id("Width");
    let bridge = open_bridge(&mut host);
    let page = bridge
        .connect(ClientOptions {
            editor_page: true,
            ..ClientOptions::new(Transport::Pipe)
        })
        .unwrap();
    let other = bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap();
    assert_eq!(ok(&page, "getInfo", json!({}))["canOpenInBrowser"], true);
    assert_eq!(ok(&other, "getInfo", json!({}))["canOpenInBrowser"], false);

    let url = ok(&page, "openInBrowser", json!({}))["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ok(&page, "openInBrowser", json!({}))["url"],
        json!(url),
        "one server per instance"
    );
    let (address, token) = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once("/?token="))
        .unwrap_or_else(|| panic!("{url}"));
    assert!(address.starts_with("127.0.0.1:"), "{url}");
    assert_eq!(token.len(), 32, "{url}");

    // The browser's client shares the editor's bridge: one seq for both.
    let stream = std::net::TcpStream::connect(address).unwrap();
    let (mut socket, _) =
        tungstenite::client(format!("ws://{address}/ws?token={token}"), stream).unwrap();
    socket
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(5)))
        .unwrap();
    let info = ws_call(&mut socket, &mut host, 1, "getInfo", json!({}));
    assert_eq!(info["transport"], "websocket");
    assert_eq!(info["canOpenInBrowser"], false);

    // The editor closes (its page goes with the helper): the bridge stays for the browser's
    // client, which still drives the host.
    host.close_editor();
    drop(page);
    assert!(!other.is_closed(), "the bridge outlives the editor");
    assert_eq!(ok(&other, "ping", json!({})), json!({ "pong": true }));
    let applied = ws_call(
        &mut socket,
        &mut host,
        2,
        "setParameter",
        json!({ "id": "width", "value": 150.0 }),
    );
    assert_eq!(applied["value"], 150.0);
    host.main_thread_callbacks();
    let events: Vec<Event> = host
        .flush_inactive()
        .into_iter()
        .filter(|e| matches!(e, Event::Begin(id) | Event::End(id) | Event::Value(id, _) if *id == width_id))
        .collect();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Begin(_), Event::Value(_, _), Event::End(_)]
        ),
        "one gesture: {events:?}"
    );

    // The instance goes: so does its port.
    drop(socket);
    drop(host);
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "port closed with the instance"
    );
}
