//! The instance's meters and loudness as the bridge's meter source.

use std::sync::Arc;

use webui_toolkit::MeterSource;
use webui_toolkit::{ChannelMeter, LoudnessReading, MeterFrame};

use crate::loudness::SharedLoudness;
use crate::meters::{ChannelReading, Meters};

/// Reads [`Meters`] for the bridge's sampler (the instance's one reader) and [`SharedLoudness`]
/// for `getLoudness`.
pub struct MeterReader {
    meters: Arc<Meters>,
    loudness: Arc<SharedLoudness>,
}

impl MeterReader {
    /// A reader of `meters` and `loudness`.
    pub fn new(meters: Arc<Meters>, loudness: Arc<SharedLoudness>) -> Self {
        Self { meters, loudness }
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
}

fn fill(channels: &mut Vec<ChannelMeter>, readings: &[ChannelReading]) {
    channels.clear();
    channels.extend(readings.iter().map(|r| ChannelMeter {
        peak: r.peak,
        rms: r.rms,
        clip: r.clip,
    }));
}
