//! Talking to an instance's bridge in process, as a UI client does: requests that must succeed,
//! and the notifications waiting for a client.

use std::time::Duration;

use bridge::{Client, Next, Outgoing};
use serde_json::{Value, json};

/// Calls `method` and returns its result; panics with the response when it is an error.
pub fn ok(client: &Client, method: &str, params: Value) -> Value {
    let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let response: Value =
        serde_json::from_str(&client.handle(&request.to_string()).unwrap()).unwrap();
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

/// A text message, parsed; `None` for a stream frame.
fn parsed(message: &Outgoing) -> Option<Value> {
    message
        .as_text()
        .map(|text| serde_json::from_str(text).unwrap())
}

/// The notifications waiting for `client` other than meter frames, without waiting.
pub fn notifications(client: &Client) -> Vec<Value> {
    std::iter::from_fn(|| client.try_next())
        .filter_map(|m| parsed(&m))
        .filter(|m| m["method"] != "meterFrame")
        .collect()
}

/// Every notification for `client`, waiting up to `wait` for the first message.
pub fn notifications_within(client: &Client, wait: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    if let Next::Message(m) = client.next_timeout(wait) {
        out.extend(parsed(&m));
    }
    out.extend(std::iter::from_fn(|| client.try_next()).filter_map(|m| parsed(&m)));
    out
}

/// Asserts that `note` is the `parameterChanged` of `id` with sequence number `seq`.
pub fn changed(note: &Value, id: &str, seq: u64) {
    assert_eq!(note["method"], "parameterChanged", "{note}");
    assert_eq!(
        (
            note["params"]["id"].as_str(),
            note["params"]["seq"].as_u64()
        ),
        (Some(id), Some(seq)),
        "{note}"
    );
}
