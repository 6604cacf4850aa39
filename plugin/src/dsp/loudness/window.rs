//! The sliding windows of the momentary (400 ms) and short-term (3 s) loudness: a ring of the
//! last 3 s as 10 ms segments, each holding its channel-weighted `Σ y²`. A window's mean square is
//! the sum of its newest segments over its length (zeros before the start, as libebur128), so
//! both update every 10 ms: a 400 ms burst anywhere in time reads within 0.06 dB of its level.

/// Segments per second.
pub const PER_SECOND: usize = 100;
/// Segments of the momentary window.
pub const MOMENTARY: usize = 40;
/// Segments of the short-term window (the ring's length).
pub const SHORT_TERM: usize = 300;

/// The last [`SHORT_TERM`] segments.
#[derive(Clone, Debug)]
pub struct Segments {
    ring: Box<[f64; SHORT_TERM]>,
    /// Where the next segment goes.
    next: usize,
}

impl Default for Segments {
    fn default() -> Self {
        Self {
            ring: Box::new([0.0; SHORT_TERM]),
            next: 0,
        }
    }
}

impl Segments {
    /// Adds the newest segment's `Σ y²`.
    pub fn push(&mut self, sum: f64) {
        self.ring[self.next] = sum;
        self.next = (self.next + 1) % SHORT_TERM;
    }

    /// `Σ y²` of the newest `segments` (re-summed each time, so no rounding accumulates).
    pub fn sum(&self, segments: usize) -> f64 {
        let (older, newer) = self.ring.split_at(self.next);
        // The newest are just before `next`: the end of `older`, then the end of `newer`.
        let in_older = segments.min(older.len());
        let rest = segments - in_older;
        older[older.len() - in_older..].iter().sum::<f64>()
            + newer[newer.len() - rest.min(newer.len())..]
                .iter()
                .sum::<f64>()
    }

    /// Back to silence.
    pub fn clear(&mut self) {
        self.ring.fill(0.0);
        self.next = 0;
    }
}
