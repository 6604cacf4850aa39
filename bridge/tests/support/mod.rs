//! Test doubles: a parameter set covering every kind, and a host standing in for nice-plug's
//! wrapper behind `GuiContext` (queues UI edits, applies them on flush and echoes every value that
//! changed to the editor handle, exactly as nice-plug's CLAP wrapper does).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use bridge::protocol::{ChannelMeter, MeterFrame, Transport};
use bridge::{Bridge, Client, ClientOptions, MeterSource, PluginInfo};
use nice_plug::context::PluginApi;
use nice_plug::context::gui::{GuiContext, GuiContextInner};
use nice_plug::params::internals::ParamPtr;
use nice_plug::prelude::*;
use parking_lot::Mutex;
use serde_json::{Value, json};

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    #[name = "Clean"]
    Clean,
    #[name = "Warm"]
    Warm,
    #[name = "Hot"]
    Hot,
}

#[derive(Params)]
pub struct TestParams {
    #[id = "gain"]
    pub gain: FloatParam,
    #[id = "steps"]
    pub steps: IntParam,
    #[id = "on"]
    pub on: BoolParam,
    #[id = "mode"]
    pub mode: EnumParam<Mode>,
    /// Skewed around 0, snapping to 0.1, with a parser of its own (accepts a trailing `x`).
    #[id = "trim"]
    pub trim: FloatParam,
}

impl Default for TestParams {
    fn default() -> Self {
        Self {
            gain: FloatParam::new(
                "Gain",
                0.0,
                FloatRange::Linear {
                    min: -24.0,
                    max: 24.0,
                },
            )
            .with_unit(" dB")
            .with_value_to_string(formatters::v2s_f32_rounded(2)),
            steps: IntParam::new("Steps", 2, IntRange::Linear { min: 0, max: 8 }),
            on: BoolParam::new("On", true),
            mode: EnumParam::new("Mode", Mode::Clean),
            trim: FloatParam::new(
                "Trim",
                0.0,
                FloatRange::SymmetricalSkewed {
                    min: -60.0,
                    max: 12.0,
                    factor: 0.5,
                    center: 0.0,
                },
            )
            .with_step_size(0.1)
            .with_unit(" dB")
            .with_string_to_value(Arc::new(|s| s.trim_end_matches('x').trim().parse().ok())),
        }
    }
}

/// What the host saw from the editor, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum HostEvent {
    Begin(String),
    Set(String, f32),
    End(String),
}

/// When UI edits reach the parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// Queued until `flush` (CLAP, or VST3 while processing).
    OnFlush,
    /// Applied and echoed inside the call (VST3 while not processing, on the GUI thread).
    Immediately,
}

/// The host side of one instance.
pub struct FakeHost {
    pub params: Arc<TestParams>,
    map: Vec<(String, ParamPtr)>,
    pending: Mutex<VecDeque<(ParamPtr, f32)>>,
    pub events: Mutex<Vec<HostEvent>>,
    bridge: OnceLock<Bridge>,
    apply: Apply,
}

// SAFETY: the pointers point into `params`, which the host keeps alive.
unsafe impl Send for FakeHost {}
unsafe impl Sync for FakeHost {}

impl FakeHost {
    pub fn new(apply: Apply) -> Arc<Self> {
        let params = Arc::new(TestParams::default());
        let map = params
            .param_map()
            .into_iter()
            .map(|(id, ptr, _)| (id, ptr))
            .collect();
        Arc::new(Self {
            params,
            map,
            pending: Mutex::new(VecDeque::new()),
            events: Mutex::new(Vec::new()),
            bridge: OnceLock::new(),
            apply,
        })
    }

    fn id(&self, ptr: ParamPtr) -> String {
        self.map.iter().find(|(_, p)| *p == ptr).unwrap().0.clone()
    }

    fn ptr(&self, id: &str) -> ParamPtr {
        self.map.iter().find(|(i, _)| i == id).unwrap().1
    }

    /// Applies one value as the wrapper does, echoing it to the editor when it changed.
    fn apply(&self, ptr: ParamPtr, normalized: f32) {
        if unsafe { ptr._internal_set_normalized_value(normalized) }
            && let Some(bridge) = self.bridge.get()
        {
            bridge.param_value_changed(&self.id(ptr));
        }
    }

    /// The host's flush / process: applies queued UI edits.
    pub fn flush(&self) {
        loop {
            let Some((ptr, normalized)) = self.pending.lock().pop_front() else {
                return;
            };
            self.apply(ptr, normalized);
        }
    }

    /// Host automation of `id` to `normalized`.
    pub fn automate(&self, id: &str, normalized: f32) {
        self.apply(self.ptr(id), normalized);
    }

    /// A change the host tells the editor nothing of (nice-plug with no editor open).
    pub fn change_silently(&self, id: &str, normalized: f32) {
        unsafe { self.ptr(id)._internal_set_normalized_value(normalized) };
    }

    /// The host loads state: values change without per-parameter echoes, then `state_changed`.
    pub fn load_state(&self, values: &[(&str, f32)]) {
        for (id, normalized) in values {
            unsafe { self.ptr(id)._internal_set_normalized_value(*normalized) };
        }
        if let Some(bridge) = self.bridge.get() {
            bridge.state_changed();
        }
    }

    /// Current normalized value of every parameter, by id.
    pub fn values(&self) -> Vec<(String, f32)> {
        self.map
            .iter()
            .map(|(id, ptr)| (id.clone(), unsafe { ptr.unmodulated_normalized_value() }))
            .collect()
    }

    pub fn take_events(&self) -> Vec<HostEvent> {
        std::mem::take(&mut *self.events.lock())
    }
}

struct Context(Arc<FakeHost>);

impl GuiContextInner for Context {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
        let id = self.0.id(param);
        self.0.events.lock().push(HostEvent::Begin(id));
    }

    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        let id = self.0.id(param);
        self.0.events.lock().push(HostEvent::Set(id, normalized));
        match self.0.apply {
            Apply::OnFlush => self.0.pending.lock().push_back((param, normalized)),
            Apply::Immediately => self.0.apply(param, normalized),
        }
    }

    unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
        let id = self.0.id(param);
        self.0.events.lock().push(HostEvent::End(id));
    }

    fn get_state(&self) -> PluginState {
        unimplemented!("not used by the bridge")
    }

    fn set_state(&self, _state: PluginState) {
        unimplemented!("not used by the bridge")
    }

    fn request_restart(&self) {}
}

/// Meters that report a rising peak on each read, or a one-read spike on channel 0; `panics`
/// makes that many reads panic. Two streams: `count` (`[reading number, −1, 0.5]`) and
/// `wide` (5000 values, declared as up to 3).
#[derive(Default)]
pub struct FakeMeters {
    pub reads: Mutex<u64>,
    pub spike: Mutex<Option<f32>>,
    pub panics: Mutex<u32>,
    /// Readings of each stream.
    pub stream_reads: Mutex<[u64; 2]>,
}

impl MeterSource for FakeMeters {
    fn read_into(&self, frame: &mut MeterFrame) {
        {
            let mut panics = self.panics.lock();
            if *panics > 0 {
                *panics -= 1;
                drop(panics);
                panic!("a meter source failed");
            }
        }
        let mut reads = self.reads.lock();
        *reads += 1;
        frame.input.clear();
        frame.correlation = Some(1.0);
        let channels = &mut frame.channels;
        channels.clear();
        for ch in 0..2 {
            channels.push(ChannelMeter {
                peak: (*reads % 100) as f32 / 100.0 + ch as f32,
                rms: 0.25,
                clip: false,
            });
        }
        if let Some(spike) = self.spike.lock().take() {
            channels[0].peak = spike;
            channels[0].clip = true;
        }
    }

    fn streams(&self) -> Vec<bridge::StreamSpec> {
        vec![
            bridge::StreamSpec {
                name: "count",
                layout: "[reading number, -1, 0.5]",
                max_values: 3,
            },
            bridge::StreamSpec {
                name: "wide",
                layout: "5000 ones, cut to 3",
                max_values: 3,
            },
        ]
    }

    fn read_stream(&self, id: u16, values: &mut Vec<f32>) {
        let mut reads = self.stream_reads.lock();
        reads[usize::from(id)] += 1;
        values.clear();
        match id {
            0 => values.extend([reads[0] as f32, -1.0, 0.5]),
            _ => values.resize(5000, 1.0),
        }
    }
}

/// A bridge on a fake host, calling the `GuiContext` on the caller's thread.
pub fn setup(apply: Apply) -> (Arc<FakeHost>, Bridge, Arc<FakeMeters>) {
    start(apply, None)
}

/// A bridge on a fake host whose `GuiContext` calls wait for `Bridge::on_main_thread`; the
/// counter counts the bridge's requests for a main-thread call.
pub fn setup_deferred(apply: Apply) -> (Arc<FakeHost>, Bridge, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let request: bridge::MainThreadRequest = Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let (host, bridge, _) = start(apply, Some(request));
    (host, bridge, requests)
}

fn start(
    apply: Apply,
    main_thread: Option<bridge::MainThreadRequest>,
) -> (Arc<FakeHost>, Bridge, Arc<FakeMeters>) {
    let host = FakeHost::new(apply);
    let meters = Arc::new(FakeMeters::default());
    let bridge = Bridge::start(
        host.params.clone(),
        GuiContext::new(Arc::new(Context(host.clone()))),
        meters.clone(),
        PluginInfo {
            name: "Test".into(),
            version: "1.2.3".into(),
            vendor: "Tests".into(),
        },
        main_thread,
    );
    host.bridge.set(bridge.clone()).ok().unwrap();
    (host, bridge, meters)
}

pub fn connect(bridge: &Bridge) -> Client {
    bridge
        .connect(ClientOptions::new(Transport::InProcess))
        .unwrap()
}

/// Sends a request and returns the parsed response.
pub fn call(client: &Client, method: &str, params: Value) -> Value {
    let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let response = client.handle(&request.to_string()).expect("a response");
    serde_json::from_str(&response).unwrap()
}

/// The result of a request that must succeed.
pub fn ok(client: &Client, method: &str, params: Value) -> Value {
    let response = call(client, method, params);
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

/// The error code of a request that must fail.
pub fn err(client: &Client, method: &str, params: Value) -> i64 {
    let response = call(client, method, params);
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("{method}: {response}"))
}

/// Every message waiting for a client, parsed.
pub fn drain(client: &Client) -> Vec<Value> {
    std::iter::from_fn(|| client.try_next())
        .map(|m| serde_json::from_str(m.as_text().expect("a text message")).unwrap())
        .collect()
}

/// Only the `parameterChanged` / `parametersReset` notifications waiting for a client.
pub fn param_notifications(client: &Client) -> Vec<Value> {
    drain(client)
        .into_iter()
        .filter(|m| m["method"] != "meterFrame")
        .collect()
}

/// Checks the shape of one JSON-RPC 2.0 response.
pub fn assert_response(response: &Value) {
    let object = response
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {response}"));
    assert_eq!(object.get("jsonrpc"), Some(&json!("2.0")), "{response}");
    assert!(object.contains_key("id"), "{response}");
    assert!(
        matches!(
            object["id"],
            Value::Null | Value::String(_) | Value::Number(_)
        ),
        "{response}"
    );
    match (object.get("result"), object.get("error")) {
        (Some(_), None) => {}
        (None, Some(error)) => {
            assert!(error["code"].is_i64(), "{response}");
            assert!(error["message"].is_string(), "{response}");
        }
        _ => panic!("exactly one of result and error: {response}"),
    }
    assert_eq!(object.len(), 3, "{response}");
}
