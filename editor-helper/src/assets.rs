//! The plugin's UI, as the plugin handed it over the pipe (`ui_assets::helper_pipe`), served to
//! the webview through the `webui://` scheme: no network, no loose files, and no UI of the
//! helper's own, so one helper build serves whichever plugin started it.

use std::borrow::Cow;
use std::sync::OnceLock;

use ui_assets::helper_pipe::Page;

use wry::http::{Request, Response, StatusCode, header};

/// The scheme the page is served from.
pub const SCHEME: &str = "webui";

/// The page the webview opens.
pub const START_URL: &str = "webui://localhost/index.html";

static PAGE: OnceLock<Page> = OnceLock::new();

/// Keeps the plugin's page for the webview (once, before the webview exists).
pub fn set_page(page: Page) {
    let _ = PAGE.set(page);
}

/// Shown when the plugin was built without its UI.
fn not_built(page: &Page) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let title = escape(&page.window.title);
    format!(
        "<!doctype html><meta charset=utf-8><title>{title}</title>\
         <body style=\"font:14px sans-serif;background:#1b1d22;color:#ddd;padding:24px\">\
         <h1>{title}</h1><p>{}</p>",
        escape(&page.not_built)
    )
}

/// Answers one request of the page for an embedded file.
pub fn respond(request: &Request<Vec<u8>>) -> Response<Cow<'static, [u8]>> {
    let path = match request.uri().path() {
        "" | "/" => "/index.html",
        path => path,
    };
    let page = PAGE.get_or_init(|| Page {
        window: ui_assets::helper_pipe::Window {
            title: String::new(),
            size: (0, 0),
            min_size: (0, 0),
        },
        files: Vec::new(),
        not_built: "no page".into(),
    });
    let found = page
        .files
        .iter()
        .find(|file| file.path == path)
        .map(|file| {
            (
                StatusCode::OK,
                file.content_type.as_str(),
                Cow::Borrowed(file.body.as_slice()),
            )
        });
    let (status, content_type, body) = match found {
        Some(found) => found,
        None if page.files.is_empty() && path == "/index.html" => (
            StatusCode::OK,
            "text/html; charset=utf-8",
            Cow::Owned(not_built(page).into_bytes()),
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
