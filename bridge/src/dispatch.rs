//! The dispatcher: raw text in, response text out. Decodes (JSON, JSON-RPC envelope, batches),
//! checks every request completely before acting, and acts on the instance only through nice-plug's
//! `GuiContext`. It never broadcasts: `parameterChanged` comes from the host's echo only.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::bridge::Shared;
use crate::host_link::HostOp;
use crate::jsonrpc::{self, Call, ErrorCode, RpcError};
use crate::protocol::{
    AllParameters, Empty, Info, MeterSubscription, PROTOCOL_VERSION, ParamRef, Pong, ResizeRequest,
    ResizeResult, SetParameter, method,
};
use crate::registry::ClientId;
use crate::sampler::{MAX_METER_HZ, MIN_METER_HZ};

/// The largest message accepted, in bytes. Transports refuse bigger ones themselves (WebSocket
/// close 1009); the dispatcher answers them with −32600.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The largest editor size `requestResize` accepts, per side.
pub const MAX_EDITOR_SIDE: u32 = 16_384;

type Outcome = Result<Box<RawValue>, RpcError>;

/// The most requests one batch may hold. A batch is answered in one go, on the transport's
/// thread: without a limit one 64 KiB message of ~32,000 requests held that thread ~300 ms (every
/// other client of the server waited) and made a ~2.9 MB answer.
pub const MAX_BATCH: usize = 32;

/// Handles one received message from `client`.
pub(crate) fn handle(shared: &Shared, client: ClientId, text: &str) -> Option<String> {
    if text.len() > MAX_MESSAGE_BYTES {
        let error = RpcError::new(ErrorCode::InvalidRequest, "message too large")
            .with_data(MAX_MESSAGE_BYTES.into());
        return Some(jsonrpc::failure(RawValue::NULL, &error));
    }
    // Decoded once, to raw members: each member's envelope is decoded by `handle_one`.
    if !text.trim_start().starts_with('[') {
        return match serde_json::from_str::<&RawValue>(text) {
            Ok(message) => handle_one(shared, client, message),
            Err(_) => Some(parse_error()),
        };
    }
    let Ok(batch) = serde_json::from_str::<Vec<&RawValue>>(text) else {
        return Some(parse_error());
    };
    if batch.is_empty() {
        let error = RpcError::new(ErrorCode::InvalidRequest, "empty batch");
        return Some(jsonrpc::failure(RawValue::NULL, &error));
    }
    if batch.len() > MAX_BATCH {
        // Refused whole, before any member runs: nothing changed.
        let error = RpcError::new(ErrorCode::InvalidRequest, "batch too large")
            .with_data(serde_json::json!({ "max": MAX_BATCH, "got": batch.len() }));
        return Some(jsonrpc::failure(RawValue::NULL, &error));
    }
    let responses: Vec<String> = batch
        .into_iter()
        .filter_map(|request| handle_one(shared, client, request))
        .collect();
    (!responses.is_empty()).then(|| format!("[{}]", responses.join(",")))
}

/// The answer to a message that is not JSON (or not UTF-8).
pub(crate) fn parse_error() -> String {
    let error = RpcError::new(ErrorCode::ParseError, "parse error");
    jsonrpc::failure(RawValue::NULL, &error)
}

fn handle_one(shared: &Shared, client: ClientId, request: &RawValue) -> Option<String> {
    let Call { id, method, params } = match jsonrpc::validate(request) {
        Ok(call) => call,
        Err((id, error)) => return Some(jsonrpc::failure(id, &error)),
    };
    let outcome = call(shared, client, &method, params);
    let id = id?;
    Some(match outcome {
        Ok(result) => jsonrpc::success(id, &result),
        Err(error) => jsonrpc::failure(id, &error),
    })
}

fn call(shared: &Shared, client: ClientId, name: &str, params: Option<Value>) -> Outcome {
    match name {
        method::GET_ALL_PARAMETERS => {
            no_params(params)?;
            get_all_parameters(shared)
        }
        method::GET_PARAMETER => {
            let ParamRef { id } = parse(params)?;
            let index = shared.params.index(&id)?;
            to_value(&shared.params.value(index))
        }
        method::SET_PARAMETER => set_parameter(shared, client, parse(params)?),
        method::BEGIN_GESTURE => begin_gesture(shared, client, parse(params)?),
        method::END_GESTURE => end_gesture(shared, client, parse(params)?),
        method::GET_METER_FRAME => {
            no_params(params)?;
            to_value(&shared.sampler.frame(shared.started))
        }
        method::SUBSCRIBE_METERS => subscribe_meters(shared, client, parse(params)?),
        method::PING => {
            no_params(params)?;
            to_value(&Pong { pong: true })
        }
        method::GET_INFO => {
            no_params(params)?;
            get_info(shared, client)
        }
        method::REQUEST_RESIZE => request_resize(shared, client, parse(params)?),
        method::OPEN_IN_BROWSER => {
            no_params(params)?;
            open_in_browser(shared, client)
        }
        _ => Err(RpcError::new(ErrorCode::MethodNotFound, "method not found")
            .with_data(Value::String(name.to_owned()))),
    }
}

fn get_all_parameters(shared: &Shared) -> Outcome {
    // Values and seq are read under the registry lock, which every notification takes too: the
    // snapshot contains every change up to `seq`.
    let registry = shared.registry.lock();
    let parameters = (0..shared.params.len())
        .map(|i| shared.params.info(i))
        .collect();
    let all = AllParameters {
        parameters,
        seq: registry.seq(),
    };
    drop(registry);
    to_value(&all)
}

fn set_parameter(shared: &Shared, client: ClientId, request: SetParameter) -> Outcome {
    let index = shared.params.index(&request.id)?;
    let (normalized, clamped) = match (request.value, request.normalized, &request.text) {
        (Some(value), None, None) => (shared.params.normalized_for_plain(index, value)?, false),
        (None, Some(normalized), None) => (
            shared.params.normalized_for_normalized(index, normalized)?,
            false,
        ),
        (None, None, Some(text)) => shared.params.normalized_for_text(index, text)?,
        _ => {
            return Err(RpcError::new(
                ErrorCode::InvalidParams,
                "give exactly one of value, normalized and text",
            ));
        }
    };
    let mut gui = shared.gui.lock();
    if !gui.is_open() {
        return Err(closed());
    }
    let in_own_gesture = match shared.registry.lock().gesture_owner(index) {
        Some(owner) if owner == client => true,
        Some(_) => return Err(owned_by_other(&request.id)),
        None => false,
    };
    let ptr = shared.params.entry(index).ptr;
    let mut request_main_thread = false;
    if !in_own_gesture {
        request_main_thread |= gui.send(HostOp::Begin(ptr));
    }
    request_main_thread |= gui.send(HostOp::Set(ptr, normalized));
    if !in_own_gesture {
        request_main_thread |= gui.send(HostOp::End(ptr));
    }
    drop(gui);
    if request_main_thread {
        shared.request_main_thread();
    }
    let mut applied = shared.params.value_at(index, normalized);
    applied.clamped = clamped.then_some(true);
    to_value(&applied)
}

fn begin_gesture(shared: &Shared, client: ClientId, request: ParamRef) -> Outcome {
    let index = shared.params.index(&request.id)?;
    let mut gui = shared.gui.lock();
    if !gui.is_open() {
        return Err(closed());
    }
    {
        let mut registry = shared.registry.lock();
        match registry.gesture_owner(index) {
            Some(owner) if owner == client => return to_value(&Empty {}),
            Some(_) => return Err(owned_by_other(&request.id)),
            None => registry.set_gesture_owner(index, Some(client)),
        }
    }
    let request_main_thread = gui.send(HostOp::Begin(shared.params.entry(index).ptr));
    drop(gui);
    if request_main_thread {
        shared.request_main_thread();
    }
    to_value(&Empty {})
}

fn end_gesture(shared: &Shared, client: ClientId, request: ParamRef) -> Outcome {
    let index = shared.params.index(&request.id)?;
    let mut gui = shared.gui.lock();
    if !gui.is_open() {
        return Err(closed());
    }
    {
        let mut registry = shared.registry.lock();
        match registry.gesture_owner(index) {
            Some(owner) if owner == client => registry.set_gesture_owner(index, None),
            Some(_) => return Err(owned_by_other(&request.id)),
            None => return to_value(&Empty {}),
        }
    }
    let request_main_thread = gui.send(HostOp::End(shared.params.entry(index).ptr));
    drop(gui);
    if request_main_thread {
        shared.request_main_thread();
    }
    to_value(&Empty {})
}

fn subscribe_meters(shared: &Shared, client: ClientId, request: MeterSubscription) -> Outcome {
    // 0 stops; otherwise MIN..=MAX, higher rates capped. Anything else (negative, non-finite, a
    // rate below MIN that would mean a frame every few minutes or years) changes nothing.
    if request.hz != 0.0 && !(request.hz.is_finite() && request.hz >= MIN_METER_HZ) {
        return Err(
            RpcError::new(ErrorCode::OutOfRange, "value out of range").with_data(
                serde_json::json!({ "off": 0.0, "min": MIN_METER_HZ, "max": MAX_METER_HZ }),
            ),
        );
    }
    let hz = request.hz.min(MAX_METER_HZ);
    shared.registry.lock().set_meter_rate(client, hz);
    shared.sampler.rate_changed(shared);
    to_value(&MeterSubscription { hz })
}

fn get_info(shared: &Shared, client: ClientId) -> Outcome {
    let (transport, editor_page) = shared
        .registry
        .lock()
        .client(client)
        .map(|c| (c.transport.clone(), c.editor_page))
        .unwrap_or_default();
    let can_open_in_browser = editor_page && shared.browser.lock().is_some();
    to_value(&Info {
        name: shared.info.name.clone(),
        version: shared.info.version.clone(),
        vendor: shared.info.vendor.clone(),
        protocol: PROTOCOL_VERSION,
        transport,
        can_open_in_browser,
        track_name: shared.track_name.lock().clone(),
    })
}

/// `openInBrowser`: only the editor's own page may ask (a browser client is already there), and
/// only where the plugin glue installed a handler (inside a host).
fn open_in_browser(shared: &Shared, client: ClientId) -> Outcome {
    let editor_page = shared
        .registry
        .lock()
        .client(client)
        .is_some_and(|c| c.editor_page);
    if !editor_page {
        return Err(RpcError::new(
            ErrorCode::Unavailable,
            "only the editor's own page can open the browser bridge",
        ));
    }
    let browser = shared.browser.lock();
    let Some(open) = browser.as_ref() else {
        return Err(RpcError::new(
            ErrorCode::Unavailable,
            "no browser bridge here (the standalone serves its own WebSocket port)",
        ));
    };
    match open() {
        Ok(link) => to_value(&link),
        Err(reason) => Err(RpcError::new(
            ErrorCode::Unavailable,
            "the browser bridge did not start",
        )
        .with_data(Value::String(reason))),
    }
}

fn request_resize(shared: &Shared, client: ClientId, request: ResizeRequest) -> Outcome {
    let sides = 1..=MAX_EDITOR_SIDE;
    if !sides.contains(&request.width) || !sides.contains(&request.height) {
        return Err(RpcError::new(ErrorCode::OutOfRange, "value out of range")
            .with_data(serde_json::json!({ "min": 1, "max": MAX_EDITOR_SIDE })));
    }
    let editor_page = shared
        .registry
        .lock()
        .client(client)
        .is_some_and(|c| c.editor_page);
    let accepted = editor_page
        && shared
            .resize
            .lock()
            .as_ref()
            .is_some_and(|resize| resize(request.width, request.height));
    to_value(&ResizeResult { accepted })
}

/// Params of a method that takes none: absent, `{}` or `[]`.
fn no_params(params: Option<Value>) -> Result<(), RpcError> {
    match params {
        None => Ok(()),
        Some(Value::Object(o)) if o.is_empty() => Ok(()),
        Some(Value::Array(a)) if a.is_empty() => Ok(()),
        Some(_) => Err(RpcError::new(
            ErrorCode::InvalidParams,
            "this method takes no params",
        )),
    }
}

/// Params by name, decoded into `T`.
fn parse<T: DeserializeOwned>(params: Option<Value>) -> Result<T, RpcError> {
    match params {
        Some(params @ Value::Object(_)) => serde_json::from_value(params)
            .map_err(|e| RpcError::new(ErrorCode::InvalidParams, e.to_string())),
        _ => Err(RpcError::new(
            ErrorCode::InvalidParams,
            "params must be an object with named members",
        )),
    }
}

fn to_value<T: Serialize>(result: &T) -> Outcome {
    serde_json::value::to_raw_value(result)
        .map_err(|e| RpcError::new(ErrorCode::Internal, e.to_string()))
}

fn closed() -> RpcError {
    RpcError::new(ErrorCode::Internal, "the editor session has ended")
}

fn owned_by_other(id: &str) -> RpcError {
    RpcError::new(
        ErrorCode::GestureOwned,
        "another client holds a gesture on this parameter",
    )
    .with_data(Value::String(id.to_owned()))
}
