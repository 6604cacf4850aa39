//! The in-host browser server (`WEBUI_BROWSER_PORT`) of the Webstrip CLAP bundle, in a real CLAP
//! host: a WebSocket client drives the instance with no editor open.
//!
//! The variable is read when an instance is created, so every scenario runs in a child process of
//! this test binary with its own environment (`WEBUI_BROWSER_PORT`, and `NICE_LOG` naming a file
//! where the plugin logs each instance's URL). The bundle comes from `$WEBSTRIP_CLAP`, else
//! `<workspace>/target/bundled/Webstrip.clap`.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use clap_test_host::{Bundle, Instance, ParamEvent};
use gui_test::listening_sockets;
use serde_json::{Value, json};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::{Message, WebSocket};
use webstrip_tests::paths::{PLUGIN_ID, bundle_path};
use webstrip_tests::worker;

const PARAM_IDS: [&str; 13] = [
    "input",
    "output",
    "pan",
    "width",
    "invert_l",
    "invert_r",
    "mute",
    "bypass",
    "tone",
    "tone_level",
    "mono",
    "swap",
    "dc_filter",
];
const SAMPLE_RATE: f64 = 48_000.0;
const BLOCK: usize = 256;

// ----- child processes ------------------------------------------------------------------------

const LOG_ENV: &str = "WEBSTRIP_TEST_LOG";

/// Runs `worker` in a child process with `WEBUI_BROWSER_PORT=bridge` (unset for `None`); returns
/// its stdout.
fn run_worker(worker: &str, bridge: Option<&str>) -> String {
    run_worker_with(worker, bridge, None)
}

/// [`run_worker`], with `WEBUI_DEV_URL=ui_url` (unset for `None`).
fn run_worker_with(worker: &str, bridge: Option<&str>, ui_url: Option<&str>) -> String {
    let log = std::env::temp_dir().join(format!(
        "webstrip-browser-{worker}-{}.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&log);
    let mut command = worker::command(worker);
    command
        .env("WEBSTRIP_CLAP", bundle_path())
        .env("NICE_LOG", &log)
        .env(LOG_ENV, &log)
        .env_remove("WEBUI_BROWSER_PORT")
        .env_remove("WEBUI_DEV_URL");
    if let Some(bridge) = bridge {
        command.env("WEBUI_BROWSER_PORT", bridge);
    }
    if let Some(ui_url) = ui_url {
        command.env("WEBUI_DEV_URL", ui_url);
    }
    worker::run(worker, command, || {
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        format!("\n--- plugin log\n{logged}")
    })
}

fn log_text() -> String {
    let path = std::env::var(LOG_ENV).expect("the parent names the log");
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The URLs the plugin logged, one per instance with a browser server, in creation order.
fn logged_urls() -> Vec<String> {
    let text = log_text();
    // Only whole lines: the logger may be writing the next one.
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .filter_map(|line| line.split_once("browser server at ").map(|(_, url)| url))
        .map(|url| url.split_whitespace().next().unwrap_or("").to_owned())
        .collect()
}

/// Opens an instance; returns it with the browser server URL it logged.
fn open_with_bridge(bundle: &Bundle) -> (Instance, Endpoint) {
    let before = logged_urls().len();
    let plugin = bundle.instantiate(PLUGIN_ID).expect("instantiate Webstrip");
    // The logger writes the file on a thread of its own: wait for the line.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut urls = logged_urls();
    while urls.len() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        urls = logged_urls();
    }
    assert_eq!(
        urls.len(),
        before + 1,
        "one URL logged per new instance: {urls:?}\n{}",
        log_text()
    );
    (plugin, Endpoint::parse(&urls[before]))
}

// ----- the endpoint ---------------------------------------------------------------------------

/// Where one instance's bridge listens, from the logged `http://127.0.0.1:PORT/?token=…`.
#[derive(Clone, Debug)]
struct Endpoint {
    port: u16,
    token: String,
}

impl Endpoint {
    fn parse(url: &str) -> Self {
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("a loopback URL: {url}"));
        let (port, token) = rest
            .split_once("/?token=")
            .unwrap_or_else(|| panic!("a token in the URL: {url}"));
        assert!(
            token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "a 128-bit hex token: {token}"
        );
        Self {
            port: port.parse().expect("a port"),
            token: token.to_owned(),
        }
    }

    fn ws_url(&self, token: Option<&str>) -> String {
        match token {
            Some(token) => format!("ws://127.0.0.1:{}/ws?token={token}", self.port),
            None => format!("ws://127.0.0.1:{}/ws", self.port),
        }
    }

    fn is_listening(&self) -> bool {
        TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }
}

type Socket = WebSocket<TcpStream>;

/// The handshake's outcome: a socket, or the HTTP status it was refused with.
fn handshake(url: &str, origin: Option<&str>) -> Result<Socket, u16> {
    let mut request = url.into_client_request().unwrap();
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("Origin", HeaderValue::from_str(origin).unwrap());
    }
    let port = request.uri().port_u16().unwrap();
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("the port is open");
    match tungstenite::client(request, stream) {
        Ok((socket, _)) => {
            socket
                .get_ref()
                .set_read_timeout(Some(Duration::from_millis(5)))
                .unwrap();
            Ok(socket)
        }
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("handshake with {url}: {err}"),
    }
}

fn connect(endpoint: &Endpoint) -> Socket {
    handshake(&endpoint.ws_url(Some(&endpoint.token)), None).expect("the token is accepted")
}

/// A client, the host it talks to, and what the host does between reads: the main thread's
/// callbacks and, when the instance processes, audio blocks.
struct Session {
    socket: Socket,
    next_id: u64,
    /// Notifications received so far.
    notifications: Vec<Value>,
}

impl Session {
    fn new(socket: Socket) -> Self {
        Self {
            socket,
            next_id: 1,
            notifications: Vec::new(),
        }
    }

    /// Reads what arrived within `wait`, while `host` runs.
    fn pump(&mut self, host: &mut impl FnMut(), wait: Duration) -> Vec<Value> {
        let deadline = Instant::now() + wait;
        let mut received = Vec::new();
        loop {
            host();
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    if message.get("id").is_none() {
                        self.notifications.push(message.clone());
                    }
                    received.push(message);
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(err))
                    if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(err) => panic!("read: {err}"),
            }
            if Instant::now() >= deadline {
                return received;
            }
        }
    }

    /// Sends a request and returns its result, failing on an error answer.
    fn call(&mut self, host: &mut impl FnMut(), method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.socket
            .send(Message::text(request.to_string()))
            .expect("send");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            for message in self.pump(host, Duration::from_millis(20)) {
                if message["id"] == json!(id) {
                    assert!(message.get("error").is_none(), "{method}: {message}");
                    return message["result"].clone();
                }
            }
        }
        panic!("no answer to {method}");
    }

    /// Waits up to `wait` for a `parameterChanged` of `param`; returns them all.
    fn changes_of(&mut self, host: &mut impl FnMut(), param: &str, wait: Duration) -> Vec<Value> {
        self.pump(host, wait);
        self.notifications
            .iter()
            .filter(|n| n["method"] == "parameterChanged" && n["params"]["id"] == param)
            .cloned()
            .collect()
    }
}

// ----- audio ----------------------------------------------------------------------------------

fn sine(len: usize, offset: usize) -> Vec<f32> {
    (0..len)
        .map(|i| {
            (0.5 * (std::f64::consts::TAU * 1000.0 * (offset + i) as f64 / SAMPLE_RATE).sin())
                as f32
        })
        .collect()
}

/// Processes one block of a 1 kHz sine with `events`; returns the output's gain relative to the
/// input (dB).
fn process_block(plugin: &mut Instance, offset: usize, events: &[ParamEvent]) -> f64 {
    let input = sine(BLOCK, offset);
    let (mut left, mut right) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    plugin
        .process(&[&input, &input], &mut [&mut left, &mut right], events)
        .expect("process");
    let energy = |x: &[f32]| x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>();
    10.0 * (energy(&left) / energy(&input)).log10()
}

/// What a host does between two reads of the socket: the main thread's callbacks, then one audio
/// block of a 1 kHz sine with the automation queued for it.
struct Rig<'a> {
    plugin: &'a mut Instance,
    offset: usize,
    /// Output gain of each block, dB.
    gains: Vec<f64>,
    /// Parameter events the plugin emitted.
    emitted: Vec<ParamEvent>,
    /// Events for the next block.
    automation: Vec<ParamEvent>,
}

impl<'a> Rig<'a> {
    fn new(plugin: &'a mut Instance) -> Self {
        Self {
            plugin,
            offset: 0,
            gains: Vec::new(),
            emitted: Vec::new(),
            automation: Vec::new(),
        }
    }

    fn turn(&mut self) {
        self.plugin.run_main_thread_callbacks();
        let events = std::mem::take(&mut self.automation);
        self.gains
            .push(process_block(self.plugin, self.offset, &events));
        self.offset += BLOCK;
        self.emitted.extend(self.plugin.take_output_events());
    }
}

fn nice_hash(id: &str) -> u32 {
    id.bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        & !(1 << 31)
}

// ----- one instance ---------------------------------------------------------------------------

#[test]
fn a_browser_client_drives_an_instance_without_its_editor() {
    run_worker("worker_one_instance", Some("0"));
}

#[test]
fn worker_one_instance() {
    if !worker::is_worker("worker_one_instance") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let (mut plugin, endpoint) = open_with_bridge(&bundle);
    plugin.activate(SAMPLE_RATE, 1, BLOCK as u32).unwrap();
    plugin.start_processing().unwrap();

    // The guards: no token, a wrong token, a foreign page.
    assert_eq!(handshake(&endpoint.ws_url(None), None).err(), Some(401));
    let wrong = "0".repeat(32);
    assert_eq!(
        handshake(&endpoint.ws_url(Some(&wrong)), None).err(),
        Some(401)
    );
    assert_eq!(
        handshake(
            &endpoint.ws_url(Some(&endpoint.token)),
            Some("http://evil.example")
        )
        .err(),
        Some(403)
    );
    // The server's own page may connect.
    let own = format!("http://127.0.0.1:{}", endpoint.port);
    assert!(handshake(&endpoint.ws_url(Some(&endpoint.token)), Some(&own)).is_ok());

    let mut client = Session::new(connect(&endpoint));
    let mut rig = Rig::new(&mut plugin);

    // Every parameter.
    let all = client.call(&mut || rig.turn(), "getAllParameters", json!({}));
    let ids: BTreeSet<&str> = all["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, PARAM_IDS.into_iter().collect::<BTreeSet<_>>());

    // setParameter reaches the host as a gesture and changes the audio.
    let applied = client.call(
        &mut || rig.turn(),
        "setParameter",
        json!({ "id": "output", "value": -6.0 }),
    );
    assert_eq!(applied["value"], json!(-6.0));
    let changes = client.changes_of(&mut || rig.turn(), "output", Duration::from_millis(400));
    let output = nice_hash("output");
    let ours: Vec<ParamEvent> = rig
        .emitted
        .iter()
        .copied()
        .filter(|e| e.id() == output)
        .collect();
    assert!(
        matches!(
            ours.as_slice(),
            [
                ParamEvent::GestureBegin { .. },
                ParamEvent::Value { .. },
                ParamEvent::GestureEnd { .. }
            ]
        ),
        "one gesture with one value: {ours:?}"
    );
    let ParamEvent::Value { value, .. } = ours[1] else {
        unreachable!()
    };
    let host_text = rig.plugin.value_to_text(output, value).unwrap();
    assert_eq!(host_text, "-6.0 dB", "the host got -6 dB");
    let settled = rig.gains.last().copied().unwrap();
    assert!(
        (settled + 6.0).abs() < 0.05,
        "output at -6 dB: {settled:.3} dB"
    );
    // The host's echo reaches the client exactly once.
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["params"]["value"], json!(-6.0));

    // Host automation reaches the client as parameterChanged, once.
    let seq_before = changes[0]["params"]["seq"].as_u64().unwrap();
    // Input's skewed law: a quarter of the upper half is a sixteenth of its range, +6 dB.
    let normalized_plus_6 = 0.75;
    rig.automation
        .push(ParamEvent::value(0, nice_hash("input"), normalized_plus_6));
    let changes = client.changes_of(&mut || rig.turn(), "input", Duration::from_millis(600));
    assert_eq!(
        changes.len(),
        1,
        "one notification for one change: {changes:?}"
    );
    assert_eq!(changes[0]["params"]["value"], json!(6.0));
    assert_eq!(changes[0]["params"]["seq"].as_u64(), Some(seq_before + 1));

    plugin.stop_processing().unwrap();
    plugin.deactivate().unwrap();
    println!("{}", worker::DONE);
}

// ----- two instances --------------------------------------------------------------------------

#[test]
fn two_instances_have_two_endpoints_each_for_itself() {
    run_worker("worker_two_instances", Some("0"));
}

#[test]
fn worker_two_instances() {
    if !worker::is_worker("worker_two_instances") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let (mut a, endpoint_a) = open_with_bridge(&bundle);
    let (mut b, endpoint_b) = open_with_bridge(&bundle);
    assert_ne!(endpoint_a.port, endpoint_b.port);
    assert_ne!(endpoint_a.token, endpoint_b.token);
    // One instance's token opens only its own endpoint.
    assert_eq!(
        handshake(&endpoint_a.ws_url(Some(&endpoint_b.token)), None).err(),
        Some(401)
    );

    let width = nice_hash("width");
    let before_b = b.param_value(width).unwrap();
    let mut client_a = Session::new(connect(&endpoint_a));
    let mut client_b = Session::new(connect(&endpoint_b));
    let b_changes = {
        let mut host = || {
            a.run_main_thread_callbacks();
            b.run_main_thread_callbacks();
        };
        client_a.call(
            &mut host,
            "setParameter",
            json!({ "id": "width", "value": 150.0 }),
        );
        client_a.pump(&mut host, Duration::from_millis(300));
        client_b.changes_of(&mut host, "width", Duration::from_millis(300))
    };
    // Inactive instances: the host reads the change from a flush.
    let mut flushed_a = a.flush(&[]).unwrap();
    flushed_a.retain(|e| e.id() == width);
    assert_eq!(flushed_a.len(), 3, "A's host saw a gesture: {flushed_a:?}");
    assert!(b.flush(&[]).unwrap().is_empty(), "B's host saw nothing");
    let a_width = a.param_value(width).unwrap();
    let text_a = a.value_to_text(width, a_width).unwrap();
    assert!(text_a.starts_with("150"), "A's width: {text_a}");
    assert_eq!(b.param_value(width).unwrap(), before_b, "B unchanged");
    assert!(
        b_changes.is_empty(),
        "B's client heard nothing: {b_changes:?}"
    );
    let mut host = || {
        b.run_main_thread_callbacks();
    };
    let b_width = client_b.call(&mut host, "getParameter", json!({ "id": "width" }));
    assert_eq!(b_width["value"], json!(100.0));
    println!("{}", worker::DONE);
}

// ----- the host's track name ------------------------------------------------------------------

/// Whole lines of the plugin's log that give a browser server URL.
fn logged_url_lines() -> Vec<String> {
    let text = log_text();
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .filter(|line| line.contains("browser server at "))
        .map(str::to_owned)
        .collect()
}

/// Waits up to 5 s for the log to hold `count` URL lines; returns them.
fn wait_url_lines(count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut lines = logged_url_lines();
    while lines.len() < count && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        lines = logged_url_lines();
    }
    lines
}

#[test]
fn the_hosts_track_name_reaches_the_log_and_the_clients() {
    run_worker("worker_track_name", Some("0"));
}

#[test]
fn worker_track_name() {
    if !worker::is_worker("worker_track_name") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    // The host names the track from the start: the plugin reads it during init(), after it logged
    // its URL, and logs the URL again naming the track.
    let mut plugin = bundle.instantiate_on_track(PLUGIN_ID, "Bass").unwrap();
    let lines = wait_url_lines(2);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let url = lines[0].split_once("browser server at ").unwrap().1.trim();
    let number = lines[0]
        .split_once("Webstrip instance ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(n, _)| n)
        .unwrap_or_else(|| panic!("an instance number: {}", lines[0]));
    assert!(
        lines[1].ends_with(&format!(
            "Webstrip instance {number} on track \"Bass\": browser server at {url}"
        )),
        "{lines:?}"
    );
    let endpoint = Endpoint::parse(url);
    let mut client = Session::new(connect(&endpoint));
    let info = client.call(&mut || {}, "getInfo", json!({}));
    assert_eq!(info["trackName"], "Bass");

    // The user renames the track: every client hears it once, and the log names the new track.
    assert!(
        plugin.set_track_name(Some("Drums")),
        "the plugin has clap.track-info"
    );
    assert!(plugin.set_track_name(Some("Drums")));
    client.pump(&mut || {}, Duration::from_millis(200));
    let renamed: Vec<&Value> = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "trackNameChanged")
        .collect();
    assert_eq!(
        renamed,
        [
            &json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": "Drums" } })
        ]
    );
    let lines = wait_url_lines(3);
    assert!(
        lines.len() == 3
            && lines[2].ends_with(&format!(
                "Webstrip instance {number} on track \"Drums\": browser server at {url}"
            )),
        "{lines:?}"
    );
    // The host names the track with an empty name: the clients hear `null`; nothing is logged.
    // (A host whose track-info stops answering leaves nice-plug with the last name it gave.)
    client.notifications.clear();
    assert!(plugin.set_track_name(Some("")));
    client.pump(&mut || {}, Duration::from_millis(200));
    assert_eq!(
        client.notifications,
        [
            json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": null } })
        ]
    );
    assert_eq!(
        client.call(&mut || {}, "getInfo", json!({}))["trackName"],
        Value::Null
    );
    assert_eq!(wait_url_lines(4).len(), 3, "no line without a name");
    drop(plugin);
    println!("{}", worker::DONE);
}

// ----- lifetime -------------------------------------------------------------------------------

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

#[test]
fn fifty_instances_loaded_and_unloaded_leave_nothing_behind() {
    let stdout = run_worker("worker_fifty_instances", Some("0"));
    assert!(stdout.contains("WORKER_INSTANCES=50"), "{stdout}");
    let counts = stdout
        .lines()
        .find_map(|l| l.find("fds ").map(|at| &l[at..]))
        .unwrap_or("");
    println!("50 instances with the bridge on: {counts}");
}

#[test]
fn worker_fifty_instances() {
    if !worker::is_worker("worker_fifty_instances") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    // Warm up what a process keeps once (nice-plug's shared worker thread, the logger).
    let (warm, endpoint) = open_with_bridge(&bundle);
    drop(warm);
    assert!(
        !endpoint.is_listening(),
        "the port closed with its instance"
    );
    std::thread::sleep(Duration::from_millis(300));
    let (fds, threads) = (fd_count(), thread_count());
    assert!(listening_sockets().is_empty());

    let mut instances = 0;
    let (mut opening, mut closing) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..50 {
        let started = Instant::now();
        let (mut plugin, endpoint) = open_with_bridge(&bundle);
        opening += started.elapsed();
        let mut client = Session::new(connect(&endpoint));
        let info = client.call(
            &mut || {
                plugin.run_main_thread_callbacks();
            },
            "getInfo",
            json!({}),
        );
        assert_eq!(info["transport"], json!("websocket"));
        // The client reads on a thread of its own, as a browser does.
        let reader = std::thread::spawn(move || {
            let mut socket = client.socket;
            socket
                .get_ref()
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            loop {
                match socket.read() {
                    Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                    Ok(_) => {}
                    Err(_) => return None,
                }
            }
        });
        let started = Instant::now();
        drop(plugin);
        closing += started.elapsed();
        assert!(!endpoint.is_listening(), "port {} closed", endpoint.port);
        // The client saw the server go away.
        assert_eq!(reader.join().unwrap(), Some(1001), "close code");
        // The instance's threads (server, meter sampler, parameter watcher) ended with it.
        assert_eq!(
            thread_count(),
            threads,
            "threads right after destroying the instance"
        );
        instances += 1;
    }
    assert!(listening_sockets().is_empty(), "every port closed");
    let fds_after = fd_count();
    let threads_after = thread_count();
    println!(
        "fds {fds} -> {fds_after}, threads {threads} -> {threads_after}; per instance: create + \
         URL logged {:?}, destroy {:?}",
        opening / 50,
        closing / 50
    );
    assert_eq!(fds_after, fds, "open file descriptors");
    assert_eq!(threads_after, threads, "threads");
    println!("WORKER_INSTANCES={instances}");
    println!("{}", worker::DONE);
}

#[test]
fn without_the_variable_nothing_listens() {
    run_worker("worker_no_variable", None);
}

#[test]
fn worker_no_variable() {
    if !worker::is_worker("worker_no_variable") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let mut plugin = bundle.instantiate(PLUGIN_ID).unwrap();
    plugin.activate(SAMPLE_RATE, 1, BLOCK as u32).unwrap();
    plugin.start_processing().unwrap();
    process_block(&mut plugin, 0, &[]);
    assert!(listening_sockets().is_empty(), "no listening socket");
    assert!(logged_urls().is_empty(), "no URL logged: {}", log_text());
    println!("{}", worker::DONE);
}

#[test]
fn a_malformed_variable_is_reported_and_nothing_listens() {
    run_worker("worker_bad_variable", Some("9100x"));
}

#[test]
fn worker_bad_variable() {
    if !worker::is_worker("worker_bad_variable") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let mut plugin = bundle.instantiate(PLUGIN_ID).unwrap();
    plugin.activate(SAMPLE_RATE, 1, BLOCK as u32).unwrap();
    plugin.start_processing().unwrap();
    let gain = process_block(&mut plugin, 0, &[]);
    assert!(gain.abs() < 0.01, "the plugin still works: {gain}");
    assert!(listening_sockets().is_empty(), "no listening socket");
    let log = log_text();
    assert!(
        log.contains("WEBUI_BROWSER_PORT must be a port number") && log.contains("9100x"),
        "the error is logged: {log}"
    );
    println!("{}", worker::DONE);
}

#[test]
fn a_fixed_port_goes_to_the_first_instance_and_the_next_free_ones_to_the_others() {
    let port = free_port();
    run_worker_with_port(port);
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn run_worker_with_port(port: u16) {
    let stdout = run_worker("worker_fixed_port", Some(&port.to_string()));
    assert!(stdout.contains(&format!("WORKER_PORTS={port}")), "{stdout}");
}

#[test]
fn worker_fixed_port() {
    if !worker::is_worker("worker_fixed_port") {
        return;
    }
    let port: u16 = std::env::var("WEBUI_BROWSER_PORT")
        .unwrap()
        .parse()
        .unwrap();
    let bundle = Bundle::load(bundle_path()).unwrap();
    let (_a, endpoint_a) = open_with_bridge(&bundle);
    let (_b, endpoint_b) = open_with_bridge(&bundle);
    assert_eq!(endpoint_a.port, port);
    assert!(
        endpoint_b.port > port && endpoint_b.port < port + 64,
        "{endpoint_b:?}"
    );
    println!("WORKER_PORTS={},{}", endpoint_a.port, endpoint_b.port);
    println!("{}", worker::DONE);
}

// ----- the UI's dev server --------------------------------------------------------------------

#[test]
fn with_a_dev_server_the_log_names_its_page_pointed_at_the_instance() {
    run_worker_with(
        "worker_dev_server",
        Some("0"),
        Some("http://localhost:5173"),
    );
    // Vite on another port (5173 was taken): its page is let in too.
    run_worker_with(
        "worker_dev_server",
        Some("0"),
        Some("http://127.0.0.1:5199/"),
    );
    // A dev server the editor would refuse is not offered either.
    run_worker_with(
        "worker_refused_dev_server",
        Some("0"),
        Some("http://example.com:5173"),
    );
}

#[test]
fn worker_dev_server() {
    if !worker::is_worker("worker_dev_server") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let (mut plugin, endpoint) = open_with_bridge(&bundle);
    // This worker's dev servers have no path: the URL without its slash is the page's origin.
    let dev = std::env::var("WEBUI_DEV_URL").unwrap();
    let origin = dev.trim_end_matches('/');
    let expected = format!(
        "(with the UI dev server: {origin}/?ws=ws://127.0.0.1:{}/ws&token={})",
        endpoint.port, endpoint.token
    );
    let log = log_text();
    assert!(log.contains(&expected), "{expected}\nnot in\n{log}");
    // What that page does: the WebSocket its `?ws=` names, with its `?token=`, from the dev
    // server's origin. Another port on the same host is another origin: refused.
    let (host, port) = origin.rsplit_once(':').unwrap();
    let neighbour = format!("{host}:{}", port.parse::<u16>().unwrap() + 1);
    assert_eq!(
        handshake(&endpoint.ws_url(Some(&endpoint.token)), Some(&neighbour)).err(),
        Some(403),
        "{neighbour}"
    );
    let socket = handshake(&endpoint.ws_url(Some(&endpoint.token)), Some(origin))
        .expect("the dev server's page may connect");
    let mut client = Session::new(socket);
    let info = client.call(
        &mut || {
            plugin.run_main_thread_callbacks();
        },
        "getInfo",
        json!({}),
    );
    assert_eq!(info["transport"], json!("websocket"));
    println!("{}", worker::DONE);
}

#[test]
fn worker_refused_dev_server() {
    if !worker::is_worker("worker_refused_dev_server") {
        return;
    }
    let bundle = Bundle::load(bundle_path()).unwrap();
    let (_plugin, _endpoint) = open_with_bridge(&bundle);
    let log = log_text();
    assert!(!log.contains("UI dev server"), "{log}");
    println!("{}", worker::DONE);
}
