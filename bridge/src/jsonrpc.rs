//! JSON-RPC 2.0 envelopes: validating requests, writing responses and notifications, error codes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::protocol::Notification;

/// Every error code the bridge answers with (JSON-RPC's own and the protocol's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Invalid JSON.
    ParseError,
    /// Valid JSON but not a request object (or an empty batch).
    InvalidRequest,
    /// No such method.
    MethodNotFound,
    /// Params missing, of the wrong shape or type.
    InvalidParams,
    /// The plugin could not act (e.g. the editor session ended).
    Internal,
    /// No parameter with that id.
    UnknownParameter,
    /// A value outside the parameter's range.
    OutOfRange,
    /// Another client holds a gesture on that parameter.
    GestureOwned,
    /// The method exists but cannot act here (e.g. `openInBrowser` outside a host).
    Unavailable,
}

impl ErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::ParseError,
        ErrorCode::InvalidRequest,
        ErrorCode::MethodNotFound,
        ErrorCode::InvalidParams,
        ErrorCode::Internal,
        ErrorCode::UnknownParameter,
        ErrorCode::OutOfRange,
        ErrorCode::GestureOwned,
        ErrorCode::Unavailable,
    ];

    /// The numeric code on the wire.
    pub const fn code(self) -> i64 {
        match self {
            ErrorCode::ParseError => -32700,
            ErrorCode::InvalidRequest => -32600,
            ErrorCode::MethodNotFound => -32601,
            ErrorCode::InvalidParams => -32602,
            ErrorCode::Internal => -32603,
            ErrorCode::UnknownParameter => -32000,
            ErrorCode::OutOfRange => -32001,
            ErrorCode::GestureOwned => -32002,
            ErrorCode::Unavailable => -32003,
        }
    }

    /// The name used in the generated TypeScript.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::ParseError => "ParseError",
            ErrorCode::InvalidRequest => "InvalidRequest",
            ErrorCode::MethodNotFound => "MethodNotFound",
            ErrorCode::InvalidParams => "InvalidParams",
            ErrorCode::Internal => "Internal",
            ErrorCode::UnknownParameter => "UnknownParameter",
            ErrorCode::OutOfRange => "OutOfRange",
            ErrorCode::GestureOwned => "GestureOwned",
            ErrorCode::Unavailable => "Unavailable",
        }
    }
}

/// An error answer: code, message, optional data.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    /// The code.
    pub code: ErrorCode,
    /// A short human readable explanation.
    pub message: String,
    /// Extra detail (e.g. the offending id or the accepted range).
    pub data: Option<Value>,
}

impl RpcError {
    /// An error without data.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Adds data.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// A validated request: `id` is `None` for a notification (no `id` member). The id is kept as
/// the request's own text, so it is echoed exactly (a number like `12345678901234567890123` would
/// not survive a trip through `f64`).
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub id: Option<&'a RawValue>,
    pub method: String,
    pub params: Option<Value>,
}

/// The members of a request object the protocol reads (others are ignored). Each is `Some` when
/// present, even as `null`, so `"id": null` is a request (answered with id null), not a
/// notification, and `"params": null` is refused rather than taken for no params.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "present")]
    jsonrpc: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    method: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    params: Option<Value>,
}

fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Whether `raw` is a JSON string, number or null: the ids JSON-RPC allows.
fn valid_id(raw: &RawValue) -> bool {
    let text = raw.get();
    text == "null" || text.starts_with(['"', '-']) || text.starts_with(|c: char| c.is_ascii_digit())
}

/// Checks one request object as JSON-RPC 2.0 §4 defines it.
///
/// On failure, returns the id to answer with (the request's, when it is a valid id, else null).
pub(crate) fn validate(request: &RawValue) -> Result<Call<'_>, (&RawValue, RpcError)> {
    if !request.get().starts_with('{') {
        return Err((RawValue::NULL, invalid_request("request must be an object")));
    }
    let Ok(envelope) = serde_json::from_str::<Envelope<'_>>(request.get()) else {
        // Valid JSON (checked before), so a member repeated or of a shape serde refuses.
        return Err((RawValue::NULL, invalid_request("malformed request object")));
    };
    let id = envelope.id;
    let answer_id = id.filter(|id| valid_id(id)).unwrap_or(RawValue::NULL);
    let fail = |message: &str| Err((answer_id, invalid_request(message)));
    if id.is_some_and(|id| !valid_id(id)) {
        return fail("id must be a string, a number or null");
    }
    if envelope.jsonrpc != Some(Value::String("2.0".into())) {
        return fail("jsonrpc must be \"2.0\"");
    }
    let method = match envelope.method {
        Some(Value::String(method)) => method,
        _ => return fail("method must be a string"),
    };
    let params = envelope.params;
    if matches!(&params, Some(p) if !p.is_object() && !p.is_array()) {
        return fail("params must be an object or an array");
    }
    Ok(Call { id, method, params })
}

fn invalid_request(message: &str) -> RpcError {
    RpcError::new(ErrorCode::InvalidRequest, message)
}

/// A success response's text.
pub(crate) fn success(id: &RawValue, result: &RawValue) -> String {
    #[derive(Serialize)]
    struct Success<'a> {
        jsonrpc: &'static str,
        id: &'a RawValue,
        result: &'a RawValue,
    }
    serde_json::to_string(&Success {
        jsonrpc: "2.0",
        id,
        result,
    })
    .expect("a response always serializes")
}

/// An error response's text.
pub(crate) fn failure(id: &RawValue, error: &RpcError) -> String {
    #[derive(Serialize)]
    struct ErrorObject<'a> {
        code: i64,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<&'a Value>,
    }
    #[derive(Serialize)]
    struct Failure<'a> {
        jsonrpc: &'static str,
        id: &'a RawValue,
        error: ErrorObject<'a>,
    }
    serde_json::to_string(&Failure {
        jsonrpc: "2.0",
        id,
        error: ErrorObject {
            code: error.code.code(),
            message: &error.message,
            data: error.data.as_ref(),
        },
    })
    .expect("a response always serializes")
}

/// A notification's text.
pub(crate) fn notification<N: Notification>(params: &N) -> String {
    #[derive(Serialize)]
    struct Envelope<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    serde_json::to_string(&Envelope {
        jsonrpc: "2.0",
        method: N::NAME,
        params,
    })
    .expect("protocol types always serialize")
}
