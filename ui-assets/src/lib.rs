//! A plugin's built web UI, embedded at build time, for every binary that serves it: the
//! WebSocket server (`bridge-ws`, over HTTP) and, through the plugin, the Linux editor helper
//! (over its pipe, see [`helper_pipe`]). Each plugin embeds its own UI folder: its build script
//! calls [`build::embed`], its code takes the result with [`include_ui!`]. One list of content
//! types; where the UI comes from while it is being developed ([`dev_server`]); the editor
//! helper's pipe contract ([`helper_pipe`]).

pub mod build;
pub mod dev_server;
pub mod helper_pipe;

/// One embedded file.
#[derive(Clone, Copy, Debug)]
pub struct Asset {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// One plugin's embedded UI: (URL path, content type, bytes) per file, and the folder they came
/// from (named when the UI was not built).
#[derive(Clone, Copy, Debug)]
pub struct Assets {
    files: &'static [(&'static str, &'static str, &'static [u8])],
    dist: &'static str,
}

/// The plugin's UI as its build script embedded it ([`build::embed`]): an [`Assets`] constant.
#[macro_export]
macro_rules! include_ui {
    () => {{
        let (files, dist) = include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));
        $crate::Assets::new(files, dist)
    }};
}

impl Assets {
    /// The files of `dist` (what [`include_ui!`] builds).
    pub const fn new(
        files: &'static [(&'static str, &'static str, &'static [u8])],
        dist: &'static str,
    ) -> Self {
        Self { files, dist }
    }

    /// Whether the UI was embedded (it was built before the plugin).
    pub fn built(&self) -> bool {
        !self.files.is_empty()
    }

    /// Why there is no UI, for the page or answer shown instead.
    pub fn not_built(&self) -> String {
        format!(
            "the UI was not built into this binary ({}/index.html was missing when it was \
             compiled): build the UI (e.g. `cargo xtask bundle <package>` or `cargo xtask run \
             <package>`), then rebuild",
            self.dist
        )
    }

    /// The file for a URL path (`/` and the empty path are `/index.html`).
    pub fn find(&self, path: &str) -> Option<Asset> {
        let path = if path.is_empty() || path == "/" {
            "/index.html"
        } else {
            path
        };
        self.files
            .iter()
            .find(|(url, _, _)| *url == path)
            .map(|&(_, content_type, body)| Asset { content_type, body })
    }

    /// Every file with its URL path.
    pub fn files(&self) -> impl Iterator<Item = (&'static str, Asset)> + '_ {
        self.files
            .iter()
            .map(|&(url, content_type, body)| (url, Asset { content_type, body }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UI: Assets = Assets::new(
        &[
            ("/assets/app.js", "text/javascript; charset=utf-8", b"1"),
            (
                "/index.html",
                "text/html; charset=utf-8",
                b"<!doctype html>",
            ),
        ],
        "ui/dist",
    );

    #[test]
    fn index_is_found_by_its_aliases() {
        let index = UI.find("/").expect("index.html");
        assert_eq!(index.content_type, "text/html; charset=utf-8");
        assert_eq!(UI.find("").map(|a| a.body), Some(index.body));
        assert_eq!(UI.find("/index.html").map(|a| a.body), Some(index.body));
        assert!(UI.find("/no-such-file").is_none());
        assert!(UI.built());
        assert_eq!(UI.files().count(), 2);
    }

    #[test]
    fn an_empty_ui_says_where_it_was_expected() {
        let none = Assets::new(&[], "examples/gain/ui/dist");
        assert!(!none.built() && none.find("/").is_none());
        assert!(
            none.not_built()
                .contains("examples/gain/ui/dist/index.html")
        );
    }
}
