//! The stereo scope's feed: a lock-free single-producer ring the audio thread writes its output
//! into (no allocation, no lock: sized when made, at `initialize`), and the one reader that takes
//! what arrived since its last read, decimated to a fixed number of points, with the left/right
//! correlation over all of it. The reader never blocks the writer: it checks afterwards whether
//! the writer overtook what it read and drops those samples instead of showing torn ones.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// The points a reading holds at most (a frame's fixed budget).
pub const MAX_POINTS: usize = 1024;

struct Ring {
    /// Interleaved left/right samples as `f32` bits; the length is a power of two.
    samples: Box<[AtomicU32]>,
    /// Sample pairs written since the ring was made (published after each block).
    written: AtomicU64,
}

impl Ring {
    fn pairs(&self) -> u64 {
        (self.samples.len() / 2) as u64
    }
}

/// Makes a ring holding at least `capacity` sample pairs; the audio thread gets the writer, the
/// sampler the reader.
pub fn ring(capacity: usize) -> (ScopeWriter, ScopeReader) {
    let pairs = capacity.max(MAX_POINTS).next_power_of_two();
    let ring = Arc::new(Ring {
        samples: (0..pairs * 2).map(|_| AtomicU32::new(0)).collect(),
        written: AtomicU64::new(0),
    });
    (
        ScopeWriter { ring: ring.clone() },
        ScopeReader { ring, read: 0 },
    )
}

/// The audio thread's end: [`ScopeWriter::write`] per block.
pub struct ScopeWriter {
    ring: Arc<Ring>,
}

impl ScopeWriter {
    /// Appends a block of the output (`left` and `right` of equal length; a longer one is cut to
    /// the shorter). Wait-free, allocation-free.
    pub fn write(&self, left: &[f32], right: &[f32]) {
        let ring = &*self.ring;
        let mask = ring.pairs() - 1;
        let mut at = ring.written.load(Ordering::Relaxed);
        for (l, r) in left.iter().zip(right) {
            let slot = ((at & mask) * 2) as usize;
            ring.samples[slot].store(l.to_bits(), Ordering::Relaxed);
            ring.samples[slot + 1].store(r.to_bits(), Ordering::Relaxed);
            at += 1;
        }
        ring.written.store(at, Ordering::Release);
    }
}

/// What [`ScopeReader::read_into`] read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScopeReading {
    /// Sample pairs written since the ring was made, at the end of this reading (the frame's
    /// sample time).
    pub sample_time: u64,
    /// Sample pairs this reading covers (those since the last, up to the ring's size).
    pub samples: u64,
    /// Left/right correlation over those samples, −1 … +1; 0 when either channel is silent.
    pub correlation: f32,
}

/// The sampler's end.
pub struct ScopeReader {
    ring: Arc<Ring>,
    /// Sample pairs read so far.
    read: u64,
}

impl ScopeReader {
    /// Replaces `points` with up to `budget` (≤ [`MAX_POINTS`]) points `(mid, side)` interleaved,
    /// `mid = (l + r) / 2`, `side = (l − r) / 2`, evenly spread over the samples since the last
    /// reading (a mono signal has side 0: the goniometer's vertical line). `points` keeps its
    /// capacity, so a reused vector does not allocate.
    pub fn read_into(&mut self, budget: usize, points: &mut Vec<f32>) -> ScopeReading {
        points.clear();
        let ring = &*self.ring;
        let size = ring.pairs();
        let mask = size - 1;
        let end = ring.written.load(Ordering::Acquire);
        // Half the ring at most: the writer is unlikely to overtake it while it is read.
        let start = self.read.max(end.saturating_sub(size / 2));
        self.read = end;
        let count = end - start;
        let budget = budget.min(MAX_POINTS) as u64;
        let stride = count.div_ceil(budget.max(1)).max(1);
        let (mut lr, mut ll, mut rr) = (0.0f64, 0.0f64, 0.0f64);
        let mut at = start;
        while at < end {
            let slot = ((at & mask) * 2) as usize;
            let l = f32::from_bits(ring.samples[slot].load(Ordering::Relaxed));
            let r = f32::from_bits(ring.samples[slot + 1].load(Ordering::Relaxed));
            lr += f64::from(l) * f64::from(r);
            ll += f64::from(l) * f64::from(l);
            rr += f64::from(r) * f64::from(r);
            if (at - start).is_multiple_of(stride) && budget > 0 {
                points.push((l + r) * 0.5);
                points.push((l - r) * 0.5);
            }
            at += 1;
        }
        // Samples the writer overwrote while they were read are dropped, not shown torn.
        let overtaken = ring
            .written
            .load(Ordering::Acquire)
            .saturating_sub(size)
            .saturating_sub(start);
        if overtaken > 0 {
            points.clear();
            return ScopeReading {
                sample_time: end,
                samples: 0,
                correlation: 0.0,
            };
        }
        let energy = (ll * rr).sqrt();
        let correlation = if energy > 1e-20 {
            (lr / energy).clamp(-1.0, 1.0) as f32
        } else {
            0.0
        };
        ScopeReading {
            sample_time: end,
            samples: count,
            correlation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (i as f32 * 0.05).sin() * 0.5)
            .collect::<Vec<_>>()
    }

    #[test]
    fn mono_is_a_vertical_line_with_correlation_one() {
        let (writer, mut reader) = ring(4096);
        let left = tone(800);
        writer.write(&left, &left);
        let mut points = Vec::new();
        let reading = reader.read_into(256, &mut points);
        assert_eq!(reading.samples, 800);
        assert_eq!(reading.sample_time, 800);
        assert!((reading.correlation - 1.0).abs() < 1e-6);
        assert!(points.len() <= 512 && points.len() >= 400);
        assert!(points.chunks(2).all(|p| p[1].abs() < 1e-7));
        assert!(points.chunks(2).any(|p| p[0].abs() > 0.1));
    }

    #[test]
    fn one_inverted_channel_is_horizontal_with_correlation_minus_one() {
        let (writer, mut reader) = ring(4096);
        let left = tone(1000);
        let right: Vec<f32> = left.iter().map(|s| -s).collect();
        writer.write(&left, &right);
        let mut points = Vec::new();
        let reading = reader.read_into(256, &mut points);
        assert!((reading.correlation + 1.0).abs() < 1e-6);
        assert_eq!(points.len(), 2 * 250);
        assert!(points.chunks(2).all(|p| p[0].abs() < 1e-7));
    }

    #[test]
    fn a_reading_covers_only_what_is_new_and_silence_correlates_zero() {
        let (writer, mut reader) = ring(1024);
        let mut points = Vec::with_capacity(2 * MAX_POINTS);
        writer.write(&tone(100), &tone(100));
        assert_eq!(reader.read_into(256, &mut points).samples, 100);
        let empty = reader.read_into(256, &mut points);
        assert_eq!((empty.samples, empty.sample_time), (0, 100));
        assert!(points.is_empty());
        writer.write(&[0.0; 64], &[0.0; 64]);
        let silent = reader.read_into(256, &mut points);
        assert_eq!((silent.samples, silent.correlation), (64, 0.0));
    }

    #[test]
    fn a_late_reader_gets_the_newest_half_ring() {
        let (writer, mut reader) = ring(1024);
        for _ in 0..10 {
            writer.write(&tone(512), &tone(512));
        }
        let mut points = Vec::new();
        let reading = reader.read_into(MAX_POINTS * 4, &mut points);
        assert_eq!(reading.samples, 512);
        assert_eq!(reading.sample_time, 5120);
        assert_eq!(points.len(), 2 * 512);
    }
}
