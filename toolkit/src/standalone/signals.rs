//! Ctrl+C and SIGTERM end the app: a thread waits for them and asks the editor session to close.
//!
//! Registered after nice-plug installed its own Ctrl+C handler (which only sets a flag that the
//! headless editor never reads): signal-hook chains to that handler, so both run.

use std::thread::JoinHandle;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

/// Watches for SIGINT and SIGTERM until dropped.
pub struct SignalWatcher {
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl SignalWatcher {
    /// Calls `on_signal` (on a thread of its own) each time SIGINT or SIGTERM arrives.
    pub fn start(on_signal: impl Fn(i32) + Send + 'static) -> std::io::Result<Self> {
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        let handle = signals.handle();
        let thread = std::thread::Builder::new()
            .name("app-signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    on_signal(signal);
                }
            })?;
        Ok(Self {
            handle,
            thread: Some(thread),
        })
    }
}

impl Drop for SignalWatcher {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(thread) = self.thread.take()
            && thread.thread().id() != std::thread::current().id()
        {
            let _ = thread.join();
        }
    }
}
