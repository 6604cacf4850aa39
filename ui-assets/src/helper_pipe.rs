//! The lines the Linux editor helper (`webstrip-editor`) writes on its stdout besides the page's
//! own messages: the helper and the plugin reading its pipe (`plugin/src/editor/helper.rs`) share
//! them from here.

/// The helper's first line, once its webview exists.
pub const READY: &str = "webstrip-editor ready";

/// A page started loading in the webview (the first one, or a reload: e.g. the Vite dev server
/// reloading the page after an edit). What the previous page had under way is void: its gestures
/// are ended and its meter subscription dropped, as if it had disconnected.
pub const PAGE_STARTED: &str = "webstrip-editor page-started";
