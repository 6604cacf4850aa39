//! The Linux editor helper's (`webstrip-editor`) contract besides the page's own messages: the lines
//! it writes on its stdout, which the helper and the plugin reading its pipe
//! (`plugin/src/editor/helper.rs`) share from here, and its automation variable.

/// The helper's first line, once its webview exists.
pub const READY: &str = "webstrip-editor ready";

/// A page started loading in the webview (the first one, or a reload: e.g. the Vite dev server
/// reloading the page after an edit). What the previous page had under way is void: its gestures
/// are ended and its meter subscription dropped, as if it had disconnected.
pub const PAGE_STARTED: &str = "webstrip-editor page-started";

/// Names a file the helper keeps the page's control boxes in, for GUI automation
/// (`editor-helper/src/layout.rs` writes it, `gui_test::PageLayout` reads it).
pub const LAYOUT_VAR: &str = "WEBSTRIP_EDITOR_LAYOUT";
