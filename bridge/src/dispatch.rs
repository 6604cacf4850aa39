//! The dispatcher: raw text in, response text out. Decodes (JSON, JSON-RPC envelope, batches),
//! checks every request completely before acting, and acts on the instance only through nice-plug's
//! `GuiContext`. It never broadcasts: `parameterChanged` comes from the host's echo only.
//!
//! Routing and the params and result types come from the method table in `protocol.rs`: this file
//! implements its [`Handler`], one function per method.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::bridge::Shared;
use crate::host_calls::HostOp;
use crate::jsonrpc::{self, Call, ErrorCode, RpcError};
use crate::protocol::{
    self, AllParameters, BrowserAddress, Empty, Handler, Info, LoudnessReading, MeterFrame,
    MeterSubscription, NoParams, PROTOCOL_VERSION, ParamRef, ParamValue, Pong, ResizeRequest,
    ResizeResult, SetParameter, StreamList, StreamSubscribed, StreamSubscription, Transport,
};
use crate::registry::ClientId;
use crate::sampler::{MAX_METER_HZ, MIN_METER_HZ};

/// The largest message accepted, in bytes. Transports refuse bigger ones themselves (WebSocket
/// close 1009); the dispatcher answers them with −32600.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The largest editor size `requestResize` accepts, per side.
pub const MAX_EDITOR_SIDE: u32 = 16_384;

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
    let outcome =
        protocol::route(&mut Served { shared, client }, &method, params).unwrap_or_else(|| {
            Err(RpcError::new(ErrorCode::MethodNotFound, "method not found")
                .with_data(Value::String(method)))
        });
    let id = id?;
    Some(match outcome {
        Ok(result) => jsonrpc::success(id, &result),
        Err(error) => jsonrpc::failure(id, &error),
    })
}

/// One request of `client`, served.
struct Served<'a> {
    shared: &'a Shared,
    client: ClientId,
}

impl Served<'_> {
    /// Whether the client is the editor's own page.
    fn is_editor_page(&self) -> bool {
        self.shared
            .registry
            .lock()
            .client(self.client)
            .is_some_and(|c| c.editor_page)
    }
}

impl Served<'_> {
    /// `beginGesture` (`begin`) or `endGesture` on `id`: the ownership, then the host told.
    fn gesture(&self, id: &str, begin: bool) -> Result<Empty, RpcError> {
        let (shared, client) = (self.shared, self.client);
        let index = shared.params.index(id)?;
        let mut gui = shared.gui.lock();
        if !gui.is_open() {
            return Err(closed());
        }
        {
            let mut registry = shared.registry.lock();
            match (registry.gesture_owner(index), begin) {
                // The owner beginning again, or an end when nobody holds one: nothing to do.
                (Some(owner), true) if owner == client => return Ok(Empty {}),
                (None, false) => return Ok(Empty {}),
                (Some(owner), _) if owner != client => return Err(owned_by_other(id)),
                _ => registry.set_gesture_owner(index, begin.then_some(client)),
            }
        }
        let ptr = shared.params.entry(index).ptr;
        let op = if begin {
            HostOp::Begin(ptr)
        } else {
            HostOp::End(ptr)
        };
        let request_main_thread = gui.send(op);
        drop(gui);
        if request_main_thread {
            shared.request_main_thread();
        }
        Ok(Empty {})
    }
}

impl Handler for Served<'_> {
    fn get_all_parameters(&mut self, _: NoParams) -> Result<AllParameters, RpcError> {
        let shared = self.shared;
        // Values and seq are read under the registry lock, which every notification takes too:
        // the snapshot contains every change up to `seq`.
        let registry = shared.registry.lock();
        let parameters = (0..shared.params.len())
            .map(|i| shared.params.info(i))
            .collect();
        Ok(AllParameters {
            parameters,
            seq: registry.seq(),
        })
    }

    fn get_parameter(&mut self, request: ParamRef) -> Result<ParamValue, RpcError> {
        let index = self.shared.params.index(&request.id)?;
        Ok(self.shared.params.value(index))
    }

    fn set_parameter(&mut self, request: SetParameter) -> Result<ParamValue, RpcError> {
        let (shared, client) = (self.shared, self.client);
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
        Ok(applied)
    }

    fn begin_gesture(&mut self, request: ParamRef) -> Result<Empty, RpcError> {
        self.gesture(&request.id, true)
    }

    fn end_gesture(&mut self, request: ParamRef) -> Result<Empty, RpcError> {
        self.gesture(&request.id, false)
    }

    fn get_meter_frame(&mut self, _: NoParams) -> Result<MeterFrame, RpcError> {
        Ok(self.shared.sampler.frame(self.shared.started))
    }

    fn subscribe_meters(
        &mut self,
        request: MeterSubscription,
    ) -> Result<MeterSubscription, RpcError> {
        let hz = checked_rate(request.hz)?;
        self.shared.registry.lock().set_meter_rate(self.client, hz);
        self.shared.sampler.rate_changed(self.shared);
        Ok(MeterSubscription { hz })
    }

    fn get_streams(&mut self, _: NoParams) -> Result<StreamList, RpcError> {
        Ok(self.shared.sampler.stream_list().clone())
    }

    fn subscribe_stream(
        &mut self,
        request: StreamSubscription,
    ) -> Result<StreamSubscribed, RpcError> {
        let sampler = &self.shared.sampler;
        let Some(id) = sampler.stream_id(&request.stream) else {
            let known: Vec<&str> = sampler
                .stream_list()
                .streams
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            return Err(RpcError::new(ErrorCode::InvalidParams, "no such stream")
                .with_data(serde_json::json!({ "stream": request.stream, "streams": known })));
        };
        let hz = checked_rate(request.hz)?;
        self.shared
            .registry
            .lock()
            .set_stream_rate(self.client, id, hz);
        sampler.rate_changed(self.shared);
        Ok(StreamSubscribed {
            stream: request.stream,
            id: id as u16,
            hz,
        })
    }

    fn get_loudness(&mut self, _: NoParams) -> Result<LoudnessReading, RpcError> {
        self.shared.sampler.loudness().ok_or_else(no_loudness)
    }

    fn reset_loudness(&mut self, _: NoParams) -> Result<Empty, RpcError> {
        if self.shared.sampler.reset_loudness() {
            Ok(Empty {})
        } else {
            Err(no_loudness())
        }
    }

    fn ping(&mut self, _: NoParams) -> Result<Pong, RpcError> {
        Ok(Pong { pong: true })
    }

    fn get_info(&mut self, _: NoParams) -> Result<Info, RpcError> {
        let shared = self.shared;
        let (transport, editor_page) = shared
            .registry
            .lock()
            .client(self.client)
            .map(|c| (c.transport, c.editor_page))
            .unwrap_or((Transport::InProcess, false));
        let can_open_in_browser = editor_page && shared.browser.lock().is_some();
        Ok(Info {
            name: shared.info.name.clone(),
            version: shared.info.version.clone(),
            vendor: shared.info.vendor.clone(),
            protocol: PROTOCOL_VERSION,
            transport,
            can_open_in_browser,
            track_name: shared.track_name.lock().clone(),
        })
    }

    fn request_resize(&mut self, request: ResizeRequest) -> Result<ResizeResult, RpcError> {
        let sides = 1..=MAX_EDITOR_SIDE;
        if !sides.contains(&request.width) || !sides.contains(&request.height) {
            return Err(RpcError::new(ErrorCode::OutOfRange, "value out of range")
                .with_data(serde_json::json!({ "min": 1, "max": MAX_EDITOR_SIDE })));
        }
        let accepted = self.is_editor_page()
            && self
                .shared
                .resize
                .lock()
                .as_ref()
                .is_some_and(|resize| resize(request.width, request.height));
        Ok(ResizeResult { accepted })
    }

    /// Only the editor's own page may ask (a browser client is already there), and only where the
    /// plugin glue installed a handler (inside a host).
    fn open_in_browser(&mut self, _: NoParams) -> Result<BrowserAddress, RpcError> {
        if !self.is_editor_page() {
            return Err(RpcError::new(
                ErrorCode::Unavailable,
                "only the editor's own page can open the browser server",
            ));
        }
        let browser = self.shared.browser.lock();
        let Some(open) = browser.as_ref() else {
            return Err(RpcError::new(
                ErrorCode::Unavailable,
                "no browser server here (the standalone serves its own WebSocket port)",
            ));
        };
        open().map_err(|reason| {
            RpcError::new(ErrorCode::Unavailable, "the browser server did not start")
                .with_data(Value::String(reason))
        })
    }
}

/// A subscription's rate: 0 stops; otherwise MIN..=MAX, higher rates capped. Anything else
/// (negative, non-finite, a rate below MIN that would mean a frame every few minutes or years) is
/// refused and changes nothing.
fn checked_rate(hz: f64) -> Result<f64, RpcError> {
    if hz != 0.0 && !(hz.is_finite() && hz >= MIN_METER_HZ) {
        return Err(
            RpcError::new(ErrorCode::OutOfRange, "value out of range").with_data(
                serde_json::json!({ "off": 0.0, "min": MIN_METER_HZ, "max": MAX_METER_HZ }),
            ),
        );
    }
    Ok(hz.min(MAX_METER_HZ))
}

fn no_loudness() -> RpcError {
    RpcError::new(ErrorCode::Unavailable, "this plugin measures no loudness")
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
