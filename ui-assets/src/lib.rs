//! The built web UI (`ui/dist`), embedded at build time (see `build.rs`), for every binary that
//! serves it: the WebSocket server (`bridge-ws`, over HTTP) and the Linux editor helper (over its
//! `webstrip://` scheme). One copy of the embedding, one list of content types; and where the UI
//! comes from while it is being developed ([`dev_server`]); the editor helper's own pipe lines
//! ([`helper_pipe`]).

pub mod dev_server;
pub mod helper_pipe;

include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));

/// How to build the UI, for the message shown when a binary was built without it.
pub const BUILD_COMMAND: &str = "npm --prefix ui ci && npm --prefix ui run build";

/// One embedded file.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// Whether the UI was embedded (it was built before this crate).
pub fn built() -> bool {
    !FILES.is_empty()
}

/// The file for a URL path (`/` and the empty path are `/index.html`).
pub fn find(path: &str) -> Option<Asset> {
    let path = if path.is_empty() || path == "/" {
        "/index.html"
    } else {
        path
    };
    FILES
        .iter()
        .find(|(url, _, _)| *url == path)
        .map(|&(_, content_type, body)| Asset { content_type, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_found_by_its_aliases_when_built() {
        if !built() {
            assert!(find("/").is_none());
            return;
        }
        let index = find("/").expect("index.html");
        assert_eq!(index.content_type, "text/html; charset=utf-8");
        assert_eq!(find("").map(|a| a.body), Some(index.body));
        assert_eq!(find("/index.html").map(|a| a.body), Some(index.body));
        assert!(find("/no-such-file").is_none());
        assert!(
            FILES
                .iter()
                .any(|(url, ty, _)| url.ends_with(".js") && ty.starts_with("text/javascript")),
            "the bundle's script is embedded with its type"
        );
    }
}
