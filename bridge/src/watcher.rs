//! The parameter watcher: for a bridge whose host reports no changes (nice-plug tells only an open
//! editor of host automation), it reads the parameters at [`WATCH_HZ`] while clients are connected
//! and announces each value that differs from the one announced last (`Shared::announce`), so a
//! change reported both ways is still announced once.

use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::bridge::Shared;

/// How often the watcher reads the parameters while clients are connected.
pub const WATCH_HZ: f64 = 60.0;

/// How long the watcher waits between looks while nobody is connected.
const IDLE: Duration = Duration::from_millis(200);

/// The watcher thread of one bridge, if started.
#[derive(Default)]
pub(crate) struct Watcher {
    stopped: Mutex<bool>,
    wake: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Watcher {
    /// Starts the watcher thread of `shared` (once); it ends at [`Watcher::stop`] or once the
    /// bridge is gone.
    pub fn start(shared: &Arc<Shared>) {
        let mut thread = shared.watcher.thread.lock();
        if thread.is_some() || *shared.watcher.stopped.lock() {
            return;
        }
        let weak = Arc::downgrade(shared);
        // Without the thread, host automation reaches clients only while the editor is open.
        *thread = crate::supervise::spawn("webui-param-watcher", move || run(&weak)).ok();
    }

    /// Stops the thread and waits for it to end. Call it with no bridge lock held.
    pub fn stop(&self) {
        *self.stopped.lock() = true;
        self.wake.notify_all();
        let thread = self.thread.lock().take();
        if let Some(thread) = thread
            && thread.thread().id() != thread::current().id()
        {
            let _ = thread.join();
        }
    }

    /// Waits `pause`, or less when stopped; returns whether to go on.
    fn wait(&self, pause: Duration) -> bool {
        let mut stopped = self.stopped.lock();
        if !*stopped {
            self.wake.wait_for(&mut stopped, pause);
        }
        !*stopped
    }
}

fn run(weak: &Weak<Shared>) {
    let tick = Duration::from_secs_f64(1.0 / WATCH_HZ);
    loop {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let pause = if shared.registry.lock().len() == 0 {
            IDLE
        } else {
            for index in 0..shared.params.len() {
                let current = shared.params.value(index).normalized;
                if shared.registry.lock().announced(index) != Some(current) {
                    shared.announce(index);
                }
            }
            tick
        };
        if !shared.watcher.wait(pause) {
            return;
        }
    }
}
