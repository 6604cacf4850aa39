//! Hostile and heavy local clients against one server: none of them can slow a well-behaved
//! client's meters or pings, lock a live UI out, or make the server hold unbounded work. Every
//! loop here is bounded in count and time and talks to 127.0.0.1 only.

#[path = "../../bridge/tests/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bridge_ws::{Limits, Server, ServerConfig, ServerHandle};
use serde_json::{Value, json};
use support::Apply;
use tungstenite::{Message, WebSocket};

type Ws = WebSocket<TcpStream>;

fn start(limits: Limits) -> (ServerHandle, bridge::Bridge, SocketAddr) {
    let (_host, bridge, _meters) = support::setup(Apply::Immediately);
    let config = ServerConfig {
        limits,
        ..ServerConfig::loopback(0)
    };
    let server = Server::start(bridge.clone(), config).expect("server");
    let addr = server.local_addr();
    (server, bridge, addr)
}

fn connect(addr: SocketAddr) -> Ws {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    tungstenite::client(format!("ws://{addr}/ws").as_str(), stream)
        .expect("handshake")
        .0
}

/// Sends a request and reads until its answer; returns it.
fn call(ws: &mut Ws, id: u64, method: &str, params: Value) -> Value {
    ws.send(Message::text(
        json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
    ))
    .unwrap();
    loop {
        if let Message::Text(text) = ws.read().expect("answer") {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["id"] == id {
                return value;
            }
        }
    }
}

/// A raw WebSocket handshake on `stream`; returns the status line's code.
fn raw_handshake(stream: &mut TcpStream) -> u16 {
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        )
        .unwrap();
    let mut head = [0u8; 12];
    match stream.read_exact(&mut head) {
        Ok(()) => std::str::from_utf8(&head[9..12])
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

/// Reads until a text message; false when the connection ended.
fn read_text(ws: &mut Ws) -> bool {
    loop {
        match ws.read() {
            Ok(Message::Text(_)) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A batch of `n` requests for every parameter (a ~100 KiB answer at the limit).
fn heavy_batch(n: usize) -> String {
    let member = r#"{"jsonrpc":"2.0","id":1,"method":"getAllParameters"}"#;
    format!("[{}]", vec![member; n].join(","))
}

/// Runs `body` on a thread until `stop`; counts what it did in `count`.
fn hostile(
    stop: &Arc<AtomicBool>,
    count: &Arc<AtomicUsize>,
    mut body: impl FnMut(&AtomicUsize) -> bool + Send + 'static,
) -> JoinHandle<()> {
    let stop = stop.clone();
    let count = count.clone();
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if !body(&count) {
                return;
            }
        }
    })
}

#[test]
fn hostile_clients_do_not_slow_a_well_behaved_one() {
    const WINDOW: Duration = Duration::from_secs(5);
    let (server, _bridge, addr) = start(Limits::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();

    // 200 idle sessions and 40 half-open request heads, held for the whole test.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            assert_eq!(raw_handshake(&mut stream), 101);
            stream
        })
        .collect();
    let heads: Vec<TcpStream> = (0..40)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            stream
        })
        .collect();

    // Heavy readers: the largest batch allowed, answers read, as fast as they go.
    let batches = Arc::new(AtomicUsize::new(0));
    for _ in 0..2 {
        let mut ws = connect(addr);
        let batch = heavy_batch(bridge::MAX_BATCH);
        threads.push(hostile(&stop, &batches, move |count| {
            if ws.send(Message::text(batch.clone())).is_err() {
                return false;
            }
            let answered = read_text(&mut ws);
            count.fetch_add(answered as usize, Ordering::Relaxed);
            answered
        }));
    }
    // Non-readers: heavy batches, answers never read (the server must not hold them all).
    let unread = Arc::new(AtomicUsize::new(0));
    for _ in 0..2 {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut ws = tungstenite::client(format!("ws://{addr}/ws").as_str(), stream)
            .unwrap()
            .0;
        let batch = heavy_batch(bridge::MAX_BATCH);
        threads.push(hostile(&stop, &unread, move |count| {
            if ws.send(Message::text(batch.clone())).is_ok() {
                count.fetch_add(1, Ordering::Relaxed);
            }
            true
        }));
    }
    // Parse load: 60 KiB messages, and batches over the limit.
    let junk = Arc::new(AtomicUsize::new(0));
    {
        let mut ws = connect(addr);
        let padded = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"ping","pad":"{}"}}"#,
            "x".repeat(60 * 1024)
        );
        let over = format!(
            "[{}]",
            vec![r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#; 1500].join(",")
        );
        threads.push(hostile(&stop, &junk, move |count| {
            for text in [&padded, &over] {
                if ws.send(Message::text(text.clone())).is_err() || !read_text(&mut ws) {
                    return false;
                }
                count.fetch_add(1, Ordering::Relaxed);
            }
            true
        }));
    }

    // The well-behaved clients: one takes meters at 60 Hz, one pings every 20 ms.
    let mut meters = connect(addr);
    call(&mut meters, 1, "subscribeMeters", json!({"hz": 60}));
    let meter_thread = std::thread::spawn(move || {
        let start = Instant::now();
        let mut frames = 0usize;
        while start.elapsed() < WINDOW {
            if let Ok(Message::Text(text)) = meters.read()
                && text.as_str().contains("meterFrame")
            {
                frames += 1;
            }
        }
        frames as f64 / start.elapsed().as_secs_f64()
    });
    let mut pinger = connect(addr);
    let mut rtts = Vec::new();
    let start = Instant::now();
    let mut id = 10;
    while start.elapsed() < WINDOW {
        let sent = Instant::now();
        let answer = call(&mut pinger, id, "ping", json!({}));
        rtts.push(sent.elapsed());
        assert_eq!(answer["result"]["pong"], true);
        id += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let meter_hz = meter_thread.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    rtts.sort();
    let (p50, p99, max) = (
        percentile(&rtts, 0.5),
        percentile(&rtts, 0.99),
        *rtts.last().unwrap(),
    );
    let seconds = WINDOW.as_secs_f64();
    eprintln!(
        "flood: good client meters {meter_hz:.1} frames/s; ping p50 {p50:?} p99 {p99:?} max {max:?} \
         ({} pings); hostile: {:.0} max batches/s read, {} unread batches sent, {:.0} junk \
         messages/s; 200 idle sessions, 40 half-open heads",
        rtts.len(),
        batches.load(Ordering::Relaxed) as f64 / seconds,
        unread.load(Ordering::Relaxed),
        junk.load(Ordering::Relaxed) as f64 / seconds,
    );
    // Goals: ≥ 55 frames/s and p99 ≤ 5 ms; asserted with a margin for a loaded 2-core machine.
    assert!(meter_hz >= 50.0, "{meter_hz:.1} frames/s");
    assert!(p99 <= Duration::from_millis(25), "ping p99 {p99:?}");
    drop(idle);
    drop(heads);
    drop(server);
    for thread in threads {
        thread.join().unwrap();
    }
}

fn short_limits() -> Limits {
    Limits {
        max_sessions: 16,
        max_pending: 8,
        new_session_grace: Duration::from_millis(200),
        evictable_after: Duration::from_secs(1),
        ..Limits::default()
    }
}

#[test]
fn an_idle_flood_cannot_lock_out_a_live_ui() {
    let (server, _bridge, addr) = start(short_limits());
    // Every session taken by connections that never send a message, and the half-open places
    // by heads that never finish.
    let mut flood: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            assert_eq!(raw_handshake(&mut stream), 101);
            stream
        })
        .collect();
    // While they are fresh, a newcomer finds no room.
    let mut early = TcpStream::connect(addr).unwrap();
    assert_eq!(raw_handshake(&mut early), 503);
    let mut heads: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(250));
    // A UI connects: an idle session makes room, and the head flood does not delay it.
    let connecting = Instant::now();
    let mut ui = connect(addr);
    let took = connecting.elapsed();
    call(&mut ui, 1, "getAllParameters", json!({}));
    // For 3 s the flood renews: new sessions and new heads, as fast as a loop goes (bounded).
    let until = Instant::now() + Duration::from_secs(3);
    let (mut admitted, mut refused, mut id) = (0, 0, 2);
    let mut last_ui_call = Instant::now();
    while Instant::now() < until {
        let mut stream = TcpStream::connect(addr).unwrap();
        match raw_handshake(&mut stream) {
            101 => admitted += 1,
            503 => refused += 1,
            other => panic!("status {other}"),
        }
        flood.push(stream);
        let mut head = TcpStream::connect(addr).unwrap();
        head.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        heads.push(head);
        // The UI talks every 300 ms, well within `evictable_after`.
        if last_ui_call.elapsed() >= Duration::from_millis(300) {
            assert_eq!(call(&mut ui, id, "ping", json!({}))["result"]["pong"], true);
            id += 1;
            last_ui_call = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!(
        "idle flood: UI connected in {took:?} past 16 idle sessions and 8 half-open heads; \
         during 3 s of renewal {admitted} flood sessions admitted, {refused} refused, the UI kept"
    );
    assert!(
        took < Duration::from_millis(500),
        "UI connect took {took:?}"
    );
    assert!(admitted > 0 && refused > 0);
    // The UI was never closed: it still answers, on the same connection.
    assert_eq!(call(&mut ui, id, "ping", json!({}))["result"]["pong"], true);
    // Of the renewed heads, the oldest were closed to make room: at most 8 are still open.
    let open_heads = heads
        .iter()
        .filter(|head| {
            head.set_read_timeout(Some(Duration::from_millis(1)))
                .unwrap();
            let mut byte = [0u8; 1];
            matches!((&**head).read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count();
    assert!(open_heads <= 8, "{open_heads} half-open connections kept");
    drop(server);
}

#[test]
fn a_session_that_answers_nothing_is_closed_one_that_reads_stays() {
    let limits = Limits {
        ping_every: Duration::from_millis(100),
        dead_after: Duration::from_millis(350),
        ..Limits::default()
    };
    let (server, _bridge, addr) = start(limits);
    let mut mute = TcpStream::connect(addr).unwrap();
    assert_eq!(raw_handshake(&mut mute), 101);
    let mut alive = connect(addr);
    alive
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        // tungstenite answers the server's pings while reading.
        match alive.read() {
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("the reading client was closed: {e}"),
        }
    }
    alive
        .get_mut()
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(
        call(&mut alive, 1, "ping", json!({}))["result"]["pong"],
        true
    );
    // The mute one got pings, then a close frame, then the end of the stream.
    mute.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut received = Vec::new();
    let _ = mute.read_to_end(&mut received);
    let close = received
        .windows(2)
        .any(|w| w[0] == 0x88 && (w[1] & 0x7f) >= 2);
    assert!(close, "no close frame in {} bytes", received.len());
    drop(server);
}

/// Sends `n` of the heaviest batches on one connection, then reads the answers; returns how long
/// that took, and the longest ping round trip another client saw meanwhile.
fn heavy_run(limits: Limits, n: usize) -> (Duration, Duration) {
    let (server, _bridge, addr) = start(limits);
    let mut heavy = connect(addr);
    let mut other = connect(addr);
    let batch = heavy_batch(bridge::MAX_BATCH);
    let started = Instant::now();
    let reader = std::thread::spawn(move || {
        for _ in 0..n {
            heavy.send(Message::text(batch.clone())).unwrap();
        }
        for _ in 0..n {
            assert!(read_text(&mut heavy));
        }
        started.elapsed()
    });
    let mut worst = Duration::ZERO;
    for id in 0..10 {
        let sent = Instant::now();
        call(&mut other, id, "ping", json!({}));
        worst = worst.max(sent.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = reader.join().unwrap();
    drop(server);
    (took, worst)
}

#[test]
fn a_heavy_client_waits_for_its_own_budget() {
    const BATCHES: usize = 40;
    let free = Limits {
        busy_share: 1.0,
        busy_burst: Duration::from_secs(10),
        ..Limits::default()
    };
    let held = Limits {
        busy_share: 0.05,
        busy_burst: Duration::from_millis(1),
        ..Limits::default()
    };
    let (unlimited, _) = heavy_run(free, BATCHES);
    let (limited, other_rtt) = heavy_run(held, BATCHES);
    eprintln!(
        "budget: {BATCHES} batches of {} getAllParameters: {unlimited:?} with the whole thread, \
         {limited:?} at 5 %; another client's ping meanwhile at most {other_rtt:?}",
        bridge::MAX_BATCH
    );
    // At 5 % of the thread the same work takes ~20 times as long; half that is asserted.
    assert!(
        limited >= unlimited * 10,
        "held to 5 %: {limited:?}, free: {unlimited:?}"
    );
    assert!(other_rtt < Duration::from_millis(50), "{other_rtt:?}");
}
