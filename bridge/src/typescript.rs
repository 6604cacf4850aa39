//! Generates the TypeScript protocol types (`ui/src/protocol/index.ts`) from the Rust types, and
//! checks in `cargo test` that the committed file is current.
//!
//! Regenerate with `WEBSTRIP_BLESS=1 cargo test -p bridge typescript`.

use std::fmt::Write;
use std::path::PathBuf;

use ts_rs::TS;

use crate::jsonrpc::ErrorCode;
use crate::protocol::*;

/// The generated file, relative to the bridge crate.
const OUTPUT: &str = "../ui/src/protocol/index.ts";

fn declaration<T: TS>() -> String {
    let docs = T::docs().map(|d| d.to_string()).unwrap_or_default();
    format!("{docs}export {}\n", T::decl())
}

fn generate() -> String {
    let mut out = String::from(
        "// Generated from bridge/src/protocol.rs by bridge/src/typescript.rs: do not edit.\n\
         // Regenerate with `WEBSTRIP_BLESS=1 cargo test -p bridge typescript`.\n\n",
    );
    for decl in [
        declaration::<ParamKind>(),
        declaration::<Law>(),
        declaration::<ParamInfo>(),
        declaration::<ParamValue>(),
        declaration::<AllParameters>(),
        declaration::<ParamRef>(),
        declaration::<SetParameter>(),
        declaration::<MeterSubscription>(),
        declaration::<ResizeRequest>(),
        declaration::<ResizeResult>(),
        declaration::<Pong>(),
        declaration::<Empty>(),
        declaration::<Info>(),
        declaration::<BrowserLink>(),
        declaration::<ChannelMeter>(),
        declaration::<MeterFrame>(),
        declaration::<ParameterChanged>(),
        declaration::<ParametersReset>(),
        declaration::<TrackNameChanged>(),
    ] {
        out.push_str(&decl);
        out.push('\n');
    }
    let _ = writeln!(out, "/** The protocol version `getInfo` reports. */");
    let _ = writeln!(out, "export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n");

    let no_params = "Record<string, never> | undefined";
    let methods: [(&str, String, String); 11] = [
        (
            method::GET_ALL_PARAMETERS,
            no_params.into(),
            AllParameters::name(),
        ),
        (method::GET_PARAMETER, ParamRef::name(), ParamValue::name()),
        (
            method::SET_PARAMETER,
            SetParameter::name(),
            ParamValue::name(),
        ),
        (method::BEGIN_GESTURE, ParamRef::name(), Empty::name()),
        (method::END_GESTURE, ParamRef::name(), Empty::name()),
        (
            method::GET_METER_FRAME,
            no_params.into(),
            MeterFrame::name(),
        ),
        (
            method::SUBSCRIBE_METERS,
            MeterSubscription::name(),
            MeterSubscription::name(),
        ),
        (method::PING, no_params.into(), Pong::name()),
        (method::GET_INFO, no_params.into(), Info::name()),
        (
            method::REQUEST_RESIZE,
            ResizeRequest::name(),
            ResizeResult::name(),
        ),
        (
            method::OPEN_IN_BROWSER,
            no_params.into(),
            BrowserLink::name(),
        ),
    ];
    let _ = writeln!(out, "/** Every request: its params and its result. */");
    let _ = writeln!(out, "export interface Methods {{");
    for (name, params, result) in &methods {
        let _ = writeln!(out, "  {name}: {{ params: {params}; result: {result} }};");
    }
    let _ = writeln!(out, "}}\n");

    let notifications = [
        (method::PARAMETER_CHANGED, ParameterChanged::name()),
        (method::METER_FRAME, MeterFrame::name()),
        (method::PARAMETERS_RESET, ParametersReset::name()),
        (method::TRACK_NAME_CHANGED, TrackNameChanged::name()),
    ];
    let _ = writeln!(
        out,
        "/** Every notification the plugin sends: its params. */"
    );
    let _ = writeln!(out, "export interface Notifications {{");
    for (name, params) in &notifications {
        let _ = writeln!(out, "  {name}: {params};");
    }
    let _ = writeln!(out, "}}\n");

    let _ = writeln!(out, "/** Every error code the plugin answers with. */");
    let _ = writeln!(out, "export const ErrorCode = {{");
    for code in ErrorCode::ALL {
        let _ = writeln!(out, "  {}: {},", code.name(), code.code());
    }
    let _ = writeln!(out, "}} as const;");
    let _ = writeln!(
        out,
        "export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];\n"
    );

    out.push_str(ENVELOPES);
    out
}

/// JSON-RPC 2.0 envelopes, typed by the maps above.
const ENVELOPES: &str = r#"/** A request id. */
export type RequestId = string | number | null;

/** A request for method `M`. */
export type Request<M extends keyof Methods = keyof Methods> = {
  jsonrpc: "2.0";
  id: RequestId;
  method: M;
  params?: Methods[M]["params"];
};

/** An error answer. */
export type RpcError = { code: ErrorCode | number; message: string; data?: unknown };

/** The answer to a request for method `M`. */
export type Response<M extends keyof Methods = keyof Methods> =
  | { jsonrpc: "2.0"; id: RequestId; result: Methods[M]["result"] }
  | { jsonrpc: "2.0"; id: RequestId; error: RpcError };

/** A notification from the plugin. */
export type Notification<N extends keyof Notifications = keyof Notifications> = {
  jsonrpc: "2.0";
  method: N;
  params: Notifications[N];
};
"#;

#[test]
fn typescript_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(OUTPUT);
    let generated = generate();
    if std::env::var_os("WEBSTRIP_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate with `WEBSTRIP_BLESS=1 cargo test -p bridge typescript`",
        path.display()
    );
}
