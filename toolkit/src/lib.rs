//! The web-UI toolkit for nice-plug plugins: what a plugin needs to show a web page as its
//! editor, generic over the plugin. A plugin implements [`WebUi`] (its UI's files and window
//! sizes), keeps one [`Instance`] (built from its parameters and a [`MeterSource`]) and forwards a
//! few `Plugin` calls to it:
//!
//! ```ignore
//! impl Plugin for Gain {
//!     type Editor = webui_toolkit::Editor<Self>;
//!     type BackgroundTask = webui_toolkit::MainThreadTask;
//!     fn task_executor(&mut self) -> TaskExecutor<Self> { self.ui.task_executor() }
//!     fn editor(&mut self, executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
//!         Some(self.ui.editor(executor))
//!     }
//!     // …
//! }
//! impl ClapPlugin for Gain { fn instance_context(&mut self, c: GuiContext) { self.ui.attach_host(c) } }
//! ```
//!
//! - [`instance`]: the instance's one bridge (crate `bridge`: the JSON-RPC protocol), leased by
//!   every transport that serves the UI;
//! - [`editor`]: the editor; on Linux the page runs in the editor helper process (`editor-helper/`),
//!   which gets the plugin's page over its pipe;
//! - [`browser`]: the in-host browser server (crate `bridge-ws`: the WebSocket server);
//! - [`scope`]: the stereo scope's lock-free ring from the audio thread, decimated per reading;
//! - `standalone` (feature `standalone`): the standalone app, `standalone::main::<P>()`.

pub mod browser;
pub mod editor;
pub mod instance;
pub mod scope;
#[cfg(feature = "standalone")]
pub mod standalone;

pub use bridge::protocol::{ChannelMeter, LoudnessReading, MeterFrame};
pub use bridge::{MeterSource, StreamSpec};
pub use editor::Editor;
pub use instance::{Instance, MainThreadTask};
pub use ui_assets::{Assets, include_ui};

use nice_plug::prelude::Plugin;

/// What the toolkit needs of a plugin besides nice-plug's [`Plugin`] (whose `NAME`, `VENDOR` and
/// `VERSION` the page's `getInfo` reports and the log and window title use).
pub trait WebUi: Plugin<BackgroundTask = MainThreadTask> {
    /// The plugin's built UI: `include_ui!()`, with `ui_assets::build::embed("ui/dist")` in its
    /// build script. The editor and the WebSocket servers serve it.
    const UI: Assets;
    /// The editor's default size in physical pixels, reported to hosts.
    const EDITOR_SIZE: (u32, u32) = (720, 420);
    /// The smallest size a host or the page may resize the editor to.
    const EDITOR_MIN_SIZE: (u32, u32) = (360, 240);
}
