//! The plugin's streams: what it declares ([`StreamSpec`]) and what the sampler keeps per stream
//! to read and encode its frames (the reused reading, the frame counter, the encoding buffer).
//! A stream is read only when a subscriber's frame is due, once for all of them, and encoded once
//! into the bytes every due subscriber's outbox shares.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::bridge::MeterSource;
use crate::protocol::{StreamInfo, StreamList};
use crate::stream_frame::{MAX_VALUES, StreamFrame};

/// The most streams a bridge offers (more declared are left out, with a warning).
pub const MAX_STREAMS: usize = 16;

/// A stream as the plugin declares it ([`MeterSource::streams`]); its id is its index there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSpec {
    /// The name clients subscribe with (`subscribeStream`).
    pub name: &'static str,
    /// What the values are, in order (`getStreams` reports it; e.g. the docs' layout line).
    pub layout: &'static str,
    /// The most values one reading holds (at most [`MAX_VALUES`]; more are cut).
    pub max_values: usize,
}

struct Slot {
    spec: StreamSpec,
    /// The reading (the frame's values keep their capacity between readings) and its number.
    frame: StreamFrame,
    bytes: Vec<u8>,
}

/// The streams of one bridge, as its sampler reads them.
pub(crate) struct Streams {
    slots: Vec<Mutex<Slot>>,
    list: StreamList,
}

impl Streams {
    pub fn new(source: &dyn MeterSource) -> Self {
        let mut specs = source.streams();
        if specs.len() > MAX_STREAMS {
            nice_plug::nice_warn!(
                "the plugin declares {} streams; only the first {MAX_STREAMS} are offered",
                specs.len()
            );
            specs.truncate(MAX_STREAMS);
        }
        let list = StreamList {
            streams: specs
                .iter()
                .enumerate()
                .map(|(id, spec)| StreamInfo {
                    id: id as u16,
                    name: spec.name.to_owned(),
                    layout: spec.layout.to_owned(),
                    max_values: spec.max_values.min(MAX_VALUES) as u32,
                })
                .collect(),
        };
        let slots = specs
            .into_iter()
            .enumerate()
            .map(|(id, spec)| {
                let max = spec.max_values.min(MAX_VALUES);
                Mutex::new(Slot {
                    spec,
                    frame: StreamFrame {
                        stream: id as u16,
                        values: Vec::with_capacity(max),
                        ..StreamFrame::default()
                    },
                    bytes: Vec::new(),
                })
            })
            .collect();
        Self { slots, list }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// `getStreams`.
    pub fn list(&self) -> &StreamList {
        &self.list
    }

    /// The id of the stream named `name`.
    pub fn id(&self, name: &str) -> Option<usize> {
        self.list.streams.iter().position(|s| s.name == name)
    }

    /// Reads stream `id` from `source` (at time `t`) and encodes the frame.
    pub fn read(&self, source: &dyn MeterSource, id: usize, t: f64) -> Arc<[u8]> {
        let mut slot = self.slots[id].lock();
        let Slot { spec, frame, bytes } = &mut *slot;
        source.read_stream(id as u16, &mut frame.values);
        frame.values.truncate(spec.max_values.min(MAX_VALUES));
        frame.seq = frame.seq.wrapping_add(1);
        frame.t = t;
        frame.encode_into(bytes);
        Arc::from(&bytes[..])
    }
}
