//! The strip's laws: how parameter settings become the gain matrix and generator levels.
//!
//! Order of the signal path: DC filter (see [`super::dc`]) → test tone summed onto both inputs →
//! input trim → L/R swap → polarity → width (mid/side) → mono → balance → output gain and mute.
//! Bypass replaces all of it by the identity.
//!
//! - **Swap** exchanges the channels first, so `Invert L` flips what then is the left channel.
//! - **Width** `w = width/100`: `L' = (1+w)/2·L + (1−w)/2·R`, `R' = (1−w)/2·L + (1+w)/2·R`, i.e.
//!   mid `(L+R)/2` is kept and side `(L−R)/2` is scaled by `w`. 100 % is the identity, 0 % gives
//!   both channels `(L+R)/2` (mono, −6.02 dB for uncorrelated sides), 200 % doubles the side.
//! - **Mono** sends `(L+R)/2` to both channels (after width, so width no longer matters).
//! - **Balance** `p = pan/100`: the channel away from the pan direction is scaled by
//!   `cos(|p|·π/2)` (−3.01 dB at ±50, silent at ±100); the other channel stays at unity, so 0 is
//!   the identity.
//! - **Mono layout** (1 in/1 out): swap, width, mono and balance do not apply; `invert_l` flips
//!   the channel.

use super::db_to_gain;

/// The built-in test generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// No test signal.
    Off,
    /// A 1 kHz sine whose peak is the tone level (its RMS is the level − 3.01 dB).
    Sine1k,
    /// Pink noise with the same long-term RMS as the sine at the same level (level − 3.01 dB).
    Pink,
}

/// The strip's settings in plain units, as the parameters hold them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Input trim in dB.
    pub input_db: f32,
    /// Output gain in dB.
    pub output_db: f32,
    /// Balance, −100 (left) … +100 (right).
    pub pan: f32,
    /// Stereo width in percent, 0 … 200.
    pub width: f32,
    /// Flip the polarity of the left (or only) channel.
    pub invert_l: bool,
    /// Flip the polarity of the right channel.
    pub invert_r: bool,
    /// Silence the output.
    pub mute: bool,
    /// Pass the input through untouched.
    pub bypass: bool,
    /// Which test generator is summed onto the input.
    pub tone: Tone,
    /// Test generator level in dB.
    pub tone_level_db: f32,
    /// Sum to mono after width.
    pub mono: bool,
    /// Swap left and right, first.
    pub swap: bool,
    /// Remove DC from the input.
    pub dc_filter: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            input_db: 0.0,
            output_db: 0.0,
            pan: 0.0,
            width: 100.0,
            invert_l: false,
            invert_r: false,
            mute: false,
            bypass: false,
            tone: Tone::Off,
            tone_level_db: -18.0,
            mono: false,
            swap: false,
            dc_filter: false,
        }
    }
}

impl Settings {
    /// Whether the DC filter runs: asked for, and not bypassed.
    pub fn dc_filter_on(&self) -> bool {
        self.dc_filter && !self.bypass
    }
}

/// Everything the audio path multiplies by: the input matrix and each generator's level per
/// output channel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coefficients {
    /// `a[out][in]`: the gain from input channel `in` to output channel `out`.
    pub a: [[f32; 2]; 2],
    /// Sine generator level per output channel.
    pub sine: [f32; 2],
    /// Pink noise generator level per output channel.
    pub pink: [f32; 2],
}

impl Coefficients {
    /// The identity: output equals input, no generator.
    pub const IDENTITY: Self = Self {
        a: [[1.0, 0.0], [0.0, 1.0]],
        sine: [0.0; 2],
        pink: [0.0; 2],
    };

    pub(crate) fn to_array(self) -> [f32; 8] {
        let [[a00, a01], [a10, a11]] = self.a;
        [
            a00,
            a01,
            a10,
            a11,
            self.sine[0],
            self.sine[1],
            self.pink[0],
            self.pink[1],
        ]
    }

    pub(crate) fn from_array(c: [f32; 8]) -> Self {
        Self {
            a: [[c[0], c[1]], [c[2], c[3]]],
            sine: [c[4], c[5]],
            pink: [c[6], c[7]],
        }
    }
}

const IDENTITY: [[f32; 2]; 2] = [[1.0, 0.0], [0.0, 1.0]];

/// `a·b` (`b` applied first).
fn product(a: [[f32; 2]; 2], b: [[f32; 2]; 2]) -> [[f32; 2]; 2] {
    std::array::from_fn(|o| std::array::from_fn(|i| a[o][0] * b[0][i] + a[o][1] * b[1][i]))
}

/// The balance law: `(left, right)` factors for a pan of −100 … +100.
pub fn balance(pan: f32) -> (f32, f32) {
    let p = (pan / 100.0).clamp(-1.0, 1.0);
    let far = (p.abs() * std::f32::consts::FRAC_PI_2).cos().max(0.0);
    let far = if p.abs() >= 1.0 { 0.0 } else { far };
    if p > 0.0 {
        (far, 1.0)
    } else if p < 0.0 {
        (1.0, far)
    } else {
        (1.0, 1.0)
    }
}

/// The coefficients for `settings` on a layout with `channels` (1 or 2) channels.
pub fn coefficients(settings: &Settings, channels: usize) -> Coefficients {
    if settings.bypass {
        return Coefficients::IDENTITY;
    }
    let gain = if settings.mute {
        0.0
    } else {
        db_to_gain(settings.input_db) * db_to_gain(settings.output_db)
    };
    let polarity = |inverted: bool| if inverted { -1.0 } else { 1.0 };
    let p = [polarity(settings.invert_l), polarity(settings.invert_r)];

    let a = if channels >= 2 {
        let swap = if settings.swap {
            [[0.0, 1.0], [1.0, 0.0]]
        } else {
            IDENTITY
        };
        let polarity = [[p[0], 0.0], [0.0, p[1]]];
        let w = settings.width / 100.0;
        let (same, cross) = ((1.0 + w) / 2.0, (1.0 - w) / 2.0);
        let width = [[same, cross], [cross, same]];
        let mono = if settings.mono {
            [[0.5, 0.5], [0.5, 0.5]]
        } else {
            IDENTITY
        };
        let (bl, br) = balance(settings.pan);
        let balance = [[bl * gain, 0.0], [0.0, br * gain]];
        [swap, polarity, width, mono, balance]
            .into_iter()
            .fold(IDENTITY, |acc, stage| product(stage, acc))
    } else {
        [[gain * p[0], 0.0], [0.0, 0.0]]
    };

    // The generator feeds both inputs equally, so its level at each output is the row sum.
    let tone_gain = db_to_gain(settings.tone_level_db);
    let tone = if channels >= 2 {
        [
            (a[0][0] + a[0][1]) * tone_gain,
            (a[1][0] + a[1][1]) * tone_gain,
        ]
    } else {
        [a[0][0] * tone_gain, 0.0]
    };
    let (sine, pink) = match settings.tone {
        Tone::Off => ([0.0; 2], [0.0; 2]),
        Tone::Sine1k => (tone, [0.0; 2]),
        Tone::Pink => ([0.0; 2], tone),
    };
    Coefficients { a, sine, pink }
}
