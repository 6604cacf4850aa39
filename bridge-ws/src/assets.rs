//! The plugin's embedded UI ([`crate::ServerConfig::assets`]), served at `/`.

use ui_assets::Assets;

/// The body of the 503 answer when the binary was built without the UI.
pub(crate) fn not_built(ui: &Assets) -> String {
    format!(
        "{}. The WebSocket bridge itself is up at /ws.\n",
        ui.not_built()
    )
}
