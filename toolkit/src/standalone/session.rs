//! What the app attaches to each editor session: the WebSocket server for its bridge and the
//! signal watcher that closes it.

use std::sync::Mutex;

use crate::editor::{EditorSession, SessionGuard};
use bridge_ws::{Listener, ServerConfig};

use super::signals::SignalWatcher;

/// Starts what a session needs. The first session serves on the port bound at startup (so a
/// taken port was reported before audio started); later ones bind again.
pub struct SessionStarter {
    bound: Mutex<Option<Listener>>,
    config: ServerConfig,
}

impl SessionStarter {
    /// A starter serving on `listener`, bound with `config`.
    pub fn new(listener: Listener, config: ServerConfig) -> Self {
        Self {
            bound: Mutex::new(Some(listener)),
            config,
        }
    }

    /// The `on_open` hook: keeps the server and the signal watcher for the session's lifetime.
    pub fn open(&self, session: &EditorSession) -> SessionGuard {
        let closer = session.clone();
        let signals = SignalWatcher::start(move |signal| {
            nice_plug::nice_log!("signal {signal}: closing");
            closer.request_close();
        })
        .map_err(|err| nice_plug::nice_error!("cannot watch for Ctrl+C / SIGTERM: {err}"))
        .ok();

        let listener = self
            .bound
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .map_or_else(|| Listener::bind(self.config.clone()), Ok);
        let server = listener.and_then(|listener| listener.serve(session.bridge().clone()));
        let server = match server {
            Ok(server) => Some(server),
            Err(err) => {
                nice_plug::nice_error!("WebSocket server: {err}");
                None
            }
        };
        // Dropped in this order when the session ends: the server, then the watcher.
        Box::new((server, signals))
    }
}
