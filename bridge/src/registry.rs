//! The client registry of one bridge: connected clients with their outboxes and meter
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
    /// Subscribed meter rate, 0 when not subscribed.
    meter_hz: f64,
    /// The time between two of its frames (from `meter_hz`, when subscribed).
    meter_period: Duration,
    meter_due: Instant,
}

pub(crate) struct Registry {
    seq: u64,
    next_id: u64,
    clients: Vec<ClientEntry>,
    /// The owner of each parameter's gesture, by parameter index.
    gestures: Vec<Option<ClientId>>,
    /// The normalized value last announced per parameter (`None`: never).
    announced: Vec<Option<f32>>,
}

impl Registry {
    pub fn new(params: usize) -> Self {
        Self {
            seq: 0,
            next_id: 1,
            clients: Vec::new(),
            gestures: vec![None; params],
            announced: vec![None; params],
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
            meter_hz: 0.0,
            meter_period: Duration::ZERO,
            meter_due: Instant::now(),
        });
        id
    }

    /// Removes a client; returns the parameters whose gestures it owned (now ownerless).
    pub fn remove(&mut self, id: ClientId) -> Vec<usize> {
        let owned = self.release(id);
        self.clients.retain(|c| c.id != id);
        owned
    }

    /// Voids what a client had under way, keeping it connected: its meter subscription stops;
    /// returns the parameters whose gestures it owned (now ownerless).
    pub fn release(&mut self, id: ClientId) -> Vec<usize> {
        if let Some(client) = self.clients.iter_mut().find(|c| c.id == id) {
            client.meter_hz = 0.0;
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

    /// Sets a client's meter rate: 0 stops, otherwise within the sampler's range (the dispatcher
    /// checked it; `sampler::period` clamps it anyway).
    pub fn set_meter_rate(&mut self, id: ClientId, hz: f64) {
        if let Some(client) = self.clients.iter_mut().find(|c| c.id == id) {
            client.meter_hz = hz;
            client.meter_period = crate::sampler::period(hz);
            client.meter_due = Instant::now();
        }
    }

    /// The highest subscribed meter rate, 0 when nobody subscribed.
    pub fn max_meter_hz(&self) -> f64 {
        self.clients.iter().map(|c| c.meter_hz).fold(0.0, f64::max)
    }

    /// Offers a frame read at `now` to every subscriber; it is sent to those whose next frame is
    /// due (all of them when `force`), and merged into the next frame for the others. `tick` is the
    /// sampler's period, so a subscriber at the sampler's own rate gets every frame. The frame is
    /// encoded once here for all of them.
    pub fn fan_out_meter(
        &mut self,
        frame: &Arc<MeterFrame>,
        now: Instant,
        tick: Duration,
        force: bool,
    ) {
        if self.clients.iter().all(|c| c.meter_hz <= 0.0) {
            return;
        }
        let text: Arc<str> = notification(&**frame).into();
        for client in &mut self.clients {
            if client.meter_hz <= 0.0 {
                continue;
            }
            let period = client.meter_period;
            let due = force || client.meter_due <= now + tick / 2;
            client.outbox.put_meter(frame, &text, due);
            if due {
                client.meter_due = if force { now } else { client.meter_due } + period;
                if client.meter_due + period < now {
                    client.meter_due = now + period;
                }
            }
        }
    }
}
