//! The client registry of one bridge: connected clients with their outboxes, meter and stream
//! subscriptions, gesture ownership per parameter, and the change counter (`seq`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::jsonrpc::notification;
use crate::outbox::Outbox;
use crate::protocol::{MeterFrame, Transport};

/// Identifies a client within its bridge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientId(u64);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client {}", self.0)
    }
}

/// One connected client.
pub(crate) struct ClientEntry {
    pub id: ClientId,
    pub outbox: Arc<Outbox>,
    pub transport: Transport,
    pub editor_page: bool,
    meters: Rate,
    /// One per stream of the bridge, by stream id.
    streams: Vec<Rate>,
}

/// A subscription's rate and schedule.
#[derive(Clone, Copy, Debug)]
struct Rate {
    /// Frames per second, 0 when not subscribed.
    hz: f64,
    /// The time between two frames (from `hz`, when subscribed).
    period: Duration,
    /// When the next frame is due.
    due: Instant,
}

impl Rate {
    fn off() -> Self {
        Self {
            hz: 0.0,
            period: Duration::ZERO,
            due: Instant::now(),
        }
    }

    /// 0 stops, otherwise within the sampler's range (the dispatcher checked it;
    /// `sampler::period` clamps it anyway). The first frame is due at once.
    fn set(&mut self, hz: f64) {
        *self = Self {
            hz,
            period: crate::sampler::period(hz),
            due: Instant::now(),
        };
    }

    fn on(&self) -> bool {
        self.hz > 0.0
    }

    /// Whether a frame read at `now` is due, for a sampler ticking every `tick` (so a
    /// subscriber at the sampler's own rate gets every frame).
    fn is_due(&self, now: Instant, tick: Duration) -> bool {
        self.on() && self.due <= now + tick / 2
    }

    /// Takes the frame read at `now` if it is due (any frame when `force`): the next is due a
    /// period later, on the subscriber's own grid unless that fell behind.
    fn take(&mut self, now: Instant, tick: Duration, force: bool) -> bool {
        if !(self.on() && (force || self.is_due(now, tick))) {
            return false;
        }
        self.due = if force { now } else { self.due } + self.period;
        if self.due + self.period < now {
            self.due = now + self.period;
        }
        true
    }
}

pub(crate) struct Registry {
    seq: u64,
    next_id: u64,
    clients: Vec<ClientEntry>,
    /// The owner of each parameter's gesture, by parameter index.
    gestures: Vec<Option<ClientId>>,
    /// The normalized value last announced per parameter (`None`: never).
    announced: Vec<Option<f32>>,
    /// The number of streams the bridge offers.
    streams: usize,
}

impl Registry {
    pub fn new(params: usize, streams: usize) -> Self {
        Self {
            seq: 0,
            next_id: 1,
            clients: Vec::new(),
            gestures: vec![None; params],
            announced: vec![None; params],
            streams,
        }
    }

    pub fn add(
        &mut self,
        outbox: Arc<Outbox>,
        transport: Transport,
        editor_page: bool,
    ) -> ClientId {
        let id = ClientId(self.next_id);
        self.next_id += 1;
        self.clients.push(ClientEntry {
            id,
            outbox,
            transport,
            editor_page,
            meters: Rate::off(),
            streams: vec![Rate::off(); self.streams],
        });
        id
    }

    /// Removes a client; returns the parameters whose gestures it owned (now ownerless).
    pub fn remove(&mut self, id: ClientId) -> Vec<usize> {
        let owned = self.release(id);
        self.clients.retain(|c| c.id != id);
        owned
    }

    /// Voids what a client had under way, keeping it connected: its meter and stream
    /// subscriptions stop; returns the parameters whose gestures it owned (now ownerless).
    pub fn release(&mut self, id: ClientId) -> Vec<usize> {
        if let Some(client) = self.clients.iter_mut().find(|c| c.id == id) {
            client.meters = Rate::off();
            client.streams.fill(Rate::off());
        }
        let mut owned = Vec::new();
        for (index, owner) in self.gestures.iter_mut().enumerate() {
            if *owner == Some(id) {
                *owner = None;
                owned.push(index);
            }
        }
        owned
    }

    /// Closes and removes every client; returns every parameter that had a gesture.
    pub fn close_all(&mut self) -> Vec<usize> {
        for client in self.clients.drain(..) {
            client.outbox.close();
        }
        let mut owned = Vec::new();
        for (index, owner) in self.gestures.iter_mut().enumerate() {
            if owner.take().is_some() {
                owned.push(index);
            }
        }
        owned
    }

    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn client(&self, id: ClientId) -> Option<&ClientEntry> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Counts one change and returns its number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Queues a notification for every client.
    pub fn broadcast(&self, text: &Arc<str>, seq: u64) {
        for client in &self.clients {
            client.outbox.push_event(text, seq);
        }
    }

    /// Records `normalized` as parameter `index`'s announced value; returns whether it differs
    /// from the one announced before (i.e. whether to announce it).
    pub fn set_announced(&mut self, index: usize, normalized: f32) -> bool {
        let previous = self.announced[index].replace(normalized);
        previous != Some(normalized)
    }

    /// The value last announced for parameter `index`.
    pub fn announced(&self, index: usize) -> Option<f32> {
        self.announced[index]
    }

    pub fn gesture_owner(&self, index: usize) -> Option<ClientId> {
        self.gestures[index]
    }

    pub fn set_gesture_owner(&mut self, index: usize, owner: Option<ClientId>) {
        self.gestures[index] = owner;
    }

    /// Sets a client's meter rate (see `Rate::set`).
    pub fn set_meter_rate(&mut self, id: ClientId, hz: f64) {
        if let Some(client) = self.clients.iter_mut().find(|c| c.id == id) {
            client.meters.set(hz);
        }
    }

    /// Sets a client's rate for stream `stream` (an id below the bridge's stream count).
    pub fn set_stream_rate(&mut self, id: ClientId, stream: usize, hz: f64) {
        if let Some(rate) = self
            .clients
            .iter_mut()
            .find(|c| c.id == id)
            .and_then(|c| c.streams.get_mut(stream))
        {
            rate.set(hz);
        }
    }

    /// Whether anybody subscribed to the meters.
    pub fn meters_subscribed(&self) -> bool {
        self.clients.iter().any(|c| c.meters.on())
    }

    /// The highest subscribed rate, of meters and streams alike: the sampler's; 0 when nobody
    /// subscribed to anything.
    pub fn max_hz(&self) -> f64 {
        self.clients
            .iter()
            .flat_map(|c| std::iter::once(&c.meters).chain(&c.streams))
            .map(|r| r.hz)
            .fold(0.0, f64::max)
    }

    /// Offers a frame read at `now` to every meter subscriber; it is sent to those whose next
    /// frame is due (all of them when `force`), and merged into the next frame for the others
    /// (see `Rate::take`). The frame is encoded once here for all of them.
    pub fn fan_out_meter(
        &mut self,
        frame: &Arc<MeterFrame>,
        now: Instant,
        tick: Duration,
        force: bool,
    ) {
        if !self.meters_subscribed() {
            return;
        }
        let text: Arc<str> = notification(&**frame).into();
        for client in &mut self.clients {
            if client.meters.on() {
                let due = client.meters.take(now, tick, force);
                client.outbox.put_meter(frame, &text, due);
            }
        }
    }

    /// Whether a frame of `stream` read at `now` is due for any subscriber: only then does the
    /// sampler read the stream.
    pub fn stream_due(&self, stream: usize, now: Instant, tick: Duration) -> bool {
        self.clients
            .iter()
            .any(|c| c.streams.get(stream).is_some_and(|r| r.is_due(now, tick)))
    }

    /// Hands an encoded frame of `stream` (read at `now`) to the subscribers whose next frame is
    /// due; the others get the one read when theirs is. Each client keeps only the newest.
    pub fn fan_out_stream(
        &mut self,
        stream: usize,
        bytes: &Arc<[u8]>,
        now: Instant,
        tick: Duration,
    ) {
        for client in &mut self.clients {
            if client
                .streams
                .get_mut(stream)
                .is_some_and(|r| r.take(now, tick, false))
            {
                client.outbox.put_frame(stream, bytes);
            }
        }
    }
}
