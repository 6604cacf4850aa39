//! Follows the host's parent window on an X connection of our own: any client may select another
//! client's window's structure events, so the helper learns of resizes (ConfigureNotify) and of
//! the window's end (DestroyNotify) — also when the host process is killed and the X server
//! destroys its windows.

use std::thread;

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt, EventMask, Window};

/// What happened to the parent window.
#[derive(Debug)]
pub enum ParentEvent {
    /// The parent's new size (physical pixels).
    Resized(u32, u32),
    /// The parent window was destroyed (or the X connection broke).
    Gone,
}

/// Starts watching `parent`; `send` receives its events on the watcher's thread. Returns the
/// parent's current size, or an error when the window does not exist.
pub fn watch(
    parent: Window,
    send: impl Fn(ParentEvent) + Send + 'static,
) -> Result<(u32, u32), String> {
    let (conn, _) = x11rb::connect(None).map_err(|e| format!("X11 connection: {e}"))?;
    let subscribe = ChangeWindowAttributesAux::new().event_mask(EventMask::STRUCTURE_NOTIFY);
    conn.change_window_attributes(parent, &subscribe)
        .map_err(|e| e.to_string())
        .and_then(|cookie| cookie.check().map_err(|e| e.to_string()))
        .map_err(|e| format!("parent window {parent:#x}: {e}"))?;
    let geometry = conn
        .get_geometry(parent)
        .map_err(|e| e.to_string())
        .and_then(|cookie| cookie.reply().map_err(|e| e.to_string()))
        .map_err(|e| format!("parent window {parent:#x}: {e}"))?;
    let mut size = (u32::from(geometry.width), u32::from(geometry.height));
    let initial = size;
    thread::Builder::new()
        .name("parent-watch".into())
        .spawn(move || {
            loop {
                match conn.wait_for_event() {
                    Ok(Event::ConfigureNotify(e)) if e.window == parent => {
                        let new = (u32::from(e.width), u32::from(e.height));
                        if new != size {
                            size = new;
                            send(ParentEvent::Resized(new.0, new.1));
                        }
                    }
                    Ok(Event::DestroyNotify(e)) if e.window == parent => break,
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            send(ParentEvent::Gone);
        })
        .map_err(|e| format!("watcher thread: {e}"))?;
    Ok(initial)
}
