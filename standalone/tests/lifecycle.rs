//! Ending the app (Ctrl+C, SIGTERM) and starting it on a taken port.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::App;
use serde_json::json;

/// Sends `signal` to an app with a connected client and checks: exit 0 within 1 s, port free.
fn ends_cleanly_on(signal: i32) {
    let mut app = App::start(&[]);
    let mut ws = app.connect();
    assert_eq!(ws.result("ping", json!({})), json!({"pong": true}));
    let sent = Instant::now();
    app.signal(signal);
    let status = app
        .wait_exit(Duration::from_secs(5))
        .expect("the app exits after the signal");
    let took = sent.elapsed();
    assert!(
        status.success(),
        "exit status {status:?}:\n{}",
        app.stderr()
    );
    assert!(took < Duration::from_secs(1), "took {took:?}");
    TcpListener::bind(("127.0.0.1", app.port)).expect("the port is free again");
    // The client was told the server went away.
    assert_eq!(ws.close_code(), Some(1001));
}

#[test]
fn ctrl_c_exits_0_within_a_second() {
    ends_cleanly_on(libc::SIGINT);
}

#[test]
fn sigterm_exits_0_within_a_second() {
    ends_cleanly_on(libc::SIGTERM);
}

#[test]
fn a_taken_port_exits_2_naming_it() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().unwrap().port();
    let mut app = App::spawn(
        &["--dev-server", "--port", &port.to_string(), "-b", "dummy"],
        port,
    );
    let status = app.wait_exit(Duration::from_secs(30)).expect("exits");
    assert_eq!(status.code(), Some(2));
    assert!(app.stderr_shows("already in use"), "{}", app.stderr());
    let stderr = app.stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
}
