//! `webui-editor`: the toolkit's Linux editor helper, installed beside each plugin as
//! `<plugin>-editor`. The plugin starts it when a host opens the editor; it shows the plugin's
//! page in a WebKitGTK webview (wry) created as an X11 child of the host's window, so the plugin
//! itself links neither GTK nor WebKit.
//!
//! ```text
//! webui-editor --parent <XID>   # embedded in the host's window
//! webui-editor                  # a top-level window of its own (the standalone app's)
//! ```
//!
//! The pipe contract (stdin/stdout, one message per line, UTF-8):
//! - the plugin's first line is its hello (pipe and build version); the helper answers with its
//!   own and exits with status 1 when they differ (it never serves a plugin of another build);
//!   then the plugin hands over its page (window, files, end line): the helper holds no UI;
//! - the next line on stdout is `webui-editor ready` once the webview exists; on any failure
//!   before that the helper prints the reason on stderr and exits with status 1;
//! - then every line on stdout is one message the page posted (`window.ipc.postMessage`), or
//!   `webui-editor page-started` when a page starts loading (the first, and every reload: what
//!   the previous page had under way is void); every line on stdin is handed to the page as
//!   `window.__webui_receive(text)`. The helper relays text; it never interprets it. (Both
//!   fixed lines: `ui_assets::helper_pipe`.)
//!
//! The helper exits when stdin closes or when the parent window is destroyed (it watches the
//! parent on an X connection of its own, which also makes the webview follow the parent's size).
//! Without `--parent` it opens a resizable top-level window (the plugin's name and editor size, as
//! the page's window line said) and also exits,
//! with status 0, when the user closes that window.
//!
//! `WEBUI_DEV_URL=http://localhost:5173` loads the UI from the Vite dev server instead of the
//! embedded build (hot reload inside the DAW's editor window, still on the native IPC); only
//! loopback `http://` URLs are accepted.
//!
//! `WEBUI_EDITOR_LAYOUT=<file>` keeps the page's control boxes in that file, for GUI automation
//! (`layout.rs`).
//!
//! The webview stays on the origin it started on, and only that origin's messages are relayed;
//! links to loopback web pages (the browser server's address) open in the user's browser
//! (`xdg-open`): see `links.rs`.

#[cfg(target_os = "linux")]
mod assets;
#[cfg(target_os = "linux")]
mod layout;
#[cfg(target_os = "linux")]
mod links;
#[cfg(target_os = "linux")]
mod parent;
#[cfg(target_os = "linux")]
mod view;

fn main() {
    #[cfg(target_os = "linux")]
    let result = view::run();
    #[cfg(not(target_os = "linux"))]
    let result: Result<(), String> = Err("the editor helper runs on Linux (X11) only".into());
    match result {
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!("webui-editor: {error}");
            std::process::exit(1);
        }
    }
}
