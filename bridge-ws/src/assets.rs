//! The embedded UI (crate `ui-assets`), served at `/`.

pub(crate) use ui_assets::{built, find};

/// The body of the 503 answer when the binary was built without the UI.
pub(crate) fn not_built() -> String {
    format!(
        "The Webstrip UI was not built into this binary.\nBuild it with `{}`, then rebuild \
         (e.g. `cargo xtask run`). The WebSocket bridge itself is up at /ws.\n",
        ui_assets::BUILD_COMMAND
    )
}
