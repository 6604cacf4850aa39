//! Embedding the plugin's editor (`clap.gui`, X11): a top-level [`ParentWindow`] of the host's
//! own (`gui-test`'s, shared with the VST3 editor test), and the [`Instance`] calls that create the
//! editor, give it the parent, resize and destroy it.

use std::ffi::c_ulong;
use std::sync::Mutex;

use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiSize, HostGuiImpl, PluginGui, Window,
};
use clack_host::prelude::*;
pub use gui_test::{Capture, ParentWindow};

use crate::handlers::Shared;
use crate::{Error, Instance};

/// What the plugin asked of the host's GUI support.
#[derive(Debug, Default)]
pub(crate) struct GuiRecord {
    resize_requests: Mutex<Vec<(u32, u32)>>,
    closed: Mutex<Vec<bool>>,
}

impl HostGuiImpl for Shared {
    fn resize_hints_changed(&self) {}

    fn request_resize(&self, new_size: GuiSize) -> Result<(), HostError> {
        self.record
            .gui
            .resize_requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((new_size.width, new_size.height));
        Ok(())
    }

    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn closed(&self, was_destroyed: bool) {
        self.record
            .gui
            .closed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(was_destroyed);
    }
}

impl crate::HostRecord {
    /// Removes and returns the sizes the plugin asked for (`clap_host_gui.request_resize`).
    pub fn take_gui_resize_requests(&self) -> Vec<(u32, u32)> {
        std::mem::take(
            &mut *self
                .gui
                .resize_requests
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    /// Every `clap_host_gui.closed(was_destroyed)` so far.
    pub fn gui_closed(&self) -> Vec<bool> {
        self.gui
            .closed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Instance {
    fn gui_ext(&self) -> Result<PluginGui, Error> {
        self.plugin
            .plugin_shared_handle()
            .get_extension()
            .ok_or(Error::MissingExtension("clap.gui"))
    }

    /// `gui.create(X11, embedded)`: the plugin creates its editor.
    pub fn gui_create(&mut self) -> Result<(), Error> {
        let gui = self.gui_ext()?;
        let config = GuiConfiguration {
            api_type: GuiApiType::X11,
            is_floating: false,
        };
        let result = gui.create(&self.plugin.plugin_handle(), config);
        self.run_main_thread_callbacks();
        result.map_err(|e| Error::Usage(format!("gui.create failed: {e:?}")))
    }

    /// `gui.get_size`.
    pub fn gui_size(&mut self) -> Option<(u32, u32)> {
        let gui = self.gui_ext().ok()?;
        let size = gui.get_size(&self.plugin.plugin_handle())?;
        Some((size.width, size.height))
    }

    /// `gui.set_parent(parent)`: the plugin embeds its editor in the host's window. `parent` must
    /// outlive the editor (until [`gui_destroy`](Self::gui_destroy)).
    pub fn gui_set_parent(&mut self, parent: &ParentWindow) -> Result<(), Error> {
        let gui = self.gui_ext()?;
        let window = Window::from_x11_handle(c_ulong::from(parent.id()));
        // SAFETY: the window is alive; the caller keeps it until the editor is destroyed.
        let result = unsafe { gui.set_parent(&self.plugin.plugin_handle(), window) };
        self.run_main_thread_callbacks();
        result.map_err(|e| Error::Usage(format!("gui.set_parent failed: {e:?}")))
    }

    /// `gui.show`.
    pub fn gui_show(&mut self) -> Result<(), Error> {
        let gui = self.gui_ext()?;
        let result = gui.show(&self.plugin.plugin_handle());
        result.map_err(|e| Error::Usage(format!("gui.show failed: {e:?}")))
    }

    /// `gui.set_size`: the host resized its window to `width × height`.
    pub fn gui_set_size(&mut self, width: u32, height: u32) -> Result<(), Error> {
        let gui = self.gui_ext()?;
        let result = gui.set_size(&self.plugin.plugin_handle(), GuiSize { width, height });
        result.map_err(|e| Error::Usage(format!("gui.set_size failed: {e:?}")))
    }

    /// `gui.destroy`: the plugin closes its editor.
    pub fn gui_destroy(&mut self) {
        if let Ok(gui) = self.gui_ext() {
            gui.destroy(&self.plugin.plugin_handle());
        }
        self.run_main_thread_callbacks();
    }
}
