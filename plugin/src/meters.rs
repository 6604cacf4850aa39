//! Input and output meters shared between the audio thread (the only writer) and one reader,
//! through atomics only: no lock, no allocation, no waiting on either side.
//!
//! Per channel, of the input (as the host hands it over) and of the output:
//! - **peak**: the largest `|x|` since the last read, but never older than the 300 ms window: a
//!   first read after minutes without a reader shows the present, not a minutes-old peak;
//! - **RMS** over the last 300 ms, as 30 chunks of 10 ms (updated every 10 ms);
//! - **clip**: any `|x| ≥ 1.0` in what the peak covers (it is `peak ≥ 1.0`).
//!
//! And of the output's channel pair, the **correlation** over the same 300 ms:
//! `Σ L·R / √(Σ L² · Σ R²)`, +1 for mono, −1 for one channel inverted, 0 for silence.
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
/// Below this energy over the window (per sample, about −120 dBFS) both channels are silence
/// and the correlation reads 0.
const SILENCE: f64 = 1e-12;

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

/// The published values of one side (input or output).
#[derive(Default)]
struct Side {
    channels: [ChannelAtomics; METER_CHANNELS],
    active: AtomicU32,
}

impl Side {
    fn read(&self) -> ([ChannelReading; METER_CHANNELS], usize) {
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
        let active = self.active.load(Ordering::Acquire) as usize;
        (out, active.min(METER_CHANNELS))
    }

    fn clear(&self) {
        for channel in &self.channels {
            channel
                .peaks
                .iter()
                .for_each(|slot| slot.store(0, Ordering::Release));
            channel.rms.store(0, Ordering::Release);
        }
    }
}

/// The published meter values of one instance.
#[derive(Default)]
pub struct Meters {
    output: Side,
    input: Side,
    /// The output's correlation (`f32` bits).
    correlation: AtomicU32,
}

impl Meters {
    /// Takes a reading of every active output channel: peak and clip restart from here.
    ///
    /// There must be one reader per instance; two readers would split the peaks between them.
    pub fn read(&self) -> ([ChannelReading; METER_CHANNELS], usize) {
        self.output.read()
    }

    /// The same for the input channels.
    pub fn read_input(&self) -> ([ChannelReading; METER_CHANNELS], usize) {
        self.input.read()
    }

    /// The output's left/right correlation, −1 … +1; `None` unless the output is a pair.
    pub fn correlation(&self) -> Option<f32> {
        (self.output.active.load(Ordering::Acquire) as usize == METER_CHANNELS)
            .then(|| f32::from_bits(self.correlation.load(Ordering::Acquire)))
    }
}

/// One side's accumulators on the audio thread.
#[derive(Clone, Debug)]
struct SideWriter {
    /// Σ x² per channel and chunk of the window.
    sums: [[f64; CHUNKS]; METER_CHANNELS],
    /// Σ L·R per chunk (used for the output only).
    cross: [f64; CHUNKS],
    partial: [f64; METER_CHANNELS],
    partial_cross: f64,
    used: usize,
}

impl SideWriter {
    fn new() -> Self {
        Self {
            sums: [[0.0; CHUNKS]; METER_CHANNELS],
            cross: [0.0; CHUNKS],
            partial: [0.0; METER_CHANNELS],
            partial_cross: 0.0,
            used: 0,
        }
    }

    /// Adds `channels[..][start..start + take]` to the current chunk `chunk`.
    fn add(
        &mut self,
        channels: &[&mut [f32]],
        side: &Side,
        (start, take, chunk): (usize, usize, usize),
        correlate: bool,
    ) {
        for ((ch, channel), atomics) in channels
            .iter()
            .take(self.used)
            .enumerate()
            .zip(&side.channels)
        {
            let part = &channel[start..start + take];
            self.partial[ch] += f64::from(sum_of_squares(part));
            // Published at once (not when the chunk closes), so a read sees every block.
            atomics.peaks[chunk].fetch_max(peak_of(part).to_bits(), Ordering::AcqRel);
        }
        if correlate && self.used == METER_CHANNELS {
            let (l, r) = (
                &channels[0][start..start + take],
                &channels[1][start..start + take],
            );
            self.partial_cross += f64::from(sum_of_products(l, r));
        }
    }

    /// Closes chunk `chunk`: publishes the window's RMS, and returns the window's correlation.
    fn close(&mut self, side: &Side, chunk: usize, window: f64) -> f32 {
        for ch in 0..METER_CHANNELS {
            self.sums[ch][chunk] = if ch < self.used {
                self.partial[ch]
            } else {
                0.0
            };
            self.partial[ch] = 0.0;
            let rms = (self.sums[ch].iter().sum::<f64>() / window).sqrt() as f32;
            side.channels[ch]
                .rms
                .store(rms.to_bits(), Ordering::Release);
        }
        self.cross[chunk] = self.partial_cross;
        self.partial_cross = 0.0;
        let energy = self.sums[0].iter().sum::<f64>() * self.sums[1].iter().sum::<f64>();
        if energy <= (SILENCE * window).powi(2) {
            0.0
        } else {
            (self.cross.iter().sum::<f64>() / energy.sqrt()).clamp(-1.0, 1.0) as f32
        }
    }

    /// The slot `chunk` starts a new chunk: what it held (unread) is a window old.
    fn restart(side: &Side, chunk: usize) {
        for channel in &side.channels {
            channel.peaks[chunk].store(0, Ordering::Release);
        }
    }

    /// Meters one block into `side`, from `at` (samples already in the current chunk, that
    /// chunk) in chunks of `chunk_len`: the block's samples go to the current chunk up to its end,
    /// the rest to the following ones. Returns where it ended and the correlation of the last
    /// chunk it closed (with `correlate`).
    fn meter(
        &mut self,
        channels: &[&mut [f32]],
        side: &Side,
        chunk_len: u32,
        (mut filled, mut chunk): (u32, usize),
        correlate: bool,
    ) -> ((u32, usize), Option<f32>) {
        self.used = channels.len().min(METER_CHANNELS);
        side.active.store(self.used as u32, Ordering::Release);
        let window = f64::from(chunk_len) * CHUNKS as f64;
        let len = channels.first().map_or(0, |c| c.len());
        let (mut start, mut correlation) = (0, None);
        while start < len {
            let take = ((chunk_len - filled) as usize).min(len - start);
            self.add(channels, side, (start, take, chunk), correlate);
            filled += take as u32;
            start += take;
            if filled == chunk_len {
                correlation = Some(self.close(side, chunk, window));
                chunk = (chunk + 1) % CHUNKS;
                filled = 0;
                Self::restart(side, chunk);
            }
        }
        ((filled, chunk), correlation.filter(|_| correlate))
    }
}

/// The audio thread's side: accumulates per 10 ms chunk and publishes to [`Meters`]. Each block
/// is metered twice: its input ([`MeterWriter::write_input`], first) and its output
/// ([`MeterWriter::write`], which advances the chunks).
#[derive(Clone, Debug)]
pub struct MeterWriter {
    chunk_len: u32,
    filled: u32,
    output: SideWriter,
    input: SideWriter,
    /// The chunk of the window being filled (input and output alike; `write` advances it).
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
            output: SideWriter::new(),
            input: SideWriter::new(),
            next_chunk: 0,
            started: false,
        }
    }

    /// Meters one block as it arrives from the host (`channels` as in the audio buffer), before
    /// it is processed; then [`MeterWriter::write`] meters the processed block. The input's chunk
    /// boundaries follow the output's.
    pub fn write_input(&mut self, channels: &[&mut [f32]], meters: &Meters) {
        self.start(meters);
        let at = (self.filled, self.next_chunk);
        self.input
            .meter(channels, &meters.input, self.chunk_len, at, false);
    }

    /// Meters one processed block (`channels` as in the audio buffer) into `meters`.
    pub fn write(&mut self, channels: &[&mut [f32]], meters: &Meters) {
        self.start(meters);
        let at = (self.filled, self.next_chunk);
        let (at, correlation) =
            self.output
                .meter(channels, &meters.output, self.chunk_len, at, true);
        (self.filled, self.next_chunk) = at;
        if let Some(correlation) = correlation {
            meters
                .correlation
                .store(correlation.to_bits(), Ordering::Release);
        }
    }

    fn start(&mut self, meters: &Meters) {
        if !self.started {
            // Readings from before this writer (the host stopped, then re-activated) are stale.
            self.started = true;
            meters.output.clear();
            meters.input.clear();
            meters.correlation.store(0, Ordering::Release);
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

/// `Σ l·r` (as [`sum_of_squares`]).
fn sum_of_products(left: &[f32], right: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let (l_chunks, r_chunks) = (left.chunks_exact(LANES), right.chunks_exact(LANES));
    let tail: f32 = l_chunks
        .remainder()
        .iter()
        .zip(r_chunks.remainder())
        .map(|(l, r)| l * r)
        .sum();
    for (l, r) in l_chunks.zip(r_chunks) {
        for ((a, l), r) in acc.iter_mut().zip(l).zip(r) {
            *a += l * r;
        }
    }
    acc.iter().sum::<f32>() + tail
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
