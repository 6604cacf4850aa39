//! Generates the TypeScript protocol types (`toolkit-ui/src/protocol/index.ts`) from the Rust
//! types, and checks in `cargo test` that the committed file is current.
//!
//! Regenerate with `WEBUI_BLESS=1 cargo test -p bridge generated`.

use std::any::TypeId;
use std::collections::HashSet;
use std::fmt::Write;
use std::path::PathBuf;

use ts_rs::{Dependency, TS, TypeVisitor};

use crate::jsonrpc::ErrorCode;
use crate::protocol::{PROTOCOL_VERSION, Transport, method_types, notification_types};

/// The generated file, relative to the bridge crate.
const OUTPUT: &str = "../toolkit-ui/src/protocol/index.ts";

/// A Rust type as TypeScript sees it.
pub(crate) struct TsType {
    /// Its name, e.g. `ParamRef`.
    pub name: String,
    /// Its shape, e.g. `{ id: string, }`, doc comments included.
    pub inline: String,
    /// Writes its declaration and those of the types it names, each once.
    declare: Declare,
}

impl TsType {
    pub fn of<T: TS + 'static>() -> Self {
        Self {
            name: T::name(),
            inline: T::inline(),
            declare: |declarations| declarations.visit::<T>(),
        }
    }
}

/// Declarations of named types, each once, a type's dependencies before it.
#[derive(Default)]
pub(crate) struct Declarations {
    seen: HashSet<TypeId>,
    out: String,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // ts-rs's derive lists a type's dependencies in an order that changes from one build to
        // the next: visit them by name, so the file only changes when the types do.
        let mut dependencies = Dependencies::default();
        T::visit_generics(&mut dependencies);
        T::visit_dependencies(&mut dependencies);
        dependencies.0.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, declare) in dependencies.0 {
            declare(self);
        }
        // Builtins (numbers, strings, arrays, options) have no declaration of their own.
        if Dependency::from_ty::<T>().is_some() {
            let docs = T::docs().map(|d| d.to_string()).unwrap_or_default();
            let _ = writeln!(self.out, "{docs}export {}\n", T::decl());
        }
    }
}

/// How to declare one type (and what it names).
type Declare = fn(&mut Declarations);

/// The types one type names directly, each by name with how to declare it.
#[derive(Default)]
struct Dependencies(Vec<(String, Declare)>);

impl TypeVisitor for Dependencies {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        self.0
            .push((T::name(), |declarations| declarations.visit::<T>()));
    }
}

fn generate() -> String {
    let mut out = String::from(
        "// Generated from bridge/src/protocol.rs by bridge/src/typescript.rs: do not edit.\n\
         // Regenerate with `WEBUI_BLESS=1 cargo test -p bridge generated`.\n\n",
    );
    let methods = method_types();
    let notifications = notification_types();
    // Every type the tables name, and the types those name.
    let mut declarations = Declarations::default();
    let tables = methods
        .iter()
        .flat_map(|(_, params, result)| [params, result])
        .chain(notifications.iter().map(|(_, params)| params));
    for ty in tables.chain([&TsType::of::<Transport>()]) {
        (ty.declare)(&mut declarations);
    }
    out.push_str(&declarations.out);

    let _ = writeln!(out, "/** The protocol version `getInfo` reports. */");
    let _ = writeln!(out, "export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n");

    let _ = writeln!(out, "/** Every request: its params and its result. */");
    let _ = writeln!(out, "export interface Methods {{");
    for (name, params, result) in &methods {
        let _ = writeln!(
            out,
            "  {name}: {{ params: {}; result: {} }};",
            params.name, result.name
        );
    }
    let _ = writeln!(out, "}}\n");

    let _ = writeln!(
        out,
        "/** Every notification the plugin sends: its params. */"
    );
    let _ = writeln!(out, "export interface Notifications {{");
    for (name, params) in &notifications {
        let _ = writeln!(out, "  {name}: {};", params.name);
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

/** Any notification from the plugin, told apart by `method` (a `switch` narrows `params`). */
export type AnyNotification = { [N in keyof Notifications]: Notification<N> }[keyof Notifications];
"#;

/// Checks that the committed `path` (relative to the bridge crate) holds `generated`; with
/// `WEBUI_BLESS` set, writes it first.
pub(crate) fn check_generated(path: &str, generated: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("WEBUI_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate with `WEBUI_BLESS=1 cargo test -p bridge generated`",
        path.display()
    );
}

#[test]
fn generated_typescript_is_current() {
    check_generated(OUTPUT, &generate());
}
