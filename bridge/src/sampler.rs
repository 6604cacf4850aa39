//! The meter sampler: the one reader of an instance's meters. A thread reads them at the highest
//! subscribed rate (between [`MIN_METER_HZ`] and [`MAX_METER_HZ`]) and offers each frame to the
//! subscribers whose next frame is due; each client keeps only the newest frame (see `outbox.rs`).
//! Every subscription change wakes the thread, so a new, faster subscriber never waits for a slow
//! one's tick; a panic in it is logged and the thread goes on (`supervise.rs`).

use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::bridge::{MeterSource, Shared};
use crate::protocol::{LoudnessReading, MeterFrame};

/// The highest meter rate a client can subscribe to (higher rates are capped to it).
pub const MAX_METER_HZ: f64 = 60.0;

/// The lowest meter rate a client can subscribe to (other than 0, which stops its frames).
pub const MIN_METER_HZ: f64 = 1.0;

/// The time between two frames at `hz`, a rate within [`MIN_METER_HZ`]..=[`MAX_METER_HZ`] (clamped
/// there, so no rate a client sent can make a zero, huge or invalid duration).
pub(crate) fn period(hz: f64) -> Duration {
    Duration::from_secs_f64(1.0 / hz.clamp(MIN_METER_HZ, MAX_METER_HZ))
}

/// How long the idle thread sleeps before checking whether its bridge is gone.
const IDLE_CHECK: Duration = Duration::from_millis(200);

#[derive(Default)]
struct Control {
    hz: f64,
    stopped: bool,
    /// Counts subscription changes: a change wakes the thread out of its wait.
    generation: u64,
}

pub(crate) struct Sampler {
    source: Arc<dyn MeterSource>,
    /// The newest frame; the lock also makes reads of `source` one at a time.
    latest: Mutex<MeterFrame>,
    control: Mutex<Control>,
    wake: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Sampler {
    pub fn new(source: Arc<dyn MeterSource>) -> Self {
        Self {
            source,
            latest: Mutex::new(MeterFrame::default()),
            control: Mutex::new(Control::default()),
            wake: Condvar::new(),
            thread: Mutex::new(None),
        }
    }

    /// Starts the sampling thread; it ends after [`Sampler::stop`] or once the bridge is gone.
    pub fn spawn_thread(shared: &Arc<Shared>) {
        let weak = Arc::downgrade(shared);
        let spawned = crate::supervise::spawn("webui-meter-sampler", move || run(&weak));
        // Without the thread, subscriptions get no frames; requests still work.
        *shared.sampler.thread.lock() = spawned.ok();
    }

    /// Re-reads the highest subscribed rate after a subscription changed.
    pub fn rate_changed(&self, shared: &Shared) {
        let hz = shared.registry.lock().max_meter_hz();
        let mut control = self.control.lock();
        control.hz = hz;
        control.generation += 1;
        drop(control);
        self.wake.notify_all();
    }

    /// Stops the sampling thread and waits for it to end. Call it with no bridge lock held.
    pub fn stop(&self) {
        self.control.lock().stopped = true;
        self.wake.notify_all();
        let thread = self.thread.lock().take();
        if let Some(thread) = thread
            && thread.thread().id() != thread::current().id()
        {
            let _ = thread.join();
        }
    }

    /// The plugin's loudness (`getLoudness`), if it measures any.
    pub fn loudness(&self) -> Option<LoudnessReading> {
        self.source.loudness()
    }

    /// Asks the plugin to restart its integrated loudness (`resetLoudness`); `false` without one.
    pub fn reset_loudness(&self) -> bool {
        self.source.reset_loudness()
    }

    /// The frame for `getMeterFrame`: the sampler's newest while it runs, else a fresh reading.
    pub fn frame(&self, started: Instant) -> MeterFrame {
        if self.control.lock().hz > 0.0 {
            self.latest.lock().clone()
        } else {
            self.read(started)
        }
    }

    /// Reads the meters once and offers the frame to the subscribers (see
    /// `Registry::fan_out_meter`).
    pub fn sample(&self, shared: &Shared, tick: Duration, force: bool) {
        let frame = Arc::new(self.read(shared.started));
        shared
            .registry
            .lock()
            .fan_out_meter(&frame, Instant::now(), tick, force);
    }

    fn read(&self, started: Instant) -> MeterFrame {
        let mut latest = self.latest.lock();
        self.source.read_into(&mut latest);
        latest.t = started.elapsed().as_secs_f64();
        latest.clone()
    }
}

/// Ticks a late sampler makes up for before it restarts its schedule from now.
const CATCH_UP: u32 = 4;

/// The sampling loop; returns when the sampler is stopped or the bridge is gone.
fn run(weak: &Weak<Shared>) {
    // Ticks are scheduled on a fixed grid (`due += tick`) so the rate does not drift below the
    // subscribed one by the time each wake-up takes, and a late wake-up is caught up; the grid
    // restarts after idling, a rate change, or falling more than `CATCH_UP` ticks behind.
    // `pending`: the tick length and when the next reading is due.
    let mut pending: Option<(Duration, Instant)> = None;
    loop {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let sampler = &shared.sampler;
        let (tick, generation) = {
            let mut control = sampler.control.lock();
            if control.stopped {
                return;
            }
            if control.hz <= 0.0 {
                pending = None;
                sampler.wake.wait_for(&mut control, IDLE_CHECK);
                continue;
            }
            (period(control.hz), control.generation)
        };
        let due = match pending {
            Some((same, due)) if same == tick => due,
            _ => Instant::now() + tick,
        };
        pending = Some((tick, due));
        {
            let mut control = sampler.control.lock();
            while !control.stopped && control.generation == generation && Instant::now() < due {
                if sampler.wake.wait_until(&mut control, due).timed_out() {
                    break;
                }
            }
            if control.stopped {
                return;
            }
            if control.generation != generation {
                // Re-read the rate: a faster subscriber starts at once, the same rate keeps its grid.
                continue;
            }
        }
        sampler.sample(&shared, tick, false);
        let next = due + tick;
        let now = Instant::now();
        pending = Some((
            tick,
            if next + tick * CATCH_UP > now {
                next
            } else {
                now + tick
            },
        ));
    }
}
