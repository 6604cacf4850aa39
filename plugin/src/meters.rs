//! Output meters shared between the audio thread (the only writer) and one reader, through
//! atomics only: no lock, no allocation, no waiting on either side.
//!
//! Per output channel:
//! - **peak**: the largest `|x|` since the last [`Meters::read`], but never older than the
//!   300 ms window: a first read after minutes without a reader shows the present, not a
//!   minutes-old peak;
//! - **RMS** over the last 300 ms, as 30 chunks of 10 ms (updated every 10 ms);
//! - **clip**: any `|x| ≥ 1.0` in what the peak covers (it is `peak ≥ 1.0`).
//!
//! The peak is kept per 10 ms chunk, in a ring of the window's 30 chunks: the writer clears a
//! chunk's slot when it starts that chunk (so nothing older than the window survives) and raises
//! it with each block; a read takes every slot and zeroes it (so a peak is reported once, and
//! none is lost between two reads however close).

use std::sync::atomic::{AtomicU32, Ordering};

/// Channels metered (the widest layout).
pub const METER_CHANNELS: usize = 2;
/// Length of the RMS window in seconds.
pub const RMS_WINDOW_SECONDS: f32 = 0.3;
/// Chunks the RMS window is made of.
const CHUNKS: usize = 30;

/// One channel's reading.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChannelReading {
    /// Largest `|x|` since the previous read, within the last 300 ms (linear).
    pub peak: f32,
    /// RMS over the last 300 ms (linear).
    pub rms: f32,
    /// Whether any `|x| ≥ 1.0` occurred in what `peak` covers.
    pub clip: bool,
}

#[derive(Default)]
struct ChannelAtomics {
    /// Per chunk of the window, the largest `|x|` not yet read (`f32` bits).
    peaks: [AtomicU32; CHUNKS],
    rms: AtomicU32,
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
            // Non-negative floats order like their bit patterns, so an integer max is a float max.
            let peak = ch
                .peaks
                .iter()
                .map(|slot| slot.swap(0, Ordering::AcqRel))
                .max()
                .map_or(0.0, f32::from_bits);
            *reading = ChannelReading {
                peak,
                rms: f32::from_bits(ch.rms.load(Ordering::Acquire)),
                clip: peak >= 1.0,
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
    /// Whether this writer has cleared what an earlier one (before a re-activation) left.
    started: bool,
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
            started: false,
        }
    }

    /// Meters one processed block (`channels` as in the audio buffer) into `meters`.
    pub fn write(&mut self, channels: &[&mut [f32]], meters: &Meters) {
        let used = channels.len().min(METER_CHANNELS);
        meters.active_channels.store(used as u32, Ordering::Release);
        if !self.started {
            // Readings from before this writer (the host stopped, then re-activated) are stale.
            self.started = true;
            for channel in &meters.channels {
                channel
                    .peaks
                    .iter()
                    .for_each(|slot| slot.store(0, Ordering::Release));
                channel.rms.store(0, Ordering::Release);
            }
        }

        let len = channels.first().map_or(0, |c| c.len());
        let mut start = 0;
        while start < len {
            let take = ((self.chunk_len - self.filled) as usize).min(len - start);
            for ((ch, channel), atomics) in
                channels.iter().take(used).enumerate().zip(&meters.channels)
            {
                let part = &channel[start..start + take];
                self.partial[ch] += f64::from(sum_of_squares(part));
                // Published at once (not when the chunk closes), so a read sees every block.
                atomics.peaks[self.next_chunk].fetch_max(peak_of(part).to_bits(), Ordering::AcqRel);
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
        // The slot now starts a new chunk: what it held (unread) is a window old.
        for channel in &meters.channels {
            channel.peaks[self.next_chunk].store(0, Ordering::Release);
        }
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
