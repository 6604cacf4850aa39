//! Wire benchmark: spawns the release `webstrip` (dummy audio, default 512-frame periods at
//! 48 kHz), talks WebSocket to it and prints one table:
//! - `setParameter` round trip (request sent → response read);
//! - change → `parameterChanged` latency (request sent → notification read) at 1 and 64 clients;
//!   it includes the wait for the next audio block, where the host applies the change;
//! - meter interval jitter, |interval − 1/60 s|, at 64 clients subscribed at 60 Hz;
//! - server CPU with those 64 clients over 10 s, from `/proc/PID/stat` (whole process: audio,
//!   sampler and server) and `/proc/PID/task/*/stat` (the server's own thread).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::{App, Ws};
use serde_json::json;
use tungstenite::Message;

const ROUND_TRIPS: usize = 2000;
const CHANGES: usize = 200;
const CLIENTS: usize = 64;
const LOAD_SECONDS: u64 = 10;
const METER_PERIOD: f64 = 1.0 / 60.0;

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let app = App::start(&[]);
    let mut rows = Vec::new();

    let round_trips = round_trips(&app);
    rows.push(row(
        "setParameter round trip",
        &round_trips,
        "p50 ≤ 150 µs, p99 ≤ 1 ms",
    ));
    let one = change_latency(&app, 1);
    rows.push(row("change → notification, 1 client", &one, "p99 ≤ 16 ms"));
    let many = change_latency(&app, CLIENTS);
    rows.push(row(
        "change → notification, 64 clients",
        &many,
        "p99 ≤ 16 ms",
    ));
    let alone = meters(&app, 1, 5);
    rows.push(row(
        "meter jitter (arrival), 1 × 60 Hz",
        &alone.arrival,
        "p99 ≤ 4 ms",
    ));
    rows.push(row(
        "meter jitter (frame t), 1 × 60 Hz",
        &alone.sampled,
        "p99 ≤ 4 ms",
    ));
    let loaded = meters(&app, CLIENTS, LOAD_SECONDS);
    rows.push(row(
        "meter jitter (arrival), 64 × 60 Hz",
        &loaded.arrival,
        "p99 ≤ 4 ms",
    ));
    rows.push(row(
        "meter jitter (frame t), 64 × 60 Hz",
        &loaded.sampled,
        "p99 ≤ 4 ms",
    ));
    let (cpu_process, cpu_server) = (loaded.cpu_process, loaded.cpu_server);

    println!("\nwire benchmark (release webstrip, -b dummy, 48 kHz / 512 frames, loopback)\n");
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>8}  goal",
        "measure", "p50", "p99", "max", "n"
    );
    for line in rows {
        println!("{line}");
    }
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>8}  ≤ 10 % (server)",
        "CPU, 64 clients × 60 Hz meters",
        format!("{cpu_server:.1} %"),
        "",
        "",
        "",
    );
    println!(
        "{:<38} {:>10} {:>10} {:>10} {:>8}  (whole process)",
        "",
        format!("{cpu_process:.1} %"),
        "",
        "",
        ""
    );
}

/// Formats one row of durations.
fn row(name: &str, samples: &[Duration], goal: &str) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    format!(
        "{name:<38} {:>10} {:>10} {:>10} {:>8}  {goal}",
        human(at(0.5)),
        human(at(0.99)),
        human(*sorted.last().unwrap()),
        sorted.len()
    )
}

fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

fn round_trips(app: &App) -> Vec<Duration> {
    let mut ws = app.connect();
    let mut samples = Vec::with_capacity(ROUND_TRIPS);
    for i in 0..ROUND_TRIPS + 100 {
        let value = if i % 2 == 0 { -3.0 } else { -6.0 };
        let start = Instant::now();
        ws.result("setParameter", json!({"id": "output", "value": value}));
        if i >= 100 {
            samples.push(start.elapsed());
        }
        ws.backlog.clear();
    }
    samples
}

/// The pan value set by change `i`: unique, so a notification names its change.
fn pan_value(i: usize) -> f64 {
    -99.5 + i as f64 * 0.5
}

/// The index of the change a `pan` notification reports.
fn change_index(text: &str) -> Option<usize> {
    if !text.contains(r#""method":"parameterChanged""#) || !text.contains(r#""id":"pan""#) {
        return None;
    }
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    let value = message["params"]["value"].as_f64()?;
    let index = ((value + 99.5) / 0.5).round();
    (index >= 0.0 && (index as usize) < CHANGES).then_some(index as usize)
}

/// Latency from sending a set to each of `listeners` clients reading its notification.
fn change_latency(app: &App, listeners: usize) -> Vec<Duration> {
    let mut setter = app.connect();
    setter.result("setParameter", json!({"id": "pan", "value": 100}));
    std::thread::sleep(Duration::from_millis(100));
    let sent: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; CHANGES]));
    let ready = Arc::new(Barrier::new(listeners + 1));
    let threads: Vec<_> = (0..listeners)
        .map(|_| {
            let mut ws = app.connect();
            let ready = ready.clone();
            std::thread::spawn(move || {
                ready.wait();
                let mut received = vec![None; CHANGES];
                loop {
                    let text = match ws.socket.read() {
                        Ok(Message::Text(text)) => text,
                        Ok(_) => continue,
                        Err(_) => return received,
                    };
                    let now = Instant::now();
                    if let Some(index) = change_index(text.as_str()) {
                        received[index] = Some(now);
                        if index == CHANGES - 1 {
                            return received;
                        }
                    }
                }
            })
        })
        .collect();
    ready.wait();
    for i in 0..CHANGES {
        sent.lock().unwrap()[i] = Some(Instant::now());
        setter.result("setParameter", json!({"id": "pan", "value": pan_value(i)}));
        // The next change after this one was applied (one audio block is ~10.7 ms).
        std::thread::sleep(Duration::from_millis(25));
        setter.backlog.clear();
    }
    let sent = sent.lock().unwrap().clone();
    let mut samples = Vec::new();
    for thread in threads {
        let received = thread.join().expect("listener");
        for (at, from) in received.iter().zip(&sent) {
            if let (Some(at), Some(from)) = (at, from) {
                samples.push(at.saturating_duration_since(*from));
            }
        }
    }
    samples
}

/// What the meter clients saw.
struct Meters {
    /// |interval − 1/60 s| between frames as each client read them.
    arrival: Vec<Duration>,
    /// |interval − 1/60 s| between the frames' `t` (when the sampler read the meters).
    sampled: Vec<Duration>,
    /// CPU over the measurement, % of one core: the whole process, the server thread.
    cpu_process: f64,
    cpu_server: f64,
}

/// The `t` of a `meterFrame` text.
fn frame_time(text: &str) -> Option<f64> {
    let start = text.find(r#""t":"#)? + 4;
    let end = start + text[start..].find([',', '}'])?;
    text[start..end].parse().ok()
}

fn deviation(interval: f64) -> Duration {
    Duration::from_secs_f64((interval - METER_PERIOD).abs())
}

/// `clients` clients subscribed at 60 Hz for `seconds` (after one second of settling).
fn meters(app: &App, clients: usize, seconds: u64) -> Meters {
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let mut ws: Ws = app.connect();
            let stop = stop.clone();
            let ready = ready.clone();
            std::thread::spawn(move || {
                ws.result("subscribeMeters", json!({"hz": 60}));
                ready.wait();
                let settled = Instant::now() + Duration::from_secs(1);
                let mut previous: Option<(Instant, f64)> = None;
                let (mut arrival, mut sampled) = (Vec::new(), Vec::new());
                while !stop.load(Ordering::Relaxed) {
                    let text = match ws.socket.read() {
                        Ok(Message::Text(text)) => text,
                        Ok(_) => continue,
                        Err(_) => break,
                    };
                    let Some(t) = frame_time(text.as_str()) else {
                        continue;
                    };
                    let now = Instant::now();
                    if let Some((at, t0)) = previous
                        && now > settled
                    {
                        arrival.push(deviation((now - at).as_secs_f64()));
                        sampled.push(deviation(t - t0));
                    }
                    previous = Some((now, t));
                }
                (arrival, sampled)
            })
        })
        .collect();
    ready.wait();
    std::thread::sleep(Duration::from_secs(1));
    let pid = app.child.id();
    let before = (process_ticks(pid), server_ticks(pid, app.port));
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let after = (process_ticks(pid), server_ticks(pid, app.port));
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let (mut arrival, mut sampled) = (Vec::new(), Vec::new());
    for thread in threads {
        let (a, s) = thread.join().expect("meter client");
        arrival.extend(a);
        sampled.extend(s);
    }
    let ticks_per_second = 100.0; // USER_HZ on Linux.
    let percent = |a: u64, b: u64| (b - a) as f64 / ticks_per_second / elapsed * 100.0;
    Meters {
        arrival,
        sampled,
        cpu_process: percent(before.0, after.0),
        cpu_server: percent(before.1, after.1),
    }
}

/// utime + stime of a `/proc/…/stat` file, in clock ticks.
fn stat_ticks(path: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    Some(fields[11].parse::<u64>().ok()? + fields[12].parse::<u64>().ok()?)
}

fn process_ticks(pid: u32) -> u64 {
    stat_ticks(&format!("/proc/{pid}/stat")).unwrap_or(0)
}

/// CPU ticks of the server's thread (named `webui-ws:PORT`, truncated to 15 bytes).
fn server_ticks(pid: u32, port: u16) -> u64 {
    let name: String = format!("webui-ws:{port}").chars().take(15).collect();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm")).is_ok_and(|c| c.trim() == name)
        })
        .filter_map(|task| stat_ticks(&format!("{}/stat", task.path().display())))
        .sum()
}
