//! The test generators: a 1 kHz sine and pink noise, both allocation-free and deterministic.

/// Frequency of the sine generator in Hz.
pub const SINE_HZ: f64 = 1000.0;

/// A sine oscillator as a rotating unit phasor (two multiply-adds per sample, no `sin()` call).
#[derive(Clone, Debug)]
pub struct Sine {
    re: f64,
    im: f64,
    rot_re: f64,
    rot_im: f64,
}

impl Sine {
    /// A sine at `hz` for `sample_rate`, starting at phase 0.
    pub fn new(hz: f64, sample_rate: f32) -> Self {
        let w = std::f64::consts::TAU * hz / f64::from(sample_rate);
        Self {
            re: 1.0,
            im: 0.0,
            rot_re: w.cos(),
            rot_im: w.sin(),
        }
    }

    /// The next sample, peak amplitude 1.
    #[inline]
    pub fn next_sample(&mut self) -> f32 {
        let out = self.im as f32;
        let re = self.re * self.rot_re - self.im * self.rot_im;
        self.im = self.re * self.rot_im + self.im * self.rot_re;
        self.re = re;
        out
    }

    /// Pulls the phasor back onto the unit circle; call once per block.
    pub fn renormalize(&mut self) {
        let norm = (self.re * self.re + self.im * self.im).sqrt().recip();
        self.re *= norm;
        self.im *= norm;
    }
}

/// Pink noise: white noise from a xorshift generator through Paul Kellet's refined pink filter
/// (within ±0.05 dB of −3 dB/octave from 9 Hz up), scaled to an RMS of `1/√2`.
#[derive(Clone, Debug)]
pub struct Pink {
    state: u32,
    b: [f32; 7],
}

/// Scale from Kellet's filter output to an RMS of `1/√2` (measured over 10⁷ samples by
/// `pink_rms_matches_sine` in the tests).
const PINK_SCALE: f32 = 0.400_16;

impl Pink {
    /// A pink noise source with a fixed seed.
    pub fn new() -> Self {
        Self {
            state: 0x9E37_79B9,
            b: [0.0; 7],
        }
    }

    #[inline]
    fn white(&mut self) -> f32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        // Uniform in [-1, 1).
        (x as i32 as f32) * (1.0 / 2_147_483_648.0)
    }

    /// The next sample.
    #[inline]
    pub fn next_sample(&mut self) -> f32 {
        let w = self.white();
        let b = &mut self.b;
        b[0] = 0.99886 * b[0] + w * 0.055_517_9;
        b[1] = 0.99332 * b[1] + w * 0.075_075_9;
        b[2] = 0.96900 * b[2] + w * 0.153_852;
        b[3] = 0.86650 * b[3] + w * 0.310_485_6;
        b[4] = 0.55000 * b[4] + w * 0.532_952_2;
        b[5] = -0.7616 * b[5] - w * 0.016_898;
        let out = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
        b[6] = w * 0.115_926;
        out * PINK_SCALE
    }
}

impl Default for Pink {
    fn default() -> Self {
        Self::new()
    }
}
