//! The editor handle and a window that is not one: the bridge runs, nothing is drawn. Used by the
//! standalone's `--dev-server` (no display needed) and, until the webview editor exists, in hosts.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use bridge::Bridge;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::{EditorHandle, ParentWindowHandle, SpawnedEditor};

use super::hooks::{self, SessionGuard};

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

    /// Waits until the session is closed or `interrupted` is set.
    fn wait(&self, interrupted: &AtomicBool) {
        let mut closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
        while !*closed && !interrupted.load(Ordering::Relaxed) {
            closed = self
                .changed
                .wait_timeout(closed, Duration::from_millis(50))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// The "window" of a headless editor: only what `run_until_closed` waits on.
pub struct HeadlessWindow {
    close: Arc<CloseSignal>,
}

/// The open editor of one instance: owns its bridge and the transports started for it.
pub struct HeadlessHandle {
    bridge: Bridge,
    close: Arc<CloseSignal>,
    sessions: Vec<SessionGuard>,
}

pub(super) fn spawn(bridge: Bridge) -> SpawnedEditor<HeadlessHandle> {
    let close = Arc::new(CloseSignal::default());
    let sessions = hooks::open_session(&bridge, &close);
    SpawnedEditor {
        handle: HeadlessHandle {
            bridge,
            close: close.clone(),
            sessions,
        },
        window: HeadlessWindow { close },
    }
}

impl HeadlessHandle {
    /// The bridge of this editor session.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }
}

impl Drop for HeadlessHandle {
    fn drop(&mut self) {
        // Clients see the bridge close (their gestures end) before their transports stop.
        self.bridge.shutdown();
        self.sessions.clear();
        self.close.close();
    }
}

impl EditorHandle for HeadlessHandle {
    type Window = HeadlessWindow;
    type Error = Infallible;

    /// Blocks until SIGINT/SIGTERM (Ctrl+C) or until a session hook asks to close
    /// ([`super::EditorSession::request_close`]). Only the standalone calls this.
    fn run_until_closed(window: Self::Window) -> Result<(), Self::Error> {
        let interrupted = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Without the handler only a hook can end the wait; the process still runs.
            let _ = signal_hook::flag::register(signal, interrupted.clone());
        }
        window.close.wait(&interrupted);
        Ok(())
    }

    fn set_parent(
        &self,
        _parent: ParentWindowHandle,
        _window: &HeadlessWindow,
    ) -> Result<(), Infallible> {
        Ok(())
    }

    fn show(&self, _window: &HeadlessWindow) -> Result<(), Infallible> {
        Ok(())
    }

    fn hide(&self, _window: &HeadlessWindow) -> Result<(), Infallible> {
        Ok(())
    }

    fn set_size(&self, _size: NativeSize<u32>, _window: &HeadlessWindow) -> Result<(), Infallible> {
        Ok(())
    }

    fn host_main_thread_callback(&self, _window: &HeadlessWindow) {
        self.bridge.on_main_thread();
    }

    fn state_changed(&self) {
        self.bridge.state_changed();
    }

    fn param_value_changed(&self, id: &str, _normalized_value: f32) {
        self.bridge.param_value_changed(id);
    }

    fn param_modulation_changed(&self, _id: &str, _modulation_offset: f32) {}
}
