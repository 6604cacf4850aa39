//! The meter sampler: the one reader of an instance's meters and streams. A thread ticks at the
//! highest subscribed rate (between [`MIN_METER_HZ`] and [`MAX_METER_HZ`]); each tick reads the
//! meters and offers the frame to the subscribers whose next frame is due, and reads each stream
//! some subscriber's frame of is due, encoded once for them all (`streams.rs`); each client keeps
//! only the newest frame of each (see `outbox.rs`).
//! Every subscription change wakes the thread, so a new, faster subscriber never waits for a slow
//! one's tick; a panic in it is logged and the thread goes on (`supervise.rs`).

use std::sync::{Arc, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::bridge::{MeterSource, Shared};
use crate::protocol::{LoudnessReading, MeterFrame, StreamList};
use crate::streams::Streams;

/// The highest meter or stream rate a client can subscribe to (higher rates are capped to it).
pub const MAX_METER_HZ: f64 = 60.0;

/// The lowest meter or stream rate a client can subscribe to (other than 0, which stops its
/// frames).
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
    /// The tick rate: the highest subscribed rate of meters and streams.
    hz: f64,
    /// Whether anybody subscribed to the meters (else a tick reads none).
    meters: bool,
    stopped: bool,
    /// Counts subscription changes: a change wakes the thread out of its wait.
    generation: u64,
}

pub(crate) struct Sampler {
    source: Arc<dyn MeterSource>,
    streams: Streams,
    /// The newest frame; the lock also makes reads of `source` one at a time.
    latest: Mutex<MeterFrame>,
    control: Mutex<Control>,
    wake: Condvar,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Sampler {
    pub fn new(source: Arc<dyn MeterSource>) -> Self {
        Self {
            streams: Streams::new(&*source),
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
        let registry = shared.registry.lock();
        let (hz, meters) = (registry.max_hz(), registry.meters_subscribed());
        drop(registry);
        let mut control = self.control.lock();
        control.hz = hz;
        control.meters = meters;
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

    /// The streams (`getStreams`).
    pub fn stream_list(&self) -> &StreamList {
        self.streams.list()
    }

    /// The id of the stream named `name`.
    pub fn stream_id(&self, name: &str) -> Option<usize> {
        self.streams.id(name)
    }

    /// The number of streams.
    pub fn stream_count(&self) -> usize {
        self.streams.len()
    }

    /// The frame for `getMeterFrame`: the sampler's newest while it reads meters, else a fresh
    /// reading.
    pub fn frame(&self, started: Instant) -> MeterFrame {
        if self.control.lock().meters {
            self.latest.lock().clone()
        } else {
            self.read(started)
        }
    }

    /// Reads the meters once and offers the frame to the subscribers (see
    /// `Registry::fan_out_meter`; every one when `force`).
    pub fn sample(&self, shared: &Shared, tick: Duration, force: bool) {
        let frame = Arc::new(self.read(shared.started));
        shared
            .registry
            .lock()
            .fan_out_meter(&frame, Instant::now(), tick, force);
    }

    /// One tick: the meters if anybody subscribed, and each stream whose frame is due for a
    /// subscriber (read outside the registry's lock: a slow source delays no request).
    fn tick(&self, shared: &Shared, tick: Duration) {
        if self.control.lock().meters {
            self.sample(shared, tick, false);
        }
        for id in 0..self.streams.len() {
            let now = Instant::now();
            if !shared.registry.lock().stream_due(id, now, tick) {
                continue;
            }
            let bytes =
                self.streams
                    .read(&*self.source, id, shared.started.elapsed().as_secs_f64());
            shared.registry.lock().fan_out_stream(id, &bytes, now, tick);
        }
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
        sampler.tick(&shared, tick);
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
