//! What else attaches to an editor session besides the helper's pipe.
//!
//! - The standalone app's transports (its WebSocket server and signal watcher): nice-plug's
//!   standalone wrapper creates the instance itself, so the app ([`crate::standalone`]) leaves
//!   them in one slot of this process ([`set_app`]) and each standalone session starts them on
//!   its lease of the bridge, as the browser server does in a host. Hosts never use the slot.
//! - Observers ([`on_open`]): tests and tools that want each session's bridge; they start no
//!   transport of the product.

use std::any::Any;
use std::sync::{Arc, Mutex, OnceLock};

use bridge::Bridge;

use super::handle::CloseSignal;

/// What a session's transports are kept alive by: dropped when the editor closes.
pub type SessionGuard = Box<dyn Any + Send>;

type Hook = Arc<dyn Fn(&EditorSession) -> SessionGuard + Send + Sync>;

static OBSERVERS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());
static APP: OnceLock<Hook> = OnceLock::new();

/// One open editor, as a transport sees it. It may keep a clone, e.g. to request the close later
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

/// Calls `observer` with every editor session opened from now on, in every instance of this
/// process (tests and tools; what it returns lives as long as the session).
pub fn on_open(observer: impl Fn(&EditorSession) -> SessionGuard + Send + Sync + 'static) {
    OBSERVERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(Arc::new(observer));
}

/// The standalone app's transports, started for each of its sessions (once per process).
#[cfg_attr(not(feature = "standalone"), allow(dead_code))]
pub(crate) fn set_app(start: impl Fn(&EditorSession) -> SessionGuard + Send + Sync + 'static) {
    let _ = APP.set(Arc::new(start));
}

/// Starts what attaches to a new session: the app's transports when `standalone`, then the
/// observers.
pub(super) fn open_session(
    bridge: &Bridge,
    close: &Arc<CloseSignal>,
    standalone: bool,
) -> Vec<SessionGuard> {
    let session = EditorSession {
        bridge: bridge.clone(),
        close: close.clone(),
    };
    let mut hooks: Vec<Hook> = APP
        .get()
        .filter(|_| standalone)
        .cloned()
        .into_iter()
        .collect();
    hooks.extend(
        OBSERVERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned(),
    );
    hooks.iter().map(|hook| hook(&session)).collect()
}
