//! The instance's meters, loudness and scope as the bridge's meter source: `meterFrame`,
//! `getLoudness`, and the streams `scope` and `loudness`.

use std::sync::{Arc, Mutex, PoisonError};

use webui_toolkit::scope::ScopeReader;
use webui_toolkit::{ChannelMeter, LoudnessReading, MeterFrame, MeterSource, StreamSpec};

use crate::loudness::SharedLoudness;
use crate::meters::{ChannelReading, Meters};

/// The scope points a frame holds at most: at 60 Hz and 48 kHz a frame covers 800 samples, so
/// every second one is drawn.
pub const SCOPE_POINTS: usize = 512;

/// The id of the `scope` stream: `[correlation, mid₀, side₀, mid₁, side₁, …]`.
pub const SCOPE: u16 = 0;
/// The id of the `loudness` stream: `[M, S, I, LRA, TP max, TP per channel…]`.
pub const LOUDNESS: u16 = 1;

/// The streams, by id.
const STREAMS: [StreamSpec; 2] = [
    StreamSpec {
        name: "scope",
        layout: "correlation (-1…+1 over the frame's samples), then up to 512 (mid, side) pairs \
                 evenly spread over the samples since the last frame: mid = (L+R)/2, side = (L-R)/2",
        max_values: 1 + 2 * SCOPE_POINTS,
    },
    StreamSpec {
        name: "loudness",
        layout: "momentary, short-term, integrated (LUFS), range (LU), true peak max, then true \
                 peak per channel (dBTP); -inf: silence or below the gates, NaN: no value yet",
        max_values: 5 + crate::dsp::loudness::CHANNELS,
    },
];

/// Reads [`Meters`] for the bridge's sampler (the instance's one reader), [`SharedLoudness`]
/// for `getLoudness` and the `loudness` stream, and the scope's ring for the `scope` stream.
pub struct MeterReader {
    meters: Arc<Meters>,
    loudness: Arc<SharedLoudness>,
    /// Only the sampler reads it (the lock is never contended); with the points it reuses.
    scope: Mutex<(ScopeReader, Vec<f32>)>,
}

impl MeterReader {
    /// A reader of `meters`, `loudness` and the scope's ring.
    pub fn new(meters: Arc<Meters>, loudness: Arc<SharedLoudness>, scope: ScopeReader) -> Self {
        Self {
            meters,
            loudness,
            scope: Mutex::new((scope, Vec::with_capacity(2 * SCOPE_POINTS))),
        }
    }
}

/// A finite value, else `None` (JSON has no −∞ or NaN: `null` stands for both).
fn finite(value: f32) -> Option<f32> {
    value.is_finite().then_some(value)
}

impl MeterSource for MeterReader {
    fn read_into(&self, frame: &mut MeterFrame) {
        let (readings, active) = self.meters.read();
        fill(&mut frame.channels, &readings[..active]);
        let (readings, active) = self.meters.read_input();
        fill(&mut frame.input, &readings[..active]);
        frame.correlation = self.meters.correlation();
    }

    fn loudness(&self) -> Option<LoudnessReading> {
        let reading = self.loudness.snapshot();
        // A channel that is not there reads NaN: only the active ones are listed.
        let true_peak = reading
            .true_peak
            .iter()
            .filter(|v| !v.is_nan())
            .map(|&v| finite(v))
            .collect();
        Some(LoudnessReading {
            momentary: finite(reading.momentary),
            short_term: finite(reading.short_term),
            integrated: finite(reading.integrated),
            range: finite(reading.range),
            true_peak,
            true_peak_max: finite(reading.true_peak_max),
        })
    }

    fn reset_loudness(&self) -> bool {
        self.loudness.request_reset();
        true
    }

    fn streams(&self) -> Vec<StreamSpec> {
        STREAMS.to_vec()
    }

    fn read_stream(&self, id: u16, values: &mut Vec<f32>) {
        values.clear();
        match id {
            SCOPE => {
                let mut scope = self.scope.lock().unwrap_or_else(PoisonError::into_inner);
                let (reader, points) = &mut *scope;
                let reading = reader.read_into(SCOPE_POINTS, points);
                values.push(reading.correlation);
                values.extend_from_slice(points);
            }
            LOUDNESS => {
                let l = self.loudness.snapshot();
                values.extend([
                    l.momentary,
                    l.short_term,
                    l.integrated,
                    l.range,
                    l.true_peak_max,
                ]);
                // A channel that is not there reads NaN: only the active ones are listed.
                values.extend(l.true_peak.iter().filter(|v| !v.is_nan()));
            }
            _ => {}
        }
    }
}

fn fill(channels: &mut Vec<ChannelMeter>, readings: &[ChannelReading]) {
    channels.clear();
    channels.extend(readings.iter().map(|r| ChannelMeter {
        peak: r.peak,
        rms: r.rms,
        clip: r.clip,
    }));
}
