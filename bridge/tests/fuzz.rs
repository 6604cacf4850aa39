//! Property tests: arbitrary bytes, arbitrary JSON and arbitrary request-shaped objects never
//! panic the dispatcher and always get valid JSON-RPC 2.0 responses (none for notifications).

mod support;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use support::*;

/// Whether `request` is a valid notification (a valid request object without `id`).
fn is_notification(request: &Value) -> bool {
    let Some(object) = request.as_object() else {
        return false;
    };
    !object.contains_key("id")
        && object.get("jsonrpc") == Some(&json!("2.0"))
        && object.get("method").is_some_and(Value::is_string)
        && object
            .get("params")
            .is_none_or(|p| p.is_object() || p.is_array())
}

/// Checks the dispatcher's answer to `text` against JSON-RPC 2.0.
fn check(client: &bridge::Client, text: &str) {
    let answer = client.handle(text);
    let Ok(message) = serde_json::from_str::<Value>(text) else {
        let response: Value =
            serde_json::from_str(&answer.expect("parse errors are answered")).unwrap();
        assert_response(&response);
        assert_eq!(response["error"]["code"], -32700);
        return;
    };
    match &message {
        Value::Array(batch) if !batch.is_empty() => {
            let expected = batch.iter().filter(|r| !is_notification(r)).count();
            match answer {
                None => assert_eq!(expected, 0, "{text}"),
                Some(answer) => {
                    let responses: Value = serde_json::from_str(&answer).unwrap();
                    let responses = responses
                        .as_array()
                        .expect("a batch is answered with an array");
                    assert_eq!(responses.len(), expected, "{text}");
                    responses.iter().for_each(assert_response);
                }
            }
        }
        request => {
            if is_notification(request) {
                assert_eq!(answer, None, "{text}");
            } else {
                let response: Value = serde_json::from_str(&answer.expect("an answer")).unwrap();
                assert_response(&response);
                if let Some(id @ (Value::String(_) | Value::Number(_))) = request.get("id") {
                    assert_eq!(&response["id"], id);
                }
            }
        }
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9 ._-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("gain"),
            Just("steps"),
            Just("on"),
            Just("mode"),
            Just("2.0")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z]{1,8}".boxed(),
                    prop_oneof![
                        Just("id"),
                        Just("value"),
                        Just("normalized"),
                        Just("hz"),
                        Just("width"),
                        Just("height")
                    ]
                    .prop_map(String::from)
                    .boxed(),
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn method_name() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "getAllParameters", "getParameter", "setParameter", "beginGesture", "endGesture",
            "getMeterFrame", "subscribeMeters", "ping", "getInfo", "requestResize",
        ])
        .prop_map(|m| Value::String(m.into())),
        1 => json_value(),
    ]
}

/// Objects shaped like requests, with each member sometimes missing or of the wrong type.
fn request_like() -> impl Strategy<Value = Value> {
    (
        prop::option::weighted(0.9, prop_oneof![9 => Just(json!("2.0")), 1 => json_value()]),
        prop::option::weighted(0.95, method_name()),
        prop::option::weighted(0.8, json_value()),
        prop::option::weighted(
            0.7,
            prop_oneof![
                any::<i32>().prop_map(Value::from),
                "[a-z0-9]{0,6}".prop_map(Value::String),
                json_value()
            ],
        ),
    )
        .prop_map(|(jsonrpc, method, params, id)| {
            let mut object = Map::new();
            for (key, value) in [
                ("jsonrpc", jsonrpc),
                ("method", method),
                ("params", params),
                ("id", id),
            ] {
                if let Some(value) = value {
                    object.insert(key.into(), value);
                }
            }
            Value::Object(object)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let (_host, bridge, _) = setup(Apply::Immediately);
        let client = connect(&bridge);
        match std::str::from_utf8(&bytes) {
            Ok(text) => check(&client, text),
            Err(_) => {
                let answer = client.handle_bytes(&bytes).expect("invalid UTF-8 is answered");
                let response: Value = serde_json::from_str(&answer).unwrap();
                assert_response(&response);
                prop_assert_eq!(&response["error"]["code"], &json!(-32700));
            }
        }
        check(&client, &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_json(value in json_value()) {
        let (_host, bridge, _) = setup(Apply::Immediately);
        let client = connect(&bridge);
        check(&client, &value.to_string());
    }

    #[test]
    fn arbitrary_requests(requests in prop::collection::vec(request_like(), 1..6), batch in any::<bool>()) {
        let (_host, bridge, _) = setup(Apply::Immediately);
        let client = connect(&bridge);
        if batch {
            check(&client, &Value::Array(requests).to_string());
        } else {
            for request in requests {
                check(&client, &request.to_string());
            }
        }
    }
}
