//! The Linux editor helper's pipe contract besides the page's own messages, shared by the helper
//! (`editor-helper/`) and the plugin side reading its pipe (`toolkit/src/editor/helper.rs`).
//!
//! The helper is one generic program that holds no plugin's UI; each plugin installs a copy of it
//! under a name of its own ([`helper_file_name`]) and hands it its page over the pipe:
//!
//! 1. plugin → helper: [`hello`]; the helper answers with its own [`hello`] line, and exits when
//!    the two differ (another build: it never serves a plugin it was not built with). A helper
//!    from before the handshake answers nothing of the kind: the plugin refuses it.
//! 2. plugin → helper: the page ([`write_page`]): the window's title and sizes, every file of the
//!    UI (base64, one line each), an end line.
//! 3. helper → plugin: [`READY`] once its webview exists; then one JSON-RPC message per line each
//!    way, and [`PAGE_STARTED`] whenever a page starts loading; plugin → helper also a stream's
//!    binary frame as a [`frame_line`], which the helper hands to the page undecoded.

use std::io::{BufRead, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::Assets;

/// The pipe's version: bumped whenever a line of this contract changes.
pub const PIPE_VERSION: u32 = 3;

const HELLO: &str = "webui-editor hello";
const WINDOW: &str = "webui-editor window";
const ASSET: &str = "webui-editor asset";
const PAGE_END: &str = "webui-editor page-end";

/// The helper's line once its webview exists.
pub const READY: &str = "webui-editor ready";

/// A page started loading in the webview (the first one, or a reload: e.g. the Vite dev server
/// reloading the page after an edit). What the previous page had under way is void: its gestures
/// are ended and its meter subscription dropped, as if it had disconnected.
pub const PAGE_STARTED: &str = "webui-editor page-started";

/// Starts a line carrying a stream frame (see [`frame_line`]).
pub const FRAME: &str = "webui-editor frame ";

/// A binary stream frame as one pipe line: [`FRAME`], then the bytes in base64. The helper passes
/// the base64 text to the page's `window.__webui_receive_frame` as it is: base64 is a JavaScript
/// string literal's text without escaping, and `evaluate_script` carries only text.
pub fn frame_line(bytes: &[u8], line: &mut String) {
    line.clear();
    line.push_str(FRAME);
    STANDARD.encode_string(bytes, line);
}

/// The script that hands a [`frame_line`] to the page, or `None` for a line that is not one (or
/// holds anything but base64: nothing else reaches the script).
pub fn frame_script(line: &str) -> Option<String> {
    let base64 = line.strip_prefix(FRAME)?;
    base64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .then(|| format!("window.__webui_receive_frame?.(\"{base64}\")"))
}

/// The helper's binary as cargo builds it (`editor-helper/Cargo.toml`); each plugin installs a
/// copy under [`helper_file_name`].
pub const HELPER_BINARY: &str = "webui-editor";

/// Names a file the helper keeps the page's control boxes in, for GUI automation
/// (`editor-helper/src/layout.rs` writes it, `gui_test::PageLayout` reads it).
pub const LAYOUT_VAR: &str = "WEBUI_EDITOR_LAYOUT";

/// The first line each side writes: the pipe's version and the build's (both must match).
pub fn hello() -> String {
    format!("{HELLO} {PIPE_VERSION} {}", env!("CARGO_PKG_VERSION"))
}

/// The helper's file name for a plugin whose binary is called `stem` (`Synth.clap`,
/// `Synth.so`, the standalone `synth` → `synth-editor`; `My Gain.clap` →
/// `my-gain-editor`): each plugin its own copy, so two plugins in one folder never share one.
pub fn helper_file_name(stem: &str) -> String {
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{slug}-editor")
}

/// The helper's check of the plugin's first line.
pub fn check_plugin_hello(line: &str) -> Result<(), String> {
    let ours = hello();
    match line.trim_end() {
        theirs if theirs == ours => Ok(()),
        theirs => Err(format!(
            "refusing to serve a plugin of another build: it said {theirs:?}, this helper \
             speaks {ours:?}; install the helper that came with the plugin"
        )),
    }
}

/// The plugin's check of the helper's answer to [`hello`].
pub fn check_helper_hello(line: &str) -> Result<(), String> {
    let ours = hello();
    match line.trim_end() {
        theirs if theirs == ours => Ok(()),
        theirs if theirs.starts_with(HELLO) => Err(format!(
            "it is from another build (it speaks {theirs:?}, this plugin {ours:?}); install the \
             editor helper that came with this plugin"
        )),
        // Helpers before the handshake, or before these lines were renamed (`<x>-editor ready`).
        theirs
            if [READY, PAGE_STARTED, "-editor ready", "-editor page-started"]
                .iter()
                .any(|line| theirs.ends_with(line))
                || theirs.contains("-editor hello ") =>
        {
            Err(format!(
                "it is from an older build (it answered {theirs:?}, not the version handshake \
             {ours:?}); install the editor helper that came with this plugin"
            ))
        }
        theirs => Err(format!("unexpected first line {theirs:?}")),
    }
}

/// The window the helper opens: its title (top-level window) and sizes, physical pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// The top-level window's title.
    pub title: String,
    /// The first size.
    pub size: (u32, u32),
    /// The smallest size.
    pub min_size: (u32, u32),
}

/// One file of the page as the helper holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageFile {
    /// URL path, e.g. `/index.html`.
    pub path: String,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// What the plugin hands the helper after the handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The window.
    pub window: Window,
    /// The UI's files (none when the plugin was built without its UI).
    pub files: Vec<PageFile>,
    /// Why there are no files, for the page shown instead.
    pub not_built: String,
}

/// Plugin side: sends `window` and `assets` (after the handshake).
pub fn write_page(out: &mut impl Write, window: &Window, assets: &Assets) -> std::io::Result<()> {
    let (w, h) = window.size;
    let (min_w, min_h) = window.min_size;
    let title = window.title.replace(['\n', '\r'], " ");
    writeln!(out, "{WINDOW} {w} {h} {min_w} {min_h} {title}")?;
    for (path, asset) in assets.files() {
        let body = STANDARD.encode(asset.body);
        writeln!(out, "{ASSET} {path} {body} {}", asset.content_type)?;
    }
    if !assets.built() {
        writeln!(out, "{ASSET}-missing {}", assets.not_built())?;
    }
    writeln!(out, "{PAGE_END}")?;
    out.flush()
}

/// Helper side: reads what [`write_page`] sent.
pub fn read_page(input: &mut impl BufRead) -> Result<Page, String> {
    let mut page = Page {
        window: Window {
            title: String::new(),
            size: (0, 0),
            min_size: (0, 0),
        },
        files: Vec::new(),
        not_built: String::new(),
    };
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => return Err("the plugin closed the pipe before its page ended".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("reading the page: {e}")),
        }
        let text = line.trim_end_matches(['\n', '\r']);
        if text == PAGE_END {
            return Ok(page);
        }
        if let Some(rest) = text.strip_prefix(&format!("{WINDOW} ")) {
            page.window = parse_window(rest).ok_or_else(|| format!("bad window line {text:?}"))?;
        } else if let Some(rest) = text.strip_prefix(&format!("{ASSET}-missing ")) {
            page.not_built = rest.to_owned();
        } else if let Some(rest) = text.strip_prefix(&format!("{ASSET} ")) {
            let mut parts = rest.splitn(3, ' ');
            let (Some(path), Some(body), Some(content_type)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(format!("bad asset line starting {:?}", prefix(text)));
            };
            let body = STANDARD
                .decode(body)
                .map_err(|e| format!("asset {path}: {e}"))?;
            page.files.push(PageFile {
                path: path.to_owned(),
                content_type: content_type.to_owned(),
                body,
            });
        } else {
            return Err(format!("unexpected line in the page: {:?}", prefix(text)));
        }
    }
}

fn prefix(text: &str) -> &str {
    text.char_indices()
        .nth(80)
        .map_or(text, |(end, _)| &text[..end])
}

fn parse_window(rest: &str) -> Option<Window> {
    let mut parts = rest.splitn(5, ' ');
    let mut number = || parts.next()?.parse::<u32>().ok();
    let size = (number()?, number()?);
    let min_size = (number()?, number()?);
    let title = parts.next().unwrap_or_default().to_owned();
    Some(Window {
        title,
        size,
        min_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_arrives_as_sent() {
        let assets = Assets::new(
            &[
                ("/assets/a.js", "text/javascript; charset=utf-8", b"x\n\0y"),
                (
                    "/index.html",
                    "text/html; charset=utf-8",
                    b"<!doctype html>",
                ),
            ],
            "ui/dist",
        );
        let window = Window {
            title: "My Gain".into(),
            size: (400, 300),
            min_size: (200, 150),
        };
        let mut wire = Vec::new();
        write_page(&mut wire, &window, &assets).unwrap();
        let page = read_page(&mut &wire[..]).unwrap();
        assert_eq!(page.window, window);
        assert_eq!(page.files.len(), 2);
        assert_eq!(page.files[0].path, "/assets/a.js");
        assert_eq!(page.files[0].body, b"x\n\0y");
        assert_eq!(page.files[1].content_type, "text/html; charset=utf-8");
        assert!(page.not_built.is_empty());
    }

    #[test]
    fn a_page_without_ui_says_why() {
        let window = Window {
            title: "G".into(),
            size: (1, 2),
            min_size: (1, 1),
        };
        let mut wire = Vec::new();
        write_page(&mut wire, &window, &Assets::new(&[], "x/dist")).unwrap();
        let page = read_page(&mut &wire[..]).unwrap();
        assert!(page.files.is_empty());
        assert!(
            page.not_built.contains("x/dist/index.html"),
            "{}",
            page.not_built
        );
        assert!(
            read_page(&mut &wire[..wire.len() - 5]).is_err(),
            "a cut page"
        );
    }

    #[test]
    fn each_side_refuses_another_build() {
        assert_eq!(check_plugin_hello(&hello()), Ok(()));
        assert_eq!(check_helper_hello(&format!("{}\n", hello())), Ok(()));
        let old = "webui-editor hello 1 0.2.0";
        assert!(
            check_plugin_hello(old)
                .unwrap_err()
                .contains("another build")
        );
        assert!(
            check_helper_hello(old)
                .unwrap_err()
                .contains("another build")
        );
        // The helper before the handshake greeted nobody: its first line was one of these.
        for first in [
            READY,
            PAGE_STARTED,
            "synth-editor ready",
            "synth-editor hello 1 0.3.0",
        ] {
            let err = check_helper_hello(first).unwrap_err();
            assert!(err.contains("older build"), "{err}");
        }
    }

    #[test]
    fn helper_names_follow_the_plugin_binary() {
        assert_eq!(helper_file_name("Synth"), "synth-editor");
        assert_eq!(helper_file_name("synth"), "synth-editor");
        assert_eq!(helper_file_name("My Gain"), "my-gain-editor");
    }

    #[test]
    fn a_frame_line_becomes_a_script_with_its_base64_and_nothing_else_does() {
        let mut line = String::new();
        frame_line(&[0xff, 0x00, 0x10], &mut line);
        assert_eq!(line, "webui-editor frame /wAQ");
        assert_eq!(
            frame_script(&line).as_deref(),
            Some("window.__webui_receive_frame?.(\"/wAQ\")")
        );
        assert_eq!(frame_script(r#"{"jsonrpc":"2.0"}"#), None);
        assert_eq!(frame_script("webui-editor frame \");alert(1);//"), None);
    }
}
