//! Every method, every error code, the JSON-RPC 2.0 specification's own examples, and "an error
//! never changes state".

mod support;

use std::time::{Duration, Instant};

use bridge::protocol::Transport;
use serde_json::{Value, json};
use support::*;

#[test]
fn get_all_parameters_describes_every_kind() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    let all = ok(&client, "getAllParameters", json!({}));
    assert_eq!(all["seq"], 0);
    let p = all["parameters"].as_array().unwrap();
    assert_eq!(p.len(), 5);
    assert_eq!(
        p[0],
        json!({ "id": "gain", "name": "Gain", "kind": "float", "value": 0.0, "normalized": 0.5,
                "default": 0.0, "min": -24.0, "max": 24.0, "unit": "dB", "text": "0.00 dB",
                "law": { "type": "linear", "reversed": false } })
    );
    // A skewed range and a step size reach the page as they are (it maps drags with them).
    assert_eq!(
        (p[4]["law"].clone(), p[4]["stepSize"].clone()),
        (
            json!({ "type": "symmetricalSkewed", "factor": 0.5, "center": 0.0, "reversed": false }),
            json!(0.1)
        )
    );
    assert_eq!(p[1]["law"]["type"], "linear");
    assert_eq!(p[1]["kind"], "int");
    assert_eq!(
        (
            p[1]["min"].clone(),
            p[1]["max"].clone(),
            p[1]["step"].clone()
        ),
        (json!(0.0), json!(8.0), json!(1.0))
    );
    assert_eq!(p[2]["kind"], "bool");
    assert_eq!(
        (p[2]["value"].clone(), p[2]["text"].clone()),
        (json!(1.0), json!("On"))
    );
    assert_eq!(p[3]["kind"], "enum");
    assert_eq!(p[3]["variants"], json!(["Clean", "Warm", "Hot"]));
    // No params, [] and {} are all accepted.
    let request = r#"{"jsonrpc":"2.0","id":7,"method":"getAllParameters"}"#;
    let response: Value = serde_json::from_str(&client.handle(request).unwrap()).unwrap();
    assert_eq!(response["id"], 7);
    ok(&client, "getAllParameters", json!([]));
}

#[test]
fn set_parameter_by_text_uses_the_parameters_parser() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    // The parameter's own parser (it takes a trailing `x`), snapped to its 0.1 step.
    let applied = ok(
        &client,
        "setParameter",
        json!({ "id": "trim", "text": "-3.04x" }),
    );
    assert_eq!(
        (applied["value"].clone(), applied.get("clamped")),
        (json!(-3.0f32), None)
    );
    let normalized = applied["normalized"].as_f64().unwrap() as f32;
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Begin("trim".into()),
            HostEvent::Set("trim".into(), normalized),
            HostEvent::End("trim".into())
        ]
    );
    // Beyond the range: the nearest end, and the result says so.
    for (text, value) in [("+20", 12.0f32), ("-90x", -60.0)] {
        let applied = ok(
            &client,
            "setParameter",
            json!({ "id": "trim", "text": text }),
        );
        assert_eq!(
            (applied["value"].clone(), applied["clamped"].clone()),
            (json!(value), json!(true)),
            "{text}"
        );
    }
    // At an end but named exactly: not clamped.
    let applied = ok(
        &client,
        "setParameter",
        json!({ "id": "trim", "text": "12" }),
    );
    assert_eq!(applied.get("clamped"), None);
    host.take_events();
    // Text that is no value: a clear error, and nothing reaches the host.
    let response = call(
        &client,
        "setParameter",
        json!({ "id": "trim", "text": "loud" }),
    );
    let error = &response["error"];
    assert_eq!(
        (
            error["code"].clone(),
            error["message"].clone(),
            error["data"].clone()
        ),
        (
            json!(-32602),
            json!("not a value for Trim"),
            json!({ "text": "loud" })
        )
    );
    let code = err(
        &client,
        "setParameter",
        json!({ "id": "trim", "text": "1", "value": 1.0 }),
    );
    assert_eq!(code, -32602);
    assert!(host.take_events().is_empty());
}

#[test]
fn get_parameter_set_parameter_and_echo() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    assert_eq!(
        ok(&client, "getParameter", json!({ "id": "gain" })),
        json!({ "id": "gain", "value": 0.0, "normalized": 0.5, "text": "0.00 dB" })
    );
    let applied = ok(
        &client,
        "setParameter",
        json!({ "id": "gain", "value": 12.0 }),
    );
    assert_eq!(
        applied,
        json!({ "id": "gain", "value": 12.0, "normalized": 0.75, "text": "12.00 dB" })
    );
    // Outside a gesture a set is a complete gesture for the host.
    assert_eq!(
        host.take_events(),
        [
            HostEvent::Begin("gain".into()),
            HostEvent::Set("gain".into(), 0.75),
            HostEvent::End("gain".into())
        ]
    );
    // Nothing is broadcast before the host applies it…
    assert!(param_notifications(&client).is_empty());
    host.flush();
    // …then exactly one notification, to the sender too.
    assert_eq!(
        param_notifications(&client),
        [json!({ "jsonrpc": "2.0", "method": "parameterChanged",
                 "params": { "id": "gain", "value": 12.0, "normalized": 0.75, "text": "12.00 dB", "seq": 1 } })]
    );
    // f32 values are written in their shortest form, in responses as in notifications.
    let text = client
        .handle(
            r#"{"jsonrpc":"2.0","id":1,"method":"setParameter","params":{"id":"gain","value":1}}"#,
        )
        .unwrap();
    assert!(
        text.starts_with(r#"{"jsonrpc":"2.0","id":1,"result":{"#),
        "{text}"
    );
    assert!(text.contains(r#""normalized":0.5208333,"#), "{text}");
    host.flush();
    let note = client.try_next().unwrap();
    let note = note.as_text().unwrap();
    assert!(note.contains(r#""normalized":0.5208333,"#), "{note}");
    // By normalized value, snapped for discrete parameters.
    let applied = ok(
        &client,
        "setParameter",
        json!({ "id": "steps", "normalized": 0.3 }),
    );
    assert_eq!(
        (applied["value"].clone(), applied["normalized"].clone()),
        (json!(2.0), json!(0.25))
    );
    let applied = ok(&client, "setParameter", json!({ "id": "mode", "value": 2 }));
    assert_eq!(applied["text"], "Hot");
    let applied = ok(
        &client,
        "setParameter",
        json!({ "id": "on", "normalized": 0.2 }),
    );
    assert_eq!(
        (applied["value"].clone(), applied["text"].clone()),
        (json!(0.0), json!("Off"))
    );
    host.flush();
    // `steps` did not change (2 → 2): no notification, no seq.
    let seqs: Vec<Value> = param_notifications(&client)
        .iter()
        .map(|n| n["params"]["seq"].clone())
        .collect();
    assert_eq!(seqs, [json!(3), json!(4)]);
    assert_eq!(bridge.seq(), 4);
}

#[test]
fn gestures_meters_ping_info_resize() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    assert_eq!(
        ok(&client, "beginGesture", json!({ "id": "gain" })),
        json!({})
    );
    ok(
        &client,
        "setParameter",
        json!({ "id": "gain", "value": 1.0 }),
    );
    ok(
        &client,
        "setParameter",
        json!({ "id": "gain", "value": 2.0 }),
    );
    assert_eq!(
        ok(&client, "endGesture", json!({ "id": "gain" })),
        json!({})
    );
    let events = host.take_events();
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, HostEvent::Begin(_)))
            .count(),
        1
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, HostEvent::End(_)))
            .count(),
        1
    );
    assert_eq!(events.len(), 4);
    // Ending a gesture nobody holds is a no-op.
    assert_eq!(
        ok(&client, "endGesture", json!({ "id": "gain" })),
        json!({})
    );
    assert!(host.take_events().is_empty());

    let frame = ok(&client, "getMeterFrame", json!({}));
    assert_eq!(frame["channels"].as_array().unwrap().len(), 2);
    assert!(frame["t"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        ok(&client, "subscribeMeters", json!({ "hz": 500 })),
        json!({ "hz": 60.0 })
    );
    assert_eq!(
        ok(&client, "subscribeMeters", json!({ "hz": 0 })),
        json!({ "hz": 0.0 })
    );
    assert_eq!(ok(&client, "ping", json!({})), json!({ "pong": true }));
    assert_eq!(
        ok(&client, "getInfo", json!({})),
        json!({ "name": "Test", "version": "1.2.3", "vendor": "Tests", "protocol": 1, "transport": "inProcess", "canOpenInBrowser": false, "trackName": null })
    );
    // A client that may not resize (not the editor's page) is refused without an error.
    assert_eq!(
        ok(
            &client,
            "requestResize",
            json!({ "width": 800, "height": 500 })
        ),
        json!({ "accepted": false })
    );
    bridge.set_resize_handler(Some(Box::new(|w, h| w <= 1000 && h <= 1000)));
    let editor = bridge
        .connect(bridge::ClientOptions {
            editor_page: true,
            ..bridge::ClientOptions::new(Transport::Pipe)
        })
        .unwrap();
    assert_eq!(
        ok(
            &editor,
            "requestResize",
            json!({ "width": 800, "height": 500 })
        ),
        json!({ "accepted": true })
    );
    assert_eq!(
        ok(
            &editor,
            "requestResize",
            json!({ "width": 1800, "height": 500 })
        ),
        json!({ "accepted": false })
    );
    assert_eq!(ok(&editor, "getInfo", json!({}))["transport"], "pipe");
}

#[test]
fn every_error_code() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let a = connect(&bridge);
    let b = connect(&bridge);
    let parse = |text: &str| -> Value { serde_json::from_str(&a.handle(text).unwrap()).unwrap() };
    assert_eq!(parse("{")["error"]["code"], -32700);
    assert_eq!(
        parse(r#"{"jsonrpc":"2.0","method":1}"#)["error"]["code"],
        -32600
    );
    assert_eq!(
        parse(r#"{"jsonrpc":"1.0","method":"ping","id":1}"#)["error"]["code"],
        -32600
    );
    assert_eq!(
        parse(r#"{"jsonrpc":"2.0","method":"ping","id":[1]}"#)["error"]["code"],
        -32600
    );
    assert_eq!(
        parse(r#"{"jsonrpc":"2.0","method":"ping","params":3,"id":1}"#)["error"]["code"],
        -32600
    );
    let huge = format!(
        r#"{{"jsonrpc":"2.0","method":"ping","id":1,"pad":"{}"}}"#,
        "x".repeat(70_000)
    );
    assert_eq!(parse(&huge)["error"]["code"], -32600);
    assert_eq!(err(&a, "nope", json!({})), -32601);
    assert_eq!(err(&a, "getParameter", json!({})), -32602);
    assert_eq!(err(&a, "getParameter", json!(["gain"])), -32602);
    assert_eq!(
        err(&a, "getParameter", json!({ "id": "gain", "extra": 1 })),
        -32602
    );
    assert_eq!(err(&a, "setParameter", json!({ "id": "gain" })), -32602);
    assert_eq!(
        err(
            &a,
            "setParameter",
            json!({ "id": "gain", "value": 1, "normalized": 0.5 })
        ),
        -32602
    );
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "steps", "value": 1.5 })),
        -32602
    );
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "gain", "value": "1" })),
        -32602
    );
    assert_eq!(err(&a, "ping", json!({ "x": 1 })), -32602);
    assert_eq!(err(&a, "getParameter", json!({ "id": "nope" })), -32000);
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "nope", "value": 0 })),
        -32000
    );
    assert_eq!(err(&a, "beginGesture", json!({ "id": "nope" })), -32000);
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "gain", "value": 24.5 })),
        -32001
    );
    assert_eq!(
        err(
            &a,
            "setParameter",
            json!({ "id": "gain", "normalized": -0.1 })
        ),
        -32001
    );
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "on", "value": 2 })),
        -32001
    );
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "mode", "value": 3 })),
        -32001
    );
    assert_eq!(err(&a, "subscribeMeters", json!({ "hz": -1 })), -32001);
    assert_eq!(
        err(&a, "requestResize", json!({ "width": 0, "height": 10 })),
        -32001
    );
    ok(&a, "beginGesture", json!({ "id": "gain" }));
    assert_eq!(err(&b, "beginGesture", json!({ "id": "gain" })), -32002);
    assert_eq!(
        err(&b, "setParameter", json!({ "id": "gain", "value": 3 })),
        -32002
    );
    assert_eq!(err(&b, "endGesture", json!({ "id": "gain" })), -32002);
    let out_of_range = call(&a, "setParameter", json!({ "id": "gain", "value": 99 }));
    assert_eq!(
        out_of_range["error"]["data"],
        json!({ "min": -24.0, "max": 24.0 })
    );
    bridge.shutdown();
    assert_eq!(
        err(&a, "setParameter", json!({ "id": "gain", "value": 3 })),
        -32603
    );
    assert!(a.is_closed());
}

/// Every error leaves the parameters, the host's view, gestures, subscriptions and seq unchanged.
#[test]
fn an_error_never_changes_state() {
    let (host, bridge, _) = setup(Apply::Immediately);
    let a = connect(&bridge);
    let b = connect(&bridge);
    ok(&a, "beginGesture", json!({ "id": "steps" }));
    host.take_events();
    let before = (host.values(), bridge.seq());
    let failing = [
        ("setParameter", json!({ "id": "gain", "value": 30 })),
        ("setParameter", json!({ "id": "gain", "normalized": 2 })),
        ("setParameter", json!({ "id": "nope", "value": 0 })),
        ("setParameter", json!({ "id": "steps", "value": 3 })),
        ("setParameter", json!({ "id": "steps", "value": 1.5 })),
        (
            "setParameter",
            json!({ "id": "gain", "value": 1, "normalized": 0.1 }),
        ),
        ("beginGesture", json!({ "id": "steps" })),
        ("endGesture", json!({ "id": "steps" })),
        ("subscribeMeters", json!({ "hz": "fast" })),
        ("subscribeMeters", json!({ "hz": -5 })),
        ("requestResize", json!({ "width": 100000, "height": 1 })),
        ("unknown", json!({})),
    ];
    for (method, params) in failing {
        assert!(
            call(&b, method, params.clone()).get("error").is_some(),
            "{method} {params}"
        );
    }
    for text in [
        "",
        "{",
        "[]",
        "[1]",
        r#"{"jsonrpc":"2.0","method":1,"id":1}"#,
    ] {
        b.handle(text);
    }
    assert_eq!((host.values(), bridge.seq()), before);
    assert!(host.take_events().is_empty());
    assert!(drain(&a).is_empty() && drain(&b).is_empty());
    // b's failed gesture requests left a's gesture alone: a still owns it.
    ok(&a, "setParameter", json!({ "id": "steps", "value": 3 }));
    assert_eq!(host.take_events(), [HostEvent::Set("steps".into(), 0.375)]);
}

/// The examples of the JSON-RPC 2.0 specification, §7, with its methods (`subtract`, `sum`, …)
/// being unknown here.
#[test]
fn specification_examples() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    let answer = |text: &str| {
        client
            .handle(text)
            .map(|r| serde_json::from_str::<Value>(&r).unwrap())
    };
    let error = |code: i64, id: Value| json!({ "jsonrpc": "2.0", "id": id, "code": code });
    let codes = |v: Value| -> Vec<Value> {
        let list = if let Value::Array(list) = v {
            list
        } else {
            vec![v]
        };
        list.iter()
            .map(|r| {
                assert_response(r);
                json!({ "jsonrpc": "2.0", "id": r["id"], "code": r["error"]["code"] })
            })
            .collect()
    };
    // Positional params, unknown method.
    let r =
        answer(r#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#).unwrap();
    assert_eq!(codes(r), [error(-32601, json!(1))]);
    // Notifications: no answer, whatever the method.
    assert_eq!(
        answer(r#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#),
        None
    );
    assert_eq!(answer(r#"{"jsonrpc": "2.0", "method": "foobar"}"#), None);
    assert_eq!(answer(r#"{"jsonrpc": "2.0", "method": "ping"}"#), None);
    // Non-existent method.
    let r = answer(r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#).unwrap();
    assert_eq!(codes(r), [error(-32601, json!("1"))]);
    // Invalid JSON.
    let r = answer(r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#).unwrap();
    assert_eq!(codes(r), [error(-32700, Value::Null)]);
    // Invalid Request object.
    let r = answer(r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#).unwrap();
    assert_eq!(codes(r), [error(-32600, Value::Null)]);
    // Batch, invalid JSON.
    let r = answer(
        r#"[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method"
    ]"#,
    )
    .unwrap();
    assert!(r.is_object());
    assert_eq!(codes(r), [error(-32700, Value::Null)]);
    // Empty array: one error, not a batch.
    let r = answer("[]").unwrap();
    assert!(r.is_object());
    assert_eq!(codes(r), [error(-32600, Value::Null)]);
    // Invalid batch (but not empty).
    let r = answer("[1]").unwrap();
    assert_eq!(codes(r), [error(-32600, Value::Null)]);
    let r = answer("[1,2,3]").unwrap();
    assert_eq!(codes(r), vec![error(-32600, Value::Null); 3]);
    // Mixed batch, with this protocol's methods in place of the spec's.
    let r = answer(
        r#"[
        {"jsonrpc": "2.0", "method": "ping", "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "getParameter", "params": {"id": "nope"}, "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "getInfo", "id": "9"}
    ]"#,
    )
    .unwrap();
    let list = r.as_array().unwrap();
    assert_eq!(list.len(), 5);
    for response in list {
        assert_response(response);
    }
    assert_eq!(list[0]["result"], json!({ "pong": true }));
    assert_eq!(
        (list[1]["id"].clone(), list[1]["error"]["code"].clone()),
        (json!("2"), json!(-32000))
    );
    assert_eq!(
        (list[2]["id"].clone(), list[2]["error"]["code"].clone()),
        (Value::Null, json!(-32600))
    );
    assert_eq!(
        (list[3]["id"].clone(), list[3]["error"]["code"].clone()),
        (json!("5"), json!(-32601))
    );
    assert_eq!(list[4]["result"]["name"], "Test");
    // Batch of notifications: nothing at all.
    assert_eq!(
        answer(
            r#"[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]"#
        ),
        None
    );
    // A null id is a request (answered with id null), not a notification.
    let r = answer(r#"{"jsonrpc": "2.0", "method": "ping", "id": null}"#).unwrap();
    assert_eq!(
        r,
        json!({ "jsonrpc": "2.0", "id": null, "result": { "pong": true } })
    );
}

#[test]
fn open_in_browser_only_for_the_editors_page_and_only_with_a_handler() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let page = bridge
        .connect(bridge::ClientOptions {
            editor_page: true,
            ..bridge::ClientOptions::new(Transport::Pipe)
        })
        .unwrap();
    let browser = connect(&bridge);
    // No handler (the standalone): unavailable to everyone.
    assert_eq!(err(&page, "openInBrowser", json!({})), -32003);
    assert_eq!(
        ok(&page, "getInfo", json!({}))["canOpenInBrowser"],
        json!(false)
    );

    let url = "http://127.0.0.1:40000/?token=00112233445566778899aabbccddeeff";
    let dev =
        "http://localhost:5173/?ws=ws://127.0.0.1:40000/ws&token=00112233445566778899aabbccddeeff";
    bridge.set_browser_handler(Some(Box::new(move || {
        Ok(bridge::protocol::BrowserAddress {
            url: url.to_owned(),
            dev_url: Some(dev.to_owned()),
        })
    })));
    assert_eq!(
        ok(&page, "getInfo", json!({}))["canOpenInBrowser"],
        json!(true)
    );
    let link = json!({ "url": url, "devUrl": dev });
    assert_eq!(ok(&page, "openInBrowser", json!({})), link);
    assert_eq!(ok(&page, "openInBrowser", json!([])), link);
    assert_eq!(err(&page, "openInBrowser", json!({ "port": 1 })), -32602);
    // A browser client never learns or starts anything.
    assert_eq!(
        ok(&browser, "getInfo", json!({}))["canOpenInBrowser"],
        json!(false)
    );
    let refused = call(&browser, "openInBrowser", json!({}));
    assert_eq!(refused["error"]["code"], json!(-32003));
    assert!(!refused.to_string().contains("token="), "{refused}");

    // A server that does not start: the reason comes back.
    bridge.set_browser_handler(Some(Box::new(|| {
        Err("ports 9100..9163 are all in use".into())
    })));
    let failed = call(&page, "openInBrowser", json!({}));
    assert_eq!(failed["error"]["code"], json!(-32003));
    assert_eq!(
        failed["error"]["data"],
        json!("ports 9100..9163 are all in use")
    );
}

/// Waits up to `wait` for notifications on `client`.
fn notifications_within(client: &bridge::Client, wait: Duration) -> Vec<Value> {
    let deadline = Instant::now() + wait;
    let mut all = Vec::new();
    while Instant::now() < deadline {
        all.extend(param_notifications(client));
        std::thread::sleep(Duration::from_millis(10));
    }
    all
}

#[test]
fn a_watched_bridge_announces_changes_nobody_reported_once() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    // Unwatched: a silent change reaches nobody.
    host.change_silently("gain", 0.25);
    assert!(notifications_within(&client, Duration::from_millis(200)).is_empty());

    bridge.watch_parameters();
    let seen = notifications_within(&client, Duration::from_millis(500));
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["params"]["id"], json!("gain"));
    assert_eq!(seen[0]["params"]["normalized"], json!(0.25));
    let seq = seen[0]["params"]["seq"].as_u64().unwrap();

    // The host's own report of the same value (e.g. the editor opened meanwhile) is not repeated.
    bridge.param_value_changed("gain");
    // A client's set: the echo and the watcher see it; it is announced once, with the next seq.
    ok(
        &client,
        "setParameter",
        json!({ "id": "gain", "normalized": 0.75 }),
    );
    host.flush();
    let seen = notifications_within(&client, Duration::from_millis(300));
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["params"]["id"], json!("gain"));
    assert_eq!(seen[0]["params"]["normalized"], json!(0.75));
    assert_eq!(seen[0]["params"]["seq"].as_u64(), Some(seq + 1));
    assert_eq!(bridge.seq(), seq + 1);
}

#[test]
fn detach_closes_clients_without_calling_the_host() {
    let (host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    ok(&client, "beginGesture", json!({ "id": "gain" }));
    host.take_events();
    bridge.detach();
    assert!(client.is_closed());
    drop(client);
    assert!(host.take_events().is_empty(), "no gesture end after detach");
    assert!(
        bridge
            .connect(bridge::ClientOptions::new(Transport::InProcess))
            .is_none()
    );
}

/// Ids come back as the request wrote them, byte for byte: a number JSON allows but `f64` cannot
/// hold, a fraction, an exponent, a string with escapes, null.
#[test]
fn request_ids_are_echoed_exactly() {
    let (_host, bridge, _) = setup(Apply::OnFlush);
    let client = connect(&bridge);
    for id in [
        "12345678901234567890123",
        "-98765432109876543210",
        "1.50",
        "1e400",
        "0",
        r#""a \"quoted\" \u00e9 id""#,
        "null",
    ] {
        let request = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#);
        let response = client.handle(&request).expect("an answer");
        assert!(
            response.contains(&format!(r#""id":{id},"#)),
            "{id} → {response}"
        );
        // An error answer echoes it too.
        let request = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"nope"}}"#);
        let response = client.handle(&request).expect("an answer");
        assert!(response.contains(&format!(r#""id":{id},"#)), "{response}");
    }
    // `"id": null` is a request (answered), no `id` a notification (not answered).
    assert!(
        client
            .handle(r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#)
            .is_some()
    );
    assert!(
        client
            .handle(r#"{"jsonrpc":"2.0","method":"ping"}"#)
            .is_none()
    );
    // `"params": null` is not "no params".
    let response = client
        .handle(r#"{"jsonrpc":"2.0","id":7,"method":"ping","params":null}"#)
        .unwrap();
    assert!(response.contains("-32600"), "{response}");
    // Whitespace around a batch or a request is still JSON.
    let response = client
        .handle(" \n [ {\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"} ] \n")
        .unwrap();
    assert!(
        response.starts_with(r#"[{"jsonrpc":"2.0","id":3,"#),
        "{response}"
    );
}

/// A batch of more than `MAX_BATCH` requests is refused whole: one error, nothing run.
#[test]
fn a_batch_over_the_limit_is_refused_whole() {
    let (host, bridge, _) = setup(Apply::Immediately);
    let client = connect(&bridge);
    let set = |i: usize| {
        format!(
            r#"{{"jsonrpc":"2.0","id":{i},"method":"setParameter","params":{{"id":"gain","value":{}}}}}"#,
            i % 20
        )
    };
    let batch = |n: usize| format!("[{}]", (1..=n).map(set).collect::<Vec<_>>().join(","));
    let seq = bridge.seq();
    let response: Value =
        serde_json::from_str(&client.handle(&batch(bridge::MAX_BATCH + 1)).unwrap()).unwrap();
    assert_eq!(response["error"]["code"], -32600, "{response}");
    assert_eq!(response["id"], Value::Null);
    assert_eq!(
        response["error"]["data"],
        json!({ "max": bridge::MAX_BATCH, "got": bridge::MAX_BATCH + 1 })
    );
    assert!(host.take_events().is_empty(), "nothing reached the host");
    assert_eq!(bridge.seq(), seq);
    // At the limit, every member runs and is answered.
    let response: Value =
        serde_json::from_str(&client.handle(&batch(bridge::MAX_BATCH)).unwrap()).unwrap();
    assert_eq!(response.as_array().unwrap().len(), bridge::MAX_BATCH);
    assert!(!host.take_events().is_empty());
}
