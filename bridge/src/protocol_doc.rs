//! Generates the method and notification tables of `docs/PROTOCOL.md` (and the `transport`
//! values) from the tables in `protocol.rs`, and checks in `cargo test` that the committed file
//! holds them. Each generated part stands between `<!-- generated:NAME -->` and
//! `<!-- /generated:NAME -->`; the prose around them is the document's own.
//!
//! Regenerate with `WEBUI_BLESS=1 cargo test -p bridge generated`.

use std::fmt::Write;

use crate::protocol::{
    METHODS, NOTIFICATIONS, NoParams, Transport, method_types, notification_types,
};
use crate::typescript::{TsType, check_generated};

/// The document, relative to the bridge crate.
const DOC: &str = "../docs/PROTOCOL.md";

/// A type in a table cell: its name and shape, e.g. `ParamRef` `{ id: string }`; `—` for none.
fn cell(ty: &TsType) -> String {
    if ty.name == TsType::of::<NoParams>().name {
        return "—".into();
    }
    let shape = shape(&ty.inline);
    let shape = if shape == "Record<string, never>" {
        "{}".into()
    } else {
        shape
    };
    format!("`{}` `{}`", ty.name, shape.replace('|', "\\|"))
}

/// A TypeScript shape on one line, without its doc comments.
fn shape(inline: &str) -> String {
    let mut text = String::new();
    let mut rest = inline;
    while let Some(start) = rest.find("/**") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace(", }", " }").replace(",}", " }")
}

/// A doc comment on one line.
fn line(doc: &str) -> String {
    doc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn methods() -> String {
    let mut out = String::from("| method | params | result | what it does |\n|---|---|---|---|\n");
    for (info, (name, params, result)) in METHODS.iter().zip(method_types()) {
        assert_eq!(info.name, name);
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} |",
            cell(&params),
            cell(&result),
            line(info.doc)
        );
    }
    out
}

fn notifications() -> String {
    let mut out = String::from("| notification | params | when |\n|---|---|---|\n");
    for (info, (name, params)) in NOTIFICATIONS.iter().zip(notification_types()) {
        assert_eq!(info.name, name);
        let _ = writeln!(out, "| `{name}` | {} | {} |", cell(&params), line(info.doc));
    }
    out
}

fn transport() -> String {
    let ty = TsType::of::<Transport>();
    // Not in a table: `|` stays as it is.
    format!("`{} = {}`\n", ty.name, shape(&ty.inline))
}

/// `doc` with each generated part replaced by `parts`' text for it.
fn fill(doc: &str, parts: &[(&str, String)]) -> String {
    let mut doc = doc.to_owned();
    for (name, text) in parts {
        let open = format!("<!-- generated:{name} -->\n");
        let close = format!("<!-- /generated:{name} -->");
        let start = doc
            .find(&open)
            .unwrap_or_else(|| panic!("{DOC} has no `{}`", open.trim()))
            + open.len();
        let end = start
            + doc[start..]
                .find(&close)
                .unwrap_or_else(|| panic!("{DOC} has no `{close}`"));
        doc.replace_range(start..end, text);
    }
    doc
}

#[test]
fn generated_protocol_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
    let committed = std::fs::read_to_string(&path).unwrap();
    let generated = fill(
        &committed,
        &[
            ("methods", methods()),
            ("notifications", notifications()),
            ("transport", transport()),
        ],
    );
    check_generated(DOC, &generated);
}

#[test]
fn shapes_lose_their_doc_comments() {
    assert_eq!(
        shape("{ \n/**\n * Parameter id.\n */\nid: string, \n/** x */\nn?: number, }"),
        "{ id: string, n?: number }"
    );
}
