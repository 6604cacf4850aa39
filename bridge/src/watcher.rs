//! The parameter watcher: for a bridge whose host reports no changes (nice-plug tells only an open
//! editor of host automation), it reads the parameters at [`WATCH_HZ`] while clients are connected
//! and announces each value that differs from the one announced last (`Shared::announce`), so a
//! change reported both ways is still announced once.

use std::sync::{Arc, Weak};
use std::thread;
use std::time::Duration;

use crate::bridge::Shared;

/// How often the watcher reads the parameters while clients are connected.
pub const WATCH_HZ: f64 = 60.0;

/// How long the watcher sleeps while nobody is connected.
const IDLE: Duration = Duration::from_millis(200);

/// Starts the watcher thread of `shared`; it ends once the bridge has shut down or is gone.
pub(crate) fn spawn(shared: &Arc<Shared>) {
    let weak = Arc::downgrade(shared);
    let spawned = thread::Builder::new()
        .name("webstrip-param-watcher".into())
        .spawn(move || run(&weak));
    // Without the thread, host automation reaches clients only while the editor is open.
    drop(spawned);
}

fn run(weak: &Weak<Shared>) {
    let tick = Duration::from_secs_f64(1.0 / WATCH_HZ);
    loop {
        let pause = {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            if !shared.gui.lock().is_open() {
                return;
            }
            if shared.registry.lock().len() == 0 {
                IDLE
            } else {
                for index in 0..shared.params.len() {
                    let current = shared.params.value(index).normalized;
                    if shared.registry.lock().announced(index) != Some(current) {
                        shared.announce(index);
                    }
                }
                tick
            }
        };
        thread::sleep(pause);
    }
}
