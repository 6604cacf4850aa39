//! The editor handle of one open editor session: the bridge, the standalone app's transports
//! and, once the host gives a parent window (VST3 at spawn, CLAP through `set_parent`),
//! the Linux editor helper embedded in it. The standalone gives no parent: with
//! `set_standalone_window` on, the helper shows a top-level window and `run_until_closed`
//! also ends when that window closes; otherwise (`--dev-server`) the editor draws nothing and
//! `run_until_closed` waits for Ctrl+C or a hook.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use bridge::Bridge;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::{EditorHandle, ParentWindowHandle, SpawnedEditor};

use ui_assets::Assets;
use ui_assets::helper_pipe::Window;

use super::sessions::{self, SessionGuard};
use super::{EditorError, HostAccess, SharedSize};
use crate::instance::BridgeLease;

/// What the helper shows: the plugin's window and UI.
#[derive(Clone)]
pub(crate) struct Page {
    pub window: Window,
    pub assets: Assets,
}

/// Lets `run_until_closed` wait until the session is asked to close.
#[derive(Default)]
pub(super) struct CloseSignal {
    closed: Mutex<bool>,
    changed: Condvar,
}

impl CloseSignal {
    pub fn close(&self) {
        *self.closed.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.changed.notify_all();
    }

    /// Waits until the session is closed.
    fn wait(&self) {
        let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
        while !*closed {
            closed = self.changed.wait(closed).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// The editor's "window" as nice-plug holds it: what `run_until_closed` waits on. The visible
/// window, when there is one, belongs to the helper process.
pub struct EditorWindow {
    close: Arc<CloseSignal>,
    bridge: Bridge,
}

/// The open editor of one instance: owns its bridge, the transports started for it and the
/// helper process showing the UI.
pub struct WebEditorHandle {
    bridge: Bridge,
    /// Keeps the bridge running while the editor is open (others may hold it longer).
    lease: Option<Arc<BridgeLease>>,
    close: Arc<CloseSignal>,
    sessions: Vec<SessionGuard>,
    page: Page,
    size: SharedSize,
    host: Option<HostAccess>,
    /// Set when the helper died on its own; the host hears of it on its main thread.
    helper_died: Arc<AtomicBool>,
    #[cfg(target_os = "linux")]
    helper: Mutex<Option<super::helper::Helper>>,
}

/// Opens a session on `bridge`: in `parent` when given, else in a top-level window of the
/// helper's own when `own_window` (the standalone app's), else headless. `standalone`: the app's
/// transports attach to it.
#[allow(clippy::too_many_arguments)]
pub(super) fn spawn(
    lease: Arc<BridgeLease>,
    parent: Option<ParentWindowHandle>,
    standalone: bool,
    own_window: bool,
    page: Page,
    size: SharedSize,
    host: Option<HostAccess>,
) -> Result<SpawnedEditor<WebEditorHandle>, EditorError> {
    let close = Arc::new(CloseSignal::default());
    let bridge = lease.bridge().clone();
    let sessions = sessions::open_session(&bridge, &close, standalone);
    let handle = WebEditorHandle {
        bridge,
        lease: Some(lease),
        close: close.clone(),
        sessions,
        page,
        size,
        host,
        helper_died: Arc::new(AtomicBool::new(false)),
        #[cfg(target_os = "linux")]
        helper: Mutex::new(None),
    };
    if let Some(parent) = parent {
        handle.embed(parent)?;
    } else if own_window {
        handle.open_window(&close);
    }
    let window = EditorWindow {
        close,
        bridge: handle.bridge.clone(),
    };
    Ok(SpawnedEditor { handle, window })
}

impl WebEditorHandle {
    /// The bridge of this editor session.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }

    /// Shows the UI in `parent`: starts the helper there (stopping one shown elsewhere).
    #[cfg(target_os = "linux")]
    fn embed(&self, parent: ParentWindowHandle) -> Result<(), EditorError> {
        let window = match parent {
            ParentWindowHandle::XlibWindow(window) => window,
            ParentWindowHandle::XcbWindow(window) => std::ffi::c_ulong::from(window.get()),
            _ => return Err(EditorError("the editor embeds in X11 windows only".into())),
        };
        if super::helper::disabled() {
            return Ok(());
        }
        let mut helper = self.helper.lock().unwrap_or_else(|p| p.into_inner());
        drop(helper.take());
        let died = self.helper_died.clone();
        let host = self.host.clone();
        let on_exit = Box::new(move || {
            nice_plug::nice_error!(
                "the editor helper exited; close and reopen the editor to restart it"
            );
            died.store(true, Ordering::SeqCst);
            if let Some(host) = &host {
                host.call_main_thread();
            }
        });
        *helper = Some(
            super::helper::Helper::start(&self.bridge, Some(window), &self.page, on_exit)
                .map_err(EditorError)?,
        );
        Ok(())
    }

    /// The standalone app's window: the helper as a top-level window; its end (the user closed
    /// it) closes the session. When it cannot start, the app runs headless with a warning.
    #[cfg(target_os = "linux")]
    fn open_window(&self, close: &Arc<CloseSignal>) {
        if let Err(error) = super::helper::locate_helper() {
            nice_plug::nice_warn!("no editor window ({error}): running headless");
            return;
        }
        let closer = close.clone();
        let on_exit = Box::new(move || closer.close());
        match super::helper::Helper::start(&self.bridge, None, &self.page, on_exit) {
            Ok(started) => {
                *self.helper.lock().unwrap_or_else(|p| p.into_inner()) = Some(started);
            }
            Err(error) => nice_plug::nice_warn!("no editor window ({error}): running headless"),
        }
    }

    /// No native editor window on this platform yet: headless.
    #[cfg(not(target_os = "linux"))]
    fn open_window(&self, _close: &Arc<CloseSignal>) {
        nice_plug::nice_warn!("no editor window on this platform: running headless");
    }

    /// No native editor on this platform yet: the bridge's other transports serve the UI.
    #[cfg(not(target_os = "linux"))]
    fn embed(&self, _parent: ParentWindowHandle) -> Result<(), EditorError> {
        Ok(())
    }
}

impl Drop for WebEditorHandle {
    fn drop(&mut self) {
        // Let go of the bridge first: when nothing else holds it, it shuts down and clients see it
        // close (their gestures end) before their transports stop. When the browser server still
        // holds it, the helper's client goes with the helper (its gestures end) and the rest stay.
        drop(self.lease.take());
        #[cfg(target_os = "linux")]
        drop(
            self.helper
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .take(),
        );
        self.sessions.clear();
        self.close.close();
    }
}

impl EditorHandle for WebEditorHandle {
    type Window = EditorWindow;
    type Error = EditorError;

    /// Blocks until a transport asks to close ([`super::EditorSession::request_close`]; the
    /// standalone's signal watcher does on SIGINT/SIGTERM) or until the standalone's window is closed.
    /// Only the standalone calls this; dropping the handle afterwards closes the window.
    fn run_until_closed(window: Self::Window) -> Result<(), Self::Error> {
        window.close.wait();
        // Ends the clients' open gestures while the wrapper still exists: nice-plug's standalone
        // drops the editor handle only once its wrapper is gone, too late to call the context.
        window.bridge.shutdown();
        Ok(())
    }

    /// Any size from the editor's minimum up to the bridge's largest side fits (the page lays
    /// itself out); other sizes are clamped into that range. Answers CLAP's `gui.adjust_size` and
    /// VST3's `checkSizeConstraint`.
    fn adjust_size(
        &self,
        new_size: NativeSize<u32>,
        _window: &EditorWindow,
    ) -> Option<NativeSize<u32>> {
        let clamp = |side: u32, min: u32| side.clamp(min, bridge::MAX_EDITOR_SIDE);
        Some(NativeSize::new(
            clamp(new_size.width, self.page.window.min_size.0),
            clamp(new_size.height, self.page.window.min_size.1),
        ))
    }

    /// CLAP's `gui.set_parent`: starts the helper in the host's window.
    fn set_parent(
        &self,
        parent: ParentWindowHandle,
        _window: &EditorWindow,
    ) -> Result<(), EditorError> {
        self.embed(parent)
    }

    /// The helper's window is a child of the host's: it is shown and hidden with it.
    fn show(&self, _window: &EditorWindow) -> Result<(), EditorError> {
        Ok(())
    }

    fn hide(&self, _window: &EditorWindow) -> Result<(), EditorError> {
        Ok(())
    }

    /// The host resized its window: the helper follows the window by itself; the size is kept
    /// for `Editor::size`.
    fn set_size(&self, size: NativeSize<u32>, _window: &EditorWindow) -> Result<(), EditorError> {
        self.size.set(size.width, size.height);
        Ok(())
    }

    fn host_main_thread_callback(&self, _window: &EditorWindow) {
        self.bridge.on_main_thread();
        if self.helper_died.swap(false, Ordering::SeqCst)
            && let Some(host) = &self.host
        {
            host.destroyed();
        }
    }

    fn state_changed(&self) {
        self.bridge.state_changed();
    }

    fn param_value_changed(&self, id: &str, _normalized_value: f32) {
        self.bridge.param_value_changed(id);
    }

    fn param_modulation_changed(&self, _id: &str, _modulation_offset: f32) {}
}
