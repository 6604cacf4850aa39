//! The UI embedded at build time (crate `ui-assets`), served to the webview through the
//! `webstrip://` scheme: no network, no loose files.

use std::borrow::Cow;

use wry::http::{Request, Response, StatusCode, header};

/// The scheme the page is served from.
pub const SCHEME: &str = "webstrip";

/// The page the webview opens.
pub const START_URL: &str = "webstrip://localhost/index.html";

/// Shown when the helper was built before the UI.
fn not_built() -> String {
    format!(
        "<!doctype html><meta charset=utf-8><title>Webstrip</title>\
         <body style=\"font:14px sans-serif;background:#1b1d22;color:#ddd;padding:24px\">\
         <h1>Webstrip</h1><p>The UI was not built into this editor helper. Build it with \
         <code>{}</code>, then rebuild the helper.</p>",
        ui_assets::BUILD_COMMAND.replace('&', "&amp;")
    )
}

/// Answers one request of the page for an embedded file.
pub fn respond(request: &Request<Vec<u8>>) -> Response<Cow<'static, [u8]>> {
    let path = request.uri().path();
    let found = ui_assets::find(path).map(|asset| {
        (
            StatusCode::OK,
            asset.content_type,
            Cow::Borrowed(asset.body),
        )
    });
    let (status, content_type, body) = match found {
        Some(found) => found,
        None if !ui_assets::built() && matches!(path, "" | "/" | "/index.html") => (
            StatusCode::OK,
            "text/html; charset=utf-8",
            Cow::Owned(not_built().into_bytes()),
        ),
        None => (
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            Cow::Borrowed(&b"not found"[..]),
        ),
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        // Vite marks the module script `crossorigin`.
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .unwrap_or_else(|_| Response::new(Cow::Borrowed(&b""[..])))
}
