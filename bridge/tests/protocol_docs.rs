//! Every JSON example in `docs/PROTOCOL.md` against the protocol's own tables and types
//! (`bridge::protocol::{METHODS, NOTIFICATIONS}`), so an example cannot drift from the code:
//!
//! - a request names a method of the table and its params read as that method's params type;
//! - a result reads as the result type of the request it answers (paired by id), a notification's
//!   params as that notification's type;
//! - "read as" means read and written back unchanged: a member the type does not have, or one it
//!   requires and the example leaves out (even an optional-valued one the plugin always sends,
//!   such as `devUrl: null`), fails;
//! - an error has a known code and a message the bridge's source writes; a request answered with
//!   −32700, −32600, −32601 really is unparsable, no request, of an unknown method;
//! - every method, notification and error code has an example.
//!
//! Examples are the lines of ```json blocks (a leading `→` marks client → plugin, `←` plugin →
//! client; other lines are prose) and, in tables, `` `request` → `response` `` pairs.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use bridge::ErrorCode;
use bridge::protocol::{METHODS, MethodInfo, NOTIFICATIONS};
use serde_json::{Map, Value};

/// Which way an example goes, when the document says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    ToPlugin,
    FromPlugin,
    Unsaid,
}

/// One message of the document, where it stands.
struct Example {
    line: usize,
    direction: Direction,
    text: String,
    /// The `→ … → …` pair of a table row this is the answer of.
    answers: Option<String>,
    /// The number of the ```json block it stands in (table rows: none).
    block: Option<usize>,
}

fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    let mut blocks = 0;
    let mut open: Option<(usize, Direction, String)> = None;
    for (index, raw) in doc.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            if let Some((start, ..)) = open.take() {
                panic!("docs/PROTOCOL.md:{start}: a JSON example that never ends");
            }
            block = match (block, trimmed) {
                (None, "```json") => {
                    blocks += 1;
                    Some(blocks)
                }
                _ => None,
            };
            continue;
        }
        if block.is_some() {
            let (direction, rest) = if let Some(rest) = trimmed.strip_prefix('→') {
                (Direction::ToPlugin, rest.trim_start())
            } else if let Some(rest) = trimmed.strip_prefix('←') {
                (Direction::FromPlugin, rest.trim_start())
            } else {
                (Direction::Unsaid, trimmed)
            };
            let (start, direction, mut text) = match open.take() {
                Some(open) => open,
                None if rest.starts_with('{') || rest.starts_with('[') => {
                    (line, direction, String::new())
                }
                None => continue, // prose between examples
            };
            text.push_str(rest);
            if serde_json::from_str::<Value>(&text).is_ok() {
                out.push(Example {
                    line: start,
                    direction,
                    text,
                    answers: None,
                    block,
                });
            } else {
                open = Some((start, direction, text));
            }
        } else if trimmed.starts_with('|') {
            out.extend(table_pairs(trimmed, line));
        }
    }
    out
}

/// The `` `request` → `response` `` pairs of a table row.
fn table_pairs(row: &str, line: usize) -> Vec<Example> {
    let spans: Vec<&str> = row.split('`').collect();
    // Odd pieces are code spans; the piece between two spans says how they relate.
    let mut out = Vec::new();
    let mut i = 1;
    while i + 2 < spans.len() {
        let (request, between, response) = (spans[i], spans[i + 1], spans[i + 2]);
        if between.trim() == "→" && request.starts_with(['{', '[']) {
            // The request is checked with its answer, which says what it should be.
            out.push(Example {
                line,
                direction: Direction::FromPlugin,
                text: response.to_owned(),
                answers: Some(request.to_owned()),
                block: None,
            });
            i += 2;
        }
        i += 2;
    }
    out
}

/// Whether `a` and `b` are the same JSON, numbers compared by value (`-6` is `-6.0`). Returns
/// where they differ.
fn differ(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64() != y.as_f64()).then(|| format!("{path}: {x} is read as {y}"))
        }
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
                match (x.get(key), y.get(key)) {
                    (Some(_), None) => {
                        return Some(format!("{path}.{key}: not a member of the type"));
                    }
                    (None, Some(value)) => {
                        return Some(format!("{path}.{key}: missing (the plugin sends {value})"));
                    }
                    (Some(u), Some(v)) => {
                        if let Some(difference) = differ(u, v, &format!("{path}.{key}")) {
                            return Some(difference);
                        }
                    }
                    (None, None) => unreachable!(),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| differ(u, v, &format!("{path}[{i}]"))),
        _ => (a != b).then(|| format!("{path}: {a} is read as {b}")),
    }
}

/// The members of an envelope beyond `allowed`.
fn extra_members(object: &Map<String, Value>, allowed: &[&str]) -> Vec<String> {
    object
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .cloned()
        .collect()
}

fn method(name: &str) -> Option<&'static MethodInfo> {
    METHODS.iter().find(|m| m.name == name)
}

#[derive(Default)]
struct Checker {
    /// Every string literal of the bridge's source (where error messages come from).
    source: String,
    /// The method of each request id, the latest of each id in the document's order.
    requests: HashMap<String, &'static str>,
    requested: BTreeSet<&'static str>,
    answered: BTreeSet<&'static str>,
    notified: BTreeSet<&'static str>,
    error_codes: BTreeSet<i64>,
    checked: usize,
    failures: Vec<String>,
}

impl Checker {
    fn fail(&mut self, example: &Example, why: impl AsRef<str>) {
        self.failures.push(format!(
            "docs/PROTOCOL.md:{}: {}\n    {}",
            example.line,
            why.as_ref(),
            example.text
        ));
    }

    fn check(&mut self, example: &Example) {
        self.checked += 1;
        if let Some(request) = &example.answers {
            return self.check_answer(example, request);
        }
        let value: Value = match serde_json::from_str(&example.text) {
            Ok(value) => value,
            Err(e) => return self.fail(example, format!("not JSON: {e}")),
        };
        match &value {
            Value::Array(members) => {
                for member in members {
                    self.check_message(example, member);
                }
            }
            message => self.check_message(example, message),
        }
    }

    fn check_message(&mut self, example: &Example, message: &Value) {
        let Some(object) = message.as_object() else {
            return self.fail(example, "a message that is no object");
        };
        if object.get("jsonrpc") != Some(&Value::from("2.0")) {
            return self.fail(example, "no \"jsonrpc\": \"2.0\"");
        }
        if object.contains_key("result") || object.contains_key("error") {
            if example.direction == Direction::ToPlugin {
                return self.fail(example, "an answer sent to the plugin");
            }
            return self.check_response(example, object, None);
        }
        let Some(name) = object.get("method").and_then(Value::as_str) else {
            return self.fail(example, "neither a request, a notification nor an answer");
        };
        let from_plugin = example.direction != Direction::ToPlugin;
        if let Some(notification) = NOTIFICATIONS.iter().find(|n| n.name == name)
            && from_plugin
            && !object.contains_key("id")
        {
            let extra = extra_members(object, &["jsonrpc", "method", "params"]);
            if !extra.is_empty() {
                return self.fail(example, format!("a notification with {extra:?}"));
            }
            let params = object.get("params").cloned().unwrap_or(Value::Null);
            match (notification.params)(params.clone()) {
                Ok(reread) => {
                    if let Some(difference) = differ(&params, &reread, "params") {
                        self.fail(example, format!("{name}: {difference}"));
                    }
                }
                Err(e) => self.fail(example, format!("{name} params: {e}")),
            }
            self.notified.insert(notification.name);
            return;
        }
        if example.direction == Direction::FromPlugin {
            return self.fail(example, format!("the plugin sends no {name:?}"));
        }
        self.check_request(example, object);
    }

    /// A request (or a client's notification) the plugin serves.
    fn check_request(&mut self, example: &Example, object: &Map<String, Value>) {
        let extra = extra_members(object, &["jsonrpc", "id", "method", "params"]);
        if !extra.is_empty() {
            return self.fail(example, format!("a request with {extra:?}"));
        }
        let name = object["method"].as_str().unwrap_or_default();
        let Some(info) = method(name) else {
            return self.fail(example, format!("no method {name:?} in the table"));
        };
        let params = object.get("params").cloned();
        match (info.params)(params.clone()) {
            Ok(reread) => {
                if let Some(params) = params
                    && let Some(difference) = differ(&params, &reread, "params")
                {
                    self.fail(example, format!("{name}: {difference}"));
                }
            }
            Err(e) => self.fail(example, format!("{name} params: {}", e.message)),
        }
        self.requested.insert(info.name);
        if let Some(id) = object.get("id")
            && example.block.is_some()
        {
            self.requests.insert(id.to_string(), info.name);
        }
    }

    /// An answer; `method`: the method of the request it answers, when known already.
    fn check_response(
        &mut self,
        example: &Example,
        object: &Map<String, Value>,
        method_name: Option<&'static str>,
    ) {
        let extra = extra_members(object, &["jsonrpc", "id", "result", "error"]);
        if !extra.is_empty() {
            return self.fail(example, format!("an answer with {extra:?}"));
        }
        let Some(id) = object.get("id") else {
            return self.fail(example, "an answer without id");
        };
        match (object.get("result"), object.get("error")) {
            (Some(result), None) => {
                let name = method_name.or_else(|| self.requests.get(&id.to_string()).copied());
                let Some(info) = name.and_then(method) else {
                    return self.fail(example, format!("a result for no request of id {id}"));
                };
                match (info.result)(result.clone()) {
                    Ok(reread) => {
                        if let Some(difference) = differ(result, &reread, "result") {
                            self.fail(example, format!("{}: {difference}", info.name));
                        }
                    }
                    Err(e) => self.fail(example, format!("{} result: {e}", info.name)),
                }
                self.answered.insert(info.name);
            }
            (None, Some(error)) => self.check_error(example, error),
            _ => self.fail(example, "an answer needs exactly one of result and error"),
        }
    }

    fn check_error(&mut self, example: &Example, error: &Value) {
        let Some(error) = error.as_object() else {
            return self.fail(example, "an error that is no object");
        };
        let extra = extra_members(error, &["code", "message", "data"]);
        if !extra.is_empty() {
            return self.fail(example, format!("an error with {extra:?}"));
        }
        let code = error.get("code").and_then(Value::as_i64);
        match code {
            Some(code) if ErrorCode::ALL.iter().any(|c| c.code() == code) => {
                self.error_codes.insert(code);
            }
            _ => self.fail(example, format!("no error code {:?}", error.get("code"))),
        }
        match error.get("message").and_then(Value::as_str) {
            Some(message) if self.source.contains(&format!("\"{message}\"")) => {}
            message => self.fail(
                example,
                format!("the bridge never answers the message {message:?}"),
            ),
        }
    }

    /// The answer in a table row, with the request it answers.
    fn check_answer(&mut self, example: &Example, request_text: &str) {
        let response: Value = match serde_json::from_str(&example.text) {
            Ok(Value::Object(response)) => Value::Object(response),
            _ => return self.fail(example, "an answer that is no JSON object"),
        };
        let object = response.as_object().unwrap();
        let code = object
            .get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_i64);
        let request = serde_json::from_str::<Value>(request_text).ok();
        let envelope = request.as_ref().and_then(Value::as_object).filter(|r| {
            r.get("jsonrpc") == Some(&Value::from("2.0"))
                && r.get("method").is_some_and(Value::is_string)
        });
        let name = envelope.and_then(|r| r["method"].as_str());
        // What the request is, as the answer claims it.
        let claim = match code {
            Some(-32700) => request.is_none().then_some(()).ok_or("parses as JSON"),
            Some(-32600) => envelope.is_none().then_some(()).ok_or("is a request"),
            Some(-32601) => match name {
                Some(name) if method(name).is_none() => Ok(()),
                _ => Err("is no request of an unknown method"),
            },
            _ => match envelope {
                Some(_) => Ok(()),
                None => Err("is no request"),
            },
        };
        if let Err(what) = claim {
            let why = format!("answered with {code:?}, but the request {what}");
            return self.fail(example, why);
        }
        if let (Some(envelope), Some(info)) = (envelope, name.and_then(method)) {
            let as_request = Example {
                line: example.line,
                direction: Direction::ToPlugin,
                text: request_text.to_owned(),
                answers: None,
                block: None,
            };
            // −32602 answers params the method refuses: they need not read as its type.
            if code != Some(-32602) {
                self.check_request(&as_request, envelope);
            }
            self.check_response(example, object, Some(info.name));
        } else {
            self.check_response(example, object, None);
        }
    }
}

/// Every string literal's text in the bridge's source files, quoted.
fn bridge_source() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut source = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            source.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    source
}

fn read_doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/PROTOCOL.md");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn every_example_in_the_protocol_doc_matches_the_types() {
    let doc = read_doc();
    let mut checker = Checker {
        source: bridge_source(),
        ..Checker::default()
    };
    let examples = examples(&doc);
    for example in &examples {
        checker.check(example);
    }
    let mut failures = std::mem::take(&mut checker.failures);
    for info in METHODS {
        if !checker.requested.contains(info.name) {
            failures.push(format!("no example of a {} request", info.name));
        }
        if !checker.answered.contains(info.name) {
            failures.push(format!("no example of a {} result", info.name));
        }
    }
    for info in NOTIFICATIONS {
        if !checker.notified.contains(info.name) {
            failures.push(format!("no example of a {} notification", info.name));
        }
    }
    for code in ErrorCode::ALL {
        if !checker.error_codes.contains(&code.code()) {
            failures.push(format!("no example of error {}", code.code()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples in docs/PROTOCOL.md:\n{}",
        failures.len(),
        checker.checked,
        failures.join("\n")
    );
    assert!(
        checker.checked > 40,
        "only {} examples found",
        checker.checked
    );
}

/// The checker itself finds what drifts.
#[test]
fn drifted_examples_are_found() {
    let drifted = r#"
```json
→ {"jsonrpc":"2.0","id":1,"method":"getParameter","params":{"id":"output","gain":1}}
→ {"jsonrpc":"2.0","id":2,"method":"getParameter","params":{"id":"output"}}
← {"jsonrpc":"2.0","id":2,"result":{"id":"output","value":0.0,"normalized":0.5,"text":"0 dB","law":{"type":"linear","reversed":false}}}
→ {"jsonrpc":"2.0","id":3,"method":"openInBrowser"}
← {"jsonrpc":"2.0","id":3,"result":{"url":"http://127.0.0.1:1/"}}
→ {"jsonrpc":"2.0","id":4,"method":"getInfo"}
← {"jsonrpc":"2.0","id":4,"result":{"name":"W","version":"1","vendor":"W","protocol":1,"transport":"editor","canOpenInBrowser":false,"trackName":null}}
→ {"jsonrpc":"2.0","id":5,"method":"setParameters"}
← {"jsonrpc":"2.0","method":"meterFrame","params":{"t":1.0,"channels":[]}}
```
| −32602 | `{"jsonrpc":"2.0","id":6,"method":"setParameter","params":{"id":"x"}}` → `{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"give exactly one of value and normalized"}}` |
| −32601 | `{"jsonrpc":"2.0","id":7,"method":"ping"}` → `{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"method not found"}}` |
"#;
    let mut checker = Checker {
        source: bridge_source(),
        ..Checker::default()
    };
    for example in &examples(drifted) {
        checker.check(example);
    }
    let failures = checker.failures.join("\n");
    for expected in [
        "getParameter params: unknown field `gain`",
        "result.law: not a member of the type",
        "result.devUrl: missing (the plugin sends null)",
        "getInfo result: unknown variant `editor`",
        "no method \"setParameters\" in the table",
        "meterFrame params: missing field `input`",
        "the bridge never answers the message Some(\"give exactly one of value and normalized\")",
        "answered with Some(-32601), but the request is no request of an unknown method",
    ] {
        assert!(
            failures.contains(expected),
            "{expected:?} not found in:\n{failures}"
        );
    }
    assert_eq!(checker.failures.len(), 8, "{failures}");
}
