//! Loudness per ITU-R BS.1770-4 / EBU R128 of the output, computed on the audio thread: no
//! allocation after [`Analyser::new`], no lock, fixed memory however long it runs.
//!
//! - [`k_weighting`]: the K filter per channel, coefficients derived for any sample rate;
//! - [`window`]: 10 ms segments, the momentary (400 ms) and short-term (3 s) windows;
//! - [`gating`]: the gated histories of the integrated loudness and the loudness range;
//! - [`true_peak`]: 4× oversampled true peak per channel.
//!
//! Channel weights are BS.1770's for the front channels: 1.0 each. A mono instance measures its
//! one channel as one front channel (a 0 dBFS 997 Hz sine reads −3.01 LUFS, BS.1770's anchor).

pub mod gating;
pub mod k_weighting;
pub mod true_peak;
pub mod window;

use gating::Histogram;
use k_weighting::KWeighting;
use true_peak::TruePeak;
use window::Segments;

/// Channels measured (the widest layout).
pub const CHANNELS: usize = 2;
/// Segments between two gating blocks (100 ms).
const BLOCK_STEP: u64 = 10;

/// One reading, as plain `f32`s in a fixed order (`#[repr(C)]`, see [`Loudness::to_array`]), so it
/// can travel as a stream payload as it is.
///
/// Units: LUFS (`momentary`, `short_term`, `integrated`), LU (`range`), dBTP (`true_peak`,
/// `true_peak_max`). −∞ means silence or nothing above the gates yet; NaN means no such value
/// (the range before any short-term block passed its gates, the second channel of a mono
/// instance).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loudness {
    /// Over the last 400 ms, updated every 10 ms.
    pub momentary: f32,
    /// Over the last 3 s, updated every 10 ms.
    pub short_term: f32,
    /// Gated (−70 LUFS, −10 LU) since the last reset.
    pub integrated: f32,
    /// Loudness range (EBU Tech 3342) since the last reset.
    pub range: f32,
    /// Per channel, the largest true peak since the last reset.
    pub true_peak: [f32; CHANNELS],
    /// The largest of `true_peak`.
    pub true_peak_max: f32,
}

impl Loudness {
    /// Fields in [`Loudness::to_array`]'s order.
    pub const FIELDS: usize = 7;

    /// Nothing measured yet, for `channels` channels.
    pub fn silent(channels: usize) -> Self {
        let mut true_peak = [f32::NAN; CHANNELS];
        true_peak[..channels.min(CHANNELS)].fill(f32::NEG_INFINITY);
        Self {
            momentary: f32::NEG_INFINITY,
            short_term: f32::NEG_INFINITY,
            integrated: f32::NEG_INFINITY,
            range: f32::NAN,
            true_peak,
            true_peak_max: f32::NEG_INFINITY,
        }
    }

    /// `[momentary, short_term, integrated, range, true_peak[0], true_peak[1], true_peak_max]`.
    pub fn to_array(&self) -> [f32; Self::FIELDS] {
        [
            self.momentary,
            self.short_term,
            self.integrated,
            self.range,
            self.true_peak[0],
            self.true_peak[1],
            self.true_peak_max,
        ]
    }

    /// The inverse of [`Loudness::to_array`].
    pub fn from_array(a: [f32; Self::FIELDS]) -> Self {
        Self {
            momentary: a[0],
            short_term: a[1],
            integrated: a[2],
            range: a[3],
            true_peak: [a[4], a[5]],
            true_peak_max: a[6],
        }
    }
}

/// dB of a linear peak (−∞ for 0).
fn peak_db(peak: f32) -> f32 {
    20.0 * peak.log10()
}

/// The loudness analyser of one instance (the audio thread's side).
#[derive(Clone, Debug)]
pub struct Analyser {
    channels: usize,
    filters: [KWeighting; CHANNELS],
    true_peaks: [TruePeak; CHANNELS],
    /// Samples per 10 ms segment.
    segment_len: usize,
    /// Samples in the current segment so far, and their `Σ y²` over the channels.
    filled: usize,
    partial: f64,
    segments: Segments,
    /// Segments completed since the last reset (the gating blocks' clock: a block holds no audio
    /// from before the reset).
    since_reset: u64,
    integrated: Histogram,
    range: Histogram,
    /// Per channel, the largest true peak since the reset (linear).
    peaks: [f32; CHANNELS],
    reading: Loudness,
}

impl Analyser {
    /// An analyser for `channels` (1 or 2) at `sample_rate`; allocates its histories.
    pub fn new(sample_rate: f32, channels: usize) -> Self {
        let rate = f64::from(sample_rate);
        let channels = channels.clamp(1, CHANNELS);
        Self {
            channels,
            filters: std::array::from_fn(|_| KWeighting::new(rate)),
            true_peaks: Default::default(),
            segment_len: ((rate / window::PER_SECOND as f64).round() as usize).max(1),
            filled: 0,
            partial: 0.0,
            segments: Segments::default(),
            since_reset: 0,
            integrated: Histogram::default(),
            range: Histogram::default(),
            peaks: [0.0; CHANNELS],
            reading: Loudness::silent(channels),
        }
    }

    /// The newest reading.
    pub fn reading(&self) -> Loudness {
        self.reading
    }

    /// Restarts what runs "since reset": the integrated loudness, the range, the true peaks.
    pub fn reset_integrated(&mut self) {
        self.integrated.clear();
        self.range.clear();
        self.peaks = [0.0; CHANNELS];
        self.since_reset = 0;
        self.reading.integrated = f32::NEG_INFINITY;
        self.reading.range = f32::NAN;
        self.publish_peaks();
    }

    /// Measures one block (`channels[c]` one channel's samples; beyond the analyser's channels
    /// ignored).
    pub fn process<S: AsRef<[f32]>>(&mut self, channels: &[S]) {
        let used = channels.len().min(self.channels);
        let len = channels.first().map_or(0, |c| c.as_ref().len());
        for ((channel, tp), peak) in channels[..used]
            .iter()
            .zip(&mut self.true_peaks)
            .zip(&mut self.peaks)
        {
            *peak = peak.max(tp.process(channel.as_ref()));
        }
        self.publish_peaks();
        let mut start = 0;
        while start < len {
            let take = (self.segment_len - self.filled).min(len - start);
            for (channel, filter) in channels[..used].iter().zip(&mut self.filters) {
                self.partial += filter.energy(&channel.as_ref()[start..start + take]);
            }
            self.filled += take;
            start += take;
            if self.filled == self.segment_len {
                self.complete_segment();
            }
        }
    }

    fn complete_segment(&mut self) {
        self.segments.push(self.partial);
        self.partial = 0.0;
        self.filled = 0;
        self.since_reset += 1;
        let mean =
            |segments: usize| self.segments.sum(segments) / (segments * self.segment_len) as f64;
        let (momentary, short_term) = (mean(window::MOMENTARY), mean(window::SHORT_TERM));
        self.reading.momentary = gating::loudness(momentary) as f32;
        self.reading.short_term = gating::loudness(short_term) as f32;
        if self.since_reset.is_multiple_of(BLOCK_STEP) {
            if self.since_reset >= window::MOMENTARY as u64 {
                self.integrated.add(momentary);
                self.reading.integrated = self.integrated.integrated() as f32;
            }
            if self.since_reset >= window::SHORT_TERM as u64 {
                self.range.add(short_term);
                self.reading.range = self.range.range() as f32;
            }
        }
    }

    fn publish_peaks(&mut self) {
        let mut max = f32::NEG_INFINITY;
        for (ch, &peak) in self.peaks[..self.channels].iter().enumerate() {
            let db = peak_db(peak);
            self.reading.true_peak[ch] = db;
            max = max.max(db);
        }
        self.reading.true_peak_max = max;
    }
}
