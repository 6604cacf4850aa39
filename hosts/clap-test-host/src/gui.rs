//! Embedding the plugin's editor (`clap.gui`, X11): a top-level [`ParentWindow`] of the host's
//! own, and the [`Instance`] calls that create the editor, give it the parent, resize and destroy
//! it. The window is on the host's own X connection (`$DISPLAY`), so the editor sees a parent that
//! belongs to another client, as in a real host.

use std::ffi::c_ulong;
use std::sync::Mutex;

use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiSize, HostGuiImpl, PluginGui, Window,
};
use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ConnectionExt, CreateWindowAux, EventMask, ImageFormat, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

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

fn x11_error(error: impl std::fmt::Display) -> Error {
    Error::Usage(format!("X11: {error}"))
}

/// A mapped top-level X11 window of the host, for the editor to embed into.
pub struct ParentWindow {
    conn: RustConnection,
    root: u32,
    window: u32,
}

/// A screenshot of a window: `width × height` pixels, `0x00RRGGBB`, row-major.
pub struct Capture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, row after row.
    pub pixels: Vec<u32>,
}

impl Capture {
    /// The number of distinct colours (a blank window has one).
    pub fn distinct_colors(&self) -> usize {
        let mut colors = self.pixels.clone();
        colors.sort_unstable();
        colors.dedup();
        colors.len()
    }
}

impl ParentWindow {
    /// Connects to `$DISPLAY` and maps a `width × height` window at (`x`, `y`).
    pub fn new(x: i16, y: i16, width: u16, height: u16) -> Result<Self, Error> {
        let (conn, screen) = x11rb::connect(None).map_err(x11_error)?;
        let screen = &conn.setup().roots[screen];
        let root = screen.root;
        let window = conn.generate_id().map_err(x11_error)?;
        conn.create_window(
            screen.root_depth,
            window,
            root,
            x,
            y,
            width,
            height,
            0,
            WindowClass::INPUT_OUTPUT,
            screen.root_visual,
            &CreateWindowAux::new()
                .background_pixel(screen.black_pixel)
                .event_mask(EventMask::STRUCTURE_NOTIFY),
        )
        .map_err(x11_error)?;
        conn.map_window(window).map_err(x11_error)?;
        conn.sync().map_err(x11_error)?;
        Ok(Self { conn, root, window })
    }

    /// The window's X id.
    pub fn id(&self) -> u32 {
        self.window
    }

    /// Resizes the window, as a host does before `gui.set_size`.
    pub fn resize(&self, width: u32, height: u32) -> Result<(), Error> {
        let aux = x11rb::protocol::xproto::ConfigureWindowAux::new()
            .width(width)
            .height(height);
        self.conn
            .configure_window(self.window, &aux)
            .map_err(x11_error)?;
        self.conn.sync().map_err(x11_error)
    }

    /// The window's top-left corner on the screen.
    pub fn screen_position(&self) -> Result<(i32, i32), Error> {
        let reply = self
            .conn
            .translate_coordinates(self.window, self.root, 0, 0)
            .map_err(x11_error)?
            .reply()
            .map_err(x11_error)?;
        Ok((i32::from(reply.dst_x), i32::from(reply.dst_y)))
    }

    /// The window's contents (including the editor embedded in it) as shown on the screen.
    pub fn capture(&self) -> Result<Capture, Error> {
        let geometry = self
            .conn
            .get_geometry(self.window)
            .map_err(x11_error)?
            .reply()
            .map_err(x11_error)?;
        let (width, height) = (geometry.width, geometry.height);
        let image = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, self.window, 0, 0, width, height, !0)
            .map_err(x11_error)?
            .reply()
            .map_err(x11_error)?;
        let pixels = image
            .data
            .chunks_exact(4)
            .map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0]))
            .collect();
        Ok(Capture {
            width: u32::from(width),
            height: u32::from(height),
            pixels,
        })
    }
}

impl Drop for ParentWindow {
    fn drop(&mut self) {
        let _ = self.conn.destroy_window(self.window);
        let _ = self.conn.sync();
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
