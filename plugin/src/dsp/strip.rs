//! [`Strip`]: applies [`Coefficients`] to audio, ramping every change linearly.

use super::RAMP_SECONDS;

/// Samples mixed per inner loop (generator output is staged on the stack in chunks of this).
const CHUNK: usize = 64;
use super::dc::DcFilter;
use super::law::Coefficients;
use super::tone::{Pink, SINE_HZ, Sine};

/// The running signal path for one plugin instance. Never allocates after [`Strip::new`].
#[derive(Clone, Debug)]
pub struct Strip {
    current: [f32; 8],
    start: [f32; 8],
    target: [f32; 8],
    step: [f32; 8],
    remaining: u32,
    ramp_len: u32,
    sample_rate: f32,
    sine: Sine,
    pink: Pink,
    dc: DcFilter,
    dc_enabled: bool,
}

impl Strip {
    /// A strip at `sample_rate`, settled on `coefficients`.
    pub fn new(sample_rate: f32, coefficients: Coefficients) -> Self {
        let c = coefficients.to_array();
        Self {
            current: c,
            start: c,
            target: c,
            step: [0.0; 8],
            remaining: 0,
            ramp_len: ((RAMP_SECONDS * sample_rate).round() as u32).max(1),
            sample_rate,
            sine: Sine::new(SINE_HZ, sample_rate),
            pink: Pink::new(),
            dc: DcFilter::new(sample_rate),
            dc_enabled: false,
        }
    }

    /// Number of samples a ramp takes at this sample rate.
    pub fn ramp_len(&self) -> u32 {
        self.ramp_len
    }

    /// Whether a ramp is still running.
    pub fn is_ramping(&self) -> bool {
        self.remaining > 0
    }

    /// The coefficients in effect right now.
    pub fn current(&self) -> Coefficients {
        Coefficients::from_array(self.current)
    }

    /// Starts a ramp from the current coefficients to `target`, unless it already is the target.
    pub fn set_target(&mut self, target: Coefficients) {
        let target = target.to_array();
        if target == self.target {
            return;
        }
        let n = self.ramp_len as f32;
        self.step = std::array::from_fn(|i| (target[i] - self.current[i]) / n);
        self.start = self.current;
        self.target = target;
        self.remaining = self.ramp_len;
    }

    /// Fades the DC filter in or out (see [`DcFilter`]).
    pub fn set_dc_filter(&mut self, enabled: bool) {
        self.dc_enabled = enabled;
        self.dc.set_enabled(enabled);
    }

    /// Switches the DC filter on or off at once (for `activate()`).
    pub fn snap_dc_filter(&mut self, enabled: bool) {
        self.dc_enabled = enabled;
        self.dc.snap(enabled);
    }

    /// Jumps to `target` without a ramp and restarts the generators and the DC filter (for
    /// `reset()`).
    pub fn snap_to(&mut self, target: Coefficients) {
        let dc_enabled = self.dc_enabled;
        *self = Self::new(self.sample_rate, target);
        self.dc_enabled = dc_enabled;
        self.dc.snap(dc_enabled);
    }

    /// Processes one block in place. `channels` holds one (mono) or two (stereo) equally long
    /// slices; further channels are left untouched.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        self.dc.process(channels);
        let len = channels.first().map_or(0, |c| c.len());
        let mut start = 0;
        while start < len {
            if self.remaining > 0 {
                let end = (start + self.remaining as usize).min(len);
                self.run::<true>(channels, start, end);
                start = end;
            } else {
                self.run::<false>(channels, start, len);
                start = len;
            }
        }
        self.sine.renormalize();
    }

    fn run<const RAMP: bool>(&mut self, channels: &mut [&mut [f32]], start: usize, end: usize) {
        let sine_on = self.current[4..6] != [0.0; 2] || self.target[4..6] != [0.0; 2];
        let pink_on = self.current[6..8] != [0.0; 2] || self.target[6..8] != [0.0; 2];
        if !RAMP && !sine_on && !pink_on {
            return self.apply_settled_matrix(channels, start, end);
        }
        let mut sine = [0.0f32; CHUNK];
        let mut pink = [0.0f32; CHUNK];
        let mut at = start;
        while at < end {
            let n = (end - at).min(CHUNK);
            if sine_on {
                sine[..n]
                    .iter_mut()
                    .for_each(|s| *s = self.sine.next_sample());
            }
            if pink_on {
                pink[..n]
                    .iter_mut()
                    .for_each(|s| *s = self.pink.next_sample());
            }
            // Coefficient of sample `i` in this chunk: `base + slope·(i + 1)`; settled: slope 0.
            let (base, slope) = if RAMP {
                let done = (self.ramp_len - self.remaining) as f32;
                let mut base = self.start;
                for (b, d) in base.iter_mut().zip(&self.step) {
                    *b += d * done;
                }
                (base, self.step)
            } else {
                (self.current, [0.0; 8])
            };
            match channels {
                [] => {}
                [left, right, ..] => (if sine_on || pink_on {
                    mix_stereo::<true>
                } else {
                    mix_stereo::<false>
                })(
                    &mut left[at..at + n],
                    &mut right[at..at + n],
                    &sine[..n],
                    &pink[..n],
                    &base,
                    &slope,
                ),
                [mono] => mix_mono(&mut mono[at..at + n], &sine[..n], &pink[..n], &base, &slope),
            }
            if RAMP {
                self.remaining -= n as u32;
                self.current = if self.remaining == 0 {
                    self.target
                } else {
                    let done = (self.ramp_len - self.remaining) as f32;
                    std::array::from_fn(|i| self.start[i] + self.step[i] * done)
                };
            }
            at += n;
        }
    }

    /// The settled path without generators: the identity is left alone (bit-exact), a diagonal
    /// matrix is a per-channel gain, anything else the full 2×2 product.
    fn apply_settled_matrix(&mut self, channels: &mut [&mut [f32]], start: usize, end: usize) {
        let c = self.current;
        match channels {
            [] => {}
            [left, right, ..] => {
                if c[1] == 0.0 && c[2] == 0.0 {
                    scale(&mut left[start..end], c[0]);
                    scale(&mut right[start..end], c[3]);
                } else {
                    for (l, r) in left[start..end].iter_mut().zip(&mut right[start..end]) {
                        let (x, y) = (*l, *r);
                        *l = c[0] * x + c[1] * y;
                        *r = c[2] * x + c[3] * y;
                    }
                }
            }
            [mono] => scale(&mut mono[start..end], c[0]),
        }
    }
}

fn scale(samples: &mut [f32], gain: f32) {
    if gain != 1.0 {
        for x in samples {
            *x *= gain;
        }
    }
}

/// `out = a·in + sine·g_s + pink·g_p` for two channels, each coefficient `base + slope·(i+1)`.
/// `GEN = false` skips the generator terms (both off).
#[inline]
fn mix_stereo<const GEN: bool>(
    left: &mut [f32],
    right: &mut [f32],
    sine: &[f32],
    pink: &[f32],
    base: &[f32; 8],
    slope: &[f32; 8],
) {
    let c = |j: usize, k: f32| base[j] + slope[j] * k;
    for i in 0..left.len() {
        let k = (i + 1) as f32;
        let (l, r) = (left[i], right[i]);
        let (mut ol, mut or) = (c(0, k) * l + c(1, k) * r, c(2, k) * l + c(3, k) * r);
        if GEN {
            ol += c(4, k) * sine[i] + c(6, k) * pink[i];
            or += c(5, k) * sine[i] + c(7, k) * pink[i];
        }
        left[i] = ol;
        right[i] = or;
    }
}

/// The one-channel version of [`mix_stereo`].
#[inline]
fn mix_mono(samples: &mut [f32], sine: &[f32], pink: &[f32], base: &[f32; 8], slope: &[f32; 8]) {
    let c = |j: usize, k: f32| base[j] + slope[j] * k;
    for (i, x) in samples.iter_mut().enumerate() {
        let k = (i + 1) as f32;
        *x = c(0, k) * *x + c(4, k) * sine[i] + c(6, k) * pink[i];
    }
}
