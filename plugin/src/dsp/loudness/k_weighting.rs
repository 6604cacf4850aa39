//! K-weighting (ITU-R BS.1770-4 Annex 1): a high shelf (about +4 dB above 1.5 kHz: the head's
//! effect) then a high-pass (about 38 Hz: the RLB curve), as two biquads in `f64` (the
//! high-pass's poles sit so close to the unit circle that `f32` state drifts).
//!
//! The coefficients come from the two filters' analog prototypes through the bilinear transform
//! (the derivation libebur128 uses), so every sample rate gets its own; at 48 kHz they equal the
//! standard's table to 1e-8 (`plugin/tests/loudness.rs`).

/// One biquad's coefficients, normalised so that `a0 = 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Biquad {
    /// `b0, b1, b2`.
    pub b: [f64; 3],
    /// `a1, a2`.
    pub a: [f64; 2],
}

/// The first stage (the shelf) at `sample_rate`.
pub fn shelf(sample_rate: f64) -> Biquad {
    let (f0, gain_db, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (std::f64::consts::PI * f0 / sample_rate).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    }
}

/// The second stage (the high-pass) at `sample_rate`. Its numerator is `1, −2, 1` unscaled, as
/// in the standard's table (the stage's gain is part of the −0.691 dB offset's calibration).
pub fn high_pass(sample_rate: f64) -> Biquad {
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (std::f64::consts::PI * f0 / sample_rate).tan();
    let a0 = 1.0 + k / q + k * k;
    Biquad {
        b: [1.0, -2.0, 1.0],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    }
}

/// Below this a filter state is flushed to 0, so silence after a signal never decays through
/// denormals (which cost ~100× per operation on x86).
const FLUSH: f64 = 1e-30;

/// The K-weighting filter of one channel: coefficients and state.
#[derive(Clone, Debug)]
pub struct KWeighting {
    stages: [Biquad; 2],
    /// Transposed direct form II state per stage.
    state: [[f64; 2]; 2],
}

impl KWeighting {
    /// A filter for `sample_rate` at rest.
    pub fn new(sample_rate: f64) -> Self {
        Self {
            stages: [shelf(sample_rate), high_pass(sample_rate)],
            state: [[0.0; 2]; 2],
        }
    }

    /// Filters `samples` and returns `Σ y²` of the weighted signal.
    pub fn energy(&mut self, samples: &[f32]) -> f64 {
        let [s1, s2] = self.stages;
        let [[mut z1, mut z2], [mut w1, mut w2]] = self.state;
        let mut sum = 0.0;
        for &x in samples {
            let x = f64::from(x);
            let y = s1.b[0] * x + z1;
            z1 = s1.b[1] * x - s1.a[0] * y + z2;
            z2 = s1.b[2] * x - s1.a[1] * y;
            let v = s2.b[0] * y + w1;
            w1 = s2.b[1] * y - s2.a[0] * v + w2;
            w2 = s2.b[2] * y - s2.a[1] * v;
            sum += v * v;
        }
        let flush = |z: f64| if z.abs() < FLUSH { 0.0 } else { z };
        self.state = [[flush(z1), flush(z2)], [flush(w1), flush(w2)]];
        sum
    }

    /// Back to rest.
    pub fn reset(&mut self) {
        self.state = [[0.0; 2]; 2];
    }
}
