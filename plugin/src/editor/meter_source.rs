//! The instance's meters as the bridge's meter source.

use std::sync::Arc;

use bridge::MeterSource;
use bridge::protocol::ChannelMeter;

use crate::meters::Meters;

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
    fn read_into(&self, channels: &mut Vec<ChannelMeter>) {
        let (readings, active) = self.meters.read();
        channels.clear();
        channels.extend(readings[..active].iter().map(|r| ChannelMeter {
            peak: r.peak,
            rms: r.rms,
            clip: r.clip,
        }));
    }
}
