//! A client's outgoing messages: parameter notifications in order, one slot holding only the
//! newest meter frame and one per stream holding only its newest binary frame, so a slow client
//! never accumulates a backlog of frames. Frames a client did
//! not take are merged into the newest (peak: maximum, clip: any), so no peak or clip is lost.
//! A frame nobody merged into is sent as the text the sampler encoded once for every subscriber;
//! only a merged frame is encoded for its one client.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::jsonrpc::notification;
use crate::protocol::{ChannelMeter, MeterFrame, ParametersReset};

/// Called (on the bridge's thread) whenever a client has something new to send. It must be cheap
/// and must not call back into the bridge (e.g. wake a task or notify a condition variable).
pub type Waker = Box<dyn Fn() + Send + Sync>;

/// Queued notifications a client may have before the queue is replaced by one `parametersReset`.
pub const QUEUE_LIMIT: usize = 1024;

/// One message for a client: JSON-RPC text, or a binary stream frame (`stream_frame.rs`), each
/// encoded once and shared by every client it goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outgoing {
    /// A JSON-RPC message (a notification).
    Text(Arc<str>),
    /// A stream frame.
    Binary(Arc<[u8]>),
}

impl Outgoing {
    /// The text, if this is a JSON-RPC message.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Binary(_) => None,
        }
    }
}

/// What [`crate::Client::next_timeout`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// A message to send to the client.
    Message(Outgoing),
    /// Nothing arrived in time.
    Timeout,
    /// The bridge shut down: the transport should close the connection.
    Closed,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Arc<str>>,
    /// Set when the queue overflowed: the seq of the newest change dropped.
    lagged: Option<u64>,
    /// Frames since the last one taken, merged.
    meter: Option<Arc<MeterFrame>>,
    /// `meter`'s notification text when it is the sampler's frame unchanged (shared by every
    /// subscriber); `None` after a merge changed it.
    meter_text: Option<Arc<str>>,
    /// Whether the merged frame is due for sending (the client's rate allows it).
    meter_ready: bool,
    /// The newest frame of each stream not taken yet, by stream id.
    frames: Vec<Option<Arc<[u8]>>>,
    /// The stream whose frame is taken first next time (the streams take turns).
    next_stream: usize,
    closed: bool,
    /// Set for good the first time the queue overflowed.
    overflowed: bool,
}

/// One client's outgoing messages.
pub(crate) struct Outbox {
    state: Mutex<State>,
    ready: Condvar,
    waker: Option<Waker>,
}

impl Outbox {
    /// An outbox for a client of a bridge with `streams` streams.
    pub fn new(waker: Option<Waker>, streams: usize) -> Self {
        Self {
            state: Mutex::new(State {
                frames: vec![None; streams],
                ..State::default()
            }),
            ready: Condvar::new(),
            waker,
        }
    }

    /// Queues a notification carrying change number `seq`.
    pub fn push_event(&self, text: &Arc<str>, seq: u64) {
        {
            let mut state = self.state.lock();
            if state.closed {
                return;
            }
            if state.lagged.is_some() || state.queue.len() >= QUEUE_LIMIT {
                state.queue.clear();
                state.lagged = Some(seq);
                state.overflowed = true;
            } else {
                state.queue.push_back(text.clone());
            }
        }
        self.wake();
    }

    /// Merges `frame` (whose notification text is `text`) into the pending meter frame; `ready`
    /// makes it available for sending.
    pub fn put_meter(&self, frame: &Arc<MeterFrame>, text: &Arc<str>, ready: bool) {
        {
            let mut state = self.state.lock();
            if state.closed {
                return;
            }
            match &mut state.meter {
                Some(pending) if !covers(frame, pending) => {
                    merge(Arc::make_mut(pending), frame);
                    state.meter_text = None;
                }
                _ => {
                    state.meter = Some(frame.clone());
                    state.meter_text = Some(text.clone());
                }
            }
            state.meter_ready |= ready;
            if !ready {
                return;
            }
        }
        self.wake();
    }

    /// Replaces the pending frame of `stream` with `bytes` (the newest wins).
    pub fn put_frame(&self, stream: usize, bytes: &Arc<[u8]>) {
        {
            let mut state = self.state.lock();
            if state.closed {
                return;
            }
            let Some(slot) = state.frames.get_mut(stream) else {
                return;
            };
            *slot = Some(bytes.clone());
        }
        self.wake();
    }

    /// Marks the outbox closed: what is queued can still be taken, then [`Next::Closed`].
    pub fn close(&self) {
        self.state.lock().closed = true;
        self.wake();
    }

    pub fn try_next(&self) -> Option<Outgoing> {
        Self::take(&mut self.state.lock())
    }

    pub fn next_timeout(&self, timeout: Duration) -> Next {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock();
        loop {
            if let Some(message) = Self::take(&mut state) {
                return Next::Message(message);
            }
            if state.closed {
                return Next::Closed;
            }
            if self.ready.wait_until(&mut state, deadline).timed_out() {
                return Self::take(&mut state).map_or(Next::Timeout, Next::Message);
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    pub fn has_overflowed(&self) -> bool {
        self.state.lock().overflowed
    }

    /// The next message: parameter notifications first (in order), then the meter frame, then
    /// the streams' frames in turn.
    fn take(state: &mut State) -> Option<Outgoing> {
        if let Some(seq) = state.lagged.take() {
            return Some(Outgoing::Text(
                notification(&ParametersReset { seq }).into(),
            ));
        }
        if let Some(event) = state.queue.pop_front() {
            return Some(Outgoing::Text(event));
        }
        if state.meter_ready {
            state.meter_ready = false;
            if let Some(frame) = state.meter.take() {
                let text = state
                    .meter_text
                    .take()
                    .unwrap_or_else(|| notification(&*frame).into());
                return Some(Outgoing::Text(text));
            }
        }
        let streams = state.frames.len();
        for turn in 0..streams {
            let stream = (state.next_stream + turn) % streams;
            if let Some(bytes) = state.frames[stream].take() {
                state.next_stream = (stream + 1) % streams;
                return Some(Outgoing::Binary(bytes));
            }
        }
        None
    }

    fn wake(&self) {
        self.ready.notify_all();
        if let Some(waker) = &self.waker {
            waker();
        }
    }
}

/// Folds a newer frame into a pending one: newest time, RMS and correlation, largest peak, any
/// clip, for the output and the input alike.
fn merge(pending: &mut MeterFrame, newer: &MeterFrame) {
    merge_channels(&mut pending.channels, &newer.channels);
    merge_channels(&mut pending.input, &newer.input);
    pending.correlation = newer.correlation;
    pending.t = newer.t;
}

/// Whether merging `pending` into `newer` would leave `newer` as it is (no larger peak, no clip it
/// lacks): then the shared frame and its text stand for both, with no copy.
fn covers(newer: &MeterFrame, pending: &MeterFrame) -> bool {
    let side = |n: &[ChannelMeter], p: &[ChannelMeter]| {
        n.len() != p.len()
            || n.iter()
                .zip(p)
                .all(|(n, p)| n.peak >= p.peak && (n.clip || !p.clip))
    };
    side(&newer.channels, &pending.channels) && side(&newer.input, &pending.input)
}

fn merge_channels(pending: &mut Vec<ChannelMeter>, newer: &[ChannelMeter]) {
    if pending.len() != newer.len() {
        pending.clear();
        pending.extend_from_slice(newer);
    } else {
        for (p, n) in pending.iter_mut().zip(newer) {
            p.peak = p.peak.max(n.peak);
            p.rms = n.rms;
            p.clip |= n.clip;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(t: f64, peak: f32) -> Arc<MeterFrame> {
        let meter = ChannelMeter {
            peak,
            rms: peak / 2.0,
            clip: false,
        };
        Arc::new(MeterFrame {
            t,
            channels: vec![meter; 2],
            input: vec![meter; 2],
            correlation: Some(t as f32),
        })
    }

    fn text(message: Option<Outgoing>) -> Arc<str> {
        match message {
            Some(Outgoing::Text(text)) => text,
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn stream_frames_keep_the_newest_come_after_text_and_take_turns() {
        let outbox = Outbox::new(None, 2);
        let bytes = |b: u8| -> Arc<[u8]> { Arc::from(vec![b; 3]) };
        outbox.put_frame(0, &bytes(1));
        outbox.put_frame(0, &bytes(2));
        outbox.put_frame(1, &bytes(3));
        outbox.put_frame(7, &bytes(9));
        let event: Arc<str> = "{}".into();
        outbox.push_event(&event, 1);
        assert_eq!(outbox.try_next(), Some(Outgoing::Text(event)));
        assert_eq!(outbox.try_next(), Some(Outgoing::Binary(bytes(2))));
        outbox.put_frame(0, &bytes(4));
        // Stream 1 waited longest: its turn comes before stream 0's newer frame.
        assert_eq!(outbox.try_next(), Some(Outgoing::Binary(bytes(3))));
        assert_eq!(outbox.try_next(), Some(Outgoing::Binary(bytes(4))));
        assert_eq!(outbox.try_next(), None);
    }

    #[test]
    fn an_unmerged_frame_is_the_shared_text_and_a_merged_one_its_own() {
        let outbox = Outbox::new(None, 0);
        let first = frame(1.0, 0.5);
        let shared: Arc<str> = notification(&*first).into();
        outbox.put_meter(&first, &shared, true);
        assert!(Arc::ptr_eq(&text(outbox.try_next()), &shared));

        // A louder frame not taken, then a quieter one: the peak of the first is kept.
        let loud = frame(2.0, 0.9);
        outbox.put_meter(&loud, &notification(&*loud).into(), false);
        let quiet = frame(3.0, 0.1);
        let quiet_text: Arc<str> = notification(&*quiet).into();
        outbox.put_meter(&quiet, &quiet_text, true);
        let sent = text(outbox.try_next());
        assert!(!Arc::ptr_eq(&sent, &quiet_text));
        let value: serde_json::Value = serde_json::from_str(&sent).unwrap();
        let params = &value["params"];
        assert_eq!(params["t"], 3.0);
        assert_eq!(params["correlation"], 3.0);
        for side in ["channels", "input"] {
            assert_eq!(params[side][0]["peak"].as_f64().unwrap() as f32, 0.9);
            assert_eq!(params[side][0]["rms"].as_f64().unwrap() as f32, 0.05);
        }

        // A frame at least as loud as the one it replaces is still the shared text.
        outbox.put_meter(&quiet, &quiet_text, false);
        let louder = frame(4.0, 0.2);
        let louder_text: Arc<str> = notification(&*louder).into();
        outbox.put_meter(&louder, &louder_text, true);
        assert!(Arc::ptr_eq(&text(outbox.try_next()), &louder_text));
    }
}
