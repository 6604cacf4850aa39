//! [`DcFilter`]: removes DC with a first-order high-pass far below the audio band, faded in and
//! out over [`RAMP_SECONDS`] so switching it never clicks; off, it leaves the samples untouched.

use super::RAMP_SECONDS;

/// The high-pass's −3 dB frequency. At 20 Hz it takes 0.26 dB; DC decays with a 32 ms time
/// constant.
pub const CUTOFF_HZ: f64 = 5.0;

/// The DC filter of up to two channels. Never allocates.
#[derive(Clone, Debug)]
pub struct DcFilter {
    /// Pole of `y[n] = x[n] − x[n−1] + pole·y[n−1]`.
    pole: f64,
    /// Previous input and output per channel.
    state: [(f64, f64); 2],
    /// How much of the filtered signal is heard: 0 (off) … 1 (on).
    mix: f32,
    /// The change of `mix` per sample towards `target`.
    step: f32,
    target: f32,
}

impl DcFilter {
    /// An off filter at `sample_rate`.
    pub fn new(sample_rate: f32) -> Self {
        let ramp = (RAMP_SECONDS * sample_rate).round().max(1.0);
        Self {
            pole: (-2.0 * std::f64::consts::PI * CUTOFF_HZ / f64::from(sample_rate)).exp(),
            state: [(0.0, 0.0); 2],
            mix: 0.0,
            step: 1.0 / ramp,
            target: 0.0,
        }
    }

    /// Fades the filter in or out from here.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.target = if enabled { 1.0 } else { 0.0 };
    }

    /// Jumps to on or off without a fade (for `reset()`), forgetting the past signal.
    pub fn snap(&mut self, enabled: bool) {
        self.set_enabled(enabled);
        self.mix = self.target;
        self.state = [(0.0, 0.0); 2];
    }

    /// Filters one block in place (one or two equally long slices; further ones untouched).
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        if self.mix == 0.0 && self.target == 0.0 {
            return;
        }
        let len = channels.first().map_or(0, |c| c.len());
        let (start_mix, pole) = (self.mix, self.pole);
        let mut end_mix = start_mix;
        for (channel, state) in channels.iter_mut().take(2).zip(&mut self.state) {
            let mut mix = start_mix;
            let (mut x1, mut y1) = *state;
            for sample in channel.iter_mut().take(len) {
                mix = toward(mix, self.target, self.step);
                let x = f64::from(*sample);
                let y = x - x1 + pole * y1;
                (x1, y1) = (x, y);
                *sample = if mix == 1.0 {
                    y as f32
                } else {
                    (x + f64::from(mix) * (y - x)) as f32
                };
            }
            *state = (x1, y1);
            end_mix = mix;
        }
        self.mix = end_mix;
        if self.mix == 0.0 {
            // Faded out: the next fade-in starts from silence, not from a stale past.
            self.state = [(0.0, 0.0); 2];
        }
    }
}

fn toward(mix: f32, target: f32, step: f32) -> f32 {
    if mix < target {
        (mix + step).min(target)
    } else {
        (mix - step).max(target)
    }
}
