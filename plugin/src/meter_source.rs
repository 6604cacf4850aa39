//! The instance's meters as the bridge's meter source.

use std::sync::Arc;

use webui_toolkit::MeterSource;
use webui_toolkit::{ChannelMeter, MeterFrame};

use crate::meters::{ChannelReading, Meters};

/// Reads [`Meters`] for the bridge's sampler (the instance's one reader).
pub struct MeterReader {
    meters: Arc<Meters>,
}

impl MeterReader {
    /// A reader of `meters`.
    pub fn new(meters: Arc<Meters>) -> Self {
        Self { meters }
    }
}

impl MeterSource for MeterReader {
    fn read_into(&self, frame: &mut MeterFrame) {
        let (readings, active) = self.meters.read();
        fill(&mut frame.channels, &readings[..active]);
        let (readings, active) = self.meters.read_input();
        fill(&mut frame.input, &readings[..active]);
        frame.correlation = self.meters.correlation();
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
