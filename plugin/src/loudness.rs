//! The output's loudness shared between the audio thread (the only writer) and any number of
//! readers, through atomics only: no lock, no allocation, and the writer never waits.
//!
//! The values are a sequence lock over [`Loudness`]'s seven `f32`s: the writer makes the
//! sequence odd, stores the fields, makes it even again; a reader retries while it is odd or
//! changed under it, so a [`SharedLoudness::snapshot`] is always one block's reading, never two
//! halves. Reading does not consume anything (unlike the meters' peaks), so every reader sees the
//! same values.
//!
//! A reset of the integrated values is asked for from any thread ([`SharedLoudness::request_reset`])
//! and carried out by the audio thread at the start of its next block.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering, fence};

pub use crate::dsp::loudness::Loudness;

/// The published reading of one instance.
pub struct SharedLoudness {
    /// Odd while the writer stores the fields.
    sequence: AtomicU32,
    /// [`Loudness::to_array`]'s fields (`f32` bits).
    fields: [AtomicU32; Loudness::FIELDS],
    reset: AtomicBool,
}

impl Default for SharedLoudness {
    fn default() -> Self {
        let silent = Loudness::silent(2).to_array();
        Self {
            sequence: AtomicU32::new(0),
            fields: silent.map(|v| AtomicU32::new(v.to_bits())),
            reset: AtomicBool::new(false),
        }
    }
}

impl SharedLoudness {
    /// Publishes `reading` (the audio thread, once per block).
    pub fn publish(&self, reading: &Loudness) {
        let sequence = self.sequence.load(Ordering::Relaxed);
        self.sequence
            .store(sequence.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        for (field, value) in self.fields.iter().zip(reading.to_array()) {
            field.store(value.to_bits(), Ordering::Relaxed);
        }
        self.sequence
            .store(sequence.wrapping_add(2), Ordering::Release);
    }

    /// The newest reading, whole.
    pub fn snapshot(&self) -> Loudness {
        let mut tries = 0u32;
        loop {
            let before = self.sequence.load(Ordering::Acquire);
            if before.is_multiple_of(2) {
                let values = self
                    .fields
                    .each_ref()
                    .map(|f| f32::from_bits(f.load(Ordering::Relaxed)));
                fence(Ordering::Acquire);
                if self.sequence.load(Ordering::Relaxed) == before {
                    return Loudness::from_array(values);
                }
            }
            // The audio thread is mid-store (or was preempted there): it takes nanoseconds.
            tries += 1;
            if tries.is_multiple_of(64) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    /// Asks the audio thread to restart the integrated loudness, the range and the true peaks at
    /// the start of its next block.
    pub fn request_reset(&self) {
        self.reset.store(true, Ordering::Release);
    }

    /// Whether a reset was asked for since the last call (the audio thread).
    pub fn take_reset(&self) -> bool {
        self.reset.load(Ordering::Relaxed) && self.reset.swap(false, Ordering::AcqRel)
    }
}
