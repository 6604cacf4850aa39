//! A test host's own X11 window on `$DISPLAY`, for an editor to embed into, and what the screen
//! shows in it. The window is on the test's own X connection, so the editor sees a parent that
//! belongs to another client, as in a real host.

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ConfigureWindowAux, ConnectionExt, CreateWindowAux, EventMask, ImageFormat, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

fn x11_error(error: impl std::fmt::Display) -> String {
    format!("X11: {error}")
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

    /// The share of black pixels (a test host window's own background: the editor's page is not
    /// black) in the rightmost `columns` columns.
    pub fn black_at_right(&self, columns: u32) -> f64 {
        let columns = self.width.saturating_sub(columns)..self.width;
        let pixels: Vec<u32> = (0..self.height)
            .flat_map(|y| columns.clone().map(move |x| (x, y)))
            .map(|(x, y)| self.pixels[(y * self.width + x) as usize])
            .collect();
        pixels.iter().filter(|&&p| p == 0).count() as f64 / pixels.len().max(1) as f64
    }
}

impl ParentWindow {
    /// Connects to `$DISPLAY` and maps a `width × height` window at (`x`, `y`).
    pub fn new(x: i16, y: i16, width: u16, height: u16) -> Result<Self, String> {
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

    /// Resizes the window, as a host does before telling the editor its new size.
    pub fn resize(&self, width: u32, height: u32) -> Result<(), String> {
        let aux = ConfigureWindowAux::new().width(width).height(height);
        self.conn
            .configure_window(self.window, &aux)
            .map_err(x11_error)?;
        self.conn.sync().map_err(x11_error)
    }

    /// The window's top-left corner on the screen.
    pub fn screen_position(&self) -> Result<(i32, i32), String> {
        let reply = self
            .conn
            .translate_coordinates(self.window, self.root, 0, 0)
            .map_err(x11_error)?
            .reply()
            .map_err(x11_error)?;
        Ok((i32::from(reply.dst_x), i32::from(reply.dst_y)))
    }

    /// The windows embedded in this one (e.g. the editor's).
    pub fn children(&self) -> Result<Vec<u32>, String> {
        Ok(self
            .conn
            .query_tree(self.window)
            .map_err(x11_error)?
            .reply()
            .map_err(x11_error)?
            .children)
    }

    /// The window's contents (including the editor embedded in it) as shown on the screen. Reads
    /// (and drops) the events the server sent first, as a host's loop would.
    pub fn capture(&self) -> Result<Capture, String> {
        while let Ok(Some(_)) = self.conn.poll_for_event() {}
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
