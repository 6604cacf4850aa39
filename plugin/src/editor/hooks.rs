//! Session hooks: functions registered once per process (by the standalone, a transport, a test)
//! that the editor calls with each new bridge, e.g. to start a WebSocket server for it. What a hook
//! returns lives as long as the editor session.

use std::any::Any;
use std::sync::{Arc, Mutex};

use bridge::Bridge;

use super::handle::CloseSignal;

/// What a hook returns: kept alive until the editor closes, then dropped.
pub type SessionGuard = Box<dyn Any + Send>;

type Hook = Arc<dyn Fn(&EditorSession) -> SessionGuard + Send + Sync>;

static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

/// One open editor, as a hook sees it. A hook may keep a clone, e.g. to request the close later
/// from another thread.
#[derive(Clone)]
pub struct EditorSession {
    bridge: Bridge,
    close: Arc<CloseSignal>,
}

impl EditorSession {
    /// The bridge to connect clients to.
    pub fn bridge(&self) -> &Bridge {
        &self.bridge
    }

    /// Ends `run_until_closed` (the standalone's headless mode, e.g. on Ctrl+C).
    pub fn request_close(&self) {
        self.close.close();
    }
}

/// Registers `hook` for every editor opened from now on, in every instance of this process.
pub fn on_open(hook: impl Fn(&EditorSession) -> SessionGuard + Send + Sync + 'static) {
    HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(Arc::new(hook));
}

pub(super) fn open_session(bridge: &Bridge, close: &Arc<CloseSignal>) -> Vec<SessionGuard> {
    let hooks: Vec<Hook> = HOOKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let session = EditorSession {
        bridge: bridge.clone(),
        close: close.clone(),
    };
    hooks.iter().map(|hook| hook(&session)).collect()
}
