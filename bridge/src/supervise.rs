//! Bridge threads that cannot die silently. A panic in one (a bug, or a `MeterSource` that
//! panicked) would otherwise end it for good, and with it every client's meters or the host
//! automation they see, with no word anywhere. [`spawn`] logs the panic and runs the thread's loop
//! again after a pause that grows while it keeps panicking.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The pause before the first restart; doubled for each panic that follows within
/// [`STABLE_AFTER`], up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(10);
const MAX_PAUSE: Duration = Duration::from_secs(2);
/// A loop that ran this long before panicking counts as having recovered.
const STABLE_AFTER: Duration = Duration::from_secs(10);

/// Starts thread `name` running `body` until it returns; a panic in `body` is logged and `body`
/// runs again. `body` must return by itself once its work is over (e.g. its bridge is gone).
pub(crate) fn spawn<F>(name: &'static str, body: F) -> std::io::Result<JoinHandle<()>>
where
    F: Fn() + Send + 'static,
{
    thread::Builder::new()
        .name(name.into())
        .spawn(move || supervise(name, &body))
}

fn supervise(name: &str, body: &dyn Fn()) {
    let mut pause = FIRST_PAUSE;
    loop {
        let started = Instant::now();
        let Err(panic) = catch_unwind(AssertUnwindSafe(body)) else {
            return;
        };
        if started.elapsed() >= STABLE_AFTER {
            pause = FIRST_PAUSE;
        }
        nice_plug::nice_error!(
            "{name} panicked ({}); restarting it in {pause:?}",
            message(&*panic)
        );
        thread::sleep(pause);
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// The text of a panic's payload.
pub(crate) fn message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
