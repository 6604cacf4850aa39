//! Output meters shared between the audio thread (the only writer) and one reader, through
//! atomics only: no lock, no allocation, no waiting on either side.
//!
//! Per output channel:
//! - **peak**: the largest `|x|` since the last [`Meters::read`];
//! - **RMS** over the last 300 ms, as 30 chunks of 10 ms (updated every 10 ms);
//! - **clip**: set when any `|x| ≥ 1.0` since the last read.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Channels metered (the widest layout).
pub const METER_CHANNELS: usize = 2;
/// Length of the RMS window in seconds.
pub const RMS_WINDOW_SECONDS: f32 = 0.3;
/// Chunks the RMS window is made of.
const CHUNKS: usize = 30;

/// One channel's reading.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChannelReading {
    /// Largest `|x|` since the previous read (linear).
    pub peak: f32,
    /// RMS over the last 300 ms (linear).
    pub rms: f32,
    /// Whether any `|x| ≥ 1.0` occurred since the previous read.
    pub clip: bool,
}

#[derive(Default)]
struct ChannelAtomics {
    peak: AtomicU32,
    rms: AtomicU32,
    clip: AtomicBool,
}

/// The published meter values of one instance.
#[derive(Default)]
pub struct Meters {
    channels: [ChannelAtomics; METER_CHANNELS],
    active_channels: AtomicU32,
}

impl Meters {
    /// Takes a reading of every active channel: peak and clip restart from here.
    ///
    /// There must be one reader per instance; two readers would split the peaks between them.
    pub fn read(&self) -> ([ChannelReading; METER_CHANNELS], usize) {
        let mut out = [ChannelReading::default(); METER_CHANNELS];
        for (reading, ch) in out.iter_mut().zip(&self.channels) {
            *reading = ChannelReading {
                peak: f32::from_bits(ch.peak.swap(0, Ordering::AcqRel)),
                rms: f32::from_bits(ch.rms.load(Ordering::Acquire)),
                clip: ch.clip.swap(false, Ordering::AcqRel),
            };
        }
        let active = self.active_channels.load(Ordering::Acquire) as usize;
        (out, active.min(METER_CHANNELS))
    }
}

/// The audio thread's side: accumulates squares per chunk and publishes to [`Meters`].
#[derive(Clone, Debug)]
pub struct MeterWriter {
    chunk_len: u32,
    filled: u32,
    sums: [[f64; CHUNKS]; METER_CHANNELS],
    partial: [f64; METER_CHANNELS],
    next_chunk: usize,
}

impl MeterWriter {
    /// A writer for `sample_rate`; RMS reads 0 until the first chunk is complete.
    pub fn new(sample_rate: f32) -> Self {
        let chunk = RMS_WINDOW_SECONDS / CHUNKS as f32;
        Self {
            chunk_len: ((chunk * sample_rate).round() as u32).max(1),
            filled: 0,
            sums: [[0.0; CHUNKS]; METER_CHANNELS],
            partial: [0.0; METER_CHANNELS],
            next_chunk: 0,
        }
    }

    /// Meters one processed block (`channels` as in the audio buffer) into `meters`.
    pub fn write(&mut self, channels: &[&mut [f32]], meters: &Meters) {
        let used = channels.len().min(METER_CHANNELS);
        meters.active_channels.store(used as u32, Ordering::Release);
        for (channel, atomics) in channels.iter().zip(&meters.channels) {
            let peak = peak_of(channel);
            // Non-negative floats order like their bit patterns, so an integer max is a float max.
            atomics.peak.fetch_max(peak.to_bits(), Ordering::AcqRel);
            if peak >= 1.0 {
                atomics.clip.store(true, Ordering::Release);
            }
        }

        let len = channels.first().map_or(0, |c| c.len());
        let mut start = 0;
        while start < len {
            let take = ((self.chunk_len - self.filled) as usize).min(len - start);
            for (ch, channel) in channels.iter().take(used).enumerate() {
                self.partial[ch] += f64::from(sum_of_squares(&channel[start..start + take]));
            }
            self.filled += take as u32;
            start += take;
            if self.filled == self.chunk_len {
                self.close_chunk(used, meters);
            }
        }
    }

    fn close_chunk(&mut self, used: usize, meters: &Meters) {
        let window = f64::from(self.chunk_len) * CHUNKS as f64;
        for ch in 0..METER_CHANNELS {
            self.sums[ch][self.next_chunk] = if ch < used { self.partial[ch] } else { 0.0 };
            self.partial[ch] = 0.0;
            let rms = (self.sums[ch].iter().sum::<f64>() / window).sqrt() as f32;
            meters.channels[ch]
                .rms
                .store(rms.to_bits(), Ordering::Release);
        }
        self.next_chunk = (self.next_chunk + 1) % CHUNKS;
        self.filled = 0;
    }
}

/// Lanes of the reductions below: independent accumulators the compiler keeps in SIMD registers.
const LANES: usize = 8;

/// `max |x|`.
fn peak_of(samples: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let chunks = samples.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (a, x) in acc.iter_mut().zip(chunk) {
            *a = a.max(x.abs());
        }
    }
    tail.iter().chain(&acc).fold(0.0, |m, x| m.max(x.abs()))
}

/// `Σ x²` (a chunk of at most 10 ms, so `f32` lanes lose nothing that matters).
fn sum_of_squares(samples: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let chunks = samples.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for (a, x) in acc.iter_mut().zip(chunk) {
            *a += x * x;
        }
    }
    acc.iter().sum::<f32>() + tail.iter().map(|x| x * x).sum::<f32>()
}
