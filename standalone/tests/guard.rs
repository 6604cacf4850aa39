//! Who may connect: Origin check (403), token (401), non-loopback binds.

mod common;

use std::time::Duration;

use common::{App, Ws, free_port};
use serde_json::json;

#[test]
fn foreign_origins_get_403_and_known_ones_connect() {
    let app = App::start(&["--allow-origin", "https://ui.example.org/"]);
    let url = app.url("");
    assert_eq!(
        Ws::connect(&url, &[("Origin", "http://evil.example")]).err(),
        Some(403)
    );
    assert_eq!(
        Ws::connect(&url, &[("Origin", "http://localhost:1234")]).err(),
        Some(403)
    );
    let own = format!("http://127.0.0.1:{}", app.port);
    let own_name = format!("http://localhost:{}", app.port);
    for origin in [
        own.as_str(),
        own_name.as_str(),
        "http://localhost:5173",
        "http://127.0.0.1:5173",
        "https://ui.example.org",
    ] {
        let mut ws = Ws::connect(&url, &[("Origin", origin)])
            .unwrap_or_else(|status| panic!("{origin} refused with {status}"));
        assert_eq!(ws.result("ping", json!({})), json!({"pong": true}));
    }
    assert!(
        app.stderr_shows("origin http://evil.example is not allowed"),
        "no log line for the refusal:\n{}",
        app.stderr()
    );
}

#[test]
fn a_token_is_required_when_set() {
    let app = App::start(&["--token", "s3cret/+"]);
    assert_eq!(Ws::connect(&app.url(""), &[]).err(), Some(401));
    assert_eq!(Ws::connect(&app.url("?token=wrong"), &[]).err(), Some(401));
    assert_eq!(
        Ws::connect(&app.url(""), &[("Authorization", "Bearer nope")]).err(),
        Some(401)
    );
    let mut by_query = Ws::connect(&app.url("?token=s3cret%2F%2B"), &[]).expect("query token");
    assert_eq!(by_query.result("ping", json!({})), json!({"pong": true}));
    let mut by_header =
        Ws::connect(&app.url(""), &[("Authorization", "Bearer s3cret/+")]).expect("bearer");
    assert_eq!(by_header.result("ping", json!({})), json!({"pong": true}));
}

#[test]
fn non_loopback_bind_without_token_refuses_to_start() {
    let port = free_port();
    let mut app = App::spawn(
        &[
            "--dev-server",
            "--bind",
            "0.0.0.0",
            "--port",
            &port.to_string(),
            "-b",
            "dummy",
        ],
        port,
    );
    let status = app.wait_exit(Duration::from_secs(30)).expect("exits");
    assert!(!status.success());
    assert!(
        app.stderr_shows("refusing to listen on 0.0.0.0 without a token"),
        "{}",
        app.stderr()
    );
}
