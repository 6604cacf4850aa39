//! The plugin side of the UI bridge: an editor that, when the host (or the standalone) opens it,
//! starts a [`bridge::Bridge`] on the instance's `GuiContext`, forwards nice-plug's callbacks to
//! it, and stops it when the editor closes.
//!
//! The editor has no window of its own yet ([`headless`]): the UIs reach the bridge through the
//! transports, which [`on_open`] hooks start for each editor session.

mod headless;
mod hooks;
mod meter_source;

use std::sync::{Arc, Mutex};

use bridge::{Bridge, MainThreadRequest, PluginInfo};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::{Editor, HostMethods, ParentWindowHandle, SpawnedEditor};
use nice_plug::prelude::Plugin;

use crate::Webstrip;
use crate::meters::Meters;
use crate::params::WebstripParams;

pub use headless::{HeadlessHandle, HeadlessWindow};
pub use hooks::{EditorSession, SessionGuard, on_open};
pub use meter_source::MeterReader;

/// The editor's size in physical pixels, reported to hosts.
pub const EDITOR_SIZE: (u32, u32) = (720, 420);

/// Webstrip's editor: one per instance, spawned each time the host opens the GUI.
pub struct WebstripEditor {
    params: Arc<WebstripParams>,
    meters: Arc<MeterReader>,
}

impl WebstripEditor {
    /// The editor of the instance owning `params` and `meters`. It becomes the instance's only
    /// meter reader.
    pub fn new(params: Arc<WebstripParams>, meters: Arc<Meters>) -> Self {
        Self {
            params,
            meters: Arc::new(MeterReader::new(meters)),
        }
    }
}

impl Editor for WebstripEditor {
    type Handle = HeadlessHandle;

    fn spawn(
        &self,
        _parent: Option<ParentWindowHandle>,
        _wait_for_parent: bool,
        _fallback_scale_factor: Option<f64>,
        gui_context: GuiContext,
        host: Option<HostMethods>,
    ) -> Result<SpawnedEditor<Self::Handle>, Box<dyn std::error::Error>> {
        // Hosts give a way to their main thread, where nice-plug wants `GuiContext` calls; the
        // standalone does not need one.
        let main_thread = host.map(|host| {
            let caller = Mutex::new(host.main_thread_caller);
            let request: MainThreadRequest = Box::new(move || {
                caller
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .call_main_thread();
            });
            request
        });
        let bridge = Bridge::start(
            self.params.clone(),
            gui_context,
            self.meters.clone(),
            PluginInfo {
                name: Webstrip::NAME.to_owned(),
                version: Webstrip::VERSION.to_owned(),
                vendor: Webstrip::VENDOR.to_owned(),
            },
            main_thread,
        );
        Ok(headless::spawn(bridge))
    }

    fn size(&self) -> NativeSize<u32> {
        NativeSize::new(EDITOR_SIZE.0, EDITOR_SIZE.1)
    }
}
