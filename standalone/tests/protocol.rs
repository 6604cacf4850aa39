//! Every protocol method over a real WebSocket to the real binary, two clients' sets, the UI at
//! `/`, and the frame limit.

mod common;

use std::time::Duration;

use common::App;
use serde_json::{Value, json};
use tungstenite::Message;

#[test]
fn every_method_over_the_wire() {
    let app = App::start(&[]);
    let mut ws = app.connect();

    let info = ws.result("getInfo", json!({}));
    assert_eq!(info["name"], "Webstrip");
    assert_eq!(info["protocol"], 1);
    assert_eq!(info["transport"], "websocket");
    assert_eq!(info["trackName"], Value::Null, "no host, no track");
    assert_eq!(ws.result("ping", Value::Null), json!({"pong": true}));

    let all = ws.result("getAllParameters", json!({}));
    let parameters = all["parameters"].as_array().expect("parameters");
    let ids: Vec<&str> = parameters
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in [
        "input",
        "output",
        "pan",
        "width",
        "mute",
        "bypass",
        "tone",
        "tone_level",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let seq0 = all["seq"].as_u64().expect("seq");

    let output = ws.result("getParameter", json!({"id": "output"}));
    assert_eq!(output["id"], "output");
    assert!(output["text"].as_str().unwrap().ends_with("dB"));

    let set = ws.result("setParameter", json!({"id": "output", "value": -6}));
    assert_eq!(set["value"], -6.0);
    let changed = ws.notification("parameterChanged");
    assert_eq!(changed["params"]["id"], "output");
    assert_eq!(changed["params"]["value"], -6.0);
    assert_eq!(changed["params"]["seq"], seq0 + 1);
    assert_eq!(
        ws.result("getParameter", json!({"id": "output"}))["value"],
        -6.0
    );

    let tone = ws.result("setParameter", json!({"id": "tone", "normalized": 0.5}));
    assert_eq!(tone["text"], "Sine 1 kHz");
    ws.notification("parameterChanged");

    assert_eq!(ws.result("beginGesture", json!({"id": "pan"})), json!({}));
    ws.result("setParameter", json!({"id": "pan", "value": -25}));
    assert_eq!(ws.result("endGesture", json!({"id": "pan"})), json!({}));
    assert_eq!(ws.notification("parameterChanged")["params"]["id"], "pan");

    let frame = ws.result("getMeterFrame", json!({}));
    assert!(frame["t"].as_f64().is_some());
    assert_eq!(frame["channels"].as_array().unwrap().len(), 2);
    assert_eq!(
        ws.result("subscribeMeters", json!({"hz": 120})),
        json!({"hz": 60.0})
    );
    let pushed = ws.notification("meterFrame");
    assert_eq!(pushed["params"]["channels"].as_array().unwrap().len(), 2);
    assert_eq!(
        ws.result("subscribeMeters", json!({"hz": 0})),
        json!({"hz": 0.0})
    );

    // Over WebSocket the page may not resize an editor.
    assert_eq!(
        ws.result("requestResize", json!({"width": 800, "height": 600})),
        json!({"accepted": false})
    );

    // Errors keep the connection open.
    assert_eq!(ws.call("nope", json!({}))["error"]["code"], -32601);
    assert_eq!(
        ws.call("getParameter", json!({"id": "gain"}))["error"]["code"],
        -32000
    );
    assert_eq!(
        ws.call("setParameter", json!({"id": "output", "value": 99}))["error"]["code"],
        -32001
    );
    ws.socket.send(Message::text("{not json")).unwrap();
    let parse_error = ws.read().expect("parse error response");
    assert_eq!(parse_error["error"]["code"], -32700);
    assert_eq!(ws.result("ping", json!({})), json!({"pong": true}));
}

#[test]
fn two_clients_see_each_others_sets_with_consecutive_seq() {
    let app = App::start(&[]);
    let mut a = app.connect();
    let mut b = app.connect();
    let seq0 = a.result("getAllParameters", json!({}))["seq"]
        .as_u64()
        .unwrap();
    a.result("setParameter", json!({"id": "width", "value": 50}));
    b.result("setParameter", json!({"id": "pan", "value": 10}));
    a.result("setParameter", json!({"id": "mute", "value": 1}));
    for client in [&mut a, &mut b] {
        let seqs: Vec<u64> = (0..3)
            .map(|_| {
                client.notification("parameterChanged")["params"]["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(seqs, [seq0 + 1, seq0 + 2, seq0 + 3]);
    }
}

#[test]
fn ui_or_build_instructions_at_root() {
    let app = App::start(&[]);
    let (status, content_type, body) = app.http_get_full("/");
    match status {
        200 => {
            assert_eq!(content_type, "text/html; charset=utf-8");
            assert!(
                body.to_ascii_lowercase().contains("<!doctype html"),
                "{body}"
            );
            // Every script and stylesheet the page names is served with its type.
            for attribute in ["src=\"", "href=\""] {
                for part in body.split(attribute).skip(1) {
                    let url = part.split('"').next().unwrap();
                    let path = format!("/{}", url.trim_start_matches("./").trim_start_matches('/'));
                    let expected = if path.ends_with(".js") {
                        "text/javascript"
                    } else if path.ends_with(".css") {
                        "text/css"
                    } else {
                        continue;
                    };
                    let (status, content_type, _) = app.http_get_full(&path);
                    assert_eq!(status, 200, "{path}");
                    assert!(content_type.starts_with(expected), "{path}: {content_type}");
                }
            }
        }
        503 => assert!(body.contains("npm --prefix ui run build"), "{body}"),
        other => panic!("GET / answered {other}: {body}"),
    }
    let (status, _) = app.http_get("/no-such-file.js");
    assert!(status == 404 || status == 503, "{status}");
    // The WebSocket path without an upgrade.
    assert_eq!(app.http_get("/ws").0, 426);
}

#[test]
fn frames_over_64_kib_close_with_1009() {
    let app = App::start(&[]);
    let mut ws = app.connect();
    // Exactly 64 KiB is allowed (and answered; the bridge's own limit).
    let padding = " ".repeat(64 * 1024 - r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.len());
    let at_limit = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"ping"{padding}}}"#);
    assert_eq!(at_limit.len(), 64 * 1024);
    ws.socket.send(Message::text(at_limit)).unwrap();
    assert_eq!(ws.read().expect("answer")["result"], json!({"pong": true}));

    let too_big = format!(r#"{{"jsonrpc":"2.0","id":2,"method":"ping"{padding} }}"#);
    ws.socket.send(Message::text(too_big)).unwrap();
    assert_eq!(ws.close_code(), Some(1009));

    // The server is fine afterwards.
    std::thread::sleep(Duration::from_millis(50));
    let mut again = app.connect();
    assert_eq!(again.result("ping", json!({})), json!({"pong": true}));
}

#[test]
fn binary_frames_close_with_1003() {
    let app = App::start(&[]);
    let mut ws = app.connect();
    ws.socket.send(Message::binary(vec![1, 2, 3])).unwrap();
    assert_eq!(ws.close_code(), Some(1003));
}
