//! The UI embedded at build time (`build.rs` lists `ui/dist`), served at `/`.

include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));

/// The body of the 503 answer when the binary was built without the UI.
pub(crate) const NOT_BUILT: &str = "The Webstrip UI was not built into this binary.\n\
Build it with `npm --prefix ui ci && npm --prefix ui run build`, then rebuild \
(e.g. `cargo xtask run`). The WebSocket bridge itself is up at /ws.\n";

/// One embedded file.
pub(crate) struct Asset {
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// Whether the UI was embedded.
pub(crate) fn built() -> bool {
    !FILES.is_empty()
}

/// The file for a request path (`/` is `/index.html`).
pub(crate) fn find(path: &str) -> Option<Asset> {
    let path = if path == "/" { "/index.html" } else { path };
    FILES
        .iter()
        .find(|(url, _, _)| *url == path)
        .map(|&(_, content_type, body)| Asset { content_type, body })
}
